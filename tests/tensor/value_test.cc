#include "tensor/value.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "tensor/tensor_test_util.h"

namespace ckptview {
namespace {

bool SameDouble(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) || (a == b && std::signbit(a) == std::signbit(b));
}

TEST(ValueTest, Kinds) {
  EXPECT_EQ(KindOf(DType::kFloat), ValueKind::kFloat);
  EXPECT_EQ(KindOf(DType::kFloat8E4M3B11FNUZ), ValueKind::kFloat);
  EXPECT_EQ(KindOf(DType::kQInt16), ValueKind::kSigned);
  EXPECT_EQ(KindOf(DType::kInt4), ValueKind::kSigned);
  EXPECT_EQ(KindOf(DType::kQUInt8), ValueKind::kUnsigned);
  EXPECT_EQ(KindOf(DType::kUInt2), ValueKind::kUnsigned);
  EXPECT_EQ(KindOf(DType::kBool), ValueKind::kBool);
  EXPECT_EQ(KindOf(DType::kComplex128), ValueKind::kComplex);
  EXPECT_EQ(KindOf(DType::kString), ValueKind::kBytes);
  EXPECT_EQ(KindOf(DType::kVariant), ValueKind::kOpaque);
  EXPECT_EQ(KindOf(DType::kInvalid), ValueKind::kNone);
  EXPECT_EQ(KindOf(static_cast<DType>(101)), ValueKind::kNone);
  for (int v = 1; v <= 33; ++v) {
    DType t = static_cast<DType>(v);
    EXPECT_EQ(IsNumeric(t), DTypeSize(t) > 0) << v;
  }
}

TEST(ValueTest, StoredElements) {
  Tensor t = Make<float>(DType::kFloat, {2, 3}, {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(StoredElements(t), 6);
  t.bytes.pop_back();
  EXPECT_EQ(StoredElements(t), -1);
  t.shape = {-1};
  EXPECT_EQ(StoredElements(t), -1);
  Tensor s;
  s.dtype = DType::kString;
  s.shape = {2};
  s.strings = {"a"};
  EXPECT_EQ(StoredElements(s), -1);
  s.strings.push_back("b");
  EXPECT_EQ(StoredElements(s), 2);
  Tensor huge = Make<float>(DType::kFloat, {int64_t(1) << 62}, {1});
  EXPECT_EQ(StoredElements(huge), -1);  // no overflow in n * 4
}

TEST(ValueTest, HalfDecodesEveryPatternExactly) {
  const SmallFloatFormat& f = *SmallFloatFormatOf(DType::kHalf);
  for (uint32_t b = 0; b < 65536; ++b) {
    double generic = DecodeSmallFloat(f, b);
    double fast = HalfToFloat(static_cast<uint16_t>(b));
    ASSERT_TRUE(SameDouble(generic, fast)) << b;
    if (!std::isnan(generic)) {
      ASSERT_EQ(EncodeSmallFloat(f, generic), b) << b;
    }
  }
  EXPECT_EQ(HalfToFloat(0x3c00), 1.0f);
  EXPECT_EQ(HalfToFloat(0x7bff), 65504.0f);
  EXPECT_EQ(HalfToFloat(0x0001), std::ldexp(1.0f, -24));  // smallest denormal
  EXPECT_EQ(HalfToFloat(0x03ff), std::ldexp(1023.0f, -24));
  EXPECT_EQ(HalfToFloat(0x7c00), std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(HalfToFloat(0x7e00)));
  EXPECT_TRUE(std::signbit(HalfToFloat(0x8000)));
  EXPECT_EQ(HalfToFloat(0x2e66), 0.0999755859375f);
}

TEST(ValueTest, BFloat16DecodesEveryPatternExactly) {
  const SmallFloatFormat& f = *SmallFloatFormatOf(DType::kBFloat16);
  for (uint32_t b = 0; b < 65536; ++b) {
    double generic = DecodeSmallFloat(f, b);
    ASSERT_TRUE(SameDouble(generic, BFloat16ToFloat(static_cast<uint16_t>(b)))) << b;
    if (!std::isnan(generic)) {
      ASSERT_EQ(EncodeSmallFloat(f, generic), b) << b;
    }
  }
}

TEST(ValueTest, EncodeRoundsToNearestEven) {
  const SmallFloatFormat& half = *SmallFloatFormatOf(DType::kHalf);
  const SmallFloatFormat& bf16 = *SmallFloatFormatOf(DType::kBFloat16);
  // Values checked against numpy / ml_dtypes casts.
  EXPECT_EQ(EncodeSmallFloat(half, 0.1), 0x2e66u);
  EXPECT_EQ(EncodeSmallFloat(half, 65504), 0x7bffu);
  EXPECT_EQ(EncodeSmallFloat(half, 65520), 0x7c00u);  // halfway to 65536: rounds to even = inf
  EXPECT_EQ(EncodeSmallFloat(half, 1e-8), 0x0000u);
  EXPECT_EQ(EncodeSmallFloat(half, 2.98e-8), 0x0000u);
  EXPECT_EQ(EncodeSmallFloat(half, 5.96e-8), 0x0001u);
  EXPECT_EQ(EncodeSmallFloat(half, -kInf), 0xfc00u);
  EXPECT_EQ(EncodeSmallFloat(half, -0.0), 0x8000u);
  EXPECT_EQ(EncodeSmallFloat(bf16, 0.1), 0x3dcdu);
  EXPECT_EQ(EncodeSmallFloat(bf16, 1.00390625), 0x3f80u);  // tie, down to even
  EXPECT_EQ(EncodeSmallFloat(bf16, 1.01171875), 0x3f82u);  // tie, up to even
  EXPECT_EQ(EncodeSmallFloat(bf16, 3.4e38), 0x7f80u);      // rounds past the max: inf
}

struct Float8Case {
  DType dtype;
  double max;
  double min_positive;
  int nan_count;
  int inf_count;
  double sum_abs_finite;
  uint32_t enc_0_3, enc_1000, enc_minus_1e9;  // ml_dtypes casts
};

TEST(ValueTest, ByteFloatsMatchMlDtypes) {
  // Numbers from ml_dtypes 0.5 (see the values in each row).
  const Float8Case kCases[] = {
      {DType::kFloat8E5M2, 57344, 1.52587890625e-05, 6, 2, 720895.9995117188, 53, 100, 252},
      {DType::kFloat8E4M3FN, 448, 0.001953125, 2, 0, 10815.75, 42, 127, 255},
      {DType::kFloat8E4M3FNUZ, 240, 0.0009765625, 1, 0, 5887.875, 50, 128, 128},
      {DType::kFloat8E4M3B11FNUZ, 30, 0.0001220703125, 1, 0, 735.984375, 74, 128, 128},
      {DType::kFloat8E5M2FNUZ, 57344, 7.62939453125e-06, 1, 0, 720895.9997558594, 57, 104, 128},
      {DType::kFloat4E2M1FN, 6, 0.5, 0, 0, 36, 1, 7, 15},
  };
  for (const Float8Case& c : kCases) {
    SCOPED_TRACE(std::string(DTypeName(c.dtype)));
    const SmallFloatFormat& f = *SmallFloatFormatOf(c.dtype);
    const double* table = ByteFloatTable(c.dtype);
    ASSERT_NE(table, nullptr);
    const int patterns = 1 << (1 + f.exponent_bits + f.mantissa_bits);
    double max = 0, min_pos = kInf, sum = 0;
    int nans = 0, infs = 0;
    for (int b = 0; b < patterns; ++b) {
      double v = table[b];
      ASSERT_TRUE(SameDouble(v, DecodeSmallFloat(f, b)));
      if (std::isnan(v)) {
        ++nans;
        continue;
      }
      if (std::isinf(v)) {
        ++infs;
        EXPECT_EQ(EncodeSmallFloat(f, v), uint32_t(b));
        continue;
      }
      EXPECT_EQ(EncodeSmallFloat(f, v), uint32_t(b)) << b;
      max = std::max(max, v);
      if (v > 0) min_pos = std::min(min_pos, v);
      sum += std::fabs(v);
    }
    EXPECT_EQ(max, c.max);
    EXPECT_EQ(min_pos, c.min_positive);
    EXPECT_EQ(nans, c.nan_count);
    EXPECT_EQ(infs, c.inf_count);
    EXPECT_DOUBLE_EQ(sum, c.sum_abs_finite);
    EXPECT_EQ(EncodeSmallFloat(f, 0.3), c.enc_0_3);
    EXPECT_EQ(EncodeSmallFloat(f, 1000.0), c.enc_1000);
    EXPECT_EQ(EncodeSmallFloat(f, -1e9), c.enc_minus_1e9);
    EXPECT_EQ(EncodeSmallFloat(f, 1e-9), 0u);
    // float4 uses only the low 4 bits of its byte.
    if (c.dtype == DType::kFloat4E2M1FN) {
      EXPECT_EQ(table[0x13], table[0x03]);
    }
  }
}

TEST(ValueTest, RoundToDType) {
  EXPECT_EQ(RoundToDType(0.1, DType::kFloat), static_cast<double>(0.1f));
  EXPECT_EQ(RoundToDType(0.1, DType::kHalf), 0.0999755859375);
  EXPECT_EQ(RoundToDType(0.1, DType::kDouble), 0.1);
  EXPECT_EQ(RoundToDType(1e8, DType::kHalf), kInf);
  EXPECT_EQ(RoundToDType(7, DType::kInt32), 7);
}

TEST(ValueTest, ElementAccessEveryDType) {
  EXPECT_EQ(ElementAsDouble(Make<float>(DType::kFloat, {2}, {1.5f, -2}), 1), -2);
  EXPECT_EQ(ElementAsDouble(Make<double>(DType::kDouble, {}, {0.1}), 0), 0.1);
  EXPECT_EQ(ElementAsDouble(Make<uint16_t>(DType::kHalf, {1}, {0x3e00}), 0), 1.5);
  EXPECT_EQ(ElementAsDouble(Make<uint16_t>(DType::kBFloat16, {1}, {0xc040}), 0), -3);
  EXPECT_EQ(ElementAsDouble(Make<uint8_t>(DType::kFloat8E4M3FN, {1}, {0x7e}), 0), 448);
  EXPECT_TRUE(std::isnan(ElementAsDouble(Make<uint8_t>(DType::kFloat8E4M3FN, {1}, {0x7f}), 0)));
  EXPECT_EQ(ElementAsDouble(Make<uint8_t>(DType::kFloat8E5M2, {1}, {0x7c}), 0), kInf);
  EXPECT_EQ(ElementAsDouble(Make<uint8_t>(DType::kFloat4E2M1FN, {1}, {0x0f}), 0), -6);

  const int64_t kMin64 = std::numeric_limits<int64_t>::min();
  const int64_t kMax64 = std::numeric_limits<int64_t>::max();
  Tensor i64 = Make<int64_t>(DType::kInt64, {3}, {kMin64, kMax64, -1});
  EXPECT_EQ(ElementAsInt64(i64, 0), kMin64);
  EXPECT_EQ(ElementAsInt64(i64, 1), kMax64);
  EXPECT_EQ(ElementAsDouble(i64, 2), -1);
  Tensor u64 = Make<uint64_t>(DType::kUInt64, {1}, {~uint64_t(0)});
  EXPECT_EQ(ElementAsUInt64(u64, 0), ~uint64_t(0));
  EXPECT_EQ(ElementAsDouble(u64, 0), 18446744073709551616.0);
  EXPECT_EQ(ElementAsInt64(Make<int8_t>(DType::kQInt8, {1}, {-128}), 0), -128);
  EXPECT_EQ(ElementAsUInt64(Make<uint16_t>(DType::kQUInt16, {1}, {65535}), 0), 65535u);
  EXPECT_EQ(ElementAsInt64(Make<int32_t>(DType::kQInt32, {1}, {-7}), 0), -7);
  EXPECT_EQ(ElementAsInt64(Make<int16_t>(DType::kQInt16, {1}, {-300}), 0), -300);
  EXPECT_EQ(ElementAsUInt64(Make<uint32_t>(DType::kUInt32, {1}, {4000000000u}), 0), 4000000000u);

  // int4 keeps its value in the low 4 bits (ml_dtypes: int4(-3) is byte 0x0d).
  Tensor i4 = Make<uint8_t>(DType::kInt4, {4}, {0x0d, 0x07, 0x08, 0xfd});
  EXPECT_EQ(ElementAsInt64(i4, 0), -3);
  EXPECT_EQ(ElementAsInt64(i4, 1), 7);
  EXPECT_EQ(ElementAsInt64(i4, 2), -8);
  EXPECT_EQ(ElementAsInt64(i4, 3), -3);
  EXPECT_EQ(ElementAsUInt64(Make<uint8_t>(DType::kUInt4, {1}, {0xfd}), 0), 13u);
  EXPECT_EQ(ElementAsInt64(Make<uint8_t>(DType::kInt2, {1}, {0x02}), 0), -2);
  EXPECT_EQ(ElementAsUInt64(Make<uint8_t>(DType::kUInt2, {1}, {0x07}), 0), 3u);

  Tensor b = Make<uint8_t>(DType::kBool, {3}, {0, 1, 2});
  EXPECT_EQ(ElementAsDouble(b, 0), 0);
  EXPECT_EQ(ElementAsDouble(b, 2), 1);

  Tensor c64 = Make<float>(DType::kComplex64, {2}, {1, -2, 3.5f, 4});
  EXPECT_EQ(ElementAsDouble(c64, 1), 3.5);
  EXPECT_EQ(ElementImag(c64, 0), -2);
  Tensor c128 = Make<double>(DType::kComplex128, {1}, {0.1, -0.0});
  EXPECT_EQ(ElementAsDouble(c128, 0), 0.1);
  EXPECT_TRUE(std::signbit(ElementImag(c128, 0)));
  EXPECT_EQ(ElementImag(Make<float>(DType::kFloat, {1}, {3}), 0), 0);
}

TEST(ValueTest, OutOfRangeIsSafe) {
  Tensor f = Make<float>(DType::kFloat, {2}, {1, 2});
  EXPECT_TRUE(std::isnan(ElementAsDouble(f, 2)));
  EXPECT_TRUE(std::isnan(ElementAsDouble(f, -1)));
  EXPECT_EQ(ElementAsInt64(f, 0), 0);  // not an integer dtype
  f.bytes.resize(5);                   // storage too short for the shape
  EXPECT_TRUE(std::isnan(ElementAsDouble(f, 0)));
  Tensor s;
  s.dtype = DType::kString;
  s.shape = {1};
  s.strings = {"x"};
  EXPECT_TRUE(std::isnan(ElementAsDouble(s, 0)));
  EXPECT_FALSE(ForEachAsDouble(s, [](double) {}));
  EXPECT_FALSE(ForEachAsDouble(f, [](double) {}));
}

// ForEachAsDouble (the fast path) agrees with ElementAsDouble over awkward
// sizes for every numeric dtype.
TEST(ValueTest, ForEachMatchesElementAccess) {
  std::mt19937_64 rng(42);
  for (int v = 1; v <= 33; ++v) {
    DType dtype = static_cast<DType>(v);
    if (!IsNumeric(dtype)) continue;
    for (int64_t n : {0, 1, 3, 7, 63, 64, 65, 1000}) {
      Tensor t;
      t.dtype = dtype;
      t.shape = {n};
      t.bytes.resize(n * DTypeSize(dtype));
      for (char& c : t.bytes) c = static_cast<char>(rng());
      for (ComplexPart part : {ComplexPart::kReal, ComplexPart::kImag}) {
        std::vector<double> seen;
        ASSERT_TRUE(ForEachAsDouble(t, [&](double x) { seen.push_back(x); }, part));
        ASSERT_EQ(seen.size(), size_t(n));
        for (int64_t i = 0; i < n; ++i) {
          double want = part == ComplexPart::kImag && KindOf(dtype) == ValueKind::kComplex
                            ? ElementImag(t, i)
                            : ElementAsDouble(t, i);
          ASSERT_TRUE(SameDouble(seen[i], want)) << DTypeName(dtype) << " n=" << n << " i=" << i;
        }
      }
    }
  }
}

}  // namespace
}  // namespace ckptview
