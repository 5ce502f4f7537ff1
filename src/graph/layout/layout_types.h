// Input, options and output of the graph layout engine (src/graph/layout).
//
// The engine knows nothing of TensorFlow protos: a caller describes nodes by
// id, box size, scope and op kind, and edges by node index. Everything else
// (name-scope groups, series, hubs, layered placement, edge routes) happens
// here, deterministically: the same input and options give the same result,
// byte for byte, apart from the timings.
//
// Coordinates: x grows right, y grows down, edges flow top to bottom. A box
// is given by its centre (x, y) and its size (w, h), as in dagre.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ckptview::graph::layout {

struct LayoutNode {
  std::string id;      // unique name, e.g. the TF node name "model/dense/MatMul"
  float width = 60;    // box size in layout units (the renderer's px at zoom 1)
  float height = 24;
  // Scope path of the group holding the node, '/'-separated ("model/dense");
  // "" = top level. Ignored when `group` >= 0. ScopeOf(id) gives TF's scope.
  std::string scope;
  int32_t group = -1;  // index into LayoutInput::groups, overriding `scope`
  std::string op;      // op kind ("Const", "NoOp", "NextIteration", ...)
};

struct LayoutEdge {
  int32_t src = 0;  // node indices
  int32_t dst = 0;
  bool is_control = false;
  // Hint that this edge closes a cycle (a while loop's NextIteration → Merge;
  // such edges are recognised by op kind anyway).
  bool is_back_edge = false;
};

// An explicitly declared group. Groups named by a node's `scope` path are
// made on demand; a declared group and a scope path with the same full path
// ("a/b" for name "b" under "a") are the same group.
struct LayoutGroupDecl {
  std::string name;     // one path component
  int32_t parent = -1;  // index into LayoutInput::groups; -1 = top level
  float collapsed_width = 0;  // 0 = LayoutOptions::collapsed_group_width
  float collapsed_height = 0;
};

struct LayoutInput {
  std::vector<LayoutNode> nodes;
  std::vector<LayoutEdge> edges;
  std::vector<LayoutGroupDecl> groups;
};

// TF's scope of a node name: "a/b/c" → "a/b", "c" → "".
std::string ScopeOf(const std::string& name);

enum class Expansion : uint8_t {
  kReadable,   // expand groups greedily while at most readable_max_visible items show
  kAll,        // every group, series and section expanded
  kCollapsed,  // only the top level
};

enum class EdgeStyle : uint8_t {
  kPolyline,  // route points are polyline vertices
  kSpline,    // cubic Bézier: P0 C C P1 C C P2 ... (3k+1 points), vertical tangents
};

struct LayoutOptions {
  // Spacing, in layout units.
  float node_sep = 20;   // between neighbouring boxes in a layer
  float edge_sep = 10;   // between an edge's bend point and its neighbours
  float rank_sep = 40;   // between layers
  float group_padding = 10;
  float group_header = 22;  // label strip at the top of an expanded group
  float collapsed_group_width = 140;
  float collapsed_group_height = 36;
  // Hub stubs: small boxes left of the user node, incoming ones in the top
  // row, outgoing in the bottom row; at most max_stubs_per_side per row, the
  // last one standing for the rest when there are more.
  float stub_width = 10;
  float stub_height = 8;
  float stub_gap = 3;
  int32_t max_stubs_per_side = 4;

  // A node whose fan-out or fan-in (input edges, self loops aside) reaches
  // hub_min_degree (hub_min_degree_low for hub_prone_ops) leaves the
  // layered layout: it sits in its group's hub shelf and each of its edges is
  // drawn as a stub at the other end. 0 turns hubs off.
  int32_t hub_min_degree = 16;
  int32_t hub_min_degree_low = 6;
  std::vector<std::string> hub_prone_ops = {"Const", "NoOp", "VariableV2", "Variable",
                                            "VarHandleOp", "Placeholder",
                                            "PlaceholderWithDefault"};

  // At least this many siblings named prefix<N> for consecutive N, with the
  // same op (or the same op structure, for groups), fold into one series
  // group. 0 turns series off.
  int32_t series_min_size = 5;
  // Groups with more children are split into nested sections of at most
  // this many children each (in depth-first order of their edges).
  int32_t max_group_children = 200;

  // State when the graph opens (LayoutGraph, LayoutSession::Create).
  Expansion initial_expansion = Expansion::kReadable;
  int32_t readable_max_visible = 200;

  // Effort of the layered layout of one group.
  int32_t max_order_sweeps = 24;           // barycenter sweeps, at most
  int32_t order_sweeps_without_gain = 4;   // stop after this many without fewer crossings
  int32_t layering_passes = 4;             // longest-path improvement passes
  int32_t simplex_max_items = 200;         // network simplex layering for groups of 8 up to this
  int32_t simplex_max_pivots = 2000;
  int32_t transpose_max_layer = 200;       // adjacent-swap refinement on layers up to this size; 0 = off
  EdgeStyle edge_style = EdgeStyle::kPolyline;
  // Interior layouts kept per group (keyed by the sizes of its children),
  // so collapsing back to an earlier state lays out nothing.
  int32_t cache_entries_per_group = 4;
};

struct Point {
  float x = 0;
  float y = 0;
};

enum class ItemKind : uint8_t {
  kNode,     // an op node
  kGroup,    // a name scope
  kSeries,   // folded siblings prefix[a-b]
  kSection,  // a slice of an over-wide group
};

// A box on screen: an op node (hub or not), or a collapsed group.
struct PlacedNode {
  std::string id;        // node id, or group path for collapsed groups
  ItemKind kind = ItemKind::kNode;
  int32_t item = 0;      // node index (kNode), else LayoutSession group index
  int32_t parent = -1;   // index into LayoutResult::groups; -1 = top level
  bool hub = false;      // a hub in its group's shelf (its edges are stubs)
  float x = 0, y = 0, w = 0, h = 0;
};

// An expanded group's box; its children lie inside it.
struct PlacedGroup {
  std::string id;   // group path
  ItemKind kind = ItemKind::kGroup;
  int32_t group = 0;   // LayoutSession group index
  int32_t parent = -1; // index into LayoutResult::groups; -1 = top level
  float x = 0, y = 0, w = 0, h = 0;
};

// A visible edge: all input edges between the same two visible boxes.
struct RoutedEdge {
  int32_t src = 0;  // indices into LayoutResult::nodes
  int32_t dst = 0;
  int32_t count = 1;     // input edges it stands for
  bool control = false;  // all of them are control edges
  bool back = false;     // drawn against the flow (it closed a cycle)
  uint32_t first_point = 0;  // route: LayoutResult::points[first_point, +num_points)
  uint32_t num_points = 0;   // starts on src's border, ends on dst's border
};

// A hub edge drawn as a small box at the other end's box.
struct Stub {
  int32_t hub = -1;     // hub node index; -1 = "and `more` others"
  int32_t node = 0;     // index into LayoutResult::nodes of the box it sits at
  bool incoming = true; // hub → node (top row) or node → hub (bottom row)
  int32_t more = 0;
  float x = 0, y = 0, w = 0, h = 0;
};

struct LayoutTimes {  // milliseconds
  double hierarchy = 0;   // scopes, hubs, series, sections, aggregated edges
  // Phases of the layered layouts, summed over the groups laid out; groups
  // under 64 items + edges are not timed (cheaper than the clock), they
  // count in `total` only.
  double cycles = 0;
  double layering = 0;
  double ordering = 0;
  double coordinates = 0;
  double routing = 0;
  double compose = 0;     // absolute positions, visible edges, stubs
  double total = 0;
};

struct LayoutStats {
  int32_t groups_laid_out = 0;  // interiors recomputed by this call
  int32_t groups_reused = 0;    // interiors taken from the cache
  int32_t expanded_groups = 0;  // visible expanded groups (root excluded)
  int64_t dummies = 0;          // bend points in the visible layouts
  int32_t hubs = 0;
  int32_t series = 0;
  int32_t sections = 0;
};

struct LayoutResult {
  float width = 0, height = 0;  // bounding box, from (0, 0)
  std::vector<PlacedNode> nodes;
  std::vector<PlacedGroup> groups;
  std::vector<RoutedEdge> edges;
  std::vector<Point> points;    // all edge routes, see RoutedEdge
  std::vector<Stub> stubs;
  EdgeStyle edge_style = EdgeStyle::kPolyline;
  // Edge crossings between adjacent layers, summed over the visible layered
  // layouts (one per expanded group).
  int64_t crossings = 0;
  LayoutTimes times;
  LayoutStats stats;
};

}  // namespace ckptview::graph::layout
