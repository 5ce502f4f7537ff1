// The layered layout of one flat graph (layered.h), on synthetic graphs.
#include "graph/layout/layered.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <vector>

namespace ckptview::graph::layout {
namespace {

LayeredGraph Graph(int n, const std::vector<std::pair<int, int>>& edges, float w = 40, float h = 20) {
  LayeredGraph g;
  for (int i = 0; i < n; ++i) g.items.push_back({w + 7.0f * (i % 3), h, 0, w + 7.0f * (i % 3), h});
  for (auto [a, b] : edges) g.edges.push_back({a, b, false});
  return g;
}

// A random DAG-ish graph (some back edges too), deterministic.
LayeredGraph RandomGraph(int n, int m, uint32_t seed, bool cycles) {
  uint32_t s = seed;
  auto next = [&]() { return s = s * 1664525u + 1013904223u, s >> 8; };
  std::vector<std::pair<int, int>> edges;
  for (int i = 0; i < m; ++i) {
    int a = static_cast<int>(next() % n), b = static_cast<int>(next() % n);
    if (a == b) continue;
    if (!cycles && a > b) std::swap(a, b);
    edges.push_back({a, b});
  }
  return Graph(n, edges);
}

LayeredParams Params() { return LayeredParams(); }

struct Box {
  float l, t, r, b;
};
Box ItemBox(const LayeredGraph& g, const LayeredLayout& l, int i) {
  const auto& it = g.items[i];
  Point c = l.centers[i];
  return {c.x - it.w / 2, c.y - it.h / 2, c.x + it.w / 2, c.y + it.h / 2};
}

bool OnTopOrBottom(const Box& b, Point p) {
  const float eps = 0.01f;
  bool in_x = p.x >= b.l - eps && p.x <= b.r + eps;
  return in_x && (std::fabs(p.y - b.t) < eps || std::fabs(p.y - b.b) < eps);
}

// Does segment pq pass through the interior of box b?
bool SegmentEntersBox(Point p, Point q, const Box& b) {
  const float eps = 0.05f;
  float l = b.l + eps, r = b.r - eps, t = b.t + eps, bo = b.b - eps;
  // Liang–Barsky clipping.
  float t0 = 0, t1 = 1, dx = q.x - p.x, dy = q.y - p.y;
  float ps[4] = {-dx, dx, -dy, dy};
  float qs[4] = {p.x - l, r - p.x, p.y - t, bo - p.y};
  for (int i = 0; i < 4; ++i) {
    if (ps[i] == 0) {
      if (qs[i] < 0) return false;
    } else {
      float u = qs[i] / ps[i];
      if (ps[i] < 0) t0 = std::max(t0, u);
      else t1 = std::min(t1, u);
    }
  }
  return t0 < t1;
}

void CheckLayout(const LayeredGraph& g, const LayeredLayout& l, const LayeredParams& p) {
  const int n = static_cast<int>(g.items.size());
  ASSERT_EQ(l.centers.size(), g.items.size());
  ASSERT_EQ(l.edge_routes.size(), g.edges.size());
  // No overlaps within a layer, node_sep kept.
  std::map<int, std::vector<int>> by_layer;
  for (int i = 0; i < n; ++i) by_layer[l.layer[i]].push_back(i);
  for (auto& [layer, items] : by_layer) {
    std::sort(items.begin(), items.end(), [&](int a, int b) { return l.centers[a].x < l.centers[b].x; });
    for (size_t k = 1; k < items.size(); ++k) {
      Box a = ItemBox(g, l, items[k - 1]), b = ItemBox(g, l, items[k]);
      EXPECT_LE(a.r + p.node_sep, b.l + 0.01f) << "layer " << layer << " items " << items[k - 1] << ", " << items[k];
      EXPECT_FLOAT_EQ(l.centers[items[k - 1]].y, l.centers[items[k]].y);
    }
  }
  // Every edge layered downward unless reversed; routes from src to dst
  // borders, never through another box.
  for (size_t e = 0; e < g.edges.size(); ++e) {
    const auto& edge = g.edges[e];
    const Point* pts = l.edge_routes.begin(e);
    const uint32_t k = l.edge_routes.count(e);
    ASSERT_GE(k, 2u) << "edge " << e;
    if (edge.src == edge.dst) continue;
    if (l.edge_reversed[e]) {
      EXPECT_GT(l.layer[edge.src], l.layer[edge.dst]) << "edge " << e;
    } else {
      EXPECT_LT(l.layer[edge.src], l.layer[edge.dst]) << "edge " << e;
    }
    EXPECT_TRUE(OnTopOrBottom(ItemBox(g, l, edge.src), pts[0])) << "edge " << e;
    EXPECT_TRUE(OnTopOrBottom(ItemBox(g, l, edge.dst), pts[k - 1])) << "edge " << e;
    for (uint32_t s = 0; s + 1 < k; ++s) {
      for (int i = 0; i < n; ++i) {
        EXPECT_FALSE(SegmentEntersBox(pts[s], pts[s + 1], ItemBox(g, l, i)))
            << "edge " << e << " segment " << s << " enters item " << i;
      }
    }
  }
  for (int i = 0; i < n; ++i) {
    Box b = ItemBox(g, l, i);
    EXPECT_GE(b.l, -0.01f);
    EXPECT_LE(b.r, l.width + 0.01f);
    EXPECT_GE(b.t, -0.01f);
    EXPECT_LE(b.b, l.height + 0.01f);
  }
}

TEST(LayeredLayoutTest, EmptyGraph) {
  LayeredLayout l = LayOutLayered(LayeredGraph(), Params());
  EXPECT_EQ(l.width, 0);
  EXPECT_EQ(l.height, 0);
}

TEST(LayeredLayoutTest, ChainGoesDown) {
  LayeredGraph g = Graph(4, {{0, 1}, {1, 2}, {2, 3}});
  LayeredLayout l = LayOutLayered(g, Params());
  CheckLayout(g, l, Params());
  for (int i = 0; i < 4; ++i) EXPECT_EQ(l.layer[i], i);
  EXPECT_EQ(l.crossings, 0);
  EXPECT_EQ(l.dummies, 0);
}

TEST(LayeredLayoutTest, TreeHasNoCrossings) {
  std::vector<std::pair<int, int>> edges;
  for (int i = 1; i < 40; ++i) edges.push_back({(i - 1) / 3, i});
  LayeredGraph g = Graph(40, edges);
  LayeredLayout l = LayOutLayered(g, Params());
  CheckLayout(g, l, Params());
  EXPECT_EQ(l.crossings, 0);
}

TEST(LayeredLayoutTest, CrossingRemovedByOrdering) {
  // a→d, b→c with a, b, c, d given in an order that crosses at first.
  LayeredGraph g = Graph(6, {{0, 3}, {1, 2}, {0, 4}, {1, 5}, {4, 2}});
  LayeredLayout l = LayOutLayered(g, Params());
  CheckLayout(g, l, Params());
  EXPECT_EQ(l.crossings, 0);
}

TEST(LayeredLayoutTest, LongEdgesGetDummies) {
  LayeredGraph g = Graph(5, {{0, 1}, {1, 2}, {2, 3}, {0, 3}, {3, 4}});
  LayeredLayout l = LayOutLayered(g, Params());
  CheckLayout(g, l, Params());
  EXPECT_EQ(l.dummies, 2);  // 0→3 spans three layers
}

// A chain 0..k-1 whose every item also feeds three sinks k, k+1, k+2, as
// every layer of a training graph feeds the gradients, the optimizer and
// the saver. Edge i→k+s is edge (k - 1) + 3i + s.
LayeredGraph ChainIntoSinks(int k) {
  std::vector<std::pair<int, int>> edges;
  for (int i = 0; i + 1 < k; ++i) edges.push_back({i, i + 1});
  for (int i = 0; i < k; ++i) {
    for (int s = 0; s < 3; ++s) edges.push_back({i, k + s});
  }
  return Graph(k + 3, edges);
}

std::vector<Point> Route(const LayeredLayout& l, size_t e) {
  return std::vector<Point>(l.edge_routes.begin(e), l.edge_routes.begin(e) + l.edge_routes.count(e));
}

TEST(LayeredLayoutTest, LongEdgesIntoOneItemShareATrunk) {
  const int k = 30;
  LayeredGraph g = ChainIntoSinks(k);
  LayeredLayout l = LayOutLayered(g, Params());
  CheckLayout(g, l, Params());
  for (int s = 0; s < 3; ++s) EXPECT_EQ(l.layer[k + s], k);
  // One bend point per layer and sink, not one per edge and layer (~3k²/2),
  // and three lines beside the chain to cross instead of 3k (thousands of
  // crossings, as the bundles meet at the bottom).
  EXPECT_LE(l.dummies, 3 * k);
  EXPECT_LE(l.crossings, 2 * k);
}

TEST(LayeredLayoutTest, BundledRoutesShareSegments) {
  const int k = 12;
  LayeredGraph g = ChainIntoSinks(k);
  LayeredLayout l = LayOutLayered(g, Params());
  CheckLayout(g, l, Params());
  auto same = [](Point a, Point b) { return a.x == b.x && a.y == b.y; };
  for (int s = 0; s < 3; ++s) {
    for (int i = 0; i + 2 < k; ++i) {
      for (int j = i + 1; j + 1 < k; ++j) {  // j + 1 < k: k-1's edges are one layer long
        SCOPED_TRACE(testing::Message() << "sink " << s << ", sources " << i << ", " << j);
        std::vector<Point> a = Route(l, (k - 1) + 3 * i + s), b = Route(l, (k - 1) + 3 * j + s);
        // Where b joins the trunk (its second or third point), a passes,
        // and from there on both are the same points: the same segments.
        size_t join = 0, at = 0;
        for (size_t p = 1; p < std::min<size_t>(b.size(), 3) && join == 0; ++p) {
          for (size_t q = 0; q < a.size(); ++q) {
            if (same(a[q], b[p])) {
              join = p;
              at = q;
              break;
            }
          }
        }
        ASSERT_GT(join, 0u);
        ASSERT_EQ(a.size() - at, b.size() - join);
        for (size_t p = join; p < b.size(); ++p) EXPECT_TRUE(same(a[at + p - join], b[p])) << p;
      }
    }
  }
}

TEST(LayeredLayoutTest, ReversedEdgesStayOutOfBundles) {
  // 0→1→…→6; 0→6 .. 4→6 would bundle into 6, but 6→0 closes a cycle, is
  // drawn upward and shares the pair's chain with 0→6: that chain stays out
  // of the bundle (a trunk carries edges of one direction).
  LayeredGraph g = Graph(7, {{0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 5}, {5, 6},
                             {0, 6}, {1, 6}, {2, 6}, {3, 6}, {4, 6}, {6, 0}});
  g.edges[11].back_hint = true;
  LayeredLayout l = LayOutLayered(g, Params());
  CheckLayout(g, l, Params());
  EXPECT_TRUE(l.edge_reversed[11]);
  EXPECT_FALSE(l.edge_reversed[6]);
  // 0→6's own chain (5 bend points) and the trunk of 1→6 .. 4→6 (layers 2
  // to 5); 15 without bundles, 5 with 0→6 in the bundle.
  EXPECT_EQ(l.dummies, 9);
}

TEST(LayeredLayoutTest, FewLongEdgesIntoAnItemStayApart) {
  // Three long edges into 4: below min_bundle, each keeps its own chain.
  LayeredGraph g = Graph(5, {{0, 1}, {1, 2}, {2, 3}, {3, 4}, {0, 4}, {1, 4}, {2, 4}});
  LayeredLayout l = LayOutLayered(g, Params());
  CheckLayout(g, l, Params());
  EXPECT_EQ(l.dummies, 3 + 2 + 1);
  LayeredParams p = Params();
  p.min_bundle = 3;
  EXPECT_EQ(LayOutLayered(g, p).dummies, 3);
}

TEST(LayeredLayoutTest, SinksAndSourcesPulledToTheirNeighbours) {
  // 5 hangs off 0 only: it belongs right under 0, not at the bottom; 6 feeds
  // only 4: right above it, not at the top.
  LayeredGraph g = Graph(7, {{0, 1}, {1, 2}, {2, 3}, {3, 4}, {0, 5}, {6, 4}});
  LayeredLayout l = LayOutLayered(g, Params());
  CheckLayout(g, l, Params());
  EXPECT_EQ(l.layer[5], l.layer[0] + 1);
  EXPECT_EQ(l.layer[6], l.layer[4] - 1);
  EXPECT_EQ(l.dummies, 0);
}

TEST(LayeredLayoutTest, CycleIsBrokenOnce) {
  LayeredGraph g = Graph(3, {{0, 1}, {1, 2}, {2, 0}});
  LayeredLayout l = LayOutLayered(g, Params());
  CheckLayout(g, l, Params());
  int reversed = 0;
  for (uint8_t r : l.edge_reversed) reversed += r;
  EXPECT_EQ(reversed, 1);
  // The reversed edge's route still starts at its source and ends at its target.
  EXPECT_TRUE(l.edge_reversed[2]);  // DFS from 0 finds 2→0 closing the cycle
}

TEST(LayeredLayoutTest, BackEdgeHintWins) {
  // enter → merge → switch → body → next_iteration → merge (hinted back).
  LayeredGraph g = Graph(5, {{0, 1}, {1, 2}, {2, 3}, {3, 4}});
  g.edges.push_back({4, 1, true});
  LayeredLayout l = LayOutLayered(g, Params());
  CheckLayout(g, l, Params());
  for (int e = 0; e < 4; ++e) EXPECT_FALSE(l.edge_reversed[e]);
  EXPECT_TRUE(l.edge_reversed[4]);
  // Drawn upward: starts at NextIteration's top, ends at Merge's bottom.
  const Point* p = l.edge_routes.begin(4);
  EXPECT_LT(p[l.edge_routes.count(4) - 1].y, p[0].y);
}

TEST(LayeredLayoutTest, MultiEdgesAndOppositeEdgesShareAChain) {
  LayeredGraph g = Graph(3, {{0, 2}, {0, 2}, {2, 0}, {0, 1}, {1, 2}});
  LayeredLayout l = LayOutLayered(g, Params());
  CheckLayout(g, l, Params());
  EXPECT_EQ(l.dummies, 1);
  ASSERT_EQ(l.edge_routes.count(0), l.edge_routes.count(2));
  // 2→0 runs the same chain backwards.
  const Point* a = l.edge_routes.begin(0);
  const Point* b = l.edge_routes.begin(2);
  uint32_t k = l.edge_routes.count(0);
  for (uint32_t i = 0; i < k; ++i) {
    EXPECT_FLOAT_EQ(a[i].x, b[k - 1 - i].x);
    EXPECT_FLOAT_EQ(a[i].y, b[k - 1 - i].y);
  }
}

TEST(LayeredLayoutTest, SelfLoop) {
  LayeredGraph g = Graph(2, {{0, 1}, {1, 1}});
  LayeredLayout l = LayOutLayered(g, Params());
  CheckLayout(g, l, Params());
  EXPECT_EQ(l.edge_routes.count(1), 4u);
  EXPECT_FALSE(l.edge_reversed[1]);
}

TEST(LayeredLayoutTest, PortsReachTheBorders) {
  LayeredGraph g = Graph(4, {{0, 1}, {1, 2}, {2, 3}});
  g.in_ports = {0, 2};
  g.out_ports = {1, 3};
  LayeredLayout l = LayOutLayered(g, Params());
  CheckLayout(g, l, Params());
  ASSERT_EQ(l.in_port_routes.size(), 2u);
  ASSERT_EQ(l.out_port_routes.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const Point* p = l.in_port_routes.begin(i);
    uint32_t k = l.in_port_routes.count(i);
    EXPECT_FLOAT_EQ(p[0].y, 0.0f);
    Box b = ItemBox(g, l, g.in_ports[i]);
    EXPECT_FLOAT_EQ(p[k - 1].y, b.t);
    const Point* q = l.out_port_routes.begin(i);
    uint32_t m = l.out_port_routes.count(i);
    Box c = ItemBox(g, l, g.out_ports[i]);
    EXPECT_FLOAT_EQ(q[0].y, c.b);
    EXPECT_FLOAT_EQ(q[m - 1].y, l.height);
  }
  // Items are below the in-port layer.
  for (int i = 0; i < 4; ++i) EXPECT_GE(l.layer[i], 1);
}

TEST(LayeredLayoutTest, RandomGraphsAreValid) {
  for (uint32_t seed = 1; seed <= 12; ++seed) {
    SCOPED_TRACE(seed);
    LayeredGraph g = RandomGraph(30 + 7 * seed, 60 + 11 * seed, seed, seed % 2 == 0);
    g.in_ports = {1, 5};
    g.out_ports = {2, 7, 9};
    LayeredLayout l = LayOutLayered(g, Params());
    CheckLayout(g, l, Params());
  }
}

TEST(LayeredLayoutTest, Deterministic) {
  LayeredGraph g = RandomGraph(200, 400, 7, true);
  LayeredLayout a = LayOutLayered(g, Params());
  LayeredLayout b = LayOutLayered(g, Params());
  ASSERT_EQ(a.edge_routes.points.size(), b.edge_routes.points.size());
  for (size_t i = 0; i < a.centers.size(); ++i) {
    EXPECT_EQ(a.centers[i].x, b.centers[i].x);
    EXPECT_EQ(a.centers[i].y, b.centers[i].y);
  }
  for (size_t i = 0; i < a.edge_routes.points.size(); ++i) {
    EXPECT_EQ(a.edge_routes.points[i].x, b.edge_routes.points[i].x);
  }
  EXPECT_EQ(a.crossings, b.crossings);
}

TEST(LayeredLayoutTest, SweepsReduceCrossings) {
  LayeredGraph g = RandomGraph(150, 300, 3, false);
  LayeredParams none = Params();
  none.max_order_sweeps = 0;
  none.transpose_max_layer = 0;
  LayeredLayout initial = LayOutLayered(g, none);
  LayeredLayout swept = LayOutLayered(g, Params());
  EXPECT_LT(swept.crossings, initial.crossings);
}

// Small graphs (most groups of an expanded TF graph) are not timed: reading
// the clock a dozen times costs more than laying them out, in wasm most of
// all. Big ones are, and the same layout comes out either way.
TEST(LayeredTest, OnlyGraphsAboveMinTimedSizeReadTheClock) {
  auto total = [](const LayeredTimes& t) { return t.cycles + t.layering + t.ordering + t.coordinates + t.routing; };
  LayeredGraph small = RandomGraph(12, 20, 7, true);
  LayeredParams params = Params();
  ASSERT_LT(static_cast<int>(small.items.size() + small.edges.size()), params.min_timed_size);
  LayeredLayout untimed = LayOutLayered(small, params);
  EXPECT_EQ(total(untimed.times), 0.0);

  LayeredGraph big = RandomGraph(300, 600, 7, true);
  LayeredLayout timed = LayOutLayered(big, params);
  EXPECT_GT(total(timed.times), 0.0);

  params.min_timed_size = 0;
  LayeredLayout small_timed = LayOutLayered(small, params);
  EXPECT_GT(total(small_timed.times), 0.0);
  ASSERT_EQ(small_timed.centers.size(), untimed.centers.size());
  for (size_t i = 0; i < untimed.centers.size(); ++i) {
    EXPECT_EQ(small_timed.centers[i].x, untimed.centers[i].x);
    EXPECT_EQ(small_timed.centers[i].y, untimed.centers[i].y);
  }
  EXPECT_EQ(small_timed.crossings, untimed.crossings);
}

}  // namespace
}  // namespace ckptview::graph::layout
