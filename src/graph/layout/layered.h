// Layered (Sugiyama) layout of one flat graph: the interior of one group.
//
// Phases, each near-linear in items + edges + bend points (dummies):
//   1. cycles       reverse hinted back edges, then DFS back edges
//   2. layering     longest path from the sinks, then passes that move each
//                   item within its slack toward its heavier side (a greedy
//                   step of network simplex's objective, O(E) per pass);
//                   on small graphs network simplex itself, pivots capped
//      bundles     long edges into the same item (min_bundle or more)
//                   share one trunk of bend points, joining it in the layer
//                   below their source: one line to cross and one bend point
//                   per layer instead of one per edge; routes keep a point
//                   where an edge joins, so the edges of a bundle draw the
//                   same segments below it
//   3. ordering     DFS initial order, barycenter sweeps (a bounded number,
//                   stop after some without gain), adjacent swaps on small
//                   layers; crossings counted by Barth–Jünger–Mutzel
//   4. coordinates  Brandes–Köpf: 4 alignments, block-graph compaction (two
//                   longest-path passes, as dagre does instead of the original
//                   class shifts), balanced by the median of the 4
//   5. routing      polylines through bend points: vertical inside a layer's
//                   band, straight across the gaps, so no route enters a box
//
// Edges leaving the group enter and leave through "ports": an in-port sits
// on the top border (layer 0) above everything, an out-port on the bottom
// border, and the route between port and item is laid out like any edge.
#pragma once

#include <cstdint>
#include <vector>

#include "graph/layout/layout_types.h"

namespace ckptview::graph::layout {

// Polylines stored flat: route i is points[offsets[i], offsets[i + 1]).
struct RouteSet {
  std::vector<uint32_t> offsets{0};
  std::vector<Point> points;

  size_t size() const { return offsets.size() - 1; }
  const Point* begin(size_t i) const { return points.data() + offsets[i]; }
  uint32_t count(size_t i) const { return offsets[i + 1] - offsets[i]; }
  void Close() { offsets.push_back(static_cast<uint32_t>(points.size())); }
};

struct LayeredGraph {
  struct Item {
    float w = 0, h = 0;   // the box the layout keeps clear
    // The box edges attach to, relative to the centre of the kept box (it is
    // smaller when hub stubs sit beside the node).
    float attach_dx = 0, attach_w = 0, attach_h = 0;
  };
  struct Edge {
    int32_t src = 0, dst = 0;  // item indices; multi-edges and self loops allowed
    bool back_hint = false;
  };
  std::vector<Item> items;
  std::vector<Edge> edges;
  std::vector<int32_t> in_ports;   // items with edges from outside, distinct
  std::vector<int32_t> out_ports;  // items with edges to outside, distinct
};

struct LayeredParams {
  float node_sep = 20, edge_sep = 10, rank_sep = 40;
  int32_t max_order_sweeps = 24;
  int32_t order_sweeps_without_gain = 4;
  int32_t layering_passes = 4;
  int32_t simplex_max_items = 200;  // network simplex after longest path, 8 items up to this
  int32_t simplex_max_pivots = 2000;
  int32_t transpose_max_layer = 200;
  // Long edges into the same item, this many or more, share one trunk of
  // bend points (a bundle), joining it in the layer below their source;
  // 0 turns bundles off.
  int32_t min_bundle = 4;
  // Graphs with fewer items + edges + ports are not timed (LayeredTimes stay
  // 0): the clock reads would cost more than laying them out.
  int32_t min_timed_size = 64;
};

struct LayeredTimes {  // milliseconds; 0 below LayeredParams::min_timed_size
  double cycles = 0, layering = 0, ordering = 0, coordinates = 0, routing = 0;
};

struct LayeredLayout {
  std::vector<Point> centers;  // per item; the content box is [0,width]×[0,height]
  std::vector<int32_t> layer;  // per item
  float width = 0, height = 0;
  RouteSet edge_routes;      // per LayeredGraph::edges entry, src border → dst border
  std::vector<uint8_t> edge_reversed;  // per edge: drawn upward
  RouteSet in_port_routes;   // per in_ports entry: (x, 0) → the item's top
  RouteSet out_port_routes;  // per out_ports entry: the item's bottom → (x, height)
  int32_t num_layers = 0;
  int64_t dummies = 0;
  int64_t crossings = 0;
  LayeredTimes times;
};

LayeredLayout LayOutLayered(const LayeredGraph& graph, const LayeredParams& params);

}  // namespace ckptview::graph::layout
