// GraphFont: the labels' font for the graph view — a TrueType font (embedded
// at build time from a Debian font package) rasterised once into a FontAtlas,
// and text turned into SceneGlyph quads. CPU only; the renderer uploads the
// atlas.
//
// The atlas is a single-channel signed distance field (distance_field = true,
// 0.5 = the glyph's edge), so one raster size draws sharp labels at any zoom.
// Advances are kerning-free: a label's width is the sum of its characters'
// advances, so Measure() and AppendGlyphs() agree exactly. Printable ASCII is
// drawn; any other byte or UTF-8 sequence draws as one '?'.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "app/graph_scene.h"
#include "base/status.h"

namespace ckptview::app {

class GraphFont {
 public:
  // The bundled label font, built on first use.
  static const GraphFont& Default();

  const FontAtlas& atlas() const { return atlas_; }
  // Width of `text` at line height `height` (world units); proportional to
  // `height`.
  float Measure(std::string_view text, float height) const;
  // Appends `text`'s glyphs with the line's top-left corner at (x, y): one
  // quad per visible character (none for spaces). Quads include the distance
  // field's margin, so they overlap their neighbours slightly.
  void AppendGlyphs(std::string_view text, float x, float y, float height, uint32_t color,
                    std::vector<SceneGlyph>* out) const;

 private:
  GraphFont() = default;
  // Rasterises the TrueType font in `ttf` (printable ASCII) into atlas_.
  Status Build(const unsigned char* ttf, size_t size);
  float Advance(unsigned char c) const;  // in line heights

  FontAtlas atlas_;
  struct Glyph;
  std::vector<Glyph> glyphs_;  // printable ASCII; others draw as '?'
};

}  // namespace ckptview::app
