#include "cli/freeze_command.h"

#include <dirent.h>
#include <sys/resource.h>
#include <sys/stat.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <regex>

#include "cli/command.h"
#include "formats/disk_file_source.h"
#include "graph/freeze.h"
#include "graph/freeze_file.h"
#include "graph/summary.h"
#include "tensor/json.h"

namespace ckptview::cli {
namespace {

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string Dir(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return "";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string Base(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string JoinPath(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  return dir == "/" ? "/" + name : dir + "/" + name;
}

bool IsDir(const std::string& path) {
  struct stat st;
  return ::stat(path.empty() ? "." : path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool IsFile(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// A freeze_graph.py boolean: argparse's lambda v: v.lower() == "true", plus 1/0.
bool ParseBool(std::string v, bool* out) {
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  if (v == "true" || v == "1" || v == "yes") return *out = true, true;
  if (v == "false" || v == "0" || v == "no") return *out = false, true;
  return false;
}

struct Options {
  std::string path;                      // short form
  std::string input_graph;
  std::string input_meta_graph;
  std::string input_checkpoint;
  std::string input_saved_model_dir;
  std::string saved_model_tags = "serve";
  bool tags_given = false;
  std::string signature;
  std::string output_node_names;
  std::string output_graph;
  bool clear_devices = true;
  std::string initializer_nodes;
  std::optional<std::string> allowlist, denylist;
  bool fix_training_ops = true;
  bool json = false;
  bool quiet = false;
};

// Flags that take a value; "bool" ones may stand alone (argparse nargs="?").
enum class FlagKind { kString, kBool, kIgnored };
struct Flag {
  const char* name;
  FlagKind kind;
};
constexpr Flag kFlags[] = {
    {"input_graph", FlagKind::kString},
    {"input_saver", FlagKind::kIgnored},
    {"input_binary", FlagKind::kBool},
    {"input_checkpoint", FlagKind::kString},
    {"checkpoint_version", FlagKind::kIgnored},
    {"output_graph", FlagKind::kString},
    {"output_node_names", FlagKind::kString},
    {"restore_op_name", FlagKind::kIgnored},
    {"filename_tensor_name", FlagKind::kIgnored},
    {"clear_devices", FlagKind::kBool},
    {"initializer_nodes", FlagKind::kString},
    {"variable_names_whitelist", FlagKind::kString},
    {"variable_names_allowlist", FlagKind::kString},
    {"variable_names_blacklist", FlagKind::kString},
    {"variable_names_denylist", FlagKind::kString},
    {"input_meta_graph", FlagKind::kString},
    {"input_saved_model_dir", FlagKind::kString},
    {"saved_model_tags", FlagKind::kString},
    {"signature", FlagKind::kString},
    {"fix_training_ops", FlagKind::kBool},
    {"json", FlagKind::kBool},
    {"quiet", FlagKind::kBool},
};

Status SetFlag(const std::string& name, const std::string& value, Options* o) {
  bool b = false;
  if (name == "input_graph") o->input_graph = value;
  else if (name == "input_checkpoint") o->input_checkpoint = value;
  else if (name == "output_graph") o->output_graph = value;
  else if (name == "output_node_names") o->output_node_names = value;
  else if (name == "initializer_nodes") o->initializer_nodes = value;
  else if (name == "variable_names_whitelist" || name == "variable_names_allowlist") o->allowlist = value;
  else if (name == "variable_names_blacklist" || name == "variable_names_denylist") o->denylist = value;
  else if (name == "input_meta_graph") o->input_meta_graph = value;
  else if (name == "input_saved_model_dir") o->input_saved_model_dir = value;
  else if (name == "saved_model_tags") o->saved_model_tags = value, o->tags_given = true;
  else if (name == "signature") o->signature = value;
  else if (name == "clear_devices" || name == "fix_training_ops" || name == "json" || name == "quiet" ||
           name == "input_binary") {
    if (!ParseBool(value, &b)) return Status::Error("--" + name + " takes true or false, not '" + value + "'");
    if (name == "clear_devices") o->clear_devices = b;
    else if (name == "fix_training_ops") o->fix_training_ops = b;
    else if (name == "json") o->json = b;
    else if (name == "quiet") o->quiet = b;
    // input_binary: the content decides (binary or text is sniffed).
  }
  return Status::Ok();
}

// Returns -1 to go on, or the exit code to stop with.
int ParseArgs(const std::vector<std::string>& args, Options* o) {
  std::vector<std::string> positional;
  bool options_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (options_done || a.size() < 2 || a[0] != '-') {
      positional.push_back(a);
      continue;
    }
    if (a == "--") {
      options_done = true;
      continue;
    }
    if (a == "--help" || a == "-h") {
      PrintFreezeUsage(stdout);
      return kExitOk;
    }
    if (a == "-o") {
      if (i + 1 >= args.size()) {
        PrintError("freeze", "-o needs an output file");
        return kExitUsage;
      }
      o->output_graph = args[++i];
      continue;
    }
    // --name=value, --name value, -name=value (absl/argparse also take one dash).
    std::string body = a.substr(a[1] == '-' ? 2 : 1);
    std::optional<std::string> value;
    if (size_t eq = body.find('='); eq != std::string::npos) {
      value = body.substr(eq + 1);
      body = body.substr(0, eq);
    }
    bool negated = false;
    if (!value && body.compare(0, 3, "no_") == 0) {  // --no_clear_devices
      negated = true;
      body = body.substr(3);
    }
    const Flag* flag = nullptr;
    for (const Flag& f : kFlags)
      if (body == f.name) flag = &f;
    if (!flag) {
      PrintError("freeze", "unknown option '" + a + "' (see 'ckptview freeze --help')");
      return kExitUsage;
    }
    if (!value) {
      if (flag->kind == FlagKind::kBool) {
        bool b;
        if (i + 1 < args.size() && ParseBool(args[i + 1], &b)) value = args[++i];
        else value = negated ? "false" : "true";
      } else if (negated) {
        PrintError("freeze", "unknown option '" + a + "'");
        return kExitUsage;
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        PrintError("freeze", "--" + body + " needs a value");
        return kExitUsage;
      }
    }
    if (flag->kind == FlagKind::kIgnored) continue;
    Status s = SetFlag(body, *value, o);
    if (!s.ok()) {
      PrintError("freeze", s.message());
      return kExitUsage;
    }
  }
  if (positional.size() > 1) {
    PrintError("freeze", "one PATH expected, got " + std::to_string(positional.size()) + " (see 'ckptview freeze --help')");
    return kExitUsage;
  }
  if (!positional.empty()) o->path = positional[0];
  const bool flag_form = !o->input_graph.empty() || !o->input_meta_graph.empty() || !o->input_saved_model_dir.empty();
  if (o->path.empty() && !flag_form) {
    if (!o->input_checkpoint.empty()) {
      PrintError("freeze", "--input_checkpoint needs a graph: --input_meta_graph or --input_graph (or give a PATH)");
    } else {
      PrintFreezeUsage(stderr);
    }
    return kExitUsage;
  }
  if (!o->path.empty() && flag_form) {
    PrintError("freeze", "give either a PATH or --input_* flags, not both");
    return kExitUsage;
  }
  if (o->output_graph.empty()) {
    PrintError("freeze", "no output file: give --output_graph=FILE or -o FILE");
    return kExitUsage;
  }
  return -1;
}

// Builds the FileSource and model options for the freeze_graph.py flags.
Result<CliInput> OpenFlagInputs(const Options& o) {
  CliInput in;
  in.source = std::make_unique<MountedFileSource>();
  graph::ModelOptions& mo = in.options;
  if (!o.input_saved_model_dir.empty()) {
    const std::string dir = CleanPath(o.input_saved_model_dir);
    if (!IsDir(dir)) return Status::Error(o.input_saved_model_dir + ": no such folder");
    CKPT_RETURN_IF_ERROR(in.source->AddFolder(dir));
    mo.graph_path = dir;
    if (!graph::IsSavedModelDir(*in.source, dir))
      return Status::Error(o.input_saved_model_dir + ": not a SavedModel folder (no saved_model.pb or saved_model.pbtxt)");
  } else {
    const std::string graph = !o.input_meta_graph.empty() ? o.input_meta_graph : o.input_graph;
    if (!IsFile(graph)) return Status::Error(graph + ": no such file");
    CKPT_RETURN_IF_ERROR(in.source->AddFile(graph));
    mo.graph_path = graph;
  }
  if (o.tags_given || !o.input_saved_model_dir.empty()) {
    mo.tags = graph::SplitNameList(o.saved_model_tags);
    mo.tags_given = true;
  }
  if (!o.input_checkpoint.empty() && o.input_saved_model_dir.empty()) {
    std::string prefix = CleanPath(o.input_checkpoint);
    if (IsDir(prefix) && !IsFile(prefix)) {
      // A folder: its state file's latest (discovery's choice).
      CKPT_RETURN_IF_ERROR(in.source->AddFolder(prefix));
    } else {
      if (EndsWith(prefix, ".index")) prefix.resize(prefix.size() - 6);
      CKPT_ASSIGN_OR_RETURN(bool found, in.source->AddCheckpointFiles(prefix));
      if (!found) return Status::Error(o.input_checkpoint + ": no checkpoint with this prefix (no " + prefix + ".index)");
      mo.checkpoint_prefix = prefix;
    }
  } else if (o.input_checkpoint.empty() && o.input_saved_model_dir.empty()) {
    mo.no_checkpoint = true;
  }
  return in;
}

void WriteReportJson(const graph::FreezeReport& r, const std::string& output, uint64_t bytes,
                     const std::vector<std::string>& outputs) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("output");
  w.String(output);
  w.Key("bytes");
  w.UInt(bytes);
  w.Key("output_node_names");
  w.BeginArray();
  for (const auto& s : outputs) w.String(s);
  w.EndArray();
  w.Key("input_nodes");
  w.Int(r.input_nodes);
  w.Key("output_nodes");
  w.Int(r.output_nodes);
  auto list = [&](const char* key, const std::vector<std::string>& v) {
    w.Key(key);
    w.BeginArray();
    for (const auto& s : v) w.String(s);
    w.EndArray();
  };
  list("converted", r.converted);
  list("from_initializers", r.from_initializers);
  list("not_converted", r.not_converted);
  list("fixed", r.fixed);
  list("renamed_functions", r.renamed_functions);
  list("warnings", r.warnings);
  w.EndObject();
  std::printf("%s\n", out.c_str());
}

// CKPTVIEW_FREEZE_TRACE=1: one stderr line per phase with the time since
// start, the peak RSS so far and the heap in use (bench/freeze reads them).
class PhaseTrace {
 public:
  PhaseTrace() : on_(std::getenv("CKPTVIEW_FREEZE_TRACE") != nullptr), start_(std::chrono::steady_clock::now()) {}
  void Mark(const char* phase) const {
    if (!on_) return;
    struct rusage ru;
    ::getrusage(RUSAGE_SELF, &ru);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
#if defined(__GLIBC__)
    const double heap_mb = double(mallinfo2().uordblks) / (1 << 20);
#else
    const double heap_mb = 0;
#endif
    std::fprintf(stderr, "freeze trace: %-10s %8.1f ms  peak %7.1f MB  heap %7.1f MB\n", phase, ms,
                 double(ru.ru_maxrss) / 1024, heap_mb);
  }

 private:
  bool on_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace

std::string CleanPath(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  if (path == ".") return "";
  if (path.compare(0, 2, "./") == 0 && path.size() > 2) path = path.substr(2);
  return path;
}

// ---------------------------------------------------------------------------
// MountedFileSource

void MountedFileSource::Add(const std::string& listed, formats::FileSource* source, const std::string& inner,
                            uint64_t size) {
  if (index_.count(listed)) return;
  index_[listed] = Entry{source, inner};
  files_.push_back({listed, size});
}

Status MountedFileSource::AddFile(const std::string& path) {
  const std::string clean = CleanPath(path);
  if (index_.count(clean)) return Status::Ok();
  CKPT_ASSIGN_OR_RETURN(std::unique_ptr<formats::DiskFileSource> src, formats::DiskFileSource::Open(clean));
  if (src->Files().size() != 1) return Status::Error(path + ": not a file");
  const formats::FileInfo f = src->Files()[0];
  Add(clean, src.get(), f.path, f.size);
  sources_.push_back(std::move(src));
  return Status::Ok();
}

Status MountedFileSource::AddFolder(const std::string& path) {
  const std::string clean = CleanPath(path);
  CKPT_ASSIGN_OR_RETURN(std::unique_ptr<formats::DiskFileSource> src,
                        formats::DiskFileSource::Open(clean.empty() ? "." : clean));
  for (const formats::FileInfo& f : src->Files()) Add(JoinPath(clean, f.path), src.get(), f.path, f.size);
  sources_.push_back(std::move(src));
  return Status::Ok();
}

Result<bool> MountedFileSource::AddCheckpointFiles(const std::string& prefix) {
  const std::string dir = Dir(prefix);
  const std::string base = Base(prefix);
  DIR* d = ::opendir(dir.empty() ? "." : dir.c_str());
  if (!d) return Status::Error((dir.empty() ? std::string(".") : dir) + ": cannot list the folder");
  static const std::regex kV1Shard("-\\d+-of-\\d+");
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name.compare(0, base.size(), base) != 0) continue;
    const std::string rest = name.substr(base.size());
    if (rest.empty() || rest == ".index" || rest == ".meta" || rest.compare(0, 6, ".data-") == 0 ||
        std::regex_match(rest, kV1Shard))
      names.push_back(name);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  bool found = false;
  for (const std::string& name : names) {
    const std::string path = JoinPath(dir, name);
    if (!IsFile(path)) continue;
    CKPT_RETURN_IF_ERROR(AddFile(path));
    found = found || name != base + ".meta";
  }
  return found;
}

Result<std::string> MountedFileSource::ReadAll(const std::string& path) {
  auto it = index_.find(path);
  if (it == index_.end()) return Status::Error(path + ": no such file");
  return it->second.source->ReadAll(it->second.inner);
}

Status MountedFileSource::ReadRange(const std::string& path, uint64_t offset, uint64_t size, std::string* out) {
  auto it = index_.find(path);
  if (it == index_.end()) return Status::Error(path + ": no such file");
  return it->second.source->ReadRange(it->second.inner, offset, size, out);
}

Result<CliInput> OpenCliPath(const std::string& raw) {
  CliInput in;
  in.source = std::make_unique<MountedFileSource>();
  const std::string path = CleanPath(raw);
  if (IsDir(path)) {
    CKPT_RETURN_IF_ERROR(in.source->AddFolder(path));
    return in;
  }
  if (IsFile(path)) {
    const std::string base = Base(path);
    if (base == "saved_model.pb" || base == "saved_model.pbtxt") {
      CKPT_RETURN_IF_ERROR(in.source->AddFolder(Dir(path)));
      in.options.graph_path = Dir(path);
      return in;
    }
    if (EndsWith(path, ".index")) {  // a checkpoint named by its index
      const std::string prefix = path.substr(0, path.size() - 6);
      CKPT_RETURN_IF_ERROR(in.source->AddCheckpointFiles(prefix).status());
      in.options.checkpoint_prefix = prefix;
      if (in.source->Find(prefix + ".meta")) in.options.graph_path = prefix + ".meta";
      else in.options.no_graph = true;
      return in;
    }
    CKPT_RETURN_IF_ERROR(in.source->AddFile(path));
    in.options.graph_path = path;
    if (EndsWith(path, ".meta")) {
      const std::string prefix = path.substr(0, path.size() - 5);
      CKPT_ASSIGN_OR_RETURN(bool found, in.source->AddCheckpointFiles(prefix));
      if (found) in.options.checkpoint_prefix = prefix;
      else in.options.no_checkpoint = true;
    } else {
      in.options.no_checkpoint = true;
    }
    return in;
  }
  // A checkpoint prefix.
  CKPT_ASSIGN_OR_RETURN(bool found, in.source->AddCheckpointFiles(path));
  if (!found) return Status::Error(raw + ": no such file, folder or checkpoint prefix");
  in.options.checkpoint_prefix = path;
  if (in.source->Find(path + ".meta")) in.options.graph_path = path + ".meta";
  else in.options.no_graph = true;
  return in;
}

// ---------------------------------------------------------------------------

int RunFreeze(const std::vector<std::string>& args) {
  const PhaseTrace trace;
  Options o;
  if (int rc = ParseArgs(args, &o); rc >= 0) return rc;

  Result<CliInput> input = o.path.empty() ? OpenFlagInputs(o) : OpenCliPath(o.path);
  if (!input.ok()) {
    PrintError("", input.status().message());
    return kExitCannotRead;
  }
  if (o.tags_given) {
    input->options.tags = graph::SplitNameList(o.saved_model_tags);
    input->options.tags_given = true;
  }
  input->options.keep_graph = false;  // the viewer's index is not needed to freeze
  input->options.slim_nodes = true;   // nodes stay bytes until written (graph_file.h ParseOptions)
  Result<std::unique_ptr<graph::Model>> opened = graph::OpenModel(*input->source, input->options);
  if (!opened.ok()) {
    PrintError("", opened.status().message());
    return kExitCannotRead;
  }
  graph::Model& model = **opened;
  trace.Mark("open");
  if (!o.quiet)
    for (const std::string& w : model.warnings) PrintWarning(w);

  graph::FreezeOptions fo;
  fo.output_nodes = graph::SplitNameList(o.output_node_names);
  fo.clear_devices = o.clear_devices;
  fo.initializer_nodes = graph::SplitNameList(o.initializer_nodes);
  if (o.allowlist && !o.allowlist->empty()) fo.allowlist = graph::SplitNameList(*o.allowlist);
  if (o.denylist && !o.denylist->empty()) fo.denylist = graph::SplitNameList(*o.denylist);
  fo.fix_training_ops = o.fix_training_ops;
  const bool outputs_given = !fo.output_nodes.empty();
  // The job takes the model: the graph's nodes move into the plan instead of being copied.
  Result<std::unique_ptr<graph::FreezeJob>> job = graph::PlanModelFreeze(std::move(*opened), fo, o.signature);
  if (!job.ok()) {
    const std::string& m = job.status().message();
    const bool usage = !outputs_given || m.rfind("give --output_node_names", 0) == 0;
    const bool no_graph = m.rfind("no graph to freeze", 0) == 0;
    PrintError("freeze", m);
    return no_graph ? kExitCannotRead : usage ? kExitUsage : kExitFailed;
  }
  trace.Mark("plan");
  if (job.ok() && std::getenv("CKPTVIEW_FREEZE_TRACE"))
    std::fprintf(stderr, "freeze trace: %d of %d nodes copied as they are\n", (*job)->report().verbatim_nodes,
                 (*job)->report().output_nodes);
  uint64_t bytes = 0;
  Status written = graph::FreezeToFile(**job, *input->source, o.output_graph, &bytes);
  if (!written.ok()) {
    PrintError("freeze", written.message());
    return kExitFailed;
  }
  trace.Mark("written");
  const graph::FreezeReport& r = (*job)->report();
  // The output is complete and renamed into place. Tearing down the parsed
  // graph, its rewritten copy and the checkpoint index (~10^5 protobuf
  // messages) takes a noticeable part of the run, so the process ends
  // without it once everything printed is flushed.
  auto exit_now = [](int code) {
    std::fflush(stdout);
    std::fflush(stderr);
    std::_Exit(code);
  };
  if (o.json) {
    WriteReportJson(r, o.output_graph, bytes, r.outputs);
    exit_now(kExitOk);
  }
  if (!o.quiet) {
    for (const std::string& w : r.warnings) PrintWarning(w);
    std::printf("froze %zu variable%s: %d of %d nodes kept, %s (%llu bytes)\n", r.converted.size(),
                r.converted.size() == 1 ? "" : "s", r.output_nodes, r.input_nodes, o.output_graph.c_str(),
                static_cast<unsigned long long>(bytes));
    if (!r.not_converted.empty())
      std::printf("left as variables (allow/deny lists): %zu\n", r.not_converted.size());
    for (const std::string& f : r.fixed) std::printf("training-graph fix: %s\n", f.c_str());
    for (const std::string& f : r.from_initializers) std::printf("valued by an initializer: %s\n", f.c_str());
  }
  exit_now(kExitOk);
  return kExitOk;
}

void PrintFreezeUsage(std::FILE* out) {
  std::fprintf(out,
               "usage: ckptview freeze PATH --output_node_names=a,b -o out.pb\n"
               "       ckptview freeze --input_meta_graph=M.meta --input_checkpoint=PREFIX \\\n"
               "                       --output_node_names=a,b --output_graph=out.pb\n"
               "       ckptview freeze --input_saved_model_dir=DIR [--saved_model_tags=serve] ...\n"
               "       ckptview freeze --input_graph=G.pb|G.pbtxt --input_checkpoint=PREFIX ...\n"
               "\n"
               "Turns variables into constants holding their checkpoint values, keeps only\n"
               "what the output nodes need, and writes one GraphDef, as TensorFlow's\n"
               "freeze_graph.py does. PATH is a checkpoint folder (its latest checkpoint and\n"
               "that checkpoint's .meta), a SavedModel folder, a checkpoint prefix or a graph\n"
               "file. Flags take '--flag=value' or '--flag value'.\n"
               "\n"
               "  --output_node_names=a,b     nodes to keep (default for a SavedModel: the\n"
               "                              outputs of its serving_default signature)\n"
               "  --output_graph=FILE, -o FILE  where to write (replaced only when complete)\n"
               "  --input_graph=FILE          a GraphDef, binary or text (sniffed)\n"
               "  --input_meta_graph=FILE     a MetaGraphDef (.meta); its SaverDef maps keys\n"
               "  --input_checkpoint=PREFIX   checkpoint with the values (or its folder)\n"
               "  --input_saved_model_dir=DIR a SavedModel; values from its variables/\n"
               "  --saved_model_tags=a,b      tag set of the meta graph (default serve)\n"
               "  --signature=KEY             SavedModel signature whose outputs to keep\n"
               "  --clear_devices[=true|false]  clear device fields (default true)\n"
               "  --initializer_nodes=a,b     run-after-restore initializers: variables they\n"
               "                              assign a constant to take that value\n"
               "  --variable_names_allowlist=a,b (or _whitelist)  convert only these\n"
               "  --variable_names_denylist=a,b  (or _blacklist)  do not convert these\n"
               "  --fix_training_ops=false    keep RefSwitch/AssignSub/AssignAdd/Assign on frozen\n"
               "                              variables as TF does (default: rewrite them so\n"
               "                              the graph imports)\n"
               "  --json                      print a JSON report of what was done\n"
               "  --quiet                     print nothing on success\n"
               "Accepted for compatibility and ignored: --input_binary (content is sniffed),\n"
               "--input_saver, --restore_op_name, --filename_tensor_name, --checkpoint_version.\n"
               "\n"
               "Exit codes: 0 written; 1 cannot freeze (missing variable, unknown output\n"
               "node, over 2 GB...); 2 usage error; 3 cannot open or read an input.\n");
}

}  // namespace ckptview::cli
