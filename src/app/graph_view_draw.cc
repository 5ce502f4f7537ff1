// GraphView's canvas: the region the renderer draws into, mouse and keys,
// and the minimap. ImGui only; the GL work happens in the renderer, called
// back from ImGui's render pass.
#include <algorithm>
#include <cmath>

#include "app/graph_style.h"
#include "app/graph_view.h"
#include "imgui.h"

namespace ckptview::app {
namespace {

constexpr float kMinimapMaxW = 200, kMinimapMaxH = 140, kMinimapMargin = 10;
constexpr float kClickSlop = 4;  // px a press may move and still be a click
// Of a 16.7 ms frame, what a pending relayout may take (a slice that runs
// over ends the frame's share: slices stay short but are not cut). 3 ms
// rather than 6: in headless Chromium the page and SwiftShader share two
// cores, and with 6 an expand from the 100k-node graph's start dropped a
// frame more than the whole relayout in one frame did (expand_bench and
// browser_frames.mjs EXPANDS; the cost: landing ~2x later).
constexpr double kRelayoutBudgetMs = 3;
// A relayout that has not landed after this long says so on the canvas.
constexpr double kShowPendingAfterMs = 150;

}  // namespace

WorldRect GraphView::MinimapRect() const {
  const GraphScene& s = scene_;
  const float bw = std::max(1.0f, s.max_x - s.min_x), bh = std::max(1.0f, s.max_y - s.min_y);
  const float k = std::min(kMinimapMaxW / bw, kMinimapMaxH / bh);
  const float w = std::max(40.0f, bw * k), h = std::max(30.0f, bh * k);
  WorldRect r;
  r.max_x = canvas_w_ - kMinimapMargin;
  r.max_y = canvas_h_ - kMinimapMargin;
  r.min_x = r.max_x - w;
  r.min_y = r.max_y - h;
  return r;
}

GraphCamera GraphView::MinimapCamera() {
  const GraphScene& s = scene();
  const WorldRect m = MinimapRect();
  GraphCamera c;
  c.Fit({s.min_x, s.min_y, s.max_x, s.max_y}, m.width(), m.height(), 2);
  c.scale = std::min(c.scale, 1.5f);
  return c;
}

void GraphView::QueueDraw(int slot, GraphRenderer* renderer, const GraphViewport& viewport) {
  DrawCall& call = draw_calls_[slot];
  call.renderer = renderer;
  call.scene = &scene();
  call.viewport = viewport;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddCallback(
      [](const ImDrawList*, const ImDrawCmd* cmd) {
        const auto* c = static_cast<const DrawCall*>(cmd->UserCallbackData);
        if (c->renderer && c->scene) c->renderer->Draw(*c->scene, c->viewport);
      },
      &call);
  dl->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
}

void GraphView::DrawCanvas(GraphRenderer* renderer) {
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float w = std::max(50.0f, avail.x), h = std::max(50.0f, avail.y);
  SetCanvasSize(w, h);
  ImGui::InvisibleButton("graph_canvas", ImVec2(w, h), ImGuiButtonFlags_MouseButtonLeft);
  HandleInput(origin.x, origin.y);
  renderer_ = renderer;  // for this frame's slices only: the App may replace it between frames
  Advance(kRelayoutBudgetMs);
  renderer_ = nullptr;

  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImGuiIO& io = ImGui::GetIO();
  const float fx = io.DisplayFramebufferScale.x, fy = io.DisplayFramebufferScale.y;
  scene();  // up to date before the renderer reads it
  const GraphCamera& cam = level().camera;
  if (!renderer) {
    dl->AddRectFilled(origin, ImVec2(origin.x + w, origin.y + h), graph_colors::kBackground);
    dl->AddText(ImVec2(origin.x + 8, origin.y + 8), 0xFF909090, "No graph renderer on this platform.");
    return;
  }
  GraphViewport vp;
  vp.x = origin.x * fx, vp.y = origin.y * fy, vp.w = w * fx, vp.h = h * fy;
  vp.framebuffer_height = io.DisplaySize.y * fy;
  vp.center_x = cam.center_x, vp.center_y = cam.center_y, vp.scale = cam.scale * fx;
  vp.background = graph_colors::kBackground;
  QueueDraw(0, renderer, vp);
  highlights_drawn_ = DrawHighlights(origin.x, origin.y);
  if (PendingMs() > kShowPendingAfterMs) {
    const ImVec2 at(origin.x + 10, origin.y + 10);
    dl->AddRectFilled(at, ImVec2(at.x + 96, at.y + ImGui::GetTextLineHeight() + 8), 0xC0202020, 4);
    dl->AddText(ImVec2(at.x + 8, at.y + 4), 0xFFE0E0E0, "Laying out...");
  }

  // Minimap: the whole scene again, small, with the view's rectangle on top.
  const WorldRect m = MinimapRect();
  const GraphCamera mc = MinimapCamera();
  GraphViewport mvp = vp;
  mvp.x = (origin.x + m.min_x) * fx, mvp.y = (origin.y + m.min_y) * fy;
  mvp.w = m.width() * fx, mvp.h = m.height() * fy;
  mvp.center_x = mc.center_x, mvp.center_y = mc.center_y, mvp.scale = mc.scale * fx;
  mvp.label_min_px = 1e9f;  // no labels
  mvp.edges = false;        // nor edges: far levels of boxes alone are cheap to remake after each relayout
  mvp.background = 0xF0101010;
  QueueDraw(1, renderer, mvp);
  const ImVec2 m0(origin.x + m.min_x, origin.y + m.min_y), m1(origin.x + m.max_x, origin.y + m.max_y);
  dl->AddRect(m0, m1, 0xFF808080);
  const WorldRect v = cam.Visible(w, h);
  float x0, y0, x1, y1;
  mc.WorldToScreen(v.min_x, v.min_y, m.width(), m.height(), &x0, &y0);
  mc.WorldToScreen(v.max_x, v.max_y, m.width(), m.height(), &x1, &y1);
  minimap_marks_drawn_ = DrawMinimapHighlights(origin.x, origin.y, m, mc);
  dl->PushClipRect(m0, m1, true);
  dl->AddRect(ImVec2(m0.x + x0, m0.y + y0), ImVec2(m0.x + x1, m0.y + y1), 0xFF40C0FF, 0, 0, 1.5f);
  dl->PopClipRect();
}

void GraphView::HandleInput(float origin_x, float origin_y) {
  const ImGuiIO& io = ImGui::GetIO();
  const float mx = io.MousePos.x - origin_x, my = io.MousePos.y - origin_y;
  const WorldRect m = MinimapRect();
  const bool over_minimap = mx >= m.min_x && mx <= m.max_x && my >= m.min_y && my <= m.max_y;
  auto minimap_move = [&] {
    const GraphCamera mc = MinimapCamera();
    float wx, wy;
    mc.ScreenToWorld(mx - m.min_x, my - m.min_y, m.width(), m.height(), &wx, &wy);
    level().camera.center_x = wx, level().camera.center_y = wy;
  };
  if (ImGui::IsItemActivated()) {
    press_x_ = mx, press_y_ = my;
    press_in_minimap_ = over_minimap;
    if (press_in_minimap_) minimap_move();
  }
  if (ImGui::IsItemActive() && (io.MouseDelta.x != 0 || io.MouseDelta.y != 0)) {
    if (press_in_minimap_) minimap_move();
    else level().camera.Pan(io.MouseDelta.x, io.MouseDelta.y);
  }
  if (ImGui::IsItemHovered() && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left) && !over_minimap) {
    HandleClick(mx, my, true);
    suppress_release_click_ = true;  // the second press' release is not a new click
  }
  if (ImGui::IsItemDeactivated()) {
    const bool still = std::fabs(mx - press_x_) <= kClickSlop && std::fabs(my - press_y_) <= kClickSlop;
    if (still && !press_in_minimap_ && !suppress_release_click_) HandleClick(mx, my, false);
    suppress_release_click_ = false;
  }
  if (ImGui::IsItemHovered() && io.MouseWheel != 0) {
    // Browsers deliver pinch-zoom as ctrl+wheel with small deltas: same path.
    level().camera.ZoomAt(mx, my, canvas_w_, canvas_h_, std::pow(1.2f, io.MouseWheel));
  }
  if ((ImGui::IsItemHovered() || ImGui::IsItemFocused()) && !io.WantTextInput) {
    for (ImWchar c : io.InputQueueCharacters)
      if (c == 'f' || c == 'F') Fit();
  }
}

}  // namespace ckptview::app
