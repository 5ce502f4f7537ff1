#!/usr/bin/env python3
"""Builds the freeze benchmark's model with real TensorFlow (TF1 graph mode).

    make_graph.py WORKDIR [--nodes 100000] [--mib 1024] [--layers 56]

Writes WORKDIR/model/{checkpoint, model.ckpt.meta, .index, .data-00000-of-00001}
and WORKDIR/model/info.json (output node name, counts, sizes). Skips all work
when info.json already exists with the same parameters.

The graph: a Placeholder `input` [None, 8192]; a first MatMul by an
[8192, 2048] variable (the largest tensor, 64 MiB), then `layers` blocks of
MatMul [2048, 2048] (16 MiB) + BiasAdd + Relu; each block also adds a side
variable [256, 2048] (2 MiB, reduced over its first axis) and a block of small
Identity / Add / Mul / AddN chains (shared scalar constants) that brings the
node count of the frozen subgraph to about --nodes. One output node `output`.
Variables are VariableV2 (classic TF1 `freeze_graph.py` input), initialised
with a per-variable constant plus a little uniform noise so the values are
neither zero nor alike (the checkpoint's crc32c and the copy do real work).
"""
import argparse
import json
import os
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("workdir")
    ap.add_argument("--nodes", type=int, default=100_000,
                    help="target node count of the frozen subgraph")
    ap.add_argument("--mib", type=int, default=1024,
                    help="approximate variable bytes in MiB (sets the layer count)")
    ap.add_argument("--width", type=int, default=2048)
    ap.add_argument("--in-width", type=int, default=8192)
    ap.add_argument("--side-rows", type=int, default=256)
    args = ap.parse_args()

    w, iw, sr = args.width, args.in_width, args.side_rows
    big = iw * w * 4
    per_layer = (w * w + w + sr * w) * 4
    layers = max(1, round((args.mib * 2**20 - big) / per_layer))
    params = {"nodes": args.nodes, "mib": args.mib, "width": w, "in_width": iw,
              "side_rows": sr, "layers": layers, "version": 2}

    out_dir = os.path.join(args.workdir, "model")
    info_path = os.path.join(out_dir, "info.json")
    if os.path.exists(info_path):
        with open(info_path) as f:
            info = json.load(f)
        if info.get("params") == params:
            print(f"make_graph: reusing {out_dir}", file=sys.stderr)
            return 0
    os.makedirs(out_dir, exist_ok=True)

    t0 = time.time()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf
    v1 = tf.compat.v1
    v1.disable_eager_execution()
    v1.disable_resource_variables()

    g = tf.Graph()
    with g.as_default():
        var_index = [0]

        def variable(name, shape):
            var_index[0] += 1
            k = var_index[0]
            init = (tf.fill(shape, 0.001 * k) +
                    v1.random_uniform(shape, 0.0, 1e-3, seed=k))
            return v1.Variable(init, name=name)

        x = v1.placeholder(tf.float32, [None, iw], name="input")
        # Kept nodes per layer: 3 variables x (VariableV2 + read Identity),
        # MatMul, BiasAdd, Relu, Sum + its axis Const, Add; 7 more overall
        # (input, embed variable + read + MatMul, one, half, output). The
        # rest of the node budget goes to small op chains, spread evenly.
        fixed_per_layer = 3 * 2 + 6
        chain_nodes = max(0, args.nodes - 7 - layers * fixed_per_layer)
        per_layer_chain = chain_nodes // layers
        one = tf.constant(1.0, name="one")
        half = tf.constant(0.5, name="half")

        w0 = variable("embed/kernel", [iw, w])
        h = tf.matmul(x, w0, name="embed/MatMul")
        for i in range(layers):
            with tf.name_scope(f"layer{i:03d}"):
                kernel = variable("kernel", [w, w])
                bias = variable("bias", [w])
                side = variable("side", [sr, w])
                h = tf.nn.relu(tf.nn.bias_add(tf.matmul(h, kernel), bias))
                h = tf.add(h, tf.reduce_sum(side, axis=0), name="side_add")
                # Chains of small ops: groups of 4 (Identity, Mul, Add, AddN)
                # with a short skip, each reading the group's previous output.
                with tf.name_scope("chain"):
                    c = h
                    n = 0
                    while n + 4 <= per_layer_chain:
                        a = tf.identity(c)
                        b = tf.multiply(a, half)
                        d = tf.add(b, one)
                        c = tf.add_n([d, a])
                        n += 4
                    while n < per_layer_chain:
                        c = tf.identity(c)
                        n += 1
                    h = c
        out = tf.identity(h, name="output")

        saver = v1.train.Saver(save_relative_paths=True)  # folder can move
        build_s = time.time() - t0
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            init_s = time.time() - t0 - build_s
            prefix = saver.save(sess, os.path.join(out_dir, "model.ckpt"))
        save_s = time.time() - t0 - build_s - init_s

        graph_def = g.as_graph_def()
        # Count the subgraph the freeze keeps.
        sub = v1.graph_util.extract_sub_graph(graph_def, [out.op.name])
        variables = v1.global_variables()
        sizes = [int(v.shape.num_elements()) * 4 for v in variables]

    info = {
        "params": params,
        "prefix": os.path.basename(prefix),  # relative to the model folder
        "output_node": out.op.name,
        "graph_nodes": len(graph_def.node),
        "frozen_nodes": len(sub.node),
        "variables": len(sizes),
        "variable_bytes": sum(sizes),
        "largest_tensor_bytes": max(sizes),
        "seconds": {"build": round(build_s, 1), "init": round(init_s, 1),
                    "save": round(save_s, 1)},
    }
    with open(info_path + ".tmp", "w") as f:
        json.dump(info, f, indent=1)
    os.replace(info_path + ".tmp", info_path)
    print(json.dumps(info), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
