// The panels beside the graph canvas: breadcrumb of opened function bodies,
// toolbar (fit, colours), search (regex over names and ops, hits, next and
// previous) and the selected node's inspector (op, device, attributes,
// output shapes, inputs and outputs as links, function bodies, the bound
// checkpoint variable). Actions that reach beyond the view (loading values)
// come back as a GraphPanelRequest for the App to run.
#pragma once

#include <string>
#include <vector>

#include "graph/model.h"
#include "tensor.pb.h"

namespace ckptview::app {

class GraphView;

struct GraphPanelRequest {
  std::string load_variable;  // checkpoint key to load into the value view
  const tensorflow::TensorProto* tensor = nullptr;  // a tensor attr to show in the value view
  std::string tensor_label;   // "node.attr"
};

// Text of an attr value as TF prints it, shortened ("[2,3]", "float32",
// "\"SAME\"", "tensor<float32 [3,3]>", lists with at most 8 items).
std::string FormatAttr(const tensorflow::AttrValue& value);
// "_output_shapes" of a node, one "[?,3]" per output; empty if absent.
std::vector<std::string> OutputShapes(const tensorflow::NodeDef& node);

// `model` supplies the variable bindings of level 0 (may be null).
GraphPanelRequest DrawGraphSidePanel(GraphView& view, const graph::Model* model);

}  // namespace ckptview::app
