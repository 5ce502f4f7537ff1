#version 300 es
// Edge piece: full colour within half the width of the centre line, fading
// over one pixel at each side.
precision highp float;

in float v_across;
flat in float v_half_width;
flat in vec4 v_color;

out vec4 o_color;

void main() {
  float coverage = clamp(v_half_width + 0.5 - abs(v_across), 0.0, 1.0);
  if (coverage <= 0.0) discard;
  o_color = vec4(v_color.rgb, v_color.a * coverage);
}
