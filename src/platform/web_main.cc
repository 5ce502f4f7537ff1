// The page's platform layer (emscripten): a WebGL2 canvas through
// emscripten's GLFW, the browser main loop, and the C functions web/main.js
// calls to hand files to the App and to serve its byte-range requests.
//
// Files: JS reads every file that is not a data shard whole and writes it
// straight into a buffer this side allocates (ckpt_open_file); shards are
// listed by name and size only (ckpt_open_unread). Reads: each frame (and
// after each API call) new ReadRequests are passed to JS (ckptReadRequest);
// JS reads File.slice() ranges asynchronously into buffers from
// ckpt_chunk_buffer, then calls ckpt_deliver (or ckpt_deliver_error). No
// shard is ever copied whole into wasm memory.
#include <emscripten.h>
#include <emscripten/html5.h>
#include <GLFW/glfw3.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "app/app.h"
#include "app/graph_view.h"
#include "app/imgui_setup.h"
#include "app/json_out.h"
#include "formats/file_source.h"
#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"
#include "render/gl_graph_renderer.h"
#include "synthetic_scene.h"  // bench/graphview: the frame-time benchmark hook below

namespace ckptview::platform {
namespace {

// Calls into web/main.js (Module.ckptReadRequest / ckptFatal).
EM_JS(void, JsReadRequest, (int id, int document, const char* ranges_json), {
  Module.ckptReadRequest(id, document, UTF8ToString(ranges_json));
});
// Freeze output, handed to JS piece by piece (copied out of wasm memory at
// once), and the end of a freeze.
EM_JS(void, JsFreezeChunk, (const char* data, double size), {
  Module.ckptFreezeChunk(HEAPU8.slice(data, data + size));
});
EM_JS(void, JsFreezeDone, (const char* state), { Module.ckptFreezeDone(UTF8ToString(state)); });
EM_JS(void, JsFatal, (const char* message), { Module.ckptFatal(UTF8ToString(message)); });
EM_JS(int, JsCanvasWidth, (), { return Module.canvas.clientWidth | 0; });
EM_JS(int, JsCanvasHeight, (), { return Module.canvas.clientHeight | 0; });
// Whether the current WebGL context renders in software (SwiftShader,
// llvmpipe), from WEBGL_debug_renderer_info when the browser exposes it.
EM_JS(int, JsSoftwareWebGl, (), {
  try {
    const ext = GLctx.getExtension('WEBGL_debug_renderer_info');
    const name = ext ? String(GLctx.getParameter(ext.UNMASKED_RENDERER_WEBGL)) : "";
    return /SwiftShader|llvmpipe|softpipe|software/i.test(name) ? 1 : 0;
  } catch (e) {
    return 0;
  }
});

struct PendingOpen {
  std::string label;
  std::vector<std::pair<std::string, std::string>> whole;  // path, contents
  std::vector<std::pair<std::string, uint64_t>> unread;    // path, size
};

struct WebDriver {
  app::App app;
  GLFWwindow* window = nullptr;
  std::unique_ptr<PendingOpen> pending;
  // Chunks JS is filling, keyed by (request, range index). A map: buffers
  // never move while JS holds their address.
  std::map<std::pair<int, int>, std::string> chunks;
  std::string report;

  explicit WebDriver(app::AppOptions o) : app(std::move(o)) {}
};
WebDriver* g = nullptr;

// Whether the heap can give `n` more bytes. Without exception support a
// failing operator new aborts the module, while malloc returns null
// (-sABORTING_MALLOC=0): so big buffers are tried with malloc first, and a
// file or tensor too large for the page becomes an error message instead.
bool HeapCanHold(double n) {
  if (n < 0 || n > 3.5e9) return false;
  void* p = std::malloc(static_cast<size_t>(n) + 1);
  std::free(p);
  return p != nullptr;
}

// Passes new read requests to JS.
void PumpReads() {
  for (const app::ReadRequest& r : g->app.TakeReadRequests()) {
    app::JsonOut j;
    j.BeginArray();
    for (const auto& range : r.ranges) {
      j.BeginObject();
      j.Key("path").String(range.path);
      j.Key("offset").UInt(range.offset);
      j.Key("size").UInt(range.size);
      j.EndObject();
    }
    j.EndArray();
    JsReadRequest(r.id, r.document, j.str().c_str());
  }
}

// How long the last Frame() took in wasm (CPU; the GPU works after it), for
// the benchmark hook ckpt_bench_app_frame_ms.
double g_last_frame_ms = 0;

void Frame() {
  const double start = emscripten_get_now();
  // Follow the canvas' CSS size (the page lays it out).
  int w = JsCanvasWidth(), h = JsCanvasHeight();
  int cur_w = 0, cur_h = 0;
  glfwGetWindowSize(g->window, &cur_w, &cur_h);
  if (w > 0 && h > 0 && (w != cur_w || h != cur_h)) glfwSetWindowSize(g->window, w, h);

  glfwPollEvents();
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGui::NewFrame();
  g->app.Draw();
  ImGui::Render();
  int fb_w = 0, fb_h = 0;
  glfwGetFramebufferSize(g->window, &fb_w, &fb_h);
  glViewport(0, 0, fb_w, fb_h);
  const app::RgbColor clear = app::FrameClearColor();
  glClearColor(clear.r, clear.g, clear.b, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  glfwSwapBuffers(g->window);
  PumpReads();
  g_last_frame_ms = emscripten_get_now() - start;
}

}  // namespace
}  // namespace ckptview::platform

using ckptview::platform::g;

extern "C" {

// ---- Opening files ------------------------------------------------------------
EMSCRIPTEN_KEEPALIVE void ckpt_open_begin(const char* label) {
  g->pending = std::make_unique<ckptview::platform::PendingOpen>();
  g->pending->label = label;
}

// A buffer of `size` bytes that JS fills with the file's contents; 0 if the
// heap cannot hold it (JS then reports the error). JS must fill it before its
// next call into the module (small contents live inside the std::string,
// which the next file's entry may move).
EMSCRIPTEN_KEEPALIVE char* ckpt_open_file(const char* path, double size) {
  if (!g->pending || !ckptview::platform::HeapCanHold(size)) return nullptr;
  std::string contents;
  contents.resize(static_cast<size_t>(size));
  g->pending->whole.emplace_back(path, std::move(contents));
  return g->pending->whole.back().second.data();
}

EMSCRIPTEN_KEEPALIVE void ckpt_open_unread(const char* path, double size) {
  if (g->pending) g->pending->unread.emplace_back(path, static_cast<uint64_t>(size));
}

// Opens what was handed since ckpt_open_begin; returns the document id, or -1
// (the error is in the log and the report).
EMSCRIPTEN_KEEPALIVE int ckpt_open_finish() {
  if (!g->pending) return -1;
  std::unique_ptr<ckptview::platform::PendingOpen> p = std::move(g->pending);
  auto source = std::make_unique<ckptview::formats::MemoryFileSource>();
  for (auto& [path, contents] : p->whole) source->Add(path, std::move(contents));
  for (auto& [path, size] : p->unread) source->AddUnread(path, size);
  auto id = g->app.Open(std::move(source), p->label);
  ckptview::platform::PumpReads();
  return id.ok() ? id.value() : -1;
}

// ---- Graph and freezing ---------------------------------------------------------
// Starts freezing document `document` (-1: active) for `outputs` (names
// separated by newlines; empty: the outputs chosen in the Graph panel).
// Returns 0 if it started (JS waits for ckptFreezeDone), -1 on error (also
// reported through ckptFreezeDone).
EMSCRIPTEN_KEEPALIVE int ckpt_freeze(const char* outputs, int document) {
  std::vector<std::string> names;
  std::string text = outputs, item;
  for (char c : text + "\n") {
    if (c == '\n') {
      if (!item.empty()) names.push_back(item);
      item.clear();
    } else {
      item += c;
    }
  }
  auto status = g->app.StartFreeze(std::move(names), document);
  ckptview::platform::PumpReads();
  return status.ok() ? 0 : -1;
}

EMSCRIPTEN_KEEPALIVE void ckpt_freeze_cancel() { g->app.CancelFreeze(); }

EMSCRIPTEN_KEEPALIVE void ckpt_log_error(const char* message) { g->app.log().Error(message); }

// ---- Selecting and reading ----------------------------------------------------
// Selects a variable by key or name in document `document` (-1: the active
// one). Returns the id of the read it started (JS waits for its delivery), 0
// if nothing needs reading, -1 on error.
EMSCRIPTEN_KEEPALIVE int ckpt_select(const char* name, int document) {
  auto status = g->app.Select(name, document);
  if (!status.ok()) return -1;
  const auto& s = g->app.selected();
  int id = s.state == ckptview::app::SelectedValue::State::kLoading ? s.request_id : 0;
  ckptview::platform::PumpReads();
  return id;
}

EMSCRIPTEN_KEEPALIVE int ckpt_wants_read(int id) { return g->app.WantsRead(id) ? 1 : 0; }

// A buffer for range `index` of request `id`, filled by JS (possibly across
// several awaits: map nodes never move); 0 if the heap cannot hold it.
EMSCRIPTEN_KEEPALIVE char* ckpt_chunk_buffer(int id, int index, double size) {
  if (!ckptview::platform::HeapCanHold(size)) return nullptr;
  std::string& buf = g->chunks[{id, index}];
  buf.resize(static_cast<size_t>(size));
  return buf.data();
}

EMSCRIPTEN_KEEPALIVE void ckpt_progress(int id, double bytes_done) {
  g->app.ReportProgress(id, static_cast<uint64_t>(bytes_done));
}

// Hands the chunks of request `id` (indices 0..count-1) to the app.
EMSCRIPTEN_KEEPALIVE void ckpt_deliver(int id, int count) {
  std::vector<std::string> chunks(count);
  for (int i = 0; i < count; ++i) {
    auto it = g->chunks.find({id, i});
    if (it != g->chunks.end()) {
      chunks[i] = std::move(it->second);
      g->chunks.erase(it);
    }
  }
  g->app.Deliver(id, std::move(chunks));
  ckptview::platform::PumpReads();
}

EMSCRIPTEN_KEEPALIVE void ckpt_deliver_error(int id, const char* message) {
  for (auto it = g->chunks.lower_bound({id, 0}); it != g->chunks.end() && it->first.first == id;)
    it = g->chunks.erase(it);
  g->app.Deliver(id, ckptview::Status::Error(message));
  ckptview::platform::PumpReads();
}

// ---- Report -------------------------------------------------------------------
// JSON (App::ReportJson); the pointer stays valid until the next call.
EMSCRIPTEN_KEEPALIVE const char* ckpt_report() {
  g->report = g->app.ReportJson();
  return g->report.c_str();
}


// ---- Graph view API (web/main.js window.ckptview.graph*) --------------------------
// For drivers and tests; the same actions as the graph view's mouse, keys and
// panels. `document` -1 is the active one. Each returns "" on success, else
// the error; the pointer stays valid until the next graph call.
static std::string g_graph_result;
static const char* GraphResult(const ckptview::Status& status) {
  g_graph_result = status.ok() ? "" : status.message();
  if (g_graph_result.empty() && !status.ok()) g_graph_result = "failed";
  ckptview::platform::PumpReads();
  return g_graph_result.c_str();
}

// Brings the graph view to the front (it lays out on first use).
EMSCRIPTEN_KEEPALIVE const char* ckpt_graph_show(int document) {
  if (document >= 0) g->app.SetActiveDocument(document);
  g->app.ShowGraphView();
  return GraphResult(g->app.GraphViewOf(document) ? ckptview::Status::Ok()
                                                  : ckptview::Status::Error("this document has no graph"));
}
EMSCRIPTEN_KEEPALIVE const char* ckpt_graph_expand(const char* path, int expanded, int document) {
  return GraphResult(g->app.GraphExpand(path, expanded != 0, document));
}
EMSCRIPTEN_KEEPALIVE const char* ckpt_graph_search(const char* query, int document) {
  return GraphResult(g->app.GraphSearch(query, document));
}
EMSCRIPTEN_KEEPALIVE const char* ckpt_graph_next(int forward, int document) {
  return GraphResult(g->app.GraphNextHit(forward != 0, document));
}
// Selects and centres a node; a bound variable starts loading (JS waits for
// the read id in ckpt_graph_read_id, as ckpt_select returns it).
EMSCRIPTEN_KEEPALIVE const char* ckpt_graph_select(const char* name, int document) {
  return GraphResult(g->app.GraphSelect(name, document));
}
EMSCRIPTEN_KEEPALIVE int ckpt_graph_read_id() {
  const auto& s = g->app.selected();
  return s.state == ckptview::app::SelectedValue::State::kLoading ? s.request_id : 0;
}
EMSCRIPTEN_KEEPALIVE const char* ckpt_graph_fit(int document) { return GraphResult(g->app.GraphFit(document)); }
EMSCRIPTEN_KEEPALIVE const char* ckpt_graph_open_function(const char* name, int document) {
  return GraphResult(g->app.GraphOpenFunction(name, document));
}
EMSCRIPTEN_KEEPALIVE const char* ckpt_graph_back(int document) { return GraphResult(g->app.GraphBack(document)); }
// ---- End of the graph view API ---------------------------------------------------

}  // extern "C"

// ==== Graph view frame-time benchmark (H1: bench/graphview/browser_frames.mjs) ====
// Not used by the page itself. Draws a synthetic ~N-op training graph, laid
// out fully expanded and built into a scene the way the app does
// (bench/graphview/synthetic_scene.h, the same scene as the native
// frame_bench), with the App's GraphRenderer over the whole canvas. JS calls
// these through Module.ccall; see browser_frames.mjs.
namespace ckptview::platform {
namespace {
struct GraphBench {
  std::unique_ptr<bench::SyntheticScene> synthetic;
  app::GraphScene empty;
  std::string info;
};
GraphBench* g_bench = nullptr;
}  // namespace
}  // namespace ckptview::platform

extern "C" {

// Builds the scene; returns its visible boxes (-1 on error, logged).
EMSCRIPTEN_KEEPALIVE int ckpt_bench_graph_load(int target_nodes) {
  using ckptview::platform::g_bench;
  if (!g_bench) g_bench = new ckptview::platform::GraphBench();
  auto made = ckptview::bench::MakeSyntheticScene(target_nodes);
  if (!made.ok()) {
    g->app.log().Error(made.status().message());
    return -1;
  }
  g_bench->synthetic = std::move(made).value();
  return g_bench->synthetic->visible_nodes;
}

// JSON: sizes of the loaded scene and how long it took to make.
EMSCRIPTEN_KEEPALIVE const char* ckpt_bench_graph_info() {
  using ckptview::platform::g_bench;
  if (!g_bench || !g_bench->synthetic) return "null";
  const auto& s = *g_bench->synthetic;
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "{\"ops\":%d,\"visible\":%d,\"edges\":%zu,\"rects\":%zu,\"segments\":%zu,\"arrows\":%zu,"
                "\"glyphs\":%zu,\"layout_ms\":%.1f,\"scene_ms\":%.1f,\"width\":%.0f,\"height\":%.0f,"
                "\"software_webgl\":%d}",
                s.graph->num_nodes(), s.visible_nodes, s.layout.edges.size(), s.scene.rects.size(),
                s.scene.segments.size(), s.scene.arrows.size(), s.scene.glyphs.size(), s.layout_ms, s.scene_ms,
                s.scene.max_x - s.scene.min_x, s.scene.max_y - s.scene.min_y, ckptview::platform::JsSoftwareWebGl());
  g_bench->info = buf;
  return g_bench->info.c_str();
}

// Draws the loaded scene (empty: the empty scene, the baseline) over the
// whole canvas at `scale` (<= 0: fit all, centred; else around a node in the
// middle of the graph, as frame_bench does), with labels from
// `label_min_px` on screen; waits for the GPU (a 1-pixel read) and returns
// the milliseconds taken. With `read` 0 there is no read: the time is only
// what the calls take to queue (the GPU works after the frame; a user's
// frames never read pixels back). -1 without a renderer or a scene.
EMSCRIPTEN_KEEPALIVE double ckpt_bench_graph_draw(int empty, double scale, double label_min_px, int read) {
  using ckptview::platform::g_bench;
  ckptview::app::GraphRenderer* renderer = g->app.graph_renderer();
  if (!renderer || !g_bench || !g_bench->synthetic) return -1;
  const ckptview::app::GraphScene& scene = empty ? g_bench->empty : g_bench->synthetic->scene;
  int w = 0, h = 0;
  glfwGetFramebufferSize(g->window, &w, &h);
  ckptview::app::GraphViewport v;
  v.w = static_cast<float>(w), v.h = static_cast<float>(h), v.framebuffer_height = static_cast<float>(h);
  // Fit all: centred on the bounds; zoomed in: around a node in the middle.
  const auto& synthetic = *g_bench->synthetic;
  const auto& full = synthetic.scene;
  v.center_x = scale > 0 ? synthetic.focus_x : 0.5f * (full.min_x + full.max_x);
  v.center_y = scale > 0 ? synthetic.focus_y : 0.5f * (full.min_y + full.max_y);
  v.scale = scale > 0 ? static_cast<float>(scale) : ckptview::bench::FitScale(full, v.w, v.h);
  v.label_min_px = static_cast<float>(label_min_px);
  v.background = 0xFF1C1A18;
  const double t0 = emscripten_get_now();
  renderer->Draw(scene, v);  // into the canvas (nothing binds other framebuffers)
  if (read) {
    unsigned char pixel[4];
    glReadPixels(0, 0, 1, 1, GL_RGBA, GL_UNSIGNED_BYTE, pixel);
  }
  return emscripten_get_now() - t0;
}

// JSON: what the renderer drew in the last ckpt_bench_graph_draw (its
// counters: level of detail, draw calls, instances per kind).
EMSCRIPTEN_KEEPALIVE const char* ckpt_bench_graph_counters() {
  using ckptview::platform::g_bench;
  auto* renderer = dynamic_cast<ckptview::render::GlGraphRenderer*>(g->app.graph_renderer());
  if (!renderer || !g_bench) return "null";
  const auto& c = renderer->counters();
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "{\"lod\":%d,\"draw_calls\":%d,\"instances\":%lld,\"fills\":%lld,\"rects\":%lld,\"segments\":%lld,"
                "\"edge_cells\":%lld,\"arrows\":%lld,\"glyphs\":%lld,\"dots\":%lld}",
                c.last_lod_level, c.last_draw_calls, static_cast<long long>(c.last_instances),
                static_cast<long long>(c.last_fills), static_cast<long long>(c.last_rects), static_cast<long long>(c.last_segments),
                static_cast<long long>(c.last_edge_cells), static_cast<long long>(c.last_arrows),
                static_cast<long long>(c.last_glyphs), static_cast<long long>(c.last_dots));
  g_bench->info = buf;
  return g_bench->info.c_str();
}

// Milliseconds the app's last frame (ImGui frame and its GL calls, not the
// GPU work they queue) took in wasm.
EMSCRIPTEN_KEEPALIVE double ckpt_bench_app_frame_ms() { return ckptview::platform::g_last_frame_ms; }

// Stops (1) or restarts (0) the app's own frames, so a screenshot shows
// only the benchmark's drawing.
EMSCRIPTEN_KEEPALIVE void ckpt_bench_pause(int pause) {
  if (pause) emscripten_pause_main_loop();
  else emscripten_resume_main_loop();
}

// Expands in the app's own graph view (browser_frames.mjs, EXPANDS): opens
// the loaded synthetic graph as a document ("synthetic.pb", from memory) and
// shows it; returns its id (-1 on error, logged).
EMSCRIPTEN_KEEPALIVE int ckpt_bench_graph_open() {
  using ckptview::platform::g_bench;
  if (!g_bench || !g_bench->synthetic) return -1;
  auto source = std::make_unique<ckptview::formats::MemoryFileSource>();
  source->Add("synthetic.pb", g_bench->synthetic->def.SerializeAsString());
  auto id = g->app.Open(std::move(source), "synthetic.pb");
  ckptview::platform::PumpReads();
  if (!id.ok() || !g->app.GraphViewOf(id.value())) return -1;
  g->app.ShowGraphView();
  return id.value();
}

// The active document's view: the camera onto its biggest collapsed box at
// scale 1 (`look` 1), or a toggle of that box as a double click does (`look`
// 0), which then lands over the next frames, or at once with `one_go` (the
// relayout inside this call and the whole upload in the next frame, as
// before). Returns 0 when no collapsed box is left.
EMSCRIPTEN_KEEPALIVE int ckpt_bench_graph_expand(int look, int one_go) {
  ckptview::app::GraphView* view = g->app.GraphViewOf();
  const int32_t group = view ? ckptview::bench::BiggestCollapsedGroup(*view) : -1;
  if (group < 0) return 0;
  if (look) {
    ckptview::bench::LookAtGroup(*view, group, 1);
    return 1;
  }
  view->ToggleGroup(group);
  if (one_go) view->FinishLayout();
  return 1;
}

// 1 while the active document's view has a relayout pending.
EMSCRIPTEN_KEEPALIVE int ckpt_bench_graph_pending() {
  const ckptview::app::GraphView* view = g->app.GraphViewOf();
  return view && view->layout_pending() ? 1 : 0;
}

}  // extern "C"
// ==== end of the graph view benchmark ====

int main() {
  using namespace ckptview;
  app::AppOptions options;
  options.empty_hint = "Drop a checkpoint folder or its files anywhere on this page, or use the buttons above.";
  g = new platform::WebDriver(options);
  g->app.SetFreezeSink([](std::string_view bytes) {
    platform::JsFreezeChunk(bytes.data(), static_cast<double>(bytes.size()));
  });
  g->app.SetFreezeFinished([](const app::FreezeState& f) {
    using S = app::FreezeState::State;
    platform::JsFreezeDone(f.state == S::kDone ? "done" : f.state == S::kCancelled ? "cancelled" : "failed");
  });

  if (!glfwInit()) {
    platform::JsFatal("could not initialise GLFW");
    return 0;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  // An opaque canvas without depth or stencil buffers (emscripten's GLFW asks
  // for alpha, 24-bit depth and 8-bit stencil by default): nothing here
  // tests depth or stencil, and an opaque canvas needs no blending when the
  // page is composited.
  glfwWindowHint(GLFW_ALPHA_BITS, 0);
  glfwWindowHint(GLFW_DEPTH_BITS, 0);
  glfwWindowHint(GLFW_STENCIL_BITS, 0);
  glfwWindowHint(GLFW_SAMPLES, 0);
  int w = platform::JsCanvasWidth(), h = platform::JsCanvasHeight();
  g->window = glfwCreateWindow(w > 0 ? w : 1280, h > 0 ? h : 720, "ckptview", nullptr, nullptr);
  if (!g->window) {
    // The App still works (open/report) without a canvas; the page says why
    // nothing is drawn.
    platform::JsFatal("WebGL2 is not available in this browser, so nothing can be drawn.");
    return 0;
  }
  glfwMakeContextCurrent(g->window);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  app::ConfigureImGui();
  ImGui_ImplGlfw_InitForOpenGL(g->window, true);
  ImGui_ImplOpenGL3_Init("#version 300 es");
  // The graph view's GL side. Without it (a shader WebGL rejects) the page
  // still runs; the graph view just draws nothing, and the log says why.
  // Software WebGL (SwiftShader: headless Chromium, machines without a GPU)
  // runs instanced draws one instance at a time; it gets plain draws.
  render::GlGraphRendererOptions renderer_options;
  renderer_options.expand_instances = platform::JsSoftwareWebGl() != 0;
  if (auto renderer = render::GlGraphRenderer::Create(renderer_options); renderer.ok()) {
    g->app.SetGraphRenderer(std::move(renderer).value());
  } else {
    std::fprintf(stderr, "ckptview: %s\n", renderer.status().message().c_str());
    g->app.log().Error(renderer.status().message());
  }

  emscripten_set_main_loop(platform::Frame, 0, false);
  return 0;
}
