// Frames while groups expand (native, OpenGL 3.3 core; run it under
// xvfb-run for Mesa llvmpipe, as scripts/bench.sh graphview does):
//
//   expand_bench [--nodes N] [--expands N] [--from N] [--size WxH]
//
// Opens a synthetic TF1 training graph of ~N ops (default 100,000) in two
// GraphViews, each drawn by its own GlGraphRenderer through the view's own
// ImGui canvas, as the app does, and expands the biggest collapsed box,
// again and again (--expands times, the first --from of them unmeasured, to
// reach a bigger view), on both in turn, each time as a user
// would: the camera moved onto the box at a readable zoom (scale 1), a few
// frames drawn there (the last one is the floor: the same view without a
// relayout), then a double click:
//   sliced   the app's path: the relayout runs in slices of the canvas'
//            frame budget (GraphView::Advance in DrawCanvas), the new scene
//            prefetched to the GPU a few MiB per slice (GlGraphRenderer's
//            prefetch_bytes), while frames keep drawing the old scene; the
//            frames until the new one is drawn count;
//   one go   the baseline, what the view did before: the whole relayout
//            (layout, scene) inside the frame of the double click, and the
//            whole upload in that frame's draw.
// Both go through the same states. Prints, per mode, every frame's time
// (ImGui + layout work + graph + glFinish; swap excluded) during the
// expands, the worst frame of each expand, the time from the click to the
// new layout on screen, and of each frame the renderer's part (uploads
// included); and the floor frames, and the 3 frames after each landing
// (the new view's own cost, to tell from the relayout's).
#include "render/gl.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "app/graph_font.h"
#include "app/graph_view.h"
#include "imgui.h"
#include "render/gl_graph_renderer.h"
#include "bench_gl.h"
#include "synthetic_scene.h"

namespace ckptview::bench {
namespace {

using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

struct Options {
  int nodes = 100000;
  int expands = 60;
  int from = 0;  // expands made before measuring
  int width = 1600, height = 1000;
};

bool ParseArgs(int argc, char** argv, Options* o) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--nodes" && has_value) o->nodes = std::atoi(argv[++i]);
    else if (a == "--expands" && has_value) o->expands = std::atoi(argv[++i]);
    else if (a == "--from" && has_value) o->from = std::atoi(argv[++i]);
    else if (a == "--size" && has_value && std::sscanf(argv[++i], "%dx%d", &o->width, &o->height) == 2) continue;
    else {
      std::fprintf(stderr, "usage: expand_bench [--nodes N] [--expands N] [--from N] [--size WxH]\n");
      return false;
    }
  }
  return o->nodes > 0 && o->expands > o->from && o->from >= 0 && o->width >= 64 && o->height >= 64;
}

// The renderer, timed: each Draw (uploads included) and Prefetch, to glFinish.
class TimedRenderer final : public app::GraphRenderer {
 public:
  explicit TimedRenderer(std::unique_ptr<render::GlGraphRenderer> r) : renderer_(std::move(r)) {}
  void Draw(const app::GraphScene& scene, const app::GraphViewport& viewport) override {
    const auto t0 = Clock::now();
    renderer_->Draw(scene, viewport);
    glFinish();
    draw_ms += MsSince(t0);
  }
  bool Prefetch(const app::GraphScene& next) override {
    const auto t0 = Clock::now();
    const bool done = renderer_->Prefetch(next);
    glFinish();
    draw_ms += MsSince(t0);
    return done;
  }
  double draw_ms = 0;  // since the caller last reset it

 private:
  std::unique_ptr<render::GlGraphRenderer> renderer_;
};

// One view with its renderer, and what its frames took.
struct Viewer {
  std::unique_ptr<app::GraphView> view;
  std::unique_ptr<TimedRenderer> renderer;
  std::vector<double> frames, worst_per_expand, latency;
  std::vector<double> graph_draws;  // of each frame in `frames`: the renderer's part
  std::vector<double> floor;        // the frame before each click
  std::vector<double> after;        // the frames after each new layout was drawn
};

class Bench {
 public:
  explicit Bench(GLFWwindow* window) : window_(window) {}

  // One app-like frame: the view's canvas in a window filling the screen.
  // `before_canvas` runs inside the frame, before the canvas (the one-go
  // mode's relayout). Returns the frame's time, to glFinish.
  template <typename F>
  double Frame(Viewer& v, F before_canvas) {
    const auto t0 = Clock::now();
    v.renderer->draw_ms = 0;
    StartImGuiFrame();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImGui::GetIO().DisplaySize);
    ImGui::Begin("expand_bench", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoBackground);
    before_canvas();
    v.view->DrawCanvas(v.renderer.get());
    ImGui::End();
    ImGui::Render();
    FinishImGuiFrame(window_);
    const double ms = MsSince(t0);
    glfwSwapBuffers(window_);
    return ms;
  }
  double Frame(Viewer& v) {
    return Frame(v, [] {});
  }

  // Moves the camera onto `group`'s box at scale 1 and draws there; the
  // last frame is the floor.
  void LookAt(Viewer& v, int32_t group) {
    LookAtGroup(*v.view, group, 1);
    for (int i = 0; i < 3; ++i) Frame(v);
    v.floor.push_back(Frame(v));
  }

  // The app's path: toggle, then frames until the new layout is drawn (laid
  // out and prefetched to the GPU in slices).
  void ExpandSliced(Viewer& v, int32_t group) {
    LookAt(v, group);
    const auto t0 = Clock::now();
    v.view->ToggleGroup(group);
    double worst = 0;
    while (v.view->layout_pending()) {
      const double ms = Frame(v);
      v.frames.push_back(ms);
      v.graph_draws.push_back(v.renderer->draw_ms);
      worst = std::max(worst, ms);
    }
    v.latency.push_back(MsSince(t0));
    v.worst_per_expand.push_back(worst);
    DrawAfter(v);
  }

  void DrawAfter(Viewer& v) {
    for (int i = 0; i < 3; ++i) v.after.push_back(Frame(v));
  }

  // The baseline: the whole relayout inside one frame (FinishLayout, with no
  // renderer to prefetch to), and its whole upload in that frame's Draw.
  void ExpandInOneGo(Viewer& v, int32_t group) {
    LookAt(v, group);
    const auto t0 = Clock::now();
    const double ms = Frame(v, [&] {
      v.view->ToggleGroup(group);
      v.view->FinishLayout();
    });
    v.frames.push_back(ms);
    v.graph_draws.push_back(v.renderer->draw_ms);
    v.latency.push_back(MsSince(t0));
    v.worst_per_expand.push_back(ms);
    DrawAfter(v);
  }

 private:
  GLFWwindow* window_;
};

void Print(const char* name, const Viewer& v) {
  const Stats f = Summarise(v.frames), w = Summarise(v.worst_per_expand), l = Summarise(v.latency),
              g = Summarise(v.graph_draws), b = Summarise(v.floor), a = Summarise(v.after);
  std::printf("%-8s %7zu  %7.2f %7.2f %7.2f   %7.2f %7.2f %7.2f   %7.2f %7.2f %7.2f   %7.2f %7.2f   %7.2f %7.2f   %7.2f "
              "%7.2f\n",
              name, f.n, f.p50, f.p95, f.max, w.p50, w.p95, w.max, l.p50, l.p95, l.max, g.p50, g.max, b.p50, b.max, a.p50,
              a.max);
}

int Run(const Options& o) {
  GLFWwindow* window = OpenBenchWindow("expand_bench", o.width, o.height);
  if (!window) return 1;

  const tensorflow::GraphDef def = SyntheticGraphDef(o.nodes);
  auto graph = graph::Graph::Build(&def);
  if (!graph.ok()) {
    std::fprintf(stderr, "expand_bench: %s\n", graph.status().message().c_str());
    return 1;
  }
  Viewer sliced, one_go;
  for (Viewer* v : {&sliced, &one_go}) {
    auto view = app::GraphView::Create(graph.value(), &app::GraphFont::Default());
    auto renderer = render::GlGraphRenderer::Create();
    if (!view.ok() || !renderer.ok()) {
      std::fprintf(stderr, "expand_bench: %s\n",
                   (view.ok() ? renderer.status() : view.status()).message().c_str());
      return 1;
    }
    v->view = std::move(view).value();
    v->renderer = std::make_unique<TimedRenderer>(std::move(renderer).value());
  }
  Bench bench(window);
  for (Viewer* v : {&sliced, &one_go})
    for (int i = 0; i < 3; ++i) bench.Frame(*v);  // fitted, uploaded

  // The same expand on both in turn, so that both run under the same load.
  int expands = 0;
  size_t boxes_from = 0;
  for (; expands < o.expands; ++expands) {
    const int32_t group = BiggestCollapsedGroup(*sliced.view);
    if (group < 0 || group != BiggestCollapsedGroup(*one_go.view)) break;
    if (expands < o.from) {  // unmeasured: on to a bigger view
      for (Viewer* v : {&sliced, &one_go}) {
        v->view->ToggleGroup(group);
        v->view->FinishLayout();
      }
      boxes_from = sliced.view->level().layout.nodes.size();
      continue;
    }
    bench.ExpandSliced(sliced, group);
    bench.ExpandInOneGo(one_go, group);
  }
  const app::GraphScene& scene = sliced.view->scene();
  std::printf("graph: %d ops; %d expands of the biggest collapsed box in view, measured from the %d-th (%zu boxes "
              "visible); at the end %zu boxes visible, scene %zu rects, %zu segments, %zu glyphs\n",
              graph.value().num_nodes(), expands, o.from + 1, o.from ? boxes_from : size_t{0},
              sliced.view->level().layout.nodes.size(), scene.rects.size(), scene.segments.size(), scene.glyphs.size());
  std::printf("window %dx%d; ms; frame = ImGui + relayout work + graph + glFinish (swap excluded)\n", o.width,
              o.height);
  std::printf("%-8s %7s  %7s %7s %7s   %7s %7s %7s   %7s %7s %7s   %7s %7s   %7s %7s   %7s %7s\n", "mode", "frames",
              "frame50", "frame95", "max", "worst50", "worst95", "max", "land50", "land95", "max", "graph50", "max",
              "floor50", "max", "after50", "max");
  Print("sliced", sliced);
  Print("one go", one_go);

  sliced.renderer.reset();  // GL objects go while the context is current
  one_go.renderer.reset();
  CloseBenchWindow(window);
  return 0;
}

}  // namespace
}  // namespace ckptview::bench

int main(int argc, char** argv) {
  ckptview::bench::Options o;
  if (!ckptview::bench::ParseArgs(argc, argv, &o)) return 2;
  return ckptview::bench::Run(o);
}
