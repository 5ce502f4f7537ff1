#include "graph/graph.h"

#include <algorithm>
#include <charconv>

namespace ckptview::graph {

InputRef ParseInput(std::string_view input) {
  InputRef ref;
  if (!input.empty() && input[0] == '^') {
    ref.control = true;
    ref.node = input.substr(1);
    return ref;
  }
  ref.node = input;
  const size_t colon = input.rfind(':');
  if (colon != std::string_view::npos && colon + 1 < input.size()) {
    int k = 0;
    const char* first = input.data() + colon + 1;
    const char* last = input.data() + input.size();
    auto [p, ec] = std::from_chars(first, last, k);
    if (ec == std::errc() && p == last && k >= 0) {
      ref.node = input.substr(0, colon);
      ref.index = k;
    }
  }
  return ref;
}

std::string TensorName(std::string_view node, int index) {
  return std::string(node) + ":" + std::to_string(index);
}

const tensorflow::AttrValue* FindAttr(const tensorflow::NodeDef& node, const std::string& name) {
  auto it = node.attr().find(name);
  return it == node.attr().end() ? nullptr : &it->second;
}

int AttrType(const tensorflow::NodeDef& node, const std::string& name, int fallback) {
  const tensorflow::AttrValue* a = FindAttr(node, name);
  return a && a->value_case() == tensorflow::AttrValue::kType ? int(a->type()) : fallback;
}

std::vector<std::string> ColocationTargets(const tensorflow::NodeDef& node) {
  std::vector<std::string> out;
  const tensorflow::AttrValue* a = FindAttr(node, "_class");
  if (!a || a->value_case() != tensorflow::AttrValue::kList) return out;
  for (const std::string& s : a->list().s())
    out.push_back(s.compare(0, 5, "loc:@") == 0 ? s.substr(5) : s);
  return out;
}

namespace {

// Function names a node refers to through its attrs (and its op).
void CalledFunctionNames(const tensorflow::NodeDef& node, std::vector<std::string>* names) {
  names->push_back(node.op());
  for (const auto& [key, value] : node.attr()) {
    if (value.value_case() == tensorflow::AttrValue::kFunc) {
      names->push_back(value.func().name());
    } else if (value.value_case() == tensorflow::AttrValue::kList) {
      for (const auto& f : value.list().func()) names->push_back(f.name());
    }
  }
}

}  // namespace

Result<Graph> Graph::Build(const tensorflow::GraphDef* def) {
  Graph g;
  g.def_ = def;
  const int n = def->node_size();
  g.nodes_.resize(n);
  g.by_name_.reserve(n);
  for (int i = 0; i < n; ++i) {
    const tensorflow::NodeDef& nd = def->node(i);
    g.nodes_[i].def = &nd;
    if (!g.by_name_.emplace(nd.name(), i).second)
      return Status::Error("graph has two nodes named \"" + nd.name() + "\" (nodes " +
                           std::to_string(g.by_name_[nd.name()]) + " and " + std::to_string(i) + ")");
  }
  for (int f = 0; f < def->library().function_size(); ++f)
    g.function_by_name_.emplace(def->library().function(f).signature().name(), f);

  // Edges.
  for (int i = 0; i < n; ++i) {
    Node& node = g.nodes_[i];
    const tensorflow::NodeDef& nd = *node.def;
    node.inputs.resize(nd.input_size());
    for (int k = 0; k < nd.input_size(); ++k) {
      InputRef ref = ParseInput(nd.input(k));
      Input& in = node.inputs[k];
      in.control = ref.control;
      in.index = ref.index;
      auto it = g.by_name_.find(ref.node);
      if (it == g.by_name_.end()) {
        g.unresolved_.push_back(nd.name() + " <- " + nd.input(k));
        continue;
      }
      in.node = it->second;
      Node& src = g.nodes_[in.node];
      src.consumers.push_back({i, k});
      if (!ref.control) src.num_outputs = std::max(src.num_outputs, ref.index + 1);
      (ref.control ? g.control_edges_ : g.data_edges_)++;
    }
    for (const std::string& target : ColocationTargets(nd)) {
      auto it = g.by_name_.find(target);
      if (it != g.by_name_.end()) node.colocated_with.push_back(it->second);
    }
    if (!g.function_by_name_.empty()) {
      std::vector<std::string> names;
      CalledFunctionNames(nd, &names);
      for (const std::string& fn : names) {
        auto it = g.function_by_name_.find(fn);
        if (it != g.function_by_name_.end() &&
            std::find(node.functions.begin(), node.functions.end(), it->second) == node.functions.end())
          node.functions.push_back(it->second);
      }
    }
  }

  // Scopes.
  std::unordered_map<std::string, int> scope_index;
  g.scopes_.push_back(Scope{});
  scope_index.emplace("", 0);
  auto scope_for = [&](const std::string& path) {
    // Creates the scope and its ancestors as needed.
    auto it = scope_index.find(path);
    if (it != scope_index.end()) return it->second;
    int parent = 0;
    size_t start = 0;
    while (true) {
      size_t slash = path.find('/', start);
      std::string prefix = path.substr(0, slash);
      auto pit = scope_index.find(prefix);
      int id;
      if (pit == scope_index.end()) {
        id = int(g.scopes_.size());
        Scope s;
        s.path = prefix;
        s.parent = parent;
        g.scopes_.push_back(std::move(s));
        g.scopes_[parent].children.push_back(id);
        scope_index.emplace(prefix, id);
      } else {
        id = pit->second;
      }
      parent = id;
      if (slash == std::string::npos) return id;
      start = slash + 1;
    }
  };
  for (int i = 0; i < n; ++i) {
    const std::string& name = g.nodes_[i].def->name();
    const size_t slash = name.rfind('/');
    const int scope = slash == std::string::npos ? 0 : scope_for(name.substr(0, slash));
    g.nodes_[i].scope = scope;
    g.scopes_[scope].nodes.push_back(i);
  }
  for (int i = 0; i < n; ++i) {
    auto it = scope_index.find(g.nodes_[i].def->name());
    if (it != scope_index.end()) g.scopes_[it->second].node = i;
  }
  for (auto& [path, id] : scope_index) g.scope_by_path_.emplace(g.scopes_[id].path, id);
  return g;
}

int Graph::Find(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? -1 : it->second;
}

int Graph::FindScope(std::string_view path) const {
  auto it = scope_by_path_.find(std::string(path));
  return it == scope_by_path_.end() ? -1 : it->second;
}

int Graph::FindFunction(std::string_view name) const {
  auto it = function_by_name_.find(name);
  return it == function_by_name_.end() ? -1 : it->second;
}

}  // namespace ckptview::graph
