#include "tensor/float_text.h"

#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>

#include "tensor/value.h"

namespace ckptview {
namespace {

std::string Sci(double v, DType t) { return ScientificText(ShortestDigits(v, t)); }

TEST(FloatTextTest, ShortestDigitsPerType) {
  EXPECT_EQ(Sci(0.1f, DType::kFloat), "1.e-01");
  EXPECT_EQ(Sci(0.1f, DType::kDouble), "1.0000000149011612e-01");
  EXPECT_EQ(Sci(0.1, DType::kDouble), "1.e-01");
  EXPECT_EQ(Sci(1.0 / 3, DType::kDouble), "3.333333333333333e-01");
  EXPECT_EQ(Sci(1.0f / 3, DType::kFloat), "3.3333334e-01");
  EXPECT_EQ(Sci(FLT_MAX, DType::kFloat), "3.4028235e+38");
  EXPECT_EQ(Sci(std::numeric_limits<float>::denorm_min(), DType::kFloat), "1.e-45");
  EXPECT_EQ(Sci(DBL_MAX, DType::kDouble), "1.7976931348623157e+308");
  EXPECT_EQ(Sci(std::numeric_limits<double>::denorm_min(), DType::kDouble), "5.e-324");
  EXPECT_EQ(Sci(0.0999755859375, DType::kHalf), "1.e-01");
  EXPECT_EQ(Sci(65504, DType::kHalf), "6.55e+04");
  EXPECT_EQ(Sci(0.10009765625, DType::kBFloat16), "1.e-01");
  EXPECT_EQ(Sci(448, DType::kFloat8E4M3FN), "4.5e+02");
  EXPECT_EQ(Sci(0, DType::kDouble), "0.e+00");
  DecimalDigits neg_zero = ShortestDigits(-0.0, DType::kFloat);
  EXPECT_TRUE(neg_zero.negative);
  EXPECT_EQ(neg_zero.digits, "0");
}

TEST(FloatTextTest, Rounding) {
  EXPECT_EQ(PositionalText(RoundToFraction(2.0 / 3, 8)), "0.66666667");
  EXPECT_EQ(PositionalText(RoundToFraction(0.5, 0)), "0.");      // ties to even
  EXPECT_EQ(PositionalText(RoundToFraction(1.5, 0)), "2.");
  EXPECT_EQ(PositionalText(RoundToFraction(-1e-9, 8)), "-0.");
  EXPECT_EQ(PositionalText(RoundToFraction(99.999999999, 8)), "100.");
  EXPECT_EQ(ScientificText(RoundToSignificant(9.99999999999, 9)), "1.e+01");
  EXPECT_EQ(ScientificText(RoundToSignificant(123456, 2)), "1.2e+05");
}

TEST(FloatTextTest, Texts) {
  DecimalDigits d = ShortestDigits(1234.5, DType::kDouble);
  EXPECT_EQ(PositionalText(d), "1234.5");
  EXPECT_EQ(PositionalText(d, 3), "1234.500");
  EXPECT_EQ(PositionalText(ShortestDigits(1e7, DType::kDouble)), "10000000.");
  EXPECT_EQ(PositionalText(ShortestDigits(0.00123, DType::kDouble)), "0.00123");
  EXPECT_EQ(ScientificText(ShortestDigits(1e-5, DType::kDouble), 1), "1.0e-05");
  EXPECT_EQ(ScientificText(ShortestDigits(1e100, DType::kDouble), 0, 3), "1.e+100");
  EXPECT_EQ(ScientificText(ShortestDigits(-2.5e-7, DType::kDouble), 0, 3), "-2.5e-007");
}

TEST(FloatTextTest, PythonRepr) {
  EXPECT_EQ(PythonFloatRepr(3.0, DType::kFloat), "3.0");
  EXPECT_EQ(PythonFloatRepr(3.0, DType::kFloat, false), "3");
  EXPECT_EQ(PythonFloatRepr(1e-5, DType::kFloat), "1e-05");
  EXPECT_EQ(PythonFloatRepr(1e16, DType::kDouble), "1e+16");
  EXPECT_EQ(PythonFloatRepr(1.5e20, DType::kDouble), "1.5e+20");
  EXPECT_EQ(PythonFloatRepr(123.5, DType::kDouble), "123.5");
  EXPECT_EQ(PythonFloatRepr(-0.0, DType::kDouble), "-0.0");
  EXPECT_EQ(PythonFloatRepr(1e-4, DType::kDouble), "0.0001");
  EXPECT_EQ(PythonFloatRepr(1e-4f, DType::kFloat), "1e-04");  // float32(1e-4) < 1e-4, as numpy
  EXPECT_EQ(PythonFloatRepr(0.0999755859375, DType::kHalf), "0.1");
  EXPECT_EQ(PythonFloatRepr(std::nan(""), DType::kDouble), "nan");
  EXPECT_EQ(PythonFloatRepr(-HUGE_VAL, DType::kFloat), "-inf");
}

TEST(FloatTextTest, GText) {
  EXPECT_EQ(ShortestGText(0.1f, DType::kFloat), "0.1");
  EXPECT_EQ(ShortestGText(16777216.0f, DType::kFloat), "16777216");
  EXPECT_EQ(ShortestGText(1e20, DType::kDouble), "1e+20");
  EXPECT_EQ(ShortestGText(-0.0, DType::kDouble), "-0");
  EXPECT_EQ(ShortestGText(DBL_MAX, DType::kDouble), "1.7976931348623157e+308");
}

// Random bit patterns: the text reads back bit-exactly, and one digit fewer
// would not (the digits are the shortest).
TEST(FloatTextTest, RoundTripsAndIsShortest) {
  std::mt19937_64 rng(7);
  char buf[64];
  for (int k = 0; k < 20000; ++k) {
    uint32_t fb = static_cast<uint32_t>(rng());
    float f;
    std::memcpy(&f, &fb, 4);
    if (!std::isfinite(f)) continue;
    std::string s = ShortestGText(f, DType::kFloat);
    float back = std::strtof(s.c_str(), nullptr);
    ASSERT_EQ(std::memcmp(&back, &f, 4), 0) << s;
    int digits = static_cast<int>(ShortestDigits(f, DType::kFloat).digits.size());
    if (digits > 1) {
      std::snprintf(buf, sizeof buf, "%.*e", digits - 2, static_cast<double>(f));
      float shorter = std::strtof(buf, nullptr);
      ASSERT_NE(std::memcmp(&shorter, &f, 4), 0) << buf;
    }

    uint64_t db = rng();
    double d;
    std::memcpy(&d, &db, 8);
    if (!std::isfinite(d)) continue;
    std::string ds = ShortestGText(d, DType::kDouble);
    double dback = std::strtod(ds.c_str(), nullptr);
    ASSERT_EQ(std::memcmp(&dback, &d, 8), 0) << ds;
  }
}

}  // namespace
}  // namespace ckptview

namespace ckptview {
namespace {

// The wasm build has no floating-point std::to_chars and searches instead:
// both must give the same digits.
TEST(FloatTextTest, SearchAgreesWithToChars) {
  std::mt19937_64 rng(11);
  auto same = [](const DecimalDigits& a, const DecimalDigits& b) {
    return a.negative == b.negative && a.digits == b.digits && a.exponent == b.exponent;
  };
  for (int k = 0; k < 20000; ++k) {
    uint32_t fb = static_cast<uint32_t>(rng());
    float f;
    std::memcpy(&f, &fb, 4);
    if (std::isfinite(f)) {
      ASSERT_TRUE(same(ShortestDigits(f, DType::kFloat), ShortestDigitsBySearch(f, DType::kFloat))) << f;
    }
    uint64_t db = rng();
    double d;
    std::memcpy(&d, &db, 8);
    if (std::isfinite(d)) {
      ASSERT_TRUE(same(ShortestDigits(d, DType::kDouble), ShortestDigitsBySearch(d, DType::kDouble))) << d;
    }
  }
  // Powers of two, where the lower rounding gap is half the upper one.
  for (int e = -1074; e <= 1023; ++e) {
    double d = std::ldexp(1.0, e);
    ASSERT_TRUE(same(ShortestDigits(d, DType::kDouble), ShortestDigitsBySearch(d, DType::kDouble))) << e;
  }
  for (int e = -149; e <= 127; ++e) {
    float f = std::ldexp(1.0f, e);
    ASSERT_TRUE(same(ShortestDigits(f, DType::kFloat), ShortestDigitsBySearch(f, DType::kFloat))) << e;
  }
}

}  // namespace
}  // namespace ckptview
