// Edge crossings of a drawing: proper intersections between the distinct
// segments of different polylines (touching at an end point, or overlapping
// along a shared stretch, does not count; a segment drawn by several edges,
// as in a bundle, counts as one line). Segments are walked through a uniform
// grid (Amanatides–Woo) and a pair is counted in the cell holding its
// intersection point only, so each crossing counts once. Near linear for
// layered drawings, whose segments are short or axis-parallel.
//
//   countCrossings([[x0, y0, x1, y1, ...], ...]) → number
export function countCrossings(polylines) {
  const sx1 = [], sy1 = [], sx2 = [], sy2 = [], owner = [];
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  const seen = new Set();
  polylines.forEach((p, e) => {
    for (let i = 0; i + 3 < p.length; i += 2) {
      const a = p[i], b = p[i + 1], c = p[i + 2], d = p[i + 3];
      if (a === c && b === d) continue;
      // A stretch drawn by several edges (a bundle) is one line on screen.
      const key = a < c || (a === c && b < d) ? `${a},${b},${c},${d}` : `${c},${d},${a},${b}`;
      if (seen.has(key)) continue;
      seen.add(key);
      sx1.push(a); sy1.push(b); sx2.push(c); sy2.push(d); owner.push(e);
      minX = Math.min(minX, a, c); maxX = Math.max(maxX, a, c);
      minY = Math.min(minY, b, d); maxY = Math.max(maxY, b, d);
    }
  });
  const n = owner.length;
  if (n < 2) return 0;
  const w = Math.max(maxX - minX, 1), h = Math.max(maxY - minY, 1);
  let cell = Math.max(Math.sqrt((w * h) / n) * 2, 1);
  const cols = Math.min(Math.ceil(w / cell) + 1, 1 << 15);
  const rows = Math.min(Math.ceil(h / cell) + 1, 1 << 15);
  const cw = w / (cols - 1 || 1), ch = h / (rows - 1 || 1);
  const cells = new Map();
  const cellOf = (x, y) => [Math.min(cols - 1, Math.floor((x - minX) / cw)), Math.min(rows - 1, Math.floor((y - minY) / ch))];
  const add = (cx, cy, s) => {
    const k = cy * cols + cx;
    let l = cells.get(k);
    if (!l) cells.set(k, l = []);
    l.push(s);
  };
  for (let s = 0; s < n; ++s) {
    // Grid traversal of the segment.
    let [cx, cy] = cellOf(sx1[s], sy1[s]);
    const [ex, ey] = cellOf(sx2[s], sy2[s]);
    const dx = sx2[s] - sx1[s], dy = sy2[s] - sy1[s];
    const stepX = dx > 0 ? 1 : -1, stepY = dy > 0 ? 1 : -1;
    const ox = (sx1[s] - minX) / cw, oy = (sy1[s] - minY) / ch;
    const ddx = dx / cw, ddy = dy / ch;
    let tMaxX = ddx !== 0 ? ((stepX > 0 ? Math.floor(ox) + 1 : Math.floor(ox)) - ox) / ddx : Infinity;
    let tMaxY = ddy !== 0 ? ((stepY > 0 ? Math.floor(oy) + 1 : Math.floor(oy)) - oy) / ddy : Infinity;
    const tDX = ddx !== 0 ? Math.abs(1 / ddx) : Infinity, tDY = ddy !== 0 ? Math.abs(1 / ddy) : Infinity;
    add(cx, cy, s);
    let guard = Math.abs(ex - cx) + Math.abs(ey - cy) + 2;
    while ((cx !== ex || cy !== ey) && guard-- > 0) {
      if (tMaxX < tMaxY) { cx += stepX; tMaxX += tDX; } else { cy += stepY; tMaxY += tDY; }
      if (cx < 0 || cy < 0 || cx >= cols || cy >= rows) break;
      add(cx, cy, s);
    }
  }
  const eps = 1e-6;
  let count = 0;
  for (const [k, list] of cells) {
    const cx = k % cols, cy = (k - cx) / cols;
    for (let i = 0; i < list.length; ++i) {
      const a = list[i];
      const ax = sx1[a], ay = sy1[a], bx = sx2[a], by = sy2[a];
      for (let j = i + 1; j < list.length; ++j) {
        const b = list[j];
        if (owner[a] === owner[b]) continue;
        const cx1 = sx1[b], cy1 = sy1[b], dx1 = sx2[b], dy1 = sy2[b];
        const o1 = (bx - ax) * (cy1 - ay) - (by - ay) * (cx1 - ax);
        const o2 = (bx - ax) * (dy1 - ay) - (by - ay) * (dx1 - ax);
        if (!((o1 > eps && o2 < -eps) || (o1 < -eps && o2 > eps))) continue;
        const o3 = (dx1 - cx1) * (ay - cy1) - (dy1 - cy1) * (ax - cx1);
        const o4 = (dx1 - cx1) * (by - cy1) - (dy1 - cy1) * (bx - cx1);
        if (!((o3 > eps && o4 < -eps) || (o3 < -eps && o4 > eps))) continue;
        const t = o3 / (o3 - o4);
        const [px, py] = cellOf(ax + t * (bx - ax), ay + t * (by - ay));
        if (px === cx && py === cy) ++count;
      }
    }
  }
  return count;
}
