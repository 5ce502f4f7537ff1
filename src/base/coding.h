// Little-endian fixed-width and LEB128 varint coding (TF's core/lib/core/coding.h).
// Verbs: Put* appends to a string, Get* consumes from a ByteView and returns
// false on overrun, Decode*/Encode* work on raw buffers.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>

#include "base/byte_view.h"

namespace ckptview {

inline uint32_t DecodeFixed32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}
inline uint64_t DecodeFixed64(const uint8_t* p) {
  return uint64_t(DecodeFixed32(p)) | uint64_t(DecodeFixed32(p + 4)) << 32;
}
inline void EncodeFixed32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = uint8_t(v >> (8 * i));
}
inline void EncodeFixed64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = uint8_t(v >> (8 * i));
}

void PutFixed32(std::string* dst, uint32_t v);
void PutFixed64(std::string* dst, uint64_t v);
void PutVarint32(std::string* dst, uint32_t v);
void PutVarint64(std::string* dst, uint64_t v);

bool GetFixed32(ByteView* in, uint32_t* v);
bool GetFixed64(ByteView* in, uint64_t* v);
bool GetVarint32(ByteView* in, uint32_t* v);  // at most 5 bytes, must fit 32 bits
bool GetVarint64(ByteView* in, uint64_t* v);  // at most 10 bytes
// Consumes `n` bytes into `out`; false if fewer remain.
bool GetBytes(ByteView* in, size_t n, ByteView* out);

}  // namespace ckptview
