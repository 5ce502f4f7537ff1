// The native driver of a FreezeJob (freeze.h): reads ranges synchronously
// from a FileSource and writes the output to a temporary file in the output's
// folder, renamed over `path` only once every byte is written and flushed.
// Natively the writes run on a thread of their own (at most one piece
// queued), overlapping the reads and checksums of the next tensor piece.
// An error at any point removes the temporary file, so the output is written
// completely or not at all and an existing file at `path` is left untouched.
// Native only (CMake leaves it out of the wasm build, like DiskFileSource);
// the page assembles a Blob from the job's kWrite steps instead.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "formats/file_source.h"
#include "graph/freeze.h"

namespace ckptview::graph {

// Called with the output bytes produced so far, after each piece and once
// more after the final fsync; returning false cancels the freeze (the
// temporary file is removed, the result is kFreezeCancelled). After that last
// call the file is renamed into place: a cancel arriving later is too late.
using FreezeProgress = std::function<bool(uint64_t bytes_so_far)>;
inline constexpr std::string_view kFreezeCancelled = "freeze cancelled";

// Runs `job` to the end; `*bytes_written` (optional) gets the output size.
Status FreezeToFile(FreezeJob& job, formats::FileSource& source, const std::string& path,
                    uint64_t* bytes_written = nullptr, const FreezeProgress& progress = {});

}  // namespace ckptview::graph
