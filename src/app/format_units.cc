#include "app/format_units.h"

#include <cinttypes>
#include <cstdio>

namespace ckptview::app {

std::string CountText(int64_t n) {
  char buf[32];
  const double v = static_cast<double>(n);
  if (n < 1000 && n > -1000) std::snprintf(buf, sizeof buf, "%" PRId64, n);
  else if (v < 1e6 && v > -1e6) std::snprintf(buf, sizeof buf, "%.1fK", v / 1e3);
  else if (v < 1e9 && v > -1e9) std::snprintf(buf, sizeof buf, "%.1fM", v / 1e6);
  else std::snprintf(buf, sizeof buf, "%.1fB", v / 1e9);
  return buf;
}

std::string BytesText(uint64_t n) {
  char buf[32];
  const double v = static_cast<double>(n);
  if (n < 1024) std::snprintf(buf, sizeof buf, "%" PRIu64 " B", n);
  else if (v < 1024.0 * 1024) std::snprintf(buf, sizeof buf, "%.1f KB", v / 1024);
  else if (v < 1024.0 * 1024 * 1024) std::snprintf(buf, sizeof buf, "%.1f MB", v / (1024.0 * 1024));
  else std::snprintf(buf, sizeof buf, "%.2f GB", v / (1024.0 * 1024 * 1024));
  return buf;
}

}  // namespace ckptview::app
