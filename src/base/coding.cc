#include "base/coding.h"

namespace ckptview {

void PutFixed32(std::string* dst, uint32_t v) {
  uint8_t b[4];
  EncodeFixed32(b, v);
  dst->append(reinterpret_cast<char*>(b), 4);
}

void PutFixed64(std::string* dst, uint64_t v) {
  uint8_t b[8];
  EncodeFixed64(b, v);
  dst->append(reinterpret_cast<char*>(b), 8);
}

void PutVarint64(std::string* dst, uint64_t v) {
  while (v >= 0x80) {
    dst->push_back(char(v | 0x80));
    v >>= 7;
  }
  dst->push_back(char(v));
}

void PutVarint32(std::string* dst, uint32_t v) { PutVarint64(dst, v); }

bool GetFixed32(ByteView* in, uint32_t* v) {
  if (in->size() < 4) return false;
  *v = DecodeFixed32(in->data());
  in->remove_prefix(4);
  return true;
}

bool GetFixed64(ByteView* in, uint64_t* v) {
  if (in->size() < 8) return false;
  *v = DecodeFixed64(in->data());
  in->remove_prefix(8);
  return true;
}

bool GetVarint64(ByteView* in, uint64_t* v) {
  uint64_t result = 0;
  for (size_t i = 0; i < 10 && i < in->size(); ++i) {
    uint64_t byte = (*in)[i];
    if (i == 9 && byte > 1) return false;  // more than 64 bits
    result |= (byte & 0x7f) << (7 * i);
    if (!(byte & 0x80)) {
      in->remove_prefix(i + 1);
      *v = result;
      return true;
    }
  }
  return false;
}

bool GetVarint32(ByteView* in, uint32_t* v) {
  ByteView probe = *in;
  uint64_t wide;
  if (!GetVarint64(&probe, &wide) || wide > 0xffffffffu || in->size() - probe.size() > 5) return false;
  *in = probe;
  *v = uint32_t(wide);
  return true;
}

bool GetBytes(ByteView* in, size_t n, ByteView* out) {
  if (in->size() < n) return false;
  *out = in->substr(0, n);
  in->remove_prefix(n);
  return true;
}

}  // namespace ckptview
