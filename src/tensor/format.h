// Tensor values as text, the way numpy's print(array) shows them: nested
// brackets per dimension, elements padded to a shared width, lines wrapped at
// 75 columns, and above 1000 elements a summary that keeps 3 items at each end
// of every axis ("..."). Floats follow numpy's default float mode ("maxprec",
// precision 8): each value's shortest round-trip digits cut at 8 decimals,
// scientific notation for the whole array when a nonzero magnitude is below
// 1e-4, at least 1e8, or the ratio of largest to smallest exceeds 1000.
//
//   [[ 0.5   -1.25   3.  ]        [1.0e-05 1.5e+00]        [b'ab' b"it's"]
//    [nan    inf    0.  ]]        [ 1. +2.j -3.5-1.j]      [ True False]
//
// Known differences from numpy: bfloat16 and float8 print their shortest
// digits like float16 does (ml_dtypes prints them with 6 significant digits);
// quantized types print as plain integers; resource and variant elements
// print as the bytes repr of their serialized form.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "tensor/tensor.h"

namespace ckptview {

struct FormatOptions {
  bool summarize = true;     // false: every element (the CLI's --all)
  int64_t threshold = 1000;  // summarize above this many elements
  int edge_items = 3;        // items kept at each end of a summarized axis
  int precision = 8;         // maximum digits after the point
  int line_width = 75;
};

// The whole tensor: "[]" when it has no elements, a numpy scalar's str
// ("3.0", "True", "b'x'", "(1+2j)") when it has rank 0. Fails only when the
// tensor's storage does not hold its shape's elements (a malformed Tensor).
Result<std::string> FormatTensor(const Tensor& t, const FormatOptions& options = {});

// Element i on its own, as numpy prints a scalar of the dtype ("0.1", "-3",
// "False", "(1-2j)", "b'ab\\x00'", "nan"); "" if i is out of range.
std::string FormatElement(const Tensor& t, int64_t i);

// Python's repr of a bytes object: b'ab', b"it's", b'\x00\xff\n'.
std::string PythonBytesRepr(std::string_view s);

}  // namespace ckptview
