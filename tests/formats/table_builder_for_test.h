// Test-only writers for the bytes src/formats reads: an SSTable builder with
// every knob the reader must cope with (block size, restart interval, snappy)
// and a tensor bundle builder that can also write deliberately wrong
// entries. They follow FORMATS.md 2.6 and 3.3 (TF's TableBuilder and
// BundleWriter), so a byte-identical rebuild of a real index checks both
// sides.
#pragma once

#include <snappy.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/coding.h"
#include "base/crc32c.h"
#include "formats/file_source.h"
#include "formats/sstable.h"
#include "formats/tensor_bundle.h"
#include "formats/tensor_slice.h"
#include "tensor/tensor.h"
#include "tensor_bundle.pb.h"

namespace ckptview::formats::testing {

struct TestTableOptions {
  size_t block_size = 262144;
  int restart_interval = 16;
  bool snappy = false;
};

class TestBlockBuilder {
 public:
  explicit TestBlockBuilder(int interval) : interval_(interval) {}
  void Add(const std::string& key, const std::string& value) {
    size_t shared = 0;
    if (counter_ < interval_) {
      while (shared < key.size() && shared < last_key_.size() && key[shared] == last_key_[shared]) ++shared;
    } else {
      restarts_.push_back(uint32_t(buffer_.size()));
      counter_ = 0;
    }
    PutVarint32(&buffer_, uint32_t(shared));
    PutVarint32(&buffer_, uint32_t(key.size() - shared));
    PutVarint32(&buffer_, uint32_t(value.size()));
    buffer_.append(key, shared, std::string::npos);
    buffer_ += value;
    last_key_ = key;
    ++counter_;
    ++entries_;
  }
  size_t SizeEstimate() const { return buffer_.size() + 4 * restarts_.size() + 4; }
  bool empty() const { return entries_ == 0; }
  std::string Finish() {
    std::string out = buffer_;
    for (uint32_t r : restarts_) PutFixed32(&out, r);
    PutFixed32(&out, uint32_t(restarts_.size()));
    buffer_.clear();
    restarts_ = {0};
    counter_ = 0;
    entries_ = 0;
    last_key_.clear();
    return out;
  }

 private:
  int interval_;
  std::string buffer_;
  std::vector<uint32_t> restarts_ = {0};
  int counter_ = 0;
  size_t entries_ = 0;
  std::string last_key_;
};

inline std::string ShortestSeparator(const std::string& start, const std::string& limit) {
  size_t n = std::min(start.size(), limit.size());
  size_t i = 0;
  while (i < n && start[i] == limit[i]) ++i;
  if (i >= n) return start;
  const uint8_t b = uint8_t(start[i]);
  if (b < 0xff && b + 1 < uint8_t(limit[i])) {
    std::string out = start.substr(0, i + 1);
    out[i] = char(b + 1);
    return out;
  }
  return start;
}

inline std::string ShortSuccessor(const std::string& key) {
  for (size_t i = 0; i < key.size(); ++i) {
    if (uint8_t(key[i]) != 0xff) {
      std::string out = key.substr(0, i + 1);
      out[i] = char(uint8_t(key[i]) + 1);
      return out;
    }
  }
  return key;
}

// Appends a block with its trailer; returns its handle.
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

// TF's TableBuilder (FORMATS.md 2.6). Keys must be sorted and distinct.
inline std::string BuildTestTable(const std::vector<std::pair<std::string, std::string>>& entries,
                                  const TestTableOptions& o = {}) {
  std::string file;
  TestBlockBuilder data(o.restart_interval), index(1);
  std::string last_key;
  std::optional<BlockHandle> pending;
  bool any = false;
  auto flush = [&]() {
    if (data.empty()) return;
    pending = AppendBlock(&file, data.Finish(), o.snappy);
  };
  for (const auto& [key, value] : entries) {
    if (any && key.size() + value.size() >= 2 * o.block_size) flush();
    if (pending) {
      std::string handle;
      PutBlockHandle(&handle, *pending);
      index.Add(ShortestSeparator(last_key, key), handle);
      pending.reset();
    }
    data.Add(key, value);
    last_key = key;
    any = true;
    if (data.SizeEstimate() >= o.block_size) flush();
  }
  flush();
  BlockHandle meta = AppendBlock(&file, TestBlockBuilder(o.restart_interval).Finish(), o.snappy);
  if (pending) {
    std::string handle;
    PutBlockHandle(&handle, *pending);
    index.Add(ShortSuccessor(last_key), handle);
  }
  BlockHandle idx = AppendBlock(&file, index.Finish(), o.snappy);
  std::string footer;
  PutBlockHandle(&footer, meta);
  PutBlockHandle(&footer, idx);
  footer.resize(40, '\0');
  PutFixed64(&footer, kTableMagicNumber);
  return file + footer;
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
  std::string& Data(int shard) { return data_[shard]; }

  std::string IndexBytes(const TestTableOptions& o = {}) const {
    std::vector<std::pair<std::string, std::string>> kv;
    kv.emplace_back("", header.SerializeAsString());
    for (const auto& [k, e] : entries_) kv.emplace_back(k, e.SerializeAsString());
    return BuildTestTable(kv, o);
  }
  // Adds `<prefix>.index` and every shard's data file to `source`.
  void WriteTo(MemoryFileSource* source, const std::string& prefix, const TestTableOptions& o = {}) const {
    source->Add(prefix + ".index", IndexBytes(o));
    for (int s = 0; s < header.num_shards(); ++s) {
      auto it = data_.find(s);
      source->Add(BundleDataFilename(prefix, s, header.num_shards()), it == data_.end() ? "" : it->second);
    }
  }

 private:
  std::map<std::string, tensorflow::BundleEntryProto> entries_;
  std::map<int, std::string> data_;
};

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
