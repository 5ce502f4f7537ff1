#include "app/graph_camera.h"

#include <algorithm>
#include <cmath>

namespace ckptview::app {

void GraphCamera::WorldToScreen(float wx, float wy, float canvas_w, float canvas_h, float* sx,
                                float* sy) const {
  *sx = (wx - center_x) * scale + 0.5f * canvas_w;
  *sy = (wy - center_y) * scale + 0.5f * canvas_h;
}

void GraphCamera::ScreenToWorld(float sx, float sy, float canvas_w, float canvas_h, float* wx,
                                float* wy) const {
  *wx = (sx - 0.5f * canvas_w) / scale + center_x;
  *wy = (sy - 0.5f * canvas_h) / scale + center_y;
}

void GraphCamera::ZoomAt(float sx, float sy, float canvas_w, float canvas_h, float factor) {
  if (!(factor > 0) || !std::isfinite(factor)) return;
  float wx = 0, wy = 0;
  ScreenToWorld(sx, sy, canvas_w, canvas_h, &wx, &wy);
  scale = std::clamp(scale * factor, kMinScale, kMaxScale);
  // Solve screen = (world - center) * scale + half for the new centre.
  center_x = wx - (sx - 0.5f * canvas_w) / scale;
  center_y = wy - (sy - 0.5f * canvas_h) / scale;
}

void GraphCamera::Pan(float dx_px, float dy_px) {
  center_x -= dx_px / scale;
  center_y -= dy_px / scale;
}

void GraphCamera::Fit(const WorldRect& bounds, float canvas_w, float canvas_h, float margin_px) {
  center_x = 0.5f * (bounds.min_x + bounds.max_x);
  center_y = 0.5f * (bounds.min_y + bounds.max_y);
  const float avail_w = std::max(1.0f, canvas_w - 2 * margin_px);
  const float avail_h = std::max(1.0f, canvas_h - 2 * margin_px);
  const float bw = std::max(1.0f, bounds.width()), bh = std::max(1.0f, bounds.height());
  scale = std::clamp(std::min(avail_w / bw, avail_h / bh), kMinScale, 1.5f);
}

WorldRect GraphCamera::Visible(float canvas_w, float canvas_h) const {
  WorldRect r;
  ScreenToWorld(0, 0, canvas_w, canvas_h, &r.min_x, &r.min_y);
  ScreenToWorld(canvas_w, canvas_h, canvas_w, canvas_h, &r.max_x, &r.max_y);
  return r;
}

// ---- GraphHitIndex ---------------------------------------------------------------

void GraphHitIndex::Build(const graph::layout::LayoutResult& layout) {
  layout_ = &layout;
  // Nodes and stubs only: expanded groups are few and big (scanned in Find);
  // gridding them would put the outer ones in every cell.
  const bool finite = std::isfinite(layout.width) && std::isfinite(layout.height);
  const double area = finite ? std::max(1.0, double(layout.width) * layout.height) : 1.0;
  cell_ = std::max(128.0f, static_cast<float>(std::sqrt(area / 1e6)));  // at most ~1M cells
  cols_ = finite ? std::max(1, static_cast<int32_t>(std::ceil(layout.width / cell_)) + 1) : 1;
  rows_ = finite ? std::max(1, static_cast<int32_t>(std::ceil(layout.height / cell_)) + 1) : 1;
  const size_t num_cells = static_cast<size_t>(cols_) * rows_;
  // CSR in two passes: count per cell, then fill.
  std::vector<int32_t> fill;
  auto each = [&](auto&& visit) {
    for (size_t i = 0; i < layout.nodes.size(); ++i) {
      const auto& n = layout.nodes[i];
      ForCells(n.x, n.y, n.w, n.h, [&](size_t cell) { visit(cell, static_cast<int32_t>(i)); });
    }
    for (size_t i = 0; i < layout.stubs.size(); ++i) {
      const auto& s = layout.stubs[i];
      ForCells(s.x, s.y, s.w, s.h, [&](size_t cell) { visit(cell, -static_cast<int32_t>(i) - 1); });
    }
  };
  cell_start_.assign(num_cells + 1, 0);
  each([&](size_t cell, int32_t) { ++cell_start_[cell + 1]; });
  for (size_t c = 1; c <= num_cells; ++c) cell_start_[c] += cell_start_[c - 1];
  entries_.assign(cell_start_.back(), 0);
  fill.assign(cell_start_.begin(), cell_start_.end() - 1);
  each([&](size_t cell, int32_t entry) { entries_[fill[cell]++] = entry; });
}

template <typename F>
void GraphHitIndex::ForCells(float cx, float cy, float w, float h, F&& f) const {
  auto cell_of = [this](float v, int32_t n) {
    if (!(v >= 0)) return 0;  // also NaN
    return static_cast<int32_t>(std::min<float>(std::floor(v / cell_), static_cast<float>(n - 1)));
  };
  const int32_t c0 = cell_of(cx - 0.5f * w, cols_), c1 = cell_of(cx + 0.5f * w, cols_);
  const int32_t r0 = cell_of(cy - 0.5f * h, rows_), r1 = cell_of(cy + 0.5f * h, rows_);
  for (int32_t r = r0; r <= r1; ++r)
    for (int32_t c = c0; c <= c1; ++c) f(static_cast<size_t>(r) * cols_ + c);
}

bool GraphHitIndex::Contains(int32_t entry, float wx, float wy) const {
  float x, y, w, h;
  if (entry >= 0) {
    const auto& n = layout_->nodes[entry];
    x = n.x, y = n.y, w = n.w, h = n.h;
  } else {
    const auto& s = layout_->stubs[-entry - 1];
    x = s.x, y = s.y, w = s.w, h = s.h;
  }
  return std::fabs(wx - x) <= 0.5f * w && std::fabs(wy - y) <= 0.5f * h;
}

GraphHit GraphHitIndex::Find(float wx, float wy) const {
  GraphHit hit;
  if (!layout_) return hit;
  const float fx = std::floor(wx / cell_), fy = std::floor(wy / cell_);
  if (fx >= 0 && fy >= 0 && fx < cols_ && fy < rows_) {
    const size_t cell = static_cast<size_t>(fy) * cols_ + static_cast<size_t>(fx);
    for (int32_t k = cell_start_[cell]; k < cell_start_[cell + 1]; ++k) {
      const int32_t e = entries_[k];
      if (!Contains(e, wx, wy)) continue;
      hit.kind = e >= 0 ? GraphHit::Kind::kNode : GraphHit::Kind::kStub;
      hit.index = e >= 0 ? e : -e - 1;
      return hit;
    }
  }
  // Groups are listed parents first, so the last one containing the point is the deepest.
  for (size_t i = 0; i < layout_->groups.size(); ++i) {
    const auto& g = layout_->groups[i];
    if (std::fabs(wx - g.x) <= 0.5f * g.w && std::fabs(wy - g.y) <= 0.5f * g.h) {
      hit.kind = GraphHit::Kind::kGroup;
      hit.index = static_cast<int32_t>(i);
    }
  }
  return hit;
}

}  // namespace ckptview::app
