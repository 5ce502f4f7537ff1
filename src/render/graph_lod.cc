#include "render/graph_lod.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <unordered_map>
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

// Edges as a coverage raster: square cells (a pixel or a few where the
// level starts to be used, RasterCell), each holding the most opaque edge
// colour that crosses it (of equally opaque ones, the first in the scene),
// emitted as one box per vertical run of equal cells, column by column. At
// far zooms thousands of long edges run through the same few pixel columns;
// as segments they overdraw each pixel hundreds of times (which is what a
// software rasteriser pays for), as cells each pixel is drawn about once.
//
// Each segment fills, in every column its centre line crosses, the rows it
// spans there (a vertical edge: one run of rows), so the cost is the
// columns crossed plus the cells filled, not the edge's length in samples:
// a fully expanded 100k-node graph has 9e10 units of edges, 3.7e10 of them
// across, mostly long edges spanning the graph.
constexpr double kMaxCells = double{1 << 23};      // one byte each
constexpr double kMaxCrossings = double{1 << 26};  // columns crossed, summed over the segments

// The raster's cell for level tolerance `t`: t, doubled until the grid over
// the edges' bounds and the columns they cross fit the limits above; 0 if
// that takes a cell over kMaxRasterTolerances t (then the level keeps
// simplified segments). The limits bound a level's memory and build time
// (a 100k-node graph at 1024 units: 38M crossings and 50M cells filled,
// ~300 ms); the cell bound keeps a cell at most 4 px where the level starts
// to be used. A cell grows only in scenes whose edges span more than ~2,900
// cells along both axes (8M cells): a 12k-node graph's levels >= 4 keep T_k.
constexpr float kMaxRasterTolerances = 4;

double RasterCell(double t, double width, double height, double sum_dx, double segments) {
  for (double cell = t; cell <= kMaxRasterTolerances * t; cell *= 2) {
    const double nx = std::floor(width / cell) + 1, ny = std::floor(height / cell) + 1;
    if (nx * ny <= kMaxCells && sum_dx / cell + 2 * segments <= kMaxCrossings) return cell;
  }
  return 0;
}

bool RasteriseEdges(const std::vector<SceneSegment>& segs, float t, std::vector<app::SceneRect>* out) {
  // Segments with a non-finite end cover nothing (and would poison the bounds).
  auto finite = [](const SceneSegment& s) {
    return std::isfinite(s.x0) && std::isfinite(s.y0) && std::isfinite(s.x1) && std::isfinite(s.y1);
  };
  auto first_finite = std::find_if(segs.begin(), segs.end(), finite);
  if (first_finite == segs.end()) return true;
  float fx0 = first_finite->x0, fy0 = first_finite->y0, fx1 = fx0, fy1 = fy0;
  double sum_dx = 0;
  // Colours by priority (most opaque, then first seen): a cell keeps the
  // highest code (palette index + 1, so 0 is empty).
  std::unordered_map<uint32_t, uint32_t> first_seen;  // colour -> its first segment
  uint32_t previous = 0;
  for (uint32_t i = 0; i < segs.size(); ++i) {
    const SceneSegment& s = segs[i];
    if (!finite(s)) continue;
    fx0 = std::min({fx0, s.x0, s.x1}), fx1 = std::max({fx1, s.x0, s.x1});
    fy0 = std::min({fy0, s.y0, s.y1}), fy1 = std::max({fy1, s.y0, s.y1});
    sum_dx += std::fabs(s.x1 - s.x0);
    if ((s.color >> 24) && s.color != previous) first_seen.emplace(s.color, i), previous = s.color;
  }
  if (first_seen.size() > 255) return false;
  std::vector<std::pair<uint32_t, uint32_t>> colors(first_seen.begin(), first_seen.end());
  std::sort(colors.begin(), colors.end(), [](const auto& a, const auto& b) {
    return (a.first >> 24) != (b.first >> 24) ? (a.first >> 24) < (b.first >> 24) : a.second > b.second;
  });  // lowest priority first: code = index + 1
  std::unordered_map<uint32_t, uint8_t> codes;
  for (size_t k = 0; k < colors.size(); ++k) codes[colors[k].first] = static_cast<uint8_t>(k + 1);
  auto code_of = [&](uint32_t color) { return codes.at(color); };

  const double x0 = fx0, y0 = fy0;
  const double cell = RasterCell(t, fx1 - x0, fy1 - y0, sum_dx, static_cast<double>(segs.size()));
  if (!(cell > 0)) return false;
  const size_t nx = static_cast<size_t>(std::floor((fx1 - x0) / cell)) + 1;
  const size_t ny = static_cast<size_t>(std::floor((fy1 - y0) / cell)) + 1;
  std::vector<uint8_t> grid(nx * ny, 0);  // column by column
  auto col = [&](double x) { return static_cast<size_t>(std::clamp(std::floor((x - x0) / cell), 0.0, nx - 1.0)); };
  auto row = [&](double y) { return static_cast<size_t>(std::clamp(std::floor((y - y0) / cell), 0.0, ny - 1.0)); };
  auto fill = [&](size_t c, double ya, double yb, uint8_t code) {
    uint8_t* column = grid.data() + c * ny;
    for (size_t r = row(std::min(ya, yb)), end = row(std::max(ya, yb)); r <= end; ++r)
      column[r] = std::max(column[r], code);
  };
  uint32_t last_color = 0;
  uint8_t code = 0;
  for (const SceneSegment& s : segs) {
    if ((s.color >> 24) == 0 || !finite(s)) continue;  // transparent: covers nothing
    if (s.color != last_color) last_color = s.color, code = code_of(s.color);
    const double ax = std::min(s.x0, s.x1), bx = std::max(s.x0, s.x1);
    const size_t ca = col(ax), cb = col(bx);
    if (ca == cb) {
      fill(ca, s.y0, s.y1, code);
      continue;
    }
    // The centre line's rows in each column it crosses.
    const double slope = (static_cast<double>(s.y1) - s.y0) / (static_cast<double>(s.x1) - s.x0);
    const double ya = ax == s.x0 ? s.y0 : s.y1;  // y at ax
    for (size_t c = ca; c <= cb; ++c) {
      const double xl = std::max(ax, x0 + c * cell), xr = std::min(bx, x0 + (c + 1.0) * cell);
      fill(c, ya + (xl - ax) * slope, ya + (xr - ax) * slope, code);
    }
  }
  for (size_t c = 0; c < nx; ++c) {
    const uint8_t* column = grid.data() + c * ny;
    for (size_t r = 0; r < ny;) {
      const uint8_t k = column[r];
      size_t end = r + 1;
      while (end < ny && column[end] == k) ++end;
      if (k) {
        app::SceneRect box;
        box.x = static_cast<float>(x0 + (c + 0.5) * cell);
        box.y = static_cast<float>(y0 + 0.5 * static_cast<double>(r + end) * cell);
        box.w = static_cast<float>(cell);
        box.h = static_cast<float>(static_cast<double>(end - r) * cell);
        box.fill = colors[k - 1].first;
        box.border_px = -1;  // no border; a cell: pixel-snapped (graph_rect.vert)
        out->push_back(box);
      }
      r = end;
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
  BuildLodBoxes(scene, level, out);
  BuildLodEdges(scene, level, out);
}

void BuildLodBoxes(const app::GraphScene& scene, int level, LodScene* out) {
  const float t = LodTolerance(level);
  out->rects.clear();
  for (const auto* boxes : {&scene.frames, &scene.rects})  // frames whole, outer first, under the boxes
    for (const app::SceneRect& r : *boxes)
      if (r.w >= t || r.h >= t) out->rects.push_back(r);
}

void BuildLodEdges(const app::GraphScene& scene, int level, LodScene* out) {
  const float t = LodTolerance(level);
  out->segments.clear();
  out->arrows.clear();
  out->edge_cells.clear();
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
