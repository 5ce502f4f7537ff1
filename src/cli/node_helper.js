// The node CLI's checksum helper (a JS library of the node build, see
// emscripten.cmake), behind DiskFileSource::Crc32cOfRange
// (src/formats/disk_file_source.cc). `inspect --verify` spends its time
// reading and checksumming; wasm has no threads here (the page has none
// either), so this runs a second instance of the same module in a
// worker_threads Worker. A long range is offered to it as 1 MiB pieces that
// both threads claim from one counter until none is left, so the work splits
// by the speed each thread really gets. The threads meet on a small
// SharedArrayBuffer with Atomics (the wasm memories stay separate and
// unshared); nothing goes through either event loop.
//
// The worker is started with the process when the command line has
// --verify, and takes ranges once it is ready; until then the main thread
// does whole ranges itself, so a slow start never delays the answer. A
// helper failure is never trusted: the main thread redoes those pieces and
// reports any error.
//
// For tests (tests/node_cli/run.sh): CKPTVIEW_VERIFY_HELPER=wait makes each
// range wait for the worker to be ready (never more than 10 s) and print
// "verify helper: P of N pieces" (how many the worker checksummed) to stderr.
//
// Shared block: Int32 0 = state (0 starting, 1 idle, 2 range offered,
// 3 range taken by the worker), 1 = path length, 2 = 1 once the module was
// posted to the worker, 3 = next unclaimed piece, 4 = pieces, 5 = 1 once the
// worker has left the range; Float64 3 = offset, 4 = size, 5 = piece size;
// bytes 64.. = the path (UTF-8, up to 4 KiB); Float64 from byte 4160 = each
// piece's result from the worker (CRC, or < 0 if it failed or was not its).
mergeInto(LibraryManager.library, {
  $ckptHelper: {
    RESULTS: 4160,     // byte offset of the per-piece results
    MAX_PIECES: 1024,  // per range (disk_file_source.cc offers no more)
    i32: null,
    f64: null,
    u8: null,
    results: null,
    worker: null,
    testing: false,  // CKPTVIEW_VERIFY_HELPER=wait
    // Before the module is compiled (the postset below).
    init: function() {
      if (!ENVIRONMENT_IS_NODE) return;
      // (worker_threads is only loaded when needed: it costs milliseconds.)
      if (process.argv.indexOf('--ckpt-helper') >= 0) {
        var wt = require('worker_threads');
        var data = wt.workerData;
        if (data && data.ckptHelper) {
          // This instance is the helper: the main thread's module, no main().
          var i32 = new Int32Array(data.ckptHelper);
          Module['noInitialRun'] = true;
          Module['instantiateWasm'] = function(info, receive) {
            while (Atomics.load(i32, 2) === 0) Atomics.wait(i32, 2, 0);  // the module, posted once compiled
            var module = wt.receiveMessageOnPort(wt.parentPort).message;
            var instance = new WebAssembly.Instance(module, info);
            receive(instance, module);
            return instance.exports;
          };
          Module['onRuntimeInitialized'] = function() { ckptHelper.serve(data.ckptHelper); };
          return;
        }
      }
      // Only `inspect --verify` checksums long ranges: start its helper now,
      // so the worker boots while this thread compiles and reads the index,
      // and share the compiled module with it.
      if (process.argv.indexOf('--verify') < 0) return;
      ckptHelper.start();
      ckptHelper.testing = process.env.CKPTVIEW_VERIFY_HELPER === 'wait';
      Module['instantiateWasm'] = function(info, receive) {
        var module = new WebAssembly.Module(getBinary(wasmBinaryFile));
        var instance = new WebAssembly.Instance(module, info);
        if (ckptHelper.worker) {
          ckptHelper.worker.postMessage(module);
          Atomics.store(ckptHelper.i32, 2, 1);
          Atomics.notify(ckptHelper.i32, 2);
        }
        receive(instance, module);
        return instance.exports;
      };
    },
    start: function() {
      var sab = new SharedArrayBuffer(ckptHelper.RESULTS + 8 * ckptHelper.MAX_PIECES);
      ckptHelper.i32 = new Int32Array(sab);
      ckptHelper.f64 = new Float64Array(sab, 0, 8);
      ckptHelper.u8 = new Uint8Array(sab);
      ckptHelper.results = new Float64Array(sab, ckptHelper.RESULTS, ckptHelper.MAX_PIECES);
      try {
        var wt = require('worker_threads');
        // __filename: this file (the generated ckptview.js), run again in the worker.
        var w = new wt.Worker(__filename, {workerData: {ckptHelper: sab}, argv: ['--ckpt-helper'],
                                           stdout: true, stderr: true});
        w.on('error', function() {});  // state stays "starting": ranges stay on the main thread
        w.unref();                      // never keeps the process alive
        ckptHelper.worker = w;
      } catch (e) {
      }
    },
    // In the worker: take ranges and claim their pieces until the process ends.
    serve: function(sab) {
      var i32 = new Int32Array(sab), f64 = new Float64Array(sab, 0, 8), u8 = new Uint8Array(sab);
      var results = new Float64Array(sab, ckptHelper.RESULTS, ckptHelper.MAX_PIECES);
      Atomics.store(i32, 0, 1);
      Atomics.notify(i32, 0);  // ready (only a test waits for it)
      for (;;) {
        var st;
        while ((st = Atomics.load(i32, 0)) !== 2) Atomics.wait(i32, 0, st);
        if (Atomics.compareExchange(i32, 0, 2, 3) !== 2) continue;  // taken back: the main thread did it all
        var fd = -1;
        try {
          var n = i32[1];
          var p = _ckpt_helper_path_buffer(n);
          HEAPU8.set(u8.subarray(64, 64 + n), p);
          fd = _ckpt_helper_open(p);
          var offset = f64[3], size = f64[4], piece = f64[5], pieces = i32[4];
          for (var i; (i = Atomics.add(i32, 3, 1)) < pieces;) {
            results[i] = _ckpt_helper_piece_crc(fd, offset + i * piece, Math.min(piece, size - i * piece));
          }
        } catch (e) {
          // Pieces it claimed keep a result < 0: the main thread redoes them.
        }
        if (fd >= 0) {
          try { _ckpt_helper_close(fd); } catch (e) {}
        }
        Atomics.store(i32, 5, 1);
        Atomics.notify(i32, 5);
      }
    },
  },
  $ckptHelper__postset: 'ckptHelper.init();',

  ckpt_helper_begin__deps: ['$ckptHelper'],
  ckpt_helper_begin__sig: 'iidddi',
  ckpt_helper_begin: function(path, offset, size, piece, pieces) {
    var h = ckptHelper, i32 = h.i32;
    if (i32 && h.testing) Atomics.wait(i32, 0, 0, 10000);  // until it is no longer starting
    if (!i32 || Atomics.load(i32, 0) !== 1 || pieces > h.MAX_PIECES) return 0;
    var end = path;
    while (HEAPU8[end]) ++end;
    if (end - path > 4096) return 0;
    h.u8.set(HEAPU8.subarray(path, end), 64);
    h.results.fill(-1, 0, pieces);
    i32[1] = end - path;
    i32[3] = 0;
    i32[4] = pieces;
    i32[5] = 0;
    h.f64[3] = offset;
    h.f64[4] = size;
    h.f64[5] = piece;
    Atomics.store(i32, 0, 2);
    Atomics.notify(i32, 0);
    return 1;
  },

  ckpt_helper_claim__deps: ['$ckptHelper'],
  ckpt_helper_claim__sig: 'i',
  ckpt_helper_claim: function() {
    var i32 = ckptHelper.i32;
    var i = Atomics.add(i32, 3, 1);
    return i < i32[4] ? i : -1;
  },

  ckpt_helper_end__deps: ['$ckptHelper'],
  ckpt_helper_end__sig: 'vii',
  ckpt_helper_end: function(crcs, done) {
    var h = ckptHelper, i32 = h.i32;
    // Not taken yet: take it back (the caller does every piece it did not).
    // Else wait for the worker to leave it (it finishes the piece it is on).
    if (Atomics.compareExchange(i32, 0, 2, 1) === 2) return;
    while (Atomics.load(i32, 5) === 0) Atomics.wait(i32, 5, 0);
    var helped = 0;
    for (var i = 0, n = i32[4]; i < n; ++i) {
      var r = h.results[i];
      if (r >= 0) {
        HEAPU32[(crcs >> 2) + i] = r;
        HEAPU8[done + i] = 1;
        helped++;
      }
    }
    if (h.testing) err('verify helper: ' + helped + ' of ' + i32[4] + ' pieces');
    Atomics.store(i32, 0, 1);
  },
});
