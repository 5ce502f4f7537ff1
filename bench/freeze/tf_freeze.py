#!/usr/bin/env python3
"""TensorFlow's freeze, as freeze_graph.py does it for a meta graph + checkpoint.

    tf_freeze.py META PREFIX OUTPUT_NODES OUT.pb

Mirrors tensorflow/python/tools/freeze_graph.py (freeze_graph_with_def_protos
with input_meta_graph, clear_devices=True): read the MetaGraphDef, clear the
GraphDef's devices, import_meta_graph(clear_devices=True), Saver restore,
graph_util.convert_variables_to_constants, SerializeToString, write the file.
Prints one JSON line on stdout: ms for the TF import, the freeze, the write,
and the freeze+write portion, and the process's peak RSS (ru_maxrss) before
and after the freeze.
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
    import tensorflow as tf
    from tensorflow.core.protobuf import meta_graph_pb2
    v1 = tf.compat.v1
    v1.disable_eager_execution()
    t_imported = time.perf_counter()
    rss_imported = peak_mb()

    # freeze_graph.py: _parse_input_meta_graph_proto, then
    # freeze_graph_with_def_protos(input_graph_def=meta.graph_def, ...).
    meta = meta_graph_pb2.MetaGraphDef()
    with open(meta_path, "rb") as f:
        meta.ParseFromString(f.read())
    input_graph_def = meta.graph_def
    for node in input_graph_def.node:  # clear_devices
        node.device = ""
    _ = v1.import_graph_def  # (same module freeze_graph.py uses)
    with v1.Session() as sess:
        restorer = v1.train.import_meta_graph(meta, clear_devices=True)
        restorer.restore(sess, prefix)
        t_restored = time.perf_counter()
        frozen = v1.graph_util.convert_variables_to_constants(
            sess, input_graph_def, outputs.replace(" ", "").split(","))
    t_frozen = time.perf_counter()
    data = frozen.SerializeToString()
    with open(out_path, "wb") as f:
        f.write(data)
    t_written = time.perf_counter()
    print(json.dumps({
        "import_tf_ms": round((t_imported - t_start) * 1000),
        "load_restore_ms": round((t_restored - t_imported) * 1000),
        "convert_ms": round((t_frozen - t_restored) * 1000),
        "write_ms": round((t_written - t_frozen) * 1000),
        "freeze_write_ms": round((t_written - t_imported) * 1000),
        "total_in_python_ms": round((t_written - t_start) * 1000),
        "nodes": len(frozen.node),
        "bytes": len(data),
        "peak_rss_after_import_mb": round(rss_imported, 1),
        "peak_rss_mb": round(peak_mb(), 1),
    }))


if __name__ == "__main__":
    main()
