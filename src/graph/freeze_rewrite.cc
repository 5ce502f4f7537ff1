#include "graph/freeze_rewrite.h"

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "graph/graph.h"
#include "graph/variables.h"

namespace ckptview::graph {
namespace {

using tensorflow::AttrValue;
using tensorflow::FunctionDef;
using tensorflow::GraphDef;
using tensorflow::NodeDef;

// graph_util_impl._node_name: "^x" -> "x", "x:1" -> "x".
std::string_view NodeNameView(std::string_view n) {
  if (!n.empty() && n[0] == '^') return n.substr(1);
  return n.substr(0, n.find(':'));
}
std::string NodeName(std::string_view n) { return std::string(NodeNameView(n)); }

// Node name -> node index, open addressing over a power-of-two table that
// keeps each name's hash: extract_sub_graph and the converter look up every
// input of graphs of 10^5 nodes, and a lookup here touches one slot and, on a
// hash match, one name (std::unordered_map: a bucket, a node and a name).
// The names are views: what they view must outlive the index.
class NameIndex {
 public:
  void Reserve(size_t n) {
    size_t cap = 16;
    while (cap < 2 * n) cap <<= 1;
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(cap, Slot{});
    mask_ = cap - 1;
    size_ = 0;
    for (const Slot& slot : old)
      if (slot.index >= 0) Insert(slot.name, slot.index);
  }
  // Keeps the first index given for a name (as unordered_map::emplace).
  void Insert(std::string_view name, int index) {
    if (2 * (size_ + 1) > slots_.size()) Reserve(std::max<size_t>(8, 2 * size_ + 2));
    const size_t h = std::hash<std::string_view>()(name);
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      Slot& slot = slots_[i];
      if (slot.index < 0) {
        slot = {h, name, index};
        ++size_;
        return;
      }
      if (slot.hash == h && slot.name == name) return;
    }
  }
  int Find(std::string_view name) const {  // -1 if absent
    if (slots_.empty()) return -1;
    const size_t h = std::hash<std::string_view>()(name);
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& slot = slots_[i];
      if (slot.index < 0) return -1;
      if (slot.hash == h && slot.name == name) return slot.index;
    }
  }

 private:
  struct Slot {
    size_t hash = 0;
    std::string_view name;
    int index = -1;
  };
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

bool IsNumeric(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::vector<std::string> SplitColon(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t pos = s.find(':', start);
    out.push_back(s.substr(start, pos == std::string::npos ? std::string::npos : pos - start));
    if (pos == std::string::npos) return out;
    start = pos + 1;
  }
}

// Step 2's rewrites of ops that take a reference input: what they become
// when that input is a frozen variable (now a Const, which has no ref).
const char* RefFixTarget(const std::string& op) {
  if (op == "RefSwitch") return "Switch";
  if (op == "AssignSub") return "Sub";
  if (op == "AssignAdd") return "Add";
  if (op == "RefIdentity") return "Identity";
  if (op == "RefEnter") return "Enter";
  if (op == "RefExit") return "Exit";
  if (op == "RefMerge") return "Merge";
  if (op == "RefNextIteration") return "NextIteration";
  return nullptr;
}

// Ops that pass a reference through, so that an op reading their output
// reads the variable behind them.
bool RefPassThrough(const std::string& op) {
  return op == "RefIdentity" || op == "RefSwitch" || op == "RefEnter" || op == "RefExit" || op == "RefMerge" ||
         op == "RefNextIteration";
}

bool Contains(const std::optional<std::vector<std::string>>& list, const std::string& name) {
  return std::find(list->begin(), list->end(), name) != list->end();
}

// Edit distance, giving up (returning limit + 1) once it exceeds `limit`.
size_t BoundedEditDistance(std::string_view a, std::string_view b, size_t limit) {
  if (a.size() > b.size() + limit || b.size() > a.size() + limit) return limit + 1;
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0], best = ++row[0];
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1])});
      diag = up;
      best = std::min(best, row[j]);
    }
    if (best > limit) return limit + 1;
  }
  return row[b.size()];
}

// A node name worth suggesting for a mistyped output: same last component,
// or a few edits away.
bool LooksLike(const std::string& wanted, const std::string& name) {
  if (wanted.empty()) return false;
  const size_t slash = name.rfind('/');
  const std::string_view last = slash == std::string::npos ? std::string_view(name) : std::string_view(name).substr(slash + 1);
  if (last == wanted) return true;
  const size_t limit = std::max<size_t>(1, wanted.size() / 3);
  return BoundedEditDistance(wanted, name, limit) <= limit;
}

// ---------------------------------------------------------------------------
// Step 3: extract_sub_graph over a node accessor (the graph after step 2).

template <typename NodeAt>
Result<std::vector<int>> Extract(int num_nodes, const NodeAt& node_at, const std::vector<char>& dropped,
                                 const std::vector<std::string>& outputs, std::vector<std::string>* warnings) {
  NameIndex index;  // views of the nodes' names
  index.Reserve(size_t(num_nodes));
  for (int i = 0; i < num_nodes; ++i) {
    if (!dropped.empty() && dropped[i]) continue;
    std::string_view name = node_at(i).name();
    if (!name.empty() && name[0] == '^') name.remove_prefix(1);
    index.Insert(name.substr(0, name.find(':')), i);
  }
  std::deque<std::string_view> queue;  // views of node names and inputs, outputs, and `targets`
  std::deque<std::string> targets;     // colocation targets (ColocationTargets makes copies)
  for (const std::string& o : outputs) {
    const std::string_view name = NodeNameView(o);
    if (index.Find(name) < 0) {
      std::string similar;
      int shown = 0;
      for (int i = 0; i < num_nodes && shown < 5; ++i) {
        const std::string& n = node_at(i).name();
        if (LooksLike(std::string(name), n)) similar += (shown++ ? ", " : "") + n;
      }
      return Status::Error("output node \"" + std::string(name) + "\" is not in the graph" +
                           (similar.empty() ? std::string() : " (similar names: " + similar + ")"));
    }
    queue.push_back(name);
  }
  std::vector<char> keep(num_nodes, 0);
  std::set<std::string> missing;
  while (!queue.empty()) {
    const std::string_view name = queue.front();
    queue.pop_front();
    const int found = index.Find(name);
    if (found < 0) {
      missing.insert(std::string(name));
      continue;
    }
    if (keep[found]) continue;
    keep[found] = 1;
    const NodeDef& nd = node_at(found);
    for (const std::string& in : nd.input()) queue.push_back(NodeNameView(in));
    if (nd.attr().empty()) continue;
    for (std::string& c : ColocationTargets(nd)) queue.push_back(targets.emplace_back(std::move(c)));
  }
  for (const std::string& m : missing)
    warnings->push_back("\"" + m + "\" is named as an input or colocation target but is not in the graph");
  std::vector<int> kept;
  for (int i = 0; i < num_nodes; ++i)
    if (keep[i]) kept.push_back(i);
  return kept;
}

// ---------------------------------------------------------------------------
// Step 4: convert_to_constants' Convertibles, over (sub = the extracted graph,
// read-only like TF's `self._node`) and (out = its converted copy).

enum class Kind {
  kPlain, kVariable, kCase, kMerge, kCall, kReadVariable, kResourceGather, kResourceGatherNd,
  kIf, kWhile, kIntermediate
};

Kind KindOf(const std::string& op) {
  if (op == "VariableV2" || op == "VarHandleOp" || op == "Placeholder" || op == "Variable") return Kind::kVariable;
  if (op == "Case") return Kind::kCase;
  if (op == "Merge") return Kind::kMerge;
  if (op == "PartitionedCall" || op == "StatefulPartitionedCall") return Kind::kCall;
  if (op == "ReadVariableOp") return Kind::kReadVariable;
  if (op == "ResourceGather") return Kind::kResourceGather;
  if (op == "ResourceGatherNd") return Kind::kResourceGatherNd;
  if (op == "If" || op == "StatelessIf") return Kind::kIf;
  if (op == "While" || op == "StatelessWhile") return Kind::kWhile;
  if (op == "Enter" || op == "Exit" || op == "Identity" || op == "NextIteration" || op == "Switch" ||
      op == "_SwitchN")
    return Kind::kIntermediate;
  return Kind::kPlain;
}

struct CallerInfo {
  int first_input = 0;
  const char* type_attr = "Tin";
  std::vector<std::string> func_attrs;
};

bool CallerOf(Kind kind, CallerInfo* info) {
  switch (kind) {
    case Kind::kCase: *info = {1, "Tin", {"branches"}}; return true;
    case Kind::kCall: *info = {0, "Tin", {"f"}}; return true;
    case Kind::kIf: *info = {1, "Tin", {"then_branch", "else_branch"}}; return true;
    case Kind::kWhile: *info = {0, "T", {"body", "cond"}}; return true;
    default: return false;
  }
}

// A Convertible: a node of the main graph (fn = -1), a node of function fn,
// or function fn itself (node = -1).
struct Conv {
  int fn = -1;
  int node = -1;
  int64_t key() const { return (int64_t(fn + 1) << 32) | uint32_t(node + 1); }
};

struct OutEdge {
  int src_index = 0;
  Conv dst;
  int dst_index = 0;
};

class Converter {
 public:
  // Reads `sub` (left unchanged); the converted graph is `sub` with the
  // changes kept here applied by MoveResultInto.
  // With `whole` set, sub's nodes that have an origin (result->origin) are
  // slim: a node to change is parsed whole from its bytes and prepared.
  Converter(const GraphDef& sub, RewriteResult* result,
            const std::function<Result<NodeDef>(int)>& whole, const KeptNodePrep& prep)
      : sub_(sub), out_library_(sub.library()), result_(result), whole_(whole), prep_(prep) {}

  // The converted graph into `*out`, taking `sub`'s storage (the one that
  // was passed to the constructor; nothing else may use it afterwards).
  void MoveResultInto(GraphDef&& sub, GraphDef* out) {
    *out = std::move(sub);
    for (auto& [i, node] : out_nodes_) {
      out->mutable_node(i)->Swap(&node);
      result_->origin[i] = -1;
    }
    for (NodeDef& node : extra_nodes_) {
      out->add_node()->Swap(&node);
      result_->origin.push_back(-1);
    }
    out->mutable_library()->Swap(&out_library_);
  }

  // A whole node that could not be parsed while converting.
  const Status& error() const { return error_; }

  void Index() {
    main_edges_.resize(size_t(sub_.node_size()));
    main_index_.Reserve(size_t(sub_.node_size()));
    for (int i = 0; i < sub_.node_size(); ++i) main_index_.Insert(sub_.node(i).name(), i);
    const auto& lib = sub_.library();
    fn_nodes_.resize(lib.function_size());
    fn_args_.resize(lib.function_size());
    for (int f = 0; f < lib.function_size(); ++f) {
      const FunctionDef& fd = lib.function(f);
      fn_index_.emplace(fd.signature().name(), f);
      for (int i = 0; i < fd.node_def_size(); ++i) fn_nodes_[f].emplace(fd.node_def(i).name(), i);
      for (const auto& arg : fd.signature().input_arg()) fn_args_[f].push_back(arg.name());
    }
    renamed_.assign(lib.function_size(), 0);
    NameConvertedFunctions();
    for (int i = 0; i < sub_.node_size(); ++i) AddNodeEdges({-1, i});
    for (int f = 0; f < lib.function_size(); ++f)
      for (int i = 0; i < lib.function(f).node_def_size(); ++i) AddNodeEdges({f, i});
  }

  // Entry point: variable node `node` of the main graph gets value `v`.
  Status ConvertVariable(int node, const VariableValue& v) { return Convert({-1, node}, -1, v, 0); }

 private:
  const NodeDef& SubNode(Conv c) const {
    return c.fn < 0 ? sub_.node(c.node) : sub_.library().function(c.fn).node_def(c.node);
  }

  // _GraphDef.converted_function_names: every library function gets
  // "<base>_frozen_<uid>", uids handed out in sorted (suffix, base, name) order.
  void NameConvertedFunctions() {
    struct Parsed {
      bool numeric;
      std::string number;  // digits, leading zeros stripped
      std::string base, name;
      int index;
    };
    std::vector<Parsed> parsed;
    const auto& lib = sub_.library();
    for (int f = 0; f < lib.function_size(); ++f) {
      const std::string& name = lib.function(f).signature().name();
      const size_t us = name.rfind('_');
      Parsed p{false, "", name, name, f};
      if (us != std::string::npos && IsNumeric(std::string_view(name).substr(us + 1))) {
        p.numeric = true;
        p.base = name.substr(0, us);
        p.number = name.substr(us + 1);
        p.number.erase(0, std::min(p.number.find_first_not_of('0'), p.number.size() - 1));
      }
      parsed.push_back(std::move(p));
    }
    std::sort(parsed.begin(), parsed.end(), [](const Parsed& a, const Parsed& b) {
      // Python sorts (-1, ...) before any number, numbers by value.
      if (a.numeric != b.numeric) return !a.numeric;
      if (a.numeric && a.number != b.number)
        return a.number.size() != b.number.size() ? a.number.size() < b.number.size() : a.number < b.number;
      if (a.base != b.base) return a.base < b.base;
      return a.name < b.name;
    });
    new_names_.resize(lib.function_size());
    int uid = 1;
    for (const Parsed& p : parsed) new_names_[p.index] = p.base + "_frozen_" + std::to_string(uid++);
  }

  void AddEdge(Conv src, int src_index, Conv dst, int dst_index) {
    if (src.fn < 0 && src.node >= 0 && src.node < int(main_edges_.size()))
      main_edges_[src.node].push_back({src_index, dst, dst_index});
    else
      edges_[src.key()].push_back({src_index, dst, dst_index});
  }

  // _Node.create_edges (+ _FunctionCaller.create_edges).
  void AddNodeEdges(Conv c) {
    const NodeDef& nd = SubNode(c);
    for (int k = 0; k < nd.input_size(); ++k) {
      const std::string& name = nd.input(k);
      if (!name.empty() && name[0] == '^') continue;
      Conv src;
      int src_index;
      if (!Resolve(c, name, &src, &src_index)) continue;
      AddEdge(src, src_index, c, k);
    }
    CallerInfo caller;
    if (!CallerOf(KindOf(nd.op()), &caller)) return;
    const int n = nd.input_size() - caller.first_input;
    for (const std::string& attr_name : caller.func_attrs) {
      const AttrValue* a = FindAttr(nd, attr_name);
      if (!a) continue;
      std::vector<std::string> names;
      if (a->value_case() == AttrValue::kFunc) names.push_back(a->func().name());
      else if (a->value_case() == AttrValue::kList)
        for (const auto& f : a->list().func()) names.push_back(f.name());
      for (const std::string& fname : names) {
        auto it = fn_index_.find(fname);
        if (it == fn_index_.end()) {
          Warn(nd.name() + " calls function \"" + fname + "\", which is not in the library");
          continue;
        }
        for (int i = 0; i < n; ++i) AddEdge(c, i + caller.first_input, {it->second, -1}, i);
      }
    }
  }

  // _Node.resolve_input.
  bool Resolve(Conv c, const std::string& input, Conv* src, int* src_index) {
    // SplitColon(input): the first element and the last, without copies.
    const std::string_view in(input);
    const size_t colon = in.find(':');
    std::string_view first = in.substr(0, colon);
    if (!first.empty() && first[0] == '^') first.remove_prefix(1);
    int index = 0;
    if (colon != std::string_view::npos) {
      const std::string_view back = in.substr(in.rfind(':') + 1);
      if (IsNumeric(back) && back.size() < 10) index = std::stoi(std::string(back));
    }
    if (c.fn < 0) {
      const int found = main_index_.Find(first);
      if (found < 0) return false;  // extract_sub_graph kept every input that exists
      *src = {-1, found};
      *src_index = index;
      return true;
    }
    const std::string source(first);
    auto it = fn_nodes_[c.fn].find(source);
    if (index != 0 || it != fn_nodes_[c.fn].end()) {
      if (it == fn_nodes_[c.fn].end()) return false;
      *src = {c.fn, it->second};
      *src_index = index;
      return true;
    }
    const auto& args = fn_args_[c.fn];
    auto at = std::find(args.begin(), args.end(), source);
    if (at == args.end()) return false;
    *src = {c.fn, -1};
    *src_index = int(at - args.begin());
    return true;
  }

  void Warn(std::string w) { result_->warnings.push_back(std::move(w)); }

  // _Function.converted_self: the copy in `out`, renamed on first use.
  FunctionDef* OutFunction(int fn) {
    FunctionDef* f = out_library_.mutable_function(fn);
    if (!renamed_[fn]) {
      renamed_[fn] = 1;
      result_->renamed_functions.push_back(f->signature().name() + " -> " + new_names_[fn]);
      f->mutable_signature()->set_name(new_names_[fn]);
    }
    return f;
  }

  bool IsConvertedFunction(const std::string& name) const {
    auto it = fn_index_.find(name);
    return it != fn_index_.end() && renamed_[it->second];
  }

  // _Node.converted_self / _FunctionCaller.converted_self (which renames the
  // called functions that are converted by then, once).
  NodeDef* OutNode(Conv c) {
    NodeDef* node = c.fn < 0 ? OutMainNode(c.node) : OutFunction(c.fn)->mutable_node_def(c.node);
    CallerInfo caller;
    if (CallerOf(KindOf(SubNode(c).op()), &caller) && callers_seen_.insert(c.key()).second) {
      for (const std::string& attr_name : caller.func_attrs) {
        AttrValue& a = (*node->mutable_attr())[attr_name];
        if (a.value_case() == AttrValue::kFunc) {
          if (IsConvertedFunction(a.func().name()))
            a.mutable_func()->set_name(new_names_[fn_index_.at(a.func().name())]);
        } else if (a.value_case() == AttrValue::kList) {
          for (auto& f : *a.mutable_list()->mutable_func())
            if (IsConvertedFunction(f.name())) f.set_name(new_names_[fn_index_.at(f.name())]);
        }
      }
    }
    return node;
  }

  Status UpdateDtype(NodeDef* node, const std::string& attr_name, int index, DType dtype) {
    AttrValue& a = (*node->mutable_attr())[attr_name];
    int num_types = 0;
    if (a.value_case() == AttrValue::kList) {
      num_types = a.list().type_size();
      if (num_types > index) {
        a.mutable_list()->set_type(index, tensorflow::DataType(dtype));
        return Status::Ok();
      }
    } else if (a.value_case() == AttrValue::kType) {
      num_types = 1;
      if (index == 0) {
        a.set_type(tensorflow::DataType(dtype));
        return Status::Ok();
      }
    }
    return Status::Error("index " + std::to_string(index) + " is out of range for node(" + node->name() +
                         ").attr(" + attr_name + "), which has " + std::to_string(num_types) + " elements");
  }

  // The edges out of `c` (null: none).
  const std::vector<OutEdge>* EdgesFrom(Conv c) const {
    if (c.fn < 0 && c.node >= 0) return c.node < int(main_edges_.size()) ? &main_edges_[c.node] : nullptr;
    auto it = edges_.find(c.key());
    return it == edges_.end() ? nullptr : &it->second;
  }

  Status Propagate(Conv c, const VariableValue& v, int depth, int only_src_index = -1) {
    const std::vector<OutEdge>* from = EdgesFrom(c);
    if (!from) return Status::Ok();
    const std::vector<OutEdge> edges = *from;  // Convert may add edges (never to c), copy anyway
    for (const OutEdge& e : edges) {
      if (only_src_index >= 0 && e.src_index != only_src_index) continue;
      CKPT_RETURN_IF_ERROR(Convert(e.dst, e.dst_index, v, depth + 1));
    }
    return Status::Ok();
  }

  Status Convert(Conv c, int index, const VariableValue& v, int depth) {
    if (depth > 4000) return Status::Error("variable uses are nested too deeply to freeze (over 4000 levels)");
    // A Convertible converted twice through the same input changes nothing
    // the second time (TF redoes it); the set also stops Merge loops.
    if (!visited_.insert({c.key(), index}).second) return Status::Ok();
    if (c.node < 0) return ConvertFunction(c.fn, index, v, depth);
    const NodeDef& orig = SubNode(c);
    const Kind kind = KindOf(orig.op());
    switch (kind) {
      case Kind::kVariable: {
        NodeDef* node = OutNode(c);
        node->Clear();
        node->set_name(orig.name());
        node->set_op("Const");
        (*node->mutable_attr())["dtype"].set_type(tensorflow::DataType(v.dtype));
        if (c.fn < 0) {
          result_->converted.push_back(c.node);
          result_->values.push_back(v);
        }
        return Propagate(c, v, depth);
      }
      case Kind::kIntermediate:
      case Kind::kMerge: {
        if (kind == Kind::kMerge && AttrType(orig, "T") == int(v.dtype)) {
          // TF 2.21 stops at Merge; where its type needs no change (ref
          // variables) we do too, so the output stays TF's.
          return Status::Ok();
        }
        NodeDef* node = OutNode(c);
        CKPT_RETURN_IF_ERROR(UpdateDtype(node, "T", kind == Kind::kMerge ? 0 : index, v.dtype));
        node->mutable_attr()->erase("_output_shapes");
        // Merge's output 1 is the branch index, not the value.
        return Propagate(c, v, depth, kind == Kind::kMerge ? 0 : -1);
      }
      case Kind::kReadVariable: {
        NodeDef* node = OutNode(c);
        NodeDef n;
        n.set_name(orig.name());
        n.set_op("Identity");
        if (orig.input_size() > 0) n.add_input(orig.input(0));
        const AttrValue* dtype = FindAttr(orig, "dtype");
        (*n.mutable_attr())["T"] = dtype ? *dtype : AttrValue();
        if (const AttrValue* cls = FindAttr(orig, "_class")) (*n.mutable_attr())["_class"] = *cls;
        *node = std::move(n);
        if (c.fn >= 0) {
          // The function's own results may name the read too; TF 2.21 leaves
          // them as ":value", which no longer exists on an Identity.
          for (auto& [key, value] : *OutFunction(c.fn)->mutable_ret()) {
            std::vector<std::string> parts = SplitColon(value);
            if (parts.size() > 1 && parts[0] == orig.name() && parts[1] == "value") value = parts[0] + ":output" +
                (parts.size() > 2 ? ":" + parts[2] : std::string());
          }
          if (const std::vector<OutEdge>* from = EdgesFrom(c)) {
            for (const OutEdge& e : *from) {
              if (e.dst.node < 0) continue;
              NodeDef* dst = OutNode(e.dst);
              if (e.dst_index >= dst->input_size()) continue;
              std::vector<std::string> parts = SplitColon(dst->input(e.dst_index));
              if (parts.size() > 1 && parts[1] == "value") {
                parts[1] = "output";
                std::string joined;
                for (size_t i = 0; i < parts.size(); ++i) joined += (i ? ":" : "") + parts[i];
                dst->set_input(e.dst_index, joined);
              }
            }
          }
        }
        return Status::Ok();
      }
      case Kind::kResourceGather: {
        // TF 2.21 skips gathers inside functions, leaving a ResourceGather
        // that reads a float: we convert them like main-graph ones, with the
        // axis Const appended to the function body.
        const AttrValue* bd = FindAttr(orig, "batch_dims");
        const int64_t batch_dims = bd && bd->value_case() == AttrValue::kI ? bd->i() : 0;
        if (batch_dims != 0)
          return Status::Error("batch_dims must be 0 for freeze_graph, but got node(" + orig.name() +
                               ").attr('batch_dims') = " + std::to_string(batch_dims));
        const std::string axis_name = orig.name() + "/axis";
        const AttrValue* tindices = FindAttr(orig, "Tindices");
        const AttrValue axis_dtype = tindices ? *tindices : AttrValue();
        NodeDef* axis = nullptr;
        if (c.fn < 0) {
          if (const int found = main_index_.Find(axis_name); found >= 0) {
            axis = OutMainNode(found);
          } else if (auto ex = extra_index_.find(axis_name); ex != extra_index_.end()) {
            axis = &extra_nodes_[ex->second];
          } else {
            extra_index_.emplace(axis_name, int(extra_nodes_.size()));
            axis = &extra_nodes_.emplace_back();
          }
        } else {
          FunctionDef* f = OutFunction(c.fn);
          for (auto& nd : *f->mutable_node_def())
            if (nd.name() == axis_name) axis = &nd;
          if (!axis) axis = f->add_node_def();
        }
        axis->set_name(axis_name);
        axis->set_op("Const");
        (*axis->mutable_attr())["dtype"] = axis_dtype;
        // make_tensor_proto(np.array(0), dtype=Tindices, shape=()).
        tensorflow::TensorProto* t = (*axis->mutable_attr())["value"].mutable_tensor();
        t->Clear();
        t->set_dtype(axis_dtype.type());
        t->mutable_tensor_shape();
        if (axis_dtype.type() == tensorflow::DT_INT64) t->add_int64_val(0);
        else t->add_int_val(0);

        NodeDef* node = OutNode(c);
        NodeDef n;
        n.set_name(orig.name());
        n.set_op("GatherV2");
        n.add_input(orig.input_size() > 0 ? orig.input(0) : "");
        n.add_input(orig.input_size() > 1 ? orig.input(1) : "");
        n.add_input(c.fn < 0 ? axis_name : axis_name + ":output:0");
        const AttrValue* dtype = FindAttr(orig, "dtype");
        (*n.mutable_attr())["Tparams"] = dtype ? *dtype : AttrValue();
        (*n.mutable_attr())["Tindices"] = axis_dtype;
        (*n.mutable_attr())["Taxis"] = axis_dtype;
        if (const AttrValue* cls = FindAttr(orig, "_class")) (*n.mutable_attr())["_class"] = *cls;
        *node = std::move(n);
        return Status::Ok();
      }
      case Kind::kResourceGatherNd: {
        NodeDef* node = OutNode(c);
        NodeDef n;
        n.set_name(orig.name());
        n.set_op("GatherNd");
        n.add_input(orig.input_size() > 0 ? orig.input(0) : "");
        n.add_input(orig.input_size() > 1 ? orig.input(1) : "");
        const AttrValue* dtype = FindAttr(orig, "dtype");
        const AttrValue* tindices = FindAttr(orig, "Tindices");
        (*n.mutable_attr())["Tparams"] = dtype ? *dtype : AttrValue();
        (*n.mutable_attr())["Tindices"] = tindices ? *tindices : AttrValue();
        if (const AttrValue* cls = FindAttr(orig, "_class")) (*n.mutable_attr())["_class"] = *cls;
        *node = std::move(n);
        return Status::Ok();
      }
      case Kind::kCase:
      case Kind::kCall:
      case Kind::kIf:
      case Kind::kWhile: {
        CallerInfo caller;
        CallerOf(kind, &caller);
        // Only edges into functions: a node's outputs may map to its inputs
        // in arbitrary ways through the function body.
        if (const std::vector<OutEdge>* from = EdgesFrom(c)) {
          const std::vector<OutEdge> edges = *from;
          for (const OutEdge& e : edges)
            if (e.src_index == index && e.dst.node < 0)
              CKPT_RETURN_IF_ERROR(Convert(e.dst, e.dst_index, v, depth + 1));
        }
        NodeDef* node = OutNode(c);
        if (index >= caller.first_input)
          CKPT_RETURN_IF_ERROR(UpdateDtype(node, caller.type_attr, index - caller.first_input, v.dtype));
        if (kind != Kind::kWhile) return Status::Ok();
        AttrValue& shapes = (*node->mutable_attr())["output_shapes"];
        if (shapes.value_case() == AttrValue::kList && shapes.list().shape_size() > 0) {
          if (index >= shapes.list().shape_size())
            return Status::Error("node " + node->name() + ": output_shapes has no entry " + std::to_string(index));
          tensorflow::TensorShapeProto* s = shapes.mutable_list()->mutable_shape(index);
          s->Clear();
          for (int64_t d : v.shape) s->add_dim()->set_size(d);
        }
        // TF 2.21 leaves `_output_shapes` saying the old (resource handle,
        // scalar) shape there, and its importer then rejects the graph.
        auto os = node->mutable_attr()->find("_output_shapes");
        if (os != node->mutable_attr()->end() && os->second.value_case() == AttrValue::kList &&
            index < os->second.list().shape_size()) {
          tensorflow::TensorShapeProto* s = os->second.mutable_list()->mutable_shape(index);
          s->Clear();
          for (int64_t d : v.shape) s->add_dim()->set_size(d);
        }
        const AttrValue* body = FindAttr(orig, "body");
        auto fit = body ? fn_index_.find(body->func().name()) : fn_index_.end();
        if (fit == fn_index_.end())
          return Status::Error("node " + orig.name() + ": body function \"" +
                               (body ? body->func().name() : std::string()) + "\" is not in the library");
        FunctionDef* f = OutFunction(fit->second);
        if (index >= f->signature().output_arg_size())
          return Status::Error("function " + f->signature().name() + " has no output " + std::to_string(index));
        f->mutable_signature()->mutable_output_arg(index)->set_type(tensorflow::DataType(v.dtype));
        return Status::Ok();
      }
      case Kind::kPlain:
        return Status::Ok();
    }
    return Status::Ok();
  }

  // _Function.convert_variable_to_constant: argument `index` becomes `v`.
  Status ConvertFunction(int fn, int index, const VariableValue& v, int depth) {
    CKPT_RETURN_IF_ERROR(Propagate({fn, -1}, v, depth, index));
    FunctionDef* f = OutFunction(fn);
    if (index < 0 || index >= f->signature().input_arg_size())
      return Status::Error("function " + f->signature().name() + " has no input " + std::to_string(index));
    f->mutable_signature()->mutable_input_arg(index)->set_type(tensorflow::DataType(v.dtype));
    auto ia = f->mutable_attr()->find("_input_shapes");
    if (ia != f->mutable_attr()->end() && index < ia->second.list().shape_size()) {
      tensorflow::TensorShapeProto* s = ia->second.mutable_list()->mutable_shape(index);
      s->set_unknown_rank(true);
      s->clear_dim();
    }
    auto& arg_attrs = *(*f->mutable_arg_attr())[uint32_t(index)].mutable_attr();
    auto os = arg_attrs.find("_output_shapes");
    if (os != arg_attrs.end() && os->second.list().shape_size() > 0) {
      tensorflow::TensorShapeProto* s = os->second.mutable_list()->mutable_shape(0);
      s->set_unknown_rank(true);
      s->clear_dim();
    }
    return Status::Ok();
  }

  // Main-graph node i of the converted graph, copied from sub_ on first use.
  NodeDef* OutMainNode(int i) {
    auto [it, fresh] = out_nodes_.try_emplace(i);
    if (!fresh) return &it->second;
    const int from = whole_ && i < int(result_->origin.size()) ? result_->origin[i] : -1;
    if (from < 0) {
      it->second = sub_.node(i);
      return &it->second;
    }
    Result<NodeDef> w = whole_(from);
    if (w.ok()) {
      it->second = std::move(w).value();
      prep_.Apply(&it->second);
    } else {
      if (error_.ok()) error_ = w.status();
      it->second = sub_.node(i);
    }
    return &it->second;
  }

  const GraphDef& sub_;
  std::unordered_map<int, NodeDef> out_nodes_;   // changed main-graph nodes (stable addresses)
  std::deque<NodeDef> extra_nodes_;              // appended main-graph nodes (axis Consts)
  std::unordered_map<std::string, int> extra_index_;
  tensorflow::FunctionDefLibrary out_library_;
  RewriteResult* result_;
  const std::function<Result<NodeDef>(int)>& whole_;
  const KeptNodePrep& prep_;
  Status error_ = Status::Ok();
  NameIndex main_index_;  // views of sub_'s node names
  std::unordered_map<std::string, int> fn_index_;
  std::vector<std::unordered_map<std::string, int>> fn_nodes_;
  std::vector<std::vector<std::string>> fn_args_;
  std::vector<std::string> new_names_;
  std::vector<char> renamed_;
  std::vector<std::vector<OutEdge>> main_edges_;              // out of main-graph node i
  std::unordered_map<int64_t, std::vector<OutEdge>> edges_;  // out of functions and their nodes
  std::set<std::pair<int64_t, int>> visited_;
  std::unordered_set<int64_t> callers_seen_;
};

}  // namespace

std::vector<std::string> SplitNameList(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text + ",") {
    if (c == ' ') continue;
    if (c == ',') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  return out;
}

Result<std::vector<int>> ExtractSubgraph(const GraphDef& graph, const std::vector<std::string>& outputs) {
  std::vector<std::string> warnings;
  return Extract(graph.node_size(), [&](int i) -> const NodeDef& { return graph.node(i); }, {}, outputs,
                 &warnings);
}

KeptNodePrep::KeptNodePrep(bool clear_devices, const tensorflow::OpList* op_defaults)
    : clear_devices_(clear_devices) {
  if (!op_defaults) return;
  for (const auto& op : op_defaults->op()) {
    const bool any = std::any_of(op.attr().begin(), op.attr().end(),
                                 [](const tensorflow::OpDef::AttrDef& a) { return a.has_default_value(); });
    if (any) ops_.emplace(op.name(), &op);
  }
}

const tensorflow::OpDef* KeptNodePrep::Defaults(const std::string& op) const {
  auto it = ops_.find(op);
  return it == ops_.end() ? nullptr : it->second;
}

void KeptNodePrep::Apply(NodeDef* nd) const {
  if (clear_devices_) nd->clear_device();
  // importer._SetDefaultAttrValues: main-graph nodes only.
  const tensorflow::OpDef* op = Defaults(nd->op());
  if (!op) return;
  for (const auto& attr : op->attr()) {
    if (!attr.has_default_value()) continue;
    AttrValue& a = (*nd->mutable_attr())[attr.name()];
    if (a.value_case() == AttrValue::VALUE_NOT_SET) a = attr.default_value();
  }
}

namespace {

Result<RewriteResult> RewriteImpl(const GraphDef& graph, GraphDef* consumable, const RewriteOptions& options,
                                  const ValueLookup& value_for) {
  RewriteResult result;
  const auto& whole = options.whole_node;
  const KeptNodePrep prep(options.clear_devices, options.op_defaults);
  result.input_nodes = graph.node_size();
  if (options.outputs.empty()) return Status::Error("no output nodes given");
  auto should_convert = [&](const std::string& name) {
    return (!options.allowlist || Contains(options.allowlist, name)) &&
           (!options.denylist || !Contains(options.denylist, name));
  };
  const int n = graph.node_size();
  // Views of graph's node names, for step 2 only: built when some node is
  // one it may fix.
  std::unordered_map<std::string_view, int> index;
  const bool may_fix = options.fix_training_ops && std::any_of(graph.node().begin(), graph.node().end(),
                                                               [](const NodeDef& nd) {
                                                                 return RefFixTarget(nd.op()) || nd.op() == "Assign";
                                                               });
  if (may_fix) {
    index.reserve(n);
    for (int i = 0; i < n; ++i) index.emplace(graph.node(i).name(), i);
  }

  // Step 2: training-graph fixes, as overlays on the input. A fix is
  // reported if a node it changed ends up in the frozen graph.
  std::unordered_map<int, NodeDef> overlay;
  std::vector<char> dropped;
  struct Fix {
    std::vector<int> nodes;
    std::string what;
  };
  std::vector<Fix> fixes;
  if (may_fix) {
    std::set<std::string> outputs;
    for (const auto& o : options.outputs) outputs.insert(NodeName(o));
    auto frozen_variable_behind = [&](const NodeDef& nd) {
      if (nd.input_size() == 0 || nd.input(0).empty() || nd.input(0)[0] == '^') return false;
      auto it = index.find(NodeName(nd.input(0)));
      for (int steps = 0; it != index.end() && steps < 16; ++steps) {
        const NodeDef& src = graph.node(it->second);
        if (IsVariableOp(src.op())) return should_convert(src.name());
        if (!RefPassThrough(src.op()) || src.input_size() == 0) return false;
        it = index.find(NodeName(src.input(0)));
      }
      return false;
    };
    std::unordered_map<std::string, std::string> assign_value;  // dropped Assign -> its value input
    std::unordered_map<std::string, int> assign_fix;            // dropped Assign -> index in fixes
    for (int i = 0; i < n; ++i) {
      const NodeDef& nd = graph.node(i);
      const std::string& op = nd.op();
      const char* to = RefFixTarget(op);
      if (!to && op != "Assign") continue;
      if (!frozen_variable_behind(nd)) continue;
      if (op == "Assign") {
        if (outputs.count(nd.name()) || nd.input_size() < 2 || nd.input(1).empty() || nd.input(1)[0] == '^')
          continue;
        if (dropped.empty()) dropped.assign(n, 0);
        dropped[i] = 1;
        assign_value.emplace(nd.name(), nd.input(1));
        assign_fix.emplace(nd.name(), int(fixes.size()));
        fixes.push_back({{}, nd.name() + ": Assign removed, its users read " + nd.input(1)});
        continue;
      }
      NodeDef fixed;
      if (whole) {
        CKPT_ASSIGN_OR_RETURN(fixed, whole(i));
      } else {
        fixed = nd;
      }
      fixed.set_op(to);
      if (op == "AssignSub" || op == "AssignAdd") fixed.mutable_attr()->erase("use_locking");
      overlay[i] = std::move(fixed);
      fixes.push_back({{i}, nd.name() + ": " + op + " -> " + to});
    }
    if (!assign_value.empty()) {
      // Follows chains of removed Assigns to the value that survives.
      auto resolve = [&](std::string input) {
        for (int steps = 0; steps < 64; ++steps) {
          auto it = assign_value.find(NodeName(input));
          if (it == assign_value.end()) return input;
          input = it->second;
        }
        return input;
      };
      for (int i = 0; i < n; ++i) {
        if (dropped[i]) continue;
        auto ov = overlay.find(i);
        const NodeDef& base = ov != overlay.end() ? ov->second : graph.node(i);
        // Copied only once one of its inputs changes (most nodes read no Assign).
        std::optional<NodeDef> fixed;
        for (int k = 0; k < base.input_size(); ++k) {
          const std::string& in = base.input(k);  // `fixed` differs only at inputs already visited
          if (!assign_value.count(NodeName(in))) continue;
          const bool control = !in.empty() && in[0] == '^';
          const std::string value = resolve(in.substr(control ? 1 : 0));
          fixes[assign_fix.at(NodeName(in))].nodes.push_back(i);
          if (!fixed) {
            if (whole && ov == overlay.end()) {
              CKPT_ASSIGN_OR_RETURN(fixed, whole(i));
            } else {
              fixed = base;
            }
          }
          fixed->set_input(k, control ? "^" + NodeName(value) : value);
        }
        if (fixed) overlay[i] = std::move(*fixed);
      }
    }
  }
  auto node_at = [&](int i) -> const NodeDef& {
    auto it = overlay.find(i);
    return it == overlay.end() ? graph.node(i) : it->second;
  };

  std::unordered_map<std::string_view, int>().swap(index);  // not needed any more: memory for the copy below

  // Step 3.
  CKPT_ASSIGN_OR_RETURN(std::vector<int> kept, Extract(n, node_at, dropped, options.outputs, &result.warnings));
  if (!fixes.empty()) {
    std::vector<char> is_kept(n, 0);
    for (int i : kept) is_kept[i] = 1;
    for (const Fix& f : fixes)
      if (std::any_of(f.nodes.begin(), f.nodes.end(), [&](int i) { return is_kept[i]; }))
        result.fixed.push_back(f.what);
  }
  // The kept nodes, prepared (KeptNodePrep). Slim ones are prepared when
  // written (FreezeJob), and by the converter if it changes them.
  GraphDef sub;
  result.origin.reserve(kept.size());
  if (consumable) {
    // In place: kept nodes move to the front (kept is ascending), the rest go.
    auto* nodes = consumable->mutable_node();
    for (size_t k = 0; k < kept.size(); ++k)
      if (int(k) != kept[k]) nodes->SwapElements(int(k), kept[k]);
    nodes->DeleteSubrange(int(kept.size()), nodes->size() - int(kept.size()));
    sub = std::move(*consumable);
  } else {
    sub.mutable_node()->Reserve(int(kept.size()));
    for (int i : kept) {
      auto ov = overlay.find(i);
      *sub.add_node() = ov == overlay.end() ? graph.node(i) : ov->second;
    }
  }
  for (size_t k = 0; k < kept.size(); ++k) {
    NodeDef* nd = sub.mutable_node(int(k));
    auto ov = overlay.find(kept[k]);
    if (ov != overlay.end()) {
      if (consumable) nd->Swap(&ov->second);
      result.origin.push_back(-1);
    } else {
      result.origin.push_back(kept[k]);
    }
    if (whole && ov == overlay.end()) {
      if (options.clear_devices) nd->clear_device();  // the slim node's; the bytes' when written
    } else {
      prep.Apply(nd);
    }
  }
  overlay.clear();
  if (!consumable) {
    *sub.mutable_library() = graph.library();
    *sub.mutable_versions() = graph.versions();
  }

  // Step 4: values first (every missing one reported at once), then conversion.
  std::vector<std::pair<int, VariableValue>> variables;
  std::string missing;
  int num_missing = 0;
  for (int i = 0; i < sub.node_size(); ++i) {
    const NodeDef& nd = sub.node(i);
    if (!IsVariableOp(nd.op())) continue;
    if (!should_convert(nd.name())) {
      result.not_converted.push_back(nd.name());
      continue;
    }
    Result<VariableValue> v = value_for(nd);
    if (!v.ok()) {
      if (num_missing++ < 10) missing += "\n  " + nd.name() + ": " + v.status().message();
      continue;
    }
    variables.emplace_back(i, std::move(v).value());
  }
  if (num_missing)
    return Status::Error(std::to_string(num_missing) + " variable" + (num_missing > 1 ? "s" : "") +
                         " to freeze ha" + (num_missing > 1 ? "ve" : "s") + " no value:" + missing +
                         (num_missing > 10 ? "\n  ..." : ""));

  // The converter keeps only the nodes it changes; `sub` becomes the result.
  Converter converter(sub, &result, whole, prep);
  converter.Index();
  for (const auto& [node, value] : variables) CKPT_RETURN_IF_ERROR(converter.ConvertVariable(node, value));
  CKPT_RETURN_IF_ERROR(converter.error());
  converter.MoveResultInto(std::move(sub), &result.graph);
  return result;
}

}  // namespace

Result<RewriteResult> RewriteForFreeze(const GraphDef& graph, const RewriteOptions& options,
                                       const ValueLookup& value_for) {
  return RewriteImpl(graph, nullptr, options, value_for);
}

Result<RewriteResult> RewriteForFreeze(GraphDef&& graph, const RewriteOptions& options,
                                       const ValueLookup& value_for) {
  return RewriteImpl(graph, &graph, options, value_for);
}

}  // namespace ckptview::graph
