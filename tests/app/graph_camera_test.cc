// GraphCamera's math (zoom around the cursor, pan, fit) and GraphHitIndex
// over a hand-made layout.
#include "app/graph_camera.h"

#include <gtest/gtest.h>

#include <cmath>

namespace ckptview::app {
namespace {

namespace gl = graph::layout;

TEST(GraphCameraTest, ZoomKeepsTheWorldPointUnderTheCursor) {
  GraphCamera cam;
  cam.center_x = 120, cam.center_y = -40, cam.scale = 0.8f;
  for (float factor : {1.2f, 0.5f, 3.0f}) {
    float wx0, wy0, wx1, wy1;
    cam.ScreenToWorld(213, 77, 900, 600, &wx0, &wy0);
    cam.ZoomAt(213, 77, 900, 600, factor);
    cam.ScreenToWorld(213, 77, 900, 600, &wx1, &wy1);
    EXPECT_NEAR(wx0, wx1, 1e-3f);
    EXPECT_NEAR(wy0, wy1, 1e-3f);
  }
  EXPECT_NEAR(cam.scale, 0.8f * 1.2f * 0.5f * 3.0f, 1e-5f);
  float sx0, sy0, sx1, sy1;
  cam.WorldToScreen(120, -40, 900, 600, &sx0, &sy0);
  cam.Pan(10, -20);  // the world follows the mouse
  cam.WorldToScreen(120, -40, 900, 600, &sx1, &sy1);
  EXPECT_NEAR(sx1 - sx0, 10, 1e-3f);
  EXPECT_NEAR(sy1 - sy0, -20, 1e-3f);
  cam.ZoomAt(0, 0, 900, 600, 1e9f);  // clamped, never infinite
  EXPECT_EQ(cam.scale, GraphCamera::kMaxScale);
  cam.ZoomAt(0, 0, 900, 600, std::nanf(""));
  EXPECT_EQ(cam.scale, GraphCamera::kMaxScale);
}

TEST(GraphCameraTest, FitShowsTheBounds) {
  GraphCamera cam;
  const WorldRect bounds{-50, 10, 4000, 900};
  cam.Fit(bounds, 800, 500);
  const WorldRect v = cam.Visible(800, 500);
  EXPECT_LE(v.min_x, bounds.min_x);
  EXPECT_LE(v.min_y, bounds.min_y);
  EXPECT_GE(v.max_x, bounds.max_x);
  EXPECT_GE(v.max_y, bounds.max_y);
  EXPECT_LT(v.width(), bounds.width() * 1.2f);  // and not much more

}

TEST(GraphHitIndexTest, FindsBoxesStubsAndTheDeepestGroup) {
  gl::LayoutResult r;
  r.width = 2000, r.height = 1000;
  r.groups.push_back({"outer", gl::ItemKind::kGroup, 1, -1, 1000, 500, 2000, 1000});
  r.groups.push_back({"outer/inner", gl::ItemKind::kGroup, 2, 0, 1500, 500, 600, 400});
  gl::PlacedNode a;
  a.id = "a", a.x = 100, a.y = 100, a.w = 60, a.h = 24;
  gl::PlacedNode big = a;  // spans several grid cells
  big.id = "big", big.x = 1500, big.y = 500, big.w = 500, big.h = 30;
  r.nodes = {a, big};
  gl::Stub st;
  st.x = 60, st.y = 95, st.w = 10, st.h = 8, st.hub = 0;
  r.stubs = {st};
  GraphHitIndex index;
  index.Build(r);
  EXPECT_EQ(index.Find(100, 100).kind, GraphHit::Kind::kNode);
  EXPECT_EQ(index.Find(100, 100).index, 0);
  EXPECT_EQ(index.Find(1260, 505).index, 1);  // far from its centre, still found
  EXPECT_EQ(index.Find(1740, 490).index, 1);
  EXPECT_EQ(index.Find(62, 97).kind, GraphHit::Kind::kStub);
  GraphHit g = index.Find(1500, 650);
  EXPECT_EQ(g.kind, GraphHit::Kind::kGroup);
  EXPECT_EQ(g.index, 1);  // the inner group, not the outer
  g = index.Find(500, 800);
  EXPECT_EQ(g.index, 0);
  EXPECT_EQ(index.Find(-10, -10).kind, GraphHit::Kind::kNone);
  EXPECT_EQ(index.Find(NAN, 5).kind, GraphHit::Kind::kNone);

  gl::LayoutResult empty;
  index.Build(empty);
  EXPECT_EQ(index.Find(0, 0).kind, GraphHit::Kind::kNone);
}

}  // namespace
}  // namespace ckptview::app
