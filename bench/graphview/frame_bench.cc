// Graph view frame-time benchmark (native, OpenGL 3.3 core; run it under
// xvfb-run for Mesa llvmpipe, as scripts/bench.sh graphview does):
//
//   frame_bench [--nodes N] [--frames N] [--size WxH] [--screenshot PREFIX] [--parts] [--expand] [--no-dots] [--lod] [--scale S]
//
// Lays out a synthetic training graph of ~N ops fully expanded (>= 10,000
// visible boxes by default), builds its GraphScene with the app's scene
// builder, and draws it through GlGraphRenderer the way the app does: from an
// ImDrawList callback inside an ImGui frame. Each case times N frames, from
// ImGui::NewFrame to after glFinish (swap excluded), and separately the
// graph's own draw (Draw + glFinish inside the callback); it prints p50 /
// p95 / max next to the baseline measured in the same run: the same frame
// with an empty scene (ImGui + clear only), and under it what the renderer
// drew after culling (its counters: instances per kind, draw calls) and how
// many pixels the boxes on screen cover (the fill cost that no culling
// removes). Cases: fit all, zoomed in around a node, and the goal,
// 10,000 boxes inside the viewport (the largest scale that holds them; with
// this layout that is about fit-all, labels far under a pixel: once at the
// label threshold, once forced). --parts times each primitive kind alone,
// fitted and zoomed in. --screenshot writes each case's last frame as
// PREFIX-<case>.png. --lod prints each far level of detail (graph_lod.h):
// what it keeps and how long it takes to build (CPU only). --scale S adds a
// case at scale S around the zooms' node.
#include "render/gl.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <tuple>
#include <vector>

#include "app/graph_style.h"
#include "app/png.h"
#include "imgui.h"
#include "render/gl_graph_renderer.h"
#include "bench_gl.h"
#include "synthetic_scene.h"

namespace ckptview::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); }

struct Options {
  int nodes = 12000;
  int frames = 120;
  int width = 1600, height = 1000;
  std::string screenshot;
  bool parts = false;  // also time each primitive kind alone
  bool lod = false;    // print each level of detail's size and build time
  float scale = 0;     // > 0: one more case at this scale
  bool expand = false;  // GlGraphRendererOptions::expand_instances
  bool dots = true;     // GlGraphRendererOptions::dots
};

bool ParseArgs(int argc, char** argv, Options* o) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const char* v = i + 1 < argc ? argv[i + 1] : nullptr;
    if (a == "--nodes" && v) o->nodes = std::atoi(argv[++i]);
    else if (a == "--frames" && v) o->frames = std::max(1, std::atoi(argv[++i]));
    else if (a == "--size" && v && std::sscanf(argv[++i], "%dx%d", &o->width, &o->height) == 2) continue;
    else if (a == "--screenshot" && v) o->screenshot = argv[++i];
    else if (a == "--parts") o->parts = true;
    else if (a == "--expand") o->expand = true;
    else if (a == "--no-dots") o->dots = false;
    else if (a == "--lod") o->lod = true;
    else if (a == "--scale" && v) o->scale = static_cast<float>(std::atof(argv[++i]));
    else {
      std::fprintf(stderr, "usage: frame_bench [--nodes N] [--frames N] [--size WxH] [--screenshot PREFIX] [--parts] [--expand] [--no-dots] [--lod] [--scale S]\n");
      return false;
    }
  }
  return o->nodes > 0 && o->width >= 64 && o->height >= 64;
}

// What the ImDrawList callback draws, and how long it took.
struct GraphPass {
  render::GlGraphRenderer* renderer = nullptr;
  const app::GraphScene* scene = nullptr;
  app::GraphViewport viewport;
  double draw_ms = 0;
};

void DrawGraphCallback(const ImDrawList*, const ImDrawCmd* cmd) {
  auto* pass = static_cast<GraphPass*>(cmd->UserCallbackData);
  const auto t0 = Clock::now();
  pass->renderer->Draw(*pass->scene, pass->viewport);
  glFinish();
  pass->draw_ms = Ms(t0, Clock::now());
}

class Bench {
 public:
  Bench(GLFWwindow* window, render::GlGraphRenderer* renderer) : window_(window), renderer_(renderer) {}

  // One app-like frame: an ImGui window over the graph, drawn from a
  // background draw-list callback. Returns the frame's time (to glFinish).
  double Frame(GraphPass* pass, const std::string& screenshot = "") {
    const auto t0 = Clock::now();
    StartImGuiFrame();
    ImGui::SetNextWindowPos(ImVec2(10, 10));
    ImGui::Begin("frame_bench");
    ImGui::Text("rects %zu  segments %zu  arrows %zu  glyphs %zu", pass->scene->rects.size(),
                pass->scene->segments.size(), pass->scene->arrows.size(), pass->scene->glyphs.size());
    ImGui::Text("scale %.3f", pass->viewport.scale);
    ImGui::End();
    ImDrawList* background = ImGui::GetBackgroundDrawList();
    background->AddCallback(DrawGraphCallback, pass);
    background->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
    ImGui::Render();
    FinishImGuiFrame(window_);
    const double ms = Ms(t0, Clock::now());
    if (!screenshot.empty()) Screenshot(screenshot);
    glfwSwapBuffers(window_);
    return ms;
  }

  void Case(const char* name, const app::GraphScene& scene, app::GraphViewport viewport, int frames,
            const std::string& screenshot) {
    GraphPass pass{renderer_, &scene, viewport};
    Frame(&pass);  // uploads if the scene changed; not counted
    Frame(&pass);
    std::vector<double> frame_ms, draw_ms;
    for (int i = 0; i < frames; ++i) {
      frame_ms.push_back(Frame(&pass));
      draw_ms.push_back(pass.draw_ms);
    }
    const Stats f = Summarise(frame_ms), d = Summarise(draw_ms);
    const auto& c = renderer_->counters();
    std::printf("%-34s %6d  %7.2f %7.2f %7.2f   %7.2f %7.2f %7.2f   lod %d, %lld instances%s, %d draws\n", name,
                frames, f.p50, f.p95, f.max, d.p50, d.p95, d.max, c.last_lod_level,
                static_cast<long long>(c.last_instances), c.last_drew_glyphs ? " (labels)" : "", c.last_draw_calls);
    // What the boxes cover on screen (each box clipped to the viewport, summed): their fill cost.
    double box_px = 0;
    int on_screen = 0;
    for (const app::SceneRect& r : scene.rects) {
      const double sx = (r.x - viewport.center_x) * viewport.scale + 0.5 * viewport.w;
      const double sy = (r.y - viewport.center_y) * viewport.scale + 0.5 * viewport.h;
      const double hw = 0.5 * r.w * viewport.scale, hh = 0.5 * r.h * viewport.scale;
      const double w = std::min<double>(sx + hw, viewport.w) - std::max(sx - hw, 0.0);
      const double h = std::min<double>(sy + hh, viewport.h) - std::max(sy - hh, 0.0);
      if (w > 0 && h > 0) box_px += w * h, ++on_screen;
    }
    std::printf("%-34s   drawn: %lld frame fills, %lld rects, %lld segments, %lld edge cells, %lld arrows, %lld glyphs "
                "(%lld rects and cells as points); %d rects on screen covering %.1f Mpx\n",
                "", static_cast<long long>(c.last_fills), static_cast<long long>(c.last_rects),
                static_cast<long long>(c.last_segments),
                static_cast<long long>(c.last_edge_cells), static_cast<long long>(c.last_arrows),
                static_cast<long long>(c.last_glyphs), static_cast<long long>(c.last_dots), on_screen, box_px / 1e6);
    if (!screenshot.empty()) Frame(&pass, screenshot + "-" + Slug(name) + ".png");
  }

 private:
  static std::string Slug(const char* name) {
    std::string s;
    for (const char* p = name; *p && *p != '('; ++p) s += std::isalnum(static_cast<unsigned char>(*p)) ? *p : '_';
    while (!s.empty() && s.back() == '_') s.pop_back();
    return s;
  }

  // The frame just drawn, from the back buffer (before the swap).
  void Screenshot(const std::string& path) {
    int w = 0, h = 0;
    glfwGetFramebufferSize(window_, &w, &h);
    std::vector<uint8_t> pixels(static_cast<size_t>(w) * h * 4), flipped(pixels.size());
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadBuffer(GL_BACK);
    glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
    const size_t row = static_cast<size_t>(w) * 4;
    for (int y = 0; y < h; ++y) std::memcpy(&flipped[row * y], &pixels[row * (h - 1 - y)], row);
    std::ofstream(path, std::ios::binary) << app::EncodePng(flipped.data(), w, h);
    std::printf("  wrote %s\n", path.c_str());
  }

  GLFWwindow* window_;
  render::GlGraphRenderer* renderer_;
};

app::GraphViewport Viewport(const app::GraphScene& scene, int w, int h, float scale, float cx, float cy) {
  app::GraphViewport v;
  v.w = static_cast<float>(w);
  v.h = static_cast<float>(h);
  v.framebuffer_height = static_cast<float>(h);
  v.center_x = cx;
  v.center_y = cy;
  v.scale = scale;
  v.background = app::graph_colors::kBackground;
  return v;
}

// Times the upload of the whole scene (a version bump, as after a relayout).
void TimeUploads(Bench& bench, app::GraphScene& scene, const app::GraphViewport& v, render::GlGraphRenderer* r) {
  std::vector<double> ms;
  for (int i = 0; i < 10; ++i) {
    ++scene.version;
    GraphPass pass{r, &scene, v};
    bench.Frame(&pass);
    ms.push_back(pass.draw_ms);
  }
  const Stats s = Summarise(ms);
  std::printf("%-34s %6d  %23s   %7.2f %7.2f %7.2f\n", "re-upload + draw (version bump)", 10, "", s.p50, s.p95, s.max);
}

int Run(const Options& o) {
  GLFWwindow* window = OpenBenchWindow("frame_bench", o.width, o.height);
  if (!window) return 1;

  render::GlGraphRendererOptions renderer_options;
  renderer_options.expand_instances = o.expand;  // as the page does on SwiftShader
  renderer_options.dots = o.dots;
  auto created = render::GlGraphRenderer::Create(renderer_options);
  if (!created.ok()) {
    std::fprintf(stderr, "frame_bench: %s\n", created.status().message().c_str());
    return 1;
  }
  std::unique_ptr<render::GlGraphRenderer> renderer = std::move(created).value();
  auto made = MakeSyntheticScene(o.nodes);
  if (!made.ok()) {
    std::fprintf(stderr, "frame_bench: %s\n", made.status().message().c_str());
    return 1;
  }
  SyntheticScene& s = **made;
  app::GraphScene& scene = s.scene;
  std::printf("graph: %d ops, %d visible boxes, %zu edges; layout %.0f ms, scene %.0f ms\n", s.graph->num_nodes(),
              s.visible_nodes, s.layout.edges.size(), s.layout_ms, s.scene_ms);
  std::printf("scene: %zu rects, %zu segments, %zu arrows, %zu glyphs (%.1f MB of instances), %.0f x %.0f units\n",
              scene.rects.size(), scene.segments.size(), scene.arrows.size(), scene.glyphs.size(),
              (scene.rects.size() * sizeof(app::SceneRect) + scene.segments.size() * sizeof(app::SceneSegment) +
               scene.arrows.size() * sizeof(app::SceneArrow) + scene.glyphs.size() * sizeof(app::SceneGlyph)) /
                  1e6,
              scene.max_x - scene.min_x, scene.max_y - scene.min_y);
  if (o.lod) {
    // The edges' ink: what a far level's raster (or segments) must cover.
    double sum_dx = 0, sum_dy = 0;
    size_t vertical = 0;
    std::vector<float> lengths;
    for (const app::SceneSegment& g : scene.segments) {
      sum_dx += std::fabs(g.x1 - g.x0), sum_dy += std::fabs(g.y1 - g.y0);
      vertical += g.x0 == g.x1;
      lengths.push_back(std::hypot(g.x1 - g.x0, g.y1 - g.y0));
    }
    std::sort(lengths.begin(), lengths.end());
    if (!lengths.empty())
      std::printf("segments: %zu vertical; sum |dx| %.3g, |dy| %.3g units; length p50 %.0f p90 %.0f p99 %.0f\n",
                  vertical, sum_dx, sum_dy, lengths[lengths.size() / 2], lengths[lengths.size() * 9 / 10],
                  lengths[lengths.size() * 99 / 100]);
    for (int level = 1; level < render::kLodLevels; ++level) {
      render::LodScene lod;
      const auto t0 = Clock::now();
      render::BuildLod(scene, level, &lod);
      const double ms = Ms(t0, Clock::now());
      std::printf("lod %d (tolerance %.0f, 1 px at scale %.2g): %zu rects, %zu segments, %zu arrows, %zu edge cells "
                  "(%.0f units); built in %.1f ms\n",
                  level, render::LodTolerance(level), 1 / render::LodTolerance(level), lod.rects.size(),
                  lod.segments.size(), lod.arrows.size(), lod.edge_cells.size(),
                  lod.edge_cells.empty() ? 0.0 : lod.edge_cells[0].w, ms);
    }
  }
  std::printf("draws: %s%s\n", o.expand ? "expanded (per-vertex copies, indexed)" : "instanced",
              o.dots ? ", small far boxes as points" : "");
  std::printf("window %dx%d, %d frames per case; ms, frame = ImGui + graph + glFinish (swap excluded)\n", o.width,
              o.height, o.frames);
  std::printf("%-34s %6s  %7s %7s %7s   %7s %7s %7s\n", "case", "frames", "frame50", "frame95", "max", "graph50",
              "graph95", "max");

  Bench bench(window, renderer.get());
  app::GraphScene empty;
  empty.version = 1;
  const float cx = 0.5f * (scene.min_x + scene.max_x), cy = 0.5f * (scene.min_y + scene.max_y);
  const float fit = FitScale(scene, static_cast<float>(o.width), static_cast<float>(o.height));
  bench.Case("baseline: empty scene", empty, Viewport(empty, o.width, o.height, 1, 0, 0), o.frames, o.screenshot);
  bench.Case("fit all (labels culled)", scene, Viewport(scene, o.width, o.height, fit, cx, cy), o.frames,
             o.screenshot);
  app::GraphViewport forced = Viewport(scene, o.width, o.height, fit, cx, cy);
  forced.label_min_px = 0;
  bench.Case("fit all, every label drawn", scene, forced, o.frames, o.screenshot);
  if (o.parts) {  // which primitive kind costs what, fitted and zoomed in
    const app::GraphViewport zoom = Viewport(scene, o.width, o.height, 0.6f, s.focus_x, s.focus_y);
    const app::GraphViewport zoom15 = Viewport(scene, o.width, o.height, 1.5f, s.focus_x, s.focus_y);
    for (const auto& [label, view, glyph_view] :
         {std::tuple<std::string, app::GraphViewport, app::GraphViewport>{"fit all", Viewport(scene, o.width, o.height, fit, cx, cy), forced},
          {"zoom 0.6", zoom, zoom}, {"zoom 1.5", zoom15, zoom15}}) {
      app::GraphScene part;
      part.version = 100 + (label == "fit all" ? 0 : label == "zoom 0.6" ? 10 : 20);
      part.atlas = scene.atlas;
      part.rects = scene.rects;
      bench.Case(("  " + label + ": rects only").c_str(), part, view, o.frames, "");
      part.rects.clear(), part.segments = scene.segments, ++part.version;
      bench.Case(("  " + label + ": segments only").c_str(), part, view, o.frames, "");
      part.segments.clear(), part.arrows = scene.arrows, ++part.version;
      bench.Case(("  " + label + ": arrows only").c_str(), part, view, o.frames, "");
      part.arrows.clear(), part.glyphs = scene.glyphs, ++part.version;
      bench.Case(("  " + label + ": glyphs only").c_str(), part, glyph_view, o.frames, "");
    }
  }
  // Zoomed in around a node in the middle of the graph.
  bench.Case("zoom 0.6 (labels ~6.6 px)", scene, Viewport(scene, o.width, o.height, 0.6f, s.focus_x, s.focus_y),
             o.frames, o.screenshot);
  bench.Case("zoom 1.5 (labels 16 px)", scene, Viewport(scene, o.width, o.height, 1.5f, s.focus_x, s.focus_y),
             o.frames, o.screenshot);
  if (o.scale > 0) {
    char name[64];
    std::snprintf(name, sizeof name, "scale %g", o.scale);
    bench.Case(name, scene, Viewport(scene, o.width, o.height, o.scale, s.focus_x, s.focus_y), o.frames, o.screenshot);
  }
  // The goal: 10,000 boxes on screen. At 1600x1000 that many fit
  // only far out (a box is a few pixels), where labels are under a pixel:
  // drawn anyway (label_min_px 0), around the same node as the zooms.
  int inside = 0;
  const float ten_k = ScaleShowing(s, 10000, static_cast<float>(o.width), static_cast<float>(o.height), s.focus_x,
                                   s.focus_y, &inside);
  if (ten_k > 0) {
    app::GraphViewport v = Viewport(scene, o.width, o.height, ten_k, s.focus_x, s.focus_y);
    std::printf("(10k view: scale %.5f around the zooms' node, %d boxes inside; labels %.2f px; "
                "browser_frames.mjs TENK_SCALE)\n",
                ten_k, inside, scene.label_height * ten_k);
    char name[64];
    std::snprintf(name, sizeof name, "%d boxes in view (labels culled)", inside);
    bench.Case(name, scene, v, o.frames, o.screenshot);
    v.label_min_px = 0;
    std::snprintf(name, sizeof name, "%d boxes in view, labels forced", inside);
    bench.Case(name, scene, v, o.frames, o.screenshot);
  }
  // At the smallest zoom that still draws labels (label_min_px 6), how many boxes a screenful holds.
  const float readable = 6.0f / scene.label_height;
  const int readable_boxes = [&] {
    int best = 0;
    for (const auto& n : s.layout.nodes) {  // centred on each of a sample of boxes
      if (&n - s.layout.nodes.data() > 2000) break;
      int k = 0;
      const float hw = 0.5f * o.width / readable, hh = 0.5f * o.height / readable;
      for (const auto& p : s.layout.nodes)
        k += std::fabs(p.x - n.x) + 0.5f * p.w <= hw && std::fabs(p.y - n.y) + 0.5f * p.h <= hh;
      best = std::max(best, k);
    }
    return best;
  }();
  std::printf("(at scale %.3f, labels 6 px, a screenful holds at most ~%d boxes: centred on each of the first 2,000)\n",
              readable, readable_boxes);
  TimeUploads(bench, scene, Viewport(scene, o.width, o.height, fit, cx, cy), renderer.get());
  std::printf("uploads: scene %llu, atlas %llu\n",
              static_cast<unsigned long long>(renderer.get()->counters().scene_uploads),
              static_cast<unsigned long long>(renderer.get()->counters().atlas_uploads));

  renderer.reset();  // its GL objects go while the context is current
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
