#version 300 es
// A box drawn as a point sprite (graph_dot.vert): the same shading as
// graph_rect.frag, with the pixel's offset from the box centre taken from
// gl_PointCoord (its y runs downwards; the box is symmetric).
precision highp float;

flat in float v_size;
flat in vec2 v_half;
flat in float v_radius;
flat in float v_border_px;
flat in vec4 v_fill;
flat in vec4 v_border;

out vec4 o_color;

void main() {
  vec2 local = (gl_PointCoord - 0.5) * v_size;
  vec2 q = abs(local) - v_half + v_radius;
  float d = length(max(q, 0.0)) + min(max(q.x, q.y), 0.0) - v_radius;
  float coverage = clamp(0.5 - d, 0.0, 1.0);
  if (coverage <= 0.0) discard;
  float border = v_border_px > 0.0 ? clamp(d + v_border_px + 0.5, 0.0, 1.0) : 0.0;
  vec4 c = mix(v_fill, v_border, border);
  o_color = vec4(c.rgb, c.a * coverage);
}
