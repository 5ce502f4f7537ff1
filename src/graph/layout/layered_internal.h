// The proper layered graph shared by the phases of layered.cc: every edge is
// cut into segments between adjacent layers by bend ("dummy") nodes.
// ordering.cc orders the layers, coordinates.cc places them.
//
// Most groups are small, so a layout is dominated by allocation unless
// buffers are reused: every array here keeps its capacity from one layout
// to the next (one ProperGraph and scratch set per thread).
#pragma once

#include <cstdint>
#include <vector>

#include "graph/layout/layered.h"

namespace ckptview::graph::layout::internal {

enum NodeKind : uint8_t { kItemNode, kPortNode, kDummyNode };

struct ProperGraph {
  // Per node: items first, then ports, then dummies.
  std::vector<int32_t> layer;
  std::vector<float> width;
  std::vector<uint8_t> kind;
  // Per segment: its node in layer l and its node in layer l + 1.
  std::vector<int32_t> seg_top, seg_bottom;
  // Per node, CSR: the segments below it and above it. After ordering they
  // are sorted by the position of their other end (SortAdjacency).
  std::vector<int32_t> down_offset, down_segs;
  std::vector<int32_t> up_offset, up_segs;
  // The order, flat: layer l is order[layer_offset[l], layer_offset[l + 1]);
  // pos is each node's index within its layer.
  std::vector<int32_t> order;
  std::vector<int32_t> layer_offset;
  std::vector<int32_t> pos;
  std::vector<int32_t> fill;  // scratch

  int32_t num_nodes() const { return static_cast<int32_t>(layer.size()); }
  int32_t num_layers() const { return static_cast<int32_t>(layer_offset.size()) - 1; }
  int32_t layer_size(int32_t l) const { return layer_offset[l + 1] - layer_offset[l]; }
  int32_t* layer_begin(int32_t l) { return order.data() + layer_offset[l]; }
  const int32_t* layer_begin(int32_t l) const { return order.data() + layer_offset[l]; }
  const int32_t* down_begin(int32_t v) const { return down_segs.data() + down_offset[v]; }
  const int32_t* down_end(int32_t v) const { return down_segs.data() + down_offset[v + 1]; }
  const int32_t* up_begin(int32_t v) const { return up_segs.data() + up_offset[v]; }
  const int32_t* up_end(int32_t v) const { return up_segs.data() + up_offset[v + 1]; }

  // Empties everything, keeping capacity.
  void Clear();
  // Fills the CSR arrays from seg_top/seg_bottom (segments in id order) and
  // sizes the layers from `layer`.
  void BuildAdjacency(int32_t num_layers);
  // Sorts every node's segments by the position of their other end.
  void SortAdjacency();
  void UpdatePositions();
};

// Network simplex on a connected graph with a feasible ranking (every edge
// at least one rank long): minimises Σ weight · length, at most max_pivots
// exchanges. Returns the pivots made. network_simplex.cc.
struct SimplexEdge {
  int32_t src, dst, weight;
};
int32_t NetworkSimplex(int32_t n, const std::vector<SimplexEdge>& edges, std::vector<int32_t>* rank,
                       int32_t max_pivots);

// Orders the layers: DFS start, barycenter sweeps, adjacent swaps; keeps
// the best order seen. Returns its crossing count.
int64_t OrderLayers(ProperGraph& g, const LayeredParams& params);
int64_t CountCrossings(const ProperGraph& g);

// Brandes–Köpf x coordinates (node centres), smallest left edge at 0, into
// `x`. Needs SortAdjacency().
void AssignX(const ProperGraph& g, const LayeredParams& params, std::vector<float>* x);

}  // namespace ckptview::graph::layout::internal
