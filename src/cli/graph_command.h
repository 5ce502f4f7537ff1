// `ckptview graph PATH [--json] [--tags a,b] [--ops N]`: what a graph holds —
// node count by op, placeholders with dtype and shape, signatures, suggested
// outputs, and its variables bound to (or missing from) the checkpoint next
// to it. PATH: a checkpoint folder, a SavedModel folder, a graph file
// (.meta, .pb, .pbtxt) or a checkpoint prefix. --json prints the object of
// graph/summary.h WriteGraphSummaryJson plus "warnings".
//
// Exit codes (command.h): 0 ok; 2 usage error; 3 nothing openable at PATH
// or the graph cannot be read.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace ckptview::cli {

int RunGraph(const std::vector<std::string>& args);
void PrintGraphUsage(std::FILE* out);

}  // namespace ckptview::cli
