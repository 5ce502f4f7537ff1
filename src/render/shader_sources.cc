#include "render/shader_sources.h"

#include <cstddef>

// Symbols written by cmake/embed.cmake (one per shader file).
namespace ckptview::embedded {
#define CKPT_SHADER(name)                   \
  extern const unsigned char name[];        \
  extern const std::size_t name##Size;
CKPT_SHADER(kGraphRectVert)
CKPT_SHADER(kGraphRectFrag)
CKPT_SHADER(kGraphDotVert)
CKPT_SHADER(kGraphDotFrag)
CKPT_SHADER(kGraphSegmentVert)
CKPT_SHADER(kGraphSegmentFrag)
CKPT_SHADER(kGraphArrowVert)
CKPT_SHADER(kGraphArrowFrag)
CKPT_SHADER(kGraphGlyphVert)
CKPT_SHADER(kGraphGlyphFrag)
#undef CKPT_SHADER
}  // namespace ckptview::embedded

namespace ckptview::render {
namespace {

std::string_view View(const unsigned char* data, std::size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

}  // namespace

#define CKPT_PAIR(label, stem)                                          \
  ShaderPair{label, View(embedded::k##stem##Vert, embedded::k##stem##VertSize), \
             View(embedded::k##stem##Frag, embedded::k##stem##FragSize)}

ShaderPair RectShaders() { return CKPT_PAIR("graph_rect", GraphRect); }
ShaderPair DotShaders() { return CKPT_PAIR("graph_dot", GraphDot); }
ShaderPair SegmentShaders() { return CKPT_PAIR("graph_segment", GraphSegment); }
ShaderPair ArrowShaders() { return CKPT_PAIR("graph_arrow", GraphArrow); }
ShaderPair GlyphShaders() { return CKPT_PAIR("graph_glyph", GraphGlyph); }
#undef CKPT_PAIR

std::string ShaderForThisGl(std::string_view source) {
#ifdef CKPT_GL_ES3
  return std::string(source);
#else
  constexpr std::string_view kEs = "#version 300 es";
  if (source.substr(0, kEs.size()) == kEs)
    return "#version 330 core" + std::string(source.substr(kEs.size()));
  return std::string(source);
#endif
}

}  // namespace ckptview::render
