// A library function's body as a GraphDef, so the graph view can show it
// like any graph: one `_Arg` node per input argument, the body's nodes with
// inputs rewritten from function syntax ("node:out_arg:k") to graph syntax
// ("node:k"), and one `_Retval` node per output fed by the `ret` mapping.
// The output index k counts within the named output argument only (the op's
// argument list is not known here), which is exact for the common
// single-output-argument ops and good enough for drawing edges.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "function.pb.h"
#include "graph.pb.h"
#include "graph/graph.h"

namespace ckptview::app {

// "node:out:2" → "node:2", "node:out:0" → "node", "^node" and "arg" unchanged.
std::string FunctionInputToGraphInput(std::string_view input);

// Library functions of `library_owner` that `node` calls: its op names one,
// or a func attr (f, then_branch, else_branch, body, cond, branches) does.
// Works for nodes of function bodies too (they share the owner's library).
std::vector<std::string> CalledFunctions(const tensorflow::NodeDef& node, const graph::Graph& library_owner);

// Fails only on a function without a name.
Result<tensorflow::GraphDef> FunctionBodyGraph(const tensorflow::FunctionDef& function);

}  // namespace ckptview::app
