#include "cli/close_matches.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <tuple>

namespace ckptview::cli {
namespace {

std::string Lower(const std::string& s) {
  std::string out = s;
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Levenshtein distance, giving up (returning limit + 1) once it exceeds `limit`.
size_t EditDistance(const std::string& a, const std::string& b, size_t limit) {
  const size_t n = a.size(), m = b.size();
  if ((n > m ? n - m : m - n) > limit) return limit + 1;
  std::vector<size_t> prev(m + 1), cur(m + 1);
  for (size_t j = 0; j <= m; ++j) prev[j] = j;
  for (size_t i = 1; i <= n; ++i) {
    cur[0] = i;
    size_t row_min = cur[0];
    for (size_t j = 1; j <= m; ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      row_min = std::min(row_min, cur[j]);
    }
    if (row_min > limit) return limit + 1;
    std::swap(prev, cur);
  }
  return prev[m];
}

}  // namespace

std::vector<std::string> CloseMatches(const std::string& name, const std::vector<std::string>& candidates,
                                      size_t max) {
  const std::string want = Lower(name);
  const size_t limit = std::max<size_t>(2, want.size() / 3);
  // (not a substring match, distance, candidate)
  std::vector<std::tuple<int, size_t, std::string>> scored;
  std::set<std::string> seen;
  for (const std::string& c : candidates) {
    if (c.empty() || !seen.insert(c).second) continue;
    const std::string lc = Lower(c);
    const bool contains = (!want.empty() && lc.find(want) != std::string::npos) ||
                          (lc.size() >= 3 && want.find(lc) != std::string::npos);
    const size_t d = EditDistance(want, lc, contains ? std::max(want.size(), lc.size()) : limit);
    if (contains || d <= limit) scored.emplace_back(contains ? 0 : 1, d, c);
  }
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> out;
  for (const auto& s : scored) {
    if (out.size() >= max) break;
    out.push_back(std::get<2>(s));
  }
  return out;
}

}  // namespace ckptview::cli
