// The `checkpoint` state file (text-format CheckpointState written by
// tf.train.Saver / CheckpointManager), FORMATS.md section 5.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"

namespace ckptview::formats {

struct CheckpointState {
  std::string model_checkpoint_path;               // as written (relative or absolute)
  std::vector<std::string> all_model_checkpoint_paths;
  std::vector<double> all_model_checkpoint_timestamps;
  double last_preserved_timestamp = 0;
};

// Parses the text format. `file_name` is used in error messages.
Result<CheckpointState> ParseCheckpointState(const std::string& file_name, const std::string& text);

// Resolves a path from a state file found at `state_dir` to a prefix present
// in `available_prefixes`: relative paths are joined to state_dir; absolute
// paths from another machine fall back to the same base name in state_dir.
// Returns "" if none matches.
std::string ResolveCheckpointPath(const std::string& state_dir, const std::string& path,
                                  const std::vector<std::string>& available_prefixes);

}  // namespace ckptview::formats
