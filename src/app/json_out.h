// JsonOut: a small streaming JSON writer for the app's report. Commas are
// placed automatically; strings are escaped (control bytes as \u00XX, bytes
// >= 0x80 passed through: names are UTF-8 or shown as is); non-finite numbers
// are written as null, since JSON has no NaN.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ckptview::app {

class JsonOut {
 public:
  JsonOut& BeginObject() { Value(); out_ += '{'; first_.push_back(true); return *this; }
  JsonOut& EndObject() { out_ += '}'; first_.pop_back(); return *this; }
  JsonOut& BeginArray() { Value(); out_ += '['; first_.push_back(true); return *this; }
  JsonOut& EndArray() { out_ += ']'; first_.pop_back(); return *this; }
  JsonOut& Key(std::string_view k);
  JsonOut& String(std::string_view s);
  JsonOut& Number(double v);
  JsonOut& Int(int64_t v);
  JsonOut& UInt(uint64_t v);
  JsonOut& Bool(bool b) { Value(); out_ += b ? "true" : "false"; return *this; }
  JsonOut& Null() { Value(); out_ += "null"; return *this; }

  const std::string& str() const { return out_; }

 private:
  void Value();  // a comma before every element but the first
  static void Escape(std::string_view s, std::string* out);

  std::string out_;
  std::vector<bool> first_;
  bool after_key_ = false;
};

}  // namespace ckptview::app
