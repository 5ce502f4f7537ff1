// GraphFont: DejaVu Sans (Debian's fonts-dejavu-core, embedded by
// src/render/CMakeLists.txt) rasterised with stb_truetype's SDF rasteriser.
// The stb_truetype copy is Dear ImGui's (imstb_truetype.h); it is compiled
// here with STBTT_STATIC so it cannot clash with ImGui's own static copy.
#include "app/graph_font.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#define STBTT_STATIC
#define STB_TRUETYPE_IMPLEMENTATION
#include "imstb_truetype.h"

namespace ckptview::embedded {
extern const unsigned char kLabelFont[];
extern const std::size_t kLabelFontSize;
}  // namespace ckptview::embedded

namespace ckptview::app {
namespace {

constexpr int kFirstChar = 32;   // ' '
constexpr int kLastChar = 126;   // '~'
constexpr int kFallbackChar = '?';
// Raster size: one line (ascent - descent) is this many atlas pixels. 32 px
// keeps the atlas at 512x256 and labels crisp up to ~3x magnification; the
// distance field covers minification.
constexpr float kLinePx = 32;
// Distance-field margin around each glyph, in atlas pixels: distances within
// +-kSdfPad map to 1..255 (128 = on the edge).
constexpr int kSdfPad = 5;
constexpr unsigned char kOnEdge = 128;
constexpr float kDistScale = 127.0f / kSdfPad;
constexpr int kAtlasWidth = 512;
constexpr int kGap = 1;  // empty texels between glyphs so bilinear taps never bleed
// Used only if the font cannot be read: labels then take space but draw nothing.
constexpr float kFallbackAdvance = 0.5f;

// Calls `f(c)` for each character of `text` as a printable ASCII code:
// anything else (control bytes, a UTF-8 sequence) becomes one '?'.
template <typename F>
void ForEachChar(std::string_view text, F f) {
  bool in_sequence = false;
  for (char ch : text) {
    const auto b = static_cast<unsigned char>(ch);
    const bool continuation = (b & 0xC0) == 0x80;
    if (continuation && in_sequence) continue;
    in_sequence = b >= 0x80;
    f(b >= kFirstChar && b <= kLastChar ? b : kFallbackChar);
  }
}

}  // namespace

struct GraphFont::Glyph {
  float advance = 0;               // line heights
  bool has_quad = false;
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // quad from the pen at the line's top, line heights
  float u0 = 0, v0 = 0, u1 = 0, v1 = 0;
};

const GraphFont& GraphFont::Default() {
  static const GraphFont* font = [] {
    auto* f = new GraphFont();
    Status status = f->Build(embedded::kLabelFont, embedded::kLabelFontSize);
    if (!status.ok()) {
      // The graph still lays out; labels just take space without ink.
      std::fprintf(stderr, "ckptview: graph label font: %s\n", status.message().c_str());
      f->glyphs_.assign(kLastChar - kFirstChar + 1, Glyph{kFallbackAdvance});
    }
    return f;
  }();
  return *font;
}

namespace {

struct RasterGlyph {
  int codepoint = 0;
  unsigned char* sdf = nullptr;  // w x h, owned (stbtt_FreeSDF)
  int w = 0, h = 0, xoff = 0, yoff = 0;
  int atlas_x = 0, atlas_y = 0;
};

// Shelf packing in rows of kAtlasWidth; returns the height used.
int PackShelves(std::vector<RasterGlyph>* glyphs) {
  int x = kGap, y = kGap, row_h = 0;
  for (RasterGlyph& g : *glyphs) {
    if (!g.sdf) continue;
    if (x + g.w + kGap > kAtlasWidth) {
      x = kGap;
      y += row_h + kGap;
      row_h = 0;
    }
    g.atlas_x = x;
    g.atlas_y = y;
    x += g.w + kGap;
    row_h = std::max(row_h, g.h);
  }
  return y + row_h + kGap;
}

}  // namespace

Status GraphFont::Build(const unsigned char* ttf, size_t size) {
  if (size < 12) return Status::Error("embedded font: " + std::to_string(size) + " bytes, not a TrueType file");
  stbtt_fontinfo info;
  const int offset = stbtt_GetFontOffsetForIndex(ttf, 0);
  if (offset < 0 || !stbtt_InitFont(&info, ttf, offset))
    return Status::Error("embedded font: stb_truetype cannot read its tables");
  int ascent = 0, descent = 0, line_gap = 0;
  stbtt_GetFontVMetrics(&info, &ascent, &descent, &line_gap);
  if (ascent - descent <= 0) return Status::Error("embedded font: ascent - descent is not positive");
  const float scale = stbtt_ScaleForPixelHeight(&info, kLinePx);  // (ascent - descent) -> kLinePx
  const float ascent_px = ascent * scale;

  std::vector<RasterGlyph> raster;
  glyphs_.assign(kLastChar - kFirstChar + 1, Glyph{});
  for (int c = kFirstChar; c <= kLastChar; ++c) {
    int advance = 0, lsb = 0;
    stbtt_GetCodepointHMetrics(&info, c, &advance, &lsb);
    glyphs_[c - kFirstChar].advance = advance * scale / kLinePx;
    RasterGlyph g;
    g.codepoint = c;
    g.sdf = stbtt_GetCodepointSDF(&info, scale, c, kSdfPad, kOnEdge, kDistScale, &g.w, &g.h, &g.xoff, &g.yoff);
    raster.push_back(g);  // sdf is null for empty glyphs (space)
  }
  atlas_.width = kAtlasWidth;
  atlas_.height = PackShelves(&raster);
  atlas_.pixels.assign(static_cast<size_t>(atlas_.width) * atlas_.height, 0);
  atlas_.distance_field = true;
  atlas_.version = 1;
  for (RasterGlyph& r : raster) {
    if (!r.sdf) continue;
    for (int row = 0; row < r.h; ++row)
      std::copy_n(r.sdf + static_cast<size_t>(row) * r.w, r.w,
                  atlas_.pixels.begin() + static_cast<size_t>(r.atlas_y + row) * atlas_.width + r.atlas_x);
    stbtt_FreeSDF(r.sdf, nullptr);
    Glyph& g = glyphs_[r.codepoint - kFirstChar];
    g.has_quad = true;
    g.x0 = r.xoff / kLinePx;
    g.y0 = (ascent_px + r.yoff) / kLinePx;
    g.x1 = g.x0 + r.w / kLinePx;
    g.y1 = g.y0 + r.h / kLinePx;
    g.u0 = static_cast<float>(r.atlas_x) / atlas_.width;
    g.v0 = static_cast<float>(r.atlas_y) / atlas_.height;
    g.u1 = static_cast<float>(r.atlas_x + r.w) / atlas_.width;
    g.v1 = static_cast<float>(r.atlas_y + r.h) / atlas_.height;
  }
  return Status::Ok();
}

float GraphFont::Advance(unsigned char c) const { return glyphs_[c - kFirstChar].advance; }

float GraphFont::Measure(std::string_view text, float height) const {
  float width = 0;
  ForEachChar(text, [&](int c) { width += Advance(static_cast<unsigned char>(c)); });
  return width * height;
}

void GraphFont::AppendGlyphs(std::string_view text, float x, float y, float height, uint32_t color,
                             std::vector<SceneGlyph>* out) const {
  float pen = 0;  // line heights from x
  ForEachChar(text, [&](int c) {
    const Glyph& g = glyphs_[c - kFirstChar];
    if (g.has_quad) {
      SceneGlyph q;
      q.x = x + (pen + g.x0) * height;
      q.y = y + g.y0 * height;
      q.w = (g.x1 - g.x0) * height;
      q.h = (g.y1 - g.y0) * height;
      q.u0 = g.u0, q.v0 = g.v0, q.u1 = g.u1, q.v1 = g.v1;
      q.color = color;
      out->push_back(q);
    }
    pen += g.advance;
  });
}

}  // namespace ckptview::app
