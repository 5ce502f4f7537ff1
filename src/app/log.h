// Log: what the app tells the user — progress notes, warnings from discovery,
// and errors (which also go into the report). Bounded: the oldest entries go
// first, errors are kept separately so they are never lost to chatter.
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <vector>

namespace ckptview::app {

struct LogEntry {
  enum class Level { kInfo, kWarning, kError };
  Level level = Level::kInfo;
  std::string text;
};

class Log {
 public:
  static constexpr size_t kMaxEntries = 2000;
  static constexpr size_t kMaxErrors = 200;

  void Info(std::string text) { Add(LogEntry::Level::kInfo, std::move(text)); }
  void Warning(std::string text) { Add(LogEntry::Level::kWarning, std::move(text)); }
  void Error(std::string text) { Add(LogEntry::Level::kError, std::move(text)); }
  void Clear();

  const std::deque<LogEntry>& entries() const { return entries_; }
  const std::vector<std::string>& errors() const { return errors_; }
  const std::vector<std::string>& warnings() const { return warnings_; }
  // Bumped on every change (views scroll to the bottom when it moves).
  int generation() const { return generation_; }

 private:
  void Add(LogEntry::Level level, std::string text);

  std::deque<LogEntry> entries_;
  std::vector<std::string> errors_;
  std::vector<std::string> warnings_;
  int generation_ = 0;
};

}  // namespace ckptview::app
