// Graph layout: name scopes as collapsible groups, series folding, hubs as
// stubs, and a layered layout per expanded group (hierarchy.h, layered.h).
//
// One call for a snapshot:
//   CKPT_ASSIGN_OR_RETURN(LayoutResult r, LayoutGraph(input, options));
// or a session for interactive expand/collapse, which re-lays out only the
// groups whose interior changed: the toggled group and its ancestors (a
// parent sees each child group as a box, so siblings and their subtrees are
// untouched). Interiors are cached per group, keyed by the sizes of its
// children, so collapsing back to an earlier state lays out nothing.
//
//   auto session = LayoutSession::Create(input, options);   // Result<...>
//   (*session)->SetExpanded((*session)->FindGroup("model/dense"), true);
//   LayoutResult r = (*session)->Layout();
//
// Not thread-safe; one session per thread. A 100k-node training graph takes
// about 0.5 s fully expanded natively (about 1 s in wasm); an expand or
// collapse costs the changed groups' layouts plus composing what is visible.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "graph/layout/hierarchy.h"
#include "graph/layout/layered.h"
#include "graph/layout/layout_types.h"

namespace ckptview::graph::layout {

// Lays out `input` in options.initial_expansion.
Result<LayoutResult> LayoutGraph(const LayoutInput& input, const LayoutOptions& options);

class LayoutSession {
 public:
  // `input` must outlive the session (the second form keeps its own copy).
  // Fails on malformed input (see BuildHierarchy). Starts in
  // options.initial_expansion.
  static Result<std::unique_ptr<LayoutSession>> Create(const LayoutInput& input,
                                                       const LayoutOptions& options);
  static Result<std::unique_ptr<LayoutSession>> Create(LayoutInput&& input,
                                                       const LayoutOptions& options);

  // Groups are scopes, series and sections; group 0 is the top level and is
  // always expanded.
  const Hierarchy& hierarchy() const { return hierarchy_; }
  int32_t num_groups() const { return static_cast<int32_t>(hierarchy_.groups.size()); }
  const HierarchyGroup& group(int32_t g) const { return hierarchy_.groups[g]; }
  int32_t FindGroup(const std::string& path) const;  // -1 if none
  bool expanded(int32_t g) const { return expanded_[g] != 0; }
  void SetExpanded(int32_t g, bool expanded);
  void SetExpansion(Expansion expansion);
  double hierarchy_ms() const { return hierarchy_ms_; }

  // Lays out the current state. Never fails: the input was checked by Create.
  LayoutResult Layout();

  // Layout() in pieces, for a caller that spreads it over frames (the graph
  // view, so that a big expand never stalls one): BeginLayout, LayoutStep
  // until it returns false, FinishLayout. A step lays out one changed
  // group's interior (a section's at most ~200 children); FinishLayout
  // (after any steps left) composes what is visible and returns what
  // Layout() would. A SetExpanded between steps starts over at the next
  // step; interiors already laid out stay cached. times.total sums the
  // pieces' own time, not the wall time.
  void BeginLayout();
  bool LayoutStep();  // false: only the composition is left
  LayoutResult FinishLayout();

 private:
  struct ItemBox;
  struct GroupLayout;

  LayoutSession(const LayoutInput* input, const LayoutOptions& options);
  Status Init();
  ItemBox BoxOf(int32_t item) const;
  void EnsureInterior(int32_t g, LayoutResult* result);
  std::shared_ptr<const GroupLayout> ComputeInterior(int32_t g, const std::vector<ItemBox>& boxes,
                                                      LayoutTimes* times) const;
  void Compose(LayoutResult* result) const;
  void ApplyReadableExpansion();

  std::unique_ptr<LayoutInput> owned_input_;
  const LayoutInput* input_;
  LayoutOptions options_;
  Hierarchy hierarchy_;
  double hierarchy_ms_ = 0;
  std::vector<int32_t> group_order_;  // parents before children
  std::vector<uint8_t> expanded_;
  std::vector<uint8_t> dirty_;
  std::vector<std::shared_ptr<const GroupLayout>> current_;
  std::vector<int32_t> todo_;  // stepwise: interiors still to lay out, the next at the back
  LayoutResult pending_;       // stepwise: times and stats so far
  bool begun_ = false;         // todo_ is for the current expansion
  std::vector<std::vector<std::shared_ptr<const GroupLayout>>> cache_;
  mutable std::unordered_map<std::string, int32_t> path_index_;
};

}  // namespace ckptview::graph::layout
