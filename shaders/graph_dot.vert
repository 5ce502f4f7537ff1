#version 300 es
// Graph view boxes a few pixels across (far zooms, graph_lod.h levels >= 1):
// one point sprite per SceneRect instead of a quad. Software rasterisers
// (SwiftShader, llvmpipe) pay per vertex and per triangle: a point is one
// vertex and one primitive, a quad four and two. The sprite is a square as
// large as the quad graph_rect.vert would draw along the box's longer side;
// graph_dot.frag shades it like graph_rect.frag and discards the rest.
// Drawn with plain glDrawArrays(GL_POINTS): the attributes are per vertex.
precision highp float;

layout(location = 0) in vec4 a_box;     // centre x, y and size w, h (world units)
layout(location = 1) in vec4 a_fill;    // RGBA
layout(location = 2) in vec4 a_border;  // RGBA
layout(location = 3) in vec2 a_style;   // border width (screen px), corner radius (world)

uniform vec2 u_viewport;  // viewport size, px
uniform vec3 u_camera;    // centre x, y (world), scale (px per world unit)

flat out float v_size;       // sprite side, px
flat out vec2 v_half;        // half size, px
flat out float v_radius;     // px
flat out float v_border_px;
flat out vec4 v_fill;
flat out vec4 v_border;

void main() {
  // As graph_rect.vert: at least a pixel wide, one pixel of margin for the
  // antialiased outline.
  vec2 screen = (a_box.xy - u_camera.xy) * u_camera.z + u_viewport * 0.5;
  vec2 half_px = max(a_box.zw * 0.5 * u_camera.z, vec2(0.5));
  // Edge coverage cells: snapped to pixel boundaries as in graph_rect.vert
  // (the sprite keeps its margin; the fragment shader discards it).
  if (a_style.x < 0.0) {
    vec2 size = a_box.zw * u_camera.z;
    vec2 lo = floor(screen - 0.5 * size + 0.5), hi = floor(screen + 0.5 * size + 0.5);
    float snap = size.x >= 1.0 ? 1.0 : 0.0;  // a cell is never shorter than wide
    screen = mix(screen, 0.5 * (lo + hi), snap);
    half_px = mix(half_px, 0.5 * (hi - lo), snap);
  }
  gl_Position = vec4(screen.x / u_viewport.x * 2.0 - 1.0, 1.0 - screen.y / u_viewport.y * 2.0, 0.0, 1.0);
  v_size = 2.0 * (max(half_px.x, half_px.y) + 1.0);
  gl_PointSize = v_size;
  v_half = half_px;
  v_radius = min(a_style.y * u_camera.z, min(half_px.x, half_px.y));
  v_border_px = a_style.x;
  v_fill = a_fill;
  v_border = a_border;
}
