// `ckptview layout PATH [--json] [--expand readable|all|collapsed] [--no-times]`:
// lays out a graph with the core's layout engine (graph/layout) and prints
// a summary, or with --json the node positions, edge routes, crossing count
// and per-phase timings, for tests and benchmarks.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace ckptview::cli {

int RunLayout(const std::vector<std::string>& args);
void PrintLayoutUsage(std::FILE* out);

}  // namespace ckptview::cli
