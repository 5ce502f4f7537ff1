#include "graph/summary.h"

#include <algorithm>
#include <map>
#include <set>

#include "graph/variables.h"

namespace ckptview::graph {
namespace {

bool StartsWith(const std::string& s, std::string_view p) { return s.compare(0, p.size(), p) == 0; }
bool EndsWith(const std::string& s, std::string_view p) {
  return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

bool NeverAnOutput(const std::string& op) {
  static const std::set<std::string> kOps = {
      "Const", "Placeholder", "PlaceholderWithDefault", "NoOp", "Assert", "Variable", "VariableV2",
      "VarHandleOp", "SaveV2", "Save", "SaveSlices", "RestoreV2", "Restore", "RestoreSlice",
      "MergeV2Checkpoints", "ShardedFilename", "ShardedFilespec", "IsVariableInitialized",
      "VarIsInitializedOp", "TensorArrayCloseV3", "Print", "PrintV2", "DestroyResourceOp",
      "DisableCopyOnRead"};
  if (kOps.count(op)) return true;
  for (std::string_view p : {"Assign", "Apply", "ResourceApply", "SparseApply", "ResourceSparseApply",
                             "InitializeTable", "LookupTableImport", "Scatter", "ResourceScatter"})
    if (StartsWith(op, p)) return true;
  return op.find("Summary") != std::string::npos;
}

bool InHousekeepingScope(const std::string& name) {
  const std::string first = name.substr(0, name.find('/'));
  if (first == "save" || first == "gradients" || first == "report_uninitialized_variables") return true;
  for (std::string_view p : {"save_", "gradients_"}) {
    if (StartsWith(first, p) && first.size() > p.size() &&
        std::all_of(first.begin() + p.size(), first.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return true;
  }
  return false;
}

TensorSpec SpecFromShape(const tensorflow::TensorShapeProto& shape, DType dtype) {
  TensorSpec s;
  s.dtype = dtype;
  s.unknown_rank = shape.unknown_rank();
  for (const auto& d : shape.dim()) s.shape.push_back(d.size());
  return s;
}

void WriteShape(const TensorSpec& s, JsonWriter* w) {
  if (s.unknown_rank) {
    w->Null();
    return;
  }
  w->BeginArray();
  for (int64_t d : s.shape) w->Int(d);
  w->EndArray();
}

}  // namespace

std::string TensorSpecShape(const TensorSpec& spec) {
  if (spec.unknown_rank) return "unknown";
  std::string out = "[";
  for (size_t i = 0; i < spec.shape.size(); ++i)
    out += (i ? "," : "") + (spec.shape[i] < 0 ? std::string("?") : std::to_string(spec.shape[i]));
  return out + "]";
}

Result<std::vector<std::string>> SignatureOutputNodes(const tensorflow::MetaGraphDef& meta_graph,
                                                      const std::string& name) {
  const auto& sigs = meta_graph.signature_def();
  std::string key = name;
  std::string available;
  std::vector<std::string> keys;
  for (const auto& [k, v] : sigs)
    if (k != "__saved_model_init_op") keys.push_back(k);
  std::sort(keys.begin(), keys.end());
  for (const auto& k : keys) available += (available.empty() ? "" : ", ") + k;
  if (key.empty()) {
    if (sigs.count("serving_default")) key = "serving_default";
    else if (keys.size() == 1) key = keys[0];
    else if (keys.empty()) return Status::Error("the graph declares no signatures");
    else return Status::Error("no serving_default signature; choose one of: " + available);
  }
  auto it = sigs.find(key);
  if (it == sigs.end())
    return Status::Error("no signature \"" + key + "\"" + (available.empty() ? "" : "; signatures: " + available));
  std::map<std::string, std::string> by_key;
  for (const auto& [k, info] : it->second.outputs()) {
    std::vector<std::string> names;
    if (info.encoding_case() == tensorflow::TensorInfo::kName) names.push_back(info.name());
    else if (info.encoding_case() == tensorflow::TensorInfo::kCooSparse)
      names = {info.coo_sparse().values_tensor_name(), info.coo_sparse().indices_tensor_name(),
               info.coo_sparse().dense_shape_tensor_name()};
    else
      for (const auto& c : info.composite_tensor().components()) names.push_back(c.name());
    std::string joined;
    for (const auto& n : names) joined += (joined.empty() ? "" : ",") + n;
    by_key[k] = joined;
  }
  std::vector<std::string> out;
  for (const auto& [k, joined] : by_key) {
    size_t start = 0;
    while (start <= joined.size()) {
      size_t comma = joined.find(',', start);
      std::string t = joined.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      std::string node(ParseInput(t).node);
      if (!node.empty() && std::find(out.begin(), out.end(), node) == out.end()) out.push_back(node);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return out;
}

std::vector<std::string> SuggestOutputs(const Graph& graph, const tensorflow::MetaGraphDef* meta_graph) {
  if (meta_graph) {
    Result<std::vector<std::string>> sig = SignatureOutputNodes(*meta_graph, "");
    if (sig.ok() && !sig->empty()) return *sig;
    // Several signatures and no serving_default: all their outputs.
    std::vector<std::string> all;
    std::vector<std::string> keys;
    for (const auto& [k, v] : meta_graph->signature_def())
      if (k != "__saved_model_init_op") keys.push_back(k);
    std::sort(keys.begin(), keys.end());
    for (const auto& k : keys) {
      Result<std::vector<std::string>> s = SignatureOutputNodes(*meta_graph, k);
      if (!s.ok()) continue;
      for (const auto& n : *s)
        if (std::find(all.begin(), all.end(), n) == all.end()) all.push_back(n);
    }
    if (!all.empty()) return all;
  }
  std::set<std::string> saver_nodes;
  if (meta_graph) {
    const auto& sd = meta_graph->saver_def();
    for (const std::string* t : {&sd.filename_tensor_name(), &sd.save_tensor_name(), &sd.restore_op_name()})
      if (!t->empty()) saver_nodes.insert(std::string(ParseInput(*t).node));
  }
  std::vector<std::string> out;
  for (int i = 0; i < graph.num_nodes(); ++i) {
    const Graph::Node& n = graph.node(i);
    if (!n.consumers.empty()) continue;
    const std::string& name = graph.name(i);
    if (NeverAnOutput(graph.op(i)) || InHousekeepingScope(name) || saver_nodes.count(name)) continue;
    // TF1 cond's branch markers, and bare reads of a variable (`v/read`).
    if (EndsWith(name, "/switch_t") || EndsWith(name, "/switch_f")) continue;
    if ((graph.op(i) == "Identity" || graph.op(i) == "ReadVariableOp") && !n.inputs.empty() &&
        n.inputs[0].node >= 0 && IsVariableOp(graph.op(n.inputs[0].node)))
      continue;
    out.push_back(name);
  }
  return out;
}

GraphSummary SummarizeModel(const Model& model) {
  GraphSummary s;
  if (model.checkpoint) s.checkpoint = model.checkpoint->prefix();
  s.bindings = &model.bindings;
  if (!model.graph) return s;
  const Graph& g = *model.graph;
  const tensorflow::MetaGraphDef* meta = model.meta_graph();
  s.file = model.graph_file->path;
  s.format = GraphFormatName(model.graph_file->format);
  if (model.graph_file->format == GraphFormat::kSavedModel) s.tags = TagSetString(*meta);
  s.tensorflow_version = meta->meta_info_def().tensorflow_version();
  s.producer = g.def().versions().producer();
  s.num_nodes = g.num_nodes();
  s.num_functions = g.num_functions();
  s.num_data_edges = g.num_data_edges();
  s.num_control_edges = g.num_control_edges();
  std::map<std::string, int> counts;
  for (int i = 0; i < g.num_nodes(); ++i) {
    ++counts[g.op(i)];
    const std::string& op = g.op(i);
    if (op == "Placeholder" || op == "PlaceholderWithDefault") {
      const tensorflow::NodeDef& nd = *g.node(i).def;
      TensorSpec p;
      const tensorflow::AttrValue* shape = FindAttr(nd, "shape");
      if (shape && shape->value_case() == tensorflow::AttrValue::kShape)
        p = SpecFromShape(shape->shape(), BaseType(AttrType(nd, "dtype")));
      else
        p.dtype = BaseType(AttrType(nd, "dtype"));
      // Placeholder's shape inference: in GraphDefs up to version 21 an
      // empty shape meant "unknown", not "scalar".
      if (op == "Placeholder" && s.producer <= 21 && p.shape.empty()) p.unknown_rank = true;
      p.name = nd.name();
      s.placeholders.push_back(std::move(p));
    }
  }
  s.op_counts.assign(counts.begin(), counts.end());
  std::stable_sort(s.op_counts.begin(), s.op_counts.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  s.suggested_outputs = SuggestOutputs(g, meta);
  std::vector<std::string> keys;
  for (const auto& [k, v] : meta->signature_def()) keys.push_back(k);
  std::sort(keys.begin(), keys.end());
  for (const auto& k : keys) {
    const tensorflow::SignatureDef& sd = meta->signature_def().at(k);
    SignatureSummary sig;
    sig.key = k;
    sig.method = sd.method_name();
    auto add = [](const google::protobuf::Map<std::string, tensorflow::TensorInfo>& m,
                  std::vector<std::pair<std::string, TensorSpec>>* out) {
      std::map<std::string, const tensorflow::TensorInfo*> sorted;
      for (const auto& [key, info] : m) sorted[key] = &info;
      for (const auto& [key, info] : sorted) {
        TensorSpec spec = SpecFromShape(info->tensor_shape(), BaseType(int(info->dtype())));
        if (!info->has_tensor_shape()) spec.unknown_rank = true;
        spec.name = info->encoding_case() == tensorflow::TensorInfo::kName ? info->name() : "(composite)";
        out->emplace_back(key, std::move(spec));
      }
    };
    add(sd.inputs(), &sig.inputs);
    add(sd.outputs(), &sig.outputs);
    s.signatures.push_back(std::move(sig));
  }
  return s;
}

void WriteGraphSummaryJson(const GraphSummary& s, JsonWriter* w) {
  w->BeginObject();
  w->Key("file");
  s.file.empty() ? w->Null() : w->String(s.file);
  w->Key("format");
  s.format.empty() ? w->Null() : w->String(s.format);
  w->Key("tags");
  w->String(s.tags);
  w->Key("tensorflow_version");
  w->String(s.tensorflow_version);
  w->Key("producer");
  w->Int(s.producer);
  w->Key("nodes");
  w->Int(s.num_nodes);
  w->Key("functions");
  w->Int(s.num_functions);
  w->Key("data_edges");
  w->Int(s.num_data_edges);
  w->Key("control_edges");
  w->Int(s.num_control_edges);
  w->Key("ops");
  w->BeginObject();
  for (const auto& [op, n] : s.op_counts) {
    w->Key(op);
    w->Int(n);
  }
  w->EndObject();
  w->Key("placeholders");
  w->BeginArray();
  for (const TensorSpec& p : s.placeholders) {
    w->BeginObject();
    w->Key("name");
    w->String(p.name);
    w->Key("dtype");
    w->String(DTypeName(p.dtype));
    w->Key("shape");
    WriteShape(p, w);
    w->EndObject();
  }
  w->EndArray();
  w->Key("suggested_outputs");
  w->BeginArray();
  for (const auto& o : s.suggested_outputs) w->String(o);
  w->EndArray();
  w->Key("signatures");
  w->BeginArray();
  for (const SignatureSummary& sig : s.signatures) {
    w->BeginObject();
    w->Key("key");
    w->String(sig.key);
    w->Key("method");
    w->String(sig.method);
    for (const auto* list : {&sig.inputs, &sig.outputs}) {
      w->Key(list == &sig.inputs ? "inputs" : "outputs");
      w->BeginArray();
      for (const auto& [key, spec] : *list) {
        w->BeginObject();
        w->Key("key");
        w->String(key);
        w->Key("name");
        w->String(spec.name);
        w->Key("dtype");
        w->String(DTypeName(spec.dtype));
        w->Key("shape");
        WriteShape(spec, w);
        w->EndObject();
      }
      w->EndArray();
    }
    w->EndObject();
  }
  w->EndArray();
  w->Key("checkpoint");
  s.checkpoint.empty() ? w->Null() : w->String(s.checkpoint);
  w->Key("variables");
  w->BeginArray();
  if (s.bindings) {
    for (const VariableBinding& v : s.bindings->variables) {
      w->BeginObject();
      w->Key("name");
      w->String(v.name);
      w->Key("op");
      w->String(v.op);
      w->Key("dtype");
      w->String(DTypeName(v.dtype));
      w->Key("shape");
      TensorSpec spec;
      spec.unknown_rank = !v.shape_known;
      spec.shape = v.shape;
      WriteShape(spec, w);
      w->Key("state");
      w->String(BindingStateName(v.state));
      w->Key("key");
      v.key.empty() ? w->Null() : w->String(v.key);
      w->Key("rule");
      v.rule.empty() ? w->Null() : w->String(v.rule);
      w->Key("slice");
      if (v.slice.empty()) {
        w->Null();
      } else {
        w->BeginArray();
        for (const SliceExtent& e : v.slice) {
          w->BeginArray();
          w->Int(e.start);
          w->Int(e.length);
          w->EndArray();
        }
        w->EndArray();
      }
      w->Key("problem");
      v.problem.empty() ? w->Null() : w->String(v.problem);
      w->EndObject();
    }
  }
  w->EndArray();
  w->Key("unused_checkpoint_keys");
  w->BeginArray();
  if (s.bindings)
    for (const auto& k : s.bindings->unused_keys) w->String(k);
  w->EndArray();
  w->EndObject();
}

}  // namespace ckptview::graph
