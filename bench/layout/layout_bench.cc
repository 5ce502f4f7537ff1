// Layout benchmark on synthetic TF1 training graphs (synthetic_graph.h):
//   layout_bench [--sizes 1000,10000,100000] [--out DIR] [--repeat N] [--simplex-max N]
// For each size, with and without hubs: the graph fully expanded and in the
// readable (collapsed) start state, plus, with hubs, fully expanded with hub
// extraction off. Prints one row per case; with --out, writes for each case
//   <case>.graph.json  the visible graph laid out (for dagre_bench.mjs)
//   <case>.ours.json   our layout (LayoutResultToJson)
// and ours.tsv with the numbers. Also times expand/collapse re-layouts.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "graph/layout/layout.h"
#include "graph/layout/layout_json.h"
#include "graph/layout/synthetic_graph.h"

using namespace ckptview::graph::layout;

namespace {

bool WriteFile(const std::string& path, const std::string& data) {
  std::ofstream f(path, std::ios::binary);
  f << data;
  return static_cast<bool>(f);
}

double Ms(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

void Interactive(const LayoutInput& input, const std::string& name) {
  LayoutOptions options;
  auto session = LayoutSession::Create(input, options);
  if (!session.ok()) return;
  LayoutSession& s = **session;
  s.Layout();
  // The deepest group that is currently hidden behind a collapsed ancestor
  // chain: expand it and its ancestors, then collapse it again.
  int32_t target = -1;
  for (int32_t g = 1; g < s.num_groups(); ++g) {
    if (s.group(g).kind == ItemKind::kGroup && !s.expanded(g) &&
        (target < 0 || s.group(g).depth > s.group(target).depth)) {
      target = g;
    }
  }
  if (target < 0) return;
  std::vector<int32_t> chain;
  for (int32_t a = target; a > 0; a = s.group(a).parent) chain.push_back(a);
  auto t0 = std::chrono::steady_clock::now();
  for (int32_t a : chain) s.SetExpanded(a, true);
  LayoutResult expand = s.Layout();
  double expand_ms = Ms(t0);
  t0 = std::chrono::steady_clock::now();
  s.SetExpanded(target, false);
  LayoutResult collapse = s.Layout();
  double collapse_ms = Ms(t0);
  t0 = std::chrono::steady_clock::now();
  s.SetExpanded(target, true);
  LayoutResult again = s.Layout();
  double again_ms = Ms(t0);
  std::printf(
      "  %-28s expand path of %zu groups (depth %d): %.1f ms, %d laid out; collapse: %.1f ms, %d laid out, "
      "%d reused; expand again: %.1f ms, %d laid out, %d reused (compose %.1f ms)\n",
      name.c_str(), chain.size(), s.group(target).depth, expand_ms, expand.stats.groups_laid_out,
      collapse_ms, collapse.stats.groups_laid_out, collapse.stats.groups_reused, again_ms,
      again.stats.groups_laid_out, again.stats.groups_reused, again.times.compose);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int32_t> sizes{1000, 10000, 100000};
  std::string out_dir;
  int repeat = 3;
  int simplex_max = LayoutOptions().simplex_max_items;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--sizes") && i + 1 < argc) {
      sizes.clear();
      for (char* p = std::strtok(argv[++i], ","); p; p = std::strtok(nullptr, ",")) sizes.push_back(std::atoi(p));
    } else if (!std::strcmp(argv[i], "--out") && i + 1 < argc) {
      out_dir = argv[++i];
    } else if (!std::strcmp(argv[i], "--simplex-max") && i + 1 < argc) {
      simplex_max = std::atoi(argv[++i]);
    } else if (!std::strcmp(argv[i], "--repeat") && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else {
      std::fprintf(stderr, "usage: layout_bench [--sizes 1000,10000] [--out DIR] [--repeat N] [--simplex-max N]\n");
      return 2;
    }
  }
  std::string tsv =
      "case\tinput_nodes\tinput_edges\tnodes\tedges\tms\thierarchy_ms\tlayout_ms\tcompose_ms\tcrossings\t"
      "dummies\tgroups\n";
  std::printf("%-30s %8s %8s %7s %7s %9s %8s %8s %8s %9s %9s\n", "case", "in.nodes", "in.edges", "nodes",
              "edges", "total ms", "hier ms", "layout", "compose", "crossings", "dummies");
  for (int32_t size : sizes) {
    for (int hubs = 0; hubs < 2; ++hubs) {
      TrainingGraphSpec spec;
      spec.target_nodes = size;
      spec.hubs = hubs != 0;
      LayoutInput input = MakeTrainingGraph(spec);
      const std::string base = "n" + std::to_string(size) + (hubs ? "-hubs" : "-nohubs");
      struct Case {
        std::string name;
        Expansion expansion;
        bool extract_hubs;
      };
      std::vector<Case> cases{{base + "-expanded", Expansion::kAll, true},
                              {base + "-collapsed", Expansion::kReadable, true}};
      if (hubs) cases.push_back({base + "-expanded-hubs-kept", Expansion::kAll, false});
      for (const Case& c : cases) {
        LayoutOptions options;
        options.initial_expansion = c.expansion;
        options.simplex_max_items = simplex_max;
        if (!c.extract_hubs) options.hub_min_degree = 0;
        LayoutResult best;
        double best_ms = 1e300;
        for (int r = 0; r < repeat; ++r) {
          auto t0 = std::chrono::steady_clock::now();
          auto result = LayoutGraph(input, options);
          double ms = Ms(t0);
          if (!result.ok()) {
            std::fprintf(stderr, "%s: %s\n", c.name.c_str(), result.status().message().c_str());
            return 1;
          }
          if (ms < best_ms) {
            best_ms = ms;
            best = std::move(result.value());
          }
        }
        const LayoutTimes& t = best.times;
        double layout_ms = t.cycles + t.layering + t.ordering + t.coordinates + t.routing;
        std::printf("%-30s %8zu %8zu %7zu %7zu %9.1f %8.1f %8.1f %8.1f %9lld %9lld\n", c.name.c_str(),
                    input.nodes.size(), input.edges.size(), best.nodes.size(), best.edges.size(), best_ms,
                    t.hierarchy, layout_ms, t.compose, static_cast<long long>(best.crossings),
                    static_cast<long long>(best.stats.dummies));
        std::printf("%-30s   phases ms: cycles %.1f layering %.1f ordering %.1f coordinates %.1f routing %.1f; "
                    "groups %d, hubs %d, series %d, sections %d\n",
                    "", t.cycles, t.layering, t.ordering, t.coordinates, t.routing, best.stats.groups_laid_out,
                    best.stats.hubs, best.stats.series, best.stats.sections);
        std::fflush(stdout);
        char row[512];
        std::snprintf(row, sizeof row, "%s\t%zu\t%zu\t%zu\t%zu\t%.2f\t%.2f\t%.2f\t%.2f\t%lld\t%lld\t%d\n",
                      c.name.c_str(), input.nodes.size(), input.edges.size(), best.nodes.size(),
                      best.edges.size(), best_ms, t.hierarchy, layout_ms, t.compose,
                      static_cast<long long>(best.crossings), static_cast<long long>(best.stats.dummies),
                      best.stats.groups_laid_out);
        tsv += row;
        if (!out_dir.empty()) {
          if (!WriteFile(out_dir + "/" + c.name + ".graph.json", VisibleGraphToJson(best)) ||
              !WriteFile(out_dir + "/" + c.name + ".ours.json", LayoutResultToJson(best, true))) {
            std::fprintf(stderr, "cannot write to %s\n", out_dir.c_str());
            return 1;
          }
        }
      }
      Interactive(input, base);
    }
  }
  if (!out_dir.empty() && !WriteFile(out_dir + "/ours.tsv", tsv)) return 1;
  return 0;
}
