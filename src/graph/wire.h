// Protobuf wire format, by hand: the freezer frames Const NodeDefs itself so
// that a tensor's bytes can go from the checkpoint to the output without a
// NodeDef ever holding them, and graph readers explain *where* a damaged file
// breaks (the lite runtime's ParseFromString only says "failed").
//
//   field   := tag:varint (field_number << 3 | wire_type)  payload
//   payload := varint | fixed64 (8 bytes) | length:varint bytes | fixed32 (4 bytes)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/byte_view.h"
#include "base/status.h"

namespace ckptview::graph::wire {

enum WireType : int { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

inline int VarintSize(uint64_t v) {
  int n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}
inline int TagSize(int field) { return VarintSize(uint64_t(field) << 3); }
// Bytes taken by a length-delimited field whose payload is `payload` bytes.
inline uint64_t LengthDelimitedSize(int field, uint64_t payload) {
  return TagSize(field) + VarintSize(payload) + payload;
}

void PutTag(std::string* out, int field, WireType type);
// Tag and length prefix of a length-delimited field; the payload follows.
void PutLengthPrefix(std::string* out, int field, uint64_t payload_size);
void PutBytesField(std::string* out, int field, std::string_view bytes);
void PutVarintField(std::string* out, int field, uint64_t value);

// One top-level field as found by ScanFields.
struct FieldInfo {
  int number = 0;
  WireType type = kVarint;
  uint64_t offset = 0;  // of the tag
  uint64_t size = 0;    // payload bytes (length-delimited), else the value's bytes
};

// Walks the top-level fields of a serialized message. Fails, saying at which
// offset and why, when a tag is invalid or a length runs past the end; the
// fields read before the damage are left in `fields` (may be null).
Status ScanFields(ByteView bytes, std::vector<FieldInfo>* fields);

// Walks `bytes` like ScanFields, then walks the length-delimited fields whose
// numbers are in `nested` one level deeper. Used to name the place where a
// file that the protobuf parser rejected is damaged.
Status DescribeDamage(ByteView bytes, const std::vector<int>& nested);

}  // namespace ckptview::graph::wire
