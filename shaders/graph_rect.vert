#version 300 es
// Graph view node boxes (GlGraphRenderer): one instance per SceneRect, drawn
// as a quad (4 vertices, a triangle strip) one pixel larger than the box
// on every side so the fragment shader can antialias its outline.
precision highp float;

layout(location = 0) in vec4 a_box;     // centre x, y and size w, h (world units)
layout(location = 1) in vec4 a_fill;    // RGBA
layout(location = 2) in vec4 a_border;  // RGBA
layout(location = 3) in vec2 a_style;   // border width (screen px), corner radius (world)

// Which corner (0..3) or triangle vertex (0..2): a per-vertex attribute
// rather than gl_VertexID, because WebGL 2 rejects instanced draws in which
// every enabled attribute is per-instance.
layout(location = 7) in float a_vertex;

uniform vec2 u_viewport;  // viewport size, px
uniform vec3 u_camera;    // centre x, y (world), scale (px per world unit)

out vec2 v_local;            // px from the box centre
flat out vec2 v_half;        // half size, px
flat out float v_radius;     // px
flat out float v_border_px;
flat out vec4 v_fill;
flat out vec4 v_border;

void main() {
  int vertex_id = int(a_vertex + 0.5);
  vec2 corner = vec2(float(vertex_id & 1), float(vertex_id >> 1)) * 2.0 - 1.0;
  // At least a pixel wide, like edges: a far-away box stays a dot rather than
  // fading out (boxes far under a pixel are dropped by the level of detail).
  vec2 centre = (a_box.xy - u_camera.xy) * u_camera.z + u_viewport * 0.5;
  vec2 half_px = max(a_box.zw * 0.5 * u_camera.z, vec2(0.5));
  vec2 margin = vec2(1.0);
  // Edge coverage cells (graph_lod.h, border width < 0) tile the plane.
  // Where cells are a pixel wide or more, their sides are snapped to pixel
  // boundaries and the quad drawn without the antialiasing margin: each
  // boundary pixel is then drawn once, by one cell, instead of half by each
  // neighbour (which lets up to a quarter of the background through:
  // stripes across a solid band of cells a few pixels wide). Narrower cells
  // overlap and blend as other boxes do.
  if (a_style.x < 0.0) {
    vec2 size = a_box.zw * u_camera.z;
    vec2 lo = floor(centre - 0.5 * size + 0.5), hi = floor(centre + 0.5 * size + 0.5);
    float snap = size.x >= 1.0 ? 1.0 : 0.0;  // a cell is never shorter than wide
    centre = mix(centre, 0.5 * (lo + hi), snap);
    half_px = mix(half_px, 0.5 * (hi - lo), snap);
    margin = vec2(1.0 - snap);
  }
  vec2 local = corner * (half_px + margin);
  vec2 screen = centre + local;
  gl_Position = vec4(screen.x / u_viewport.x * 2.0 - 1.0, 1.0 - screen.y / u_viewport.y * 2.0, 0.0, 1.0);
  v_local = local;
  v_half = half_px;
  v_radius = min(a_style.y * u_camera.z, min(half_px.x, half_px.y));
  v_border_px = a_style.x;
  v_fill = a_fill;
  v_border = a_border;
}
