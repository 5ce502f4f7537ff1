#include "render/graph_cull.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

namespace ckptview::render {
namespace {

bool Finite(const CullBox& b) {
  return std::isfinite(b.x0) && std::isfinite(b.y0) && std::isfinite(b.x1) && std::isfinite(b.y1) && b.x1 >= b.x0 &&
         b.y1 >= b.y0;
}

// Touching counts: antialiased edges of touching boxes share pixels.
bool Overlap(const CullBox& a, const CullBox& b) {
  return a.x0 <= b.x1 && b.x0 <= a.x1 && a.y0 <= b.y1 && b.y0 <= a.y1;
}

int Find(std::vector<int>& parent, int i) {
  while (parent[i] != i) {
    parent[i] = parent[parent[i]];
    i = parent[i];
  }
  return i;
}

// Give up on keeping the boxes' order (and cull nothing) past this many
// overlap tests for large boxes drawn after small ones.
constexpr int64_t kMaxConflictTests = int64_t{20} << 20;

}  // namespace

void BuildCullIndex(const std::vector<CullBox>& boxes, bool keep_overlap_order, float margin_px, CullIndex* index,
                    std::vector<uint32_t>* order) {
  const int n = static_cast<int>(boxes.size());
  *index = CullIndex();
  index->total = n;
  index->margin_px = margin_px;
  order->resize(n);
  std::iota(order->begin(), order->end(), 0u);
  if (n == 0) return;

  // The grid covers the finite items' min corners; a cell is at least twice
  // the median item so that typical items are bucketed, not always drawn.
  std::vector<char> finite(n);
  float ox = 0, oy = 0, ex = 0, ey = 0;
  std::vector<float> sizes;
  sizes.reserve(n);
  bool any = false;
  for (int i = 0; i < n; ++i) {
    const CullBox& b = boxes[i];
    finite[i] = Finite(b);
    if (!finite[i]) continue;
    if (!any) ox = ex = b.x0, oy = ey = b.y0, any = true;
    ox = std::min(ox, b.x0), ex = std::max(ex, b.x0);
    oy = std::min(oy, b.y0), ey = std::max(ey, b.y0);
    sizes.push_back(std::max(b.x1 - b.x0, b.y1 - b.y0));
  }
  if (!any) return;
  std::nth_element(sizes.begin(), sizes.begin() + sizes.size() / 2, sizes.end());
  const float median = sizes[sizes.size() / 2];
  const double span = std::max<double>(ex - ox, ey - oy);
  double cell = std::max(span / kCullGridCells, 2.0 * median);
  if (!(cell > 0) || !std::isfinite(cell)) cell = 1;
  const int nx = static_cast<int>(std::clamp((ex - ox) / cell + 1, 1.0, static_cast<double>(kCullGridCells)));
  const int ny = static_cast<int>(std::clamp((ey - oy) / cell + 1, 1.0, static_cast<double>(kCullGridCells)));
  // Items up to `limit` (the 90th percentile, within 1..4 cells) are
  // bucketed; larger ones are drawn always. Queries widen by the largest
  // bucketed item, so the limit trades a wider view against a longer
  // always-drawn range.
  const size_t p90 = std::min(sizes.size() - 1, sizes.size() * 9 / 10);
  std::nth_element(sizes.begin(), sizes.begin() + p90, sizes.end());
  const float limit = static_cast<float>(std::clamp<double>(sizes[p90], cell, 4 * cell));
  const int reach = static_cast<int>(std::ceil(limit / cell));  // cells an item of `limit` spans past its own
  auto cell_x = [&](double x) { return static_cast<int>(std::clamp((x - ox) / cell, 0.0, nx - 1.0)); };
  auto cell_y = [&](double y) { return static_cast<int>(std::clamp((y - oy) / cell, 0.0, ny - 1.0)); };

  std::vector<char> large(n);
  for (int i = 0; i < n; ++i) {
    const CullBox& b = boxes[i];
    large[i] = !finite[i] || b.x1 - b.x0 > limit || b.y1 - b.y0 > limit;
  }
  // Where the order matters: small items by the cell of their min corner
  // (CSR, in original order), and clusters of overlapping ones, each
  // bucketed as one box. Otherwise every item is its own cluster.
  std::vector<int> key, cell_start, cell_items, parent;
  std::vector<CullBox> cluster;
  if (keep_overlap_order) {
    key.assign(n, -1);
    cell_start.assign(nx * ny + 1, 0);
    for (int i = 0; i < n; ++i) {
      if (large[i]) continue;
      key[i] = cell_y(boxes[i].y0) * nx + cell_x(boxes[i].x0);
      ++cell_start[key[i] + 1];
    }
    for (int k = 0; k < nx * ny; ++k) cell_start[k + 1] += cell_start[k];
    cell_items.resize(cell_start.back());
    std::vector<int> fill(cell_start.begin(), cell_start.end() - 1);
    for (int i = 0; i < n; ++i)
      if (!large[i]) cell_items[fill[key[i]]++] = i;
    parent.resize(n);
    std::iota(parent.begin(), parent.end(), 0);
    for (int i = 0; i < n; ++i) {
      if (large[i]) continue;
      const int cx = key[i] % nx, cy = key[i] / nx;
      // Small items overlapping i have their min corner within `reach` cells of i's.
      for (int y = std::max(0, cy - reach); y <= std::min(ny - 1, cy + reach); ++y)
        for (int x = std::max(0, cx - reach); x <= std::min(nx - 1, cx + reach); ++x)
          for (int k = cell_start[y * nx + x]; k < cell_start[y * nx + x + 1]; ++k) {
            const int j = cell_items[k];
            if (j > i && Overlap(boxes[i], boxes[j])) {
              const int a = Find(parent, i), b = Find(parent, j);
              if (a != b) parent[std::max(a, b)] = std::min(a, b);
            }
          }
    }
    cluster.resize(n);
    for (int i = 0; i < n; ++i) {
      if (large[i]) continue;
      const int r = Find(parent, i);
      if (r == i) {
        cluster[r] = boxes[i];
      } else {
        CullBox& b = cluster[r];
        b.x0 = std::min(b.x0, boxes[i].x0), b.y0 = std::min(b.y0, boxes[i].y0);
        b.x1 = std::max(b.x1, boxes[i].x1), b.y1 = std::max(b.y1, boxes[i].y1);
      }
    }
  }
  auto cluster_box = [&](int i) -> const CullBox& {
    return large[i] || !keep_overlap_order ? boxes[i] : cluster[Find(parent, i)];
  };
  // Bucket of each item: its cluster's min-corner cell, or -1 (leading) for
  // large items and clusters larger than the limit. Kinds without an order
  // put larger items into coarser levels (cells and limit doubling) instead.
  constexpr int kMaxLevels = 24;
  std::vector<int> bucket(n, -1), item_level(n, 0);
  int num_levels = 1;
  int first_bucketed = n;
  for (int i = 0; i < n; ++i) {
    if (!finite[i]) continue;
    const CullBox& b = cluster_box(i);
    const float size = std::max(b.x1 - b.x0, b.y1 - b.y0);
    int level = 0;
    if (size > limit) {
      if (keep_overlap_order) continue;
      level = std::min(kMaxLevels - 1, static_cast<int>(std::ceil(std::log2(static_cast<double>(size) / limit))));
      while (level < kMaxLevels - 1 && std::ldexp(static_cast<double>(limit), level) < size) ++level;
    }
    item_level[i] = level;
    bucket[i] = 0;  // set below, once the levels' sizes are known
    num_levels = std::max(num_levels, level + 1);
    first_bucketed = std::min(first_bucketed, i);
  }
  std::vector<int> level_offset(num_levels + 1, 0);
  index->levels.resize(num_levels);
  for (int l = 0; l < num_levels; ++l) {
    CullLevel& level = index->levels[l];
    level.cell = static_cast<float>(std::ldexp(cell, l));
    level.nx = ((nx - 1) >> l) + 1, level.ny = ((ny - 1) >> l) + 1;
    level_offset[l + 1] = level_offset[l] + level.nx * level.ny;
  }
  for (int i = 0; i < n; ++i) {
    if (bucket[i] < 0) continue;
    const int l = item_level[i];
    const CullBox& b = cluster_box(i);
    CullLevel& level = index->levels[l];
    bucket[i] = level_offset[l] + (cell_y(b.y0) >> l) * level.nx + (cell_x(b.x0) >> l);
    level.extent_x = std::max(level.extent_x, b.x1 - b.x0), level.extent_y = std::max(level.extent_y, b.y1 - b.y0);
  }

  // A large box after a bucketed small one it overlaps would move in front
  // of it: keep the original order (cull nothing) then.
  if (keep_overlap_order) {
    int64_t tests = 0;
    for (int l = first_bucketed + 1; l < n; ++l) {
      if (!large[l] || !finite[l]) continue;
      const CullBox& L = boxes[l];
      for (int y = cell_y(L.y0 - limit); y <= cell_y(L.y1); ++y)
        for (int x = cell_x(L.x0 - limit); x <= cell_x(L.x1); ++x)
          for (int k = cell_start[y * nx + x]; k < cell_start[y * nx + x + 1]; ++k) {
            const int s = cell_items[k];
            if (s > l) break;  // cells list items in original order
            if (bucket[s] >= 0 && Overlap(boxes[s], L)) return;  // not enabled: identity order
            if (++tests > kMaxConflictTests) return;
          }
    }
  }

  // Stable counting sort: leading items first, then each level's cells row by row.
  const int cells = level_offset[num_levels];
  std::vector<int> start(cells + 2, 0);
  for (int i = 0; i < n; ++i) ++start[bucket[i] + 2];
  for (int k = 0; k < cells + 1; ++k) start[k + 1] += start[k];
  index->leading = start[1];
  for (int l = 0; l < num_levels; ++l)
    index->levels[l].starts.assign(start.begin() + 1 + level_offset[l], start.begin() + 2 + level_offset[l + 1]);
  for (int i = 0; i < n; ++i) (*order)[start[bucket[i] + 1]++] = static_cast<uint32_t>(i);
  index->enabled = true;
  index->origin_x = ox, index->origin_y = oy;
  index->corner_x = ex, index->corner_y = ey;
}

void VisibleRuns(const CullIndex& index, float x0, float y0, float x1, float y1, float scale,
                 std::vector<CullRun>* runs) {
  runs->clear();
  if (index.total == 0) return;
  const double margin = index.margin_px / static_cast<double>(scale);
  if (!index.enabled || !std::isfinite(margin) || !std::isfinite(x0) || !std::isfinite(y0) || !std::isfinite(x1) ||
      !std::isfinite(y1)) {
    runs->push_back({0, index.total});
    return;
  }
  if (index.leading > 0) runs->push_back({0, index.leading});
  for (const CullLevel& level : index.levels) {
    // Cells that may hold a min corner of something overlapping the widened view.
    const double fx0 = std::floor((x0 - margin - level.extent_x - index.origin_x) / level.cell);
    const double fx1 = std::floor((x1 + margin - index.origin_x) / level.cell);
    const double fy0 = std::floor((y0 - margin - level.extent_y - index.origin_y) / level.cell);
    const double fy1 = std::floor((y1 + margin - index.origin_y) / level.cell);
    // Past every min corner (the last cell of a row or column is open-ended
    // up to them): nothing.
    if (fx1 < 0 || fy1 < 0 || fx0 > fx1 || fy0 > fy1 || x0 - margin - level.extent_x > index.corner_x ||
        y0 - margin - level.extent_y > index.corner_y)
      continue;
    const int cx0 = static_cast<int>(std::clamp(fx0, 0.0, level.nx - 1.0));
    const int cx1 = static_cast<int>(std::clamp(fx1, 0.0, level.nx - 1.0));
    const int cy0 = static_cast<int>(std::clamp(fy0, 0.0, level.ny - 1.0));
    const int cy1 = static_cast<int>(std::clamp(fy1, 0.0, level.ny - 1.0));
    for (int cy = cy0; cy <= cy1; ++cy) {
      const int first = level.starts[cy * level.nx + cx0];
      const int end = level.starts[cy * level.nx + cx1 + 1];
      if (end <= first) continue;
      if (!runs->empty() && runs->back().first + runs->back().count == first) {
        runs->back().count = end - runs->back().first;
      } else {
        runs->push_back({first, end - first});
      }
    }
  }
  if (static_cast<int>(runs->size()) <= kMaxCullRuns) return;
  // Too many draws: merge across the smallest gaps (drawing a few extra
  // off-screen instances).
  std::vector<std::pair<int, int>> gaps;  // gap before run i, i
  for (size_t i = 1; i < runs->size(); ++i) {
    const CullRun& prev = (*runs)[i - 1];
    gaps.push_back({(*runs)[i].first - (prev.first + prev.count), static_cast<int>(i)});
  }
  const size_t merges = runs->size() - kMaxCullRuns;
  std::nth_element(gaps.begin(), gaps.begin() + (merges - 1), gaps.end());
  std::vector<char> join(runs->size(), 0);
  for (size_t k = 0; k < merges; ++k) join[gaps[k].second] = 1;
  size_t out = 0;
  for (size_t i = 0; i < runs->size(); ++i) {
    const CullRun r = (*runs)[i];
    if (i > 0 && join[i]) {
      (*runs)[out - 1].count = r.first + r.count - (*runs)[out - 1].first;
    } else {
      (*runs)[out++] = r;
    }
  }
  runs->resize(out);
}

}  // namespace ckptview::render
