"""Writes TF1 training graphs for the layout benchmark (bench/layout/run.sh):

  resnet50_train.meta   tf_keras ResNet-50 (weights=None, 224x224x3, 1000
                        classes) + softmax cross-entropy + MomentumOptimizer
                        (gradients, momentum slots, batch-norm update ops)
  bert_base_train.meta  BERT-base encoder (12 layers, hidden 768, 12 heads,
                        intermediate 3072, vocab 30522) written with
                        tf.compat.v1 ops in the scopes of google-research/bert
                        (bert/embeddings, bert/encoder/layer_N/...), a
                        classifier + cross-entropy + AdamOptimizer

Both are built in TF1 graph mode (tf.Graph + tf.compat.v1) and written with
tf.compat.v1.train.export_meta_graph; no variable is ever allocated, so this
takes seconds. Files that exist are kept (delete them to regenerate).

  python make_tf_graphs.py OUT_DIR     (the TF venv: ~/.cache/ckptview/venv-tf)
"""
import math
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")

tf = v1 = None  # imported only when a graph has to be made (TF takes seconds to load)


def resnet50(path):
    import tf_keras

    g = tf.Graph()
    with g.as_default():
        tf_keras.backend.set_learning_phase(1) if hasattr(tf_keras.backend, "set_learning_phase") else None
        images = v1.placeholder(tf.float32, [None, 224, 224, 3], name="images")
        labels = v1.placeholder(tf.int64, [None], name="labels")
        model = tf_keras.applications.ResNet50(weights=None, input_tensor=images, classes=1000)
        logits = model.output
        loss = tf.reduce_mean(
            tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits), name="loss")
        global_step = v1.train.get_or_create_global_step()
        update_ops = model.updates if hasattr(model, "updates") else []
        update_ops = list(update_ops) + v1.get_collection(v1.GraphKeys.UPDATE_OPS)
        with tf.control_dependencies(update_ops):
            train_op = v1.train.MomentumOptimizer(0.1, 0.9).minimize(
                loss, global_step=global_step, var_list=model.trainable_weights, name="train")
        v1.train.Saver()
        v1.add_to_collection(v1.GraphKeys.TRAIN_OP, train_op)
        v1.train.export_meta_graph(filename=path, graph=g)
    return g


def bert_base(path, layers=12, hidden=768, heads=12, inter=3072, vocab=30522, seq=128, types=2):
    g = tf.Graph()
    init = lambda: v1.truncated_normal_initializer(stddev=0.02)  # noqa: E731
    head = hidden // heads

    def dense(x, units, name, act=None):
        with v1.variable_scope(name):
            w = v1.get_variable("kernel", [x.shape[-1], units], initializer=init())
            b = v1.get_variable("bias", [units], initializer=v1.zeros_initializer())
            y = tf.nn.bias_add(tf.matmul(x, w), b)
            return act(y) if act else y

    def layer_norm(x, name="LayerNorm"):
        with v1.variable_scope(name):
            gamma = v1.get_variable("gamma", [hidden], initializer=v1.ones_initializer())
            beta = v1.get_variable("beta", [hidden], initializer=v1.zeros_initializer())
            mean, var = tf.nn.moments(x, [-1], keepdims=True)
            return (x - mean) * v1.rsqrt(var + 1e-12) * gamma + beta

    def gelu(x):
        return 0.5 * x * (1.0 + tf.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * tf.pow(x, 3))))

    def dropout(x):
        return tf.nn.dropout(x, rate=0.1)

    with g.as_default():
        input_ids = v1.placeholder(tf.int32, [None, seq], name="input_ids")
        input_mask = v1.placeholder(tf.int32, [None, seq], name="input_mask")
        segment_ids = v1.placeholder(tf.int32, [None, seq], name="segment_ids")
        label_ids = v1.placeholder(tf.int32, [None], name="label_ids")
        batch = tf.shape(input_ids)[0]
        with v1.variable_scope("bert"):
            with v1.variable_scope("embeddings"):
                word = v1.get_variable("word_embeddings", [vocab, hidden], initializer=init())
                x = tf.gather(word, tf.reshape(input_ids, [-1]))
                tok = v1.get_variable("token_type_embeddings", [types, hidden], initializer=init())
                x += tf.matmul(tf.one_hot(tf.reshape(segment_ids, [-1]), types), tok)
                pos = v1.get_variable("position_embeddings", [512, hidden], initializer=init())
                x = tf.reshape(x, [batch, seq, hidden]) + tf.slice(pos, [0, 0], [seq, -1])
                x = dropout(layer_norm(x))
            with v1.variable_scope("encoder"):
                mask = tf.cast(tf.reshape(input_mask, [batch, 1, 1, seq]), tf.float32)
                adder = (1.0 - mask) * -10000.0
                h = tf.reshape(x, [-1, hidden])
                for i in range(layers):
                    with v1.variable_scope("layer_%d" % i):
                        with v1.variable_scope("attention"):
                            with v1.variable_scope("self"):
                                def split(t):
                                    return tf.transpose(tf.reshape(t, [batch, seq, heads, head]), [0, 2, 1, 3])
                                q = split(dense(h, hidden, "query"))
                                k = split(dense(h, hidden, "key"))
                                v = split(dense(h, hidden, "value"))
                                scores = tf.matmul(q, k, transpose_b=True) * (1.0 / math.sqrt(head)) + adder
                                probs = dropout(tf.nn.softmax(scores))
                                ctx = tf.reshape(tf.transpose(tf.matmul(probs, v), [0, 2, 1, 3]), [-1, hidden])
                            with v1.variable_scope("output"):
                                a = layer_norm(dropout(dense(ctx, hidden, "dense")) + h)
                        with v1.variable_scope("intermediate"):
                            m = dense(a, inter, "dense", gelu)
                        with v1.variable_scope("output"):
                            h = layer_norm(dropout(dense(m, hidden, "dense")) + a)
                seq_out = tf.reshape(h, [batch, seq, hidden])
            with v1.variable_scope("pooler"):
                pooled = dense(tf.squeeze(seq_out[:, 0:1, :], axis=1), hidden, "dense", tf.tanh)
        with v1.variable_scope("loss"):
            logits = dense(dropout(pooled), 2, "output")
            loss = tf.reduce_mean(
                tf.nn.sparse_softmax_cross_entropy_with_logits(labels=label_ids, logits=logits))
        global_step = v1.train.get_or_create_global_step()
        train_op = v1.train.AdamOptimizer(2e-5).minimize(loss, global_step=global_step, name="train")
        v1.train.Saver()
        v1.add_to_collection(v1.GraphKeys.TRAIN_OP, train_op)
        v1.train.export_meta_graph(filename=path, graph=g)
    return g


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    global tf, v1
    for name, make in (("resnet50_train.meta", resnet50), ("bert_base_train.meta", bert_base)):
        path = os.path.join(out, name)
        if os.path.exists(path):
            print("kept %s" % path)
            continue
        if tf is None:
            import tensorflow

            tf, v1 = tensorflow, tensorflow.compat.v1
        g = make(path + ".tmp")
        os.replace(path + ".tmp", path)
        print("wrote %s: %d ops, %d bytes" % (path, len(g.get_operations()), os.path.getsize(path)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
