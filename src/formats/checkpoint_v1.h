// Checkpoint V1 (TensorSliceWriter, pre-0.11 `model.ckpt`), FORMATS.md section 4;
// TF's tensorflow/core/util/tensor_slice_reader.cc. One SSTable per file:
//   ""                               -> SavedTensorSlices{ meta = SavedTensorSliceMeta{
//                                          tensor: [{name, shape, type, slice*}], versions } }
//   EncodeTensorNameSlice(name, s)   -> SavedTensorSlices{ data = SavedSlice{
//                                          name, slice, data = TensorProto with ONLY the
//                                          typed *_val field } }
// Files: a single file named `<prefix>`, or shards `<prefix>-%05d-of-%05d`.
// Values must number exactly the slice's element count (complex: two per
// element); TensorProto's "repeat the last value" fill does not apply.
// tests/formats/checkpoint_v1_test.cc builds files with this layout.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/byte_view.h"
#include "base/status.h"
#include "formats/checkpoint.h"
#include "formats/file_source.h"
#include "formats/sstable.h"
#include "formats/tensor_slice.h"

namespace ckptview::formats {

// The shard files of a sharded V1 prefix present in `files`, in shard
// order, and the shard count their names give (0 if none). `missing` gets the
// expected names that are absent.
std::vector<std::string> FindV1Shards(const std::vector<FileInfo>& files, const std::string& prefix,
                                      int* num_shards, std::vector<std::string>* missing);

// If `path` is a V1 shard name `<prefix>-%05d-of-%05d`, sets *prefix.
bool ParseV1ShardName(const std::string& path, std::string* prefix);

class SlicesV1Checkpoint : public Checkpoint {
 public:
  // Reads `prefix` itself, or else every present shard of it, whole.
  static Result<std::unique_ptr<SlicesV1Checkpoint>> Open(FileSource& source, const std::string& prefix);

  // Always empty: the records are in memory already.
  Result<std::vector<ByteRange>> RangesFor(std::string_view key) const override;

 protected:
  Result<Tensor> DecodeChunks(std::string_view key, std::vector<std::string>& chunks,
                              const std::vector<uint32_t>* raw_crcs) const override;

 private:
  struct StoredSlice {
    TensorSlice slice;
    size_t file = 0;     // index into tables_
    ByteView record;     // the SavedTensorSlices value; empty data() if missing
    bool found = false;
  };
  struct StoredTensor {
    DType dtype = DType::kInvalid;
    Shape shape;
    std::vector<StoredSlice> slices;
    std::string error;  // e.g. overlapping slices; reported when read
  };
  Status LoadFile(size_t index);
  Result<Tensor> DecodeSlice(const std::string& name, const StoredTensor& t, const StoredSlice& s) const;

  std::vector<std::unique_ptr<Table>> tables_;
  std::map<std::string, StoredTensor, std::less<>> tensors_;
};

}  // namespace ckptview::formats
