// Level-of-detail copies of a scene (CPU only): what each level keeps, and
// that simplified edges stay within the level's tolerance.

#include "render/graph_lod.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <utility>

namespace ckptview::render {
namespace {

using app::GraphScene;
using app::SceneSegment;

TEST(GraphLodTest, LevelsFollowTheScale) {
  EXPECT_EQ(LodLevelForScale(1), 0);
  EXPECT_EQ(LodLevelForScale(0.26f), 0);
  EXPECT_EQ(LodLevelForScale(0.25f), 1);  // tolerance 4 = one pixel
  EXPECT_EQ(LodLevelForScale(0.03f), 2);
  EXPECT_EQ(LodLevelForScale(1e-7f), kLodLevels - 1);
  // Deep enough for a 100k-node graph (4M units) fitted into a minimap:
  // down to 1e-4 px per unit, the level's tolerance is at least a quarter
  // pixel (finer levels keep up to 16x more cells than pixels).
  for (float scale = 1; scale >= 1e-4f; scale *= 0.8f)
    EXPECT_GE(LodTolerance(LodLevelForScale(scale)) * scale, scale < 0.25f ? 0.25f : 0) << scale;
  for (int level = 1; level < kLodLevels; ++level) {
    EXPECT_GT(LodTolerance(level), LodTolerance(level - 1));
    // Used only where its tolerance is at most a pixel.
    const float largest_scale = 1 / LodTolerance(level);
    EXPECT_EQ(LodLevelForScale(largest_scale), level);
    EXPECT_EQ(LodLevelForScale(largest_scale * 1.01f), level - 1);
  }
}

TEST(GraphLodTest, DropsBoxesAndArrowsUnderAPixel) {
  GraphScene scene;
  scene.rects.push_back({0, 0, 1000, 800, 1});  // a group frame
  scene.rects.push_back({0, 0, 60, 24, 2});     // a node
  scene.rects.push_back({0, 0, 10, 8, 3});      // a stub
  scene.arrows.push_back({0, 0, 0, 1, 7, 4});
  LodScene lod;
  BuildLod(scene, 1, &lod);  // tolerance 4
  EXPECT_EQ(lod.rects.size(), 3u);
  EXPECT_EQ(lod.arrows.size(), 0u);  // 7 < 2 * 4: under 2 px
  BuildLod(scene, 2, &lod);          // tolerance 16
  ASSERT_EQ(lod.rects.size(), 2u);
  EXPECT_EQ(lod.rects[0].fill, 1u);  // order kept: outer groups first
  EXPECT_EQ(lod.rects[1].fill, 2u);
  BuildLod(scene, 3, &lod);          // tolerance 64
  ASSERT_EQ(lod.rects.size(), 1u);
  EXPECT_EQ(lod.rects[0].fill, 1u);
  BuildLod(scene, 5, &lod);          // tolerance 1024: the frame is under a pixel too
  EXPECT_EQ(lod.rects.size(), 0u);
}

// Far levels draw frames whole (GraphScene::frames), before the boxes, not
// their pieces (fills), and drop those under a pixel alike.
TEST(GraphLodTest, FarLevelsDrawFramesWhole) {
  GraphScene scene;
  scene.frames.push_back({0, 0, 1000, 800, 1});
  scene.frames.push_back({0, 0, 100, 80, 2});
  for (int i = 0; i < 10; ++i) scene.fills.push_back({-450.0f + 100 * i, 0, 100, 800, 3});
  scene.rects.push_back({0, 0, 60, 24, 4});  // a node
  LodScene lod;
  BuildLod(scene, 1, &lod);
  ASSERT_EQ(lod.rects.size(), 3u);
  EXPECT_EQ(lod.rects[0].fill, 1u);
  EXPECT_EQ(lod.rects[1].fill, 2u);
  EXPECT_EQ(lod.rects[2].fill, 4u);
  BuildLod(scene, 4, &lod);  // tolerance 256: the inner frame and the node are under a pixel
  ASSERT_EQ(lod.rects.size(), 1u);
  EXPECT_EQ(lod.rects[0].fill, 1u);
}

TEST(GraphLodTest, SimplifiesPolylinesWithinTheTolerance) {
  GraphScene scene;
  // Edge 1: 200 pieces along a gentle wave (amplitude 1); edge 2: a sharp
  // corner; edge 3: a tiny edge (5 units); edge 4 continues edge 3's end but
  // has another colour, so it is a separate polyline.
  auto wave = [](int i) { return std::sin(i * 0.3f); };
  for (int i = 0; i < 200; ++i)
    scene.segments.push_back({wave(i), i * 10.0f, wave(i + 1), (i + 1) * 10.0f, 0xff0000ffu, 1});
  scene.segments.push_back({0, 0, 500, 0, 0xff00ff00u, 2});
  scene.segments.push_back({500, 0, 500, 500, 0xff00ff00u, 2});
  scene.segments.push_back({900, 0, 905, 0, 0xffff0000u, 1});
  scene.segments.push_back({905, 0, 2000, 0, 0xffffffffu, 1});
  LodScene lod;
  BuildLod(scene, 1, &lod);  // tolerance 4: the wave becomes one straight piece
  ASSERT_EQ(lod.segments.size(), 1u + 2u + 1u + 1u);
  EXPECT_EQ(lod.segments[0].color, 0xff0000ffu);
  EXPECT_FLOAT_EQ(lod.segments[0].y0, 0);
  EXPECT_FLOAT_EQ(lod.segments[0].y1, 2000);
  EXPECT_EQ(lod.segments[1].x1, 500);  // the corner is kept
  EXPECT_EQ(lod.segments[1].y1, 0);
  EXPECT_EQ(lod.segments[2].width_px, 2);

  // From kFirstRasterLevel on, edges are coverage cells: one box per run of
  // cells in a column, in the most opaque colour crossing each cell.
  BuildLod(scene, kFirstRasterLevel, &lod);
  EXPECT_TRUE(lod.segments.empty());
  ASSERT_FALSE(lod.edge_cells.empty());
  const float t = LodTolerance(kFirstRasterLevel);
  float covered = 0;
  for (const app::SceneRect& r : lod.edge_cells) {
    EXPECT_EQ(r.w, t);
    EXPECT_LT(r.border_px, 0);  // a cell: no border, pixel-snapped
    EXPECT_NE(r.fill >> 24, 0u);
    covered += r.h;
  }
  // The wave's column (2000 high), the corner (500 + 500), the long edge
  // (~1100): every cell once, so about their length over the cell size in boxes.
  EXPECT_GT(covered, 2000 + 1000 + 1000);
  EXPECT_LT(lod.edge_cells.size(), (2000 + 1000 + 1200) / t * 1.5);

  // Level 0 tolerance keeps everything the scene has (no LOD copy needed),
  // and a wave with a large amplitude keeps its bends.
  GraphScene big;
  for (int i = 0; i < 50; ++i)
    big.segments.push_back({100 * wave(i), i * 10.0f, 100 * wave(i + 1), (i + 1) * 10.0f, 1, 1});
  BuildLod(big, 1, &lod);
  EXPECT_GT(lod.segments.size(), 10u);
  EXPECT_LE(lod.segments.size(), 50u);
}

// A far level of a large scene (a 1M x 1M-unit fan of 50,000 long straight
// edges, as a fully expanded 100k-node graph has) draws its edges as a
// raster whose size follows the level's cells, not the number of edges; the
// raster's cell may grow (up to 4 tolerances) to keep the grid bounded.
// The dense grid used to give up past 4M cells and keep 50,000 segments.
TEST(GraphLodTest, FarLevelsOfALargeSceneStayBoundedByCells) {
  GraphScene scene;
  uint32_t seed = 1;
  auto next = [&seed] { return (seed = seed * 1664525u + 1013904223u) >> 8; };
  constexpr float kSide = 1e6f;
  constexpr int kEdges = 50000;
  for (int i = 0; i < kEdges; ++i) {
    const float xa = next() % 1000000, xb = next() % 1000000;
    const float xm = 0.5f * (xa + xb);
    scene.segments.push_back({xa, 0, xm, 0.5f * kSide, 0xff808080u, 1});
    scene.segments.push_back({xm, 0.5f * kSide, xb, kSide, 0xff808080u, 1});
  }
  const int level = 4;  // tolerance 256: a 3,900 x 3,900 grid
  const float t = LodTolerance(level);
  LodScene lod;
  BuildLod(scene, level, &lod);
  EXPECT_TRUE(lod.segments.empty());
  ASSERT_FALSE(lod.edge_cells.empty());
  // The fan covers nearly every cell: a few runs per column.
  const float cell = lod.edge_cells[0].w;
  EXPECT_GE(cell, t);
  EXPECT_LE(cell, 4 * t);
  EXPECT_LE(lod.edge_cells.size(), 4 * (kSide / cell + 1));
  EXPECT_LT(lod.edge_cells.size(), kEdges / 10u);
  // Every edge is covered: its ends and middle lie in some cell.
  for (int i = 0; i < kEdges; i += 97) {
    const app::SceneSegment& s = scene.segments[2 * i];
    for (const auto& [x, y] : {std::pair{s.x0, s.y0}, std::pair{s.x1, s.y1}, std::pair{0.5f * (s.x0 + s.x1), 0.5f * (s.y0 + s.y1)}}) {
      bool covered = false;
      for (const app::SceneRect& r : lod.edge_cells)
        covered = covered || (std::fabs(x - r.x) <= 0.5f * r.w && std::fabs(y - r.y) <= 0.5f * r.h);
      EXPECT_TRUE(covered) << x << "," << y;
    }
  }
}

}  // namespace
}  // namespace ckptview::render
