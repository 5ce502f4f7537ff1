// `ckptview freeze`: variables to constants, pruned to the outputs asked for,
// as TensorFlow's freeze_graph.py does (graph/freeze.h), written to a .pb.
//
//   ckptview freeze PATH --output_node_names=a,b -o out.pb      (short form)
//   ckptview freeze --input_meta_graph=M --input_checkpoint=P
//                   --output_node_names=a,b --output_graph=out.pb
//   ckptview freeze --input_saved_model_dir=D [--saved_model_tags=serve] ...
//   ckptview freeze --input_graph=G.pb --input_checkpoint=P ...
// Every freeze_graph.py flag is accepted, as `--flag=value` or `--flag value`
// (see PrintFreezeUsage); PATH is a checkpoint folder, a SavedModel folder,
// a checkpoint prefix or a graph file.
//
// Also here, shared with `ckptview graph`: the FileSource the CLI builds from
// the paths on its command line.
#pragma once

#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "formats/file_source.h"
#include "graph/model.h"

namespace ckptview::cli {

int RunFreeze(const std::vector<std::string>& args);
void PrintFreezeUsage(std::FILE* out);

// Files from several places on disk seen as one FileSource: each mounted
// file or folder keeps the path the user spelled ("../m/model.ckpt-3.index",
// "export/saved_model.pb"), so error messages name files as typed.
class MountedFileSource : public formats::FileSource {
 public:
  // Adds the file at disk path `path` (listed under that same path).
  Status AddFile(const std::string& path);
  // Adds every file below folder `path`, listed as "<path>/<relative>"
  // ("" or "." lists them relative).
  Status AddFolder(const std::string& path);
  // Adds the files of checkpoint prefix `prefix` found next to it:
  // prefix.index, prefix.data-*, prefix.meta, prefix itself (V1) and
  // prefix-NNNNN-of-NNNNN (V1 shards). False if there are none.
  Result<bool> AddCheckpointFiles(const std::string& prefix);

  const std::vector<formats::FileInfo>& Files() const override { return files_; }
  Result<std::string> ReadAll(const std::string& path) override;
  Status ReadRange(const std::string& path, uint64_t offset, uint64_t size, std::string* out) override;

 private:
  struct Entry {
    formats::FileSource* source = nullptr;
    std::string inner;  // path within `source`
  };
  void Add(const std::string& listed, formats::FileSource* source, const std::string& inner, uint64_t size);
  std::vector<std::unique_ptr<formats::FileSource>> sources_;
  std::vector<formats::FileInfo> files_;
  std::map<std::string, Entry> index_;
};

// What a PATH on the command line opens (short forms of `freeze` and
// `graph`): a folder (discovery picks checkpoint and graph), a graph file
// (.meta brings its checkpoint, saved_model.pb its folder), or a checkpoint
// prefix (with its .meta).
struct CliInput {
  std::unique_ptr<MountedFileSource> source;
  graph::ModelOptions options;
};
Result<CliInput> OpenCliPath(const std::string& path);

// Normalizes a path as the CLI lists it: no trailing '/', "." -> "".
std::string CleanPath(std::string path);

}  // namespace ckptview::cli
