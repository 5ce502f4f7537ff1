// `ckptview inspect PATH [--tensor NAME] [--all] [--verify] [--json] [--values]`:
// what a checkpoint holds (format, variables with dtype, shape, bytes, shard,
// TF2 object path, optimizer-slot flag), tensor values printed numpy-style or
// as JSON, and checksum verification. PATH forms: see locate.h.
//
// --json prints one object (tests in other languages parse it; keep stable):
//   {"path", "format": "bundle-v2"|"slices-v1", "prefix", "checkpoints": [...],
//    "latest": prefix|null,
//    "variables": [{"name", "dtype", "shape", "bytes", "shard": n|null, "slices",
//                   "object_path": s|null, "optimizer_slot",
//                   "values": [flat row-major] | "error": msg   (--values, or the --tensor one)}],
//    "total_parameters", "total_bytes",
//    "tensor": {"name", "dtype", "shape", "values" | "error"}          (--tensor)
//    "verify": {"tensors", "bytes", "corrupt": [{"name", "error"}]}   (--verify)
//    "warnings": [...]}
// Value encoding: tensor/json.h.
//
// Exit codes (command.h): 0 ok; 1 --verify found corrupt tensors; 2 usage
// error, including an unknown --tensor NAME; 3 PATH cannot be opened, or a
// tensor whose values were asked for cannot be read (the JSON is still
// printed, with "error" for that tensor).
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace ckptview::cli {

int RunInspect(const std::vector<std::string>& args);
void PrintInspectUsage(std::FILE* out);

}  // namespace ckptview::cli
