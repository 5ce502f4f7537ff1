#version 300 es
// Graph view arrowheads: one instance per SceneArrow, a triangle (3
// vertices) with its tip at (x, y), `size` world units long along (dx, dy)
// and as wide as long. Each vertex carries its screen distance to the opposite
// side, so the interpolated values are the distances to all three sides and
// the fragment shader can antialias the outline.
precision highp float;

layout(location = 0) in vec4 a_tip;    // x, y (world), direction dx, dy
layout(location = 1) in float a_size;  // length, world units
layout(location = 2) in vec4 a_color;  // RGBA

// Which corner (0..3) or triangle vertex (0..2): a per-vertex attribute
// rather than gl_VertexID, because WebGL 2 rejects instanced draws in which
// every enabled attribute is per-instance.
layout(location = 7) in float a_vertex;

uniform vec2 u_viewport;
uniform vec3 u_camera;

out vec3 v_edges;  // px to the side opposite vertex 0, 1, 2
flat out vec4 v_color;

vec2 ToScreen(vec2 world) { return (world - u_camera.xy) * u_camera.z + u_viewport * 0.5; }

// Distance from `p` to the line through `a` and `b`.
float LineDistance(vec2 p, vec2 a, vec2 b) {
  vec2 ab = b - a;
  float len = length(ab);
  if (len < 1e-6) return 0.0;
  return abs(ab.x * (p.y - a.y) - ab.y * (p.x - a.x)) / len;
}

void main() {
  int vertex_id = int(a_vertex + 0.5);
  float dir_len = length(a_tip.zw);
  vec2 dir = dir_len > 1e-6 ? a_tip.zw / dir_len : vec2(0.0, 1.0);
  vec2 normal = vec2(-dir.y, dir.x);
  vec2 base = a_tip.xy - dir * a_size;
  vec2 p0 = ToScreen(a_tip.xy);
  vec2 p1 = ToScreen(base + normal * (a_size * 0.5));
  vec2 p2 = ToScreen(base - normal * (a_size * 0.5));
  vec2 screen;
  if (vertex_id == 0) {
    screen = p0;
    v_edges = vec3(LineDistance(p0, p1, p2), 0.0, 0.0);
  } else if (vertex_id == 1) {
    screen = p1;
    v_edges = vec3(0.0, LineDistance(p1, p2, p0), 0.0);
  } else {
    screen = p2;
    v_edges = vec3(0.0, 0.0, LineDistance(p2, p0, p1));
  }
  gl_Position = vec4(screen.x / u_viewport.x * 2.0 - 1.0, 1.0 - screen.y / u_viewport.y * 2.0, 0.0, 1.0);
  v_color = a_color;
}
