#include "tensor/stats.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

#include "tensor/tensor_test_util.h"

namespace ckptview {
namespace {

TensorStats Stats(const Tensor& t, StatsOptions o = {}) {
  Result<TensorStats> r = ComputeStats(t, o);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : TensorStats{};
}

TEST(StatsTest, Basic) {
  StatsOptions o;
  o.histogram_bins = 4;
  TensorStats s = Stats(Make<float>(DType::kFloat, {2, 3}, {1, 2, 3, 4, 0, -0.0f}), o);
  EXPECT_EQ(s.count, 6);
  EXPECT_EQ(s.finite_count, 6);
  EXPECT_EQ(s.zero_count, 2);
  EXPECT_EQ(s.nan_count, 0);
  EXPECT_EQ(s.min, -0.0);
  EXPECT_EQ(s.max, 4);
  EXPECT_DOUBLE_EQ(s.mean, 10.0 / 6);
  // np.std([1, 2, 3, 4, 0, 0])
  EXPECT_NEAR(s.std, 1.4907119849998598, 1e-15);
  // np.histogram([1,2,3,4,0,0], bins=4) -> [2, 1, 1, 2], edges 0..4
  EXPECT_EQ(s.histogram, (std::vector<int64_t>{2, 1, 1, 2}));
  EXPECT_EQ(s.histogram_min, 0);
  EXPECT_EQ(s.histogram_max, 4);
}

TEST(StatsTest, NonFiniteAreCountedNotAveraged) {
  TensorStats s = Stats(Make<double>(DType::kDouble, {6}, {kNaN, 1, kInf, -kInf, 3, kNaN}));
  EXPECT_EQ(s.count, 6);
  EXPECT_EQ(s.nan_count, 2);
  EXPECT_EQ(s.inf_count, 2);
  EXPECT_EQ(s.finite_count, 2);
  EXPECT_EQ(s.min, 1);
  EXPECT_EQ(s.max, 3);
  EXPECT_EQ(s.mean, 2);
  EXPECT_EQ(s.std, 1);
  int64_t total = std::accumulate(s.histogram.begin(), s.histogram.end(), int64_t(0));
  EXPECT_EQ(total, 2);
}

TEST(StatsTest, NothingFinite) {
  TensorStats s = Stats(Make<double>(DType::kDouble, {2}, {kNaN, kInf}));
  EXPECT_EQ(s.finite_count, 0);
  EXPECT_TRUE(std::isnan(s.min));
  EXPECT_TRUE(std::isnan(s.mean));
  EXPECT_TRUE(std::isnan(s.std));
  EXPECT_TRUE(s.histogram.empty());
  TensorStats e = Stats(Make<float>(DType::kFloat, {0, 5}, {}));
  EXPECT_EQ(e.count, 0);
  EXPECT_TRUE(std::isnan(e.mean));
}

TEST(StatsTest, ConstantValues) {
  StatsOptions o;
  o.histogram_bins = 5;
  TensorStats s = Stats(Make<int32_t>(DType::kInt32, {3}, {7, 7, 7}), o);
  EXPECT_EQ(s.mean, 7);
  EXPECT_EQ(s.std, 0);
  EXPECT_EQ(s.histogram_min, 6.5);  // numpy: range (7 - 0.5, 7 + 0.5)
  EXPECT_EQ(s.histogram_max, 7.5);
  EXPECT_EQ(s.histogram, (std::vector<int64_t>{0, 0, 3, 0, 0}));
}

TEST(StatsTest, ExtremeMagnitudes) {
  const double kMax = std::numeric_limits<double>::max();
  TensorStats s = Stats(Make<double>(DType::kDouble, {2}, {-kMax, kMax}));
  EXPECT_EQ(s.mean, 0);
  EXPECT_EQ(s.std, kMax);
  EXPECT_EQ(s.histogram.front(), 1);
  EXPECT_EQ(s.histogram.back(), 1);
  TensorStats big = Stats(Make<double>(DType::kDouble, {2}, {kMax, kMax}));
  EXPECT_EQ(big.mean, kMax);
  EXPECT_EQ(big.std, 0);
  TensorStats tiny = Stats(Make<double>(DType::kDouble, {2}, {1e-310, 3e-310}));  // subnormal
  EXPECT_GT(tiny.std, 0);
  EXPECT_TRUE(std::isfinite(tiny.mean));
}

TEST(StatsTest, StableForLargeOffsets) {
  // Naive sum-of-squares loses everything here; two-pass keeps it.
  std::vector<double> v;
  for (int i = 0; i < 1000; ++i) v.push_back(1e9 + (i % 2 ? 1 : -1));
  TensorStats s = Stats(Make<double>(DType::kDouble, {1000}, v));
  EXPECT_DOUBLE_EQ(s.mean, 1e9);
  EXPECT_DOUBLE_EQ(s.std, 1);
}

TEST(StatsTest, OtherDTypes) {
  TensorStats b = Stats(Make<uint8_t>(DType::kBool, {4}, {1, 0, 1, 1}));
  EXPECT_EQ(b.mean, 0.75);
  EXPECT_EQ(b.zero_count, 1);
  TensorStats i = Stats(Make<int64_t>(DType::kInt64, {2}, {std::numeric_limits<int64_t>::min(), 0}));
  EXPECT_EQ(i.min, -9223372036854775808.0);
  StatsOptions imag;
  imag.part = ComplexPart::kImag;
  TensorStats c = Stats(Make<float>(DType::kComplex64, {2}, {1, 10, 2, 20}), imag);
  EXPECT_EQ(c.mean, 15);
  TensorStats re = Stats(Make<float>(DType::kComplex64, {2}, {1, 10, 2, 20}));
  EXPECT_EQ(re.mean, 1.5);
  TensorStats h = Stats(Make<uint16_t>(DType::kHalf, {2}, {0x3c00, 0x7e00}));  // 1, nan
  EXPECT_EQ(h.nan_count, 1);
  EXPECT_EQ(h.mean, 1);
  TensorStats f8 = Stats(Make<uint8_t>(DType::kFloat8E4M3FN, {2}, {0x7e, 0xfe}));  // 448, -448
  EXPECT_EQ(f8.max, 448);
  EXPECT_EQ(f8.std, 448);
}

TEST(StatsTest, Errors) {
  Tensor s;
  s.dtype = DType::kString;
  s.shape = {1};
  s.strings = {"x"};
  EXPECT_FALSE(ComputeStats(s).ok());
  EXPECT_FALSE(ComputeStats(Make<float>(DType::kFloat, {3}, {1, 2})).ok());
}

// Matches a naive reference over random data and awkward sizes.
TEST(StatsTest, MatchesReference) {
  std::mt19937 rng(3);
  std::normal_distribution<float> dist(5, 3);
  for (int n : {1, 3, 7, 1023, 1024, 1025, 4097}) {
    std::vector<float> v(n);
    for (float& x : v) x = dist(rng);
    StatsOptions o;
    o.histogram_bins = 16;
    TensorStats s = Stats(Make<float>(DType::kFloat, {n}, v), o);
    long double sum = 0;
    for (float x : v) sum += x;
    long double mean = sum / n, sq = 0;
    for (float x : v) sq += (x - mean) * (x - mean);
    EXPECT_NEAR(s.mean, double(mean), 1e-12 * std::fabs(double(mean)) + 1e-15) << n;
    EXPECT_NEAR(s.std, double(std::sqrt(sq / n)), 1e-10) << n;
    int64_t total = std::accumulate(s.histogram.begin(), s.histogram.end(), int64_t(0));
    EXPECT_EQ(total, n);
    EXPECT_EQ(s.min, *std::min_element(v.begin(), v.end()));
    EXPECT_EQ(s.max, *std::max_element(v.begin(), v.end()));
  }
}

TEST(StatsTest, TenMillionFloatsAreQuick) {
  const int64_t n = 10'000'000;
  std::vector<float> v(n);
  for (int64_t i = 0; i < n; ++i) v[i] = static_cast<float>(i % 1000) * 0.5f;
  Tensor t = Make<float>(DType::kFloat, {n}, v);
  auto start = std::chrono::steady_clock::now();
  TensorStats s = Stats(t);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(s.count, n);
  EXPECT_DOUBLE_EQ(s.mean, 249.75);
  // 100M elements must stay well under a few seconds: allow 10x slack here.
  EXPECT_LT(seconds, 2.0) << seconds;
}

}  // namespace
}  // namespace ckptview
