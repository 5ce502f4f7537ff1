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

constexpr uint32_t kMaskDelta = 0xa282ead8u;
inline uint32_t Mask(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + kMaskDelta; }
inline uint32_t Unmask(uint32_t masked) {
  uint32_t rot = masked - kMaskDelta;
  return (rot >> 17) | (rot << 15);
}

}  // namespace ckptview::crc32c
