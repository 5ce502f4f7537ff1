// The graph half of freezing, without any tensor values: TensorFlow's
// freeze_graph semantics applied to a GraphDef (FORMATS.md section 7):
//
//   0. attr defaults from the meta graph's op list written into main-graph
//      nodes that lack them (what tf.import_graph_def does, in place, to the
//      GraphDef freeze_graph then converts; RewriteOptions::op_defaults);
//   1. clear devices (freeze_graph.py --clear_devices, main graph only);
//   2. optional training-graph fixes (the widely used freeze_graph fix for
//      batch norm): on ops whose ref input is a variable being frozen
//      (directly or through RefIdentity/RefSwitch/RefEnter/... ), RefSwitch ->
//      Switch, AssignSub -> Sub, AssignAdd -> Add (use_locking dropped, T
//      kept), Assign removed and its users rewired to its value; likewise
//      RefIdentity/RefEnter/RefExit/RefMerge/RefNextIteration lose the Ref;
//   3. extract_sub_graph(outputs) (graph_util_impl.py): breadth-first over
//      data inputs, control inputs and `_class` colocation, original order;
//   4. convert_variables_to_constants_from_session_graph (TF 2.x
//      convert_to_constants.py): every Variable/VariableV2/VarHandleOp passing
//      the allow/deny lists becomes Const{name, dtype, value}, and the change
//      propagates along data edges: ReadVariableOp -> Identity (T = dtype,
//      `_class` kept; inside functions consumers' ":value" become ":output"),
//      ResourceGather -> GatherV2 + Const "<name>/axis" appended at the end
//      (batch_dims must be 0), ResourceGatherNd -> GatherNd,
//      Identity/Enter/Exit/NextIteration/Switch/_SwitchN (and Merge, see
//      below) get T retyped and `_output_shapes` removed, and
//      If/StatelessIf/Case/PartitionedCall/StatefulPartitionedCall/While/
//      StatelessWhile retype Tin/T and carry the change into the functions
//      they call, which are renamed "<base>_frozen_<uid>" (While also gets the
//      concrete output shape and the body's output type).
//
// Deliberate differences from TF 2.21, each making output that TF would
// produce broken (or not produce at all) load instead:
//   - legacy `Variable` ops are converted too (TF 2.x fetches but skips them);
//   - a Merge whose T is resource is retyped like Identity (TF 2.x leaves
//     it; a Merge already of the value's type is left alone, as TF does);
//   - ResourceGather inside functions becomes GatherV2 too, its axis Const
//     appended to the function body (TF 2.x leaves it, reading a float);
//   - a function result (`ret`) naming a converted ReadVariableOp's ":value"
//     output is renamed to ":output" like its consumers (TF 2.x leaves it);
//   - a While's `_output_shapes` entry gets the same concrete shape as its
//     output_shapes entry (TF 2.x keeps the handle's scalar shape there, which
//     its own importer then rejects);
//   - the training-graph fixes of step 2 (off with fix_training_ops = false);
//   - names in `_class` or inputs that match no node are skipped instead of
//     failing with a Python KeyError.
// The values themselves are filled in by FreezeJob (freeze.h).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "graph.pb.h"
#include "op_def.pb.h"
#include "tensor/tensor.h"

namespace ckptview::graph {

struct RewriteOptions {
  std::vector<std::string> outputs;  // node names ("x:0" and "^x" are accepted as "x")
  bool clear_devices = true;
  std::optional<std::vector<std::string>> allowlist;  // nullopt: every variable
  std::optional<std::vector<std::string>> denylist;   // nullopt: none
  bool fix_training_ops = true;
  // OpDefs whose attr defaults are written into main-graph nodes that lack
  // them, as tf.import_graph_def does to the GraphDef freeze_graph then
  // converts (SavedModels are saved with defaults stripped). Pass the meta
  // graph's meta_info_def.stripped_op_list; null for none.
  const tensorflow::OpList* op_defaults = nullptr;
  // Slim input graphs (graph_file.h ParseOptions::slim_nodes): the whole
  // NodeDef of input node i, parsed from its bytes. Nodes the rewrite changes
  // start from it; null: the input's nodes are whole.
  std::function<Result<tensorflow::NodeDef>(int)> whole_node;
};

// What the rewrite does to every node it keeps before converting (steps 0
// and 1): device cleared, missing attr defaults of the op list added.
class KeptNodePrep {
 public:
  KeptNodePrep(bool clear_devices, const tensorflow::OpList* op_defaults);
  void Apply(tensorflow::NodeDef* node) const;
  bool clear_devices() const { return clear_devices_; }
  // The OpDef whose defaults Apply adds to nodes of `op` (null: none).
  const tensorflow::OpDef* Defaults(const std::string& op) const;

 private:
  bool clear_devices_;
  std::unordered_map<std::string, const tensorflow::OpDef*> ops_;
};

// The value a frozen variable gets: its dtype (the variable's) and shape.
struct VariableValue {
  DType dtype = DType::kInvalid;
  Shape shape;
};

struct RewriteResult {
  // The frozen graph. Converted variables are Const nodes with only name, op
  // and the dtype attr: the value attr is written by FreezeJob.
  tensorflow::GraphDef graph;
  std::vector<int> converted;             // indices in graph.node() of those Consts
  std::vector<VariableValue> values;      // parallel to `converted`
  std::vector<std::string> not_converted; // variables left alone by the allow/deny lists
  std::vector<std::string> fixed;         // "name: RefSwitch -> Switch", "name: Assign removed"
  std::vector<std::string> renamed_functions;  // "old -> new"
  std::vector<std::string> warnings;      // dangling names skipped, ...
  int input_nodes = 0;
  // Per node of `graph`: the input node it is, as KeptNodePrep leaves it; -1
  // for a node the rewrite changed or added. With whole_node set, the nodes
  // that have an origin are as slim as the input's.
  std::vector<int> origin;
};

// `value_for` gives the value of a variable node that is to be converted, or
// an error saying why there is none; errors for all such variables are
// gathered into one.
using ValueLookup = std::function<Result<VariableValue>(const tensorflow::NodeDef& variable)>;

Result<RewriteResult> RewriteForFreeze(const tensorflow::GraphDef& graph, const RewriteOptions& options,
                                       const ValueLookup& value_for);
// Same, taking the input's nodes instead of copying them (`graph` is left
// in an unspecified state): the frozen graph never exists twice.
Result<RewriteResult> RewriteForFreeze(tensorflow::GraphDef&& graph, const RewriteOptions& options,
                                       const ValueLookup& value_for);

// Names of the nodes to keep for `outputs` (extract_sub_graph's BFS), in
// graph order. Errors name outputs that are not in the graph.
Result<std::vector<int>> ExtractSubgraph(const tensorflow::GraphDef& graph,
                                         const std::vector<std::string>& outputs);

// Splits a comma-separated flag value as freeze_graph does (spaces removed,
// empty items dropped).
std::vector<std::string> SplitNameList(const std::string& text);

}  // namespace ckptview::graph
