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

// Sizes past this many are sampled (every k-th item) for the median and
// the 90th percentile: thresholds, not exact answers, and a sort of 750k
// sizes was a third of a big view's index.
constexpr int kMaxSizeSamples = 1 << 16;

}  // namespace

void BuildCullIndex(const std::vector<CullBox>& boxes, bool keep_overlap_order, float margin_px, CullIndex* index,
                    std::vector<uint32_t>* order) {
  CullIndexBuild(boxes, keep_overlap_order, margin_px, index, order).Continue(SIZE_MAX);
}

CullIndexBuild::CullIndexBuild(const std::vector<CullBox>& boxes, bool keep_overlap_order, float margin_px,
                               CullIndex* index, std::vector<uint32_t>* order)
    : boxes_(boxes), keep_order_(keep_overlap_order), index_(index), order_(order),
      n_(static_cast<int>(boxes.size())) {
  *index_ = CullIndex();
  index_->total = n_;
  index_->margin_px = margin_px;
  order_->resize(n_);  // the identity (kScan): what an index that culls nothing draws
  finite_.resize(n_);
  sample_every_ = n_ / kMaxSizeSamples + 1;
  sizes_.reserve(std::min(n_, kMaxSizeSamples + 1));
  if (n_ == 0) stage_ = kDone;
}

bool CullIndexBuild::Continue(size_t work) {
  size_t visited = 0;
  while (stage_ != kDone && (visited == 0 || visited < work)) visited += Step(work - std::min(work, visited));
  return stage_ == kDone;
}

template <typename F>
size_t CullIndexBuild::Chunk(size_t work, F visit) {
  const int end = static_cast<int>(std::min<size_t>(n_, next_ + std::max<size_t>(work, 1)));
  const int first = next_;
  for (int i = first; i < end; ++i) visit(i);
  next_ = end;
  if (next_ == n_) next_ = 0, stage_ = static_cast<Stage>(stage_ + 1);
  return end - first;
}

size_t CullIndexBuild::Step(size_t work) {
  switch (stage_) {
    case kScan:
      // The grid covers the finite items' min corners.
      return Chunk(work, [&](int i) {
        (*order_)[i] = static_cast<uint32_t>(i);
        const CullBox& b = boxes_[i];
        finite_[i] = Finite(b);
        if (!finite_[i]) return;
        if (!any_) ox_ = ex_ = b.x0, oy_ = ey_ = b.y0, any_ = true;
        ox_ = std::min(ox_, b.x0), ex_ = std::max(ex_, b.x0);
        oy_ = std::min(oy_, b.y0), ey_ = std::max(ey_, b.y0);
        if (finite_count_++ % sample_every_ == 0) sizes_.push_back(std::max(b.x1 - b.x0, b.y1 - b.y0));
      });
    case kThresholds: {
      const size_t sampled = sizes_.size();
      Thresholds();  // no finite item sampled: done, culling nothing
      return sampled + 1;
    }
    case kSplitLarge:  // only where the order is kept: others put large items into coarser levels
      if (!keep_order_) {
        stage_ = kCluster;
        return 1;
      }
      return Chunk(work, [&](int i) {
        const CullBox& b = boxes_[i];
        large_[i] = !finite_[i] || b.x1 - b.x0 > limit_ || b.y1 - b.y0 > limit_;
      });
    case kCluster:
      if (keep_order_) Cluster();
      stage_ = kLevels;
      return keep_order_ ? n_ : 1;
    case kLevels:
      // Kinds without an order put items larger than the limit into coarser
      // levels (cells and limit doubling) rather than the leading range.
      return Chunk(work, [&](int i) {
        if (!finite_[i]) return;
        const CullBox& b = ClusterBox(i);
        const float size = std::max(b.x1 - b.x0, b.y1 - b.y0);
        constexpr int kMaxLevels = 24;
        int level = 0;
        if (size > limit_) {
          if (keep_order_) return;
          level = std::min(kMaxLevels - 1, static_cast<int>(std::ceil(std::log2(static_cast<double>(size) / limit_))));
          while (level < kMaxLevels - 1 && std::ldexp(static_cast<double>(limit_), level) < size) ++level;
        }
        item_level_[i] = level;
        bucket_[i] = 0;  // set in kBuckets, once the levels' sizes are known
        num_levels_ = std::max(num_levels_, level + 1);
        first_bucketed_ = std::min(first_bucketed_, i);
      });
    case kGrids:
      Grids();
      return num_levels_;
    case kBuckets:
      // Each item's bucket: its cluster's min-corner cell in its level.
      return Chunk(work, [&](int i) {
        if (bucket_[i] < 0) return;
        const int l = item_level_[i];
        const CullBox& b = ClusterBox(i);
        CullLevel& level = index_->levels[l];
        bucket_[i] = level_offset_[l] + (CellY(b.y0) >> l) * level.nx + (CellX(b.x0) >> l);
        level.extent_x = std::max(level.extent_x, b.x1 - b.x0), level.extent_y = std::max(level.extent_y, b.y1 - b.y0);
      });
    case kCheckOrder:
      stage_ = !keep_order_ || OrderKeptBySmallItems() ? kCount : kDone;  // kDone: not enabled, identity order
      return keep_order_ ? n_ : 1;
    case kCount:
      // A stable counting sort: leading items first, then each level's cells row by row.
      return Chunk(work, [&](int i) { ++start_[bucket_[i] + 2]; });
    case kOffsets:
      Offsets();
      return start_.size();
    case kScatter:
      return Chunk(work, [&](int i) { (*order_)[start_[bucket_[i] + 1]++] = static_cast<uint32_t>(i); });
    case kDone:
      break;
  }
  return 0;
}

// The base grid: a cell is at least twice the median item so that typical
// items are bucketed, not always drawn. Items up to `limit_` (the 90th
// percentile, within 1..4 cells) are bucketed; larger ones are drawn always
// or go to coarser levels. Queries widen by the largest bucketed item, so
// the limit trades a wider view against a longer always-drawn range.
void CullIndexBuild::Thresholds() {
  if (sizes_.empty()) {
    stage_ = kDone;
    return;
  }
  std::nth_element(sizes_.begin(), sizes_.begin() + sizes_.size() / 2, sizes_.end());
  const float median = sizes_[sizes_.size() / 2];
  const double span = std::max<double>(ex_ - ox_, ey_ - oy_);
  // And at most about a cell per item: more would only cost memory.
  const double area = std::max<double>(ex_ - ox_, 1e-6) * std::max<double>(ey_ - oy_, 1e-6);
  cell_ = std::max({span / kCullGridCells, 2.0 * median, std::sqrt(area / n_)});
  if (!(cell_ > 0) || !std::isfinite(cell_)) cell_ = 1;
  nx_ = static_cast<int>(std::clamp((ex_ - ox_) / cell_ + 1, 1.0, static_cast<double>(kCullGridCells)));
  ny_ = static_cast<int>(std::clamp((ey_ - oy_) / cell_ + 1, 1.0, static_cast<double>(kCullGridCells)));
  const size_t p90 = std::min(sizes_.size() - 1, sizes_.size() * 9 / 10);
  std::nth_element(sizes_.begin(), sizes_.begin() + p90, sizes_.end());
  limit_ = static_cast<float>(std::clamp<double>(sizes_[p90], cell_, 4 * cell_));
  reach_ = static_cast<int>(std::ceil(limit_ / cell_));  // cells an item of `limit_` spans past its own
  sizes_ = {};
  if (keep_order_) large_.resize(n_);
  bucket_.assign(n_, -1);
  item_level_.assign(n_, 0);
  first_bucketed_ = n_;
  stage_ = kSplitLarge;
}

// Where the order matters: small items by the cell of their min corner
// (CSR, in original order), and clusters of overlapping ones, each bucketed
// as one box. Otherwise every item is its own cluster.
void CullIndexBuild::Cluster() {
  key_.assign(n_, -1);
  cell_start_.assign(nx_ * ny_ + 1, 0);
  for (int i = 0; i < n_; ++i) {
    if (large_[i]) continue;
    key_[i] = CellY(boxes_[i].y0) * nx_ + CellX(boxes_[i].x0);
    ++cell_start_[key_[i] + 1];
  }
  for (int k = 0; k < nx_ * ny_; ++k) cell_start_[k + 1] += cell_start_[k];
  cell_items_.resize(cell_start_.back());
  std::vector<int> fill(cell_start_.begin(), cell_start_.end() - 1);
  for (int i = 0; i < n_; ++i)
    if (!large_[i]) cell_items_[fill[key_[i]]++] = i;
  parent_.resize(n_);
  std::iota(parent_.begin(), parent_.end(), 0);
  for (int i = 0; i < n_; ++i) {
    if (large_[i]) continue;
    const int cx = key_[i] % nx_, cy = key_[i] / nx_;
    // Small items overlapping i have their min corner within `reach_` cells of i's.
    for (int y = std::max(0, cy - reach_); y <= std::min(ny_ - 1, cy + reach_); ++y)
      for (int x = std::max(0, cx - reach_); x <= std::min(nx_ - 1, cx + reach_); ++x)
        for (int k = cell_start_[y * nx_ + x]; k < cell_start_[y * nx_ + x + 1]; ++k) {
          const int j = cell_items_[k];
          if (j > i && Overlap(boxes_[i], boxes_[j])) {
            const int a = Find(parent_, i), b = Find(parent_, j);
            if (a != b) parent_[std::max(a, b)] = std::min(a, b);
          }
        }
  }
  cluster_.resize(n_);
  for (int i = 0; i < n_; ++i) {
    if (large_[i]) continue;
    const int r = Find(parent_, i);
    if (r == i) {
      cluster_[r] = boxes_[i];
    } else {
      CullBox& b = cluster_[r];
      b.x0 = std::min(b.x0, boxes_[i].x0), b.y0 = std::min(b.y0, boxes_[i].y0);
      b.x1 = std::max(b.x1, boxes_[i].x1), b.y1 = std::max(b.y1, boxes_[i].y1);
    }
  }
}

// The base grid's column and row of a point, clamped to the grid.
int CullIndexBuild::CellX(double x) const { return static_cast<int>(std::clamp((x - ox_) / cell_, 0.0, nx_ - 1.0)); }
int CullIndexBuild::CellY(double y) const { return static_cast<int>(std::clamp((y - oy_) / cell_, 0.0, ny_ - 1.0)); }

const CullBox& CullIndexBuild::ClusterBox(int i) {
  return !keep_order_ || large_[i] ? boxes_[i] : cluster_[Find(parent_, i)];
}

// The levels' grids, each cell twice the last one's.
void CullIndexBuild::Grids() {
  level_offset_.assign(num_levels_ + 1, 0);
  index_->levels.resize(num_levels_);
  for (int l = 0; l < num_levels_; ++l) {
    CullLevel& level = index_->levels[l];
    level.cell = static_cast<float>(std::ldexp(cell_, l));
    level.nx = ((nx_ - 1) >> l) + 1, level.ny = ((ny_ - 1) >> l) + 1;
    level_offset_[l + 1] = level_offset_[l] + level.nx * level.ny;
  }
  start_.assign(level_offset_[num_levels_] + 2, 0);
  stage_ = kBuckets;
}

// A large box after a bucketed small one it overlaps would move in front of
// it: keep the original order (cull nothing) then, or past too many tests.
bool CullIndexBuild::OrderKeptBySmallItems() {
  int64_t tests = 0;
  for (int l = first_bucketed_ + 1; l < n_; ++l) {
    if (!large_[l] || !finite_[l]) continue;
    const CullBox& L = boxes_[l];
    for (int y = CellY(L.y0 - limit_); y <= CellY(L.y1); ++y)
      for (int x = CellX(L.x0 - limit_); x <= CellX(L.x1); ++x)
        for (int k = cell_start_[y * nx_ + x]; k < cell_start_[y * nx_ + x + 1]; ++k) {
          const int s = cell_items_[k];
          if (s > l) break;  // cells list items in original order
          if (bucket_[s] >= 0 && Overlap(boxes_[s], L)) return false;
          if (++tests > kMaxConflictTests) return false;
        }
  }
  return true;
}

void CullIndexBuild::Offsets() {
  const int cells = level_offset_[num_levels_];
  for (int k = 0; k < cells + 1; ++k) start_[k + 1] += start_[k];
  index_->leading = start_[1];
  for (int l = 0; l < num_levels_; ++l)
    index_->levels[l].starts.assign(start_.begin() + 1 + level_offset_[l], start_.begin() + 2 + level_offset_[l + 1]);
  // Set now: a reader waits for Continue to return true anyway.
  index_->enabled = true;
  index_->origin_x = ox_, index_->origin_y = oy_;
  index_->corner_x = ex_, index_->corner_y = ey_;
  stage_ = kScatter;
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
