#!/usr/bin/env python3
"""TensorFlow's own freeze of a meta graph + checkpoint, timed from inside.

    tf_freeze.py META PREFIX OUTPUT_NODES OUT.pb

Runs tensorflow/python/tools/freeze_graph.py's freeze_graph() with the
arguments its command line
    freeze_graph.py --input_meta_graph=META --input_binary=true
      --input_checkpoint=PREFIX --output_node_names=OUTPUT_NODES
      --output_graph=OUT.pb
passes (clear_devices=True): parse the MetaGraphDef, clear devices,
import_meta_graph, Saver restore, convert_variables_to_constants,
SerializeToString(deterministic=True), GFile write. Only argparse is left out.
convert_variables_to_constants is wrapped to time it. Prints one JSON line on
stdout: ms for importing TensorFlow, load + restore, convert, serialize +
write, freeze + write (everything after the import), and the process's peak
RSS (ru_maxrss) after the import and at the end.
"""
import json
import os
import resource
import sys
import time

t_start = time.perf_counter()
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main():
    meta_path, prefix, outputs, out_path = sys.argv[1:5]
    import tensorflow  # noqa: F401  (what `python freeze_graph.py` imports)
    from tensorflow.python.tools import freeze_graph
    t_imported = time.perf_counter()
    rss_imported = peak_mb()

    marks = {}
    convert = freeze_graph.convert_to_constants.convert_variables_to_constants

    def timed_convert(*args, **kwargs):
        marks["convert_start"] = time.perf_counter()
        out = convert(*args, **kwargs)
        marks["convert_end"] = time.perf_counter()
        return out

    real_module = freeze_graph.convert_to_constants
    shim = type(real_module)("convert_to_constants_timed")
    shim.__dict__.update(real_module.__dict__)
    shim.convert_variables_to_constants = timed_convert
    freeze_graph.convert_to_constants = shim

    freeze_graph.freeze_graph(
        input_graph="", input_saver="", input_binary=True,
        input_checkpoint=prefix, output_node_names=outputs,
        restore_op_name="save/restore_all", filename_tensor_name="save/Const:0",
        output_graph=out_path, clear_devices=True, initializer_nodes="",
        variable_names_whitelist="", variable_names_denylist="",
        input_meta_graph=meta_path)
    t_written = time.perf_counter()
    freeze_graph.convert_to_constants = real_module

    print(json.dumps({
        "import_tf_ms": round((t_imported - t_start) * 1000),
        "load_restore_ms": round((marks["convert_start"] - t_imported) * 1000),
        "convert_ms": round((marks["convert_end"] - marks["convert_start"]) * 1000),
        "write_ms": round((t_written - marks["convert_end"]) * 1000),
        "freeze_write_ms": round((t_written - t_imported) * 1000),
        "total_in_python_ms": round((t_written - t_start) * 1000),
        "bytes": os.path.getsize(out_path),
        "peak_rss_after_import_mb": round(rss_imported, 1),
        "peak_rss_mb": round(peak_mb(), 1),
    }))


if __name__ == "__main__":
    main()
