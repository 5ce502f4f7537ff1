// Human-readable sizes for the UI: "1.2M" parameters, "4.8 MB", "512 B".
#pragma once

#include <cstdint>
#include <string>

namespace ckptview::app {

std::string CountText(int64_t n);   // 999, 1.2K, 3.4M, 5.6B
std::string BytesText(uint64_t n);  // 512 B, 1.5 KB, 2.3 MB, 4.0 GB (powers of 1024)

}  // namespace ckptview::app
