// One linked GL program from a vertex + fragment source pair. Failures carry
// the shader's name, the stage and the driver's info log, so a broken shader
// is a readable log line rather than a blank view. GL types stay out of this
// header (GLuint is unsigned int) so it can sit next to GLFW's own GL header.
#pragma once

#include <string_view>

#include "base/status.h"

namespace ckptview::render {

class GlProgram {
 public:
  // Compiles and links in the current GL context. `name` labels messages
  // ("graph_rect.vert: compile failed: 0:12(3): error: ...").
  static Result<GlProgram> Build(std::string_view name, std::string_view vertex, std::string_view fragment);

  GlProgram() = default;
  GlProgram(GlProgram&& other) noexcept : id_(other.id_) { other.id_ = 0; }
  GlProgram& operator=(GlProgram&& other) noexcept;
  GlProgram(const GlProgram&) = delete;
  GlProgram& operator=(const GlProgram&) = delete;
  ~GlProgram();

  unsigned id() const { return id_; }  // a GLuint
  int Uniform(const char* name) const;  // glGetUniformLocation

 private:
  explicit GlProgram(unsigned id) : id_(id) {}
  unsigned id_ = 0;
};

}  // namespace ckptview::render
