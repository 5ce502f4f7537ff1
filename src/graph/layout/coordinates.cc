// Brandes–Köpf horizontal coordinates for the layered layout (layered.h,
// phase 4), O(nodes + segments) per alignment.
//
// Follows "Fast and Simple Horizontal Coordinate Assignment" (Brandes and
// Köpf, GD 2001): type-1 conflicts (an outer segment crossing an inner,
// dummy–dummy one) are marked, then for each of the four directions nodes
// are aligned with their median neighbour into vertical blocks. Blocks are
// compacted by longest path over a "block graph" (an edge between blocks of
// neighbouring nodes, weighted by their separation) and then pulled toward
// their right neighbours, as dagre does; this sidesteps the class-shift step
// whose original form is wrong (erratum, arXiv 2008.01252). The result is
// the mean of the two median candidates of the four, which keeps every pair
// of neighbours at least their separation apart (order statistics are
// monotone), so boxes in a layer never overlap.
#include <algorithm>
#include <limits>

#include "graph/layout/layered_internal.h"

namespace ckptview::graph::layout::internal {
namespace {

void MarkType1Conflicts(const ProperGraph& g, std::vector<uint8_t>& conflict) {
  conflict.assign(g.seg_top.size(), 0);
  for (int32_t l = 1; l < g.num_layers(); ++l) {
    const int32_t* layer = g.layer_begin(l);
    const int32_t size = g.layer_size(l);
    const int32_t prev_size = g.layer_size(l - 1);
    int32_t k0 = 0;
    int32_t scan = 0;
    for (int32_t i = 0; i < size; ++i) {
      int32_t v = layer[i];
      int32_t inner = -1;  // upper end of an inner segment ending at v
      if (g.kind[v] == kDummyNode) {
        for (const int32_t* s = g.up_begin(v); s != g.up_end(v); ++s) {
          if (g.kind[g.seg_top[*s]] == kDummyNode) inner = g.seg_top[*s];
        }
      }
      if (inner < 0 && i + 1 != size) continue;
      int32_t k1 = inner >= 0 ? g.pos[inner] : prev_size;
      for (int32_t j = scan; j <= i; ++j) {
        int32_t w = layer[j];
        for (const int32_t* s = g.up_begin(w); s != g.up_end(w); ++s) {
          int32_t u = g.seg_top[*s];
          int32_t upos = g.pos[u];
          if ((upos < k0 || k1 < upos) && !(g.kind[u] == kDummyNode && g.kind[w] == kDummyNode)) {
            conflict[*s] = 1;
          }
        }
      }
      scan = i + 1;
      k0 = k1;
    }
  }
}

float Spacing(const ProperGraph& g, int32_t v, const LayeredParams& p) {
  return g.kind[v] == kItemNode ? p.node_sep : p.edge_sep;
}

float Separation(const ProperGraph& g, int32_t u, int32_t v, const LayeredParams& p) {
  return 0.5f * (g.width[u] + g.width[v]) + 0.5f * (Spacing(g, u, p) + Spacing(g, v, p));
}

struct Scratch {
  std::vector<uint8_t> conflict;
  std::vector<int32_t> root, align;
  std::vector<int32_t> src, dst, out_off, in_deg, out_edges, fill, order;
  std::vector<float> sep, xs;
  std::vector<float> x[4];
};

Scratch& GetScratch() {
  static thread_local Scratch scratch;
  return scratch;
}

// One of the four alignments: vertical direction (from_top: align with upper
// neighbours, layers top to bottom) and horizontal (from_left). Into `x`.
void AlignAndCompact(const ProperGraph& g, bool from_top, bool from_left, const LayeredParams& p,
                     Scratch& sc, std::vector<float>& x) {
  const int32_t n = g.num_nodes();
  const int32_t num_layers = g.num_layers();
  auto& root = sc.root;
  auto& align = sc.align;
  root.resize(n);
  align.resize(n);
  for (int32_t v = 0; v < n; ++v) root[v] = align[v] = v;
  auto view_pos = [&](int32_t w) { return from_left ? g.pos[w] : g.layer_size(g.layer[w]) - 1 - g.pos[w]; };
  for (int32_t li = 0; li < num_layers; ++li) {
    const int32_t l = from_top ? li : num_layers - 1 - li;
    const int32_t* layer = g.layer_begin(l);
    const int32_t size = g.layer_size(l);
    int32_t r = -1;
    for (int32_t k = 0; k < size; ++k) {
      int32_t v = layer[from_left ? k : size - 1 - k];
      const int32_t* begin = from_top ? g.up_begin(v) : g.down_begin(v);
      const int32_t d = static_cast<int32_t>((from_top ? g.up_end(v) : g.down_end(v)) - begin);
      if (d == 0) continue;
      const int32_t lo = (d - 1) / 2, hi = d / 2;
      for (int32_t m = lo; m <= hi; ++m) {
        if (align[v] != v) break;
        int32_t seg = begin[from_left ? m : d - 1 - m];
        int32_t w = from_top ? g.seg_top[seg] : g.seg_bottom[seg];
        int32_t wp = view_pos(w);
        if (!sc.conflict[seg] && r < wp) {
          align[w] = v;
          root[v] = root[w];
          align[v] = root[v];
          r = wp;
        }
      }
    }
  }

  // Block graph: an edge root(u) → root(v) for neighbours u, v (u first in
  // the view's left-to-right order). CSR by source.
  auto& src = sc.src;
  auto& dst = sc.dst;
  auto& sep = sc.sep;
  src.clear();
  dst.clear();
  sep.clear();
  for (int32_t l = 0; l < num_layers; ++l) {
    const int32_t* layer = g.layer_begin(l);
    const int32_t size = g.layer_size(l);
    for (int32_t k = 1; k < size; ++k) {
      int32_t u = layer[from_left ? k - 1 : size - k];
      int32_t v = layer[from_left ? k : size - 1 - k];
      src.push_back(root[u]);
      dst.push_back(root[v]);
      sep.push_back(Separation(g, u, v, p));
    }
  }
  const size_t m = src.size();
  auto& out_off = sc.out_off;
  auto& in_deg = sc.in_deg;
  out_off.assign(n + 1, 0);
  in_deg.assign(n, 0);
  for (size_t e = 0; e < m; ++e) {
    ++out_off[src[e] + 1];
    ++in_deg[dst[e]];
  }
  for (int32_t v = 0; v < n; ++v) out_off[v + 1] += out_off[v];
  auto& out_edges = sc.out_edges;
  out_edges.resize(m);
  sc.fill.assign(out_off.begin(), out_off.end() - 1);
  for (size_t e = 0; e < m; ++e) out_edges[sc.fill[src[e]]++] = static_cast<int32_t>(e);
  // Topological order of the roots (Kahn); the block graph is acyclic.
  auto& order = sc.order;
  order.clear();
  for (int32_t v = 0; v < n; ++v) {
    if (root[v] == v && in_deg[v] == 0) order.push_back(v);
  }
  for (size_t i = 0; i < order.size(); ++i) {
    int32_t b = order[i];
    for (int32_t k = out_off[b]; k < out_off[b + 1]; ++k) {
      int32_t t = dst[out_edges[k]];
      if (--in_deg[t] == 0) order.push_back(t);
    }
  }
  auto& xs = sc.xs;
  xs.assign(n, 0.0f);
  for (int32_t b : order) {  // pass 1: smallest coordinates
    for (int32_t k = out_off[b]; k < out_off[b + 1]; ++k) {
      int32_t e = out_edges[k];
      xs[dst[e]] = std::max(xs[dst[e]], xs[b] + sep[e]);
    }
  }
  for (size_t i = order.size(); i-- > 0;) {  // pass 2: pull toward right neighbours
    int32_t b = order[i];
    if (out_off[b] == out_off[b + 1]) continue;
    float lim = std::numeric_limits<float>::infinity();
    for (int32_t k = out_off[b]; k < out_off[b + 1]; ++k) {
      int32_t e = out_edges[k];
      lim = std::min(lim, xs[dst[e]] - sep[e]);
    }
    xs[b] = std::max(xs[b], lim);
  }
  x.resize(n);
  for (int32_t v = 0; v < n; ++v) x[v] = from_left ? xs[root[v]] : -xs[root[v]];
}

}  // namespace

void AssignX(const ProperGraph& g, const LayeredParams& p, std::vector<float>* out) {
  const int32_t n = g.num_nodes();
  out->resize(n);
  if (n == 0) return;
  Scratch& sc = GetScratch();
  MarkType1Conflicts(g, sc.conflict);
  float lo[4], hi[4];
  int smallest = 0;
  for (int a = 0; a < 4; ++a) {
    bool from_top = a < 2, from_left = (a % 2) == 0;
    AlignAndCompact(g, from_top, from_left, p, sc, sc.x[a]);
    lo[a] = std::numeric_limits<float>::infinity();
    hi[a] = -std::numeric_limits<float>::infinity();
    for (int32_t v = 0; v < n; ++v) {
      lo[a] = std::min(lo[a], sc.x[a][v] - 0.5f * g.width[v]);
      hi[a] = std::max(hi[a], sc.x[a][v] + 0.5f * g.width[v]);
    }
    if (hi[a] - lo[a] < hi[smallest] - lo[smallest]) smallest = a;
  }
  for (int a = 0; a < 4; ++a) {
    bool from_left = (a % 2) == 0;
    float delta = from_left ? lo[smallest] - lo[a] : hi[smallest] - hi[a];
    for (float& x : sc.x[a]) x += delta;
  }
  std::vector<float>& x = *out;
  float min_left = std::numeric_limits<float>::infinity();
  for (int32_t v = 0; v < n; ++v) {
    float c[4] = {sc.x[0][v], sc.x[1][v], sc.x[2][v], sc.x[3][v]};
    std::sort(c, c + 4);
    x[v] = 0.5f * (c[1] + c[2]);
    min_left = std::min(min_left, x[v] - 0.5f * g.width[v]);
  }
  for (float& v : x) v -= min_left;
}

}  // namespace ckptview::graph::layout::internal
