#include "app/imgui_setup.h"

#include "imgui.h"

namespace ckptview::app {
namespace {

constexpr RgbColor kCanvas = {0.08f, 0.08f, 0.09f};
RgbColor g_clear = kCanvas;

}  // namespace

void ConfigureImGui() {
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.LogFilename = nullptr;
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  ImGui::StyleColorsDark();
  ImGuiStyle& style = ImGui::GetStyle();
  style.WindowRounding = 0.0f;
  style.FrameRounding = 3.0f;
  style.ScrollbarRounding = 3.0f;
  style.CellPadding.x = 4.0f;
  // Popups and tooltips keep their own colour (PopupBg); child windows'
  // background (ChildBg) is transparent already.
  ImVec4& bg = style.Colors[ImGuiCol_WindowBg];
  g_clear = {bg.x * bg.w + kCanvas.r * (1 - bg.w), bg.y * bg.w + kCanvas.g * (1 - bg.w),
             bg.z * bg.w + kCanvas.b * (1 - bg.w)};
  bg.w = 0;
}

RgbColor FrameClearColor() { return g_clear; }

}  // namespace ckptview::app
