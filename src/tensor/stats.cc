#include "tensor/stats.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace ckptview {
namespace {

// Adds doubles (block partial sums, typically) into a compensated
// (Kahan-Babuska) total.
class CompensatedSum {
 public:
  void Add(double x) {
    double t = sum_ + x;
    comp_ += std::fabs(sum_) >= std::fabs(x) ? (sum_ - t) + x : (x - t) + sum_;
    sum_ = t;
  }
  double Total() const { return sum_ + comp_; }

 private:
  double sum_ = 0, comp_ = 0;
};

constexpr int kLanes = 4;  // independent accumulators, so adds do not wait on each other

struct RangeSums {
  int64_t count = 0, nan = 0, inf = 0, zero = 0;
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  CompensatedSum sum;

  // One element at a time, for chunks holding NaN or infinities.
  void AddSlow(const double* v, int64_t n) {
    double block = 0;
    for (int64_t i = 0; i < n; ++i) {
      double x = v[i];
      if (x - x == 0) {
        zero += x == 0;
        lo = x < lo ? x : lo;
        hi = x > hi ? x : hi;
        block += x;
      } else if (x != x) {
        ++nan;
      } else {
        ++inf;
      }
    }
    sum.Add(block);
    count += n;
  }

  void AddChunk(const double* v, int64_t n) {
    double s[kLanes] = {}, mn[kLanes], mx[kLanes], probe[kLanes] = {};
    int64_t z[kLanes] = {};
    for (int l = 0; l < kLanes; ++l) {
      mn[l] = lo;
      mx[l] = hi;
    }
    int64_t i = 0;
    for (; i + kLanes <= n; i += kLanes) {
      for (int l = 0; l < kLanes; ++l) {
        double x = v[i + l];
        s[l] += x;
        mn[l] = x < mn[l] ? x : mn[l];
        mx[l] = x > mx[l] ? x : mx[l];
        z[l] += x == 0;
        probe[l] += x * 0;  // NaN once any value is NaN or infinite
      }
    }
    for (; i < n; ++i) {
      double x = v[i];
      s[0] += x;
      mn[0] = x < mn[0] ? x : mn[0];
      mx[0] = x > mx[0] ? x : mx[0];
      z[0] += x == 0;
      probe[0] += x * 0;
    }
    if (probe[0] + probe[1] + probe[2] + probe[3] != 0) {
      AddSlow(v, n);
      return;
    }
    for (int l = 0; l < kLanes; ++l) {
      lo = std::min(lo, mn[l]);
      hi = std::max(hi, mx[l]);
      zero += z[l];
    }
    sum.Add((s[0] + s[1]) + (s[2] + s[3]));
    count += n;
  }
};

}  // namespace

Result<TensorStats> ComputeStats(const Tensor& t, const StatsOptions& options) {
  if (!IsNumeric(t.dtype))
    return Status::Error("no statistics for dtype " + std::string(DTypeName(t.dtype)));
  if (StoredElements(t) < 0)
    return Status::Error("tensor storage does not match shape " + ShapeString(t.shape) + " of " +
                         std::string(DTypeName(t.dtype)));
  TensorStats s;

  // Pass 1: counts, range, sum.
  RangeSums r;
  ForEachChunkAsDouble(t, [&](const double* v, int64_t n) { r.AddChunk(v, n); }, options.part);
  const int64_t count = r.count, nan = r.nan, inf = r.inf, zero = r.zero;
  const double lo = r.lo, hi = r.hi;
  s.count = count;
  s.nan_count = nan;
  s.inf_count = inf;
  s.zero_count = zero;
  s.finite_count = count - nan - inf;
  if (s.finite_count == 0) return s;
  const double n = static_cast<double>(s.finite_count);
  s.min = lo;
  s.max = hi;
  // Sums of large values may overflow; the mean of finite values cannot.
  double mean = r.sum.Total() / n;
  if (!std::isfinite(mean)) {
    CompensatedSum scaled;
    ForEachAsDouble(t, [&](double x) { if (x - x == 0) scaled.Add(x / n); }, options.part);
    mean = scaled.Total();
  }
  s.mean = std::min(std::max(mean, lo), hi);

  // Pass 2: deviations (corrected two-pass variance) and histogram.
  const int bins = std::max(0, options.histogram_bins);
  double h_lo = lo, h_hi = hi;
  if (h_lo == h_hi) {
    h_lo -= 0.5;
    h_hi += 0.5;
  }
  // Halve everything when the range itself overflows (-DBL_MAX .. DBL_MAX).
  const bool halve = !std::isfinite(h_hi - h_lo);
  const double k = halve ? 0.5 : 1.0;
  const double width = h_hi * k - h_lo * k;
  const double base = h_lo * k;
  // bins / width overflows for denormal-wide ranges: then divide each time.
  const double scale = bins / width;
  const bool divide = !std::isfinite(scale);
  std::vector<int64_t> hist(bins, 0);
  // Deviations are scaled by a power of two (exact) so that squaring them
  // cannot overflow even for float64 data near DBL_MAX.
  const double m = s.mean;
  const double half_dev = std::max(hi * 0.5 - m * 0.5, m * 0.5 - lo * 0.5);
  const int dev_exp = half_dev > 0 ? std::min(1020, std::max(-1020, std::ilogb(half_dev) + 2)) : 0;
  const double inv = std::ldexp(1.0, -dev_exp);
  const double m_scaled = m * inv;
  // Per-lane histograms too: consecutive equal bins would otherwise wait on
  // each other's increments.
  std::vector<int64_t> lane_hist(static_cast<size_t>(bins) * kLanes, 0);
  const bool fast = nan == 0 && inf == 0 && !divide;
  CompensatedSum dev, dev2;
  ForEachChunkAsDouble(t, [&](const double* v, int64_t count_in_chunk) {
    double sd[kLanes] = {}, sd2[kLanes] = {};
    auto bin = [&](double x) {
      double pos = divide ? (x * k - base) / width * bins : (x * k - base) * scale;
      return pos >= bins ? bins - 1 : pos > 0 ? static_cast<int>(pos) : 0;
    };
    if (fast) {
      int64_t i = 0;
      for (; i + kLanes <= count_in_chunk; i += kLanes) {
        for (int l = 0; l < kLanes; ++l) {
          double x = v[i + l];
          double d = x * inv - m_scaled;
          sd[l] += d;
          sd2[l] += d * d;
          if (bins > 0) ++lane_hist[static_cast<size_t>(l) * bins + bin(x)];
        }
      }
      for (; i < count_in_chunk; ++i) {
        double d = v[i] * inv - m_scaled;
        sd[0] += d;
        sd2[0] += d * d;
        if (bins > 0) ++lane_hist[bin(v[i])];
      }
    } else {
      for (int64_t i = 0; i < count_in_chunk; ++i) {
        double x = v[i];
        if (x - x != 0) continue;
        double d = x * inv - m_scaled;
        sd[0] += d;
        sd2[0] += d * d;
        if (bins > 0) ++lane_hist[bin(x)];
      }
    }
    dev.Add((sd[0] + sd[1]) + (sd[2] + sd[3]));
    dev2.Add((sd2[0] + sd2[1]) + (sd2[2] + sd2[3]));
  }, options.part);
  for (int l = 0; l < kLanes; ++l)
    for (int b = 0; b < bins; ++b) hist[b] += lane_hist[static_cast<size_t>(l) * bins + b];
  double sd = dev.Total(), sd2 = dev2.Total();
  double var = (sd2 - sd * sd / n) / n;
  s.std = std::ldexp(std::sqrt(std::max(var, 0.0)), dev_exp);
  if (bins > 0) {
    s.histogram = std::move(hist);
    s.histogram_min = h_lo;
    s.histogram_max = h_hi;
  }
  return s;
}

}  // namespace ckptview
