#include "cli/command.h"

namespace ckptview::cli {
namespace {

std::string Flatten(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n') {
      out += "; ";
      while (i + 1 < s.size() && s[i + 1] == ' ') ++i;  // indentation of listed lines
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

void PrintError(const std::string& what, const std::string& problem) {
  std::fflush(stdout);
  if (what.empty()) {
    std::fprintf(stderr, "ckptview: %s\n", Flatten(problem).c_str());
  } else {
    std::fprintf(stderr, "ckptview: %s: %s\n", Flatten(what).c_str(), Flatten(problem).c_str());
  }
}

void PrintWarning(const std::string& text) {
  std::fflush(stdout);
  std::fprintf(stderr, "ckptview: warning: %s\n", Flatten(text).c_str());
}

}  // namespace ckptview::cli
