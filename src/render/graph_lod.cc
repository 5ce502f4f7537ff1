#include "render/graph_lod.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>

namespace ckptview::render {
namespace {

using app::SceneSegment;

// Level 1 is used from a quarter pixel per world unit down; each further
// level covers a 4x smaller scale. A level's tolerance is one pixel where it
// starts to be used: the far views these levels serve are overviews.
constexpr float kLevel1Tolerance = 4.0f;
constexpr float kLevelRatio = 4.0f;
constexpr float kTolerancePx = 1.0f;

struct Point {
  float x, y;
};

bool Continues(const SceneSegment& prev, const SceneSegment& next) {
  return prev.x1 == next.x0 && prev.y1 == next.y0 && prev.color == next.color && prev.width_px == next.width_px;
}

float DistanceToLine(Point p, Point a, Point b) {
  const float dx = b.x - a.x, dy = b.y - a.y;
  const float len = std::sqrt(dx * dx + dy * dy);
  if (len < 1e-12f) return std::hypot(p.x - a.x, p.y - a.y);
  return std::fabs(dx * (p.y - a.y) - dy * (p.x - a.x)) / len;
}

// Douglas-Peucker with an explicit stack (polylines can be long): marks the
// points to keep.
void Simplify(const std::vector<Point>& pts, float tolerance, std::vector<char>* keep,
              std::vector<std::pair<size_t, size_t>>* stack) {
  keep->assign(pts.size(), 0);
  (*keep)[0] = (*keep)[pts.size() - 1] = 1;
  stack->clear();
  stack->push_back({0, pts.size() - 1});
  while (!stack->empty()) {
    const auto [first, last] = stack->back();
    stack->pop_back();
    float worst = -1;
    size_t worst_i = first;
    for (size_t i = first + 1; i < last; ++i) {
      const float d = DistanceToLine(pts[i], pts[first], pts[last]);
      if (d > worst) worst = d, worst_i = i;
    }
    if (worst > tolerance) {
      (*keep)[worst_i] = 1;
      stack->push_back({first, worst_i});
      stack->push_back({worst_i, last});
    }
  }
}

// Appends the simplified polyline segments[begin, end) to `out`.
class PolylineReducer {
 public:
  PolylineReducer(float tolerance, std::vector<SceneSegment>* out) : tolerance_(tolerance), out_(out) {}

  void Add(const SceneSegment* begin, const SceneSegment* end) {
    pts_.clear();
    pts_.push_back({begin->x0, begin->y0});
    float x0 = begin->x0, x1 = begin->x0, y0 = begin->y0, y1 = begin->y0;
    for (const SceneSegment* s = begin; s != end; ++s) {
      pts_.push_back({s->x1, s->y1});
      x0 = std::min(x0, s->x1), x1 = std::max(x1, s->x1);
      y0 = std::min(y0, s->y1), y1 = std::max(y1, s->y1);
    }
    if (x1 - x0 < tolerance_ && y1 - y0 < tolerance_) return;  // under a pixel
    Simplify(pts_, tolerance_, &keep_, &stack_);
    SceneSegment piece = *begin;
    size_t from = 0;
    for (size_t i = 1; i < pts_.size(); ++i) {
      if (!keep_[i]) continue;
      piece.x0 = pts_[from].x, piece.y0 = pts_[from].y;
      piece.x1 = pts_[i].x, piece.y1 = pts_[i].y;
      out_->push_back(piece);
      from = i;
    }
  }

 private:
  float tolerance_;
  std::vector<SceneSegment>* out_;
  std::vector<Point> pts_;
  std::vector<char> keep_;
  std::vector<std::pair<size_t, size_t>> stack_;
};

// Edges as a coverage raster: cells of `t` world units (a pixel where the
// level starts to be used), each holding the most opaque edge colour that
// crosses it, emitted as one box per vertical run of equal cells. At far
// zooms thousands of long edges run through the same few pixel columns; as
// segments they overdraw each pixel hundreds of times (which is what a
// software rasteriser pays for), as cells each pixel is drawn about once.
// Returns false (and emits nothing) if the grid would exceed kMaxCells.
constexpr size_t kMaxCells = size_t{1} << 22;  // 16 MB of colours, briefly

bool RasteriseEdges(const std::vector<SceneSegment>& segs, float t, std::vector<app::SceneRect>* out) {
  if (segs.empty()) return true;
  float x0 = segs[0].x0, y0 = segs[0].y0, x1 = x0, y1 = y0;
  for (const SceneSegment& s : segs) {
    x0 = std::min({x0, s.x0, s.x1}), x1 = std::max({x1, s.x0, s.x1});
    y0 = std::min({y0, s.y0, s.y1}), y1 = std::max({y1, s.y0, s.y1});
  }
  if (!std::isfinite(x0) || !std::isfinite(x1) || !std::isfinite(y0) || !std::isfinite(y1)) return false;
  const double nx_d = std::floor((x1 - x0) / t) + 1, ny_d = std::floor((y1 - y0) / t) + 1;
  if (nx_d * ny_d > static_cast<double>(kMaxCells)) return false;
  const size_t nx = static_cast<size_t>(nx_d), ny = static_cast<size_t>(ny_d);
  std::vector<uint32_t> cells(nx * ny, 0);
  for (const SceneSegment& s : segs) {
    // Samples at most half a cell apart touch every cell the centre line crosses.
    const float len = std::max(std::fabs(s.x1 - s.x0), std::fabs(s.y1 - s.y0));
    const int steps = static_cast<int>(std::ceil(len / (0.5f * t)));
    for (int i = 0; i <= steps; ++i) {
      const float f = steps ? static_cast<float>(i) / steps : 0;
      const size_t cx = std::min(nx - 1, static_cast<size_t>((s.x0 + (s.x1 - s.x0) * f - x0) / t));
      const size_t cy = std::min(ny - 1, static_cast<size_t>((s.y0 + (s.y1 - s.y0) * f - y0) / t));
      uint32_t& cell = cells[cy * nx + cx];
      if ((s.color >> 24) > (cell >> 24)) cell = s.color;
    }
  }
  for (size_t cx = 0; cx < nx; ++cx) {
    for (size_t cy = 0; cy < ny;) {
      const uint32_t color = cells[cy * nx + cx];
      size_t end = cy + 1;
      while (end < ny && cells[end * nx + cx] == color) ++end;
      if (color >> 24) {
        app::SceneRect r;
        r.x = x0 + (cx + 0.5f) * t;
        r.y = y0 + 0.5f * (cy + end) * t;
        r.w = t;
        r.h = (end - cy) * t;
        r.fill = color;
        r.border_px = 0;
        out->push_back(r);
      }
      cy = end;
    }
  }
  return true;
}

}  // namespace

float LodTolerance(int level) {
  return level <= 0 ? 0.0f : kLevel1Tolerance * std::pow(kLevelRatio, static_cast<float>(level - 1));
}

int LodLevelForScale(float scale) {
  int level = 0;
  while (level + 1 < kLodLevels && LodTolerance(level + 1) * scale <= kTolerancePx) ++level;
  return level;
}

void BuildLod(const app::GraphScene& scene, int level, LodScene* out) {
  const float t = LodTolerance(level);
  out->rects.clear();
  out->segments.clear();
  out->arrows.clear();
  out->edge_cells.clear();
  for (const app::SceneRect& r : scene.rects)
    if (r.w >= t || r.h >= t) out->rects.push_back(r);
  for (const app::SceneArrow& a : scene.arrows)
    if (a.size >= 2 * t) out->arrows.push_back(a);
  const std::vector<SceneSegment>& segs = scene.segments;
  if (level >= kFirstRasterLevel && RasteriseEdges(segs, t, &out->edge_cells)) return;
  PolylineReducer reducer(t, &out->segments);
  for (size_t begin = 0; begin < segs.size();) {
    size_t end = begin + 1;
    while (end < segs.size() && Continues(segs[end - 1], segs[end])) ++end;
    reducer.Add(segs.data() + begin, segs.data() + end);
    begin = end;
  }
}

}  // namespace ckptview::render
