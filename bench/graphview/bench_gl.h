// What the native graph-view benchmarks (frame_bench, expand_bench) share: a
// window with an OpenGL 3.3 core context and ImGui set up as the desktop app
// does, the end of an app-like frame, and percentiles. Run them under
// xvfb-run for Mesa llvmpipe.
#pragma once

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>

#include <cstddef>
#include <vector>

namespace ckptview::bench {

// A width x height window (not resizable, no vsync) with its context
// current and ImGui ready; prints the GL renderer. Null, with a message
// naming `name` on stderr, if there is no display or no OpenGL 3.3.
GLFWwindow* OpenBenchWindow(const char* name, int width, int height);
// ImGui and GLFW shut down (GL objects must be gone before).
void CloseBenchWindow(GLFWwindow* window);

// Input polled, ImGui's new frame begun (its backends' too).
void StartImGuiFrame();
// After ImGui::Render: the app's clear colour, then ImGui's draw data (its
// callbacks draw the graph) into `window`'s framebuffer, then glFinish.
void FinishImGuiFrame(GLFWwindow* window);

struct Stats {
  double p50 = 0, p95 = 0, max = 0;
  size_t n = 0;
};
Stats Summarise(std::vector<double> v);

}  // namespace ckptview::bench
