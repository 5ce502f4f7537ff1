// Tensor bundle = checkpoint V2: `<prefix>.index` + `<prefix>.data-%05d-of-%05d`.
// FORMATS.md section 3; TF's tensorflow/core/util/tensor_bundle/tensor_bundle.cc.
// bundle_writer.h (and tests/formats/table_builder_for_test.h) write what this reads.
//
// .index: an SSTable (sstable.h) mapping
//   ""          -> BundleHeaderProto {num_shards, endianness, version}
//   tensor key  -> BundleEntryProto  {dtype, shape, shard_id, offset, size,
//                                     crc32c (masked), slices}
// A partitioned tensor has a metadata entry (full shape, `slices`, no data)
// plus one normal entry per slice under EncodeTensorNameSlice(key, slice).
//
// .data-S-of-N: tensors back to back at entry.offset, entry.size bytes each:
//   fixed-size dtypes: raw elements, row-major, in the header's byte order;
//       crc32c over exactly these bytes.
//   DT_STRING (and DT_RESOURCE, read the same way):
//       varint64 len[0..n) | 4-byte masked crc of the lengths | bytes[0..n)
//       the lengths are checksummed as uint32 (uint64 if > 2^32-1), not as
//       varints; the entry crc covers lengths, the 4 bytes, then the bytes.
//   DT_VARIANT, per element:
//       varint64 len | len bytes of VariantTensorDataProto | 4-byte masked
//       running crc; the running crc covers len as uint64, the bytes and
//       each stored 4-byte checksum.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/byte_view.h"
#include "base/status.h"
#include "formats/checkpoint.h"
#include "formats/file_source.h"
#include "formats/tensor_slice.h"
#include "tensor/tensor.h"

namespace tensorflow {
class TensorShapeProto;
}

namespace ckptview::formats {

// A stored tensor's shape (TensorShape::IsValid): at most 254 dims, each >= 0,
// element count without overflow. `unknown_rank` is ignored, as in TF.
Result<Shape> ShapeFromProto(const tensorflow::TensorShapeProto& proto);

struct BundleHeader {
  int32_t num_shards = 0;
  bool big_endian = false;  // byte order of tensor bytes in the data files
};

// Parses the "" record and checks its version (producer >= 0, min_consumer
// <= 1, 1 not a bad consumer). Errors carry no file name.
Result<BundleHeader> ParseBundleHeader(ByteView value);

struct BundleEntry {
  int dtype = 0;  // TF DataType value as stored
  Shape shape;
  int32_t shard_id = 0;
  uint64_t offset = 0;
  uint64_t size = 0;
  uint32_t masked_crc32c = 0;
  std::vector<TensorSlice> slices;  // non-empty: metadata of a partitioned tensor
  std::string slice_error;          // why `slices` is unusable ("" if fine)
};

// Parses one BundleEntryProto; checks the shape (at most 254 dims, each >= 0,
// element count without overflow). Errors carry no file name.
Result<BundleEntry> ParseBundleEntry(ByteView value);

// "<prefix>.data-00000-of-00001" (naming.cc: %05d, more digits if needed).
std::string BundleDataFilename(const std::string& prefix, int shard, int num_shards);
// The reverse: true if `name` is "<prefix>.data-<digits>-of-<digits>", and
// then sets *prefix (if not null).
bool ParseBundleDataFilename(const std::string& name, std::string* prefix);

// Decodes one stored tensor from exactly `entry.size` bytes: checks the size
// against the dtype and shape, the crc32c (and the string length checksum or
// per-variant checksums), and swaps big-endian data to little endian. Takes
// `data`'s storage for fixed-size dtypes. Errors carry no file name.
// `raw_crc`, if not null, is the already computed crc32c of `data`.
Result<Tensor> DecodeBundleTensor(const BundleEntry& entry, std::string&& data, bool big_endian,
                                  const uint32_t* raw_crc = nullptr);

// Checks entry.size against dtype and shape before anything is read or
// allocated (fixed-size: exact; string/resource: >= n + 4; variant: >= 5n).
Status CheckBundleEntrySize(const BundleEntry& entry);

class BundleCheckpoint : public Checkpoint {
 public:
  // `index_contents` is the whole `<prefix>.index`; `files` is what the source
  // holds, used to find data shards and their sizes.
  static Result<std::unique_ptr<BundleCheckpoint>> Open(const std::string& prefix,
                                                        std::string index_contents,
                                                        const std::vector<FileInfo>& files);

  Result<std::vector<ByteRange>> RangesFor(std::string_view key) const override;
  Status Verify(std::string_view key, FileSource& source) const override;

  const BundleHeader& header() const { return header_; }
  // Any entry of the index, including slice entries; null if absent.
  const BundleEntry* Entry(std::string_view key) const;
  const std::string& index_file() const { return index_file_; }

 protected:
  Result<Tensor> DecodeChunks(std::string_view key, std::vector<std::string>& chunks,
                              const std::vector<uint32_t>* raw_crcs) const override;

 private:
  // The stored entries a tensor's bytes come from: itself, or its slices.
  Status StoredEntries(std::string_view key, std::vector<const BundleEntry*>* stored,
                       const BundleEntry** meta) const;
  Status RangeOf(std::string_view key, const BundleEntry& e, ByteRange* range) const;

  std::string index_file_;
  BundleHeader header_;
  std::map<std::string, BundleEntry, std::less<>> entries_;
  std::vector<int64_t> data_file_sizes_;  // per shard; -1 if the file is missing
};

}  // namespace ckptview::formats
