// Graph view numbers at scale: a 100k-node synthetic TF1 training graph
// (open, first scene, expanding its biggest group, search) and real training
// graphs from ../shared/realdata when present. Timings are printed for the
// record; bounds are loose so only a pathological slowdown fails.
#include <gtest/gtest.h>

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
  t0 = std::chrono::steady_clock::now();
  const GraphScene& s = v.scene();
  const double scene_ms = MsSince(t0);
  const size_t rects = s.rects.size(), glyphs = s.glyphs.size();
  // Expand the biggest collapsed box.
  int32_t best = -1, most = 0;
  for (const auto& n : v.level().layout.nodes)
    if (n.kind != gl::ItemKind::kNode && v.level().session->group(n.item).num_nodes > most)
      most = v.level().session->group(n.item).num_nodes, best = n.item;
  ASSERT_GE(best, 0);
  t0 = std::chrono::steady_clock::now();
  v.ToggleGroup(best);
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
  std::printf("100k graph: %d nodes, open %.0f ms (view %.0f ms, first layout %.1f ms), first scene %.1f ms (%zu rects, %zu glyphs); "
              "expand %s (%d nodes) %.1f ms (layout %.1f ms, %zu boxes); search %zu hits + scene %.1f ms; "
              "regex search %.1f ms\n",
              g.value().num_nodes(), create_ms, v.level().open_ms, first_layout_ms, scene_ms, rects, glyphs,
              v.level().session->group(best).path.c_str(), most, expand_ms, v.level().layout_ms,
              v.level().layout.nodes.size(), plain_hits, search_ms, regex_ms);
  EXPECT_LT(create_ms, 30000);
  EXPECT_LT(expand_ms, 10000);
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
