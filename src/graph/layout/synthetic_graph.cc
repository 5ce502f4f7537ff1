// Generator of synthetic_graph.h.
#include "graph/layout/synthetic_graph.h"

#include <algorithm>
#include <initializer_list>
#include <string>
#include <vector>

namespace ckptview::graph::layout {
namespace {

class GraphMaker {
 public:
  explicit GraphMaker(uint32_t seed) : rng_(seed * 2654435761u + 12345u) {}

  int32_t Op(const std::string& name, const std::string& op, std::initializer_list<int32_t> inputs = {}) {
    LayoutNode n;
    n.id = name;
    n.op = op;
    n.scope = ScopeOf(name);
    size_t slash = name.rfind('/');
    size_t len = slash == std::string::npos ? name.size() : name.size() - slash - 1;
    n.width = std::clamp(6.5f * static_cast<float>(len) + 16.0f, 48.0f, 180.0f) + static_cast<float>(Next() % 9);
    n.height = op == "Const" ? 18.0f : 24.0f;
    in_.nodes.push_back(std::move(n));
    int32_t id = static_cast<int32_t>(in_.nodes.size()) - 1;
    for (int32_t src : inputs) Edge(src, id);
    return id;
  }
  void Edge(int32_t src, int32_t dst, bool control = false) {
    LayoutEdge e;
    e.src = src;
    e.dst = dst;
    e.is_control = control;
    in_.edges.push_back(e);
  }
  int32_t size() const { return static_cast<int32_t>(in_.nodes.size()); }
  const std::string& Name(int32_t id) const { return in_.nodes[id].id; }
  LayoutInput Take() { return std::move(in_); }

 private:
  uint32_t Next() {
    rng_ = rng_ * 1664525u + 1013904223u;
    return rng_ >> 16;
  }
  uint32_t rng_;
  LayoutInput in_;
};

struct Variable {
  int32_t var, assign, read;
};

struct Conv {
  std::string scope;
  int32_t x, kernel_read, bias_read, conv, relu;
  Variable kernel, bias;
};

}  // namespace

LayoutInput MakeTrainingGraph(const TrainingGraphSpec& spec) {
  GraphMaker g(spec.seed);
  const bool hubs = spec.hubs;
  std::vector<Variable> variables;
  auto variable = [&](const std::string& name, bool random_init) {
    Variable v;
    v.var = g.Op(name, "VariableV2");
    int32_t init;
    if (random_init) {
      std::string ru = name + "/Initializer/random_uniform";
      int32_t shape = g.Op(ru + "/shape", "Const");
      int32_t lo = g.Op(ru + "/min", "Const");
      int32_t hi = g.Op(ru + "/max", "Const");
      int32_t rnd = g.Op(ru + "/RandomUniform", "RandomUniform", {shape});
      int32_t sub = g.Op(ru + "/sub", "Sub", {hi, lo});
      int32_t mul = g.Op(ru + "/mul", "Mul", {rnd, sub});
      init = g.Op(ru, "Add", {mul, lo});
    } else {
      init = g.Op(name + "/Initializer/zeros", "Const");
    }
    v.assign = g.Op(name + "/Assign", "Assign", {v.var, init});
    v.read = g.Op(name + "/read", "Identity", {v.var});
    variables.push_back(v);
    return v;
  };

  // Input pipeline.
  int32_t iterator = g.Op("input/IteratorV2", "IteratorV2");
  int32_t next = g.Op("input/IteratorGetNext", "IteratorGetNext", {iterator});
  int32_t cast = g.Op("input/Cast", "Cast", {next});
  int32_t shape = g.Op("input/Reshape/shape", "Const");
  int32_t x = g.Op("input/Reshape", "Reshape", {cast, shape});

  int32_t global_step_read = -1, paddings = -1;
  if (hubs) {
    Variable gs = variable("global_step", false);
    global_step_read = gs.read;
    paddings = g.Op("model/paddings", "Const");
  }

  // Forward: stages of blocks of the same structure.
  std::vector<Conv> convs;
  struct Block {
    std::string scope;
    int32_t input, add;
    size_t first_conv, num_convs;
  };
  std::vector<Block> blocks;
  const int32_t kTail = 40;
  const int32_t kBlocksPerStage = 8;
  int32_t block = 0;
  // Nodes the gradient, update and save parts will add for the blocks made
  // so far (15 per conv, 4 per block), and the size of the last block.
  int32_t later = 0, last_block = 0;
  while (block == 0 || g.size() + later + last_block / 2 + kTail <= spec.target_nodes) {
    const int32_t size_before = g.size();
    const int32_t stage = block / kBlocksPerStage;
    const int32_t num_convs = 4 + stage % 3;
    const bool rnn = spec.while_loops && stage % 2 == 1;
    ++block;
    Block b;
    b.scope = "model/block_" + std::to_string(block);
    b.input = x;
    b.first_conv = convs.size();
    b.num_convs = static_cast<size_t>(num_convs);
    int32_t h = x;
    for (int32_t i = 1; i <= num_convs; ++i) {
      Conv c;
      c.scope = b.scope + "/conv_" + std::to_string(i);
      c.x = h;
      c.kernel = variable(c.scope + "/kernel", true);
      c.bias = variable(c.scope + "/bias", false);
      c.kernel_read = c.kernel.read;
      c.bias_read = c.bias.read;
      int32_t pad_const = hubs ? paddings : g.Op(c.scope + "/Pad/paddings", "Const");
      int32_t pad = g.Op(c.scope + "/Pad", "Pad", {h, pad_const});
      c.conv = g.Op(c.scope + "/Conv2D", "Conv2D", {pad, c.kernel_read});
      int32_t badd = g.Op(c.scope + "/BiasAdd", "BiasAdd", {c.conv, c.bias_read});
      c.relu = g.Op(c.scope + "/Relu", "Relu", {badd});
      h = c.relu;
      convs.push_back(c);
    }
    int32_t rnn_out = -1;
    if (rnn) {
      std::string w = b.scope + "/rnn/while";
      int32_t enter = g.Op(w + "/Enter", "Enter", {h});
      int32_t merge = g.Op(w + "/Merge", "Merge", {enter});
      int32_t limit = g.Op(w + "/Less/y", "Const");
      int32_t less = g.Op(w + "/Less", "Less", {merge, limit});
      int32_t cond = g.Op(w + "/LoopCond", "LoopCond", {less});
      int32_t sw = g.Op(w + "/Switch", "Switch", {merge, cond});
      int32_t ident = g.Op(w + "/Identity", "Identity", {sw});
      int32_t body = g.Op(w + "/cell/Tanh", "Tanh", {ident});
      int32_t nxt = g.Op(w + "/NextIteration", "NextIteration", {body});
      g.Edge(nxt, merge);
      int32_t exit = g.Op(w + "/Exit", "Exit", {sw});
      rnn_out = g.Op(b.scope + "/rnn/out", "Identity", {exit});
    }
    b.add = rnn_out >= 0 ? g.Op(b.scope + "/add", "AddN", {b.input, h, rnn_out})
                         : g.Op(b.scope + "/add", "AddV2", {b.input, h});
    if (hubs) {
      std::string s = "summaries/block_" + std::to_string(block);
      int32_t tag = g.Op(s + "/tag", "Const");
      g.Op(s + "/histogram", "HistogramSummary", {tag, b.add});
      int32_t every = g.Op(s + "/every/y", "Const");
      g.Op(s + "/every", "Greater", {global_step_read, every});
    }
    x = b.add;
    blocks.push_back(b);
    later += 15 * num_convs + 4;
    last_block = g.size() - size_before + 15 * num_convs + 4;
  }

  // Loss.
  Variable lw = variable("loss/dense/kernel", true);
  int32_t logits = g.Op("loss/dense/MatMul", "MatMul", {x, lw.read});
  int32_t xent = g.Op("loss/SoftmaxCrossEntropyWithLogits", "SoftmaxCrossEntropyWithLogits", {logits, next});
  int32_t mean_axis = g.Op("loss/Const", "Const");
  int32_t mean = g.Op("loss/Mean", "Mean", {xent, mean_axis});
  (void)mean;

  // Gradients, mirrored backwards.
  int32_t gshape = g.Op("gradients/Shape", "Const");
  int32_t gys = g.Op("gradients/grad_ys_0", "Const");
  int32_t fill = g.Op("gradients/Fill", "Fill", {gshape, gys});
  int32_t mean_grad = g.Op("gradients/loss/Mean_grad/Tile", "Tile", {fill});
  int32_t xent_grad = g.Op("gradients/loss/SoftmaxCrossEntropyWithLogits_grad/mul", "Mul", {mean_grad, xent});
  int32_t mm_grad = g.Op("gradients/loss/dense/MatMul_grad/MatMul", "MatMul", {xent_grad, lw.read});
  int32_t mm_grad_w = g.Op("gradients/loss/dense/MatMul_grad/MatMul_1", "MatMul", {x, xent_grad});
  std::vector<std::pair<Variable, int32_t>> updates{{lw, mm_grad_w}};
  int32_t upstream = mm_grad;
  for (size_t bi = blocks.size(); bi-- > 0;) {
    const Block& b = blocks[bi];
    std::string gb = "gradients/" + b.scope;
    int32_t add_group = g.Op(gb + "/add_grad/tuple/group_deps", "NoOp");
    g.Edge(upstream, add_group, true);
    int32_t to_input = g.Op(gb + "/add_grad/tuple/control_dependency", "Identity", {upstream});
    int32_t to_branch = g.Op(gb + "/add_grad/tuple/control_dependency_1", "Identity", {upstream});
    g.Edge(add_group, to_input, true);
    g.Edge(add_group, to_branch, true);
    int32_t up = to_branch;
    for (size_t ci = b.first_conv + b.num_convs; ci-- > b.first_conv;) {
      const Conv& c = convs[ci];
      std::string gs = "gradients/" + c.scope;
      int32_t relu_grad = g.Op(gs + "/Relu_grad/ReluGrad", "ReluGrad", {up, c.relu});
      int32_t bias_grad = g.Op(gs + "/BiasAdd_grad/BiasAddGrad", "BiasAddGrad", {relu_grad});
      int32_t bgroup = g.Op(gs + "/BiasAdd_grad/tuple/group_deps", "NoOp");
      g.Edge(relu_grad, bgroup, true);
      g.Edge(bias_grad, bgroup, true);
      int32_t bcd = g.Op(gs + "/BiasAdd_grad/tuple/control_dependency", "Identity", {relu_grad});
      int32_t bcd1 = g.Op(gs + "/BiasAdd_grad/tuple/control_dependency_1", "Identity", {bias_grad});
      g.Edge(bgroup, bcd, true);
      g.Edge(bgroup, bcd1, true);
      int32_t shapen = g.Op(gs + "/Conv2D_grad/ShapeN", "ShapeN", {c.x, c.kernel_read});
      int32_t din = g.Op(gs + "/Conv2D_grad/Conv2DBackpropInput", "Conv2DBackpropInput",
                         {shapen, c.kernel_read, bcd});
      int32_t dfilter = g.Op(gs + "/Conv2D_grad/Conv2DBackpropFilter", "Conv2DBackpropFilter",
                             {c.x, shapen, bcd});
      int32_t cgroup = g.Op(gs + "/Conv2D_grad/tuple/group_deps", "NoOp");
      g.Edge(din, cgroup, true);
      g.Edge(dfilter, cgroup, true);
      int32_t ccd = g.Op(gs + "/Conv2D_grad/tuple/control_dependency", "Identity", {din});
      int32_t ccd1 = g.Op(gs + "/Conv2D_grad/tuple/control_dependency_1", "Identity", {dfilter});
      g.Edge(cgroup, ccd, true);
      g.Edge(cgroup, ccd1, true);
      updates.push_back({c.kernel, ccd1});
      updates.push_back({c.bias, bcd1});
      up = ccd;
    }
    upstream = g.Op("gradients/AddN_" + std::to_string(bi + 1), "AddN", {to_input, up});
  }

  // Updates: one per variable, then the train op.
  int32_t lr = hubs ? g.Op("GradientDescent/learning_rate", "Const") : -1;
  std::vector<int32_t> applies;
  for (const auto& [v, grad] : updates) {
    const std::string update = "GradientDescent/update_" + g.Name(v.var);
    int32_t rate = hubs ? lr : g.Op(update + "/learning_rate", "Const");
    applies.push_back(g.Op(update + "/ApplyGradientDescent", "ApplyGradientDescent", {v.var, rate, grad}));
  }
  if (hubs) {
    // The train op waits for every update; init and save touch every variable.
    int32_t train = g.Op("GradientDescent", "NoOp");
    for (int32_t a : applies) g.Edge(a, train, true);
    int32_t one = g.Op("GradientDescent/value/y", "Const");
    int32_t step = g.Op("GradientDescent/value", "AssignAdd", {variables[0].var, one});
    g.Edge(train, step, true);
    int32_t init = g.Op("init", "NoOp");
    for (const Variable& v : variables) g.Edge(v.assign, init, true);
    int32_t filename = g.Op("save/filename", "Const");
    int32_t tensor_names = g.Op("save/SaveV2/tensor_names", "Const");
    int32_t save = g.Op("save/SaveV2", "SaveV2", {filename, tensor_names});
    for (const Variable& v : variables) g.Edge(v.var, save);
    int32_t save_dep = g.Op("save/control_dependency", "Identity", {filename});
    g.Edge(save, save_dep, true);
    int32_t restore = g.Op("save/RestoreV2", "RestoreV2", {filename, tensor_names});
    int32_t restore_all = g.Op("save/restore_all", "NoOp");
    for (size_t k = 0; k < variables.size(); ++k) {
      std::string name = k == 0 ? "save/Assign" : "save/Assign_" + std::to_string(k);
      int32_t assign = g.Op(name, "Assign", {variables[k].var, restore});
      g.Edge(assign, restore_all, true);
    }
  }
  return g.Take();
}

}  // namespace ckptview::graph::layout
