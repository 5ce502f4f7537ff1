#include "base/crc32c.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ckptview::crc32c {
namespace {

uint32_t Of(const std::string& s) { return Value(s.data(), s.size()); }

// Vectors from FORMATS.md 1.2 (LevelDB / TF crc32c tests).
TEST(Crc32cTest, StandardVectors) {
  EXPECT_EQ(Of("123456789"), 0xE3069283u);
  EXPECT_EQ(Of(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(Of(std::string(32, '\xff')), 0x62A8AB43u);
  std::string up, down;
  for (int i = 0; i < 32; ++i) up.push_back(char(i));
  for (int i = 31; i >= 0; --i) down.push_back(char(i));
  EXPECT_EQ(Of(up), 0x46DD794Eu);
  EXPECT_EQ(Of(down), 0x113FDB5Cu);
  EXPECT_EQ(Of(""), 0u);
}

TEST(Crc32cTest, ExtendContinuesAtEverySplit) {
  std::string data;
  for (int i = 0; i < 1000; ++i) data.push_back(char((i * 131) ^ (i >> 3)));
  const uint32_t whole = Of(data);
  for (size_t split : {size_t{0}, size_t{1}, size_t{7}, size_t{8}, size_t{9}, size_t{63}, size_t{500}, data.size()}) {
    uint32_t a = Value(data.data(), split);
    EXPECT_EQ(Extend(a, data.data() + split, data.size() - split), whole) << split;
  }
}

TEST(Crc32cTest, UnalignedInputsAgree) {
  // The fast paths read 8 bytes at a time; every alignment and tail length
  // must give the byte-at-a-time answer.
  std::string data(300, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = char(i * 7 + 3);
  for (size_t off = 0; off < 9; ++off) {
    for (size_t len : {size_t{0}, size_t{1}, size_t{7}, size_t{8}, size_t{15}, size_t{16}, size_t{17}, size_t{250}}) {
      uint32_t slow = 0;
      for (size_t i = 0; i < len; ++i) slow = Extend(slow, data.data() + off + i, 1);
      EXPECT_EQ(Value(data.data() + off, len), slow) << off << "/" << len;
    }
  }
}

// The definition, one bit at a time: what both fast paths must agree with.
uint32_t BitwiseCrc(uint32_t crc, const uint8_t* p, size_t n) {
  crc = ~crc;
  while (n--) {
    crc ^= *p++;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1)));
  }
  return ~crc;
}

std::vector<uint8_t> Noise(size_t n, uint32_t seed) {
  std::vector<uint8_t> data(n);
  for (uint8_t& b : data) b = uint8_t((seed = seed * 1103515245u + 12345u) >> 24);
  return data;
}

TEST(Crc32cTest, ThreeStreamPathsMatchTheDefinitionAcrossBlockBoundaries) {
  // Lengths around the 3x256 and 3x8192 block sizes of the interleaved path.
  std::vector<uint8_t> data(3 * 8192 * 2 + 3 * 256 * 2 + 40);
  uint32_t x = 1;
  for (uint8_t& b : data) b = uint8_t((x = x * 1103515245u + 12345u) >> 24);
  for (size_t len : {size_t{767}, size_t{768}, size_t{769}, size_t{3 * 8192 - 1}, size_t{3 * 8192},
                     size_t{3 * 8192 + 768 + 9}, data.size() - 1, data.size()}) {
    for (size_t off : {size_t{0}, size_t{1}}) {
      if (off + len > data.size()) continue;
      const uint32_t want = BitwiseCrc(0x12345678u, data.data() + off, len);
      EXPECT_EQ(Extend(0x12345678u, data.data() + off, len), want) << len << "+" << off;
      EXPECT_EQ(ExtendPortableForTest(0x12345678u, data.data() + off, len), want) << len << "+" << off;
      EXPECT_EQ(ExtendLanesForTest(0x12345678u, data.data() + off, len), want) << len << "+" << off;
    }
  }
}

TEST(Crc32cTest, LanePathMatchesTheDefinitionOnLongInputs) {
  // Many 64-byte stripes, then a tail; every start value's bits reach the lanes.
  const std::vector<uint8_t> data = Noise(100000 + 8, 3);
  for (size_t len : {size_t{128}, size_t{191}, size_t{4096}, size_t{65536 + 63}, size_t{100000}}) {
    for (uint32_t start : {0u, 1u, 0x80000000u, 0xffffffffu, 0x9abcdef0u}) {
      const uint32_t want = BitwiseCrc(start, data.data() + 5, len);
      EXPECT_EQ(ExtendLanesForTest(start, data.data() + 5, len), want) << len << " " << start;
    }
  }
}

TEST(Crc32cTest, EveryShortLengthAndAlignmentMatchesTheDefinition) {
  // Covers each tail length and both block sizes' edges (3 x 256 = 768).
  const std::vector<uint8_t> data = Noise(1100 + 8, 7);
  for (size_t off = 0; off < 8; ++off) {
    for (size_t len = 0; off + len <= data.size() && len <= 1100; ++len) {
      const uint32_t want = BitwiseCrc(0xdeadbeefu, data.data() + off, len);
      ASSERT_EQ(Extend(0xdeadbeefu, data.data() + off, len), want) << len << "+" << off;
      ASSERT_EQ(ExtendPortableForTest(0xdeadbeefu, data.data() + off, len), want) << len << "+" << off;
      ASSERT_EQ(ExtendLanesForTest(0xdeadbeefu, data.data() + off, len), want) << len << "+" << off;
    }
  }
}

TEST(Crc32cTest, CombineJoinsTheHalvesOfEverySplit) {
  const std::vector<uint8_t> data = Noise(5000, 11);
  const uint32_t whole = Value(data.data(), data.size());
  for (size_t split : {size_t{0}, size_t{1}, size_t{3}, size_t{64}, size_t{999}, size_t{4096}, data.size() - 1,
                       data.size()}) {
    const uint32_t a = Value(data.data(), split);
    const uint32_t b = Value(data.data() + split, data.size() - split);
    EXPECT_EQ(Combine(a, b, data.size() - split), whole) << split;
  }
  // Lengths with several bits set, in steps and at once.
  EXPECT_EQ(Combine(Of("123456789"), 0, 0), Of("123456789"));
  const uint32_t zeros8 = Value(std::string(8, '\0').data(), 8);
  EXPECT_EQ(Combine(Combine(Of("1"), zeros8, 8), zeros8, 8), Combine(Of("1"), Value(std::string(16, '\0').data(), 16), 16));
}

TEST(Crc32cTest, CombinerJoinsPiecesOfOneLength) {
  const std::vector<uint8_t> data = Noise(7 * 1000 + 123, 13);
  const Combiner join(1000);
  uint32_t crc = Value(data.data(), 1000);
  for (size_t at = 1000; at + 1000 <= data.size(); at += 1000) crc = join(crc, Value(data.data() + at, 1000));
  const size_t whole = data.size() - 123;
  EXPECT_EQ(crc, Value(data.data(), whole));
  EXPECT_EQ(Combine(crc, Value(data.data() + whole, 123), 123), Value(data.data(), data.size()));
}

TEST(Crc32cTest, MaskRotatesAndAddsDelta) {
  EXPECT_EQ(Mask(0), 0xA282EAD8u);
  for (uint32_t v : {0u, 1u, 0x12345678u, 0xffffffffu, Of("foo")}) {
    EXPECT_EQ(Unmask(Mask(v)), v);
    EXPECT_EQ(Mask(v), ((v >> 15) | (v << 17)) + 0xA282EAD8u);
    EXPECT_NE(Mask(v), v);
  }
  EXPECT_NE(Mask(Mask(Of("foo"))), Mask(Of("foo")));
}

}  // namespace
}  // namespace ckptview::crc32c
