// GlGraphRenderer: the graph view's GL side. Draws a GraphScene
// (src/app/graph_scene.h) with instanced draw calls per primitive kind —
// frame fills, rounded boxes, edge segments, arrowheads, label glyphs — on
// OpenGL ES 3.0 / WebGL2 in the page and OpenGL 3.3 core on the desktop.
//
// The scene's arrays are uploaded as they are (the Scene* structs are the
// instance formats), in pages of kPageItems, when the scene changes — or
// beforehand, a piece per frame, when the graph view prefetches its next
// scene (Prefetch), so that an expand never stalls a frame on its upload —
// and reduced copies for far zooms (graph_lod.h; their boxes of a few pixels
// become point sprites, graph_dot.vert) when a draw first needs one. Each
// kind is sorted into spatial buckets (graph_cull.h): a frame is a handful
// of uniforms and a few draw calls per kind over the buckets near the
// viewport, so its cost follows what is on screen, not the scene's size.
// Shaders shade in screen space: box borders and edge widths stay in screen
// pixels, labels come from a signed distance field, and everything is
// antialiased.
//
//   auto renderer = GlGraphRenderer::Create();   // with a current GL context
//   if (!renderer.ok()) log(renderer.status().message());   // then draw nothing
//   app.SetGraphRenderer(std::move(renderer).value());
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "app/graph_scene.h"
#include "base/status.h"
#include "render/gl_program.h"
#include "render/graph_cull.h"
#include "render/graph_lod.h"

namespace ckptview::render {

struct ShaderPair;  // shader_sources.h

struct GlGraphRendererOptions {
  // Draw from per-vertex copies of every instance (4 per box, segment or
  // glyph, 3 per arrowhead; plain indexed draws) instead of instanced draws.
  // For software rasterisers that run an instanced draw one instance at a
  // time (SwiftShader, Chromium's WebGL without a GPU: ~15 us per instance,
  // seconds per frame for a 10k-node graph); costs 3-4x the buffer memory.
  bool expand_instances = false;
  // At far zooms (graph_lod.h levels >= 1), boxes and edge cells at most
  // kDotMaxTolerances level tolerances (pixels) across are drawn as point
  // sprites (graph_dot.vert): one vertex and one primitive each instead of
  // a quad's four and two, which is what software rasterisers pay for. They
  // draw after the level's larger boxes (cells: after the larger cells);
  // boxes overlap only where a group frame holds its children, and a frame
  // is never that small. GL clips a point by its centre, so at the
  // viewport's edges such a box vanishes up to half a sprite (3 px) early.
  // Off: every box is a quad (tests compare the two); also off where the GL
  // cannot draw points that large.
  bool dots = true;
  // Spatial culling (graph_cull.h): instances are bucketed at upload and a
  // frame draws only the buckets near the viewport. Off: every instance of
  // a kind in the scene's order, a draw per page (tests compare the two).
  bool spatial_culling = true;
  // Prefetch copies a scene to the GPU at most this many bytes per call
  // (indexing items for culling counts as their size), into spare pages
  // that the first Draw of that scene swaps in. 0: all in one call.
  size_t prefetch_bytes = 4 << 20;
};

class GlGraphRenderer final : public app::GraphRenderer {
 public:
  // Compiles the shaders and creates the GL objects in the current context.
  // Fails with every shader's name, stage and driver log. The renderer must
  // be destroyed while that context is still current.
  static Result<std::unique_ptr<GlGraphRenderer>> Create(const GlGraphRendererOptions& options);
  static Result<std::unique_ptr<GlGraphRenderer>> Create() { return Create(GlGraphRendererOptions()); }
  ~GlGraphRenderer() override;

  // Draws `scene` into `viewport` of the bound framebuffer (scissored to
  // it). Re-uploads the scene when its identity (address), version or array
  // sizes differ from the last upload, and the atlas when its address or
  // version does: keep one scene per renderer (the minimap draws the same
  // scene with another viewport) so frames upload nothing. Changes GL
  // state (viewport, scissor, blending, program, texture unit 0) without
  // restoring it; callers inside ImGui queue ImDrawCallback_ResetRenderState
  // after it.
  void Draw(const app::GraphScene& scene, const app::GraphViewport& viewport) override;
  // Level 0 of `next` (GraphRenderer::Prefetch). Far levels are made when a
  // Draw of it first needs one, as after any upload. A Prefetch of other
  // contents starts over.
  bool Prefetch(const app::GraphScene& next) override;

  // What the renderer did, for tests and benchmarks.
  struct Counters {
    uint64_t scene_uploads = 0;
    uint64_t lod_uploads = 0;     // far levels made and uploaded (one per level a Draw first needs)
    uint64_t atlas_uploads = 0;
    uint64_t prefetch_calls = 0;  // Prefetch calls that copied something
    uint64_t prefetch_swaps = 0;  // Draws that swapped prefetched contents in (not in scene_uploads)
    uint64_t spare_allocations = 0;  // spare pages allocated by Prefetch
    uint64_t lod_edge_uploads = 0;  // of lod_uploads, those that made a level's edges
    int last_draw_calls = 0;        // draw calls in the last Draw
    int last_lod_level = 0;         // graph_lod.h level of the last Draw
    int64_t last_instances = 0;     // instances drawn by the last Draw (all kinds)
    bool last_drew_glyphs = false;  // labels were above the size threshold
    // Per kind, instances drawn by the last Draw (after culling).
    int64_t last_rects = 0, last_segments = 0, last_arrows = 0, last_glyphs = 0, last_edge_cells = 0;
    int64_t last_fills = 0;  // frame fills (GraphScene::fills)
    // Of last_rects + last_edge_cells, how many were drawn as point sprites.
    int64_t last_dots = 0;
  };
  // Largest box (its longer side, in level tolerances: at most pixels
  // wherever the level is used) drawn as a point sprite.
  static constexpr float kDotMaxTolerances = 4.0f;
  // Instances per GL buffer ("page") and so at most per draw call. With
  // expand_instances, the vertex ids and 16-bit quad indices are made once
  // for this many: regrowing them for a bigger scene stalled a frame by ~40
  // ms in the page.
  static constexpr int kPageItems = 1 << 14;
  const Counters& counters() const { return counters_; }

 private:
  // A level's instances in GL buffers of kPageItems each (per-vertex copies
  // included): a scene that grows needs new pages, not a new copy of all.
  struct Pages {
    std::vector<unsigned> buffers;  // GL names (GLuint); GL types stay out of this header
    std::vector<size_t> bytes;      // each one's size
  };
  struct Batch {  // one primitive kind: its program, and a VAO and instance pages per level
    GlProgram program;
    int viewport_uniform = -1;
    int camera_uniform = -1;
    unsigned vao[kLodLevels] = {};
    Pages pages[kLodLevels];
    int instances[kLodLevels] = {};
    CullIndex cull[kLodLevels];
    int layout = 0;  // Layout (gl_graph_renderer.cc): how the instance attributes are laid out
    // Level 0 of the scene being prefetched; swapped with level 0 when drawn.
    Pages spare_pages;
    CullIndex spare_cull;
    int spare_instances = 0;
  };
  struct SceneKey {
    const void* scene = nullptr;
    uint64_t content = 0;  // GraphScene::content
    uint64_t version = 0;
    size_t fills = 0, rects = 0, segments = 0, arrows = 0, glyphs = 0;
    bool operator==(const SceneKey& o) const;
  };
  static SceneKey KeyOf(const app::GraphScene& s);
  // The same build's arrays (GraphScene::content), whichever scene holds them now.
  static bool SameContent(const SceneKey& a, const SceneKey& b);
  // Level 0 of a scene on its way in (Prefetch, ContinueStream).
  struct Stream {
    bool active = false;
    SceneKey key;
    int kind = 0;  // fills, rects, segments, arrows, glyphs (kStreamKinds)
    enum Step { kBoxes, kIndex, kCopy } step = kBoxes;  // of the kind (StreamKind)
    size_t done = 0;  // of its items, boxed (kBoxes) or copied (kCopy)
    // Its items' boxes and widest margin (not cull_boxes_: a Draw between
    // calls may make a far level), their index in the making, and then
    // their buffer order.
    std::vector<CullBox> boxes;
    float margin_px = 0;
    std::unique_ptr<CullIndexBuild> index;
    std::vector<uint32_t> order;
    std::vector<unsigned char> bytes;  // a piece's
    bool complete = false;  // all in the spare pages
  };

  explicit GlGraphRenderer(const GlGraphRendererOptions& options) : options_(options) {}
  Status Init();
  // A level's buffer order for `items`, for culling (`cull` gets the index;
  // `keep_order`: graph_cull.h); `order` empty: as they are (also if not
  // `culled`: every draw then draws them all).
  template <typename T>
  void IndexLevel(const std::vector<T>& items, bool keep_order, CullIndex* cull, std::vector<uint32_t>* order,
                  bool culled = true);
  // The buffer's bytes for positions [first, end) of `items` in `order`:
  // per-vertex copies with expand_instances.
  template <typename T>
  void CopyItems(const std::vector<T>& items, const std::vector<uint32_t>& order, size_t first, size_t end,
                 int vertices_per_item, std::vector<unsigned char>* bytes) const;
  // ContinueStream's step for one kind; false: the budget is spent.
  template <typename T>
  bool StreamKind(const std::vector<T>& items, int vertices_per_item, bool keep_order, Batch* b, size_t budget,
                  size_t* spent, bool first);
  template <typename T>
  void UploadLevel(Batch* batch, int level, const std::vector<T>& items, int vertices_per_item, bool culled = true);
  void MakeVertexIds();
  static size_t PagesFor(size_t items);
  // Deletes pages past `count`, or adds empty ones.
  static void ResizePages(Pages* pages, size_t count);
  void WriteSparePage(Batch* b, size_t page, size_t offset, const std::vector<unsigned char>& bytes,
                      size_t page_bytes);
  static Status InitBatch(Batch* batch, const ShaderPair& shaders);
  void SetUpAttributes();
  void UploadScene(const app::GraphScene& scene);  // level 0; the others on demand
  void SceneUploaded();
  // Copies about `budget` bytes more of `scene`; true once all is there.
  bool ContinueStream(const app::GraphScene& scene, size_t budget);
  void SwapInPrefetched();
  // A far level's parts (LodParts), made for `scene` (graph_lod.h); the
  // boxes indexed for culling if `culled` (not for the minimap, which shows
  // them all).
  enum LodParts : uint8_t { kLodBoxes = 1, kLodEdges = 2, kLodAll = 3 };
  void UploadLod(const app::GraphScene& scene, int level, uint8_t parts, bool culled);
  void UploadAtlas(const app::FontAtlas& atlas);
  // Draws `batch`'s instances of `level` with `shader`'s program (the edge
  // cells use the boxes' program).
  // Only the instances near the viewport (graph_cull.h); adds them to `drawn`.
  void DrawBatch(const Batch& shader, const Batch& batch, int level, unsigned mode, int vertices, const app::GraphViewport& v, int width,
                 int height, int64_t* drawn);

  Batch rects_, segments_, arrows_, glyphs_;
  static constexpr int kStreamKinds = 5;
  Batch fills_;       // frame fills (GraphScene::fills), drawn first; rects_'s program
  Batch edge_cells_;  // far-zoom edges as boxes (graph_lod.h); no program of its own
  // options_.dots: the small boxes and edge cells of levels >= 1 as point
  // sprites; cell_dots_ uses rect_dots_'s program.
  Batch rect_dots_, cell_dots_;
  int atlas_uniform_ = -1;
  int distance_field_uniform_ = -1;
  unsigned atlas_texture_ = 0;
  GlGraphRendererOptions options_;
  unsigned vertex_ids_ = 0;  // per-vertex 0, 1, 2, 3 (the shaders' a_vertex)
  // expand_instances: a_vertex for every vertex of kPageItems items
  // (0..3 per quad, 0..2 per triangle) and the quads' index buffer.
  unsigned quad_ids_ = 0, triangle_ids_ = 0, quad_indices_ = 0;
  std::vector<unsigned char> upload_bytes_;  // UploadLevel scratch
  std::vector<CullBox> cull_boxes_;  // upload scratch
  std::vector<uint32_t> cull_order_;
  std::vector<CullRun> runs_;        // per-draw scratch
  bool have_scene_ = false;
  uint8_t level_parts_[kLodLevels] = {};  // LodParts uploaded for the current scene
  bool level_culled_[kLodLevels] = {};   // its boxes are indexed for culling
  SceneKey scene_key_;  // the scene drawn
  Stream stream_;
  const app::FontAtlas* atlas_ = nullptr;  // last uploaded (address only, never dereferenced later)
  uint64_t atlas_version_ = 0;
  bool atlas_distance_field_ = false;
  Counters counters_;
};

}  // namespace ckptview::render
