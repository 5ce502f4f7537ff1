#include "app/graph_function.h"

#include <algorithm>
#include <cctype>
#include <unordered_set>

namespace ckptview::app {
namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

}  // namespace

std::string FunctionInputToGraphInput(std::string_view input) {
  if (!input.empty() && input[0] == '^') return std::string(input);
  const size_t first = input.find(':');
  if (first == std::string_view::npos) return std::string(input);
  const std::string_view node = input.substr(0, first);
  const std::string_view rest = input.substr(first + 1);
  const size_t second = rest.find(':');
  // "arg:k" (graph syntax already) stays; "node:out" means output 0 of `out`.
  if (second == std::string_view::npos) return AllDigits(rest) ? std::string(input) : std::string(node);
  const std::string_view index = rest.substr(second + 1);
  if (!AllDigits(index) || index == "0" || std::all_of(index.begin(), index.end(), [](char c) { return c == '0'; }))
    return std::string(node);
  return std::string(node) + ":" + std::string(index);
}

std::vector<std::string> CalledFunctions(const tensorflow::NodeDef& node, const graph::Graph& library_owner) {
  std::vector<std::string> out;
  auto add = [&](const std::string& name) {
    if (library_owner.FindFunction(name) >= 0 && std::find(out.begin(), out.end(), name) == out.end())
      out.push_back(name);
  };
  add(node.op());
  for (const auto& [key, value] : node.attr()) {
    if (value.value_case() == tensorflow::AttrValue::kFunc) add(value.func().name());
    if (value.value_case() == tensorflow::AttrValue::kList)
      for (const auto& f : value.list().func()) add(f.name());
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<tensorflow::GraphDef> FunctionBodyGraph(const tensorflow::FunctionDef& function) {
  const tensorflow::OpDef& sig = function.signature();
  if (sig.name().empty()) return Status::Error("function without a name in the graph's library");
  tensorflow::GraphDef out;
  std::unordered_set<std::string> names;
  for (int i = 0; i < sig.input_arg_size(); ++i) {
    tensorflow::NodeDef* n = out.add_node();
    n->set_name(sig.input_arg(i).name());
    n->set_op("_Arg");
    (*n->mutable_attr())["T"].set_type(sig.input_arg(i).type());
    (*n->mutable_attr())["index"].set_i(i);
    names.insert(n->name());
  }
  for (const tensorflow::NodeDef& body : function.node_def()) {
    tensorflow::NodeDef* n = out.add_node();
    *n = body;
    for (int k = 0; k < n->input_size(); ++k) n->set_input(k, FunctionInputToGraphInput(n->input(k)));
    names.insert(n->name());
  }
  for (int i = 0; i < sig.output_arg_size(); ++i) {
    const std::string& arg = sig.output_arg(i).name();
    tensorflow::NodeDef* n = out.add_node();
    // Output names may repeat a body node's name; the graph needs unique names.
    std::string name = arg;
    while (names.count(name)) name += "_retval";
    n->set_name(name);
    n->set_op("_Retval");
    (*n->mutable_attr())["T"].set_type(sig.output_arg(i).type());
    (*n->mutable_attr())["index"].set_i(i);
    auto it = function.ret().find(arg);
    if (it != function.ret().end()) n->add_input(FunctionInputToGraphInput(it->second));
    names.insert(name);
  }
  return out;
}

}  // namespace ckptview::app
