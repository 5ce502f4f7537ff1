// A minimal streaming JSON writer and the JSON form of tensor values, used by
// `ckptview inspect --json` and the page's test API.
//
// Element values (WriteTensorValues, WriteElement):
//   float32, complex64 parts  shortest text that reads back as the same float32
//   float64, complex128 parts shortest text that reads back as the same double (<= 17 digits)
//   float16, bfloat16, float8_*, float4  their exact value, as a double
//   integers (incl. int64/uint64, quantized, int4)  exact integers
//   bool                      true / false
//   complex                   [re, im]
//   NaN, +inf, -inf           the strings "NaN", "Infinity", "-Infinity"
//   string                    a JSON string if valid UTF-8, else {"base64": "..."}
//   resource, variant         {"opaque_base64": "..."}
// Float numbers always carry a '.' or an exponent ("1.0", "-0.0", "1e+20"),
// so parsers keep them floats and keep the sign of -0.0.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "tensor/tensor.h"

namespace ckptview {

// Appends compact JSON to a string. Commas and nesting are tracked; misuse
// (a value where a key is due) is our bug and only asserted in debug builds.
class JsonWriter {
 public:
  explicit JsonWriter(std::string* out) : out_(out) {}

  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();
  void Key(std::string_view key);  // escaped like String()

  // Invalid UTF-8 sequences are replaced by U+FFFD so the output is always
  // valid JSON (use WriteElement for lossless tensor strings).
  void String(std::string_view s);
  void Int(int64_t v);
  void UInt(uint64_t v);
  void Double(double v);          // float64 rules above
  void Float(float v);            // float32 rules above
  void Bool(bool v);
  void Null();

 private:
  void BeforeValue();
  std::string* out_;
  std::vector<bool> has_items_;  // per open container
  bool after_key_ = false;
};

bool IsValidUtf8(std::string_view s);
std::string Base64Encode(std::string_view bytes);
// `s` as a quoted JSON string (invalid UTF-8 replaced by U+FFFD).
std::string JsonQuote(std::string_view s);

// Number text for finite values; NaN/inf give "NaN", "Infinity", "-Infinity"
// (quoted, i.e. JSON strings).
std::string JsonFloat32(float v);
std::string JsonFloat64(double v);

// Element i of t as one JSON value (rules above). Out of range: null.
void WriteElement(const Tensor& t, int64_t i, JsonWriter* w);
// Every element, flat in row-major order, as one JSON array. Fails (writing
// nothing) when the dtype is unknown or the storage does not match the shape.
Status WriteTensorValues(const Tensor& t, JsonWriter* w);

}  // namespace ckptview
