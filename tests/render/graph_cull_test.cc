// Spatial culling (CPU only): the buckets' runs cover everything that can
// touch the view, boxes keep their order where they overlap, and the number
// of runs stays capped.

#include "render/graph_cull.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <utility>
#include <vector>

namespace ckptview::render {
namespace {

CullBox Box(float x, float y, float w, float h) { return {x, y, x + w, y + h}; }

// Which buffer positions the runs draw.
std::vector<char> Drawn(const CullIndex& index, const std::vector<CullRun>& runs) {
  std::vector<char> drawn(index.total, 0);
  int last_end = -1;
  for (const CullRun& r : runs) {
    EXPECT_GT(r.count, 0);
    EXPECT_GT(r.first, last_end) << "runs overlap or are out of order";
    for (int k = r.first; k < r.first + r.count; ++k) drawn[k] = 1;
    last_end = r.first + r.count - 1;
  }
  return drawn;
}

TEST(GraphCullTest, RunsCoverEveryItemTouchingTheView) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> pos(-5000, 5000), size(1, 80), lng(100, 3000);
  std::vector<CullBox> boxes;
  for (int i = 0; i < 5000; ++i) boxes.push_back(Box(pos(rng), pos(rng), size(rng), size(rng)));
  for (int i = 0; i < 50; ++i) boxes.push_back(Box(pos(rng), pos(rng), lng(rng), size(rng)));  // long: coarser grids
  CullIndex index;
  std::vector<uint32_t> order;
  BuildCullIndex(boxes, false, 3, &index, &order);
  ASSERT_TRUE(index.enabled);
  ASSERT_EQ(order.size(), boxes.size());
  EXPECT_EQ(index.leading, 0);
  EXPECT_GT(index.levels.size(), 2u);
  std::vector<uint32_t> sorted = order;
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size(); ++i) ASSERT_EQ(sorted[i], i) << "not a permutation";
  std::vector<CullRun> runs;
  int64_t drawn_total = 0;
  for (int trial = 0; trial < 200; ++trial) {
    const float scale = std::uniform_real_distribution<float>(0.05f, 4)(rng);
    const float cx = pos(rng) * 1.3f, cy = pos(rng) * 1.3f, hw = 800 / scale, hh = 500 / scale;
    VisibleRuns(index, cx - hw, cy - hh, cx + hw, cy + hh, scale, &runs);
    ASSERT_LE(static_cast<int>(runs.size()), kMaxCullRuns);
    const std::vector<char> drawn = Drawn(index, runs);
    const float m = 3 / scale;
    for (int k = 0; k < index.total; ++k) {
      const CullBox& b = boxes[order[k]];
      const bool touches = b.x1 + m >= cx - hw && b.x0 - m <= cx + hw && b.y1 + m >= cy - hh && b.y0 - m <= cy + hh;
      if (touches) {
        ASSERT_TRUE(drawn[k]) << "item " << order[k] << " touches the view but is not drawn, trial " << trial;
      }
      drawn_total += drawn[k];
    }
  }
  // Culling culls: far less than everything on average.
  EXPECT_LT(drawn_total, int64_t{200} * index.total / 2);
  // A view away from everything draws nothing.
  VisibleRuns(index, 1e6f, 1e6f, 1e6f + 100, 1e6f + 100, 1, &runs);
  EXPECT_TRUE(runs.empty());
  VisibleRuns(index, -1e6f, -1e6f, -1e6f + 100, -1e6f + 100, 1, &runs);
  EXPECT_TRUE(runs.empty());
}

TEST(GraphCullTest, BoxesKeepTheirOrderWhereTheyOverlap) {
  std::vector<CullBox> boxes;
  boxes.push_back(Box(-1000, -1000, 3000, 3000));  // group frame: before everything inside it
  for (int i = 0; i < 400; ++i) {
    const float x = -900 + 90.0f * (i % 20), y = -900 + 90.0f * (i / 20);
    boxes.push_back(Box(x, y, 40, 20));
    if (i % 3 == 0) boxes.push_back(Box(x + 3, y + 3, 40, 20));  // a card on top of it
  }
  boxes.push_back(Box(-1000 + 40 * 90, 0, 30, 30));  // across a cell border from nothing
  // Badges drawn after their boxes with a min corner left of and above the
  // box's: across a cell border from it, often (random positions).
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> pos(2000, 6000);
  std::vector<CullBox> badges;
  for (int i = 0; i < 300; ++i) {
    const float x = pos(rng), y = pos(rng);
    boxes.push_back(Box(x, y, 40, 16));
    badges.push_back(Box(x - 12, y - 2, 16, 10));
  }
  boxes.insert(boxes.end(), badges.begin(), badges.end());
  CullIndex index;
  std::vector<uint32_t> order;
  BuildCullIndex(boxes, true, 3, &index, &order);
  ASSERT_TRUE(index.enabled);
  std::vector<int> position(boxes.size());
  for (size_t k = 0; k < order.size(); ++k) position[order[k]] = static_cast<int>(k);
  EXPECT_EQ(position[0], 0);
  EXPECT_GE(index.leading, 1);
  for (size_t i = 0; i < boxes.size(); ++i)
    for (size_t j = i + 1; j < boxes.size(); ++j) {
      const CullBox &a = boxes[i], &b = boxes[j];
      if (a.x0 <= b.x1 && b.x0 <= a.x1 && a.y0 <= b.y1 && b.y0 <= a.y1) {
        ASSERT_LT(position[i], position[j]) << i << " is drawn under " << j << " in the scene";
      }
    }

  // A large box drawn after a small one it overlaps (an overlay): reordering
  // would put it underneath, so nothing is culled and the order stays.
  boxes.push_back(Box(-950, -950, 500, 500));
  BuildCullIndex(boxes, true, 3, &index, &order);
  EXPECT_FALSE(index.enabled);
  for (size_t k = 0; k < order.size(); ++k) EXPECT_EQ(order[k], k);
  std::vector<CullRun> runs;
  VisibleRuns(index, 0, 0, 10, 10, 1, &runs);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].count, static_cast<int>(boxes.size()));
}

TEST(GraphCullTest, RunsAreCappedAndDegenerateInputIsSafe) {
  // A tall thin view over a dense grid: one run per row, more rows than the cap.
  std::vector<CullBox> boxes;
  for (int y = 0; y < 200; ++y)
    for (int x = 0; x < 200; ++x) boxes.push_back(Box(x * 10.0f, y * 10.0f, 4, 4));
  CullIndex index;
  std::vector<uint32_t> order;
  BuildCullIndex(boxes, false, 2, &index, &order);
  ASSERT_TRUE(index.enabled);
  ASSERT_FALSE(index.levels.empty());
  EXPECT_GT(index.levels[0].ny, kMaxCullRuns);
  std::vector<CullRun> runs;
  VisibleRuns(index, 1000, 0, 1040, 2000, 4, &runs);
  EXPECT_LE(static_cast<int>(runs.size()), kMaxCullRuns);
  const std::vector<char> drawn = Drawn(index, runs);
  int n = 0;
  for (int k = 0; k < index.total; ++k) {
    const CullBox& b = boxes[order[k]];
    if (b.x1 >= 1000 && b.x0 <= 1040) {
      EXPECT_TRUE(drawn[k]) << order[k];
    }
    n += drawn[k];
  }
  // Runs merged to stay under the cap draw extra off-screen items (here a
  // thin view over 200 rows, the worst case), but not everything.
  EXPECT_LT(n, index.total);

  // Nothing, NaNs, infinities and a zero scale neither crash nor lose items.
  BuildCullIndex({}, true, 3, &index, &order);
  VisibleRuns(index, 0, 0, 1, 1, 1, &runs);
  EXPECT_TRUE(runs.empty());
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  boxes = {Box(0, 0, 1, 1), {nan, 0, 1, 1}, {-inf, -inf, inf, inf}, Box(5, 5, 0, 0)};
  BuildCullIndex(boxes, true, 3, &index, &order);
  VisibleRuns(index, nan, 0, 1, 1, 1, &runs);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].count, 4);
  VisibleRuns(index, 0, 0, 1, 1, 0, &runs);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].count, 4);
  VisibleRuns(index, -1, -1, 2, 2, 1, &runs);
  const std::vector<char> drawn2 = Drawn(index, runs);
  for (int k = 0; k < 4; ++k)
    if (order[k] != 3) {
      EXPECT_TRUE(drawn2[k]) << order[k];  // non-finite ones always drawn
    }
}

bool SameIndex(const CullIndex& a, const CullIndex& b) {
  if (a.enabled != b.enabled || a.total != b.total || a.leading != b.leading || a.origin_x != b.origin_x ||
      a.origin_y != b.origin_y || a.corner_x != b.corner_x || a.corner_y != b.corner_y ||
      a.margin_px != b.margin_px || a.levels.size() != b.levels.size())
    return false;
  for (size_t l = 0; l < a.levels.size(); ++l) {
    const CullLevel &x = a.levels[l], &y = b.levels[l];
    if (x.cell != y.cell || x.nx != y.nx || x.ny != y.ny || x.extent_x != y.extent_x || x.extent_y != y.extent_y ||
        x.starts != y.starts)
      return false;
  }
  return true;
}

// Built in steps of a few items (as a prefetch spreads it over frames), an
// index is the one built in one call, in many calls; so are the cases that
// end early (nothing finite; boxes whose order forbids culling).
TEST(GraphCullTest, BuiltInStepsIsBuiltInOneCall) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> pos(-50000, 50000), size(1, 80), lng(100, 3000);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<CullBox> many;  // past the sizes sampled for the thresholds
  for (int i = 0; i < 100000; ++i) many.push_back(Box(pos(rng), pos(rng), size(rng), size(rng)));
  for (int i = 0; i < 500; ++i) many.push_back(Box(pos(rng), pos(rng), lng(rng), size(rng)));
  const std::vector<CullBox> overlapping = {Box(0, 0, 10, 10), Box(5, 5, 10, 10), Box(100, 100, 5, 5)};
  const std::vector<CullBox> conflict = {Box(0, 0, 10, 10), Box(200, 0, 10, 10), Box(-500, -500, 2000, 2000)};
  const std::vector<CullBox> none_finite = {{nan, 0, 1, 1}, {0, nan, 1, 1}};
  for (const std::vector<CullBox>* boxes : {&std::as_const(many), &overlapping, &conflict, &none_finite}) {
    for (bool keep_order : {false, true}) {
      SCOPED_TRACE(testing::Message() << boxes->size() << " boxes, keep_order " << keep_order);
      CullIndex whole, stepped;
      std::vector<uint32_t> whole_order, stepped_order;
      BuildCullIndex(*boxes, keep_order, 3, &whole, &whole_order);
      CullIndexBuild build(*boxes, keep_order, 3, &stepped, &stepped_order);
      const size_t work = std::max<size_t>(1, boxes->size() / 100);
      size_t calls = 1;
      while (!build.Continue(work)) ++calls;
      EXPECT_TRUE(SameIndex(whole, stepped));
      EXPECT_EQ(whole_order, stepped_order);
      if (boxes == &many) {
        EXPECT_GE(calls, 100u);  // each pass over the items takes 100 calls
      }
    }
  }
  // The sampled thresholds still cull: a view of 1% of the area draws few.
  CullIndex index;
  std::vector<uint32_t> order;
  BuildCullIndex(many, false, 3, &index, &order);
  ASSERT_TRUE(index.enabled);
  std::vector<CullRun> runs;
  VisibleRuns(index, 0, 0, 10000, 10000, 1, &runs);
  int64_t drawn = 0;
  for (const CullRun& r : runs) drawn += r.count;
  EXPECT_LT(drawn, index.total / 20);
}

}  // namespace
}  // namespace ckptview::render
