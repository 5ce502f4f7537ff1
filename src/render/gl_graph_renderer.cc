#include "render/gl_graph_renderer.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include "render/gl.h"
#include "render/shader_sources.h"

namespace ckptview::render {
namespace {

using app::SceneArrow;
using app::SceneGlyph;
using app::SceneRect;
using app::SceneSegment;

// The Scene* structs are uploaded as they are; the attribute layouts below
// (and the shaders' `layout(location = n)` inputs) depend on these offsets.
static_assert(sizeof(SceneRect) == 32 && offsetof(SceneRect, fill) == 16 && offsetof(SceneRect, border) == 20 &&
                  offsetof(SceneRect, border_px) == 24 && offsetof(SceneRect, corner) == 28,
              "SceneRect layout changed: update SetUpAttributes and graph_rect.vert");
static_assert(sizeof(SceneSegment) == 24 && offsetof(SceneSegment, color) == 16 &&
                  offsetof(SceneSegment, width_px) == 20,
              "SceneSegment layout changed: update SetUpAttributes and graph_segment.vert");
static_assert(sizeof(SceneArrow) == 24 && offsetof(SceneArrow, size) == 16 && offsetof(SceneArrow, color) == 20,
              "SceneArrow layout changed: update SetUpAttributes and graph_arrow.vert");
static_assert(sizeof(SceneGlyph) == 36 && offsetof(SceneGlyph, u0) == 16 && offsetof(SceneGlyph, color) == 32,
              "SceneGlyph layout changed: update SetUpAttributes and graph_glyph.vert");

// A per-instance attribute read from the bound GL_ARRAY_BUFFER.
// `divisor` 1: per instance; 0 with expand_instances (every vertex holds a
// copy of its instance).
void InstanceAttribute(GLuint location, GLint components, GLenum type, GLsizei stride, size_t offset,
                       GLuint divisor) {
  glEnableVertexAttribArray(location);
  glVertexAttribPointer(location, components, type, type == GL_UNSIGNED_BYTE ? GL_TRUE : GL_FALSE, stride,
                        reinterpret_cast<const void*>(offset));
  glVertexAttribDivisor(location, divisor);
}

// The shaders' per-vertex `a_vertex` (location 7): which corner of the
// quad, or vertex of the triangle. Bound to every VAO.
constexpr GLuint kVertexIdLocation = 7;
constexpr float kVertexIds[4] = {0, 1, 2, 3};

void VertexIdAttribute(GLuint buffer) {
  glBindBuffer(GL_ARRAY_BUFFER, buffer);
  glEnableVertexAttribArray(kVertexIdLocation);
  glVertexAttribPointer(kVertexIdLocation, 1, GL_FLOAT, GL_FALSE, sizeof(float), nullptr);
  glVertexAttribDivisor(kVertexIdLocation, 0);
}

// How a batch's instance attributes are laid out (Batch::layout).
enum Layout { kRectLayout, kSegmentLayout, kArrowLayout, kGlyphLayout };

size_t LayoutStride(int layout) {
  switch (layout) {
    case kRectLayout: return sizeof(SceneRect);
    case kSegmentLayout: return sizeof(SceneSegment);
    case kArrowLayout: return sizeof(SceneArrow);
    default: return sizeof(SceneGlyph);
  }
}

// Points the bound VAO's instance attributes into the bound GL_ARRAY_BUFFER
// from byte `base` on.
void InstanceAttributes(int layout, size_t base, GLuint divisor) {
  switch (layout) {
    case kRectLayout:
      InstanceAttribute(0, 4, GL_FLOAT, sizeof(SceneRect), base + offsetof(SceneRect, x), divisor);
      InstanceAttribute(1, 4, GL_UNSIGNED_BYTE, sizeof(SceneRect), base + offsetof(SceneRect, fill), divisor);
      InstanceAttribute(2, 4, GL_UNSIGNED_BYTE, sizeof(SceneRect), base + offsetof(SceneRect, border), divisor);
      InstanceAttribute(3, 2, GL_FLOAT, sizeof(SceneRect), base + offsetof(SceneRect, border_px), divisor);
      break;
    case kSegmentLayout:
      InstanceAttribute(0, 4, GL_FLOAT, sizeof(SceneSegment), base + offsetof(SceneSegment, x0), divisor);
      InstanceAttribute(1, 4, GL_UNSIGNED_BYTE, sizeof(SceneSegment), base + offsetof(SceneSegment, color), divisor);
      InstanceAttribute(2, 1, GL_FLOAT, sizeof(SceneSegment), base + offsetof(SceneSegment, width_px), divisor);
      break;
    case kArrowLayout:
      InstanceAttribute(0, 4, GL_FLOAT, sizeof(SceneArrow), base + offsetof(SceneArrow, x), divisor);
      InstanceAttribute(1, 1, GL_FLOAT, sizeof(SceneArrow), base + offsetof(SceneArrow, size), divisor);
      InstanceAttribute(2, 4, GL_UNSIGNED_BYTE, sizeof(SceneArrow), base + offsetof(SceneArrow, color), divisor);
      break;
    default:
      InstanceAttribute(0, 4, GL_FLOAT, sizeof(SceneGlyph), base + offsetof(SceneGlyph, x), divisor);
      InstanceAttribute(1, 4, GL_FLOAT, sizeof(SceneGlyph), base + offsetof(SceneGlyph, u0), divisor);
      InstanceAttribute(2, 4, GL_UNSIGNED_BYTE, sizeof(SceneGlyph), base + offsetof(SceneGlyph, color), divisor);
      break;
  }
}

// The largest point sprite graph_dot.vert asks for: a box of
// kDotMaxTolerances pixels (levels are used from a tolerance of a pixel
// down) plus a pixel of margin on each side.
constexpr float kMaxDotPx = GlGraphRenderer::kDotMaxTolerances + 2;

// World bounding boxes for culling (graph_cull.h) and how far past them the
// shaders draw, in screen pixels: boxes grow a pixel for antialiasing and are
// at least a pixel wide; edge quads reach half their width (at least half a
// pixel) plus a pixel past the centre line and the ends; arrowheads are at
// most 1.12 sizes from the tip.
CullBox BoxOf(const SceneRect& r) {
  const float hw = 0.5f * std::fabs(r.w), hh = 0.5f * std::fabs(r.h);
  return {r.x - hw, r.y - hh, r.x + hw, r.y + hh};
}
CullBox BoxOf(const SceneSegment& s) {
  return {std::min(s.x0, s.x1), std::min(s.y0, s.y1), std::max(s.x0, s.x1), std::max(s.y0, s.y1)};
}
CullBox BoxOf(const SceneArrow& a) {
  const float r = 1.2f * std::fabs(a.size);
  return {a.x - r, a.y - r, a.x + r, a.y + r};
}
CullBox BoxOf(const SceneGlyph& g) {
  return {std::min(g.x, g.x + g.w), std::min(g.y, g.y + g.h), std::max(g.x, g.x + g.w), std::max(g.y, g.y + g.h)};
}
float MarginPx(const SceneSegment& s) {
  const float width = std::isfinite(s.width_px) ? std::clamp(s.width_px, 1.0f, 256.0f) : 1.0f;
  return 0.5f * width + 2;
}
template <typename T>
float MarginPx(const T&) {
  return 3;
}
// The boxes of items [first, end) into `boxes` (sized for all of them), and
// the kind's margin (its widest item's) grown to theirs.
template <typename T>
void BoxItems(const std::vector<T>& items, size_t first, size_t end, std::vector<CullBox>* boxes, float* margin_px) {
  for (size_t i = first; i < end; ++i)
    (*boxes)[i] = BoxOf(items[i]), *margin_px = std::max(*margin_px, MarginPx(items[i]));
}
// Boxes keep their order where they overlap; the other kinds have none.
constexpr bool KeepsOrder(const SceneRect*) { return true; }
template <typename T>
constexpr bool KeepsOrder(const T*) {
  return false;
}

void ClearGlErrors() {
  for (int i = 0; i < 32 && glGetError() != GL_NO_ERROR; ++i) {
  }
}

}  // namespace

bool GlGraphRenderer::SceneKey::operator==(const SceneKey& o) const {
  return scene == o.scene && content == o.content && version == o.version && fills == o.fills && rects == o.rects &&
         segments == o.segments && arrows == o.arrows && glyphs == o.glyphs;
}

GlGraphRenderer::SceneKey GlGraphRenderer::KeyOf(const app::GraphScene& s) {
  return {&s, s.content, s.version, s.fills.size(), s.rects.size(), s.segments.size(), s.arrows.size(),
          s.glyphs.size()};
}

bool GlGraphRenderer::SameContent(const SceneKey& a, const SceneKey& b) {
  return a.content != 0 && a.content == b.content && a.fills == b.fills && a.rects == b.rects &&
         a.segments == b.segments && a.arrows == b.arrows && a.glyphs == b.glyphs;
}

Result<std::unique_ptr<GlGraphRenderer>> GlGraphRenderer::Create(const GlGraphRendererOptions& options) {
  std::unique_ptr<GlGraphRenderer> renderer(new GlGraphRenderer(options));
  Status status = renderer->Init();
  if (!status.ok()) return status.WithContext("graph renderer");
  return renderer;
}

Status GlGraphRenderer::InitBatch(Batch* batch, const ShaderPair& shaders) {
  CKPT_ASSIGN_OR_RETURN(batch->program, GlProgram::Build(shaders.name, shaders.vertex, shaders.fragment));
  batch->viewport_uniform = batch->program.Uniform("u_viewport");
  batch->camera_uniform = batch->program.Uniform("u_camera");
  glGenVertexArrays(kLodLevels, batch->vao);
  return Status::Ok();
}

Status GlGraphRenderer::Init() {
  // Whatever failed before us (ImGui's setup, a driver quirk) is not ours.
  ClearGlErrors();
  // Every shader is tried, so one log shows all broken ones.
  std::string errors;
  const std::pair<Batch*, ShaderPair> batches[] = {
      {&rects_, RectShaders()}, {&segments_, SegmentShaders()}, {&arrows_, ArrowShaders()},
      {&glyphs_, GlyphShaders()}};
  for (const auto& [batch, shaders] : batches) {
    Status status = InitBatch(batch, shaders);
    if (!status.ok()) errors += (errors.empty() ? "" : "; ") + status.message();
  }
  if (options_.dots) {
    // GLES only promises 1-pixel points; sprites need kMaxDotPx.
    GLfloat range[2] = {1, 1};
#ifdef CKPT_GL_ES3
    glGetFloatv(GL_ALIASED_POINT_SIZE_RANGE, range);
#else
    glGetFloatv(GL_POINT_SIZE_RANGE, range);
#endif
    if (!(range[1] >= kMaxDotPx)) options_.dots = false;
  }
  if (options_.dots) {
    Status status = InitBatch(&rect_dots_, DotShaders());
    if (!status.ok()) errors += (errors.empty() ? "" : "; ") + status.message();
  }
  if (!errors.empty()) return Status::Error(errors);
  glGenVertexArrays(kLodLevels, edge_cells_.vao);
  glGenVertexArrays(kLodLevels, fills_.vao);
  if (options_.dots) glGenVertexArrays(kLodLevels, cell_dots_.vao);
  atlas_uniform_ = glyphs_.program.Uniform("u_atlas");
  distance_field_uniform_ = glyphs_.program.Uniform("u_distance_field");
  glGenTextures(1, &atlas_texture_);
  glGenBuffers(1, &vertex_ids_);
  glBindBuffer(GL_ARRAY_BUFFER, vertex_ids_);
  glBufferData(GL_ARRAY_BUFFER, sizeof kVertexIds, kVertexIds, GL_STATIC_DRAW);
  if (options_.expand_instances) {
    glGenBuffers(1, &quad_ids_);
    glGenBuffers(1, &triangle_ids_);
    glGenBuffers(1, &quad_indices_);
  }
  SetUpAttributes();
  if (options_.expand_instances) MakeVertexIds();
  const GLenum error = glGetError();
  if (error != GL_NO_ERROR) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%04x", error);
    return Status::Error(std::string("GL error ") + hex + " while creating buffers and vertex arrays");
  }
  return Status::Ok();
}

// The per-vertex attribute (and element buffer) of every VAO. The instance
// attributes are pointed at a page and item by each draw (DrawBatch).
void GlGraphRenderer::SetUpAttributes() {
  const bool expand = options_.expand_instances;
  rects_.layout = fills_.layout = edge_cells_.layout = rect_dots_.layout = cell_dots_.layout = kRectLayout;
  segments_.layout = kSegmentLayout;
  arrows_.layout = kArrowLayout;
  glyphs_.layout = kGlyphLayout;
  for (Batch* b : {&fills_, &rects_, &segments_, &arrows_, &glyphs_, &edge_cells_}) {
    const bool triangles = b == &arrows_;
    for (int level = 0; level < kLodLevels; ++level) {
      glBindVertexArray(b->vao[level]);
      VertexIdAttribute(!expand ? vertex_ids_ : triangles ? triangle_ids_ : quad_ids_);
      // The element array binding is VAO state.
      if (expand && !triangles) glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, quad_indices_);
    }
  }
  glBindVertexArray(0);
  glBindBuffer(GL_ARRAY_BUFFER, 0);
}

// expand_instances: a_vertex for every vertex of kPageItems quads (0..3
// each) and triangles (0..2), and the quads' indices, made once: each draw
// points the attributes at its first item (DrawBatch).
void GlGraphRenderer::MakeVertexIds() {
  std::vector<float> quad_ids(kPageItems * 4), triangle_ids(kPageItems * 3);
  std::vector<uint16_t> indices(kPageItems * 6);
  static_assert(kPageItems * 4 <= 65536, "quad indices are 16-bit");
  for (int q = 0; q < kPageItems; ++q) {
    for (int v = 0; v < 4; ++v) quad_ids[q * 4 + v] = static_cast<float>(v);
    for (int v = 0; v < 3; ++v) triangle_ids[q * 3 + v] = static_cast<float>(v);
    // The strip 0 1 2 3 as two triangles.
    const uint16_t base = static_cast<uint16_t>(q * 4);
    const uint16_t tri[6] = {base, uint16_t(base + 1), uint16_t(base + 2), uint16_t(base + 2), uint16_t(base + 1),
                             uint16_t(base + 3)};
    std::copy(tri, tri + 6, &indices[q * 6]);
  }
  glBindBuffer(GL_ARRAY_BUFFER, quad_ids_);
  glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(quad_ids.size() * sizeof(float)), quad_ids.data(),
               GL_STATIC_DRAW);
  glBindBuffer(GL_ARRAY_BUFFER, triangle_ids_);
  glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(triangle_ids.size() * sizeof(float)), triangle_ids.data(),
               GL_STATIC_DRAW);
  glBindBuffer(GL_ARRAY_BUFFER, 0);
  // An element buffer can only be filled while some VAO holds it.
  glBindVertexArray(rects_.vao[0]);
  glBufferData(GL_ELEMENT_ARRAY_BUFFER, static_cast<GLsizeiptr>(indices.size() * sizeof(uint16_t)), indices.data(),
               GL_STATIC_DRAW);
  glBindVertexArray(0);
}

GlGraphRenderer::~GlGraphRenderer() {
  for (Batch* b : {&fills_, &rects_, &segments_, &arrows_, &glyphs_, &edge_cells_, &rect_dots_, &cell_dots_}) {
    glDeleteVertexArrays(kLodLevels, b->vao);  // zero names are ignored
    for (Pages& pages : b->pages) ResizePages(&pages, 0);
    ResizePages(&b->spare_pages, 0);
  }
  if (atlas_texture_) glDeleteTextures(1, &atlas_texture_);
  for (GLuint b : {vertex_ids_, quad_ids_, triangle_ids_, quad_indices_})
    if (b) glDeleteBuffers(1, &b);
}

template <typename T>
void GlGraphRenderer::IndexLevel(const std::vector<T>& items, bool keep_order, CullIndex* cull,
                                 std::vector<uint32_t>* order, bool culled) {
  order->clear();
  if (!options_.spatial_culling || !culled) {
    *cull = CullIndex();
    cull->total = static_cast<int>(items.size());
    return;
  }
  cull_boxes_.resize(items.size());
  float margin_px = 0;
  BoxItems(items, 0, items.size(), &cull_boxes_, &margin_px);
  BuildCullIndex(cull_boxes_, keep_order, margin_px, cull, order);
  if (!cull->enabled) order->clear();
}

template <typename T>
void GlGraphRenderer::CopyItems(const std::vector<T>& items, const std::vector<uint32_t>& order, size_t first,
                                size_t end, int vertices_per_item, std::vector<unsigned char>* bytes) const {
  // With expand_instances every vertex gets a copy of its item.
  const int copies = options_.expand_instances ? vertices_per_item : 1;
  bytes->resize((end - first) * copies * sizeof(T));
  unsigned char* out = bytes->data();
  for (size_t k = first; k < end; ++k) {
    const T& item = items[order.empty() ? k : order[k]];
    for (int v = 0; v < copies; ++v, out += sizeof(T)) std::memcpy(out, &item, sizeof(T));
  }
}

template <typename T>
void GlGraphRenderer::UploadLevel(Batch* batch, int level, const std::vector<T>& items, int vertices_per_item,
                                  bool culled) {
  batch->instances[level] = static_cast<int>(items.size());
  // Edge cells and frame fills are disjoint: no order to keep. Kept, their
  // touching neighbours would cluster into one always-drawn run, every
  // cell of the level drawn at every position.
  const bool keep_order = KeepsOrder(static_cast<const T*>(nullptr)) && batch != &edge_cells_ &&
                          batch != &cell_dots_ && batch != &fills_;
  IndexLevel(items, keep_order, &batch->cull[level], &cull_order_, culled);
  CopyItems(items, cull_order_, 0, items.size(), vertices_per_item, &upload_bytes_);
  const size_t page_bytes = kPageItems * sizeof(T) * (options_.expand_instances ? vertices_per_item : 1);
  Pages& pages = batch->pages[level];
  ResizePages(&pages, PagesFor(items.size()));
  for (size_t k = 0; k < pages.buffers.size(); ++k) {
    pages.bytes[k] = std::min(page_bytes, upload_bytes_.size() - k * page_bytes);
    glBindBuffer(GL_ARRAY_BUFFER, pages.buffers[k]);
    glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(pages.bytes[k]), upload_bytes_.data() + k * page_bytes,
                 GL_STATIC_DRAW);
  }
}

size_t GlGraphRenderer::PagesFor(size_t items) { return (items + kPageItems - 1) / kPageItems; }

void GlGraphRenderer::ResizePages(Pages* pages, size_t count) {
  const size_t had = pages->buffers.size();
  if (count < had) glDeleteBuffers(static_cast<GLsizei>(had - count), pages->buffers.data() + count);
  pages->buffers.resize(count);
  pages->bytes.resize(count);
  if (count > had) glGenBuffers(static_cast<GLsizei>(count - had), pages->buffers.data() + had);
  for (size_t k = had; k < count; ++k) pages->bytes[k] = 0;
}

// A piece of the prefetched scene, at `offset` in a spare page. A page is
// allocated whole (a scene after it reuses it; only one with more pages
// allocates again) and, when one piece fills it, with its data: a new
// buffer filled later costs the GPU process a zero fill (WebGL), which for
// a big view's edges in one buffer stalled a frame by ~35 ms in headless
// Chromium.
void GlGraphRenderer::WriteSparePage(Batch* b, size_t page, size_t offset, const std::vector<unsigned char>& bytes,
                                     size_t page_bytes) {
  Pages& pages = b->spare_pages;
  if (page >= pages.buffers.size()) ResizePages(&pages, page + 1);
  glBindBuffer(GL_ARRAY_BUFFER, pages.buffers[page]);
  if (pages.bytes[page] < page_bytes) {
    pages.bytes[page] = page_bytes;
    ++counters_.spare_allocations;
    if (offset == 0 && bytes.size() == page_bytes) {
      glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(page_bytes), bytes.data(), GL_STATIC_DRAW);
      return;
    }
    glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(page_bytes), nullptr, GL_STATIC_DRAW);
  }
  glBufferSubData(GL_ARRAY_BUFFER, static_cast<GLintptr>(offset), static_cast<GLsizeiptr>(bytes.size()), bytes.data());
}

void GlGraphRenderer::UploadScene(const app::GraphScene& scene) {
  UploadLevel(&fills_, 0, scene.fills, 4);
  UploadLevel(&rects_, 0, scene.rects, 4);
  UploadLevel(&segments_, 0, scene.segments, 4);
  UploadLevel(&arrows_, 0, scene.arrows, 3);
  UploadLevel(&glyphs_, 0, scene.glyphs, 4);
  SceneUploaded();
  ++counters_.scene_uploads;
}

// The far levels are made when a Draw first needs one (UploadLod): most
// uploads follow an expand or collapse at a near zoom, and building all of
// them took three quarters of an upload's time.
void GlGraphRenderer::SceneUploaded() {
  for (int level = 0; level < kLodLevels; ++level) level_parts_[level] = level == 0 ? kLodAll : 0;
  glBindBuffer(GL_ARRAY_BUFFER, 0);
}

// Level 0 of each kind in turn, in steps: its items' boxes, the culling
// index over them (CullIndexBuild, as IndexLevel makes it in one go), then
// copies into the batch's spare pages in buffer order. A step visits at
// most the budget's worth of items (by their buffer bytes), at least one.
template <typename T>
bool GlGraphRenderer::StreamKind(const std::vector<T>& items, int vertices_per_item, bool keep_order, Batch* b,
                                 size_t budget, size_t* spent, bool first) {
  if (!first && *spent >= budget) return false;
  const size_t item_bytes = sizeof(T) * (options_.expand_instances ? vertices_per_item : 1);
  const size_t room = std::max<size_t>((budget - std::min(budget, *spent)) / item_bytes, 1);
  Stream& s = stream_;
  if (s.step == Stream::kBoxes && !options_.spatial_culling) {
    b->spare_cull = CullIndex();  // drawn whole, as they are
    b->spare_cull.total = static_cast<int>(items.size());
    s.order.clear();
    s.step = Stream::kIndex;  // with no index to make
  } else if (s.step == Stream::kBoxes) {
    if (s.done == 0) s.boxes.resize(items.size()), s.margin_px = 0;
    const size_t end = std::min(items.size(), s.done + room);
    BoxItems(items, s.done, end, &s.boxes, &s.margin_px);
    *spent += (end - s.done) * item_bytes;
    s.done = end;
    if (s.done == items.size()) {
      s.index = std::make_unique<CullIndexBuild>(s.boxes, keep_order, s.margin_px, &b->spare_cull, &s.order);
      s.step = Stream::kIndex;
    }
    return true;
  }
  if (s.step == Stream::kIndex) {
    if (s.index) {
      *spent += room * item_bytes;
      if (!s.index->Continue(room)) return true;
      s.index.reset();
    }
    if (!b->spare_cull.enabled) s.order.clear();
    b->spare_instances = static_cast<int>(items.size());
    ResizePages(&b->spare_pages, std::min(b->spare_pages.buffers.size(), PagesFor(items.size())));
    s.step = Stream::kCopy;
    s.done = 0;
    return true;
  }
  // Within one page.
  const size_t page = s.done / kPageItems;
  const size_t end = std::min({items.size(), s.done + room, (page + 1) * kPageItems});
  if (end > s.done) {
    CopyItems(items, s.order, s.done, end, vertices_per_item, &s.bytes);
    WriteSparePage(b, page, (s.done - page * kPageItems) * item_bytes, s.bytes, kPageItems * item_bytes);
    *spent += s.bytes.size();
  }
  s.done = end;
  if (s.done == items.size()) ++s.kind, s.step = Stream::kBoxes, s.done = 0;
  return true;
}

bool GlGraphRenderer::ContinueStream(const app::GraphScene& scene, size_t budget) {
  size_t spent = 0;
  bool first = true;
  for (bool more = true; stream_.kind < kStreamKinds && more; first = false) {
    switch (stream_.kind) {
      case 0: more = StreamKind(scene.fills, 4, false, &fills_, budget, &spent, first); break;
      case 1: more = StreamKind(scene.rects, 4, true, &rects_, budget, &spent, first); break;
      case 2: more = StreamKind(scene.segments, 4, false, &segments_, budget, &spent, first); break;
      case 3: more = StreamKind(scene.arrows, 3, false, &arrows_, budget, &spent, first); break;
      default: more = StreamKind(scene.glyphs, 4, false, &glyphs_, budget, &spent, first); break;
    }
  }
  return stream_.kind == kStreamKinds;
}

bool GlGraphRenderer::Prefetch(const app::GraphScene& next) {
  if (next.content == 0) return true;  // unrecognisable later: Draw uploads it
  const SceneKey key = KeyOf(next);
  if (!stream_.active || !SameContent(stream_.key, key)) {
    stream_ = Stream();
    stream_.active = true;
    stream_.key = key;
  }
  if (!stream_.complete) {
    ++counters_.prefetch_calls;
    stream_.complete = ContinueStream(next, options_.prefetch_bytes ? options_.prefetch_bytes : SIZE_MAX);
  }
  return stream_.complete;
}

// The prefetched pages become level 0 (each draw points the VAO at its page).
void GlGraphRenderer::SwapInPrefetched() {
  for (Batch* b : {&fills_, &rects_, &segments_, &arrows_, &glyphs_}) {
    std::swap(b->pages[0], b->spare_pages);
    std::swap(b->cull[0], b->spare_cull);
    b->instances[0] = b->spare_instances;
  }
  stream_ = Stream();
  SceneUploaded();
  ++counters_.prefetch_swaps;
}

void GlGraphRenderer::UploadLod(const app::GraphScene& scene, int level, uint8_t parts, bool culled) {
  LodScene lod;
  std::vector<SceneRect> quads, dots;
  // options_.dots: splits `items` into quads and point sprites, each in
  // their order, and uploads both.
  auto upload_boxes = [&](Batch* quad_batch, Batch* dot_batch, const std::vector<SceneRect>& items) {
    if (!options_.dots) {
      UploadLevel(quad_batch, level, items, 4, culled);
      return;
    }
    const float max_side = kDotMaxTolerances * LodTolerance(level);
    for (const SceneRect& r : items)
      (std::max(std::fabs(r.w), std::fabs(r.h)) <= max_side ? dots : quads).push_back(r);
    UploadLevel(quad_batch, level, quads, 4, culled);
    UploadLevel(dot_batch, level, dots, 1, culled);
    quads.clear();
    dots.clear();
  };
  if (parts & kLodBoxes) {
    BuildLodBoxes(scene, level, &lod);
    upload_boxes(&rects_, &rect_dots_, lod.rects);  // frames included, whole (graph_lod.h): fills_ stays empty
    level_culled_[level] = culled;
  }
  if (parts & kLodEdges) {
    BuildLodEdges(scene, level, &lod);
    UploadLevel(&segments_, level, lod.segments, 4);
    UploadLevel(&arrows_, level, lod.arrows, 3);
    upload_boxes(&edge_cells_, &cell_dots_, lod.edge_cells);
    ++counters_.lod_edge_uploads;
  }
  level_parts_[level] |= parts;
  glBindBuffer(GL_ARRAY_BUFFER, 0);
  ++counters_.lod_uploads;
}

void GlGraphRenderer::UploadAtlas(const app::FontAtlas& atlas) {
  atlas_ = &atlas;
  atlas_version_ = atlas.version;
  atlas_distance_field_ = atlas.distance_field;
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, atlas_texture_);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  const bool valid = atlas.width > 0 && atlas.height > 0 &&
                     atlas.pixels.size() >= static_cast<size_t>(atlas.width) * atlas.height;
  // A malformed atlas becomes a 1x1 empty texture: labels vanish, nothing reads out of bounds.
  const uint8_t empty = 0;
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);  // rows of one-byte texels are not 4-aligned
  glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, valid ? atlas.width : 1, valid ? atlas.height : 1, 0, GL_RED,
               GL_UNSIGNED_BYTE, valid ? atlas.pixels.data() : &empty);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  ++counters_.atlas_uploads;
}

void GlGraphRenderer::DrawBatch(const Batch& shader, const Batch& batch, int level, unsigned mode, int vertices,
                                const app::GraphViewport& v, int width, int height, int64_t* drawn) {
  if (batch.instances[level] == 0) return;
  // The world rectangle on screen: screen = (world - centre) * scale + size / 2.
  const float half_w = 0.5f * width / v.scale, half_h = 0.5f * height / v.scale;
  VisibleRuns(batch.cull[level], v.center_x - half_w, v.center_y - half_h, v.center_x + half_w, v.center_y + half_h,
              v.scale, &runs_);
  if (runs_.empty()) return;
  glUseProgram(shader.program.id());
  glUniform2f(shader.viewport_uniform, static_cast<float>(width), static_cast<float>(height));
  glUniform3f(shader.camera_uniform, v.center_x, v.center_y, v.scale);
  glBindVertexArray(batch.vao[level]);
  const Pages& pages = batch.pages[level];
  // Points and per-vertex copies have their attributes per vertex (an item
  // is `vertices` copies); instanced draws per instance.
  const bool per_vertex = options_.expand_instances || mode == GL_POINTS;
  const size_t item_bytes = LayoutStride(batch.layout) * (per_vertex ? vertices : 1);
  for (const CullRun& run : runs_) {
    // A draw per page the run crosses, its attributes pointed at its first
    // item there (GLES 3 / WebGL 2 have no base instance or vertex).
    for (int first = run.first, end = run.first + run.count; first < end;) {
      const int page = first / kPageItems;
      const int count = std::min(end, (page + 1) * kPageItems) - first;
      glBindBuffer(GL_ARRAY_BUFFER, pages.buffers[page]);
      InstanceAttributes(batch.layout, static_cast<size_t>(first - page * kPageItems) * item_bytes, per_vertex ? 0 : 1);
      if (mode == GL_POINTS) glDrawArrays(GL_POINTS, 0, count);
      else if (!per_vertex) glDrawArraysInstanced(mode, 0, vertices, count);
      else if (vertices == 3) glDrawArrays(GL_TRIANGLES, 0, 3 * count);
      else glDrawElements(GL_TRIANGLES, 6 * count, GL_UNSIGNED_SHORT, nullptr);
      ++counters_.last_draw_calls;
      first += count;
    }
    counters_.last_instances += run.count;
    *drawn += run.count;
  }
}

void GlGraphRenderer::Draw(const app::GraphScene& scene, const app::GraphViewport& viewport) {
  counters_.last_draw_calls = 0;
  counters_.last_instances = 0;
  counters_.last_drew_glyphs = false;
  counters_.last_rects = counters_.last_segments = counters_.last_arrows = 0;
  counters_.last_glyphs = counters_.last_edge_cells = counters_.last_dots = counters_.last_fills = 0;
  const int x = static_cast<int>(std::lround(viewport.x));
  const int y = static_cast<int>(std::lround(viewport.y));
  const int width = static_cast<int>(std::lround(viewport.x + viewport.w)) - x;
  const int height = static_cast<int>(std::lround(viewport.y + viewport.h)) - y;
  if (width <= 0 || height <= 0 || !(viewport.scale > 0) || !std::isfinite(viewport.scale)) return;

  const SceneKey key = KeyOf(scene);
  if (!have_scene_ || !(key == scene_key_)) {
    // The contents a Prefetch brought in (the view swapped them into the
    // scene it draws), or else an upload of the whole.
    if (stream_.complete && SameContent(stream_.key, key)) SwapInPrefetched();
    else UploadScene(scene);
    scene_key_ = key;
    have_scene_ = true;
  }
  const int level = LodLevelForScale(viewport.scale);
  const uint8_t parts = viewport.edges ? kLodAll : kLodBoxes;
  if (scene.atlas && (scene.atlas != atlas_ || scene.atlas->version != atlas_version_)) UploadAtlas(*scene.atlas);

  // GL counts rows from the bottom. Without a framebuffer height, assume the
  // viewport touches the framebuffer's bottom edge.
  const int fb_height = viewport.framebuffer_height > 0 ? static_cast<int>(std::lround(viewport.framebuffer_height))
                                                        : y + height;
  const int gl_y = fb_height - (y + height);
  glViewport(x, gl_y, width, height);
  glEnable(GL_SCISSOR_TEST);
  glScissor(x, gl_y, width, height);
  glDisable(GL_DEPTH_TEST);
  glDisable(GL_STENCIL_TEST);
  glDisable(GL_CULL_FACE);
  glEnable(GL_BLEND);
  glBlendEquation(GL_FUNC_ADD);
  glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);

  if ((viewport.background >> 24) != 0) {
    const uint32_t c = viewport.background;  // 0xAABBGGRR
    glClearColor((c & 0xff) / 255.0f, ((c >> 8) & 0xff) / 255.0f, ((c >> 16) & 0xff) / 255.0f,
                 (c >> 24) / 255.0f);
    glClear(GL_COLOR_BUFFER_BIT);
  }

  // Boxes made for the minimap alone are not indexed for culling (it shows
  // them all; ~20k boxes cost tens of ms in wasm): a view drawing part of
  // the scene at that level remakes them indexed.
  uint8_t missing = parts & ~level_parts_[level];
  if (level > 0 && viewport.edges && !level_culled_[level]) missing |= kLodBoxes;
  if (missing) UploadLod(scene, level, missing, viewport.edges);
  counters_.last_lod_level = level;
  DrawBatch(rects_, fills_, level, GL_TRIANGLE_STRIP, 4, viewport, width, height, &counters_.last_fills);
  DrawBatch(rects_, rects_, level, GL_TRIANGLE_STRIP, 4, viewport, width, height, &counters_.last_rects);
  int64_t dots = 0;
  if (options_.dots && level > 0) {
#ifdef GL_PROGRAM_POINT_SIZE
    glEnable(GL_PROGRAM_POINT_SIZE);  // desktop GL: gl_PointSize only counts with this (always in GLES 3)
#endif
    DrawBatch(rect_dots_, rect_dots_, level, GL_POINTS, 1, viewport, width, height, &dots);
    counters_.last_rects += dots;
    counters_.last_dots += dots;
  }
  if (!viewport.edges) {  // boxes only
    glBindVertexArray(0);
    return;
  }
  DrawBatch(segments_, segments_, level, GL_TRIANGLE_STRIP, 4, viewport, width, height, &counters_.last_segments);
  DrawBatch(rects_, edge_cells_, level, GL_TRIANGLE_STRIP, 4, viewport, width, height, &counters_.last_edge_cells);
  if (options_.dots && level > 0) {
    dots = 0;
    DrawBatch(rect_dots_, cell_dots_, level, GL_POINTS, 1, viewport, width, height, &dots);
    counters_.last_edge_cells += dots;
    counters_.last_dots += dots;
  }
  DrawBatch(arrows_, arrows_, level, GL_TRIANGLES, 3, viewport, width, height, &counters_.last_arrows);
  // Labels smaller than label_min_px on screen are skipped as a whole.
  if (scene.atlas && glyphs_.instances[0] > 0 && scene.label_height * viewport.scale >= viewport.label_min_px) {
    glUseProgram(glyphs_.program.id());
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, atlas_texture_);
    glUniform1i(atlas_uniform_, 0);
    glUniform1f(distance_field_uniform_, atlas_distance_field_ ? 1.0f : 0.0f);
    DrawBatch(glyphs_, glyphs_, 0, GL_TRIANGLE_STRIP, 4, viewport, width, height, &counters_.last_glyphs);
    counters_.last_drew_glyphs = true;
  }
  glBindVertexArray(0);
}

}  // namespace ckptview::render
