#include "cli/inspect.h"

#include <memory>
#include <optional>

#include "cli/close_matches.h"
#include "cli/command.h"
#include "cli/locate.h"
#include "cli/text_table.h"
#include "formats/checkpoint.h"
#include "graph/graph_constants.h"
#include "graph/model.h"
#include "tensor/format.h"
#include "tensor/json.h"
#include "tensor/value.h"

namespace ckptview::cli {
namespace {

using formats::Checkpoint;
using formats::VariableInfo;

struct Options {
  std::string path;
  std::optional<std::string> tensor;
  bool all = false;
  bool verify = false;
  bool json = false;
  bool values = false;
};

// Returns -1 to go on, or the exit code to stop with.
int ParseArgs(const std::vector<std::string>& args, Options* o) {
  std::vector<std::string> positional;
  bool options_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (options_done || a.empty() || a[0] != '-' || a == "-") {
      positional.push_back(a);
    } else if (a == "--") {
      options_done = true;
    } else if (a == "--help" || a == "-h") {
      PrintInspectUsage(stdout);
      return kExitOk;
    } else if (a == "--all") {
      o->all = true;
    } else if (a == "--verify") {
      o->verify = true;
    } else if (a == "--json") {
      o->json = true;
    } else if (a == "--values") {
      o->values = true;
    } else if (a == "--tensor") {
      if (i + 1 >= args.size()) {
        PrintError("inspect", "--tensor needs a NAME (see 'ckptview inspect --help')");
        return kExitUsage;
      }
      o->tensor = args[++i];
    } else if (a.compare(0, 9, "--tensor=") == 0) {
      o->tensor = a.substr(9);
    } else {
      PrintError("inspect", "unknown option '" + a + "' (see 'ckptview inspect --help')");
      return kExitUsage;
    }
  }
  if (positional.size() != 1) {
    PrintError("inspect", positional.empty() ? "missing PATH (see 'ckptview inspect --help')"
                                             : "expected one PATH, got " + std::to_string(positional.size()));
    return kExitUsage;
  }
  o->path = positional[0];
  if (o->path.empty()) {
    PrintError("inspect", "PATH is empty");
    return kExitUsage;
  }
  return -1;
}

// A tensor's size: its elements' bytes for fixed-size dtypes (what TF
// allocates; V1 files store them as varint-packed protos, a different
// count), the stored bytes for strings, resources and variants.
uint64_t TensorBytes(const VariableInfo& v) {
  const int64_t n = NumElements(v.shape);
  const int size = DTypeSize(v.dtype);
  if (size > 0 && n >= 0) return static_cast<uint64_t>(n) * static_cast<uint64_t>(size);
  return v.bytes;
}

const char* FormatName(formats::CheckpointFormat f) {
  switch (f) {
    case formats::CheckpointFormat::kBundleV2: return "bundle-v2";
    case formats::CheckpointFormat::kSlicesV1: return "slices-v1";
    case formats::CheckpointFormat::kGraphConstants: return "graph-constants";
  }
  return "?";
}

// The checkpoint key NAME refers to: a key, a TF2 object path, or an object
// path without its "/.ATTRIBUTES/VARIABLE_VALUE" suffix. "" if none.
std::string ResolveName(const Checkpoint& c, const std::string& name) {
  if (c.Find(name)) return name;
  const VariableInfo* by_path = nullptr;
  for (const VariableInfo& v : c.variables()) {
    if (v.object_path != name) continue;
    // An object can save several attributes; its variable value comes first.
    if (!by_path || v.key.find("/.ATTRIBUTES/VARIABLE_VALUE") != std::string::npos) by_path = &v;
  }
  if (by_path) return by_path->key;
  const std::string attr = name + "/.ATTRIBUTES/VARIABLE_VALUE";
  if (c.Find(attr)) return attr;
  return "";
}

class Inspector {
 public:
  Inspector(const Options& o, LocatedCheckpoint loc, std::unique_ptr<Checkpoint> ckpt)
      : o_(o), loc_(std::move(loc)), ckpt_(std::move(ckpt)) {
    for (const std::string& n : loc_.notes) warnings_.push_back(n);
    for (const std::string& w : loc_.discovery.warnings) warnings_.push_back(loc_.DisplayError(w));
    for (const std::string& w : ckpt_->warnings()) warnings_.push_back(loc_.DisplayError(w));
    for (const VariableInfo& v : ckpt_->variables()) {
      total_bytes_ += TensorBytes(v);
      int64_t n = NumElements(v.shape);
      if (IsNumeric(v.dtype) && n > 0) total_parameters_ += static_cast<uint64_t>(n);
    }
  }

  // Fails (exit 2) if --tensor names nothing in the checkpoint.
  int ResolveTensor() {
    if (!o_.tensor) return -1;
    tensor_key_ = ResolveName(*ckpt_, *o_.tensor);
    if (!tensor_key_.empty()) return -1;
    std::vector<std::string> names;
    for (const VariableInfo& v : ckpt_->variables()) {
      names.push_back(v.key);
      if (!v.object_path.empty()) names.push_back(v.object_path);
    }
    std::vector<std::string> close = CloseMatches(*o_.tensor, names);
    std::string msg = "no variable named '" + *o_.tensor + "'";
    if (close.empty()) {
      msg += " (run 'ckptview inspect " + o_.path + "' to list them)";
    } else {
      msg += "; close matches: ";
      for (size_t i = 0; i < close.size(); ++i) msg += (i ? ", " : "") + close[i];
    }
    PrintError(loc_.Display(ckpt_->prefix()), msg);
    return kExitUsage;
  }

  int Run() { return o_.json ? RunJson() : RunText(); }

 private:
  bool Wanted(const VariableInfo& v) const { return o_.values || v.key == tensor_key_; }
  bool NeedsRead(const VariableInfo& v) const { return o_.verify || Wanted(v); }

  // Reads one tensor (every checksum checked); records verify results and
  // failures of values that were asked for. A tensor read only to verify it
  // is streamed (Checkpoint::Verify) and comes back empty.
  Result<Tensor> Read(const VariableInfo& v) {
    Result<Tensor> t = Tensor{};
    if (Wanted(v)) {
      t = ckpt_->Read(v.key, *loc_.source);
    } else if (Status s = ckpt_->Verify(v.key, *loc_.source); !s.ok()) {
      t = s;
    }
    Result<Tensor> out = t.ok() ? std::move(t) : Result<Tensor>(Status::Error(loc_.DisplayError(t.status().message())));
    if (o_.verify) {
      ++verified_tensors_;
      verified_bytes_ += TensorBytes(v);
      if (!out.ok()) corrupt_.push_back({v.key, out.status().message()});
    }
    if (!out.ok() && Wanted(v)) {
      ++read_failures_;
      if (first_failure_.empty()) first_failure_ = out.status().message();
    }
    return out;
  }

  int ExitCode() const {
    if (!corrupt_.empty()) return kExitFailed;
    if (read_failures_ > 0) {
      PrintError(loc_.Display(ckpt_->prefix()),
                 std::to_string(read_failures_) + " tensor" + (read_failures_ == 1 ? "" : "s") +
                     " could not be read; first: " + first_failure_);
      return kExitCannotRead;
    }
    return kExitOk;
  }

  std::string Title(const VariableInfo& v) const {
    std::string s = v.key;
    if (!v.object_path.empty() && v.object_path != v.key) s += " (" + v.object_path + ")";
    return s + "  " + std::string(DTypeName(v.dtype)) + " " + ShapeString(v.shape);
  }

  // ---- text ----
  int RunText() {
    std::string out = Header();
    if (!o_.tensor && !o_.values && !o_.verify) out += Table();
    Flush(&out);
    for (const VariableInfo& v : ckpt_->variables()) {
      if (!NeedsRead(v)) continue;
      Result<Tensor> t = Read(v);
      if (!Wanted(v)) continue;
      out += "\n" + Title(v) + "\n";
      if (!t.ok()) {
        out += "error: " + t.status().message() + "\n";
      } else {
        FormatOptions f;
        f.summarize = !o_.all;
        Result<std::string> text = FormatTensor(*t, f);
        out += (text.ok() ? *text : "error: " + text.status().message()) + "\n";
      }
      Flush(&out);
    }
    if (o_.verify) {
      if (!corrupt_.empty()) out += "\n";
      for (const auto& c : corrupt_) out += "CORRUPT  " + c.first + ": " + c.second + "\n";
      out += "verified " + std::to_string(verified_tensors_) + " tensors, " + std::to_string(verified_bytes_) +
             " bytes, " + std::to_string(corrupt_.size()) + " corrupt\n";
    }
    Flush(&out);
    for (const std::string& w : warnings_) PrintWarning(w);
    return ExitCode();
  }

  std::string Header() const {
    const auto& cps = loc_.discovery.checkpoints;
    const std::string& chosen = ckpt_->prefix();
    std::string s = loc_.Display(chosen);
    if (!loc_.latest.empty() && loc_.latest == chosen) s += " (latest)";
    s += ": " + std::string(FormatName(ckpt_->format())) + ", " + WithThousands(ckpt_->variables().size()) +
         " variables, " + WithThousands(total_parameters_) + " parameters, " + WithThousands(total_bytes_) +
         " bytes";
    if (total_bytes_ >= 1024) s += " (" + HumanBytes(total_bytes_) + ")";
    s += "\n";
    if (cps.size() > 1) {
      s += "other checkpoints:";
      bool first = true;
      for (const auto& c : cps) {
        if (c.prefix == chosen) continue;
        s += (first ? " " : ", ") + loc_.Display(c.prefix);
        if (c.prefix == loc_.latest) s += " (latest)";
        first = false;
      }
      s += "\n";
    }
    return s;
  }

  std::string Table() const {
    bool any_path = false, any_slices = false;
    for (const VariableInfo& v : ckpt_->variables()) {
      any_path |= !v.object_path.empty() && v.object_path != v.key;
      any_slices |= v.num_slices > 0;
    }
    using A = TextTable::Align;
    std::vector<std::string> headers = {"NAME"};
    std::vector<A> align = {A::kLeft};
    if (any_path) {
      headers.push_back("OBJECT PATH");
      align.push_back(A::kLeft);
    }
    for (const char* h : {"DTYPE", "SHAPE", "BYTES", "SHARD"}) headers.push_back(h);
    align.insert(align.end(), {A::kLeft, A::kLeft, A::kRight, A::kRight});
    if (any_slices) {
      headers.push_back("SLICES");
      align.push_back(A::kRight);
    }
    headers.push_back("SLOT");
    align.push_back(A::kLeft);
    TextTable table(headers, align);
    for (const VariableInfo& v : ckpt_->variables()) {
      std::vector<std::string> row = {v.key};
      if (any_path) row.push_back(v.object_path != v.key ? v.object_path : "");
      row.push_back(std::string(DTypeName(v.dtype)));
      row.push_back(ShapeString(v.shape));
      row.push_back(std::to_string(TensorBytes(v)));
      row.push_back(v.shard >= 0 ? std::to_string(v.shard) : "-");
      if (any_slices) row.push_back(v.num_slices > 0 ? std::to_string(v.num_slices) : "");
      row.push_back(v.optimizer_slot ? "slot" : "");
      table.AddRow(std::move(row));
    }
    return table.Render();
  }

  // ---- JSON ----
  int RunJson() {
    std::string out;
    JsonWriter w(&out);
    w.BeginObject();
    w.Key("path");
    w.String(o_.path);
    w.Key("format");
    w.String(FormatName(ckpt_->format()));
    w.Key("prefix");
    w.String(loc_.Display(ckpt_->prefix()));
    w.Key("checkpoints");
    w.BeginArray();
    for (const auto& c : loc_.discovery.checkpoints) w.String(loc_.Display(c.prefix));
    w.EndArray();
    w.Key("latest");
    if (loc_.latest.empty()) w.Null();
    else w.String(loc_.Display(loc_.latest));

    std::optional<Result<Tensor>> chosen_tensor;
    const VariableInfo* chosen_info = nullptr;
    w.Key("variables");
    w.BeginArray();
    for (const VariableInfo& v : ckpt_->variables()) {
      std::optional<Result<Tensor>> t;
      if (NeedsRead(v)) t = Read(v);
      w.BeginObject();
      WriteInfo(v, &w);
      if (Wanted(v)) WriteValues(*t, &w);
      w.EndObject();
      if (v.key == tensor_key_) {
        chosen_tensor = std::move(t);
        chosen_info = &v;
      }
      Flush(&out);
    }
    w.EndArray();
    w.Key("total_parameters");
    w.UInt(total_parameters_);
    w.Key("total_bytes");
    w.UInt(total_bytes_);
    if (chosen_info) {
      w.Key("tensor");
      w.BeginObject();
      w.Key("name");
      w.String(chosen_info->key);
      w.Key("dtype");
      w.String(DTypeName(chosen_info->dtype));
      w.Key("shape");
      WriteShape(chosen_info->shape, &w);
      WriteValues(*chosen_tensor, &w);
      w.EndObject();
    }
    if (o_.verify) {
      w.Key("verify");
      w.BeginObject();
      w.Key("tensors");
      w.Int(verified_tensors_);
      w.Key("bytes");
      w.UInt(verified_bytes_);
      w.Key("corrupt");
      w.BeginArray();
      for (const auto& c : corrupt_) {
        w.BeginObject();
        w.Key("name");
        w.String(c.first);
        w.Key("error");
        w.String(c.second);
        w.EndObject();
      }
      w.EndArray();
      w.EndObject();
    }
    w.Key("warnings");
    w.BeginArray();
    for (const std::string& s : warnings_) w.String(s);
    w.EndArray();
    w.EndObject();
    out += '\n';
    Flush(&out);
    return ExitCode();
  }

  static void WriteShape(const Shape& shape, JsonWriter* w) {
    w->BeginArray();
    for (int64_t d : shape) w->Int(d);
    w->EndArray();
  }

  static void WriteInfo(const VariableInfo& v, JsonWriter* w) {
    w->Key("name");
    w->String(v.key);
    w->Key("dtype");
    w->String(DTypeName(v.dtype));
    w->Key("shape");
    WriteShape(v.shape, w);
    w->Key("bytes");
    w->UInt(TensorBytes(v));
    w->Key("shard");
    if (v.shard >= 0) w->Int(v.shard);
    else w->Null();
    w->Key("slices");
    w->Int(v.num_slices);
    w->Key("object_path");
    if (v.object_path.empty()) w->Null();
    else w->String(v.object_path);
    w->Key("optimizer_slot");
    w->Bool(v.optimizer_slot);
  }

  static void WriteValues(const Result<Tensor>& t, JsonWriter* w) {
    if (t.ok()) {
      // Checked before the key is written, so a failure leaves valid JSON.
      if (KindOf(t->dtype) != ValueKind::kNone && StoredElements(*t) >= 0) {
        w->Key("values");
        (void)WriteTensorValues(*t, w);
        return;
      }
      w->Key("error");
      w->String("cannot show values of dtype " + std::string(DTypeName(t->dtype)));
      return;
    }
    w->Key("error");
    w->String(t.status().message());
  }

  static void Flush(std::string* out) {
    std::fwrite(out->data(), 1, out->size(), stdout);
    out->clear();
  }

  const Options& o_;
  LocatedCheckpoint loc_;
  std::unique_ptr<Checkpoint> ckpt_;
  std::vector<std::string> warnings_;
  std::string tensor_key_;
  uint64_t total_bytes_ = 0;
  uint64_t total_parameters_ = 0;
  int64_t verified_tensors_ = 0;
  uint64_t verified_bytes_ = 0;
  std::vector<std::pair<std::string, std::string>> corrupt_;
  int read_failures_ = 0;
  std::string first_failure_;
};

// A graph file alone (a frozen .pb): its Const nodes are listed and read as
// its variables, as the page and the desktop app show them.
Result<std::unique_ptr<Checkpoint>> OpenGraphConstants(const LocatedCheckpoint& loc,
                                                       std::unique_ptr<graph::Model>* model) {
  graph::ModelOptions options;
  options.graph_path = loc.graph_file;
  options.no_checkpoint = true;
  CKPT_ASSIGN_OR_RETURN(*model, graph::OpenModel(*loc.source, options));
  if (!(*model)->graph) return Status::Error(loc.graph_file + ": no graph in it");
  std::unique_ptr<Checkpoint> constants = graph::GraphConstants::Open((*model)->graph->def(), loc.graph_file);
  if (!constants)
    return Status::Error(loc.graph_file + ": a graph without constants and no checkpoint: nothing to list " +
                         "(`ckptview graph` shows its nodes)");
  return constants;
}

}  // namespace

void PrintInspectUsage(std::FILE* out) {
  std::fprintf(out,
               "usage: ckptview inspect PATH [--tensor NAME] [--all] [--verify] [--json] [--values]\n"
               "\n"
               "Lists what a TensorFlow checkpoint holds: format, variables (dtype, shape,\n"
               "bytes, data shard, TF2 object path, optimizer slots), totals, and the other\n"
               "checkpoints in its folder.\n"
               "\n"
               "PATH  a checkpoint prefix (dir/model.ckpt-1 for dir/model.ckpt-1.index),\n"
               "      a folder (its 'checkpoint' state file's latest, else its newest\n"
               "      checkpoint), a .index, .data-NNNNN-of-NNNNN or .meta file, a V1\n"
               "      checkpoint file, a SavedModel folder, or a graph file without a\n"
               "      checkpoint (a frozen .pb: its Const nodes are listed as variables).\n"
               "\n"
               "options:\n"
               "  --tensor NAME  print one tensor's values, numpy-style (NAME: checkpoint key\n"
               "                 or TF2 object path)\n"
               "  --all          print every element (default: numpy's summary above 1000)\n"
               "  --values       print every variable's values\n"
               "  --verify       read every tensor and check its checksums; exit 1 if any\n"
               "                 is corrupt\n"
               "  --json         everything as one JSON object\n"
               "  -h, --help     this help\n"
               "\n"
               "Parameters count the elements of numeric tensors (optimizer slots included).\n"
               "Exit codes: 0 ok, 1 corruption found (--verify), 2 usage error or unknown\n"
               "NAME, 3 cannot open PATH or read a requested tensor.\n");
}

int RunInspect(const std::vector<std::string>& args) {
  Options o;
  int rc = ParseArgs(args, &o);
  if (rc >= 0) return rc;

  Result<LocatedCheckpoint> loc = LocateCheckpoint(o.path);
  if (!loc.ok()) {
    PrintError("", loc.status().message());
    return kExitCannotRead;
  }
  std::unique_ptr<graph::Model> graph_model;  // a graph file's: holds the constants' GraphDef
  Result<std::unique_ptr<Checkpoint>> ckpt =
      loc->graph_file.empty() ? formats::OpenCheckpoint(*loc->source, loc->ref().prefix, loc->ref().format)
                              : OpenGraphConstants(*loc, &graph_model);
  if (!ckpt.ok()) {
    PrintError("", loc->DisplayError(ckpt.status().message()));
    return kExitCannotRead;
  }
  Inspector inspector(o, std::move(loc).value(), std::move(ckpt).value());
  rc = inspector.ResolveTensor();
  if (rc >= 0) return rc;
  return inspector.Run();
}

}  // namespace ckptview::cli
