// Summary statistics of a numeric tensor (CLI, the UI's value view): counts,
// range, mean, standard deviation and a histogram, in two passes over the
// elements (counts/range/sum, then deviations and histogram bins) with
// double accumulators, so 100M float32 elements take well under a second.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "base/status.h"
#include "tensor/tensor.h"
#include "tensor/value.h"

namespace ckptview {

struct StatsOptions {
  int histogram_bins = 64;                  // 0: no histogram
  ComplexPart part = ComplexPart::kReal;    // which part of complex elements
};

struct TensorStats {
  int64_t count = 0;         // all elements
  int64_t finite_count = 0;  // elements that are neither NaN nor infinite
  int64_t nan_count = 0;
  int64_t inf_count = 0;     // +inf and -inf
  int64_t zero_count = 0;    // +0 and -0
  // Over the finite elements; NaN when there are none. `std` is the
  // population standard deviation (numpy's np.std, ddof=0). Computed in
  // double: 64-bit integers beyond 2^53 are rounded (ElementAsInt64 is exact).
  double min = std::numeric_limits<double>::quiet_NaN();
  double max = std::numeric_limits<double>::quiet_NaN();
  double mean = std::numeric_limits<double>::quiet_NaN();
  double std = std::numeric_limits<double>::quiet_NaN();
  // Equal-width bins over [histogram_min, histogram_max] counting the finite
  // elements; the last bin includes its right edge (as numpy.histogram). When
  // all finite values are equal the range is value -/+ 0.5, as numpy's.
  // Empty when there are no finite elements or no bins were asked for.
  std::vector<int64_t> histogram;
  double histogram_min = 0;
  double histogram_max = 0;
};

// Fails for non-numeric dtypes (string, resource, variant) and for a tensor
// whose storage does not hold its shape's elements.
Result<TensorStats> ComputeStats(const Tensor& t, const StatsOptions& options = {});

}  // namespace ckptview
