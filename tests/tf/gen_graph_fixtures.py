#!/usr/bin/env python3
"""Writes the freeze interop fixtures: tests/fixtures/graphs/<case>/.

Each case is a small model saved by real TensorFlow, either a TF1 checkpoint
folder (`checkpoint` state file with relative paths, `.meta`, `.index`,
`.data-*`) or a SavedModel, plus a `case.json` that says how to freeze and
run it:

  {
    "name": "dense",
    "description": "...",
    "input": {"kind": "checkpoint", "dir": ".", "checkpoint_prefix":
              "model.ckpt-3", "meta_graph": "model.ckpt-3.meta"}
           | {"kind": "saved_model", "dir": ".", "tags": ["serve"],
              "signature": "serving_default"},
    "output_node_names": ["probs"],
    "feeds": {"x": {"dtype": "float32", "shape": [2, 4], "values": [...]}},
    "fetches": ["probs:0", "logits:0"],
    "extra_runs": [{"feeds": {...}, "fetches": [...]}],   (optional)
    "tf_freeze_expect": {"freeze_graph": "ok", "v2": "ok", "note": ".."},
        how TF's own freeze behaves (ok | convert_fails | import_fails |
        run_fails): "freeze_graph" = freeze_graph.py's
        convert_variables_to_constants, "v2" (SavedModels) =
        convert_variables_to_constants_v2 on the serving signature.
    "generator": {"tensorflow": "2.21.0", ...}
  }

Feed names are placeholder node names; fetch names are tensor names in the
graph being frozen (also valid in the frozen graph). Float feed values are
written as the JSON doubles of float32 values, so they round-trip exactly.

Everything is seeded, so values are the same on every run. Each case is built
in its own Python process (the TF1/TF2 behaviour switches are process-global)
and written to a temporary folder that replaces the old one at the end.

Usage:
  gen_graph_fixtures.py [--out DIR] [--only a,b] [--missing-only]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.normpath(os.path.join(HERE, "..", "fixtures", "graphs"))

CASES = [
    "tutorial",
    "dense",
    "conv",
    "resource",
    "cond_v1",
    "while_v1",
    "cond_v2",
    "while_v2",
    "batchnorm_training",
    "keras_savedmodel",
    "module_savedmodel",
    "partitioned",
]

SEED = 20240521


# ----------------------------------------------------------------------------
# Helpers (run inside the per-case child process).
# ----------------------------------------------------------------------------

def _import_tf():
  os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
  os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  return tf


def _feed(values, dtype, shape=None):
  import numpy as np  # pylint: disable=g-import-not-at-top
  arr = np.asarray(values, dtype=dtype)
  if shape is not None:
    arr = arr.reshape(shape)
  return {
      "dtype": arr.dtype.name,
      "shape": list(arr.shape),
      "values": arr.reshape(-1).tolist(),
  }


def _rng(offset=0):
  import numpy as np  # pylint: disable=g-import-not-at-top
  return np.random.RandomState(SEED + offset)


def _feed_dict_from_case(graph, feeds):
  import numpy as np  # pylint: disable=g-import-not-at-top
  out = {}
  for name, spec in feeds.items():
    arr = np.asarray(spec["values"], dtype=spec["dtype"]).reshape(spec["shape"])
    out[graph.get_tensor_by_name(name + ":0")] = arr
  return out


def _session_config(tf):
  config = tf.compat.v1.ConfigProto(
      inter_op_parallelism_threads=1, intra_op_parallelism_threads=1)
  return config


def _save_tf1(tf, sess, out_dir, step, subdir="."):
  """Saves with a TF1 Saver: <subdir>/model.ckpt-<step> + meta + state file."""
  ckpt_dir = os.path.join(out_dir, subdir)
  os.makedirs(ckpt_dir, exist_ok=True)
  saver = tf.compat.v1.train.Saver(save_relative_paths=True)
  prefix = saver.save(sess, os.path.join(ckpt_dir, "model.ckpt"),
                      global_step=step)
  base = os.path.basename(prefix)
  rel = base if subdir == "." else subdir + "/" + base
  return {
      "kind": "checkpoint",
      "dir": subdir,
      "checkpoint_prefix": rel,
      "meta_graph": rel + ".meta",
  }


def _check_runs(tf, sess, case):
  """Runs the case's feeds/fetches once so a broken case fails here."""
  g = sess.graph
  for run in [case] + case.get("extra_runs", []):
    fd = _feed_dict_from_case(g, run["feeds"])
    sess.run(run["fetches"], fd)


def _mlp_train_data(n, d_in, n_cls, offset):
  import numpy as np  # pylint: disable=g-import-not-at-top
  rng = _rng(offset)
  x = rng.standard_normal((n, d_in)).astype(np.float32)
  y = rng.randint(0, n_cls, size=(n,)).astype(np.int64)
  return x, y


# ----------------------------------------------------------------------------
# Cases. Each takes the output folder and returns the case dict (without
# "name"/"generator", which main adds).
# ----------------------------------------------------------------------------

def case_tutorial(out_dir):
  """TF's save/restore tutorial: two variables, saved as ckpts/model.ckpt-1."""
  tf = _import_tf()
  tf.compat.v1.disable_v2_behavior()
  g = tf.Graph()
  with g.as_default():
    tf.compat.v1.set_random_seed(SEED)
    w1 = tf.compat.v1.Variable(tf.random.normal(shape=[2]), name="w1")
    w2 = tf.compat.v1.Variable(tf.constant([1, 2, 3, 4, 5]), name="w2")
    del w1, w2
    with tf.compat.v1.Session(graph=g, config=_session_config(tf)) as sess:
      sess.run(tf.compat.v1.global_variables_initializer())
      inp = _save_tf1(tf, sess, out_dir, 1, subdir="ckpts")
      case = {
          "description": "TF tutorial: w1 float32[2] random_normal VariableV2, "
                         "w2 int32[5] from constant 1..5; Saver, step 1",
          "input": inp,
          "output_node_names": ["w1", "w2"],
          "feeds": {},
          "fetches": ["w1:0", "w2:0"],
      }
      _check_runs(tf, sess, case)
  return case


def case_dense(out_dir):
  """MLP with ref variables, some ops pinned to /cpu:0, trained 3 steps."""
  tf = _import_tf()
  tf.compat.v1.disable_v2_behavior()
  g = tf.Graph()
  with g.as_default():
    tf.compat.v1.set_random_seed(SEED)
    x = tf.compat.v1.placeholder(tf.float32, [None, 4], name="x")
    labels = tf.compat.v1.placeholder(tf.int64, [None], name="labels")
    glorot = tf.compat.v1.glorot_uniform_initializer(seed=1)
    with tf.compat.v1.variable_scope("dense1"):
      with tf.device("/cpu:0"):
        w1 = tf.compat.v1.get_variable("kernel", [4, 8], initializer=glorot)
        b1 = tf.compat.v1.get_variable(
            "bias", [8], initializer=tf.compat.v1.constant_initializer(0.1))
      h = tf.nn.relu(tf.matmul(x, w1) + b1, name="relu")
    with tf.compat.v1.variable_scope("dense2"):
      w2 = tf.compat.v1.get_variable("kernel", [8, 3], initializer=glorot)
      b2 = tf.compat.v1.get_variable(
          "bias", [3], initializer=tf.compat.v1.zeros_initializer())
      with tf.device("/cpu:0"):
        logits = tf.add(tf.matmul(h, w2), b2, name="logits")
    probs = tf.nn.softmax(logits, name="probs")
    loss = tf.reduce_mean(
        tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=labels, logits=logits), name="loss")
    global_step = tf.compat.v1.train.get_or_create_global_step()
    train_op = tf.compat.v1.train.GradientDescentOptimizer(0.5).minimize(
        loss, global_step=global_step, name="train")
    with tf.compat.v1.Session(graph=g, config=_session_config(tf)) as sess:
      sess.run(tf.compat.v1.global_variables_initializer())
      xs, ys = _mlp_train_data(16, 4, 3, 1)
      for _ in range(3):
        sess.run(train_op, {x: xs, labels: ys})
      inp = _save_tf1(tf, sess, out_dir, 3)
      feed_x = _rng(2).standard_normal((3, 4)).astype("float32")
      case = {
          "description": "MLP 4-8-3, VariableV2 ref variables, devices "
                         "/cpu:0 on some nodes, GradientDescent 3 steps",
          "input": inp,
          "output_node_names": ["probs"],
          "feeds": {"x": _feed(feed_x, "float32")},
          "fetches": ["probs:0", "dense2/logits:0", "dense1/relu:0"],
      }
      _check_runs(tf, sess, case)
  return case


def case_conv(out_dir):
  """Small conv net with ref variables, Momentum optimizer (slot vars)."""
  tf = _import_tf()
  tf.compat.v1.disable_v2_behavior()
  g = tf.Graph()
  with g.as_default():
    tf.compat.v1.set_random_seed(SEED)
    x = tf.compat.v1.placeholder(tf.float32, [None, 8, 8, 1], name="images")
    labels = tf.compat.v1.placeholder(tf.int64, [None], name="labels")
    init = tf.compat.v1.truncated_normal_initializer(stddev=0.3, seed=2)
    with tf.compat.v1.variable_scope("conv1"):
      k = tf.compat.v1.get_variable("weights", [3, 3, 1, 4], initializer=init)
      b = tf.compat.v1.get_variable(
          "biases", [4], initializer=tf.compat.v1.constant_initializer(0.05))
      c = tf.nn.conv2d(x, k, strides=[1, 1, 1, 1], padding="SAME")
      c = tf.nn.relu(tf.nn.bias_add(c, b), name="relu")
    pool = tf.nn.max_pool2d(c, ksize=2, strides=2, padding="VALID",
                            name="pool1")
    with tf.compat.v1.variable_scope("conv2"):
      k2 = tf.compat.v1.get_variable("weights", [3, 3, 4, 6], initializer=init)
      c2 = tf.nn.conv2d(pool, k2, strides=[1, 2, 2, 1], padding="VALID")
      c2 = tf.nn.relu(c2, name="relu")
    flat = tf.reshape(c2, [-1, 6], name="flatten")
    with tf.compat.v1.variable_scope("fc"):
      w = tf.compat.v1.get_variable("weights", [6, 3], initializer=init)
      fb = tf.compat.v1.get_variable(
          "biases", [3], initializer=tf.compat.v1.zeros_initializer())
      logits = tf.compat.v1.nn.xw_plus_b(flat, w, fb, name="logits")
    tf.nn.softmax(logits, name="predictions")
    loss = tf.reduce_mean(
        tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=labels, logits=logits))
    gs = tf.compat.v1.train.get_or_create_global_step()
    train_op = tf.compat.v1.train.MomentumOptimizer(0.1, 0.9).minimize(
        loss, global_step=gs)
    with tf.compat.v1.Session(graph=g, config=_session_config(tf)) as sess:
      sess.run(tf.compat.v1.global_variables_initializer())
      rng = _rng(3)
      xs = rng.standard_normal((8, 8, 8, 1)).astype("float32")
      ys = rng.randint(0, 3, size=(8,)).astype("int64")
      for _ in range(2):
        sess.run(train_op, {x: xs, labels: ys})
      inp = _save_tf1(tf, sess, out_dir, 2)
      feed_x = _rng(4).standard_normal((2, 8, 8, 1)).astype("float32")
      case = {
          "description": "conv 3x3x1x4 + bias + relu + maxpool + conv "
                         "3x3x4x6 stride 2 + fc; ref variables; Momentum "
                         "slots in checkpoint",
          "input": inp,
          "output_node_names": ["predictions"],
          "feeds": {"images": _feed(feed_x, "float32")},
          "fetches": ["predictions:0", "fc/logits:0"],
      }
      _check_runs(tf, sess, case)
  return case


def case_resource(out_dir):
  """TF1 graph with resource variables: ReadVariableOp, ResourceGather(Nd)."""
  tf = _import_tf()
  tf.compat.v1.disable_v2_behavior()
  g = tf.Graph()
  with g.as_default():
    tf.compat.v1.set_random_seed(SEED)
    ids = tf.compat.v1.placeholder(tf.int32, [None], name="ids")
    nd_ids = tf.compat.v1.placeholder(tf.int64, [None, 1], name="nd_ids")
    labels = tf.compat.v1.placeholder(tf.float32, [None, 3], name="labels")
    init = tf.compat.v1.random_uniform_initializer(-1.0, 1.0, seed=3)
    emb = tf.compat.v1.get_variable("embedding", [10, 4], initializer=init,
                                    use_resource=True)
    w = tf.compat.v1.get_variable("proj/kernel", [4, 3], initializer=init,
                                  use_resource=True)
    b = tf.compat.v1.get_variable("proj/bias", [3], initializer=init,
                                  use_resource=True)
    gathered = tf.gather(emb, ids, name="lookup")           # ResourceGather
    rows = tf.gather_nd(emb, nd_ids, name="lookup_nd")      # ResourceGatherNd
    h = gathered + rows
    out = tf.add(tf.matmul(h, w), b, name="out")
    loss = tf.reduce_mean(tf.square(out - labels))
    gs = tf.compat.v1.train.get_or_create_global_step()
    train_op = tf.compat.v1.train.AdamOptimizer(0.05).minimize(
        loss, global_step=gs)
    with tf.compat.v1.Session(graph=g, config=_session_config(tf)) as sess:
      sess.run(tf.compat.v1.global_variables_initializer())
      rng = _rng(5)
      tr = {ids: rng.randint(0, 10, size=(6,)).astype("int32"),
            nd_ids: rng.randint(0, 10, size=(6, 1)).astype("int64"),
            labels: rng.standard_normal((6, 3)).astype("float32")}
      for _ in range(2):
        sess.run(train_op, tr)
      inp = _save_tf1(tf, sess, out_dir, 2)
      case = {
          "description": "use_resource=True variables: VarHandleOp, "
                         "ReadVariableOp, tf.gather -> ResourceGather, "
                         "tf.gather_nd -> ResourceGatherNd; Adam slots",
          "input": inp,
          "output_node_names": ["out"],
          "feeds": {"ids": _feed([3, 0, 9, 3], "int32"),
                    "nd_ids": _feed([[1], [2], [8], [0]], "int64")},
          "fetches": ["out:0", "lookup:0", "lookup_nd:0"],
      }
      _check_runs(tf, sess, case)
  return case


def _cond_graph(tf):
  """x@W + b or x - b by a bool placeholder; W ref, b resource."""
  x = tf.compat.v1.placeholder(tf.float32, [None, 3], name="x")
  pred = tf.compat.v1.placeholder(tf.bool, [], name="pred")
  init = tf.compat.v1.random_normal_initializer(seed=4)
  w = tf.compat.v1.get_variable("w", [3, 3], initializer=init)
  b = tf.compat.v1.get_variable("b", [3], initializer=init, use_resource=True)
  scale = tf.compat.v1.get_variable(
      "scale", [], initializer=tf.compat.v1.constant_initializer(2.5))

  def true_fn():
    return tf.matmul(x, w) + b

  def false_fn():
    return (x - b) * scale

  y = tf.compat.v1.cond(pred, true_fn, false_fn, name="cond")
  out = tf.identity(y, name="out")
  return x, pred, out


def _while_graph(tf):
  """acc = tanh(acc @ W + b) repeated n times; W ref, b resource."""
  x = tf.compat.v1.placeholder(tf.float32, [None, 3], name="x")
  n = tf.compat.v1.placeholder(tf.int32, [], name="n")
  init = tf.compat.v1.random_normal_initializer(stddev=0.7, seed=5)
  w = tf.compat.v1.get_variable("w", [3, 3], initializer=init)
  b = tf.compat.v1.get_variable("b", [3], initializer=init, use_resource=True)

  def cond(i, acc):
    del acc
    return i < n

  def body(i, acc):
    return i + 1, tf.tanh(tf.matmul(acc, w) + b)

  _, res = tf.compat.v1.while_loop(
      cond, body, [tf.constant(0), x], name="loop")
  out = tf.identity(res, name="out")
  return x, n, out


def _control_flow_case(out_dir, kind, v2):
  tf = _import_tf()
  tf.compat.v1.disable_v2_behavior()
  if v2:
    tf.compat.v1.enable_control_flow_v2()
  else:
    tf.compat.v1.disable_control_flow_v2()
  g = tf.Graph()
  with g.as_default():
    tf.compat.v1.set_random_seed(SEED)
    if kind == "cond":
      _cond_graph(tf)
    else:
      _while_graph(tf)
    with tf.compat.v1.Session(graph=g, config=_session_config(tf)) as sess:
      sess.run(tf.compat.v1.global_variables_initializer())
      inp = _save_tf1(tf, sess, out_dir, 1)
      ops = {op.type for op in g.get_operations()}
      want = ({"If", "StatelessIf"} if kind == "cond" else
              {"While", "StatelessWhile"}) if v2 else (
                  {"Switch", "Merge"} if kind == "cond" else
                  {"Enter", "Exit", "NextIteration", "LoopCond"})
      if not ops & want:
        raise RuntimeError("%s_%s: expected ops %s, graph has %s" %
                           (kind, "v2" if v2 else "v1", want, sorted(ops)))
      feed_x = _rng(6).standard_normal((2, 3)).astype("float32")
      if kind == "cond":
        case = {
            "description": "tf.cond (control flow %s), ref var w, resource "
                           "var b read inside the branches, ref scalar scale"
                           % ("v2: If + functions" if v2 else
                              "v1: Switch/Merge"),
            "input": inp,
            "output_node_names": ["out"],
            "feeds": {"x": _feed(feed_x, "float32"),
                      "pred": _feed(True, "bool")},
            "fetches": ["out:0"],
            "extra_runs": [{"feeds": {"x": _feed(feed_x, "float32"),
                                      "pred": _feed(False, "bool")},
                            "fetches": ["out:0"]}],
        }
      else:
        case = {
            "description": "tf.while_loop (control flow %s), ref var w, "
                           "resource var b read inside the body" %
                           ("v2: While + functions" if v2 else
                            "v1: Enter/Exit/NextIteration"),
            "input": inp,
            "output_node_names": ["out"],
            "feeds": {"x": _feed(feed_x, "float32"), "n": _feed(3, "int32")},
            "fetches": ["out:0"],
            "extra_runs": [{"feeds": {"x": _feed(feed_x, "float32"),
                                      "n": _feed(0, "int32")},
                            "fetches": ["out:0"]}],
        }
        if v2:
          case["tf_freeze_expect"] = {
              "freeze_graph": "import_fails",
              "note": "the converter retypes the While's resource input to "
                      "float[3] and fixes output_shapes but leaves the stale "
                      "_output_shapes (scalar) in place: 'has an "
                      "_output_shapes attribute inconsistent with the "
                      "GraphDef for output #6'"}
      _check_runs(tf, sess, case)
  return case


def case_cond_v1(out_dir):
  return _control_flow_case(out_dir, "cond", v2=False)


def case_while_v1(out_dir):
  return _control_flow_case(out_dir, "while", v2=False)


def case_cond_v2(out_dir):
  return _control_flow_case(out_dir, "cond", v2=True)


def case_while_v2(out_dir):
  return _control_flow_case(out_dir, "while", v2=True)


def case_batchnorm_training(out_dir):
  """tf.compat.v1.layers.batch_normalization with an is_training tensor.

  The moving-average updates are AssignSub ops on ref variables inside a v1
  cond, so the ref variables reach them through RefSwitch. The output depends
  on the update ops by control edges (the usual UPDATE_OPS pattern), so
  freezing keeps RefSwitch/AssignSub fed by what becomes a Const.
  """
  tf = _import_tf()
  tf.compat.v1.disable_v2_behavior()
  try:
    # Keras 3 dropped tf.compat.v1.layers; tf_keras keeps the TF1 layers.
    from tf_keras.src.legacy_tf_layers import normalization  # pylint: disable=g-import-not-at-top
  except ImportError as e:
    raise RuntimeError(
        "batchnorm_training needs tf_keras (Keras 3 has no "
        "tf.compat.v1.layers): pip install --no-deps tf-keras==%s (%s)" %
        (tf.__version__, e))
  g = tf.Graph()
  with g.as_default():
    tf.compat.v1.set_random_seed(SEED)
    x = tf.compat.v1.placeholder(tf.float32, [None, 4], name="x")
    target = tf.compat.v1.placeholder(tf.float32, [None, 4], name="target")
    is_training = tf.compat.v1.placeholder_with_default(
        False, [], name="is_training")
    w = tf.compat.v1.get_variable(
        "fc/kernel", [4, 4],
        initializer=tf.compat.v1.random_normal_initializer(seed=6))
    h = tf.matmul(x, w, name="fc/MatMul")
    bn = normalization.batch_normalization(
        h, training=is_training, momentum=0.9, name="bn")
    update_ops = tf.compat.v1.get_collection(tf.compat.v1.GraphKeys.UPDATE_OPS)
    with tf.control_dependencies(update_ops):
      out = tf.identity(bn, name="out")
    loss = tf.reduce_mean(tf.square(out - target))
    gs = tf.compat.v1.train.get_or_create_global_step()
    train_op = tf.compat.v1.train.GradientDescentOptimizer(0.1).minimize(
        loss, global_step=gs)
    ops = {op.type for op in g.get_operations()}
    if not {"RefSwitch", "AssignSub"} <= ops:
      raise RuntimeError("batchnorm_training: no RefSwitch/AssignSub in %s" %
                         sorted(ops))
    with tf.compat.v1.Session(graph=g, config=_session_config(tf)) as sess:
      sess.run(tf.compat.v1.global_variables_initializer())
      rng = _rng(7)
      for step in range(4):
        xs = rng.standard_normal((8, 4)).astype("float32") * 2 + 1
        ts = rng.standard_normal((8, 4)).astype("float32")
        sess.run(train_op, {x: xs, target: ts, is_training: True})
        del step
      inp = _save_tf1(tf, sess, out_dir, 4)
      feed_x = _rng(8).standard_normal((3, 4)).astype("float32")
      case = {
          "description": "tf.compat.v1.layers.batch_normalization(training="
                         "placeholder_with_default) with UPDATE_OPS control "
                         "deps on the output: RefSwitch + AssignSub on ref "
                         "moving_mean/moving_variance (TF's own freeze makes "
                         "a graph that does not import)",
          "input": inp,
          "output_node_names": ["out"],
          "feeds": {"x": _feed(feed_x, "float32")},
          "fetches": ["out:0", "bn/batchnorm/add_1:0"],
          "extra_runs": [{"feeds": {"x": _feed(feed_x, "float32"),
                                    "is_training": _feed(True, "bool")},
                          "fetches": ["out:0"]}],
          "tf_freeze_expect": {
              "freeze_graph": "import_fails",
              "note": "convert_variables_to_constants succeeds but its "
                      "output does not import: RefSwitch/AssignSub expect "
                      "float_ref and get float from the new Const"},
      }
      _check_runs(tf, sess, case)
  return case


def _saved_model_case(tf, out_dir, sig_key="serving_default"):
  """Reads the signature of the SavedModel just written in out_dir."""
  from tensorflow.python.tools import saved_model_utils  # pylint: disable=g-import-not-at-top
  mg = saved_model_utils.get_meta_graph_def(out_dir, "serve")
  sig = mg.signature_def[sig_key]
  feeds_map = {k: v.name for k, v in sorted(sig.inputs.items())}
  fetches_map = {k: v.name for k, v in sorted(sig.outputs.items())}
  outputs = sorted({n.split(":")[0] for n in fetches_map.values()})
  return feeds_map, fetches_map, outputs


def _check_saved_model(tf, out_dir, case):
  tf.compat.v1.disable_eager_execution()
  g = tf.Graph()
  with g.as_default():
    with tf.compat.v1.Session(graph=g, config=_session_config(tf)) as sess:
      tf.compat.v1.saved_model.loader.load(sess, case["input"]["tags"],
                                           out_dir)
      _check_runs(tf, sess, case)


def case_keras_savedmodel(out_dir):
  """Keras Sequential MLP exported with model.export (Keras 3)."""
  tf = _import_tf()
  import keras  # pylint: disable=g-import-not-at-top
  keras.utils.set_random_seed(SEED)
  model = keras.Sequential([
      keras.Input(shape=(4,), name="features"),
      keras.layers.Dense(8, activation="relu", name="hidden"),
      keras.layers.Dense(3, activation="softmax", name="probs"),
  ], name="mlp")
  model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
  xs, ys = _mlp_train_data(16, 4, 3, 9)
  model.fit(xs, ys, epochs=2, batch_size=8, verbose=0, shuffle=False)
  model.export(out_dir, format="tf_saved_model", verbose=False)
  feeds_map, fetches_map, outputs = _saved_model_case(tf, out_dir)
  (inp_name,) = feeds_map.values()
  feed_x = _rng(10).standard_normal((3, 4)).astype("float32")
  case = {
      "description": "Keras %s Sequential Dense(8,relu)+Dense(3,softmax), "
                     "fitted 2 epochs, model.export() TF2 SavedModel" %
                     keras.__version__,
      "input": {"kind": "saved_model", "dir": ".", "tags": ["serve"],
                "signature": "serving_default"},
      "output_node_names": outputs,
      "feeds": {inp_name.split(":")[0]: _feed(feed_x, "float32")},
      "fetches": sorted(fetches_map.values()),
      "signature_inputs": feeds_map,
      "signature_outputs": fetches_map,
  }
  _check_saved_model(tf, out_dir, case)
  return case


def case_module_savedmodel(out_dir):
  """tf.Module with variables and a tf.function signature (TF2 SavedModel)."""
  tf = _import_tf()

  class Model(tf.Module):

    def __init__(self):
      super().__init__(name="model")
      rng = _rng(11)
      self.w = tf.Variable(rng.standard_normal((3, 2)).astype("float32"),
                           name="w")
      self.b = tf.Variable([0.5, -0.25], dtype=tf.float32, name="b")
      self.table = tf.Variable(
          rng.standard_normal((5, 2)).astype("float32"), name="table")
      self.count = tf.Variable(7, dtype=tf.int64, name="count")

    @tf.function(input_signature=[
        tf.TensorSpec([None, 3], tf.float32, name="x"),
        tf.TensorSpec([None], tf.int32, name="ids"),
    ])
    def __call__(self, x, ids):
      y = tf.matmul(x, self.w) + self.b
      y = tf.cond(tf.reduce_sum(x) > 0.0, lambda: y * 2.0, lambda: y - 1.0)
      rows = tf.gather(self.table, ids)
      return {"y": y, "rows": rows,
              "count": tf.cast(self.count, tf.float32) * tf.reduce_mean(y)}

  m = Model()
  tf.saved_model.save(m, out_dir, signatures=m.__call__)
  feeds_map, fetches_map, outputs = _saved_model_case(tf, out_dir)
  x = _rng(12).standard_normal((2, 3)).astype("float32")
  feeds = {feeds_map["x"].split(":")[0]: _feed(x, "float32"),
           feeds_map["ids"].split(":")[0]: _feed([4, 0, 2], "int32")}
  case = {
      "tf_freeze_expect": {
          "freeze_graph": "import_fails",
          "v2": "ok",
          "note": "convert_variables_to_constants skips ResourceGather "
                  "inside functions, so the frozen function still gathers "
                  "from a resource input that is now a float tensor"},
      "description": "tf.Module: matmul + tf.cond (If in a function) + "
                     "tf.gather on a variable + int64 variable; "
                     "tf.saved_model.save with a tf.function signature",
      "input": {"kind": "saved_model", "dir": ".", "tags": ["serve"],
                "signature": "serving_default"},
      "output_node_names": outputs,
      "feeds": feeds,
      "fetches": sorted(set(fetches_map.values())),
      "signature_inputs": feeds_map,
      "signature_outputs": fetches_map,
  }
  _check_saved_model(tf, out_dir, case)
  return case


def case_partitioned(out_dir):
  """TF1 partitioned variables (slices in the checkpoint)."""
  tf = _import_tf()
  tf.compat.v1.disable_v2_behavior()
  g = tf.Graph()
  with g.as_default():
    tf.compat.v1.set_random_seed(SEED)
    x = tf.compat.v1.placeholder(tf.float32, [None, 6], name="x")
    ids = tf.compat.v1.placeholder(tf.int64, [None], name="ids")
    init = tf.compat.v1.random_normal_initializer(seed=7)
    w = tf.compat.v1.get_variable(
        "dense/kernel", [6, 4], initializer=init,
        partitioner=tf.compat.v1.fixed_size_partitioner(3, axis=0))
    emb = tf.compat.v1.get_variable(
        "embedding", [9, 4], initializer=init,
        partitioner=tf.compat.v1.fixed_size_partitioner(2, axis=0))
    h = tf.matmul(x, w, name="dense/MatMul")   # concat of the parts
    e = tf.compat.v1.nn.embedding_lookup(emb, ids, partition_strategy="div",
                                         name="lookup")
    out = tf.add(h, e, name="out")
    with tf.compat.v1.Session(graph=g, config=_session_config(tf)) as sess:
      sess.run(tf.compat.v1.global_variables_initializer())
      inp = _save_tf1(tf, sess, out_dir, 1)
      feed_x = _rng(13).standard_normal((3, 6)).astype("float32")
      case = {
          "description": "partitioned VariableV2s: dense/kernel [6,4] in 3 "
                         "parts (concat), embedding [9,4] in 2 parts "
                         "(embedding_lookup div); checkpoint holds slices",
          "input": inp,
          "output_node_names": ["out"],
          "feeds": {"x": _feed(feed_x, "float32"),
                    "ids": _feed([0, 8, 5], "int64")},
          "fetches": ["out:0", "dense/MatMul:0"],
      }
      _check_runs(tf, sess, case)
  del out
  return case


# ----------------------------------------------------------------------------
# Driver.
# ----------------------------------------------------------------------------

def _to_json(obj, indent=0):
  """json.dumps(indent=1, sort_keys=True) but lists of scalars on one line."""
  pad = " " * (indent + 1)
  if isinstance(obj, dict):
    if not obj:
      return "{}"
    items = ["%s%s: %s" % (pad, json.dumps(k), _to_json(obj[k], indent + 1))
             for k in sorted(obj)]
    return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
  if isinstance(obj, list) and any(isinstance(v, (dict, list)) for v in obj):
    items = [pad + _to_json(v, indent + 1) for v in obj]
    return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"
  return json.dumps(obj)


def _dir_size(path):
  total = 0
  for root, _, files in os.walk(path):
    for f in files:
      total += os.path.getsize(os.path.join(root, f))
  return total


def _build_one(name, final_dir):
  """Child process: builds one case into a temp dir, then swaps it in."""
  parent = os.path.dirname(final_dir)
  os.makedirs(parent, exist_ok=True)
  tmp = tempfile.mkdtemp(prefix="." + name + ".", dir=parent)
  try:
    work = os.path.join(tmp, name)  # SavedModel writers want a fresh dir
    os.makedirs(work)
    case = globals()["case_" + name](work)
    tf = _import_tf()
    gen = {"tensorflow": tf.__version__, "script": "tests/tf/gen_graph_fixtures.py",
           "seed": SEED}
    try:
      import keras  # pylint: disable=g-import-not-at-top
      gen["keras"] = keras.__version__
    except ImportError:
      pass
    full = {"name": name}
    full.update(case)
    expect = full.setdefault("tf_freeze_expect", {})
    expect.setdefault("freeze_graph", "ok")
    if full["input"]["kind"] == "saved_model":
      expect.setdefault("v2", "ok")
    full["generator"] = gen
    with open(os.path.join(work, "case.json"), "w") as f:
      f.write(_to_json(full) + "\n")
    if os.path.exists(final_dir):
      shutil.rmtree(final_dir)
    os.rename(work, final_dir)
  finally:
    shutil.rmtree(tmp, ignore_errors=True)


def main():
  ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
  ap.add_argument("--out", default=DEFAULT_OUT)
  ap.add_argument("--only", default="", help="comma-separated case names")
  ap.add_argument("--missing-only", action="store_true",
                  help="build only cases whose case.json is missing")
  ap.add_argument("--one", help=argparse.SUPPRESS)
  args = ap.parse_args()
  out = os.path.abspath(args.out)

  if args.one:
    _build_one(args.one, os.path.join(out, args.one))
    return 0

  names = [n for n in args.only.split(",") if n] or CASES
  unknown = [n for n in names if n not in CASES]
  if unknown:
    ap.error("unknown case(s) %s; known: %s" % (unknown, ", ".join(CASES)))
  failed = []
  built = []
  for name in names:
    final_dir = os.path.join(out, name)
    if args.missing_only and os.path.exists(
        os.path.join(final_dir, "case.json")):
      continue
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    env.setdefault("PYTHONHASHSEED", "0")
    env.setdefault("CUDA_VISIBLE_DEVICES", "")
    proc = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "--out", out, "--one",
         name], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True)
    if proc.returncode != 0:
      failed.append(name)
      tail = "\n".join(proc.stdout.strip().splitlines()[-25:])
      print("FAILED %s (exit %d):\n%s" % (name, proc.returncode, tail),
            file=sys.stderr)
      continue
    built.append(name)
    print("%-20s %8d bytes" % (name, _dir_size(final_dir)))
  if built:
    total = sum(_dir_size(os.path.join(out, n)) for n in CASES
                if os.path.isdir(os.path.join(out, n)))
    print("%-20s %8d bytes" % ("total", total))
  if failed:
    print("failed cases: %s" % ", ".join(failed), file=sys.stderr)
    return 1
  return 0


if __name__ == "__main__":
  sys.exit(main())
