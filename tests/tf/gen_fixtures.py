#!/usr/bin/env python3
"""Writes the TensorFlow-made test fixtures into tests/fixtures/<name>/.

Run with the TensorFlow venv (tensorflow-cpu 2.21):

    ~/.cache/ckptview/venv-tf/bin/python tests/tf/gen_fixtures.py            # all fixtures
    ~/.cache/ckptview/venv-tf/bin/python tests/tf/gen_fixtures.py dtypes v1  # some of them
    ... gen_fixtures.py --out /tmp/fx                                         # another root

Every fixture is made in its own Python subprocess (TF1 graph mode, eager mode
and the 2-CPU device setup are process-wide settings), after deleting its
folder, so the script can be rerun at will. Seeds are fixed, and the
CheckpointManager timestamps come from a fake clock, so reruns rewrite the same
tensor bytes and the same state files (graph files such as .meta and
saved_model.pb may still differ in small ways between TensorFlow versions).

Fixtures (all checkpoints are written by real TensorFlow code paths):

  tutorial      TF1 save/restore tutorial: Saver(save_relative_paths=True) ->
                ckpts/checkpoint, ckpts/model.ckpt-1.{meta,index,data-00000-of-00001}.
                Also the web page's bundled demo.
  dtypes        one tensor per dtype TensorFlow can save, edge values, scalars,
                zero-element tensors, a 3-D tensor (Saver, TF1 graph mode).
                qint16/quint16 cannot be tf.Variables (no AssignVariableOp
                kernel), so they are handed to the same Saver as plain tensors
                through a SaveableObject: same SaveV2 op, same bytes.
  strings       string tensors of several shapes, long strings (2- and 3-byte
                varint lengths), non-UTF-8 bytes, 0-element tensors.
  partitioned   TF1 partitioned variables (fixed_size_partitioner,
                min_max_variable_partitioner, a dim-1 split) plus their Adam
                slots (also partitioned) -> slice entries. partitions.json
                records the expected number of slices per key.
  sharded       TF1 Saver(sharded=True), variables on /cpu:0 and /cpu:1 (two
                logical CPUs via ConfigProto) -> 2 data shards merged.
  tf2_checkpoint tf.train.Checkpoint(model=Keras model, optimizer=Keras Adam)
                after one training step, ckpt.save -> ckpt-1. Keras 3 optimizers
                keep their moments as plain tracked variables
                (optimizer/_variables/N), not as TF slot variables.
  tf2_slots     tf.train.Checkpoint(model=tf.Module, optimizer=
                tf.compat.v1.train.AdamOptimizer) after one step: real TF slot
                variables (<var>/.OPTIMIZER_SLOT/optimizer/m|v/...) listed in the
                object graph's slot_variables.
  tf2_manager   tf.train.CheckpointManager(max_to_keep=2) after 3 saves:
                ckpt-2, ckpt-3 kept, state file with timestamps.
  keras_weights Keras 3 (installed with TF 2.21) only writes `.weights.h5` from
                model.save_weights, so a TF-format weights checkpoint is made
                the way Keras 2 save_weights did it: tf.train.Checkpoint(root=
                model).write('weights') plus a `checkpoint` state file.
  saved_model   tf.Module with variables and a signature, tf.saved_model.save.
  v1            V1 (TensorSlice) checkpoints: Saver(write_version=V1) single
                file (with a partitioned variable -> slices) and sharded over two
                devices (model.ckpt-0000N-of-00002); tf.raw_ops.Save (single
                file) and tf.raw_ops.SaveSlices (two tensors stored as two
                slices each, split along dim 0 and dim 1, plus a whole one).
                TF's Python CheckpointReader refuses multi-slice V1 tensors
                ("Sliced checkpoints are not supported") and V1 half/complex;
                the tests read those through the V1 Restore kernel instead.
  Not reproducible byte for byte: saved_model/fingerprint.pb (TF stores a
  random UUID in it); everything else is rewritten identically.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.normpath(os.path.join(HERE, '..', 'fixtures'))
SIZE_LIMIT = 2 * 1024 * 1024

FIXTURES = ['tutorial', 'dtypes', 'strings', 'partitioned', 'sharded', 'tf2_checkpoint',
            'tf2_slots', 'tf2_manager', 'keras_weights', 'saved_model', 'v1']


# ----------------------------------------------------------------------------- helpers

def _tf_graph_mode():
  """Imports TF in TF1 graph mode with reference variables (classic TF1)."""
  import tensorflow as tf
  tf.compat.v1.disable_v2_behavior()
  tf.compat.v1.reset_default_graph()
  tf.compat.v1.set_random_seed(1234)
  return tf.compat.v1


def _const_saveable(tf, tensor, name):
  """A SaveableObject that saves `tensor` under `name` (for dtypes no Variable takes)."""
  from tensorflow.python.training.saving import saveable_object

  class ConstSaveable(saveable_object.SaveableObject):

    def __init__(self):
      super().__init__(tensor, [saveable_object.SaveSpec(tensor, '', name)], name)

    def restore(self, restored_tensors, restored_shapes):
      return tf.no_op()

  return ConstSaveable()


# ----------------------------------------------------------------------------- fixtures

def gen_tutorial(out):
  tf = _tf_graph_mode()
  # The classic "how to save and restore a model" tutorial.
  w1 = tf.Variable(tf.random_normal(shape=[2], seed=1), name='w1')
  w2 = tf.Variable(tf.constant([1, 2, 3, 4, 5]), name='w2')
  # Its second half: a tiny graph to restore and run by name.
  x1 = tf.placeholder('float', name='x1')
  x2 = tf.placeholder('float', name='x2')
  b1 = tf.Variable(2.0, name='bias')
  x3 = tf.add(x1, x2)
  tf.multiply(x3, b1, name='op_to_restore')
  tf.multiply(tf.reduce_sum(w1), tf.cast(tf.reduce_sum(w2), tf.float32), name='w_product')
  saver = tf.train.Saver(save_relative_paths=True)
  with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    saver.save(sess, os.path.join(out, 'ckpts', 'model.ckpt'), global_step=1)


def _dtype_values(tf):
  import numpy as np
  bf16 = tf.bfloat16.as_numpy_dtype
  f32 = np.float32
  f64 = np.float64
  inf = np.inf
  nan = np.nan
  v = {}
  v['float16'] = np.array([0.0, -0.0, 1.0, -1.5, 65504.0, 2.0**-24, 2.0**-14, 0.1, inf, -inf, nan],
                          np.float16)
  v['bfloat16'] = np.array([0.0, -0.0, 1.0, -1.5, 3.3895314e38, 2.0**-133, 2.0**-126, 0.1, inf, -inf,
                            nan], bf16)
  v['float32'] = np.array([[0.0, -0.0, 1.0, -1.5], [np.finfo(f32).max, np.finfo(f32).tiny, 1e-45, 0.1],
                           [inf, -inf, nan, -np.float32(nan)]], f32)
  v['float64'] = np.array([0.0, -0.0, 1.0, -1.5, np.finfo(f64).max, np.finfo(f64).tiny, 5e-324, 0.1,
                           np.pi, inf, -inf, nan], f64)
  for name in ['int8', 'int16', 'int32', 'int64']:
    info = np.iinfo(name)
    v[name] = np.array([info.min, -1, 0, 1, info.max], name)
  for name in ['uint8', 'uint16', 'uint32', 'uint64']:
    info = np.iinfo(name)
    v[name] = np.array([0, 1, 2, info.max // 2, info.max], name)
  v['bool'] = np.array([True, False, True, True], np.bool_)
  v['complex64'] = np.array([1 + 2j, complex(-0.0, -0.0), complex(inf, nan), complex(1e-45, 3.4e38),
                             complex(-inf, 0.1)], np.complex64)
  v['complex128'] = np.array([1 + 2j, complex(-0.0, -0.0), complex(inf, nan),
                              complex(5e-324, 1.7976931348623157e308), complex(-inf, 0.1)],
                             np.complex128)
  v['string'] = np.array([b'hello', b'', b'\xff\xfe\x00 not utf-8 \x80', 'h\u00e9llo \u2713'.encode(),
                          b'tab\t"quote"\\ newline\n'], object)
  # Quantized types hold plain integers in numpy.
  v['qint8'] = np.array([-128, -1, 0, 1, 127], np.int8)
  v['quint8'] = np.array([0, 1, 128, 255], np.uint8)
  v['qint16'] = np.array([-32768, -1, 0, 1, 32767], np.int16)
  v['quint16'] = np.array([0, 1, 32768, 65535], np.uint16)
  v['qint32'] = np.array([-2**31, -1, 0, 1, 2**31 - 1], np.int32)
  # Scalars.
  v['scalar_float32'] = np.array(3.5, f32)
  v['scalar_float64'] = np.array(-2.25, f64)
  v['scalar_int64'] = np.array(-9223372036854775808, np.int64)
  v['scalar_bool'] = np.array(True)
  v['scalar_string'] = np.array(b'scalar', object)
  v['scalar_complex64'] = np.array(3 - 4j, np.complex64)
  v['scalar_bfloat16'] = np.array(-0.0, bf16)
  # Zero-element tensors.
  v['empty_float32'] = np.zeros([0], f32)
  v['empty_int32_2x0x3'] = np.zeros([2, 0, 3], np.int32)
  v['empty_bfloat16'] = np.zeros([0, 4], bf16)
  v['empty_string'] = np.zeros([0], object)
  # A 3-D tensor.
  v['tensor3d_float32'] = (np.arange(24, dtype=f32).reshape(2, 3, 4) - 11.5) / 4
  v['tensor3d_int16'] = np.arange(-12, 12, dtype=np.int16).reshape(2, 3, 4)
  return v


def gen_dtypes(out):
  tf = _tf_graph_mode()
  # Resource variables: their AssignVariableOp has kernels for more dtypes
  # (uint32, uint64, bfloat16, qint8/quint8/qint32) than the ref Assign op.
  tf.enable_resource_variables()
  import numpy as np
  qtypes = {'qint8': tf.qint8, 'quint8': tf.quint8, 'qint16': tf.qint16, 'quint16': tf.quint16,
            'qint32': tf.qint32}
  var_list = []
  for name, value in _dtype_values(tf).items():
    if name in qtypes:
      raw = tf.constant(value)
      tensor = tf.raw_ops.Bitcast(input=raw, type=qtypes[name])
      if name in ('qint16', 'quint16'):
        # No tf.Variable of these types (no AssignVariableOp kernel).
        var_list.append(_const_saveable(tf, tensor, name))
        continue
      var_list.append(tf.Variable(tensor, name=name))
      continue
    if value.dtype == object:
      tensor = tf.constant(value.tolist(), dtype=tf.string, shape=value.shape)
    else:
      tensor = tf.constant(value)
    var_list.append(tf.Variable(tensor, name=name))
  saver = tf.train.Saver(var_list, save_relative_paths=True)
  with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    saver.save(sess, os.path.join(out, 'model.ckpt'))


def gen_strings(out):
  tf = _tf_graph_mode()
  import numpy as np
  all_bytes = bytes(range(256))
  values = {
      'scalar': np.array(b'one string', object),
      'empty_scalar': np.array(b'', object),
      'vector': np.array([b'a', b'bc', b'', b'def'], object),
      'matrix_2x3': np.array([[b'r0c0', b'', b'r0c2'], [b'\x00nul', 'caf\u00e9'.encode(), b'x' * 10]],
                             object),
      'long_200': np.array([b'L' * 200, b'short'], object),  # 2-byte varint length
      'long_20000': np.array([bytes((i * 7) % 251 for i in range(20000))], object),  # 3-byte varint
      'all_bytes': np.array([all_bytes, all_bytes[::-1]], object),  # not UTF-8
      'unicode': np.array(['\u65e5\u672c\u8a9e', '\U0001F600 emoji', 'ascii'], object),
      'zero_elements': np.zeros([0], object),
      'zero_elements_2x0': np.zeros([2, 0], object),
      'tensor3d': np.array([[[b'%d%d%d' % (i, j, k) for k in range(2)] for j in range(3)]
                            for i in range(2)], object),
  }
  for name, value in values.items():
    tf.Variable(tf.constant(value.tolist(), dtype=tf.string, shape=value.shape), name=name)
  saver = tf.train.Saver(save_relative_paths=True)
  with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    saver.save(sess, os.path.join(out, 'model.ckpt'))


def gen_partitioned(out):
  tf = _tf_graph_mode()
  import numpy as np
  rng = np.random.RandomState(7)
  fixed3 = tf.get_variable('fixed3', initializer=tf.constant(rng.randn(10, 4).astype(np.float32)),
                           partitioner=tf.fixed_size_partitioner(3))
  minmax = tf.get_variable(
      'minmax', initializer=tf.constant(rng.randn(20, 4).astype(np.float32)),
      partitioner=tf.min_max_variable_partitioner(max_partitions=4, min_slice_size=128))
  axis1 = tf.get_variable('axis1', initializer=tf.constant(rng.randn(3, 6).astype(np.float32)),
                          partitioner=tf.fixed_size_partitioner(2, axis=1))
  ints = tf.get_variable('ints', initializer=tf.constant(np.arange(9, dtype=np.int64)),
                         partitioner=tf.fixed_size_partitioner(3), trainable=False)
  dbl = tf.get_variable('scope/double', initializer=tf.constant(rng.randn(5, 2)),
                        partitioner=tf.fixed_size_partitioner(2))
  whole = tf.get_variable('whole', initializer=tf.constant(rng.randn(4).astype(np.float32)))
  loss = (tf.reduce_sum(tf.square(fixed3.as_tensor())) + tf.reduce_sum(minmax.as_tensor()) +
          tf.reduce_sum(axis1.as_tensor()) + tf.reduce_sum(whole) +
          tf.cast(tf.reduce_sum(dbl.as_tensor()), tf.float32))
  train = tf.train.AdamOptimizer(0.01).minimize(loss)
  saver = tf.train.Saver(save_relative_paths=True)
  with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    sess.run(train)
    saver.save(sess, os.path.join(out, 'model.ckpt'), global_step=1)
  # Expected number of stored slices per checkpoint key (0 = stored whole).
  slices = {}
  for var in tf.global_variables():
    info = var._save_slice_info  # pylint: disable=protected-access
    name = info.full_name if info else var.op.name
    slices[name] = slices.get(name, 0) + (1 if info else 0)
  with open(os.path.join(out, 'partitions.json'), 'w') as f:
    json.dump(dict(sorted(slices.items())), f, indent=1)
    f.write('\n')


def gen_sharded(out):
  tf = _tf_graph_mode()
  import numpy as np
  rng = np.random.RandomState(3)
  with tf.device('/cpu:0'):
    tf.Variable(rng.randn(3, 2).astype(np.float32), name='cpu0/weights')
    tf.Variable(np.array([1, 2, 3], np.int64), name='cpu0/counts')
    tf.Variable(0, dtype=tf.int64, name='global_step')
  with tf.device('/cpu:1'):
    tf.Variable(rng.randn(4).astype(np.float32), name='cpu1/bias')
    tf.Variable(rng.randn(2, 2), name='cpu1/matrix')
    tf.Variable(np.array([b'on', b'cpu1'], object), dtype=tf.string, name='cpu1/labels')
  saver = tf.train.Saver(sharded=True, save_relative_paths=True)
  config = tf.ConfigProto(device_count={'CPU': 2})
  with tf.Session(config=config) as sess:
    sess.run(tf.global_variables_initializer())
    saver.save(sess, os.path.join(out, 'model.ckpt'), global_step=7)


def _eager_tf():
  import tensorflow as tf
  import keras
  keras.utils.set_random_seed(42)
  tf.random.set_seed(42)
  return tf, keras


def gen_tf2_checkpoint(out):
  tf, keras = _eager_tf()
  import numpy as np
  model = keras.Sequential([
      keras.Input((3,)),
      keras.layers.Dense(4, activation='relu', name='hidden'),
      keras.layers.Dense(2, name='logits'),
  ])
  opt = keras.optimizers.Adam(0.01)
  x = np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3)
  y = np.array([[0.5, -0.5], [1.0, 0.0]], np.float32)
  with tf.GradientTape() as tape:
    loss = tf.reduce_mean(tf.square(model(x) - y))
  grads = tape.gradient(loss, model.trainable_variables)
  opt.apply_gradients(zip(grads, model.trainable_variables))
  ckpt = tf.train.Checkpoint(model=model, optimizer=opt)
  ckpt.save(os.path.join(out, 'ckpt'))


def gen_tf2_slots(out):
  tf, _ = _eager_tf()

  class Linear(tf.Module):

    def __init__(self):
      super().__init__()
      self.w = tf.Variable([[1.0, 2.0], [3.0, 4.0], [-1.0, 0.5]], name='w')
      self.b = tf.Variable([0.5, -0.25], name='b')
      self.steps = tf.Variable(0, dtype=tf.int64, trainable=False, name='steps')

  model = Linear()
  opt = tf.compat.v1.train.AdamOptimizer(0.1)
  with tf.GradientTape() as tape:
    loss = tf.reduce_sum(tf.square(tf.matmul([[1.0, -1.0, 2.0]], model.w) + model.b))
  grads = tape.gradient(loss, [model.w, model.b])
  opt.apply_gradients(zip(grads, [model.w, model.b]))
  model.steps.assign_add(1)
  ckpt = tf.train.Checkpoint(model=model, optimizer=opt)
  ckpt.save(os.path.join(out, 'ckpt'))


class _FakeClock:
  """Deterministic time.time() so the state file's timestamps are reproducible."""

  def __init__(self, start):
    self.now = start

  def __call__(self):
    self.now += 1.25
    return self.now


def gen_tf2_manager(out):
  import time
  time.time = _FakeClock(1700000000.0)
  tf, _ = _eager_tf()
  step = tf.Variable(0, dtype=tf.int64)
  weights = tf.Variable(tf.random.stateless_normal([3, 2], seed=[1, 2]))
  ckpt = tf.train.Checkpoint(step=step, weights=weights)
  manager = tf.train.CheckpointManager(ckpt, out, max_to_keep=2)
  for _ in range(3):
    step.assign_add(1)
    weights.assign(weights * 2.0)
    manager.save()


def gen_keras_weights(out):
  tf, keras = _eager_tf()
  from tensorflow.python.checkpoint import checkpoint_management
  model = keras.Sequential([
      keras.Input((5,)),
      keras.layers.Dense(3, activation='tanh', name='dense'),
      keras.layers.Dense(1, use_bias=False, name='out'),
  ])
  # Keras 3: model.save_weights() only accepts '.weights.h5'. Do what Keras 2's
  # TF-format save_weights did: write the model as the checkpoint root, then
  # record it in a `checkpoint` state file.
  prefix = os.path.join(out, 'weights')
  tf.train.Checkpoint(root=model).write(prefix)
  checkpoint_management.update_checkpoint_state_internal(
      save_dir=out, model_checkpoint_path=prefix, all_model_checkpoint_paths=[prefix],
      save_relative_paths=True)


def gen_saved_model(out):
  tf, _ = _eager_tf()

  class Scale(tf.Module):

    def __init__(self):
      super().__init__()
      self.scale = tf.Variable([2.0, 3.0, -1.0], name='scale')
      self.offset = tf.Variable(0.5, name='offset')
      self.version = tf.Variable(3, dtype=tf.int64, trainable=False, name='version')

    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
    def __call__(self, x):
      return x * self.scale + self.offset

  module = Scale()
  tf.saved_model.save(module, out, signatures=module.__call__)


def gen_v1(out):
  import tensorflow as tf
  import numpy as np
  tf.compat.v1.disable_v2_behavior()
  for sub in ('single', 'sharded', 'raw'):
    os.makedirs(os.path.join(out, sub))

  # 1. Saver(write_version=V1), one device -> a single file `single/model.ckpt-5`.
  g = tf.Graph()
  with g.as_default():
    tf.compat.v1.set_random_seed(5)
    tf.compat.v1.Variable(np.arange(6, dtype=np.float32).reshape(2, 3) / 4, name='weights')
    tf.compat.v1.Variable(np.array([1, -2, 3], np.int32), name='ints')
    tf.compat.v1.Variable(np.array(2.5, np.float64), name='scalar_double')
    tf.compat.v1.Variable(np.array([True, False]), name='flags')
    tf.compat.v1.Variable(np.array([b'v1', b'', b'\xff\x00'], object), dtype=tf.string, name='names')
    tf.compat.v1.Variable(np.array([1.5, -0.0, np.inf], np.float16), name='halfs')
    tf.compat.v1.get_variable(
        'part', initializer=tf.constant(np.arange(12, dtype=np.float32).reshape(6, 2)),
        partitioner=tf.compat.v1.fixed_size_partitioner(3))
    saver = tf.compat.v1.train.Saver(write_version=tf.compat.v1.train.SaverDef.V1,
                                     save_relative_paths=True)
    with tf.compat.v1.Session() as sess:
      sess.run(tf.compat.v1.global_variables_initializer())
      saver.save(sess, os.path.join(out, 'single', 'model.ckpt'), global_step=5)

  # 2. Saver(write_version=V1, sharded=True) over two devices ->
  #    sharded/model.ckpt-00000-of-00002, sharded/model.ckpt-00001-of-00002.
  g = tf.Graph()
  with g.as_default():
    with tf.device('/cpu:0'):
      tf.compat.v1.Variable(np.array([1.0, 2.0], np.float32), name='a')
    with tf.device('/cpu:1'):
      tf.compat.v1.Variable(np.array([[3, 4], [5, 6]], np.int64), name='b')
    saver = tf.compat.v1.train.Saver(write_version=tf.compat.v1.train.SaverDef.V1, sharded=True,
                                     save_relative_paths=True)
    config = tf.compat.v1.ConfigProto(device_count={'CPU': 2})
    with tf.compat.v1.Session(config=config) as sess:
      sess.run(tf.compat.v1.global_variables_initializer())
      saver.save(sess, os.path.join(out, 'sharded', 'model.ckpt'))

  # 3. tf.raw_ops.Save and SaveSlices (the V1 save kernels) run directly.
  g = tf.Graph()
  with g.as_default():
    save = tf.raw_ops.Save(
        filename=os.path.join(out, 'raw', 'raw_save.ckpt'),
        tensor_names=['float_matrix', 'int64_vector', 'complex', 'uint8s', 'scalar'],
        data=[
            tf.constant(np.array([[1.0, -2.0], [np.nan, 1e-40]], np.float32)),
            tf.constant(np.array([-2**63, 0, 2**63 - 1], np.int64)),
            tf.constant(np.array([1 + 1j, -2.5j], np.complex64)),
            tf.constant(np.array([0, 255, 7], np.uint8)),
            tf.constant(np.array(42.0, np.float64)),
        ])
    full = np.arange(20, dtype=np.float32).reshape(4, 5) * 0.5
    save_slices = tf.raw_ops.SaveSlices(
        filename=os.path.join(out, 'raw', 'raw_slices.ckpt'),
        tensor_names=['sliced', 'sliced', 'sliced_cols', 'sliced_cols', 'whole'],
        shapes_and_slices=['4 5 0,1:-', '4 5 1,3:-', '2 4 -:0,3', '2 4 -:3,1', ''],
        data=[
            tf.constant(full[0:1]),
            tf.constant(full[1:4]),
            tf.constant(np.array([[1, 2, 3], [5, 6, 7]], np.int32)),
            tf.constant(np.array([[4], [8]], np.int32)),
            tf.constant(np.array([9.0, 8.0], np.float64)),
        ])
    with tf.compat.v1.Session() as sess:
      sess.run([save, save_slices])


GENERATORS = {name: globals()['gen_' + name] for name in FIXTURES}


# ----------------------------------------------------------------------------- driver

def _run_one(name, root):
  out = os.path.join(root, name)
  shutil.rmtree(out, ignore_errors=True)
  os.makedirs(out)
  GENERATORS[name](out)


def _listing(root, name):
  rows = []
  base = os.path.join(root, name)
  for dirpath, _, files in os.walk(base):
    for f in files:
      p = os.path.join(dirpath, f)
      rows.append((os.path.relpath(p, root), os.path.getsize(p)))
  return sorted(rows)


def main():
  parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
  parser.add_argument('names', nargs='*', help='fixtures to make (default: all): ' + ' '.join(FIXTURES))
  parser.add_argument('--out', default=DEFAULT_OUT, help='fixtures root (default: tests/fixtures)')
  parser.add_argument('--one', help=argparse.SUPPRESS)
  args = parser.parse_args()
  root = os.path.abspath(args.out)
  if args.one:
    _run_one(args.one, root)
    return 0
  names = args.names or FIXTURES
  unknown = [n for n in names if n not in GENERATORS]
  if unknown:
    parser.error('unknown fixture(s): %s' % ' '.join(unknown))
  env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL='2', PYTHONHASHSEED='0',
             CUDA_VISIBLE_DEVICES='-1', TF_ENABLE_ONEDNN_OPTS='0')
  failed = []
  for name in names:
    proc = subprocess.run([sys.executable, os.path.abspath(__file__), '--out', root, '--one', name],
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
      failed.append(name)
      print('FAILED %s:\n%s' % (name, proc.stdout[-4000:]))
      continue
    rows = _listing(root, name)
    print('%s: %d files, %d bytes' % (name, len(rows), sum(s for _, s in rows)))
    for path, size in rows:
      print('  %9d  %s' % (size, path))
  total = sum(s for n in FIXTURES if os.path.isdir(os.path.join(root, n))
              for _, s in _listing(root, n))
  whole = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(root) for f in fs)
  print('total: %d bytes in these fixtures, %d bytes in all of %s' % (total, whole, root))
  if total > SIZE_LIMIT:
    print('ERROR: fixtures exceed %d bytes' % SIZE_LIMIT)
    return 1
  return 1 if failed else 0


if __name__ == '__main__':
  sys.exit(main())
