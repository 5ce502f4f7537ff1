// ImGui settings shared by the desktop app, the page and headless tests:
// no imgui.ini (the page has no file system to keep it in), dark style.
#pragma once

namespace ckptview::app {

// Call once after ImGui::CreateContext().
void ConfigureImGui();

// What a platform clears each frame to, before ImGui draws. ConfigureImGui
// leaves the windows' background transparent (ImGui then draws none) and
// this is that background over the canvas colour: the app is one window
// filling the viewport, and in software GL (SwiftShader in Chromium,
// llvmpipe) a blended quad over the whole canvas costs milliseconds a frame,
// a clear almost nothing.
struct RgbColor {
  float r, g, b;
};
RgbColor FrameClearColor();

}  // namespace ckptview::app
