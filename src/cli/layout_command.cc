#include "cli/layout_command.h"

#include <chrono>

#include "cli/command.h"
#include "cli/freeze_command.h"
#include "graph/layout/layout.h"
#include "graph/layout/layout_json.h"
#include "graph/layout_input.h"
#include "graph/model.h"

namespace ckptview::cli {
namespace {

struct Options {
  std::string path;
  bool json = false;
  bool times = true;
  graph::layout::Expansion expansion = graph::layout::Expansion::kReadable;
};

// Returns an exit code to stop with, or -1 to go on.
int ParseArgs(const std::vector<std::string>& args, Options* o) {
  std::vector<std::string> positional;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    if (a == "--expand" && i + 1 < args.size()) a = "--expand=" + args[++i];
    if (a == "--help" || a == "-h") {
      PrintLayoutUsage(stdout);
      return kExitOk;
    } else if (a == "--json") {
      o->json = true;
    } else if (a == "--no-times") {
      o->times = false;
    } else if (a == "--expand=readable") {
      o->expansion = graph::layout::Expansion::kReadable;
    } else if (a == "--expand=all") {
      o->expansion = graph::layout::Expansion::kAll;
    } else if (a == "--expand=collapsed") {
      o->expansion = graph::layout::Expansion::kCollapsed;
    } else if (a.size() > 1 && a[0] == '-') {
      PrintError("layout", "unknown option '" + a + "' (see 'ckptview layout --help')");
      return kExitUsage;
    } else {
      positional.push_back(a);
    }
  }
  if (positional.size() != 1) {
    PrintLayoutUsage(stderr);
    return kExitUsage;
  }
  o->path = positional[0];
  return -1;
}

}  // namespace

int RunLayout(const std::vector<std::string>& args) {
  Options o;
  if (int rc = ParseArgs(args, &o); rc >= 0) return rc;
  Result<CliInput> input = OpenCliPath(o.path);
  if (!input.ok()) {
    PrintError("", input.status().message());
    return kExitCannotRead;
  }
  Result<std::unique_ptr<graph::Model>> model = graph::OpenModel(*input->source, input->options);
  if (!model.ok()) {
    PrintError("", model.status().message());
    return kExitCannotRead;
  }
  if (!(*model)->graph) {
    PrintError(o.path, "no graph found (a checkpoint alone has nothing to lay out)");
    return kExitCannotRead;
  }
  graph::layout::LayoutOptions options;
  options.initial_expansion = o.expansion;
  const auto start = std::chrono::steady_clock::now();
  Result<graph::layout::LayoutResult> result =
      graph::layout::LayoutGraph(graph::LayoutInputFromGraph(*(*model)->graph), options);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (!result.ok()) {
    PrintError(o.path, result.status().message());
    return kExitCannotRead;
  }
  if (o.json) {
    std::printf("%s\n", graph::layout::LayoutResultToJson(*result, o.times).c_str());
  } else {
    std::printf("%d nodes in the graph; %zu boxes, %zu groups, %zu edges, %zu hub stubs visible\n",
                (*model)->graph->num_nodes(), result->nodes.size(), result->groups.size(),
                result->edges.size(), result->stubs.size());
    std::printf("size %.0f x %.0f, %lld crossings, laid out in %.1f ms\n", result->width, result->height,
                static_cast<long long>(result->crossings), ms);
  }
  return kExitOk;
}

void PrintLayoutUsage(std::FILE* out) {
  std::fprintf(out,
               "usage: ckptview layout PATH [--json] [--expand readable|all|collapsed] [--no-times]\n"
               "\n"
               "Lays out the graph at PATH (a graph file, checkpoint folder or SavedModel)\n"
               "with name scopes as groups, repeated siblings folded and hub nodes as stubs.\n"
               "\n"
               "  --expand=readable  open groups while at most ~200 boxes show (default)\n"
               "  --expand=all       every group expanded\n"
               "  --expand=collapsed only the top level\n"
               "  --json             positions, edge routes, crossings and timings as JSON\n"
               "  --no-times         leave timings out of the JSON (for byte-stable output)\n");
}

}  // namespace ckptview::cli
