// Graph view frame times in headless Chromium (WebGL2 on SwiftShader): opens
// the built page, loads the synthetic ~12k-op training graph through the
// page's benchmark hook (ckpt_bench_graph_* in src/platform/web_main.cc,
// called with Module.ccall) and, for each case, draws it once per animation
// frame on top of the app's own frame for FRAMES frames. Per case it prints
// p50 / p95 / max of
//   draw   GlGraphRenderer::Draw + a 1-pixel read (waits for the GPU), ms
//   frame  the interval between animation frames (the app's ImGui frame +
//          the graph; Chromium paces these at 60 Hz, so 16.7 is the floor)
// next to the baseline measured in the same run: the empty scene.
//
//   node bench/graphview/browser_frames.mjs [WEB_DIR]     (default build/web)
//   env: NODES (12000), FRAMES (120), CKPTVIEW_NODE_DIR (~/.cache/ckptview/node),
//        TENK_SCALE  camera scale of the "10k boxes in view" cases, around the
//                    zooms' node (default 0.00167: what `frame_bench --size
//                    1600x963` prints as "10k view: scale" for 12000 nodes, the
//                    page's canvas here; the page hook takes a scale, not a
//                    box count),
//        GRAPHVIEW_SHOTS  folder for a screenshot per case (default: none)
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
const server = http.createServer((req, res) => {
  let rel = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
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
  console.log(`renderer: ${gl}; canvas ${canvas[0]}x${canvas[1]}; draws: ` +
    `${info.software_webgl ? 'expanded (software WebGL)' : 'instanced'}`);
  console.log(`graph: ${info.ops} ops, ${info.visible} visible boxes, ${info.edges} edges; layout ${info.layout_ms} ms, ` +
    `scene ${info.scene_ms} ms (in wasm; ${Date.now() - t0} ms in all)`);
  console.log(`scene: ${info.rects} rects, ${info.segments} segments, ${info.arrows} arrows, ${info.glyphs} glyphs, ` +
    `${info.width} x ${info.height} units`);
  console.log(`${frames} frames per case; ms; draw = Draw + GPU wait, frame = animation frame interval`);
  console.log('case                               draw50  draw95     max   frame50 frame95     max');

  const pct = (v, p) => { const s = [...v].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))]; };
  const f = (x) => x.toFixed(2).padStart(7);
  const cases = [
    ['baseline: empty scene', 1, 1, 6],
    ['fit all (labels culled)', 0, 0, 6],
    ['fit all, every label drawn', 0, 0, 0],
    ['zoom 0.6 (labels ~6.6 px)', 0, 0.6, 6],
    ['zoom 1.5 (labels 16 px)', 0, 1.5, 6],
    // The goal, 10,000 boxes on screen: only this far out (labels
    // under a pixel), at the threshold and forced.
    [`10k boxes in view (scale ${tenKScale})`, 0, tenKScale, 6],
    ['10k boxes in view, labels forced', 0, tenKScale, 0],
  ];
  for (const [name, empty, scale, labelMin] of cases) {
    const r = await page.evaluate(({ empty, scale, labelMin, frames }) => new Promise((resolve) => {
      const draw = [], stamps = [];
      let n = 0;
      const tick = (t) => {
        stamps.push(t);
        draw.push(Module.ccall('ckpt_bench_graph_draw', 'number', ['number', 'number', 'number'], [empty, scale, labelMin]));
        if (++n < frames + 2) requestAnimationFrame(tick);
        else resolve({ draw: draw.slice(2), stamps: stamps.slice(2) });  // the first two upload
      };
      requestAnimationFrame(tick);
    }), { empty, scale, labelMin, frames });
    const intervals = r.stamps.slice(1).map((t, i) => t - r.stamps[i]);
    console.log(`${name.padEnd(34)}${f(pct(r.draw, 0.5))} ${f(pct(r.draw, 0.95))} ${f(Math.max(...r.draw))}   ` +
      `${f(pct(intervals, 0.5))} ${f(pct(intervals, 0.95))} ${f(Math.max(...intervals))}`);
    if (shots) {
      fs.mkdirSync(shots, { recursive: true });
      await page.evaluate(({ empty, scale, labelMin }) => {
        Module.ccall('ckpt_bench_pause', null, ['number'], [1]);
        Module.ccall('ckpt_bench_graph_draw', 'number', ['number', 'number', 'number'], [empty, scale, labelMin]);
      }, { empty, scale, labelMin });
      const file = path.join(shots, 'browser-' + name.replace(/\(.*/, '').trim().replace(/[^a-z0-9]+/gi, '_') + '.png');
      await page.locator('#canvas').screenshot({ path: file });
      await page.evaluate(() => Module.ccall('ckpt_bench_pause', null, ['number'], [0]));
      console.log(`  wrote ${file}`);
    }
  }
} catch (e) {
  console.error(`browser_frames: ${(e && e.stack) || e}`);
  exitCode = 1;
} finally {
  await browser.close();
  server.close();
}
process.exit(exitCode);
