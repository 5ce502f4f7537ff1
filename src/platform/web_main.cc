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

#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "app/app.h"
#include "app/imgui_setup.h"
#include "app/json_out.h"
#include "formats/file_source.h"
#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"

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

void Frame() {
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
  glClearColor(0.08f, 0.08f, 0.09f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  glfwSwapBuffers(g->window);
  PumpReads();
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

}  // extern "C"

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

  emscripten_set_main_loop(platform::Frame, 0, false);
  return 0;
}
