// ckptview-desktop: the App in a native window (GLFW + OpenGL 3.3 core).
// Files come from the command line and from drag-and-drop; reads are served
// synchronously from the disk (DiskFileSource, pread).
//
//   ckptview-desktop [PATH...] [--select NAME] [--screenshot OUT.png --frames N]
//                    [--size WxH] [--report] [--graph-view]
//
// Each folder opens as its own document; files given together (or dropped
// together) open as one. --screenshot renders N frames, writes the last one
// as a PNG and exits; --report prints App::ReportJson() on exit; --graph-view
// opens on the graph view tab.
#include <GLFW/glfw3.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "app/app.h"
#include "app/imgui_setup.h"
#include "app/png.h"
#include "app/union_file_source.h"
#include "formats/disk_file_source.h"
#include "graph/freeze_file.h"
#include "graph/freeze_rewrite.h"
#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"
#include "render/gl_graph_renderer.h"

namespace ckptview::platform {
namespace {

struct Options {
  std::vector<std::string> paths;
  std::string select;
  std::string screenshot;
  int frames = 3;
  int width = 1280, height = 800;
  bool report = false;
  bool graph_view = false;  // open on the graph view tab
  std::string freeze;     // comma-separated output nodes: freeze at start (Graph panel shown)
  std::string freeze_to;  // where ("" = frozen_model.pb next to the opened folder)
};

void Usage() {
  std::fprintf(stderr,
               "usage: ckptview-desktop [PATH...] [--select NAME] [--screenshot OUT.png --frames N]\n"
               "                        [--size WxH] [--report] [--graph-view] [--freeze OUT,OUT [--freeze-to FILE]]\n");
}

bool ParseArgs(int argc, char** argv, Options* o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&](const char* what) -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "ckptview-desktop: %s needs a value\n", what);
        return nullptr;
      }
      return argv[++i];
    };
    if (a == "--select") {
      const char* v = next("--select");
      if (!v) return false;
      o->select = v;
    } else if (a == "--screenshot") {
      const char* v = next("--screenshot");
      if (!v) return false;
      o->screenshot = v;
    } else if (a == "--frames") {
      const char* v = next("--frames");
      if (!v) return false;
      o->frames = std::atoi(v);
      if (o->frames < 1) o->frames = 1;
    } else if (a == "--size") {
      const char* v = next("--size");
      if (!v || std::sscanf(v, "%dx%d", &o->width, &o->height) != 2 || o->width < 64 || o->height < 64) {
        std::fprintf(stderr, "ckptview-desktop: --size wants WxH, e.g. 1280x800\n");
        return false;
      }
    } else if (a == "--freeze" || a == "--freeze-to") {
      const char* v = next(a.c_str());
      if (!v) return false;
      (a == "--freeze" ? o->freeze : o->freeze_to) = v;
    } else if (a == "--graph-view") {
      o->graph_view = true;
    } else if (a == "--report") {
      o->report = true;
    } else if (a == "-h" || a == "--help") {
      Usage();
      std::exit(0);
    } else if (a.size() > 1 && a[0] == '-') {
      std::fprintf(stderr, "ckptview-desktop: unknown option %s\n", a.c_str());
      Usage();
      return false;
    } else {
      o->paths.push_back(a);
    }
  }
  return true;
}

std::string BaseName(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Opens `paths` in `app`: every folder as a document, all files together as one.
void OpenPaths(app::App& app, const std::vector<std::string>& paths) {
  auto files = std::make_unique<app::UnionFileSource>();
  std::string files_label;  // the first .index file's prefix, else the first file's name
  int file_count = 0;
  std::string files_dir;  // frozen_model.pb beside the first file
  for (const auto& path : paths) {
    auto source = formats::DiskFileSource::Open(path);
    if (!source.ok()) {
      app.log().Error(source.status().message());
      continue;
    }
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      auto id = app.Open(std::move(source).value(), BaseName(path));
      // The Graph panel's "Freeze to file" writes next to the opened folder.
      std::string dir = path;
      while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
      if (id.ok()) app.FindDocument(id.value())->freeze_path =
          (std::filesystem::path(dir).parent_path() / "frozen_model.pb").string();
    } else {
      if (file_count == 0)
        files_dir = (std::filesystem::path(path).parent_path() / "frozen_model.pb").string();
      for (const auto& skipped : files->Add(std::move(source).value()))
        app.log().Warning(path + ": another file named " + skipped + " was given first; skipped");
      const std::string base = BaseName(path);
      const bool is_index = base.size() > 6 && base.compare(base.size() - 6, 6, ".index") == 0;
      if (file_count++ == 0 || (is_index && files_label.find(".index") == std::string::npos))
        files_label = base;
    }
  }
  if (files_label.size() > 6 && files_label.compare(files_label.size() - 6, 6, ".index") == 0)
    files_label.resize(files_label.size() - 6);
  if (file_count > 1) files_label += " (" + std::to_string(file_count) + " files)";
  if (file_count > 0) {
    auto id = app.Open(std::move(files), files_label);
    if (id.ok()) app.FindDocument(id.value())->freeze_path = files_dir;
  }
}

// Reads the back buffer (what the frame just drew) into a top-down RGBA image.
std::string CapturePng(int width, int height) {
  std::vector<uint8_t> pixels(static_cast<size_t>(width) * height * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
  std::vector<uint8_t> flipped(pixels.size());
  const size_t row = static_cast<size_t>(width) * 4;
  for (int y = 0; y < height; ++y)
    std::memcpy(flipped.data() + row * y, pixels.data() + row * (height - 1 - y), row);
  return app::EncodePng(flipped.data(), width, height);
}

std::vector<std::string>* g_dropped = nullptr;

void OnDrop(GLFWwindow*, int count, const char** paths) {
  for (int i = 0; i < count; ++i) g_dropped->push_back(paths[i]);
}

void OnGlfwError(int code, const char* message) {
  std::fprintf(stderr, "ckptview-desktop: GLFW error %d: %s\n", code, message);
}

int Run(int argc, char** argv) {
  Options o;
  if (!ParseArgs(argc, argv, &o)) return 2;

  app::AppOptions app_options;
  app_options.max_tensor_bytes = uint64_t{16} << 30;
  app_options.empty_hint = "Drop a checkpoint folder or its files on this window, or pass them on the command line.";
  app::App app(app_options);

  glfwSetErrorCallback(OnGlfwError);
  if (!glfwInit()) {
    std::fprintf(stderr, "ckptview-desktop: cannot initialise GLFW (no display? try xvfb-run -a)\n");
    return 1;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  if (!o.screenshot.empty()) glfwWindowHint(GLFW_RESIZABLE, GLFW_FALSE);
  GLFWwindow* window = glfwCreateWindow(o.width, o.height, "ckptview", nullptr, nullptr);
  if (!window) {
    std::fprintf(stderr, "ckptview-desktop: cannot create an OpenGL 3.3 window\n");
    glfwTerminate();
    return 1;
  }
  glfwMakeContextCurrent(window);
  glfwSwapInterval(o.screenshot.empty() ? 1 : 0);
  std::vector<std::string> dropped;
  g_dropped = &dropped;
  glfwSetDropCallback(window, OnDrop);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  app::ConfigureImGui();
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 330 core");
  // The graph view's GL side. Without it (a shader the driver rejects) the
  // app still runs; the graph view just draws nothing, and the log says why.
  if (auto renderer = render::GlGraphRenderer::Create(); renderer.ok()) {
    app.SetGraphRenderer(std::move(renderer).value());
  } else {
    std::fprintf(stderr, "ckptview-desktop: %s\n", renderer.status().message().c_str());
    app.log().Error(renderer.status().message());
  }

  app.SetFreezeFileWriter([](graph::FreezeJob& job, formats::FileSource& source, const std::string& path,
                              uint64_t* bytes, const app::App::FreezeProgress& progress) {
    return graph::FreezeToFile(job, source, path, bytes, progress);
  });
  OpenPaths(app, o.paths);
  if (!o.select.empty()) app.Select(o.select);
  if (o.graph_view) app.ShowGraphView();
  int freeze_failed = 0;
  if (!o.freeze.empty()) {
    app.ShowGraphPanel();
    Status status = app.SetFreezeOutputs(graph::SplitNameList(o.freeze));
    if (status.ok()) status = app.FreezeToPath(o.freeze_to);
    if (!status.ok()) freeze_failed = 1;  // logged; the exit code says so
  }

  int exit_code = freeze_failed;
  for (int frame = 1; !glfwWindowShouldClose(window); ++frame) {
    if (o.screenshot.empty() && !app.busy()) glfwWaitEventsTimeout(0.25);
    else glfwPollEvents();
    if (!dropped.empty()) {
      std::vector<std::string> paths;
      paths.swap(dropped);
      OpenPaths(app, paths);
    }
    app.ServeReadsFromSources();

    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    app.Draw();
    ImGui::Render();
    int fb_w = 0, fb_h = 0;
    glfwGetFramebufferSize(window, &fb_w, &fb_h);
    glViewport(0, 0, fb_w, fb_h);
    const app::RgbColor clear = app::FrameClearColor();
    glClearColor(clear.r, clear.g, clear.b, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

    if (!o.screenshot.empty() && frame >= o.frames) {
      std::string png = CapturePng(fb_w, fb_h);
      std::ofstream out(o.screenshot, std::ios::binary);
      out.write(png.data(), static_cast<std::streamsize>(png.size()));
      if (!out) {
        std::fprintf(stderr, "ckptview-desktop: cannot write %s\n", o.screenshot.c_str());
        exit_code = 1;
      } else {
        std::fprintf(stderr, "ckptview-desktop: wrote %s (%dx%d, frame %d, renderer %s)\n",
                     o.screenshot.c_str(), fb_w, fb_h, frame,
                     reinterpret_cast<const char*>(glGetString(GL_RENDERER)));
      }
      break;
    }
    glfwSwapBuffers(window);
  }

  if (o.report) std::printf("%s\n", app.ReportJson().c_str());
  app.SetGraphRenderer(nullptr);  // its GL objects go while the context is current
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();
  return exit_code;
}

}  // namespace
}  // namespace ckptview::platform

int main(int argc, char** argv) { return ckptview::platform::Run(argc, argv); }
