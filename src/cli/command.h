// What every `ckptview` subcommand shares: exit codes, the one-line error
// format, and the table main.cc dispatches over.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace ckptview::cli {

// Exit codes of every subcommand.
enum ExitCode {
  kExitOk = 0,
  kExitFailed = 1,      // the command ran and found a problem (e.g. --verify: corruption)
  kExitUsage = 2,       // bad arguments
  kExitCannotRead = 3,  // a file cannot be opened or read
};

// A subcommand: `run` gets the arguments after its name and returns an
// ExitCode; `usage` prints its help (to stdout for --help, stderr otherwise).
struct Command {
  const char* name;
  const char* summary;  // one line for `ckptview --help`
  int (*run)(const std::vector<std::string>& args);
  void (*usage)(std::FILE* out);
};

// Prints "ckptview: <what>: <problem>" as one line on stderr (newlines in
// `problem` become "; "). An empty `what` is left out: formats errors
// already start with the file they are about.
void PrintError(const std::string& what, const std::string& problem);
// Prints "ckptview: warning: <text>" on stderr.
void PrintWarning(const std::string& text);

}  // namespace ckptview::cli
