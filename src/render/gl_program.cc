#include "render/gl_program.h"

#include <string>
#include <utility>

#include "render/gl.h"
#include "render/shader_sources.h"

namespace ckptview::render {
namespace {

std::string ShaderLog(GLuint shader) {
  GLint length = 0;
  glGetShaderiv(shader, GL_INFO_LOG_LENGTH, &length);
  std::string log(length > 0 ? length : 0, '\0');
  if (length > 0) glGetShaderInfoLog(shader, length, nullptr, log.data());
  while (!log.empty() && (log.back() == '\0' || log.back() == '\n')) log.pop_back();
  return log.empty() ? "(no log)" : log;
}

std::string ProgramLog(GLuint program) {
  GLint length = 0;
  glGetProgramiv(program, GL_INFO_LOG_LENGTH, &length);
  std::string log(length > 0 ? length : 0, '\0');
  if (length > 0) glGetProgramInfoLog(program, length, nullptr, log.data());
  while (!log.empty() && (log.back() == '\0' || log.back() == '\n')) log.pop_back();
  return log.empty() ? "(no log)" : log;
}

Result<GLuint> Compile(GLenum stage, const std::string& label, std::string_view source) {
  if (source.empty()) return Status::Error(label + ": empty source (not embedded?)");
  const std::string text = ShaderForThisGl(source);
  GLuint shader = glCreateShader(stage);
  if (shader == 0) return Status::Error(label + ": glCreateShader failed (no GL context?)");
  const char* ptr = text.c_str();
  const GLint length = static_cast<GLint>(text.size());
  glShaderSource(shader, 1, &ptr, &length);
  glCompileShader(shader);
  GLint ok = GL_FALSE;
  glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
  if (ok != GL_TRUE) {
    Status error = Status::Error(label + ": compile failed: " + ShaderLog(shader));
    glDeleteShader(shader);
    return error;
  }
  return shader;
}

}  // namespace

Result<GlProgram> GlProgram::Build(std::string_view name, std::string_view vertex, std::string_view fragment) {
  const std::string base(name);
  CKPT_ASSIGN_OR_RETURN(GLuint vs, Compile(GL_VERTEX_SHADER, base + ".vert", vertex));
  Result<GLuint> fs = Compile(GL_FRAGMENT_SHADER, base + ".frag", fragment);
  if (!fs.ok()) {
    glDeleteShader(vs);
    return fs.status();
  }
  GLuint program = glCreateProgram();
  glAttachShader(program, vs);
  glAttachShader(program, fs.value());
  glLinkProgram(program);
  // The program keeps what it needs; the shader objects can go now.
  glDetachShader(program, vs);
  glDetachShader(program, fs.value());
  glDeleteShader(vs);
  glDeleteShader(fs.value());
  GLint ok = GL_FALSE;
  glGetProgramiv(program, GL_LINK_STATUS, &ok);
  if (ok != GL_TRUE) {
    Status error = Status::Error(base + ": link failed: " + ProgramLog(program));
    glDeleteProgram(program);
    return error;
  }
  return GlProgram(program);
}

GlProgram& GlProgram::operator=(GlProgram&& other) noexcept {
  if (this != &other) {
    if (id_) glDeleteProgram(id_);
    id_ = std::exchange(other.id_, 0);
  }
  return *this;
}

int GlProgram::Uniform(const char* name) const { return glGetUniformLocation(id_, name); }

GlProgram::~GlProgram() {
  if (id_) glDeleteProgram(id_);
}

}  // namespace ckptview::render
