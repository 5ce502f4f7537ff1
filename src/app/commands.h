// Commands: what views ask the app to do. Views only post them; the App runs
// them after the frame's drawing (App::Draw) or at once (App::Execute, used by
// drivers and tests), so every action has one code path with or without a UI.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace ckptview::app {

struct Command {
  enum class Kind {
    kSelectVariable,    // show the values of `key` in `document`, reading them if needed
    kSwitchCheckpoint,  // open checkpoint #`checkpoint` found in `document` (Discovery order)
    kCloseDocument,     // close `document`
    kClearLog,
  };
  Kind kind = Kind::kClearLog;
  int document = 0;
  int checkpoint = 0;
  std::string key;

  static Command SelectVariable(int document, std::string key) {
    return {Kind::kSelectVariable, document, 0, std::move(key)};
  }
  static Command SwitchCheckpoint(int document, int checkpoint) {
    return {Kind::kSwitchCheckpoint, document, checkpoint, {}};
  }
  static Command CloseDocument(int document) { return {Kind::kCloseDocument, document, 0, {}}; }
  static Command ClearLog() { return {}; }
};

class CommandQueue {
 public:
  void Post(Command c) { queue_.push_back(std::move(c)); }
  std::vector<Command> TakeAll() {
    std::vector<Command> out = std::move(queue_);
    queue_.clear();
    return out;
  }

 private:
  std::vector<Command> queue_;
};

}  // namespace ckptview::app
