// Spatial culling for the graph view: per-frame cost proportional to what is
// on screen, not to the scene's size.
//
// At upload (once per scene version) each primitive kind's instances are
// reordered into buckets of a uniform grid over their bounds: an instance
// goes to the cell of its bounding box's min corner, the cells are laid out
// row by row, and each keeps its [first, count) range in the instance
// buffer. Large items (group frames, long edge pieces, anything not
// finite) go to an "always drawn" range at the front, in their original
// order (the threshold is the kind's 90th percentile size, of a sample past
// 65,536 items, within one to four cells). Kinds without an order (edges, arrowheads, glyphs) put larger
// items into coarser grids instead (cells doubling per level, each item in
// the first level whose threshold it fits), so that long edge pieces are
// culled too. Per frame, the viewport's world rectangle, widened left and up by
// the largest bucketed item's extent (and a few pixels for antialiasing and
// minimum sizes), selects a block of cells: one contiguous run per visible
// row (whole rows merge), so a frame costs O(visible rows) on the CPU and
// draws only instances near the screen.
//
// Draw order. Instances of one kind are drawn in buffer order, so the
// reordering changes which of two overlapping instances ends on top. For
// boxes (graph_scene.h: "drawn in order, outer groups first") the order is
// kept where it shows: `keep_overlap_order` puts overlapping small items in
// one cluster that moves as a whole (in original order) into one bucket,
// large items and clusters larger than a cell stay in the leading range in
// their original order, and if some large item is drawn after a small one it
// overlaps (not the scene builder's order) the kind is not culled at all.
// Two boxes whose antialiased fringes touch without overlapping may still
// swap at far zooms. Edges, arrowheads and glyphs are reordered freely:
// their scene order says nothing about stacking.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ckptview::render {

// An item's world bounding box.
struct CullBox {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};

// Limits: at most kCullGridCells cells along the longer side of the bounds
// and about one per item (256 left a 100k-op graph's cells 15k units wide,
// six screens at a readable zoom: 3x the edge pieces drawn); a frame issues
// at most kMaxCullRuns draws per kind (closest runs merged).
inline constexpr int kCullGridCells = 1024;
inline constexpr int kMaxCullRuns = 32;

// One grid of a CullIndex: cells of `cell` world units, row by row.
struct CullLevel {
  float cell = 1;
  int nx = 1, ny = 1;
  float extent_x = 0, extent_y = 0;  // largest item (or cluster) in it, world
  std::vector<int> starts;           // nx * ny + 1 offsets; cell c is [starts[c], starts[c + 1])
};

struct CullIndex {
  bool enabled = false;  // false: draw [0, total) as one range
  int total = 0;
  int leading = 0;      // [0, leading): always drawn
  float origin_x = 0, origin_y = 0;  // the grids' top left
  float corner_x = 0, corner_y = 0;  // the largest min corner of a bucketed item
  float margin_px = 0;               // drawn this far past the box, screen px
  // Grids of doubling cells, in buffer order after the leading range:
  // level l holds the items up to 2^l times the size threshold (boxes keep
  // one level: the others would be drawn after the small ones they cover).
  std::vector<CullLevel> levels;
};

struct CullRun {
  int first = 0, count = 0;
};

// Builds `index` for `boxes` and the order to upload them in: `order[k]` is
// the original index of the k-th instance in the buffer. `margin_px`: how far
// past its box an item may draw, in screen pixels.
void BuildCullIndex(const std::vector<CullBox>& boxes, bool keep_overlap_order, float margin_px, CullIndex* index,
                    std::vector<uint32_t>* order);

// BuildCullIndex over several calls, for scenes too big to index within a
// frame (~20 ms for a big view's 750k edge pieces in wasm):
//
//   CullIndexBuild build(boxes, false, margin_px, &index, &order);
//   while (!build.Continue(50000)) { /* next frame */ }
//
// `boxes`, `index` and `order` must stay alive and untouched until it is
// done. Kinds that keep their overlap order group their overlapping items
// in one step (boxes are few next to edge pieces).
class CullIndexBuild {
 public:
  CullIndexBuild(const std::vector<CullBox>& boxes, bool keep_overlap_order, float margin_px, CullIndex* index,
                 std::vector<uint32_t>* order);
  // Visits about `work` items (at least one step's worth); true once `index`
  // and `order` are complete.
  bool Continue(size_t work);

 private:
  // The stages, in order; the chunked ones visit items a range at a time.
  enum Stage { kScan, kThresholds, kSplitLarge, kCluster, kLevels, kGrids, kBuckets, kCheckOrder, kCount,
               kOffsets, kScatter, kDone };
  size_t Step(size_t work);  // runs (part of) the current stage; returns the items visited
  // Visits items [next_, next_ + work) with `visit`; the stage ends at the last item.
  template <typename F>
  size_t Chunk(size_t work, F visit);
  void Thresholds();
  void Cluster();
  void Grids();
  bool OrderKeptBySmallItems();
  void Offsets();
  const CullBox& ClusterBox(int i);
  int CellX(double x) const;
  int CellY(double y) const;

  const std::vector<CullBox>& boxes_;
  const bool keep_order_;
  CullIndex* const index_;
  std::vector<uint32_t>* const order_;
  const int n_;
  Stage stage_ = kScan;
  int next_ = 0;  // the chunked stage's next item
  // kScan: finite items, the bounds of their min corners, sizes (sampled past kMaxSizeSamples).
  std::vector<char> finite_;
  bool any_ = false;
  float ox_ = 0, oy_ = 0, ex_ = 0, ey_ = 0;
  int sample_every_ = 1;
  int finite_count_ = 0;
  std::vector<float> sizes_;
  // kThresholds: the base grid and the bucketed size limit.
  double cell_ = 1;
  int nx_ = 1, ny_ = 1;
  float limit_ = 0;
  int reach_ = 0;
  std::vector<char> large_;  // kSplitLarge, where the order is kept: not bucketed
  // kCluster (keep_order_): small items by the cell of their min corner, and clusters of overlapping ones.
  std::vector<int> key_, cell_start_, cell_items_, parent_;
  std::vector<CullBox> cluster_;
  // kLevels..kScatter: each item's bucket (-1: leading) and level.
  std::vector<int> bucket_, item_level_;
  int num_levels_ = 1;
  int first_bucketed_ = 0;
  std::vector<int> level_offset_, start_;
};

// The runs of instances to draw for the world rectangle [x0, x1] x [y0, y1]
// seen at `scale` (px per world unit), in buffer order, at most kMaxCullRuns.
void VisibleRuns(const CullIndex& index, float x0, float y0, float x1, float y1, float scale,
                 std::vector<CullRun>* runs);

}  // namespace ckptview::render
