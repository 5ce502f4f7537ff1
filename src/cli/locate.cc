#include "cli/locate.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "formats/checkpoint_state.h"
#include "formats/checkpoint_v1.h"
#include "formats/tensor_bundle.h"

namespace ckptview::cli {
namespace {

using formats::CheckpointRef;
using formats::Discovery;
using formats::PathBaseName;
using formats::PathDirName;

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

int FindPrefix(const Discovery& d, const std::string& prefix) {
  for (size_t i = 0; i < d.checkpoints.size(); ++i) {
    if (d.checkpoints[i].prefix == prefix) return int(i);
  }
  return -1;
}

// A state file written on another machine names "/tmp/run/model.ckpt-5",
// which discovery resolved to the same name next to the state file: says so
// ("" if the preferred checkpoint is not from a state file, or is as named).
std::string StaleStateFileNote(const Discovery& d) {
  if (d.preferred_state < 0) return "";
  const std::string& state_file = d.state_files[size_t(d.preferred_state)];
  const std::string& named = d.states[size_t(d.preferred_state)].model_checkpoint_path;
  struct stat st;
  if (!formats::IsAbsolutePath(named) || stat((named + ".index").c_str(), &st) == 0 || stat(named.c_str(), &st) == 0) {
    return "";
  }
  return state_file + ": names " + named + ", which does not exist here; using the " +
         PathBaseName(d.checkpoints[size_t(d.preferred)].prefix) + " next to the state file";
}

std::string ListFound(const Discovery& d) {
  std::string s;
  if (!d.graph_files.empty()) {
    s += "; graph files only: ";
    for (size_t i = 0; i < d.graph_files.size() && i < 5; ++i) s += (i ? ", " : "") + d.graph_files[i];
    if (d.graph_files.size() > 5) s += ", ...";
  }
  return s;
}

// What discovery said about file `name` ("name: problem" as a warning, or
// as a listed line of its failure message), "" if nothing.
std::string ProblemWith(const std::string& name, const std::vector<std::string>& warnings,
                        const std::string& failure) {
  const std::string head = name + ": ";
  for (const std::string& w : warnings) {
    if (w.compare(0, head.size(), head) == 0) return w.substr(head.size());
  }
  const size_t at = failure.find("\n  " + head);
  if (at == std::string::npos) return "";
  const size_t start = at + 3 + head.size();
  const size_t end = failure.find('\n', start);
  return failure.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

struct Opened {
  std::unique_ptr<formats::DiskFileSource> source;
  Discovery discovery;
};

// Lists `folder` (as spelled; "" = current folder) and classifies its files.
Result<Opened> OpenFolder(const std::string& folder, const std::string& shown) {
  Opened o;
  Result<std::unique_ptr<formats::DiskFileSource>> src =
      formats::DiskFileSource::Open(folder.empty() ? "." : folder);
  if (!src.ok()) return src.status();
  o.source = std::move(src).value();
  Result<Discovery> d = formats::Discover(*o.source);
  if (!d.ok()) return Status::Error(shown + ": " + d.status().message());
  o.discovery = std::move(d).value();
  return o;
}

}  // namespace

std::string LocatedCheckpoint::Display(const std::string& relative) const {
  return folder.empty() ? relative : formats::PathJoin(folder, relative);
}

std::string LocatedCheckpoint::DisplayError(const std::string& message) const {
  if (folder.empty()) return message;
  const size_t colon = message.find(": ");
  if (colon == std::string::npos || colon == 0) return message;
  const std::string head = message.substr(0, colon);
  // A source-relative file name: no spaces, not absolute, and the name of a
  // listed file or of a file next to one (a missing data shard).
  if (head.find(' ') != std::string::npos || formats::IsAbsolutePath(head)) return message;
  bool known = source && source->Find(head) != nullptr;
  for (const CheckpointRef& c : discovery.checkpoints) {
    if (head.compare(0, c.prefix.size(), c.prefix) == 0) known = true;
  }
  if (!known) return message;
  return Display(head) + message.substr(colon);
}

Result<LocatedCheckpoint> LocateCheckpoint(const std::string& path) {
  LocatedCheckpoint loc;
  std::string want;          // source-relative prefix PATH names ("" = the folder's choice)
  bool saved_model = false;  // PATH is a saved_model.pb: its variables
  struct stat st;
  const bool exists = stat(path.c_str(), &st) == 0;
  const int stat_errno = exists ? 0 : errno;

  if (exists && S_ISDIR(st.st_mode)) {
    loc.folder = path;
    while (loc.folder.size() > 1 && loc.folder.back() == '/') loc.folder.pop_back();
  } else {
    if (exists && !S_ISREG(st.st_mode)) return Status::Error(path + ": not a file or folder");
    loc.folder = PathDirName(path);
    const std::string base = PathBaseName(path);
    if (base.empty()) return Status::Error(path + ": " + std::strerror(stat_errno ? stat_errno : ENOENT));
    want = base;
    if (exists) {
      std::string prefix;
      if (EndsWith(base, ".index")) {
        want = base.substr(0, base.size() - 6);
      } else if (formats::ParseBundleDataFilename(base, &prefix)) {
        want = prefix;
      } else if (EndsWith(base, ".meta")) {
        want = base.substr(0, base.size() - 5);
      } else if (base == "saved_model.pb" || base == "saved_model.pbtxt") {
        saved_model = true;
        want.clear();
      }
    } else {
      // Not a file: it must be a prefix (<prefix>.index, or V1 shards).
      struct stat dst;
      const std::string dir = loc.folder.empty() ? "." : loc.folder;
      if (stat(dir.c_str(), &dst) != 0 || !S_ISDIR(dst.st_mode)) {
        return Status::Error(path + ": " + std::strerror(stat_errno));
      }
    }
  }

  const std::string shown = loc.folder.empty() ? "." : loc.folder;
  Result<Opened> opened = OpenFolder(loc.folder, exists && S_ISDIR(st.st_mode) ? path : shown);
  if (!opened.ok()) {
    // A file named on the command line: say what is wrong with it.
    if (!want.empty()) {
      for (const std::string& name : {PathBaseName(path), want + ".index"}) {
        std::string problem = ProblemWith(name, {}, opened.status().message());
        if (!problem.empty()) return Status::Error(loc.Display(name) + ": " + problem);
      }
    }
    if (!exists) return Status::Error(path + ": " + std::strerror(stat_errno));
    return opened.status();
  }
  loc.source = std::move(opened->source);
  loc.discovery = std::move(opened->discovery);
  const Discovery& d = loc.discovery;
  if (d.preferred_state >= 0) loc.latest = d.checkpoints[size_t(d.preferred)].prefix;
  const std::string stale = StaleStateFileNote(d);
  if (!stale.empty()) loc.notes.push_back(loc.DisplayError(stale));

  if (saved_model) {
    loc.chosen = FindPrefix(d, "variables/variables");
    if (loc.chosen < 0) return Status::Error(path + ": SavedModel without variables (no variables/variables.index)");
    return loc;
  }
  if (!want.empty()) {
    const bool is_state_file =
        std::find(d.state_files.begin(), d.state_files.end(), want) != d.state_files.end();
    loc.chosen = FindPrefix(d, want);
    if (loc.chosen < 0) {
      std::string v1_prefix;
      if (formats::ParseV1ShardName(want, &v1_prefix)) loc.chosen = FindPrefix(d, v1_prefix);
    }
    if (loc.chosen >= 0) {
      if (EndsWith(path, ".meta")) loc.notes.push_back(path + " is a graph file; showing checkpoint " + loc.Display(want));
      return loc;
    }
    if (std::find(d.graph_files.begin(), d.graph_files.end(), want) != d.graph_files.end()) {
      loc.graph_file = want;
      return loc;
    }
    if (!is_state_file) {
      std::string what = "not a checkpoint";
      if (EndsWith(path, ".index") || EndsWith(path, ".meta")) {
        what += " (no readable tensor bundle index for " + loc.Display(want) + ")";
      }
      // Say why, if discovery noted something about this file.
      if (!exists && ProblemWith(want + ".index", d.warnings, "").empty()) {
        return Status::Error(path + ": " + std::strerror(stat_errno));
      }
      for (const std::string& name : {PathBaseName(path), want + ".index"}) {
        std::string problem = ProblemWith(name, d.warnings, "");
        if (!problem.empty()) return Status::Error(loc.Display(name) + ": " + problem);
      }
      return Status::Error(path + ": " + what);
    }
    // A state file: open its folder's choice, below.
  }
  if (d.checkpoints.empty()) return Status::Error(shown + ": no checkpoint found" + ListFound(d));
  loc.chosen = d.preferred >= 0 ? d.preferred : 0;
  return loc;
}

}  // namespace ckptview::cli
