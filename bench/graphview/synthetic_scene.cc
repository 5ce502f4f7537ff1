#include "synthetic_scene.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "app/graph_font.h"
#include "app/graph_scene_builder.h"
#include "graph/layout/synthetic_graph.h"

namespace ckptview::bench {
namespace {

namespace gl = graph::layout;

double MsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

tensorflow::GraphDef SyntheticGraphDef(int32_t target_nodes) {
  gl::TrainingGraphSpec spec;
  spec.target_nodes = target_nodes;
  const gl::LayoutInput input = gl::MakeTrainingGraph(spec);
  tensorflow::GraphDef def;
  for (const gl::LayoutNode& n : input.nodes) {
    tensorflow::NodeDef* node = def.add_node();
    node->set_name(n.id);
    node->set_op(n.op.empty() ? "Identity" : n.op);  // so that the scene colours nodes by op as in the app
  }
  for (const gl::LayoutEdge& e : input.edges)
    def.mutable_node(e.dst)->add_input((e.is_control ? "^" : "") + input.nodes[e.src].id);
  return def;
}

int32_t BiggestCollapsedGroup(const app::GraphView& view) {
  int32_t best = -1, most = 0;
  for (const gl::PlacedNode& n : view.level().layout.nodes)
    if (n.kind != gl::ItemKind::kNode && view.level().session->group(n.item).num_nodes > most)
      most = view.level().session->group(n.item).num_nodes, best = n.item;
  return best;
}

void LookAtGroup(app::GraphView& view, int32_t group, float scale) {
  for (const gl::PlacedNode& n : view.level().layout.nodes)
    if (n.kind != gl::ItemKind::kNode && n.item == group) {
      app::GraphCamera& c = view.camera();
      c.center_x = n.x, c.center_y = n.y, c.scale = scale;
    }
}

Result<std::unique_ptr<SyntheticScene>> MakeSyntheticScene(int32_t target_nodes) {
  auto s = std::make_unique<SyntheticScene>();
  s->def = SyntheticGraphDef(target_nodes);
  gl::TrainingGraphSpec spec;
  spec.target_nodes = target_nodes;
  gl::LayoutInput input = gl::MakeTrainingGraph(spec);
  CKPT_ASSIGN_OR_RETURN(graph::Graph g, graph::Graph::Build(&s->def));
  s->graph = std::make_unique<graph::Graph>(std::move(g));

  auto t0 = std::chrono::steady_clock::now();
  gl::LayoutOptions options;
  options.initial_expansion = gl::Expansion::kAll;
  CKPT_ASSIGN_OR_RETURN(s->session, gl::LayoutSession::Create(std::move(input), options));
  s->layout = s->session->Layout();
  s->layout_ms = MsSince(t0);
  s->visible_nodes = static_cast<int>(s->layout.nodes.size());
  if (!s->layout.nodes.empty()) {
    const gl::PlacedNode& mid = s->layout.nodes[s->layout.nodes.size() / 2];
    s->focus_x = mid.x, s->focus_y = mid.y;
  }

  t0 = std::chrono::steady_clock::now();
  app::SceneInputs in;
  in.layout = &s->layout;
  in.hierarchy = &s->session->hierarchy();
  in.graph = s->graph.get();
  in.font = &app::GraphFont::Default();
  app::BuildGraphScene(in, &s->scene);
  s->scene.version = 1;
  s->scene_ms = MsSince(t0);
  return s;
}

float FitScale(const app::GraphScene& scene, float width, float height) {
  const float w = std::max(scene.max_x - scene.min_x, 1.0f), h = std::max(scene.max_y - scene.min_y, 1.0f);
  return std::min(width / w, height / h) * 0.95f;
}

namespace {

int BoxesInside(const SyntheticScene& s, float scale, float width, float height, float cx, float cy) {
  const float hw = 0.5f * width / scale, hh = 0.5f * height / scale;
  int n = 0;
  for (const gl::PlacedNode& p : s.layout.nodes)
    n += p.x - 0.5f * p.w >= cx - hw && p.x + 0.5f * p.w <= cx + hw && p.y - 0.5f * p.h >= cy - hh &&
         p.y + 0.5f * p.h <= cy + hh;
  return n;
}

}  // namespace

float ScaleShowing(const SyntheticScene& s, int boxes, float width, float height, float cx, float cy, int* inside) {
  float lo = 1e-6f, hi = 100;  // holds `boxes` at lo (if at all), not at hi
  if (BoxesInside(s, lo, width, height, cx, cy) < boxes) {
    if (inside) *inside = 0;
    return 0;
  }
  while (hi / lo > 1.001f) {
    const float mid = std::sqrt(lo * hi);
    (BoxesInside(s, mid, width, height, cx, cy) >= boxes ? lo : hi) = mid;
  }
  if (inside) *inside = BoxesInside(s, lo, width, height, cx, cy);
  return lo;
}

}  // namespace ckptview::bench
