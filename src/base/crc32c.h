// CRC-32C (Castagnoli), as TF's lib/hash/crc32c.h, and the mask TF applies to
// every stored checksum (rotate right 15, add 0xA282EAD8).
#pragma once

#include <cstddef>
#include <cstdint>

namespace ckptview::crc32c {

// Continues `crc` (the CRC of some prefix A) over `data`, giving CRC(A ‖ data).
uint32_t Extend(uint32_t crc, const void* data, size_t n);
// The table-driven path alone (what non-x86 builds and wasm without SIMD, the
// page, use), so tests can check the faster paths against it.
uint32_t ExtendPortableForTest(uint32_t crc, const void* data, size_t n);
// The 16-lane path (wasm SIMD128 where built with -msimd128; the same steps
// on plain arrays elsewhere), so tests can check it on every build.
uint32_t ExtendLanesForTest(uint32_t crc, const void* data, size_t n);
inline uint32_t Value(const void* data, size_t n) { return Extend(0, data, n); }
// CRC(A ‖ B) from crc_a = CRC(A), crc_b = CRC(B) and B's length (zlib's
// crc32_combine): lets two threads checksum halves of one range.
uint32_t Combine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b);
// Combine for many B of one length: the operator is computed once, and each
// join is 32 steps.
class Combiner {
 public:
  explicit Combiner(uint64_t len_b);
  uint32_t operator()(uint32_t crc_a, uint32_t crc_b) const;  // Combine(crc_a, crc_b, len_b)

 private:
  uint32_t op_[32];  // column k: the register with bit k set, moved past len_b zero bytes
};

constexpr uint32_t kMaskDelta = 0xa282ead8u;
inline uint32_t Mask(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + kMaskDelta; }
inline uint32_t Unmask(uint32_t masked) {
  uint32_t rot = masked - kMaskDelta;
  return (rot >> 17) | (rot << 15);
}

}  // namespace ckptview::crc32c
