// Draws a layout as SVG, to look at (headless chromium turns it into PNG:
// chromium --headless --screenshot=out.png --window-size=W,H file.svg).
//
//   node bench/layout/render_svg.mjs CASE.ours.json > ours.svg
//   node bench/layout/render_svg.mjs CASE.graph.json CASE.dagre.json > dagre.svg
//        [--scale S] [--labels] [--view x0,y0,x1,y1]
import fs from 'node:fs';

const args = process.argv.slice(2);
let scale = 1, labels = false, view = null;
const files = [];
for (let i = 0; i < args.length; ++i) {
  if (args[i] === '--scale') scale = Number(args[++i]);
  else if (args[i] === '--view') view = args[++i].split(',').map(Number);
  else if (args[i] === '--labels') labels = true;
  else files.push(args[i]);
}
const first = JSON.parse(fs.readFileSync(files[0], 'utf8'));
let boxes = [], groups = [], edges = [], stubs = [];
if (files.length === 1) {
  boxes = first.nodes;
  groups = first.groups;
  edges = first.edges.map((e) => ({ points: e.points, control: e.control, back: e.back }));
  stubs = first.stubs;
} else {
  // dagre: node positions are not exported; draw edge routes only, plus the
  // boxes around their end points.
  const d = JSON.parse(fs.readFileSync(files[1], 'utf8'));
  edges = d.edges.map((p) => ({ points: p }));
}
let maxX = 0, maxY = 0, minX = Infinity, minY = Infinity;
const grow = (x, y) => { maxX = Math.max(maxX, x); maxY = Math.max(maxY, y); minX = Math.min(minX, x); minY = Math.min(minY, y); };
for (const b of [...boxes, ...groups]) { grow(b.x - b.w / 2, b.y - b.h / 2); grow(b.x + b.w / 2, b.y + b.h / 2); }
for (const e of edges) for (let i = 0; i < e.points.length; i += 2) grow(e.points[i], e.points[i + 1]);
if (view) [minX, minY, maxX, maxY] = view;
const W = Math.ceil((maxX - minX + 20) * scale), H = Math.ceil((maxY - minY + 20) * scale);
const out = [];
out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="${minX - 10} ${minY - 10} ${maxX - minX + 20} ${maxY - minY + 20}">`);
out.push('<rect x="-1e6" y="-1e6" width="2e6" height="2e6" fill="white"/>');
for (const g of groups) {
  const fill = g.kind === 'series' ? '#eef6ee' : g.kind === 'section' ? '#f6f0e6' : '#eef2f8';
  out.push(`<rect x="${g.x - g.w / 2}" y="${g.y - g.h / 2}" width="${g.w}" height="${g.h}" rx="4" fill="${fill}" stroke="#9ab" stroke-width="0.8"/>`);
  if (labels) out.push(`<text x="${g.x - g.w / 2 + 4}" y="${g.y - g.h / 2 + 12}" font-size="9" fill="#567">${g.id.split('/').pop()}</text>`);
}
for (const e of edges) {
  const p = e.points;
  let d = `M${p[0]},${p[1]}`;
  for (let i = 2; i < p.length; i += 2) d += ` L${p[i]},${p[i + 1]}`;
  const color = e.back ? '#c33' : e.control ? '#999' : '#357';
  out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="0.8"${e.control ? ' stroke-dasharray="3,2"' : ''}/>`);
}
for (const b of boxes) {
  const fill = b.hub ? '#fde8c8' : b.kind === 'node' ? '#fff' : b.kind === 'series' ? '#d8efd8' : '#dde6f4';
  out.push(`<rect x="${b.x - b.w / 2}" y="${b.y - b.h / 2}" width="${b.w}" height="${b.h}" rx="3" fill="${fill}" stroke="#345" stroke-width="0.8"/>`);
  if (labels) out.push(`<text x="${b.x}" y="${b.y + 3}" font-size="8" text-anchor="middle">${b.id.split('/').pop()}</text>`);
}
for (const s of stubs) {
  out.push(`<rect x="${s.x - s.w / 2}" y="${s.y - s.h / 2}" width="${s.w}" height="${s.h}" fill="#f90" stroke="none"/>`);
}
out.push('</svg>');
process.stdout.write(out.join('\n'));
