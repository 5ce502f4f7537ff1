#include "app/value_slice.h"

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <utility>

#include "tensor/value.h"

namespace ckptview::app {

ValueSlice::ValueSlice(Shape shape) : shape_(std::move(shape)) {
  const int r = rank();
  strides_.assign(r, 1);
  for (int i = r - 2; i >= 0; --i) strides_[i] = strides_[i + 1] * (shape_[i + 1] > 0 ? shape_[i + 1] : 0);
  fixed_.assign(r, 0);
  if (r == 1) {
    row_axis_ = 0;
  } else if (r >= 2) {
    row_axis_ = r - 2;
    col_axis_ = r - 1;
  }
}

bool ValueSlice::SetAxes(int row_axis, int col_axis) {
  const int r = rank();
  if (r < 2) return false;
  if (row_axis < 0 || row_axis >= r || col_axis < 0 || col_axis >= r) return false;
  if (row_axis == col_axis) {
    // Picking the other displayed axis for this role swaps the two.
    if (row_axis == col_axis_) std::swap(row_axis_, col_axis_);
    else if (col_axis == row_axis_) std::swap(row_axis_, col_axis_);
    else return false;
    return true;
  }
  row_axis_ = row_axis;
  col_axis_ = col_axis;
  return true;
}

void ValueSlice::SetFixed(int axis, int64_t index) {
  if (axis < 0 || axis >= rank()) return;
  const int64_t dim = shape_[axis];
  if (index >= dim) index = dim - 1;
  if (index < 0) index = 0;
  fixed_[axis] = index;
}

int64_t ValueSlice::rows() const {
  if (rank() == 0) return 1;
  return shape_[row_axis_] < 0 ? 0 : shape_[row_axis_];
}

int64_t ValueSlice::cols() const {
  if (rank() < 2) return 1;
  return shape_[col_axis_] < 0 ? 0 : shape_[col_axis_];
}

int64_t ValueSlice::ElementIndex(int64_t row, int64_t col) const {
  if (row < 0 || col < 0 || row >= rows() || col >= cols()) return -1;
  const int r = rank();
  if (r == 0) return 0;
  int64_t index = 0;
  for (int a = 0; a < r; ++a) {
    int64_t i = a == row_axis_ ? row : a == col_axis_ ? col : fixed_[a];
    if (i >= shape_[a]) return -1;  // a zero-sized fixed axis
    index += i * strides_[a];
  }
  return index;
}

std::string ValueSlice::Describe() const {
  if (rank() == 0) return "[]";
  std::string s = "[";
  for (int a = 0; a < rank(); ++a) {
    if (a) s += ", ";
    s += a == row_axis_ || a == col_axis_ ? ":" : std::to_string(fixed_[a]);
  }
  return s + "]";
}

std::string ValueSlice::IndexText(int64_t row, int64_t col) const {
  std::string s = "[";
  for (int a = 0; a < rank(); ++a) {
    if (a) s += ", ";
    s += std::to_string(a == row_axis_ ? row : a == col_axis_ ? col : fixed_[a]);
  }
  return s + "]";
}

namespace {

std::string FormatFloat(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string Escape(const std::string& s, size_t max_chars) {
  std::string out = "b'";
  for (unsigned char c : s) {
    if (out.size() >= max_chars) {
      out += "...";
      break;
    }
    if (c == '\\' || c == '\'') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out + "'";
}

}  // namespace

std::string FormatCell(const Tensor& t, int64_t index, size_t max_chars) {
  const int64_t stored = StoredElements(t);
  if (index < 0 || index >= stored) return "?";
  char buf[64];
  switch (KindOf(t.dtype)) {
    case ValueKind::kFloat:
      return FormatFloat(ElementAsDouble(t, index));
    case ValueKind::kSigned:
      std::snprintf(buf, sizeof buf, "%" PRId64, ElementAsInt64(t, index));
      return buf;
    case ValueKind::kUnsigned:
      std::snprintf(buf, sizeof buf, "%" PRIu64, ElementAsUInt64(t, index));
      return buf;
    case ValueKind::kBool:
      return ElementAsDouble(t, index) != 0 ? "True" : "False";
    case ValueKind::kComplex: {
      double im = ElementImag(t, index);
      std::string s = "(" + FormatFloat(ElementAsDouble(t, index));
      s += std::signbit(im) || std::isnan(im) ? "" : "+";
      return s + FormatFloat(im) + "j)";
    }
    case ValueKind::kBytes:
      return Escape(t.strings[index], max_chars);
    case ValueKind::kOpaque:
      return "<" + std::string(DTypeName(t.dtype)) + ", " + std::to_string(t.strings[index].size()) +
             " bytes>";
    case ValueKind::kNone:
      break;
  }
  return "?";
}

}  // namespace ckptview::app
