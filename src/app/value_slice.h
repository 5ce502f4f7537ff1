// ValueSlice: a 2-D window onto an N-d tensor, as the value grid shows it —
// two displayed axes (rows, columns) and a fixed index for every other axis.
// A scalar is 1x1, a vector one column, higher ranks default to the last two
// axes. Pure index arithmetic; the grid asks it for one cell at a time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace ckptview::app {

class ValueSlice {
 public:
  ValueSlice() = default;
  explicit ValueSlice(Shape shape);  // default axes: rank-2 x rank-1

  const Shape& shape() const { return shape_; }
  int rank() const { return static_cast<int>(shape_.size()); }
  int row_axis() const { return row_axis_; }  // -1 for a scalar
  int col_axis() const { return col_axis_; }  // -1 for rank < 2
  // Index held by each axis that is not displayed (entries of displayed axes are ignored).
  const std::vector<int64_t>& fixed() const { return fixed_; }

  // Chooses the displayed axes; they must differ and be in range (else ignored,
  // returns false). Picking the current column axis as rows swaps them.
  bool SetAxes(int row_axis, int col_axis);
  // Sets the index of a non-displayed axis, clamped to [0, dim-1].
  void SetFixed(int axis, int64_t index);

  int64_t rows() const;
  int64_t cols() const;
  // Row-major element index of cell (row, col); -1 if out of range.
  int64_t ElementIndex(int64_t row, int64_t col) const;
  // "[:, :, 3]"-style description of the slice, numpy syntax.
  std::string Describe() const;
  // The full index of cell (row, col): "[3, 0, 7]" ("[]" for a scalar).
  std::string IndexText(int64_t row, int64_t col) const;

 private:
  Shape shape_;
  std::vector<int64_t> strides_;  // row-major element strides
  int row_axis_ = -1, col_axis_ = -1;
  std::vector<int64_t> fixed_;
};

// One element formatted for a grid cell (short, for a narrow column): floats
// with 6 significant digits ("1.5", "-3.25e-08", "nan", "inf"), integers
// exactly, bools True/False, complex "(re+imj)", strings b'...' with
// non-printable bytes escaped and cut to `max_chars`. Values come from
// tensor/value.h, so every dtype TF saves reads exactly. The caller checks
// StoredElements(t) once; an index past the storage gives "?".
std::string FormatCell(const Tensor& t, int64_t index, size_t max_chars = 40);

}  // namespace ckptview::app
