#include "graph/variables.h"

#include <algorithm>
#include <charconv>
#include <deque>
#include <set>

#include "graph/tensor_proto.h"

namespace ckptview::graph {
namespace {

constexpr char kObjectGraphKey[] = "_CHECKPOINTABLE_OBJECT_GRAPH";

bool ParseInt(std::string_view s, int64_t* v) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
  return ec == std::errc() && p == s.data() + s.size();
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t pos = s.find(sep, start);
    out.push_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) return out;
    start = pos + 1;
  }
}

// The string values of a Const node (tensor_names / shape_and_slices of a save op).
bool ConstStrings(const tensorflow::NodeDef& node, std::vector<std::string>* out) {
  if (node.op() != "Const") return false;
  const tensorflow::AttrValue* v = FindAttr(node, "value");
  if (!v || v->value_case() != tensorflow::AttrValue::kTensor) return false;
  Result<Tensor> t = TensorFromProto(v->tensor());
  if (!t.ok() || t->dtype != DType::kString) return false;
  *out = std::move(t->strings);
  return true;
}

bool IsPassThrough(const std::string& op) {
  return op == "Identity" || op == "ReadVariableOp" || op == "RefIdentity" || op == "Snapshot";
}

// Library functions indexed for tracing saved tensors through TF2 save
// functions: a tensor inside a function that comes from argument i comes
// from input i of each node calling that function.
struct FunctionIndex {
  struct Caller {
    int fn = -1;    // container: -1 main graph
    int node = -1;  // index in the container
  };
  std::vector<std::unordered_map<std::string, int>> nodes;  // per function: node name -> index
  std::vector<std::vector<std::string>> args;               // per function: argument names
  std::vector<std::vector<Caller>> callers;                 // per function
  std::unordered_map<std::string, int> by_name;

  explicit FunctionIndex(const tensorflow::GraphDef& g) {
    const auto& lib = g.library();
    const int n = lib.function_size();
    nodes.resize(n);
    args.resize(n);
    callers.resize(n);
    for (int f = 0; f < n; ++f) {
      by_name.emplace(lib.function(f).signature().name(), f);
      for (const auto& a : lib.function(f).signature().input_arg()) args[f].push_back(a.name());
      for (int i = 0; i < lib.function(f).node_def_size(); ++i) nodes[f].emplace(lib.function(f).node_def(i).name(), i);
    }
    if (n == 0) return;
    auto add_callers = [&](int fn, const tensorflow::NodeDef& nd, int index) {
      const bool call = nd.op() == "PartitionedCall" || nd.op() == "StatefulPartitionedCall";
      std::string target;
      if (call) {
        const tensorflow::AttrValue* f = FindAttr(nd, "f");
        if (f && f->value_case() == tensorflow::AttrValue::kFunc) target = f->func().name();
      } else {
        target = nd.op();
      }
      auto it = by_name.find(target);
      if (it != by_name.end()) callers[it->second].push_back({fn, index});
    };
    for (int i = 0; i < g.node_size(); ++i) add_callers(-1, g.node(i), i);
    for (int f = 0; f < n; ++f)
      for (int i = 0; i < lib.function(f).node_def_size(); ++i) add_callers(f, lib.function(f).node_def(i), i);
  }
};

// Follows tensor `input` (as written in a NodeDef of container `fn`, -1 =
// main graph) back through pass-through ops and function boundaries to the
// main-graph variable it reads; -1 if it reads none.
int VariableBehind(const Graph& g, const FunctionIndex& fi, int fn, std::string input, int depth) {
  const tensorflow::GraphDef& def = g.def();
  for (int steps = 0; steps < 64 && depth < 8; ++steps) {
    if (!input.empty() && input[0] == '^') return -1;
    const std::string name = input.substr(0, input.find(':'));
    if (fn < 0) {
      int node = g.Find(name);
      if (node < 0) return -1;
      const tensorflow::NodeDef& nd = *g.node(node).def;
      if (IsVariableOp(nd.op())) return node;
      if (!IsPassThrough(nd.op()) || nd.input_size() == 0) return -1;
      input = nd.input(0);
      continue;
    }
    auto it = fi.nodes[fn].find(name);
    if (it != fi.nodes[fn].end()) {
      const tensorflow::NodeDef& nd = def.library().function(fn).node_def(it->second);
      if (!IsPassThrough(nd.op()) || nd.input_size() == 0) return -1;
      input = nd.input(0);
      continue;
    }
    const auto& args = fi.args[fn];
    const auto at = std::find(args.begin(), args.end(), name);
    if (at == args.end()) return -1;
    const int arg = int(at - args.begin());
    for (const FunctionIndex::Caller& c : fi.callers[fn]) {
      const tensorflow::NodeDef& caller =
          c.fn < 0 ? def.node(c.node) : def.library().function(c.fn).node_def(c.node);
      if (arg >= caller.input_size()) continue;
      const int var = VariableBehind(g, fi, c.fn, caller.input(arg), depth + 1);
      if (var >= 0) return var;
    }
    return -1;
  }
  return -1;
}

struct SaverKey {
  std::string key;
  std::string shape_and_slice;
};

// Save ops (SaveV2 / SaveSlices / Save) and where their tensor names are.
bool SaveOpLayout(const std::string& op, int* first_tensor, bool* has_slices) {
  if (op == "SaveV2" || op == "SaveSlices") {
    *first_tensor = 3;
    *has_slices = true;
    return true;
  }
  if (op == "Save") {
    *first_tensor = 2;
    *has_slices = false;
    return true;
  }
  return false;
}

// variable node -> key, from every save op of the main graph (those the
// SaverDef's save tensor depends on, when there is one) and of the library.
std::unordered_map<int, SaverKey> KeysFromSaveOps(const Graph& g, const tensorflow::MetaGraphDef* meta) {
  std::vector<char> allowed;
  if (meta && !meta->saver_def().save_tensor_name().empty()) {
    int start = g.Find(ParseInput(meta->saver_def().save_tensor_name()).node);
    if (start >= 0) {
      allowed.assign(g.num_nodes(), 0);
      std::deque<int> queue{start};
      allowed[start] = 1;
      while (!queue.empty()) {
        int n = queue.front();
        queue.pop_front();
        for (const auto& in : g.node(n).inputs) {
          if (in.node >= 0 && !allowed[in.node]) {
            allowed[in.node] = 1;
            queue.push_back(in.node);
          }
        }
      }
    }
  }
  const tensorflow::GraphDef& def = g.def();
  const FunctionIndex fi(def);
  std::unordered_map<int, SaverKey> out;
  // One save op in container fn: its tensor_names/shape_and_slices Consts
  // and its tensors.
  auto scan = [&](int fn, const tensorflow::NodeDef& nd) {
    int first_tensor;
    bool has_slices;
    if (!SaveOpLayout(nd.op(), &first_tensor, &has_slices) || nd.input_size() < first_tensor) return;
    auto const_node = [&](const std::string& input) -> const tensorflow::NodeDef* {
      const std::string name = input.substr(0, input.find(':'));
      if (fn < 0) {
        int i = g.Find(name);
        return i < 0 ? nullptr : g.node(i).def;
      }
      auto it = fi.nodes[fn].find(name);
      return it == fi.nodes[fn].end() ? nullptr : &def.library().function(fn).node_def(it->second);
    };
    std::vector<std::string> names, slices;
    const tensorflow::NodeDef* names_node = const_node(nd.input(1));
    if (!names_node || !ConstStrings(*names_node, &names)) return;
    if (has_slices)
      if (const tensorflow::NodeDef* s = const_node(nd.input(2))) ConstStrings(*s, &slices);
    for (size_t k = 0; k < names.size(); ++k) {
      const size_t slot = first_tensor + k;
      if (slot >= size_t(nd.input_size())) break;
      const int var = VariableBehind(g, fi, fn, nd.input(int(slot)), 0);
      if (var >= 0) out.emplace(var, SaverKey{names[k], k < slices.size() ? slices[k] : ""});
    }
  };
  for (int i = 0; i < g.num_nodes(); ++i)
    if (allowed.empty() || allowed[i]) scan(-1, *g.node(i).def);
  for (int f = 0; f < def.library().function_size(); ++f)
    for (const auto& nd : def.library().function(f).node_def()) scan(f, nd);
  return out;
}

std::string AttrString(const tensorflow::NodeDef& node, const std::string& name) {
  const tensorflow::AttrValue* a = FindAttr(node, name);
  return a && a->value_case() == tensorflow::AttrValue::kS ? a->s() : "";
}

}  // namespace

bool IsVariableOp(std::string_view op) {
  return op == "VariableV2" || op == "VarHandleOp" || op == "Variable";
}

const char* BindingStateName(BindingState state) {
  switch (state) {
    case BindingState::kBound: return "bound";
    case BindingState::kMissing: return "missing";
    case BindingState::kDTypeMismatch: return "dtype mismatch";
    case BindingState::kShapeMismatch: return "shape mismatch";
    case BindingState::kNoCheckpoint: return "no checkpoint";
  }
  return "?";
}

Result<bool> ParseShapeAndSlice(std::string_view text, Shape* full_shape,
                                std::vector<SliceExtent>* slice) {
  full_shape->clear();
  slice->clear();
  if (text.empty()) return false;
  std::vector<std::string_view> parts;
  for (std::string_view p : Split(text, ' '))
    if (!p.empty()) parts.push_back(p);
  auto bad = [&](const std::string& why) {
    return Status::Error("bad shape_and_slice \"" + std::string(text) + "\": " + why);
  };
  if (parts.size() < 2) return bad("expected dims then a slice");
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    int64_t d;
    if (!ParseInt(parts[i], &d) || d < 0) return bad("dim \"" + std::string(parts[i]) + "\"");
    full_shape->push_back(d);
  }
  std::vector<std::string_view> extents = Split(parts.back(), ':');
  if (extents.size() != full_shape->size()) return bad("slice rank differs from shape rank");
  for (size_t i = 0; i < extents.size(); ++i) {
    SliceExtent e;
    if (extents[i] != "-") {
      std::vector<std::string_view> sl = Split(extents[i], ',');
      if (sl.size() != 2 || !ParseInt(sl[0], &e.start) || !ParseInt(sl[1], &e.length) || e.start < 0)
        return bad("extent \"" + std::string(extents[i]) + "\"");
      if (e.length != -1 && (e.length < 0 || e.start + e.length > (*full_shape)[i]))
        return bad("extent \"" + std::string(extents[i]) + "\" outside dim " + std::to_string((*full_shape)[i]));
    }
    slice->push_back(e);
  }
  return true;
}

const VariableBinding* Bindings::Find(std::string_view node_name) const {
  auto it = by_name_.find(std::string(node_name));
  return it == by_name_.end() ? nullptr : &variables[it->second];
}

int Bindings::Count(BindingState state) const {
  int n = 0;
  for (const auto& v : variables) n += v.state == state;
  return n;
}

Bindings BindVariables(const Graph& graph, const tensorflow::MetaGraphDef* meta_graph,
                       const formats::Checkpoint* checkpoint,
                       const tensorflow::TrackableObjectGraph* object_graph) {
  Bindings out;
  const auto saver_keys = KeysFromSaveOps(graph, meta_graph);

  // TF2: variable name -> checkpoint key.
  std::unordered_map<std::string, std::string> object_keys;
  if (object_graph) {
    auto value_key = [&](int id) -> std::string {
      if (id < 0 || id >= object_graph->nodes_size()) return "";
      for (const auto& a : object_graph->nodes(id).attributes())
        if (a.name() == "VARIABLE_VALUE") return a.checkpoint_key();
      return "";
    };
    // Names are not unique across objects (two Keras metrics both have a
    // "count"): an ambiguous name binds nothing.
    std::set<std::string> ambiguous;
    auto add = [&](const std::string& name, const std::string& key) {
      if (name.empty() || key.empty()) return;
      auto [it, fresh] = object_keys.emplace(name, key);
      if (!fresh && it->second != key) ambiguous.insert(name);
    };
    for (int id = 0; id < object_graph->nodes_size(); ++id)
      for (const auto& a : object_graph->nodes(id).attributes())
        if (a.name() == "VARIABLE_VALUE") add(a.full_name(), a.checkpoint_key());
    if (meta_graph) {
      const auto& saved = meta_graph->object_graph_def();
      for (int id = 0; id < saved.nodes_size(); ++id)
        if (saved.nodes(id).kind_case() == tensorflow::SavedObject::kVariable)
          add(saved.nodes(id).variable().name(), value_key(id));
    }
    for (const std::string& name : ambiguous) object_keys.erase(name);
  }

  std::set<std::string> used;
  for (int i = 0; i < graph.num_nodes(); ++i) {
    const tensorflow::NodeDef& nd = *graph.node(i).def;
    if (!IsVariableOp(nd.op())) continue;
    VariableBinding b;
    b.node = i;
    b.name = nd.name();
    b.op = nd.op();
    b.dtype = BaseType(AttrType(nd, "dtype"));
    if (const tensorflow::AttrValue* s = FindAttr(nd, "shape");
        s && s->value_case() == tensorflow::AttrValue::kShape && !s->shape().unknown_rank()) {
      b.shape_known = true;
      for (const auto& d : s->shape().dim()) b.shape.push_back(d.size());
      // Very old graphs wrote an empty shape for "unknown"; only trust it if
      // no `_output_shapes` says otherwise.
    }

    if (auto it = saver_keys.find(i); it != saver_keys.end()) {
      b.key = it->second.key;
      b.rule = "saver";
      Result<bool> sliced = ParseShapeAndSlice(it->second.shape_and_slice, &b.full_shape, &b.slice);
      if (!sliced.ok()) {
        b.problem = sliced.status().message();
        b.slice.clear();
      }
    } else if (auto ot = object_keys.find(b.name); ot != object_keys.end()) {
      b.key = ot->second;
      b.rule = "object graph";
    } else if (auto st = object_keys.find(AttrString(nd, "shared_name"));
               !AttrString(nd, "shared_name").empty() && st != object_keys.end()) {
      b.key = st->second;
      b.rule = "object graph";
    } else {
      b.key = b.name;
      b.rule = "name";
    }

    if (!checkpoint) {
      b.state = BindingState::kNoCheckpoint;
      b.key.clear();
      b.rule.clear();
    } else if (const formats::VariableInfo* info = checkpoint->Find(b.key); !info) {
      b.state = BindingState::kMissing;
      b.problem = "no checkpoint entry \"" + b.key + "\"";
      if (b.rule == "name") b.key.clear(), b.rule.clear();
    } else {
      used.insert(b.key);
      b.state = BindingState::kBound;
      if (info->dtype != b.dtype) {
        b.state = BindingState::kDTypeMismatch;
        b.problem = "graph says " + std::string(DTypeName(b.dtype)) + ", checkpoint holds " +
                    std::string(DTypeName(info->dtype));
      } else if (!b.slice.empty() && info->shape != b.full_shape) {
        b.state = BindingState::kShapeMismatch;
        b.problem = "saver says the full tensor is " + ShapeString(b.full_shape) + ", checkpoint holds " +
                    ShapeString(info->shape);
      } else if (b.shape_known) {
        Shape have = info->shape;
        if (!b.slice.empty()) {
          for (size_t d = 0; d < have.size(); ++d)
            if (b.slice[d].length != -1) have[d] = b.slice[d].length;
        }
        bool same = have.size() == b.shape.size();
        for (size_t d = 0; same && d < have.size(); ++d) same = b.shape[d] < 0 || b.shape[d] == have[d];
        // Graphs from before shapes were recorded carry an empty shape attr.
        const bool legacy_empty = b.op == "Variable" && b.shape.empty();
        if (!same && !legacy_empty) {
          b.state = BindingState::kShapeMismatch;
          b.problem = "graph says " + ShapeString(b.shape) + ", checkpoint holds " + ShapeString(have);
        }
      }
    }
    out.by_name_.emplace(b.name, int(out.variables.size()));
    out.variables.push_back(std::move(b));
  }
  if (checkpoint) {
    for (const auto& v : checkpoint->variables())
      if (v.key != kObjectGraphKey && !used.count(v.key)) out.unused_keys.push_back(v.key);
  }
  return out;
}

}  // namespace ckptview::graph
