// ckptview: the command line. A dispatcher over subcommands; each lives in
// its own file and registers in kCommands.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/freeze_command.h"
#include "cli/graph_command.h"
#include "cli/inspect.h"
#include "cli/layout_command.h"

namespace ckptview::cli {
namespace {

const Command kCommands[] = {
    {"inspect", "list a checkpoint's variables, print values, verify checksums", RunInspect,
     PrintInspectUsage},
    {"graph", "show a graph: ops, inputs, suggested outputs, variables bound or missing", RunGraph,
     PrintGraphUsage},
    {"freeze", "variables to constants in one GraphDef, as TensorFlow's freeze_graph.py", RunFreeze,
     PrintFreezeUsage},
    {"layout", "lay out a graph: positions, edge routes, crossings, timings", RunLayout,
     PrintLayoutUsage},
};

void PrintUsage(std::FILE* out) {
  std::fprintf(out,
               "usage: ckptview <command> [arguments]\n"
               "\n"
               "Opens TensorFlow checkpoints (V2 bundles, V1 files, SavedModel variables)\n"
               "without TensorFlow.\n"
               "\n"
               "commands:\n");
  for (const Command& c : kCommands) std::fprintf(out, "  %-10s %s\n", c.name, c.summary);
  std::fprintf(out,
               "\n"
               "Run 'ckptview <command> --help' for a command's options.\n"
               "Exit codes: 0 ok, 1 problem found (e.g. corruption), 2 usage error,\n"
               "3 cannot open or read a file.\n");
}

}  // namespace

int Main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    PrintUsage(stderr);
    return kExitUsage;
  }
  const std::string& name = args[0];
  if (name == "--help" || name == "-h" || name == "help") {
    if (name == "help" && args.size() > 1) {
      for (const Command& c : kCommands) {
        if (args[1] == c.name) {
          c.usage(stdout);
          return kExitOk;
        }
      }
    }
    PrintUsage(stdout);
    return kExitOk;
  }
  for (const Command& c : kCommands) {
    if (name == c.name) return c.run(std::vector<std::string>(args.begin() + 1, args.end()));
  }
  PrintError(name, "unknown command (run 'ckptview --help' for the list)");
  return kExitUsage;
}

}  // namespace ckptview::cli

int main(int argc, char** argv) { return ckptview::cli::Main(argc, argv); }
