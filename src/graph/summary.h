// What a graph is, in a few lines: op counts, inputs (placeholders with
// dtype and shape), likely outputs, signatures, variables and their binding.
// Shared by `ckptview graph`, the page's JSON report and the desktop app.
//
// Suggested outputs, when a person has not said which nodes they want
// (freeze needs them): a SavedModel's signature outputs if it declares any
// (serving_default first); otherwise, like TF's summarize_graph, nodes that
// nothing consumes (neither data nor control input), leaving out what is
// never an inference output: Const, Placeholder, NoOp, Assert, variables,
// Assign*/Apply* (training and initialization), Save/Restore/Merge of the
// saver, *Summary*, table initializers, variable-initialized checks, and
// anything under a save/, save_N/, gradients/ or report_uninitialized_variables/
// scope or named by the SaverDef, TF1 cond's switch_t/switch_f markers and
// bare variable reads (`v/read`).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "graph/graph.h"
#include "graph/model.h"
#include "meta_graph.pb.h"
#include "tensor/json.h"
#include "tensor/tensor.h"

namespace ckptview::graph {

std::vector<std::string> SuggestOutputs(const Graph& graph, const tensorflow::MetaGraphDef* meta_graph);

// Node names of a signature's outputs ("x:0" -> "x"), in output-key order.
// `name` "" means serving_default, else the only signature. Errors list the
// signatures there are.
Result<std::vector<std::string>> SignatureOutputNodes(const tensorflow::MetaGraphDef& meta_graph,
                                                      const std::string& name);

struct TensorSpec {
  std::string name;        // node name (placeholders) or tensor name (signatures)
  DType dtype = DType::kInvalid;
  Shape shape;             // -1 = unknown dim
  bool unknown_rank = true;
};
std::string TensorSpecShape(const TensorSpec& spec);  // "[?,784]", "unknown"

struct SignatureSummary {
  std::string key;
  std::string method;
  std::vector<std::pair<std::string, TensorSpec>> inputs, outputs;  // by key
};

struct GraphSummary {
  std::string file;                 // graph file
  std::string format;               // GraphDef / MetaGraphDef / SavedModel
  std::string tags;                 // meta graph's tag set
  std::string tensorflow_version;   // from meta_info_def, if any
  int producer = 0;                 // GraphDef versions.producer
  int num_nodes = 0;
  int num_functions = 0;
  int64_t num_data_edges = 0;
  int64_t num_control_edges = 0;
  std::vector<std::pair<std::string, int>> op_counts;  // most frequent first, then by name
  std::vector<TensorSpec> placeholders;                // Placeholder / PlaceholderWithDefault
  std::vector<std::string> suggested_outputs;
  std::vector<SignatureSummary> signatures;
  std::string checkpoint;           // prefix ("" if none)
  const Bindings* bindings = nullptr;
};

GraphSummary SummarizeModel(const Model& model);

// The summary as one JSON object (stable: tests in other languages parse it):
// {"file", "format", "tags", "tensorflow_version", "producer", "nodes",
//  "functions", "data_edges", "control_edges", "ops": {op: count},
//  "placeholders": [{"name", "dtype", "shape": [..]|null}],
//  "suggested_outputs": [...], "signatures": [{"key", "method",
//  "inputs": [{"key", "name", "dtype", "shape"}], "outputs": [...]}],
//  "checkpoint": prefix|null,
//  "variables": [{"name", "op", "dtype", "shape", "state", "key", "rule", "slice", "problem"}],
//  "unused_checkpoint_keys": [...]}
void WriteGraphSummaryJson(const GraphSummary& summary, JsonWriter* w);

}  // namespace ckptview::graph
