// Freezing: a graph plus a checkpoint in, one self-contained GraphDef out,
// as TensorFlow's freeze_graph.py does it (rules in freeze_rewrite.h).
//
// The job is a state machine so that the page (async File.slice reads), the
// desktop app and the CLI drive the same code, and so that memory stays near
// the largest tensor plus the graph (DESIGN.md "Reading without loading"):
//
//   auto job = FreezeJob::Create(graph, &bindings, checkpoint, options);
//   while (true) {
//     FreezeStep step = job->Next();            // Result<FreezeStep>
//     kRead:  read step.ranges, then job->Supply(chunks)
//     kWrite: append step.bytes to the output
//     kDone:  the output is complete
//   }
//
// Output bytes are the GraphDef's wire format written in order: each node as
// field 1; each frozen variable's Const NodeDef framed by hand
// {name, op "Const", attr dtype, attr value {tensor}} with the TensorProto
// laid out as make_tensor_proto does (tensor_proto.h) and tensor_content
// taken straight from the checkpoint bytes; then field 2 library and field 4
// versions (both always present, as extract_sub_graph's CopyFrom makes
// them). Other nodes are serialized deterministically with map entries in
// Python's order (python_order.h) -- or, for a slim graph (graph_file.h)
// whose unchanged node's bytes are already exactly that (freeze_canonical.h),
// copied from the graph file as they are -- so where TF's freeze works the output is
// byte for byte freeze_graph.py's (checked on graphs written by TF 2.21; TF's
// `_frozen_<uid>` numbers depend on its process, and for graphs written by
// older TF its importer adds attr defaults from its own op registry, which we
// do not have: we add those of the meta graph's op list). Sizes are
// known before any byte is written, and a result over 2 GB (protobuf's limit;
// TF cannot load it) is refused by Create.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "formats/checkpoint.h"
#include "formats/file_source.h"
#include "graph.pb.h"
#include "graph/freeze_rewrite.h"
#include "graph/variables.h"
#include "tensor/tensor.h"

namespace ckptview::graph {

struct FreezeOptions {
  std::vector<std::string> output_nodes;
  bool clear_devices = true;                           // freeze_graph's default
  std::optional<std::vector<std::string>> allowlist;   // --variable_names_whitelist / allowlist
  std::optional<std::vector<std::string>> denylist;    // --variable_names_blacklist / denylist
  // --initializer_nodes: freeze_graph runs them after restoring, so a
  // variable they assign takes the assigned value. We evaluate the assigned
  // value when it is constant (Const, Fill of Consts, Identity of those);
  // table initializers and the like change no variable and are accepted.
  std::vector<std::string> initializer_nodes;
  bool fix_training_ops = true;                        // freeze_rewrite.h step 2
  // Attr defaults TF's importer adds before converting (freeze_rewrite.h):
  // the meta graph's meta_info_def.stripped_op_list; null for a bare GraphDef.
  const tensorflow::OpList* op_defaults = nullptr;
};

struct FreezeReport {
  std::vector<std::string> outputs;            // output nodes kept (as given, or a signature's)
  int input_nodes = 0;
  int output_nodes = 0;
  std::vector<std::string> converted;          // variables now Const
  std::vector<std::string> from_initializers;  // of those, valued by --initializer_nodes
  std::vector<std::string> not_converted;      // kept by the allow/deny lists
  std::vector<std::string> fixed;              // training-graph fixes applied
  std::vector<std::string> renamed_functions;  // "old -> new"
  std::vector<std::string> warnings;
  int verbatim_nodes = 0;           // nodes copied from a slim graph's bytes as they are
  uint64_t output_bytes = 0;        // exact when output_bytes_exact
  bool output_bytes_exact = true;   // false: an upper bound (value-dependent varints)
};

struct FreezeStep {
  enum class Kind { kRead, kWrite, kDone };
  Kind kind = Kind::kDone;
  std::vector<formats::ByteRange> ranges;  // kRead: hand their bytes to Supply(), in order
  std::string bytes;                       // kWrite: the next piece of output
};

// Raw tensor bytes stored whole in a V2 bundle are streamed through reads of
// this size (read, checksummed, written), so no tensor is ever held whole.
constexpr uint64_t kFreezePieceBytes = uint64_t{4} << 20;

// The most a frozen GraphDef may hold (protobuf messages are limited to 2 GiB - 1).
constexpr uint64_t kMaxGraphDefBytes = (uint64_t{1} << 31) - 1;

class FreezeJob {
 public:
  // Plans the freeze of `graph` (main graph + library). Values come from
  // `checkpoint` through `bindings` (key, slice); with null bindings the key
  // is the node name. `checkpoint` may be null when every frozen variable is
  // valued by an initializer. All three must outlive the job.
  static Result<std::unique_ptr<FreezeJob>> Create(const tensorflow::GraphDef& graph, const Bindings* bindings,
                                                   const formats::Checkpoint* checkpoint,
                                                   const FreezeOptions& options);
  // Same, with an output-size limit other than 2 GB (tests).
  static Result<std::unique_ptr<FreezeJob>> Create(const tensorflow::GraphDef& graph, const Bindings* bindings,
                                                   const formats::Checkpoint* checkpoint,
                                                   const FreezeOptions& options, uint64_t max_output_bytes);
  // Plans the freeze of `graph`, taking its nodes (it is left in an
  // unspecified state), so that the planned graph is never a copy. A slim
  // graph (graph_file.h ParseOptions::slim_nodes) comes with `node_bytes`:
  // the serialized NodeDef of its node i. Unchanged nodes whose bytes are
  // already in the output's form (freeze_canonical.h) are then copied as they
  // are, the others parsed whole when they are written. `keep_alive` is held
  // until the job ends (what owns the bytes, bindings, checkpoint, op list).
  using NodeBytes = std::function<std::string_view(int node)>;
  static Result<std::unique_ptr<FreezeJob>> Create(tensorflow::GraphDef&& graph, NodeBytes node_bytes,
                                                   const Bindings* bindings, const formats::Checkpoint* checkpoint,
                                                   const FreezeOptions& options,
                                                   std::shared_ptr<const void> keep_alive = nullptr,
                                                   uint64_t max_output_bytes = kMaxGraphDefBytes);
  ~FreezeJob();

  const FreezeReport& report() const { return report_; }

  // What the driver does next. After an error the job is finished.
  Result<FreezeStep> Next();
  // The bytes of the last kRead step's ranges.
  Status Supply(std::vector<std::string> chunks);

  // The planned graph (frozen variables are Consts without their value attr)
  // and, for each Const that takes a value, its node index and value (read
  // synchronously): used by FreezeInMemory.
  // With a slim input its unchanged nodes are slim: PlannedNode gives them whole.
  const tensorflow::GraphDef& planned_graph() const;
  Result<tensorflow::NodeDef> PlannedNode(int node) const;
  int num_planned_consts() const;
  int planned_const_node(int const_index) const;
  Result<Tensor> ReadValue(int const_index, formats::FileSource& source) const;

 private:
  struct State;
  explicit FreezeJob(std::unique_ptr<State> state);
  static Result<std::unique_ptr<FreezeJob>> CreateImpl(const tensorflow::GraphDef& graph,
                                                       tensorflow::GraphDef* consumable, NodeBytes node_bytes,
                                                       const Bindings* bindings,
                                                       const formats::Checkpoint* checkpoint,
                                                       const FreezeOptions& options,
                                                       std::shared_ptr<const void> keep_alive,
                                                       uint64_t max_output_bytes);
  std::unique_ptr<State> state_;
  FreezeReport report_;
};

struct Model;

// The freeze of what `model` holds (CLI, page and desktop): its meta graph's
// GraphDef, bindings and checkpoint, with the meta graph's op list as
// op_defaults. Empty output_nodes take the outputs of SavedModel signature
// `signature` ("" = serving_default, or the only one); without signatures
// that is an error listing the suggested outputs (summary.h).
Result<std::unique_ptr<FreezeJob>> PlanModelFreeze(const Model& model, FreezeOptions options,
                                                   const std::string& signature = "");
// Same, the job taking `model` (its graph's nodes move into the plan, and a
// slim graph's unchanged nodes are copied from its bytes): the CLI's freeze,
// whose memory stays near the graph's bytes plus the largest tensor.
Result<std::unique_ptr<FreezeJob>> PlanModelFreeze(std::unique_ptr<Model> model, FreezeOptions options,
                                                   const std::string& signature = "");

// Runs `job` to the end with synchronous reads from `source`, handing each
// output piece to `write`.
Status RunFreezeJob(FreezeJob& job, formats::FileSource& source,
                    const std::function<Status(std::string_view)>& write);

// The same frozen GraphDef built the ordinary way, as one protobuf message
// serialized deterministically (not streamed; tests and small graphs).
Result<std::string> FreezeInMemory(const FreezeJob& job, formats::FileSource& source);

// Cuts `slice` (one extent per dim, length -1 = whole dim) out of `full`.
Result<Tensor> SliceTensor(const Tensor& full, const std::vector<SliceExtent>& slice);

}  // namespace ckptview::graph
