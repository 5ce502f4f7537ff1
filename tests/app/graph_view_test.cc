// The graph view without a window: real TF graphs from tests/fixtures/graphs
// laid out, turned into scenes, searched, expanded and collapsed, clicked,
// frozen-highlighted and opened into function bodies; the camera's math; and
// headless ImGui frames whose draw callbacks run against a recording
// renderer, as ImGui's GL backend would run them.
#include "app/graph_view.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <set>

#include "app/app.h"
#include "app/graph_font.h"
#include "app/graph_function.h"
#include "app/graph_style.h"
#include "app/imgui_setup.h"
#include "formats/disk_file_source.h"
#include "graph/freeze_rewrite.h"
#include "graph/variables.h"
#include "imgui.h"

namespace ckptview::app {
namespace {

namespace fs = std::filesystem;
namespace gl = graph::layout;

// Opens fixture graphs/<name> from disk (reads served from the same files).
int OpenFixture(App& app, const std::string& name) {
  auto source = formats::DiskFileSource::Open((fs::path(CKPT_FIXTURES_DIR) / "graphs" / name).string());
  EXPECT_TRUE(source.ok()) << source.status().message();
  if (!source.ok()) return -1;
  auto id = app.Open(std::move(source).value(), name);
  EXPECT_TRUE(id.ok()) << id.status().message();
  return id.ok() ? id.value() : -1;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// The scene rect drawn for placed box `n` (the last one with its geometry:
// series draw their stack first).
const SceneRect* RectOf(const GraphScene& scene, const gl::PlacedNode& n) {
  const SceneRect* found = nullptr;
  for (const SceneRect& r : scene.rects)
    if (r.x == n.x && r.y == n.y && r.w == n.w && r.h == n.h) found = &r;
  return found;
}

TEST(GraphViewTest, SceneCountsMatchTheLayout) {
  App app;
  ASSERT_GT(OpenFixture(app, "conv"), 0);
  GraphView* view = app.GraphViewOf();
  ASSERT_NE(view, nullptr);
  const gl::LayoutResult& r = view->level().layout;
  ASSERT_GT(r.nodes.size(), 5u);
  ASSERT_GT(r.edges.size(), 5u);
  const GraphScene& scene = view->scene();
  size_t series = 0, routed = 0;
  for (const auto& n : r.nodes) series += n.kind == gl::ItemKind::kSeries;
  for (const auto& e : r.edges) routed += e.num_points >= 2;
  EXPECT_EQ(scene.rects.size(), r.nodes.size() + 2 * series + r.stubs.size());
  EXPECT_EQ(scene.frames.size(), r.groups.size());
  EXPECT_GE(scene.fills.size(), r.groups.empty() ? 0u : 1u);
  EXPECT_EQ(scene.arrows.size(), routed);
  EXPECT_GE(scene.segments.size(), routed + 4 * r.groups.size());  // edges, and the frames' outlines
  EXPECT_GT(scene.glyphs.size(), r.nodes.size());  // every box has a label
  ASSERT_NE(scene.atlas, nullptr);
  EXPECT_LE(scene.min_x, 0);
  EXPECT_GE(scene.max_x, r.width);
  EXPECT_GE(scene.max_y, r.height);

  const std::string report = app.ReportJson();
  EXPECT_TRUE(Contains(report, "\"visible_nodes\":" + std::to_string(r.nodes.size()))) << report;
  EXPECT_TRUE(Contains(report, "\"rects\":" + std::to_string(scene.rects.size()))) << report;
  EXPECT_TRUE(Contains(report, "\"glyphs\":" + std::to_string(scene.glyphs.size()))) << report;
}

TEST(GraphViewTest, ColoursFollowOpFamilyOrDevice) {
  App app;
  ASSERT_GT(OpenFixture(app, "dense"), 0);
  GraphView* view = app.GraphViewOf();
  ASSERT_NE(view, nullptr);
  ASSERT_TRUE(view->SelectNode("dense1/kernel", true).ok());
  view->ClearSelection();
  const int placed = view->PlacedIndexOf(view->level().graph->Find("dense1/kernel"));
  ASSERT_GE(placed, 0);
  const gl::PlacedNode n = view->level().layout.nodes[placed];
  EXPECT_EQ(RectOf(view->scene(), n)->fill, OpFamilyColor(OpFamily::kVariable));
  view->SetColorMode(GraphColorMode::kDevice);
  const auto& def = *view->level().graph->node(n.item).def;
  EXPECT_EQ(RectOf(view->scene(), n)->fill, DeviceColor(def.device()));
  EXPECT_EQ(OpFamilyOf("MatMul"), OpFamily::kMath);
  EXPECT_EQ(OpFamilyOf("Conv2D"), OpFamily::kNN);
  EXPECT_EQ(OpFamilyOf("Merge"), OpFamily::kControlFlow);
}

// An expanded group's frame is filled once per pixel: its box minus its
// child frames, in the colour its nesting adds up to (what drawing each
// frame whole, outer first, would show), the pieces disjoint and covering
// the top-level frames exactly.
TEST(GraphViewTest, FrameFillsTileEachFrameOnceInItsNestingsColour) {
  App app;
  ASSERT_GT(OpenFixture(app, "conv"), 0);
  GraphView* view = app.GraphViewOf();
  ASSERT_NE(view, nullptr);
  const gl::LayoutResult& r = view->level().layout;
  const GraphScene& scene = view->scene();
  bool nested = false;
  double top_area = 0;
  for (const gl::PlacedGroup& g : r.groups) {
    nested |= g.parent >= 0;
    if (g.parent < 0) top_area += double{g.w} * g.h;
  }
  ASSERT_TRUE(nested) << "the fixture opens with nested groups expanded";
  EXPECT_EQ(Over(graph_colors::kGroupFill, graph_colors::kGroupFill), 0x2AFFFFFFu);  // 1 - (1 - 22/255)^2
  auto inside = [](const SceneRect& f, const gl::PlacedGroup& g) {
    const float e = 1e-3f;
    return f.x - 0.5f * f.w >= g.x - 0.5f * g.w - e && f.x + 0.5f * f.w <= g.x + 0.5f * g.w + e &&
           f.y - 0.5f * f.h >= g.y - 0.5f * g.h - e && f.y + 0.5f * f.h <= g.y + 0.5f * g.h + e;
  };
  double fill_area = 0;
  for (size_t i = 0; i < scene.fills.size(); ++i) {
    const SceneRect& f = scene.fills[i];
    fill_area += double{f.w} * f.h;
    EXPECT_LT(f.border_px, 0);  // pixel-snapped: pieces tile without seams
    uint32_t want = 0;
    int depth = 0;
    for (const gl::PlacedGroup& g : r.groups) depth += inside(f, g);
    for (int k = 0; k < depth; ++k) want = want ? Over(graph_colors::kGroupFill, want) : graph_colors::kGroupFill;
    EXPECT_GE(depth, 1) << "fill " << i << " lies in no frame";
    EXPECT_EQ(f.fill, want) << "fill " << i << " inside " << depth << " frames";
    for (size_t j = i + 1; j < scene.fills.size(); ++j) {
      const SceneRect& o = scene.fills[j];
      const float ox = std::min(f.x + 0.5f * f.w, o.x + 0.5f * o.w) - std::max(f.x - 0.5f * f.w, o.x - 0.5f * o.w);
      const float oy = std::min(f.y + 0.5f * f.h, o.y + 0.5f * o.h) - std::max(f.y - 0.5f * f.h, o.y - 0.5f * o.h);
      EXPECT_FALSE(ox > 1e-3f && oy > 1e-3f) << "fills " << i << " and " << j << " overlap";
    }
  }
  EXPECT_NEAR(fill_area, top_area, 1e-4 * top_area);
}

TEST(GraphViewTest, ExpandCollapseChangesVisibleNodesAndBumpsVersion) {
  App app;
  ASSERT_GT(OpenFixture(app, "conv"), 0);
  GraphView* view = app.GraphViewOf();
  ASSERT_NE(view, nullptr);
  const std::vector<std::string> expanded = view->ExpandedGroups();
  ASSERT_FALSE(expanded.empty());
  // The biggest open group.
  std::string path;
  int most = 0;
  for (const std::string& p : expanded) {
    const int32_t g = view->level().session->FindGroup(p);
    if (view->level().session->group(g).num_nodes > most) most = view->level().session->group(g).num_nodes, path = p;
  }
  const size_t visible = view->level().layout.nodes.size();
  const uint64_t v0 = view->scene().version;
  EXPECT_EQ(view->scene().version, v0) << "nothing changed: the scene is not rebuilt";

  ASSERT_TRUE(app.GraphExpand(path, false).ok());
  EXPECT_LT(view->level().layout.nodes.size(), visible);
  const uint64_t v1 = view->scene().version;
  EXPECT_GT(v1, v0);
  const auto& ex = view->ExpandedGroups();
  EXPECT_EQ(std::find(ex.begin(), ex.end(), path), ex.end());
  // Only the toggled group and its ancestors were laid out again.
  EXPECT_LE(view->level().layout.stats.groups_laid_out, view->level().session->group(view->level().session->FindGroup(path)).depth + 1);

  ASSERT_TRUE(app.GraphExpand(path, true).ok());
  EXPECT_EQ(view->level().layout.nodes.size(), visible);
  EXPECT_GT(view->scene().version, v1);
  EXPECT_FALSE(app.GraphExpand("no/such/scope").ok());
  EXPECT_TRUE(Contains(app.ReportJson(), "\"expanded\":[")) << app.ReportJson();
}

TEST(GraphViewTest, RegexSearchFindsNamesAndOpsAndSteps) {
  App app;
  ASSERT_GT(OpenFixture(app, "conv"), 0);
  GraphView* view = app.GraphViewOf();
  ASSERT_NE(view, nullptr);
  const graph::Graph& g = *view->level().graph;
  int expected = 0;
  for (int i = 0; i < g.num_nodes(); ++i)
    expected += g.op(i) == "Conv2D" || g.name(i).find("Conv2D") != std::string::npos;
  ASSERT_GT(expected, 1);
  ASSERT_TRUE(app.GraphSearch("^Conv2D$|Conv2D").ok());
  EXPECT_EQ(static_cast<int>(view->search().hits.size()), expected);
  EXPECT_EQ(view->search().current, 0);

  ASSERT_TRUE(app.GraphNextHit().ok());
  EXPECT_EQ(view->search().current, 1);
  const int hit = view->search().hits[1];
  EXPECT_EQ(view->level().selected, hit);
  // The jump made the hit visible and centred it.
  const int placed = view->PlacedIndexOf(hit);
  ASSERT_GE(placed, 0);
  EXPECT_FLOAT_EQ(view->camera().center_x, view->level().layout.nodes[placed].x);
  EXPECT_EQ(RectOf(view->highlights(), view->level().layout.nodes[placed])->border, graph_colors::kSelected);
  ASSERT_TRUE(app.GraphNextHit(false).ok());
  ASSERT_TRUE(app.GraphNextHit(false).ok());
  EXPECT_EQ(view->search().current, expected - 1);  // wraps around

  const std::string report = app.ReportJson();
  EXPECT_TRUE(Contains(report, "\"hits\":" + std::to_string(expected))) << report;
}

TEST(GraphViewTest, BadRegexIsAnErrorNotACrash) {
  App app;
  ASSERT_GT(OpenFixture(app, "dense"), 0);
  ASSERT_TRUE(app.GraphSearch("dense").ok());
  EXPECT_GT(app.GraphViewOf()->search().hits.size(), 0u);
  Status s = app.GraphSearch("dense1/(kernel");
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "bad regular expression")) << s.message();
  EXPECT_TRUE(app.GraphViewOf()->search().hits.empty());
  EXPECT_FALSE(app.GraphViewOf()->search().error.empty());
  EXPECT_TRUE(Contains(app.ReportJson(), "\"error\":\"bad regular expression")) << app.ReportJson();
  EXPECT_FALSE(app.GraphNextHit().ok());
}

TEST(GraphViewTest, SelectingAVariableLoadsItsValues) {
  App app;
  const int id = OpenFixture(app, "dense");
  ASSERT_GT(id, 0);
  const Document* doc = app.FindDocument(id);
  const graph::VariableBinding* b = doc->model->bindings.Find("dense1/kernel");
  ASSERT_NE(b, nullptr);
  ASSERT_EQ(b->state, graph::BindingState::kBound);
  ASSERT_TRUE(app.GraphSelect("dense1/kernel").ok());
  EXPECT_EQ(app.selected().key, b->key);
  app.ServeReadsFromSources();
  ASSERT_EQ(app.selected().state, SelectedValue::State::kLoaded) << app.selected().error;
  EXPECT_EQ(app.selected().tensor.shape, (Shape{4, 8}));
  EXPECT_TRUE(Contains(app.ReportJson(), "\"selected\":\"dense1/kernel\"")) << app.ReportJson();

  // A non-variable node loads nothing.
  ASSERT_TRUE(app.GraphSelect("probs").ok());
  EXPECT_EQ(app.selected().key, b->key);
}

TEST(GraphViewTest, ConstValueShowsInTheValueView) {
  App app;
  const int id = OpenFixture(app, "dense");
  GraphView* view = app.GraphViewOf();
  const graph::Graph& g = *view->level().graph;
  int c = -1;
  for (int i = 0; i < g.num_nodes() && c < 0; ++i)
    if (g.op(i) == "Const") c = i;
  ASSERT_GE(c, 0);
  const auto& value = g.node(c).def->attr().at("value").tensor();
  ASSERT_TRUE(app.ShowTensor(id, g.name(c) + ".value", value).ok());
  EXPECT_EQ(app.selected().state, SelectedValue::State::kLoaded);
  EXPECT_EQ(app.selected().key, g.name(c) + ".value");
  tensorflow::TensorProto bad;
  bad.set_dtype(tensorflow::DT_FLOAT);
  bad.mutable_tensor_shape()->add_dim()->set_size(4);
  bad.set_tensor_content("abc");  // 3 bytes for 4 floats
  EXPECT_FALSE(app.ShowTensor(id, "bad", bad).ok());
  EXPECT_EQ(app.selected().state, SelectedValue::State::kFailed);
}

// A click or a search changes only the highlights drawn over the scene:
// the scene (every box, edge and label) is not rebuilt or uploaded again.
TEST(GraphViewTest, SelectionAndHitsRebuildOnlyTheHighlights) {
  App app;
  ASSERT_GT(OpenFixture(app, "conv"), 0);
  GraphView* view = app.GraphViewOf();
  ASSERT_NE(view, nullptr);
  const uint64_t scene_version = view->scene().version;
  EXPECT_TRUE(view->highlights().rects.empty());
  const uint64_t h0 = view->highlights().version;

  // The visible node with the most edges.
  const gl::LayoutResult& layout = view->level().layout;
  std::vector<int> degree(layout.nodes.size());
  for (const gl::RoutedEdge& e : layout.edges) ++degree[e.src], ++degree[e.dst];
  int placed = -1;
  for (size_t i = 0; i < layout.nodes.size(); ++i)
    if (layout.nodes[i].kind == gl::ItemKind::kNode && (placed < 0 || degree[i] > degree[placed])) placed = int(i);
  ASSERT_GE(placed, 0);
  ASSERT_GT(degree[placed], 0);
  view->SelectNodeIndex(layout.nodes[placed].item, false);
  EXPECT_EQ(view->scene().version, scene_version);
  const GraphScene& h = view->highlights();
  EXPECT_GT(h.version, h0);
  ASSERT_EQ(h.rects.size(), 1u);
  EXPECT_EQ(RectOf(h, layout.nodes[placed])->border, graph_colors::kSelected);
  EXPECT_EQ(h.arrows.size(), size_t(degree[placed]));  // each of its edges, once, in the selection colour
  for (const SceneSegment& seg : h.segments) EXPECT_EQ(seg.color, graph_colors::kSelectedEdge);

  ASSERT_TRUE(app.GraphSearch("Conv2D").ok());
  EXPECT_EQ(view->scene().version, scene_version);
  EXPECT_GT(view->highlights().rects.size(), 1u);
}

TEST(GraphViewTest, FreezeOutputsHighlightExactlyTheKeptNodes) {
  App app;
  const int id = OpenFixture(app, "dense");
  GraphView* view = app.GraphViewOf();
  ASSERT_NE(view, nullptr);
  EXPECT_FALSE(view->kept_active());
  const uint64_t v0 = view->scene().version;
  ASSERT_TRUE(app.SetFreezeOutputs({"probs"}).ok());
  view = app.GraphViewOf();  // syncs with the document's outputs
  ASSERT_TRUE(view->kept_active());
  const Document* doc = app.FindDocument(id);
  EXPECT_EQ(view->kept_count(), doc->kept_nodes);
  auto kept = graph::ExtractSubgraph(doc->model->graph->def(), {"probs"});
  ASSERT_TRUE(kept.ok());
  const std::set<int> kept_set(kept.value().begin(), kept.value().end());
  const graph::Graph& g = *view->level().graph;
  int kept_count = 0;
  for (int i = 0; i < g.num_nodes(); ++i) {
    EXPECT_EQ(view->IsKept(i), kept_set.count(i) == 1) << g.name(i);
    kept_count += view->IsKept(i);
  }
  EXPECT_EQ(kept_count, doc->kept_nodes);
  ASSERT_LT(kept_count, g.num_nodes());  // the training part is dropped
  // Kept boxes keep their colour, the others are dimmed.
  const GraphScene& scene = view->scene();
  EXPECT_GT(scene.version, v0);
  int dimmed = 0, bright = 0;
  for (const auto& n : view->level().layout.nodes) {
    if (n.kind != gl::ItemKind::kNode) continue;
    const SceneRect* r = RectOf(scene, n);
    ASSERT_NE(r, nullptr);
    const bool full = r->fill == OpFamilyColor(OpFamilyOf(g.op(n.item)));
    EXPECT_EQ(full, view->IsKept(n.item)) << n.id;
    (full ? bright : dimmed)++;
  }
  EXPECT_GT(dimmed, 0);
  EXPECT_GT(bright, 0);
  EXPECT_TRUE(Contains(app.ReportJson(), "\"kept_nodes\":" + std::to_string(doc->kept_nodes))) << app.ReportJson();
  ASSERT_TRUE(app.SetFreezeOutputs({}).ok());
  EXPECT_FALSE(app.GraphViewOf()->kept_active());
}

TEST(GraphViewTest, FunctionBodyOpensAndGoesBack) {
  App app;
  ASSERT_GT(OpenFixture(app, "keras_savedmodel"), 0);
  GraphView* view = app.GraphViewOf();
  ASSERT_NE(view, nullptr);
  const graph::Graph& g = view->root_graph();
  std::string caller, function;
  for (int i = 0; i < g.num_nodes() && function.empty(); ++i) {
    if (g.op(i) != "StatefulPartitionedCall" && g.op(i) != "PartitionedCall") continue;
    const auto called = CalledFunctions(*g.node(i).def, g);
    if (!called.empty()) caller = g.name(i), function = called[0];
  }
  ASSERT_FALSE(function.empty()) << "no call node in the fixture";
  ASSERT_TRUE(app.GraphSelect(caller).ok());
  ASSERT_TRUE(app.GraphOpenFunction(function).ok());
  ASSERT_EQ(view->levels().size(), 2u);
  const GraphLevel& body = view->level();
  EXPECT_EQ(body.function, function);
  const auto& fdef = g.def().library().function(g.FindFunction(function));
  EXPECT_EQ(body.graph->num_nodes(),
            fdef.node_def_size() + fdef.signature().input_arg_size() + fdef.signature().output_arg_size());
  // Function syntax inputs resolved: every input names a node of the body.
  EXPECT_TRUE(body.graph->unresolved().empty()) << body.graph->unresolved()[0];
  EXPECT_GT(body.layout.edges.size(), 0u);
  EXPECT_GT(view->scene().rects.size(), 0u);
  EXPECT_TRUE(Contains(app.ReportJson(), "\"level\":\"" + function + "\"")) << app.ReportJson();
  ASSERT_TRUE(app.GraphBack().ok());
  EXPECT_EQ(view->levels().size(), 1u);
  EXPECT_EQ(view->level().graph->name(view->level().selected), caller);  // the selection is kept per level
  EXPECT_FALSE(app.GraphOpenFunction("no_such_function").ok());
}

TEST(GraphViewTest, FunctionInputSyntaxIsRewritten) {
  EXPECT_EQ(FunctionInputToGraphInput("x"), "x");
  EXPECT_EQ(FunctionInputToGraphInput("^dep"), "^dep");
  EXPECT_EQ(FunctionInputToGraphInput("matmul:product:0"), "matmul");
  EXPECT_EQ(FunctionInputToGraphInput("split:output:2"), "split:2");
  EXPECT_EQ(FunctionInputToGraphInput("a:1"), "a:1");
  EXPECT_EQ(FunctionInputToGraphInput("a:out"), "a");
}

TEST(GraphViewTest, DoubleClickTogglesAGroupUnderTheCursor) {
  App app;
  ASSERT_GT(OpenFixture(app, "conv"), 0);
  GraphView* view = app.GraphViewOf();
  view->SetCanvasSize(1000, 700);
  // An expanded group: double-click its header to collapse it.
  const gl::PlacedGroup g = view->level().layout.groups.back();
  GraphCamera& cam = view->camera();
  cam.center_x = g.x, cam.center_y = g.y, cam.scale = 1;
  float sx, sy;
  cam.WorldToScreen(g.x - 0.5f * g.w + 4, g.y - 0.5f * g.h + 4, 1000, 700, &sx, &sy);
  const size_t before = view->level().layout.nodes.size();
  view->HandleClick(sx, sy, true);
  // The relayout lands over the next frames (Advance); until then the old
  // layout stays.
  EXPECT_TRUE(view->layout_pending());
  EXPECT_EQ(view->level().layout.nodes.size(), before);
  view->FinishLayout();
  EXPECT_FALSE(view->layout_pending());
  EXPECT_LT(view->level().layout.nodes.size(), before);
  // The collapsed box is under the cursor.
  float wx, wy;
  view->camera().ScreenToWorld(sx, sy, 1000, 700, &wx, &wy);
  const GraphHit hit = view->level().hits.Find(wx, wy);
  ASSERT_EQ(hit.kind, GraphHit::Kind::kNode);
  EXPECT_EQ(view->level().layout.nodes[hit.index].id, g.id);
  // And a second double-click opens it again.
  view->HandleClick(sx, sy, true);
  view->FinishLayout();
  EXPECT_EQ(view->level().layout.nodes.size(), before);

  // A single click on a node selects it; on empty space clears.
  const gl::PlacedNode n = view->level().layout.nodes[0];
  cam = view->camera();
  view->camera().WorldToScreen(n.x, n.y, 1000, 700, &sx, &sy);
  view->HandleClick(sx, sy, false);
  if (n.kind == gl::ItemKind::kNode) {
    EXPECT_EQ(view->level().selected, n.item);
  }
  view->HandleClick(-5000, -5000, false);
  EXPECT_EQ(view->level().selected, -1);
}

// A relayout builds its scene in slices: the pieces make the same scene.
TEST(GraphViewTest, SceneBuiltInPiecesIsTheWholeScene) {
  App app;
  ASSERT_GT(OpenFixture(app, "conv"), 0);
  const GraphLevel& l = app.GraphViewOf()->level();
  SceneInputs in;
  in.layout = &l.layout;
  in.hierarchy = &l.session->hierarchy();
  in.graph = l.graph;
  in.font = &GraphFont::Default();
  GraphScene whole, pieces;
  BuildGraphScene(in, &whole);
  GraphSceneBuild build(in, &pieces);
  int calls = 1;
  while (!build.Continue(3)) ++calls;
  EXPECT_GE(calls, static_cast<int>((l.layout.nodes.size() + l.layout.edges.size()) / 3));
  auto same = [](const auto& a, const auto& b) {
    return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(a[0])) == 0);
  };
  EXPECT_TRUE(same(pieces.rects, whole.rects));
  EXPECT_TRUE(same(pieces.segments, whole.segments));
  EXPECT_TRUE(same(pieces.arrows, whole.arrows));
  EXPECT_TRUE(same(pieces.glyphs, whole.glyphs));
  EXPECT_FALSE(whole.glyphs.empty());
  EXPECT_EQ(pieces.min_x, whole.min_x);
  EXPECT_EQ(pieces.max_y, whole.max_y);
  EXPECT_EQ(pieces.atlas, whole.atlas);
}

TEST(GraphViewTest, HitIndexFindsEveryBoxAndStub) {
  App app;
  ASSERT_GT(OpenFixture(app, "batchnorm_training"), 0);
  GraphView* view = app.GraphViewOf();
  const GraphLevel& l = view->level();
  for (size_t i = 0; i < l.layout.nodes.size(); ++i) {
    const GraphHit hit = l.hits.Find(l.layout.nodes[i].x, l.layout.nodes[i].y);
    ASSERT_EQ(hit.kind, GraphHit::Kind::kNode);
    EXPECT_EQ(hit.index, static_cast<int>(i));
  }
  for (size_t i = 0; i < l.layout.stubs.size(); ++i) {
    const GraphHit hit = l.hits.Find(l.layout.stubs[i].x, l.layout.stubs[i].y);
    ASSERT_EQ(hit.kind, GraphHit::Kind::kStub);
  }
  EXPECT_EQ(l.hits.Find(-1e6f, -1e6f).kind, GraphHit::Kind::kNone);
}

TEST(GraphViewTest, EmptyAndOddGraphsNeverCrash) {
  tensorflow::GraphDef def;
  auto g = graph::Graph::Build(&def);
  ASSERT_TRUE(g.ok());
  auto view = GraphView::Create(g.value(), nullptr);
  ASSERT_TRUE(view.ok()) << view.status().message();
  GraphView& v = *view.value();
  EXPECT_TRUE(v.scene().rects.empty());
  v.Fit();
  v.HandleClick(10, 10, true);
  EXPECT_TRUE(v.Search("x").ok());
  v.NextHit();
  EXPECT_FALSE(v.SelectNode("x").ok());
  EXPECT_FALSE(v.SetExpanded("a", true).ok());
  EXPECT_FALSE(v.OpenFunction("f").ok());
  // A node whose input names no node, and one reading itself.
  auto* a = def.add_node();
  a->set_name("a/b");
  a->set_op("Add");
  a->add_input("missing");
  a->add_input("a/b");
  auto g2 = graph::Graph::Build(&def);
  ASSERT_TRUE(g2.ok());
  auto view2 = GraphView::Create(g2.value(), nullptr);
  ASSERT_TRUE(view2.ok());
  ASSERT_TRUE(view2.value()->SelectNode("a/b").ok());
  EXPECT_FALSE(view2.value()->scene().rects.empty());
}

TEST(GraphViewTest, FitShowsTheScene) {
  App app;
  ASSERT_GT(OpenFixture(app, "conv"), 0);
  GraphView* view = app.GraphViewOf();
  view->SetCanvasSize(640, 480);
  view->camera().scale = 5;
  ASSERT_TRUE(app.GraphFit().ok());
  const GraphScene& s = view->scene();
  const WorldRect shown = view->camera().Visible(640, 480);
  EXPECT_LE(shown.min_x, s.min_x);
  EXPECT_GE(shown.max_x, s.max_x);
  EXPECT_LE(shown.min_y, s.min_y);
  EXPECT_GE(shown.max_y, s.max_y);
}

// ---- Headless frames ---------------------------------------------------------

class RecordingRenderer : public GraphRenderer {
 public:
  void Draw(const GraphScene& scene, const GraphViewport& viewport) override {
    calls.push_back(viewport);
    versions.push_back(scene.version);
    rects = scene.rects.size();
  }
  bool Prefetch(const GraphScene& next) override {
    prefetched = next.content;
    return true;
  }
  std::vector<GraphViewport> calls;
  uint64_t prefetched = 0;  // the contents of the last Prefetch
  std::vector<uint64_t> versions;
  size_t rects = 0;
};

// Runs the frame's draw callbacks as a GL backend does.
void RunCallbacks() {
  ImDrawData* data = ImGui::GetDrawData();
  for (int l = 0; l < data->CmdListsCount; ++l) {
    const ImDrawList* list = data->CmdLists[l];
    for (const ImDrawCmd& cmd : list->CmdBuffer)
      if (cmd.UserCallback && cmd.UserCallback != ImDrawCallback_ResetRenderState) cmd.UserCallback(list, &cmd);
  }
}

TEST(GraphViewTest, DrawsThroughTheRendererInHeadlessFrames) {
  ImGui::CreateContext();
  ConfigureImGui();
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(1280, 800);
  io.DisplayFramebufferScale = ImVec2(2, 2);
  io.DeltaTime = 1.0f / 60;
  unsigned char* pixels;
  int w, h;
  io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
  {
    App app;
    auto renderer = std::make_unique<RecordingRenderer>();
    RecordingRenderer* rec = renderer.get();
    app.SetGraphRenderer(std::move(renderer));
    ASSERT_GT(OpenFixture(app, "dense"), 0);
    app.ShowGraphView();
    for (int i = 0; i < 3; ++i) {
      ImGui::NewFrame();
      app.Draw();
      ImGui::Render();
      RunCallbacks();
    }
    ASSERT_GE(rec->calls.size(), 2u);
    const GraphViewport& main = rec->calls[rec->calls.size() - 2];
    const GraphViewport& mini = rec->calls.back();
    EXPECT_GT(main.w, 400);  // framebuffer pixels: twice ImGui's
    EXPECT_EQ(main.framebuffer_height, 1600);
    EXPECT_LT(mini.w, main.w);
    EXPECT_GT(mini.label_min_px, 1000);  // no labels in the minimap
    EXPECT_EQ(rec->rects, app.GraphViewOf()->scene().rects.size());
    EXPECT_EQ(rec->versions.front(), rec->versions.back()) << "no rebuild while nothing changes";
    // The canvas was fitted once its size was known.
    EXPECT_TRUE(app.GraphViewOf()->level().camera_placed);
    EXPECT_EQ(app.GraphViewOf()->minimap_marks_drawn(), 0);  // nothing selected or found yet
    // Select a variable from the panel's API, draw again: the value pane shows.
    ASSERT_TRUE(app.GraphSelect("dense1/kernel").ok());
    for (int i = 0; i < 2; ++i) {
      ImGui::NewFrame();
      app.Draw();
      ImGui::Render();
      app.ServeReadsFromSources();
      RunCallbacks();
    }
    EXPECT_EQ(app.selected().state, SelectedValue::State::kLoaded);
    // The selection is drawn over the scene, which is not uploaded again.
    EXPECT_EQ(rec->versions.back(), rec->versions.front());
    EXPECT_GT(app.GraphViewOf()->highlights_drawn(), 0);
    EXPECT_EQ(app.GraphViewOf()->minimap_marks_drawn(), 1);  // and marked on the minimap
    // Search hits too: a mark per outlined box, but one per 2x2 minimap pixels.
    ASSERT_TRUE(app.GraphSearch("dense").ok());
    ASSERT_GE(app.GraphViewOf()->search().hits.size(), 2u);
    ImGui::NewFrame();
    app.Draw();
    ImGui::Render();
    RunCallbacks();
    EXPECT_GT(app.GraphViewOf()->minimap_marks_drawn(), 1);
    EXPECT_LE(app.GraphViewOf()->minimap_marks_drawn(), static_cast<int>(app.GraphViewOf()->highlights().rects.size()));
    ASSERT_TRUE(app.GraphSearch("").ok());

    // A relayout keeps the app drawing frames while its view is on screen
    // (busy), lands over them, and waits while another tab is shown.
    auto frame = [&] {
      ImGui::NewFrame();
      app.Draw();
      ImGui::Render();
      RunCallbacks();
    };
    GraphView* view = app.GraphViewOf();
    const std::vector<std::string> expanded = view->ExpandedGroups();
    ASSERT_FALSE(expanded.empty());
    ASSERT_TRUE(view->SetExpanded(expanded[0], false).ok());
    EXPECT_TRUE(app.busy());
    view->FinishLayout();
    app.ShowGraphPanel();
    frame();
    ASSERT_TRUE(view->SetExpanded(expanded[0], true).ok());
    frame();
    EXPECT_TRUE(view->layout_pending());
    EXPECT_FALSE(app.busy());
    app.ShowGraphView();
    for (int i = 0; i < 20 && view->layout_pending(); ++i) frame();
    EXPECT_FALSE(view->layout_pending());
    EXPECT_FALSE(app.busy());
    EXPECT_GT(rec->versions.back(), rec->versions.front());  // the new scene was drawn
    EXPECT_EQ(view->scene().content, rec->prefetched);        // after the renderer had it
  }
  {
    App app;  // no renderer: the view still builds its scene
    ASSERT_GT(OpenFixture(app, "keras_savedmodel"), 0);
    app.ShowGraphView();
    for (int i = 0; i < 2; ++i) {
      ImGui::NewFrame();
      app.Draw();
      ImGui::Render();
    }
    ASSERT_NE(app.GraphViewOf(), nullptr);
    EXPECT_GT(app.GraphViewOf()->scene().rects.size(), 0u);
    app.ShowGraphPanel();  // the freeze panel is still there
    for (int i = 0; i < 2; ++i) {
      ImGui::NewFrame();
      app.Draw();
      ImGui::Render();
    }
  }
  ImGui::DestroyContext();
}

}  // namespace
}  // namespace ckptview::app
