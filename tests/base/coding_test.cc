#include "base/coding.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

namespace ckptview {
namespace {

std::string Bytes(std::initializer_list<int> b) {
  std::string s;
  for (int x : b) s.push_back(char(x));
  return s;
}

TEST(CodingTest, FixedIsLittleEndian) {
  std::string s;
  PutFixed32(&s, 0x04030201u);
  PutFixed64(&s, 0x0807060504030201ull);
  EXPECT_EQ(s, Bytes({1, 2, 3, 4, 1, 2, 3, 4, 5, 6, 7, 8}));
  ByteView in(s);
  uint32_t a;
  uint64_t b;
  ASSERT_TRUE(GetFixed32(&in, &a));
  ASSERT_TRUE(GetFixed64(&in, &b));
  EXPECT_EQ(a, 0x04030201u);
  EXPECT_EQ(b, 0x0807060504030201ull);
  EXPECT_TRUE(in.empty());
  EXPECT_FALSE(GetFixed32(&in, &a));
}

TEST(CodingTest, FixedRefusesShortInput) {
  std::string s = Bytes({1, 2, 3});
  ByteView in(s);
  uint32_t v;
  EXPECT_FALSE(GetFixed32(&in, &v));
  EXPECT_EQ(in.size(), 3u);  // nothing consumed
  uint64_t w;
  std::string seven(7, 'x');
  ByteView in7(seven);
  EXPECT_FALSE(GetFixed64(&in7, &w));
}

TEST(CodingTest, VarintKnownEncodings) {
  std::string s;
  PutVarint32(&s, 0);
  PutVarint32(&s, 127);
  PutVarint32(&s, 128);
  PutVarint32(&s, 300);
  EXPECT_EQ(s, Bytes({0x00, 0x7f, 0x80, 0x01, 0xac, 0x02}));
  std::string m;
  PutVarint64(&m, std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(m.size(), 10u);
  EXPECT_EQ(uint8_t(m.back()), 0x01);
}

TEST(CodingTest, VarintRoundTripAcrossBoundaries) {
  std::vector<uint64_t> values;
  for (int bits = 0; bits <= 64; ++bits) {
    const uint64_t p = bits == 64 ? 0 : (uint64_t{1} << bits);
    values.push_back(p - 1);
    values.push_back(p);
    values.push_back(p + 1);
  }
  std::string s;
  for (uint64_t v : values) PutVarint64(&s, v);
  ByteView in(s);
  for (uint64_t v : values) {
    uint64_t got;
    ASSERT_TRUE(GetVarint64(&in, &got));
    EXPECT_EQ(got, v);
  }
  EXPECT_TRUE(in.empty());
}

TEST(CodingTest, Varint32RejectsOverflowAndLongEncodings) {
  std::string big;
  PutVarint64(&big, uint64_t{1} << 32);
  ByteView in(big);
  uint32_t v;
  EXPECT_FALSE(GetVarint32(&in, &v));
  EXPECT_EQ(in.size(), big.size());  // not consumed
  std::string max32;
  PutVarint32(&max32, 0xffffffffu);
  ByteView in2(max32);
  ASSERT_TRUE(GetVarint32(&in2, &v));
  EXPECT_EQ(v, 0xffffffffu);
  // Six bytes for a small value (padded continuation) is not a varint32.
  std::string padded = Bytes({0x81, 0x80, 0x80, 0x80, 0x80, 0x00});
  ByteView in3(padded);
  EXPECT_FALSE(GetVarint32(&in3, &v));
}

TEST(CodingTest, Varint64RejectsTruncatedAndOverlong) {
  uint64_t v;
  std::string truncated = Bytes({0x80, 0x80});
  ByteView a(truncated);
  EXPECT_FALSE(GetVarint64(&a, &v));
  std::string eleven(10, char(0x80));
  eleven.push_back(0x01);
  ByteView b(eleven);
  EXPECT_FALSE(GetVarint64(&b, &v));
  // Tenth byte may only carry the 64th bit.
  std::string too_big(9, char(0xff));
  too_big.push_back(0x02);
  ByteView c(too_big);
  EXPECT_FALSE(GetVarint64(&c, &v));
  ByteView empty;
  EXPECT_FALSE(GetVarint64(&empty, &v));
}

TEST(CodingTest, GetBytesIsBounded) {
  std::string s = "abcdef";
  ByteView in(s), out;
  ASSERT_TRUE(GetBytes(&in, 4, &out));
  EXPECT_EQ(out.str(), "abcd");
  EXPECT_FALSE(GetBytes(&in, 3, &out));
  EXPECT_EQ(in.str(), "ef");
  ASSERT_TRUE(GetBytes(&in, 2, &out));
  EXPECT_TRUE(in.empty());
}

TEST(CodingTest, EncodeDecodeRawBuffers) {
  uint8_t buf[8];
  EncodeFixed32(buf, 0xdeadbeefu);
  EXPECT_EQ(DecodeFixed32(buf), 0xdeadbeefu);
  EXPECT_EQ(buf[0], 0xef);
  EncodeFixed64(buf, 0x0123456789abcdefull);
  EXPECT_EQ(DecodeFixed64(buf), 0x0123456789abcdefull);
  EXPECT_EQ(buf[7], 0x01);
}

}  // namespace
}  // namespace ckptview
