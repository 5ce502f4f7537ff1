#include "graph/layout_input.h"

#include <algorithm>

namespace ckptview::graph {

layout::LayoutInput LayoutInputFromGraph(const Graph& graph) {
  layout::LayoutInput input;
  input.nodes.reserve(graph.num_nodes());
  for (int i = 0; i < graph.num_nodes(); ++i) {
    const std::string& name = graph.name(i);
    layout::LayoutNode n;
    n.id = name;
    n.scope = layout::ScopeOf(name);
    n.op = graph.op(i);
    // Wide enough for the last name part or the op, at ~7 px a character.
    const size_t label = std::max(name.size() - (n.scope.empty() ? 0 : n.scope.size() + 1), n.op.size());
    n.width = std::clamp(float(label) * 7.f + 16.f, 40.f, 240.f);
    input.nodes.push_back(std::move(n));
  }
  for (int i = 0; i < graph.num_nodes(); ++i) {
    for (const Graph::Input& in : graph.node(i).inputs) {
      if (in.node < 0) continue;  // unresolved input: reported by Graph
      layout::LayoutEdge e;
      e.src = in.node;
      e.dst = i;
      e.is_control = in.control;
      input.edges.push_back(e);
    }
  }
  return input;
}

}  // namespace ckptview::graph
