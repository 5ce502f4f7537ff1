// ckptview page glue: gets files from drag-and-drop or the file pickers,
// hands them to the wasm App, and serves its byte-range reads.
//
// Files are kept as File objects. Every file that is not a data shard
// (NAME.data-NNNNN-of-NNNNN) is read whole and copied into wasm memory (index,
// state file, graphs: small); shards are announced by name and size only, and
// the App asks for the byte ranges it needs, which are read with
// File.slice(a, b).arrayBuffer() a piece at a time. Nothing is sent anywhere:
// the page's CSP allows requests to its own origin only.
//
// Test API (window.ckptview):
//   ready            Promise, resolved once the module runs and the demo (if
//                    any) is open with w1 selected
//   open(files)      File[] (or {file, path}[]) -> Promise<report>
//   select(name, id) variable key or name (in document `id`, default the active
//                    one) -> Promise<report> once its values are loaded
//   report()         the App's report, parsed (documents, variables, errors, value_view,
//                    graph: {nodes, ops: {op: count}, ...}, freeze: {state, nodes, bytes, ...})
//   freeze(outputs, id, {download})  node names (default: those chosen in the
//                    Graph panel) of document `id` (default the active one) ->
//                    Promise<{nodes, bytes, blobUrl, data: Uint8Array}> once the
//                    frozen GraphDef is assembled (rejects with the error); with
//                    download (and always when started from the Graph panel's
//                    Freeze button) frozen_model.pb is offered for download
//   stats()          bytes handed whole / read by range, for tests
//   Graph view (each -> Promise<report>, rejects with the app's error):
//   graphShow(id)              brings the graph view of document `id` (default active) up
//   graphExpand(path, expand)  expands (default) or collapses the group at `path`
//   graphSearch(query)         regex over node names and ops; graphNext(forward)
//   graphSelect(name)          selects and centres a node; a variable's values load
//   graphFit(), graphOpenFunction(name), graphBack()
//   The report's graph_view has the visible nodes, expanded groups, search,
//   camera and scene counts.
'use strict';

(function () {
  const SHARD_RE = /\.data-\d{5}-of-\d{5}$/;
  // Files above this size that are not shards are not read whole (a folder
  // may hold unrelated big files); they are listed so discovery can say so.
  const MAX_WHOLE_FILE = 1024 * 1024 * 1024;
  // Range reads are copied into wasm memory in pieces of this size, so the
  // JS side never holds more than one piece of a big tensor.
  const READ_PIECE = 16 * 1024 * 1024;

  const $ = (id) => document.getElementById(id);
  const statusEl = $('status');
  const canvas = $('canvas');
  canvas.addEventListener('contextmenu', (e) => e.preventDefault());

  const docs = new Map();      // document id -> Map(path -> File)
  const waiters = new Map();   // read request id -> [resolve]
  const counters = { wholeFiles: 0, wholeBytes: 0, unreadFiles: 0, rangeReads: 0, rangeBytes: 0 };
  let api = null;              // cwrapped exports, once the runtime is up
  let queue = Promise.resolve();  // opens run one at a time

  function setStatus(text) { statusEl.textContent = text; }

  function fatal(message) {
    const el = $('fatal');
    el.hidden = false;
    el.textContent = 'ckptview: ' + message;
    setStatus('error');
  }

  let resolveReady;
  const ready = new Promise((resolve) => { resolveReady = resolve; });

  // ---- The emscripten module ----------------------------------------------
  window.Module = {
    canvas,
    print: (text) => console.log(text),
    printErr: (text) => console.warn(text),
    onAbort: (what) => fatal('the app stopped: ' + what + '\nReload the page to start again.'),
    // After main() has run (the App exists then).
    postRun: () => {
      api = {
        openBegin: Module.cwrap('ckpt_open_begin', null, ['string']),
        openFile: Module.cwrap('ckpt_open_file', 'number', ['string', 'number']),
        openUnread: Module.cwrap('ckpt_open_unread', null, ['string', 'number']),
        openFinish: Module.cwrap('ckpt_open_finish', 'number', []),
        logError: Module.cwrap('ckpt_log_error', null, ['string']),
        select: Module.cwrap('ckpt_select', 'number', ['string', 'number']),
        wantsRead: Module.cwrap('ckpt_wants_read', 'number', ['number']),
        chunkBuffer: Module.cwrap('ckpt_chunk_buffer', 'number', ['number', 'number', 'number']),
        progress: Module.cwrap('ckpt_progress', null, ['number', 'number']),
        deliver: Module.cwrap('ckpt_deliver', null, ['number', 'number']),
        deliverError: Module.cwrap('ckpt_deliver_error', null, ['number', 'string']),
        report: Module.cwrap('ckpt_report', 'string', []),
        freeze: Module.cwrap('ckpt_freeze', 'number', ['string', 'number']),
        freezeCancel: Module.cwrap('ckpt_freeze_cancel', null, []),
        graphShow: Module.cwrap('ckpt_graph_show', 'string', ['number']),
        graphExpand: Module.cwrap('ckpt_graph_expand', 'string', ['string', 'number', 'number']),
        graphSearch: Module.cwrap('ckpt_graph_search', 'string', ['string', 'number']),
        graphNext: Module.cwrap('ckpt_graph_next', 'string', ['number', 'number']),
        graphSelect: Module.cwrap('ckpt_graph_select', 'string', ['string', 'number']),
        graphReadId: Module.cwrap('ckpt_graph_read_id', 'number', []),
        graphFit: Module.cwrap('ckpt_graph_fit', 'string', ['number']),
        graphOpenFunction: Module.cwrap('ckpt_graph_open_function', 'string', ['string', 'number']),
        graphBack: Module.cwrap('ckpt_graph_back', 'string', ['number']),
      };
      setStatus('Ready. Drop a checkpoint folder or files anywhere on the page.');
      startDemo().then(() => resolveReady(true), (e) => {
        console.error(e);
        resolveReady(false);
      });
    },
    // Called from C++ (web_main.cc).
    // Served after the current call into the module returns (no re-entry).
    ckptReadRequest: (id, docId, rangesJson) => {
      const ranges = JSON.parse(rangesJson);
      queueMicrotask(() => serveRead(id, docId, ranges));
    },
    // Freeze output, piece by piece, as the job writes it (copies).
    ckptFreezeChunk: (bytes) => { freezeChunks.push(bytes); },
    // Called synchronously from inside the module: the Blob is made now,
    // the rest after the call returns.
    ckptFreezeDone: (state) => {
      const chunks = freezeChunks;
      freezeChunks = [];
      const waiter = freezeWaiter;
      freezeWaiter = null;
      const blob = state === 'done' ? new Blob(chunks, { type: 'application/octet-stream' }) : null;
      queueMicrotask(() => freezeFinished(state, blob, waiter));
    },
    ckptFatal: (message) => fatal(message),
  };
  window.addEventListener('error', (e) => {
    if (e.message && !api) fatal(e.message);
  });

  // ---- Opening --------------------------------------------------------------
  // A folder's name, else the checkpoint prefix of the first .index file,
  // else the first file's name; with the file count for loose files.
  function labelFor(entries) {
    const first = entries[0].path.split('/');
    if (first.length > 1 && entries.every((e) => e.path.split('/')[0] === first[0])) return first[0];
    const base = (p) => p.split('/').pop();
    const index = entries.find((e) => e.path.endsWith('.index'));
    const name = index ? base(index.path).slice(0, -'.index'.length) : base(entries[0].path);
    return entries.length === 1 ? name : `${name} (${entries.length} files)`;
  }

  function normalize(files) {
    return Array.from(files, (f) => (f instanceof File
      ? { file: f, path: f.webkitRelativePath || f.name }
      : { file: f.file, path: f.path || f.file.webkitRelativePath || f.file.name }))
      .filter((e) => e.file && e.path);
  }

  async function openNow(files, label) {
    const entries = normalize(files);
    if (!api) throw new Error('the module is not running');
    if (entries.length === 0) return report();
    label = label || labelFor(entries);
    setStatus(`Reading ${entries.length} file(s) of ${label}…`);
    const byPath = new Map();
    api.openBegin(label);
    for (const { file, path } of entries) {
      byPath.set(path, file);
      if (SHARD_RE.test(path) || file.size > MAX_WHOLE_FILE) {
        api.openUnread(path, file.size);
        counters.unreadFiles++;
        continue;
      }
      let bytes;
      try {
        bytes = new Uint8Array(await file.arrayBuffer());
      } catch (e) {
        api.logError(`${path}: cannot be read (${e.message || e})`);
        continue;
      }
      // The buffer's address is used right away, before any other call into
      // the module (web_main.cc keeps it valid until then).
      const ptr = api.openFile(path, bytes.length);
      if (!ptr && bytes.length > 0) {
        api.logError(`${path}: ${bytes.length} bytes do not fit in the page's memory`);
        continue;
      }
      Module.HEAPU8.set(bytes, ptr);
      counters.wholeFiles++;
      counters.wholeBytes += bytes.length;
    }
    const id = api.openFinish();
    if (id > 0) docs.set(id, byPath);
    const r = report();
    const n = r.errors.length;
    setStatus(id > 0 ? `Opened ${label}` : `Could not open ${label}${n ? ': ' + r.errors[n - 1] : ''}`);
    return r;
  }

  // Opens are serialised: the module builds one document at a time.
  function open(files, label) {
    const run = queue.then(() => openNow(files, label));
    queue = run.catch(() => {});
    return run;
  }

  // ---- Reading byte ranges ------------------------------------------------------
  async function serveRead(id, docId, ranges) {
    const files = docs.get(docId);
    try {
      if (!files) throw new Error('the files of this document are gone');
      let done = 0;
      for (let i = 0; i < ranges.length; i++) {
        const { path, offset, size } = ranges[i];
        const file = files.get(path);
        if (!file) throw new Error(`${path}: not among the opened files`);
        if (offset + size > file.size) {
          throw new Error(`${path}: range ${offset}+${size} is past the end of the file (${file.size} bytes)`);
        }
        const ptr = api.chunkBuffer(id, i, size);
        if (!ptr && size > 0) throw new Error(`${size} bytes do not fit in the page's memory`);
        for (let at = 0; at < size; at += READ_PIECE) {
          if (!api.wantsRead(id)) return finish(id);  // superseded: stop reading
          const n = Math.min(READ_PIECE, size - at);
          const piece = await file.slice(offset + at, offset + at + n).arrayBuffer();
          if (piece.byteLength !== n) throw new Error(`${path}: short read at ${offset + at}`);
          Module.HEAPU8.set(new Uint8Array(piece), ptr + at);  // HEAPU8 is renewed when memory grows
          done += n;
          api.progress(id, done);
        }
        counters.rangeReads++;
        counters.rangeBytes += size;
      }
      api.deliver(id, ranges.length);
    } catch (e) {
      api.deliverError(id, String((e && e.message) || e));
    }
    finish(id);
  }

  function finish(id) {
    const list = waiters.get(id) || [];
    waiters.delete(id);
    const r = report();
    const v = r.value_view;
    if (v && v.state === 'loaded') setStatus(`${v.key}: ${v.dtype} ${JSON.stringify(v.shape)}`);
    for (const resolve of list) resolve(r);
  }

  function select(name, docId) {
    return queue.then(() => new Promise((resolve, reject) => {
      if (!api) return reject(new Error('the module is not running'));
      const id = api.select(String(name), docId === undefined ? -1 : docId);
      if (id < 0) {
        const r = report();
        return reject(new Error(r.errors[r.errors.length - 1] || `cannot select ${name}`));
      }
      if (id === 0 || !api.wantsRead(id)) return resolve(report());
      if (!waiters.has(id)) waiters.set(id, []);
      waiters.get(id).push(resolve);
    }));
  }

  // ---- Freezing ---------------------------------------------------------------------
  let freezeChunks = [];
  let freezeWaiter = null;
  let freezeUrl = null;

  function freezeFinished(state, blob, waiter) {
    const r = report();
    const f = r.freeze || {};
    if (state !== 'done') {
      const message = state === 'cancelled' ? 'the freeze was cancelled' : (f.error || 'the freeze failed');
      setStatus(`Freeze: ${message}`);
      if (waiter) waiter.reject(new Error(message));
      return;
    }
    if (freezeUrl) URL.revokeObjectURL(freezeUrl);
    freezeUrl = URL.createObjectURL(blob);
    setStatus(`Frozen: ${f.nodes.length} nodes, ${blob.size} bytes`);
    const result = { nodes: f.nodes, bytes: blob.size, blobUrl: freezeUrl };
    if (waiter) blob.arrayBuffer().then((b) => waiter.resolve({ ...result, data: new Uint8Array(b) }), waiter.reject);
    if (waiter && !waiter.download) return;
    // Started from the Graph panel (or asked to): offer the file.
    const a = document.createElement('a');
    a.href = freezeUrl;
    a.download = 'frozen_model.pb';
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  function freeze(outputs, docId, options) {
    return queue.then(() => new Promise((resolve, reject) => {
      if (!api) return reject(new Error('the module is not running'));
      api.freezeCancel();  // a freeze in flight ends first (its waiter is told)
      freezeChunks = [];
      freezeWaiter = { resolve, reject, download: !!(options && options.download) };
      api.freeze((outputs || []).map(String).join('\n'), docId === undefined ? -1 : docId);
    }));
  }

  // ---- Graph view ---------------------------------------------------------------------
  // Runs one graph API call after pending opens; "" from the module is success.
  function graphCall(call) {
    return queue.then(() => {
      if (!api) throw new Error('the module is not running');
      const error = call();
      if (error) throw new Error(error);
      return report();
    });
  }
  const doc = (id) => (id === undefined ? -1 : id);
  const graphShow = (id) => graphCall(() => api.graphShow(doc(id)));
  const graphExpand = (path, expand, id) =>
    graphCall(() => api.graphExpand(String(path), expand === false ? 0 : 1, doc(id)));
  const graphSearch = (query, id) => graphCall(() => api.graphSearch(String(query), doc(id)));
  const graphNext = (forward, id) => graphCall(() => api.graphNext(forward === false ? 0 : 1, doc(id)));
  const graphFit = (id) => graphCall(() => api.graphFit(doc(id)));
  const graphOpenFunction = (name, id) => graphCall(() => api.graphOpenFunction(String(name), doc(id)));
  const graphBack = (id) => graphCall(() => api.graphBack(doc(id)));
  // Resolves once a selected variable's values are loaded (as select does);
  // the waiter is set before the read can finish.
  function graphSelect(name, id) {
    return queue.then(() => new Promise((resolve, reject) => {
      if (!api) return reject(new Error('the module is not running'));
      const error = api.graphSelect(String(name), doc(id));
      if (error) return reject(new Error(error));
      const readId = api.graphReadId();
      if (readId === 0 || !api.wantsRead(readId)) return resolve(report());
      if (!waiters.has(readId)) waiters.set(readId, []);
      waiters.get(readId).push(resolve);
    }));
  }

  function report() {
    return api ? JSON.parse(api.report()) : { documents: [], errors: ['the module is not running'] };
  }

  // ---- Drag and drop, file pickers ------------------------------------------------
  async function entriesFromItem(entry) {
    if (!entry) return [];
    if (entry.isFile) {
      const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
      return [{ file, path: entry.fullPath.replace(/^\/+/, '') }];
    }
    if (entry.isDirectory) {
      const reader = entry.createReader();
      const children = [];
      // readEntries returns the listing in batches until an empty one.
      for (;;) {
        const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
        if (batch.length === 0) break;
        children.push(...batch);
      }
      const nested = await Promise.all(children.map(entriesFromItem));
      return nested.flat();
    }
    return [];
  }

  let dragDepth = 0;
  const hint = $('drop-hint');
  window.addEventListener('dragenter', (e) => {
    e.preventDefault();
    dragDepth++;
    hint.hidden = false;
  });
  window.addEventListener('dragleave', () => {
    if (--dragDepth <= 0) { dragDepth = 0; hint.hidden = true; }
  });
  window.addEventListener('dragover', (e) => {
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
  });
  window.addEventListener('drop', (e) => {
    e.preventDefault();
    dragDepth = 0;
    hint.hidden = true;
    const dt = e.dataTransfer;
    if (!dt) return;
    // Entries must be taken during the event; the DataTransfer empties after it.
    const items = Array.from(dt.items || []).filter((i) => i.kind === 'file');
    const entries = items.map((i) => (i.webkitGetAsEntry ? i.webkitGetAsEntry() : null));
    const plain = Array.from(dt.files || []);
    (async () => {
      let files = [];
      if (entries.some((x) => x)) {
        const lists = await Promise.all(entries.map((en, k) => (en ? entriesFromItem(en)
          : Promise.resolve(items[k].getAsFile() ? [{ file: items[k].getAsFile(), path: items[k].getAsFile().name }] : []))));
        files = lists.flat();
      } else {
        files = plain;
      }
      await open(files);
    })().catch((err) => fatal(String(err && err.message || err)));
  });

  for (const id of ['file-input', 'file-input-files']) {
    const input = $(id);
    input.addEventListener('change', () => {
      const files = Array.from(input.files || []);
      input.value = '';
      if (files.length) open(files).catch((err) => fatal(String(err && err.message || err)));
    });
  }

  // ---- The bundled demo -------------------------------------------------------------
  async function startDemo() {
    const params = new URLSearchParams(location.search);
    if (params.get('demo') === '0') return;
    let manifest;
    try {
      const response = await fetch('demo/manifest.json');
      if (!response.ok) return;
      manifest = await response.json();
    } catch (e) {
      return;  // no demo bundled
    }
    if (!manifest.files || manifest.files.length === 0) return;
    const files = [];
    for (const f of manifest.files) {
      const response = await fetch(f.url);
      if (!response.ok) throw new Error(`demo file ${f.url}: HTTP ${response.status}`);
      const blob = await response.blob();
      files.push({ file: new File([blob], f.path.split('/').pop()), path: f.path });
    }
    await open(files, manifest.label);
    if (manifest.select) await select(manifest.select);
  }

  // Files below FileSystemEntry objects (drop); exposed for tests, which
  // cannot make a real directory drop.
  async function filesFromEntries(entries) {
    return (await Promise.all(Array.from(entries, entriesFromItem))).flat();
  }

  window.ckptview = {
    ready, open, select, freeze, report, stats: () => ({ ...counters }), filesFromEntries,
    graphShow, graphExpand, graphSearch, graphNext, graphSelect, graphFit, graphOpenFunction, graphBack,
  };
})();
