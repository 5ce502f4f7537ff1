# The WebAssembly build: every emscripten/WebGL flag lives in this file, and
# the third-party libraries the native build takes from Debian's binaries are
# built here from Debian's source packages (extracted into ${CKPT_DEPS_DIR} by
# scripts/setup.sh --wasm). Included by the top-level CMakeLists.txt when
# configured with `emcmake cmake`. Verified with Debian's emscripten 3.1.6; the
# quirks referred to as "TOOLCHAIN.md n" are listed in ../shared/TOOLCHAIN.md.

foreach(dep protobuf snappy imgui)
  if(NOT EXISTS "${CKPT_DEPS_DIR}/${dep}")
    message(FATAL_ERROR "${CKPT_DEPS_DIR}/${dep} is missing: run scripts/setup.sh --wasm")
  endif()
endforeach()

# emcc runs node (acorn, terser) when linking at -O1 and above and needs
# Debian's node modules on NODE_PATH (TOOLCHAIN.md 1). Every link goes through
# this launcher so a plain `ninja` works without the variable in the shell.
set(CMAKE_C_LINKER_LAUNCHER ${CMAKE_COMMAND} -E env NODE_PATH=/usr/share/nodejs)
set(CMAKE_CXX_LINKER_LAUNCHER ${CMAKE_COMMAND} -E env NODE_PATH=/usr/share/nodejs)

# --- protobuf-lite -----------------------------------------------------------
# The file list is protobuf's own (cmake/libprotobuf-lite.cmake), so it stays
# right for whatever 3.21.x Debian ships.
set(ckpt_pb_dir "${CKPT_DEPS_DIR}/protobuf")
# Read the list rather than include() the file: it also declares protobuf's own
# target with variables only protobuf's CMakeLists sets.
file(STRINGS "${ckpt_pb_dir}/cmake/libprotobuf-lite.cmake" ckpt_pb_lines
     REGEX "^[ \t]*\\$\\{protobuf_SOURCE_DIR\\}/src/.*\\.cc[ \t]*$")
set(libprotobuf_lite_files "")
foreach(line ${ckpt_pb_lines})
  string(STRIP "${line}" line)
  string(REPLACE "\${protobuf_SOURCE_DIR}" "${ckpt_pb_dir}" line "${line}")
  list(APPEND libprotobuf_lite_files "${line}")
endforeach()
list(LENGTH libprotobuf_lite_files ckpt_pb_count)
if(ckpt_pb_count LESS 10)
  message(FATAL_ERROR "could not read the protobuf-lite file list from ${ckpt_pb_dir}/cmake/libprotobuf-lite.cmake")
endif()
add_library(protobuf_lite STATIC ${libprotobuf_lite_files})
target_include_directories(protobuf_lite SYSTEM PUBLIC "${ckpt_pb_dir}/src")
# Built without pthreads (TOOLCHAIN.md 9): its mutexes compile to no-ops.
# -w: third-party warnings are not ours to fix.
target_compile_options(protobuf_lite PRIVATE -w)

# --- snappy ------------------------------------------------------------------
# snappy's CMakeLists probes the compiler and writes two headers; for wasm32
# the answers are fixed, so we write them here instead of running its build.
set(ckpt_snappy_dir "${CKPT_DEPS_DIR}/snappy")
set(ckpt_snappy_gen "${CMAKE_BINARY_DIR}/snappy_gen")
file(STRINGS "${ckpt_snappy_dir}/CMakeLists.txt" ckpt_snappy_project REGEX "VERSION [0-9]+\\.[0-9]+\\.[0-9]+")
string(REGEX MATCH "([0-9]+)\\.([0-9]+)\\.([0-9]+)" _ "${ckpt_snappy_project}")
set(PROJECT_VERSION_MAJOR ${CMAKE_MATCH_1})
set(PROJECT_VERSION_MINOR ${CMAKE_MATCH_2})
set(PROJECT_VERSION_PATCH ${CMAKE_MATCH_3})
set(HAVE_SYS_UIO_H_01 1)              # emscripten's libc has <sys/uio.h>
set(HAVE_SYS_UIO_H 1)
set(HAVE_UNISTD_H 1)
set(HAVE_SYS_TIME_H 1)
set(HAVE_BUILTIN_EXPECT 1)            # clang
set(HAVE_BUILTIN_CTZ 1)
set(HAVE_ATTRIBUTE_ALWAYS_INLINE 1)
set(SNAPPY_HAVE_SSSE3 0)              # no x86 intrinsics in wasm
set(SNAPPY_HAVE_BMI2 0)
configure_file("${ckpt_snappy_dir}/cmake/config.h.in" "${ckpt_snappy_gen}/config.h")
configure_file("${ckpt_snappy_dir}/snappy-stubs-public.h.in" "${ckpt_snappy_gen}/snappy-stubs-public.h")
unset(PROJECT_VERSION_MAJOR)
unset(PROJECT_VERSION_MINOR)
unset(PROJECT_VERSION_PATCH)
add_library(snappy_lib STATIC
  "${ckpt_snappy_dir}/snappy.cc"
  "${ckpt_snappy_dir}/snappy-sinksource.cc"
  "${ckpt_snappy_dir}/snappy-stubs-internal.cc"
  "${ckpt_snappy_dir}/snappy-c.cc")
target_include_directories(snappy_lib SYSTEM PUBLIC "${ckpt_snappy_dir}" "${ckpt_snappy_gen}")
target_compile_definitions(snappy_lib PRIVATE HAVE_CONFIG_H)
target_compile_options(snappy_lib PRIVATE -w)

# --- the page's GL and link settings ------------------------------------------
# ckpt_web_gl: compile definitions for code that talks to GL (ImGui's OpenGL3
# backend, our renderers). Without IMGUI_IMPL_OPENGL_ES3 ImGui picks WebGL1
# shaders (TOOLCHAIN.md 5).
add_library(ckpt_web_gl INTERFACE)
target_compile_definitions(ckpt_web_gl INTERFACE IMGUI_IMPL_OPENGL_ES3)
# GLFW for the web is emscripten's own JS implementation, no download
# (TOOLCHAIN.md 4); its header is in emscripten's sysroot, so only the link
# needs the flag.
target_link_options(ckpt_web_gl INTERFACE -sUSE_GLFW=3)

# ckpt_web_page: link options of the page module (app.js + app.wasm).
add_library(ckpt_web_page INTERFACE)
target_link_options(ckpt_web_page INTERFACE
  # A page module: no node/worker/shell code paths in app.js.
  -sENVIRONMENT=web
  # WebGL2 only (GLES 3.0 shaders, "#version 300 es") (TOOLCHAIN.md 5).
  -sMIN_WEBGL_VERSION=2
  -sMAX_WEBGL_VERSION=2
  # The heap grows on demand up to wasm32's limit; tensors are read by byte
  # range, so big checkpoints never need to fit (TOOLCHAIN.md 7).
  -sALLOW_MEMORY_GROWTH=1
  -sMAXIMUM_MEMORY=4GB
  # A failed malloc returns null instead of aborting, so a tensor too large
  # for the heap becomes an error message in the UI, not a dead canvas.
  -sABORTING_MALLOC=0
  # The page's Content-Security-Policy allows 'wasm-unsafe-eval' but not
  # 'unsafe-eval': the glue must not use eval/new Function.
  -sDYNAMIC_EXECUTION=0
  # No pthreads: they need cross-origin-isolation headers that a static page
  # does not get (TOOLCHAIN.md 9). Stated explicitly.
  -sUSE_PTHREADS=0
  # What web/main.js uses: our C functions (marked EMSCRIPTEN_KEEPALIVE in
  # src/platform/web_main.cc) through cwrap, and Module.HEAPU8 (always
  # exported) to copy file bytes into buffers the C side allocates.
  -sEXPORTED_FUNCTIONS=_main
  -sEXPORTED_RUNTIME_METHODS=ccall,cwrap
  # Exceptions are not used by our code; keep them disabled (smaller, faster).
  -sDISABLE_EXCEPTION_CATCHING=1
  # main() returns after starting the browser main loop (TOOLCHAIN.md 6);
  # keep the runtime (and the App) alive after that.
  -sEXIT_RUNTIME=0)

# ckpt_node_cli: link options of the command line built as wasm for node
# (`emcmake cmake -DCKPT_NODE_CLI=ON`), so benchmarks can run the same
# reading code natively and as wasm on the same files.
add_library(ckpt_node_cli INTERFACE)
target_link_options(ckpt_node_cli INTERFACE
  -sENVIRONMENT=node
  # The host's files through node's fs (pread included), no virtual FS copy.
  -sNODERAWFS=1
  # Node 20 has a global fetch() that this emscripten's loader misuses to
  # read the .wasm; synchronous compilation avoids it (TOOLCHAIN.md 3).
  -sWASM_ASYNC_COMPILATION=0
  -sALLOW_MEMORY_GROWTH=1
  -sMAXIMUM_MEMORY=4GB
  -sUSE_PTHREADS=0
  -sDISABLE_EXCEPTION_CATCHING=1
  # main()'s return value becomes node's exit code.
  -sEXIT_RUNTIME=1
  # The checksum helper thread of `inspect --verify` (a worker running a
  # second instance of the module; see the file). src/cli/CMakeLists.txt
  # relinks when it changes.
  "--js-library=${CMAKE_SOURCE_DIR}/src/cli/node_helper.js")
# The node CLI builds src/base/crc32c.cc, and only it, with SIMD128 (16 lanes
# of table lookups, ~1.8x the table rate): the rest of the module is compiled
# as the page's is, so node timings of other code still stand for the page.
# The file's target is declared later (src/base), hence the deferred call.
# (Emscripten pthreads for the node CLI were tried too, splitting checksums
# and reading ahead: on this 2-core machine their workers' start-up cost more
# than they saved. The wasm stays single-threaded like the page; the one
# helper thread of `inspect --verify` is a plain node worker, started with
# the process, that the main thread never waits for (src/cli/node_helper.js).)
if(CKPT_NODE_CLI AND NOT CKPT_BUILD_GUI)
  cmake_language(DEFER CALL set_source_files_properties "${CMAKE_SOURCE_DIR}/src/base/crc32c.cc"
                 TARGET_DIRECTORY ckpt_base PROPERTIES COMPILE_OPTIONS -msimd128)
endif()
