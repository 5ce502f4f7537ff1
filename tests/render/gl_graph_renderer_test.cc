// GlGraphRenderer on real GL (Mesa llvmpipe under a virtual X server): small
// hand-made scenes drawn into an offscreen framebuffer and checked pixel by
// pixel. Each test draws in this process when a DISPLAY works; otherwise it
// re-runs itself under `xvfb-run -a` (as tests/app/desktop_test.cc runs the
// desktop app) and passes or fails with that child. Skipped only when no X
// server can be had at all (no DISPLAY and no xvfb-run).

#include "render/gl_graph_renderer.h"

// GL from render/gl.h (core profile prototypes), not GLFW's legacy gl.h.
#include "render/gl.h"
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "app/graph_font.h"
#include "render/gl_program.h"
#include "run_command.h"

namespace ckptview::render {
namespace {

using app::GraphScene;
using app::GraphViewport;

constexpr int kWidth = 200, kHeight = 150;
constexpr uint32_t kBlue = 0xffff0000u;   // 0xAABBGGRR
constexpr uint32_t kRed = 0xff0000ffu;
constexpr uint32_t kGreen = 0xff00ff00u;
constexpr uint32_t kWhite = 0xffffffffu;
constexpr uint32_t kBlack = 0xff000000u;

// A hidden GLFW window's context with an RGBA8 framebuffer object of
// kWidth x kHeight bound: the default framebuffer of a hidden window need
// not keep its pixels.
class OffscreenGl {
 public:
  static OffscreenGl* Get() {
    static OffscreenGl* gl = [] {
      auto* g = new OffscreenGl();
      if (!g->Init()) {
        delete g;
        return static_cast<OffscreenGl*>(nullptr);
      }
      return g;
    }();
    return gl;
  }

  // RGBA of pixel (x, y), y counted from the top, as 0xAABBGGRR.
  uint32_t Pixel(int x, int y) const {
    uint8_t p[4] = {0, 0, 0, 0};
    glReadPixels(x, kHeight - 1 - y, 1, 1, GL_RGBA, GL_UNSIGNED_BYTE, p);
    return p[0] | (p[1] << 8) | (p[2] << 16) | (uint32_t(p[3]) << 24);
  }
  std::vector<uint32_t> All() const {
    std::vector<uint32_t> pixels(kWidth * kHeight);
    glPixelStorei(GL_PACK_ALIGNMENT, 4);
    glReadPixels(0, 0, kWidth, kHeight, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
    return pixels;  // bottom row first
  }
  void Clear(uint32_t c) const {
    glDisable(GL_SCISSOR_TEST);
    glViewport(0, 0, kWidth, kHeight);
    glClearColor((c & 0xff) / 255.0f, ((c >> 8) & 0xff) / 255.0f, ((c >> 16) & 0xff) / 255.0f, (c >> 24) / 255.0f);
    glClear(GL_COLOR_BUFFER_BIT);
  }

 private:
  bool Init() {
    glfwSetErrorCallback([](int, const char*) {});
    const char* display = std::getenv("DISPLAY");
    if (!display || !*display || !glfwInit()) return false;
    glfwWindowHint(GLFW_VISIBLE, GLFW_FALSE);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
    GLFWwindow* window = glfwCreateWindow(kWidth, kHeight, "gl_graph_renderer_test", nullptr, nullptr);
    if (!window) return false;
    glfwMakeContextCurrent(window);
    GLuint fbo = 0, color = 0;
    glGenFramebuffers(1, &fbo);
    glGenRenderbuffers(1, &color);
    glBindRenderbuffer(GL_RENDERBUFFER, color);
    glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, kWidth, kHeight);
    glBindFramebuffer(GL_FRAMEBUFFER, fbo);
    glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, color);
    return glCheckFramebufferStatus(GL_FRAMEBUFFER) == GL_FRAMEBUFFER_COMPLETE;
  }
};

enum class GlMode { kHere, kRanInChild, kNone };

using testing_util::RunCommand;

// Whether this test can draw here; if not, runs it again in a child process
// under xvfb-run and reports the child's result as this test's.
GlMode GlOrChild() {
  if (OffscreenGl::Get()) return GlMode::kHere;
  if (std::getenv("CKPT_GL_TEST_CHILD")) {
    ADD_FAILURE() << "no GL 3.3 context even under xvfb-run (DISPLAY=" << std::getenv("DISPLAY") << ")";
    return GlMode::kRanInChild;
  }
  if (std::system("command -v xvfb-run >/dev/null 2>&1") != 0) return GlMode::kNone;
  char exe[4096];
  const ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (len <= 0) return GlMode::kNone;
  exe[len] = '\0';
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string filter = std::string(info->test_suite_name()) + "." + info->name();
  const std::string command = "CKPT_GL_TEST_CHILD=1 xvfb-run -a '" + std::string(exe) + "' --gtest_filter=" +
                              filter + " 2>&1";
  int status = -1;
  const std::string out = RunCommand(command, &status);
  EXPECT_EQ(status, 0) << command << "\n" << out;
  EXPECT_NE(out.find("[  PASSED  ] 1 test"), std::string::npos) << command << "\n" << out;
  return GlMode::kRanInChild;
}

#define CKPT_REQUIRE_GL()                                                             \
  switch (GlOrChild()) {                                                              \
    case GlMode::kHere:                                                               \
      break;                                                                          \
    case GlMode::kRanInChild:                                                         \
      return;                                                                         \
    case GlMode::kNone:                                                               \
      GTEST_SKIP() << "no DISPLAY and no xvfb-run: no X server for a GL context";     \
  }

// Channel-wise comparison with room for antialiasing and rounding.
::testing::AssertionResult Near(uint32_t got, uint32_t want, int tolerance = 12) {
  for (int shift = 0; shift < 32; shift += 8) {
    const int a = (got >> shift) & 0xff, b = (want >> shift) & 0xff;
    if (std::abs(a - b) > tolerance) {
      char text[64];
      std::snprintf(text, sizeof text, "got 0x%08x, want 0x%08x", got, want);
      return ::testing::AssertionFailure() << text;
    }
  }
  return ::testing::AssertionSuccess();
}

GraphViewport FullViewport(float cx = 0, float cy = 0, float scale = 1) {
  GraphViewport v;
  v.w = kWidth;
  v.h = kHeight;
  v.framebuffer_height = kHeight;
  v.center_x = cx;
  v.center_y = cy;
  v.scale = scale;
  v.background = kBlue;
  return v;
}

std::unique_ptr<GlGraphRenderer> NewRenderer(const GlGraphRendererOptions& options = {}) {
  auto r = GlGraphRenderer::Create(options);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? std::move(r).value() : nullptr;
}

app::SceneRect Rect(float x, float y, float w, float h, uint32_t fill, uint32_t border = 0, float border_px = 0,
                    float corner = 0) {
  app::SceneRect r;
  r.x = x, r.y = y, r.w = w, r.h = h;
  r.fill = fill, r.border = border, r.border_px = border_px, r.corner = corner;
  return r;
}

int CountNear(const std::vector<uint32_t>& pixels, uint32_t colour, int tolerance = 40) {
  int n = 0;
  for (uint32_t p : pixels) n += Near(p, colour, tolerance) ? 1 : 0;
  return n;
}

TEST(GlGraphRendererTest, RectFillBorderAndCorners) {
  CKPT_REQUIRE_GL();
  auto renderer = NewRenderer();
  ASSERT_TRUE(renderer);
  GraphScene scene;
  scene.version = 1;
  // Screen box x 50..150, y 45..105 (camera at the origin, scale 1).
  scene.rects.push_back(Rect(0, 0, 100, 60, kRed, kGreen, 4, 0));
  renderer->Draw(scene, FullViewport());
  const OffscreenGl* gl = OffscreenGl::Get();
  EXPECT_TRUE(Near(gl->Pixel(100, 75), kRed));     // centre: fill
  EXPECT_TRUE(Near(gl->Pixel(52, 75), kGreen));    // 2.5 px inside the left side: border
  EXPECT_TRUE(Near(gl->Pixel(100, 47), kGreen));   // top border
  EXPECT_TRUE(Near(gl->Pixel(57, 75), kRed));      // past the 4 px border
  EXPECT_TRUE(Near(gl->Pixel(40, 75), kBlue));     // outside: the cleared background
  EXPECT_TRUE(Near(gl->Pixel(100, 110), kBlue));
  EXPECT_TRUE(Near(gl->Pixel(51, 46), kGreen));    // square corner is inked

  // Rounded corners (radius 20): the corner pixel is outside, the side is not.
  scene.rects[0] = Rect(0, 0, 100, 60, kRed, kGreen, 4, 20);
  ++scene.version;
  renderer->Draw(scene, FullViewport());
  EXPECT_TRUE(Near(gl->Pixel(51, 46), kBlue));
  EXPECT_TRUE(Near(gl->Pixel(52, 75), kGreen));
  EXPECT_TRUE(Near(gl->Pixel(100, 75), kRed));
}

TEST(GlGraphRendererTest, BorderWidthStaysInScreenPixels) {
  CKPT_REQUIRE_GL();
  auto renderer = NewRenderer();
  ASSERT_TRUE(renderer);
  GraphScene scene;
  scene.version = 1;
  scene.rects.push_back(Rect(0, 0, 25, 15, kRed, kGreen, 4, 0));
  // Scale 4: the box is 100x60 px again (x 50..150); a border that grew with
  // the zoom would be 16 px wide.
  renderer->Draw(scene, FullViewport(0, 0, 4));
  const OffscreenGl* gl = OffscreenGl::Get();
  EXPECT_TRUE(Near(gl->Pixel(52, 75), kGreen));
  EXPECT_TRUE(Near(gl->Pixel(58, 75), kRed));
  EXPECT_TRUE(Near(gl->Pixel(100, 75), kRed));
  EXPECT_TRUE(Near(gl->Pixel(45, 75), kBlue));
}

TEST(GlGraphRendererTest, SegmentsHaveConstantScreenWidth) {
  CKPT_REQUIRE_GL();
  auto renderer = NewRenderer();
  ASSERT_TRUE(renderer);
  GraphScene scene;
  scene.version = 1;
  app::SceneSegment s;
  s.x0 = -20, s.y0 = 0, s.x1 = 20, s.y1 = 0, s.color = kWhite, s.width_px = 4;
  scene.segments.push_back(s);
  app::SceneSegment diagonal = s;  // down-right from (-20, 5) to (-10, 15)
  diagonal.x0 = -20, diagonal.y0 = 5, diagonal.x1 = -10, diagonal.y1 = 15, diagonal.color = kGreen;
  diagonal.width_px = 3;
  scene.segments.push_back(diagonal);
  const OffscreenGl* gl = OffscreenGl::Get();
  for (float scale : {1.0f, 2.0f}) {
    SCOPED_TRACE(scale);
    renderer->Draw(scene, FullViewport(0, 0, scale));
    // y = 0 is the boundary between pixel rows 74 and 75: 4 px cover rows 73..76.
    for (int y = 73; y <= 76; ++y) {
      EXPECT_TRUE(Near(gl->Pixel(100, y), kWhite)) << y;
      EXPECT_TRUE(Near(gl->Pixel(100 + int(15 * scale), y), kWhite)) << y;
    }
    EXPECT_TRUE(Near(gl->Pixel(100, 71), kBlue));  // the width stays 4 px at any zoom
    EXPECT_TRUE(Near(gl->Pixel(100, 78), kBlue));
    EXPECT_TRUE(Near(gl->Pixel(100 + int(25 * scale), 75), kBlue));  // past the end
    // The diagonal's midpoint (-15, 10) and a point 4 px off it.
    const int mx = 100 + int(-15 * scale), my = 75 + int(10 * scale);
    EXPECT_TRUE(Near(gl->Pixel(mx, my), kGreen, 60));
    EXPECT_TRUE(Near(gl->Pixel(mx + 4, my - 4), kBlue));
  }
}

TEST(GlGraphRendererTest, ArrowPointsAlongItsDirection) {
  CKPT_REQUIRE_GL();
  auto renderer = NewRenderer();
  ASSERT_TRUE(renderer);
  GraphScene scene;
  scene.version = 1;
  app::SceneArrow a;
  a.x = 0, a.y = 20, a.dx = 0, a.dy = 1, a.size = 20, a.color = kWhite;  // tip at the bottom
  scene.arrows.push_back(a);
  const OffscreenGl* gl = OffscreenGl::Get();
  // Scale 2: tip at (100, 115), base from (80, 75) to (120, 75).
  renderer->Draw(scene, FullViewport(0, 0, 2));
  EXPECT_TRUE(Near(gl->Pixel(100, 80), kWhite));   // near the base
  EXPECT_TRUE(Near(gl->Pixel(84, 78), kWhite));    // near a base corner
  EXPECT_TRUE(Near(gl->Pixel(100, 110), kWhite));  // near the tip
  EXPECT_TRUE(Near(gl->Pixel(90, 110), kBlue));    // beside the tip
  EXPECT_TRUE(Near(gl->Pixel(100, 120), kBlue));   // past the tip
  EXPECT_TRUE(Near(gl->Pixel(100, 70), kBlue));    // behind the base

  // Pointing up from the same tip: the triangle is now below it.
  scene.arrows[0].dy = -1;
  ++scene.version;
  renderer->Draw(scene, FullViewport(0, 0, 2));
  EXPECT_TRUE(Near(gl->Pixel(100, 80), kBlue));
  EXPECT_TRUE(Near(gl->Pixel(100, 150 - 5), kWhite));
}

TEST(GlGraphRendererTest, GlyphsDrawnOnlyAboveTheLabelThreshold) {
  CKPT_REQUIRE_GL();
  auto renderer = NewRenderer();
  ASSERT_TRUE(renderer);
  const app::GraphFont& font = app::GraphFont::Default();
  GraphScene scene;
  scene.version = 1;
  scene.atlas = &font.atlas();
  scene.label_height = 20;
  const float width = font.Measure("MWM", 20);
  font.AppendGlyphs("MWM", -width / 2, -10, 20, kWhite, &scene.glyphs);
  ASSERT_EQ(scene.glyphs.size(), 3u);
  const OffscreenGl* gl = OffscreenGl::Get();

  GraphViewport v = FullViewport();
  v.label_min_px = 6;
  renderer->Draw(scene, v);  // 20 px tall on screen
  EXPECT_TRUE(renderer->counters().last_drew_glyphs);
  std::vector<uint32_t> pixels = gl->All();
  const int ink = CountNear(pixels, kWhite);
  // Three capital letters, ~14 px tall: a few hundred solid pixels, and
  // antialiased edge pixels in between.
  EXPECT_GT(ink, 150);
  EXPECT_LT(ink, 1200);
  int partial = 0;
  for (uint32_t p : pixels) partial += (p & 0xff) > 40 && (p & 0xff) < 215 ? 1 : 0;
  EXPECT_GT(partial, 20) << "edges are not antialiased";
  // Ink stays inside the label's box (x 100 +- width/2, y 65..85).
  for (int y = 0; y < kHeight; ++y)
    for (int x = 0; x < kWidth; ++x)
      if (Near(pixels[(kHeight - 1 - y) * kWidth + x], kWhite, 40)) {
        EXPECT_GE(x, 100 - width / 2 - 2);
        EXPECT_LE(x, 100 + width / 2 + 2);
        EXPECT_GE(y, 63);
        EXPECT_LE(y, 87);
      }

  v.scale = 0.25f;  // 5 px on screen: below label_min_px
  renderer->Draw(scene, v);
  EXPECT_FALSE(renderer->counters().last_drew_glyphs);
  EXPECT_EQ(CountNear(gl->All(), kWhite, 100), 0);
  v.label_min_px = 4;  // the same zoom with a lower threshold draws them
  renderer->Draw(scene, v);
  EXPECT_TRUE(renderer->counters().last_drew_glyphs);
  EXPECT_GT(CountNear(gl->All(), kBlue, 100), 0);
  EXPECT_LT(CountNear(gl->All(), kBlue, 8), kWidth * kHeight);
}

TEST(GlGraphRendererTest, CameraPansAndZooms) {
  CKPT_REQUIRE_GL();
  auto renderer = NewRenderer();
  ASSERT_TRUE(renderer);
  GraphScene scene;
  scene.version = 1;
  scene.rects.push_back(Rect(30, 20, 10, 10, kRed));
  const OffscreenGl* gl = OffscreenGl::Get();
  renderer->Draw(scene, FullViewport());  // at (130, 95), 10 px square
  EXPECT_TRUE(Near(gl->Pixel(130, 95), kRed));
  EXPECT_TRUE(Near(gl->Pixel(100, 75), kBlue));
  renderer->Draw(scene, FullViewport(30, 20, 1));  // panned: at the viewport's centre
  EXPECT_TRUE(Near(gl->Pixel(100, 75), kRed));
  EXPECT_TRUE(Near(gl->Pixel(130, 95), kBlue));
  EXPECT_TRUE(Near(gl->Pixel(100 + 8, 75), kBlue));
  renderer->Draw(scene, FullViewport(30, 20, 2));  // zoomed in: 20 px square
  EXPECT_TRUE(Near(gl->Pixel(100 + 8, 75), kRed));
  EXPECT_TRUE(Near(gl->Pixel(100 - 8, 75 - 8), kRed));
  EXPECT_TRUE(Near(gl->Pixel(100 + 12, 75), kBlue));
  EXPECT_EQ(renderer->counters().scene_uploads, 1u);  // camera moves upload nothing
}

TEST(GlGraphRendererTest, ScissorKeepsDrawingInsideTheViewport) {
  CKPT_REQUIRE_GL();
  auto renderer = NewRenderer();
  ASSERT_TRUE(renderer);
  GraphScene scene;
  scene.version = 1;
  scene.rects.push_back(Rect(0, 0, 1000, 1000, kRed));  // covers far more than the viewport
  app::SceneSegment s;
  s.x0 = -1000, s.y0 = 0, s.x1 = 1000, s.y1 = 0, s.color = kWhite, s.width_px = 4;
  scene.segments.push_back(s);
  const OffscreenGl* gl = OffscreenGl::Get();
  gl->Clear(kBlack);
  GraphViewport v = FullViewport();
  v.x = 50, v.y = 40, v.w = 60, v.h = 50;  // framebuffer pixels, from the top left
  v.background = 0;                        // transparent: no clear
  renderer->Draw(scene, v);
  const std::vector<uint32_t> pixels = gl->All();
  int inside = 0;
  for (int y = 0; y < kHeight; ++y)
    for (int x = 0; x < kWidth; ++x) {
      const uint32_t p = pixels[(kHeight - 1 - y) * kWidth + x];
      if (x >= 50 && x < 110 && y >= 40 && y < 90) {
        inside += Near(p, kBlack, 0) ? 0 : 1;
      } else {
        ASSERT_TRUE(Near(p, kBlack, 0)) << "drawn outside the viewport at " << x << "," << y;
      }
    }
  EXPECT_EQ(inside, 60 * 50);
  // The camera centre is the viewport's centre: the line runs through y = 65.
  EXPECT_TRUE(Near(gl->Pixel(60, 64), kWhite));
  EXPECT_TRUE(Near(gl->Pixel(60, 65), kWhite));
  EXPECT_TRUE(Near(gl->Pixel(60, 60), kRed));

  // An opaque background clears the viewport only.
  gl->Clear(kBlack);
  scene.rects.clear();
  scene.segments.clear();
  ++scene.version;
  v.background = kGreen;
  renderer->Draw(scene, v);
  EXPECT_TRUE(Near(gl->Pixel(80, 65), kGreen));
  EXPECT_TRUE(Near(gl->Pixel(30, 65), kBlack));
  EXPECT_TRUE(Near(gl->Pixel(80, 100), kBlack));
}

TEST(GlGraphRendererTest, UploadsOnlyWhenTheSceneChanges) {
  CKPT_REQUIRE_GL();
  auto renderer = NewRenderer();
  ASSERT_TRUE(renderer);
  GraphScene scene;
  scene.version = 7;
  scene.rects.push_back(Rect(0, 0, 40, 40, kRed));
  const OffscreenGl* gl = OffscreenGl::Get();
  renderer->Draw(scene, FullViewport());
  EXPECT_TRUE(Near(gl->Pixel(100, 75), kRed));
  EXPECT_EQ(renderer->counters().scene_uploads, 1u);
  EXPECT_EQ(renderer->counters().last_draw_calls, 1);

  // Changed in place without a new version: the GPU copy is what draws.
  scene.rects[0].fill = kGreen;
  renderer->Draw(scene, FullViewport());
  GraphViewport minimap = FullViewport(0, 0, 0.5f);  // a second viewport, same scene
  minimap.w = 50, minimap.h = 40;
  renderer->Draw(scene, minimap);
  EXPECT_EQ(renderer->counters().scene_uploads, 1u);
  renderer->Draw(scene, FullViewport());
  EXPECT_TRUE(Near(gl->Pixel(100, 75), kRed));

  ++scene.version;
  renderer->Draw(scene, FullViewport());
  EXPECT_EQ(renderer->counters().scene_uploads, 2u);
  EXPECT_TRUE(Near(gl->Pixel(100, 75), kGreen));

  // A different number of instances re-uploads even if the version was not bumped.
  scene.rects.push_back(Rect(60, 0, 10, 10, kWhite));
  renderer->Draw(scene, FullViewport());
  EXPECT_EQ(renderer->counters().scene_uploads, 3u);
  EXPECT_TRUE(Near(gl->Pixel(160, 75), kWhite));

  // Far levels of detail are made when a draw first needs one, once per
  // scene version (every draw above was at level 0).
  EXPECT_EQ(renderer->counters().lod_uploads, 0u);
  const GraphViewport far = FullViewport(0, 0, 0.05f);
  renderer->Draw(scene, far);
  renderer->Draw(scene, far);
  EXPECT_EQ(renderer->counters().lod_uploads, 1u);
  EXPECT_GT(renderer->counters().last_lod_level, 0);
  ++scene.version;
  renderer->Draw(scene, FullViewport());
  EXPECT_EQ(renderer->counters().lod_uploads, 1u);
  renderer->Draw(scene, far);
  EXPECT_EQ(renderer->counters().lod_uploads, 2u);

  // The atlas too: once per atlas version.
  app::FontAtlas atlas;
  atlas.width = 4, atlas.height = 4, atlas.pixels.assign(16, 255), atlas.version = 1;
  scene.atlas = &atlas;
  renderer->Draw(scene, FullViewport());
  renderer->Draw(scene, FullViewport());
  EXPECT_EQ(renderer->counters().atlas_uploads, 1u);
  atlas.version = 2;
  renderer->Draw(scene, FullViewport());
  EXPECT_EQ(renderer->counters().atlas_uploads, 2u);
}

// Whether the framebuffer holds what a new renderer with `options` draws
// for `scene` (in the full viewport; it draws over what is there).
bool DrawsAsAFreshRenderer(const GraphScene& scene, const GlGraphRendererOptions& options) {
  const std::vector<uint32_t> before = OffscreenGl::Get()->All();
  NewRenderer(options)->Draw(scene, FullViewport());
  return before == OffscreenGl::Get()->All();
}

// The graph view prefetches its next scene a piece per frame while the
// current one is drawn; once it is all there, the first Draw of those
// contents (swapped into the scene drawn, under a new version) swaps the
// buffers in without an upload. A prefetch of other contents starts over.
// Instanced and per-vertex copies alike.
TEST(GlGraphRendererTest, PrefetchedScenesSwapInWithoutAnUpload) {
  CKPT_REQUIRE_GL();
  const OffscreenGl* gl = OffscreenGl::Get();
  for (bool expand : {false, true}) {
    SCOPED_TRACE(expand ? "per-vertex copies" : "instanced");
    GlGraphRendererOptions options;
    options.expand_instances = expand;
    options.prefetch_bytes = 16;  // a few calls per kind
    auto renderer = NewRenderer(options);
    ASSERT_TRUE(renderer);
    GraphScene drawn;
    drawn.version = 1;
    drawn.content = 1;
    drawn.rects.push_back(Rect(0, 0, 40, 40, kRed));
    renderer->Draw(drawn, FullViewport());
    EXPECT_TRUE(Near(gl->Pixel(100, 75), kRed));
    EXPECT_EQ(renderer->counters().scene_uploads, 1u);

    auto next_of = [&](uint64_t content, uint32_t fill) {
      GraphScene next = drawn;
      next.content = content;
      next.rects[0].fill = fill;
      next.segments.push_back({-60, -60, -40, -60, kWhite, 2});
      next.arrows.push_back({-40, -60, 1, 0, 6, kWhite});
      next.fills.push_back({60, -50, 40, 30, kGreen, 0, -1, 0});
      return next;
    };
    const GraphScene other = next_of(2, kGreen), next = next_of(3, kBlack);
    EXPECT_FALSE(renderer->Prefetch(other));
    int calls = 1;
    for (; !renderer->Prefetch(next) && calls < 1000; ++calls) {  // other contents: starts over
      renderer->Draw(drawn, FullViewport());
      EXPECT_TRUE(Near(gl->Pixel(100, 75), kRed));
    }
    EXPECT_GE(calls, 4);  // at least one per kind with items
    EXPECT_TRUE(renderer->Prefetch(next));  // done: nothing more to copy
    const uint64_t prefetch_calls = renderer->counters().prefetch_calls;

    drawn = next;  // as the view lands it: the contents, under a new version
    drawn.version = 2;
    renderer->Draw(drawn, FullViewport());
    EXPECT_TRUE(Near(gl->Pixel(100, 75), kBlack));
    EXPECT_EQ(renderer->counters().scene_uploads, 1u);
    EXPECT_EQ(renderer->counters().prefetch_swaps, 1u);
    EXPECT_EQ(renderer->counters().prefetch_calls, prefetch_calls);
    EXPECT_TRUE(DrawsAsAFreshRenderer(drawn, options));

    // Contents it was not given (or of no build: content 0) go in whole.
    drawn.content = 0;
    drawn.rects[0].fill = kWhite;
    ++drawn.version;
    EXPECT_TRUE(renderer->Prefetch(drawn));
    renderer->Draw(drawn, FullViewport());
    EXPECT_TRUE(Near(gl->Pixel(100, 75), kWhite));
    EXPECT_EQ(renderer->counters().scene_uploads, 2u);
  }
}

// A prefetch reuses the spare pages (the scene drawn before last): only a
// page it lacks or that is too small is allocated (allocating costs a big
// view's frame tens of ms in WebGL). What a reused page holds past the new
// scene is never drawn.
TEST(GlGraphRendererTest, PrefetchReusesSparePages) {
  CKPT_REQUIRE_GL();
  for (bool expand : {false, true}) {
    SCOPED_TRACE(expand ? "per-vertex copies" : "instanced");
    GlGraphRendererOptions options;
    options.expand_instances = expand;
    auto renderer = NewRenderer(options);
    ASSERT_TRUE(renderer);
    // `boxes` boxes in rows from the top left, and one edge.
    auto scene_of = [](uint64_t content, int boxes) {
      GraphScene s;
      s.version = s.content = content;
      for (int i = 0; i < boxes; ++i) s.rects.push_back(Rect(-90 + 12 * (i % 16), -60 + 12 * (i / 16), 10, 10, kRed));
      s.segments.push_back({-90, 60, 90, 60, kWhite, 2});
      return s;
    };
    GraphScene drawn = scene_of(1, 10);
    renderer->Draw(drawn, FullViewport());
    auto land = [&](GraphScene next) {
      while (!renderer->Prefetch(next)) {
      }
      drawn = std::move(next);
      renderer->Draw(drawn, FullViewport());
    };
    land(scene_of(2, 10));
    EXPECT_EQ(renderer->counters().spare_allocations, 2u);  // a page for the boxes and one for the edges
    land(scene_of(3, 12));  // into the first scene's pages, uploaded whole to their size: too small
    EXPECT_EQ(renderer->counters().spare_allocations, 4u);
    land(scene_of(4, 11));  // into scene 2's (whole pages), and so on
    land(scene_of(5, 8));   // into scene 3's, 4 boxes of it past the end
    EXPECT_EQ(renderer->counters().spare_allocations, 4u);
    EXPECT_EQ(renderer->counters().last_rects, 8);
    EXPECT_TRUE(DrawsAsAFreshRenderer(drawn, options));
    // More than a page of boxes: one more page (the first is reused).
    land(scene_of(6, GlGraphRenderer::kPageItems + 50));
    EXPECT_EQ(renderer->counters().spare_allocations, 5u);
    EXPECT_TRUE(DrawsAsAFreshRenderer(drawn, options));
    EXPECT_EQ(renderer->counters().prefetch_swaps, 5u);
  }
}

// Frame fills draw first, under the boxes, culled like them; far zooms
// fill the frames whole instead (GraphScene::frames).
TEST(GlGraphRendererTest, FrameFillsDrawUnderBoxesAndFarZoomsFillFramesWhole) {
  CKPT_REQUIRE_GL();
  auto renderer = NewRenderer();
  ASSERT_TRUE(renderer);
  const OffscreenGl* gl = OffscreenGl::Get();
  GraphScene scene;
  scene.version = 1;
  scene.fills.push_back({-50, 0, 100, 100, kGreen, 0, -1, 0});  // two pieces side by side
  scene.fills.push_back({50, 0, 100, 100, kGreen, 0, -1, 0});
  scene.fills.push_back({5000, 0, 100, 100, kGreen, 0, -1, 0});  // far off screen
  scene.frames.push_back({0, 0, 200, 100, kWhite, 0, 0, 0});
  scene.rects.push_back(Rect(0, 0, 20, 20, kRed));  // a box over them
  renderer->Draw(scene, FullViewport());
  EXPECT_TRUE(Near(gl->Pixel(100, 75), kRed));
  EXPECT_TRUE(Near(gl->Pixel(60, 75), kGreen));
  EXPECT_TRUE(Near(gl->Pixel(100, 40), kGreen));  // where the pieces meet: no seam
  EXPECT_TRUE(Near(gl->Pixel(100, 20), kBlue));   // outside them
  EXPECT_EQ(renderer->counters().last_fills, 2);  // the far one culled
  // At a far zoom, the frame (white) with the boxes, not its pieces (green).
  renderer->Draw(scene, FullViewport(0, 0, 0.2f));
  EXPECT_GT(renderer->counters().last_lod_level, 0);
  EXPECT_EQ(renderer->counters().last_fills, 0);
  EXPECT_EQ(renderer->counters().last_rects, 2);
  EXPECT_TRUE(Near(gl->Pixel(90, 75), kWhite));
}

// The minimap draws boxes only: its far levels are made without their
// edges (the costly part to remake after each relayout), and a change
// remakes only what was drawn.
TEST(GlGraphRendererTest, BoxesOnlyDrawsMakeNoEdges) {
  CKPT_REQUIRE_GL();
  auto renderer = NewRenderer();
  ASSERT_TRUE(renderer);
  const OffscreenGl* gl = OffscreenGl::Get();
  GraphScene scene;
  scene.version = 1;
  scene.rects.push_back(Rect(0, 0, 400, 400, kRed));
  scene.segments.push_back({-4000, 1000, 4000, 1000, kWhite, 3});  // below the box
  GraphViewport minimap = FullViewport(0, 500, 0.02f);
  minimap.edges = false;
  renderer->Draw(scene, minimap);
  EXPECT_GT(renderer->counters().last_lod_level, 0);
  EXPECT_EQ(renderer->counters().lod_uploads, 1u);
  EXPECT_EQ(renderer->counters().lod_edge_uploads, 0u);
  EXPECT_TRUE(Near(gl->Pixel(100, 65), kRed));
  EXPECT_TRUE(Near(gl->Pixel(100, 85), kBlue));  // no edge drawn
  EXPECT_EQ(renderer->counters().last_segments + renderer->counters().last_edge_cells, 0);

  ++scene.version;
  renderer->Draw(scene, FullViewport());
  renderer->Draw(scene, minimap);
  EXPECT_EQ(renderer->counters().lod_uploads, 2u);  // the boxes, remade with the scene
  EXPECT_EQ(renderer->counters().lod_edge_uploads, 0u);
  renderer->Draw(scene, FullViewport(0, 500, 0.02f));  // now with edges: only they are made
  EXPECT_EQ(renderer->counters().lod_edge_uploads, 1u);
  EXPECT_TRUE(Near(gl->Pixel(100, 85), kWhite, 60));
}

TEST(GlGraphRendererTest, FarZoomDrawsTheReducedCopy) {
  CKPT_REQUIRE_GL();
  GlGraphRendererOptions unculled;  // counts whole levels (culling has its own tests below)
  unculled.spatial_culling = false;
  auto renderer = NewRenderer(unculled);
  ASSERT_TRUE(renderer);
  GraphScene scene;
  scene.version = 1;
  // A 50,000-unit edge in 1,000 pieces and 500 node-sized boxes along it.
  for (int i = 0; i < 1000; ++i) {
    app::SceneSegment s;
    s.x0 = -25000 + 50.0f * i, s.x1 = s.x0 + 50, s.color = kWhite, s.width_px = 2;
    scene.segments.push_back(s);
  }
  for (int i = 0; i < 500; ++i) scene.rects.push_back(Rect(-25000 + 100.0f * i, 40, 60, 24, kRed));
  const OffscreenGl* gl = OffscreenGl::Get();
  renderer->Draw(scene, FullViewport(0, 0, 1));
  EXPECT_EQ(renderer->counters().last_lod_level, 0);
  EXPECT_EQ(renderer->counters().last_instances, 1500);
  // Scale 0.003: the edge is 150 px long and a box 0.18 px wide. The far
  // level draws the edge as a row of coverage cells and drops the boxes.
  renderer->Draw(scene, FullViewport(0, 0, 0.003f));
  const int level = renderer->counters().last_lod_level;
  EXPECT_EQ(level, LodLevelForScale(0.003f));
  EXPECT_GE(level, kFirstRasterLevel);
  EXPECT_GT(renderer->counters().last_instances, 0);
  EXPECT_LE(renderer->counters().last_instances, 50000 / LodTolerance(level) + 2);
  EXPECT_EQ(renderer->counters().scene_uploads, 1u);
  for (int x = 30; x <= 170; x += 10) EXPECT_GT(gl->Pixel(x, 75) & 0xff, 160u) << x;  // mostly white
  EXPECT_TRUE(Near(gl->Pixel(20, 75), kBlue));
  EXPECT_TRUE(Near(gl->Pixel(100, 72), kBlue));
  EXPECT_TRUE(Near(gl->Pixel(100, 78), kBlue));
  // Level 1 (scale 0.2) simplifies the 1,000 pieces into one, keeps the boxes.
  renderer->Draw(scene, FullViewport(0, 0, 0.2f));
  EXPECT_EQ(renderer->counters().last_lod_level, 1);
  EXPECT_EQ(renderer->counters().last_instances, 1 + 500);
  EXPECT_TRUE(Near(gl->Pixel(100, 75), kWhite));
}

// expand_instances (for SwiftShader) draws the same pixels as instancing, at
// every level of detail.
TEST(GlGraphRendererTest, ExpandedInstancesDrawTheSamePixels) {
  CKPT_REQUIRE_GL();
  auto instanced = NewRenderer();
  GlGraphRendererOptions options;
  options.expand_instances = true;
  auto created = GlGraphRenderer::Create(options);
  ASSERT_TRUE(created.ok()) << created.status().message();
  auto expanded = std::move(created).value();
  ASSERT_TRUE(instanced);
  const app::GraphFont& font = app::GraphFont::Default();
  GraphScene scene;
  scene.version = 1;
  scene.atlas = &font.atlas();
  scene.label_height = 12;
  for (int i = 0; i < 40; ++i) {
    const float x = -400 + 20.0f * i, y = 10.0f * (i % 7);
    scene.rects.push_back(Rect(x, y, 16, 8, kRed, kGreen, 1, 2));
    app::SceneSegment s;
    s.x0 = x, s.y0 = y, s.x1 = x + 20, s.y1 = 10.0f * ((i + 1) % 7), s.color = kWhite, s.width_px = 1.5f;
    scene.segments.push_back(s);
    scene.arrows.push_back({s.x1, s.y1, 0, 1, 6, kWhite});
    font.AppendGlyphs("n" + std::to_string(i), x - 6, y - 20, 12, kWhite, &scene.glyphs);
  }
  const OffscreenGl* gl = OffscreenGl::Get();
  // Panned views draw culled runs that start inside the buffers.
  const float views[][3] = {{0, 0, 1}, {0, 0, 0.2f}, {0, 0, 0.01f}, {-300, 20, 3}, {250, 40, 2}, {380, 0, 4}};
  for (const auto& [cx, cy, scale] : views) {
    SCOPED_TRACE(testing::Message() << cx << "," << cy << " scale " << scale);
    GraphViewport v = FullViewport(cx, cy, scale);
    v.label_min_px = 0;
    instanced->Draw(scene, v);
    const std::vector<uint32_t> want = gl->All();
    expanded->Draw(scene, v);
    EXPECT_EQ(expanded->counters().last_instances, instanced->counters().last_instances);
    EXPECT_EQ(expanded->counters().last_lod_level, instanced->counters().last_lod_level);
    const std::vector<uint32_t> got = gl->All();
    int differ = 0;
    for (size_t i = 0; i < got.size(); ++i) differ += Near(got[i], want[i], 2) ? 0 : 1;
    EXPECT_EQ(differ, 0);
    EXPECT_GT(kWidth * kHeight - CountNear(got, kBlue, 0), 10);  // something was drawn
  }
  EXPECT_EQ(glGetError(), static_cast<GLenum>(GL_NO_ERROR));
}

// Instances are kept in pages of kPageItems, a draw per page: runs that
// cross pages draw what they would in one (here: what three scenes of a
// page or less each draw; one colour, so the order does not show).
TEST(GlGraphRendererTest, RunsAcrossPagesDrawWhatOnePageWould) {
  CKPT_REQUIRE_GL();
  const OffscreenGl* gl = OffscreenGl::Get();
  // A grid of short edges and arrowheads across the view, 2.5 pages' worth.
  const int n = GlGraphRenderer::kPageItems * 5 / 2, columns = 250, rows = n / columns;
  GraphScene whole, thirds[3];
  whole.version = 1;
  for (int i = 0; i < n; ++i) {
    const float x = -100 + 0.8f * (i % columns), y = -75 + 150.0f * (i / columns) / rows;
    const app::SceneSegment s{x, y, x + 3, y + 1, kWhite, 1};
    const app::SceneArrow a{x, y, 1, 0, 2, kWhite};
    whole.segments.push_back(s), whole.arrows.push_back(a);
    thirds[i * 3 / n].segments.push_back(s), thirds[i * 3 / n].arrows.push_back(a);
  }
  for (bool expand : {false, true}) {
    SCOPED_TRACE(expand ? "per-vertex copies" : "instanced");
    GlGraphRendererOptions options;
    options.expand_instances = expand;
    std::vector<uint32_t> want;
    for (int k = 0; k < 3; ++k) {
      GraphViewport v = FullViewport();
      if (k > 0) v.background = 0;  // no clear: on top of the thirds before
      NewRenderer(options)->Draw(thirds[k], v);
    }
    want = gl->All();
    auto renderer = NewRenderer(options);
    renderer->Draw(whole, FullViewport());
    EXPECT_GE(renderer->counters().last_segments, n * 9 / 10);
    EXPECT_GE(renderer->counters().last_draw_calls, 6);  // both kinds cross pages
    const std::vector<uint32_t> got = gl->All();
    int differ = 0;
    for (size_t i = 0; i < got.size(); ++i) differ += Near(got[i], want[i], 2) ? 0 : 1;
    EXPECT_EQ(differ, 0);
    EXPECT_GT(CountNear(got, kWhite, 2), kWidth * kHeight / 4);
    EXPECT_EQ(glGetError(), static_cast<GLenum>(GL_NO_ERROR));
  }
}

TEST(GlGraphRendererTest, DegenerateInputDrawsNothingAndDoesNotCrash) {
  CKPT_REQUIRE_GL();
  auto renderer = NewRenderer();
  ASSERT_TRUE(renderer);
  GraphScene scene;
  scene.version = 1;
  scene.rects.push_back(Rect(0, 0, 0, 0, kRed));
  app::SceneSegment s;  // zero length
  s.color = kWhite;
  scene.segments.push_back(s);
  app::SceneArrow a;  // no direction
  a.dx = a.dy = 0;
  a.color = kWhite;
  scene.arrows.push_back(a);
  app::FontAtlas bad;  // pixels missing
  bad.width = 64, bad.height = 64, bad.version = 1;
  scene.atlas = &bad;
  scene.glyphs.push_back(app::SceneGlyph{0, 0, 10, 10, 0, 0, 1, 1, kWhite});
  const OffscreenGl* gl = OffscreenGl::Get();
  GraphViewport v = FullViewport();
  v.scale = 0;  // nothing to draw
  gl->Clear(kBlack);
  renderer->Draw(scene, v);
  EXPECT_EQ(renderer->counters().last_draw_calls, 0);
  v = FullViewport();
  v.w = -5;
  renderer->Draw(scene, v);
  EXPECT_EQ(renderer->counters().last_draw_calls, 0);
  EXPECT_TRUE(Near(gl->Pixel(100, 75), kBlack, 0));
  renderer->Draw(scene, FullViewport());
  EXPECT_EQ(renderer->counters().last_draw_calls, 4);
  EXPECT_EQ(glGetError(), static_cast<GLenum>(GL_NO_ERROR));
}

// ---- Spatial culling (graph_cull.h) ------------------------------------------

constexpr uint32_t kBadge = 0xff00c0ffu;
constexpr uint32_t kFrameFill = 0xff305030u, kInnerFrameFill = 0xff506030u, kEdgeGrey = 0xffa0a0a0u;
constexpr int kCols = 30, kRows = 30;
constexpr float kPitchX = 80, kPitchY = 60;

float NodeX(int col) { return col * kPitchX; }
float NodeY(int row) { return row * kPitchY; }

// A graph-like scene over 2400 x 1800 world units, in the scene builder's
// order: group frames first (two side by side, a third inside the first),
// then 900 node boxes (every 7th a collapsed series: two cards under it in
// other colours, overlapping), badges over every 5th box's left edge,
// edges to the right and down neighbours (one
// colour, square caps overlapping at joints), an arrowhead per edge, and a
// label per box.
GraphScene CullScene() {
  const app::GraphFont& font = app::GraphFont::Default();
  GraphScene scene;
  scene.version = 1;
  scene.atlas = &font.atlas();
  scene.label_height = 10;
  const float half = 0.5f * kCols * kPitchX;
  scene.rects.push_back(Rect(0.5f * half - 30, 870, half, 1860, kFrameFill, kWhite, 1, 6));
  scene.rects.push_back(Rect(1.5f * half - 30, 870, half, 1860, kFrameFill, kWhite, 1, 6));
  scene.rects.push_back(Rect(NodeX(4), NodeY(5), 5 * kPitchX, 7 * kPitchY, kInnerFrameFill, kGreen, 1, 4));
  for (int row = 0; row < kRows; ++row)
    for (int col = 0; col < kCols; ++col) {
      const float x = NodeX(col), y = NodeY(row);
      if ((row * kCols + col) % 7 == 0) {
        scene.rects.push_back(Rect(x + 6, y - 6, 40, 16, 0xff808000u, kBlack, 1, 3));
        scene.rects.push_back(Rect(x + 3, y - 3, 40, 16, 0xff00a0a0u, kBlack, 1, 3));
      }
      scene.rects.push_back(Rect(x, y, 40, 16, kRed, kWhite, 1, 3));
    }
  // Badges after all boxes (like the builder's stubs), over every 5th box's
  // left edge: their min corner is left of the box's, across a cell border.
  for (int i = 1; i < kRows * kCols; i += 5)
    scene.rects.push_back(Rect(NodeX(i % kCols) - 24, NodeY(i / kCols) + 2, 16, 10, kBadge, kBlack, 1, 1));
  for (int row = 0; row < kRows; ++row)
    for (int col = 0; col < kCols; ++col) {
      const float x = NodeX(col), y = NodeY(row);
      if (col + 1 < kCols) {  // two pieces to the right neighbour
        scene.segments.push_back({x + 20, y, x + 40, y + 4, kEdgeGrey, 1.5f});
        scene.segments.push_back({x + 40, y + 4, x + kPitchX - 20, y, kEdgeGrey, 1.5f});
        scene.arrows.push_back({x + kPitchX - 20, y, 1, 0, 6, kEdgeGrey});
      }
      if (row + 1 < kRows) {
        scene.segments.push_back({x, y + 8, x, y + kPitchY - 8, kEdgeGrey, 2});
        scene.arrows.push_back({x, y + kPitchY - 8, 0, 1, 6, kEdgeGrey});
      }
      font.AppendGlyphs("n" + std::to_string(row * kCols + col), x - 12, y - 5, 10, kWhite, &scene.glyphs);
    }
  scene.min_x = -60, scene.min_y = -60, scene.max_x = NodeX(kCols), scene.max_y = NodeY(kRows);
  return scene;
}

int Differ(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b, int tolerance = 2) {
  int n = 0;
  for (size_t i = 0; i < a.size(); ++i) n += Near(a[i], b[i], tolerance) ? 0 : 1;
  return n;
}

// Culled frames look exactly like unculled ones wherever the camera is, with
// instanced and with expanded draws, at full detail and at a reduced level.
TEST(GlGraphRendererTest, CullingDrawsTheSamePixels) {
  CKPT_REQUIRE_GL();
  GlGraphRendererOptions off;
  off.spatial_culling = false;
  GlGraphRendererOptions expanded;
  expanded.expand_instances = true;
  auto unculled = NewRenderer(off);
  auto culled = NewRenderer();
  auto culled_expanded = NewRenderer(expanded);
  ASSERT_TRUE(unculled && culled && culled_expanded);
  const GraphScene scene = CullScene();
  const OffscreenGl* gl = OffscreenGl::Get();
  struct View {
    float cx, cy, scale;
    bool fewer;  // culling must draw fewer instances here
  };
  const float right = NodeX(kCols - 1), bottom = NodeY(kRows - 1);
  const View views[] = {
      {1170, 870, 0.075f, false},                    // fit all (a reduced level)
      {0, 0, 1, true},           {right, 0, 1, true},  // the four corners
      {0, bottom, 1, true},      {right, bottom, 1, true},
      {NodeX(4), NodeY(5), 4, true},                 // inside the inner frame, zoomed in
      {NodeX(14) + 40, NodeY(20), 2.5f, true},       // between the two frames
      {1200, 900, 0.3f, true},                       // zoomed out, level 0
      {600, 300, 0.2f, true},                        // zoomed out, level 1, part of the graph
      {-500, -400, 1, true},                         // off the graph's top left: frames only
      {5000, 5000, 1, true},                         // nothing at all
  };
  for (const View& view : views) {
    SCOPED_TRACE(testing::Message() << view.cx << "," << view.cy << " scale " << view.scale);
    GraphViewport v = FullViewport(view.cx, view.cy, view.scale);
    v.label_min_px = 0;  // labels at every zoom: they are culled too
    unculled->Draw(scene, v);
    const std::vector<uint32_t> want = gl->All();
    culled->Draw(scene, v);
    const std::vector<uint32_t> got = gl->All();
    EXPECT_EQ(Differ(got, want), 0);
    culled_expanded->Draw(scene, v);
    EXPECT_EQ(Differ(gl->All(), want), 0);
    EXPECT_EQ(culled_expanded->counters().last_instances, culled->counters().last_instances);
    EXPECT_EQ(culled->counters().last_lod_level, unculled->counters().last_lod_level);
    if (view.fewer) {
      EXPECT_LT(culled->counters().last_instances, unculled->counters().last_instances / 2);
    }
  }
  EXPECT_EQ(culled->counters().scene_uploads, 1u);
  EXPECT_EQ(glGetError(), static_cast<GLenum>(GL_NO_ERROR));
}

// Far zooms draw boxes a few pixels across as point sprites (options.dots):
// the same pixels as quads wherever the sprite lies inside the viewport, with
// instanced and with expanded draws; boxes too large for a sprite (the
// frames) stay quads, and level 0 has no sprites.
TEST(GlGraphRendererTest, DotsDrawTheSamePixelsAsQuads) {
  CKPT_REQUIRE_GL();
  GlGraphRendererOptions quads_only;
  quads_only.dots = false;
  GlGraphRendererOptions expanded;
  expanded.expand_instances = true;
  auto quads = NewRenderer(quads_only);
  auto dots = NewRenderer();
  auto dots_expanded = NewRenderer(expanded);
  ASSERT_TRUE(quads && dots && dots_expanded);
  const GraphScene scene = CullScene();  // 2400 x 1800 units: frames, 900 boxes of 40 x 16, badges, edges
  const OffscreenGl* gl = OffscreenGl::Get();
  // Whole graph inside the 200 x 150 viewport, with a margin wider than a sprite.
  const float views[][3] = {{1170, 870, 0.07f}, {1170, 870, 0.05f}, {1170, 870, 0.03f}};
  for (const auto& [cx, cy, scale] : views) {
    SCOPED_TRACE(testing::Message() << "scale " << scale);
    const GraphViewport v = FullViewport(cx, cy, scale);
    quads->Draw(scene, v);
    const std::vector<uint32_t> want = gl->All();
    ASSERT_GE(quads->counters().last_lod_level, 1);
    EXPECT_EQ(quads->counters().last_dots, 0);
    dots->Draw(scene, v);
    EXPECT_EQ(Differ(gl->All(), want), 0);
    const GlGraphRenderer::Counters& c = dots->counters();
    EXPECT_GT(c.last_dots, 0);
    EXPECT_LT(c.last_dots, c.last_rects + c.last_edge_cells);  // the frames stay quads
    EXPECT_EQ(c.last_instances, quads->counters().last_instances);
    EXPECT_EQ(c.last_rects, quads->counters().last_rects);
    EXPECT_EQ(c.last_edge_cells, quads->counters().last_edge_cells);
    dots_expanded->Draw(scene, v);
    EXPECT_EQ(Differ(gl->All(), want), 0);
    EXPECT_EQ(dots_expanded->counters().last_dots, c.last_dots);
  }
  dots->Draw(scene, FullViewport(600, 300, 1));
  EXPECT_EQ(dots->counters().last_lod_level, 0);
  EXPECT_EQ(dots->counters().last_dots, 0);
  EXPECT_EQ(glGetError(), static_cast<GLenum>(GL_NO_ERROR));
}

TEST(GlGraphRendererTest, FarAwayRectIsCulledAndAppearsWhenPannedTo) {
  CKPT_REQUIRE_GL();
  auto renderer = NewRenderer();
  ASSERT_TRUE(renderer);
  GraphScene scene = CullScene();
  scene.rects.push_back(Rect(9000, 7000, 40, 40, kGreen));  // far beyond the graph's bottom right
  const OffscreenGl* gl = OffscreenGl::Get();
  renderer->Draw(scene, FullViewport(0, 0, 1));
  const int64_t near_origin = renderer->counters().last_rects;
  EXPECT_LT(near_origin, static_cast<int64_t>(scene.rects.size()) / 4);
  EXPECT_EQ(CountNear(gl->All(), kGreen, 8), 0);
  renderer->Draw(scene, FullViewport(9000, 7000, 1));
  EXPECT_TRUE(Near(gl->Pixel(100, 75), kGreen));
  // The green box, and the three frames drawn wherever the camera is.
  EXPECT_EQ(renderer->counters().last_rects, 4);
  EXPECT_EQ(renderer->counters().last_segments, 0);
  EXPECT_EQ(renderer->counters().last_glyphs, 0);
  // Half off the viewport's left edge: still drawn.
  renderer->Draw(scene, FullViewport(9000 + 100, 7000, 1));
  EXPECT_TRUE(Near(gl->Pixel(5, 75), kGreen));
  EXPECT_TRUE(Near(gl->Pixel(25, 75), kBlue));
  EXPECT_EQ(renderer->counters().scene_uploads, 1u);
}

// A far level's edge cells (graph_lod.h) are culled like everything else:
// cells touch their neighbours, and if kept in order they would cluster into
// one always-drawn run. Zoomed into part of a large fan of long edges, the
// culled frame draws a fraction of the cells, and the same pixels.
TEST(GlGraphRendererTest, FarLevelEdgeCellsAreCulled) {
  CKPT_REQUIRE_GL();
  GlGraphRendererOptions off;
  off.spatial_culling = false;
  auto unculled = NewRenderer(off);
  auto culled = NewRenderer();
  ASSERT_TRUE(unculled && culled);
  GraphScene scene;
  scene.version = 1;
  // 160 diagonal edges 20,000 units across (each a chain of ~80 touching
  // cells at the far level) over 215,000 x 95,000 units.
  for (int i = 0; i < 40; ++i)
    for (int j = 0; j < 4; ++j) {
      const float x = 5000.0f * i, y = 25000.0f * j;
      scene.segments.push_back({x, y, x + 20000, y + 20000, kWhite, 1});
    }
  const GraphViewport v = FullViewport(30000, 20000, 0.003f);  // 67k x 50k units of it
  unculled->Draw(scene, v);
  const std::vector<uint32_t> want = OffscreenGl::Get()->All();
  culled->Draw(scene, v);
  EXPECT_EQ(Differ(OffscreenGl::Get()->All(), want), 0);
  const GlGraphRenderer::Counters& c = culled->counters();
  ASSERT_GE(c.last_lod_level, kFirstRasterLevel);
  EXPECT_EQ(c.last_segments, 0);
  EXPECT_GT(c.last_edge_cells, 0);
  EXPECT_LT(c.last_edge_cells, unculled->counters().last_edge_cells / 2);
}

TEST(GlGraphRendererTest, GroupFramesStayBehindTheirChildren) {
  CKPT_REQUIRE_GL();
  auto renderer = NewRenderer();
  ASSERT_TRUE(renderer);
  GraphScene scene = CullScene();
  const OffscreenGl* gl = OffscreenGl::Get();
  // Zoomed in on a box inside the inner frame: the box on top, the inner
  // frame around it, at 4 px per unit.
  renderer->Draw(scene, FullViewport(NodeX(3), NodeY(5), 4));
  EXPECT_TRUE(Near(gl->Pixel(100, 75), kRed));
  EXPECT_TRUE(Near(gl->Pixel(10, 120), kInnerFrameFill));  // left of and below the box
  EXPECT_LT(renderer->counters().last_rects, 20);
  // A series: the node's box over its two cards, over the outer frame.
  renderer->Draw(scene, FullViewport(NodeX(7), NodeY(0), 4));  // box 0 * 30 + 7 is a series
  EXPECT_TRUE(Near(gl->Pixel(100, 75), kRed));
  EXPECT_TRUE(Near(gl->Pixel(100 + 4 * 21, 75 - 4 * 9), 0xff00a0a0u));  // the middle card, past the box
  EXPECT_TRUE(Near(gl->Pixel(198, 25), 0xff808000u));  // the bottom card, past both
  EXPECT_TRUE(Near(gl->Pixel(10, 135), kFrameFill));

  // An overlay drawn after the boxes it covers stays on top (the kind is
  // then drawn in scene order, unculled).
  scene.rects.push_back(Rect(NodeX(10), NodeY(10), 300, 200, kGreen));
  ++scene.version;
  renderer->Draw(scene, FullViewport(NodeX(10), NodeY(10), 2));
  EXPECT_TRUE(Near(gl->Pixel(100, 75), kGreen));
  EXPECT_EQ(renderer->counters().last_rects, static_cast<int64_t>(scene.rects.size()));
}

TEST(GlGraphRendererTest, InstancesDrawnShrinkWhenZoomedIn) {
  CKPT_REQUIRE_GL();
  auto renderer = NewRenderer();
  ASSERT_TRUE(renderer);
  const GraphScene scene = CullScene();
  GraphViewport v = FullViewport(1170, 870, 0.07f);  // everything, at a reduced level
  v.label_min_px = 0;
  renderer->Draw(scene, v);
  EXPECT_EQ(renderer->counters().last_rects, static_cast<int64_t>(scene.rects.size()));
  EXPECT_EQ(renderer->counters().last_glyphs, static_cast<int64_t>(scene.glyphs.size()));
  v.scale = 0.3f;  // full detail: 667 x 500 units, a ninth of the graph
  renderer->Draw(scene, v);
  const GlGraphRenderer::Counters out = renderer->counters();
  ASSERT_EQ(out.last_lod_level, 0);
  EXPECT_EQ(out.last_instances, out.last_rects + out.last_segments + out.last_arrows + out.last_glyphs);
  EXPECT_LT(out.last_rects, static_cast<int64_t>(scene.rects.size()) / 3);
  EXPECT_LT(out.last_segments, static_cast<int64_t>(scene.segments.size()) / 3);
  EXPECT_LT(out.last_arrows, static_cast<int64_t>(scene.arrows.size()) / 3);
  EXPECT_LT(out.last_glyphs, static_cast<int64_t>(scene.glyphs.size()) / 3);
  EXPECT_GT(out.last_rects, 50);
  v.scale = 2;  // 100 x 75 units: a few boxes
  v.center_x = NodeX(20), v.center_y = NodeY(20);
  renderer->Draw(scene, v);
  const GlGraphRenderer::Counters in = renderer->counters();
  EXPECT_LT(in.last_rects, out.last_rects / 4);
  EXPECT_LT(in.last_segments, out.last_segments / 4);
  EXPECT_LT(in.last_arrows, out.last_arrows / 4);
  EXPECT_LT(in.last_glyphs, out.last_glyphs / 4);
  EXPECT_GT(in.last_rects, 3);
  EXPECT_GT(in.last_glyphs, 0);
  EXPECT_LE(in.last_draw_calls, 4 * kMaxCullRuns);
  EXPECT_GE(in.last_draw_calls, 4);
}

TEST(GlGraphRendererTest, ShaderErrorsNameTheShaderAndCarryTheLog) {
  CKPT_REQUIRE_GL();
  auto broken = GlProgram::Build("broken", "#version 300 es\nvoid main() { gl_Position = nope; }\n",
                                 "#version 300 es\nprecision highp float;\nout vec4 c;\nvoid main() { c = vec4(1); }\n");
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find("broken.vert: compile failed: "), std::string::npos)
      << broken.status().message();
  EXPECT_NE(broken.status().message().find("nope"), std::string::npos) << broken.status().message();
  auto empty = GlProgram::Build("empty", "", "");
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("empty.vert: empty source"), std::string::npos);
  auto ok = GlProgram::Build("fine", "#version 300 es\nvoid main() { gl_Position = vec4(0); }\n",
                             "#version 300 es\nprecision highp float;\nout vec4 c;\nvoid main() { c = vec4(1); }\n");
  EXPECT_TRUE(ok.ok()) << ok.status().message();
}

}  // namespace
}  // namespace ckptview::render
