#include "tensor/tensor.h"

#include <limits>

namespace ckptview {

int64_t NumElements(const Shape& shape) {
  // A zero dim makes the product 0 however large the others are; check for it
  // (and for negative dims) before multiplying so overflow cannot hide it.
  bool has_zero = false;
  for (int64_t d : shape) {
    if (d < 0) return -1;
    if (d == 0) has_zero = true;
  }
  if (has_zero) return 0;
  int64_t n = 1;
  for (int64_t d : shape) {
    if (n > std::numeric_limits<int64_t>::max() / d) return -1;
    n *= d;
  }
  return n;
}

std::string ShapeString(const Shape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ',';
    s += std::to_string(shape[i]);
  }
  s += ']';
  return s;
}

}  // namespace ckptview
