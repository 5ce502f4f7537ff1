#version 300 es
// Arrowhead: full colour inside, the outermost half pixel fades out.
precision highp float;

in vec3 v_edges;
flat in vec4 v_color;

out vec4 o_color;

void main() {
  float d = min(v_edges.x, min(v_edges.y, v_edges.z));
  o_color = vec4(v_color.rgb, v_color.a * clamp(d + 0.5, 0.0, 1.0));
}
