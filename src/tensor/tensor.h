// Tensor: dtype + shape + values. Fixed-size dtypes keep their elements as raw
// little-endian bytes in row-major order (exactly as in a checkpoint's data
// file); strings keep one std::string per element; resource/variant tensors
// keep their serialized elements as strings too (shown opaque).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tensor/dtype.h"

namespace ckptview {

using Shape = std::vector<int64_t>;

// Product of dims (1 for a scalar); -1 if a dim is negative or it overflows.
int64_t NumElements(const Shape& shape);
std::string ShapeString(const Shape& shape);  // "[2,3]", "[]" for a scalar

struct Tensor {
  DType dtype = DType::kInvalid;
  Shape shape;
  std::string bytes;                 // fixed-size dtypes
  std::vector<std::string> strings;  // string / variant / resource dtypes

  int64_t num_elements() const { return NumElements(shape); }
  bool is_string_like() const { return DTypeSize(dtype) == 0; }
};

}  // namespace ckptview
