// GraphConstants: the Const nodes of a graph, listed and read like a
// checkpoint's variables. A frozen GraphDef keeps its weights in Const nodes,
// so this is how a lone frozen `.pb` shows its values in the variables table
// and the value view (formats::CheckpointFormat::kGraphConstants).
//
// Keys are node names; values are decoded from the node's `value` attr as
// TensorFlow does (graph/tensor_proto.h). The graph is already in memory, so
// RangesFor is empty (as for V1 checkpoints) and reads need no file access.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>

#include "base/status.h"
#include "formats/checkpoint.h"
#include "graph.pb.h"

namespace ckptview::graph {

class GraphConstants : public formats::Checkpoint {
 public:
  // Lists every Const node of `graph` holding a tensor value; null if there is
  // none. `graph` must outlive the result. `label` names the graph in errors.
  static std::unique_ptr<GraphConstants> Open(const tensorflow::GraphDef& graph, const std::string& label);

  Result<std::vector<formats::ByteRange>> RangesFor(std::string_view key) const override;

 protected:
  Result<Tensor> DecodeChunks(std::string_view key, std::vector<std::string>& chunks,
                              const std::vector<uint32_t>* raw_crcs) const override;

 private:
  std::unordered_map<std::string, const tensorflow::TensorProto*> values_;
};

}  // namespace ckptview::graph
