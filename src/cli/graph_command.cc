#include "cli/graph_command.h"

#include <algorithm>

#include "cli/command.h"
#include "cli/freeze_command.h"
#include "graph/freeze_rewrite.h"
#include "graph/summary.h"
#include "tensor/json.h"

namespace ckptview::cli {
namespace {

struct Options {
  std::string path;
  bool json = false;
  std::string tags;
  bool tags_given = false;
  size_t ops = 20;
};

int ParseArgs(const std::vector<std::string>& args, Options* o) {
  std::vector<std::string> positional;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const std::string& flag, std::string* out) -> int {
      if (a.compare(0, flag.size() + 1, flag + "=") == 0) {
        *out = a.substr(flag.size() + 1);
        return 1;
      }
      if (a == flag) {
        if (i + 1 >= args.size()) {
          PrintError("graph", flag + " needs a value");
          return -1;
        }
        *out = args[++i];
        return 1;
      }
      return 0;
    };
    std::string v;
    if (a == "--help" || a == "-h") {
      PrintGraphUsage(stdout);
      return kExitOk;
    } else if (a == "--json") {
      o->json = true;
    } else if (int r = value("--tags", &v); r != 0) {
      if (r < 0) return kExitUsage;
      o->tags = v;
      o->tags_given = true;
    } else if (int r2 = value("--ops", &v); r2 != 0) {
      if (r2 < 0) return kExitUsage;
      o->ops = v == "all" ? size_t(-1) : size_t(std::max(0, std::atoi(v.c_str())));
    } else if (a.size() > 1 && a[0] == '-') {
      PrintError("graph", "unknown option '" + a + "' (see 'ckptview graph --help')");
      return kExitUsage;
    } else {
      positional.push_back(a);
    }
  }
  if (positional.size() != 1) {
    PrintGraphUsage(stderr);
    return kExitUsage;
  }
  o->path = positional[0];
  return -1;
}

void PrintText(const graph::Model& model, const graph::GraphSummary& s, const Options& o) {
  if (!model.graph) {
    std::printf("no graph found; checkpoint %s has %zu entries (see 'ckptview inspect')\n",
                s.checkpoint.c_str(), model.checkpoint ? model.checkpoint->variables().size() : size_t(0));
    return;
  }
  std::printf("%s: %s%s%s\n", s.file.c_str(), s.format.c_str(), s.tags.empty() ? "" : (", tags " + s.tags).c_str(),
              s.tensorflow_version.empty() ? "" : (", TensorFlow " + s.tensorflow_version).c_str());
  std::printf("%d nodes, %lld data edges, %lld control edges, %d functions, producer %d\n", s.num_nodes,
              static_cast<long long>(s.num_data_edges), static_cast<long long>(s.num_control_edges),
              s.num_functions, s.producer);
  std::printf("\nops (%zu kinds):\n", s.op_counts.size());
  for (size_t i = 0; i < s.op_counts.size() && i < o.ops; ++i)
    std::printf("  %6d  %s\n", s.op_counts[i].second, s.op_counts[i].first.c_str());
  if (s.op_counts.size() > o.ops) std::printf("  ... %zu more (--ops all)\n", s.op_counts.size() - o.ops);

  std::printf("\ninputs (placeholders): %zu\n", s.placeholders.size());
  for (const graph::TensorSpec& p : s.placeholders)
    std::printf("  %s  %s %s\n", p.name.c_str(), std::string(DTypeName(p.dtype)).c_str(),
                graph::TensorSpecShape(p).c_str());
  if (!s.signatures.empty()) {
    std::printf("\nsignatures: %zu\n", s.signatures.size());
    for (const graph::SignatureSummary& sig : s.signatures) {
      std::printf("  %s%s\n", sig.key.c_str(), sig.method.empty() ? "" : ("  (" + sig.method + ")").c_str());
      for (const auto* list : {&sig.inputs, &sig.outputs}) {
        for (const auto& [key, spec] : *list)
          std::printf("    %s %s: %s %s %s\n", list == &sig.inputs ? "in " : "out", key.c_str(), spec.name.c_str(),
                      std::string(DTypeName(spec.dtype)).c_str(), graph::TensorSpecShape(spec).c_str());
      }
    }
  }
  std::printf("\nsuggested outputs: %s\n", s.suggested_outputs.empty() ? "(none found)" : "");
  std::string joined;
  for (const std::string& n : s.suggested_outputs) {
    std::printf("  %s\n", n.c_str());
    joined += (joined.empty() ? "" : ",") + n;
  }
  if (!joined.empty() && joined.size() < 400) std::printf("  (freeze with --output_node_names=%s)\n", joined.c_str());

  const graph::Bindings& b = model.bindings;
  std::printf("\nvariables: %zu", b.variables.size());
  if (model.checkpoint) {
    std::printf(" (checkpoint %s: %d bound, %d missing, %d dtype mismatch, %d shape mismatch)\n", s.checkpoint.c_str(),
                b.Count(graph::BindingState::kBound), b.Count(graph::BindingState::kMissing),
                b.Count(graph::BindingState::kDTypeMismatch), b.Count(graph::BindingState::kShapeMismatch));
  } else {
    std::printf(" (no checkpoint)\n");
  }
  for (const graph::VariableBinding& v : b.variables) {
    graph::TensorSpec spec;
    spec.unknown_rank = !v.shape_known;
    spec.shape = v.shape;
    std::string line = "  " + v.name + "  " + std::string(DTypeName(v.dtype)) + " " + graph::TensorSpecShape(spec) +
                       "  " + v.op + "  " + graph::BindingStateName(v.state);
    if (!v.key.empty() && v.key != v.name) line += "  <- " + v.key;
    if (!v.slice.empty()) {
      line += " [slice ";
      for (size_t d = 0; d < v.slice.size(); ++d)
        line += (d ? ":" : "") + (v.slice[d].length == -1 ? std::string("-")
                                                          : std::to_string(v.slice[d].start) + "," +
                                                                std::to_string(v.slice[d].length));
      line += "]";
    }
    if (!v.problem.empty() && v.state != graph::BindingState::kBound) line += "  (" + v.problem + ")";
    std::printf("%s\n", line.c_str());
  }
  if (!b.unused_keys.empty()) {
    std::printf("\ncheckpoint entries no graph variable reads: %zu\n", b.unused_keys.size());
    for (size_t i = 0; i < b.unused_keys.size() && i < 20; ++i) std::printf("  %s\n", b.unused_keys[i].c_str());
    if (b.unused_keys.size() > 20) std::printf("  ... %zu more\n", b.unused_keys.size() - 20);
  }
}

}  // namespace

int RunGraph(const std::vector<std::string>& args) {
  Options o;
  if (int rc = ParseArgs(args, &o); rc >= 0) return rc;
  Result<CliInput> input = OpenCliPath(o.path);
  if (!input.ok()) {
    PrintError("", input.status().message());
    return kExitCannotRead;
  }
  if (o.tags_given) {
    input->options.tags = graph::SplitNameList(o.tags);
    input->options.tags_given = true;
  }
  Result<std::unique_ptr<graph::Model>> opened = graph::OpenModel(*input->source, input->options);
  if (!opened.ok()) {
    PrintError("", opened.status().message());
    return kExitCannotRead;
  }
  const graph::Model& model = **opened;
  const graph::GraphSummary summary = graph::SummarizeModel(model);
  if (o.json) {
    std::string out;
    JsonWriter w(&out);
    graph::WriteGraphSummaryJson(summary, &w);
    // Append "warnings" to the summary object.
    out.pop_back();
    std::string warnings;
    JsonWriter ww(&warnings);
    ww.BeginArray();
    for (const std::string& s : model.warnings) ww.String(s);
    ww.EndArray();
    out += ",\"warnings\":" + warnings + "}";
    std::printf("%s\n", out.c_str());
    return kExitOk;
  }
  for (const std::string& w : model.warnings) PrintWarning(w);
  PrintText(model, summary, o);
  return kExitOk;
}

void PrintGraphUsage(std::FILE* out) {
  std::fprintf(out,
               "usage: ckptview graph PATH [--json] [--tags a,b] [--ops N|all]\n"
               "\n"
               "Shows a TensorFlow graph: node count by op, inputs (placeholders) with\n"
               "dtype and shape, signatures, suggested output nodes for freezing, and the\n"
               "variables with the checkpoint entries that hold them (bound, missing,\n"
               "dtype or shape mismatch).\n"
               "PATH is a checkpoint folder, a SavedModel folder, a graph file (.meta, .pb,\n"
               ".pbtxt) or a checkpoint prefix.\n"
               "\n"
               "  --json       everything as one JSON object\n"
               "  --tags a,b   SavedModel meta graph tag set (default serve)\n"
               "  --ops N|all  op kinds to list (default 20)\n");
}

}  // namespace ckptview::cli
