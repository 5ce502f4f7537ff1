// Graph layout with groups, series, hubs and caching (layout.h), on
// synthetic graphs.
#include "graph/layout/layout.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "graph/layout/layout_json.h"
#include "graph/layout/synthetic_graph.h"

namespace ckptview::graph::layout {
namespace {

// A graph from TF-style names (scope = ScopeOf(name)) and edges by name.
class Builder {
 public:
  int Node(const std::string& name, const std::string& op = "Op") {
    auto it = index_.find(name);
    if (it != index_.end()) return it->second;
    LayoutNode n;
    n.id = name;
    n.op = op;
    n.scope = ScopeOf(name);
    n.width = 50 + static_cast<float>(name.size() % 5) * 6;
    n.height = 22;
    in.nodes.push_back(n);
    return index_[name] = static_cast<int>(in.nodes.size()) - 1;
  }
  void Edge(const std::string& a, const std::string& b, bool control = false) {
    LayoutEdge e;
    e.src = Node(a);
    e.dst = Node(b);
    e.is_control = control;
    in.edges.push_back(e);
  }
  LayoutInput in;

 private:
  std::map<std::string, int> index_;
};

LayoutOptions Options(Expansion e) {
  LayoutOptions o;
  o.initial_expansion = e;
  return o;
}

struct Rect {
  float l, t, r, b;
};
Rect RectOf(float x, float y, float w, float h) { return {x - w / 2, y - h / 2, x + w / 2, y + h / 2}; }
bool Inside(const Rect& in, const Rect& out) {
  const float eps = 0.01f;
  return in.l >= out.l - eps && in.r <= out.r + eps && in.t >= out.t - eps && in.b <= out.b + eps;
}
bool Overlap(const Rect& a, const Rect& b) {
  const float eps = 0.01f;
  return a.l < b.r - eps && b.l < a.r - eps && a.t < b.b - eps && b.t < a.b - eps;
}
bool OnBorder(const Rect& r, Point p) {
  const float eps = 0.05f;
  bool in_x = p.x >= r.l - eps && p.x <= r.r + eps;
  bool in_y = p.y >= r.t - eps && p.y <= r.b + eps;
  return in_x && in_y &&
         (std::fabs(p.y - r.t) < eps || std::fabs(p.y - r.b) < eps || std::fabs(p.x - r.r) < eps);
}

// Does segment pq pass through the interior of r (Liang–Barsky)?
bool SegmentEnters(Point p, Point q, Rect r) {
  const float eps = 0.05f;
  r = {r.l + eps, r.t + eps, r.r - eps, r.b - eps};
  float t0 = 0, t1 = 1, dx = q.x - p.x, dy = q.y - p.y;
  float ps[4] = {-dx, dx, -dy, dy};
  float qs[4] = {p.x - r.l, r.r - p.x, p.y - r.t, r.b - p.y};
  for (int i = 0; i < 4; ++i) {
    if (ps[i] == 0) {
      if (qs[i] < 0) return false;
    } else {
      float u = qs[i] / ps[i];
      if (ps[i] < 0) {
        t0 = std::max(t0, u);
      } else {
        t1 = std::min(t1, u);
      }
    }
  }
  return t0 < t1;
}

// Routes that pass through a box other than their ends'.
int RoutesThroughBoxes(const LayoutResult& r) {
  int bad = 0;
  for (size_t e = 0; e < r.edges.size(); ++e) {
    const RoutedEdge& edge = r.edges[e];
    for (uint32_t k = 0; k + 1 < edge.num_points; ++k) {
      Point p = r.points[edge.first_point + k], q = r.points[edge.first_point + k + 1];
      for (size_t i = 0; i < r.nodes.size(); ++i) {
        if (static_cast<int32_t>(i) == edge.src || static_cast<int32_t>(i) == edge.dst) continue;
        const PlacedNode& n = r.nodes[i];
        bad += SegmentEnters(p, q, RectOf(n.x, n.y, n.w, n.h));
      }
    }
  }
  return bad;
}

// Checks what every result must satisfy.
void CheckResult(const LayoutResult& r) {
  // Groups contain their children, siblings do not overlap.
  std::map<int, std::vector<Rect>> siblings;
  for (const PlacedNode& n : r.nodes) {
    Rect nr = RectOf(n.x, n.y, n.w, n.h);
    if (n.parent >= 0) {
      const PlacedGroup& g = r.groups[n.parent];
      EXPECT_TRUE(Inside(nr, RectOf(g.x, g.y, g.w, g.h))) << n.id << " outside " << g.id;
    }
    siblings[n.parent].push_back(nr);
  }
  for (const PlacedGroup& g : r.groups) {
    Rect gr = RectOf(g.x, g.y, g.w, g.h);
    if (g.parent >= 0) {
      const PlacedGroup& p = r.groups[g.parent];
      EXPECT_TRUE(Inside(gr, RectOf(p.x, p.y, p.w, p.h))) << g.id << " outside " << p.id;
    }
    siblings[g.parent].push_back(gr);
  }
  for (auto& [parent, rects] : siblings) {
    for (size_t i = 0; i < rects.size(); ++i) {
      for (size_t j = i + 1; j < rects.size(); ++j) {
        EXPECT_FALSE(Overlap(rects[i], rects[j])) << "siblings " << i << ", " << j << " in group " << parent;
      }
    }
  }
  // Edges run from their source's border to their target's.
  for (const RoutedEdge& e : r.edges) {
    ASSERT_GE(e.num_points, 2u);
    const PlacedNode& s = r.nodes[e.src];
    const PlacedNode& t = r.nodes[e.dst];
    EXPECT_FALSE(s.hub || t.hub);
    Point first = r.points[e.first_point], last = r.points[e.first_point + e.num_points - 1];
    EXPECT_TRUE(OnBorder(RectOf(s.x, s.y, s.w, s.h), first)) << s.id << " -> " << t.id;
    EXPECT_TRUE(OnBorder(RectOf(t.x, t.y, t.w, t.h), last)) << s.id << " -> " << t.id;
    for (uint32_t k = 0; k < e.num_points; ++k) {
      const Point& p = r.points[e.first_point + k];
      EXPECT_TRUE(p.x >= -0.01f && p.x <= r.width + 0.01f && p.y >= -0.01f && p.y <= r.height + 0.01f);
    }
  }
  // ... and around boxes, not through them.
  EXPECT_EQ(RoutesThroughBoxes(r), 0);
}

// Two scopes with three ops each, a chain between them.
Builder TwoScopes() {
  Builder b;
  b.Edge("a/x", "a/y");
  b.Edge("a/y", "a/z");
  b.Edge("a/z", "b/x");
  b.Edge("b/x", "b/y");
  b.Edge("b/y", "b/z");
  b.Edge("a/x", "b/z");
  return b;
}

TEST(LayoutTest, CollapsedScopesAggregateEdges) {
  Builder b = TwoScopes();
  auto r = LayoutGraph(b.in, Options(Expansion::kCollapsed));
  ASSERT_TRUE(r.ok()) << r.status().message();
  CheckResult(*r);
  ASSERT_EQ(r->nodes.size(), 2u);
  EXPECT_EQ(r->nodes[0].id, "a");
  EXPECT_EQ(r->nodes[0].kind, ItemKind::kGroup);
  ASSERT_EQ(r->edges.size(), 1u);
  EXPECT_EQ(r->edges[0].count, 2);  // a/z→b/x and a/x→b/z
}

TEST(LayoutTest, ExpandedGroupsContainChildrenAndRoutesCrossBorders) {
  Builder b = TwoScopes();
  auto r = LayoutGraph(b.in, Options(Expansion::kAll));
  ASSERT_TRUE(r.ok());
  CheckResult(*r);
  EXPECT_EQ(r->nodes.size(), 6u);
  EXPECT_EQ(r->groups.size(), 2u);
  EXPECT_EQ(r->edges.size(), 6u);
}

// A chain of ten ops at the top level, each feeding its own op inside the
// group "sink": ten edges into one group box, of ten lengths.
Builder ChainIntoGroup() {
  Builder b;
  const std::string names = "abcdefghij";
  for (size_t i = 0; i < names.size(); ++i) {
    std::string op = std::string("op_") + names[i];
    if (i + 1 < names.size()) b.Edge(op, std::string("op_") + names[i + 1]);
    b.Edge(op, std::string("sink/in_") + names[i]);
  }
  return b;
}

TEST(LayoutTest, EdgesIntoAGroupShareTheirTrunkDownToIt) {
  Builder b = ChainIntoGroup();
  auto r = LayoutGraph(b.in, Options(Expansion::kAll));
  ASSERT_TRUE(r.ok());
  CheckResult(*r);
  ASSERT_EQ(r->groups.size(), 1u);
  std::vector<std::vector<Point>> routes;  // by source, down the chain
  for (char c : std::string("abcdefghij")) {
    for (const RoutedEdge& e : r->edges) {
      if (r->nodes[e.src].id == std::string("op_") + c && r->nodes[e.dst].id.rfind("sink/", 0) == 0) {
        routes.emplace_back(r->points.begin() + e.first_point, r->points.begin() + e.first_point + e.num_points);
      }
    }
  }
  ASSERT_EQ(routes.size(), 10u);
  // Where two routes run along the same line, they draw the same segments
  // (one line on screen, and counted as one), not overlapping ones of
  // different lengths: the trunk keeps a point where each edge joins it.
  int shared = 0;
  for (size_t i = 0; i < routes.size(); ++i) {
    for (size_t j = i + 1; j < routes.size(); ++j) {
      for (size_t p = 0; p + 1 < routes[i].size(); ++p) {
        for (size_t q = 0; q + 1 < routes[j].size(); ++q) {
          Point a = routes[i][p], b = routes[i][p + 1], c = routes[j][q], d = routes[j][q + 1];
          if (a.x != b.x || c.x != d.x || a.x != c.x) continue;  // vertical runs on one line
          float lo = std::max(std::min(a.y, b.y), std::min(c.y, d.y));
          float hi = std::min(std::max(a.y, b.y), std::max(c.y, d.y));
          if (hi - lo < 0.01f) continue;  // touch at most
          EXPECT_TRUE(std::min(a.y, b.y) == std::min(c.y, d.y) && std::max(a.y, b.y) == std::max(c.y, d.y))
              << "routes " << i << ", " << j << " overlap on x = " << a.x;
          ++shared;
        }
      }
    }
  }
  EXPECT_GT(shared, 0);  // there is a trunk
}

TEST(LayoutTest, EmptyAndTinyInputs) {
  LayoutInput empty;
  auto r = LayoutGraph(empty, LayoutOptions());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->nodes.empty());
  Builder b;
  b.Node("lonely");
  r = LayoutGraph(b.in, LayoutOptions());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->nodes.size(), 1u);
  CheckResult(*r);
}

TEST(LayoutTest, RejectsBadInput) {
  Builder b = TwoScopes();
  LayoutInput bad = b.in;
  bad.edges.push_back({0, 99, false, false});
  auto r = LayoutGraph(bad, LayoutOptions());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "layout input: edge 6 joins nodes 0 -> 99, expected indices below 6");
  bad = b.in;
  bad.nodes[2].width = -1;
  r = LayoutGraph(bad, LayoutOptions());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("node 2 (\"a/z\") has size"), std::string::npos);
  bad = b.in;
  bad.groups = {{"g0", 1}, {"g1", 0}};
  r = LayoutGraph(bad, LayoutOptions());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("is its own ancestor"), std::string::npos);
  bad = b.in;
  bad.nodes[0].group = 5;
  EXPECT_FALSE(LayoutGraph(bad, LayoutOptions()).ok());
}

TEST(LayoutTest, DeclaredGroupsMatchScopePaths) {
  Builder b = TwoScopes();
  LayoutInput in = b.in;
  in.groups = {{"a", -1, 300, 50}, {"inner", 0, 0, 0}};
  in.nodes[0].scope = "";
  in.nodes[0].group = 1;  // a/inner
  auto session = LayoutSession::Create(in, Options(Expansion::kCollapsed));
  ASSERT_TRUE(session.ok());
  int32_t a = (*session)->FindGroup("a");
  ASSERT_GT(a, 0);
  EXPECT_EQ((*session)->group(a).collapsed_w, 300);
  EXPECT_GT((*session)->FindGroup("a/inner"), a);
  LayoutResult r = (*session)->Layout();
  EXPECT_EQ(r.nodes[0].w, 300);
  CheckResult(r);
}

TEST(LayoutTest, DeterministicBytes) {
  TrainingGraphSpec spec;
  spec.target_nodes = 1500;
  LayoutInput in = MakeTrainingGraph(spec);
  for (Expansion e : {Expansion::kAll, Expansion::kReadable}) {
    auto a = LayoutGraph(in, Options(e));
    auto b = LayoutGraph(in, Options(e));
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(LayoutResultToJson(*a, false), LayoutResultToJson(*b, false));
    EXPECT_EQ(VisibleGraphToJson(*a), VisibleGraphToJson(*b));
  }
}

TEST(LayoutTest, TrainingGraphIsValidInEveryState) {
  TrainingGraphSpec spec;
  spec.target_nodes = 1200;
  LayoutInput in = MakeTrainingGraph(spec);
  for (Expansion e : {Expansion::kAll, Expansion::kReadable, Expansion::kCollapsed}) {
    SCOPED_TRACE(static_cast<int>(e));
    auto r = LayoutGraph(in, Options(e));
    ASSERT_TRUE(r.ok());
    CheckResult(*r);
  }
}

TEST(LayoutTest, ReadableStartShowsFewBoxes) {
  TrainingGraphSpec spec;
  spec.target_nodes = 20000;
  LayoutInput in = MakeTrainingGraph(spec);
  auto r = LayoutGraph(in, LayoutOptions());
  ASSERT_TRUE(r.ok());
  EXPECT_LE(r->nodes.size(), 200u);
  EXPECT_GE(r->nodes.size(), 20u);
  EXPECT_GT(r->groups.size(), 0u);  // some groups were opened
}

// a/b/c/d nested, plus siblings a/s1, a/s2 with their own interiors.
Builder Nested() {
  Builder b;
  b.Edge("in", "a/b/c/d/op1");
  b.Edge("a/b/c/d/op1", "a/b/c/d/op2");
  b.Edge("a/b/c/d/op2", "a/b/c/op3");
  b.Edge("a/b/c/op3", "a/b/op4");
  b.Edge("a/b/op4", "a/s1/x");
  b.Edge("a/s1/x", "a/s1/y");
  b.Edge("a/s1/y", "a/s2/x");
  b.Edge("a/s2/x", "a/s2/y");
  b.Edge("a/s2/y", "out");
  return b;
}

TEST(LayoutTest, ExpandReLaysOutOnlyThePathToTheRoot) {
  Builder b = Nested();
  auto session = LayoutSession::Create(b.in, Options(Expansion::kCollapsed));
  ASSERT_TRUE(session.ok());
  LayoutSession& s = **session;
  LayoutResult r = s.Layout();
  EXPECT_EQ(r.stats.groups_laid_out, 1);  // the top level
  CheckResult(r);

  const int32_t a = s.FindGroup("a"), ab = s.FindGroup("a/b"), abc = s.FindGroup("a/b/c"),
                s1 = s.FindGroup("a/s1"), s2 = s.FindGroup("a/s2");
  ASSERT_TRUE(a > 0 && ab > 0 && abc > 0 && s1 > 0 && s2 > 0);
  s.SetExpanded(a, true);
  r = s.Layout();
  EXPECT_EQ(r.stats.groups_laid_out, 2);  // a's interior, then the top level
  s.SetExpanded(s1, true);
  s.SetExpanded(s2, true);
  r = s.Layout();
  EXPECT_EQ(r.stats.groups_laid_out, 4);  // s1, s2, a, top
  CheckResult(r);

  // Expanding a/b/c behind a/b: only c, b, a and the top; s1, s2 untouched.
  s.SetExpanded(ab, true);
  s.SetExpanded(abc, true);
  r = s.Layout();
  EXPECT_EQ(r.stats.groups_laid_out, 4);
  EXPECT_EQ(r.stats.groups_reused, 0);
  CheckResult(r);

  // Collapsing back finds every interior in the cache.
  // a/b, a and the top were never laid out with a/b/c collapsed.
  s.SetExpanded(abc, false);
  r = s.Layout();
  EXPECT_EQ(r.stats.groups_laid_out, 3);
  CheckResult(r);
  // From here on every state was seen: all from the cache.
  s.SetExpanded(abc, true);
  r = s.Layout();
  EXPECT_EQ(r.stats.groups_laid_out, 0);
  EXPECT_EQ(r.stats.groups_reused, 3);  // a/b, a, top (a/b/c kept its interior)
  s.SetExpanded(abc, false);
  r = s.Layout();
  EXPECT_EQ(r.stats.groups_laid_out, 0);
  EXPECT_EQ(r.stats.groups_reused, 3);
  CheckResult(r);

  // Nothing changed: nothing to do.
  r = s.Layout();
  EXPECT_EQ(r.stats.groups_laid_out, 0);
  EXPECT_EQ(r.stats.groups_reused, 0);
}

TEST(LayoutTest, ToggledStateGivesTheSameResultAsAFreshLayout) {
  Builder b = Nested();
  auto session = LayoutSession::Create(b.in, Options(Expansion::kCollapsed));
  ASSERT_TRUE(session.ok());
  LayoutSession& s = **session;
  s.Layout();
  s.SetExpansion(Expansion::kAll);
  s.Layout();
  s.SetExpanded(s.FindGroup("a/b/c"), false);
  LayoutResult toggled = s.Layout();

  auto fresh = LayoutSession::Create(b.in, Options(Expansion::kAll));
  ASSERT_TRUE(fresh.ok());
  (*fresh)->SetExpanded((*fresh)->FindGroup("a/b/c"), false);
  LayoutResult direct = (*fresh)->Layout();
  auto drawing = [](const LayoutResult& r) {  // everything but the stats
    std::string json = LayoutResultToJson(r, false);
    return json.substr(0, json.find("\"stats\""));
  };
  EXPECT_EQ(drawing(toggled), drawing(direct));
  EXPECT_EQ(VisibleGraphToJson(toggled), VisibleGraphToJson(direct));
}

// The graph view spreads a layout over frames: step by step, with the
// expansion changing between steps, it must end where Layout() would.
TEST(LayoutTest, StepwiseLayoutEqualsLayout) {
  TrainingGraphSpec spec;
  spec.target_nodes = 3000;
  LayoutInput in = MakeTrainingGraph(spec);
  auto stepped = LayoutSession::Create(in, Options(Expansion::kCollapsed));
  auto whole = LayoutSession::Create(in, Options(Expansion::kAll));
  ASSERT_TRUE(stepped.ok() && whole.ok());
  LayoutSession& s = **stepped;
  s.Layout();
  s.SetExpansion(Expansion::kAll);
  s.BeginLayout();
  int steps = 0;
  while (s.LayoutStep()) ++steps;
  EXPECT_GT(steps, 10);  // one per group interior
  const std::string expected = LayoutResultToJson((*whole)->Layout(), false);
  auto drawing = [](const LayoutResult& r) {  // everything but the stats and times
    std::string json = LayoutResultToJson(r, false);
    return json.substr(0, json.find("\"stats\""));
  };
  LayoutResult r = s.FinishLayout();
  EXPECT_EQ(drawing(r), expected.substr(0, expected.find("\"stats\"")));
  EXPECT_EQ(r.stats.groups_laid_out, steps + 1);

  // A change between steps starts over: the interiors laid out so far stay
  // cached, and the end is again what a fresh Layout() gives.
  const int32_t g = s.FindGroup("model");
  ASSERT_GT(g, 0);
  s.SetExpanded(g, false);
  s.BeginLayout();
  s.LayoutStep();
  s.SetExpanded(g, true);
  const LayoutResult again = s.FinishLayout();
  EXPECT_EQ(again.stats.groups_laid_out, 0);  // every interior came from the cache
  EXPECT_EQ(drawing(again), drawing(r));
  CheckResult(r);
}

TEST(LayoutTest, HubsBecomeStubs) {
  Builder b;
  b.Node("lr", "Const");
  for (int i = 0; i < 30; ++i) {
    std::string s = "m/op" + std::to_string(i);
    if (i > 0) b.Edge("m/op" + std::to_string(i - 1), s);
    b.Edge("lr", s);
  }
  b.Node("train", "NoOp");
  for (int i = 0; i < 30; i += 3) b.Edge("m/op" + std::to_string(i), "train", true);
  auto r = LayoutGraph(b.in, Options(Expansion::kAll));
  ASSERT_TRUE(r.ok());
  CheckResult(*r);
  EXPECT_EQ(r->stats.hubs, 2);
  EXPECT_EQ(r->edges.size(), 29u);  // the chain only
  int in_stubs = 0, out_stubs = 0;
  for (const Stub& st : r->stubs) {
    const PlacedNode& user = r->nodes[st.node];
    EXPECT_EQ(r->groups[user.parent].id, "m/op[0-29]");  // the ops fold into a series
    EXPECT_LT(st.x + st.w / 2, user.x - user.w / 2);  // left of the box
    EXPECT_GE(st.y - st.h / 2, user.y - user.h / 2 - 0.01f);
    EXPECT_LE(st.y + st.h / 2, user.y + user.h / 2 + 0.01f);
    EXPECT_EQ(b.in.nodes[st.hub].id, st.incoming ? "lr" : "train");
    (st.incoming ? in_stubs : out_stubs)++;
  }
  EXPECT_EQ(in_stubs, 30);
  EXPECT_EQ(out_stubs, 10);
  // The hubs sit in shelves of their groups.
  int hubs = 0;
  for (const PlacedNode& n : r->nodes) hubs += n.hub;
  EXPECT_EQ(hubs, 2);

  // Collapsed, the group carries one stub per hub.
  r = LayoutGraph(b.in, Options(Expansion::kCollapsed));
  ASSERT_TRUE(r.ok());
  CheckResult(*r);
  ASSERT_EQ(r->stubs.size(), 2u);
  EXPECT_EQ(r->nodes[r->stubs[0].node].id, "m");
}

TEST(LayoutTest, ManyHubsOnOneNodeFoldIntoAMoreStub) {
  Builder b;
  for (int h = 0; h < 7; ++h) {
    for (int i = 0; i < 10; ++i) b.Edge("c" + std::to_string(h), "op" + std::to_string(i));
    b.in.nodes[b.Node("c" + std::to_string(h))].op = "Const";
  }
  LayoutOptions o = Options(Expansion::kAll);
  o.max_stubs_per_side = 4;
  auto r = LayoutGraph(b.in, o);
  ASSERT_TRUE(r.ok());
  CheckResult(*r);
  EXPECT_EQ(r->stats.hubs, 7);
  std::map<int, int> per_node;
  int more = 0;
  for (const Stub& st : r->stubs) {
    ++per_node[st.node];
    if (st.hub < 0) {
      more++;
      EXPECT_EQ(st.more, 4);
    }
  }
  EXPECT_EQ(per_node.size(), 10u);
  for (auto& [node, count] : per_node) EXPECT_EQ(count, 4);
  EXPECT_EQ(more, 10);
}

TEST(LayoutTest, HubsOffKeepsEveryEdge) {
  Builder b;
  for (int i = 0; i < 40; ++i) b.Edge("shared", "op" + std::to_string(i));
  LayoutOptions o = Options(Expansion::kAll);
  o.hub_min_degree = 0;
  auto r = LayoutGraph(b.in, o);
  ASSERT_TRUE(r.ok());
  CheckResult(*r);
  EXPECT_EQ(r->edges.size(), 40u);
  EXPECT_TRUE(r->stubs.empty());
}

// conv_1..conv_n, each a scope Conv2D → BiasAdd → Relu, chained.
Builder Convs(int n, int odd_one = -1) {
  Builder b;
  std::string prev = "input";
  for (int i = 1; i <= n; ++i) {
    std::string s = "net/conv_" + std::to_string(i);
    b.Node(s + "/Conv2D", "Conv2D");
    b.Node(s + "/BiasAdd", "BiasAdd");
    b.Node(s + "/Relu", i == odd_one ? "Relu6" : "Relu");
    b.Edge(prev, s + "/Conv2D");
    b.Edge(s + "/Conv2D", s + "/BiasAdd");
    b.Edge(s + "/BiasAdd", s + "/Relu");
    prev = s + "/Relu";
  }
  b.Edge(prev, "output");
  return b;
}

TEST(LayoutTest, SeriesFoldRepeatedScopes) {
  Builder b = Convs(8);
  auto session = LayoutSession::Create(b.in, Options(Expansion::kReadable));
  ASSERT_TRUE(session.ok());
  LayoutSession& s = **session;
  const int32_t series = s.FindGroup("net/conv_[1-8]");
  ASSERT_GT(series, 0);
  EXPECT_EQ(s.group(series).kind, ItemKind::kSeries);
  EXPECT_EQ(s.group(series).children.size(), 8u);
  EXPECT_FALSE(s.expanded(series));  // series open folded
  LayoutResult r = s.Layout();
  CheckResult(r);
  bool found = false;
  for (const PlacedNode& n : r.nodes) found |= n.id == "net/conv_[1-8]" && n.kind == ItemKind::kSeries;
  EXPECT_TRUE(found);
  s.SetExpanded(series, true);
  r = s.Layout();
  CheckResult(r);
  int convs = 0;
  for (const PlacedNode& n : r.nodes) convs += n.kind == ItemKind::kGroup && n.id.find("conv_") != std::string::npos;
  EXPECT_EQ(convs, 8);
}

TEST(LayoutTest, SeriesNeedSameStructureAndEnoughMembers) {
  {
    Builder b = Convs(4);
    auto s = LayoutSession::Create(b.in, LayoutOptions());
    ASSERT_TRUE(s.ok());
    EXPECT_EQ((*s)->hierarchy().num_series, 0);
  }
  {
    // conv_4 differs: runs 1-3 and 5-9, only the second is long enough.
    Builder b = Convs(9, 4);
    auto s = LayoutSession::Create(b.in, LayoutOptions());
    ASSERT_TRUE(s.ok());
    EXPECT_EQ((*s)->hierarchy().num_series, 1);
    EXPECT_GT((*s)->FindGroup("net/conv_[5-9]"), 0);
  }
  {
    // Op nodes: add_1 ... add_6 of one op fold; TF's base name "add" joins.
    Builder b;
    b.Node("add", "AddV2");
    for (int i = 1; i <= 6; ++i) b.Node("add_" + std::to_string(i), "AddV2");
    auto s = LayoutSession::Create(b.in, LayoutOptions());
    ASSERT_TRUE(s.ok());
    EXPECT_GT((*s)->FindGroup("add_[0-6]"), 0);
  }
}

TEST(LayoutTest, SplitSeriesName) {
  std::string prefix;
  int64_t number;
  SplitSeriesName("conv_12", &prefix, &number);
  EXPECT_EQ(prefix, "conv_");
  EXPECT_EQ(number, 12);
  SplitSeriesName("conv", &prefix, &number);
  EXPECT_EQ(prefix, "conv_");
  EXPECT_EQ(number, 0);
  SplitSeriesName("x99999999999999999999", &prefix, &number);  // no overflow
  EXPECT_EQ(number, 999999999999);
  EXPECT_EQ(ScopeOf("a/b/c"), "a/b");
  EXPECT_EQ(ScopeOf("c"), "");
}

TEST(LayoutTest, CyclesAcrossGroupsAndWhileLoops) {
  Builder b;
  b.Edge("a/x", "b/x");
  b.Edge("b/x", "a/y");  // a ⇄ b at the top level
  b.Edge("a/y", "b/y");
  b.Node("loop/Enter", "Enter");
  b.Node("loop/Merge", "Merge");
  b.Node("loop/Switch", "Switch");
  b.Node("loop/body", "Tanh");
  b.Node("loop/NextIteration", "NextIteration");
  b.Edge("b/y", "loop/Enter");
  b.Edge("loop/Enter", "loop/Merge");
  b.Edge("loop/Merge", "loop/Switch");
  b.Edge("loop/Switch", "loop/body");
  b.Edge("loop/body", "loop/NextIteration");
  b.Edge("loop/NextIteration", "loop/Merge");
  for (Expansion e : {Expansion::kAll, Expansion::kCollapsed}) {
    auto r = LayoutGraph(b.in, Options(e));
    ASSERT_TRUE(r.ok());
    CheckResult(*r);
    if (e == Expansion::kAll) {
      // The loop is broken at NextIteration → Merge; the a ⇄ b cycle at
      // the top level somewhere between a and b.
      int loop_back = 0, other_back = 0;
      for (const RoutedEdge& edge : r->edges) {
        const std::string& src = r->nodes[edge.src].id;
        if (src.rfind("loop/", 0) == 0) {
          loop_back += edge.back;
          EXPECT_EQ(edge.back, src == "loop/NextIteration") << src;
        } else {
          other_back += edge.back;
        }
      }
      EXPECT_EQ(loop_back, 1);
      EXPECT_GE(other_back, 1);
    }
  }
}

TEST(LayoutTest, WideGroupsSplitIntoSections) {
  Builder b;
  for (int i = 0; i < 1000; ++i) b.Edge("n" + std::to_string(i), "n" + std::to_string((i * 7 + 3) % 1000));
  LayoutOptions o = Options(Expansion::kCollapsed);
  o.max_group_children = 30;
  o.series_min_size = 0;  // n0 ... n999 would fold into one series first
  auto session = LayoutSession::Create(b.in, o);
  ASSERT_TRUE(session.ok());
  const Hierarchy& h = (*session)->hierarchy();
  EXPECT_GT(h.num_sections, 0);
  for (const HierarchyGroup& g : h.groups) EXPECT_LE(g.children.size(), 30u) << g.path;
  LayoutResult r = (*session)->Layout();
  EXPECT_LE(r.nodes.size(), 30u);
  CheckResult(r);
  (*session)->SetExpansion(Expansion::kAll);
  r = (*session)->Layout();
  EXPECT_EQ(r.nodes.size(), 1000u);
  EXPECT_EQ(r.edges.size(), 1000u);
  CheckResult(r);
}

TEST(LayoutTest, SplineRoutes) {
  Builder b = TwoScopes();
  LayoutOptions o = Options(Expansion::kAll);
  o.edge_style = EdgeStyle::kSpline;
  auto r = LayoutGraph(b.in, o);
  ASSERT_TRUE(r.ok());
  CheckResult(*r);
  for (const RoutedEdge& e : r->edges) EXPECT_EQ(e.num_points % 3, 1u);
  EXPECT_NE(LayoutResultToJson(*r, false).find("\"edge_style\":\"spline\""), std::string::npos);
}

TEST(LayoutTest, JsonShape) {
  Builder b = TwoScopes();
  b.in.nodes[0].id = "a/\"quoted\"\n";
  auto r = LayoutGraph(b.in, Options(Expansion::kAll));
  ASSERT_TRUE(r.ok());
  std::string json = LayoutResultToJson(*r, true);
  EXPECT_EQ(json.front(), '{');
  EXPECT_NE(json.find("\"id\":\"a/\\\"quoted\\\"\\n\""), std::string::npos);
  EXPECT_NE(json.find("\"times_ms\":{"), std::string::npos);
  EXPECT_EQ(LayoutResultToJson(*r, false).find("times_ms"), std::string::npos);
  std::string graph = VisibleGraphToJson(*r);
  EXPECT_EQ(std::count(graph.begin(), graph.end(), '['), 1 + 1 + 1 + 6);  // nodes, groups, edges, 6 pairs
  std::string input = LayoutInputToJson(b.in);
  EXPECT_NE(input.find("\"scope\":\"b\""), std::string::npos);
}

}  // namespace
}  // namespace ckptview::graph::layout
