// Decimal text of floating-point values, shared by the numpy-style printer
// (format.h) and the JSON writer (json.h).
//
// "Shortest" digits are the fewest significant digits that read back as the
// same value *of the element's own type*: a float32 0.1 prints "0.1", not
// "0.10000000149011612"; a float16 0.1 (0.0999755859375) prints "0.1" too.
// float32/float64 digits come from std::to_chars where the library has it;
// otherwise (and for the narrow types) candidates from printf("%.*e") (exact,
// correctly rounded) are parsed back, binary-searching 1..17 digits.
#pragma once

#include <string>

#include "tensor/dtype.h"

namespace ckptview {

struct DecimalDigits {
  bool negative = false;
  std::string digits = "0";  // significant digits, no leading or trailing zeros ("0" for zero)
  int exponent = 0;          // value = d[0].d[1]d[2]... x 10^exponent
  // Digits after the decimal point when written positionally.
  int FractionDigits() const {
    int n = static_cast<int>(digits.size()) - 1 - exponent;
    return n > 0 ? n : 0;
  }
};

// `v` must be finite. Float types: float32, float64, float16, bfloat16, the
// float8 types, float4_e2m1fn; any other dtype is treated as float64.
DecimalDigits ShortestDigits(double v, DType t);
// The portable search ShortestDigits uses where the standard library has no
// floating-point std::to_chars (emscripten's libc++); exposed so tests can
// check that both give the same digits.
DecimalDigits ShortestDigitsBySearch(double v, DType t);
// `v` (finite) rounded exactly, ties to even, to `significant` >= 1 digits.
DecimalDigits RoundToSignificant(double v, int significant);
// `v` (finite) rounded exactly, ties to even, to `fraction_digits` >= 0 places.
DecimalDigits RoundToFraction(double v, int fraction_digits);

// "123.45", "0.001", "-0.", "100." (positional; a trailing "." when there is
// no fraction, as numpy prints). `min_fraction` pads with zeros.
std::string PositionalText(const DecimalDigits& d, int min_fraction = 0);
// "1.5e+00", "1.e-05" (numpy style); mantissa padded with zeros to
// `min_fraction` digits, exponent to at least `min_exp_digits` digits.
std::string ScientificText(const DecimalDigits& d, int min_fraction = 0, int min_exp_digits = 2);

// Python repr of a float of type `t`: shortest digits, positional when
// 1e-4 <= |v| < 1e16 ("3.0", "0.1", "1234.5"), else scientific ("1e-05",
// "1.5e+20"); "nan", "inf", "-inf". With `dot_zero` false, integral values
// print without ".0" (as inside Python's complex repr: "(1+2j)").
std::string PythonFloatRepr(double v, DType t, bool dot_zero = true);

// Shortest text in C "%g" form ("0.1", "16777216", "1e+20", "-0"), valid as
// a JSON number for finite v.
std::string ShortestGText(double v, DType t);

}  // namespace ckptview
