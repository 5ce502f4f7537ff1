// The screenshot PNG encoder: checksums against known values, and the stored
// deflate blocks decoded back to the image.

#include "app/png.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace ckptview::app {
namespace {

uint32_t BigEndian32(const std::string& s, size_t pos) {
  return (uint32_t(uint8_t(s[pos])) << 24) | (uint32_t(uint8_t(s[pos + 1])) << 16) |
         (uint32_t(uint8_t(s[pos + 2])) << 8) | uint32_t(uint8_t(s[pos + 3]));
}

TEST(PngTest, Checksums) {
  const std::string wiki = "Wikipedia";
  EXPECT_EQ(Adler32(reinterpret_cast<const uint8_t*>(wiki.data()), wiki.size()), 0x11E60398u);
  const std::string check = "123456789";
  EXPECT_EQ(PngCrc32(reinterpret_cast<const uint8_t*>(check.data()), check.size()), 0xCBF43926u);
  std::vector<uint8_t> zeros(100000, 0xff);  // longer than zlib's 5552-byte run
  uint32_t a = 1, b = 0;
  for (uint8_t x : zeros) {
    a = (a + x) % 65521;
    b = (b + a) % 65521;
  }
  EXPECT_EQ(Adler32(zeros.data(), zeros.size()), (b << 16) | a);
}

TEST(PngTest, RoundTripThroughStoredBlocks) {
  const int w = 300, h = 70;  // > 65535 raw bytes: several stored blocks
  std::vector<uint8_t> rgba(w * h * 4);
  for (size_t i = 0; i < rgba.size(); ++i) rgba[i] = static_cast<uint8_t>(i * 7 + i / 1000);
  const std::string png = EncodePng(rgba.data(), w, h);
  ASSERT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));

  std::string raw;
  size_t pos = 8;
  bool saw_end = false;
  while (pos + 12 <= png.size()) {
    const uint32_t len = BigEndian32(png, pos);
    const std::string type = png.substr(pos + 4, 4);
    const std::string data = png.substr(pos + 8, len);
    const std::string typed = png.substr(pos + 4, 4 + len);
    EXPECT_EQ(BigEndian32(png, pos + 8 + len),
              PngCrc32(reinterpret_cast<const uint8_t*>(typed.data()), typed.size()))
        << type;
    if (type == "IHDR") {
      EXPECT_EQ(BigEndian32(data, 0), uint32_t(w));
      EXPECT_EQ(BigEndian32(data, 4), uint32_t(h));
      EXPECT_EQ(data.substr(8), std::string("\x08\x06\x00\x00\x00", 5));
    } else if (type == "IDAT") {
      ASSERT_EQ((uint8_t(data[0]) * 256 + uint8_t(data[1])) % 31, 0);  // zlib header check
      size_t p = 2;
      bool final_block = false;
      while (!final_block) {
        final_block = data[p] & 1;
        EXPECT_EQ(data[p] & 6, 0);  // stored
        const uint32_t n = uint8_t(data[p + 1]) | (uint8_t(data[p + 2]) << 8);
        const uint32_t nn = uint8_t(data[p + 3]) | (uint8_t(data[p + 4]) << 8);
        EXPECT_EQ(n ^ 0xffff, nn);
        raw += data.substr(p + 5, n);
        p += 5 + n;
      }
      EXPECT_EQ(BigEndian32(data, p), Adler32(reinterpret_cast<const uint8_t*>(raw.data()), raw.size()));
    } else if (type == "IEND") {
      saw_end = true;
    }
    pos += 12 + len;
  }
  EXPECT_TRUE(saw_end);
  ASSERT_EQ(raw.size(), size_t(h) * (w * 4 + 1));
  for (int y = 0; y < h; ++y) {
    EXPECT_EQ(raw[y * (w * 4 + 1)], '\0');
    EXPECT_EQ(std::memcmp(&raw[y * (w * 4 + 1) + 1], &rgba[y * w * 4], w * 4), 0) << "row " << y;
  }
}

}  // namespace
}  // namespace ckptview::app

