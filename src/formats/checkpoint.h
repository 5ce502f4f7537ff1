// Checkpoint: one saved set of variables, whatever its on-disk format
// (tensor bundle V2, V1 tensor slices, a SavedModel's variables/), listed and
// read through one interface used by the CLI, the app and the tests.
//
// Reading is split so that the web page can fetch bytes asynchronously:
//   RangesFor(key)        -> which byte ranges of which files hold the tensor
//   Decode(key, chunks)   -> the tensor, every crc32c checked
// Read(key, source) does both synchronously for native drivers.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "formats/file_source.h"
#include "tensor/tensor.h"

namespace ckptview::formats {

// kGraphConstants: the Const nodes of a frozen graph (graph/graph_constants.h).
enum class CheckpointFormat { kBundleV2, kSlicesV1, kGraphConstants };

struct VariableInfo {
  std::string key;          // checkpoint key, e.g. "dense/kernel" or "x/.ATTRIBUTES/VARIABLE_VALUE"
  DType dtype = DType::kInvalid;
  Shape shape;              // full shape (for partitioned variables: the whole tensor)
  // Stored bytes as each format records them, so V1 and V2 figures differ:
  //   V2: the BundleEntryProto `size`, the tensor's bytes in its data file
  //       (fixed-size dtypes: elements x dtype size; strings: varint lengths,
  //       4-byte length checksum and string bytes), summed over the slice
  //       entries present for a partitioned tensor.
  //   V1: the size of the serialized SavedTensorSlices record (name, slice and
  //       TensorProto; uncompressed), summed over the slices whose records
  //       were found.
  uint64_t bytes = 0;
  int shard = -1;           // data file index, -1 when spread over several (slices) or V1
  int num_slices = 0;       // 0 = stored whole; N = partitioned into N slices
  std::string object_path;  // TF2: readable path from the object graph ("model/dense/kernel"),
                            // else unescaped from the key; "" for TF1 name-based keys
  bool optimizer_slot = false;  // TF2 slot variable or TF1 optimizer slot (Adam, Momentum, ...)
};

struct ByteRange {
  std::string path;  // file within the FileSource
  uint64_t offset = 0;
  uint64_t size = 0;
};

class Checkpoint;
Result<std::unique_ptr<Checkpoint>> OpenCheckpoint(FileSource& source, const std::string& prefix,
                                                   CheckpointFormat format);

class Checkpoint {
 public:
  virtual ~Checkpoint() = default;

  CheckpointFormat format() const { return format_; }
  // Prefix as opened, e.g. "ckpts/model.ckpt-1" or "export/variables/variables".
  const std::string& prefix() const { return prefix_; }
  // Sorted by key. The `_CHECKPOINTABLE_OBJECT_GRAPH` entry is listed too.
  const std::vector<VariableInfo>& variables() const { return variables_; }
  const VariableInfo* Find(std::string_view key) const;
  // Data files this checkpoint needs (for listing and error messages).
  const std::vector<std::string>& data_files() const { return data_files_; }

  // Data files named by the checkpoint but absent from the source it was
  // opened from (an incomplete copy): listing works, reading a tensor stored
  // there fails naming the file.
  const std::vector<std::string>& missing_data_files() const { return missing_data_files_; }
  // Problems that did not stop opening (e.g. unreadable object graph).
  const std::vector<std::string>& warnings() const { return warnings_; }

  // Byte ranges holding the tensor: one per stored slice (one for a tensor
  // stored whole). Empty for V1 checkpoints, whose bytes are already loaded.
  // Fails for unknown keys and for ranges in missing data files.
  virtual Result<std::vector<ByteRange>> RangesFor(std::string_view key) const = 0;
  // `chunks[i]` holds the bytes of RangesFor(key)[i]. Verifies sizes and every
  // crc32c, and assembles partitioned tensors. Safe to call from several
  // threads at once. The rvalue overload takes the chunks' storage, so a
  // tensor stored whole ends up in Tensor::bytes without a copy.
  Result<Tensor> Decode(std::string_view key, const std::vector<std::string>& chunks) const;
  Result<Tensor> Decode(std::string_view key, std::vector<std::string>&& chunks) const;
  // RangesFor + FileSource::ReadRange + Decode, reading straight into the
  // buffer that becomes the tensor.
  Result<Tensor> Read(std::string_view key, FileSource& source) const;
  // Checks every checksum of `key` as Read does, but streams fixed-size
  // tensors through a small reused buffer instead of building the tensor, so
  // verifying a checkpoint costs about what reading its bytes costs.
  virtual Status Verify(std::string_view key, FileSource& source) const;

  // TF2 object-based checkpoints: fills object_path and optimizer_slot from a
  // serialized TrackableObjectGraph (the `_CHECKPOINTABLE_OBJECT_GRAPH`
  // tensor's single element). OpenCheckpoint does this when the source can
  // read ranges; a web driver calls it after fetching that tensor.
  Status ApplyObjectGraph(std::string_view serialized_object_graph);

 protected:
  friend Result<std::unique_ptr<Checkpoint>> OpenCheckpoint(FileSource&, const std::string&,
                                                            CheckpointFormat);
  // Decode's body; may move from `chunks`. `raw_crcs`, if not null, holds the
  // crc32c of each chunk's bytes, computed by Read while reading, so fixed-
  // size tensors are not checksummed in a second pass.
  virtual Result<Tensor> DecodeChunks(std::string_view key, std::vector<std::string>& chunks,
                                      const std::vector<uint32_t>* raw_crcs) const = 0;
  // Sorts variables_ and marks TF1 optimizer slots and `/.OPTIMIZER_SLOT/`
  // keys; subclasses call it at the end of opening.
  void FinishVariables();

  CheckpointFormat format_ = CheckpointFormat::kBundleV2;
  std::string prefix_;
  std::vector<VariableInfo> variables_;
  std::vector<std::string> data_files_;
  std::vector<std::string> missing_data_files_;
  std::vector<std::string> warnings_;
};

// Key of the serialized object graph in TF2 checkpoints (a DT_STRING scalar).
inline constexpr std::string_view kObjectGraphKey = "_CHECKPOINTABLE_OBJECT_GRAPH";

// True if a TF1 name-based key names an optimizer slot (`.../Adam`, ...).
bool IsTf1OptimizerSlotName(std::string_view key);

// The variables prefix of a SavedModel in `saved_model_dir`: "<dir>/variables/variables".
std::string SavedModelVariablesPrefix(const std::string& saved_model_dir);

// Opens a V2 bundle `<prefix>.index` (+ its data shards) or a V1 checkpoint
// file/shard set from `source`. Errors name the file and the problem.
// V2: the index is read whole; data shards are only listed (a missing shard
// is recorded in missing_data_files(), not an error). The object graph of a
// TF2 checkpoint is read and applied if `source` can read ranges.
// V1: `prefix` is the single file, or the shard set `<prefix>-?????-of-NNNNN`;
// every file is read whole.
Result<std::unique_ptr<Checkpoint>> OpenCheckpoint(FileSource& source, const std::string& prefix,
                                                   CheckpointFormat format);

}  // namespace ckptview::formats
