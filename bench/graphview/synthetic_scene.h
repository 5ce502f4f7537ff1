// A graph-view scene for frame-time benchmarks, made the way the app makes
// one: a synthetic TF1 training graph (graph/layout/synthetic_graph.h) as a
// GraphDef, laid out fully expanded by the real layout engine, and turned
// into a GraphScene by the app's BuildGraphScene with the label font. Used
// by bench/graphview/frame_bench.cc natively and by the page's bench hook
// (src/platform/web_main.cc) in the browser, so both draw the same scene.
#pragma once

#include <cstdint>
#include <memory>

#include "app/graph_scene.h"
#include "app/graph_view.h"
#include "base/status.h"
#include "graph.pb.h"
#include "graph/graph.h"
#include "graph/layout/layout.h"

namespace ckptview::bench {

// The synthetic TF1 training graph of about `target_nodes` ops
// (graph/layout/synthetic_graph.h) as the GraphDef a real model would have.
tensorflow::GraphDef SyntheticGraphDef(int32_t target_nodes);

// Expand benchmarks (expand_bench.cc, browser_frames.mjs through the page):
// the collapsed box in `view`'s layout that hides the most nodes (-1: none),
// and the camera put on a group's box at `scale`, as a user who is about to
// double-click it would.
int32_t BiggestCollapsedGroup(const app::GraphView& view);
void LookAtGroup(app::GraphView& view, int32_t group, float scale);

struct SyntheticScene {
  tensorflow::GraphDef def;
  std::unique_ptr<graph::Graph> graph;  // over `def`
  std::unique_ptr<graph::layout::LayoutSession> session;
  graph::layout::LayoutResult layout;
  app::GraphScene scene;
  int visible_nodes = 0;  // boxes on screen (op nodes and collapsed groups)
  float focus_x = 0, focus_y = 0;  // a node in the middle of the graph, for zoomed-in views
  double layout_ms = 0, scene_ms = 0;
};

// About `target_nodes` ops, every group expanded (so visible boxes are close
// to the op count; hubs stay in their shelves). Fails only if the layout
// engine rejects the input, which would be a bug.
Result<std::unique_ptr<SyntheticScene>> MakeSyntheticScene(int32_t target_nodes);

// Camera scale that fits the whole scene into a `width` x `height` viewport.
float FitScale(const app::GraphScene& scene, float width, float height);

// The largest camera scale (within 1/1000 of it) at which a `width` x
// `height` viewport centred on (cx, cy) holds at least `boxes` laid-out
// boxes whole; 0 if the layout has fewer. `*inside` (optional) gets how many
// it holds there.
float ScaleShowing(const SyntheticScene& s, int boxes, float width, float height, float cx, float cy,
                   int* inside = nullptr);

}  // namespace ckptview::bench
