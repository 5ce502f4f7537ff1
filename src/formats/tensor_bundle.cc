// Reads what TF's BundleWriter / MergeBundles, our bundle_writer.h and the
// test builder in tests/formats/table_builder_for_test.h write. Layout in
// tensor_bundle.h.
#include "formats/tensor_bundle.h"

#include <cstdio>
#include <cstring>
#include <set>
#include <utility>

#include "base/coding.h"
#include "base/crc32c.h"
#include "formats/sstable.h"
#include "tensor.pb.h"
#include "tensor_bundle.pb.h"

namespace ckptview::formats {
namespace {

constexpr int kMaxDims = 254;           // TensorShape::MaxDimensions()
constexpr int32_t kMaxShards = 1000000;  // names stay %05d-ish; guards allocation

std::string Num(uint64_t v) { return std::to_string(v); }
std::string Hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

// Product of dims as a byte count; false on overflow.
bool TotalBytes(int64_t elements, int esize, uint64_t* out) {
  return !__builtin_mul_overflow(uint64_t(elements), uint64_t(esize), out);
}

// Little-endian conversion of big-endian stored elements: swap each
// component (complex numbers are pairs of floats/doubles).
void SwapToLittleEndian(DType dtype, std::string* bytes) {
  int unit = DTypeSize(dtype);
  if (dtype == DType::kComplex64) unit = 4;
  if (dtype == DType::kComplex128) unit = 8;
  if (unit <= 1) return;
  char* p = bytes->data();
  const size_t n = bytes->size() / size_t(unit);
  for (size_t i = 0; i < n; ++i, p += unit) {
    for (int a = 0, b = unit - 1; a < b; ++a, --b) std::swap(p[a], p[b]);
  }
}

bool IsStringFormat(DType t) { return t == DType::kString || t == DType::kResource; }

Status DecodeStrings(const BundleEntry& entry, ByteView in, bool big_endian, int64_t n, Tensor* out,
                     uint32_t* crc) {
  *crc = 0;
  out->strings.assign(size_t(n), std::string());
  if (entry.size == 0) return Status::Ok();  // TF: nothing stored, empty strings
  std::vector<uint64_t> lengths(static_cast<size_t>(n));
  uint64_t total = 0;
  for (int64_t i = 0; i < n; ++i) {
    uint64_t len;
    if (!GetVarint64(&in, &len)) {
      return Status::Error("string lengths overrun the tensor's " + Num(entry.size) + " bytes (element " +
                           Num(uint64_t(i)) + ")");
    }
    // Checksummed as the uint32 (uint64 if it does not fit) in the writer's byte order.
    uint8_t buf[8];
    size_t w = len <= 0xffffffffu ? 4 : 8;
    for (size_t k = 0; k < w; ++k) buf[big_endian ? w - 1 - k : k] = uint8_t(len >> (8 * k));
    *crc = crc32c::Extend(*crc, buf, w);
    if (len > in.size() || total > in.size() - len) {
      return Status::Error("string element " + Num(uint64_t(i)) + " of " + Num(len) +
                           " bytes overruns the tensor's " + Num(entry.size) + " bytes");
    }
    total += len;
    lengths[size_t(i)] = len;
  }
  ByteView raw;
  if (!GetBytes(&in, 4, &raw)) return Status::Error("string length checksum missing (tensor too short)");
  uint32_t stored = DecodeFixed32(raw.data());
  if (big_endian) stored = __builtin_bswap32(stored);
  if (crc32c::Unmask(stored) != *crc) {
    return Status::Error("string length checksum mismatch (stored " + Hex32(crc32c::Unmask(stored)) +
                         ", computed " + Hex32(*crc) + ")");
  }
  *crc = crc32c::Extend(*crc, raw.data(), 4);
  if (in.size() != total) {
    return Status::Error("string data is " + Num(in.size()) + " bytes, lengths say " + Num(total));
  }
  for (int64_t i = 0; i < n; ++i) {
    ByteView s;
    GetBytes(&in, size_t(lengths[size_t(i)]), &s);  // fits: checked above
    *crc = crc32c::Extend(*crc, s.data(), s.size());
    out->strings[size_t(i)].assign(s.chars(), s.size());
  }
  return Status::Ok();
}

Status DecodeVariants(const BundleEntry& entry, ByteView in, bool big_endian, int64_t n, Tensor* out,
                      uint32_t* crc) {
  *crc = 0;
  out->strings.assign(size_t(n), std::string());
  if (entry.size == 0) return Status::Ok();
  if (big_endian) {
    return Status::Error("variant tensor in a big-endian bundle (byte-swapping variants is not "
                         "implemented, as in TensorFlow)");
  }
  for (int64_t i = 0; i < n; ++i) {
    uint64_t len;
    ByteView bytes, sum;
    if (!GetVarint64(&in, &len) || len > in.size()) {
      return Status::Error("variant element " + Num(uint64_t(i)) + " overruns the tensor's " +
                           Num(entry.size) + " bytes");
    }
    uint8_t len_le[8];
    EncodeFixed64(len_le, len);
    *crc = crc32c::Extend(*crc, len_le, 8);
    GetBytes(&in, size_t(len), &bytes);
    *crc = crc32c::Extend(*crc, bytes.data(), bytes.size());
    tensorflow::VariantTensorDataProto proto;
    if (bytes.size() > kMaxProtoBytes || !proto.ParseFromArray(bytes.data(), int(bytes.size()))) {
      return Status::Error("variant element " + Num(uint64_t(i)) +
                           " is not a parseable VariantTensorDataProto");
    }
    if (!GetBytes(&in, 4, &sum)) {
      return Status::Error("variant element " + Num(uint64_t(i)) + " checksum missing");
    }
    const uint32_t stored = DecodeFixed32(sum.data());
    if (crc32c::Unmask(stored) != *crc) {
      return Status::Error("checksum mismatch after variant element " + Num(uint64_t(i)) +
                           " (stored " + Hex32(crc32c::Unmask(stored)) + ", computed " + Hex32(*crc) + ")");
    }
    *crc = crc32c::Extend(*crc, sum.data(), 4);
    out->strings[size_t(i)].assign(bytes.chars(), bytes.size());
  }
  if (!in.empty()) return Status::Error(Num(in.size()) + " unused bytes after the last variant element");
  return Status::Ok();
}

}  // namespace

Result<Shape> ShapeFromProto(const tensorflow::TensorShapeProto& proto) {
  if (proto.dim_size() > kMaxDims) {
    return Status::Error("bad shape: " + Num(proto.dim_size()) + " dims (at most 254)");
  }
  Shape shape;
  shape.reserve(proto.dim_size());
  for (const auto& d : proto.dim()) {
    if (d.size() < 0) return Status::Error("bad shape: dim of size " + std::to_string(d.size()));
    shape.push_back(d.size());
  }
  if (NumElements(shape) < 0) return Status::Error("bad shape " + ShapeString(shape) + ": too many elements");
  return shape;
}

Result<BundleHeader> ParseBundleHeader(ByteView value) {
  tensorflow::BundleHeaderProto proto;
  if (value.size() > kMaxProtoBytes || !proto.ParseFromArray(value.data(), int(value.size()))) {
    return Status::Error("unable to parse the bundle header (the \"\" record)");
  }
  const auto& v = proto.version();
  if (v.producer() < 0) {
    return Status::Error("bundle producer version " + std::to_string(v.producer()) +
                         " is below the minimum producer version 0");
  }
  if (v.min_consumer() > 1) {
    return Status::Error("bundle requires consumer version " + std::to_string(v.min_consumer()) +
                         " or newer; this reader is version 1 (written by a newer TensorFlow?)");
  }
  for (int bad : v.bad_consumers()) {
    if (bad == 1) return Status::Error("bundle disallows consumer version 1");
  }
  if (proto.num_shards() < 0 || proto.num_shards() > kMaxShards) {
    return Status::Error("bad shard count " + std::to_string(proto.num_shards()) + " in bundle header");
  }
  BundleHeader h;
  h.num_shards = proto.num_shards();
  h.big_endian = proto.endianness() == tensorflow::BundleHeaderProto::BIG;
  return h;
}

Result<BundleEntry> ParseBundleEntry(ByteView value) {
  tensorflow::BundleEntryProto proto;
  if (value.size() > kMaxProtoBytes || !proto.ParseFromArray(value.data(), int(value.size()))) {
    return Status::Error("BundleEntryProto does not parse");
  }
  BundleEntry e;
  e.dtype = int(proto.dtype());
  CKPT_ASSIGN_OR_RETURN(e.shape, ShapeFromProto(proto.shape()));
  e.shard_id = proto.shard_id();
  if (proto.offset() < 0 || proto.size() < 0) {
    return Status::Error("negative offset or size (" + std::to_string(proto.offset()) + ", " +
                         std::to_string(proto.size()) + ")");
  }
  e.offset = uint64_t(proto.offset());
  e.size = uint64_t(proto.size());
  e.masked_crc32c = proto.crc32c();
  for (const auto& sp : proto.slices()) {
    Result<TensorSlice> s = SliceFromProto(sp);
    if (!s.ok()) {
      e.slice_error = s.status().message();
      continue;
    }
    e.slices.push_back(std::move(s).value());
  }
  if (e.slice_error.empty() && !e.slices.empty()) {
    Status st = CheckSlicesCoverTensor("slices", e.shape, e.slices);
    if (!st.ok()) e.slice_error = st.message();
  }
  if (!e.slice_error.empty() && e.slices.empty()) e.slices.push_back(TensorSlice::Full(e.shape.size()));
  return e;
}

std::string BundleDataFilename(const std::string& prefix, int shard, int num_shards) {
  char buf[64];
  std::snprintf(buf, sizeof buf, ".data-%05d-of-%05d", shard, num_shards);
  return prefix + buf;
}

bool ParseBundleDataFilename(const std::string& name, std::string* prefix) {
  const size_t dot = name.rfind(".data-");
  if (dot == std::string::npos) return false;
  const std::string_view rest = std::string_view(name).substr(dot + 6);
  const size_t of = rest.find("-of-");
  if (of == std::string_view::npos || of == 0 || of + 4 >= rest.size()) return false;
  for (size_t i = 0; i < rest.size(); ++i) {
    if (i >= of && i < of + 4) continue;
    if (rest[i] < '0' || rest[i] > '9') return false;
  }
  if (prefix) *prefix = name.substr(0, dot);
  return true;
}

Status CheckBundleEntrySize(const BundleEntry& entry) {
  const DType dtype = DType(entry.dtype);
  const int64_t n = NumElements(entry.shape);
  if (n < 0) return Status::Error("bad shape " + ShapeString(entry.shape));
  const int esize = DTypeSize(dtype);
  if (esize > 0) {
    uint64_t expected;
    if (!TotalBytes(n, esize, &expected) || entry.size != expected) {
      return Status::Error("bad size in bundle entry: stored " + Num(entry.size) + " bytes, expected " +
                           Num(uint64_t(n)) + " elements x " + Num(uint64_t(esize)) + " bytes");
    }
  } else if (IsStringFormat(dtype)) {
    if (!(entry.size == 0 && n == 0) && (entry.size < uint64_t(n) || entry.size - uint64_t(n) < 4)) {
      return Status::Error("bad size in bundle entry: " + Num(entry.size) + " bytes cannot hold " +
                           Num(uint64_t(n)) + " strings (at least " + Num(uint64_t(n) + 4) + ")");
    }
  } else if (dtype == DType::kVariant) {
    if (entry.size / 5 < uint64_t(n)) {
      return Status::Error("bad size in bundle entry: " + Num(entry.size) + " bytes cannot hold " +
                           Num(uint64_t(n)) + " variant elements");
    }
  } else {
    return Status::Error("unsupported dtype " + std::string(DTypeName(dtype)) + " (" +
                         std::to_string(entry.dtype) + ")");
  }
  return Status::Ok();
}

Result<Tensor> DecodeBundleTensor(const BundleEntry& entry, std::string&& data, bool big_endian,
                                  const uint32_t* raw_crc) {
  CKPT_RETURN_IF_ERROR(CheckBundleEntrySize(entry));
  if (data.size() != entry.size) {
    return Status::Error("got " + Num(data.size()) + " bytes for a tensor of " + Num(entry.size));
  }
  Tensor t;
  t.dtype = DType(entry.dtype);
  t.shape = entry.shape;
  const int64_t n = NumElements(entry.shape);
  uint32_t crc = 0;
  if (DTypeSize(t.dtype) > 0) {
    crc = raw_crc ? *raw_crc : crc32c::Value(data.data(), data.size());  // on the bytes as stored
    t.bytes = std::move(data);
  } else if (IsStringFormat(t.dtype)) {
    CKPT_RETURN_IF_ERROR(DecodeStrings(entry, ByteView(data), big_endian, n, &t, &crc));
  } else {
    CKPT_RETURN_IF_ERROR(DecodeVariants(entry, ByteView(data), big_endian, n, &t, &crc));
  }
  if (crc32c::Unmask(entry.masked_crc32c) != crc) {
    return Status::Error("checksum mismatch (stored crc32c " + Hex32(crc32c::Unmask(entry.masked_crc32c)) +
                         ", computed " + Hex32(crc) + " over " + Num(entry.size) + " bytes)");
  }
  if (big_endian && DTypeSize(t.dtype) > 0) SwapToLittleEndian(t.dtype, &t.bytes);
  return t;
}

// ---- BundleCheckpoint -------------------------------------------------------

Result<std::unique_ptr<BundleCheckpoint>> BundleCheckpoint::Open(const std::string& prefix,
                                                                 std::string index_contents,
                                                                 const std::vector<FileInfo>& files) {
  std::unique_ptr<BundleCheckpoint> ckpt(new BundleCheckpoint());
  ckpt->format_ = CheckpointFormat::kBundleV2;
  ckpt->prefix_ = prefix;
  ckpt->index_file_ = prefix + ".index";
  const std::string& file = ckpt->index_file_;
  CKPT_ASSIGN_OR_RETURN(std::unique_ptr<Table> table, Table::Open(file, std::move(index_contents)));

  Table::Iterator it = table->NewIterator();
  it.SeekToFirst();
  CKPT_RETURN_IF_ERROR(it.status());
  if (!it.Valid() || !it.key().empty()) {
    return Status::Error(file + ": not a tensor bundle (no header record with key \"\")");
  }
  Result<BundleHeader> header = ParseBundleHeader(it.value());
  if (!header.ok()) return header.status().WithContext(file);
  ckpt->header_ = *header;

  std::set<std::string> slice_keys;  // entries that hold a slice of another
  for (it.Next(); it.Valid(); it.Next()) {
    std::string key(it.key());
    Result<BundleEntry> entry = ParseBundleEntry(it.value());
    if (!entry.ok()) return entry.status().WithContext(file + ": entry for key '" + key + "'");
    for (const TensorSlice& s : entry->slices) slice_keys.insert(EncodeTensorNameSlice(key, s));
    ckpt->entries_.emplace(std::move(key), std::move(entry).value());
  }
  CKPT_RETURN_IF_ERROR(it.status());

  // Data files, and which of them the source holds.
  std::map<std::string, uint64_t> sizes;
  for (const FileInfo& f : files) sizes[f.path] = f.size;
  for (int s = 0; s < ckpt->header_.num_shards; ++s) {
    std::string name = BundleDataFilename(prefix, s, ckpt->header_.num_shards);
    auto found = sizes.find(name);
    ckpt->data_file_sizes_.push_back(found == sizes.end() ? -1 : int64_t(found->second));
    if (found == sizes.end()) ckpt->missing_data_files_.push_back(name);
    ckpt->data_files_.push_back(std::move(name));
  }

  // Variables: every entry except the slices of partitioned tensors (as TF's
  // CheckpointReader lists them).
  for (const auto& [key, e] : ckpt->entries_) {
    if (slice_keys.count(key)) continue;
    VariableInfo v;
    v.key = key;
    v.dtype = DType(e.dtype);
    v.shape = e.shape;
    if (e.slices.empty()) {
      v.bytes = e.size;
      v.shard = e.shard_id;
    } else {
      v.num_slices = int(e.slices.size());
      for (const TensorSlice& s : e.slices) {
        if (const BundleEntry* se = ckpt->Entry(EncodeTensorNameSlice(key, s))) v.bytes += se->size;
      }
    }
    ckpt->variables_.push_back(std::move(v));
  }
  ckpt->FinishVariables();
  return ckpt;
}

const BundleEntry* BundleCheckpoint::Entry(std::string_view key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second;
}

Status BundleCheckpoint::StoredEntries(std::string_view key, std::vector<const BundleEntry*>* stored,
                                       const BundleEntry** meta) const {
  const BundleEntry* e = Entry(key);
  if (!e) return Status::Error(index_file_ + ": no tensor '" + std::string(key) + "'");
  *meta = e;
  stored->clear();
  if (e->slices.empty()) {
    stored->push_back(e);
    return Status::Ok();
  }
  if (!e->slice_error.empty()) {
    return Status::Error(index_file_ + ": tensor '" + std::string(key) + "': " + e->slice_error);
  }
  for (const TensorSlice& s : e->slices) {
    const BundleEntry* se = Entry(EncodeTensorNameSlice(key, s));
    if (!se) {
      return Status::Error(index_file_ + ": slice " + s.DebugString() + " of tensor '" +
                           std::string(key) + "' has no entry");
    }
    stored->push_back(se);
  }
  return Status::Ok();
}

Status BundleCheckpoint::RangeOf(std::string_view key, const BundleEntry& e, ByteRange* range) const {
  const std::string what = "tensor '" + std::string(key) + "'";
  if (!e.slices.empty()) {
    return Status::Error(index_file_ + ": " + what + " has a slice that is itself partitioned");
  }
  if (e.shard_id < 0 || e.shard_id >= header_.num_shards) {
    return Status::Error(index_file_ + ": " + what + " is in shard " + std::to_string(e.shard_id) +
                         " but the bundle has " + std::to_string(header_.num_shards) + " shards");
  }
  Status size_ok = CheckBundleEntrySize(e);
  if (!size_ok.ok()) return size_ok.WithContext(index_file_ + ": " + what);
  const std::string& data_file = data_files_[size_t(e.shard_id)];
  const int64_t file_size = data_file_sizes_[size_t(e.shard_id)];
  if (file_size < 0) {
    return Status::Error(data_file + ": missing data file (" + what +
                         " is stored there); the checkpoint is incomplete");
  }
  if (e.offset > uint64_t(file_size) || e.size > uint64_t(file_size) - e.offset) {
    return Status::Error(data_file + ": " + what + " (" + Num(e.size) + " bytes at offset " + Num(e.offset) +
                         ") extends past the end of the file (" + Num(uint64_t(file_size)) + " bytes)");
  }
  range->path = data_file;
  range->offset = e.offset;
  range->size = e.size;
  return Status::Ok();
}

Result<std::vector<ByteRange>> BundleCheckpoint::RangesFor(std::string_view key) const {
  std::vector<const BundleEntry*> stored;
  const BundleEntry* meta;
  CKPT_RETURN_IF_ERROR(StoredEntries(key, &stored, &meta));
  std::vector<ByteRange> ranges(stored.size());
  for (size_t i = 0; i < stored.size(); ++i) CKPT_RETURN_IF_ERROR(RangeOf(key, *stored[i], &ranges[i]));
  return ranges;
}

Status BundleCheckpoint::Verify(std::string_view key, FileSource& source) const {
  std::vector<const BundleEntry*> stored;
  const BundleEntry* meta;
  CKPT_RETURN_IF_ERROR(StoredEntries(key, &stored, &meta));
  for (const BundleEntry* e : stored) {
    // Strings and variants carry checksums inside their bytes: decode them.
    if (DTypeSize(DType(e->dtype)) == 0) return Read(key, source).status();
  }
  for (const BundleEntry* e : stored) {
    ByteRange range;
    CKPT_RETURN_IF_ERROR(RangeOf(key, *e, &range));
    auto where = [&] { return range.path + ": tensor '" + std::string(key) + "' at offset " + Num(range.offset); };
    Status size_ok = CheckBundleEntrySize(*e);
    if (!size_ok.ok()) return size_ok.WithContext(where());
    uint32_t crc = 0;
    CKPT_RETURN_IF_ERROR(source.Crc32cOfRange(range.path, range.offset, range.size, &crc));
    if (crc32c::Unmask(e->masked_crc32c) != crc) {
      return Status::Error(where() + ": checksum mismatch (stored crc32c " +
                           Hex32(crc32c::Unmask(e->masked_crc32c)) + ", computed " + Hex32(crc) +
                           " over " + Num(e->size) + " bytes)");
    }
  }
  return Status::Ok();
}

Result<Tensor> BundleCheckpoint::DecodeChunks(std::string_view key, std::vector<std::string>& chunks,
                                              const std::vector<uint32_t>* raw_crcs) const {
  std::vector<const BundleEntry*> stored;
  const BundleEntry* meta;
  CKPT_RETURN_IF_ERROR(StoredEntries(key, &stored, &meta));
  if (chunks.size() != stored.size()) {
    return Status::Error(index_file_ + ": tensor '" + std::string(key) + "' needs " + Num(stored.size()) +
                         " byte ranges, got " + Num(chunks.size()));
  }
  std::vector<ByteRange> ranges(stored.size());
  for (size_t i = 0; i < stored.size(); ++i) CKPT_RETURN_IF_ERROR(RangeOf(key, *stored[i], &ranges[i]));
  auto decode = [&](size_t i) -> Result<Tensor> {
    const uint32_t* raw_crc = raw_crcs && raw_crcs->size() == chunks.size() ? &(*raw_crcs)[i] : nullptr;
    Result<Tensor> t = DecodeBundleTensor(*stored[i], std::move(chunks[i]), header_.big_endian, raw_crc);
    if (!t.ok()) {
      return t.status().WithContext(ranges[i].path + ": tensor '" + std::string(key) + "'" +
                                    (meta->slices.empty() ? "" : " slice " + meta->slices[i].DebugString()) +
                                    " at offset " + Num(ranges[i].offset));
    }
    return t;
  };
  if (meta->slices.empty()) return decode(0);

  // Partitioned: assemble the slices into the full tensor.
  const DType dtype = DType(meta->dtype);
  Tensor full;
  full.dtype = dtype;
  full.shape = meta->shape;
  const int64_t n = NumElements(meta->shape);
  const int esize = DTypeSize(dtype);
  for (size_t i = 0; i < stored.size(); ++i) {
    Result<Shape> want = SliceShape(meta->slices[i], meta->shape);
    if (!want.ok() || stored[i]->dtype != meta->dtype || stored[i]->shape != *want) {
      return Status::Error(index_file_ + ": slice " + meta->slices[i].DebugString() + " of tensor '" +
                           std::string(key) + "' is stored as " + std::string(DTypeName(DType(stored[i]->dtype))) +
                           " " + ShapeString(stored[i]->shape) + ", expected " +
                           std::string(DTypeName(dtype)) + " " + (want.ok() ? ShapeString(*want) : "?"));
    }
  }
  // Slices cover the tensor exactly (checked when the index was read), so
  // the full tensor is no bigger than the slices' stored bytes.
  if (esize > 0) {
    full.bytes.resize(size_t(n) * size_t(esize));
  } else {
    full.strings.resize(size_t(n));
  }
  for (size_t i = 0; i < stored.size(); ++i) {
    CKPT_ASSIGN_OR_RETURN(Tensor part, decode(i));
    CopySliceIntoTensor(meta->shape, meta->slices[i], std::move(part), &full);
  }
  return full;
}

}  // namespace ckptview::formats
