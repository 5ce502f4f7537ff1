// LayoutInputFromGraph: a Graph's nodes and edges as the layout engine's
// input (graph/layout): one box per node sized by its short name, edges from
// every resolved input (control inputs marked), scopes from the names.
#pragma once

#include "graph/graph.h"
#include "graph/layout/layout_types.h"

namespace ckptview::graph {

layout::LayoutInput LayoutInputFromGraph(const Graph& graph);

}  // namespace ckptview::graph
