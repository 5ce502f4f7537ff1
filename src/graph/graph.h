// Graph: the structure of one GraphDef, indexed for viewing and freezing.
//
// Nodes keep their GraphDef order. Each input string is resolved to an edge:
//   "name"    data input from output 0 of `name`
//   "name:k"  data input from output k (TF never writes ":0" in NodeDefs)
//   "^name"   control input
// FORMATS.md 6.2. Names that match no node stay unresolved (reported, not
// fatal: a viewer still shows the rest). `_class` colocation attrs
// ("loc:@name") are kept as a third kind of link because extract_sub_graph
// follows them.
//
// Name scopes: "a/b/c" lives in scope "a/b", inside "a". A node may share its
// name with a scope ("dense" and "dense/kernel"): the scope then records that
// node. Scope 0 is the unnamed root.
//
// The function library is indexed by name, with the functions each node
// calls (its op names a function, or a func attr: f, then_branch,
// else_branch, body, cond, branches).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "graph.pb.h"

namespace ckptview::graph {

// A parsed NodeDef input string.
struct InputRef {
  std::string_view node;  // without "^" and ":k"
  int index = 0;          // output index (0 for control inputs)
  bool control = false;
};
InputRef ParseInput(std::string_view input);
// "name:k" as TF prints tensor names ("x:0"); ParseTensorName accepts "x" and "x:k".
std::string TensorName(std::string_view node, int index);

class Graph {
 public:
  struct Input {
    int node = -1;  // -1: names no node in the graph
    int index = 0;
    bool control = false;
  };
  struct Consumer {
    int node = -1;
    int slot = 0;  // position in the consumer's input list
  };
  struct Node {
    const tensorflow::NodeDef* def = nullptr;
    std::vector<Input> inputs;        // parallel to def->input()
    std::vector<Consumer> consumers;  // every node reading this one (data and control)
    std::vector<int> colocated_with;  // nodes named by `_class` loc:@ entries
    int num_outputs = 1;              // highest output index read by a consumer + 1 (at least 1)
    int scope = 0;                    // innermost enclosing scope
    std::vector<int> functions;       // library functions this node calls
  };
  struct Scope {
    std::string path;   // "a/b" ("" for the root)
    int parent = -1;
    int node = -1;      // the node whose name equals `path`, if any
    std::vector<int> children;  // sub-scopes
    std::vector<int> nodes;     // nodes directly inside
  };

  // Indexes `def`, which must outlive the Graph and not change.
  // Fails only on duplicate node names.
  static Result<Graph> Build(const tensorflow::GraphDef* def);

  const tensorflow::GraphDef& def() const { return *def_; }
  int num_nodes() const { return int(nodes_.size()); }
  const Node& node(int i) const { return nodes_[i]; }
  const std::string& name(int i) const { return nodes_[i].def->name(); }
  const std::string& op(int i) const { return nodes_[i].def->op(); }
  int Find(std::string_view name) const;  // -1 if absent

  const std::vector<Scope>& scopes() const { return scopes_; }
  int FindScope(std::string_view path) const;  // -1 if absent

  int num_functions() const { return def_->library().function_size(); }
  int FindFunction(std::string_view name) const;  // -1 if absent

  // Input strings that named no node: "node <- input".
  const std::vector<std::string>& unresolved() const { return unresolved_; }
  int64_t num_data_edges() const { return data_edges_; }
  int64_t num_control_edges() const { return control_edges_; }

 private:
  const tensorflow::GraphDef* def_ = nullptr;
  std::vector<Node> nodes_;
  std::unordered_map<std::string_view, int> by_name_;
  std::vector<Scope> scopes_;
  std::unordered_map<std::string, int> scope_by_path_;
  std::unordered_map<std::string_view, int> function_by_name_;
  std::vector<std::string> unresolved_;
  int64_t data_edges_ = 0;
  int64_t control_edges_ = 0;
};

// Attr helpers shared by the graph layer (absent attr -> the fallback).
const tensorflow::AttrValue* FindAttr(const tensorflow::NodeDef& node, const std::string& name);
int AttrType(const tensorflow::NodeDef& node, const std::string& name, int fallback = 0);
// Colocation targets of a node: `_class` entries "loc:@X" -> "X" (other entries as is).
std::vector<std::string> ColocationTargets(const tensorflow::NodeDef& node);

}  // namespace ckptview::graph
