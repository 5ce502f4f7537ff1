// Element access: what element i of a Tensor is as a number, for statistics,
// plots, printing and JSON. Every conversion is exact: half, bfloat16, the
// float8 formats and float4 widen to double without rounding, integers up to
// 64 bits are read as int64/uint64 (double is exact up to 2^53).
//
// Bulk access (ForEachChunkAsDouble) converts a chunk at a time with one
// switch per chunk, so statistics over 100M elements cost a few loads each.
//
// Tensor bytes are little-endian (as in checkpoints); every host we build for
// (x86-64, wasm32, arm64) is little-endian too, so elements are loaded with
// memcpy.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#include "tensor/tensor.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "ckptview reads tensor bytes as little-endian host memory"
#endif

namespace ckptview {

// How an element of a dtype reads.
enum class ValueKind {
  kFloat,     // float16, bfloat16, float32, float64, float8_*, float4_e2m1fn: exact as double
  kSigned,    // int8..int64, qint8, qint16, qint32, int4, int2: exact as int64
  kUnsigned,  // uint8..uint64, quint8, quint16, uint4, uint2: exact as uint64
  kBool,      // one byte; nonzero is true
  kComplex,   // complex64 (two float32), complex128 (two float64): real, imag
  kBytes,     // string: Tensor::strings
  kOpaque,    // resource, variant: serialized elements in Tensor::strings
  kNone,      // invalid or unknown dtype
};
ValueKind KindOf(DType t);
// Every element reads as a number (the kinds kFloat .. kComplex).
bool IsNumeric(DType t);

// Element count the tensor's storage actually backs: num_elements() if
// `bytes` (fixed-size dtypes) or `strings` (string-like dtypes) holds that
// many elements, else -1 (a malformed tensor; nothing should read it).
int64_t StoredElements(const Tensor& t);

// ---- Small float formats -------------------------------------------------
// Bit layouts of the formats narrower than float32. `bits` holds the encoding
// in its low bits (float4 in the low 4 bits of its byte).
struct SmallFloatFormat {
  enum class Special {
    kIeee,        // all-ones exponent: infinities and NaNs (half, bfloat16, e5m2)
    kFiniteNan,   // no infinities; only all-ones exponent and mantissa is NaN (e4m3fn)
    kFnuz,        // no infinities, no -0; the -0 pattern 0x80 is the one NaN (…fnuz)
    kFiniteOnly,  // neither infinities nor NaN (float4_e2m1fn)
  };
  int exponent_bits;
  int mantissa_bits;
  int bias;
  Special special;
};
// The format of half, bfloat16, the float8 types and float4_e2m1fn; null for others.
const SmallFloatFormat* SmallFloatFormatOf(DType t);
// Exact value of an encoding.
double DecodeSmallFloat(const SmallFloatFormat& f, uint32_t bits);
// Nearest encoding (ties to even). Overflow gives infinity where the format
// has one, NaN in the NaN-only formats, the largest finite value in float4.
uint32_t EncodeSmallFloat(const SmallFloatFormat& f, double v);
// `v` rounded to the nearest value of dtype `t` (float types; others: v).
double RoundToDType(double v, DType t);

inline float HalfToFloat(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1fu;
  uint32_t man = h & 0x3ffu;
  uint32_t bits;
  if (exp == 0x1f) {
    bits = sign | 0x7f800000u | (man << 13);  // inf, NaN (payload kept)
  } else if (exp != 0) {
    bits = sign | ((exp + 112) << 23) | (man << 13);
  } else {
    float f = static_cast<float>(man) * 5.9604644775390625e-08f;  // man * 2^-24, exact
    return sign ? -f : f;
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}
inline float BFloat16ToFloat(uint16_t b) {
  uint32_t bits = uint32_t(b) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}
// The 256 values of a one-byte float type (float8_*, float4_e2m1fn), indexed
// by the stored byte; null for other dtypes.
const double* ByteFloatTable(DType t);

// ---- Element access ------------------------------------------------------
// Element i in row-major order. Out-of-range i or a non-numeric dtype gives
// NaN (double) or 0 (integers); callers check StoredElements() once.
double ElementAsDouble(const Tensor& t, int64_t i);  // real part for complex, 0/1 for bool
double ElementImag(const Tensor& t, int64_t i);      // 0 unless complex
// Integers: exact for their own kind (and bool); the other integer kind is
// converted modulo 2^64; 0 for non-integer kinds.
int64_t ElementAsInt64(const Tensor& t, int64_t i);
uint64_t ElementAsUInt64(const Tensor& t, int64_t i);

enum class ComplexPart { kReal, kImag };

// Writes elements [begin, begin + n) as doubles to out[0, n) (complex: the
// chosen part). Preconditions: IsNumeric(t.dtype) and the range lies within
// StoredElements(t). One switch per call, then a tight typed loop.
void ConvertToDouble(const Tensor& t, int64_t begin, int64_t n, ComplexPart part, double* out);

// Calls fn(const double* values, int64_t count) on consecutive chunks of at
// most kValueChunk elements in row-major order. Returns false without calling
// fn if the dtype is not numeric or the storage does not back the shape.
constexpr int64_t kValueChunk = 2048;
template <typename F>
bool ForEachChunkAsDouble(const Tensor& t, F&& fn, ComplexPart part = ComplexPart::kReal) {
  if (!IsNumeric(t.dtype)) return false;
  const int64_t n = StoredElements(t);
  if (n < 0) return false;
  double buf[kValueChunk];
  for (int64_t begin = 0; begin < n; begin += kValueChunk) {
    const int64_t count = n - begin < kValueChunk ? n - begin : kValueChunk;
    ConvertToDouble(t, begin, count, part, buf);
    fn(static_cast<const double*>(buf), count);
  }
  return true;
}

// Calls f(double) for every element in row-major order (complex: the chosen
// part); same contract as ForEachChunkAsDouble.
template <typename F>
bool ForEachAsDouble(const Tensor& t, F&& f, ComplexPart part = ComplexPart::kReal) {
  return ForEachChunkAsDouble(t, [&f](const double* v, int64_t count) {
    for (int64_t i = 0; i < count; ++i) f(v[i]);
  }, part);
}

}  // namespace ckptview
