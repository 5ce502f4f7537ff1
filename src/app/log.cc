#include "app/log.h"

#include <utility>

namespace ckptview::app {

void Log::Add(LogEntry::Level level, std::string text) {
  if (level == LogEntry::Level::kError && errors_.size() < kMaxErrors) errors_.push_back(text);
  if (level == LogEntry::Level::kWarning && warnings_.size() < kMaxErrors) warnings_.push_back(text);
  entries_.push_back({level, std::move(text)});
  while (entries_.size() > kMaxEntries) entries_.pop_front();
  ++generation_;
}

void Log::Clear() {
  entries_.clear();
  errors_.clear();
  warnings_.clear();
  ++generation_;
}

}  // namespace ckptview::app
