// GraphCamera: where the graph view looks — a world point at the canvas
// centre and a zoom (screen pixels per world unit, in ImGui's logical
// pixels; the renderer's viewport multiplies by the framebuffer scale).
// GraphHitIndex: a uniform grid over the placed boxes so that a click finds
// its box without scanning 100k of them.
#pragma once

#include <cstdint>
#include <vector>

#include "graph/layout/layout_types.h"

namespace ckptview::app {

struct WorldRect {
  float min_x = 0, min_y = 0, max_x = 0, max_y = 0;
  float width() const { return max_x - min_x; }
  float height() const { return max_y - min_y; }
};

class GraphCamera {
 public:
  static constexpr float kMinScale = 1e-3f;
  static constexpr float kMaxScale = 16.0f;

  float center_x = 0, center_y = 0;
  float scale = 1;  // screen pixels per world unit

  // Canvas-relative screen position (origin at the canvas' top left).
  void WorldToScreen(float wx, float wy, float canvas_w, float canvas_h, float* sx, float* sy) const;
  void ScreenToWorld(float sx, float sy, float canvas_w, float canvas_h, float* wx, float* wy) const;
  // Multiplies the zoom by `factor` keeping the world point under the
  // canvas-relative screen point (sx, sy) where it is.
  void ZoomAt(float sx, float sy, float canvas_w, float canvas_h, float factor);
  // Moves by a screen-pixel drag (the world follows the mouse).
  void Pan(float dx_px, float dy_px);
  // Shows all of `bounds` with a margin of `margin_px` on each side; the zoom
  // is capped at 1.5 so a tiny graph is not blown up.
  void Fit(const WorldRect& bounds, float canvas_w, float canvas_h, float margin_px = 24);
  // The world rectangle the canvas shows.
  WorldRect Visible(float canvas_w, float canvas_h) const;
};

// What a point hits, innermost first: a node or collapsed box, a hub stub,
// else the deepest expanded group frame.
struct GraphHit {
  enum class Kind { kNone, kNode, kStub, kGroup };
  Kind kind = Kind::kNone;
  int32_t index = -1;  // into LayoutResult::nodes, ::stubs or ::groups
};

class GraphHitIndex {
 public:
  void Build(const graph::layout::LayoutResult& layout);
  GraphHit Find(float wx, float wy) const;

 private:
  template <typename F>
  void ForCells(float cx, float cy, float w, float h, F&& f) const;
  bool Contains(int32_t entry, float wx, float wy) const;

  const graph::layout::LayoutResult* layout_ = nullptr;
  float cell_ = 128;
  int32_t cols_ = 0, rows_ = 0;
  // Entries: nodes are >= 0, stubs are -(stub + 1). CSR over cells.
  std::vector<int32_t> cell_start_;
  std::vector<int32_t> entries_;
};

}  // namespace ckptview::app
