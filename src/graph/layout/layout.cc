// LayoutSession: per-group interiors (cached), then composition of the
// visible boxes, routes and stubs in absolute coordinates.
#include "graph/layout/layout.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <queue>

namespace ckptview::graph::layout {
namespace {

double MsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// Appends `seg` (translated by (dx, dy)) to `out`, dropping its first point
// when it lies on the same border line as out's last one (a port joint).
// `fixed` (kept as long as `out`; points added since the last call get 0)
// flags the route's inner points: a laid-out route is simplified already,
// and the points it kept on a straight run are where a bundle's edges join
// its trunk (layered.cc), which must stay.
void AppendRoute(std::vector<Point>* out, std::vector<uint8_t>* fixed, const Point* seg, uint32_t n, float dx,
                 float dy) {
  fixed->resize(out->size(), 0);
  for (uint32_t i = 0; i < n; ++i) {
    Point p{seg[i].x + dx, seg[i].y + dy};
    if (i == 0 && !out->empty() && std::fabs(out->back().y - p.y) < 1e-3f) {
      if (std::fabs(out->back().x - p.x) < 1e-3f) continue;
      if (n > 1) continue;
    }
    out->push_back(p);
    fixed->push_back(i > 0 && i + 1 < n);
  }
}

void SimplifyInPlace(std::vector<Point>* pts, std::vector<uint8_t>* fixed) {
  auto& v = *pts;
  auto& f = *fixed;
  f.resize(v.size(), 0);
  size_t k = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    if (k > 0 && std::fabs(v[k - 1].x - v[i].x) < 1e-3f && std::fabs(v[k - 1].y - v[i].y) < 1e-3f) {
      f[k - 1] = f[k - 1] | f[i];
      continue;
    }
    if (k >= 2 && !f[k - 1]) {
      const Point& a = v[k - 2];
      const Point& b = v[k - 1];
      float cross = (b.x - a.x) * (v[i].y - a.y) - (b.y - a.y) * (v[i].x - a.x);
      bool between = (b.x - a.x) * (v[i].x - b.x) >= 0 && (b.y - a.y) * (v[i].y - b.y) >= 0;
      if (std::fabs(cross) < 1e-2f && between) {
        v[k - 1] = v[i];
        f[k - 1] = f[i];
        continue;
      }
    }
    f[k] = f[i];
    v[k++] = v[i];
  }
  v.resize(k);
  f.resize(k);
}

// Polyline → cubic Bézier with vertical tangents at every vertex; each curve
// stays inside its segment's bounding box, so it avoids what the polyline
// avoids.
void ToSpline(const std::vector<Point>& in, std::vector<Point>* out) {
  out->clear();
  if (in.empty()) return;
  out->push_back(in[0]);
  for (size_t i = 1; i < in.size(); ++i) {
    const Point& a = in[i - 1];
    const Point& b = in[i];
    float my = 0.5f * (b.y - a.y);
    out->push_back({a.x, a.y + my});
    out->push_back({b.x, b.y - my});
    out->push_back(b);
  }
}

}  // namespace

// The box an item takes in its parent's layout: the real box plus hub stubs
// in a column on its left.
struct LayoutSession::ItemBox {
  float w = 0, h = 0;          // kept clear by the layout
  float real_w = 0, real_h = 0;
  float stub_cols = 0;         // stub columns left of the real box
  float expanded = 0;          // 1 for an expanded group: edges attach at its centres
  bool operator==(const ItemBox& o) const {
    return w == o.w && h == o.h && real_w == o.real_w && real_h == o.real_h && stub_cols == o.stub_cols &&
           expanded == o.expanded;
  }
};

struct LayoutSession::GroupLayout {
  std::vector<ItemBox> boxes;  // the key: what the children looked like
  LayeredLayout layered;
  float box_w = 0, box_h = 0;            // the expanded group's box
  float content_dx = 0, content_dy = 0;  // layered content inside the box
  std::vector<Point> hub_centers;        // shelf, relative to the box's top-left
  std::vector<Point> hub_sizes;
};

LayoutSession::LayoutSession(const LayoutInput* input, const LayoutOptions& options)
    : input_(input), options_(options) {}

Result<std::unique_ptr<LayoutSession>> LayoutSession::Create(const LayoutInput& input,
                                                             const LayoutOptions& options) {
  std::unique_ptr<LayoutSession> s(new LayoutSession(&input, options));
  CKPT_RETURN_IF_ERROR(s->Init());
  return s;
}

Result<std::unique_ptr<LayoutSession>> LayoutSession::Create(LayoutInput&& input,
                                                             const LayoutOptions& options) {
  auto owned = std::make_unique<LayoutInput>(std::move(input));
  std::unique_ptr<LayoutSession> s(new LayoutSession(owned.get(), options));
  s->owned_input_ = std::move(owned);
  CKPT_RETURN_IF_ERROR(s->Init());
  return s;
}

Status LayoutSession::Init() {
  auto t0 = std::chrono::steady_clock::now();
  CKPT_ASSIGN_OR_RETURN(hierarchy_, BuildHierarchy(*input_, options_));
  const int32_t num_groups = static_cast<int32_t>(hierarchy_.groups.size());
  group_order_.assign(1, 0);
  for (size_t i = 0; i < group_order_.size(); ++i) {
    for (int32_t c : hierarchy_.groups[group_order_[i]].children) {
      if (hierarchy_.IsGroupItem(c)) group_order_.push_back(hierarchy_.GroupOf(c));
    }
  }
  expanded_.assign(num_groups, 0);
  dirty_.assign(num_groups, 1);
  current_.assign(num_groups, nullptr);
  cache_.assign(num_groups, {});
  SetExpansion(options_.initial_expansion);
  hierarchy_ms_ = MsSince(t0);
  return Status::Ok();
}

int32_t LayoutSession::FindGroup(const std::string& path) const {
  if (path_index_.empty()) {
    for (int32_t g = 0; g < num_groups(); ++g) path_index_.emplace(hierarchy_.groups[g].path, g);
  }
  auto it = path_index_.find(path);
  return it == path_index_.end() ? -1 : it->second;
}

void LayoutSession::SetExpanded(int32_t g, bool expanded) {
  if (g <= 0 || g >= num_groups()) return;  // the top level stays expanded
  if ((expanded_[g] != 0) == expanded) return;
  expanded_[g] = expanded;
  for (int32_t a = g; a >= 0; a = hierarchy_.groups[a].parent) dirty_[a] = 1;
  begun_ = false;  // a stepwise layout in progress starts over
}

void LayoutSession::SetExpansion(Expansion expansion) {
  for (int32_t g = 1; g < num_groups(); ++g) SetExpanded(g, expansion == Expansion::kAll);
  expanded_[0] = 1;
  if (expansion == Expansion::kReadable) ApplyReadableExpansion();
}

// Expands the biggest visible groups first while the visible boxes stay
// within readable_max_visible. Series stay folded.
void LayoutSession::ApplyReadableExpansion() {
  const auto& groups = hierarchy_.groups;
  auto cost = [&](int32_t g) {
    return static_cast<int64_t>(groups[g].children.size() + groups[g].hubs.size());
  };
  int64_t visible = cost(0);
  auto cmp = [&](int32_t a, int32_t b) {
    return groups[a].num_nodes != groups[b].num_nodes ? groups[a].num_nodes < groups[b].num_nodes : a > b;
  };
  std::priority_queue<int32_t, std::vector<int32_t>, decltype(cmp)> heap(cmp);
  auto push_children = [&](int32_t g) {
    for (int32_t c : groups[g].children) {
      if (hierarchy_.IsGroupItem(c) && groups[hierarchy_.GroupOf(c)].kind != ItemKind::kSeries) {
        heap.push(hierarchy_.GroupOf(c));
      }
    }
  };
  push_children(0);
  while (!heap.empty()) {
    int32_t g = heap.top();
    heap.pop();
    if (visible - 1 + cost(g) > options_.readable_max_visible) continue;
    visible += cost(g) - 1;
    SetExpanded(g, true);
    push_children(g);
  }
}

LayoutSession::ItemBox LayoutSession::BoxOf(int32_t item) const {
  ItemBox b;
  const Hierarchy& h = hierarchy_;
  bool collapsed = true;
  if (!h.IsGroupItem(item)) {
    b.real_w = input_->nodes[item].width;
    b.real_h = input_->nodes[item].height;
  } else {
    int32_t g = h.GroupOf(item);
    if (expanded_[g]) {
      b.real_w = current_[g]->box_w;
      b.real_h = current_[g]->box_h;
      b.expanded = 1;
      collapsed = false;
    } else {
      b.real_w = h.groups[g].collapsed_w;
      b.real_h = h.groups[g].collapsed_h;
    }
  }
  b.w = b.real_w;
  b.h = b.real_h;
  if (collapsed && !h.stub_total.empty()) {
    int32_t in = std::min(h.stub_total[2 * item], options_.max_stubs_per_side);
    int32_t out = std::min(h.stub_total[2 * item + 1], options_.max_stubs_per_side);
    int32_t cols = std::max(in, out);
    if (cols > 0) {
      b.stub_cols = static_cast<float>(cols);
      b.w += cols * (options_.stub_width + options_.stub_gap);
      float rows_h = (in > 0 && out > 0) ? 2 * options_.stub_height + options_.stub_gap : options_.stub_height;
      b.h = std::max(b.h, rows_h);
    }
  }
  return b;
}

std::shared_ptr<const LayoutSession::GroupLayout> LayoutSession::ComputeInterior(
    int32_t g, const std::vector<ItemBox>& boxes, LayoutTimes* times) const {
  const Hierarchy& h = hierarchy_;
  const HierarchyGroup& grp = h.groups[g];
  auto gl = std::make_shared<GroupLayout>();
  gl->boxes = boxes;

  LayeredGraph lg;
  lg.items.resize(boxes.size());
  for (size_t i = 0; i < boxes.size(); ++i) {
    const ItemBox& b = boxes[i];
    lg.items[i] = {b.w, b.h, 0.5f * (b.w - b.real_w), b.expanded != 0 ? 0.0f : b.real_w, b.real_h};
  }
  const auto& meta = h.meta[g];
  lg.edges.reserve(meta.size());
  for (const MetaEdge& m : meta) {
    lg.edges.push_back({h.item_slot[m.src], h.item_slot[m.dst], m.back});
  }
  for (int32_t c : h.in_ports[g]) lg.in_ports.push_back(h.item_slot[c]);
  for (int32_t c : h.out_ports[g]) lg.out_ports.push_back(h.item_slot[c]);
  LayeredParams params;
  params.node_sep = options_.node_sep;
  params.edge_sep = options_.edge_sep;
  params.rank_sep = options_.rank_sep;
  params.max_order_sweeps = options_.max_order_sweeps;
  params.order_sweeps_without_gain = options_.order_sweeps_without_gain;
  params.layering_passes = options_.layering_passes;
  params.simplex_max_items = options_.simplex_max_items;
  params.simplex_max_pivots = options_.simplex_max_pivots;
  params.transpose_max_layer = options_.transpose_max_layer;
  gl->layered = LayOutLayered(lg, params);
  const LayeredTimes& lt = gl->layered.times;
  times->cycles += lt.cycles;
  times->layering += lt.layering;
  times->ordering += lt.ordering;
  times->coordinates += lt.coordinates;
  times->routing += lt.routing;

  // Box: header on top, layered content below it, the hub shelf in columns
  // right of the content (above or below it, it would block the ports).
  const bool root = g == 0;
  const float pad = root ? 0.0f : options_.group_padding;
  const float header = root ? 0.0f : options_.group_header;
  const float content_w = gl->layered.width, content_h = gl->layered.height;
  const float column_max_h = std::max(content_h, 200.0f);
  float shelf_w = 0, shelf_h = 0, col_x = 0, col_y = 0, col_w = 0;
  for (int32_t hub : grp.hubs) {
    float w = input_->nodes[hub].width, hh = input_->nodes[hub].height;
    if (col_y > 0 && col_y + hh > column_max_h) {
      col_x += col_w + options_.node_sep;
      col_y = 0;
      col_w = 0;
    }
    gl->hub_centers.push_back({col_x, col_y + 0.5f * hh});  // x: the column's left
    gl->hub_sizes.push_back({w, hh});
    col_y += hh + options_.edge_sep;
    col_w = std::max(col_w, w);
    shelf_w = std::max(shelf_w, col_x + col_w);
    shelf_h = std::max(shelf_h, col_y - options_.edge_sep);
  }
  const float shelf_dx = content_w > 0 && !grp.hubs.empty() ? content_w + options_.node_sep : 0.0f;
  const float used_w = grp.hubs.empty() ? content_w : shelf_dx + shelf_w;
  const float min_w = root ? 0.0f : grp.collapsed_w - 2 * pad;
  const float inner_w = std::max(used_w, min_w);
  const float inner_h = std::max(content_h, shelf_h);
  const float left = pad + 0.5f * (inner_w - used_w);
  gl->content_dx = left;
  gl->content_dy = header + pad;
  gl->box_w = inner_w + 2 * pad;
  gl->box_h = header + pad + inner_h + pad;
  // Hubs left-aligned in their columns.
  for (size_t i = 0; i < gl->hub_centers.size(); ++i) {
    Point& c = gl->hub_centers[i];
    c.x = left + shelf_dx + c.x + 0.5f * gl->hub_sizes[i].x;
    c.y += header + pad;
  }
  return gl;
}

void LayoutSession::EnsureInterior(int32_t g, LayoutResult* result) {
  const HierarchyGroup& grp = hierarchy_.groups[g];
  std::vector<ItemBox> boxes;
  boxes.reserve(grp.children.size());
  for (int32_t c : grp.children) boxes.push_back(BoxOf(c));
  dirty_[g] = 0;
  if (current_[g] && current_[g]->boxes == boxes) return;
  for (const auto& cached : cache_[g]) {
    if (cached->boxes == boxes) {
      current_[g] = cached;
      ++result->stats.groups_reused;
      return;
    }
  }
  auto gl = ComputeInterior(g, boxes, &result->times);
  auto& list = cache_[g];
  list.insert(list.begin(), gl);
  if (static_cast<int32_t>(list.size()) > std::max(1, options_.cache_entries_per_group)) list.pop_back();
  current_[g] = std::move(gl);
  ++result->stats.groups_laid_out;
}

LayoutResult LayoutSession::Layout() {
  BeginLayout();
  return FinishLayout();
}

void LayoutSession::BeginLayout() {
  const auto t_start = std::chrono::steady_clock::now();
  pending_ = LayoutResult();
  pending_.edge_style = options_.edge_style;
  // The expanded groups that changed, parents before children; laid out
  // from the back (children first: a parent's boxes are its children's sizes).
  todo_.clear();
  std::vector<int32_t> stack{0};
  while (!stack.empty()) {
    int32_t g = stack.back();
    stack.pop_back();
    if (dirty_[g] || !current_[g]) todo_.push_back(g);
    for (int32_t c : hierarchy_.groups[g].children) {
      if (!hierarchy_.IsGroupItem(c)) continue;
      int32_t cg = hierarchy_.GroupOf(c);
      if (expanded_[cg] && (dirty_[cg] || !current_[cg])) stack.push_back(cg);
    }
  }
  pending_.times.total = MsSince(t_start);
  begun_ = true;
}

bool LayoutSession::LayoutStep() {
  if (!begun_) BeginLayout();
  if (todo_.empty()) return false;
  const auto t_start = std::chrono::steady_clock::now();
  const int32_t g = todo_.back();
  todo_.pop_back();
  EnsureInterior(g, &pending_);
  pending_.times.total += MsSince(t_start);
  return !todo_.empty();
}

LayoutResult LayoutSession::FinishLayout() {
  while (LayoutStep()) {
  }
  const auto t_compose = std::chrono::steady_clock::now();
  LayoutResult result = std::move(pending_);
  pending_ = LayoutResult();
  begun_ = false;
  Compose(&result);
  result.times.compose = MsSince(t_compose);
  result.stats.hubs = hierarchy_.num_hubs;
  result.stats.series = hierarchy_.num_series;
  result.stats.sections = hierarchy_.num_sections;
  result.times.total += result.times.compose;
  return result;
}

void LayoutSession::Compose(LayoutResult* r) const {
  const Hierarchy& h = hierarchy_;
  const int32_t num_items = h.num_items();
  const int32_t num_groups = static_cast<int32_t>(h.groups.size());
  std::vector<int32_t> placed(num_items, -1);     // item → index in r->nodes
  std::vector<int32_t> group_box(num_groups, -1); // expanded group → index in r->groups (root: -1)
  std::vector<Point> origin(num_groups);          // content origin of visible expanded groups
  std::vector<ItemBox> boxes_scratch;

  // Top-down placement.
  struct Frame {
    int32_t g;
    float x, y;  // box top-left
    int32_t parent_box;
  };
  std::vector<Frame> stack{{0, 0.0f, 0.0f, -1}};
  std::vector<Frame> expanded_children;
  float max_x = 0, max_y = 0;
  r->nodes.reserve(std::min<size_t>(h.num_nodes, 1024));
  while (!stack.empty()) {
    Frame f = stack.back();
    stack.pop_back();
    const GroupLayout& gl = *current_[f.g];
    const HierarchyGroup& grp = h.groups[f.g];
    const Point o{f.x + gl.content_dx, f.y + gl.content_dy};
    origin[f.g] = o;
    r->crossings += gl.layered.crossings;
    r->stats.dummies += gl.layered.dummies;
    if (f.g == 0) {
      max_x = std::max(max_x, gl.box_w);
      max_y = std::max(max_y, gl.box_h);
    }
    // Children in reverse so that the stack visits them in order.
    expanded_children.clear();
    for (size_t s = 0; s < grp.children.size(); ++s) {
      int32_t c = grp.children[s];
      const ItemBox& b = gl.boxes[s];
      Point center{o.x + gl.layered.centers[s].x + 0.5f * (b.w - b.real_w), o.y + gl.layered.centers[s].y};
      bool is_group = h.IsGroupItem(c);
      int32_t cg = is_group ? h.GroupOf(c) : -1;
      if (is_group && expanded_[cg]) {
        PlacedGroup pg;
        pg.id = h.groups[cg].path;
        pg.kind = h.groups[cg].kind;
        pg.group = cg;
        pg.parent = f.parent_box;
        pg.x = center.x;
        pg.y = center.y;
        pg.w = b.real_w;
        pg.h = b.real_h;
        group_box[cg] = static_cast<int32_t>(r->groups.size());
        r->groups.push_back(std::move(pg));
        ++r->stats.expanded_groups;
        expanded_children.push_back({cg, center.x - 0.5f * b.real_w, center.y - 0.5f * b.real_h,
                                     group_box[cg]});
        continue;
      }
      PlacedNode pn;
      pn.id = is_group ? h.groups[cg].path : input_->nodes[c].id;
      pn.kind = is_group ? h.groups[cg].kind : ItemKind::kNode;
      pn.item = is_group ? cg : c;
      pn.parent = f.parent_box;
      pn.x = center.x;
      pn.y = center.y;
      pn.w = b.real_w;
      pn.h = b.real_h;
      placed[c] = static_cast<int32_t>(r->nodes.size());
      r->nodes.push_back(std::move(pn));
      // Stubs, in columns left of the box: incoming on top, outgoing below.
      if (b.stub_cols > 0) {
        const float box_left = center.x - 0.5f * b.real_w;
        const float eff_top = center.y - 0.5f * b.h, eff_bottom = center.y + 0.5f * b.h;
        for (int dir = 0; dir < 2; ++dir) {
          const int32_t key = 2 * c + dir;
          const int32_t total = h.stub_total[key];
          if (total == 0) continue;
          const int32_t shown = std::min(total, options_.max_stubs_per_side);
          for (int32_t i = 0; i < shown; ++i) {
            Stub st;
            st.node = placed[c];
            st.incoming = dir == 0;
            bool more = total > options_.max_stubs_per_side && i == shown - 1;
            st.hub = more ? -1 : h.stub_hubs[h.stub_offset[key] + i];
            st.more = more ? total - (shown - 1) : 0;
            st.w = options_.stub_width;
            st.h = options_.stub_height;
            st.x = box_left - options_.stub_gap - 0.5f * st.w - i * (st.w + options_.stub_gap);
            st.y = dir == 0 ? eff_top + 0.5f * st.h : eff_bottom - 0.5f * st.h;
            r->stubs.push_back(st);
          }
        }
      }
    }
    for (size_t i = 0; i < grp.hubs.size(); ++i) {
      int32_t hub = grp.hubs[i];
      PlacedNode pn;
      pn.id = input_->nodes[hub].id;
      pn.kind = ItemKind::kNode;
      pn.item = hub;
      pn.parent = f.parent_box;
      pn.hub = true;
      pn.x = f.x + gl.hub_centers[i].x;
      pn.y = f.y + gl.hub_centers[i].y;
      pn.w = gl.hub_sizes[i].x;
      pn.h = gl.hub_sizes[i].y;
      placed[hub] = static_cast<int32_t>(r->nodes.size());
      r->nodes.push_back(std::move(pn));
    }
    for (size_t i = expanded_children.size(); i-- > 0;) stack.push_back(expanded_children[i]);
  }

  // The visible box standing for each item: itself, or its outermost
  // collapsed ancestor.
  std::vector<int32_t> group_rep(num_groups, -1);  // -1: expanded and visible
  for (int32_t g : group_order_) {
    if (g == 0) continue;
    int32_t p = h.groups[g].parent;
    group_rep[g] = group_rep[p] >= 0 ? group_rep[p] : (expanded_[g] ? -1 : placed[h.ItemOf(g)]);
  }
  auto rep_of_node = [&](int32_t v) {
    int32_t p = h.item_parent[v];
    return group_rep[p] >= 0 ? group_rep[p] : placed[v];
  };
  auto item_of_placed = [&](int32_t pi) {
    const PlacedNode& pn = r->nodes[pi];
    return pn.kind == ItemKind::kNode ? pn.item : h.ItemOf(pn.item);
  };

  // Visible edges: input edges grouped by their visible ends.
  struct Vis {
    int32_t u, v, edge;
  };
  std::vector<Vis> vis;
  vis.reserve(input_->edges.size());
  for (size_t i = 0; i < input_->edges.size(); ++i) {
    const LayoutEdge& e = input_->edges[i];
    if (h.is_hub[e.src] || h.is_hub[e.dst]) continue;
    int32_t u = rep_of_node(e.src), v = rep_of_node(e.dst);
    if (u == v && e.src != e.dst) continue;
    vis.push_back({u, v, static_cast<int32_t>(i)});
  }
  std::sort(vis.begin(), vis.end(), [](const Vis& a, const Vis& b) {
    if (a.u != b.u) return a.u < b.u;
    if (a.v != b.v) return a.v < b.v;
    return a.edge < b.edge;
  });
  std::vector<Point> pts, spline;
  std::vector<uint8_t> fixed;  // per point of pts: see AppendRoute
  const float funnel = std::min(12.0f, 0.3f * options_.rank_sep);
  const float side = std::min(5.0f, 0.25f * options_.node_sep);
  r->edges.reserve(vis.size());
  r->points.reserve(vis.size() * 4);
  struct Hop {
    int32_t group, port;
  };
  std::vector<Hop> ups, downs;
  size_t i = 0;
  while (i < vis.size()) {
    size_t j = i;
    RoutedEdge re;
    re.src = vis[i].u;
    re.dst = vis[i].v;
    re.count = 0;
    re.control = true;
    while (j < vis.size() && vis[j].u == vis[i].u && vis[j].v == vis[i].v) {
      re.count += 1;
      re.control = re.control && input_->edges[vis[j].edge].is_control;
      ++j;
    }
    i = j;
    int32_t a = item_of_placed(re.src), b = item_of_placed(re.dst);
    pts.clear();
    fixed.clear();
    ups.clear();
    downs.clear();
    if (a != b) {
      int32_t da = h.ItemDepth(a), db = h.ItemDepth(b);
      while (da > db) {
        ups.push_back({h.item_parent[a], h.out_port_index[a]});
        a = h.ItemOf(h.item_parent[a]);
        --da;
      }
      while (db > da) {
        downs.push_back({h.item_parent[b], h.in_port_index[b]});
        b = h.ItemOf(h.item_parent[b]);
        --db;
      }
      while (h.item_parent[a] != h.item_parent[b]) {
        ups.push_back({h.item_parent[a], h.out_port_index[a]});
        downs.push_back({h.item_parent[b], h.in_port_index[b]});
        a = h.ItemOf(h.item_parent[a]);
        b = h.ItemOf(h.item_parent[b]);
      }
    }
    const int32_t lca = h.item_parent[a];
    const MetaEdge* m = h.FindMeta(lca, a, b);
    if (m == nullptr) continue;  // cannot happen: every visible edge was lifted
    const int32_t mi = static_cast<int32_t>(m - h.meta[lca].data());
    // The route: out of each enclosing group of the source through its
    // out-port, across the lowest common group, into each enclosing group
    // of the target through its in-port. An expanded group's edges in its
    // parent all attach at its top and bottom centres, and the port routes
    // inside meet there at a "funnel" point just outside the box, so the
    // joints never cross each other.
    auto append = [&](int32_t g, const RouteSet& rs, int32_t k, bool skip_first, bool downward) {
      const Point* p = rs.begin(k);
      uint32_t n = rs.count(k);
      if (skip_first) {
        ++p;
        --n;
        // Do not step back up to a funnel placed below the next bend.
        if (downward && n > 0 && !pts.empty()) pts.back().y = std::min(pts.back().y, p->y + origin[g].y);
      }
      AppendRoute(&pts, &fixed, p, n, origin[g].x, origin[g].y);
    };
    auto box_of = [&](int32_t g) -> const PlacedGroup& { return r->groups[group_box[g]]; };
    for (size_t k = 0; k < ups.size(); ++k) {
      const Hop& hop = ups[k];
      append(hop.group, current_[hop.group]->layered.out_port_routes, hop.port, k > 0, true);
      const PlacedGroup& box = box_of(hop.group);
      pts.push_back({pts.back().x, box.y + 0.5f * box.h});
      pts.push_back({box.x, box.y + 0.5f * box.h + funnel});
    }
    // A reversed edge leaves its source group upward and enters its target
    // group from below, but ports sit on the bottom (out) and top (in)
    // borders: go round the group's right side, just outside its box.
    auto detour = [&](const PlacedGroup& box) {
      const float right = box.x + 0.5f * box.w + side;
      pts.push_back({right, box.y + 0.5f * box.h + funnel});
      pts.push_back({right, box.y - 0.5f * box.h - funnel});
    };
    {
      const GroupLayout& gl = *current_[lca];
      re.back = gl.layered.edge_reversed[mi] != 0;
      if (re.back && !ups.empty()) detour(box_of(h.GroupOf(a)));
      append(lca, gl.layered.edge_routes, mi, !ups.empty(), !re.back);
      if (!downs.empty()) {
        pts.pop_back();  // the target group's top centre (bottom, if reversed)
        const PlacedGroup& box = box_of(h.GroupOf(b));
        if (re.back) detour(box);
        pts.push_back({box.x, std::max(box.y - 0.5f * box.h - funnel, pts.back().y)});
      }
    }
    for (size_t k = downs.size(); k-- > 0;) {
      const Hop& hop = downs[k];
      const RouteSet& rs = current_[hop.group]->layered.in_port_routes;
      const PlacedGroup& box = box_of(hop.group);
      pts.push_back({rs.begin(hop.port)->x + origin[hop.group].x, box.y - 0.5f * box.h});
      append(hop.group, rs, hop.port, false, true);
      if (k > 0) {  // into the next group down: its funnel
        pts.pop_back();
        const PlacedGroup& inner = box_of(downs[k - 1].group);
        pts.push_back({inner.x, std::max(inner.y - 0.5f * inner.h - funnel, pts.back().y)});
      }
    }
    SimplifyInPlace(&pts, &fixed);
    re.first_point = static_cast<uint32_t>(r->points.size());
    if (options_.edge_style == EdgeStyle::kSpline) {
      ToSpline(pts, &spline);
      r->points.insert(r->points.end(), spline.begin(), spline.end());
    } else {
      r->points.insert(r->points.end(), pts.begin(), pts.end());
    }
    re.num_points = static_cast<uint32_t>(r->points.size()) - re.first_point;
    r->edges.push_back(re);
  }

  // Detours may step just outside the top level's box: keep the drawing at
  // (0, 0) and its size covering everything.
  float min_x = 0, min_y = 0;
  for (const Point& p : r->points) {
    min_x = std::min(min_x, p.x);
    min_y = std::min(min_y, p.y);
    max_x = std::max(max_x, p.x);
    max_y = std::max(max_y, p.y);
  }
  r->width = max_x - min_x;
  r->height = max_y - min_y;
  if (min_x < 0 || min_y < 0) {
    for (Point& p : r->points) p = {p.x - min_x, p.y - min_y};
    for (PlacedNode& n : r->nodes) n.x -= min_x, n.y -= min_y;
    for (PlacedGroup& g : r->groups) g.x -= min_x, g.y -= min_y;
    for (Stub& st : r->stubs) st.x -= min_x, st.y -= min_y;
  }
}

Result<LayoutResult> LayoutGraph(const LayoutInput& input, const LayoutOptions& options) {
  CKPT_ASSIGN_OR_RETURN(std::unique_ptr<LayoutSession> session, LayoutSession::Create(input, options));
  LayoutResult r = session->Layout();
  r.times.hierarchy = session->hierarchy_ms();
  r.times.total += r.times.hierarchy;
  return r;
}

}  // namespace ckptview::graph::layout
