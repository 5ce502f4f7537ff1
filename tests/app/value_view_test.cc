// ValueSlice index arithmetic, grid cell text, and the value view's paging of
// a 100M-element vector drawn headless.

#include "app/value_view.h"

#include <gtest/gtest.h>

#include <cstring>

#include "app/app.h"
#include "app/imgui_setup.h"
#include "app/value_slice.h"
#include "imgui.h"

namespace ckptview::app {
namespace {

TEST(ValueSliceTest, ScalarVectorMatrix) {
  ValueSlice scalar(Shape{});
  EXPECT_EQ(scalar.rows(), 1);
  EXPECT_EQ(scalar.cols(), 1);
  EXPECT_EQ(scalar.ElementIndex(0, 0), 0);
  EXPECT_EQ(scalar.Describe(), "[]");

  ValueSlice vec(Shape{7});
  EXPECT_EQ(vec.rows(), 7);
  EXPECT_EQ(vec.cols(), 1);
  EXPECT_EQ(vec.ElementIndex(6, 0), 6);
  EXPECT_EQ(vec.ElementIndex(7, 0), -1);
  EXPECT_FALSE(vec.SetAxes(0, 0));

  ValueSlice m(Shape{3, 4});
  EXPECT_EQ(m.rows(), 3);
  EXPECT_EQ(m.cols(), 4);
  EXPECT_EQ(m.ElementIndex(2, 3), 11);
  ASSERT_TRUE(m.SetAxes(1, 0));  // transpose
  EXPECT_EQ(m.rows(), 4);
  EXPECT_EQ(m.ElementIndex(3, 2), 11);
  EXPECT_EQ(m.ElementIndex(1, 0), 1);
}

TEST(ValueSliceTest, ThreeDimensionalSlices) {
  ValueSlice s(Shape{2, 3, 4});  // strides 12, 4, 1
  EXPECT_EQ(s.row_axis(), 1);
  EXPECT_EQ(s.col_axis(), 2);
  s.SetFixed(0, 1);
  EXPECT_EQ(s.Describe(), "[1, :, :]");
  EXPECT_EQ(s.ElementIndex(2, 3), 12 + 8 + 3);
  s.SetFixed(0, 99);  // clamped
  EXPECT_EQ(s.fixed()[0], 1);
  ASSERT_TRUE(s.SetAxes(0, 2));  // rows = axis 0, fixed axis 1
  s.SetFixed(1, 2);
  EXPECT_EQ(s.Describe(), "[:, 2, :]");
  EXPECT_EQ(s.rows(), 2);
  EXPECT_EQ(s.cols(), 4);
  EXPECT_EQ(s.ElementIndex(1, 3), 12 + 8 + 3);
  EXPECT_EQ(s.IndexText(1, 3), "[1, 2, 3]");
  ASSERT_TRUE(s.SetAxes(2, 2));  // picking the column axis for rows swaps
  EXPECT_EQ(s.row_axis(), 2);
  EXPECT_EQ(s.col_axis(), 0);
  EXPECT_FALSE(s.SetAxes(1, 1));  // neither displayed: ignored
  EXPECT_FALSE(s.SetAxes(0, 3));  // out of range
}

TEST(ValueSliceTest, ZeroSizedAxes) {
  ValueSlice s(Shape{2, 0, 3});
  EXPECT_EQ(s.rows(), 0);
  EXPECT_EQ(s.ElementIndex(0, 0), -1);
  ASSERT_TRUE(s.SetAxes(0, 2));  // axis 1 (size 0) fixed
  EXPECT_EQ(s.rows(), 2);
  EXPECT_EQ(s.ElementIndex(0, 0), -1);
}

Tensor Make(DType dtype, Shape shape, const void* data, size_t bytes) {
  Tensor t;
  t.dtype = dtype;
  t.shape = std::move(shape);
  t.bytes.assign(static_cast<const char*>(data), bytes);
  return t;
}

TEST(FormatCellTest, NumbersBoolsStrings) {
  const float f[] = {1.5f, -3.25e-8f, 0.0f / 0.0f, 1.0f / 0.0f, -0.0f, 0.1f};
  Tensor t = Make(DType::kFloat, {6}, f, sizeof f);
  EXPECT_EQ(FormatCell(t, 0), "1.5");
  EXPECT_EQ(FormatCell(t, 1), "-3.25e-08");
  EXPECT_EQ(FormatCell(t, 2), "nan");
  EXPECT_EQ(FormatCell(t, 3), "inf");
  EXPECT_EQ(FormatCell(t, 4), "-0");
  EXPECT_EQ(FormatCell(t, 5), "0.1");
  EXPECT_EQ(FormatCell(t, 6), "?");  // past the storage

  const int64_t big[] = {INT64_MIN, 42};
  Tensor i = Make(DType::kInt64, {2}, big, sizeof big);
  EXPECT_EQ(FormatCell(i, 0), "-9223372036854775808");
  const uint64_t ubig[] = {UINT64_MAX};
  EXPECT_EQ(FormatCell(Make(DType::kUInt64, {1}, ubig, sizeof ubig), 0), "18446744073709551615");
  const uint8_t b[] = {1, 0};
  Tensor bt = Make(DType::kBool, {2}, b, 2);
  EXPECT_EQ(FormatCell(bt, 0), "True");
  EXPECT_EQ(FormatCell(bt, 1), "False");
  const float c[] = {1, -2};
  EXPECT_EQ(FormatCell(Make(DType::kComplex64, {1}, c, sizeof c), 0), "(1-2j)");
  const uint16_t half[] = {0x3c00};  // 1.0
  EXPECT_EQ(FormatCell(Make(DType::kHalf, {1}, half, 2), 0), "1");

  Tensor s;
  s.dtype = DType::kString;
  s.shape = {2};
  s.strings = {std::string("it's\n\xff", 6), std::string(100, 'x')};
  EXPECT_EQ(FormatCell(s, 0), "b'it\\'s\\x0a\\xff'");
  std::string long_cell = FormatCell(s, 1, 20);
  EXPECT_EQ(long_cell.substr(long_cell.size() - 4), "...'");
  EXPECT_LE(long_cell.size(), 26u);
}

TEST(ValueViewTest, PagesAHundredMillionElementVector) {
  ImGui::CreateContext();
  ConfigureImGui();
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(1280, 800);
  io.DeltaTime = 1.0f / 60;
  unsigned char* pixels;
  int w, h;
  io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);

  SelectedValue value;
  value.state = SelectedValue::State::kLoaded;
  value.key = "v";
  value.generation = 1;
  value.tensor.dtype = DType::kUInt8;
  value.tensor.shape = {100000000};
  value.tensor.bytes.assign(100000000, '\x07');
  ValueView view;
  CommandQueue commands;
  auto frame = [&] {
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(io.DisplaySize);
    ImGui::Begin("test");
    view.Draw(value, commands);
    ImGui::End();
    ImGui::Render();
  };
  frame();
  frame();
  EXPECT_GT(view.cells_formatted, 10);
  EXPECT_LE(view.cells_formatted, view.cells_visible);
  EXPECT_LT(view.cells_formatted, 200);
  view.first_row = 99999999;  // the last element: its page
  frame();
  frame();
  EXPECT_EQ(view.first_row, 99900000);
  EXPECT_GT(view.cells_formatted, 0);
  EXPECT_LT(view.cells_formatted, 200);
  EXPECT_EQ(view.Preview(value, 3), (std::vector<std::string>{"7", "7", "7"}));
  ImGui::DestroyContext();
}

}  // namespace
}  // namespace ckptview::app

