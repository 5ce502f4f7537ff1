// Test-only writers for bytes the production writers (sstable_builder.h,
// bundle_writer.h) never produce: Snappy-compressed tables, tables around a
// hand-made block, and tensor bundles with any entry at all (wrong sizes and
// crcs, several shards, slices, variants, other headers) for the readers'
// error paths. Valid files come from the production writers: BuildTable and
// WriteBundle below.
#pragma once

#include <gtest/gtest.h>
#include <snappy.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/coding.h"
#include "base/crc32c.h"
#include "formats/bundle_writer.h"
#include "formats/file_source.h"
#include "formats/sstable.h"
#include "formats/sstable_builder.h"
#include "formats/tensor_bundle.h"
#include "formats/tensor_slice.h"
#include "tensor/tensor.h"
#include "tensor_bundle.pb.h"

namespace ckptview::formats::testing {

// A valid table of `entries` (sorted, distinct keys) from SSTableBuilder.
inline std::string BuildTable(const std::vector<std::pair<std::string, std::string>>& entries,
                              const SSTableOptions& options = {}) {
  SSTableBuilder builder(options);
  for (const auto& [key, value] : entries) {
    Status s = builder.Add(key, value);
    EXPECT_TRUE(s.ok()) << s.message();
  }
  return builder.Finish();
}

// Appends a block with its trailer; returns its handle. Snappy-compressed
// blocks are what SSTableBuilder never writes but TF's files hold.
inline BlockHandle AppendBlock(std::string* file, const std::string& contents, bool snappy) {
  std::string stored = contents;
  uint8_t type = kNoCompression;
  if (snappy) {
    std::string compressed;
    snappy::Compress(contents.data(), contents.size(), &compressed);
    stored = compressed;
    type = kSnappyCompression;
  }
  BlockHandle h{file->size(), stored.size()};
  *file += stored;
  file->push_back(char(type));
  const uint32_t crc = crc32c::Extend(crc32c::Value(stored.data(), stored.size()), &type, 1);
  PutFixed32(file, crc32c::Mask(crc));
  return h;
}

// Ends `file`, whose data blocks are appended, as a table: an empty
// metaindex block, an index block of (key, data block handle), the footer.
inline std::string FinishTable(std::string file, const std::vector<std::pair<std::string, BlockHandle>>& index,
                               bool snappy) {
  const BlockHandle meta = AppendBlock(&file, BlockBuilder().Finish(), snappy);
  BlockBuilder index_block(1);
  for (const auto& [key, handle] : index) {
    std::string value;
    PutBlockHandle(&value, handle);
    index_block.Add(key, value);
  }
  const BlockHandle idx = AppendBlock(&file, index_block.Finish(), snappy);
  std::string footer;
  PutBlockHandle(&footer, meta);
  PutBlockHandle(&footer, idx);
  footer.resize(40, '\0');
  PutFixed64(&footer, kTableMagicNumber);
  return file + footer;
}

// `table` (uncompressed, as SSTableBuilder writes it) with every block
// stored Snappy-compressed, as several TF versions write index files.
inline std::string SnappyCompressedTable(const std::string& table) {
  ByteView footer = ByteView(table).substr(table.size() - kTableFooterSize, kTableFooterSize);
  BlockHandle meta, index;
  EXPECT_TRUE(GetBlockHandle(&footer, &meta) && GetBlockHandle(&footer, &index));
  auto block = Block::Parse(ByteView(table).substr(index.offset, index.size), "index");
  EXPECT_TRUE(block.ok());
  if (!block.ok()) return "";
  std::string file;
  std::vector<std::pair<std::string, BlockHandle>> entries;
  Block::Iter it = block->NewIter();
  for (it.SeekToFirst(); it.Valid(); it.Next()) {
    ByteView v = it.value();
    BlockHandle h;
    EXPECT_TRUE(GetBlockHandle(&v, &h));
    entries.emplace_back(std::string(it.key()), AppendBlock(&file, table.substr(h.offset, h.size), true));
  }
  return FinishTable(std::move(file), entries, true);
}

// ---- bundles ---------------------------------------------------------------

inline std::string EncodeStringTensorData(const std::vector<std::string>& strings, uint32_t* crc_out) {
  std::string out;
  uint32_t crc = 0;
  for (const std::string& s : strings) {
    PutVarint64(&out, s.size());
    uint8_t len[4];
    EncodeFixed32(len, uint32_t(s.size()));
    crc = crc32c::Extend(crc, len, 4);
  }
  const uint32_t masked = crc32c::Mask(crc);
  uint8_t m[4];
  EncodeFixed32(m, masked);
  out.append(reinterpret_cast<char*>(m), 4);
  crc = crc32c::Extend(crc, m, 4);
  for (const std::string& s : strings) {
    out += s;
    crc = crc32c::Extend(crc, s.data(), s.size());
  }
  *crc_out = crc32c::Mask(crc);
  return out;
}

inline std::string EncodeVariantTensorData(const std::vector<std::string>& elements, uint32_t* crc_out) {
  std::string out;
  uint32_t crc = 0;
  for (const std::string& e : elements) {
    PutVarint64(&out, e.size());
    uint8_t len[8];
    EncodeFixed64(len, e.size());
    crc = crc32c::Extend(crc, len, 8);
    out += e;
    crc = crc32c::Extend(crc, e.data(), e.size());
    uint8_t m[4];
    EncodeFixed32(m, crc32c::Mask(crc));
    out.append(reinterpret_cast<char*>(m), 4);
    crc = crc32c::Extend(crc, m, 4);
  }
  *crc_out = crc32c::Mask(crc);
  return out;
}

inline void SetShape(tensorflow::TensorShapeProto* proto, const Shape& shape) {
  for (int64_t d : shape) proto->add_dim()->set_size(d);
}

inline void SetSlice(tensorflow::TensorSliceProto* proto, const TensorSlice& s) {
  for (const SliceExtent& e : s.extents) {
    auto* x = proto->add_extent();
    if (!e.full()) {
      x->set_start(e.start);
      x->set_length(e.length);
    }
  }
}

class TestBundle {
 public:
  tensorflow::BundleHeaderProto header;
  TestBundle() {
    header.set_num_shards(1);
    header.mutable_version()->set_producer(1);
  }

  // Appends `data` to shard `shard` and records an entry for it.
  tensorflow::BundleEntryProto& AddRaw(const std::string& key, DType dtype, const Shape& shape,
                                       const std::string& data, int shard = 0,
                                       std::optional<uint32_t> masked_crc = std::nullopt) {
    std::string& d = data_[shard];
    tensorflow::BundleEntryProto e;
    e.set_dtype(tensorflow::DataType(int(dtype)));
    SetShape(e.mutable_shape(), shape);
    e.set_shard_id(shard);
    e.set_offset(int64_t(d.size()));
    e.set_size(int64_t(data.size()));
    e.set_crc32c(masked_crc ? *masked_crc : crc32c::Mask(crc32c::Value(data.data(), data.size())));
    d += data;
    return entries_[key] = e;
  }
  tensorflow::BundleEntryProto& AddStrings(const std::string& key, const Shape& shape,
                                           const std::vector<std::string>& strings, DType dtype = DType::kString) {
    uint32_t crc;
    std::string data = EncodeStringTensorData(strings, &crc);
    return AddRaw(key, dtype, shape, data, 0, crc);
  }
  tensorflow::BundleEntryProto& AddVariants(const std::string& key, const Shape& shape,
                                            const std::vector<std::string>& elements) {
    uint32_t crc;
    std::string data = EncodeVariantTensorData(elements, &crc);
    return AddRaw(key, DType::kVariant, shape, data, 0, crc);
  }
  // A partitioned tensor: metadata entry + one entry per slice.
  void AddSliced(const std::string& key, DType dtype, const Shape& full_shape,
                 const std::vector<std::pair<TensorSlice, std::string>>& slices, int shard = 0) {
    tensorflow::BundleEntryProto meta;
    meta.set_dtype(tensorflow::DataType(int(dtype)));
    SetShape(meta.mutable_shape(), full_shape);
    for (const auto& [slice, data] : slices) {
      SetSlice(meta.add_slices(), slice);
      Shape shape = *SliceShape(slice, full_shape);
      AddRaw(EncodeTensorNameSlice(key, slice), dtype, shape, data, shard);
    }
    entries_[key] = meta;
  }
  tensorflow::BundleEntryProto& Entry(const std::string& key) { return entries_.at(key); }

  std::string IndexBytes() const {
    std::vector<std::pair<std::string, std::string>> kv;
    kv.emplace_back("", header.SerializeAsString());
    for (const auto& [k, e] : entries_) kv.emplace_back(k, e.SerializeAsString());
    return BuildTable(kv);
  }
  // Adds `<prefix>.index` and every shard's data file to `source`.
  void WriteTo(MemoryFileSource* source, const std::string& prefix) const {
    source->Add(prefix + ".index", IndexBytes());
    for (int s = 0; s < header.num_shards(); ++s) {
      auto it = data_.find(s);
      source->Add(BundleDataFilename(prefix, s, header.num_shards()), it == data_.end() ? "" : it->second);
    }
  }

 private:
  std::map<std::string, tensorflow::BundleEntryProto> entries_;
  std::map<int, std::string> data_;
};

// A valid bundle from BundleWriter: `<prefix>.index` and its one data file,
// the tensors' data in the order given.
inline void WriteBundle(MemoryFileSource* source, const std::string& prefix,
                        const std::vector<std::pair<std::string, Tensor>>& tensors = {}) {
  std::string data;
  BundleWriter writer([&](std::string_view bytes) {
    data.append(bytes);
    return Status::Ok();
  });
  for (const auto& [key, tensor] : tensors) {
    Status s = writer.Add(key, tensor);
    EXPECT_TRUE(s.ok()) << key << ": " << s.message();
  }
  Result<std::string> index = writer.FinishIndex();
  EXPECT_TRUE(index.ok()) << index.status().message();
  source->Add(prefix + ".index", index.ok() ? *index : "");
  source->Add(BundleDataFilename(prefix, 0, 1), std::move(data));
}

inline Tensor FixedTensor(DType dtype, Shape shape, std::string bytes) {
  Tensor t;
  t.dtype = dtype;
  t.shape = std::move(shape);
  t.bytes = std::move(bytes);
  return t;
}

inline Tensor StringTensor(Shape shape, std::vector<std::string> strings) {
  Tensor t;
  t.dtype = DType::kString;
  t.shape = std::move(shape);
  t.strings = std::move(strings);
  return t;
}

// Little-endian bytes of a vector of trivially copyable values.
template <typename T>
std::string LeBytes(const std::vector<T>& v) {
  std::string out;
  for (const T& x : v) {
    uint8_t b[sizeof(T)];
    std::memcpy(b, &x, sizeof(T));  // the test hosts are little-endian
    out.append(reinterpret_cast<char*>(b), sizeof(T));
  }
  return out;
}

}  // namespace ckptview::formats::testing
