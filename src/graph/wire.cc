#include "graph/wire.h"

#include <algorithm>

#include "base/coding.h"

namespace ckptview::graph::wire {

void PutTag(std::string* out, int field, WireType type) {
  PutVarint64(out, (uint64_t(field) << 3) | uint64_t(type));
}

void PutLengthPrefix(std::string* out, int field, uint64_t payload_size) {
  PutTag(out, field, kLengthDelimited);
  PutVarint64(out, payload_size);
}

void PutBytesField(std::string* out, int field, std::string_view bytes) {
  PutLengthPrefix(out, field, bytes.size());
  out->append(bytes.data(), bytes.size());
}

void PutVarintField(std::string* out, int field, uint64_t value) {
  PutTag(out, field, kVarint);
  PutVarint64(out, value);
}

namespace {

// Reads one field at the front of `*in` (which starts at `base` bytes into
// the message) and consumes it.
Status ReadField(ByteView* in, uint64_t base, uint64_t total, FieldInfo* info) {
  const uint64_t offset = base + (total - in->size());
  uint64_t tag;
  if (!GetVarint64(in, &tag))
    return Status::Error("truncated tag at offset " + std::to_string(offset));
  const int number = int(tag >> 3);
  const int type = int(tag & 7);
  if (number == 0 || (tag >> 3) > 0x1fffffff)
    return Status::Error("invalid field number " + std::to_string(tag >> 3) + " at offset " +
                         std::to_string(offset));
  info->number = number;
  info->offset = offset;
  switch (type) {
    case kVarint: {
      uint64_t v;
      const size_t before = in->size();
      if (!GetVarint64(in, &v))
        return Status::Error("truncated varint of field " + std::to_string(number) +
                             " at offset " + std::to_string(offset));
      info->type = kVarint;
      info->size = before - in->size();
      return Status::Ok();
    }
    case kFixed64:
    case kFixed32: {
      const size_t n = type == kFixed64 ? 8 : 4;
      if (in->size() < n)
        return Status::Error("truncated fixed" + std::to_string(n * 8) + " field " +
                             std::to_string(number) + " at offset " + std::to_string(offset));
      in->remove_prefix(n);
      info->type = WireType(type);
      info->size = n;
      return Status::Ok();
    }
    case kLengthDelimited: {
      uint64_t len;
      if (!GetVarint64(in, &len))
        return Status::Error("truncated length of field " + std::to_string(number) +
                             " at offset " + std::to_string(offset));
      if (len > in->size())
        return Status::Error("field " + std::to_string(number) + " at offset " +
                             std::to_string(offset) + " declares " + std::to_string(len) +
                             " bytes but only " + std::to_string(in->size()) + " remain");
      in->remove_prefix(len);
      info->type = kLengthDelimited;
      info->size = len;
      return Status::Ok();
    }
    default:
      return Status::Error("unsupported wire type " + std::to_string(type) + " of field " +
                           std::to_string(number) + " at offset " + std::to_string(offset));
  }
}

Status Scan(ByteView bytes, uint64_t base, std::vector<FieldInfo>* fields) {
  ByteView in = bytes;
  while (!in.empty()) {
    FieldInfo info;
    CKPT_RETURN_IF_ERROR(ReadField(&in, base, bytes.size(), &info));
    if (fields) fields->push_back(info);
  }
  return Status::Ok();
}

}  // namespace

Status ScanFields(ByteView bytes, std::vector<FieldInfo>* fields) {
  return Scan(bytes, 0, fields);
}

Status DescribeDamage(ByteView bytes, const std::vector<int>& nested) {
  std::vector<FieldInfo> fields;
  CKPT_RETURN_IF_ERROR(Scan(bytes, 0, &fields));
  for (const FieldInfo& f : fields) {
    if (f.type != kLengthDelimited ||
        std::find(nested.begin(), nested.end(), f.number) == nested.end())
      continue;
    // Payload starts after the tag and the length varint.
    const uint64_t start = f.offset + TagSize(f.number) + VarintSize(f.size);
    Status s = Scan(bytes.substr(start, f.size), start, nullptr);
    if (!s.ok())
      return Status::Error("inside field " + std::to_string(f.number) + " (offset " +
                           std::to_string(f.offset) + "): " + s.message());
  }
  return Status::Ok();
}

}  // namespace ckptview::graph::wire
