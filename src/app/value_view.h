// ValueView: the selected tensor's values — statistics and histogram, axis
// pickers for N-d tensors, and a virtualised grid. The grid formats only the
// cells on screen: rows go through ImGuiListClipper, columns are clipped by
// the horizontal scroll, and very long axes are shown a page at a time
// (kPageRows x kPageCols cells), which keeps ImGui's float coordinates exact
// however large the tensor (100M elements and more).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "app/commands.h"
#include "app/value_slice.h"

namespace ckptview::app {

struct SelectedValue;

class ValueView {
 public:
  static constexpr int64_t kPageRows = 100000;
  static constexpr int64_t kPageCols = 5000;

  void Draw(const SelectedValue& value, CommandQueue& commands);
  // Resets the slice when a different value was loaded (Draw calls it).
  void Sync(const SelectedValue& value);

  // The slice shown for `value`: the view's own once it has drawn that
  // value, else the default one (headless use).
  ValueSlice SliceFor(const SelectedValue& value) const;
  // The first `max` cells of that slice, row-major, as numpy prints elements
  // (for the report).
  std::vector<std::string> Preview(const SelectedValue& value, int max) const;

  ValueSlice slice;
  int64_t first_row = 0;  // page origin (multiples of kPageRows)
  int64_t first_col = 0;  // page origin (multiples of kPageCols)
  // Cells formatted during the last Draw: at most the visible ones.
  int64_t cells_formatted = 0;
  int64_t cells_visible = 0;  // visible grid area in cells (rows x cols on screen)

 private:
  void DrawHeader(const SelectedValue& value);
  void DrawStats(const SelectedValue& value);
  void DrawSliceControls();
  void DrawGrid(const SelectedValue& value);

  int synced_generation_ = -1;
};

}  // namespace ckptview::app
