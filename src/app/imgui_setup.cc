#include "app/imgui_setup.h"

#include "imgui.h"

namespace ckptview::app {

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
}

}  // namespace ckptview::app
