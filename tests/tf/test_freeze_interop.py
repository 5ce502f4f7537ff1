"""ckptview freeze vs real TensorFlow, on tests/fixtures/graphs/<case>.

For every case (made by gen_graph_fixtures.py) ckptview's CLI freezes the
model, then real TensorFlow checks the result:

  * it parses as a GraphDef and imports with tf.import_graph_def, both with
    name="" and with name="prefix";
  * no variable ops are left (main graph and the functions it calls), no
    resource-typed function arguments, and every device string is empty;
  * for the case's feeds, the fetched outputs equal bit for bit the unfrozen
    model's outputs (TF1 session on the checkpoint / SavedModel), with either
    import name, and equal those of TF's own freeze wherever that works;
  * the kept node names are TF's freeze's node names, in the same order.

test_freeze runs `ckptview freeze <dir> --output_node_names=... -o out.pb`;
test_freeze_graph_flags runs the freeze_graph.py flag form
(--input_meta_graph/--input_checkpoint/--output_graph/--input_binary=true, or
--input_saved_model_dir/--saved_model_tags) and also wants the same bytes as
the short form. test_same_nodes_as_tf_freeze compares whole NodeDefs with TF's
freeze where TF's output is usable. test_tf_oracle needs no ckptview: it pins
how TF itself behaves on each case (case.json "tf_freeze_expect").

The binary: $CKPTVIEW_BIN, else build/native/src/cli/ckptview, else
build/h7/src/cli/ckptview. If there is none, or it has no working `freeze`
command (`ckptview freeze --help` fails), the ckptview tests are skipped with
the reason; CKPTVIEW_REQUIRE_FREEZE=1 turns that skip into a failure, and a
CKPTVIEW_BIN that does not exist always fails.
"""

import hashlib
import os
import re
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import freeze_oracle as fo  # pylint: disable=g-import-not-at-top,wrong-import-position
from tensorflow.core.framework import node_def_pb2  # pylint: disable=g-import-not-at-top,wrong-import-position

REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
DEFAULT_BINS = [
    os.path.join(REPO, "build", "native", "src", "cli", "ckptview"),
    os.path.join(REPO, "build", "h7", "src", "cli", "ckptview"),
]
CLI_TIMEOUT_S = 120

CASES = fo.list_cases()


def _case_params():
  # No fixtures is a failing test (see _case), not an empty green run.
  return CASES or ["<no fixtures>"]


# ----------------------------------------------------------------------------
# The binary.
# ----------------------------------------------------------------------------

def _require_freeze():
  return os.environ.get("CKPTVIEW_REQUIRE_FREEZE", "") not in ("", "0")


def _skip_or_fail(reason):
  if _require_freeze():
    pytest.fail(reason + " (CKPTVIEW_REQUIRE_FREEZE is set)")
  pytest.skip(reason)


@pytest.fixture(scope="session")
def cli():
  """Path of a ckptview binary whose `freeze` command exists."""
  explicit = os.environ.get("CKPTVIEW_BIN")
  if explicit:
    if not (os.path.isfile(explicit) and os.access(explicit, os.X_OK)):
      pytest.fail("CKPTVIEW_BIN=%s is not an executable file" % explicit)
    path = explicit
  else:
    found = [p for p in DEFAULT_BINS if os.access(p, os.X_OK)]
    if not found:
      _skip_or_fail("no ckptview binary at %s; build it (cmake -S . -B "
                    "build/native -G Ninja && ninja -C build/native) or set "
                    "CKPTVIEW_BIN" % " or ".join(DEFAULT_BINS))
    path = found[0]
  try:
    proc = subprocess.run([path, "freeze", "--help"], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=30)
  except (OSError, subprocess.TimeoutExpired) as e:
    pytest.fail("%s freeze --help did not run: %s" % (path, e))
  if proc.returncode != 0:
    _skip_or_fail("%s has no working freeze command yet (`freeze --help` "
                  "exited %d: %s)" % (path, proc.returncode,
                                      fo._first_line(proc.stdout, 200)))
  return path


def _run_cli(args, what):
  try:
    proc = subprocess.run(args, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True,
                          timeout=CLI_TIMEOUT_S)
  except subprocess.TimeoutExpired:
    pytest.fail("%s: ckptview did not finish in %ds: %s" %
                (what, CLI_TIMEOUT_S, " ".join(args)))
  if proc.returncode != 0:
    pytest.fail("%s: ckptview exited %d\ncommand: %s\noutput:\n%s" %
                (what, proc.returncode, " ".join(args), proc.stdout[-4000:]))
  return proc.stdout


def _tree_state(root):
  """(relative path, size, mtime_ns) of every file under root."""
  state = []
  for d, _, files in os.walk(root):
    for f in files:
      p = os.path.join(d, f)
      st = os.stat(p)
      state.append((os.path.relpath(p, root), st.st_size, st.st_mtime_ns))
  return sorted(state)


def _freeze_args(cli_path, case, form, out):
  names = "--output_node_names=" + ",".join(case["output_node_names"])
  inp = case["input"]
  if form == "short":
    return [cli_path, "freeze", fo.input_path(case, "dir"), names, "-o", out]
  if inp["kind"] == "checkpoint":
    return [cli_path, "freeze",
            "--input_meta_graph=" + fo.input_path(case, "meta_graph"),
            "--input_checkpoint=" + fo.input_path(case, "checkpoint_prefix"),
            "--input_binary=true", names, "--output_graph=" + out]
  return [cli_path, "freeze",
          "--input_saved_model_dir=" + fo.input_path(case, "dir"),
          "--saved_model_tags=" + ",".join(inp["tags"]), names,
          "--output_graph=" + out]


_frozen_cache = {}


def _frozen_by_cli(cli_path, case, form, tmp_root):
  """Runs ckptview freeze once per (case, form); returns the .pb path."""
  key = (case["name"], form)
  if key not in _frozen_cache:
    out = os.path.join(str(tmp_root), "%s.%s.pb" % (case["name"], form))
    before = _tree_state(case["case_dir"])
    _run_cli(_freeze_args(cli_path, case, form, out),
             "%s (%s form)" % (case["name"], form))
    assert _tree_state(case["case_dir"]) == before, (
        "ckptview freeze changed files in the input folder %s" %
        case["case_dir"])
    assert os.path.isfile(out), "ckptview exited 0 but wrote no %s" % out
    _frozen_cache[key] = out
  return _frozen_cache[key]


# ----------------------------------------------------------------------------
# Oracle results, computed once per case.
# ----------------------------------------------------------------------------

_oracle_cache = {}


class _Oracle:

  def __init__(self, case):
    self.case = case
    self.reference = fo.reference_outputs(case)
    self.freezes = fo.tf_freezes(case)

  def by_key(self, key):
    for fr in self.freezes:
      if fr.key == key:
        return fr
    return None

  @property
  def names_reference(self):
    """TF's freeze whose node names must match ours (the TF1 converter)."""
    fr = self.by_key("freeze_graph")
    return fr if fr is not None and fr.converted else None


def _case(name):
  if name == "<no fixtures>":
    pytest.fail("no fixtures under %s: run tests/tf/gen_graph_fixtures.py "
                "(or tests/tf/run.sh)" % fo.FIXTURES)
  return fo.load_case(os.path.join(fo.FIXTURES, name))


def _oracle(case):
  if case["name"] not in _oracle_cache:
    _oracle_cache[case["name"]] = _Oracle(case)
  return _oracle_cache[case["name"]]


# ----------------------------------------------------------------------------
# Checks.
# ----------------------------------------------------------------------------

_FUNC_ATTRS = ("f", "then_branch", "else_branch", "cond", "body", "branches")


def _called_functions(nodes):
  """Function names referenced by func / list(func) attrs of nodes."""
  names = set()
  for node in nodes:
    for attr in node.attr.values():
      if attr.HasField("func") and attr.func.name:
        names.add(attr.func.name)
      for fn in attr.list.func:
        names.add(fn.name)
  return names


def reachable_functions(graph_def):
  """Library functions called from the main graph, transitively."""
  lib = {f.signature.name: f for f in graph_def.library.function}
  todo = list(_called_functions(graph_def.node))
  seen = {}
  while todo:
    name = todo.pop()
    if name in seen or name not in lib:
      continue
    seen[name] = lib[name]
    todo.extend(_called_functions(lib[name].node_def))
  return seen


def _structural_problems(graph_def):
  problems = []
  for node in graph_def.node:
    if node.op in fo.STATEFUL_VARIABLE_OPS:
      problems.append("variable op left: %s (%s)" % (node.name, node.op))
    if node.device:
      problems.append("device not cleared: %s has %r" % (node.name,
                                                         node.device))
  for fname, func in sorted(reachable_functions(graph_def).items()):
    for node in func.node_def:
      if node.op in fo.STATEFUL_VARIABLE_OPS:
        problems.append("variable op left in function %s: %s (%s)" %
                        (fname, node.name, node.op))
      if node.device:
        problems.append("device not cleared in function %s: %s has %r" %
                        (fname, node.name, node.device))
    for arg in func.signature.input_arg:
      if arg.type == fo.tf.resource.as_datatype_enum:
        problems.append("function %s still takes resource argument %s" %
                        (fname, arg.name))
  return problems


def _names_problem(ours, theirs):
  a = [n.name for n in ours.node]
  b = [n.name for n in theirs.node]
  if a == b:
    return None
  sa, sb = set(a), set(b)
  if sa != sb:
    return ("kept nodes differ from TF's freeze: only ours %s; only TF's %s" %
            (sorted(sa - sb)[:20], sorted(sb - sa)[:20]))
  i = next(i for i, (x, y) in enumerate(zip(a, b)) if x != y)
  return ("same nodes as TF's freeze but in another order: first difference "
          "at index %d: ours %r, TF's %r" % (i, a[i], b[i]))


def _compare_runs(expected_runs, actual_runs, what, case):
  problems = []
  runs = fo.runs_of(case)
  for r, (exp, act) in enumerate(zip(expected_runs, actual_runs)):
    for fetch, e, a in zip(runs[r]["fetches"], exp, act):
      msg = fo.exact_mismatch(e, a)
      if msg:
        problems.append("run %d fetch %s: %s: %s" % (r, fetch, what, msg))
  return problems


def check_frozen(case, pb_path):
  """All the checks on one ckptview output; returns the parsed GraphDef."""
  with open(pb_path, "rb") as f:
    data = f.read()
  try:
    ours = fo.graph_pb2.GraphDef.FromString(data)
  except Exception as e:  # pylint: disable=broad-except
    pytest.fail("%s is not a GraphDef (%d bytes): %s" % (pb_path, len(data), e))
  assert ours.node, "frozen graph has no nodes"
  problems = _structural_problems(ours)

  for prefix in ("", "prefix"):
    try:
      fo.import_graph_def_check(ours, prefix)
    except Exception as e:  # pylint: disable=broad-except
      problems.append("tf.import_graph_def(name=%r) fails: %s" %
                      (prefix, fo._first_line(fo._err(e), 600)))
  if problems:
    pytest.fail("%s: %s" % (case["name"], "\n".join(problems)))

  oracle = _oracle(case)
  runs = fo.runs_of(case)
  outputs = {}
  for prefix in ("", "prefix"):
    try:
      outputs[prefix] = [fo.run_graph_def(ours, r["feeds"], r["fetches"],
                                          prefix) for r in runs]
    except Exception as e:  # pylint: disable=broad-except
      problems.append("running the frozen graph (name=%r) fails: %s" %
                      (prefix, fo._first_line(fo._err(e), 600)))
  if outputs.get(""):
    problems += _compare_runs(oracle.reference, outputs[""],
                              "ours vs unfrozen reference", case)
  if outputs.get("") and outputs.get("prefix"):
    problems += _compare_runs(outputs[""], outputs["prefix"],
                              "name='' vs name='prefix' import", case)
  for fr in oracle.freezes:
    if fr.works and outputs.get(""):
      problems += _compare_runs(fr.outputs, outputs[""],
                                "TF freeze (%s) vs ours" % fr.key, case)

  ref = oracle.names_reference
  if ref is not None:
    msg = _names_problem(ours, ref.graph_def)
    if msg:
      problems.append(msg + " [TF: %s; %s]" % (ref.method, ref.status()))
  if problems:
    pytest.fail("%s:\n%s" % (case["name"], "\n".join(problems)))
  return ours


# ----------------------------------------------------------------------------
# Tests.
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", _case_params())
def test_tf_oracle(name):
  """TF itself: the fixture runs, and TF's freeze does what case.json says."""
  case = _case(name)
  oracle = _oracle(case)
  assert len(oracle.reference) == len(fo.runs_of(case))
  expect = case.get("tf_freeze_expect", {})
  problems = []
  for fr in oracle.freezes:
    want = expect.get(fr.key)
    if want is not None and fr.category() != want:
      problems.append("TF freeze %s: expected %s, got %s (%s)" %
                      (fr.key, want, fr.category(), fr.status()))
    if fr.works:
      problems += _compare_runs(oracle.reference, fr.outputs,
                                "TF freeze (%s) vs unfrozen" % fr.key, case)
  if problems:
    pytest.fail("%s (TensorFlow %s; if TF's behaviour changed, update "
                "tf_freeze_expect in gen_graph_fixtures.py):\n%s" %
                (name, fo.tf.__version__, "\n".join(problems)))


@pytest.mark.parametrize("name", _case_params())
def test_freeze(name, cli, tmp_path_factory):
  """ckptview freeze <dir> --output_node_names=... -o out.pb."""
  case = _case(name)
  out = _frozen_by_cli(cli, case, "short", tmp_path_factory.getbasetemp())
  check_frozen(case, out)


@pytest.mark.parametrize("name", _case_params())
def test_freeze_graph_flags(name, cli, tmp_path_factory):
  """freeze_graph.py's flags give the same, correct, bytes."""
  case = _case(name)
  base = tmp_path_factory.getbasetemp()
  out = _frozen_by_cli(cli, case, "long", base)
  check_frozen(case, out)
  short = _frozen_by_cli(cli, case, "short", base)
  with open(out, "rb") as f:
    long_bytes = f.read()
  with open(short, "rb") as f:
    short_bytes = f.read()
  assert long_bytes == short_bytes, (
      "freeze_graph.py flag form and short form wrote different graphs "
      "(%d bytes sha256 %s vs %d bytes sha256 %s)" %
      (len(long_bytes), hashlib.sha256(long_bytes).hexdigest()[:16],
       len(short_bytes), hashlib.sha256(short_bytes).hexdigest()[:16]))


_FROZEN_SUFFIX = re.compile(r"_frozen_\d+$")


def _normalized_node(node):
  """A NodeDef copy with TF's per-process `_frozen_<uid>` suffixes removed."""
  n = node_def_pb2.NodeDef()
  n.CopyFrom(node)
  for attr in n.attr.values():
    if attr.HasField("func"):
      attr.func.name = _FROZEN_SUFFIX.sub("_frozen", attr.func.name)
    for fn in attr.list.func:
      fn.name = _FROZEN_SUFFIX.sub("_frozen", fn.name)
  return n


@pytest.mark.parametrize("name", _case_params())
def test_same_nodes_as_tf_freeze(name, cli, tmp_path_factory):
  """Each kept NodeDef equals TF's freeze's (op, inputs, device, attrs).

  Function names are compared without TF's `_frozen_<uid>` counter (it
  depends on how many ops the process made before). Skipped where TF's own
  freeze output is unusable (then it is not the thing to copy).
  """
  case = _case(name)
  ref = _oracle(case).names_reference
  if ref is None or not ref.works:
    pytest.skip("TF's own freeze is unusable here (%s)" %
                (ref.status() if ref else "no TF1-converter freeze"))
  out = _frozen_by_cli(cli, case, "short", tmp_path_factory.getbasetemp())
  ours = fo.read_graph_def(out)
  theirs = {n.name: n for n in ref.graph_def.node}
  diffs = []
  for node in ours.node:
    if node.name not in theirs:
      diffs.append("%s: not in TF's freeze" % node.name)
      continue
    a = _normalized_node(node)
    b = _normalized_node(theirs[node.name])
    if a == b:
      continue
    parts = []
    if a.op != b.op:
      parts.append("op %s vs TF %s" % (a.op, b.op))
    if list(a.input) != list(b.input):
      parts.append("inputs %s vs TF %s" % (list(a.input), list(b.input)))
    if a.device != b.device:
      parts.append("device %r vs TF %r" % (a.device, b.device))
    for k in sorted(set(a.attr) | set(b.attr)):
      if k not in a.attr:
        parts.append("attr %s missing (TF has it)" % k)
      elif k not in b.attr:
        parts.append("attr %s extra (TF has none)" % k)
      elif a.attr[k] != b.attr[k]:
        parts.append("attr %s: %s vs TF %s" % (
            k, fo._first_line(str(a.attr[k]), 160),
            fo._first_line(str(b.attr[k]), 160)))
    diffs.append("%s: %s" % (node.name, "; ".join(parts) or "other fields"))
  want_funcs = sorted(_FROZEN_SUFFIX.sub("_frozen", n)
                      for n in reachable_functions(ref.graph_def))
  have_funcs = sorted(_FROZEN_SUFFIX.sub("_frozen", n)
                      for n in reachable_functions(ours))
  if want_funcs != have_funcs:
    diffs.append("called functions %s vs TF %s" % (have_funcs, want_funcs))
  if diffs:
    pytest.fail("%s: %d node(s) differ from TF's freeze:\n%s" %
                (name, len(diffs), "\n".join(diffs[:40])))
