#include "tensor/json.h"

#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "tensor/tensor_test_util.h"

namespace ckptview {
namespace {

std::string Values(const Tensor& t) {
  std::string out;
  JsonWriter w(&out);
  Status s = WriteTensorValues(t, &w);
  EXPECT_TRUE(s.ok()) << s.message();
  return out;
}

TEST(JsonTest, WriterNesting) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("a");
  w.Int(1);
  w.Key("b");
  w.BeginArray();
  w.Null();
  w.Bool(true);
  w.BeginObject();
  w.EndObject();
  w.BeginArray();
  w.EndArray();
  w.String("x");
  w.EndArray();
  w.Key("c");
  w.UInt(18446744073709551615u);
  w.Key("d");
  w.Double(0.5);
  w.EndObject();
  EXPECT_EQ(out, R"({"a":1,"b":[null,true,{},[],"x"],"c":18446744073709551615,"d":0.5})");
}

TEST(JsonTest, Escaping) {
  EXPECT_EQ(JsonQuote("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(JsonQuote("\n\r\t\b\f"), R"("\n\r\t\b\f")");
  EXPECT_EQ(JsonQuote(std::string("\x00\x01\x1f\x7f", 4)), "\"\\u0000\\u0001\\u001f\x7f\"");
  EXPECT_EQ(JsonQuote("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
  // Invalid UTF-8 becomes U+FFFD, one per bad byte.
  EXPECT_EQ(JsonQuote("a\xff" "b"), "\"a\xef\xbf\xbd" "b\"");
  EXPECT_EQ(JsonQuote("\xc3"), "\"\xef\xbf\xbd\"");
}

TEST(JsonTest, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("\xc2\x80"));              // U+0080
  EXPECT_TRUE(IsValidUtf8("\xed\x9f\xbf"));          // U+D7FF
  EXPECT_TRUE(IsValidUtf8("\xee\x80\x80"));          // U+E000
  EXPECT_TRUE(IsValidUtf8("\xf4\x8f\xbf\xbf"));      // U+10FFFF
  EXPECT_TRUE(IsValidUtf8(std::string("\x00", 1)));
  EXPECT_FALSE(IsValidUtf8("\x80"));                 // lone continuation
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));             // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xc1\xbf"));             // overlong
  EXPECT_FALSE(IsValidUtf8("\xe0\x80\xaf"));         // overlong
  EXPECT_FALSE(IsValidUtf8("\xf0\x80\x80\xaf"));     // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));         // surrogate U+D800
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));     // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xf5\x80\x80\x80"));
  EXPECT_FALSE(IsValidUtf8("\xe2\x82"));             // truncated
  EXPECT_FALSE(IsValidUtf8("\xe2\x28\xa1"));         // bad continuation
  EXPECT_FALSE(IsValidUtf8("\xff"));
}

TEST(JsonTest, Base64) {  // RFC 4648 test vectors
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64Encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode(std::string("\xff\xfe\x00", 3)), "//4A");
}

TEST(JsonTest, Numbers) {
  EXPECT_EQ(JsonFloat32(0.1f), "0.1");
  EXPECT_EQ(JsonFloat32(1.0f), "1.0");
  EXPECT_EQ(JsonFloat32(-0.0f), "-0.0");
  EXPECT_EQ(JsonFloat32(16777216.0f), "16777216.0");
  EXPECT_EQ(JsonFloat32(FLT_MAX), "3.4028235e+38");
  EXPECT_EQ(JsonFloat32(std::numeric_limits<float>::denorm_min()), "1e-45");
  EXPECT_EQ(JsonFloat32(1.0f / 3), "0.33333334");
  EXPECT_EQ(JsonFloat64(0.1), "0.1");
  EXPECT_EQ(JsonFloat64(1.0 / 3), "0.3333333333333333");
  EXPECT_EQ(JsonFloat64(DBL_MAX), "1.7976931348623157e+308");
  EXPECT_EQ(JsonFloat64(5e-324), "5e-324");
  EXPECT_EQ(JsonFloat64(kNaN), "\"NaN\"");
  EXPECT_EQ(JsonFloat64(kInf), "\"Infinity\"");
  EXPECT_EQ(JsonFloat64(-kInf), "\"-Infinity\"");
  EXPECT_EQ(JsonFloat32(-HUGE_VALF), "\"-Infinity\"");
}

TEST(JsonTest, ValuesOfEveryKind) {
  EXPECT_EQ(Values(Make<float>(DType::kFloat, {2, 2}, {0.1f, -0.0f, HUGE_VALF, std::nanf("")})),
            R"([0.1,-0.0,"Infinity","NaN"])");
  EXPECT_EQ(Values(Make<double>(DType::kDouble, {2}, {0.1, 1e300})), "[0.1,1e+300]");
  EXPECT_EQ(Values(Make<int64_t>(DType::kInt64, {2}, {std::numeric_limits<int64_t>::min(),
                                                      std::numeric_limits<int64_t>::max()})),
            "[-9223372036854775808,9223372036854775807]");
  EXPECT_EQ(Values(Make<uint64_t>(DType::kUInt64, {1}, {~uint64_t(0)})), "[18446744073709551615]");
  EXPECT_EQ(Values(Make<uint8_t>(DType::kBool, {3}, {1, 0, 7})), "[true,false,true]");
  EXPECT_EQ(Values(Make<int8_t>(DType::kQInt8, {2}, {-128, 127})), "[-128,127]");
  EXPECT_EQ(Values(Make<uint8_t>(DType::kInt4, {2}, {0x0d, 0x07})), "[-3,7]");
  EXPECT_EQ(Values(Make<float>(DType::kComplex64, {2}, {1, -2, 0.1f, std::nanf("")})),
            R"([[1.0,-2.0],[0.1,"NaN"]])");
  EXPECT_EQ(Values(Make<double>(DType::kComplex128, {1}, {0.1, -kInf})), R"([[0.1,"-Infinity"]])");
  // Narrow floats: their exact value.
  EXPECT_EQ(Values(Make<uint16_t>(DType::kHalf, {3}, {0x2e66, 0x0001, 0xfc00})),
            R"([0.0999755859375,5.960464477539063e-08,"-Infinity"])");
  EXPECT_EQ(Values(Make<uint16_t>(DType::kBFloat16, {1}, {0x3dcd})), "[0.10009765625]");
  EXPECT_EQ(Values(Make<uint8_t>(DType::kFloat8E4M3FN, {3}, {0x7e, 0x01, 0xff})), R"([448.0,0.001953125,"NaN"])");
  EXPECT_EQ(Values(Make<uint8_t>(DType::kFloat8E5M2, {1}, {0x7c})), R"(["Infinity"])");
  // Scalars are a one-element array; empty tensors an empty one.
  EXPECT_EQ(Values(Make<float>(DType::kFloat, {}, {2.5f})), "[2.5]");
  EXPECT_EQ(Values(Make<float>(DType::kFloat, {3, 0}, {})), "[]");
}

TEST(JsonTest, StringsAndOpaque) {
  Tensor s;
  s.dtype = DType::kString;
  s.shape = {4};
  s.strings = {"plain", "caf\xc3\xa9", std::string("\x00\xff", 2), "q\"\n"};
  EXPECT_EQ(Values(s), "[\"plain\",\"caf\xc3\xa9\",{\"base64\":\"AP8=\"},\"q\\\"\\n\"]");
  Tensor v;
  v.dtype = DType::kVariant;
  v.shape = {1};
  v.strings = {"foo"};
  EXPECT_EQ(Values(v), R"([{"opaque_base64":"Zm9v"}])");
  v.dtype = DType::kResource;
  EXPECT_EQ(Values(v), R"([{"opaque_base64":"Zm9v"}])");
}

TEST(JsonTest, ElementsAndErrors) {
  Tensor t = Make<int32_t>(DType::kInt32, {2}, {5, -6});
  std::string out;
  JsonWriter w(&out);
  w.BeginArray();
  WriteElement(t, 1, &w);
  WriteElement(t, 2, &w);  // out of range: null
  w.EndArray();
  EXPECT_EQ(out, "[-6,null]");

  std::string none;
  JsonWriter w2(&none);
  Tensor bad = Make<int32_t>(DType::kInt32, {3}, {1});
  EXPECT_FALSE(WriteTensorValues(bad, &w2).ok());
  Tensor unknown;
  unknown.dtype = static_cast<DType>(77);
  EXPECT_FALSE(WriteTensorValues(unknown, &w2).ok());
  EXPECT_EQ(none, "");
}

}  // namespace
}  // namespace ckptview
