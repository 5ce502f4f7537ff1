#!/usr/bin/env python3
"""Times ckptview freeze against TensorFlow's freeze of the same model (run.sh).

    bench.py --workdir W --ckptview BIN --tf-python PY [--runs 2]

Runs the contenders interleaved (dd, ckptview, TF, dd, ckptview, TF, ...;
dd copies the .data file to a new file: a reference for writing the
constants' bytes, not a floor), each run preceded by `sync` (no dirty pages of an earlier run left to throttle this
run's writes) and a read of the model's files (warm page cache for both).
Wall time and peak RSS come from os.wait4's rusage of the child. Keeps the
best wall time per contender and the largest peak RSS seen; then runs
check.py on the outputs, prints the table and writes W/result.json.

ckptview runs with CKPTVIEW_FREEZE_TRACE=1: its phases (open = read and
parse the graph, bind variables; plan = extract, convert, size every node;
written = every byte written and fsynced, renamed) are printed for its best run.

The memory goal's reference ("largest tensor + graph", check.py):
  largest tensor = the largest frozen variable's tensor_content, in bytes;
  graph          = the frozen GraphDef as serialized, minus the frozen
                   variables' tensor_content bytes (the graph structure the
                   output holds; the input .meta, also printed, is about as big).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def warm(paths):
    buf = bytearray(8 << 20)
    for p in paths:
        with open(p, "rb", buffering=0) as f:
            while f.readinto(buf):
                pass


def run_timed(cmd, env=None, stderr_out=None):
    """Runs cmd; returns (wall ms, peak RSS MB of the child, its stdout).
    stderr_out (a list) gets the child's stderr text."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        _, status, ru = os.wait4(p.pid, 0)
        wall_ms = (time.perf_counter() - t0) * 1000.0
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        err_text = err.read().decode(errors="replace")
        if p.returncode != 0:
            sys.stderr.write(err_text)
            raise SystemExit(f"bench: {' '.join(cmd)} exited with {p.returncode}")
        if stderr_out is not None:
            stderr_out.append(err_text)
        return wall_ms, ru.ru_maxrss / 1024.0, out.read()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--ckptview", required=True)
    ap.add_argument("--tf-python", required=True)
    ap.add_argument("--runs", type=int, default=2)
    args = ap.parse_args()

    model = os.path.join(args.workdir, "model")
    with open(os.path.join(model, "info.json")) as f:
        info = json.load(f)
    out_dir = os.path.join(args.workdir, "out")
    os.makedirs(out_dir, exist_ok=True)
    for name in os.listdir(out_dir):
        os.unlink(os.path.join(out_dir, name))
    inputs = [os.path.join(model, n) for n in sorted(os.listdir(model))
              if n.startswith("model.ckpt")]
    output_node = info["output_node"]
    prefix = os.path.join(model, info["prefix"])
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

    data_file = next(p for p in inputs if ".data-" in p)
    ck, tf, dd = [], [], []
    for r in range(1, args.runs + 1):
        # A reference, not a floor: copy the data file (all the constants'
        # bytes) to a new file in the same folder, read()/write() in 16 MiB
        # blocks. It varies run to run (0.6 to 4.8 s here for 1 GiB) with the
        # kernel's dirty-page writeback; ckptview starts writeback as it goes
        # (sync_file_range), so it can beat this line.
        dd_out = os.path.join(out_dir, f"dd.{r}.bin")
        os.sync()
        warm(inputs)
        wall, rss, _ = run_timed(["dd", f"if={data_file}", f"of={dd_out}", "bs=16M", "status=none"])
        dd.append({"wall_ms": wall, "peak_mb": rss})
        print(f"  run {r}: dd copy    {wall:9.0f} ms  {rss:8.1f} MB", file=sys.stderr)
        os.unlink(dd_out)

        # ckptview, the short form a user would type.
        ck_out = os.path.join(out_dir, f"ckptview.{r}.pb")
        os.sync()
        warm(inputs)
        trace_env = dict(os.environ, CKPTVIEW_FREEZE_TRACE="1")
        err_lines = []
        wall, rss, _ = run_timed([args.ckptview, "freeze", model,
                                  f"--output_node_names={output_node}", "-o", ck_out, "--quiet"],
                                 env=trace_env, stderr_out=err_lines)
        trace = [line for line in err_lines[0].splitlines() if line.startswith("freeze trace:")]
        ck.append({"wall_ms": wall, "peak_mb": rss, "out": ck_out, "trace": trace})
        print(f"  run {r}: ckptview   {wall:9.0f} ms  {rss:8.1f} MB", file=sys.stderr)

        # TensorFlow: freeze_graph.py's freeze_graph(), timed inside.
        tf_out = os.path.join(out_dir, f"tensorflow.{r}.pb")
        os.sync()
        warm(inputs)
        wall, rss, out = run_timed([args.tf_python, os.path.join(HERE, "tf_freeze.py"),
                                    prefix + ".meta", prefix, output_node, tf_out])
        inner = json.loads(out.decode().strip().splitlines()[-1])
        tf.append({"wall_ms": wall, "peak_mb": rss, "inner": inner, "out": tf_out})
        print(f"  run {r}: TensorFlow {wall:9.0f} ms  {rss:8.1f} MB  "
              f"(freeze+write {inner['freeze_write_ms']} ms)", file=sys.stderr)

    loadavg = os.getloadavg()

    # Same nodes and constants; reference sizes.
    others = [x["out"] for x in ck[1:] + tf[1:]]
    check_out = subprocess.run([args.tf_python, os.path.join(HERE, "check.py"), ck[0]["out"],
                                tf[0]["out"], prefix] + others,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if check_out.returncode != 0:
        sys.stderr.write(check_out.stderr.decode(errors="replace"))
        raise SystemExit("bench: check.py failed")
    check_out = check_out.stdout
    check = json.loads(check_out.decode().strip().splitlines()[-1])
    for o in others:
        os.unlink(o)

    meta_bytes = os.path.getsize(prefix + ".meta")
    result = {"info": info, "runs": args.runs, "ckptview": ck, "tensorflow": tf, "meta_bytes": meta_bytes,
              "dd_copy": dd, "check": check, "ckptview_path": args.ckptview, "loadavg": loadavg, "nproc": os.cpu_count()}
    with open(os.path.join(args.workdir, "result.json"), "w") as f:
        json.dump(result, f, indent=1)
    print_table(result)
    return 0 if check["ok"] else 1


def print_table(r):
    info, check = r["info"], r["check"]
    ck_ms = min(x["wall_ms"] for x in r["ckptview"])
    ck_mb = max(x["peak_mb"] for x in r["ckptview"])
    tf_ms = min(x["wall_ms"] for x in r["tensorflow"])
    tf_mb = max(x["peak_mb"] for x in r["tensorflow"])
    tf_fw = min(x["inner"]["freeze_write_ms"] for x in r["tensorflow"])
    tf_imp = min(x["inner"]["import_tf_ms"] for x in r["tensorflow"])
    tf_after_import = max(x["inner"]["peak_rss_after_import_mb"] for x in r["tensorflow"])
    MB = 1 << 20
    largest, graph = check["largest_tensor_bytes"], check["graph_bytes"]
    ref_mb = (largest + graph) / MB

    print(f"freeze benchmark: {check['nodes']:,} nodes, {check['frozen_variables']} variables, "
          f"{check['constant_bytes'] / MB:,.0f} MiB of float32 ({os.cpu_count()} cores, "
          f"load {r['loadavg'][0]:.1f}; best of {r['runs']} for ms, largest of {r['runs']} for peak MB)")
    print(f"{'what':<62} {'ms':>9} {'peak MB':>9} {'row/ckptview':>13}")
    print(f"{'ckptview freeze (whole process)':<62} {ck_ms:9.0f} {ck_mb:9.1f} {'':>13}")
    dd_ms = min(x["wall_ms"] for x in r["dd_copy"])
    print(f"{'reference: dd the .data file to a new file (no fsync)':<62} {dd_ms:9.0f} "
          f"{max(x['peak_mb'] for x in r['dd_copy']):9.1f} {dd_ms / ck_ms:12.2f}x")
    print(f"{'TensorFlow freeze (whole: python, import, freeze, write)':<62}"
          f" {tf_ms:9.0f} {tf_mb:9.1f} {tf_ms / ck_ms:12.1f}x")
    print(f"{'  of which import tensorflow':<62} {tf_imp:9.0f} {tf_after_import:9.1f}")
    print(f"{'  of which freeze + write (in Python)':<62} {tf_fw:9.0f} {tf_mb:9.1f} {tf_fw / ck_ms:12.1f}x")
    best = min(r["tensorflow"], key=lambda x: x["inner"]["freeze_write_ms"])["inner"]
    for key, label in (("load_restore_ms", "parse .meta, import_meta_graph, restore"),
                       ("convert_ms", "convert_variables_to_constants"),
                       ("write_ms", "SerializeToString + write")):
        print(f"{'    ' + label:<62} {best[key]:9.0f}")
    print(f"memory: TensorFlow peak / ckptview peak = {tf_mb / ck_mb:.1f}x")
    print(f"reference: largest tensor {largest:,} B ({check['largest_tensor']}), graph {graph:,} B (the frozen "
          f"GraphDef serialized without the frozen tensors' bytes; input .meta {r.get('meta_bytes', 0):,} B); "
          f"sum {ref_mb:.1f} MiB")
    best_ck = min(r["ckptview"], key=lambda x: x["wall_ms"])
    for line in best_ck.get("trace", []):
        print(f"  ckptview {line}")
    ratio = ck_mb / ref_mb
    print(f"ckptview: {r['ckptview_path']}; runs (ms): ckptview "
          f"{', '.join(str(round(x['wall_ms'])) for x in r['ckptview'])}; TensorFlow "
          f"{', '.join(str(round(x['wall_ms'])) for x in r['tensorflow'])}; dd "
          f"{', '.join(str(round(x['wall_ms'])) for x in r['dd_copy'])}")
    print(f"20x of TensorFlow's freeze + write needs <= {tf_fw / 20:.0f} ms")
    print(f"goal speed >= 20x (vs TF's freeze + write alone): {tf_fw / ck_ms:.1f}x  "
          f"{'MET' if tf_fw / ck_ms >= 20 else 'MISSED'} (vs whole process {tf_ms / ck_ms:.1f}x "
          f"{'MET' if tf_ms / ck_ms >= 20 else 'MISSED'})")
    print(f"goal peak < 1.5x (largest tensor + graph): ckptview peak / {ref_mb:.1f} MiB = {ratio:.2f}x  "
          f"{'MET' if ratio < 1.5 else 'MISSED'}")
    print(f"check: {'OK' if check['ok'] else 'FAILED'}: same {check['nodes']:,} node names"
          f"{', same NodeDefs and constants' if check['ok'] else ''}; "
          f"{len(check['sampled'])} constants equal to the checkpoint value by value "
          f"({', '.join(s['name'] for s in check['sampled'])})")
    for p in check["problems"]:
        print(f"  problem: {p}")
    for k, v in check["bytes_compare"].items():
        print(f"bytes: {k}: {v}")


if __name__ == "__main__":
    sys.exit(main())
