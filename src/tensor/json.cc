#include "tensor/json.h"

#include <cassert>
#include <cmath>

#include "tensor/float_text.h"
#include "tensor/value.h"

namespace ckptview {
namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 if invalid
// (overlong forms, surrogates and code points above U+10FFFF are invalid).
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  size_t len;
  unsigned char lo = 0x80, hi = 0xbf;  // allowed range of the second byte
  if (c >= 0xc2 && c <= 0xdf) {
    len = 2;
  } else if (c >= 0xe0 && c <= 0xef) {
    len = 3;
    if (c == 0xe0) lo = 0xa0;        // overlong
    if (c == 0xed) hi = 0x9f;        // surrogates
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 4;
    if (c == 0xf0) lo = 0x90;        // overlong
    if (c == 0xf4) hi = 0x8f;        // above U+10FFFF
  } else {
    return 0;
  }
  if (s.size() - i < len) return 0;
  const unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
  if (c1 < lo || c1 > hi) return 0;
  for (size_t k = 2; k < len; ++k) {
    const unsigned char ck = static_cast<unsigned char>(s[i + k]);
    if (ck < 0x80 || ck > 0xbf) return 0;
  }
  return len;
}

void AppendQuoted(std::string_view s, std::string* out) {
  static const char kHex[] = "0123456789abcdef";
  out->reserve(out->size() + s.size() + 2);
  *out += '"';
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      size_t len = Utf8SequenceLength(s, i);
      if (len == 0) {
        *out += "\xef\xbf\xbd";  // U+FFFD for one bad byte
        ++i;
      } else {
        out->append(s.data() + i, len);
        i += len;
      }
      continue;
    }
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      case '\b': *out += "\\b"; break;
      case '\f': *out += "\\f"; break;
      default:
        if (c < 0x20) {
          *out += "\\u00";
          *out += kHex[c >> 4];
          *out += kHex[c & 15];
        } else {
          *out += static_cast<char>(c);
        }
    }
    ++i;
  }
  *out += '"';
}

std::string NonFinite(double v) {
  if (std::isnan(v)) return "\"NaN\"";
  return v < 0 ? "\"-Infinity\"" : "\"Infinity\"";
}

// Shortest text that reads back as the same value of `t`, always looking
// like a float ("1.0", not "1").
std::string FloatText(double v, DType t) {
  if (!std::isfinite(v)) return NonFinite(v);
  std::string s = ShortestGText(v, t);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

}  // namespace

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!has_items_.empty()) {
    if (has_items_.back()) *out_ += ',';
    has_items_.back() = true;
  }
}

void JsonWriter::BeginObject() {
  BeforeValue();
  *out_ += '{';
  has_items_.push_back(false);
}
void JsonWriter::EndObject() {
  assert(!has_items_.empty() && !after_key_);
  has_items_.pop_back();
  *out_ += '}';
}
void JsonWriter::BeginArray() {
  BeforeValue();
  *out_ += '[';
  has_items_.push_back(false);
}
void JsonWriter::EndArray() {
  assert(!has_items_.empty());
  has_items_.pop_back();
  *out_ += ']';
}
void JsonWriter::Key(std::string_view key) {
  assert(!after_key_);
  BeforeValue();
  AppendQuoted(key, out_);
  *out_ += ':';
  after_key_ = true;
}
void JsonWriter::String(std::string_view s) {
  BeforeValue();
  AppendQuoted(s, out_);
}
void JsonWriter::Int(int64_t v) {
  BeforeValue();
  *out_ += std::to_string(v);
}
void JsonWriter::UInt(uint64_t v) {
  BeforeValue();
  *out_ += std::to_string(v);
}
void JsonWriter::Double(double v) {
  BeforeValue();
  *out_ += FloatText(v, DType::kDouble);
}
void JsonWriter::Float(float v) {
  BeforeValue();
  *out_ += FloatText(v, DType::kFloat);
}
void JsonWriter::Bool(bool v) {
  BeforeValue();
  *out_ += v ? "true" : "false";
}
void JsonWriter::Null() {
  BeforeValue();
  *out_ += "null";
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    size_t len = Utf8SequenceLength(s, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

std::string Base64Encode(std::string_view bytes) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = uint32_t(uint8_t(bytes[i])) << 16 | uint32_t(uint8_t(bytes[i + 1])) << 8 |
                 uint8_t(bytes[i + 2]);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t v = uint32_t(uint8_t(bytes[i])) << 16;
    if (rest == 2) v |= uint32_t(uint8_t(bytes[i + 1])) << 8;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string JsonQuote(std::string_view s) {
  std::string out;
  AppendQuoted(s, &out);
  return out;
}

std::string JsonFloat32(float v) { return FloatText(v, DType::kFloat); }
std::string JsonFloat64(double v) { return FloatText(v, DType::kDouble); }

void WriteElement(const Tensor& t, int64_t i, JsonWriter* w) {
  int64_t n = StoredElements(t);
  if (n < 0 || i < 0 || i >= n) {
    w->Null();
    return;
  }
  switch (KindOf(t.dtype)) {
    case ValueKind::kComplex: {
      DType part = t.dtype == DType::kComplex64 ? DType::kFloat : DType::kDouble;
      w->BeginArray();
      if (part == DType::kFloat) {
        w->Float(static_cast<float>(ElementAsDouble(t, i)));
        w->Float(static_cast<float>(ElementImag(t, i)));
      } else {
        w->Double(ElementAsDouble(t, i));
        w->Double(ElementImag(t, i));
      }
      w->EndArray();
      return;
    }
    case ValueKind::kBytes: {
      const std::string& s = t.strings[i];
      if (IsValidUtf8(s)) {
        w->String(s);
      } else {
        w->BeginObject();
        w->Key("base64");
        w->String(Base64Encode(s));
        w->EndObject();
      }
      return;
    }
    case ValueKind::kOpaque:
      w->BeginObject();
      w->Key("opaque_base64");
      w->String(Base64Encode(t.strings[i]));
      w->EndObject();
      return;
    case ValueKind::kFloat:
      // float16/bfloat16/float8/float4 print their exact value, which a
      // double holds (and prints shortest) exactly.
      if (t.dtype == DType::kFloat) w->Float(static_cast<float>(ElementAsDouble(t, i)));
      else w->Double(ElementAsDouble(t, i));
      return;
    case ValueKind::kSigned: w->Int(ElementAsInt64(t, i)); return;
    case ValueKind::kUnsigned: w->UInt(ElementAsUInt64(t, i)); return;
    case ValueKind::kBool: w->Bool(ElementAsInt64(t, i) != 0); return;
    case ValueKind::kNone: w->Null(); return;
  }
}

Status WriteTensorValues(const Tensor& t, JsonWriter* w) {
  if (KindOf(t.dtype) == ValueKind::kNone)
    return Status::Error("no JSON form for dtype " + std::string(DTypeName(t.dtype)));
  int64_t n = StoredElements(t);
  if (n < 0)
    return Status::Error("tensor storage does not match shape " + ShapeString(t.shape) + " of " +
                         std::string(DTypeName(t.dtype)));
  w->BeginArray();
  for (int64_t i = 0; i < n; ++i) WriteElement(t, i, w);
  w->EndArray();
  return Status::Ok();
}

}  // namespace ckptview
