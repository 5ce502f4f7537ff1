// Builds the group tree of hierarchy.h. All steps are O((V + E) · depth)
// plus sorting; iteration orders are fixed, so the result is deterministic.
#include "graph/layout/hierarchy.h"

#include <algorithm>
#include <cmath>
#include <string_view>
#include <unordered_map>

namespace ckptview::graph::layout {
namespace {

uint64_t HashString(std::string_view s) {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

uint64_t Mix(uint64_t h, uint64_t v) {
  v *= 0x9e3779b97f4a7c15ULL;
  v ^= v >> 29;
  return (h ^ v) * 0xbf58476d1ce4e5b9ULL + 0x94d049bb133111ebULL;
}

bool IsNextIteration(const std::string& op) {
  return op == "NextIteration" || op == "RefNextIteration";
}
bool IsMerge(const std::string& op) { return op == "Merge" || op == "RefMerge"; }

std::string LastComponent(const std::string& id) {
  size_t pos = id.rfind('/');
  return pos == std::string::npos ? id : id.substr(pos + 1);
}

class Builder {
 public:
  Builder(const LayoutInput& in, const LayoutOptions& opt, Hierarchy* h)
      : in_(in), opt_(opt), h_(*h), n_(static_cast<int32_t>(in.nodes.size())) {}

  Status Run() {
    CKPT_RETURN_IF_ERROR(Validate());
    h_.num_nodes = n_;
    CKPT_RETURN_IF_ERROR(MakeGroups());
    FindHubs();
    FillChildren();
    if (opt_.series_min_size >= 2) FoldSeries();
    if (opt_.max_group_children >= 2) SplitSections();
    Finish();
    LiftEdges();
    CollectStubs();
    return Status::Ok();
  }

 private:
  Status Validate() {
    for (size_t i = 0; i < in_.nodes.size(); ++i) {
      const LayoutNode& node = in_.nodes[i];
      if (!std::isfinite(node.width) || !std::isfinite(node.height) || node.width < 0 ||
          node.height < 0) {
        return Status::Error("layout input: node " + std::to_string(i) + " (\"" + node.id +
                             "\") has size " + std::to_string(node.width) + "x" +
                             std::to_string(node.height) + ", expected finite and >= 0");
      }
      if (node.group >= static_cast<int32_t>(in_.groups.size())) {
        return Status::Error("layout input: node " + std::to_string(i) + " (\"" + node.id +
                             "\") names group " + std::to_string(node.group) + " of " +
                             std::to_string(in_.groups.size()));
      }
    }
    for (size_t i = 0; i < in_.edges.size(); ++i) {
      const LayoutEdge& e = in_.edges[i];
      if (e.src < 0 || e.src >= n_ || e.dst < 0 || e.dst >= n_) {
        return Status::Error("layout input: edge " + std::to_string(i) + " joins nodes " +
                             std::to_string(e.src) + " -> " + std::to_string(e.dst) +
                             ", expected indices below " + std::to_string(n_));
      }
    }
    for (size_t i = 0; i < in_.groups.size(); ++i) {
      const LayoutGroupDecl& g = in_.groups[i];
      if (g.parent < -1 || g.parent >= static_cast<int32_t>(in_.groups.size())) {
        return Status::Error("layout input: group " + std::to_string(i) + " (\"" + g.name +
                             "\") has parent " + std::to_string(g.parent) + ", expected -1.." +
                             std::to_string(in_.groups.size() - 1));
      }
      if (g.name.empty()) {
        return Status::Error("layout input: group " + std::to_string(i) + " has an empty name");
      }
    }
    return Status::Ok();
  }

  int32_t ParentOf(int32_t item) const {
    return item < n_ ? node_group_[item] : h_.groups[item - n_].parent;
  }
  void SetParent(int32_t item, int32_t group) {
    if (item < n_) {
      node_group_[item] = group;
    } else {
      h_.groups[item - n_].parent = group;
    }
  }

  int32_t NewGroup(std::string path, std::string name, ItemKind kind, int32_t parent) {
    HierarchyGroup g;
    g.path = std::move(path);
    g.name = std::move(name);
    g.kind = kind;
    g.parent = parent;
    g.collapsed_w = opt_.collapsed_group_width;
    g.collapsed_h = opt_.collapsed_group_height;
    h_.groups.push_back(std::move(g));
    return static_cast<int32_t>(h_.groups.size()) - 1;
  }

  int32_t GetOrCreate(const std::string& path) {
    auto it = path_index_.find(path);
    if (it != path_index_.end()) return it->second;
    std::vector<std::string> missing;
    std::string p = path;
    int32_t parent = 0;
    while (true) {
      missing.push_back(p);
      size_t pos = p.rfind('/');
      std::string up = pos == std::string::npos ? std::string() : p.substr(0, pos);
      auto found = path_index_.find(up);
      if (found != path_index_.end()) {
        parent = found->second;
        break;
      }
      p = std::move(up);
    }
    for (size_t i = missing.size(); i-- > 0;) {
      const std::string& q = missing[i];
      size_t pos = q.rfind('/');
      std::string name = pos == std::string::npos ? q : q.substr(pos + 1);
      parent = NewGroup(q, std::move(name), ItemKind::kGroup, parent);
      path_index_.emplace(q, parent);
    }
    return parent;
  }

  Status MakeGroups() {
    NewGroup("", "", ItemKind::kGroup, -1);
    path_index_.emplace("", 0);
    const int32_t num_decls = static_cast<int32_t>(in_.groups.size());
    std::vector<int32_t> decl_group(num_decls, -1);
    std::vector<uint8_t> state(num_decls, 0);  // 0 new, 1 on the walk, 2 resolved
    std::vector<int32_t> walk;
    for (int32_t i = 0; i < num_decls; ++i) {
      walk.clear();
      for (int32_t d = i; d >= 0 && state[d] != 2; d = in_.groups[d].parent) {
        if (state[d] == 1) {
          return Status::Error("layout input: group " + std::to_string(d) + " (\"" +
                               in_.groups[d].name + "\") is its own ancestor");
        }
        state[d] = 1;
        walk.push_back(d);
      }
      for (size_t k = walk.size(); k-- > 0;) {
        int32_t d = walk[k];
        int32_t p = in_.groups[d].parent;
        std::string path = p < 0 ? in_.groups[d].name
                                 : h_.groups[decl_group[p]].path + "/" + in_.groups[d].name;
        int32_t g = GetOrCreate(path);
        decl_group[d] = g;
        state[d] = 2;
        if (in_.groups[d].collapsed_width > 0) h_.groups[g].collapsed_w = in_.groups[d].collapsed_width;
        if (in_.groups[d].collapsed_height > 0) h_.groups[g].collapsed_h = in_.groups[d].collapsed_height;
      }
    }
    node_group_.resize(n_);
    for (int32_t v = 0; v < n_; ++v) {
      const LayoutNode& node = in_.nodes[v];
      node_group_[v] = node.group >= 0 ? decl_group[node.group] : GetOrCreate(node.scope);
    }
    return Status::Ok();
  }

  void FindHubs() {
    h_.is_hub.assign(n_, 0);
    if (opt_.hub_min_degree <= 0) return;
    std::vector<int32_t> in_deg(n_, 0), out_deg(n_, 0);
    for (const LayoutEdge& e : in_.edges) {
      if (e.src == e.dst) continue;
      ++out_deg[e.src];
      ++in_deg[e.dst];
    }
    for (int32_t v = 0; v < n_; ++v) {
      const std::string& op = in_.nodes[v].op;
      bool prone = std::find(opt_.hub_prone_ops.begin(), opt_.hub_prone_ops.end(), op) !=
                   opt_.hub_prone_ops.end();
      int32_t threshold = prone ? std::max(1, opt_.hub_min_degree_low) : opt_.hub_min_degree;
      if (out_deg[v] >= threshold || in_deg[v] >= threshold) {
        h_.is_hub[v] = 1;
        ++h_.num_hubs;
      }
    }
  }

  // Children in model order: a group takes the place of its first node.
  void FillChildren() {
    std::vector<uint8_t> introduced(h_.groups.size(), 0);
    introduced[0] = 1;
    auto introduce = [&](int32_t g) {
      while (!introduced[g]) {
        introduced[g] = 1;
        int32_t p = h_.groups[g].parent;
        h_.groups[p].children.push_back(n_ + g);
        g = p;
      }
    };
    for (int32_t v = 0; v < n_; ++v) {
      int32_t g = node_group_[v];
      (h_.is_hub[v] ? h_.groups[g].hubs : h_.groups[g].children).push_back(v);
      introduce(g);
    }
    for (int32_t g = 1; g < static_cast<int32_t>(h_.groups.size()); ++g) introduce(g);
  }

  // Groups children-first (iterative), from the children lists.
  std::vector<int32_t> PostOrder() const {
    std::vector<int32_t> order, stack{0};
    while (!stack.empty()) {
      int32_t g = stack.back();
      stack.pop_back();
      order.push_back(g);
      for (int32_t c : h_.groups[g].children) {
        if (c >= n_) stack.push_back(c - n_);
      }
    }
    std::reverse(order.begin(), order.end());
    return order;
  }

  void FoldSeries() {
    std::vector<int32_t> order = PostOrder();
    // Each series takes >= series_min_size items: with this capacity, no
    // reference into groups is invalidated while series are made.
    h_.groups.reserve(h_.groups.size() + (n_ + h_.groups.size()) / opt_.series_min_size + 1);
    std::vector<uint64_t> sig(h_.groups.size(), 0);
    struct Candidate {
      std::string prefix;
      uint64_t sig;
      bool is_group;
      int64_t number;
      int32_t slot;
    };
    std::vector<Candidate> cands;
    for (int32_t g : order) {
      std::vector<int32_t>& children = h_.groups[g].children;
      auto item_sig = [&](int32_t item) {
        return item < n_ ? Mix(1, HashString(in_.nodes[item].op)) : sig[item - n_];
      };
      cands.clear();
      for (size_t i = 0; i < children.size(); ++i) {
        int32_t item = children[i];
        Candidate c;
        SplitSeriesName(item < n_ ? LastComponent(in_.nodes[item].id) : h_.groups[item - n_].name,
                        &c.prefix, &c.number);
        c.sig = item_sig(item);
        c.is_group = item >= n_;
        c.slot = static_cast<int32_t>(i);
        cands.push_back(std::move(c));
      }
      std::sort(cands.begin(), cands.end(), [](const Candidate& a, const Candidate& b) {
        if (a.prefix != b.prefix) return a.prefix < b.prefix;
        if (a.sig != b.sig) return a.sig < b.sig;
        if (a.is_group != b.is_group) return a.is_group < b.is_group;
        if (a.number != b.number) return a.number < b.number;
        return a.slot < b.slot;
      });
      // Runs of consecutive numbers under one key.
      std::vector<int32_t> series_at(children.size(), -1);  // first slot → series group
      std::vector<uint8_t> removed(children.size(), 0);
      size_t i = 0;
      while (i < cands.size()) {
        size_t j = i + 1;
        while (j < cands.size() && cands[j].prefix == cands[i].prefix && cands[j].sig == cands[i].sig &&
               cands[j].is_group == cands[i].is_group && cands[j].number == cands[j - 1].number + 1) {
          ++j;
        }
        if (static_cast<int32_t>(j - i) >= opt_.series_min_size) {
          std::string name = cands[i].prefix + "[" + std::to_string(cands[i].number) + "-" +
                             std::to_string(cands[j - 1].number) + "]";
          int32_t s = NewGroup("", std::move(name), ItemKind::kSeries, g);
          sig.push_back(Mix(Mix(HashString("series"), cands[i].sig), j - i));
          int32_t first_slot = cands[i].slot;
          for (size_t k = i; k < j; ++k) {
            int32_t item = children[cands[k].slot];
            h_.groups[s].children.push_back(item);
            SetParent(item, s);
            removed[cands[k].slot] = 1;
            first_slot = std::min(first_slot, cands[k].slot);
          }
          series_at[first_slot] = s;
          ++h_.num_series;
        }
        i = j;
      }
      if (h_.num_series > 0) {
        std::vector<int32_t> kept;
        kept.reserve(children.size());
        for (size_t k = 0; k < children.size(); ++k) {
          if (series_at[k] >= 0) kept.push_back(n_ + series_at[k]);
          if (!removed[k]) kept.push_back(children[k]);
        }
        children.swap(kept);
      }
      std::vector<uint64_t> child_sigs;
      for (int32_t item : h_.groups[g].children) child_sigs.push_back(item_sig(item));
      std::sort(child_sigs.begin(), child_sigs.end());
      uint64_t s = HashString("group");
      for (uint64_t c : child_sigs) s = Mix(s, c);
      sig[g] = s;
    }
  }

  // Lifts (a, b) to children of their lowest common group.
  template <typename OnA, typename OnB>
  void Lift(int32_t& a, int32_t& b, const std::vector<int32_t>& depth, OnA on_a, OnB on_b) const {
    auto item_depth = [&](int32_t item) { return depth[ParentOf(item)] + 1; };
    int32_t da = item_depth(a), db = item_depth(b);
    while (da > db) {
      on_a(a);
      a = n_ + ParentOf(a);
      --da;
    }
    while (db > da) {
      on_b(b);
      b = n_ + ParentOf(b);
      --db;
    }
    while (ParentOf(a) != ParentOf(b)) {
      on_a(a);
      on_b(b);
      a = n_ + ParentOf(a);
      b = n_ + ParentOf(b);
    }
  }

  std::vector<int32_t> Depths() const {
    std::vector<int32_t> depth(h_.groups.size(), 0);
    std::vector<int32_t> queue{0};
    for (size_t i = 0; i < queue.size(); ++i) {
      int32_t g = queue[i];
      for (int32_t c : h_.groups[g].children) {
        if (c >= n_) {
          depth[c - n_] = depth[g] + 1;
          queue.push_back(c - n_);
        }
      }
    }
    return depth;
  }

  bool Skip(const LayoutEdge& e) const { return h_.is_hub[e.src] || h_.is_hub[e.dst]; }

  // Over-wide groups become nested sections of at most max children, cut
  // from a depth-first order of their edges so chains stay together.
  void SplitSections() {
    const size_t max = static_cast<size_t>(opt_.max_group_children);
    const size_t num_groups = h_.groups.size();
    std::vector<uint8_t> wide(num_groups, 0);
    bool any = false;
    for (size_t g = 0; g < num_groups; ++g) {
      if (h_.groups[g].children.size() > max) wide[g] = any = 1;
    }
    if (!any) return;
    std::vector<int32_t> slot(n_ + num_groups, -1);
    for (size_t g = 0; g < num_groups; ++g) {
      if (!wide[g]) continue;
      const auto& ch = h_.groups[g].children;
      for (size_t i = 0; i < ch.size(); ++i) slot[ch[i]] = static_cast<int32_t>(i);
    }
    std::vector<int32_t> depth = Depths();
    std::vector<std::vector<std::pair<int32_t, int32_t>>> local(num_groups);
    for (const LayoutEdge& e : in_.edges) {
      if (e.src == e.dst || Skip(e)) continue;
      int32_t a = e.src, b = e.dst;
      Lift(a, b, depth, [](int32_t) {}, [](int32_t) {});
      int32_t p = ParentOf(a);
      if (wide[p]) local[p].emplace_back(slot[a], slot[b]);
    }
    for (size_t g = 0; g < num_groups; ++g) {
      if (!wide[g]) continue;
      std::vector<int32_t> items = DfsOrder(h_.groups[g].children, local[g]);
      std::vector<std::pair<int32_t, int32_t>>().swap(local[g]);
      while (items.size() > max) {
        const size_t chunks = (items.size() + max - 1) / max;
        std::vector<int32_t> next;
        for (size_t c = 0; c < chunks; ++c) {
          std::string name = "section_" + std::to_string(c + 1) + "_of_" + std::to_string(chunks);
          int32_t s = NewGroup("", std::move(name), ItemKind::kSection, static_cast<int32_t>(g));
          for (size_t k = c * max; k < std::min(items.size(), (c + 1) * max); ++k) {
            h_.groups[s].children.push_back(items[k]);
            SetParent(items[k], s);
          }
          next.push_back(n_ + s);
          ++h_.num_sections;
        }
        items.swap(next);
      }
      for (int32_t item : items) SetParent(item, static_cast<int32_t>(g));
      h_.groups[g].children.swap(items);
    }
  }

  std::vector<int32_t> DfsOrder(const std::vector<int32_t>& children,
                                const std::vector<std::pair<int32_t, int32_t>>& edges) const {
    const int32_t k = static_cast<int32_t>(children.size());
    std::vector<int32_t> off(k + 1, 0), indeg(k, 0);
    for (const auto& e : edges) {
      ++off[e.first + 1];
      ++indeg[e.second];
    }
    for (int32_t i = 0; i < k; ++i) off[i + 1] += off[i];
    std::vector<int32_t> adj(edges.size());
    {
      std::vector<int32_t> fill(off.begin(), off.end() - 1);
      for (const auto& e : edges) adj[fill[e.first]++] = e.second;
    }
    std::vector<int32_t> order, stack;
    std::vector<uint8_t> seen(k, 0);
    order.reserve(k);
    auto dfs = [&](int32_t root) {
      stack.push_back(root);
      while (!stack.empty()) {
        int32_t v = stack.back();
        stack.pop_back();
        if (seen[v]) continue;
        seen[v] = 1;
        order.push_back(children[v]);
        for (int32_t j = off[v + 1]; j-- > off[v];) {
          if (!seen[adj[j]]) stack.push_back(adj[j]);
        }
      }
    };
    for (int32_t i = 0; i < k; ++i) {
      if (indeg[i] == 0 && !seen[i]) dfs(i);
    }
    for (int32_t i = 0; i < k; ++i) {
      if (!seen[i]) dfs(i);
    }
    return order;
  }

  // Final parents, depths, slots, node counts; paths of series and sections.
  void Finish() {
    const int32_t num_groups = static_cast<int32_t>(h_.groups.size());
    std::vector<int32_t> depth = Depths();
    for (int32_t g = 0; g < num_groups; ++g) h_.groups[g].depth = depth[g];
    h_.item_parent.assign(n_ + num_groups, -1);
    h_.item_slot.assign(n_ + num_groups, -1);
    for (int32_t v = 0; v < n_; ++v) h_.item_parent[v] = node_group_[v];
    for (int32_t g = 1; g < num_groups; ++g) h_.item_parent[n_ + g] = h_.groups[g].parent;
    std::vector<int32_t> queue{0};
    for (size_t i = 0; i < queue.size(); ++i) {
      HierarchyGroup& grp = h_.groups[queue[i]];
      for (size_t s = 0; s < grp.children.size(); ++s) {
        int32_t c = grp.children[s];
        h_.item_slot[c] = static_cast<int32_t>(s);
        if (c >= n_) {
          HierarchyGroup& child = h_.groups[c - n_];
          if (child.kind != ItemKind::kGroup) {
            child.path = grp.path.empty() ? child.name : grp.path + "/" + child.name;
          }
          queue.push_back(c - n_);
        }
      }
    }
    for (size_t i = queue.size(); i-- > 0;) {
      HierarchyGroup& grp = h_.groups[queue[i]];
      grp.num_nodes += static_cast<int32_t>(grp.hubs.size());
      for (int32_t c : grp.children) grp.num_nodes += c < n_ ? 1 : h_.groups[c - n_].num_nodes;
    }
  }

  void LiftEdges() {
    const int32_t num_groups = static_cast<int32_t>(h_.groups.size());
    std::vector<int32_t> depth(num_groups);
    for (int32_t g = 0; g < num_groups; ++g) depth[g] = h_.groups[g].depth;
    std::vector<uint8_t> has_in(h_.num_items(), 0), has_out(h_.num_items(), 0);
    h_.meta.assign(num_groups, {});
    for (const LayoutEdge& e : in_.edges) {
      if (Skip(e)) continue;
      bool back = e.is_back_edge || (IsNextIteration(in_.nodes[e.src].op) && IsMerge(in_.nodes[e.dst].op));
      int32_t a = e.src, b = e.dst;
      if (a != b) {
        Lift(a, b, depth, [&](int32_t x) { has_out[x] = 1; }, [&](int32_t x) { has_in[x] = 1; });
      }
      h_.meta[ParentOf(a)].push_back({a, b, 1, e.is_control, back});
    }
    for (auto& list : h_.meta) {
      std::sort(list.begin(), list.end(), [](const MetaEdge& x, const MetaEdge& y) {
        return x.src != y.src ? x.src < y.src : x.dst < y.dst;
      });
      size_t k = 0;
      for (size_t i = 0; i < list.size(); ++i) {
        if (k > 0 && list[k - 1].src == list[i].src && list[k - 1].dst == list[i].dst) {
          list[k - 1].count += 1;
          list[k - 1].control = list[k - 1].control && list[i].control;
          list[k - 1].back = list[k - 1].back || list[i].back;
        } else {
          list[k++] = list[i];
        }
      }
      list.resize(k);
      list.shrink_to_fit();
    }
    h_.in_ports.assign(num_groups, {});
    h_.out_ports.assign(num_groups, {});
    h_.in_port_index.assign(h_.num_items(), -1);
    h_.out_port_index.assign(h_.num_items(), -1);
    for (int32_t g = 0; g < num_groups; ++g) {
      for (int32_t c : h_.groups[g].children) {
        if (has_in[c]) {
          h_.in_port_index[c] = static_cast<int32_t>(h_.in_ports[g].size());
          h_.in_ports[g].push_back(c);
        }
        if (has_out[c]) {
          h_.out_port_index[c] = static_cast<int32_t>(h_.out_ports[g].size());
          h_.out_ports[g].push_back(c);
        }
      }
    }
  }

  // Each hub edge puts a stub on the other end and on each of its enclosing
  // groups that does not hold the hub (they show it when collapsed).
  void CollectStubs() {
    const int32_t items = h_.num_items();
    h_.stub_total.assign(2 * items, 0);
    h_.stub_offset.assign(2 * items + 1, 0);
    if (h_.num_hubs == 0) return;
    std::vector<int32_t> depth(h_.groups.size());
    for (size_t g = 0; g < h_.groups.size(); ++g) depth[g] = h_.groups[g].depth;
    // Hub edges, grouped by hub in node order.
    std::vector<std::pair<int32_t, int32_t>> hub_edges;  // (hub, edge)
    for (size_t i = 0; i < in_.edges.size(); ++i) {
      const LayoutEdge& e = in_.edges[i];
      if (e.src == e.dst) continue;
      if (h_.is_hub[e.src]) hub_edges.emplace_back(e.src, static_cast<int32_t>(i));
      if (h_.is_hub[e.dst]) hub_edges.emplace_back(e.dst, static_cast<int32_t>(i));
    }
    std::stable_sort(hub_edges.begin(), hub_edges.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<int32_t> stamp(2 * items, -1);
    std::vector<std::pair<int32_t, int32_t>> entries;  // (item*2 + dir, hub)
    for (const auto& hub_edge : hub_edges) {
      const int32_t hub = hub_edge.first;  // (clang: no lambda capture of bindings)
      const LayoutEdge& e = in_.edges[hub_edge.second];
      const bool hub_is_src = e.src == hub;
      const int32_t dir = hub_is_src ? 0 : 1;  // the user sees an incoming stub
      int32_t a = hub_is_src ? e.dst : e.src;
      int32_t b = hub;
      auto mark = [&](int32_t x) {
        int32_t key = 2 * x + dir;
        if (stamp[key] == hub) return;
        stamp[key] = hub;
        ++h_.stub_total[key];
        if (h_.stub_total[key] <= opt_.max_stubs_per_side) entries.emplace_back(key, hub);
      };
      Lift(a, b, depth, mark, [](int32_t) {});
      mark(a);  // the user's side at the level where it meets the hub
    }
    std::stable_sort(entries.begin(), entries.end(),
                     [](const auto& x, const auto& y) { return x.first < y.first; });
    for (const auto& en : entries) ++h_.stub_offset[en.first + 1];
    for (int32_t k = 0; k < 2 * items; ++k) h_.stub_offset[k + 1] += h_.stub_offset[k];
    h_.stub_hubs.resize(entries.size());
    for (size_t i = 0; i < entries.size(); ++i) h_.stub_hubs[i] = entries[i].second;
  }

  const LayoutInput& in_;
  const LayoutOptions& opt_;
  Hierarchy& h_;
  const int32_t n_;
  std::vector<int32_t> node_group_;
  std::unordered_map<std::string, int32_t> path_index_;
};

}  // namespace

void SplitSeriesName(const std::string& name, std::string* prefix, int64_t* number) {
  size_t end = name.size();
  size_t start = end;
  while (start > 0 && end - start < 12 && name[start - 1] >= '0' && name[start - 1] <= '9') --start;
  if (start == end) {
    *prefix = name + "_";
    *number = 0;
    return;
  }
  *prefix = name.substr(0, start);
  *number = std::stoll(name.substr(start));
}

const MetaEdge* Hierarchy::FindMeta(int32_t group, int32_t src, int32_t dst) const {
  const auto& list = meta[group];
  auto it = std::lower_bound(list.begin(), list.end(), std::make_pair(src, dst),
                             [](const MetaEdge& m, const std::pair<int32_t, int32_t>& k) {
                               return m.src != k.first ? m.src < k.first : m.dst < k.second;
                             });
  if (it == list.end() || it->src != src || it->dst != dst) return nullptr;
  return &*it;
}

Result<Hierarchy> BuildHierarchy(const LayoutInput& input, const LayoutOptions& options) {
  Hierarchy h;
  Builder builder(input, options, &h);
  CKPT_RETURN_IF_ERROR(builder.Run());
  return h;
}

std::string ScopeOf(const std::string& name) {
  size_t pos = name.rfind('/');
  return pos == std::string::npos ? std::string() : name.substr(0, pos);
}

}  // namespace ckptview::graph::layout
