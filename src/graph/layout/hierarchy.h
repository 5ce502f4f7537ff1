// The group tree a graph is laid out in, built once per input:
//   - name scopes (and declared groups) become nested groups;
//   - hub nodes (high fan-in/fan-out) leave the layered layout for their
//     group's shelf, and their edges become stubs at the other ends;
//   - runs of >= series_min_size siblings prefix<N> with the same op
//     structure fold into a series group;
//   - groups with more than max_group_children children are split into
//     nested sections (in depth-first order of their edges);
//   - every other edge is lifted to the lowest group holding both ends,
//     where it becomes an aggregated edge between two children ("metaedge"),
//     and marks a port on each group it leaves or enters on the way.
// A group's interior is then laid out from its children, its metaedges and
// its ports alone, so each group is laid out independently (layout.h).
//
// Items: node i is item i; group g is item num_nodes + g. Group 0 is the root.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "graph/layout/layout_types.h"

namespace ckptview::graph::layout {

struct HierarchyGroup {
  std::string path;  // '/'-joined names from the root ("" for the root)
  std::string name;  // last component: a scope name, "conv_[1-8]", "section_2_of_3"
  ItemKind kind = ItemKind::kGroup;
  int32_t parent = -1;  // group index; -1 for the root
  int32_t depth = 0;    // root 0
  float collapsed_w = 0, collapsed_h = 0;
  std::vector<int32_t> children;  // items in layout (model) order; hubs not included
  std::vector<int32_t> hubs;      // hub nodes shelved in this group
  int32_t num_nodes = 0;          // nodes in the subtree, hubs included
};

struct MetaEdge {
  int32_t src = 0, dst = 0;  // items, children of the group (src == dst: self loop)
  int32_t count = 0;         // input edges lifted into it
  bool control = false;      // all of them control edges
  bool back = false;         // one of them hinted as a back edge
};

struct Hierarchy {
  int32_t num_nodes = 0;
  std::vector<HierarchyGroup> groups;
  std::vector<int32_t> item_parent;  // per item: group holding it (-1 for the root)
  std::vector<int32_t> item_slot;    // per item: index in the parent's children (-1: hub, root)
  std::vector<uint8_t> is_hub;       // per node
  std::vector<std::vector<MetaEdge>> meta;  // per group, sorted by (src, dst)
  std::vector<std::vector<int32_t>> in_ports, out_ports;  // per group: children, slot order
  std::vector<int32_t> in_port_index, out_port_index;     // per item: index there, or -1
  // Hub stubs per item: how many distinct hubs feed it (in) or it feeds
  // (out), and the first max_stubs_per_side of them. CSR over item*2 + dir
  // (dir 0 = in, 1 = out).
  std::vector<int32_t> stub_total;
  std::vector<int32_t> stub_offset;
  std::vector<int32_t> stub_hubs;
  int32_t num_series = 0, num_sections = 0, num_hubs = 0;

  int32_t num_items() const { return num_nodes + static_cast<int32_t>(groups.size()); }
  bool IsGroupItem(int32_t item) const { return item >= num_nodes; }
  int32_t GroupOf(int32_t item) const { return item - num_nodes; }
  int32_t ItemOf(int32_t group) const { return num_nodes + group; }
  int32_t ItemDepth(int32_t item) const {
    return item_parent[item] < 0 ? 0 : groups[item_parent[item]].depth + 1;
  }
  const MetaEdge* FindMeta(int32_t group, int32_t src, int32_t dst) const;
};

// Builds the hierarchy; fails on malformed input (an edge or a group index
// out of range, a cycle among declared groups, a negative or non-finite size).
Result<Hierarchy> BuildHierarchy(const LayoutInput& input, const LayoutOptions& options);

// Splits a series candidate's name into prefix and trailing number:
// "conv_12" → ("conv_", 12); a name without digits, "conv", is the first of
// TF's unique names conv, conv_1, conv_2 ... and gives ("conv_", 0).
void SplitSeriesName(const std::string& name, std::string* prefix, int64_t* number);

}  // namespace ckptview::graph::layout
