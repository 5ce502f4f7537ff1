// Discover: what a dropped set of files, a folder, or a path holds, found by
// content (magic bytes, SSTable footers, bundle headers), not by extension
// alone: one real checkpoint's prefix is literally "checkpoint".
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "formats/checkpoint.h"
#include "formats/checkpoint_state.h"
#include "formats/file_source.h"

namespace ckptview::formats {

struct CheckpointRef {
  std::string prefix;
  CheckpointFormat format = CheckpointFormat::kBundleV2;
  bool in_saved_model = false;  // prefix is <dir>/variables/variables
};

struct Discovery {
  std::vector<CheckpointRef> checkpoints;  // every complete checkpoint found
  // Index into checkpoints to open first (a state file's latest, else the
  // newest by step), -1 if none; and the index into state_files of the state
  // file that named it, -1 if none did.
  int preferred = -1;
  int preferred_state = -1;
  std::vector<std::string> state_files;    // `checkpoint` state files found
  std::vector<CheckpointState> states;     // parallel to state_files
  std::vector<std::string> graph_files;    // .meta / GraphDef / SavedModel files (opened by the graph layer)
  std::vector<std::string> warnings;       // e.g. "state file lists model.ckpt-5, which is missing"
};

// Classifies every file in `source`. Fails only if nothing openable is found,
// with a message listing what was seen.
Result<Discovery> Discover(FileSource& source);

}  // namespace ckptview::formats
