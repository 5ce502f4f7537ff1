// Slicing-by-8 table CRC everywhere (wasm included), and the SSE4.2 crc32
// instruction on x86 when the CPU has it (picked at run time): checksum speed
// bounds how fast `inspect --verify` reads a checkpoint.
#include "base/crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <nmmintrin.h>
#define CKPT_HAVE_SSE42_PATH 1
#endif

namespace ckptview::crc32c {
namespace {

constexpr uint32_t kPoly = 0x82f63b78u;  // reflected Castagnoli polynomial

struct Tables {
  std::array<std::array<uint32_t, 256>, 8> t{};
  Tables() {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c >> 1) ^ ((c & 1) ? kPoly : 0);
      t[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; ++i)
      for (int s = 1; s < 8; ++s) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xff];
  }
};

const Tables& GetTables() {
  static const Tables tables;
  return tables;
}

// Both paths run three independent streams over adjacent blocks, so each
// step's latency (a dependent chain of table loads, or the crc32
// instruction's 3 cycles) overlaps the others'; the streams' CRCs are then
// joined by "appending zeros" with a precomputed GF(2) operator (Mark
// Adler's method, as in zlib's crc32_combine).
constexpr size_t kLongBlock = 8192;
constexpr size_t kShortBlock = 256;

using ZerosTable = std::array<std::array<uint32_t, 256>, 4>;

uint32_t Gf2MatrixTimes(const uint32_t* mat, uint32_t vec) {
  uint32_t sum = 0;
  for (; vec; vec >>= 1, ++mat)
    if (vec & 1) sum ^= *mat;
  return sum;
}

void Gf2MatrixSquare(uint32_t* square, const uint32_t* mat) {
  for (int n = 0; n < 32; ++n) square[n] = Gf2MatrixTimes(mat, mat[n]);
}

// Table applying `len` (a power of two) zero bytes to a raw CRC register.
ZerosTable MakeZerosTable(size_t len) {
  uint32_t odd[32], even[32];
  odd[0] = kPoly;  // one zero bit
  for (int n = 1; n < 32; ++n) odd[n] = 1u << (n - 1);
  Gf2MatrixSquare(even, odd);  // two zero bits
  Gf2MatrixSquare(odd, even);  // four zero bits
  const uint32_t* op = nullptr;
  for (;;) {
    Gf2MatrixSquare(even, odd);  // first pass: one zero byte
    len >>= 1;
    if (len == 0) { op = even; break; }
    Gf2MatrixSquare(odd, even);
    len >>= 1;
    if (len == 0) { op = odd; break; }
  }
  ZerosTable t;
  for (uint32_t n = 0; n < 256; ++n)
    for (int b = 0; b < 4; ++b) t[b][n] = Gf2MatrixTimes(op, n << (8 * b));
  return t;
}

uint32_t Shift(const ZerosTable& z, uint32_t crc) {
  return z[0][crc & 0xff] ^ z[1][(crc >> 8) & 0xff] ^ z[2][(crc >> 16) & 0xff] ^ z[3][crc >> 24];
}

// One slicing-by-8 step over 8 bytes of a raw (uninverted) register.
inline uint32_t Step8(const std::array<std::array<uint32_t, 256>, 8>& t, uint32_t c, const uint8_t* p) {
  uint32_t lo, hi;
  std::memcpy(&lo, p, 4);
  std::memcpy(&hi, p + 4, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  lo = __builtin_bswap32(lo);
  hi = __builtin_bswap32(hi);
#endif
  lo ^= c;
  return t[7][lo & 0xff] ^ t[6][(lo >> 8) & 0xff] ^ t[5][(lo >> 16) & 0xff] ^ t[4][lo >> 24] ^
         t[3][hi & 0xff] ^ t[2][(hi >> 8) & 0xff] ^ t[1][(hi >> 16) & 0xff] ^ t[0][hi >> 24];
}

uint32_t Portable3Blocks(uint32_t crc0, const uint8_t*& p, size_t& n, size_t block, const ZerosTable& zeros) {
  const auto& t = GetTables().t;
  while (n >= 3 * block) {
    uint32_t crc1 = 0, crc2 = 0;
    for (const uint8_t* end = p + block; p < end; p += 8) {
      crc0 = Step8(t, crc0, p);
      crc1 = Step8(t, crc1, p + block);
      crc2 = Step8(t, crc2, p + 2 * block);
    }
    crc0 = Shift(zeros, crc0) ^ crc1;
    crc0 = Shift(zeros, crc0) ^ crc2;
    p += 2 * block;
    n -= 3 * block;
  }
  return crc0;
}

const ZerosTable& LongZeros() {
  static const ZerosTable table = MakeZerosTable(kLongBlock);
  return table;
}

const ZerosTable& ShortZeros() {
  static const ZerosTable table = MakeZerosTable(kShortBlock);
  return table;
}

uint32_t ExtendPortable(uint32_t crc, const uint8_t* p, size_t n) {
  const auto& t = GetTables().t;
  uint32_t c = ~crc;
  c = Portable3Blocks(c, p, n, kLongBlock, LongZeros());
  c = Portable3Blocks(c, p, n, kShortBlock, ShortZeros());
  for (; n >= 8; p += 8, n -= 8) c = Step8(t, c, p);
  while (n--) c = (c >> 8) ^ t[0][(c ^ *p++) & 0xff];
  return ~c;
}

#ifdef CKPT_HAVE_SSE42_PATH
// The crc32 instruction has a latency of 3 cycles and a throughput of 1:
// three streams keep it busy.
__attribute__((target("sse4.2"))) uint64_t Crc3Blocks(uint64_t crc0, const uint8_t*& p, size_t& n,
                                                      size_t block, const ZerosTable& zeros) {
  while (n >= 3 * block) {
    uint64_t crc1 = 0, crc2 = 0;
    for (const uint8_t* end = p + block; p < end; p += 8) {
      uint64_t a, b, c;
      std::memcpy(&a, p, 8);
      std::memcpy(&b, p + block, 8);
      std::memcpy(&c, p + 2 * block, 8);
      crc0 = _mm_crc32_u64(crc0, a);
      crc1 = _mm_crc32_u64(crc1, b);
      crc2 = _mm_crc32_u64(crc2, c);
    }
    crc0 = Shift(zeros, uint32_t(crc0)) ^ uint32_t(crc1);
    crc0 = Shift(zeros, uint32_t(crc0)) ^ uint32_t(crc2);
    p += 2 * block;
    n -= 3 * block;
  }
  return crc0;
}

__attribute__((target("sse4.2"))) uint32_t ExtendSse42(uint32_t crc, const uint8_t* p, size_t n) {
  uint64_t c = ~crc;
  c = Crc3Blocks(c, p, n, kLongBlock, LongZeros());
  c = Crc3Blocks(c, p, n, kShortBlock, ShortZeros());
  while (n >= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    c = _mm_crc32_u64(c, v);
    p += 8;
    n -= 8;
  }
  uint32_t c32 = uint32_t(c);
  while (n--) c32 = _mm_crc32_u8(c32, *p++);
  return ~c32;
}

bool HaveSse42() {
  static const bool have = __builtin_cpu_supports("sse4.2");
  return have;
}
#endif

}  // namespace

uint32_t ExtendPortableForTest(uint32_t crc, const void* data, size_t n) {
  return ExtendPortable(crc, static_cast<const uint8_t*>(data), n);
}

uint32_t Extend(uint32_t crc, const void* data, size_t n) {
  const auto* p = static_cast<const uint8_t*>(data);
#ifdef CKPT_HAVE_SSE42_PATH
  if (HaveSse42()) return ExtendSse42(crc, p, n);
#endif
  return ExtendPortable(crc, p, n);
}

}  // namespace ckptview::crc32c
