// Level of detail for far zooms: reduced copies of a scene's boxes, edges
// and arrowheads, made once per scene and level (CPU, O(n) per level) so that a
// frame picks one by the camera's scale and stays O(1).
//
// Why: software rasterisers (Mesa llvmpipe under Xvfb, SwiftShader in
// headless Chromium) pay about a microsecond per small triangle that touches
// a pixel. A fully expanded 10k-node graph fitted to the window is ~150k
// sub-pixel edge pieces and ~20k sub-pixel boxes; drawing them costs
// hundreds of ms there and shows nothing a coarser copy would not.
//
// Level k (1..kLodLevels-1) has a tolerance T_k = 4^k world units, one pixel
// at the largest scale the level is used at (1 / T_k). At level k:
//   - boxes smaller than T_k in both directions are dropped (under a pixel);
//   - each edge polyline (consecutive segments that share end points, colour
//     and width) is simplified (Douglas-Peucker, tolerance T_k: at most a
//     pixel off), and dropped if it fits in a T_k square;
//   - arrowheads shorter than 2 T_k (2 px) are dropped;
//   - from kFirstRasterLevel on, edges become a coverage raster of T_k
//     cells drawn as boxes (edge_cells) instead of segments: at far zooms
//     many long edges share the same pixels. In scenes too large for that
//     grid (a 100k-node graph is 2M x 3.9M units, 122M cells of T_4) the
//     cell grows, up to 4 T_k (4 px where the level starts to be used), so
//     the raster stays within 8M cells and its build within ~64M column
//     crossings; past that (or past 255 edge colours) the level keeps the
//     simplified segments. Either
//     way the cells drawn follow the screen's area, not the scene's edges
//     (a fitted 100k-node graph: ~1,000 cells instead of 214,000 segments).
// Level 0 is the scene itself; glyphs have their own cut-off (label_min_px).
//
// kLodLevels reaches tolerance 4^7 = 16384: a 100k-node graph fitted into a
// 1000-px window is ~2.5e-4 px per unit, where 6 levels stopped at
// tolerance 1024 (a quarter pixel: 16 cells or boxes per pixel).
#pragma once

#include <vector>

#include "app/graph_scene.h"

namespace ckptview::render {

inline constexpr int kLodLevels = 8;
inline constexpr int kFirstRasterLevel = 2;

// World tolerance of `level` (0 for level 0).
float LodTolerance(int level);
// The coarsest level whose tolerance is at most a pixel at `scale`.
int LodLevelForScale(float scale);

struct LodScene {
  std::vector<app::SceneRect> rects;  // GraphScene::frames (not its fills), then its rects
  std::vector<app::SceneSegment> segments;
  std::vector<app::SceneArrow> arrows;
  // Edge coverage cells, drawn with the boxes' shader after `rects` (empty
  // when `segments` has the edges); border_px -1 marks them (no border,
  // sides snapped to pixels: see graph_rect.vert).
  std::vector<app::SceneRect> edge_cells;
};

// Level `level` (>= 1) of `scene`, in the scene's draw order: both parts.
void BuildLod(const app::GraphScene& scene, int level, LodScene* out);
// Its parts alone (each sets only its own arrays): the boxes, cheap; and
// the edges (segments or cells, and arrowheads), which cost a pass over
// every edge piece and, rasterised, up to a few hundred milliseconds in a
// view of ~10^6 pieces. The minimap draws boxes only.
void BuildLodBoxes(const app::GraphScene& scene, int level, LodScene* out);
void BuildLodEdges(const app::GraphScene& scene, int level, LodScene* out);

}  // namespace ckptview::render
