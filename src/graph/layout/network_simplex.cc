// Network simplex layering (Gansner, Koutsofios, North, Vo 1993), as in
// dot and dagre, on arrays: minimises Σ weight · (rank(dst) − rank(src))
// subject to rank(dst) − rank(src) >= 1. Each pivot costs O(V + E); the
// number of pivots has no useful bound, so callers cap it and use it on
// small groups only (layered.cc).
#include <algorithm>
#include <limits>

#include "graph/layout/layered_internal.h"

namespace ckptview::graph::layout::internal {
namespace {

class Simplex {
 public:
  Simplex(int32_t n, const std::vector<SimplexEdge>& edges, std::vector<int32_t>& rank)
      : n_(n), edges_(edges), rank_(rank) {
    off_.assign(n + 1, 0);
    for (const SimplexEdge& e : edges_) {
      ++off_[e.src + 1];
      ++off_[e.dst + 1];
    }
    for (int32_t v = 0; v < n; ++v) off_[v + 1] += off_[v];
    adj_.resize(off_[n]);
    std::vector<int32_t> fill(off_.begin(), off_.end() - 1);
    for (size_t i = 0; i < edges_.size(); ++i) {
      adj_[fill[edges_[i].src]++] = static_cast<int32_t>(i);
      adj_[fill[edges_[i].dst]++] = static_cast<int32_t>(i);
    }
    in_tree_.assign(edges_.size(), 0);
    node_in_tree_.assign(n, 0);
  }

  // Returns the number of pivots made.
  int32_t Run(int32_t max_pivots) {
    if (n_ < 2) return 0;
    FeasibleTree();
    InitLowLim();
    InitCutValues();
    int32_t pivots = 0;
    while (pivots < max_pivots) {
      int32_t leave = LeaveEdge();
      if (leave < 0) break;
      int32_t enter = EnterEdge(leave);
      if (enter < 0) break;
      in_tree_[leave] = 0;
      in_tree_[enter] = 1;
      InitLowLim();
      InitCutValues();
      UpdateRanks();
      ++pivots;
    }
    return pivots;
  }

 private:
  int32_t Slack(int32_t e) const { return rank_[edges_[e].dst] - rank_[edges_[e].src] - 1; }
  int32_t Other(int32_t e, int32_t v) const { return edges_[e].src == v ? edges_[e].dst : edges_[e].src; }

  // Grows a tree of tight edges from node 0; while it does not span, shifts
  // the tree by the smallest slack of an edge leaving it (dagre's feasibleTree).
  void FeasibleTree() {
    std::vector<int32_t> members{0}, stack;
    node_in_tree_[0] = 1;
    auto grow = [&]() {
      stack.assign(members.begin(), members.end());
      while (!stack.empty()) {
        int32_t v = stack.back();
        stack.pop_back();
        for (int32_t k = off_[v]; k < off_[v + 1]; ++k) {
          int32_t e = adj_[k];
          int32_t w = Other(e, v);
          if (!node_in_tree_[w] && Slack(e) == 0) {
            node_in_tree_[w] = 1;
            in_tree_[e] = 1;
            members.push_back(w);
            stack.push_back(w);
          }
        }
      }
    };
    grow();
    while (static_cast<int32_t>(members.size()) < n_) {
      int32_t best = -1, best_slack = std::numeric_limits<int32_t>::max();
      for (size_t e = 0; e < edges_.size(); ++e) {
        bool a = node_in_tree_[edges_[e].src], b = node_in_tree_[edges_[e].dst];
        if (a != b && Slack(static_cast<int32_t>(e)) < best_slack) {
          best_slack = Slack(static_cast<int32_t>(e));
          best = static_cast<int32_t>(e);
        }
      }
      if (best < 0) return;  // disconnected: callers connect the graph
      int32_t delta = node_in_tree_[edges_[best].src] ? best_slack : -best_slack;
      for (int32_t v : members) rank_[v] += delta;
      grow();
    }
  }

  // Post-order numbers (low..lim) and parents, from root 0, over tree edges.
  void InitLowLim() {
    low_.assign(n_, 0);
    lim_.assign(n_, 0);
    parent_.assign(n_, -1);
    parent_edge_.assign(n_, -1);
    postorder_.clear();
    next_.assign(n_, 0);
    std::vector<int32_t>& stack = stack_;
    stack.assign(1, 0);
    next_[0] = off_[0];
    int32_t counter = 1;
    low_[0] = counter;
    while (!stack.empty()) {
      int32_t v = stack.back();
      bool descended = false;
      while (next_[v] < off_[v + 1]) {
        int32_t e = adj_[next_[v]++];
        if (!in_tree_[e] || e == parent_edge_[v]) continue;
        int32_t w = Other(e, v);
        parent_[w] = v;
        parent_edge_[w] = e;
        low_[w] = counter;
        next_[w] = off_[w];
        stack.push_back(w);
        descended = true;
        break;
      }
      if (descended) continue;
      lim_[v] = counter++;
      postorder_.push_back(v);
      stack.pop_back();
    }
  }

  // Cut value of each tree edge (stored at its child end), children first.
  void InitCutValues() {
    cut_.assign(n_, 0);
    for (int32_t child : postorder_) {
      int32_t p = parent_[child];
      if (p < 0) continue;
      const SimplexEdge& pe = edges_[parent_edge_[child]];
      const bool child_is_tail = pe.src == child;
      int64_t value = pe.weight;
      for (int32_t k = off_[child]; k < off_[child + 1]; ++k) {
        int32_t e = adj_[k];
        if (e == parent_edge_[child]) continue;
        const bool is_out = edges_[e].src == child;
        const int32_t other = Other(e, child);
        const bool points_to_head = is_out == child_is_tail;
        value += points_to_head ? edges_[e].weight : -edges_[e].weight;
        if (in_tree_[e] && parent_[other] == child) {
          value += points_to_head ? -cut_[other] : cut_[other];
        }
      }
      cut_[child] = value;
    }
  }

  int32_t LeaveEdge() const {
    for (int32_t v = 0; v < n_; ++v) {
      if (parent_[v] >= 0 && cut_[v] < 0) return parent_edge_[v];
    }
    return -1;
  }

  bool IsDescendant(int32_t v, int32_t root) const { return low_[root] <= lim_[v] && lim_[v] <= lim_[root]; }

  int32_t EnterEdge(int32_t leave) const {
    int32_t v = edges_[leave].src, w = edges_[leave].dst;
    // The tail side of the cut is the subtree below the tree edge.
    int32_t tail = v;
    bool flip = false;
    if (lim_[v] > lim_[w]) {
      tail = w;
      flip = true;
    }
    int32_t best = -1, best_slack = std::numeric_limits<int32_t>::max();
    for (size_t e = 0; e < edges_.size(); ++e) {
      if (static_cast<int32_t>(e) == leave) continue;
      if (flip == IsDescendant(edges_[e].src, tail) && flip != IsDescendant(edges_[e].dst, tail)) {
        int32_t s = Slack(static_cast<int32_t>(e));
        if (s < best_slack) {
          best_slack = s;
          best = static_cast<int32_t>(e);
        }
      }
    }
    return best;
  }

  // Ranks from the root down the new tree: every tree edge is tight.
  void UpdateRanks() {
    for (size_t i = postorder_.size(); i-- > 0;) {  // reverse post-order: parents first
      int32_t v = postorder_[i];
      int32_t p = parent_[v];
      if (p < 0) continue;
      const SimplexEdge& e = edges_[parent_edge_[v]];
      rank_[v] = e.src == v ? rank_[p] - 1 : rank_[p] + 1;
    }
  }

  const int32_t n_;
  const std::vector<SimplexEdge>& edges_;
  std::vector<int32_t>& rank_;
  std::vector<int32_t> off_, adj_;
  std::vector<uint8_t> in_tree_, node_in_tree_;
  std::vector<int32_t> low_, lim_, parent_, parent_edge_, postorder_, next_, stack_;
  std::vector<int64_t> cut_;
};

}  // namespace

int32_t NetworkSimplex(int32_t n, const std::vector<SimplexEdge>& edges, std::vector<int32_t>* rank,
                       int32_t max_pivots) {
  Simplex s(n, edges, *rank);
  return s.Run(max_pivots);
}

}  // namespace ckptview::graph::layout::internal
