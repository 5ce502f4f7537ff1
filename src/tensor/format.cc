// Follows numpy/_core/arrayprint.py (_formatArray, FloatingFormat,
// IntegerFormat, BoolFormat, ComplexFloatingFormat) for str(array) with the
// default print options; comments name the numpy pieces they mirror.
#include "tensor/format.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <vector>

#include "tensor/float_text.h"
#include "tensor/value.h"

namespace ckptview {
namespace {

using Each = std::function<void(const std::function<void(double)>&)>;

// numpy's FloatingFormat with floatmode "maxprec" and sign "-" (or "+" for
// the imaginary part of complex numbers).
class FloatFormat {
 public:
  // `each` calls its argument with every value that will be shown.
  FloatFormat(DType t, int precision, bool sign_plus, const Each& each)
      : t_(t), precision_(precision), sign_plus_(sign_plus) {
    Fill(each);
  }

  std::string operator()(double x) const {
    if (!std::isfinite(x)) {
      std::string s = std::isnan(x) ? (sign_plus_ ? "+nan" : "nan")
                                    : (x < 0 ? "-inf" : sign_plus_ ? "+inf" : "inf");
      int width = pad_left_ + pad_right_ + 1;
      if (static_cast<int>(s.size()) < width) s.insert(0, width - s.size(), ' ');
      return s;
    }
    DecimalDigits d = Digits(x, precision_);
    std::string sign = Sign(d);
    d.negative = false;
    if (exp_format_) {
      std::string s = sign + ScientificText(d, min_digits_, exp_size_);
      int int_len = static_cast<int>(sign.size()) + 1;
      if (int_len < pad_left_) s.insert(0, pad_left_ - int_len, ' ');
      return s;
    }
    std::string s = sign + PositionalText(d);
    int int_len = static_cast<int>(s.find('.'));
    int frac_len = static_cast<int>(s.size()) - int_len - 1;
    if (int_len < pad_left_) s.insert(0, pad_left_ - int_len, ' ');
    if (frac_len < pad_right_) s.append(pad_right_ - frac_len, ' ');
    return s;
  }

 private:
  std::string Sign(const DecimalDigits& d) const {
    return d.negative ? "-" : sign_plus_ ? "+" : "";
  }

  // Dragon4 in "unique" mode with a cutoff: the shortest digits, or the exact
  // value rounded at the cutoff if the shortest digits go past it.
  DecimalDigits Digits(double x, int precision) const {
    DecimalDigits d = ShortestDigits(x, t_);
    if (exp_format_) {
      if (static_cast<int>(d.digits.size()) - 1 > precision) d = RoundToSignificant(x, precision + 1);
    } else if (d.FractionDigits() > precision) {
      d = RoundToFraction(x, precision);
    }
    return d;
  }

  void Fill(const Each& each) {
    bool any_finite = false, any_nonfinite = false, any_neginf = false, any_nonzero = false;
    double max_abs = 0, min_abs = std::numeric_limits<double>::infinity();
    each([&](double x) {
      if (std::isfinite(x)) {
        any_finite = true;
        if (x != 0) {
          any_nonzero = true;
          max_abs = std::max(max_abs, std::fabs(x));
          min_abs = std::min(min_abs, std::fabs(x));
        }
      } else {
        any_nonfinite = true;
        if (std::isinf(x) && x < 0) any_neginf = true;
      }
    });
    if (any_nonzero) {
      // numpy compares in the array's own type (NEP 50): float32(1e-4) is
      // slightly below 1e-4, and the ratio is rounded to the type.
      double ratio = RoundToDType(max_abs / min_abs, t_);
      exp_format_ = max_abs >= RoundToDType(1e8, t_) || min_abs < RoundToDType(1e-4, t_) || ratio > 1000;
    }
    if (any_finite) {
      int max_int = 0, max_frac = 0, max_exp = 0;
      each([&](double x) {
        if (!std::isfinite(x)) return;
        DecimalDigits d = Digits(x, precision_);
        int sign = d.negative || sign_plus_ ? 1 : 0;
        if (exp_format_) {
          max_int = std::max(max_int, sign + 1);
          max_frac = std::max(max_frac, static_cast<int>(d.digits.size()) - 1);
          int e = d.exponent < 0 ? -d.exponent : d.exponent;
          max_exp = std::max(max_exp, std::max(2, static_cast<int>(std::to_string(e).size())));
        } else {
          max_int = std::max(max_int, sign + (d.exponent >= 0 ? d.exponent + 1 : 1));
          max_frac = std::max(max_frac, d.FractionDigits());
        }
      });
      pad_left_ = max_int;
      if (exp_format_) {
        exp_size_ = max_exp;
        precision_ = max_frac;
        min_digits_ = max_frac;
        pad_right_ = exp_size_ + 2 + precision_;
      } else {
        pad_right_ = max_frac;
      }
    }
    if (any_nonfinite) {
      int neginf = (sign_plus_ || any_neginf) ? 1 : 0;
      int offset = pad_right_ + 1;
      pad_left_ = std::max({pad_left_, 3 - offset, 3 + neginf - offset});
    }
  }

  DType t_;
  int precision_;
  bool sign_plus_;
  bool exp_format_ = false;
  int pad_left_ = 0;
  int pad_right_ = 0;
  int exp_size_ = -1;
  int min_digits_ = 0;
};

using Formatter = std::function<std::string(int64_t)>;

// Calls fn(flat index) for every element numpy shows (all of them, or the
// edge items of every long axis when summarizing: _leading_trailing).
void ForEachShown(const Shape& shape, const std::vector<int64_t>& strides, bool summary, int edge,
                  const std::function<void(int64_t)>& fn) {
  std::function<void(size_t, int64_t)> rec = [&](size_t axis, int64_t base) {
    if (axis == shape.size()) {
      fn(base);
      return;
    }
    int64_t len = shape[axis];
    bool cut = summary && 2 * int64_t(edge) < len;
    for (int64_t i = 0; i < len; ++i) {
      if (cut && i == edge) i = len - edge;
      rec(axis + 1, base + i * strides[axis]);
    }
  };
  rec(0, 0);
}

std::string IntText(const Tensor& t, int64_t i) {
  return KindOf(t.dtype) == ValueKind::kUnsigned ? std::to_string(ElementAsUInt64(t, i))
                                                 : std::to_string(ElementAsInt64(t, i));
}

// Picks numpy's format function for the dtype (_get_format_function) and
// fills it from the shown elements.
Formatter MakeFormatter(const Tensor& t, const FormatOptions& o,
                        const std::function<void(const std::function<void(int64_t)>&)>& shown) {
  switch (KindOf(t.dtype)) {
    case ValueKind::kFloat: {
      auto f = std::make_shared<FloatFormat>(t.dtype, o.precision, false, [&](const std::function<void(double)>& g) {
        shown([&](int64_t i) { g(ElementAsDouble(t, i)); });
      });
      return [&t, f](int64_t i) { return (*f)(ElementAsDouble(t, i)); };
    }
    case ValueKind::kComplex: {
      DType part = t.dtype == DType::kComplex64 ? DType::kFloat : DType::kDouble;
      auto re = std::make_shared<FloatFormat>(part, o.precision, false, [&](const std::function<void(double)>& g) {
        shown([&](int64_t i) { g(ElementAsDouble(t, i)); });
      });
      auto im = std::make_shared<FloatFormat>(part, o.precision, true, [&](const std::function<void(double)>& g) {
        shown([&](int64_t i) { g(ElementImag(t, i)); });
      });
      return [&t, re, im](int64_t i) {
        std::string r = (*re)(ElementAsDouble(t, i));
        std::string m = (*im)(ElementImag(t, i));
        size_t end = m.find_last_not_of(' ') + 1;  // 'j' goes before the padding
        m.insert(end, "j");
        return r + m;
      };
    }
    case ValueKind::kSigned:
    case ValueKind::kUnsigned: {
      size_t width = 0;
      shown([&](int64_t i) { width = std::max(width, IntText(t, i).size()); });
      return [&t, width](int64_t i) {
        std::string s = IntText(t, i);
        if (s.size() < width) s.insert(0, width - s.size(), ' ');
        return s;
      };
    }
    case ValueKind::kBool:
      return [&t](int64_t i) { return std::string(ElementAsInt64(t, i) ? " True" : "False"); };
    default:
      return [&t](int64_t i) { return PythonBytesRepr(t.strings[i]); };
  }
}

std::string RStrip(const std::string& s) {
  size_t end = s.find_last_not_of(' ');
  return end == std::string::npos ? std::string() : s.substr(0, end + 1);
}

// numpy's _formatArray with separator " ", written straight into `out`
// instead of building and re-slicing nested strings. The first line of every
// bracket level loses its hanging indent (numpy: '[' + s[len(hanging):]).
class Layout {
 public:
  Layout(const Shape& shape, const Formatter& word, bool summary, int edge, int line_width,
         std::string* out)
      : shape_(shape), word_(word), summary_(summary), edge_(edge), line_width_(line_width), out_(out) {
    strides_.assign(shape.size(), 1);
    for (size_t k = shape.size(); k-- > 1;) strides_[k - 1] = strides_[k] * shape[k];
  }
  const std::vector<int64_t>& strides() const { return strides_; }

  void Run() { Recurse(0, 0, " ", line_width_); }

 private:
  void Recurse(size_t axis, int64_t base, const std::string& hanging, int width) {
    const size_t axes_left = shape_.size() - axis;
    const int64_t len = shape_[axis];
    const bool cut = summary_ && 2 * int64_t(edge_) < len;
    const int64_t leading = cut ? edge_ : 0;
    const int64_t trailing = cut ? edge_ : len;
    std::vector<int64_t> items;  // indices along this axis, -1 for "..."
    for (int64_t i = 0; i < leading; ++i) items.push_back(i);
    if (cut) items.push_back(-1);
    for (int64_t i = len - trailing; i < len; ++i) items.push_back(i);

    *out_ += '[';
    if (axes_left == 1) {
      const size_t elem_width = width > 1 ? width - 1 : 0;  // width - max(len(sep.rstrip()), len(']'))
      std::string line = hanging;
      bool first_line = true;
      auto emit = [&](const std::string& text) {
        *out_ += first_line ? text.substr(std::min(hanging.size(), text.size())) : text;
        first_line = false;
      };
      for (size_t k = 0; k < items.size(); ++k) {
        std::string word = items[k] < 0 ? "..." : word_(base + items[k] * strides_[axis]);
        // _extendLine: wrap unless the line holds only the indent.
        if (line.size() + word.size() > elem_width && line.size() > hanging.size()) {
          emit(RStrip(line) + "\n");
          line = hanging;
        }
        line += word;
        if (k + 1 < items.size()) line += ' ';
      }
      emit(line);
    } else {
      const std::string next_hanging = hanging + " ";
      const std::string line_sep(axes_left - 1, '\n');
      for (size_t k = 0; k < items.size(); ++k) {
        if (k > 0) *out_ += hanging;
        if (items[k] < 0) *out_ += "...";
        else Recurse(axis + 1, base + items[k] * strides_[axis], next_hanging, width - 1);
        if (k + 1 < items.size()) *out_ += line_sep;
      }
    }
    *out_ += ']';
  }

  const Shape& shape_;
  const Formatter& word_;
  std::vector<int64_t> strides_;
  bool summary_;
  int edge_;
  int line_width_;
  std::string* out_;
};

}  // namespace

std::string PythonBytesRepr(std::string_view s) {
  bool has_single = s.find('\'') != std::string_view::npos;
  bool has_double = s.find('"') != std::string_view::npos;
  char quote = has_single && !has_double ? '"' : '\'';
  std::string out = "b";
  out += quote;
  static const char kHex[] = "0123456789abcdef";
  for (unsigned char c : s) {
    if (c == static_cast<unsigned char>(quote) || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c >= 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  out += quote;
  return out;
}

std::string FormatElement(const Tensor& t, int64_t i) {
  int64_t n = StoredElements(t);
  if (n < 0 || i < 0 || i >= n) return "";
  switch (KindOf(t.dtype)) {
    case ValueKind::kFloat: return PythonFloatRepr(ElementAsDouble(t, i), t.dtype);
    case ValueKind::kSigned:
    case ValueKind::kUnsigned: return IntText(t, i);
    case ValueKind::kBool: return ElementAsInt64(t, i) ? "True" : "False";
    case ValueKind::kComplex: {
      // Python's complex repr: "2j" for a +0 real part, else "(re+imj)".
      DType part = t.dtype == DType::kComplex64 ? DType::kFloat : DType::kDouble;
      double re = ElementAsDouble(t, i), im = ElementImag(t, i);
      std::string ims = PythonFloatRepr(im, part, false);
      if (re == 0 && !std::signbit(re)) return ims + "j";
      if (ims[0] != '-') ims.insert(0, "+");
      return "(" + PythonFloatRepr(re, part, false) + ims + "j)";
    }
    case ValueKind::kBytes:
    case ValueKind::kOpaque: return PythonBytesRepr(t.strings[i]);
    case ValueKind::kNone: return "";
  }
  return "";
}

Result<std::string> FormatTensor(const Tensor& t, const FormatOptions& options) {
  if (KindOf(t.dtype) == ValueKind::kNone)
    return Status::Error("cannot print values of dtype " + std::string(DTypeName(t.dtype)));
  int64_t n = StoredElements(t);
  if (n < 0)
    return Status::Error("tensor storage does not match shape " + ShapeString(t.shape) + " of " +
                         std::string(DTypeName(t.dtype)));
  if (t.shape.empty()) return FormatElement(t, 0);
  if (n == 0) return std::string("[]");

  const bool summary = options.summarize && n > options.threshold;
  const int edge = std::max(1, options.edge_items);
  std::string out;
  Formatter word;
  Layout layout(t.shape, word, summary, edge, options.line_width, &out);
  auto shown = [&](const std::function<void(int64_t)>& fn) {
    if (!summary) {
      for (int64_t i = 0; i < n; ++i) fn(i);
    } else {
      ForEachShown(t.shape, layout.strides(), true, edge, fn);
    }
  };
  word = MakeFormatter(t, options, shown);
  layout.Run();
  return out;
}

}  // namespace ckptview
