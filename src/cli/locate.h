// Which checkpoint a PATH on the command line means. PATH may be
//   a folder             its `checkpoint` state file's latest, else the one
//                        checkpoint (or the newest by step) found in it; a
//                        SavedModel folder gives its variables/variables
//   <prefix>             e.g. dir/model.ckpt-1 when dir/model.ckpt-1.index exists,
//                        or a V1 shard set's prefix
//   <prefix>.index, <prefix>.data-NNNNN-of-MMMMM, <prefix>.meta   that prefix
//   a V1 file or shard   itself / its shard set
//   a state file, saved_model.pb   as their folder
//   a graph file with no checkpoint of its prefix (a frozen .pb)   itself, as
//                        graph_file (its Const nodes stand in for variables)
// The folder holding the checkpoint is listed (recursively) and classified by
// formats::Discover, so the other checkpoints there are known too.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "formats/discover.h"
#include "formats/disk_file_source.h"

namespace ckptview::cli {

struct LocatedCheckpoint {
  std::unique_ptr<formats::DiskFileSource> source;  // the folder holding the checkpoint
  std::string folder;             // that folder as the user spelled it ("" = current folder)
  formats::Discovery discovery;   // everything found in the folder
  int chosen = -1;                // index into discovery.checkpoints; -1 with graph_file
  std::string graph_file;         // PATH is a graph file and no checkpoint (a frozen .pb): source-relative
  std::string latest;             // prefix a state file names as latest ("" if none), source-relative
  std::vector<std::string> notes; // how PATH was read, when that is not obvious

  const formats::CheckpointRef& ref() const { return discovery.checkpoints[size_t(chosen)]; }
  // A source-relative path as the user would type it (joined to `folder`).
  std::string Display(const std::string& relative) const;
  // A formats error message with its leading source-relative file name
  // ("model.ckpt.index: ...") shown as Display() does.
  std::string DisplayError(const std::string& message) const;
};

// Fails (with a message naming PATH or the file at fault) if PATH does not
// exist, cannot be listed, or holds neither a checkpoint nor a graph file.
Result<LocatedCheckpoint> LocateCheckpoint(const std::string& path);

}  // namespace ckptview::cli
