// LogView: the log and error panel. Errors are counted in the header and
// shown in red; the list is clipped (ImGuiListClipper) and follows new
// entries while scrolled to the bottom.
#pragma once

#include "app/commands.h"
#include "app/log.h"

namespace ckptview::app {

class LogView {
 public:
  void Draw(const Log& log, CommandQueue& commands);

  bool errors_only = false;

 private:
  int seen_generation_ = -1;
};

}  // namespace ckptview::app
