#!/usr/bin/env python3
"""Real-TensorFlow oracle for the freeze interop tests.

For a fixture case (tests/fixtures/graphs/<case>/case.json, written by
gen_graph_fixtures.py) this computes with TensorFlow:

  * reference_outputs(): the unfrozen model's outputs. A TF1 checkpoint's meta
    graph is imported into a fresh graph and restored with its Saver; a
    SavedModel is loaded with the TF1 loader. The case's fetches are run with
    its feeds, from a fresh restore for every run (update ops may mutate
    variables).
  * tf_freeze(): TensorFlow's own freeze of the same input.
      - checkpoints: tensorflow/python/tools/freeze_graph.py itself
        (freeze_graph(input_meta_graph=..., input_checkpoint=...,
        clear_devices=True)), i.e. convert_variables_to_constants on the
        device-cleared meta graph.
      - SavedModels: freeze_graph.py's --input_saved_model_dir path (the same
        convert_variables_to_constants on the device-cleared MetaGraph's
        graph_def; TF 2.21 SavedModels keep the `<var>/Read/ReadVariableOp`
        nodes it reads values through), and convert_variables_to_constants_v2
        on the loaded signature (values only: it inlines the functions, so
        its node names are not the input graph's).
    Each stage is captured: convert failure, import failure, run failure.

The checks that compare these with ckptview's output are in
test_freeze_interop.py. Run directly for a summary (and optionally to dump
TF's frozen graphs):

  freeze_oracle.py [--dump DIR] [case_dir_or_name ...]
"""

import argparse
import contextlib
import dataclasses
import io
import json
import os
import sys
import traceback
from typing import Any, Dict, List, Optional

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import numpy as np  # pylint: disable=g-import-not-at-top
import tensorflow as tf  # pylint: disable=g-import-not-at-top
from tensorflow.core.framework import graph_pb2  # pylint: disable=g-import-not-at-top
from tensorflow.core.protobuf import meta_graph_pb2  # pylint: disable=g-import-not-at-top
from tensorflow.python.framework import convert_to_constants  # pylint: disable=g-import-not-at-top
from tensorflow.python.tools import freeze_graph as freeze_graph_lib  # pylint: disable=g-import-not-at-top

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.normpath(os.path.join(HERE, "..", "fixtures", "graphs"))

VARIABLE_OPS = ("Variable", "VariableV2", "VarHandleOp")
# Ops that need a variable (or a resource handle to one) at run time; none may
# be left in a frozen graph.
STATEFUL_VARIABLE_OPS = frozenset(VARIABLE_OPS + (
    "ReadVariableOp", "ResourceGather", "ResourceGatherNd",
    "VarIsInitializedOp", "AssignVariableOp", "AssignAddVariableOp",
    "AssignSubVariableOp", "VariableShape", "_VarHandlesOp",
    "ReadVariableXlaSplitND", "DestroyResourceOp"))


# ----------------------------------------------------------------------------
# Cases.
# ----------------------------------------------------------------------------

def case_dir_for(name_or_dir: str) -> str:
  if os.path.isdir(name_or_dir):
    return os.path.abspath(name_or_dir)
  return os.path.join(FIXTURES, name_or_dir)


def list_cases(fixtures: str = FIXTURES) -> List[str]:
  if not os.path.isdir(fixtures):
    return []
  return sorted(n for n in os.listdir(fixtures)
                if os.path.isfile(os.path.join(fixtures, n, "case.json")))


def load_case(case_dir: str) -> Dict[str, Any]:
  with open(os.path.join(case_dir, "case.json")) as f:
    case = json.load(f)
  case["case_dir"] = os.path.abspath(case_dir)
  return case


def runs_of(case) -> List[Dict[str, Any]]:
  """The primary run (top-level feeds/fetches) then the extra runs."""
  return [{"feeds": case["feeds"], "fetches": case["fetches"]}] + list(
      case.get("extra_runs", []))


def feed_arrays(feeds) -> Dict[str, np.ndarray]:
  out = {}
  for name, spec in feeds.items():
    out[name] = np.asarray(spec["values"], dtype=spec["dtype"]).reshape(
        spec["shape"])
  return out


def input_path(case, key) -> str:
  return os.path.join(case["case_dir"], case["input"][key])


def session_config():
  """Single-threaded, no graph rewriting: the same graph gives the same bits.

  Grappler and the classic constant folder would evaluate constant subgraphs
  of a frozen graph at optimisation time (a different code path from the
  unfrozen graph's run), so both are off; oneDNN is off by environment.
  """
  config = tf.compat.v1.ConfigProto(
      inter_op_parallelism_threads=1, intra_op_parallelism_threads=1,
      allow_soft_placement=True)
  config.graph_options.optimizer_options.opt_level = (
      tf.compat.v1.OptimizerOptions.L0)
  config.graph_options.optimizer_options.do_constant_folding = False
  config.graph_options.optimizer_options.do_function_inlining = True
  config.graph_options.rewrite_options.disable_meta_optimizer = True
  return config


# ----------------------------------------------------------------------------
# Running graphs.
# ----------------------------------------------------------------------------

def _tensor_name(prefix: str, name: str) -> str:
  if ":" not in name:
    name += ":0"
  return prefix + "/" + name if prefix else name


def _copy(graph_def):
  # tf.import_graph_def writes OpDef default attrs into the GraphDef it is
  # given (in place), which would change what we compare; import copies.
  out = graph_pb2.GraphDef()
  out.CopyFrom(graph_def)
  return out


def run_graph_def(graph_def, feeds, fetches, prefix: str = ""):
  """Imports graph_def into a fresh graph (name=prefix) and runs fetches."""
  g = tf.Graph()
  with g.as_default():
    tf.import_graph_def(_copy(graph_def), name=prefix)
    with tf.compat.v1.Session(graph=g, config=session_config()) as sess:
      fd = {_tensor_name(prefix, k): v for k, v in feed_arrays(feeds).items()}
      return sess.run([_tensor_name(prefix, f) for f in fetches], fd)


def import_graph_def_check(graph_def, prefix: str):
  """Imports into a fresh graph; returns the imported op names."""
  g = tf.Graph()
  with g.as_default():
    tf.import_graph_def(_copy(graph_def), name=prefix)
  return [op.name for op in g.get_operations()]


def reference_outputs(case) -> List[List[np.ndarray]]:
  """Unfrozen outputs for each run of the case (fresh restore per run)."""
  results = []
  for run in runs_of(case):
    g = tf.Graph()
    with g.as_default():
      with tf.compat.v1.Session(graph=g, config=session_config()) as sess:
        if case["input"]["kind"] == "checkpoint":
          saver = tf.compat.v1.train.import_meta_graph(
              input_path(case, "meta_graph"))
          saver.restore(sess, input_path(case, "checkpoint_prefix"))
        else:
          tf.compat.v1.saved_model.loader.load(
              sess, case["input"]["tags"], input_path(case, "dir"))
        fd = {_tensor_name("", k): v
              for k, v in feed_arrays(run["feeds"]).items()}
        results.append(sess.run(list(run["fetches"]), fd))
  return results


# ----------------------------------------------------------------------------
# TensorFlow's own freeze.
# ----------------------------------------------------------------------------

@dataclasses.dataclass
class TfFreeze:
  """One way of freezing with TF, and how far it got."""
  key: str      # "freeze_graph" (TF1 converter) or "v2" (SavedModel only)
  method: str
  graph_def: Optional[graph_pb2.GraphDef] = None
  convert_error: Optional[str] = None   # the freeze call itself failed
  import_error: Optional[str] = None    # its output does not import
  run_error: Optional[str] = None       # imports, but running fetches fails
  outputs: Optional[List[List[np.ndarray]]] = None  # per run, if it ran
  names_comparable: bool = True  # node names follow the input graph's names

  @property
  def converted(self):
    return self.graph_def is not None

  @property
  def works(self):
    return self.outputs is not None

  def category(self) -> str:
    """ok | convert_fails | import_fails | run_fails (case.json vocabulary)."""
    if self.convert_error:
      return "convert_fails"
    if self.import_error:
      return "import_fails"
    if self.run_error:
      return "run_fails"
    return "ok"

  def status(self) -> str:
    if self.convert_error:
      return "convert failed: " + _first_line(self.convert_error)
    if self.import_error:
      return "output does not import: " + _first_line(self.import_error)
    if self.run_error:
      return "output does not run: " + _first_line(self.run_error)
    return "ok"


def _first_line(msg: str, limit: int = 300) -> str:
  msg = " ".join(msg.strip().split())
  return msg if len(msg) <= limit else msg[:limit] + "..."


def _err(e: BaseException) -> str:
  return "%s: %s" % (type(e).__name__, e)


def _validate(result: TfFreeze, case) -> TfFreeze:
  """Import + run the frozen graph of `result`, recording where it fails."""
  if result.graph_def is None:
    return result
  try:
    import_graph_def_check(result.graph_def, "")
  except Exception as e:  # pylint: disable=broad-except
    result.import_error = _err(e)
    return result
  try:
    result.outputs = [run_graph_def(result.graph_def, r["feeds"], r["fetches"])
                      for r in runs_of(case)]
  except Exception as e:  # pylint: disable=broad-except
    result.run_error = _err(e)
  return result


def _freeze_checkpoint(case) -> TfFreeze:
  """tensorflow/python/tools/freeze_graph.py, meta graph + checkpoint."""
  res = TfFreeze(key="freeze_graph",
                 method="freeze_graph.py --input_meta_graph "
                 "--input_checkpoint (convert_variables_to_constants)")
  try:
    # freeze_graph prints "Loaded meta graph file ..." to stdout.
    with tf.Graph().as_default(), contextlib.redirect_stdout(io.StringIO()):
      res.graph_def = freeze_graph_lib.freeze_graph(
          input_graph=None, input_saver="", input_binary=True,
          input_checkpoint=input_path(case, "checkpoint_prefix"),
          output_node_names=",".join(case["output_node_names"]),
          restore_op_name=None, filename_tensor_name=None, output_graph="",
          clear_devices=True, initializer_nodes="",
          input_meta_graph=input_path(case, "meta_graph"))
  except Exception as e:  # pylint: disable=broad-except
    res.convert_error = _err(e)
  return _validate(res, case)


def _freeze_saved_model_freeze_graph_py(case) -> TfFreeze:
  """freeze_graph.py --input_saved_model_dir, exactly as TF ships it."""
  res = TfFreeze(key="freeze_graph",
                 method="freeze_graph.py --input_saved_model_dir")
  try:
    with tf.Graph().as_default(), contextlib.redirect_stdout(io.StringIO()):
      res.graph_def = freeze_graph_lib.freeze_graph(
          input_graph=None, input_saver="", input_binary=True,
          input_checkpoint=None,
          output_node_names=",".join(case["output_node_names"]),
          restore_op_name=None, filename_tensor_name=None, output_graph="",
          clear_devices=True, initializer_nodes="",
          input_saved_model_dir=input_path(case, "dir"),
          saved_model_tags=",".join(case["input"]["tags"]))
  except Exception as e:  # pylint: disable=broad-except
    res.convert_error = _err(e)
  return _validate(res, case)


def _freeze_saved_model_v2(case) -> TfFreeze:
  """convert_variables_to_constants_v2 on the loaded signature (eager)."""
  res = TfFreeze(key="v2",
                 method="convert_variables_to_constants_v2(signature)",
                 names_comparable=False)
  sig_in = case.get("signature_inputs", {})
  sig_out = case.get("signature_outputs", {})
  try:
    if not tf.executing_eagerly():
      raise RuntimeError("needs eager execution")
    loaded = tf.saved_model.load(input_path(case, "dir"),
                                 tags=case["input"]["tags"])
    func = loaded.signatures[case["input"].get("signature", "serving_default")]
    frozen = convert_to_constants.convert_variables_to_constants_v2(func)
    res.graph_def = frozen.graph.as_graph_def()
  except Exception as e:  # pylint: disable=broad-except
    res.convert_error = _err(e)
    return res
  # Run through the frozen ConcreteFunction (its inputs are the signature's
  # argument names, its outputs a dict keyed by signature output names).
  try:
    placeholder_to_arg = {v.split(":")[0]: k for k, v in sig_in.items()}
    tensor_to_out = {v: k for k, v in sig_out.items()}
    outputs = []
    for run in runs_of(case):
      kwargs = {placeholder_to_arg[name]: tf.constant(arr)
                for name, arr in feed_arrays(run["feeds"]).items()}
      result = frozen(**kwargs)
      if not isinstance(result, dict):
        result = {k: v for k, v in zip(sorted(sig_out), result)}
      outputs.append([result[tensor_to_out[f]].numpy() for f in run["fetches"]])
    res.outputs = outputs
  except Exception as e:  # pylint: disable=broad-except
    res.run_error = _err(e)
  return res


def tf_freezes(case) -> List[TfFreeze]:
  """All the TF freezes for a case; the first is the one to compare with."""
  if case["input"]["kind"] == "checkpoint":
    return [_freeze_checkpoint(case)]
  return [_freeze_saved_model_freeze_graph_py(case),
          _freeze_saved_model_v2(case)]


# ----------------------------------------------------------------------------
# Comparison helpers (used by the tests too).
# ----------------------------------------------------------------------------

def exact_mismatch(expected, actual) -> Optional[str]:
  """None if identical in dtype, shape and bytes; else what differs."""
  e = np.asarray(expected)
  a = np.asarray(actual)
  if e.dtype != a.dtype:
    return "dtype %s vs %s" % (e.dtype, a.dtype)
  if e.shape != a.shape:
    return "shape %s vs %s" % (e.shape, a.shape)
  if e.dtype == object:
    return None if e.tolist() == a.tolist() else "values differ"
  if e.tobytes() == a.tobytes():
    return None
  eb = e.reshape(-1).view(np.uint8).reshape(e.size, -1)
  ab = a.reshape(-1).view(np.uint8).reshape(a.size, -1)
  bad = np.nonzero((eb != ab).any(axis=1))[0]
  i = int(bad[0])
  return "%d of %d elements differ bitwise; first at flat index %d: %r vs %r" % (
      len(bad), e.size, i, e.reshape(-1)[i], a.reshape(-1)[i])


def read_graph_def(path: str) -> graph_pb2.GraphDef:
  gd = graph_pb2.GraphDef()
  with open(path, "rb") as f:
    gd.ParseFromString(f.read())
  return gd


def read_meta_graph(path: str) -> meta_graph_pb2.MetaGraphDef:
  mg = meta_graph_pb2.MetaGraphDef()
  with open(path, "rb") as f:
    mg.ParseFromString(f.read())
  return mg


# ----------------------------------------------------------------------------
# Command line.
# ----------------------------------------------------------------------------

def _summary(case, dump_dir=None) -> Dict[str, Any]:
  out = {"case": case["name"], "input": case["input"]["kind"]}
  try:
    refs = reference_outputs(case)
    out["reference"] = [[{"shape": list(np.shape(a)),
                          "dtype": str(np.asarray(a).dtype)} for a in run]
                        for run in refs]
  except Exception as e:  # pylint: disable=broad-except
    out["reference_error"] = _err(e)
    refs = None
  freezes = []
  for fr in tf_freezes(case):
    item = {"key": fr.key, "method": fr.method, "status": fr.status()}
    if fr.graph_def is not None:
      item["nodes"] = len(fr.graph_def.node)
      item["ops"] = sorted({n.op for n in fr.graph_def.node})
      item["functions"] = [f.signature.name
                           for f in fr.graph_def.library.function]
    if fr.works and refs is not None:
      item["equals_reference"] = all(
          exact_mismatch(e, a) is None
          for er, ar in zip(refs, fr.outputs) for e, a in zip(er, ar))
    if dump_dir and fr.graph_def is not None and fr.names_comparable:
      os.makedirs(dump_dir, exist_ok=True)
      path = os.path.join(dump_dir, case["name"] + ".tf_frozen.pb")
      if not os.path.exists(path):
        with open(path, "wb") as f:
          f.write(fr.graph_def.SerializeToString(deterministic=True))
        item["dumped"] = path
    freezes.append(item)
  out["tf_freeze"] = freezes
  return out


def main(argv=None):
  ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
  ap.add_argument("cases", nargs="*", help="case names or folders (all)")
  ap.add_argument("--dump", help="write TF's frozen GraphDefs here")
  args = ap.parse_args(argv)
  names = args.cases or list_cases()
  if not names:
    print("no cases under %s; run gen_graph_fixtures.py" % FIXTURES,
          file=sys.stderr)
    return 1
  rc = 0
  for name in names:
    try:
      s = _summary(load_case(case_dir_for(name)), args.dump)
    except Exception:  # pylint: disable=broad-except
      traceback.print_exc()
      rc = 1
      continue
    print(json.dumps(s, indent=1))
  return rc


if __name__ == "__main__":
  sys.exit(main())
