#include "app/graph_view.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "app/graph_font.h"
#include "app/graph_function.h"
#include "app/name_pattern.h"
#include "graph/layout_input.h"

namespace ckptview::app {
namespace {

namespace gl = graph::layout;

gl::LayoutInput InputFor(const graph::Graph& g, const GraphFont* font) {
  gl::LayoutInput input = graph::LayoutInputFromGraph(g);
  if (!font) return input;
  // Boxes as wide as the label drawn in them (the short name), measured with
  // the font that draws it, rather than a guess per character.
  for (gl::LayoutNode& n : input.nodes) {
    const size_t slash = n.id.rfind('/');
    const std::string_view label = slash == std::string::npos ? std::string_view(n.id)
                                                               : std::string_view(n.id).substr(slash + 1);
    n.width = std::clamp(font->Measure(label, kGraphLabelHeight) + 14.0f, 36.0f, 240.0f);
  }
  return input;
}

// Layout items (boxes, edges, ...) a relayout slice adds to the new scene:
// a few milliseconds' worth, edges being the dearest (~100 segments each in
// a big view).
constexpr size_t kSceneItemsPerSlice = 1000;

double NowMs() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

gl::LayoutOptions ViewLayoutOptions() {
  gl::LayoutOptions o;
  o.edge_style = gl::EdgeStyle::kSpline;
  return o;
}

}  // namespace

Result<std::unique_ptr<GraphView>> GraphView::Create(const graph::Graph& graph, const GraphFont* font) {
  std::unique_ptr<GraphView> view(new GraphView());
  view->font_ = font;
  auto level = std::make_unique<GraphLevel>();
  level->graph = &graph;
  CKPT_RETURN_IF_ERROR(view->PushLevel(std::move(level)));
  return view;
}

Status GraphView::PushLevel(std::unique_ptr<GraphLevel> level) {
  const auto start = std::chrono::steady_clock::now();
  auto session = gl::LayoutSession::Create(InputFor(*level->graph, font_), ViewLayoutOptions());
  if (!session.ok()) return session.status().WithContext("graph layout");
  level->session = std::move(session).value();
  levels_.push_back(std::move(level));
  StartRelayout({});
  FinishLayout();
  levels_.back()->open_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (!search_.query.empty()) Search(search_.query);
  UpdateMarks();
  return Status::Ok();
}

void GraphView::StartRelayout(const CameraIntent& camera) {
  if (!pending_.active) pending_.started_ms = NowMs();
  pending_.active = true;
  pending_.interiors_done = pending_.composed = pending_.scene_built = false;
  pending_.scene_build.reset();
  pending_.camera = camera;
}

double GraphView::PendingMs() const { return pending_.active ? NowMs() - pending_.started_ms : 0; }

bool GraphView::Advance(double budget_ms) {
  const double start = NowMs();
  while (pending_.active) {
    if (RunSlice()) return false;
    if (NowMs() - start >= budget_ms) return true;
  }
  return false;
}

// The slices: each changed group's interior (the session's steps), the
// composition, the new scene kSceneItemsPerSlice layout items at a time,
// its upload (the renderer's Prefetch, if any), then the swap, which is
// cheap.
bool GraphView::RunSlice() {
  GraphLevel& l = level();
  if (!pending_.interiors_done) {
    pending_.interiors_done = !l.session->LayoutStep();
    return false;
  }
  if (!pending_.composed) {
    pending_.layout = l.session->FinishLayout();  // no steps left: composes
    pending_.composed = true;
    return false;
  }
  if (!pending_.scene_built) {
    if (!pending_.scene_build) {
      SceneInputs in = SceneInputsNow();
      in.layout = &pending_.layout;
      pending_.scene_build = std::make_unique<GraphSceneBuild>(in, &pending_.scene);
    }
    pending_.scene_built = pending_.scene_build->Continue(kSceneItemsPerSlice);
    if (pending_.scene_built) pending_.scene_build.reset();
    return false;
  }
  if (renderer_ && !renderer_->Prefetch(pending_.scene)) return false;
  LandLayout();
  return true;
}

void GraphView::LandLayout() {
  GraphLevel& l = level();
  l.layout = std::move(pending_.layout);
  l.layout_ms = l.layout.times.total;
  l.hits.Build(l.layout);
  const uint64_t version = scene_.version;
  std::swap(scene_, pending_.scene);
  scene_.version = version + 1;
  const CameraIntent camera = pending_.camera;
  pending_ = PendingLayout();
  scene_dirty_ = false;
  highlights_dirty_ = true;
  ApplyCameraIntent(camera);
  UpdateMarks();
}

// The group's box on screen now, or its nearest ancestor's that is: the
// part of the graph the user is looking at, to keep in place.
GraphView::CameraIntent GraphView::AnchorOn(int32_t group) const {
  const GraphLevel& l = level();
  CameraIntent intent;
  for (int32_t g = group; g > 0; g = l.session->group(g).parent) {
    float w = 0, h = 0;
    if (!FindGroupBox(g, &intent.anchor_x, &intent.anchor_y, &w, &h)) continue;
    intent.anchor = g;
    break;
  }
  return intent;
}

void GraphView::ApplyCameraIntent(const CameraIntent& intent) {
  GraphLevel& l = level();
  if (intent.center_node >= 0) {
    const int placed = PlacedIndexOf(intent.center_node);
    if (placed >= 0) CenterOn(l.layout.nodes[placed].x, l.layout.nodes[placed].y);
    return;
  }
  float nx = 0, ny = 0, nw = 0, nh = 0;
  if (intent.anchor <= 0 || !FindGroupBox(intent.anchor, &nx, &ny, &nw, &nh)) return;
  // Keep the box's centre where it is on screen; if the cursor would then
  // fall outside the (smaller) new box, put the box under the cursor instead.
  float cx = 0, cy = 0;
  l.camera.WorldToScreen(intent.anchor_x, intent.anchor_y, canvas_w_, canvas_h_, &cx, &cy);
  if (intent.has_cursor) {
    float sx = 0, sy = 0;
    l.camera.WorldToScreen(intent.cursor_x, intent.cursor_y, canvas_w_, canvas_h_, &sx, &sy);
    const float half_w = 0.5f * nw * l.camera.scale, half_h = 0.5f * nh * l.camera.scale;
    if (std::fabs(sx - cx) > half_w || std::fabs(sy - cy) > half_h) cx = sx, cy = sy;
  }
  l.camera.center_x = nx - (cx - 0.5f * canvas_w_) / l.camera.scale;
  l.camera.center_y = ny - (cy - 0.5f * canvas_h_) / l.camera.scale;
}

void GraphView::SetCanvasSize(float w, float h) {
  canvas_w_ = std::max(1.0f, w);
  canvas_h_ = std::max(1.0f, h);
  if (!level().camera_placed) Fit();
}

void GraphView::Fit() {
  GraphLevel& l = level();
  const GraphScene& s = scene();
  l.camera.Fit({s.min_x, s.min_y, s.max_x, s.max_y}, canvas_w_, canvas_h_);
  l.camera_placed = true;
}

void GraphView::CenterOn(float wx, float wy) {
  GraphCamera& c = level().camera;
  c.center_x = wx;
  c.center_y = wy;
  c.scale = std::max(c.scale, 0.6f);  // readable labels at the target
  level().camera_placed = true;
}

bool GraphView::FindGroupBox(int32_t group, float* x, float* y, float* w, float* h) const {
  const gl::LayoutResult& r = level().layout;
  for (const gl::PlacedGroup& g : r.groups)
    if (g.group == group) return *x = g.x, *y = g.y, *w = g.w, *h = g.h, true;
  for (const gl::PlacedNode& n : r.nodes)
    if (n.kind != gl::ItemKind::kNode && n.item == group) return *x = n.x, *y = n.y, *w = n.w, *h = n.h, true;
  return false;
}

void GraphView::ToggleGroup(int32_t group, float sx, float sy) {
  GraphLevel& l = level();
  if (group <= 0 || group >= l.session->num_groups()) return;
  CameraIntent camera = AnchorOn(group);
  if (sx >= 0 && sy >= 0) {
    camera.has_cursor = true;
    l.camera.ScreenToWorld(sx, sy, canvas_w_, canvas_h_, &camera.cursor_x, &camera.cursor_y);
  }
  l.session->SetExpanded(group, !l.session->expanded(group));
  StartRelayout(camera);
}

Status GraphView::SetExpanded(const std::string& path, bool expanded) {
  GraphLevel& l = level();
  const int32_t g = l.session->FindGroup(path);
  if (g <= 0) return Status::Error("graph view: no group \"" + path + "\"");
  if (l.session->expanded(g) == expanded) return Status::Ok();
  if (expanded) {  // and its ancestors, so that it shows
    for (int32_t a = l.session->group(g).parent; a > 0; a = l.session->group(a).parent)
      l.session->SetExpanded(a, true);
  }
  ToggleGroup(g);
  return Status::Ok();
}

Status GraphView::Search(const std::string& query) {
  search_.query = query;
  search_.error.clear();
  search_.hits.clear();
  search_.current = -1;
  Status status = Status::Ok();
  const graph::Graph& g = *level().graph;
  if (query.find_first_of("\\^$.|?*+()[]{}") == std::string::npos) {
    // No regex syntax: a plain substring test, cheaper than running the
    // pattern's automaton over 100k names on every keystroke.
    for (int i = 0; i < g.num_nodes() && !query.empty(); ++i)
      if (g.name(i).find(query) != std::string::npos || g.op(i).find(query) != std::string::npos)
        search_.hits.push_back(i);
  } else {
    auto re = NamePattern::Compile(query);
    if (re.ok()) {
      for (int i = 0; i < g.num_nodes(); ++i)
        if (re.value().Search(g.name(i)) || re.value().Search(g.op(i))) search_.hits.push_back(i);
    } else {
      search_.error = "bad regular expression: " + re.status().message();
      status = Status::Error("graph search \"" + query + "\": " + search_.error);
    }
  }
  if (!search_.hits.empty()) search_.current = 0;
  UpdateMarks();
  return status;
}

void GraphView::NextHit() {
  if (search_.hits.empty()) return;
  search_.current = (search_.current + 1) % static_cast<int>(search_.hits.size());
  SelectNodeIndex(search_.hits[search_.current], true);
}

void GraphView::PreviousHit() {
  if (search_.hits.empty()) return;
  const int n = static_cast<int>(search_.hits.size());
  search_.current = (search_.current - 1 + n) % n;
  SelectNodeIndex(search_.hits[search_.current], true);
}

Status GraphView::SelectNode(const std::string& name, bool jump) {
  const int node = level().graph->Find(name);
  if (node < 0) return Status::Error("graph view: no node \"" + name + "\"");
  SelectNodeIndex(node, jump);
  return Status::Ok();
}

void GraphView::SelectNodeIndex(int node, bool jump) {
  GraphLevel& l = level();
  if (node < 0 || node >= l.graph->num_nodes()) return;
  l.selected = node;
  selection_change_ = node;
  if (jump) {
    const gl::Hierarchy& h = l.session->hierarchy();
    bool changed = false;
    for (int32_t g = h.item_parent[node]; g > 0; g = h.groups[g].parent)
      if (!l.session->expanded(g)) l.session->SetExpanded(g, true), changed = true;
    CameraIntent camera;
    camera.center_node = node;
    if (changed) StartRelayout(camera);
    else if (pending_.active) pending_.camera = camera;  // it shows once that lands (the jump wins over a toggle's anchor)
    else ApplyCameraIntent(camera);
  }
  UpdateMarks();
}

void GraphView::ClearSelection() {
  level().selected = -1;
  UpdateMarks();
}

int GraphView::TakeSelectionChange() {
  const int node = selection_change_;
  selection_change_ = -1;
  return node;
}

int GraphView::PlacedIndexOf(int node) const {
  const auto& nodes = level().layout.nodes;
  for (size_t i = 0; i < nodes.size(); ++i)
    if (nodes[i].kind == gl::ItemKind::kNode && nodes[i].item == node) return static_cast<int>(i);
  return -1;
}

void GraphView::SetKept(const std::vector<int>& kept, bool active) {
  kept_.assign(root_graph().num_nodes(), 0);
  for (int k : kept)
    if (k >= 0 && k < static_cast<int>(kept_.size())) kept_[k] = 1;
  kept_active_ = active;
  kept_count_ = static_cast<int>(kept.size());
  UpdateMarks();
  Invalidate();  // dimming is part of the scene itself
}

bool GraphView::IsKept(int node) const {
  return node >= 0 && node < static_cast<int>(kept_.size()) && kept_[node] != 0;
}

void GraphView::SetColorMode(GraphColorMode mode) {
  if (mode == color_mode_) return;
  color_mode_ = mode;
  Invalidate();
}

// Marks per node, OR-ed up the group tree so that collapsed groups show
// what they hide (a hit, the selection, kept nodes). Only the highlights
// depend on the selection and the hits: callers that change the kept set
// invalidate the scene too.
void GraphView::UpdateMarks() {
  GraphLevel& l = level();
  const gl::Hierarchy& h = l.session->hierarchy();
  node_marks_.assign(l.graph->num_nodes(), 0);
  group_marks_.assign(h.groups.size(), 0);
  if (levels_.size() == 1 && kept_active_) {
    for (size_t i = 0; i < kept_.size() && i < node_marks_.size(); ++i)
      if (kept_[i]) node_marks_[i] |= kMarkKept;
  }
  for (int hit : search_.hits) node_marks_[hit] |= kMarkHit;
  if (search_.current >= 0) node_marks_[search_.hits[search_.current]] |= kMarkCurrentHit;
  if (l.selected >= 0) node_marks_[l.selected] |= kMarkSelected;
  for (size_t i = 0; i < node_marks_.size(); ++i) {
    const uint8_t m = node_marks_[i];
    if (!m) continue;
    for (int32_t g = h.item_parent[i]; g >= 0; g = h.groups[g].parent) {
      if ((group_marks_[g] | m) == group_marks_[g]) break;  // ancestors have it already
      group_marks_[g] |= m;
    }
  }
  highlights_dirty_ = true;
}

SceneInputs GraphView::SceneInputsNow() const {
  const GraphLevel& l = level();
  SceneInputs in;
  in.layout = &l.layout;
  in.hierarchy = &l.session->hierarchy();
  in.graph = l.graph;
  in.node_marks = &node_marks_;
  in.group_marks = &group_marks_;
  in.dim_unkept = kept_active_ && levels_.size() == 1;
  in.color_mode = color_mode_;
  in.font = font_;
  return in;
}

const GraphScene& GraphView::scene() {
  if (scene_dirty_) {
    BuildGraphScene(SceneInputsNow(), &scene_);
    scene_.version++;
    scene_dirty_ = false;
  }
  return scene_;
}

const GraphScene& GraphView::highlights() {
  if (highlights_dirty_) {
    BuildGraphHighlights(SceneInputsNow(), &highlights_);
    highlights_.version++;
    highlights_dirty_ = false;
  }
  return highlights_;
}

std::vector<std::string> GraphView::ExpandedGroups() const {
  std::vector<std::string> out;
  for (const gl::PlacedGroup& g : level().layout.groups) out.push_back(g.id);
  return out;
}

void GraphView::HandleClick(float sx, float sy, bool double_click) {
  GraphLevel& l = level();
  float wx = 0, wy = 0;
  l.camera.ScreenToWorld(sx, sy, canvas_w_, canvas_h_, &wx, &wy);
  const GraphHit hit = l.hits.Find(wx, wy);
  switch (hit.kind) {
    case GraphHit::Kind::kNone:
      if (!double_click) ClearSelection();
      return;
    case GraphHit::Kind::kStub: {
      const int hub = l.layout.stubs[hit.index].hub;
      if (hub >= 0) SelectNodeIndex(hub, false);
      return;
    }
    case GraphHit::Kind::kNode: {
      const gl::PlacedNode& n = l.layout.nodes[hit.index];
      if (n.kind == gl::ItemKind::kNode) return SelectNodeIndex(n.item, false);
      if (double_click) ToggleGroup(n.item, sx, sy);
      return;
    }
    case GraphHit::Kind::kGroup:
      if (double_click) ToggleGroup(l.layout.groups[hit.index].group, sx, sy);
      return;
  }
}

Status GraphView::OpenFunction(const std::string& name) {
  const graph::Graph& root = root_graph();
  const int f = root.FindFunction(name);
  if (f < 0) return Status::Error("graph view: no function \"" + name + "\" in the graph's library");
  auto def = FunctionBodyGraph(root.def().library().function(f));
  if (!def.ok()) return def.status();
  FinishLayout();  // the level below keeps a layout that matches its session
  auto level = std::make_unique<GraphLevel>();
  level->function = name;
  level->def = std::make_unique<tensorflow::GraphDef>(std::move(def).value());
  auto g = graph::Graph::Build(level->def.get());
  if (!g.ok()) return g.status().WithContext("function " + name);
  level->owned = std::make_unique<graph::Graph>(std::move(g).value());
  level->graph = level->owned.get();
  CKPT_RETURN_IF_ERROR(PushLevel(std::move(level)));
  Fit();
  return Status::Ok();
}

void GraphView::PopTo(size_t depth) {
  if (depth + 1 >= levels_.size()) return;
  pending_ = PendingLayout();  // it was the top level's
  levels_.resize(depth + 1);
  if (!search_.query.empty()) Search(search_.query);
  UpdateMarks();
  Invalidate();
}

}  // namespace ckptview::app
