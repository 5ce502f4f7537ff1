#include "app/json_out.h"

#include <cinttypes>
#include <cmath>
#include <cstdio>

#include "tensor/float_text.h"

namespace ckptview::app {

void JsonOut::Value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_ += ',';
    first_.back() = false;
  }
}

JsonOut& JsonOut::Key(std::string_view k) {
  Value();
  Escape(k, &out_);
  out_ += ':';
  after_key_ = true;
  return *this;
}

JsonOut& JsonOut::String(std::string_view s) {
  Value();
  Escape(s, &out_);
  return *this;
}

JsonOut& JsonOut::Number(double v) {
  if (!std::isfinite(v)) return Null();
  Value();
  out_ += ShortestGText(v, DType::kDouble);
  return *this;
}

JsonOut& JsonOut::Int(int64_t v) {
  Value();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%" PRId64, v);
  out_ += buf;
  return *this;
}

JsonOut& JsonOut::UInt(uint64_t v) {
  Value();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%" PRIu64, v);
  out_ += buf;
  return *this;
}

void JsonOut::Escape(std::string_view s, std::string* out) {
  *out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          *out += buf;
        } else {
          *out += static_cast<char>(c);
        }
    }
  }
  *out += '"';
}

}  // namespace ckptview::app
