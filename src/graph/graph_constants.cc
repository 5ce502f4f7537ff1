#include "graph/graph_constants.h"

#include "graph/tensor_proto.h"

namespace ckptview::graph {
namespace {

// Shape and stored size from the proto alone (no decoding while listing).
// Unknown or negative dims make the shape empty; reading the value then
// reports the problem.
formats::VariableInfo InfoOf(const std::string& name, const tensorflow::TensorProto& t) {
  formats::VariableInfo v;
  v.key = name;
  v.dtype = BaseType(t.dtype());
  for (const auto& d : t.tensor_shape().dim()) v.shape.push_back(d.size());
  v.bytes = t.ByteSizeLong();
  return v;
}

}  // namespace

std::unique_ptr<GraphConstants> GraphConstants::Open(const tensorflow::GraphDef& graph,
                                                     const std::string& label) {
  auto constants = std::unique_ptr<GraphConstants>(new GraphConstants());
  for (const auto& node : graph.node()) {
    if (node.op() != "Const") continue;
    auto it = node.attr().find("value");
    if (it == node.attr().end() || !it->second.has_tensor()) continue;
    if (!constants->values_.emplace(node.name(), &it->second.tensor()).second) continue;
    constants->variables_.push_back(InfoOf(node.name(), it->second.tensor()));
  }
  if (constants->variables_.empty()) return nullptr;
  constants->format_ = formats::CheckpointFormat::kGraphConstants;
  constants->prefix_ = label;
  constants->FinishVariables();
  for (auto& v : constants->variables_) v.optimizer_slot = false;  // a Const is never a slot
  return constants;
}

Result<std::vector<formats::ByteRange>> GraphConstants::RangesFor(std::string_view key) const {
  if (!values_.count(std::string(key)))
    return Status::Error(prefix_ + ": no Const node '" + std::string(key) + "'");
  return std::vector<formats::ByteRange>{};
}

Result<Tensor> GraphConstants::DecodeChunks(std::string_view key, std::vector<std::string>& /*chunks*/,
                                            const std::vector<uint32_t>* /*raw_crcs*/) const {
  auto it = values_.find(std::string(key));
  if (it == values_.end()) return Status::Error(prefix_ + ": no Const node '" + std::string(key) + "'");
  auto tensor = TensorFromProto(*it->second);
  if (!tensor.ok()) return tensor.status().WithContext(prefix_ + ": Const " + std::string(key));
  return tensor;
}

}  // namespace ckptview::graph
