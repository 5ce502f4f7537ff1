#include "formats/bundle_writer.h"

#include "base/coding.h"
#include "base/crc32c.h"
#include "formats/sstable_builder.h"
#include "tensor_bundle.pb.h"

namespace ckptview::formats {

Status BundleWriter::Append(std::string_view bytes) {
  offset_ += bytes.size();
  return write_data_(bytes);
}

Status BundleWriter::AddEntry(const std::string& key, DType dtype, const Shape& shape,
                              uint64_t offset, uint64_t size, uint32_t crc) {
  if (key.empty()) return Status::Error("bundle key must not be empty");
  if (entries_.count(key)) return Status::Error("Adding duplicate key: " + key);
  tensorflow::BundleEntryProto entry;
  entry.set_dtype(tensorflow::DataType(int(dtype)));
  auto* proto_shape = entry.mutable_shape();  // always emitted, as TF does
  for (int64_t d : shape) proto_shape->add_dim()->set_size(d);
  entry.set_offset(int64_t(offset));
  entry.set_size(int64_t(size));
  entry.set_crc32c(crc32c::Mask(crc));
  entries_[key] = entry.SerializeAsString();
  return Status::Ok();
}

Status BundleWriter::Add(const std::string& key, const Tensor& tensor) {
  const uint64_t start = offset_;
  if (tensor.dtype == DType::kString) {
    // Lengths (varints), masked checksum of the lengths, then the bytes.
    std::string header;
    uint32_t crc = 0;
    for (const std::string& s : tensor.strings) {
      PutVarint64(&header, s.size());
      uint8_t len[8];
      EncodeFixed64(len, s.size());
      crc = crc32c::Extend(crc, len, s.size() <= 0xffffffffu ? 4 : 8);
    }
    uint8_t masked[4];
    EncodeFixed32(masked, crc32c::Mask(crc));
    header.append(reinterpret_cast<char*>(masked), 4);
    crc = crc32c::Extend(crc, masked, 4);
    CKPT_RETURN_IF_ERROR(Append(header));
    for (const std::string& s : tensor.strings) {
      crc = crc32c::Extend(crc, s.data(), s.size());
      CKPT_RETURN_IF_ERROR(Append(s));
    }
    return AddEntry(key, tensor.dtype, tensor.shape, start, offset_ - start, crc);
  }
  if (DTypeSize(tensor.dtype) == 0)
    return Status::Error("cannot write dtype " + std::string(DTypeName(tensor.dtype)) + " to a bundle");
  CKPT_RETURN_IF_ERROR(Append(tensor.bytes));
  return AddEntry(key, tensor.dtype, tensor.shape, start, tensor.bytes.size(),
                  crc32c::Value(tensor.bytes.data(), tensor.bytes.size()));
}

Status BundleWriter::AddStreamed(const std::string& key, DType dtype, const Shape& shape,
                                 const std::function<std::string_view()>& fill) {
  const int64_t n = NumElements(shape);
  if (DTypeSize(dtype) == 0 || n < 0) return Status::Error("AddStreamed needs a fixed-size dtype");
  const uint64_t total = uint64_t(n) * DTypeSize(dtype);
  const uint64_t start = offset_;
  uint32_t crc = 0;
  while (offset_ - start < total) {
    std::string_view piece = fill();
    if (piece.empty()) return Status::Error("AddStreamed: producer ran out of bytes for " + key);
    piece = piece.substr(0, total - (offset_ - start));
    crc = crc32c::Extend(crc, piece.data(), piece.size());
    CKPT_RETURN_IF_ERROR(Append(piece));
  }
  return AddEntry(key, dtype, shape, start, total, crc);
}

Result<std::string> BundleWriter::FinishIndex() {
  tensorflow::BundleHeaderProto header;
  header.set_num_shards(1);
  header.mutable_version()->set_producer(1);
  SSTableBuilder table;
  CKPT_RETURN_IF_ERROR(table.Add("", header.SerializeAsString()));
  for (const auto& [key, entry] : entries_) CKPT_RETURN_IF_ERROR(table.Add(key, entry));
  return table.Finish();
}

}  // namespace ckptview::formats
