// GraphView's highlights (the selection, its edges, search hits) drawn with
// ImGui over the renderer's scene, and marked on the minimap. They are a few outlines and one node's
// edges, rebuilt on every click or search; drawing them here keeps the
// renderer's scene, and its upload, untouched by a click.
#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

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

// Where the search hits and the selection are in the whole graph: a small
// square per hit, at most one per 2x2 minimap pixels (a broad search can
// hit tens of thousands of boxes), and a bigger one for the selected node
// and the current hit, drawn last.
int GraphView::DrawMinimapHighlights(float origin_x, float origin_y, const WorldRect& m, const GraphCamera& minimap) {
  const GraphScene& h = highlights();
  const int cols = static_cast<int>(m.width()) / 2 + 1, rows = static_cast<int>(m.height()) / 2 + 1;
  std::vector<uint8_t> taken(static_cast<size_t>(cols) * rows, 0);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 m0(origin_x + m.min_x, origin_y + m.min_y);
  dl->PushClipRect(m0, ImVec2(origin_x + m.max_x, origin_y + m.max_y), true);
  int drawn = 0;
  for (const bool strong : {false, true}) {
    for (const SceneRect& r : h.rects) {
      if ((r.border_px >= 3) != strong) continue;  // graph_scene_builder.cc: selected and current hit
      float sx = 0, sy = 0;
      minimap.WorldToScreen(r.x, r.y, m.width(), m.height(), &sx, &sy);
      const int cx = static_cast<int>(sx) / 2, cy = static_cast<int>(sy) / 2;
      if (sx < 0 || sy < 0 || cx >= cols || cy >= rows) continue;
      if (!strong && std::exchange(taken[static_cast<size_t>(cy) * cols + cx], 1)) continue;
      const float half = strong ? 2.5f : 1.5f;
      const uint32_t color = r.border | 0xFF000000u;  // opaque: a pixel or two must show
      dl->AddRectFilled(ImVec2(m0.x + sx - half, m0.y + sy - half), ImVec2(m0.x + sx + half, m0.y + sy + half), color);
      ++drawn;
    }
  }
  dl->PopClipRect();
  return drawn;
}

}  // namespace ckptview::app
