// Runs a shell command for tests that drive a separate process (the desktop
// app under xvfb-run, a GL test re-run in a child): its stdout (and stderr,
// if the command redirects it) and its wait status.
#pragma once

#include <cstdio>
#include <string>

namespace ckptview::testing_util {

inline std::string RunCommand(const std::string& command, int* status) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  *status = pclose(p);
  return out;
}

}  // namespace ckptview::testing_util
