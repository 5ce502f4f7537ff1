#include "graph/freeze.h"

#include <algorithm>
#include <deque>
#include <unordered_map>

#include "base/crc32c.h"
#include "formats/proto_schema.h"
#include "formats/tensor_bundle.h"

#include "graph/freeze_canonical.h"
#include "graph/graph.h"
#include "graph/model.h"
#include "graph/python_order.h"
#include "graph/summary.h"
#include "graph/tensor_proto.h"
#include "graph/wire.h"

namespace ckptview::graph {
namespace {

using tensorflow::NodeDef;

constexpr size_t kChunkBytes = 1 << 20;  // output pieces of ordinary nodes are batched to about this
constexpr uint64_t kStreamPieceBytes = kFreezePieceBytes;

// Sizes of the hand-framed Const NodeDef {name, op, attr dtype, attr value}.
uint64_t ConstNodePayload(const std::string& name, DType dtype, uint64_t tensor_size) {
  const uint64_t dtype_value = wire::TagSize(6) + wire::VarintSize(uint64_t(dtype));
  const uint64_t dtype_entry = wire::LengthDelimitedSize(1, 5) + wire::LengthDelimitedSize(2, dtype_value);
  const uint64_t value_value = wire::LengthDelimitedSize(8, tensor_size);
  const uint64_t value_entry = wire::LengthDelimitedSize(1, 5) + wire::LengthDelimitedSize(2, value_value);
  return wire::LengthDelimitedSize(1, name.size()) + wire::LengthDelimitedSize(2, 5) +
         wire::LengthDelimitedSize(5, dtype_entry) + wire::LengthDelimitedSize(5, value_entry);
}

// GraphDef field 1 framing and the NodeDef up to the start of the TensorProto
// payload (which ends the node: the value attr is the last map entry, the
// tensor the only field of its AttrValue).
void PutConstNodePrefix(std::string* out, const std::string& name, DType dtype, uint64_t tensor_size) {
  wire::PutLengthPrefix(out, 1, ConstNodePayload(name, dtype, tensor_size));
  wire::PutBytesField(out, 1, name);
  wire::PutBytesField(out, 2, "Const");
  const uint64_t dtype_value = wire::TagSize(6) + wire::VarintSize(uint64_t(dtype));
  wire::PutLengthPrefix(out, 5, wire::LengthDelimitedSize(1, 5) + wire::LengthDelimitedSize(2, dtype_value));
  wire::PutBytesField(out, 1, "dtype");
  wire::PutLengthPrefix(out, 2, dtype_value);
  wire::PutVarintField(out, 6, uint64_t(dtype));
  const uint64_t value_value = wire::LengthDelimitedSize(8, tensor_size);
  wire::PutLengthPrefix(out, 5, wire::LengthDelimitedSize(1, 5) + wire::LengthDelimitedSize(2, value_value));
  wire::PutBytesField(out, 1, "value");
  wire::PutLengthPrefix(out, 2, value_value);
  wire::PutLengthPrefix(out, 8, tensor_size);
}

// The whole NodeDef in `bytes` (node `index` of a slim graph).
Result<NodeDef> ParseWholeNode(std::string_view bytes, int index) {
  NodeDef node;
  if (!node.ParseFromArray(bytes.data(), int(bytes.size())))
    return Status::Error("node " + std::to_string(index) + " of the graph (" + std::to_string(bytes.size()) +
                         " bytes) does not parse as a NodeDef");
  return node;
}

// True when a slim graph's node, unchanged by the rewrite, can be written as
// its bytes: they are what SerializeAsPython gives (freeze_canonical.h) and
// KeptNodePrep has nothing to do (no device to clear, no default to add).
bool CopyVerbatim(std::string_view bytes, const std::string& op, const KeptNodePrep& prep,
                  const formats::ProtoMessage& node_type) {
  if (!IsCanonicalAsPython(bytes, node_type)) return false;
  const tensorflow::OpDef* defaults = prep.Defaults(op);
  if (!prep.clear_devices() && !defaults) return true;
  std::vector<std::string_view> keys;
  ByteView in(bytes);
  while (!in.empty()) {
    formats::WireRecord rec;
    if (!formats::GetWireRecord(&in, &rec)) return false;
    if (rec.number == 4 && prep.clear_devices()) return false;  // canonical: a non-empty device
    if (rec.number == 5 && defaults) {
      ByteView entry = rec.bytes;
      formats::WireRecord key;
      if (!formats::GetWireRecord(&entry, &key) || key.number != 1) return false;
      keys.push_back(key.bytes.str());
    }
  }
  if (defaults)
    for (const auto& attr : defaults->attr())
      if (attr.has_default_value() && std::find(keys.begin(), keys.end(), attr.name()) == keys.end()) return false;
  return true;
}

std::string NodeName(std::string_view n) {
  if (!n.empty() && n[0] == '^') return std::string(n.substr(1));
  return std::string(n.substr(0, n.find(':')));
}

// ---------------------------------------------------------------------------
// --initializer_nodes: the values their Assigns would give variables.

class InitializerValues {
 public:
  // `node_bytes`: a slim graph's (its Consts have no value attr).
  InitializerValues(const tensorflow::GraphDef& graph, const FreezeJob::NodeBytes& node_bytes)
      : graph_(graph), node_bytes_(node_bytes) {}

  Status Collect(const std::vector<std::string>& initializers) {
    if (initializers.empty()) return Status::Ok();
    index_.reserve(graph_.node_size());
    for (int i = 0; i < graph_.node_size(); ++i) index_.emplace(graph_.node(i).name(), i);
    std::deque<int> queue;
    std::vector<char> seen(graph_.node_size(), 0);
    for (const std::string& name : initializers) {
      auto it = index_.find(NodeName(name));
      if (it == index_.end())
        return Status::Error("initializer node \"" + name + "\" is not in the graph");
      queue.push_back(it->second);
    }
    while (!queue.empty()) {
      const int i = queue.front();
      queue.pop_front();
      if (seen[i]) continue;
      seen[i] = 1;
      const NodeDef& nd = graph_.node(i);
      if ((nd.op() == "Assign" || nd.op() == "AssignVariableOp") && nd.input_size() >= 2) {
        auto var = index_.find(NodeName(nd.input(0)));
        if (var != index_.end() && !values_.count(graph_.node(var->second).name()))
          values_.emplace(graph_.node(var->second).name(), Evaluate(nd.input(1), 0));
      }
      for (const std::string& in : nd.input()) {
        auto it = index_.find(NodeName(in));
        if (it != index_.end()) queue.push_back(it->second);
      }
    }
    return Status::Ok();
  }

  const Result<Tensor>* Find(const std::string& variable) const {
    auto it = values_.find(variable);
    return it == values_.end() ? nullptr : &it->second;
  }

 private:
  Result<Tensor> Evaluate(const std::string& input, int depth) {
    auto it = index_.find(NodeName(input));
    if (it == index_.end()) return Status::Error("initializer value \"" + input + "\" is not in the graph");
    if (depth > 32) return Status::Error("initializer value \"" + input + "\" is nested too deeply");
    const NodeDef& nd = graph_.node(it->second);
    const std::string& op = nd.op();
    if (op == "Const" && node_bytes_) {
      CKPT_ASSIGN_OR_RETURN(NodeDef whole, ParseWholeNode(node_bytes_(it->second), it->second));
      const tensorflow::AttrValue* v = FindAttr(whole, "value");
      if (!v || v->value_case() != tensorflow::AttrValue::kTensor)
        return Status::Error("Const " + nd.name() + " has no value");
      return TensorFromProto(v->tensor());
    }
    if (op == "Const") {
      const tensorflow::AttrValue* v = FindAttr(nd, "value");
      if (!v || v->value_case() != tensorflow::AttrValue::kTensor)
        return Status::Error("Const " + nd.name() + " has no value");
      return TensorFromProto(v->tensor());
    }
    if ((op == "Identity" || op == "Snapshot" || op == "StopGradient") && nd.input_size() > 0)
      return Evaluate(nd.input(0), depth + 1);
    if (op == "Fill" && nd.input_size() >= 2) {
      CKPT_ASSIGN_OR_RETURN(Tensor dims, Evaluate(nd.input(0), depth + 1));
      CKPT_ASSIGN_OR_RETURN(Tensor value, Evaluate(nd.input(1), depth + 1));
      if (value.num_elements() != 1 || value.is_string_like() || dims.shape.size() != 1)
        return Status::Error("Fill " + nd.name() + " has unsupported inputs");
      Tensor out;
      out.dtype = value.dtype;
      const int64_t rank = dims.shape[0];
      for (int64_t d = 0; d < rank; ++d) {
        int64_t v = dims.dtype == DType::kInt64 ? int64_t(DecodeFixed64Le(dims.bytes, d))
                                                 : int64_t(int32_t(DecodeFixed32Le(dims.bytes, d)));
        if (v < 0) return Status::Error("Fill " + nd.name() + " has a negative dim");
        out.shape.push_back(v);
      }
      const int64_t n = out.num_elements();
      if (n < 0 || n > (int64_t(1) << 31)) return Status::Error("Fill " + nd.name() + " is too large");
      out.bytes.reserve(n * value.bytes.size());
      for (int64_t k = 0; k < n; ++k) out.bytes += value.bytes;
      return out;
    }
    return Status::Error("cannot evaluate initializer value " + nd.name() + " (op " + op +
                         ") without running TensorFlow");
  }

  static uint32_t DecodeFixed32Le(const std::string& b, int64_t i) {
    const uint8_t* p = reinterpret_cast<const uint8_t*>(b.data()) + 4 * i;
    return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
  }
  static uint64_t DecodeFixed64Le(const std::string& b, int64_t i) {
    return uint64_t(DecodeFixed32Le(b, 2 * i)) | uint64_t(DecodeFixed32Le(b, 2 * i + 1)) << 32;
  }

  const tensorflow::GraphDef& graph_;
  const FreezeJob::NodeBytes& node_bytes_;
  std::unordered_map<std::string_view, int> index_;  // views of graph_'s node names
  std::unordered_map<std::string, Result<Tensor>> values_;
};

Shape SliceShape(const Shape& full, const std::vector<SliceExtent>& slice) {
  Shape out = full;
  for (size_t d = 0; d < slice.size() && d < out.size(); ++d)
    if (slice[d].length != -1) out[d] = slice[d].length;
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------

struct ConstPlan {
  int node = -1;
  std::string name;
  DType dtype = DType::kInvalid;
  Shape shape;            // of the value written
  bool has_inline = false;
  Tensor inline_value;    // from an initializer
  std::string key;        // checkpoint entry
  std::vector<SliceExtent> slice;
};

struct FreezeJob::State {
  RewriteResult plan;
  std::vector<ConstPlan> consts;
  std::unordered_map<int, int> const_of_node;
  const formats::Checkpoint* checkpoint = nullptr;
  uint64_t planned_bytes = 0;
  bool planned_exact = true;

  // Slim input (FreezeJob::NodeBytes): nodes with an origin are slim, written
  // from their bytes (verbatim[i]) or parsed whole and prepared.
  FreezeJob::NodeBytes node_bytes;
  std::unique_ptr<KeptNodePrep> prep;
  std::vector<char> verbatim;
  std::shared_ptr<const void> keep_alive;

  bool SlimNode(int i) const { return node_bytes && i < int(plan.origin.size()) && plan.origin[i] >= 0; }
  std::string_view BytesOf(int i) const { return node_bytes(plan.origin[i]); }
  Result<NodeDef> WholeNode(int i) const {
    if (!SlimNode(i)) return plan.graph.node(i);
    CKPT_ASSIGN_OR_RETURN(NodeDef node, ParseWholeNode(BytesOf(i), plan.origin[i]));
    prep->Apply(&node);
    return node;
  }

  // Progress.
  int next_node = 0;
  bool finished = false;
  bool failed = false;
  bool awaiting = false;
  std::optional<Tensor> value;  // of consts[const_of_node[next_node]] once read
  std::deque<std::string> queue;
  uint64_t written = 0;

  // A tensor being streamed (kStreamPieceBytes reads of one bundle entry).
  struct Stream {
    bool active = false;
    formats::ByteRange range;   // what is left to read
    uint64_t asked = 0;         // size of the pending read
    uint32_t crc = 0;           // crc32c of the bytes read so far
    uint32_t expected_crc = 0;  // unmasked entry crc
    std::string prefix;         // Const NodeDef framing and TensorProto head, before the first piece
    std::string piece;          // read, not yet handed out
    bool has_piece = false;
  } stream;

  // The read of the streamed tensor's next piece (at most kStreamPieceBytes).
  FreezeStep AskNextPiece() {
    stream.asked = std::min(stream.range.size, kStreamPieceBytes);
    awaiting = true;
    FreezeStep step;
    step.kind = FreezeStep::Kind::kRead;
    step.ranges.push_back({stream.range.path, stream.range.offset, stream.asked});
    return step;
  }

  Status Fail(Status s) {
    failed = true;
    queue.clear();
    stream = Stream();
    return s;
  }
};

namespace {

// For a frozen variable whose value is the raw bytes of one whole, little-
// endian, fixed-size V2 bundle entry (what make_tensor_proto stores as
// tensor_content): its byte range and masked crc. Otherwise false, and the
// tensor is read whole and decoded (strings, slices, V1, scalars, ...).
bool StreamableEntry(const formats::Checkpoint* checkpoint, const ConstPlan& cp, formats::ByteRange* range,
                     uint32_t* masked_crc) {
  if (!checkpoint || cp.has_inline || !cp.slice.empty()) return false;
  const auto* bundle = dynamic_cast<const formats::BundleCheckpoint*>(checkpoint);
  if (!bundle || bundle->header().big_endian) return false;
  const formats::BundleEntry* e = bundle->Entry(cp.key);
  if (!e || !e->slices.empty() || !e->slice_error.empty() || e->dtype != int(cp.dtype) || e->shape != cp.shape)
    return false;
  const int esize = DTypeSize(cp.dtype);
  const int64_t n = NumElements(cp.shape);
  if (esize <= 0 || n < 0 || !UsesTensorContent(cp.dtype, n) || e->size != uint64_t(n) * uint64_t(esize))
    return false;
  Result<std::vector<formats::ByteRange>> ranges = checkpoint->RangesFor(cp.key);
  if (!ranges.ok() || ranges->size() != 1 || (*ranges)[0].size != e->size) return false;
  *range = (*ranges)[0];
  *masked_crc = e->masked_crc32c;
  return true;
}

}  // namespace

FreezeJob::FreezeJob(std::unique_ptr<State> state) : state_(std::move(state)) {}
FreezeJob::~FreezeJob() = default;

Result<std::unique_ptr<FreezeJob>> FreezeJob::Create(const tensorflow::GraphDef& graph, const Bindings* bindings,
                                                     const formats::Checkpoint* checkpoint,
                                                     const FreezeOptions& options) {
  return Create(graph, bindings, checkpoint, options, kMaxGraphDefBytes);
}

Result<std::unique_ptr<FreezeJob>> FreezeJob::Create(const tensorflow::GraphDef& graph, const Bindings* bindings,
                                                     const formats::Checkpoint* checkpoint,
                                                     const FreezeOptions& options, uint64_t max_output_bytes) {
  return CreateImpl(graph, nullptr, nullptr, bindings, checkpoint, options, nullptr, max_output_bytes);
}

Result<std::unique_ptr<FreezeJob>> FreezeJob::Create(tensorflow::GraphDef&& graph, NodeBytes node_bytes,
                                                     const Bindings* bindings, const formats::Checkpoint* checkpoint,
                                                     const FreezeOptions& options,
                                                     std::shared_ptr<const void> keep_alive,
                                                     uint64_t max_output_bytes) {
  return CreateImpl(graph, &graph, std::move(node_bytes), bindings, checkpoint, options, std::move(keep_alive),
                    max_output_bytes);
}

Result<std::unique_ptr<FreezeJob>> FreezeJob::CreateImpl(const tensorflow::GraphDef& graph,
                                                         tensorflow::GraphDef* consumable, NodeBytes node_bytes,
                                                         const Bindings* bindings,
                                                         const formats::Checkpoint* checkpoint,
                                                         const FreezeOptions& options,
                                                         std::shared_ptr<const void> keep_alive,
                                                         uint64_t max_output_bytes) {
  auto state = std::make_unique<State>();
  state->checkpoint = checkpoint;
  state->keep_alive = std::move(keep_alive);
  state->node_bytes = std::move(node_bytes);
  state->prep = std::make_unique<KeptNodePrep>(options.clear_devices, options.op_defaults);
  const formats::ProtoMessage* node_type = TensorflowMessage("NodeDef");
  if (!node_type) return Status::Error("no schema for tensorflow.NodeDef");
  const int num_input_nodes = graph.node_size();

  InitializerValues initializers(graph, state->node_bytes);
  CKPT_RETURN_IF_ERROR(initializers.Collect(options.initializer_nodes));

  // Where each variable's value comes from, decided while the rewrite asks.
  std::unordered_map<std::string, ConstPlan> sources;
  ValueLookup lookup = [&](const NodeDef& var) -> Result<VariableValue> {
    ConstPlan cp;
    cp.name = var.name();
    cp.dtype = BaseType(AttrType(var, "dtype"));
    if (const Result<Tensor>* init = initializers.Find(var.name())) {
      if (!init->ok()) return init->status();
      if ((*init)->dtype != cp.dtype)
        return Status::Error("its initializer gives " + std::string(DTypeName((*init)->dtype)) + ", the variable is " +
                             std::string(DTypeName(cp.dtype)));
      cp.has_inline = true;
      cp.inline_value = **init;
      cp.shape = cp.inline_value.shape;
    } else {
      if (!checkpoint) return Status::Error("no checkpoint to read its value from");
      const VariableBinding* b = bindings ? bindings->Find(var.name()) : nullptr;
      if (b) {
        if (b->state != BindingState::kBound)
          return Status::Error(b->problem.empty() ? std::string(BindingStateName(b->state)) : b->problem);
        cp.key = b->key;
        cp.slice = b->slice;
      } else {
        cp.key = var.name();
      }
      const formats::VariableInfo* info = checkpoint->Find(cp.key);
      if (!info) return Status::Error("no checkpoint entry \"" + cp.key + "\"");
      if (info->dtype != cp.dtype)
        return Status::Error("the variable is " + std::string(DTypeName(cp.dtype)) + ", checkpoint entry \"" +
                             cp.key + "\" holds " + std::string(DTypeName(info->dtype)));
      cp.shape = cp.slice.empty() ? info->shape : SliceShape(info->shape, cp.slice);
    }
    VariableValue v{cp.dtype, cp.shape};
    sources[cp.name] = std::move(cp);
    return v;
  };

  RewriteOptions ro;
  ro.outputs = options.output_nodes;
  ro.clear_devices = options.clear_devices;
  ro.allowlist = options.allowlist;
  ro.denylist = options.denylist;
  ro.fix_training_ops = options.fix_training_ops;
  ro.op_defaults = options.op_defaults;
  if (state->node_bytes) {
    const NodeBytes& bytes = state->node_bytes;
    ro.whole_node = [&bytes, num_input_nodes](int i) -> Result<NodeDef> {
      if (i < 0 || i >= num_input_nodes) return Status::Error("no node " + std::to_string(i) + " in the graph");
      return ParseWholeNode(bytes(i), i);
    };
  }
  if (consumable) {
    CKPT_ASSIGN_OR_RETURN(state->plan, RewriteForFreeze(std::move(*consumable), ro, lookup));
  } else {
    CKPT_ASSIGN_OR_RETURN(state->plan, RewriteForFreeze(graph, ro, lookup));
  }

  FreezeReport report;
  const tensorflow::GraphDef& out = state->plan.graph;
  for (size_t k = 0; k < state->plan.converted.size(); ++k) {
    const int node = state->plan.converted[k];
    ConstPlan cp = sources.at(out.node(node).name());
    cp.node = node;
    report.converted.push_back(cp.name);
    if (cp.has_inline) report.from_initializers.push_back(cp.name);
    state->const_of_node.emplace(node, int(state->consts.size()));
    state->consts.push_back(std::move(cp));
  }

  // Every size before any byte.
  uint64_t total = 0;
  bool exact = true;
  if (state->node_bytes) state->verbatim.assign(out.node_size(), 0);
  for (int i = 0; i < out.node_size(); ++i) {
    auto it = state->const_of_node.find(i);
    uint64_t size;
    if (it == state->const_of_node.end() && state->SlimNode(i)) {
      const std::string_view bytes = state->BytesOf(i);
      if (CopyVerbatim(bytes, out.node(i).op(), *state->prep, *node_type)) {
        state->verbatim[i] = 1;
        ++report.verbatim_nodes;
        size = bytes.size();
      } else {
        CKPT_ASSIGN_OR_RETURN(NodeDef whole, state->WholeNode(i));
        size = whole.ByteSizeLong();
      }
    } else if (it == state->const_of_node.end()) {
      size = out.node(i).ByteSizeLong();
    } else {
      const ConstPlan& cp = state->consts[it->second];
      uint64_t tensor_size;
      if (cp.has_inline) {
        CKPT_ASSIGN_OR_RETURN(TensorProtoHead head, EncodeTensorProtoHead(cp.inline_value));
        tensor_size = head.total_size();
      } else {
        bool e = true;
        const formats::VariableInfo* info = checkpoint->Find(cp.key);
        tensor_size = TensorProtoSizeBound(cp.dtype, cp.shape, info ? info->bytes : 0, &e);
        exact = exact && e && (cp.dtype != DType::kString || cp.slice.empty());
      }
      size = ConstNodePayload(cp.name, cp.dtype, tensor_size);
    }
    total += wire::LengthDelimitedSize(1, size);
  }
  total += wire::LengthDelimitedSize(2, out.library().ByteSizeLong());
  total += wire::LengthDelimitedSize(4, out.versions().ByteSizeLong());
  if (total > max_output_bytes) {
    auto gb = [](uint64_t b) { return std::to_string(b / 1000000) + " MB"; };
    return Status::Error("the frozen graph would be " + std::string(exact ? "" : "up to ") + gb(total) +
                         ", over the " + gb(max_output_bytes + 1) +
                         " a GraphDef can hold (protobuf's 2 GB limit), so TensorFlow could not load it; "
                         "nothing was written. Freeze fewer variables (--variable_names_denylist) or keep "
                         "the weights in a checkpoint or SavedModel.");
  }
  state->planned_bytes = total;
  state->planned_exact = exact;

  report.outputs = options.output_nodes;
  report.input_nodes = state->plan.input_nodes;
  report.output_nodes = out.node_size();
  report.not_converted = state->plan.not_converted;
  report.fixed = state->plan.fixed;
  report.renamed_functions = state->plan.renamed_functions;
  report.warnings = state->plan.warnings;
  report.output_bytes = total;
  report.output_bytes_exact = exact;
  auto job = std::unique_ptr<FreezeJob>(new FreezeJob(std::move(state)));
  job->report_ = std::move(report);
  return job;
}

Result<FreezeStep> FreezeJob::Next() {
  State& s = *state_;
  if (s.failed) return Status::Error("the freeze already failed");
  if (s.awaiting) return Status::Error("freeze: Next() called before Supply() gave the bytes asked for");
  const tensorflow::GraphDef& out = s.plan.graph;
  std::string buf;
  auto write = [&](std::string bytes) {
    s.written += bytes.size();
    FreezeStep step;
    step.kind = FreezeStep::Kind::kWrite;
    step.bytes = std::move(bytes);
    return step;
  };
  if (!s.queue.empty()) {
    std::string front = std::move(s.queue.front());
    s.queue.pop_front();
    return write(std::move(front));
  }
  if (s.stream.active) {
    State::Stream& st = s.stream;
    if (st.has_piece) {
      st.has_piece = false;
      if (!st.prefix.empty()) {  // the first piece: the node's framing goes first
        s.queue.push_back(std::move(st.piece));
        std::string prefix = std::move(st.prefix);
        st.prefix.clear();
        return write(std::move(prefix));
      }
      return write(std::move(st.piece));
    }
    if (st.range.size > 0) return s.AskNextPiece();
    st = State::Stream();  // the tensor is out (its crc was checked by Supply)
    ++s.next_node;
  }
  if (s.finished) {
    if (s.planned_exact && s.written != s.planned_bytes)
      return s.Fail(Status::Error("freeze wrote " + std::to_string(s.written) + " bytes, planned " +
                                  std::to_string(s.planned_bytes) + " (internal error)"));
    return FreezeStep{};
  }
  while (s.next_node < out.node_size()) {
    auto it = s.const_of_node.find(s.next_node);
    if (it == s.const_of_node.end()) {
      if (!s.verbatim.empty() && s.verbatim[s.next_node]) {
        const std::string_view bytes = s.BytesOf(s.next_node);
        wire::PutLengthPrefix(&buf, 1, bytes.size());
        buf.append(bytes.data(), bytes.size());
        ++s.next_node;
        if (buf.size() >= kChunkBytes) return write(std::move(buf));
        continue;
      }
      Result<std::string> node = Status::Ok();
      if (s.SlimNode(s.next_node)) {
        Result<NodeDef> whole = s.WholeNode(s.next_node);
        if (!whole.ok()) return s.Fail(whole.status());
        node = SerializeAsPython(*whole, "NodeDef");
      } else {
        node = SerializeAsPython(out.node(s.next_node), "NodeDef");
      }
      if (!node.ok()) return s.Fail(node.status());
      const std::string& bytes = *node;
      wire::PutLengthPrefix(&buf, 1, bytes.size());
      buf += bytes;
      ++s.next_node;
      if (buf.size() >= kChunkBytes) return write(std::move(buf));
      continue;
    }
    const ConstPlan& cp = s.consts[it->second];
    if (!s.value) {
      if (cp.has_inline) {
        s.value = cp.inline_value;
      } else {
        formats::ByteRange range;
        uint32_t masked_crc = 0;
        if (!buf.empty()) return write(std::move(buf));
        if (StreamableEntry(s.checkpoint, cp, &range, &masked_crc)) {
          // NodeDef and TensorProto up to tensor_content's bytes (as
          // EncodeTensorProtoHead lays them out: dtype, shape, content),
          // written with the first piece; then the other pieces.
          State::Stream& st = s.stream;
          std::string head;
          wire::PutVarintField(&head, 1, uint64_t(cp.dtype));
          wire::PutBytesField(&head, 2, EncodeTensorShape(cp.shape));
          wire::PutLengthPrefix(&head, 4, range.size);
          PutConstNodePrefix(&st.prefix, cp.name, cp.dtype, head.size() + range.size);
          st.prefix += head;
          st.active = true;
          st.range = std::move(range);
          st.expected_crc = crc32c::Unmask(masked_crc);
          return s.AskNextPiece();
        }
        Result<std::vector<formats::ByteRange>> ranges = s.checkpoint->RangesFor(cp.key);
        if (!ranges.ok()) return s.Fail(ranges.status().WithContext("freezing " + cp.name));
        s.awaiting = true;
        FreezeStep step;
        step.kind = FreezeStep::Kind::kRead;
        step.ranges = std::move(ranges).value();
        return step;
      }
    }
    Tensor value = std::move(*s.value);
    s.value.reset();
    if (value.dtype != cp.dtype || value.shape != cp.shape)
      return s.Fail(Status::Error("freezing " + cp.name + ": checkpoint entry \"" + cp.key + "\" gave " +
                                  std::string(DTypeName(value.dtype)) + ShapeString(value.shape) + ", expected " +
                                  std::string(DTypeName(cp.dtype)) + ShapeString(cp.shape)));
    Result<TensorProtoHead> head = EncodeTensorProtoHead(value);
    if (!head.ok()) return s.Fail(head.status().WithContext("freezing " + cp.name));
    PutConstNodePrefix(&buf, cp.name, cp.dtype, head->total_size());
    buf += head->head;
    ++s.next_node;
    if (head->content_size) {
      s.queue.push_back(std::move(value.bytes));
      return write(std::move(buf));
    }
    if (buf.size() >= kChunkBytes) return write(std::move(buf));
  }
  Result<std::string> library = SerializeAsPython(out.library(), "FunctionDefLibrary");
  if (!library.ok()) return s.Fail(library.status());
  wire::PutBytesField(&buf, 2, *library);
  wire::PutBytesField(&buf, 4, SerializeDeterministic(out.versions()));
  s.finished = true;
  return write(std::move(buf));
}

Status FreezeJob::Supply(std::vector<std::string> chunks) {
  State& s = *state_;
  if (!s.awaiting) return s.Fail(Status::Error("freeze: Supply() called without a pending read"));
  s.awaiting = false;
  const ConstPlan& cp = s.consts[s.const_of_node.at(s.next_node)];
  if (s.stream.active) {
    State::Stream& st = s.stream;
    if (chunks.size() != 1 || chunks[0].size() != st.asked)
      return s.Fail(Status::Error("freezing " + cp.name + ": read of " + std::to_string(st.asked) + " bytes of " +
                                  st.range.path + " at offset " + std::to_string(st.range.offset) + " gave " +
                                  std::to_string(chunks.size() == 1 ? chunks[0].size() : 0) + " bytes"));
    st.crc = crc32c::Extend(st.crc, chunks[0].data(), chunks[0].size());
    st.range.offset += st.asked;
    st.range.size -= st.asked;
    if (st.range.size == 0 && st.crc != st.expected_crc)
      return s.Fail(Status::Error("freezing " + cp.name + ": checksum mismatch in checkpoint entry \"" + cp.key +
                                  "\" (" + st.range.path + "): the data file is damaged"));
    st.piece = std::move(chunks[0]);
    st.has_piece = true;
    return Status::Ok();
  }
  // The rvalue Decode takes the chunk's storage: a tensor stored whole is
  // never held twice.
  Result<Tensor> t = s.checkpoint->Decode(cp.key, std::move(chunks));
  if (!t.ok()) return s.Fail(t.status().WithContext("freezing " + cp.name));
  if (!cp.slice.empty()) {
    Result<Tensor> sliced = SliceTensor(*t, cp.slice);
    if (!sliced.ok()) return s.Fail(sliced.status().WithContext("freezing " + cp.name));
    s.value = std::move(sliced).value();
  } else {
    s.value = std::move(t).value();
  }
  return Status::Ok();
}

const tensorflow::GraphDef& FreezeJob::planned_graph() const { return state_->plan.graph; }
Result<NodeDef> FreezeJob::PlannedNode(int node) const {
  if (node < 0 || node >= state_->plan.graph.node_size()) return Status::Error("no planned node " + std::to_string(node));
  return state_->WholeNode(node);
}
int FreezeJob::num_planned_consts() const { return int(state_->consts.size()); }
int FreezeJob::planned_const_node(int const_index) const { return state_->consts[const_index].node; }

Result<Tensor> FreezeJob::ReadValue(int const_index, formats::FileSource& source) const {
  const ConstPlan& cp = state_->consts[const_index];
  if (cp.has_inline) return cp.inline_value;
  CKPT_ASSIGN_OR_RETURN(Tensor t, state_->checkpoint->Read(cp.key, source));
  if (!cp.slice.empty()) return SliceTensor(t, cp.slice);
  return t;
}

namespace {

// PlanModelFreeze's outputs (given, or the signature's) and op defaults.
Status ResolveModelFreeze(const Model& model, FreezeOptions* options_out, const std::string& signature) {
  FreezeOptions& options = *options_out;
  const tensorflow::MetaGraphDef* meta = model.meta_graph();
  if (!model.graph_file || !meta)
    return Status::Error("no graph to freeze" + (model.checkpoint ? " (found checkpoint " + model.checkpoint->prefix() +
                                                                        " but no .meta or graph file next to it)"
                                                                  : std::string()));
  if (options.output_nodes.empty()) {
    const bool has_signatures = !meta->signature_def().empty();
    Result<std::vector<std::string>> sig =
        has_signatures ? SignatureOutputNodes(*meta, signature) : Status::Error("no signatures");
    if (sig.ok() && !sig->empty()) {
      options.output_nodes = std::move(sig).value();
    } else {
      std::unique_ptr<Graph> built;  // Model::graph is null when opened with keep_graph = false
      const Graph* g = model.graph.get();
      if (!g) {
        Result<Graph> b = Graph::Build(&meta->graph_def());
        if (b.ok()) built = std::make_unique<Graph>(std::move(b).value());
        g = built.get();
      }
      const std::vector<std::string> suggested = g ? SuggestOutputs(*g, meta) : std::vector<std::string>();
      std::string list;
      for (size_t i = 0; i < suggested.size() && i < 10; ++i) list += (i ? "," : "") + suggested[i];
      if (suggested.size() > 10) list += ",...";
      return Status::Error("no --output_node_names given" +
                           (has_signatures ? " (" + sig.status().message() + ")" : std::string()) +
                           (list.empty() ? std::string() : "; suggested: --output_node_names=" + list));
    }
  } else if (!signature.empty()) {
    return Status::Error("give --output_node_names or --signature, not both");
  }
  if (meta->has_meta_info_def() && meta->meta_info_def().has_stripped_op_list())
    options.op_defaults = &meta->meta_info_def().stripped_op_list();
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<FreezeJob>> PlanModelFreeze(const Model& model, FreezeOptions options,
                                                   const std::string& signature) {
  CKPT_RETURN_IF_ERROR(ResolveModelFreeze(model, &options, signature));
  const tensorflow::MetaGraphDef* meta = model.meta_graph();
  if (!model.graph_file->slim(model.meta_graph_index))
    return FreezeJob::Create(meta->graph_def(), &model.bindings, model.checkpoint.get(), options);
  // A slim graph read-only: a copy of its nodes, written from its bytes.
  const GraphFile* file = model.graph_file.get();
  const int index = model.meta_graph_index;
  return FreezeJob::Create(tensorflow::GraphDef(meta->graph_def()),
                           [file, index](int i) { return file->NodeBytes(index, i); }, &model.bindings,
                           model.checkpoint.get(), options);
}

Result<std::unique_ptr<FreezeJob>> PlanModelFreeze(std::unique_ptr<Model> owned, FreezeOptions options,
                                                   const std::string& signature) {
  if (!owned) return Status::Error("no model to freeze");
  std::shared_ptr<Model> model = std::move(owned);
  CKPT_RETURN_IF_ERROR(ResolveModelFreeze(*model, &options, signature));
  GraphFile* file = model->graph_file.get();
  const int index = model->meta_graph_index;
  model->graph.reset();  // the viewer's index points into the nodes about to move
  FreezeJob::NodeBytes node_bytes;
  if (file->slim(index)) node_bytes = [file, index](int i) { return file->NodeBytes(index, i); };
  return FreezeJob::Create(std::move(*file->meta_graphs[index].mutable_graph_def()), std::move(node_bytes),
                           &model->bindings, model->checkpoint.get(), options, model);
}

Status RunFreezeJob(FreezeJob& job, formats::FileSource& source,
                    const std::function<Status(std::string_view)>& write) {
  // Streamed tensors go through one buffer: read into it, handed to Supply,
  // back as the kWrite step's bytes, and reused for the next read (ReadRange
  // resizes it in place, so pieces are neither reallocated nor zero-filled).
  std::string spare;
  while (true) {
    CKPT_ASSIGN_OR_RETURN(FreezeStep step, job.Next());
    switch (step.kind) {
      case FreezeStep::Kind::kDone:
        return Status::Ok();
      case FreezeStep::Kind::kWrite:
        CKPT_RETURN_IF_ERROR(write(step.bytes));
        if (step.bytes.capacity() >= kStreamPieceBytes && step.bytes.capacity() <= 2 * kStreamPieceBytes)
          spare = std::move(step.bytes);
        break;
      case FreezeStep::Kind::kRead: {
        std::vector<std::string> chunks(step.ranges.size());
        for (size_t i = 0; i < step.ranges.size(); ++i) {
          const formats::ByteRange& r = step.ranges[i];
          if (i == 0 && r.size <= spare.capacity()) chunks[0] = std::move(spare);
          CKPT_RETURN_IF_ERROR(source.ReadRange(r.path, r.offset, r.size, &chunks[i]));
        }
        CKPT_RETURN_IF_ERROR(job.Supply(std::move(chunks)));
        break;
      }
    }
  }
}

Result<std::string> FreezeInMemory(const FreezeJob& job, formats::FileSource& source) {
  tensorflow::GraphDef graph = job.planned_graph();
  for (int i = 0; i < graph.node_size(); ++i) {
    CKPT_ASSIGN_OR_RETURN(NodeDef whole, job.PlannedNode(i));
    graph.mutable_node(i)->Swap(&whole);
  }
  for (int k = 0; k < job.num_planned_consts(); ++k) {
    NodeDef* node = graph.mutable_node(job.planned_const_node(k));
    CKPT_ASSIGN_OR_RETURN(Tensor value, job.ReadValue(k, source));
    CKPT_ASSIGN_OR_RETURN(tensorflow::TensorProto proto, MakeTensorProto(value));
    (*node->mutable_attr())["value"].mutable_tensor()->Swap(&proto);
  }
  if (graph.ByteSizeLong() > kMaxGraphDefBytes) return Status::Error("frozen graph over 2 GB");
  return SerializeAsPython(graph, "GraphDef");
}

Result<Tensor> SliceTensor(const Tensor& full, const std::vector<SliceExtent>& slice) {
  if (slice.size() != full.shape.size())
    return Status::Error("slice of rank " + std::to_string(slice.size()) + " for a tensor of shape " +
                         ShapeString(full.shape));
  Tensor out;
  out.dtype = full.dtype;
  const size_t rank = full.shape.size();
  std::vector<int64_t> start(rank);
  for (size_t d = 0; d < rank; ++d) {
    const SliceExtent& e = slice[d];
    const int64_t len = e.length == -1 ? full.shape[d] : e.length;
    if (e.start < 0 || len < 0 || e.start + len > full.shape[d] || (e.length == -1 && e.start != 0))
      return Status::Error("slice " + std::to_string(e.start) + "," + std::to_string(e.length) + " is outside dim " +
                           std::to_string(d) + " of " + ShapeString(full.shape));
    start[d] = e.start;
    out.shape.push_back(len);
  }
  const int64_t n = out.num_elements();
  const bool strings = full.is_string_like();
  const int esize = DTypeSize(full.dtype);
  if (strings) out.strings.reserve(n);
  else out.bytes.reserve(n * esize);
  if (n == 0) return out;
  // Row-major strides of the full tensor; copy runs along the last dim.
  std::vector<int64_t> stride(rank, 1);
  for (size_t d = rank; d-- > 1;) stride[d - 1] = stride[d] * full.shape[d];
  const int64_t run = rank ? out.shape[rank - 1] : 1;
  std::vector<int64_t> idx(rank, 0);  // position within the slice, last dim kept at 0
  while (true) {
    int64_t offset = 0;
    for (size_t d = 0; d < rank; ++d) offset += (start[d] + idx[d]) * stride[d];
    if (strings) {
      for (int64_t k = 0; k < run; ++k) out.strings.push_back(full.strings[offset + k]);
    } else {
      out.bytes.append(full.bytes, offset * esize, run * esize);
    }
    // Next run: increment dims before the last.
    size_t d = rank >= 1 ? rank - 1 : 0;
    while (d-- > 0) {
      if (++idx[d] < out.shape[d]) break;
      idx[d] = 0;
    }
    if (d == size_t(-1) || rank <= 1) break;
  }
  return out;
}

}  // namespace ckptview::graph
