#!/usr/bin/env python3
"""Times ckptview freeze against TensorFlow's freeze of the same model (run.sh).

    bench.py --workdir W --ckptview BIN --tf-python PY [--runs 2]

Runs the contenders interleaved (ckptview, TF, ckptview, TF, ...), each run
preceded by `sync` (no dirty pages of an earlier run left to throttle this
run's writes) and a read of the model's files (warm page cache for both).
Wall time and peak RSS come from os.wait4's rusage of the child. Keeps the
best wall time per contender and the largest peak RSS seen.
"""
import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def warm(paths):
    buf = bytearray(8 << 20)
    for p in paths:
        with open(p, "rb", buffering=0) as f:
            while f.readinto(buf):
                pass


def run_timed(cmd, stdout=subprocess.DEVNULL):
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE)
    out = p.stdout.read() if stdout == subprocess.PIPE else b""
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall_ms = (time.perf_counter() - t0) * 1000.0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.stderr.write(err.decode(errors="replace"))
        raise SystemExit(f"bench: {' '.join(cmd)} exited with {p.returncode}")
    return wall_ms, ru.ru_maxrss / 1024.0, out


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
    env_quiet = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    os.environ.update(env_quiet)

    ck, tf = [], []
    for r in range(1, args.runs + 1):
        # ckptview, the short form a user would type.
        ck_out = os.path.join(out_dir, f"ckptview.{r}.pb")
        os.sync()
        warm(inputs)
        wall, rss, _ = run_timed([args.ckptview, "freeze", model,
                                  f"--output_node_names={output_node}", "-o", ck_out, "--quiet"])
        ck.append({"wall_ms": wall, "peak_mb": rss, "out": ck_out})
        print(f"  run {r}: ckptview   {wall:9.0f} ms  {rss:8.1f} MB", file=sys.stderr)

        # TensorFlow, freeze_graph.py's steps.
        tf_out = os.path.join(out_dir, f"tensorflow.{r}.pb")
        os.sync()
        warm(inputs)
        wall, rss, out = run_timed([args.tf_python, os.path.join(HERE, "tf_freeze.py"),
                                    info["meta"], info["prefix"], output_node, tf_out],
                                   stdout=subprocess.PIPE)
        inner = json.loads(out.decode().strip().splitlines()[-1])
        tf.append({"wall_ms": wall, "peak_mb": rss, "inner": inner, "out": tf_out})
        print(f"  run {r}: TensorFlow {wall:9.0f} ms  {rss:8.1f} MB  "
              f"(freeze+write {inner['freeze_write_ms']} ms)", file=sys.stderr)

    result = {
        "info": info,
        "runs": args.runs,
        "ckptview": ck,
        "tensorflow": tf,
        "loadavg": os.getloadavg(),
    }
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
