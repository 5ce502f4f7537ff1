#include "app/value_view.h"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>

#include "app/app.h"
#include "app/format_units.h"
#include "imgui.h"
#include "tensor/format.h"
#include "tensor/value.h"

namespace ckptview::app {
namespace {

const ImVec4 kErrorColor(1.0f, 0.45f, 0.4f, 1.0f);

// Width of a grid column: enough for "-1.23457e-05" or a short string.
float CellWidth(const Tensor& t) {
  const char* sample = "-1.23457e-05";
  switch (KindOf(t.dtype)) {
    case ValueKind::kBool: sample = "False"; break;
    case ValueKind::kSigned:
    case ValueKind::kUnsigned: sample = DTypeSize(t.dtype) >= 8 ? "-9223372036854775808" : "-2147483648"; break;
    case ValueKind::kComplex: sample = "(-1.23457e-05-1.23457e-05j)"; break;
    case ValueKind::kBytes:
    case ValueKind::kOpaque: sample = "b'0123456789012345678901234'"; break;
    default: break;
  }
  return ImGui::CalcTextSize(sample).x + ImGui::GetStyle().CellPadding.x * 4;
}

}  // namespace

void ValueView::Sync(const SelectedValue& value) {
  if (value.generation == synced_generation_) return;
  synced_generation_ = value.generation;
  slice = value.state == SelectedValue::State::kLoaded ? ValueSlice(value.tensor.shape) : ValueSlice();
  first_row = first_col = 0;
}

ValueSlice ValueView::SliceFor(const SelectedValue& value) const {
  if (value.generation == synced_generation_) return slice;
  return value.state == SelectedValue::State::kLoaded ? ValueSlice(value.tensor.shape) : ValueSlice();
}

std::vector<std::string> ValueView::Preview(const SelectedValue& value, int max) const {
  std::vector<std::string> out;
  if (value.state != SelectedValue::State::kLoaded) return out;
  const ValueSlice slice = SliceFor(value);
  for (int64_t r = 0; r < slice.rows() && static_cast<int>(out.size()) < max; ++r)
    for (int64_t c = 0; c < slice.cols() && static_cast<int>(out.size()) < max; ++c)
      out.push_back(FormatElement(value.tensor, slice.ElementIndex(r, c)));
  return out;
}

void ValueView::Draw(const SelectedValue& value, CommandQueue& commands) {
  Sync(value);
  cells_formatted = 0;
  cells_visible = 0;
  using State = SelectedValue::State;
  switch (value.state) {
    case State::kNone:
      ImGui::TextDisabled("Select a variable to see its values.");
      return;
    case State::kLoading: {
      ImGui::Text("Reading %s ...", value.key.c_str());
      float fraction = value.bytes_total ? static_cast<float>(value.bytes_done) / value.bytes_total : 0.0f;
      std::string label = BytesText(value.bytes_done) + " of " + BytesText(value.bytes_total);
      ImGui::ProgressBar(fraction, ImVec2(-1, 0), label.c_str());
      return;
    }
    case State::kFailed:
      ImGui::Text("%s", value.key.c_str());
      ImGui::PushStyleColor(ImGuiCol_Text, kErrorColor);
      ImGui::TextWrapped("%s", value.error.c_str());
      ImGui::PopStyleColor();
      return;
    case State::kLoaded:
      break;
  }
  DrawHeader(value);
  DrawStats(value);
  DrawSliceControls();
  DrawGrid(value);
}

void ValueView::DrawHeader(const SelectedValue& value) {
  const Tensor& t = value.tensor;
  ImGui::Text("%s", value.key.c_str());
  ImGui::TextDisabled("%s %s, %s elements, %s, read in %.0f ms", DTypeName(t.dtype).data(),
                      ShapeString(t.shape).c_str(), CountText(t.num_elements()).c_str(),
                      BytesText(t.is_string_like() ? 0 : t.bytes.size()).c_str(), value.load_ms);
}

void ValueView::DrawStats(const SelectedValue& value) {
  if (!value.has_stats) return;
  const TensorStats& s = value.stats;
  if (ImGui::BeginTable("stats", 4, ImGuiTableFlags_SizingStretchSame)) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::Text("min %.6g", s.min);
    ImGui::TableNextColumn();
    ImGui::Text("max %.6g", s.max);
    ImGui::TableNextColumn();
    ImGui::Text("mean %.6g", s.mean);
    ImGui::TableNextColumn();
    ImGui::Text("std %.6g", s.std);
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::Text("NaN %s", CountText(s.nan_count).c_str());
    ImGui::TableNextColumn();
    ImGui::Text("Inf %s", CountText(s.inf_count).c_str());
    ImGui::TableNextColumn();
    ImGui::Text("zero %s", CountText(s.zero_count).c_str());
    ImGui::TableNextColumn();
    ImGui::Text("finite %s", CountText(s.finite_count).c_str());
    ImGui::EndTable();
  }
  if (!s.histogram.empty()) {
    std::vector<float> bins(s.histogram.begin(), s.histogram.end());
    char overlay[96];
    std::snprintf(overlay, sizeof overlay, "histogram %.4g .. %.4g", s.histogram_min, s.histogram_max);
    ImGui::PlotHistogram("##histogram", bins.data(), static_cast<int>(bins.size()), 0, overlay,
                         0.0f, FLT_MAX, ImVec2(ImGui::GetContentRegionAvail().x, 70));  // 1.86: no -1 width here
  }
}

void ValueView::DrawSliceControls() {
  const int rank = slice.rank();
  if (rank < 2) return;
  auto axis_label = [&](int a) {
    return "axis " + std::to_string(a) + " (" + std::to_string(slice.shape()[a]) + ")";
  };
  int row_axis = slice.row_axis(), col_axis = slice.col_axis();
  ImGui::SetNextItemWidth(140);
  if (ImGui::BeginCombo("rows", axis_label(row_axis).c_str())) {
    for (int a = 0; a < rank; ++a)
      if (ImGui::Selectable(axis_label(a).c_str(), a == row_axis)) slice.SetAxes(a, col_axis);
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(140);
  if (ImGui::BeginCombo("columns", axis_label(col_axis).c_str())) {
    for (int a = 0; a < rank; ++a)
      if (ImGui::Selectable(axis_label(a).c_str(), a == col_axis)) slice.SetAxes(row_axis, a);
    ImGui::EndCombo();
  }
  if (slice.row_axis() != row_axis || slice.col_axis() != col_axis) first_row = first_col = 0;
  for (int a = 0; a < rank; ++a) {
    if (a == slice.row_axis() || a == slice.col_axis()) continue;
    ImGui::SameLine();
    ImGui::PushID(a);
    int64_t index = slice.fixed()[a];
    const int64_t lo = 0, hi = std::max<int64_t>(0, slice.shape()[a] - 1);
    ImGui::SetNextItemWidth(120);
    std::string label = "axis " + std::to_string(a);
    if (ImGui::SliderScalar(label.c_str(), ImGuiDataType_S64, &index, &lo, &hi)) slice.SetFixed(a, index);
    ImGui::PopID();
  }
  ImGui::SameLine();
  ImGui::TextDisabled("%s", slice.Describe().c_str());
}

void ValueView::DrawGrid(const SelectedValue& value) {
  const Tensor& t = value.tensor;
  const int64_t rows = slice.rows(), cols = slice.cols();
  if (StoredElements(t) < 0) {
    ImGui::TextColored(kErrorColor, "storage does not match shape %s", ShapeString(t.shape).c_str());
    return;
  }
  if (rows == 0 || cols == 0 || t.num_elements() == 0) {
    ImGui::TextDisabled("(no elements)");
    return;
  }

  // Paging: long axes are shown kPageRows / kPageCols at a time.
  auto pager = [](const char* what, int64_t total, int64_t page, int64_t* first) {
    if (total <= page) return;
    ImGui::PushID(what);
    const int64_t last_page = (total - 1) / page * page;
    if (ImGui::ArrowButton("prev", ImGuiDir_Left)) *first = std::max<int64_t>(0, *first - page);
    ImGui::SameLine();
    if (ImGui::ArrowButton("next", ImGuiDir_Right)) *first = std::min(last_page, *first + page);
    ImGui::SameLine();
    int64_t at = *first;
    ImGui::SetNextItemWidth(140);
    if (ImGui::InputScalar("##first", ImGuiDataType_S64, &at, nullptr, nullptr, "%" PRId64,
                           ImGuiInputTextFlags_EnterReturnsTrue))
      *first = std::clamp<int64_t>(at, 0, total - 1) / page * page;
    ImGui::SameLine();
    ImGui::Text("%s %" PRId64 "-%" PRId64 " of %" PRId64, what, *first,
                std::min(total, *first + page) - 1, total);
    ImGui::PopID();
  };
  first_row = std::clamp<int64_t>(first_row, 0, rows - 1) / kPageRows * kPageRows;
  first_col = std::clamp<int64_t>(first_col, 0, cols - 1) / kPageCols * kPageCols;
  pager("rows", rows, kPageRows, &first_row);
  pager("columns", cols, kPageCols, &first_col);
  const int64_t page_rows = std::min(kPageRows, rows - first_row);
  const int64_t page_cols = std::min(kPageCols, cols - first_col);

  const float cell_w = CellWidth(t);
  const float row_h = ImGui::GetTextLineHeightWithSpacing();
  char widest[32];
  std::snprintf(widest, sizeof widest, "%" PRId64, std::max(rows, cols));
  const float header_w = ImGui::CalcTextSize(widest).x + ImGui::GetStyle().CellPadding.x * 4;
  const float total_w = header_w + cell_w * static_cast<float>(page_cols);

  ImGui::BeginChild("grid", ImVec2(0, 0), true, ImGuiWindowFlags_HorizontalScrollbar);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImFont* font = ImGui::GetFont();
  const float font_size = ImGui::GetFontSize();
  const ImU32 text_col = ImGui::GetColorU32(ImGuiCol_Text);
  const ImU32 dim_col = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const ImU32 header_bg = ImGui::GetColorU32(ImGuiCol_TableHeaderBg);
  const ImU32 hover_bg = ImGui::GetColorU32(ImGuiCol_HeaderHovered);
  const float pad = ImGui::GetStyle().CellPadding.x;

  const ImVec2 origin = ImGui::GetCursorScreenPos();  // content top-left; moves with scroll
  const float scroll_x = ImGui::GetScrollX();
  const float view_w = ImGui::GetWindowContentRegionMax().x - ImGui::GetWindowContentRegionMin().x;
  // Columns under the viewport (the sticky row-index column covers header_w).
  const int64_t col_begin = std::clamp<int64_t>(static_cast<int64_t>(scroll_x / cell_w), 0, page_cols);
  const int64_t col_end = std::clamp<int64_t>(
      static_cast<int64_t>(std::ceil((scroll_x + view_w - header_w) / cell_w)) + 1, 0, page_cols);
  const ImVec2 mouse = ImGui::GetMousePos();
  const bool grid_hovered = ImGui::IsWindowHovered();
  int64_t hover_index = -1, hover_row = -1, hover_col = -1;

  std::vector<std::pair<int64_t, float>> drawn_rows;  // (row, screen y) for the sticky index column
  ImGuiListClipper clipper;
  // Item 0 is the column header's place; rows follow.
  clipper.Begin(static_cast<int>(page_rows) + 1, row_h);
  while (clipper.Step()) {
    for (int item = clipper.DisplayStart; item < clipper.DisplayEnd; ++item) {
      const ImVec2 p = ImGui::GetCursorScreenPos();
      if (item > 0) {
        const int64_t r = first_row + item - 1;
        drawn_rows.push_back({r, p.y});
        const bool row_hovered = grid_hovered && mouse.y >= p.y && mouse.y < p.y + row_h;
        for (int64_t c = col_begin; c < col_end; ++c) {
          const float x0 = origin.x + header_w + cell_w * static_cast<float>(c);
          const int64_t index = slice.ElementIndex(r, first_col + c);
          if (row_hovered && mouse.x >= x0 && mouse.x < x0 + cell_w && mouse.x >= origin.x + scroll_x + header_w) {
            hover_index = index;
            hover_row = r;
            hover_col = first_col + c;
            dl->AddRectFilled(ImVec2(x0, p.y), ImVec2(x0 + cell_w, p.y + row_h), hover_bg);
          }
          std::string text = FormatCell(t, index);
          ++cells_formatted;
          const ImVec2 size = ImGui::CalcTextSize(text.c_str());
          const float tx = std::max(x0 + pad, x0 + cell_w - pad - size.x);  // right-aligned
          const ImVec4 clip(x0, p.y, x0 + cell_w - pad * 0.5f, p.y + row_h);
          dl->AddText(font, font_size, ImVec2(tx, p.y), text_col, text.c_str(), nullptr, 0.0f, &clip);
        }
      }
      ImGui::Dummy(ImVec2(total_w, row_h - ImGui::GetStyle().ItemSpacing.y));
    }
  }
  cells_visible = static_cast<int64_t>(drawn_rows.size()) * (col_end - col_begin);

  // Sticky headers, drawn over the cells: row indices at the left edge,
  // column indices along the top.
  const float left = origin.x + scroll_x;
  const float top = origin.y + ImGui::GetScrollY();
  char buf[32];
  for (const auto& [r, y] : drawn_rows) {
    dl->AddRectFilled(ImVec2(left, y), ImVec2(left + header_w, y + row_h), header_bg);
    std::snprintf(buf, sizeof buf, "%" PRId64, r);
    dl->AddText(ImVec2(left + pad, y), dim_col, buf);
  }
  dl->AddRectFilled(ImVec2(left, top), ImVec2(left + view_w + header_w, top + row_h), header_bg);
  for (int64_t c = col_begin; c < col_end; ++c) {
    const float x0 = origin.x + header_w + cell_w * static_cast<float>(c);
    if (x0 + cell_w < left + header_w) continue;
    std::snprintf(buf, sizeof buf, "%" PRId64, first_col + c);
    const ImVec4 clip(left + header_w, top, left + view_w, top + row_h);
    const float tx = x0 + cell_w - pad - ImGui::CalcTextSize(buf).x;  // right-aligned like the cells
    dl->AddText(font, font_size, ImVec2(tx, top), dim_col, buf, nullptr, 0.0f, &clip);
  }
  if (hover_index >= 0)
    ImGui::SetTooltip("%s = %s", slice.IndexText(hover_row, hover_col).c_str(), FormatElement(t, hover_index).c_str());
  ImGui::EndChild();
}

}  // namespace ckptview::app
