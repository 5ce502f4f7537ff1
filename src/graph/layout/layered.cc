// Layered layout of one flat graph: cycles, layering, dummies, routing.
// Ordering is in ordering.cc, x coordinates in coordinates.cc.
#include "graph/layout/layered.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "graph/layout/layered_internal.h"

namespace ckptview::graph::layout {
namespace {

using internal::kDummyNode;
using internal::kItemNode;
using internal::kPortNode;
using internal::ProperGraph;

// Times the phases of one layout, or does nothing for small graphs: a clock
// read costs ~0.1 us natively and ~0.2 us in wasm (a call out to JS), more
// than a phase of a small group takes, and fully expanded graphs have
// thousands of small groups.
class PhaseClock {
 public:
  explicit PhaseClock(bool on) : on_(on) {
    if (on_) t0_ = std::chrono::steady_clock::now();
  }
  // Milliseconds since construction or the previous Lap; 0 when off.
  double Lap() {
    if (!on_) return 0;
    const auto t = std::chrono::steady_clock::now();
    const double ms = std::chrono::duration<double, std::milli>(t - t0_).count();
    t0_ = t;
    return ms;
  }
 private:
  bool on_;
  std::chrono::steady_clock::time_point t0_;
};

// Per original edge: the orientation used for layering.
struct Oriented {
  int32_t top = 0, bottom = 0;  // items; top gets the smaller layer
  bool reversed = false;
  bool self_loop = false;
};

struct Pair {
  int32_t top, bottom;
  bool operator<(const Pair& b) const { return top != b.top ? top < b.top : bottom < b.bottom; }
  bool operator==(const Pair& b) const { return top == b.top && bottom == b.bottom; }
};

// An edge's path through the layers: top, the bend nodes
// path[path_begin, path_end), bottom; first_seg leaves top, last_seg enters
// bottom. The chains of a bundle share the trunk's bend nodes and segments.
struct Chain {
  int32_t top, bottom;
  int32_t path_begin, path_end;
  int32_t first_seg, last_seg;
};

// Buffers reused from one layout to the next (see layered_internal.h).
struct Workspace {
  std::vector<Chain> chains;
  std::vector<Oriented> oriented;
  std::vector<int32_t> off, in_deg, adj, fill, start, next, stack, flip;
  std::vector<uint8_t> state;
  std::vector<Pair> pairs;
  std::vector<uint8_t> has_in, has_out;
  std::vector<int32_t> out_off, in_off, succ, pred, indeg, order, height, layer, remap, rank;
  std::vector<internal::SimplexEdge> simplex_edges;
  ProperGraph g;
  std::vector<float> x, band_top, band_h, attach_top_x, attach_bottom_x;
  std::vector<int32_t> path;
  std::vector<uint8_t> pair_back;
  std::vector<int32_t> bundle_lo, bundle_count, bundle_first, bundle_last_seg;
  std::vector<Point> pts;
  std::vector<uint8_t> keep;
};

Workspace& GetWorkspace() {
  static thread_local Workspace ws;
  return ws;
}

// Phase 1: hinted back edges are reversed, then every edge that DFS finds
// pointing to a node on its stack. Reversing all DFS back edges of a graph
// leaves it acyclic. Into ws.oriented.
void BreakCycles(const LayeredGraph& graph, Workspace& ws) {
  const int32_t n = static_cast<int32_t>(graph.items.size());
  const size_t m = graph.edges.size();
  auto& o = ws.oriented;
  o.assign(m, Oriented{});
  auto& off = ws.off;
  auto& in_deg = ws.in_deg;
  off.assign(n + 1, 0);
  in_deg.assign(n, 0);
  for (size_t e = 0; e < m; ++e) {
    const auto& edge = graph.edges[e];
    o[e].self_loop = edge.src == edge.dst;
    o[e].reversed = edge.back_hint && !o[e].self_loop;
    o[e].top = o[e].reversed ? edge.dst : edge.src;
    o[e].bottom = o[e].reversed ? edge.src : edge.dst;
    if (o[e].self_loop) continue;
    ++off[o[e].top + 1];
    ++in_deg[o[e].bottom];
  }
  for (int32_t v = 0; v < n; ++v) off[v + 1] += off[v];
  auto& adj = ws.adj;
  adj.resize(off[n]);
  ws.fill.assign(off.begin(), off.end() - 1);
  for (size_t e = 0; e < m; ++e) {
    if (!o[e].self_loop) adj[ws.fill[o[e].top]++] = static_cast<int32_t>(e);
  }
  auto& start = ws.start;
  start.clear();
  for (int32_t v = 0; v < n; ++v) {
    if (in_deg[v] == 0) start.push_back(v);
  }
  for (int32_t v = 0; v < n; ++v) {
    if (in_deg[v] != 0) start.push_back(v);
  }
  auto& state = ws.state;  // 0 new, 1 on stack, 2 done
  state.assign(n, 0);
  auto& next = ws.next;
  next.assign(n, 0);
  auto& stack = ws.stack;
  auto& flip = ws.flip;
  stack.clear();
  flip.clear();
  for (int32_t s : start) {
    if (state[s]) continue;
    state[s] = 1;
    next[s] = off[s];
    stack.push_back(s);
    while (!stack.empty()) {
      int32_t v = stack.back();
      if (next[v] == off[v + 1]) {
        state[v] = 2;
        stack.pop_back();
        continue;
      }
      int32_t e = adj[next[v]++];
      int32_t w = o[e].bottom;
      if (state[w] == 1) {
        flip.push_back(e);
      } else if (state[w] == 0) {
        state[w] = 1;
        next[w] = off[w];
        stack.push_back(w);
      }
    }
  }
  for (int32_t e : flip) {
    std::swap(o[e].top, o[e].bottom);
    o[e].reversed = !o[e].reversed;
  }
}

// Phase 2: layers of the items of an acyclic graph given as distinct pairs
// (ws.pairs, ports in ws.has_in/has_out), into ws.layer.
void AssignLayers(int32_t n, int passes, int32_t simplex_max_items, int32_t simplex_max_pivots,
                  Workspace& ws) {
  const auto& pairs = ws.pairs;
  const auto& has_in_port = ws.has_in;
  const auto& has_out_port = ws.has_out;
  auto& out_off = ws.out_off;
  auto& in_off = ws.in_off;
  out_off.assign(n + 1, 0);
  in_off.assign(n + 1, 0);
  for (const Pair& p : pairs) {
    ++out_off[p.top + 1];
    ++in_off[p.bottom + 1];
  }
  for (int32_t v = 0; v < n; ++v) {
    out_off[v + 1] += out_off[v];
    in_off[v + 1] += in_off[v];
  }
  auto& succ = ws.succ;
  auto& pred = ws.pred;
  succ.resize(pairs.size());
  pred.resize(pairs.size());
  ws.fill.assign(out_off.begin(), out_off.end() - 1);
  for (const Pair& p : pairs) succ[ws.fill[p.top]++] = p.bottom;
  ws.fill.assign(in_off.begin(), in_off.end() - 1);
  for (const Pair& p : pairs) pred[ws.fill[p.bottom]++] = p.top;
  // Topological order (Kahn), then height above the sinks.
  auto& indeg = ws.indeg;
  auto& order = ws.order;
  indeg.resize(n);
  order.clear();
  for (int32_t v = 0; v < n; ++v) {
    indeg[v] = in_off[v + 1] - in_off[v];
    if (indeg[v] == 0) order.push_back(v);
  }
  for (size_t i = 0; i < order.size(); ++i) {
    int32_t v = order[i];
    for (int32_t k = out_off[v]; k < out_off[v + 1]; ++k) {
      if (--indeg[succ[k]] == 0) order.push_back(succ[k]);
    }
  }
  auto& height = ws.height;
  height.assign(n, 0);
  int32_t max_height = 0;
  for (size_t i = order.size(); i-- > 0;) {
    int32_t v = order[i];
    for (int32_t k = out_off[v]; k < out_off[v + 1]; ++k) height[v] = std::max(height[v], height[succ[k]] + 1);
    max_height = std::max(max_height, height[v]);
  }
  auto& layer = ws.layer;
  layer.resize(n);
  for (int32_t v = 0; v < n; ++v) {
    bool isolated = out_off[v] == out_off[v + 1] && in_off[v] == in_off[v + 1];
    layer[v] = isolated && !has_out_port[v] ? 0 : max_height - height[v];
  }
  // Improvement: each item moves within [max pred + 1, min succ - 1] toward
  // the side with more edges (ports count as edges to the borders), which
  // shortens edges; a coordinate-descent step on Σ edge spans.
  const int32_t kNone = -1;
  for (int pass = 0; pass < passes; ++pass) {
    bool moved = false;
    int32_t top_layer = 0, bottom_layer = 0;
    for (int32_t v = 0; v < n; ++v) bottom_layer = std::max(bottom_layer, layer[v]);
    for (size_t i = 0; i < order.size(); ++i) {
      int32_t v = order[(pass % 2) == 0 ? i : order.size() - 1 - i];
      int32_t w_in = (in_off[v + 1] - in_off[v]) + has_in_port[v];
      int32_t w_out = (out_off[v + 1] - out_off[v]) + has_out_port[v];
      if (w_in == w_out) continue;
      int32_t lo = kNone, hi = kNone;
      for (int32_t k = in_off[v]; k < in_off[v + 1]; ++k) lo = std::max(lo, layer[pred[k]] + 1);
      if (lo == kNone && has_in_port[v]) lo = top_layer;
      for (int32_t k = out_off[v]; k < out_off[v + 1]; ++k) {
        hi = hi == kNone ? layer[succ[k]] - 1 : std::min(hi, layer[succ[k]] - 1);
      }
      if (hi == kNone && has_out_port[v]) hi = bottom_layer;
      int32_t target = w_in > w_out ? lo : hi;
      if (target == kNone || target == layer[v]) continue;
      layer[v] = target;
      moved = true;
    }
    if (!moved) break;
  }
  // Small graphs: network simplex from there, with virtual nodes above and
  // below everything standing for the ports' borders.
  if (n >= 8 && n <= simplex_max_items) {  // tiny groups: the passes above suffice
    auto& edges = ws.simplex_edges;
    auto& rank = ws.rank;
    edges.clear();
    for (const Pair& p : pairs) edges.push_back({p.top, p.bottom, 1});
    const int32_t top = n, bottom = n + 1;
    int32_t max_layer = 0;
    for (int32_t v = 0; v < n; ++v) max_layer = std::max(max_layer, layer[v]);
    for (int32_t v = 0; v < n; ++v) {
      edges.push_back({top, v, has_in_port[v]});
      edges.push_back({v, bottom, has_out_port[v]});
    }
    rank.assign(layer.begin(), layer.end());
    rank.push_back(-1);
    rank.push_back(max_layer + 1);
    NetworkSimplex(n + 2, edges, &rank, simplex_max_pivots);
    for (int32_t v = 0; v < n; ++v) {
      bool isolated = out_off[v] == out_off[v + 1] && in_off[v] == in_off[v + 1] && !has_in_port[v] &&
                      !has_out_port[v];
      layer[v] = isolated ? 0 : rank[v] - rank[top] - 1;
    }
  }
  // Drop empty layers (keeps order, shortens spans).
  int32_t max_layer = 0;
  for (int32_t v = 0; v < n; ++v) max_layer = std::max(max_layer, layer[v]);
  auto& remap = ws.remap;
  remap.assign(max_layer + 1, 0);
  for (int32_t v = 0; v < n; ++v) remap[layer[v]] = 1;
  int32_t next = 0;
  for (int32_t& r : remap) r = r ? next++ : -1;
  for (int32_t v = 0; v < n; ++v) layer[v] = remap[layer[v]];
}

// Drops repeated points and the middle one of straight runs, except points
// flagged in `keep` (where a bundle's edges join its trunk: the stretches
// between them are then the same segments for every edge of the bundle).
void Simplify(std::vector<Point>& pts, std::vector<uint8_t>& keep) {
  size_t k = 0;
  for (size_t i = 0; i < pts.size(); ++i) {
    const Point& p = pts[i];
    if (k > 0 && std::fabs(pts[k - 1].x - p.x) < 1e-3f && std::fabs(pts[k - 1].y - p.y) < 1e-3f) {
      keep[k - 1] = keep[k - 1] | keep[i];
      continue;
    }
    if (k >= 2 && !keep[k - 1]) {
      const Point& a = pts[k - 2];
      const Point& b = pts[k - 1];
      float cross = (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x);
      bool between = (b.x - a.x) * (p.x - b.x) >= 0 && (b.y - a.y) * (p.y - b.y) >= 0;
      if (std::fabs(cross) < 1e-2f && between) {
        pts[k - 1] = p;
        keep[k - 1] = keep[i];
        continue;
      }
    }
    keep[k] = keep[i];
    pts[k++] = p;
  }
  pts.resize(k);
  keep.resize(k);
}

}  // namespace

LayeredLayout LayOutLayered(const LayeredGraph& graph, const LayeredParams& params) {
  LayeredLayout out;
  const int32_t n = static_cast<int32_t>(graph.items.size());
  const size_t m = graph.edges.size();
  out.centers.assign(n, Point{});
  out.layer.assign(n, 0);
  out.edge_reversed.assign(m, 0);
  if (n == 0) return out;

  Workspace& ws = GetWorkspace();
  PhaseClock clock(static_cast<int64_t>(n) + static_cast<int64_t>(m) + static_cast<int64_t>(graph.in_ports.size()) +
                       static_cast<int64_t>(graph.out_ports.size()) >=
                   params.min_timed_size);
  // 1. Cycles.
  BreakCycles(graph, ws);
  const std::vector<Oriented>& oriented = ws.oriented;
  out.times.cycles = clock.Lap();

  // 2. Layering, on distinct pairs.
  auto& pairs = ws.pairs;
  pairs.clear();
  for (size_t e = 0; e < m; ++e) {
    out.edge_reversed[e] = oriented[e].reversed;
    if (!oriented[e].self_loop) pairs.push_back({oriented[e].top, oriented[e].bottom});
  }
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  ws.has_in.assign(n, 0);
  ws.has_out.assign(n, 0);
  for (int32_t v : graph.in_ports) ws.has_in[v] = 1;
  for (int32_t v : graph.out_ports) ws.has_out[v] = 1;
  AssignLayers(n, params.layering_passes, params.simplex_max_items, params.simplex_max_pivots, ws);
  const std::vector<int32_t>& item_layer = ws.layer;
  out.times.layering = clock.Lap();

  // 3. The proper graph: ports, dummies, segments; then the order.
  ProperGraph& g = ws.g;
  g.Clear();
  const int32_t num_in = static_cast<int32_t>(graph.in_ports.size());
  const int32_t num_out = static_cast<int32_t>(graph.out_ports.size());
  const int32_t shift = num_in > 0 ? 1 : 0;
  int32_t max_item_layer = 0;
  for (int32_t v = 0; v < n; ++v) max_item_layer = std::max(max_item_layer, item_layer[v] + shift);
  const int32_t out_layer = max_item_layer + 1;
  const int32_t num_layers = num_out > 0 ? out_layer + 1 : max_item_layer + 1;
  g.layer.reserve(n + num_in + num_out);
  for (int32_t v = 0; v < n; ++v) {
    g.layer.push_back(item_layer[v] + shift);
    g.width.push_back(graph.items[v].w);
    g.kind.push_back(kItemNode);
  }
  for (int32_t i = 0; i < num_in + num_out; ++i) {
    g.layer.push_back(i < num_in ? 0 : out_layer);
    g.width.push_back(0);
    g.kind.push_back(kPortNode);
  }
  const int32_t num_fixed = g.num_nodes();
  // Chains: one per distinct pair, then one per port. Long edges (two
  // layers or more) into the same item, min_bundle of them or more, form a
  // bundle: they join one trunk of bend nodes in the layer below their
  // source and share it down to the item. A trunk is one line to cross
  // instead of one per edge, and one bend node per layer instead of one per
  // edge: without them, the bundles of a training graph (every forward
  // layer feeds the gradients, the optimizer and the saver) cost crossings
  // and time quadratic in the depth of the model. Smaller bundles are left
  // alone: a trunk ties its edges to one slot per layer, which costs about
  // what it saves when they are few.
  std::vector<Chain>& chains = ws.chains;
  std::vector<int32_t>& path = ws.path;
  chains.clear();
  path.clear();
  auto new_dummy = [&](int32_t l) {
    int32_t d = g.num_nodes();
    g.layer.push_back(l);
    g.width.push_back(0);
    g.kind.push_back(kDummyNode);
    return d;
  };
  auto new_seg = [&](int32_t a, int32_t b) {
    g.seg_top.push_back(a);
    g.seg_bottom.push_back(b);
    return static_cast<int32_t>(g.seg_top.size()) - 1;
  };
  auto add_chain = [&](int32_t top, int32_t bottom) {
    Chain c{top, bottom, static_cast<int32_t>(path.size()), 0, -1, -1};
    int32_t prev = top;
    for (int32_t l = g.layer[top] + 1; l < g.layer[bottom]; ++l) {
      int32_t d = new_dummy(l);
      int32_t s = new_seg(prev, d);
      if (c.first_seg < 0) c.first_seg = s;
      path.push_back(d);
      prev = d;
    }
    c.last_seg = new_seg(prev, bottom);
    if (c.first_seg < 0) c.first_seg = c.last_seg;
    c.path_end = static_cast<int32_t>(path.size());
    chains.push_back(c);
  };
  // Per item: the highest layer its trunk needs a node in, how many long
  // edges end there, the trunk's first node and its segment into the item.
  auto& lo = ws.bundle_lo;
  auto& count = ws.bundle_count;
  auto& first = ws.bundle_first;
  auto& last_seg = ws.bundle_last_seg;
  lo.assign(n, 0);
  count.assign(n, 0);
  first.assign(n, -1);
  last_seg.assign(n, -1);
  // Pairs holding a reversed edge stay out of bundles: a trunk carries edges
  // of one direction only.
  auto& pair_back = ws.pair_back;
  pair_back.assign(pairs.size(), 0);
  for (size_t e = 0; e < m; ++e) {
    if (!oriented[e].reversed || oriented[e].self_loop) continue;
    size_t c = std::lower_bound(pairs.begin(), pairs.end(), Pair{oriented[e].top, oriented[e].bottom}) - pairs.begin();
    pair_back[c] = 1;
  }
  auto note_fan_in = [&](int32_t top, int32_t bottom) {
    if (g.layer[bottom] - g.layer[top] < 2) return;
    int32_t l = g.layer[top] + 1;
    lo[bottom] = count[bottom] == 0 ? l : std::min(lo[bottom], l);
    ++count[bottom];
  };
  if (params.min_bundle > 0) {
    for (size_t c = 0; c < pairs.size(); ++c) {
      if (!pair_back[c]) note_fan_in(pairs[c].top, pairs[c].bottom);
    }
  }
  auto add_fan_in = [&](int32_t top, int32_t bottom) {
    const int32_t tb = g.layer[bottom];
    if (tb - g.layer[top] < 2 || count[bottom] < std::max(2, params.min_bundle)) {
      add_chain(top, bottom);
      return;
    }
    if (first[bottom] < 0) {  // the trunk: lo[bottom] .. layer above bottom
      int32_t prev = -1;
      for (int32_t l = lo[bottom]; l < tb; ++l) {
        int32_t d = new_dummy(l);
        if (prev >= 0) new_seg(prev, d);
        if (first[bottom] < 0) first[bottom] = d;
        prev = d;
      }
      last_seg[bottom] = new_seg(prev, bottom);
    }
    const int32_t join = first[bottom] + (g.layer[top] + 1 - lo[bottom]);
    Chain c{top, bottom, static_cast<int32_t>(path.size()), 0, new_seg(top, join), last_seg[bottom]};
    for (int32_t d = join; d < first[bottom] + (tb - lo[bottom]); ++d) path.push_back(d);
    c.path_end = static_cast<int32_t>(path.size());
    chains.push_back(c);
  };
  for (size_t c = 0; c < pairs.size(); ++c) {
    if (pair_back[c]) {
      add_chain(pairs[c].top, pairs[c].bottom);
    } else {
      add_fan_in(pairs[c].top, pairs[c].bottom);
    }
  }
  for (int32_t i = 0; i < num_in; ++i) add_chain(n + i, graph.in_ports[i]);
  for (int32_t i = 0; i < num_out; ++i) add_chain(graph.out_ports[i], n + num_in + i);
  out.dummies = g.num_nodes() - num_fixed;
  out.num_layers = num_layers;
  g.BuildAdjacency(num_layers);
  out.times.layering += clock.Lap();

  out.crossings = internal::OrderLayers(g, params);
  g.SortAdjacency();
  out.times.ordering = clock.Lap();

  // 4. Coordinates: x by Brandes–Köpf, y by layer bands.
  std::vector<float>& x = ws.x;
  internal::AssignX(g, params, &x);
  std::vector<float>& band_top = ws.band_top;
  std::vector<float>& band_h = ws.band_h;
  band_top.resize(num_layers);
  band_h.assign(num_layers, 0.0f);
  for (int32_t v = 0; v < n; ++v) band_h[g.layer[v]] = std::max(band_h[g.layer[v]], graph.items[v].h);
  float y = 0;
  for (int32_t l = 0; l < num_layers; ++l) {
    band_top[l] = y;
    y += band_h[l] + (l + 1 < num_layers ? params.rank_sep : 0.0f);
  }
  out.height = y;
  float width = 0;
  for (int32_t v = 0; v < g.num_nodes(); ++v) width = std::max(width, x[v] + 0.5f * g.width[v]);
  out.width = width;
  for (int32_t v = 0; v < n; ++v) {
    out.centers[v] = {x[v], band_top[g.layer[v]] + 0.5f * band_h[g.layer[v]]};
    out.layer[v] = g.layer[v];
  }
  out.times.coordinates = clock.Lap();

  // 5. Routes. Where a segment meets an item: spread over the attach box in
  // the order of the segments' other ends (so they do not cross there).
  const size_t num_segs = g.seg_top.size();
  std::vector<float>& attach_top_x = ws.attach_top_x;
  std::vector<float>& attach_bottom_x = ws.attach_bottom_x;
  attach_top_x.resize(num_segs);
  attach_bottom_x.resize(num_segs);
  for (int32_t v = 0; v < g.num_nodes(); ++v) {
    const bool item = v < n;
    const float cx = x[v] + (item ? graph.items[v].attach_dx : 0.0f);
    const float span = item ? 0.8f * graph.items[v].attach_w : 0.0f;
    int32_t k = g.down_offset[v + 1] - g.down_offset[v];
    for (int32_t i = 0; i < k; ++i) {
      attach_top_x[g.down_segs[g.down_offset[v] + i]] = cx + (k > 1 ? span * ((i + 0.5f) / k - 0.5f) : 0.0f);
    }
    k = g.up_offset[v + 1] - g.up_offset[v];
    for (int32_t i = 0; i < k; ++i) {
      attach_bottom_x[g.up_segs[g.up_offset[v] + i]] = cx + (k > 1 ? span * ((i + 0.5f) / k - 0.5f) : 0.0f);
    }
  }
  std::vector<Point>& pts = ws.pts;
  std::vector<uint8_t>& keep = ws.keep;
  auto route_chain = [&](size_t c) {
    pts.clear();
    keep.clear();
    const Chain& ch = chains[c];
    const int32_t top = ch.top, bottom = ch.bottom;
    if (top < n) {
      float ax = attach_top_x[ch.first_seg];
      float ah = graph.items[top].attach_h;
      int32_t l = g.layer[top];
      pts.push_back({ax, out.centers[top].y + 0.5f * ah});
      pts.push_back({ax, band_top[l] + band_h[l]});
    } else {
      pts.push_back({x[top], 0.0f});
    }
    keep.resize(pts.size(), 0);
    // Bend nodes. Where edges join a trunk (several segments above), the
    // point stays, so that every edge of the bundle has the same segments
    // from there on.
    for (int32_t i = ch.path_begin; i < ch.path_end; ++i) {
      int32_t d = path[i];
      int32_t l = g.layer[d];
      pts.push_back({x[d], band_top[l]});
      keep.push_back(g.up_offset[d + 1] - g.up_offset[d] > 1);
      pts.push_back({x[d], band_top[l] + band_h[l]});
      keep.push_back(0);
    }
    if (bottom < n) {
      float ax = attach_bottom_x[ch.last_seg];
      float ah = graph.items[bottom].attach_h;
      int32_t l = g.layer[bottom];
      pts.push_back({ax, band_top[l]});
      pts.push_back({ax, out.centers[bottom].y - 0.5f * ah});
    } else {
      pts.push_back({x[bottom], out.height});
    }
    keep.resize(pts.size(), 0);
    Simplify(pts, keep);
  };
  auto emit = [](RouteSet& rs, const std::vector<Point>& p, bool reverse) {
    if (reverse) {
      rs.points.insert(rs.points.end(), p.rbegin(), p.rend());
    } else {
      rs.points.insert(rs.points.end(), p.begin(), p.end());
    }
    rs.Close();
  };
  // Edges share the chain of their (oriented) pair.
  for (size_t e = 0; e < m; ++e) {
    const Oriented& o = oriented[e];
    if (o.self_loop) {
      const auto& it = graph.items[o.top];
      Point c = out.centers[o.top];
      float xr = c.x + it.attach_dx + 0.5f * it.attach_w;
      float loop = std::min(8.0f, 0.5f * params.node_sep);
      pts = {{xr, c.y - 0.25f * it.attach_h},
             {xr + loop, c.y - 0.25f * it.attach_h},
             {xr + loop, c.y + 0.25f * it.attach_h},
             {xr, c.y + 0.25f * it.attach_h}};
      emit(out.edge_routes, pts, false);
      continue;
    }
    size_t c = std::lower_bound(pairs.begin(), pairs.end(), Pair{o.top, o.bottom}) - pairs.begin();
    route_chain(c);
    emit(out.edge_routes, pts, o.reversed);
  }
  for (int32_t i = 0; i < num_in; ++i) {
    route_chain(pairs.size() + i);
    emit(out.in_port_routes, pts, false);
  }
  for (int32_t i = 0; i < num_out; ++i) {
    route_chain(pairs.size() + num_in + i);
    emit(out.out_port_routes, pts, false);
  }
  out.times.routing = clock.Lap();
  return out;
}

}  // namespace ckptview::graph::layout
