#version 300 es
// Graph view label glyphs: one instance per SceneGlyph, a quad of the font
// atlas placed in world units (labels scale with the zoom).
precision highp float;

layout(location = 0) in vec4 a_rect;   // top-left x, y and size w, h (world)
layout(location = 1) in vec4 a_uv;     // u0, v0, u1, v1
layout(location = 2) in vec4 a_color;  // RGBA

// Which corner (0..3) or triangle vertex (0..2): a per-vertex attribute
// rather than gl_VertexID, because WebGL 2 rejects instanced draws in which
// every enabled attribute is per-instance.
layout(location = 7) in float a_vertex;

uniform vec2 u_viewport;
uniform vec3 u_camera;

out vec2 v_uv;
flat out vec4 v_color;

void main() {
  int vertex_id = int(a_vertex + 0.5);
  vec2 corner = vec2(float(vertex_id & 1), float(vertex_id >> 1));
  vec2 world = a_rect.xy + corner * a_rect.zw;
  vec2 screen = (world - u_camera.xy) * u_camera.z + u_viewport * 0.5;
  gl_Position = vec4(screen.x / u_viewport.x * 2.0 - 1.0, 1.0 - screen.y / u_viewport.y * 2.0, 0.0, 1.0);
  v_uv = mix(a_uv.xy, a_uv.zw, corner);
  v_color = a_color;
}
