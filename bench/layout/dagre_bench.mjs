// Lays out the graphs exported by layout_bench (DIR/<case>.graph.json) with
// @dagrejs/dagre, each in its own node process with a time and heap limit,
// and prints them next to our numbers (DIR/ours.tsv):
//
//   node bench/layout/dagre_bench.mjs DIR [--timeout S] [--heap MB] [--compound] [--only REGEX]
//   node bench/layout/dagre_bench.mjs --worker GRAPH.json OUT.json [--flat]
//
// The second form is one dagre run, as compare.mjs (the benchmark behind
// bench/layout/run.sh) uses it: OUT.json gets {ms, edges: [[x, y, ...]]}.
//
// dagre gets the same boxes and edges, with our spacing (nodesep 20, edgesep
// 10, ranksep 40); with --compound also the expanded groups as clusters
// (dagre's compound mode is far slower: it times out on 1,000 expanded
// nodes, so the default is the flat graph, dagre's most favourable case).
// Crossings are counted on the drawings, ours and dagre's alike, by the same
// code (proper intersections of route segments; crossings.mjs).
// dagre is looked up via NODE_PATH, then ~/.cache/ckptview/node/node_modules.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { countCrossings } from './crossings.mjs';

const require = createRequire(import.meta.url);
const self = fileURLToPath(import.meta.url);

function loadDagre() {
  try {
    return require('@dagrejs/dagre');
  } catch {
    return require(path.join(os.homedir(), '.cache/ckptview/node/node_modules/@dagrejs/dagre'));
  }
}

// Child: lay out one graph, write {ms, edges: [[x,y,...]]}.
function worker(graphFile, outFile, flat) {
  const dagre = loadDagre();
  const spec = JSON.parse(fs.readFileSync(graphFile, 'utf8'));
  const build = (s, compound) => {
    const g = new dagre.graphlib.Graph({ compound, multigraph: false });
    g.setGraph({ rankdir: 'TB', nodesep: 20, edgesep: 10, ranksep: 40 });
    g.setDefaultEdgeLabel(() => ({}));
    s.nodes.forEach((n, i) => g.setNode('n' + i, { width: n.w, height: n.h }));
    if (compound) {
      s.groups.forEach((gr, i) => g.setNode('g' + i, {}));
      s.groups.forEach((gr, i) => { if (gr.parent >= 0) g.setParent('g' + i, 'g' + gr.parent); });
      s.nodes.forEach((n, i) => { if (n.parent >= 0) g.setParent('n' + i, 'g' + n.parent); });
    }
    s.edges.forEach(([a, b]) => g.setEdge('n' + a, 'n' + b));
    return g;
  };
  // Warm the JIT on a small graph first.
  const warm = { nodes: [], groups: [], edges: [] };
  for (let i = 0; i < 50; ++i) warm.nodes.push({ w: 50, h: 20, parent: -1 });
  for (let i = 1; i < 50; ++i) warm.edges.push([Math.max(0, i - 1 - (i % 3 === 0 ? 1 : 0)), i]);
  dagre.layout(build(warm, false));
  // Fast graphs are laid out again (a fresh graph each time) until 200 ms
  // are spent, at most 20 times, and the fastest run counts, as ours does.
  let g, ms = Infinity, spent = 0;
  for (let run = 0; run < 20 && (run === 0 || spent < 200); ++run) {
    g = build(spec, !flat && spec.groups.length > 0);
    const t0 = process.hrtime.bigint();
    dagre.layout(g);
    const runMs = Number(process.hrtime.bigint() - t0) / 1e6;
    ms = Math.min(ms, runMs);
    spent += runMs;
  }
  const edges = spec.edges.map(([a, b]) => {
    const e = g.edge('n' + a, 'n' + b);
    const pts = [];
    for (const p of e.points) pts.push(p.x, p.y);
    return pts;
  });
  fs.writeFileSync(outFile, JSON.stringify({ ms, edges }));
}

function readOurs(dir) {
  const lines = fs.readFileSync(path.join(dir, 'ours.tsv'), 'utf8').trim().split('\n');
  const head = lines[0].split('\t');
  return lines.slice(1).map((l) => {
    const v = l.split('\t');
    const row = {};
    head.forEach((h, i) => { row[h] = h === 'case' ? v[i] : Number(v[i]); });
    return row;
  });
}

function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--worker') {
    worker(args[1], args[2], args[3] === '--flat');
    return;
  }
  const dir = args[0];
  let timeout = 120, heap = 4096, flat = true, only = '';
  for (let i = 1; i < args.length; ++i) {
    if (args[i] === '--timeout') timeout = Number(args[++i]);
    else if (args[i] === '--heap') heap = Number(args[++i]);
    else if (args[i] === '--compound') flat = false;
    else if (args[i] === '--only') only = args[++i];
  }
  if (!dir) {
    console.error('usage: node dagre_bench.mjs DIR [--timeout S] [--heap MB] [--compound] [--only REGEX]');
    process.exit(2);
  }
  const rows = readOurs(dir).filter((r) => new RegExp(only).test(r.case));
  const out = [];
  const pad = (s, n) => String(s).padStart(n);
  const header = [pad('case', 32), pad('nodes', 7), pad('edges', 7), pad('ours ms', 9), pad('(layout)', 9),
    pad('dagre ms', 12), pad('speedup', 8), pad('(layout)', 9), pad('cross ours', 11), pad('cross dagre', 12)];
  console.log(`dagre ${flat ? 'flat' : 'compound'}, limits ${timeout} s and ${heap} MB heap; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(header.join(' '));
  for (const r of rows) {
    const graphFile = path.join(dir, r.case + '.graph.json');
    const outFile = path.join(dir, r.case + '.dagre.json');
    fs.rmSync(outFile, { force: true });
    const child = spawnSync(process.execPath,
      [`--max-old-space-size=${heap}`, self, '--worker', graphFile, outFile,
        flat ? '--flat' : ''],
      { timeout: timeout * 1000, killSignal: 'SIGKILL', encoding: 'utf8', maxBuffer: 1 << 26 });
    let dagreMs = null, dagreCross = null, status;
    if (child.error && child.error.code === 'ETIMEDOUT') {
      status = `timeout>${timeout}s`;
    } else if (child.status !== 0) {
      const err = (child.stderr || '') + (child.signal || '');
      status = /heap out of memory|Allocation failed/.test(err) ? 'OOM'
        : /Maximum call stack/.test(err) ? 'stack overflow'
        : child.signal ? child.signal : 'error';
      if (status === 'error') console.error(r.case + ': ' + err.split('\n').slice(0, 5).join(' | '));
    } else {
      const d = JSON.parse(fs.readFileSync(outFile, 'utf8'));
      dagreMs = d.ms;
      dagreCross = countCrossings(d.edges);
      status = d.ms.toFixed(0);
    }
    const ours = JSON.parse(fs.readFileSync(path.join(dir, r.case + '.ours.json'), 'utf8'));
    const oursCross = countCrossings(ours.edges.map((e) => e.points));
    const layoutMs = r.layout_ms + r.compose_ms;
    const speed = dagreMs === null ? '-' : (dagreMs / r.ms).toFixed(0) + 'x';
    const speedLayout = dagreMs === null ? '-' : (dagreMs / layoutMs).toFixed(0) + 'x';
    const line = [pad(r.case, 32), pad(r.nodes, 7), pad(r.edges, 7), pad(r.ms.toFixed(1), 9),
      pad(layoutMs.toFixed(1), 9), pad(status, 12), pad(speed, 8), pad(speedLayout, 9), pad(oursCross, 11),
      pad(dagreCross === null ? '-' : dagreCross, 12)];
    console.log(line.join(' '));
    out.push({ ...r, dagre: status, dagre_ms: dagreMs, crossings_ours: oursCross, crossings_dagre: dagreCross });
  }
  fs.writeFileSync(path.join(dir, 'table.json'), JSON.stringify(out, null, 1));
}

main();
