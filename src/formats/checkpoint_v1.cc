#include "formats/checkpoint_v1.h"

#include <cstdio>
#include <cstring>
#include <type_traits>

#include "base/coding.h"
#include "formats/tensor_bundle.h"
#include "saved_tensor_slice.pb.h"

namespace ckptview::formats {
namespace {

std::string Num(uint64_t v) { return std::to_string(v); }

bool AllDigits(const std::string& s, size_t pos, size_t n) {
  if (pos + n > s.size()) return false;
  for (size_t i = pos; i < pos + n; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

// Appends each value as `width` little-endian bytes (truncating, as TF's
// static_cast from the int32 proto field does for int8/int16/...).
template <typename Repeated>
void AppendLittleEndian(const Repeated& values, int width, std::string* out) {
  out->reserve(out->size() + size_t(values.size()) * size_t(width));
  for (auto v : values) {
    uint64_t bits;
    if constexpr (sizeof(v) == 4 && std::is_floating_point_v<decltype(v)>) {
      uint32_t b;
      std::memcpy(&b, &v, 4);
      bits = b;
    } else if constexpr (std::is_floating_point_v<decltype(v)>) {
      std::memcpy(&bits, &v, 8);
    } else {
      bits = uint64_t(v);
    }
    for (int i = 0; i < width; ++i) out->push_back(char(bits >> (8 * i)));
  }
}

// Fills `t` (dtype and shape set) from the typed field of a V1 record.
Status ValuesFromProto(const tensorflow::TensorProto& p, int64_t n, Tensor* t) {
  auto count = [&](int64_t have, int64_t per_element) -> Status {
    if (have != n * per_element) {
      return Status::Error("has " + Num(uint64_t(have)) + " values, expected " + Num(uint64_t(n * per_element)) +
                           (per_element == 2 ? " (real, imaginary pairs)" : ""));
    }
    return Status::Ok();
  };
  switch (t->dtype) {
    case DType::kFloat:
      CKPT_RETURN_IF_ERROR(count(p.float_val_size(), 1));
      AppendLittleEndian(p.float_val(), 4, &t->bytes);
      break;
    case DType::kDouble:
      CKPT_RETURN_IF_ERROR(count(p.double_val_size(), 1));
      AppendLittleEndian(p.double_val(), 8, &t->bytes);
      break;
    case DType::kInt32:
    case DType::kQInt32:
      CKPT_RETURN_IF_ERROR(count(p.int_val_size(), 1));
      AppendLittleEndian(p.int_val(), 4, &t->bytes);
      break;
    case DType::kInt16:
    case DType::kUInt16:
    case DType::kQInt16:
    case DType::kQUInt16:
      CKPT_RETURN_IF_ERROR(count(p.int_val_size(), 1));
      AppendLittleEndian(p.int_val(), 2, &t->bytes);
      break;
    case DType::kInt8:
    case DType::kUInt8:
    case DType::kQInt8:
    case DType::kQUInt8:
      CKPT_RETURN_IF_ERROR(count(p.int_val_size(), 1));
      AppendLittleEndian(p.int_val(), 1, &t->bytes);
      break;
    case DType::kInt64:
      CKPT_RETURN_IF_ERROR(count(p.int64_val_size(), 1));
      AppendLittleEndian(p.int64_val(), 8, &t->bytes);
      break;
    case DType::kUInt32:
      CKPT_RETURN_IF_ERROR(count(p.uint32_val_size(), 1));
      AppendLittleEndian(p.uint32_val(), 4, &t->bytes);
      break;
    case DType::kUInt64:
      CKPT_RETURN_IF_ERROR(count(p.uint64_val_size(), 1));
      AppendLittleEndian(p.uint64_val(), 8, &t->bytes);
      break;
    case DType::kBool:
      CKPT_RETURN_IF_ERROR(count(p.bool_val_size(), 1));
      for (bool b : p.bool_val()) t->bytes.push_back(b ? 1 : 0);
      break;
    case DType::kComplex64:
      CKPT_RETURN_IF_ERROR(count(p.scomplex_val_size(), 2));
      AppendLittleEndian(p.scomplex_val(), 4, &t->bytes);
      break;
    case DType::kComplex128:
      CKPT_RETURN_IF_ERROR(count(p.dcomplex_val_size(), 2));
      AppendLittleEndian(p.dcomplex_val(), 8, &t->bytes);
      break;
    case DType::kHalf:
    case DType::kBFloat16:  // 16-bit patterns in half_val, as TensorProto stores both
      CKPT_RETURN_IF_ERROR(count(p.half_val_size(), 1));
      AppendLittleEndian(p.half_val(), 2, &t->bytes);
      break;
    case DType::kString:
      CKPT_RETURN_IF_ERROR(count(p.string_val_size(), 1));
      t->strings.assign(p.string_val().begin(), p.string_val().end());
      break;
    default:
      return Status::Error("dtype " + std::string(DTypeName(t->dtype)) + " is not supported in V1 checkpoints");
  }
  return Status::Ok();
}

}  // namespace

bool ParseV1ShardName(const std::string& path, std::string* prefix) {
  // <prefix>-DDDDD-of-NNNNN (NNNNN: five or more digits).
  const size_t of = path.rfind("-of-");
  if (of == std::string::npos || of < 6) return false;
  const size_t ndigits = path.size() - (of + 4);
  if (ndigits < 5 || !AllDigits(path, of + 4, ndigits)) return false;
  if (path[of - 6] != '-' || !AllDigits(path, of - 5, 5)) return false;
  if (of - 6 == 0) return false;
  *prefix = path.substr(0, of - 6);
  return true;
}

std::vector<std::string> FindV1Shards(const std::vector<FileInfo>& files, const std::string& prefix,
                                      int* num_shards, std::vector<std::string>* missing) {
  // Group candidate names by the shard count they state; take the largest group.
  std::map<std::string, std::map<int, std::string>> by_count;
  for (const FileInfo& f : files) {
    std::string p;
    if (!ParseV1ShardName(f.path, &p) || p != prefix) continue;
    const size_t of = f.path.rfind("-of-");
    const std::string count = f.path.substr(of + 4);
    if (count.size() > 7) continue;
    by_count[count][std::stoi(f.path.substr(of - 5, 5))] = f.path;
  }
  *num_shards = 0;
  missing->clear();
  const std::map<int, std::string>* best = nullptr;
  std::string best_count;
  for (const auto& [count, shards] : by_count) {
    if (!best || shards.size() > best->size()) {
      best = &shards;
      best_count = count;
    }
  }
  std::vector<std::string> out;
  if (!best) return out;
  *num_shards = std::stoi(best_count);
  for (const auto& [index, path] : *best) {
    if (index < *num_shards) out.push_back(path);
  }
  for (int i = 0; i < *num_shards && missing->size() < 1000; ++i) {
    if (best->count(i)) continue;
    char buf[16];
    std::snprintf(buf, sizeof buf, "-%05d-of-", i);
    missing->push_back(prefix + buf + best_count);
  }
  return out;
}

Result<std::unique_ptr<SlicesV1Checkpoint>> SlicesV1Checkpoint::Open(FileSource& source, const std::string& prefix) {
  std::unique_ptr<SlicesV1Checkpoint> ckpt(new SlicesV1Checkpoint());
  ckpt->format_ = CheckpointFormat::kSlicesV1;
  ckpt->prefix_ = prefix;
  if (source.Find(prefix)) {
    ckpt->data_files_.push_back(prefix);
  } else {
    int num_shards = 0;
    ckpt->data_files_ = FindV1Shards(source.Files(), prefix, &num_shards, &ckpt->missing_data_files_);
    if (ckpt->data_files_.empty()) {
      return Status::Error(prefix + ": no such V1 checkpoint (neither the file nor shards " + prefix +
                           "-\?\?\?\?\?-of-NNNNN)");
    }
    for (const std::string& m : ckpt->missing_data_files_) {
      ckpt->warnings_.push_back(m + ": missing V1 checkpoint shard; tensors stored there are not listed");
    }
  }
  for (size_t i = 0; i < ckpt->data_files_.size(); ++i) {
    CKPT_ASSIGN_OR_RETURN(std::string contents, source.ReadAll(ckpt->data_files_[i]));
    CKPT_ASSIGN_OR_RETURN(std::unique_ptr<Table> table, Table::Open(ckpt->data_files_[i], std::move(contents)));
    ckpt->tables_.push_back(std::move(table));
    CKPT_RETURN_IF_ERROR(ckpt->LoadFile(i));
  }
  for (auto& [name, t] : ckpt->tensors_) {
    std::vector<TensorSlice> slices;
    for (const StoredSlice& s : t.slices) slices.push_back(s.slice);
    if (t.error.empty()) {
      Status st = CheckSlicesCoverTensor("tensor '" + name + "'", t.shape, slices);
      if (!st.ok()) t.error = st.message();
    }
    VariableInfo v;
    v.key = name;
    v.dtype = t.dtype;
    v.shape = t.shape;
    for (const StoredSlice& s : t.slices) v.bytes += s.record.size();
    v.shard = -1;
    bool whole = false;
    if (t.slices.size() == 1) {
      Result<Shape> s = SliceShape(t.slices[0].slice, t.shape);
      whole = s.ok() && *s == t.shape;
    }
    v.num_slices = whole ? 0 : int(t.slices.size());
    ckpt->variables_.push_back(std::move(v));
  }
  ckpt->FinishVariables();
  return ckpt;
}

Status SlicesV1Checkpoint::LoadFile(size_t index) {
  const Table& table = *tables_[index];
  const std::string& file = table.file_name();
  bool found = false;
  ByteView value;
  CKPT_RETURN_IF_ERROR(table.Get("", &found, &value));
  tensorflow::SavedTensorSlices sts;
  if (!found || value.size() > kMaxProtoBytes || !sts.ParseFromArray(value.data(), int(value.size())) || !sts.has_meta()) {
    return Status::Error(file + ": not a V1 checkpoint (no SavedTensorSlices metadata record)");
  }
  const auto& v = sts.meta().versions();
  // CheckVersions(versions, TF_CHECKPOINT_VERSION = 1, min producer 0); very
  // old files have no versions at all (producer 0).
  if (v.producer() < 0) return Status::Error(file + ": checkpoint producer version below 0");
  if (v.min_consumer() > 1) {
    return Status::Error(file + ": checkpoint requires consumer version " + std::to_string(v.min_consumer()) +
                         " or newer; this reader is version 1");
  }
  for (int bad : v.bad_consumers()) {
    if (bad == 1) return Status::Error(file + ": checkpoint disallows consumer version 1");
  }
  for (const auto& meta : sts.meta().tensor()) {
    const std::string what = file + ": tensor '" + meta.name() + "'";
    Result<Shape> shape = ShapeFromProto(meta.shape());
    if (!shape.ok()) return shape.status().WithContext(what);
    auto [it, inserted] = tensors_.try_emplace(meta.name());
    StoredTensor& t = it->second;
    if (inserted) {
      t.dtype = DType(int(meta.type()));
      t.shape = *shape;
    } else if (t.shape != *shape || t.dtype != DType(int(meta.type()))) {
      return Status::Error(what + " is " + std::string(DTypeName(DType(int(meta.type())))) + " " +
                           ShapeString(*shape) + " here but " + std::string(DTypeName(t.dtype)) + " " +
                           ShapeString(t.shape) + " in another shard");
    }
    for (const auto& sp : meta.slice()) {
      Result<TensorSlice> slice = SliceFromProto(sp);
      if (!slice.ok()) return slice.status().WithContext(what);
      if (!SliceShape(*slice, t.shape).ok()) {
        return Status::Error(what + ": slice " + slice->DebugString() + " does not fit shape " +
                             ShapeString(t.shape));
      }
      StoredSlice s;
      s.slice = std::move(slice).value();
      s.file = index;
      CKPT_RETURN_IF_ERROR(table.Get(EncodeTensorNameSlice(meta.name(), s.slice), &s.found, &s.record));
      t.slices.push_back(std::move(s));
    }
  }
  return Status::Ok();
}

Result<std::vector<ByteRange>> SlicesV1Checkpoint::RangesFor(std::string_view key) const {
  if (tensors_.find(key) == tensors_.end()) {
    return Status::Error(prefix_ + ": no tensor '" + std::string(key) + "'");
  }
  return std::vector<ByteRange>{};
}

Result<Tensor> SlicesV1Checkpoint::DecodeSlice(const std::string& name, const StoredTensor& t,
                                               const StoredSlice& s) const {
  const std::string what = tables_[s.file]->file_name() + ": tensor '" + name + "' slice " + s.slice.DebugString();
  if (!s.found) return Status::Error(what + ": record missing");
  tensorflow::SavedTensorSlices sts;
  if (s.record.size() > kMaxProtoBytes || !sts.ParseFromArray(s.record.data(), int(s.record.size())) || !sts.has_data()) {
    return Status::Error(what + ": record is not a SavedTensorSlices with data");
  }
  CKPT_ASSIGN_OR_RETURN(Shape shape, SliceShape(s.slice, t.shape));
  Tensor out;
  out.dtype = t.dtype;
  out.shape = shape;
  Status st = ValuesFromProto(sts.data().data(), NumElements(shape), &out);
  if (!st.ok()) return st.WithContext(what);
  return out;
}

Result<Tensor> SlicesV1Checkpoint::DecodeChunks(std::string_view key, std::vector<std::string>& chunks,
                                                const std::vector<uint32_t>* /*raw_crcs*/) const {
  auto it = tensors_.find(key);
  if (it == tensors_.end()) return Status::Error(prefix_ + ": no tensor '" + std::string(key) + "'");
  const std::string name(key);
  const StoredTensor& t = it->second;
  if (!chunks.empty()) {
    return Status::Error(prefix_ + ": tensor '" + name + "' needs no byte ranges, got " + Num(chunks.size()));
  }
  if (!t.error.empty()) return Status::Error(prefix_ + ": " + t.error);
  if (t.slices.size() == 1) {
    CKPT_ASSIGN_OR_RETURN(Tensor whole, DecodeSlice(name, t, t.slices[0]));
    whole.shape = t.shape;  // same element count: the slice covers the tensor
    return whole;
  }
  Tensor full;
  full.dtype = t.dtype;
  full.shape = t.shape;
  const int64_t n = NumElements(t.shape);
  const int esize = DTypeSize(t.dtype);
  std::vector<Tensor> parts;
  for (const StoredSlice& s : t.slices) {
    CKPT_ASSIGN_OR_RETURN(Tensor part, DecodeSlice(name, t, s));
    parts.push_back(std::move(part));
  }
  // Every part passed its exact count check, so the full tensor is no
  // bigger than what the records held.
  if (esize > 0 && t.dtype != DType::kString) {
    full.bytes.resize(size_t(n) * size_t(esize));
  } else {
    full.strings.resize(size_t(n));
  }
  for (size_t i = 0; i < parts.size(); ++i) CopySliceIntoTensor(t.shape, t.slices[i].slice, std::move(parts[i]), &full);
  return full;
}

}  // namespace ckptview::formats
