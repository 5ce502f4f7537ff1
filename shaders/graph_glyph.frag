#version 300 es
// Label glyph from a one-channel atlas. A signed distance field (0.5 on the
// outline) is antialiased over one screen pixel, whatever the zoom: the
// distance's screen-space gradient says how much of it one pixel spans.
// A plain coverage atlas is used as alpha directly.
precision highp float;

in vec2 v_uv;
flat in vec4 v_color;

uniform sampler2D u_atlas;
uniform float u_distance_field;  // 1: SDF, 0: coverage

out vec4 o_color;

void main() {
  float d = texture(u_atlas, v_uv).r;
  float alpha = d;
  if (u_distance_field > 0.5) {
    float per_px = max(length(vec2(dFdx(d), dFdy(d))), 1e-4);
    alpha = clamp((d - 0.5) / per_px + 0.5, 0.0, 1.0);
  }
  if (alpha <= 0.0) discard;
  o_color = vec4(v_color.rgb, v_color.a * alpha);
}
