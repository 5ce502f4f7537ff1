// Crossing reduction for the layered layout (layered.h, phase 3).
//
// Work per sweep is O(S log S) for S segments; the number of sweeps is
// bounded (LayeredParams), so big groups cost a few passes, never a search.
#include <algorithm>

#include "graph/layout/layered_internal.h"

namespace ckptview::graph::layout::internal {

void ProperGraph::Clear() {
  layer.clear();
  width.clear();
  kind.clear();
  seg_top.clear();
  seg_bottom.clear();
  order.clear();
  layer_offset.clear();
}

void ProperGraph::BuildAdjacency(int32_t layers) {
  const int32_t n = num_nodes();
  const size_t segs = seg_top.size();
  down_offset.assign(n + 1, 0);
  up_offset.assign(n + 1, 0);
  for (size_t s = 0; s < segs; ++s) {
    ++down_offset[seg_top[s] + 1];
    ++up_offset[seg_bottom[s] + 1];
  }
  for (int32_t v = 0; v < n; ++v) {
    down_offset[v + 1] += down_offset[v];
    up_offset[v + 1] += up_offset[v];
  }
  down_segs.resize(segs);
  up_segs.resize(segs);
  fill.assign(down_offset.begin(), down_offset.end() - 1);
  for (size_t s = 0; s < segs; ++s) down_segs[fill[seg_top[s]]++] = static_cast<int32_t>(s);
  fill.assign(up_offset.begin(), up_offset.end() - 1);
  for (size_t s = 0; s < segs; ++s) up_segs[fill[seg_bottom[s]]++] = static_cast<int32_t>(s);
  layer_offset.assign(layers + 1, 0);
  for (int32_t v = 0; v < n; ++v) ++layer_offset[layer[v] + 1];
  for (int32_t l = 0; l < layers; ++l) layer_offset[l + 1] += layer_offset[l];
  order.assign(n, -1);
}

void ProperGraph::UpdatePositions() {
  pos.resize(num_nodes());
  for (int32_t l = 0; l < num_layers(); ++l) {
    const int32_t* b = layer_begin(l);
    for (int32_t i = 0; i < layer_size(l); ++i) pos[b[i]] = i;
  }
}

void ProperGraph::SortAdjacency() {
  const int32_t n = num_nodes();
  for (int32_t v = 0; v < n; ++v) {
    if (down_offset[v + 1] - down_offset[v] > 1) {
      std::sort(down_segs.begin() + down_offset[v], down_segs.begin() + down_offset[v + 1],
                [&](int32_t a, int32_t b) {
                  int32_t pa = pos[seg_bottom[a]], pb = pos[seg_bottom[b]];
                  return pa != pb ? pa < pb : a < b;
                });
    }
    if (up_offset[v + 1] - up_offset[v] > 1) {
      std::sort(up_segs.begin() + up_offset[v], up_segs.begin() + up_offset[v + 1],
                [&](int32_t a, int32_t b) {
                  int32_t pa = pos[seg_top[a]], pb = pos[seg_top[b]];
                  return pa != pb ? pa < pb : a < b;
                });
    }
  }
}

namespace {

struct Scratch {
  std::vector<int32_t> seq, tree;                  // crossing count
  std::vector<int32_t> start, stack;               // initial order
  std::vector<uint8_t> seen;
  std::vector<std::pair<double, int32_t>> keyed;   // sweeps
  std::vector<uint8_t> has_key;
  std::vector<int32_t> out;
  std::vector<int32_t> best;
  std::vector<int32_t> nb_off, nb_pos;             // transpose: neighbour positions per slot
};

Scratch& GetScratch() {
  static thread_local Scratch scratch;
  return scratch;
}

// Inversions between layer l and l + 1 (Barth, Jünger, Mutzel 2002, with a
// Fenwick tree as the accumulator).
int64_t CountPair(const ProperGraph& g, int32_t l, Scratch& sc) {
  const int32_t* north = g.layer_begin(l);
  const int32_t north_n = g.layer_size(l);
  const int32_t south_n = g.layer_size(l + 1);
  auto& seq = sc.seq;
  seq.clear();
  for (int32_t i = 0; i < north_n; ++i) {
    int32_t u = north[i];
    size_t start = seq.size();
    for (const int32_t* s = g.down_begin(u); s != g.down_end(u); ++s) seq.push_back(g.pos[g.seg_bottom[*s]]);
    if (seq.size() - start > 1) std::sort(seq.begin() + start, seq.end());
  }
  if (seq.size() < 2) return 0;
  auto& tree = sc.tree;
  tree.assign(south_n + 1, 0);
  int64_t crossings = 0, inserted = 0;
  for (int32_t x : seq) {
    int64_t le = 0;  // inserted values <= x; the others cross
    for (int32_t i = x + 1; i > 0; i -= i & -i) le += tree[i];
    crossings += inserted - le;
    for (int32_t i = x + 1; i <= south_n; i += i & -i) ++tree[i];
    ++inserted;
  }
  return crossings;
}

int64_t Count(const ProperGraph& g, Scratch& sc) {
  int64_t total = 0;
  for (int32_t l = 0; l + 1 < g.num_layers(); ++l) total += CountPair(g, l, sc);
  return total;
}

// Depth-first from the top layer's nodes in id order (items first: model
// order), each node appended to its layer when first seen.
void InitialOrder(ProperGraph& g, Scratch& sc) {
  const int32_t n = g.num_nodes();
  sc.start.resize(n);
  {
    // Nodes by layer, then id: a counting sort.
    g.fill.assign(g.layer_offset.begin(), g.layer_offset.end() - 1);
    for (int32_t v = 0; v < n; ++v) sc.start[g.fill[g.layer[v]]++] = v;
  }
  g.fill.assign(g.layer_offset.begin(), g.layer_offset.end() - 1);
  sc.seen.assign(n, 0);
  auto& stack = sc.stack;
  for (int32_t root : sc.start) {
    if (sc.seen[root]) continue;
    stack.push_back(root);
    while (!stack.empty()) {
      int32_t v = stack.back();
      stack.pop_back();
      if (sc.seen[v]) continue;
      sc.seen[v] = 1;
      g.order[g.fill[g.layer[v]]++] = v;
      for (const int32_t* s = g.down_end(v); s != g.down_begin(v);) {
        int32_t w = g.seg_bottom[*--s];
        if (!sc.seen[w]) stack.push_back(w);
      }
    }
  }
  g.UpdatePositions();
}

// Reorders layer l by the barycenters of its neighbours in the layer above
// (use_up) or below. Nodes without such neighbours keep their slots.
void SweepLayer(ProperGraph& g, int32_t l, bool use_up, bool bias_right, Scratch& sc) {
  int32_t* layer = g.layer_begin(l);
  const int32_t n = g.layer_size(l);
  if (n < 2) return;
  sc.keyed.clear();
  sc.has_key.assign(n, 0);
  for (int32_t i = 0; i < n; ++i) {
    int32_t v = layer[i];
    int64_t sum = 0;
    int32_t cnt = 0;
    if (use_up) {
      for (const int32_t* s = g.up_begin(v); s != g.up_end(v); ++s, ++cnt) sum += g.pos[g.seg_top[*s]];
    } else {
      for (const int32_t* s = g.down_begin(v); s != g.down_end(v); ++s, ++cnt) sum += g.pos[g.seg_bottom[*s]];
    }
    if (cnt > 0) {
      sc.keyed.emplace_back(static_cast<double>(sum) / cnt, i);
      sc.has_key[i] = 1;
    }
  }
  if (bias_right) {
    std::sort(sc.keyed.begin(), sc.keyed.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first < b.first : a.second > b.second;
    });
  } else {
    std::sort(sc.keyed.begin(), sc.keyed.end());
  }
  sc.out.resize(n);
  size_t k = 0;
  for (int32_t i = 0; i < n; ++i) sc.out[i] = sc.has_key[i] ? layer[sc.keyed[k++].second] : layer[i];
  for (int32_t i = 0; i < n; ++i) {
    layer[i] = sc.out[i];
    g.pos[layer[i]] = i;
  }
}

// Crossings among the segments of u and v towards one neighbour layer when u
// is left of v (*uv) and when v is left of u (*vu), from the sorted
// positions of their neighbours there.
void PairCrossings(const int32_t* a, int32_t na, const int32_t* b, int32_t nb, int64_t* uv, int64_t* vu) {
  int64_t greater = 0, less = 0;
  for (int32_t i = 0, j = 0; i < na; ++i) {
    while (j < nb && b[j] < a[i]) ++j;
    greater += j;
  }
  for (int32_t i = 0, j = 0; i < nb; ++i) {
    while (j < na && a[j] < b[i]) ++j;
    less += j;
  }
  *uv = greater;
  *vu = less;
}

// Adjacent swaps on layers of at most max_size nodes while they remove
// crossings with both neighbour layers (dot's transpose). Bounded passes.
void Transpose(ProperGraph& g, int32_t max_size, Scratch& sc) {
  for (int32_t l = 0; l < g.num_layers(); ++l) {
    int32_t* layer = g.layer_begin(l);
    const int32_t n = g.layer_size(l);
    if (n < 2 || n > max_size) continue;
    // Per node of the layer (by its current slot, fixed while we swap the
    // slot numbers along): sorted positions of its neighbours above, then
    // below. The neighbour layers do not change here.
    auto& off = sc.nb_off;
    auto& nb = sc.nb_pos;
    off.assign(2 * n + 1, 0);
    nb.clear();
    sc.out.resize(n);  // slot → node's block index
    for (int32_t i = 0; i < n; ++i) {
      int32_t v = layer[i];
      sc.out[i] = i;
      size_t s0 = nb.size();
      for (const int32_t* s = g.up_begin(v); s != g.up_end(v); ++s) nb.push_back(g.pos[g.seg_top[*s]]);
      std::sort(nb.begin() + s0, nb.end());
      off[2 * i + 1] = static_cast<int32_t>(nb.size());
      size_t s1 = nb.size();
      for (const int32_t* s = g.down_begin(v); s != g.down_end(v); ++s) nb.push_back(g.pos[g.seg_bottom[*s]]);
      std::sort(nb.begin() + s1, nb.end());
      off[2 * i + 2] = static_cast<int32_t>(nb.size());
    }
    auto up = [&](int32_t blk, const int32_t** p, int32_t* k) {
      *p = nb.data() + off[2 * blk];
      *k = off[2 * blk + 1] - off[2 * blk];
    };
    auto down = [&](int32_t blk, const int32_t** p, int32_t* k) {
      *p = nb.data() + off[2 * blk + 1];
      *k = off[2 * blk + 2] - off[2 * blk + 1];
    };
    bool any = false;
    for (int pass = 0; pass < 4; ++pass) {
      bool improved = false;
      for (int32_t i = 0; i + 1 < n; ++i) {
        const int32_t* a;
        const int32_t* b;
        int32_t na, nb2;
        int64_t uv1, vu1, uv2, vu2;
        up(sc.out[i], &a, &na);
        up(sc.out[i + 1], &b, &nb2);
        PairCrossings(a, na, b, nb2, &uv1, &vu1);
        down(sc.out[i], &a, &na);
        down(sc.out[i + 1], &b, &nb2);
        PairCrossings(a, na, b, nb2, &uv2, &vu2);
        if (vu1 + vu2 < uv1 + uv2) {
          std::swap(layer[i], layer[i + 1]);
          std::swap(sc.out[i], sc.out[i + 1]);
          improved = any = true;
        }
      }
      if (!improved) break;
    }
    if (any) {
      for (int32_t i = 0; i < n; ++i) g.pos[layer[i]] = i;
    }
  }
}

}  // namespace

int64_t CountCrossings(const ProperGraph& g) { return Count(g, GetScratch()); }

int64_t OrderLayers(ProperGraph& g, const LayeredParams& params) {
  Scratch& sc = GetScratch();
  InitialOrder(g, sc);
  int64_t best = Count(g, sc);
  const int32_t num_layers = g.num_layers();
  if (best == 0 || num_layers < 2) return best;
  sc.best.assign(g.order.begin(), g.order.end());
  int without_gain = 0;
  for (int i = 0; i < params.max_order_sweeps && without_gain < params.order_sweeps_without_gain; ++i) {
    const bool down = (i % 2) == 1;
    const bool bias_right = (i % 4) >= 2;
    if (down) {
      for (int32_t l = 1; l < num_layers; ++l) SweepLayer(g, l, /*use_up=*/true, bias_right, sc);
    } else {
      for (int32_t l = num_layers - 1; l-- > 0;) SweepLayer(g, l, /*use_up=*/false, bias_right, sc);
    }
    if (params.transpose_max_layer > 0) Transpose(g, params.transpose_max_layer, sc);
    int64_t c = Count(g, sc);
    if (c < best) {
      best = c;
      sc.best.assign(g.order.begin(), g.order.end());
      without_gain = 0;
      if (best == 0) break;
    } else {
      ++without_gain;
    }
  }
  g.order.assign(sc.best.begin(), sc.best.end());
  g.UpdatePositions();
  return best;
}

}  // namespace ckptview::graph::layout::internal
