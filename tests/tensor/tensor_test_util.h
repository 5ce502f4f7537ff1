// Helpers for the tensor-layer tests: non-finite constants and tensors from
// literal values.
#pragma once

#include <limits>
#include <vector>

#include "tensor/tensor.h"

namespace ckptview {

inline const double kNaN = std::numeric_limits<double>::quiet_NaN();
inline const double kInf = std::numeric_limits<double>::infinity();

// A fixed-size tensor whose bytes are `values` as stored in memory.
template <typename T>
Tensor Make(DType dtype, Shape shape, const std::vector<T>& values) {
  Tensor t;
  t.dtype = dtype;
  t.shape = std::move(shape);
  t.bytes.assign(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
  return t;
}

}  // namespace ckptview
