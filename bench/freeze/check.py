#!/usr/bin/env python3
"""Sanity check and reference sizes for the freeze benchmark (run.sh).

    check.py CKPTVIEW.pb TENSORFLOW.pb PREFIX [OTHER.pb ...]

Both frozen GraphDefs must have the same nodes (names, in order, ops, inputs,
attrs) and every constant the same bytes; a few variables are also compared
value by value against the checkpoint read by tf.train.load_checkpoint.
Prints a JSON line: the check's findings, the largest tensor's bytes and the
graph's bytes (the frozen GraphDef with the frozen variables' tensor_content
removed). OTHER.pb files are only compared byte for byte with the first two.
"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def first_difference(a, b, chunk=16 << 20):
    with open(a, "rb") as fa, open(b, "rb") as fb:
        pos = 0
        while True:
            x, y = fa.read(chunk), fb.read(chunk)
            if x != y:
                n = min(len(x), len(y))
                for i in range(n):
                    if x[i] != y[i]:
                        return pos + i
                return pos + n
            if not x:
                return None
            pos += len(x)


def main():
    ck_path, tf_path, prefix = sys.argv[1:4]
    others = sys.argv[4:]
    import numpy as np
    import tensorflow as tf
    from tensorflow.core.framework import graph_pb2

    def load(p):
        g = graph_pb2.GraphDef()
        with open(p, "rb") as f:
            g.ParseFromString(f.read())
        return g

    ck, ref = load(ck_path), load(tf_path)
    problems = []
    ck_names = [n.name for n in ck.node]
    tf_names = [n.name for n in ref.node]
    if set(ck_names) != set(tf_names):
        problems.append(f"node names differ: {len(set(ck_names) - set(tf_names))} only in ckptview, "
                        f"{len(set(tf_names) - set(ck_names))} only in TensorFlow")
    elif ck_names != tf_names:
        problems.append("same node names, different order")
    tf_by_name = {n.name: n for n in ref.node}
    reader = tf.train.load_checkpoint(prefix)
    var_shapes = reader.get_variable_to_shape_map()
    differing_nodes, consts, const_bytes, content_bytes = [], 0, 0, 0
    largest = ("", 0)
    for n in ck.node:
        t = tf_by_name.get(n.name)
        if t is None:
            continue
        if n != t:
            differing_nodes.append(n.name)
        if n.op == "Const" and n.name in var_shapes:
            consts += 1
            c = n.attr["value"].tensor.tensor_content
            content_bytes += len(c)
            if c != t.attr["value"].tensor.tensor_content:
                problems.append(f"constant {n.name}: values differ")
            if len(c) > largest[1]:
                largest = (n.name, len(c))
    if differing_nodes:
        problems.append(f"{len(differing_nodes)} NodeDefs differ, e.g. {differing_nodes[:3]}")
    if consts != len(var_shapes):
        problems.append(f"{consts} frozen variables, the checkpoint has {len(var_shapes)}")

    # A few constants value by value against the checkpoint (numpy decode).
    sample = [largest[0]] + sorted(var_shapes)[1:: max(1, len(var_shapes) // 5)]
    sampled = []
    for name in dict.fromkeys(sample):
        node = tf_by_name[name]
        tp = node.attr["value"].tensor
        got = np.frombuffer(
            next(x for x in ck.node if x.name == name).attr["value"].tensor.tensor_content,
            dtype=np.float32).reshape([d.size for d in tp.tensor_shape.dim])
        want = reader.get_tensor(name)
        ok = bool(np.array_equal(got, want))
        nonzero = bool(np.count_nonzero(want) == want.size)
        sampled.append({"name": name, "elements": int(want.size), "equal": ok,
                        "all_nonzero": nonzero, "mean": float(want.mean())})
        if not ok:
            problems.append(f"constant {name}: differs from the checkpoint")

    # Graph bytes: the frozen GraphDef without the frozen variables' values.
    for n in ck.node:
        if n.op == "Const" and n.name in var_shapes:
            n.attr["value"].tensor.tensor_content = b""
    graph_bytes = ck.ByteSize()

    identical = {}
    first = first_difference(ck_path, tf_path)
    identical["ckptview vs TensorFlow"] = "identical" if first is None else f"differ from byte {first}"
    for o in others:
        for base in (ck_path, tf_path):
            if os.path.basename(o).split(".")[0] == os.path.basename(base).split(".")[0]:
                d = first_difference(base, o)
                identical[f"{os.path.basename(base)} vs {os.path.basename(o)}"] = (
                    "identical" if d is None else f"differ from byte {d}")

    print(json.dumps({
        "ok": not problems,
        "problems": problems,
        "nodes": len(ck_names),
        "frozen_variables": consts,
        "constant_bytes": content_bytes,
        "largest_tensor": largest[0],
        "largest_tensor_bytes": largest[1],
        "graph_bytes": graph_bytes,
        "sampled": sampled,
        "bytes_compare": identical,
    }))


if __name__ == "__main__":
    main()
