// End-to-end test of the page in headless Chromium (playwright-core driving
// Debian's /usr/bin/chromium). Serves build/web from a tiny static server on
// 127.0.0.1 that records every request, and fails if the page asks for
// anything outside its own origin.
//
//   node tests/browser/e2e.mjs [WEB_DIR]        (default: build/web)
//   env: CKPTVIEW_NODE_DIR  folder holding node_modules/playwright-core
//        (default ~/.cache/ckptview/node), E2E_SHOTS  where screenshots go
//        (default tests/out/browser), CKPT_NATIVE_BUILD  a native build folder
//        whose bench/make_checkpoint makes the 4 GiB checkpoint (default
//        build/native; the checkpoint is kept in $TMPDIR/ckptview-e2e-4gib)
//
// Prints one line per check and a closing "N passed, M failed"; exits 1 on
// any failure.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const webDir = path.resolve(process.argv[2] || path.join(root, 'build', 'web'));
const fixtures = path.join(root, 'tests', 'fixtures');
const shotsDir = process.env.E2E_SHOTS || path.join(root, 'tests', 'out', 'browser');
const nodeDir = process.env.CKPTVIEW_NODE_DIR || path.join(os.homedir(), '.cache', 'ckptview', 'node');
const require = createRequire(path.join(nodeDir, 'package.json'));
const { chromium } = require('playwright-core');

const started = Date.now();
let passed = 0;
let failed = 0;

function check(name, fn) {
  return Promise.resolve()
    .then(fn)
    .then(() => { passed++; console.log(`ok - ${name}`); },
      (e) => { failed++; console.log(`not ok - ${name}: ${(e && e.stack) || e}`); });
}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

// ---- Static server ---------------------------------------------------------------
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.css': 'text/css', '.json': 'application/json', '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml', '.png': 'image/png',
};
const served = [];  // {method, path, status}
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  let rel = decodeURIComponent(url.pathname);
  if (rel.endsWith('/')) rel += 'index.html';
  const file = path.resolve(webDir, '.' + rel);
  let status = 200;
  if (!file.startsWith(webDir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    status = 404;
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  } else {
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file)] || 'application/octet-stream',
      'cache-control': 'no-store',
    });
    fs.createReadStream(file).pipe(res);
  }
  served.push({ method: req.method, path: url.pathname, status });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

// ---- PNG decoding (for the screenshot check) ------------------------------------------
function decodePng(buf) {
  assert(buf.subarray(0, 8).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10])), 'not a PNG');
  let pos = 8;
  let width = 0, height = 0, colorType = 0, depth = 0;
  const idat = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0); height = data.readUInt32BE(4);
      depth = data[8]; colorType = data[9];
    } else if (type === 'IDAT') {
      idat.push(data);
    }
    pos += 12 + len;
  }
  assert(depth === 8 && (colorType === 2 || colorType === 6), `unsupported PNG (depth ${depth}, colour ${colorType})`);
  const bpp = colorType === 6 ? 4 : 3;
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const out = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? out[y * stride + x - bpp] : 0;
      const b = y > 0 ? out[(y - 1) * stride + x] : 0;
      const c = x >= bpp && y > 0 ? out[(y - 1) * stride + x - bpp] : 0;
      let v = line[x];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[y * stride + x] = v & 255;
    }
  }
  return { width, height, bpp, pixels: out };
}

function imageSummary(png) {
  const { width, height, bpp, pixels } = decodePng(png);
  const colours = new Set();
  let sum = 0, sumSq = 0;
  for (let i = 0; i < width * height; i++) {
    const r = pixels[i * bpp], g = pixels[i * bpp + 1], b = pixels[i * bpp + 2];
    colours.add((r << 16) | (g << 8) | b);
    const l = (r + g + b) / 3;
    sum += l;
    sumSq += l * l;
  }
  const n = width * height;
  return { width, height, colours: colours.size, variance: sumSq / n - (sum / n) ** 2 };
}

// ---- The run ------------------------------------------------------------------------
assert(fs.existsSync(path.join(webDir, 'app.wasm')), `${webDir}/app.wasm is missing: build the page first`);
fs.mkdirSync(shotsDir, { recursive: true });

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const page = await context.newPage();
const requests = [];
const foreign = [];
const consoleErrors = [];
page.on('request', (r) => {
  const url = r.url();
  requests.push(url);
  if (url.startsWith('data:') || url.startsWith('blob:')) return;
  if (new URL(url).origin !== origin) foreign.push(url);
});
page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
page.on('pageerror', (e) => consoleErrors.push(String(e)));

const report = () => page.evaluate(() => window.ckptview.report());
// Intervals between the next `n` animation frames, sorted (ms).
const frameTimes = (n) => page.evaluate((count) => new Promise((resolve) => {
  const times = [];
  let last = performance.now();
  const tick = (t) => {
    times.push(t - last);
    last = t;
    if (times.length < count) requestAnimationFrame(tick); else resolve(times.slice(3).sort((a, b) => a - b));
  };
  requestAnimationFrame(tick);
}), n);
const frameSummary = (t) => `median ${t[t.length >> 1].toFixed(1)} ms, p95 ${t[Math.floor(t.length * 0.95)].toFixed(1)} ms`;
const findVar = (doc, name) => doc.variables.find((v) => v.name === name || v.key === name);

let demoDocId = 0;

await check('page loads, module runs and the demo opens', async () => {
  const t0 = Date.now();
  await page.goto(origin + '/', { waitUntil: 'load' });
  const ok = await page.evaluate(() => window.ckptview.ready);
  assert(ok === true, `ckptview.ready resolved ${ok}`);
  console.log(`# ready after ${Date.now() - t0} ms`);
  assert(await page.evaluate(() => document.getElementById('fatal').hidden), 'fatal overlay is shown');
});

await check('demo report: w1 float32[2], w2 int32[5], w1 values shown', async () => {
  const r = await report();
  assert(r.documents.length === 1, `${r.documents.length} documents`);
  const doc = r.documents[0];
  demoDocId = doc.id;
  assert(doc.format === 'bundle_v2', `format ${doc.format}`);
  const w1 = findVar(doc, 'w1'), w2 = findVar(doc, 'w2');
  assert(w1 && w1.dtype === 'float32' && JSON.stringify(w1.shape) === '[2]', `w1 is ${JSON.stringify(w1)}`);
  assert(w2 && w2.dtype === 'int32' && JSON.stringify(w2.shape) === '[5]', `w2 is ${JSON.stringify(w2)}`);
  assert(r.errors.length === 0, `errors: ${r.errors}`);
  assert(r.selected === 'w1', `selected ${r.selected}`);
  const v = r.value_view;
  assert(v && v.state === 'loaded' && v.preview.length === 2, `value_view ${JSON.stringify(v)}`);
  assert(v.stats.count === 2 && v.stats.finite === 2, `stats ${JSON.stringify(v.stats)}`);
  // The preview prints float32 shortest digits; the stats are exact doubles of the same values.
  const shown = v.preview.map((x) => Math.fround(Number(x))).sort((a, b) => a - b);
  assert(shown[0] === Math.fround(v.stats.min) && shown[1] === Math.fround(v.stats.max),
    `preview ${v.preview} vs stats ${v.stats.min}..${v.stats.max}`);
});

await check('data shards are read by range, never whole', async () => {
  const s = await page.evaluate(() => window.ckptview.stats());
  assert(s.unreadFiles >= 1, `shards announced: ${s.unreadFiles}`);
  assert(s.rangeReads >= 1 && s.rangeBytes === 8, `range reads ${s.rangeReads}, ${s.rangeBytes} bytes`);
});

await check('select w2 in the demo: values 1..5', async () => {
  const r = await page.evaluate((id) => window.ckptview.select('w2', id), demoDocId);
  const v = r.value_view;
  assert(v.state === 'loaded' && v.dtype === 'int32', JSON.stringify(v));
  assert(JSON.stringify(v.preview) === '["1","2","3","4","5"]', `preview ${JSON.stringify(v.preview)}`);
  assert(v.stats.min === 1 && v.stats.max === 5 && v.stats.mean === 3, JSON.stringify(v.stats));
});

// A tiny protobuf reader: the fields of a message as [field, wireType, value]
// (varints as Numbers, length-delimited as Uint8Array).
function protoFields(buf) {
  const out = [];
  let pos = 0;
  const varint = () => {
    let v = 0, mul = 1, b;
    do {
      if (pos >= buf.length) throw new Error('truncated varint');
      b = buf[pos++];
      v += (b & 0x7f) * mul;
      mul *= 128;
    } while (b & 0x80);
    return v;
  };
  while (pos < buf.length) {
    const key = varint();
    const field = Math.floor(key / 8), wire = key & 7;
    if (wire === 0) out.push([field, wire, varint()]);
    else if (wire === 2) {
      const n = varint();
      if (pos + n > buf.length) throw new Error('truncated field');
      out.push([field, wire, buf.subarray(pos, pos + n)]);
      pos += n;
    } else if (wire === 5) { out.push([field, wire, buf.subarray(pos, pos + 4)]); pos += 4; }
    else if (wire === 1) { out.push([field, wire, buf.subarray(pos, pos + 8)]); pos += 8; }
    else throw new Error(`wire type ${wire}`);
  }
  return out;
}
function packedVarints(buf) {
  const out = [];
  let v = 0, mul = 1;
  for (const b of buf) {
    v += (b & 0x7f) * mul;
    mul *= 128;
    if (!(b & 0x80)) { out.push(v); v = 0; mul = 1; }
  }
  return out;
}
const utf8 = (b) => new TextDecoder().decode(b);
// GraphDef -> [{name, op, values}] where values is the Const's tensor as
// numbers (float32 / int32 from tensor_content, float_val or int_val).
function parseGraphDef(bytes) {
  const nodes = [];
  for (const [f, , nodeBytes] of protoFields(bytes)) {
    if (f !== 1) continue;
    const node = { name: '', op: '', values: null };
    for (const [nf, , v] of protoFields(nodeBytes)) {
      if (nf === 1) node.name = utf8(v);
      else if (nf === 2) node.op = utf8(v);
      else if (nf === 5) {  // attr map entry {1 key, 2 AttrValue}
        const entry = protoFields(v);
        const key = utf8(entry.find((e) => e[0] === 1)[2]);
        const attr = entry.find((e) => e[0] === 2);
        if (key !== 'value' || !attr) continue;
        const tensor = protoFields(attr[2]).find((e) => e[0] === 8);  // AttrValue.tensor
        if (!tensor) continue;
        const t = protoFields(tensor[2]);
        const dtype = (t.find((e) => e[0] === 1) || [0, 0, 0])[2];  // 1 float, 3 int32
        const content = t.find((e) => e[0] === 4);
        const values = [];
        if (content) {
          const dv = new DataView(content[2].buffer, content[2].byteOffset, content[2].byteLength);
          for (let i = 0; i + 4 <= dv.byteLength; i += 4) values.push(dtype === 1 ? dv.getFloat32(i, true) : dv.getInt32(i, true));
        } else {
          for (const [tf, tw, tv] of t) {
            if (tf === 5 && tw === 5) values.push(new DataView(tv.buffer, tv.byteOffset, 4).getFloat32(0, true));
            else if (tf === 5 && tw === 2) {
              const dv = new DataView(tv.buffer, tv.byteOffset, tv.byteLength);
              for (let i = 0; i + 4 <= dv.byteLength; i += 4) values.push(dv.getFloat32(i, true));
            } else if (tf === 7 && tw === 0) values.push(tv | 0);
            else if (tf === 7 && tw === 2) values.push(...packedVarints(tv).map((x) => x | 0));
          }
        }
        node.values = { dtype, values };
      }
    }
    nodes.push(node);
  }
  return nodes;
}

let shardedId = 0;
await check('open a folder through the file input (sharded checkpoint, 2 shards)', async () => {
  const before = (await report()).documents.length;
  const done = page.waitForFunction((n) => window.ckptview.report().documents.length > n, before);
  await page.setInputFiles('#file-input', path.join(fixtures, 'sharded'));
  await done;
  await page.evaluate(() => new Promise((r) => setTimeout(r, 50)));
  const r = await report();
  const doc = r.documents[r.documents.length - 1];
  shardedId = doc.id;
  assert(doc.label === 'sharded', `label ${doc.label}`);
  assert(doc.prefix && doc.prefix.endsWith('model.ckpt-7'), `prefix ${doc.prefix}`);
  assert(doc.variables.length > 0, 'no variables');
  assert(r.errors.length === 0, `errors: ${r.errors}`);
});

await check('select every variable of the sharded checkpoint (both shards)', async () => {
  const doc = (await report()).documents.find((d) => d.id === shardedId);
  let n = 0;
  for (const v of doc.variables) {
    if (v.key === '_CHECKPOINTABLE_OBJECT_GRAPH') continue;
    const r = await page.evaluate(([k, id]) => window.ckptview.select(k, id), [v.key, shardedId]);
    const vv = r.value_view;
    assert(vv.state === 'loaded', `${v.key}: ${JSON.stringify(vv)}`);
    assert(JSON.stringify(vv.shape) === JSON.stringify(v.shape), `${v.key}: shape ${vv.shape} vs ${v.shape}`);
    if (vv.stats) assert(vv.stats.count === vv.elements, `${v.key}: stats count`);
    n++;
  }
  assert(n > 0, 'nothing selected');
});

await check('open files through the plain multi-file input (TF2 checkpoint with slots)', async () => {
  const dir = path.join(fixtures, 'tf2_slots');
  const files = fs.readdirSync(dir).map((f) => path.join(dir, f));
  const before = (await report()).documents.length;
  const done = page.waitForFunction((n) => window.ckptview.report().documents.length > n, before);
  await page.setInputFiles('#file-input-files', files);
  await done;
  const r = await report();
  const doc = r.documents[r.documents.length - 1];
  assert(doc.variables.some((v) => v.slot), 'no optimizer slot flagged');
  const w = findVar(doc, 'model/w');
  assert(w && w.dtype === 'float32', `model/w: ${JSON.stringify(w)}`);
  const sel = await page.evaluate((id) => window.ckptview.select('model/w', id), doc.id);
  assert(sel.value_view.state === 'loaded' && sel.value_view.stats, JSON.stringify(sel.value_view));
});

await check('drop files on the page (synthetic drop event)', async () => {
  const before = (await report()).documents.length;
  await page.evaluate(async () => {
    const manifest = await (await fetch('demo/manifest.json')).json();
    const dt = new DataTransfer();
    for (const f of manifest.files) {
      const blob = await (await fetch(f.url)).blob();
      dt.items.add(new File([blob], f.path.split('/').pop()));
    }
    document.getElementById('canvas').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await page.waitForFunction((n) => window.ckptview.report().documents.length > n, before);
  const r = await report();
  const doc = r.documents[r.documents.length - 1];
  assert(findVar(doc, 'w1') && findVar(doc, 'w2'), `dropped doc: ${JSON.stringify(doc.variables.map((v) => v.name))}`);
});

await check('a broken file shows an error in the report and the UI keeps running', async () => {
  const errorsBefore = (await report()).errors.length;
  const garbage = Buffer.alloc(200, 0x5a);
  await page.setInputFiles('#file-input-files', [
    { name: 'broken.ckpt.index', mimeType: 'application/octet-stream', buffer: garbage },
    { name: 'broken.ckpt.data-00000-of-00001', mimeType: 'application/octet-stream', buffer: garbage },
  ]);
  await page.waitForFunction((n) => window.ckptview.report().errors.length > n, errorsBefore);
  const r = await report();
  assert(r.errors.some((e) => /broken/.test(e)), `errors: ${JSON.stringify(r.errors)}`);
  assert(await page.evaluate(() => document.getElementById('fatal').hidden), 'fatal overlay shown for a bad file');
  const missing = await page.evaluate(() => window.ckptview.select('no/such/variable').then(() => 'resolved', (e) => String(e)));
  assert(/no such variable|has no open checkpoint/.test(missing), `select of a missing name: ${missing}`);
});

await check('screenshot shows the rendered UI with values (not blank)', async () => {
  await page.evaluate((id) => window.ckptview.select('w1', id), demoDocId);
  // Let a few frames render with the demo's tab active.
  await page.evaluate(() => new Promise((r) => setTimeout(r, 500)));
  const png = await page.locator('#canvas').screenshot();
  fs.writeFileSync(path.join(shotsDir, 'page.png'), png);
  const s = imageSummary(png);
  console.log(`# canvas ${s.width}x${s.height}, ${s.colours} colours, luminance variance ${s.variance.toFixed(1)}; ` +
    `idle frames (software WebGL): ${frameSummary(await frameTimes(60))}`);
  assert(s.width > 600 && s.height > 400, `canvas ${s.width}x${s.height}`);
  assert(s.colours >= 16, `only ${s.colours} distinct colours`);
  assert(s.variance > 20, `luminance variance ${s.variance}`);
});

await check('typing in the canvas filters the variables table (real input through GLFW to ImGui)', async () => {
  await page.evaluate((id) => window.ckptview.select('w1', id), demoDocId);
  await page.evaluate(() => new Promise((r) => setTimeout(r, 200)));
  // The filter box is the first widget under the document bar and, for a
  // document with a graph (the demo has its .meta), the Checkpoint / Graph
  // view tabs (see the screenshot).
  // Input reaches ImGui once per frame (software WebGL here: ~30 fps), so
  // give the click and each key a few frames.
  await page.locator('#canvas').click({ position: { x: 150, y: 84 } });
  await page.evaluate(() => new Promise((r) => setTimeout(r, 150)));
  await page.keyboard.type('w2', { delay: 80 });
  await page.waitForFunction(() => window.ckptview.report().variables_view.filter === 'w2', null, { timeout: 5000 })
    .catch(async () => {
      fs.writeFileSync(path.join(shotsDir, 'typing-failed.png'), await page.locator('#canvas').screenshot());
      const r = await report();
      throw new Error(`filter is ${JSON.stringify(r.variables_view.filter)}, active ${r.documents.find((d) => d.active)?.label}`);
    });
  await page.evaluate(() => new Promise((r) => setTimeout(r, 200)));
  const r = await report();
  assert(r.variables_view.rows === 1, `rows after filtering: ${r.variables_view.rows}`);
  // ImGui 1.86 samples key state once per frame (no input queue): a release
  // and the next press in the same frame would merge, so leave frames between.
  for (let i = 0; i < 2; i++) {
    await page.keyboard.press('Backspace', { delay: 80 });
    await page.evaluate(() => new Promise((r) => setTimeout(r, 150)));
  }
  await page.waitForFunction(() => window.ckptview.report().variables_view.filter === '', null, { timeout: 5000 });
});

await check('folder drops are walked recursively (FileSystemEntry stand-ins, batched readEntries)', async () => {
  const paths = await page.evaluate(async () => {
    const file = (dir, name) => ({
      isFile: true, isDirectory: false, fullPath: `${dir}/${name}`,
      file: (ok) => setTimeout(() => ok(new File(['x'], name)), 0),
    });
    const dir = (fullPath, children) => ({
      isFile: false, isDirectory: true, fullPath,
      createReader: () => {
        const batches = [children.slice(0, 2), children.slice(2), []];
        return { readEntries: (ok) => setTimeout(() => ok(batches.shift() || []), 0) };
      },
    });
    const tree = dir('/top', [file('/top', 'a.index'), dir('/top/sub', [file('/top/sub', 'b')]), file('/top', 'c')]);
    const files = await window.ckptview.filesFromEntries([tree]);
    return files.map((f) => f.path).sort();
  });
  assert(JSON.stringify(paths) === '["top/a.index","top/c","top/sub/b"]', `paths ${JSON.stringify(paths)}`);
});

// A 4 GiB checkpoint (64 float32 variables of 64 MiB, one shard) made by the
// native bench/make_checkpoint, kept in the temp folder between runs. The page
// reads only the selected tensor's byte range, so wasm memory stays far below
// the file size. Values are checked against make_checkpoint's LCG, replayed here.
const BIG_VARS = 64;
const BIG_ELEMENTS = 16 * 1024 * 1024;  // per variable (64 MiB of float32)
const BIG_BYTES = BIG_VARS * BIG_ELEMENTS * 4;
const bigDir = path.join(os.tmpdir(), 'ckptview-e2e-4gib');
const bigPrefix = path.join(bigDir, 'big');
const bigData = `${bigPrefix}.data-00000-of-00001`;

function ensureBigCheckpoint() {
  const sizeOf = (f) => (fs.existsSync(f) ? fs.statSync(f).size : -1);
  if (sizeOf(`${bigPrefix}.index`) > 0 && sizeOf(bigData) === BIG_BYTES) return 'reused';
  const builds = [process.env.CKPT_NATIVE_BUILD, path.join(root, 'build', 'native')].filter(Boolean);
  const tool = builds.map((b) => path.join(b, 'bench', 'make_checkpoint')).find((f) => fs.existsSync(f));
  assert(tool, `bench/make_checkpoint not found in ${builds.join(' or ')} (build native with all targets, ` +
    'or set CKPT_NATIVE_BUILD)');
  fs.mkdirSync(bigDir, { recursive: true });
  // The index is written last, so an interrupted run is regenerated next time.
  fs.rmSync(`${bigPrefix}.index`, { force: true });
  execFileSync(tool, [bigPrefix, '--variables', String(BIG_VARS), '--bytes', String(BIG_BYTES)], { stdio: 'ignore' });
  assert(sizeOf(bigData) === BIG_BYTES, `${bigData}: ${sizeOf(bigData)} bytes, expected ${BIG_BYTES}`);
  return 'generated';
}

// make_checkpoint's generator: state = state * 1664525 + 1013904223 (uint32),
// value = float(int32(state)) * 1e-9f, one stream across all variables in order.
const LCG_A = 1664525n, LCG_C = 1013904223n, MASK32 = 0xffffffffn;
function lcgSkip(state, steps) {  // state after `steps` steps, by squaring the affine map
  let a = 1n, c = 0n, ma = LCG_A, mc = LCG_C, k = BigInt(steps);
  while (k > 0n) {
    if (k & 1n) { a = (ma * a) & MASK32; c = (ma * c + mc) & MASK32; }
    mc = (ma * mc + mc) & MASK32; ma = (ma * ma) & MASK32;
    k >>= 1n;
  }
  return Number((a * BigInt(state) + c) & MASK32);
}
const ONE_E_MINUS_9 = Math.fround(1e-9);
// Values of variable `index`: the first `n`, and min/max/mean over all of it.
function bigExpected(index, n) {
  let state = lcgSkip(12345, index * BIG_ELEMENTS);
  const first = [];
  let min = Infinity, max = -Infinity, sum = 0;
  for (let i = 0; i < BIG_ELEMENTS; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const f = Math.fround(Math.fround(state | 0) * ONE_E_MINUS_9);
    if (i < n) first.push(f);
    if (f < min) min = f;
    if (f > max) max = f;
    sum += f;
  }
  return { first, min, max, mean: sum / BIG_ELEMENTS };
}

await check('a generated 4 GiB checkpoint opens and any tensor in it shows; wasm memory stays far below the file size', async () => {
  const t0 = Date.now();
  const how = ensureBigCheckpoint();
  const tGen = Date.now();
  const before = (await report()).documents.length;
  const statsBefore = await page.evaluate(() => window.ckptview.stats());
  const done = page.waitForFunction((n) => window.ckptview.report().documents.length > n, before);
  // Playwright hands Chromium the paths; the page sees File objects it slices.
  await page.setInputFiles('#file-input-files', [`${bigPrefix}.index`, bigData]);
  await done;
  const r = await report();
  const doc = r.documents.at(-1);
  assert(doc.prefix && doc.prefix.endsWith('big'), `prefix ${doc.prefix}; errors ${JSON.stringify(r.errors)}`);
  const names = doc.variables.map((v) => v.key).sort();
  const want = Array.from({ length: BIG_VARS }, (_, i) => `layer_${String(i).padStart(6, '0')}/kernel`);
  assert(JSON.stringify(names) === JSON.stringify(want), `variables ${JSON.stringify(names).slice(0, 300)}`);
  for (const v of doc.variables) {
    assert(v.dtype === 'float32' && JSON.stringify(v.shape) === `[${BIG_ELEMENTS}]` && v.bytes === BIG_ELEMENTS * 4,
      `${v.key}: ${JSON.stringify(v)}`);
  }
  const tOpen = Date.now();
  const loads = [];
  for (const index of [BIG_VARS - 1, 0]) {
    const key = want[index];
    const t1 = Date.now();
    const sel = await page.evaluate(([k, id]) => window.ckptview.select(k, id), [key, doc.id]);
    loads.push(Date.now() - t1);
    const v = sel.value_view;
    assert(v && v.state === 'loaded' && v.key === key && v.elements === BIG_ELEMENTS,
      `${key}: ${JSON.stringify(v).slice(0, 300)}`);
    const exp = bigExpected(index, v.preview.length);
    const shown = v.preview.map((x) => Math.fround(Number(x)));
    assert(shown.length === 16 && shown.every((x, i) => x === exp.first[i]),
      `${key}: preview ${JSON.stringify(v.preview)} vs expected ${JSON.stringify(exp.first)}`);
    const st = v.stats;
    assert(st && st.count === BIG_ELEMENTS && st.finite === BIG_ELEMENTS, `${key}: stats ${JSON.stringify(st)}`);
    assert(Math.fround(st.min) === exp.min && Math.fround(st.max) === exp.max && Math.abs(st.mean - exp.mean) < 1e-6,
      `${key}: stats ${JSON.stringify(st)} vs expected ${JSON.stringify({ min: exp.min, max: exp.max, mean: exp.mean })}`);
  }
  const s = await page.evaluate(() => window.ckptview.stats());
  assert(s.wholeBytes - statsBefore.wholeBytes < 1 << 20, `${s.wholeBytes - statsBefore.wholeBytes} bytes copied whole`);
  assert(s.rangeBytes - statsBefore.rangeBytes === 2 * BIG_ELEMENTS * 4,
    `${s.rangeBytes - statsBefore.rangeBytes} bytes read by range, expected the two tensors' ${2 * BIG_ELEMENTS * 4}`);
  const heap = await page.evaluate(() => Module.HEAPU8.length);
  console.log(`# 4 GiB checkpoint (${how}) in ${((tGen - t0) / 1000).toFixed(1)} s; opened in ${tOpen - tGen} ms; ` +
    `last/first tensor (64 MiB) loaded in ${loads.join('/')} ms; wasm heap ${(heap / 1048576).toFixed(0)} MiB`);
  assert(heap < 1.5 * 1024 ** 3, `wasm heap ${heap} bytes for a ${BIG_BYTES}-byte checkpoint`);
});

await check('open graphs/tutorial/ckpts through the file input and freeze w1, w2: two Consts with the checkpoint\'s values', async () => {
  const count = (await report()).documents.length;
  const opened = page.waitForFunction((n) => window.ckptview.report().documents.length > n, count);
  await page.setInputFiles('#file-input', path.join(fixtures, 'graphs', 'tutorial', 'ckpts'));
  await opened;
  const tutorialId = (await report()).documents.at(-1).id;
  const before = await page.evaluate((id) => window.ckptview.select('w1', id), tutorialId);
  const w1Shown = [before.value_view.stats.min, before.value_view.stats.max].map(Math.fround);
  const g = (await report()).graph;
  assert(g && g.nodes === 27 && g.ops.VariableV2 === 2 && g.ops.Const === 9, `graph ${JSON.stringify(g)}`);
  const result = await page.evaluate(async (id) => {
    const r = await window.ckptview.freeze(['w1', 'w2'], id);
    return { nodes: r.nodes, bytes: r.bytes, data: Array.from(r.data), blobUrl: r.blobUrl };
  }, tutorialId);
  assert(JSON.stringify(result.nodes) === '["w1","w2"]', `nodes ${JSON.stringify(result.nodes)}`);
  assert(result.bytes === result.data.length && /^blob:/.test(result.blobUrl),
    `bytes ${result.bytes}, data ${result.data.length}, url ${result.blobUrl}`);
  const nodes = parseGraphDef(Uint8Array.from(result.data));
  assert(JSON.stringify(nodes.map((n) => [n.name, n.op])) === '[["w1","Const"],["w2","Const"]]',
    `parsed ${JSON.stringify(nodes)}`);
  const w2 = nodes[1].values, w1 = nodes[0].values;
  assert(w2 && w2.dtype === 3 && JSON.stringify(w2.values) === '[1,2,3,4,5]', `w2 ${JSON.stringify(w2)}`);
  const w1Sorted = w1 ? [...w1.values].sort((a, b) => a - b) : [];
  assert(w1 && w1.dtype === 1 && w1Sorted.length === 2 && w1Sorted[0] === w1Shown[0] && w1Sorted[1] === w1Shown[1],
    `w1 ${JSON.stringify(w1)} vs shown ${JSON.stringify(w1Shown)}`);
  const f = (await report()).freeze;
  assert(f.state === 'done' && f.bytes === result.bytes, `freeze report ${JSON.stringify(f)}`);
  // As the Graph panel's Freeze button does: the Blob is offered as frozen_model.pb.
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 10000 }),
    page.evaluate((id) => window.ckptview.freeze(['w1', 'w2'], id, { download: true }).then((r) => r.bytes), tutorialId),
  ]);
  assert(download.suggestedFilename() === 'frozen_model.pb', `download named ${download.suggestedFilename()}`);
  const saved = await download.path();
  assert(saved && fs.statSync(saved).size === result.bytes, `downloaded ${saved && fs.statSync(saved).size} bytes`);
  const bad = await page.evaluate((id) => window.ckptview.freeze(['no_such_node'], id).then(() => 'resolved', (e) => String(e)), tutorialId);
  assert(/no_such_node/.test(bad), `a bad output: ${bad}`);
});

await check('graph view: a training graph lays out, a scope collapses and expands, search and select a variable, the canvas draws', async () => {
  // A real TF1 training graph (the shared corpus) when present, else the conv fixture.
  const real = path.resolve(root, '..', 'shared', 'realdata', 'ipo-widedeep-estimator');
  const dir = fs.existsSync(real) ? real : path.join(fixtures, 'graphs', 'conv');
  const count = (await report()).documents.length;
  const opened = page.waitForFunction((n) => window.ckptview.report().documents.length > n, count);
  await page.setInputFiles('#file-input', dir);
  await opened;
  const docId = (await report()).documents.at(-1).id;
  let r = await page.evaluate((id) => window.ckptview.graphShow(id), docId);
  let v = r.graph_view;
  assert(v && v.visible_nodes > 10 && v.visible_edges > 5 && v.scene.rects >= v.visible_nodes && v.scene.glyphs > 0,
    `graph_view ${JSON.stringify(v)}`);
  assert(v.expanded.length > 0, `nothing expanded: ${JSON.stringify(v)}`);
  // Collapse the first open scope, then open it again.
  const scope = v.expanded[0];
  r = await page.evaluate((p) => window.ckptview.graphExpand(p, false), scope);
  assert(!r.graph_view.expanded.includes(scope) && r.graph_view.visible_nodes < v.visible_nodes &&
    r.graph_view.scene.version > v.scene.version, `after collapsing ${scope}: ${JSON.stringify(r.graph_view)}`);
  r = await page.evaluate((p) => window.ckptview.graphExpand(p, true), scope);
  assert(r.graph_view.expanded.includes(scope) && r.graph_view.visible_nodes === v.visible_nodes,
    `after expanding ${scope}: ${JSON.stringify(r.graph_view)}`);
  // Search (regex), step to the next hit, a bad pattern is an error.
  r = await page.evaluate(() => window.ckptview.graphSearch('MatMul|Conv2D'));
  const hits = r.graph_view.search.hits;
  assert(hits > 0 && r.graph_view.search.current === 0, `search ${JSON.stringify(r.graph_view.search)}`);
  r = await page.evaluate(() => window.ckptview.graphNext());
  assert(r.graph_view.search.current === (hits > 1 ? 1 : 0) && r.graph_view.selected === r.graph_view.search.current_node,
    `next ${JSON.stringify(r.graph_view)}`);
  const bad = await page.evaluate(() => window.ckptview.graphSearch('(').then(() => 'resolved', (e) => String(e)));
  assert(/bad regular expression/.test(bad), `bad regex: ${bad}`);
  // Select a variable node: its checkpoint values load.
  // (The estimator's variables are partitioned: node part_0 reads the slice of its checkpoint key.)
  const [node, key] = dir === real ? ['dnn/hiddenlayer_0/kernel/part_0', 'dnn/hiddenlayer_0/kernel']
    : ['conv1/weights', 'conv1/weights'];
  r = await page.evaluate((name) => window.ckptview.graphSelect(name), node);
  assert(r.graph_view.selected === node && r.value_view && r.value_view.state === 'loaded' && r.value_view.key === key,
    `select ${node}: ${JSON.stringify(r.value_view)}`);
  await page.evaluate(() => window.ckptview.graphFit());
  await page.evaluate(() => new Promise((res) => setTimeout(res, 500)));
  // The graph canvas (left of the side panel, above the log) is drawn: many colours, not flat.
  const box = await page.locator('#canvas').boundingBox();
  const png = await page.screenshot({ clip: { x: box.x + box.width * 0.05, y: box.y + box.height * 0.2,
    width: box.width * 0.5, height: box.height * 0.4 } });
  fs.writeFileSync(path.join(shotsDir, 'graph-view.png'), png);
  fs.writeFileSync(path.join(shotsDir, 'graph-view-page.png'), await page.locator('#canvas').screenshot());
  const s = imageSummary(png);
  const g = (await report()).graph_view;
  console.log(`# graph view ${path.basename(dir)}: ${g.nodes} nodes, ${g.visible_nodes} boxes, ${g.scene.rects} rects, ` +
    `${g.scene.segments} segments, ${g.scene.glyphs} glyphs, open ${g.open_ms.toFixed(0)} ms, renderer ${g.renderer}; ` +
    `graph area ${s.colours} colours, variance ${s.variance.toFixed(1)}; frames ${frameSummary(await frameTimes(60))}`);
  assert(g.renderer, 'no graph renderer on the page');
  assert(s.colours >= 16 && s.variance > 20, `graph area: ${s.colours} colours, variance ${s.variance}`);
});

await check('no request left the page\'s origin; every request was served', async () => {
  assert(foreign.length === 0, `foreign requests: ${foreign.join(', ')}`);
  const bad = served.filter((r) => r.status !== 200);
  assert(bad.length === 0, `not served: ${JSON.stringify(bad)}`);
  assert(served.some((r) => r.path === '/app.wasm'), 'app.wasm was not requested from the server');
});

await check('no console errors or CSP violations', async () => {
  assert(consoleErrors.length === 0, consoleErrors.join(' | '));
});

// Optional (E2E_BIG=1): a 100M-element float32 tensor (400 MB shard) made by
// real TensorFlow (the venv of scripts/setup.sh --tf): read by range in 16 MB
// pieces, decoded and summarised in wasm, then scrolled; frame times measured.
if (process.env.E2E_BIG === '1') {
  await check('100M-element tensor: opens, loads and scrolls smoothly', async () => {
    const bigDir = path.join(shotsDir, 'big');
    if (!fs.existsSync(path.join(bigDir, 'big.index'))) {
      fs.mkdirSync(bigDir, { recursive: true });
      const py = process.env.CKPTVIEW_TF_PYTHON || path.join(os.homedir(), '.cache', 'ckptview', 'venv-tf', 'bin', 'python');
      execFileSync(py, ['-c', `import tensorflow as tf
v = tf.Variable(tf.random.normal([10000, 10000], seed=1), name='big')
tf.train.Checkpoint(big=v).write(${JSON.stringify(path.join(bigDir, 'big'))})`], { stdio: 'ignore' });
    }
    const before = (await report()).documents.length;
    const done = page.waitForFunction((n) => window.ckptview.report().documents.length > n, before);
    await page.setInputFiles('#file-input-files', fs.readdirSync(bigDir).map((f) => path.join(bigDir, f)));
    await done;
    const doc = (await report()).documents.at(-1);
    const t0 = Date.now();
    const r = await page.evaluate((id) => window.ckptview.select('big', id), doc.id);
    const loadMs = Date.now() - t0;
    const v = r.value_view;
    assert(v.state === 'loaded' && v.elements === 100000000, JSON.stringify(v).slice(0, 300));
    assert(Math.abs(v.stats.mean) < 0.01 && Math.abs(v.stats.std - 1) < 0.01, JSON.stringify(v.stats));
    assert(v.cells_formatted < 2000, `cells formatted ${v.cells_formatted}`);
    // Scroll the grid with the mouse wheel and time frames.
    const box = await page.locator('#canvas').boundingBox();
    await page.mouse.move(box.x + box.width * 0.75, box.y + box.height * 0.55);
    const frames = frameTimes(120);
    for (let i = 0; i < 40; i++) await page.mouse.wheel(0, 400);
    const times = await frames;
    const heapMb = await page.evaluate(() => Module.HEAPU8.length / 1048576);
    const after = (await report()).value_view;
    console.log(`# 100M: select->loaded ${loadMs} ms (in wasm: checksum+decode ${v.decode_ms.toFixed(0)} ms, ` +
      `stats ${v.stats_ms.toFixed(0)} ms); frames while scrolling: ${frameSummary(times)}; ` +
      `wasm heap ${heapMb.toFixed(0)} MB; ${after.cells_formatted} cells formatted per frame`);
    assert(after.cells_formatted < 2000, `cells formatted ${after.cells_formatted}`);
    fs.writeFileSync(path.join(shotsDir, 'big.png'), await page.locator('#canvas').screenshot());
  });
}

// Last: this provokes a (wanted) CSP violation message in the console.
await check('the Content-Security-Policy blocks requests to other hosts', async () => {
  const result = await page.evaluate(async () => {
    const violations = [];
    document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
    let outcome = 'fetched';
    try {
      await fetch('http://127.0.0.2:9/leak');
    } catch (e) {
      outcome = 'blocked';
    }
    await new Promise((r) => setTimeout(r, 100));
    return { outcome, violations };
  });
  assert(result.outcome === 'blocked', JSON.stringify(result));
  assert(result.violations.some((v) => v.startsWith('connect-src')), `violations ${JSON.stringify(result.violations)}`);
});

await browser.close();
server.close();
console.log(`# ${served.length} requests served; e2e took ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
