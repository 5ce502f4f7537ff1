// The layout benchmark in one table: every case laid out by ours (native and
// wasm under node, the same `ckptview layout` CLI) and by @dagrejs/dagre on
// the same visible graph, crossings counted on both drawings by the same code
// (crossings.mjs), then the issue #4 goals checked:
//   - ours at least 10x faster than dagre wherever dagre finishes, native and
//     wasm alike (dagre runs in node, as the wasm does)
//   - ours finishes everywhere (dagre timeouts/OOM are reported as such)
//   - crossings ours <= dagre wherever dagre finishes
//   - 100k synthetic nodes fully expanded in under 5 s in wasm, in the first
//     (cold) run of a fresh node process, not just the fastest
//
//   node bench/layout/compare.mjs --native CKPTVIEW --wasm CKPTVIEW.js --out DIR
//        [--realdata DIR] [--tf-graphs DIR] [--sizes 1000,10000,100000]
//        [--timeout S] [--heap MB] [--repeat N] [--only REGEX] [--no-dagre]
//
// Cases: every graph file in --realdata (.meta, .pb, .pbtxt, expected_graph;
// identical files once), fully expanded; the TF-generated training graphs in
// --tf-graphs (bench/layout/make_tf_graphs.py), expanded and in the readable
// start state; synthetic graphs (--sizes) with and without hubs, expanded,
// readable, and with hubs expanded but kept in the layered layout.
// dagre gets our visible graph (boxes and edges; hubs set aside by ours are
// stubs, not edges) flat, with our spacing, one node process per graph with a
// time and heap limit (dagre_bench.mjs --worker). Graphs whose visible graph
// equals an earlier one reuse its dagre run; in a synthetic family, sizes
// above one where dagre timed out or ran out of memory are not run again.
// Times: ours is the fastest of --repeat runs, more for fast graphs (until
// 500 ms are spent: wasm code under node is slow for the first few runs, as
// the heap grows and V8 tiers up); dagre likewise, after a warm-up
// (dagre_bench.mjs).
// Writes DIR/table.json and DIR/table.tsv; exits 1 if a goal is missed.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { countCrossings } from './crossings.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const kSpeedupGoal = 10;
const kWasm100kGoalMs = 5000;

function parseArgs(argv) {
  const o = {
    native: '', wasm: '', out: '', realdata: '', tfGraphs: '', sizes: [1000, 10000, 100000],
    timeout: 60, heap: 4096, repeat: 3, only: '', dagre: true, oursTimeout: 600,
  };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    const next = () => argv[++i];
    if (a === '--native') o.native = next();
    else if (a === '--wasm') o.wasm = next();
    else if (a === '--out') o.out = next();
    else if (a === '--realdata') o.realdata = next();
    else if (a === '--tf-graphs') o.tfGraphs = next();
    else if (a === '--sizes') o.sizes = next().split(',').filter(Boolean).map(Number);
    else if (a === '--timeout') o.timeout = Number(next());
    else if (a === '--heap') o.heap = Number(next());
    else if (a === '--repeat') o.repeat = Number(next());
    else if (a === '--only') o.only = next();
    else if (a === '--no-dagre') o.dagre = false;
    else {
      console.error(`unknown argument ${a}; see the header of ${path.join(here, 'compare.mjs')}`);
      process.exit(2);
    }
  }
  if (!o.native || !o.out) {
    console.error('usage: node compare.mjs --native CKPTVIEW [--wasm CKPTVIEW.js] --out DIR [...]');
    process.exit(2);
  }
  return o;
}

function sha1(data) {
  return crypto.createHash('sha1').update(data).digest('hex');
}

// Graph files under `root`, identical contents once (the first path in
// sorted order names them).
function realdataFiles(root) {
  const skip = new Set(['fingerprint.pb', 'keras_metadata.pb', 'tfhub_module.pb']);
  const found = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && !skip.has(e.name) &&
               (/\.(meta|pb|pbtxt)$/.test(e.name) || e.name === 'expected_graph')) found.push(p);
    }
  };
  walk(root);
  found.sort();
  const byHash = new Map();
  for (const p of found) {
    const h = sha1(fs.readFileSync(p));
    if (byHash.has(h)) byHash.get(h).same.push(path.relative(root, p));
    else byHash.set(h, { path: p, name: path.relative(root, p), same: [] });
  }
  return [...byHash.values()];
}

function buildCases(o) {
  const cases = [];
  if (o.realdata) {
    for (const f of realdataFiles(o.realdata)) {
      cases.push({ name: 'real/' + f.name, kind: 'real', args: [f.path, '--expand=all'], note: f.same.length ? `+${f.same.length} identical` : '' });
    }
  }
  if (o.tfGraphs) {
    for (const f of ['resnet50_train.meta', 'bert_base_train.meta']) {
      const p = path.join(o.tfGraphs, f);
      if (!fs.existsSync(p)) {
        console.error(`missing ${p} (bench/layout/make_tf_graphs.py)`);
        continue;
      }
      const base = 'tf/' + f.replace(/\.meta$/, '');
      cases.push({ name: base + '-expanded', kind: 'tf', args: [p, '--expand=all'] });
      cases.push({ name: base + '-readable', kind: 'tf', args: [p, '--expand=readable'] });
    }
  }
  for (const size of o.sizes) {
    for (const hubs of [false, true]) {
      const h = hubs ? 'hubs' : 'nohubs';
      const gen = ['--synthetic', String(size), ...(hubs ? [] : ['--no-hubs'])];
      const variants = [['expanded', ['--expand=all']], ['readable', ['--expand=readable']]];
      if (hubs) variants.push(['expanded-hubs-kept', ['--expand=all', '--keep-hubs']]);
      for (const [v, extra] of variants) {
        cases.push({ name: `synth/n${size}-${h}-${v}`, kind: 'synth', family: `${h}-${v}`, size, args: [...gen, ...extra] });
      }
    }
  }
  const re = new RegExp(o.only);
  return cases.filter((c) => re.test(c.name));
}

function fileStem(name) {
  return name.replace(/[^A-Za-z0-9._-]+/g, '__');
}

// Runs `ckptview layout ... --bench`; returns its numbers or {error}.
function runOurs(cmd, args, o, files) {
  const extra = ['--repeat', String(o.repeat), '--min-ms', '500', '--bench'];
  if (files) extra.push('--out', files.ours, '--visible-graph', files.graph);
  const child = spawnSync(cmd[0], [...cmd.slice(1), 'layout', ...args, ...extra],
    { timeout: o.oursTimeout * 1000, killSignal: 'SIGKILL', encoding: 'utf8', maxBuffer: 1 << 26 });
  if (child.error && child.error.code === 'ETIMEDOUT') return { error: `timeout>${o.oursTimeout}s` };
  if (child.status !== 0) {
    const err = (child.stderr || '').trim().split('\n').pop() || child.signal || `exit ${child.status}`;
    return { error: err.replace(/^ckptview: /, '') };
  }
  try {
    return JSON.parse(child.stdout.trim().split('\n').pop());
  } catch {
    return { error: 'no --bench line in: ' + child.stdout.slice(0, 200) };
  }
}

function runDagre(graphFile, outFile, o) {
  fs.rmSync(outFile, { force: true });
  const child = spawnSync(process.execPath,
    [`--max-old-space-size=${o.heap}`, path.join(here, 'dagre_bench.mjs'), '--worker', graphFile, outFile, '--flat'],
    { timeout: o.timeout * 1000, killSignal: 'SIGKILL', encoding: 'utf8', maxBuffer: 1 << 26 });
  if (child.error && child.error.code === 'ETIMEDOUT') return { status: `timeout>${o.timeout}s` };
  if (child.status !== 0) {
    const err = (child.stderr || '') + (child.signal || '');
    const status = /heap out of memory|Allocation failed/.test(err) ? 'OOM'
      : /Maximum call stack/.test(err) ? 'stack overflow'
      : child.signal ? child.signal : 'error';
    return { status, detail: err.split('\n').slice(0, 3).join(' | ') };
  }
  const d = JSON.parse(fs.readFileSync(outFile, 'utf8'));
  return { status: 'ok', ms: d.ms, crossings: countCrossings(d.edges) };
}

const pad = (s, n) => String(s).padStart(n);
const padEnd = (s, n) => String(s).padEnd(n);
const fmtMs = (ms) => ms === null || ms === undefined ? '-' : ms >= 100 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(1) : ms.toFixed(2);

function main() {
  const o = parseArgs(process.argv.slice(2));
  fs.mkdirSync(o.out, { recursive: true });
  const cases = buildCases(o);
  const nativeCmd = [o.native];
  const wasmCmd = o.wasm ? [process.execPath, o.wasm] : null;
  console.log(`${cases.length} cases; ours native ${o.native}${wasmCmd ? ', wasm ' + o.wasm : ''} (best of >= ${o.repeat} runs); ` +
    `dagre ${o.dagre ? `flat, limits ${o.timeout} s and ${o.heap} MB heap` : 'off'}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const cols = [[padEnd('case', 52), 52], ['in.nodes', 8], ['nodes', 7], ['edges', 7], ['ours ms', 9], ['wasm ms', 9],
    ['dagre ms', 13], ['x native', 8], ['x wasm', 7], ['cross ours', 10], ['cross dagre', 11], ['goals', 6]];
  console.log(cols.map(([h, n]) => pad(h, n)).join(' '));
  const rows = [];
  const dagreByGraph = new Map();      // visible-graph hash -> dagre result
  const familyGaveUp = new Map();      // synthetic family -> "timeout at N"
  const failures = [];
  for (const c of cases) {
    const stem = fileStem(c.name);
    const files = { ours: path.join(o.out, stem + '.ours.json'), graph: path.join(o.out, stem + '.graph.json'), dagre: path.join(o.out, stem + '.dagre.json') };
    const row = { case: c.name, note: c.note || '' };
    const ours = runOurs(nativeCmd, c.args, o, files);
    if (ours.error) {
      row.error = ours.error;
      // Reading errors on a real file are the file's (the corrupt SavedModel
      // in realdata is one); anything else must lay out.
      const unreadable = c.kind === 'real' && !/timeout|out of memory|Aborted|signal/i.test(ours.error);
      if (!unreadable) failures.push(`${c.name}: ours failed: ${ours.error}`);
      row.goals = unreadable ? 'n/a' : 'FAIL';
      console.log(`${padEnd(c.name, 52)} ours: ${ours.error}`);
      rows.push(row);
      continue;
    }
    Object.assign(row, { input_nodes: ours.input_nodes, input_edges: ours.input_edges, nodes: ours.nodes, edges: ours.edges,
      groups: ours.groups, stubs: ours.stubs, ours_ms: ours.ms, crossings_engine: ours.crossings, dummies: ours.dummies });
    const oursLayout = JSON.parse(fs.readFileSync(files.ours, 'utf8'));
    row.crossings_ours = countCrossings(oursLayout.edges.map((e) => e.points));
    if (wasmCmd) {
      const w = runOurs(wasmCmd, c.args, o, null);
      if (w.error) {
        row.wasm_error = w.error;
        failures.push(`${c.name}: wasm failed: ${w.error}`);
      } else {
        row.wasm_ms = w.ms;
        row.wasm_first_ms = w.first_ms;
        if (w.crossings !== ours.crossings || w.nodes !== ours.nodes) failures.push(`${c.name}: wasm layout differs from native`);
      }
    }
    // dagre
    const graphText = fs.readFileSync(files.graph);
    const gh = sha1(graphText);
    let d;
    if (!o.dagre) d = { status: 'off' };
    else if (dagreByGraph.has(gh)) d = { ...dagreByGraph.get(gh), reused: true };
    else if (c.family && familyGaveUp.has(c.family)) d = { status: familyGaveUp.get(c.family), skipped: true };
    else {
      d = runDagre(files.graph, files.dagre, o);
      dagreByGraph.set(gh, d);
      if (c.family && d.status !== 'ok') familyGaveUp.set(c.family, `${d.status.replace(/>.*/, '')}@${c.size}`);
    }
    row.dagre = d.status;
    row.dagre_ms = d.ms ?? null;
    row.crossings_dagre = d.crossings ?? null;
    // goals
    const miss = [];
    if (d.status === 'ok') {
      row.speedup = d.ms / ours.ms;
      if (row.speedup < kSpeedupGoal) miss.push(`speedup ${row.speedup.toFixed(1)}x < ${kSpeedupGoal}x`);
      if (row.wasm_ms !== undefined) {
        row.speedup_wasm = d.ms / row.wasm_ms;
        if (row.speedup_wasm < kSpeedupGoal) miss.push(`wasm speedup ${row.speedup_wasm.toFixed(1)}x < ${kSpeedupGoal}x`);
      }
      if (row.crossings_ours > row.crossings_dagre) miss.push(`crossings ${row.crossings_ours} > dagre ${row.crossings_dagre}`);
    }
    if (c.kind === 'synth' && c.size >= 100000 && /-expanded$/.test(c.name) && wasmCmd) {
      if (!(row.wasm_first_ms < kWasm100kGoalMs)) miss.push(`wasm first run ${fmtMs(row.wasm_first_ms)} ms >= ${kWasm100kGoalMs} ms`);
    }
    if (row.wasm_error) miss.push('wasm: ' + row.wasm_error);
    for (const m of miss) failures.push(`${c.name}: ${m}`);
    row.goals = miss.length ? 'FAIL' : 'ok';
    const dagreCell = d.status === 'ok' ? fmtMs(d.ms) + (d.reused ? '=' : '') : d.status + (d.skipped ? '*' : '');
    console.log([padEnd(c.name + (row.note ? ` (${row.note})` : ''), 52), pad(row.input_nodes, 8), pad(row.nodes, 7), pad(row.edges, 7),
      pad(fmtMs(row.ours_ms), 9), pad(wasmCmd ? (row.wasm_error ? 'error' : fmtMs(row.wasm_ms)) : '-', 9), pad(dagreCell, 13),
      pad(row.speedup ? row.speedup.toFixed(0) + 'x' : '-', 8),
      pad(row.speedup_wasm ? row.speedup_wasm.toFixed(0) + 'x' : '-', 7), pad(row.crossings_ours, 10),
      pad(row.crossings_dagre ?? '-', 11), pad(row.goals, 6)].join(' '));
    rows.push(row);
    // Big drawings are only needed while comparing.
    if (fs.existsSync(files.dagre) && fs.statSync(files.dagre).size > 1 << 24) fs.rmSync(files.dagre);
  }
  console.log('\n= dagre result reused (same visible graph as an earlier case); * = not run: dagre already failed on a smaller graph of this family');
  const ok = rows.filter((r) => r.dagre === 'ok');
  const notDone = rows.filter((r) => r.dagre && r.dagre !== 'ok' && r.dagre !== 'off');
  if (ok.length) {
    const sp = ok.map((r) => r.speedup).sort((a, b) => a - b);
    const spw = ok.filter((r) => r.speedup_wasm).map((r) => r.speedup_wasm).sort((a, b) => a - b);
    console.log(`dagre finished on ${ok.length} cases: speedup native min ${sp[0].toFixed(0)}x, median ${sp[sp.length >> 1].toFixed(0)}x` +
      (spw.length ? `; wasm min ${spw[0].toFixed(0)}x, median ${spw[spw.length >> 1].toFixed(0)}x; ` : '; ') +
      `crossings ours/dagre summed ${ok.reduce((s, r) => s + r.crossings_ours, 0)}/${ok.reduce((s, r) => s + r.crossings_dagre, 0)}`);
  }
  if (notDone.length) console.log(`dagre did not finish on ${notDone.length} cases (${[...new Set(notDone.map((r) => r.dagre.replace(/@.*/, '')))].join(', ')}); ours finished on all of them`);
  for (const r of rows.filter((r) => /^synth\/n100000-.*-expanded$/.test(r.case) && r.wasm_ms !== undefined)) {
    console.log(`wasm ${r.case}: first run ${fmtMs(r.wasm_first_ms)} ms, fastest ${fmtMs(r.wasm_ms)} ms (goal < ${kWasm100kGoalMs} ms); native ${fmtMs(r.ours_ms)} ms`);
  }
  const unreadable = rows.filter((r) => r.goals === 'n/a');
  if (unreadable.length) console.log(`not laid out (unreadable files): ${unreadable.map((r) => `${r.case}: ${r.error}`).join('; ')}`);
  const tsvCols = ['case', 'input_nodes', 'input_edges', 'nodes', 'edges', 'ours_ms', 'wasm_ms', 'wasm_first_ms', 'dagre', 'dagre_ms', 'speedup', 'speedup_wasm', 'crossings_ours', 'crossings_dagre', 'goals', 'note'];
  fs.writeFileSync(path.join(o.out, 'table.tsv'), [tsvCols.join('\t'), ...rows.map((r) => tsvCols.map((k) => r[k] ?? '').join('\t'))].join('\n') + '\n');
  fs.writeFileSync(path.join(o.out, 'table.json'), JSON.stringify(rows, null, 1));
  if (failures.length) {
    console.log(`\nGOALS MISSED (${failures.length}):\n  ` + failures.join('\n  '));
    process.exit(1);
  }
  console.log(`\nall goals met: >= 10x dagre where it finishes (native${wasmCmd ? ' and wasm' : ''}), ours finishes everywhere, ` +
    `crossings ours <= dagre${wasmCmd ? ', wasm 100k expanded < 5 s' : ' (wasm not run)'}`);
}

main();
