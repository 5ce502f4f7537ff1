// PNG layout written here (RFC 2083, RFC 1950/1951):
//   signature 89 50 4E 47 0D 0A 1A 0A
//   IHDR  width, height, bit depth 8, colour type 6 (RGBA), deflate, filter 0, no interlace
//   IDAT  zlib: 78 01 | stored blocks [BFINAL|00][LEN][~LEN][bytes] ... | Adler-32 (big-endian)
//         over the raw scanlines, each prefixed by filter byte 0
//   IEND
// Every chunk: length (big-endian), type, data, CRC-32 over type + data.
#include "app/png.h"

#include <array>
#include <vector>

namespace ckptview::app {
namespace {

void PutBigEndian32(std::string* out, uint32_t v) {
  out->push_back(static_cast<char>(v >> 24));
  out->push_back(static_cast<char>(v >> 16));
  out->push_back(static_cast<char>(v >> 8));
  out->push_back(static_cast<char>(v));
}

void PutChunk(std::string* out, const char type[4], const std::string& data) {
  PutBigEndian32(out, static_cast<uint32_t>(data.size()));
  std::string typed(type, 4);
  typed += data;
  out->append(typed);
  PutBigEndian32(out, PngCrc32(reinterpret_cast<const uint8_t*>(typed.data()), typed.size()));
}

const std::array<uint32_t, 256>& CrcTable() {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t n = 0; n < 256; ++n) {
      uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  return table;
}

}  // namespace

uint32_t PngCrc32(const uint8_t* data, size_t size, uint32_t crc) {
  const auto& table = CrcTable();
  crc = ~crc;
  for (size_t i = 0; i < size; ++i) crc = table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

uint32_t Adler32(const uint8_t* data, size_t size) {
  uint32_t a = 1, b = 0;
  while (size > 0) {
    // 5552 is the largest run for which b cannot overflow 32 bits (zlib's NMAX).
    size_t n = size < 5552 ? size : 5552;
    size -= n;
    for (; n > 0; --n) {
      a += *data++;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return (b << 16) | a;
}

std::string EncodePng(const uint8_t* rgba, int width, int height) {
  // Raw scanlines: filter type 0 (None) then the row's pixels.
  const size_t row_bytes = static_cast<size_t>(width) * 4;
  std::string raw;
  raw.reserve((row_bytes + 1) * height);
  for (int y = 0; y < height; ++y) {
    raw.push_back('\0');
    raw.append(reinterpret_cast<const char*>(rgba + row_bytes * y), row_bytes);
  }

  std::string zlib;
  zlib.push_back('\x78');  // CMF: deflate, 32K window
  zlib.push_back('\x01');  // FLG: no dictionary, fastest; (0x7801 % 31 == 0)
  const size_t kMaxStored = 65535;
  size_t pos = 0;
  do {
    size_t n = raw.size() - pos < kMaxStored ? raw.size() - pos : kMaxStored;
    bool final_block = pos + n == raw.size();
    zlib.push_back(final_block ? '\x01' : '\x00');  // BFINAL, BTYPE=00 (stored)
    zlib.push_back(static_cast<char>(n & 0xFF));
    zlib.push_back(static_cast<char>(n >> 8));
    zlib.push_back(static_cast<char>(~n & 0xFF));
    zlib.push_back(static_cast<char>((~n >> 8) & 0xFF));
    zlib.append(raw, pos, n);
    pos += n;
  } while (pos < raw.size());
  PutBigEndian32(&zlib, Adler32(reinterpret_cast<const uint8_t*>(raw.data()), raw.size()));

  std::string ihdr;
  PutBigEndian32(&ihdr, static_cast<uint32_t>(width));
  PutBigEndian32(&ihdr, static_cast<uint32_t>(height));
  ihdr += std::string("\x08\x06\x00\x00\x00", 5);  // depth 8, RGBA, deflate, filter 0, no interlace

  std::string png("\x89PNG\r\n\x1a\n", 8);
  PutChunk(&png, "IHDR", ihdr);
  PutChunk(&png, "IDAT", zlib);
  PutChunk(&png, "IEND", "");
  return png;
}

}  // namespace ckptview::app
