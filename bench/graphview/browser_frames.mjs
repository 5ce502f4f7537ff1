// Graph view frame times in headless Chromium (WebGL2 on SwiftShader): opens
// the built page, loads the synthetic ~12k-op training graph through the
// page's benchmark hook (ckpt_bench_graph_* in src/platform/web_main.cc,
// called with Module.ccall) and, for each case, draws it once per animation
// frame on top of the app's own frame for FRAMES frames, twice:
//   with a read   Draw + a 1-pixel glReadPixels, which waits until the GPU
//                 process has drawn everything queued so far (the app's frame
//                 and the graph): p50 / p95 / max of
//                   draw   that wait included, ms
//                   frame  the interval between animation frames
//   no read       the same frames without the read, as a user's frames run
//                 (the GPU works while the page prepares the next frame):
//                   frame  the interval between animation frames
//                   app    the app's own frame (ImGui, its GL calls) in wasm, p50
// Chromium paces frames at 60 Hz, so 16.7 is the floor for "frame". Each case
// is printed next to the baselines measured in the same run:
//   bare WebGL2 canvas  a page of its own (served from memory) with only a
//                       canvas of the app's size and context attributes:
//                       a clear per frame (the floor of Chromium + SwiftShader)
//   empty scene         the app's frame + the renderer clearing the canvas
// Under each case: what the renderer drew (level of detail, draw calls,
// instances per kind; its counters).
//
//   node bench/graphview/browser_frames.mjs [WEB_DIR]     (default build/web)
//   env: NODES (12000), FRAMES (120), CKPTVIEW_NODE_DIR (~/.cache/ckptview/node),
//        TENK_SCALE  camera scale of the "10k boxes in view" cases, around the
//                    zooms' node (default 0.00167: what `frame_bench --size
//                    1600x963` prints as "10k view: scale" for 12000 nodes, the
//                    page's canvas here; the page hook takes a scale, not a
//                    box count),
//        CASES       comma-separated substrings: only the cases whose names
//                    contain one (the baselines always run)
//        GRAPHVIEW_SHOTS  folder for a screenshot per case (default: none)
//        EXPANDS     expands in the app's own graph view (default 20; 0: none):
//                    the synthetic graph opened as a document, its biggest
//                    collapsed box expanded again and again, as expand_bench
//                    does natively: the camera put on the box at scale 1 for
//                    a few frames (the last interval is the floor), then a
//                    toggle as a double click does; the frame intervals until
//                    the new layout is drawn, and then 4 more ("after": the
//                    new view's own cost, to tell from the relayout's).
//                    Twice, on fresh documents:
//                    sliced (the app's path) and in one go (the relayout
//                    inside the click, the baseline).
//        EXPAND_FROM expands made first, unmeasured, to reach a bigger view
//                    (default 0; expand_bench --from)
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const webDir = path.resolve(process.argv[2] || path.join(root, 'build', 'web'));
const nodes = Number(process.env.NODES || 12000);
const frames = Number(process.env.FRAMES || 120);
const shots = process.env.GRAPHVIEW_SHOTS || '';
const tenKScale = Number(process.env.TENK_SCALE || 0.00167);
const expands = Number(process.env.EXPANDS ?? 20);
const expandFrom = Number(process.env.EXPAND_FROM ?? 0);
const only = (process.env.CASES || '').split(',').map((x) => x.trim()).filter(Boolean);
const nodeDir = process.env.CKPTVIEW_NODE_DIR || path.join(os.homedir(), '.cache', 'ckptview', 'node');
const require = createRequire(path.join(nodeDir, 'package.json'));
const { chromium } = require('playwright-core');

if (!fs.existsSync(path.join(webDir, 'app.wasm'))) {
  console.error(`browser_frames: ${webDir}/app.wasm is missing: build the page first (scripts/build_web.sh)`);
  process.exit(1);
}

// ---- Static server (127.0.0.1 only) ----------------------------------------------
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.png': 'image/png' };
// The bare-canvas baseline's page, served from memory.
const BARE_PAGE = '<!doctype html><html><head><meta charset="utf-8"><title>bare WebGL2 canvas</title></head>' +
  '<body style="margin:0;background:#141417"><canvas id="bare" style="display:block"></canvas></body></html>';
const server = http.createServer((req, res) => {
  let rel = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
  if (rel === '/__bare.html') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(BARE_PAGE);
    return;
  }
  if (rel.endsWith('/')) rel += 'index.html';
  const file = path.resolve(webDir, '.' + rel);
  if (!file.startsWith(webDir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
    return;
  }
  res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' });
  fs.createReadStream(file).pipe(res);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let exitCode = 0;
try {
  const page = await (await browser.newContext({ viewport: { width: 1600, height: 1000 } })).newPage();
  page.on('console', (m) => { if (m.type() === 'error') console.log(`# console: ${m.text()}`); });
  await page.goto(origin + '/', { waitUntil: 'load' });
  await page.evaluate(() => window.ckptview.ready);
  const gl = await page.evaluate(() => {
    const c = document.createElement('canvas').getContext('webgl2');
    const ext = c && c.getExtension('WEBGL_debug_renderer_info');
    return c ? (ext ? c.getParameter(ext.UNMASKED_RENDERER_WEBGL) : c.getParameter(c.RENDERER)) : 'no WebGL2';
  });
  const t0 = Date.now();
  const visible = await page.evaluate((n) => Module.ccall('ckpt_bench_graph_load', 'number', ['number'], [n]), nodes);
  if (visible < 0) throw new Error('ckpt_bench_graph_load failed (see the app log)');
  const info = JSON.parse(await page.evaluate(() => Module.ccall('ckpt_bench_graph_info', 'string', [], [])));
  const canvas = await page.evaluate(() => [Module.canvas.width, Module.canvas.height]);
  const attrs = await page.evaluate(() => GLctx.getContextAttributes());
  const dpr = await page.evaluate(() => window.devicePixelRatio);
  console.log(`renderer: ${gl}; canvas ${canvas[0]}x${canvas[1]} (devicePixelRatio ${dpr}); draws: ` +
    `${info.software_webgl ? 'expanded (software WebGL)' : 'instanced'}`);
  console.log(`context: ${['alpha', 'depth', 'stencil', 'antialias', 'preserveDrawingBuffer']
    .map((k) => `${k} ${attrs[k]}`).join(', ')}`);
  console.log(`graph: ${info.ops} ops, ${info.visible} visible boxes, ${info.edges} edges; layout ${info.layout_ms} ms, ` +
    `scene ${info.scene_ms} ms (in wasm; ${Date.now() - t0} ms in all)`);
  console.log(`scene: ${info.rects} rects, ${info.segments} segments, ${info.arrows} arrows, ${info.glyphs} glyphs, ` +
    `${info.width} x ${info.height} units`);
  console.log(`load average: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`${frames} frames per case; ms; with read: draw = Draw + GPU wait, frame = animation frame interval; ` +
    'no read: frame interval, app = the app\'s frame in wasm');
  console.log('                                   ---------------- with a 1-px read -------------   ---------- no read ----------');
  console.log('case                               draw50  draw95     max   frame50 frame95     max   frame50 frame95     max   app50');

  const pct = (v, p) => { const s = [...v].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))]; };
  const f = (x) => (x === undefined ? '      -' : x.toFixed(2).padStart(7));
  const stats = (r) => {
    const intervals = r.stamps.slice(1).map((t, i) => t - r.stamps[i]);
    return { draw: r.draw, frame: [pct(intervals, 0.5), pct(intervals, 0.95), Math.max(...intervals)], app: r.app };
  };
  const line = (name, sync, free) =>
    console.log(`${name.padEnd(34)}${f(pct(sync.draw, 0.5))} ${f(pct(sync.draw, 0.95))} ${f(Math.max(...sync.draw))}   ` +
      `${sync.frame.map(f).join(' ')}   ${free.frame.map(f).join(' ')} ${f(free.app.length ? pct(free.app, 0.5) : undefined)}`);

  // ---- Baseline: a bare WebGL2 canvas of the same size and attributes -------------
  // In a page of its own while the app's frames are paused, so the two do not
  // share the GPU process. Per frame: a clear, then (with read) a 1-px read.
  await page.evaluate(() => Module.ccall('ckpt_bench_pause', null, ['number'], [1]));
  const bare = await page.context().newPage();
  await bare.goto(origin + '/__bare.html', { waitUntil: 'load' });
  const bareRun = (read) => bare.evaluate(({ w, h, attrs, frames, read }) => new Promise((resolve, reject) => {
    const canvas = document.getElementById('bare');
    canvas.width = w, canvas.height = h;
    canvas.style.width = w + 'px', canvas.style.height = h + 'px';
    const gl = canvas.getContext('webgl2', attrs);
    if (!gl) { reject(new Error('no WebGL2 in the bare page')); return; }
    const pixel = new Uint8Array(4), draw = [], stamps = [];
    let n = 0;
    const tick = (t) => {
      stamps.push(t);
      const t0 = performance.now();
      gl.clearColor(0.08, 0.08, 0.09, 1);
      gl.clear(gl.COLOR_BUFFER_BIT);
      if (read) gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, pixel);
      draw.push(performance.now() - t0);
      if (++n < frames + 2) requestAnimationFrame(tick);
      else resolve({ draw: draw.slice(2), stamps: stamps.slice(2), app: [] });
    };
    requestAnimationFrame(tick);
  }), { w: canvas[0], h: canvas[1], attrs, frames, read });
  const bareSync = stats(await bareRun(1)), bareFree = stats(await bareRun(0));
  await bare.close();
  await page.evaluate(() => Module.ccall('ckpt_bench_pause', null, ['number'], [0]));
  line('baseline: bare WebGL2 canvas', bareSync, bareFree);

  const cases = [
    ['baseline: empty scene', 1, 1, 6],
    ['fit all (labels culled)', 0, 0, 6],
    ['fit all, every label drawn', 0, 0, 0],
    ['zoom 0.6 (labels ~6.6 px)', 0, 0.6, 6],
    ['zoom 1.5 (labels 16 px)', 0, 1.5, 6],
    // The issue's goal, 10,000 boxes on screen: only this far out (labels
    // under a pixel), at the threshold and forced.
    [`10k boxes in view (scale ${tenKScale})`, 0, tenKScale, 6],
    ['10k boxes in view, labels forced', 0, tenKScale, 0],
  ];
  const run = (empty, scale, labelMin, read) => page.evaluate(({ empty, scale, labelMin, frames, read }) =>
    new Promise((resolve) => {
      const draw = [], stamps = [], app = [];
      let n = 0;
      const tick = (t) => {
        stamps.push(t);
        app.push(Module.ccall('ckpt_bench_app_frame_ms', 'number', [], []));
        draw.push(Module.ccall('ckpt_bench_graph_draw', 'number', ['number', 'number', 'number', 'number'],
          [empty, scale, labelMin, read]));
        if (++n < frames + 2) requestAnimationFrame(tick);
        else resolve({ draw: draw.slice(2), stamps: stamps.slice(2), app: app.slice(2) });  // the first two upload
      };
      requestAnimationFrame(tick);
    }), { empty, scale, labelMin, frames, read });
  for (const [name, empty, scale, labelMin] of cases) {
    if (!empty && only.length && !only.some((o) => name.includes(o))) continue;
    const sync = stats(await run(empty, scale, labelMin, 1));
    const free = stats(await run(empty, scale, labelMin, 0));
    line(name, sync, free);
    if (!empty) {
      const c = JSON.parse(await page.evaluate(() => Module.ccall('ckpt_bench_graph_counters', 'string', [], [])));
      if (c) {
        console.log(`  drew: level ${c.lod}, ${c.draw_calls} draw calls, ${c.instances} instances (${c.fills} frame fills, ${c.rects} boxes, ` +
          `${c.segments} edge pieces, ${c.edge_cells} edge cells, ${c.arrows} arrows, ${c.glyphs} glyphs; ` +
          `${c.dots} of the boxes and cells as points)`);
      }
    }
    if (shots) {
      fs.mkdirSync(shots, { recursive: true });
      await page.evaluate(({ empty, scale, labelMin }) => {
        Module.ccall('ckpt_bench_pause', null, ['number'], [1]);
        Module.ccall('ckpt_bench_graph_draw', 'number', ['number', 'number', 'number', 'number'], [empty, scale, labelMin, 1]);
      }, { empty, scale, labelMin });
      const file = path.join(shots, 'browser-' + name.replace(/\(.*/, '').trim().replace(/[^a-z0-9]+/gi, '_') + '.png');
      await page.locator('#canvas').screenshot({ path: file });
      await page.evaluate(() => Module.ccall('ckpt_bench_pause', null, ['number'], [0]));
      console.log(`  wrote ${file}`);
    }
  }
  if (expands > 0) {
    console.log(`expands: ${expands} in the app's graph view${expandFrom ? `, after ${expandFrom} unmeasured` : ''}; ms; frame = animation frame interval from the click ` +
      'until the new layout is drawn; worst = of each expand; land = click to drawn; floor = the interval before ' +
      'the click; app = the app\'s frame in wasm; after = the 4 intervals after it was drawn');
    console.log('mode       frames  frame50 frame95     max   worst50     max    land50     max   floor50   app50     max  after50 max');
    for (const oneGo of [0, 1]) {
      if (await page.evaluate(() => Module.ccall('ckpt_bench_graph_open', 'number', [], [])) < 0)
        throw new Error('ckpt_bench_graph_open failed (see the app log)');
      const r = await page.evaluate(({ oneGo, expands, expandFrom }) => new Promise((resolve) => {
        const call = (name, ...args) => Module.ccall(name, 'number', args.map(() => 'number'), args);
        for (let i = 0; i < expandFrom; ++i) call('ckpt_bench_graph_expand', 0, 1);
        const out = { frames: [], worst: [], land: [], floor: [], app: [], after: [] };
        let done = 0, phase = 'look', wait = 0, last = 0, clicked = 0, worst = 0;
        const tick = (t) => {
          const interval = last ? t - last : 0;
          last = t;
          if (phase === 'after') {
            out.after.push(interval);
            if (--wait === 0) ++done, phase = 'look';
          } else if (phase === 'look') {
            if (done === expands || !call('ckpt_bench_graph_expand', 1, 0)) { resolve(out); return; }
            phase = 'settle', wait = 4;
          } else if (phase === 'settle') {
            if (--wait === 0) {
              out.floor.push(interval);
              clicked = performance.now(), worst = 0;
              call('ckpt_bench_graph_expand', 0, oneGo);
              phase = 'landing';
            }
          } else {
            out.frames.push(interval);
            out.app.push(call('ckpt_bench_app_frame_ms'));
            worst = Math.max(worst, interval);
            // One more frame after the relayout has landed: the one that uploads and draws it.
            if (phase === 'drawn') {
              out.worst.push(worst), out.land.push(performance.now() - clicked);
              phase = 'after', wait = 4;
            } else if (!call('ckpt_bench_graph_pending')) {
              phase = 'drawn';
            }
          }
          requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      }), { oneGo, expands, expandFrom });
      const g = (v) => [pct(v, 0.5), pct(v, 0.95), Math.max(...v)];
      console.log(`${(oneGo ? 'one go' : 'sliced').padEnd(8)} ${String(r.frames.length).padStart(7)}  ` +
        `${g(r.frames).map(f).join(' ')}   ${f(pct(r.worst, 0.5))} ${f(Math.max(...r.worst))}   ` +
        `${f(pct(r.land, 0.5))} ${f(Math.max(...r.land))}   ${f(pct(r.floor, 0.5))} ${f(pct(r.app, 0.5))} ` +
        `${f(Math.max(...r.app))}   ${f(pct(r.after, 0.5))} ${f(Math.max(...r.after))}   (${r.worst.length} expands)`);
    }
  }
  console.log(`load average: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
} catch (e) {
  console.error(`browser_frames: ${(e && e.stack) || e}`);
  exitCode = 1;
} finally {
  await browser.close();
  server.close();
}
process.exit(exitCode);
