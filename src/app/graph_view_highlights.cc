// GraphView's highlights (the selection, its edges, search hits) drawn with
// ImGui over the renderer's scene. They are a few outlines and one node's
// edges, rebuilt on every click or search; drawing them here keeps the
// renderer's scene, and its upload, untouched by a click.
#include <algorithm>
#include <cmath>

#include "app/graph_view.h"
#include "imgui.h"

namespace ckptview::app {
namespace {

bool Overlaps(const WorldRect& v, float x0, float y0, float x1, float y1) {
  return std::max(x0, x1) >= v.min_x && std::min(x0, x1) <= v.max_x && std::max(y0, y1) >= v.min_y &&
         std::min(y0, y1) <= v.max_y;
}

}  // namespace

int GraphView::DrawHighlights(float origin_x, float origin_y) {
  const GraphScene& h = highlights();
  const GraphCamera& cam = level().camera;
  const WorldRect view = cam.Visible(canvas_w_, canvas_h_);
  auto screen = [&](float wx, float wy) {
    float sx = 0, sy = 0;
    cam.WorldToScreen(wx, wy, canvas_w_, canvas_h_, &sx, &sy);
    return ImVec2(origin_x + sx, origin_y + sy);
  };
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(ImVec2(origin_x, origin_y), ImVec2(origin_x + canvas_w_, origin_y + canvas_h_), true);
  int drawn = 0;
  for (const SceneSegment& s : h.segments) {
    if (!Overlaps(view, s.x0, s.y0, s.x1, s.y1)) continue;
    dl->AddLine(screen(s.x0, s.y0), screen(s.x1, s.y1), s.color, s.width_px);
    ++drawn;
  }
  for (const SceneArrow& a : h.arrows) {
    // As shaders/graph_arrow.vert: `size` long along (dx, dy), as wide as long.
    const float bx = a.x - a.dx * a.size, by = a.y - a.dy * a.size;
    const float nx = -a.dy * 0.5f * a.size, ny = a.dx * 0.5f * a.size;
    if (!Overlaps(view, a.x, a.y, bx, by)) continue;
    dl->AddTriangleFilled(screen(a.x, a.y), screen(bx + nx, by + ny), screen(bx - nx, by - ny), a.color);
    ++drawn;
  }
  for (const SceneRect& r : h.rects) {
    const float x0 = r.x - 0.5f * r.w, y0 = r.y - 0.5f * r.h, x1 = r.x + 0.5f * r.w, y1 = r.y + 0.5f * r.h;
    if (!Overlaps(view, x0, y0, x1, y1)) continue;
    const ImVec2 p0 = screen(x0, y0), p1 = screen(x1, y1);
    // At far zooms a box is a few pixels: keep its outline visible.
    const float grow = std::max(0.0f, 0.5f * (4.0f - (p1.x - p0.x)));
    dl->AddRect(ImVec2(p0.x - grow, p0.y - grow), ImVec2(p1.x + grow, p1.y + grow), r.border, r.corner * cam.scale, 0,
                r.border_px);
    ++drawn;
  }
  dl->PopClipRect();
  return drawn;
}

}  // namespace ckptview::app
