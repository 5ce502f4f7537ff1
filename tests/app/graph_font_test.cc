// GraphFont: the embedded label font rasterised into a signed-distance-field
// atlas; widths, glyph quads and UVs checked on the CPU (no GL).

#include "app/graph_font.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ckptview::app {
namespace {

TEST(GraphFontTest, AtlasIsADistanceField) {
  const FontAtlas& atlas = GraphFont::Default().atlas();
  ASSERT_GT(atlas.width, 0);
  ASSERT_GT(atlas.height, 0);
  ASSERT_EQ(atlas.pixels.size(), static_cast<size_t>(atlas.width) * atlas.height);
  EXPECT_TRUE(atlas.distance_field);
  EXPECT_NE(atlas.version, 0u);
  // Stroke centres well inside (> 0.5 + a pixel's worth), most texels far
  // outside, and a ramp in between: a distance field, not a coverage bitmap
  // (which would be mostly 0 and 255).
  int inside = 0, outside = 0, ramp = 0, full = 0;
  for (uint8_t p : atlas.pixels) {
    if (p >= 150) ++inside;
    if (p < 16) ++outside;
    if (p >= 16 && p < 150) ++ramp;
    if (p == 255) ++full;
  }
  EXPECT_GT(inside, 1000);
  EXPECT_GT(outside, atlas.width * atlas.height / 4);
  EXPECT_GT(ramp, 10000);
  EXPECT_LT(full, inside / 10);
}

TEST(GraphFontTest, WidthsGrowWithTextAndScaleWithHeight) {
  const GraphFont& font = GraphFont::Default();
  EXPECT_EQ(font.Measure("", 12), 0);
  float previous = 0;
  std::string text;
  for (char c : std::string("model/dense_1/MatMul:0 (x7)")) {
    text += c;
    const float w = font.Measure(text, 12);
    EXPECT_GT(w, previous) << "'" << text << "'";  // spaces advance too
    previous = w;
  }
  EXPECT_FLOAT_EQ(font.Measure(text, 24), 2 * font.Measure(text, 12));
  // Proportional: 'W' is wider than 'i'; a line of 10 'x' is 4-8 line heights.
  EXPECT_GT(font.Measure("W", 10), 2 * font.Measure("i", 10));
  EXPECT_GT(font.Measure("xxxxxxxxxx", 1), 4);
  EXPECT_LT(font.Measure("xxxxxxxxxx", 1), 8);
}

TEST(GraphFontTest, OneQuadPerVisibleCharacterInsideTheAtlas) {
  const GraphFont& font = GraphFont::Default();
  std::vector<SceneGlyph> glyphs;
  font.AppendGlyphs("Ab c", 100, 50, 20, 0xff00ff00u, &glyphs);
  ASSERT_EQ(glyphs.size(), 3u);  // no quad for the space
  for (const SceneGlyph& g : glyphs) {
    EXPECT_GE(g.u0, 0);
    EXPECT_GE(g.v0, 0);
    EXPECT_LE(g.u1, 1);
    EXPECT_LE(g.v1, 1);
    EXPECT_LT(g.u0, g.u1);
    EXPECT_LT(g.v0, g.v1);
    EXPECT_GT(g.w, 0);
    EXPECT_GT(g.h, 0);
    EXPECT_EQ(g.color, 0xff00ff00u);
    // Quads sit on the line (y 50..70), give or take the distance-field margin.
    EXPECT_GT(g.y, 50 - 0.25f * 20);
    EXPECT_LT(g.y + g.h, 70 + 0.25f * 20);
  }
  EXPECT_LT(glyphs[0].x, glyphs[1].x);
  EXPECT_LT(glyphs[1].x, glyphs[2].x);
  // The last glyph ends near the measured width.
  const float width = font.Measure("Ab c", 20);
  EXPECT_NEAR(glyphs[2].x + glyphs[2].w, 100 + width, 0.3f * 20);
  // Same character, same atlas cell.
  glyphs.clear();
  font.AppendGlyphs("aa", 0, 0, 10, 0, &glyphs);
  ASSERT_EQ(glyphs.size(), 2u);
  EXPECT_EQ(glyphs[0].u0, glyphs[1].u0);
  EXPECT_EQ(glyphs[0].v0, glyphs[1].v0);
}

TEST(GraphFontTest, NonAsciiDrawsAsOneQuestionMark) {
  const GraphFont& font = GraphFont::Default();
  EXPECT_FLOAT_EQ(font.Measure("\xc3\xa9", 10), font.Measure("?", 10));        // é (2 bytes)
  EXPECT_FLOAT_EQ(font.Measure("a\xe2\x86\x92" "b", 10), font.Measure("a?b", 10));  // → (3 bytes)
  EXPECT_FLOAT_EQ(font.Measure("\t", 10), font.Measure("?", 10));
  std::vector<SceneGlyph> glyphs;
  font.AppendGlyphs("\xff\x80\x80", 0, 0, 10, 0, &glyphs);  // malformed: still one '?'
  EXPECT_EQ(glyphs.size(), 1u);
}

}  // namespace
}  // namespace ckptview::app
