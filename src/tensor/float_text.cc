#include "tensor/float_text.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "tensor/value.h"

namespace ckptview {
namespace {

// Parses printf output ("-1.2345e+06" or "-123.4500") into digits.
DecimalDigits ParsePrintf(const char* s) {
  DecimalDigits d;
  d.digits.clear();
  if (*s == '-') {
    d.negative = true;
    ++s;
  }
  int int_digits = 0;  // digits before the point
  bool seen_point = false;
  int exp10 = 0;
  for (; *s; ++s) {
    char c = *s;
    if (c >= '0' && c <= '9') {
      d.digits += c;
      if (!seen_point) ++int_digits;
    } else if (c == '.') {
      seen_point = true;
    } else if (c == 'e' || c == 'E') {
      exp10 = std::atoi(s + 1);
      break;
    }
  }
  // value = 0.d1d2... x 10^int_digits x 10^exp10; drop leading zeros.
  size_t lead = 0;
  while (lead < d.digits.size() && d.digits[lead] == '0') ++lead;
  if (lead == d.digits.size()) {
    d.digits = "0";
    d.exponent = 0;
    return d;
  }
  d.exponent = int_digits - 1 - static_cast<int>(lead) + exp10;
  d.digits.erase(0, lead);
  while (d.digits.size() > 1 && d.digits.back() == '0') d.digits.pop_back();
  return d;
}

// Does `text` read back as the same value of type t as v?
bool RoundTrips(const char* text, double v, DType t) {
  if (t == DType::kFloat) {
    float back = std::strtof(text, nullptr);
    float want = static_cast<float>(v);
    return std::memcmp(&back, &want, sizeof back) == 0;
  }
  double back = std::strtod(text, nullptr);
  if (const SmallFloatFormat* f = SmallFloatFormatOf(t))
    return EncodeSmallFloat(*f, back) == EncodeSmallFloat(*f, v);
  return std::memcmp(&back, &v, sizeof back) == 0;
}

// Text of `d` for strtod/strtof ("-1.2345e-7").
std::string ParseableText(const DecimalDigits& d) {
  std::string s = d.negative ? "-" : "";
  s += d.digits[0];
  if (d.digits.size() > 1) {
    s += '.';
    s.append(d.digits, 1, std::string::npos);
  }
  s += 'e';
  s += std::to_string(d.exponent);
  return s;
}

// Adds `delta` (+1 or -1) in the last place of a p-digit decimal, keeping p
// digits: 9.99e4 + 1 -> 1.00e5, 1.00e5 - 1 -> 9.99e4.
DecimalDigits Step(DecimalDigits d, size_t p, int delta) {
  d.digits.resize(p, '0');
  std::string& s = d.digits;
  if (delta > 0) {
    size_t i = p;
    while (i > 0 && s[i - 1] == '9') s[--i] = '0';
    if (i == 0) {
      s.insert(s.begin(), '1');
      s.pop_back();
      ++d.exponent;
    } else {
      ++s[i - 1];
    }
  } else {
    if (s == "1" + std::string(p - 1, '0')) {
      s.assign(p, '9');
      --d.exponent;
    } else {
      size_t i = p;
      while (i > 0 && s[i - 1] == '0') s[--i] = '9';
      if (i > 0) --s[i - 1];
    }
  }
  return d;
}

void TrimZeros(DecimalDigits* d) {
  while (d->digits.size() > 1 && d->digits.back() == '0') d->digits.pop_back();
  if (d->digits == "0") d->exponent = 0;
}

// A decimal of `p` significant digits that reads back as v, if there is one:
// the nearest one (printf's correctly rounded "%.*e"), or, when v is a power
// of two whose lower rounding gap is half the upper, possibly its neighbour
// on the wide side.
bool DigitsThatRoundTrip(double v, DType t, int p, DecimalDigits* out) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*e", p - 1, v);
  DecimalDigits nearest = ParsePrintf(buf);
  if (RoundTrips(buf, v, t)) {
    *out = nearest;
    return true;
  }
  if (nearest.digits == "0") return false;
  for (int delta : {1, -1}) {
    DecimalDigits n = Step(nearest, p, delta);
    std::string text = ParseableText(n);
    if (RoundTrips(text.c_str(), v, t)) {
      TrimZeros(&n);
      *out = n;
      return true;
    }
  }
  return false;
}

}  // namespace

DecimalDigits ShortestDigits(double v, DType t) {
#if defined(__cpp_lib_to_chars) && __cpp_lib_to_chars >= 201611L
  // The standard library's shortest round-trip (Ryu-like, much faster than
  // the search below, and the same digits: the nearest of the shortest).
  if (!SmallFloatFormatOf(t)) {
    char buf[64];
    std::to_chars_result r = t == DType::kFloat
        ? std::to_chars(buf, buf + sizeof buf - 1, static_cast<float>(v), std::chars_format::scientific)
        : std::to_chars(buf, buf + sizeof buf - 1, v, std::chars_format::scientific);
    *r.ptr = '\0';
    return ParsePrintf(buf);
  }
#endif
  return ShortestDigitsBySearch(v, t);
}

DecimalDigits ShortestDigitsBySearch(double v, DType t) {
  // Some decimal of p digits round-trips => one of p+1 digits does too, so
  // binary search over 1..17 digits (17 always round-trip a double, and so
  // any narrower type; 9 a float32).
  int lo = 1, hi = t == DType::kFloat ? 9 : 17;
  DecimalDigits best = RoundToSignificant(v, hi);
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    DecimalDigits d;
    if (DigitsThatRoundTrip(v, t, mid, &d)) {
      hi = mid;
      best = d;
    } else {
      lo = mid + 1;
    }
  }
  return best;
}

DecimalDigits RoundToSignificant(double v, int significant) {
  char buf[64];
  if (significant < 1) significant = 1;
  if (significant > 40) significant = 40;
  std::snprintf(buf, sizeof buf, "%.*e", significant - 1, v);
  return ParsePrintf(buf);
}

DecimalDigits RoundToFraction(double v, int fraction_digits) {
  if (fraction_digits < 0) fraction_digits = 0;
  if (fraction_digits > 400) fraction_digits = 400;
  // Up to 309 integer digits, the point, the fraction, sign and NUL.
  std::string buf(330 + fraction_digits, '\0');
  std::snprintf(&buf[0], buf.size(), "%.*f", fraction_digits, v);
  return ParsePrintf(buf.c_str());
}

std::string PositionalText(const DecimalDigits& d, int min_fraction) {
  std::string int_part, frac_part;
  if (d.exponent >= 0) {
    size_t n_int = static_cast<size_t>(d.exponent) + 1;
    int_part = d.digits.substr(0, n_int);
    if (int_part.size() < n_int) int_part.append(n_int - int_part.size(), '0');
    if (d.digits.size() > n_int) frac_part = d.digits.substr(n_int);
  } else {
    int_part = "0";
    if (d.digits != "0") frac_part = std::string(-d.exponent - 1, '0') + d.digits;
  }
  if (static_cast<int>(frac_part.size()) < min_fraction)
    frac_part.append(min_fraction - frac_part.size(), '0');
  return (d.negative ? "-" : "") + int_part + "." + frac_part;
}

std::string ScientificText(const DecimalDigits& d, int min_fraction, int min_exp_digits) {
  std::string s = d.negative ? "-" : "";
  s += d.digits[0];
  s += '.';
  std::string frac = d.digits.substr(1);
  if (static_cast<int>(frac.size()) < min_fraction) frac.append(min_fraction - frac.size(), '0');
  s += frac;
  s += 'e';
  s += d.exponent < 0 ? '-' : '+';
  std::string e = std::to_string(d.exponent < 0 ? -d.exponent : d.exponent);
  if (static_cast<int>(e.size()) < min_exp_digits) e.insert(0, min_exp_digits - e.size(), '0');
  return s + e;
}

std::string PythonFloatRepr(double v, DType t, bool dot_zero) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  DecimalDigits d = ShortestDigits(v, t);
  double a = std::fabs(v);
  if (a == 0 || (a >= 1e-4 && a < 1e16)) {
    std::string s = PositionalText(d);
    if (s.back() == '.') {
      if (dot_zero) s += '0';
      else s.pop_back();
    }
    return s;
  }
  std::string s = ScientificText(d);  // "1.e-05" -> "1e-05"
  size_t dot = s.find(".e");
  if (dot != std::string::npos) s.erase(dot, 1);
  return s;
}

std::string ShortestGText(double v, DType t) {
  // printf("%.*g") with the shortest digit count: scientific when the
  // exponent is below -4 or at least the number of digits.
  DecimalDigits d = ShortestDigits(v, t);
  int p = static_cast<int>(d.digits.size());
  if (d.exponent < -4 || d.exponent >= p) {
    std::string s = ScientificText(d);
    size_t dot = s.find(".e");
    if (dot != std::string::npos) s.erase(dot, 1);  // "1.e+20" -> "1e+20"
    return s;
  }
  std::string s = PositionalText(d);
  if (s.back() == '.') s.pop_back();
  return s;
}

}  // namespace ckptview
