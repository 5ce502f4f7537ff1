// GraphView: the graph view's state for one document — the layout session
// over its graph (graph/layout), the scene built from it for the GPU
// (graph_scene.h), the camera, selection, search and the freeze-kept set,
// plus a stack of function bodies opened from call nodes (level 0 is the
// document's graph). No GL here: the canvas hands the scene to the App's
// GraphRenderer through an ImDrawList callback, and without a renderer
// (tests) everything but the drawing still runs.
//
// Actions are methods (tests and the page's API call them directly); the
// ImGui canvas (graph_view_draw.cc) maps mouse and keys onto the same ones.
//
// Actions that change what is expanded do not lay out there and then: they
// start a relayout that Advance() spreads over frames in slices (one
// group's interior, the composition, a thousand items of the new scene,
// its upload to the GPU a few MiB at a time: GraphRenderer::Prefetch), so
// that the canvas keeps drawing, panning and zooming the old layout until
// the new one lands, whole, in one frame. The camera moves that go with the
// action (keep the toggled group in place, centre a jumped-to node) happen
// when it lands. FinishLayout() lands it now: callers that need the result
// at once (the App's actions, tests).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "app/graph_camera.h"
#include "app/graph_scene.h"
#include "app/graph_scene_builder.h"
#include "base/status.h"
#include "graph.pb.h"
#include "graph/graph.h"
#include "graph/layout/layout.h"

namespace ckptview::app {

class GraphFont;

// One graph on the stack: the document's graph or a function body.
struct GraphLevel {
  std::string function;  // "" for the document's graph
  std::unique_ptr<tensorflow::GraphDef> def;  // function bodies: their GraphDef
  std::unique_ptr<graph::Graph> owned;        // function bodies: its index
  const graph::Graph* graph = nullptr;
  std::unique_ptr<graph::layout::LayoutSession> session;
  graph::layout::LayoutResult layout;
  double layout_ms = 0;  // the last Layout() call
  double open_ms = 0;    // input, hierarchy and first layout
  GraphHitIndex hits;
  GraphCamera camera;
  bool camera_placed = false;  // fitted once the canvas size is known
  int selected = -1;           // node index in `graph`
};

struct GraphSearchState {
  std::string query;
  std::string error;      // a bad regex: why
  std::vector<int> hits;  // node indices, graph order
  int current = -1;       // index into hits
};

class GraphView {
 public:
  // Lays out `graph` (which must outlive the view) in its readable state.
  // `font` sizes the boxes and draws labels (null: default sizes, no labels).
  static Result<std::unique_ptr<GraphView>> Create(const graph::Graph& graph, const GraphFont* font);

  // ---- Actions ----------------------------------------------------------------
  // Expands (with its ancestors) or collapses the group at `path` of the
  // current level; the group's box (or, if an ancestor was collapsed, the
  // box it was in) stays where it was on screen.
  Status SetExpanded(const std::string& path, bool expanded);
  // Toggles group `group`; keeps it under canvas point (sx, sy) if given (>= 0).
  void ToggleGroup(int32_t group, float sx = -1, float sy = -1);
  // Searches node names and ops with a regular expression (name_pattern.h;
  // "" clears). A bad one clears the hits and sets search().error.
  Status Search(const std::string& query);
  void NextHit();
  void PreviousHit();
  // Selects a node by name; `jump` expands its collapsed ancestors and
  // centres the camera on it.
  Status SelectNode(const std::string& name, bool jump = true);
  void SelectNodeIndex(int node, bool jump);
  void ClearSelection();
  void Fit();
  // The freeze outputs' kept nodes (level 0 indices); empty: no dimming.
  void SetKept(const std::vector<int>& kept, bool active);
  void SetColorMode(GraphColorMode mode);
  // Pushes the body of library function `name` (level 0's graph library)
  // as a new level, fitted to the canvas.
  Status OpenFunction(const std::string& name);
  // Back to level `depth` (0: the document's graph).
  void PopTo(size_t depth);

  // Canvas size in logical pixels (Draw sets it; tests may too).
  void SetCanvasSize(float w, float h);

  // ---- Relayout -------------------------------------------------------------
  // Runs the pending relayout's slices for about `budget_ms` (at least one);
  // returns whether some are left. DrawCanvas calls it every frame.
  bool Advance(double budget_ms);
  void FinishLayout() { Advance(1e300); }
  bool layout_pending() const { return pending_.active; }
  // Milliseconds since the pending relayout started (0 if none).
  double PendingMs() const;

  // ---- State ------------------------------------------------------------------
  GraphLevel& level() { return *levels_.back(); }
  const GraphLevel& level() const { return *levels_.back(); }
  const std::vector<std::unique_ptr<GraphLevel>>& levels() const { return levels_; }
  const graph::Graph& root_graph() const { return *levels_.front()->graph; }
  const GraphSearchState& search() const { return search_; }
  const GraphCamera& camera() const { return level().camera; }
  GraphCamera& camera() { return level().camera; }
  float canvas_w() const { return canvas_w_; }
  float canvas_h() const { return canvas_h_; }
  GraphColorMode color_mode() const { return color_mode_; }
  bool kept_active() const { return kept_active_; }
  int kept_count() const { return kept_count_; }
  bool IsKept(int node) const;
  // The scene for the current state; rebuilt (and its version bumped) only
  // after something changed.
  const GraphScene& scene();
  // The selection and search hits, drawn over scene(): rebuilt on their own
  // (a click does not rebuild or re-upload the whole scene).
  const GraphScene& highlights();
  // Of highlights(), how many primitives the last DrawCanvas drew (in view).
  int highlights_drawn() const { return highlights_drawn_; }
  // And how many marks they made on the minimap.
  int minimap_marks_drawn() const { return minimap_marks_drawn_; }
  // The node selected by the last click or action since the previous call
  // (-1: none), so the App can load a variable's values once per click.
  int TakeSelectionChange();
  // The visible box index (LayoutResult::nodes) of `node`, or -1.
  int PlacedIndexOf(int node) const;
  std::vector<std::string> ExpandedGroups() const;

  // The App's cache key for SetKept: the freeze outputs it was computed for.
  std::vector<std::string> kept_for;
  bool kept_synced = false;

  // A click at canvas point (sx, sy): selects a node (a stub: its hub),
  // empty space clears the selection; a double click toggles a group.
  void HandleClick(float sx, float sy, bool double_click);

  // ---- ImGui (graph_view_draw.cc) -------------------------------------------
  // The canvas filling the available region: reserves it, maps mouse and
  // keys onto the actions above, and queues `renderer` (may be null) to
  // draw the scene and the minimap through ImDrawList callbacks.
  void DrawCanvas(GraphRenderer* renderer);
  // The minimap's rectangle in canvas coordinates (bottom right corner).
  WorldRect MinimapRect() const;
  // The camera that shows the whole scene in the minimap.
  GraphCamera MinimapCamera();

 private:
  GraphView() = default;
  // Where the camera goes when a relayout lands.
  // World coordinates of the layout on screen when the action came, so
  // that a pan or zoom while it is pending carries over.
  struct CameraIntent {
    int32_t anchor = -1;  // a group whose box (collapsed or a frame) stays where it is
    float anchor_x = 0, anchor_y = 0;  // its centre before
    bool has_cursor = false;           // a double click at (cursor_x, cursor_y)
    float cursor_x = 0, cursor_y = 0;
    int center_node = -1;  // centre on this node instead (a jump)
  };
  // A relayout in progress: the session's steps, the composition, then the
  // scene. The displayed layout, hits and scene stay until it lands.
  struct PendingLayout {
    bool active = false;
    bool interiors_done = false;  // the session's steps
    bool composed = false;     // `layout` holds the new result
    bool scene_built = false;  // `scene` is built from it (Invalidate clears this)
    graph::layout::LayoutResult layout;
    GraphScene scene;
    std::unique_ptr<GraphSceneBuild> scene_build;  // `scene` on its way
    CameraIntent camera;
    double started_ms = 0;  // steady clock
  };
  Status PushLevel(std::unique_ptr<GraphLevel> level);
  void StartRelayout(const CameraIntent& camera);
  // Runs the pending relayout's next slice; returns whether it has landed.
  bool RunSlice();
  void LandLayout();
  CameraIntent AnchorOn(int32_t group) const;
  void ApplyCameraIntent(const CameraIntent& intent);
  void UpdateMarks();
  void CenterOn(float wx, float wy);
  void Invalidate() {
    scene_dirty_ = highlights_dirty_ = true;
    pending_.scene_built = false;
    pending_.scene_build.reset();
  }
  SceneInputs SceneInputsNow() const;  // for the displayed layout
  bool FindGroupBox(int32_t group, float* x, float* y, float* w, float* h) const;

  const GraphFont* font_ = nullptr;
  std::vector<std::unique_ptr<GraphLevel>> levels_;
  GraphSearchState search_;
  std::vector<uint8_t> kept_;  // level 0, per node
  bool kept_active_ = false;
  int kept_count_ = 0;
  std::vector<uint8_t> node_marks_, group_marks_;
  GraphColorMode color_mode_ = GraphColorMode::kOpType;
  GraphScene scene_;
  bool scene_dirty_ = true;
  GraphScene highlights_;
  bool highlights_dirty_ = true;
  int highlights_drawn_ = 0;
  int minimap_marks_drawn_ = 0;
  int selection_change_ = -1;
  PendingLayout pending_;  // for the current level
  // DrawCanvas's, while it advances a relayout: prefetches the new scene
  // before it lands (without one, as in FinishLayout, the first Draw
  // uploads it whole).
  GraphRenderer* renderer_ = nullptr;
  float canvas_w_ = 800, canvas_h_ = 600;

  // Canvas interaction (graph_view_draw.cc).
  struct DrawCall {
    GraphRenderer* renderer = nullptr;
    const GraphScene* scene = nullptr;
    GraphViewport viewport;
  };
  void HandleInput(float origin_x, float origin_y);
  // Draws highlights() with ImGui over the canvas whose top left is at
  // screen point (origin_x, origin_y) (graph_view_highlights.cc); returns
  // how many of its primitives were in view.
  int DrawHighlights(float origin_x, float origin_y);
  // The highlights as marks on the minimap `m` (canvas coordinates), seen
  // through `minimap`; returns how many it drew.
  int DrawMinimapHighlights(float origin_x, float origin_y, const WorldRect& m, const GraphCamera& minimap);
  void QueueDraw(int slot, GraphRenderer* renderer, const GraphViewport& viewport);
  DrawCall draw_calls_[2];  // main and minimap: read by ImGui's render pass after Draw
  bool press_in_minimap_ = false;
  bool suppress_release_click_ = false;
  float press_x_ = 0, press_y_ = 0;
};

}  // namespace ckptview::app
