// PNG encoding of an RGBA8 image, for screenshots (`ckptview-desktop
// --screenshot`) and tests. Deliberately tiny: the zlib stream uses stored
// (uncompressed) deflate blocks, so there is no compressor to get wrong and the
// output is readable by any PNG decoder. Files are about 4 bytes per pixel.
#pragma once

#include <cstdint>
#include <string>

namespace ckptview::app {

// `rgba` holds height rows of width*4 bytes, top row first.
std::string EncodePng(const uint8_t* rgba, int width, int height);

// zlib's Adler-32 and the PNG chunk CRC-32 (polynomial 0xEDB88320), exposed
// for tests.
uint32_t Adler32(const uint8_t* data, size_t size);
uint32_t PngCrc32(const uint8_t* data, size_t size, uint32_t crc = 0);

}  // namespace ckptview::app
