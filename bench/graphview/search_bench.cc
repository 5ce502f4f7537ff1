// Graph search time (native, no GL):
//
//   search_bench [--nodes N] [--runs N]
//
// Searches every node's name and op of the synthetic TF1 training graph of
// ~N ops (default 100,000; the graph the other graph benchmarks use) with a
// few regular expressions, as GraphView::Search does on every keystroke, and
// prints per pattern the hits and the medians over --runs runs (default 5),
// in ms, all measured in this run:
//   dfa        NamePattern::Compile + Search: the app's path (the pattern is
//              compiled anew per keystroke, so its DFA cache starts empty)
//   dfa warm   Search again with the same pattern object (cache filled)
//   nfa        NamePattern::SearchNfa: the state-set simulation Search used
//              before the DFA (the baseline)
//   std::regex std::regex_search, ECMAScript (another baseline)
//   find       std::string::find of a literal the pattern needs: the floor,
//              what a plain-text query costs (its hits differ, of course)
// and exits 1 if the matchers disagree on any node.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <regex>
#include <string>
#include <vector>

#include "app/name_pattern.h"
#include "graph/graph.h"
#include "synthetic_scene.h"

namespace ckptview::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct Query {
  const char* pattern;
  const char* literal;  // for the find floor
};

const Query kQueries[] = {
    {"conv\\d+/weights", "/weights"},   {"^train/.*Adam$", "Adam"},
    {"(kernel|bias)", "kernel"},        {"gradients/.*MatMul", "MatMul"},
    {"conv_\\d+/(kernel|bias)$", "/kernel"}, {"^GradientDescent/update_.*Apply", "GradientDescent/update_"},
    {"[Rr]elu|Tanh", "Relu"},           {"_grad/\\w+_1$", "_grad/"},
};

// Median time of `runs` calls of `search`, which returns its hit count.
double MedianMs(int runs, const std::function<int()>& search, int* hits) {
  std::vector<double> ms;
  for (int r = 0; r < runs; ++r) {
    const auto t0 = Clock::now();
    *hits = search();
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  std::nth_element(ms.begin(), ms.begin() + ms.size() / 2, ms.end());
  return ms[ms.size() / 2];
}

// Nodes whose name or op `match` accepts, as GraphView::Search counts hits.
template <typename Match>
int CountHits(const graph::Graph& g, const Match& match) {
  int hits = 0;
  for (int i = 0; i < g.num_nodes(); ++i) hits += match(g.name(i)) || match(g.op(i));
  return hits;
}

int Run(int nodes, int runs) {
  const tensorflow::GraphDef def = SyntheticGraphDef(nodes);
  auto built = graph::Graph::Build(&def);
  if (!built.ok()) {
    std::fprintf(stderr, "search_bench: %s\n", built.status().message().c_str());
    return 1;
  }
  const graph::Graph& g = built.value();
  std::printf("%d nodes, median of %d runs, ms\n", g.num_nodes(), runs);
  std::printf("%-34s %7s %8s %9s %8s %11s %8s %7s\n", "pattern", "hits", "dfa", "dfa warm", "nfa", "std::regex",
              "find", "nfa/dfa");
  bool agree = true;
  for (const Query& q : kQueries) {
    auto warm = app::NamePattern::Compile(q.pattern);
    if (!warm.ok()) {
      std::fprintf(stderr, "search_bench: %s: %s\n", q.pattern, warm.status().message().c_str());
      return 1;
    }
    const app::NamePattern& p = warm.value();
    const std::regex re(q.pattern, std::regex::ECMAScript);
    const std::string literal = q.literal;
    int dfa_hits = 0, warm_hits = 0, nfa_hits = 0, re_hits = 0, find_hits = 0;
    const double dfa = MedianMs(runs, [&] {
      auto fresh = app::NamePattern::Compile(q.pattern);
      return CountHits(g, [&](const std::string& s) { return fresh.value().Search(s); });
    }, &dfa_hits);
    const double dfa_warm = MedianMs(runs, [&] { return CountHits(g, [&](const std::string& s) { return p.Search(s); }); },
                                     &warm_hits);
    const double nfa = MedianMs(runs, [&] { return CountHits(g, [&](const std::string& s) { return p.SearchNfa(s); }); },
                                &nfa_hits);
    const double std_re = MedianMs(
        runs, [&] { return CountHits(g, [&](const std::string& s) { return std::regex_search(s, re); }); }, &re_hits);
    const double find = MedianMs(
        runs, [&] { return CountHits(g, [&](const std::string& s) { return s.find(literal) != std::string::npos; }); },
        &find_hits);
    std::printf("%-34s %7d %8.2f %9.2f %8.2f %11.2f %8.2f %6.1fx\n", q.pattern, dfa_hits, dfa, dfa_warm, nfa, std_re,
                find, nfa / dfa);
    if (dfa_hits != warm_hits || dfa_hits != nfa_hits || dfa_hits != re_hits) {
      std::fprintf(stderr, "search_bench: %s: hits differ: dfa %d, warm %d, nfa %d, std::regex %d\n", q.pattern,
                   dfa_hits, warm_hits, nfa_hits, re_hits);
      agree = false;
    }
  }
  return agree ? 0 : 1;
}

}  // namespace
}  // namespace ckptview::bench

int main(int argc, char** argv) {
  int nodes = 100000, runs = 5;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--nodes" && i + 1 < argc) nodes = std::atoi(argv[++i]);
    else if (a == "--runs" && i + 1 < argc) runs = std::atoi(argv[++i]);
    else nodes = -1;
  }
  if (nodes <= 0 || runs <= 0) {
    std::fprintf(stderr, "usage: search_bench [--nodes N] [--runs N]\n");
    return 1;
  }
  return ckptview::bench::Run(nodes, runs);
}
