// Graph view numbers at scale: a 100k-node synthetic TF1 training graph
// (open, first scene, expanding its biggest group, search) and real training
// graphs from ../shared/realdata when present. Timings are printed for the
// record; bounds are loose so only a pathological slowdown fails.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "app/app.h"
#include "app/graph_font.h"
#include "app/graph_view.h"
#include "formats/disk_file_source.h"
#include "graph/layout/synthetic_graph.h"

namespace ckptview::app {
namespace {

namespace fs = std::filesystem;
namespace gl = graph::layout;

double MsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

// A TF1-style training graph of about `target` nodes as a GraphDef (the
// layout engine's synthetic graph with its edges turned into inputs).
tensorflow::GraphDef SyntheticGraphDef(int target) {
  gl::TrainingGraphSpec spec;
  spec.target_nodes = target;
  const gl::LayoutInput in = gl::MakeTrainingGraph(spec);
  tensorflow::GraphDef def;
  for (const gl::LayoutNode& n : in.nodes) {
    tensorflow::NodeDef* nd = def.add_node();
    nd->set_name(n.id);
    nd->set_op(n.op.empty() ? "Identity" : n.op);
  }
  for (const gl::LayoutEdge& e : in.edges)
    def.mutable_node(e.dst)->add_input((e.is_control ? "^" : "") + in.nodes[e.src].id);
  return def;
}

// Numbers for the report: open (layout + first scene), an expand, a scene
// rebuild, on a 100k-node graph; printed, with loose bounds so that a
// pathological slowdown fails.
TEST(GraphViewScaleTest, HundredThousandNodeTrainingGraph) {
  const tensorflow::GraphDef def = SyntheticGraphDef(100000);
  auto g = graph::Graph::Build(&def);
  ASSERT_TRUE(g.ok()) << g.status().message();
  auto t0 = std::chrono::steady_clock::now();
  auto view = GraphView::Create(g.value(), &GraphFont::Default());
  ASSERT_TRUE(view.ok()) << view.status().message();
  const double create_ms = MsSince(t0);
  GraphView& v = *view.value();
  const double first_layout_ms = v.level().layout_ms;
  const GraphScene& s = v.scene();  // built by the open
  const size_t rects = s.rects.size(), glyphs = s.glyphs.size();
  // Expand the biggest collapsed box.
  int32_t best = -1, most = 0;
  for (const auto& n : v.level().layout.nodes)
    if (n.kind != gl::ItemKind::kNode && v.level().session->group(n.item).num_nodes > most)
      most = v.level().session->group(n.item).num_nodes, best = n.item;
  ASSERT_GE(best, 0);
  t0 = std::chrono::steady_clock::now();
  v.ToggleGroup(best);
  v.FinishLayout();
  v.scene();
  const double expand_ms = MsSince(t0);
  t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(v.Search("Conv2D").ok());
  v.scene();
  const double search_ms = MsSince(t0);
  const size_t plain_hits = v.search().hits.size();
  t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(v.Search("Conv2D|conv_[0-9]+/Relu$").ok());
  const double regex_ms = MsSince(t0);
  EXPECT_GT(v.search().hits.size(), plain_hits);
  std::printf("100k graph: %d nodes, open %.0f ms (view %.0f ms, first layout %.1f ms; its scene: %zu rects, %zu glyphs); "
              "expand %s (%d nodes) %.1f ms (layout %.1f ms, %zu boxes); search %zu hits + scene %.1f ms; "
              "regex search %.1f ms\n",
              g.value().num_nodes(), create_ms, v.level().open_ms, first_layout_ms, rects, glyphs,
              v.level().session->group(best).path.c_str(), most, expand_ms, v.level().layout_ms,
              v.level().layout.nodes.size(), plain_hits, search_ms, regex_ms);
  EXPECT_LT(create_ms, 30000);
  EXPECT_LT(expand_ms, 10000);
}

// The largest collapsed box in view: its group.
int32_t BiggestCollapsedGroup(const GraphView& v) {
  int32_t best = -1, most = 0;
  for (const auto& n : v.level().layout.nodes)
    if (n.kind != gl::ItemKind::kNode && v.level().session->group(n.item).num_nodes > most)
      most = v.level().session->group(n.item).num_nodes, best = n.item;
  return best;
}

// An expand lands over several frames, a short slice each, while the old
// layout and scene stay on screen and the user pans; then the group's frame
// sits where its box is, the pan kept. The slices' longest time is printed
// next to the whole relayout's.
TEST(GraphViewScaleTest, AnExpandLandsInSlicesWhileTheOldSceneStays) {
  const tensorflow::GraphDef def = SyntheticGraphDef(20000);
  auto g = graph::Graph::Build(&def);
  ASSERT_TRUE(g.ok()) << g.status().message();
  auto view = GraphView::Create(g.value(), &GraphFont::Default());
  ASSERT_TRUE(view.ok()) << view.status().message();
  GraphView& v = *view.value();
  v.SetCanvasSize(1200, 800);
  const uint64_t version = v.scene().version;
  const size_t boxes = v.level().layout.nodes.size();
  const int32_t group = BiggestCollapsedGroup(v);
  ASSERT_GT(group, 0);
  const int placed = [&] {
    for (size_t i = 0; i < v.level().layout.nodes.size(); ++i)
      if (v.level().layout.nodes[i].item == group && v.level().layout.nodes[i].kind != gl::ItemKind::kNode)
        return static_cast<int>(i);
    return -1;
  }();
  ASSERT_GE(placed, 0);
  float box_sx, box_sy;
  v.camera().WorldToScreen(v.level().layout.nodes[placed].x, v.level().layout.nodes[placed].y, 1200, 800, &box_sx,
                           &box_sy);

  v.ToggleGroup(group);
  int slices = 0;
  double longest = 0;
  for (bool more = true; more; ++slices) {
    ASSERT_TRUE(v.layout_pending());
    if (slices == 1) v.camera().Pan(37, -21);
    const auto t0 = std::chrono::steady_clock::now();
    more = v.Advance(0);  // one slice per call
    longest = std::max(longest, MsSince(t0));
    if (more) {
      EXPECT_EQ(v.scene().version, version);
      EXPECT_EQ(v.level().layout.nodes.size(), boxes);
    }
  }
  EXPECT_FALSE(v.layout_pending());
  EXPECT_GE(slices, 4);  // interiors, the composition, the scene, the swap
  EXPECT_EQ(v.scene().version, version + 1);
  EXPECT_GT(v.level().layout.nodes.size(), boxes);
  const gl::PlacedGroup* frame = nullptr;
  for (const auto& pg : v.level().layout.groups)
    if (pg.group == group) frame = &pg;
  ASSERT_NE(frame, nullptr);
  float frame_sx, frame_sy;
  v.camera().WorldToScreen(frame->x, frame->y, 1200, 800, &frame_sx, &frame_sy);
  EXPECT_NEAR(frame_sx, box_sx + 37, 0.5);
  EXPECT_NEAR(frame_sy, box_sy - 21, 0.5);
  const size_t expanded_boxes = v.level().layout.nodes.size();

  // Toggles while one is pending: it starts over from the newest state.
  v.ToggleGroup(group);
  v.Advance(0);
  v.ToggleGroup(group);
  v.FinishLayout();
  EXPECT_EQ(v.level().layout.nodes.size(), expanded_boxes);

  // The same expand in one go, for the record.
  v.ToggleGroup(group);
  v.FinishLayout();
  auto t0 = std::chrono::steady_clock::now();
  v.ToggleGroup(group);
  v.FinishLayout();
  const double whole_ms = MsSince(t0);
  std::printf("expand %s (%d nodes) on a %d-node graph: %d slices, the longest %.1f ms; in one go %.1f ms\n",
              v.level().session->group(group).path.c_str(), v.level().session->group(group).num_nodes,
              g.value().num_nodes(), slices, longest, whole_ms);
}

TEST(GraphViewScaleTest, RealTrainingGraphs) {
  for (const char* dir : {"ipo-widedeep-estimator", "t5-mtf_tiny-bf16-PARTIAL", "tfx-estimator-2022"}) {
    const fs::path path = fs::path(CKPT_REALDATA_DIR) / dir;
    if (!fs::exists(path)) continue;
    App app;
    auto source = formats::DiskFileSource::Open(path.string());
    ASSERT_TRUE(source.ok());
    auto t0 = std::chrono::steady_clock::now();
    ASSERT_TRUE(app.Open(std::move(source).value(), dir).ok());
    const double open_ms = MsSince(t0);
    t0 = std::chrono::steady_clock::now();
    GraphView* view = app.GraphViewOf();
    ASSERT_NE(view, nullptr) << dir;
    const GraphScene& s = view->scene();
    const double view_ms = MsSince(t0);
    std::printf("%s: %d nodes, open %.0f ms, view %.0f ms (layout %.1f ms), %zu boxes, %zu edges, %zu rects, "
                "%zu segments, %zu glyphs\n",
                dir, view->level().graph->num_nodes(), open_ms, view_ms, view->level().layout_ms,
                view->level().layout.nodes.size(), view->level().layout.edges.size(), s.rects.size(),
                s.segments.size(), s.glyphs.size());
    EXPECT_GT(s.rects.size(), 0u);
  }
}

}  // namespace
}  // namespace ckptview::app
