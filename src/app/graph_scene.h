// GraphScene: what the graph view asks the GPU to draw, as plain arrays of
// instances in world coordinates (the layout's units: x right, y down). The
// app builds it from a layout (no GL here); a GraphRenderer (src/render, GL)
// uploads it when `version` changes and draws it with a camera each frame.
// Keeping the boundary this narrow lets tests check the scene without a GPU
// and the renderer be tested with hand-made scenes on real GL.
#pragma once

#include <cstdint>
#include <vector>

namespace ckptview::app {

// Colours are packed like ImGui's IM_COL32: 0xAABBGGRR.
struct SceneRect {        // node box, collapsed group, stub; frame fill
  float x = 0, y = 0;     // centre
  float w = 0, h = 0;     // size
  uint32_t fill = 0;
  uint32_t border = 0;
  float border_px = 1;    // border width in screen pixels (0: none)
  float corner = 0;       // corner radius in world units
};

struct SceneSegment {     // one piece of an edge polyline (splines are sampled)
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  uint32_t color = 0;
  float width_px = 1;     // in screen pixels, whatever the zoom
};

struct SceneArrow {       // arrowhead: tip at (x, y), pointing along (dx, dy) (unit)
  float x = 0, y = 0;
  float dx = 0, dy = 1;
  float size = 6;         // length in world units
  uint32_t color = 0;
};

struct SceneGlyph {       // one character of a label, a quad of the font atlas
  float x = 0, y = 0;     // top-left corner, world units
  float w = 0, h = 0;
  float u0 = 0, v0 = 0, u1 = 0, v1 = 0;  // atlas texture coordinates
  uint32_t color = 0;
};

// A font atlas as pixels (one byte per pixel); the renderer uploads it once
// per `version`. GraphFont (graph_font.h) makes one.
struct FontAtlas {
  int width = 0, height = 0;
  std::vector<uint8_t> pixels;
  bool distance_field = false;  // pixels are a signed distance field (0.5 = edge)
  uint64_t version = 0;
};

struct GraphScene {
  uint64_t version = 0;   // bumped whenever the arrays below change
  // Which build the arrays are (BuildGraphScene gives each a new one, and
  // a swap of two scenes carries it along): how a renderer recognises a
  // scene it was given to prefetch. 0: none (never matched).
  uint64_t content = 0;
  float min_x = 0, min_y = 0, max_x = 0, max_y = 0;  // bounds of everything
  // Expanded groups' frame fills, drawn first: disjoint rectangles (a
  // frame's box minus its child frames', in the colour its nesting adds up
  // to), pixel-snapped (border_px -1, like edge cells) so that they tile.
  std::vector<SceneRect> fills;
  // The same frames as one box each, with its outline, in its own fill
  // (drawn outer first, they add up to `fills`): what far zooms draw
  // instead, with the boxes (graph_lod.h), where frames are a few pixels,
  // their pieces outnumber them ~10x and most become point sprites.
  std::vector<SceneRect> frames;
  std::vector<SceneRect> rects;        // drawn in order: outer groups first
  std::vector<SceneSegment> segments;  // then edges
  std::vector<SceneArrow> arrows;
  std::vector<SceneGlyph> glyphs;      // drawn last
  const FontAtlas* atlas = nullptr;    // what glyph UVs refer to
  // World height of one line of label text. Labels are skipped when this is
  // below the viewport's label_min_px on screen (level of detail).
  float label_height = 12;
};

struct GraphViewport {
  // Where to draw, in framebuffer pixels, origin at the top left.
  float x = 0, y = 0, w = 0, h = 0;
  float framebuffer_height = 0;  // GL's viewport/scissor origin is bottom left
  // Camera: screen = (world - center) * scale + viewport centre, where
  // scale is framebuffer pixels per world unit.
  float center_x = 0, center_y = 0, scale = 1;
  float label_min_px = 6;
  uint32_t background = 0;       // cleared to this first if its alpha is not 0
  bool edges = true;             // false: boxes only, no edges or labels (the minimap)
};

// Implemented with GL in src/render; the platform hands one to the App after
// it has a GL context. Absent in headless tests (the scene is still built).
class GraphRenderer {
 public:
  virtual ~GraphRenderer() = default;
  // Draws `scene` into `viewport` of the bound framebuffer. Called inside
  // ImGui's render pass from an ImDrawList callback; the view queues
  // ImDrawCallback_ResetRenderState after it, so the renderer need not
  // restore GL state.
  virtual void Draw(const GraphScene& scene, const GraphViewport& viewport) = 0;
  // Copies `next`, a scene about to replace the one drawn, to the GPU a
  // piece per call, while Draw keeps drawing the current one; true once
  // all of it is there, so that the first Draw of its contents (however
  // they got to the scene drawn: `content`) costs no upload. A relayout
  // calls it once per slice until true, then swaps the scenes in.
  virtual bool Prefetch(const GraphScene& next) { return true; }
};

}  // namespace ckptview::app
