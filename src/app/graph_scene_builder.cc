#include "app/graph_scene_builder.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "app/graph_font.h"
#include "app/graph_style.h"

namespace ckptview::app {
namespace {

namespace gl = graph::layout;
namespace colors = graph_colors;

constexpr int kSplineSteps = 8;  // samples per cubic piece: smooth at the zooms labels are readable

std::string ShortName(const std::string& id) {
  const size_t slash = id.rfind('/');
  return slash == std::string::npos ? id : id.substr(slash + 1);
}

}  // namespace

class SceneBuilder {
 public:
  SceneBuilder(const SceneInputs& in, GraphScene* scene) : in_(in), r_(*in.layout), scene_(scene) {}

  // Adds the next `items` layout items (frames, boxes, stubs, edges, in that
  // order: the draw order within each primitive kind); true once all are in.
  bool Continue(size_t items) {
    if (next_ == 0) {
      Clear();
      IndexFrames();
      static std::atomic<uint64_t> builds{0};
      scene_->content = ++builds;
      scene_->atlas = in_.font ? &in_.font->atlas() : nullptr;
    }
    const size_t groups = r_.groups.size(), nodes = r_.nodes.size(), stubs = r_.stubs.size();
    const size_t total = groups + nodes + stubs + r_.edges.size();
    for (const size_t end = total - next_ > items ? next_ + items : total; next_ < end; ++next_) {
      size_t i = next_;
      if (i < groups) AddGroupFrame(i);
      else if ((i -= groups) < nodes) AddBox(r_.nodes[i]);
      else if ((i -= nodes) < stubs) AddStub(r_.stubs[i]);
      else AddEdge(r_.edges[i - stubs], /*highlight=*/false);
    }
    if (next_ < total) return false;
    ComputeBounds();
    return true;
  }

  // Outlines over the marked boxes and frames, and the selected node's edges
  // again in the selection colour: drawn over the scene Build made.
  void BuildHighlights() {
    Clear();
    for (const gl::PlacedGroup& g : r_.groups) {
      if (!(GroupMarks(g.group) & kMarkHit)) continue;
      scene_->rects.push_back({g.x, g.y, g.w, g.h, 0, WithAlpha(colors::kHit, 0x90), 1, 6});
    }
    for (const gl::PlacedNode& n : r_.nodes) {
      SceneRect rect{n.x, n.y, n.w, n.h, 0, 0, 0, n.kind == gl::ItemKind::kNode ? 3.0f : 5.0f};
      if (SetBorder(PlacedMarks(n), &rect)) scene_->rects.push_back(rect);
    }
    for (const gl::Stub& s : r_.stubs) {
      SceneRect rect{s.x, s.y, s.w, s.h, 0, 0, 0, 1};
      if (s.hub >= 0 && SetBorder(NodeMarks(s.hub) & kMarkSelected, &rect)) scene_->rects.push_back(rect);
    }
    for (const gl::RoutedEdge& e : r_.edges)
      if ((PlacedMarks(r_.nodes[e.src]) | PlacedMarks(r_.nodes[e.dst])) & kMarkSelected) AddEdge(e, /*highlight=*/true);
    ComputeBounds();
  }

 private:
  void Clear() {
    scene_->fills.clear();
    scene_->frames.clear();
    scene_->rects.clear();
    scene_->segments.clear();
    scene_->arrows.clear();
    scene_->glyphs.clear();
    scene_->label_height = kGraphLabelHeight;
  }

  uint8_t NodeMarks(int32_t node) const {
    const auto* m = in_.node_marks;
    return m && node >= 0 && node < static_cast<int32_t>(m->size()) ? (*m)[node] : 0;
  }
  uint8_t GroupMarks(int32_t group) const {
    const auto* m = in_.group_marks;
    return m && group >= 0 && group < static_cast<int32_t>(m->size()) ? (*m)[group] : 0;
  }
  uint8_t PlacedMarks(const gl::PlacedNode& n) const {
    return n.kind == gl::ItemKind::kNode ? NodeMarks(n.item) : GroupMarks(n.item);
  }
  bool Dimmed(uint8_t marks) const { return in_.dim_unkept && !(marks & kMarkKept); }

  uint32_t NodeColor(int32_t node) const {
    if (!in_.graph || node < 0 || node >= in_.graph->num_nodes()) return OpFamilyColor(OpFamily::kOther);
    if (in_.color_mode == GraphColorMode::kDevice) return DeviceColor(in_.graph->node(node).def->device());
    return OpFamilyColor(OpFamilyOf(in_.graph->op(node)));
  }

  uint32_t GroupColor(int32_t group) const {
    const gl::HierarchyGroup& g = in_.hierarchy->groups[group];
    // A series holds copies of one op structure: show its first member's colour.
    if (g.kind == gl::ItemKind::kSeries && !g.children.empty() && !in_.hierarchy->IsGroupItem(g.children[0]))
      return MixColor(NodeColor(g.children[0]), colors::kCollapsedFill, 0.35f);
    return colors::kCollapsedFill;
  }

  // The highlight border of a box with `marks`; false if it has none.
  bool SetBorder(uint8_t marks, SceneRect* rect) const {
    if (marks & kMarkSelected) {
      rect->border = colors::kSelected, rect->border_px = 3;
    } else if (marks & kMarkCurrentHit) {
      rect->border = colors::kCurrentHit, rect->border_px = 3;
    } else if (marks & kMarkHit) {
      rect->border = colors::kHit, rect->border_px = 2;
    } else {
      return false;
    }
    return true;
  }

  // Each placed group's child frames, and its fill blended over its
  // ancestors' (FrameFill).
  void IndexFrames() {
    const size_t n = r_.groups.size();
    frame_children_.assign(n, {});
    frame_fill_.assign(n, 0);
    for (size_t i = 0; i < n; ++i) {
      const int32_t p = r_.groups[i].parent;
      if (p >= 0 && static_cast<size_t>(p) < n && static_cast<size_t>(p) != i) frame_children_[p].push_back(i);
    }
    for (size_t i = 0; i < n; ++i) FrameFill(i, 0);
  }

  uint32_t OwnFrameFill(const gl::PlacedGroup& g) const {
    return Dimmed(GroupMarks(g.group)) ? WithAlpha(colors::kGroupFill, 0x08) : colors::kGroupFill;
  }

  uint32_t FrameFill(size_t i, int depth) {
    if (frame_fill_[i] != 0) return frame_fill_[i];
    const gl::PlacedGroup& g = r_.groups[i];
    const uint32_t own = OwnFrameFill(g);
    const bool nested = g.parent >= 0 && static_cast<size_t>(g.parent) < r_.groups.size() && depth < 256;
    return frame_fill_[i] = nested ? Over(own, FrameFill(g.parent, depth + 1)) : own;
  }

  // A frame is its fill, drawn only where no child frame is (in the fill
  // its nesting adds up to: FrameFill), and its outline as four 1-px edge
  // pieces; far zooms draw `frames` instead (graph_scene.h). Drawn as one
  // box per frame, nested frames filled each pixel once per level, most of
  // a zoomed-in frame's time on software GL (frame_bench, 12k graph at zoom
  // 1.5: 12.6 -> 4.6 ms; headless Chromium's draw: 38.9 -> 17.8 ms). The
  // outline is not four thin boxes: boxes keep their order, and touching
  // boxes of different sizes turned culling off.
  void AddGroupFrame(size_t i) {
    const gl::PlacedGroup& g = r_.groups[i];
    AddFrameFill(i);
    scene_->frames.push_back({g.x, g.y, g.w, g.h, OwnFrameFill(g), colors::kGroupBorder, 1, 6});
    const float x0 = g.x - 0.5f * g.w, x1 = g.x + 0.5f * g.w, y0 = g.y - 0.5f * g.h, y1 = g.y + 0.5f * g.h;
    const gl::Point corners[5] = {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}};
    for (int k = 0; k < 4; ++k)
      scene_->segments.push_back({corners[k].x, corners[k].y, corners[k + 1].x, corners[k + 1].y, colors::kGroupBorder, 1});
    const uint8_t marks = GroupMarks(g.group);
    const gl::HierarchyGroup& hg = in_.hierarchy->groups[g.group];
    const std::string text = hg.name + "  (" + std::to_string(hg.num_nodes) + ")";
    AddLabel(text, g.x - 0.5f * g.w + 6, g.y - 0.5f * g.h + 5, kGraphLabelHeight, g.w - 12,
             Dimmed(marks) ? WithAlpha(colors::kGroupLabel, 0x60) : colors::kGroupLabel, false);
  }

  // Frame i's fills (GraphScene::fills): its box minus its child frames'
  // (disjoint, inside it), as rectangles in horizontal bands, bands with the
  // same gaps merged.
  void AddFrameFill(size_t i) {
    const gl::PlacedGroup& g = r_.groups[i];
    const float fx0 = g.x - 0.5f * g.w, fx1 = g.x + 0.5f * g.w, fy0 = g.y - 0.5f * g.h, fy1 = g.y + 0.5f * g.h;
    holes_.clear();
    for (size_t c : frame_children_[i]) {
      const gl::PlacedGroup& h = r_.groups[c];
      const float x0 = std::max(fx0, h.x - 0.5f * h.w), x1 = std::min(fx1, h.x + 0.5f * h.w);
      const float y0 = std::max(fy0, h.y - 0.5f * h.h), y1 = std::min(fy1, h.y + 0.5f * h.h);
      if (x0 < x1 && y0 < y1) holes_.push_back({x0, y0, x1, y1});
    }
    std::sort(holes_.begin(), holes_.end(), [](const Span& a, const Span& b) { return a.x0 < b.x0; });
    std::vector<float> ys = {fy0, fy1};
    for (const Span& h : holes_) ys.push_back(h.y0), ys.push_back(h.y1);
    std::sort(ys.begin(), ys.end());
    ys.erase(std::unique(ys.begin(), ys.end()), ys.end());
    // The x gaps of the band being extended, and where it started.
    std::vector<std::pair<float, float>> open, gaps;
    float open_y = fy0;
    auto flush = [&](float y) {
      for (const auto& [x0, x1] : open)
        scene_->fills.push_back({0.5f * (x0 + x1), 0.5f * (open_y + y), x1 - x0, y - open_y, frame_fill_[i], 0, -1, 0});
    };
    for (size_t b = 0; b + 1 < ys.size(); ++b) {
      const float ya = ys[b], yb = ys[b + 1];
      gaps.clear();
      float x = fx0;
      for (const Span& h : holes_) {
        if (h.y0 > ya || h.y1 < yb) continue;  // not across this band
        if (h.x0 > x) gaps.push_back({x, h.x0});
        x = std::max(x, h.x1);
      }
      if (x < fx1) gaps.push_back({x, fx1});
      if (gaps != open) flush(ya), open = gaps, open_y = ya;
    }
    flush(fy1);
  }

  void AddBox(const gl::PlacedNode& n) {
    const uint8_t marks = PlacedMarks(n);
    const bool is_node = n.kind == gl::ItemKind::kNode;
    uint32_t fill = is_node ? NodeColor(n.item) : GroupColor(n.item);
    const bool dim = Dimmed(marks);
    if (dim) fill = MixColor(fill, colors::kBackground, 0.75f);
    const uint32_t label = dim ? WithAlpha(colors::kLabel, 0x50) : colors::kLabel;
    if (n.kind == gl::ItemKind::kSeries) {
      // A collapsed series reads as a stack of cards.
      for (int k = 2; k >= 1; --k)
        scene_->rects.push_back({n.x + 3.0f * k, n.y - 3.0f * k, n.w, n.h, MixColor(fill, colors::kBackground, 0.3f * k),
                                 colors::kNodeBorder, 1, 4});
    }
    scene_->rects.push_back({n.x, n.y, n.w, n.h, fill, colors::kNodeBorder, 1, is_node ? 3.0f : 5.0f});
    if (is_node) {
      AddLabel(ShortName(n.id), n.x, n.y - 0.5f * kGraphLabelHeight, kGraphLabelHeight, n.w - 8, label, true);
      return;
    }
    const gl::HierarchyGroup& hg = in_.hierarchy->groups[n.item];
    const float line = kGraphLabelHeight;
    AddLabel(hg.name, n.x, n.y - line - 1, line, n.w - 10, label, true);
    AddLabel(std::to_string(hg.num_nodes) + " nodes", n.x, n.y + 2, line * 0.85f, n.w - 10,
             WithAlpha(label, dim ? 0x40 : 0xB0), true);
  }

  void AddStub(const gl::Stub& s) {
    uint32_t fill = s.hub >= 0 ? NodeColor(s.hub) : colors::kGroupBorder;
    if (s.hub >= 0 && Dimmed(NodeMarks(s.hub))) fill = MixColor(fill, colors::kBackground, 0.75f);
    scene_->rects.push_back({s.x, s.y, s.w, s.h, fill, 0, 0, 1});
  }

  void AddEdge(const gl::RoutedEdge& e, bool highlight) {
    if (e.num_points < 2 || e.first_point + e.num_points > r_.points.size()) return;
    const uint8_t a = PlacedMarks(r_.nodes[e.src]), b = PlacedMarks(r_.nodes[e.dst]);
    uint32_t color = e.control ? colors::kControlEdge : colors::kEdge;
    float width = e.control ? 1.0f : std::min(4.0f, 1.2f + 0.6f * std::log2(static_cast<float>(e.count)));
    if (highlight) color = colors::kSelectedEdge, width += 0.8f;
    else if (Dimmed(a) || Dimmed(b)) color = WithAlpha(color, 0x30);
    sampled_.clear();
    const gl::Point* p = &r_.points[e.first_point];
    if (r_.edge_style == gl::EdgeStyle::kSpline && e.num_points % 3 == 1) {
      sampled_.push_back(p[0]);
      for (uint32_t i = 0; i + 3 < e.num_points; i += 3) SampleCubic(p[i], p[i + 1], p[i + 2], p[i + 3]);
    } else {
      sampled_.assign(p, p + e.num_points);
    }
    for (size_t i = 0; i + 1 < sampled_.size(); ++i)
      scene_->segments.push_back({sampled_[i].x, sampled_[i].y, sampled_[i + 1].x, sampled_[i + 1].y, color, width});
    AddArrow(color);
    if (e.count > 1 && !highlight) {
      const gl::Point& mid = sampled_[sampled_.size() / 2];
      AddLabel(std::to_string(e.count), mid.x + 3, mid.y - 0.4f * kGraphLabelHeight, kGraphLabelHeight * 0.8f, 60,
               WithAlpha(colors::kLabel, 0xA0), false);
    }
  }

  void SampleCubic(gl::Point p0, gl::Point c0, gl::Point c1, gl::Point p1) {
    for (int k = 1; k <= kSplineSteps; ++k) {
      const float t = static_cast<float>(k) / kSplineSteps, u = 1 - t;
      const float b0 = u * u * u, b1 = 3 * u * u * t, b2 = 3 * u * t * t, b3 = t * t * t;
      sampled_.push_back({b0 * p0.x + b1 * c0.x + b2 * c1.x + b3 * p1.x, b0 * p0.y + b1 * c0.y + b2 * c1.y + b3 * p1.y});
    }
  }

  void AddArrow(uint32_t color) {
    const gl::Point& tip = sampled_.back();
    // The last sample far enough from the tip gives a stable direction.
    for (size_t i = sampled_.size() - 1; i-- > 0;) {
      const float dx = tip.x - sampled_[i].x, dy = tip.y - sampled_[i].y;
      const float len = std::sqrt(dx * dx + dy * dy);
      if (len < 1e-3f) continue;
      scene_->arrows.push_back({tip.x, tip.y, dx / len, dy / len, 7, color});
      return;
    }
  }

  // Centred (`center`: x is the middle) or left-aligned label, cut to fit.
  void AddLabel(const std::string& text, float x, float y, float height, float max_width, uint32_t color,
                bool center) {
    if (!in_.font || max_width <= 0) return;
    const std::string fitted = FitLabel(*in_.font, text, height, max_width);
    if (fitted.empty()) return;
    if (center) x -= 0.5f * in_.font->Measure(fitted, height);
    in_.font->AppendGlyphs(fitted, x, y, height, color, &scene_->glyphs);
  }

  void ComputeBounds() {
    float x0 = 0, y0 = 0, x1 = r_.width, y1 = r_.height;
    for (const SceneRect& r : scene_->rects) {
      x0 = std::min(x0, r.x - 0.5f * r.w), x1 = std::max(x1, r.x + 0.5f * r.w);
      y0 = std::min(y0, r.y - 0.5f * r.h), y1 = std::max(y1, r.y + 0.5f * r.h);
    }
    scene_->min_x = x0, scene_->min_y = y0, scene_->max_x = x1, scene_->max_y = y1;
  }

  const SceneInputs in_;
  const gl::LayoutResult& r_;
  GraphScene* scene_;
  size_t next_ = 0;  // Continue: the next item
  std::vector<gl::Point> sampled_;
  std::vector<std::vector<size_t>> frame_children_;  // IndexFrames
  std::vector<uint32_t> frame_fill_;
  struct Span {
    float x0, y0, x1, y1;
  };
  std::vector<Span> holes_;  // AddFrameFill scratch
};

std::string FitLabel(const GraphFont& font, const std::string& text, float height, float max_width) {
  if (font.Measure(text, height) <= max_width) return text;
  // Binary search on the kept prefix: widths grow with the prefix.
  size_t lo = 0, hi = text.size();
  while (lo < hi) {
    const size_t mid = (lo + hi + 1) / 2;
    if (font.Measure(text.substr(0, mid) + "...", height) <= max_width) lo = mid;
    else hi = mid - 1;
  }
  return lo == 0 ? std::string() : text.substr(0, lo) + "...";
}

void BuildGraphScene(const SceneInputs& in, GraphScene* scene) {
  if (!in.layout || !in.hierarchy || !scene) return;
  SceneBuilder(in, scene).Continue(SIZE_MAX);
}

GraphSceneBuild::GraphSceneBuild(const SceneInputs& in, GraphScene* scene)
    : builder_(in.layout && in.hierarchy && scene ? std::make_unique<SceneBuilder>(in, scene) : nullptr) {}

GraphSceneBuild::~GraphSceneBuild() = default;

bool GraphSceneBuild::Continue(size_t items) { return !builder_ || builder_->Continue(items); }

void BuildGraphHighlights(const SceneInputs& in, GraphScene* highlights) {
  if (!in.layout || !in.hierarchy || !highlights) return;
  SceneBuilder(in, highlights).BuildHighlights();
}

}  // namespace ckptview::app
