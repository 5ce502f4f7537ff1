#version 300 es
// Graph view edge pieces: one instance per SceneSegment, a quad along the
// segment in screen space, so the width stays in screen pixels at any zoom.
// The quad has square caps (half the width past each end: consecutive pieces
// of a polyline join without gaps) and one extra pixel on each side for the
// antialiased edges.
precision highp float;

layout(location = 0) in vec4 a_ends;    // x0, y0, x1, y1 (world)
layout(location = 1) in vec4 a_color;   // RGBA
layout(location = 2) in float a_width;  // screen px

// Which corner (0..3) or triangle vertex (0..2): a per-vertex attribute
// rather than gl_VertexID, because WebGL 2 rejects instanced draws in which
// every enabled attribute is per-instance.
layout(location = 7) in float a_vertex;

uniform vec2 u_viewport;
uniform vec3 u_camera;

out float v_across;             // px from the centre line
flat out float v_half_width;    // px
flat out vec4 v_color;

vec2 ToScreen(vec2 world) { return (world - u_camera.xy) * u_camera.z + u_viewport * 0.5; }

void main() {
  int vertex_id = int(a_vertex + 0.5);
  vec2 s0 = ToScreen(a_ends.xy);
  vec2 s1 = ToScreen(a_ends.zw);
  vec2 d = s1 - s0;
  float len = length(d);
  vec2 dir = len > 1e-4 ? d / len : vec2(1.0, 0.0);
  vec2 normal = vec2(-dir.y, dir.x);
  // Thinner than a pixel: draw one pixel wide and fade instead.
  float half_width = max(a_width, 1.0) * 0.5;
  float along = (vertex_id & 1) == 0 ? -half_width : len + half_width;
  float across = (vertex_id >> 1) == 0 ? -(half_width + 1.0) : half_width + 1.0;
  vec2 screen = s0 + dir * along + normal * across;
  gl_Position = vec4(screen.x / u_viewport.x * 2.0 - 1.0, 1.0 - screen.y / u_viewport.y * 2.0, 0.0, 1.0);
  v_across = across;
  v_half_width = half_width;
  v_color = vec4(a_color.rgb, a_color.a * clamp(a_width, 0.0, 1.0));
}
