#include "tensor/value.h"

#include <algorithm>
#include <array>
#include <limits>

namespace ckptview {
namespace {

using Special = SmallFloatFormat::Special;

// Layouts from ml_dtypes (float8.h, mxfloat.h) and IEEE 754 binary16.
constexpr SmallFloatFormat kHalf = {5, 10, 15, Special::kIeee};
constexpr SmallFloatFormat kBFloat16 = {8, 7, 127, Special::kIeee};
constexpr SmallFloatFormat kE5M2 = {5, 2, 15, Special::kIeee};
constexpr SmallFloatFormat kE4M3FN = {4, 3, 7, Special::kFiniteNan};
constexpr SmallFloatFormat kE4M3FNUZ = {4, 3, 8, Special::kFnuz};
constexpr SmallFloatFormat kE4M3B11FNUZ = {4, 3, 11, Special::kFnuz};
constexpr SmallFloatFormat kE5M2FNUZ = {5, 2, 16, Special::kFnuz};
constexpr SmallFloatFormat kE2M1FN = {2, 1, 1, Special::kFiniteOnly};

using ByteTable = std::array<double, 256>;

ByteTable MakeTable(const SmallFloatFormat& f) {
  ByteTable t{};
  uint32_t width = 1 + f.exponent_bits + f.mantissa_bits;
  for (uint32_t b = 0; b < 256; ++b) t[b] = DecodeSmallFloat(f, b & ((1u << width) - 1));
  return t;
}

template <typename T>
T LoadAt(const Tensor& t, int64_t i, int offset = 0) {
  T v;
  std::memcpy(&v, t.bytes.data() + i * DTypeSize(t.dtype) + offset, sizeof(T));
  return v;
}

bool InRange(const Tensor& t, int64_t i) {
  if (i < 0 || t.is_string_like()) return false;
  int64_t n = StoredElements(t);
  return n >= 0 && i < n;
}

}  // namespace

ValueKind KindOf(DType t) {
  switch (t) {
    case DType::kFloat: case DType::kDouble: case DType::kHalf: case DType::kBFloat16:
    case DType::kFloat8E5M2: case DType::kFloat8E4M3FN: case DType::kFloat8E4M3FNUZ:
    case DType::kFloat8E4M3B11FNUZ: case DType::kFloat8E5M2FNUZ: case DType::kFloat4E2M1FN:
      return ValueKind::kFloat;
    case DType::kInt8: case DType::kInt16: case DType::kInt32: case DType::kInt64:
    case DType::kQInt8: case DType::kQInt16: case DType::kQInt32: case DType::kInt4:
    case DType::kInt2:
      return ValueKind::kSigned;
    case DType::kUInt8: case DType::kUInt16: case DType::kUInt32: case DType::kUInt64:
    case DType::kQUInt8: case DType::kQUInt16: case DType::kUInt4: case DType::kUInt2:
      return ValueKind::kUnsigned;
    case DType::kBool: return ValueKind::kBool;
    case DType::kComplex64: case DType::kComplex128: return ValueKind::kComplex;
    case DType::kString: return ValueKind::kBytes;
    case DType::kResource: case DType::kVariant: return ValueKind::kOpaque;
    default: return ValueKind::kNone;
  }
}

bool IsNumeric(DType t) {
  ValueKind k = KindOf(t);
  return k == ValueKind::kFloat || k == ValueKind::kSigned || k == ValueKind::kUnsigned ||
         k == ValueKind::kBool || k == ValueKind::kComplex;
}

int64_t StoredElements(const Tensor& t) {
  int64_t n = t.num_elements();
  if (n < 0) return -1;
  if (t.is_string_like()) return t.strings.size() == static_cast<uint64_t>(n) ? n : -1;
  uint64_t size = static_cast<uint64_t>(DTypeSize(t.dtype));
  if (static_cast<uint64_t>(n) > t.bytes.size() / size) return -1;
  return n;
}

const SmallFloatFormat* SmallFloatFormatOf(DType t) {
  switch (t) {
    case DType::kHalf: return &kHalf;
    case DType::kBFloat16: return &kBFloat16;
    case DType::kFloat8E5M2: return &kE5M2;
    case DType::kFloat8E4M3FN: return &kE4M3FN;
    case DType::kFloat8E4M3FNUZ: return &kE4M3FNUZ;
    case DType::kFloat8E4M3B11FNUZ: return &kE4M3B11FNUZ;
    case DType::kFloat8E5M2FNUZ: return &kE5M2FNUZ;
    case DType::kFloat4E2M1FN: return &kE2M1FN;
    default: return nullptr;
  }
}

double DecodeSmallFloat(const SmallFloatFormat& f, uint32_t bits) {
  const int m_bits = f.mantissa_bits;
  const uint32_t e_max = (1u << f.exponent_bits) - 1;
  const uint32_t m_max = (1u << m_bits) - 1;
  const bool neg = (bits >> (f.exponent_bits + m_bits)) & 1;
  const uint32_t e = (bits >> m_bits) & e_max;
  const uint32_t m = bits & m_max;
  switch (f.special) {
    case Special::kIeee:
      if (e == e_max) {
        if (m != 0) return std::numeric_limits<double>::quiet_NaN();
        return neg ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
      }
      break;
    case Special::kFiniteNan:
      if (e == e_max && m == m_max) return std::numeric_limits<double>::quiet_NaN();
      break;
    case Special::kFnuz:
      if (neg && e == 0 && m == 0) return std::numeric_limits<double>::quiet_NaN();
      break;
    case Special::kFiniteOnly:
      break;
  }
  double v = e == 0 ? std::ldexp(double(m), 1 - f.bias - m_bits)
                    : std::ldexp(double(m | (1u << m_bits)), int(e) - f.bias - m_bits);
  return neg ? -v : v;
}

uint32_t EncodeSmallFloat(const SmallFloatFormat& f, double v) {
  const int m_bits = f.mantissa_bits;
  const uint32_t e_max = (1u << f.exponent_bits) - 1;
  const uint32_t m_max = (1u << m_bits) - 1;
  const uint32_t sign_bit = 1u << (f.exponent_bits + m_bits);
  const uint32_t max_finite = f.special == Special::kIeee        ? ((e_max - 1) << m_bits) | m_max
                              : f.special == Special::kFiniteNan ? (e_max << m_bits) | (m_max - 1)
                                                                 : (e_max << m_bits) | m_max;
  uint32_t nan_bits = 0, inf_bits = 0;
  switch (f.special) {
    case Special::kIeee:
      nan_bits = (e_max << m_bits) | (1u << (m_bits - 1));
      inf_bits = e_max << m_bits;
      break;
    case Special::kFiniteNan: nan_bits = inf_bits = (e_max << m_bits) | m_max; break;
    case Special::kFnuz: nan_bits = inf_bits = sign_bit; break;
    case Special::kFiniteOnly: nan_bits = 0; inf_bits = max_finite; break;
  }
  if (std::isnan(v)) return nan_bits;
  // fnuz formats have no -0 (its pattern is the NaN) and one unsigned NaN.
  const bool fnuz = f.special == Special::kFnuz;
  const uint32_t sign = std::signbit(v) ? sign_bit : 0;
  const uint32_t zero = fnuz ? 0 : sign;
  const uint32_t overflow = fnuz ? inf_bits : sign | inf_bits;
  double a = std::fabs(v);
  if (std::isinf(a)) return overflow;
  if (a == 0) return zero;

  int exp2;
  std::frexp(a, &exp2);  // a = frac * 2^exp2, frac in [0.5, 1)
  const int e_min = 1 - f.bias;                     // smallest normal exponent
  int q = std::max(exp2 - 1, e_min) - m_bits;       // value of one mantissa step
  double r = std::nearbyint(std::ldexp(a, -q));     // ties to even (default rounding)
  if (r == 0) return zero;
  if (r >= std::ldexp(1.0, m_bits + 1)) {           // rounded up into the next binade
    r = std::ldexp(r, -1);
    q += 1;
  }
  uint32_t bits;
  uint32_t ri = static_cast<uint32_t>(r);
  if (ri < (1u << m_bits)) {
    bits = ri;  // subnormal (q == e_min - m_bits)
  } else {
    int64_t e_field = int64_t(q) + m_bits + f.bias;
    if (e_field > int64_t(e_max)) return overflow;
    bits = (uint32_t(e_field) << m_bits) | (ri - (1u << m_bits));
  }
  if (bits > max_finite) return overflow;
  return sign | bits;
}

double RoundToDType(double v, DType t) {
  if (t == DType::kFloat) return static_cast<double>(static_cast<float>(v));
  if (const SmallFloatFormat* f = SmallFloatFormatOf(t)) return DecodeSmallFloat(*f, EncodeSmallFloat(*f, v));
  return v;
}

const double* ByteFloatTable(DType t) {
  static const ByteTable e5m2 = MakeTable(kE5M2);
  static const ByteTable e4m3fn = MakeTable(kE4M3FN);
  static const ByteTable e4m3fnuz = MakeTable(kE4M3FNUZ);
  static const ByteTable e4m3b11fnuz = MakeTable(kE4M3B11FNUZ);
  static const ByteTable e5m2fnuz = MakeTable(kE5M2FNUZ);
  static const ByteTable e2m1fn = MakeTable(kE2M1FN);
  switch (t) {
    case DType::kFloat8E5M2: return e5m2.data();
    case DType::kFloat8E4M3FN: return e4m3fn.data();
    case DType::kFloat8E4M3FNUZ: return e4m3fnuz.data();
    case DType::kFloat8E4M3B11FNUZ: return e4m3b11fnuz.data();
    case DType::kFloat8E5M2FNUZ: return e5m2fnuz.data();
    case DType::kFloat4E2M1FN: return e2m1fn.data();
    default: return nullptr;
  }
}

double ElementAsDouble(const Tensor& t, int64_t i) {
  if (!InRange(t, i)) return std::numeric_limits<double>::quiet_NaN();
  switch (KindOf(t.dtype)) {
    case ValueKind::kSigned: return static_cast<double>(ElementAsInt64(t, i));
    case ValueKind::kUnsigned: return static_cast<double>(ElementAsUInt64(t, i));
    case ValueKind::kBool: return t.bytes[i] != 0 ? 1.0 : 0.0;
    case ValueKind::kComplex:
      return t.dtype == DType::kComplex64 ? LoadAt<float>(t, i) : LoadAt<double>(t, i);
    case ValueKind::kFloat:
      switch (t.dtype) {
        case DType::kFloat: return LoadAt<float>(t, i);
        case DType::kDouble: return LoadAt<double>(t, i);
        case DType::kHalf: return HalfToFloat(LoadAt<uint16_t>(t, i));
        case DType::kBFloat16: return BFloat16ToFloat(LoadAt<uint16_t>(t, i));
        default: return ByteFloatTable(t.dtype)[LoadAt<uint8_t>(t, i)];
      }
    default: return std::numeric_limits<double>::quiet_NaN();
  }
}

double ElementImag(const Tensor& t, int64_t i) {
  if (!InRange(t, i)) return std::numeric_limits<double>::quiet_NaN();
  if (t.dtype == DType::kComplex64) return LoadAt<float>(t, i, 4);
  if (t.dtype == DType::kComplex128) return LoadAt<double>(t, i, 8);
  return 0;
}

int64_t ElementAsInt64(const Tensor& t, int64_t i) {
  if (!InRange(t, i)) return 0;
  switch (t.dtype) {
    case DType::kInt8: case DType::kQInt8: return LoadAt<int8_t>(t, i);
    case DType::kInt16: case DType::kQInt16: return LoadAt<int16_t>(t, i);
    case DType::kInt32: case DType::kQInt32: return LoadAt<int32_t>(t, i);
    case DType::kInt64: return LoadAt<int64_t>(t, i);
    case DType::kInt4: return int8_t(uint8_t(LoadAt<uint8_t>(t, i) << 4)) >> 4;
    case DType::kInt2: return int8_t(uint8_t(LoadAt<uint8_t>(t, i) << 6)) >> 6;
    case DType::kBool: return t.bytes[i] != 0;
    default:
      if (KindOf(t.dtype) == ValueKind::kUnsigned) return static_cast<int64_t>(ElementAsUInt64(t, i));
      return 0;
  }
}

uint64_t ElementAsUInt64(const Tensor& t, int64_t i) {
  if (!InRange(t, i)) return 0;
  switch (t.dtype) {
    case DType::kUInt8: case DType::kQUInt8: return LoadAt<uint8_t>(t, i);
    case DType::kUInt16: case DType::kQUInt16: return LoadAt<uint16_t>(t, i);
    case DType::kUInt32: return LoadAt<uint32_t>(t, i);
    case DType::kUInt64: return LoadAt<uint64_t>(t, i);
    case DType::kUInt4: return LoadAt<uint8_t>(t, i) & 0x0f;
    case DType::kUInt2: return LoadAt<uint8_t>(t, i) & 0x03;
    case DType::kBool: return t.bytes[i] != 0;
    default:
      if (KindOf(t.dtype) == ValueKind::kSigned) return static_cast<uint64_t>(ElementAsInt64(t, i));
      return 0;
  }
}

namespace {

template <typename T>
void Convert(const char* p, int64_t n, int stride, double* out) {
  for (int64_t i = 0; i < n; ++i) {
    T v;
    std::memcpy(&v, p + i * stride, sizeof(T));
    out[i] = static_cast<double>(v);
  }
}

}  // namespace

void ConvertToDouble(const Tensor& t, int64_t begin, int64_t n, ComplexPart part, double* out) {
  const char* p = t.bytes.data() + begin * DTypeSize(t.dtype);
  const uint8_t* u = reinterpret_cast<const uint8_t*>(p);
  switch (t.dtype) {
    case DType::kFloat: return Convert<float>(p, n, 4, out);
    case DType::kDouble: return Convert<double>(p, n, 8, out);
    case DType::kInt32: case DType::kQInt32: return Convert<int32_t>(p, n, 4, out);
    case DType::kUInt8: case DType::kQUInt8: return Convert<uint8_t>(p, n, 1, out);
    case DType::kInt16: case DType::kQInt16: return Convert<int16_t>(p, n, 2, out);
    case DType::kInt8: case DType::kQInt8: return Convert<int8_t>(p, n, 1, out);
    case DType::kInt64: return Convert<int64_t>(p, n, 8, out);
    case DType::kUInt16: case DType::kQUInt16: return Convert<uint16_t>(p, n, 2, out);
    case DType::kUInt32: return Convert<uint32_t>(p, n, 4, out);
    case DType::kUInt64: return Convert<uint64_t>(p, n, 8, out);
    case DType::kComplex64: return Convert<float>(p + (part == ComplexPart::kImag ? 4 : 0), n, 8, out);
    case DType::kComplex128: return Convert<double>(p + (part == ComplexPart::kImag ? 8 : 0), n, 16, out);
    case DType::kBool:
      for (int64_t i = 0; i < n; ++i) out[i] = u[i] != 0 ? 1.0 : 0.0;
      return;
    case DType::kHalf:
      for (int64_t i = 0; i < n; ++i) {
        uint16_t h;
        std::memcpy(&h, p + 2 * i, 2);
        out[i] = HalfToFloat(h);
      }
      return;
    case DType::kBFloat16:
      for (int64_t i = 0; i < n; ++i) {
        uint16_t h;
        std::memcpy(&h, p + 2 * i, 2);
        out[i] = BFloat16ToFloat(h);
      }
      return;
    // The narrow integers keep their value in the low bits of each byte.
    case DType::kInt4:
      for (int64_t i = 0; i < n; ++i) out[i] = int8_t(uint8_t(u[i] << 4)) >> 4;
      return;
    case DType::kUInt4:
      for (int64_t i = 0; i < n; ++i) out[i] = u[i] & 0x0f;
      return;
    case DType::kInt2:
      for (int64_t i = 0; i < n; ++i) out[i] = int8_t(uint8_t(u[i] << 6)) >> 6;
      return;
    case DType::kUInt2:
      for (int64_t i = 0; i < n; ++i) out[i] = u[i] & 0x03;
      return;
    default: {
      const double* table = ByteFloatTable(t.dtype);
      if (!table) {
        for (int64_t i = 0; i < n; ++i) out[i] = std::numeric_limits<double>::quiet_NaN();
        return;
      }
      for (int64_t i = 0; i < n; ++i) out[i] = table[u[i]];
      return;
    }
  }
}

}  // namespace ckptview
