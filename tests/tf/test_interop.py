"""Interop tests: our `ckptview inspect --json --values` against real TensorFlow.

For every checkpoint in tests/fixtures (made by gen_fixtures.py) and in the
real-data corpus (../shared/realdata, or $CKPT_REALDATA), the CLI's listing and
values must match what `tf.train.load_checkpoint` reads: same keys (incl.
`_CHECKPOINTABLE_OBJECT_GRAPH`), dtype names, shapes, and every value exactly
(floats bitwise; NaN only as NaN). TF2 checkpoints also get their object paths
and optimizer-slot flags checked against the object graph proto.

Environment:
  CKPTVIEW_BIN   the CLI (default: first of build/native, build/h3, build/* .../src/cli/ckptview)
  CKPT_REALDATA  the real-data folder (default: <repo>/../shared/realdata)

Run with the TensorFlow venv:  ~/.cache/ckptview/venv-tf/bin/python -m pytest -q tests/tf
"""

import base64
import functools
import glob
import json
import math
import os
import re
import subprocess

import numpy as np
import pytest

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
os.environ.setdefault('CUDA_VISIBLE_DEVICES', '-1')
import tensorflow as tf  # noqa: E402  pylint: disable=g-import-not-at-top,wrong-import-position
from tensorflow.core.protobuf import trackable_object_graph_pb2  # noqa: E402

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
FIXTURES = os.path.join(REPO, 'tests', 'fixtures')
REALDATA = os.path.abspath(os.environ.get('CKPT_REALDATA') or
                           os.path.join(REPO, '..', 'shared', 'realdata'))

OBJECT_GRAPH_KEY = '_CHECKPOINTABLE_OBJECT_GRAPH'
SSTABLE_MAGIC = bytes.fromhex('57fb808b247547db')  # 0xdb4775248b80fb57, little endian
SHARD_RE = re.compile(r'^(.*)-(\d{5,})-of-(\d{5,})$')
PARTIAL = 't5-mtf_tiny-bf16-PARTIAL'
# Not checkpoints (a damaged binary SavedModel under a .pbtxt name): not for this suite.
SKIP_REALDATA = {'rottenreview-misnamed-savedmodel'}
CLI_TIMEOUT = 600


def find_cli():
  env = os.environ.get('CKPTVIEW_BIN')
  if env:
    return env if os.path.isfile(env) else None
  candidates = [os.path.join(REPO, 'build', d, 'src', 'cli', 'ckptview') for d in ('native', 'h3')]
  candidates += sorted(glob.glob(os.path.join(REPO, 'build', '*', 'src', 'cli', 'ckptview')))
  for c in candidates:
    if os.path.isfile(c) and os.access(c, os.X_OK):
      return c
  return None


CLI = find_cli()
needs_cli = pytest.mark.skipif(CLI is None, reason='ckptview binary not built '
                               '(set CKPTVIEW_BIN or build build/native/src/cli/ckptview)')


# ----------------------------------------------------------------------------- discovery

class Ckpt:
  """One checkpoint: what to hand the CLI and what to hand TensorFlow."""

  def __init__(self, ident, cli_arg, tf_arg, fmt, group):
    self.ident = ident      # test id
    self.cli_arg = cli_arg  # prefix (V2), file or shard prefix (V1)
    self.tf_arg = tf_arg    # what tf.train.load_checkpoint / Restore take
    self.format = fmt       # 'bundle-v2' or 'slices-v1'
    self.group = group      # 'fixture' or 'realdata'
    self.name = ident.split(':', 1)[1].split('/', 1)[0]  # fixture / realdata entry name

  def __repr__(self):
    return self.ident


def _is_sstable(path):
  try:
    size = os.path.getsize(path)
    if size < 48:
      return False
    with open(path, 'rb') as f:
      f.seek(size - 8)
      return f.read(8) == SSTABLE_MAGIC
  except OSError:
    return False


def discover(root, group):
  """Every V2 bundle (<prefix>.index) and V1 checkpoint (SSTable files) under root."""
  found = []
  if not os.path.isdir(root):
    return found
  for top in sorted(os.listdir(root)):
    if top in SKIP_REALDATA or top.startswith('.') or not os.path.isdir(os.path.join(root, top)):
      continue
    v1_shards = {}
    for dirpath, dirnames, files in os.walk(os.path.join(root, top)):
      dirnames[:] = sorted(d for d in dirnames if not d.startswith('.'))  # skip temp dirs
      for f in sorted(files):
        path = os.path.join(dirpath, f)
        rel = os.path.relpath(path, root)
        if f.endswith('.index'):
          prefix = path[:-len('.index')]
          found.append(Ckpt('%s:%s' % (group, rel[:-len('.index')]), prefix, prefix, 'bundle-v2',
                            group))
          continue
        if '.data-' in f or f.endswith(('.meta', '.pb', '.pbtxt', '.json')) or f == 'checkpoint':
          continue
        if not _is_sstable(path):
          continue
        m = SHARD_RE.match(path)
        if m:
          v1_shards.setdefault((m.group(1), m.group(3)), []).append(path)
        else:
          found.append(Ckpt('%s:%s' % (group, rel), path, path, 'slices-v1', group))
    for (base, count), paths in sorted(v1_shards.items()):
      rel = os.path.relpath(base, root)
      if len(paths) == 1 and int(count) == 1:
        # A one-shard V1 set: the file itself is the natural thing to open.
        found.append(Ckpt('%s:%s' % (group, os.path.relpath(paths[0], root)), paths[0], paths[0],
                          'slices-v1', group))
      else:
        pattern = '%s-?????-of-%s' % (base, count)
        found.append(Ckpt('%s:%s' % (group, rel), base, pattern, 'slices-v1', group))
  return found


ALL = discover(FIXTURES, 'fixture') + discover(REALDATA, 'realdata')
ids = [c.ident for c in ALL]


# ----------------------------------------------------------------------------- running both sides

@functools.lru_cache(maxsize=None)
def run_cli(arg, values=True):
  cmd = [CLI, 'inspect', arg, '--json'] + (['--values'] if values else [])
  proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=CLI_TIMEOUT)
  out = proc.stdout.decode('utf-8', 'replace')
  try:
    # JSON may spell negative zero "-0", which json would read as int 0.
    doc = json.loads(out, parse_int=lambda s: -0.0 if s == '-0' else int(s))
  except ValueError as e:
    doc = None
    err = 'not JSON (%s): %r' % (e, out[:300])
  else:
    err = None
  return proc.returncode, doc, err, proc.stderr.decode('utf-8', 'replace')[-2000:]


def cli_json(ckpt_or_arg, allow_failure=False):
  arg = ckpt_or_arg.cli_arg if isinstance(ckpt_or_arg, Ckpt) else ckpt_or_arg
  rc, doc, err, stderr = run_cli(arg)
  assert doc is not None, '%s inspect %s: %s; stderr: %s' % (CLI, arg, err, stderr)
  if not allow_failure:
    assert rc == 0, 'ckptview exited %d for %s; stderr: %s' % (rc, arg, stderr)
  return doc


@functools.lru_cache(maxsize=None)
def tf_reader(tf_arg):
  return tf.train.load_checkpoint(tf_arg)


def tf_value(ckpt, key, dtype):
  """TF's value for key, as a numpy array. V1 multi-slice tensors and V1 half/complex
  (which py CheckpointReader refuses) are read through the V1 Restore kernel."""
  try:
    value = tf_reader(ckpt.tf_arg).get_tensor(key)
    if isinstance(value, bytes):
      # A string scalar; np.asarray would make it a NUL-stripping 'S' array.
      return np.array(value, dtype=object)
    return np.asarray(value)
  except (tf.errors.UnimplementedError, tf.errors.InvalidArgumentError) as e:
    if ckpt.format != 'slices-v1':
      raise
    msg = str(e)
    if 'Sliced checkpoints are not supported' not in msg and 'Data type not supported' not in msg:
      raise
    return tf.raw_ops.Restore(file_pattern=ckpt.tf_arg, tensor_name=key, dt=dtype).numpy()


def variables_by_name(doc):
  out = {}
  for v in doc.get('variables', []):
    assert v['name'] not in out, 'duplicate variable %r in CLI output' % v['name']
    out[v['name']] = v
  return out


# ----------------------------------------------------------------------------- value comparison

FLOAT_TYPES = {'float16': np.float32, 'bfloat16': np.float32, 'float32': np.float32,
               'float64': np.float64}
COMPLEX_TYPES = {'complex64': np.float32, 'complex128': np.float64}
INT_TYPES = {'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64',
             'qint8', 'quint8', 'qint16', 'quint16', 'qint32'}
SPECIAL_FLOATS = {'NaN': math.nan, 'Infinity': math.inf, '-Infinity': -math.inf}


def flatten(values, is_complex):
  """Row-major leaves of a nested or flat JSON value list; complex leaves are [re, im]."""
  if not isinstance(values, list):
    return [values]
  if is_complex and len(values) == 2 and not isinstance(values[0], list):
    return [values]
  out = []
  stack = [iter(values)]
  while stack:
    for item in stack[-1]:
      if isinstance(item, list) and not (is_complex and len(item) == 2 and
                                         not isinstance(item[0], list)):
        stack.append(iter(item))
        break
      out.append(item)
    else:
      stack.pop()
  return out


def json_floats(items, np_type, where):
  try:
    return np.array(items, dtype=np.float64).astype(np_type)
  except (ValueError, TypeError):
    pass
  conv = []
  for i, x in enumerate(items):
    if isinstance(x, str):
      assert x in SPECIAL_FLOATS, '%s[%d]: unexpected float string %r' % (where, i, x)
      conv.append(SPECIAL_FLOATS[x])
    else:
      assert isinstance(x, (int, float)) and not isinstance(x, bool), \
          '%s[%d]: not a number: %r' % (where, i, x)
      conv.append(float(x))
  return np.array(conv, dtype=np.float64).astype(np_type)


def assert_floats_equal(ours, theirs, where):
  """Bitwise equality, except that any NaN equals any NaN (JSON only says "NaN")."""
  bits = {np.float32: np.uint32, np.float64: np.uint64}[ours.dtype.type]
  nan_o, nan_t = np.isnan(ours), np.isnan(theirs)
  bad = np.flatnonzero((nan_o != nan_t) |
                       (~nan_t & (ours.view(bits) != theirs.view(bits))))
  if bad.size:
    i = int(bad[0])
    raise AssertionError('%s: %d of %d values differ; first at flat index %d: ours %r (0x%x), '
                         'TF %r (0x%x)' % (where, bad.size, ours.size, i, ours[i],
                                           int(ours.view(bits)[i]), theirs[i],
                                           int(theirs.view(bits)[i])))


def decode_string(x, where):
  if isinstance(x, str):
    return x.encode('utf-8')
  assert isinstance(x, dict) and set(x) == {'base64'}, '%s: bad string value %r' % (where, x)
  return base64.b64decode(x['base64'], validate=True)


def compare_values(where, dtype, ours_values, theirs):
  theirs = np.asarray(theirs)
  n = int(theirs.size)
  flat = flatten(ours_values, dtype in COMPLEX_TYPES)
  assert len(flat) == n, '%s: %d values, TF has %d' % (where, len(flat), n)
  t = theirs.reshape(-1)
  if dtype == 'string':
    ours_b = [decode_string(x, where) for x in flat]
    theirs_b = [bytes(x) for x in t.tolist()]
    for i, (a, b) in enumerate(zip(ours_b, theirs_b)):
      assert a == b, '%s[%d]: ours %r, TF %r' % (where, i, a[:80], b[:80])
  elif dtype == 'bool':
    assert all(isinstance(x, bool) for x in flat), '%s: non-boolean value in %r' % (where, flat[:8])
    assert flat == [bool(x) for x in t.tolist()], '%s: ours %r, TF %r' % (where, flat[:16], t[:16])
  elif dtype in INT_TYPES:
    for i, x in enumerate(flat):
      assert isinstance(x, int) and not isinstance(x, bool), \
          '%s[%d]: not an integer: %r' % (where, i, x)
    theirs_i = [int(x) for x in t.astype(np.int64 if dtype[0] != 'u' else np.uint64).tolist()]
    if flat != theirs_i:
      i = next(i for i, (a, b) in enumerate(zip(flat, theirs_i)) if a != b)
      raise AssertionError('%s[%d]: ours %r, TF %r' % (where, i, flat[i], theirs_i[i]))
  elif dtype in FLOAT_TYPES:
    np_type = FLOAT_TYPES[dtype]
    assert_floats_equal(json_floats(flat, np_type, where), t.astype(np_type), where)
  elif dtype in COMPLEX_TYPES:
    np_type = COMPLEX_TYPES[dtype]
    for i, x in enumerate(flat):
      assert isinstance(x, list) and len(x) == 2, '%s[%d]: complex not [re, im]: %r' % (where, i, x)
    re_o = json_floats([x[0] for x in flat], np_type, where + '.re')
    im_o = json_floats([x[1] for x in flat], np_type, where + '.im')
    assert_floats_equal(re_o, np.real(t).astype(np_type), where + '.re')
    assert_floats_equal(im_o, np.imag(t).astype(np_type), where + '.im')
  else:
    pytest.fail('%s: no value comparison for dtype %s' % (where, dtype))


# ----------------------------------------------------------------------------- tests

@pytest.mark.parametrize('ckpt', ALL, ids=ids)
def test_tf_reads(ckpt):
  """TensorFlow side alone (runs without the CLI): every tensor loads."""
  reader = tf_reader(ckpt.tf_arg)
  dtypes = reader.get_variable_to_dtype_map()
  assert dtypes, 'TF lists no tensors'
  failures = []
  for key, dt in sorted(dtypes.items()):
    try:
      tf_value(ckpt, key, dt)
    except tf.errors.OpError as e:
      failures.append((key, str(e).splitlines()[0]))
  if ckpt.name == PARTIAL:
    assert failures and all('data-00001-of-00002' in m for _, m in failures), failures[:3]
  else:
    assert not failures, failures[:5]


@needs_cli
@pytest.mark.parametrize('ckpt', ALL, ids=ids)
def test_inspect_matches_tf(ckpt):
  partial = ckpt.name == PARTIAL
  doc = cli_json(ckpt, allow_failure=partial)
  assert doc.get('format') == ckpt.format, 'format %r, expected %r' % (doc.get('format'), ckpt.format)
  ours = variables_by_name(doc)
  reader = tf_reader(ckpt.tf_arg)
  shapes = reader.get_variable_to_shape_map()
  dtypes = reader.get_variable_to_dtype_map()

  assert set(ours) == set(shapes), 'keys differ: only ours %s; only TF %s' % (
      sorted(set(ours) - set(shapes))[:10], sorted(set(shapes) - set(ours))[:10])

  missing_shard_errors = 0
  for key in sorted(shapes):
    v = ours[key]
    where = '%s %s' % (ckpt.ident, key)
    dt = dtypes[key]
    assert v.get('dtype') == dt.name, '%s: dtype %r, TF %r' % (where, v.get('dtype'), dt.name)
    assert list(v.get('shape')) == list(shapes[key]), '%s: shape %r, TF %r' % (
        where, v.get('shape'), shapes[key])
    if ckpt.format == 'bundle-v2' and (dt.name in FLOAT_TYPES or dt.name in COMPLEX_TYPES or
                                       dt.name in INT_TYPES or dt.name == 'bool'):
      # Stored bytes of a raw-memory tensor (V1 stores TensorProtos: no fixed size).
      numel = int(np.prod(shapes[key], dtype=np.int64))
      assert v.get('bytes') == numel * dt.size, '%s: bytes %r, expected %d x %d' % (
          where, v.get('bytes'), numel, dt.size)
    try:
      theirs = tf_value(ckpt, key, dt)
    except tf.errors.OpError as e:
      if not partial:
        raise
      # The data shard is missing: TF fails, and we must say which file is missing.
      assert 'data-00001-of-00002' in str(e)
      assert 'error' in v and 'values' not in v, '%s: expected an error, got %r' % (where, v)
      assert 'model.ckpt-0.data-00001-of-00002' in v['error'], \
          '%s: error does not name the missing shard: %r' % (where, v['error'])
      missing_shard_errors += 1
      continue
    assert 'error' not in v, '%s: CLI error %r but TF reads it' % (where, v['error'])
    assert 'values' in v, '%s: no values in CLI output' % where
    compare_values(where, dt.name, v['values'], theirs)
  if partial:
    assert missing_shard_errors > 0


def _expected_slices():
  path = os.path.join(FIXTURES, 'partitioned', 'partitions.json')
  if not os.path.exists(path):
    return {}
  with open(path) as f:
    return json.load(f)


@needs_cli
def test_partitioned_slice_counts():
  expected = _expected_slices()
  if not expected:
    pytest.skip('partitioned fixture missing')
  prefix = os.path.join(FIXTURES, 'partitioned', 'model.ckpt-1')
  ours = variables_by_name(cli_json(prefix))
  for key, n in expected.items():
    got = ours[key].get('slices', 0)
    if isinstance(got, list):
      got = len(got)
    assert (got or 0) == n, '%s: slices %r, expected %d' % (key, ours[key].get('slices'), n)


# --- TF2 object graph: object paths and slot flags

def _escape(local_name):
  return local_name.replace('.', '..').replace('/', '.S')


# Keras 3 optimizers keep their moments as ordinary tracked variables (children
# of these lists), not as TF slot variables; flagging them as slots is allowed.
KERAS3_OPTIMIZER_LISTS = {'_momentums', '_velocities', '_velocity_hats', '_accumulators',
                          '_accumulated_grads', '_accumulated_delta_vars', '_average_gradients',
                          '_m', '_v', '_u', '_vhats'}


def expected_object_paths(graph):
  """checkpoint key -> (readable object path, is_slot, slot_allowed) from TF's object graph.

  The readable path joins the (unescaped) local names from the root, breadth-first
  as TF names objects; a slot variable's path is
  <variable path>/.OPTIMIZER_SLOT/<optimizer path>/<slot name>; an attribute other
  than VARIABLE_VALUE appends /<attribute name>."""
  nodes = graph.nodes
  paths = {0: []}
  order = [0]
  for node_id in order:
    for child in nodes[node_id].children:
      if child.node_id not in paths:
        paths[child.node_id] = paths[node_id] + [child.local_name]
        order.append(child.node_id)
  slot_nodes = set()
  for opt_id, node in enumerate(nodes):
    for sv in node.slot_variables:
      slot_nodes.add(sv.slot_variable_node_id)
      if sv.slot_variable_node_id not in paths and sv.original_variable_node_id in paths \
         and opt_id in paths:
        paths[sv.slot_variable_node_id] = (paths[sv.original_variable_node_id] + ['.OPTIMIZER_SLOT'] +
                                           paths[opt_id] + [sv.slot_name])
  lenient = set()
  for node in nodes:
    for child in node.children:
      if child.local_name in KERAS3_OPTIMIZER_LISTS:
        lenient.update(c.node_id for c in nodes[child.node_id].children)
  out = {}
  for node_id, node in enumerate(nodes):
    if node_id not in paths:
      continue
    parts = paths[node_id]
    escaped = '/'.join(p if p == '.OPTIMIZER_SLOT' else _escape(p) for p in parts)
    for attr in node.attributes:
      # Sanity check of this derivation against the key TF wrote.
      assert attr.checkpoint_key.startswith(escaped + '/.ATTRIBUTES/'), \
          'object graph path %r does not prefix key %r' % (escaped, attr.checkpoint_key)
      path = '/'.join(parts)
      if attr.name not in ('VARIABLE_VALUE', ''):
        # Objects with several saved tensors (e.g. a table's keys and values):
        # the attribute name tells them apart.
        path = path + '/' + attr.name if path else attr.name
      out[attr.checkpoint_key] = (path, node_id in slot_nodes, node_id in lenient)
  return out


NON_PARTIAL = [c for c in ALL if c.name != PARTIAL]


@needs_cli
@pytest.mark.parametrize('ckpt', NON_PARTIAL, ids=[c.ident for c in NON_PARTIAL])
def test_tf2_object_paths(ckpt):
  reader = tf_reader(ckpt.tf_arg)
  if OBJECT_GRAPH_KEY not in reader.get_variable_to_shape_map():
    pytest.skip('not an object-based (TF2) checkpoint')
  graph = trackable_object_graph_pb2.TrackableObjectGraph()
  graph.ParseFromString(reader.get_tensor(OBJECT_GRAPH_KEY))
  expected = expected_object_paths(graph)
  if not expected:
    pytest.skip('the object graph holds no saved values (only the graph itself)')
  ours = variables_by_name(cli_json(ckpt))
  problems = []
  for key, (path, is_slot, lenient) in sorted(expected.items()):
    if key not in ours:
      problems.append('%s: missing from CLI output' % key)
      continue
    v = ours[key]
    if v.get('object_path') != path:
      problems.append('%s: object_path %r, expected %r' % (key, v.get('object_path'), path))
    slot = bool(v.get('optimizer_slot'))
    if slot != is_slot and not (lenient and not is_slot):
      problems.append('%s: optimizer_slot %r, expected %r' % (key, v.get('optimizer_slot'), is_slot))
  if OBJECT_GRAPH_KEY in ours and ours[OBJECT_GRAPH_KEY].get('optimizer_slot'):
    problems.append('%s flagged as optimizer slot' % OBJECT_GRAPH_KEY)
  assert not problems, '\n'.join(problems[:20])


TF1_SLOT_SUFFIXES = ('Adam', 'Adam_1', 'Momentum', 'Adagrad', 'Ftrl', 'Ftrl_1', 'RMSProp',
                     'RMSProp_1', 'Adadelta', 'Adadelta_1', 'AdagradDA', 'AdagradDA_1')


@needs_cli
@pytest.mark.parametrize('ckpt', NON_PARTIAL, ids=[c.ident for c in NON_PARTIAL])
def test_tf1_optimizer_slots(ckpt):
  """Name-based checkpoints: `<var>/Adam`, `<var>/Momentum`, ... next to `<var>` are slots;
  `<var>` itself is not."""
  keys = set(tf_reader(ckpt.tf_arg).get_variable_to_shape_map())
  if OBJECT_GRAPH_KEY in keys:
    pytest.skip('object-based checkpoint (see test_tf2_object_paths)')
  slots = {k for k in keys if '/' in k and k.rsplit('/', 1)[1] in TF1_SLOT_SUFFIXES and
           k.rsplit('/', 1)[0] in keys}
  if not slots:
    pytest.skip('no TF1 optimizer slots')
  bases = {k.rsplit('/', 1)[0] for k in slots}
  ours = variables_by_name(cli_json(ckpt))
  wrong = sorted(k for k in slots if not ours[k].get('optimizer_slot'))
  wrong += sorted(k + ' (a variable, flagged as slot)' for k in bases - slots
                  if ours[k].get('optimizer_slot'))
  assert not wrong, 'optimizer_slot wrong for: %s' % wrong[:20]


# --- opening a folder: the checkpoint picked is TF's latest

def _folders():
  out = []
  for group, root in (('fixture', FIXTURES), ('realdata', REALDATA)):
    if not os.path.isdir(root):
      continue
    for top in sorted(os.listdir(root)):
      if top in SKIP_REALDATA or top == PARTIAL or top.startswith('.'):
        continue
      for dirpath, dirnames, files in os.walk(os.path.join(root, top)):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith('.'))
        rel = os.path.relpath(dirpath, root)
        if 'checkpoint' in files and not _is_sstable(os.path.join(dirpath, 'checkpoint')):
          latest = _tf_latest(dirpath)
          if latest:
            out.append(pytest.param(dirpath, os.path.relpath(latest, dirpath), None,
                                    id='%s:%s/' % (group, rel)))
            continue
          # The state file names a checkpoint that is not there (TF gives up): with
          # exactly one checkpoint in the folder, we open it and warn.
          here = [c for c in ALL if os.path.dirname(c.cli_arg) == dirpath]
          if len(here) == 1:
            state = tf.train.get_checkpoint_state(dirpath)
            out.append(pytest.param(dirpath, os.path.basename(here[0].cli_arg),
                                    state.model_checkpoint_path, id='%s:%s/' % (group, rel)))
        elif ('saved_model.pb' in files and
              os.path.exists(os.path.join(dirpath, 'variables', 'variables.index'))):
          out.append(pytest.param(dirpath, os.path.join('variables', 'variables'), None,
                                  id='%s:%s/' % (group, rel)))
  return out


def _tf_latest(dirpath):
  """tf.train.latest_checkpoint without its error log for state files naming missing paths."""
  try:
    state = tf.train.get_checkpoint_state(dirpath)
  except Exception:  # pylint: disable=broad-except
    return None
  path = state.model_checkpoint_path if state else ''
  if not path or not (os.path.exists(path + '.index') or glob.glob(path)):
    return None
  return tf.train.latest_checkpoint(dirpath)


def _strip_shard_pattern(p):
  return re.sub(r'-[\d?]+-of-\d+$', '', p)


@needs_cli
@pytest.mark.parametrize('folder,expected_rel,stale_state_path', _folders())
def test_folder_opens_latest(folder, expected_rel, stale_state_path):
  """A folder opens TF's latest_checkpoint (state file) or the SavedModel's variables;
  a state file naming a missing checkpoint falls back to the folder's only one, with
  a warning that names the missing path."""
  rc, doc, err, stderr = run_cli(folder, values=False)
  assert doc is not None and rc == 0, 'inspect %s: rc %d, %s; stderr: %s' % (folder, rc, err, stderr)
  prefix = doc.get('prefix') or ''
  want = _strip_shard_pattern(expected_rel).split(os.sep)
  got = _strip_shard_pattern(prefix.replace('\\', '/')).split('/')
  assert got[-len(want):] == want, 'opened %r, expected %r' % (prefix, expected_rel)
  if stale_state_path:
    warnings = doc.get('warnings') or []
    assert any(stale_state_path in w for w in warnings), \
        'no warning about the missing %r named by the state file; warnings: %r' % (
            stale_state_path, warnings)


# --- a frozen graph alone: its Const nodes are its variables

def _frozen_graphs():
  """Every realdata graph file whose MANIFEST kind is frozen-pb."""
  manifest = os.path.join(REALDATA, 'MANIFEST.tsv')
  if not os.path.exists(manifest):
    return []
  out = []
  with open(manifest) as f:
    for line in f:
      cols = line.rstrip('\n').split('\t')
      if len(cols) > 5 and cols[4] == 'frozen-pb':
        for name in cols[5].split():
          path = os.path.join(REALDATA, cols[0], name.split('(')[0])
          if path.endswith('.pb') and os.path.isfile(path):
            out.append(pytest.param(path, id='realdata:%s/%s' % (cols[0], os.path.basename(path))))
  return out


@needs_cli
@pytest.mark.parametrize('pb', _frozen_graphs())
def test_frozen_graph_constants_match_tf(pb):
  """`inspect FROZEN.pb` lists every Const node holding a tensor, with the values
  TensorFlow decodes from it (tf.make_ndarray), or fails clearly if it has none."""
  graph = tf.compat.v1.GraphDef()
  with open(pb, 'rb') as f:
    graph.ParseFromString(f.read())
  theirs = {n.name: n.attr['value'].tensor for n in graph.node
            if n.op == 'Const' and n.attr['value'].HasField('tensor')}
  rc, doc, err, stderr = run_cli(pb)
  if not theirs:
    assert rc == 3 and 'without constants' in stderr, 'rc %d, stderr %s' % (rc, stderr)
    return
  assert doc is not None and rc == 0, 'inspect %s: rc %d, %s; stderr: %s' % (pb, rc, err, stderr)
  assert doc.get('format') == 'graph-constants'
  ours = variables_by_name(doc)
  assert set(ours) == set(theirs), 'names differ: only ours %s; only TF %s' % (
      sorted(set(ours) - set(theirs))[:10], sorted(set(theirs) - set(ours))[:10])
  for name, proto in sorted(theirs.items()):
    value = tf.make_ndarray(proto)
    dt = tf.as_dtype(proto.dtype)
    v = ours[name]
    where = '%s %s' % (os.path.basename(pb), name)
    assert v.get('dtype') == dt.name, '%s: dtype %r, TF %r' % (where, v.get('dtype'), dt.name)
    assert list(v.get('shape')) == list(value.shape), '%s: shape %r, TF %r' % (where, v.get('shape'), value.shape)
    assert 'values' in v, '%s: no values (%s)' % (where, v.get('error'))
    compare_values(where, dt.name, v['values'], value)
