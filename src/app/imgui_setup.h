// ImGui settings shared by the desktop app, the page and headless tests:
// no imgui.ini (the page has no file system to keep it in), dark style.
#pragma once

namespace ckptview::app {

// Call once after ImGui::CreateContext().
void ConfigureImGui();

}  // namespace ckptview::app
