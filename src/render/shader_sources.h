// The graph view's GLSL sources (shaders/*.vert, *.frag), embedded at build
// time by src/render/CMakeLists.txt. Written as GLSL ES 3.00 ("#version 300
// es"); ShaderForThisGl() adapts the version line for desktop GL.
#pragma once

#include <string>
#include <string_view>

namespace ckptview::render {

struct ShaderPair {
  std::string_view name;  // e.g. "graph_rect" (shaders/graph_rect.vert + .frag)
  std::string_view vertex;
  std::string_view fragment;
};

ShaderPair RectShaders();
ShaderPair DotShaders();  // small boxes as point sprites (far zooms)
ShaderPair SegmentShaders();
ShaderPair ArrowShaders();
ShaderPair GlyphShaders();

// `source` for the current build's GL: unchanged for GLES 3 / WebGL2; for
// desktop GL the "#version 300 es" line becomes "#version 330 core" (GLSL
// 3.30 accepts ES precision statements as no-ops, and everything else the
// shaders use is common to both). Drivers without ARB_ES3_compatibility
// (macOS, older Mesa contexts) reject "300 es" in a core context.
std::string ShaderForThisGl(std::string_view source);

}  // namespace ckptview::render
