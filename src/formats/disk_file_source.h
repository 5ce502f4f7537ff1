// DiskFileSource: a FileSource over the local disk (CLI, desktop app, tests).
// Native, and the wasm CLI under node (whose pread is node's fs); CMake
// leaves it out of the page.
//
// Opened on a folder it lists every regular file below it, recursively, with
// '/'-separated paths relative to the folder, sorted. Opened on a file it
// lists that one file under its base name. Directory symlinks are not
// followed (no cycles); file symlinks are.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"
#include "formats/file_source.h"

namespace ckptview::formats {

class DiskFileSource : public FileSource {
 public:
  // ReadAll refuses files larger than this (the wasm heap and std::string
  // users of ReadAll expect small files; big tensors go through ReadRange).
  static constexpr uint64_t kMaxReadAllBytes = uint64_t{2} << 30;  // 2 GiB
  // A folder with more files than this is refused (e.g. opening "/").
  static constexpr size_t kMaxFiles = 200000;

  // `path` is a file or a folder. Fails if it does not exist or cannot be listed.
  static Result<std::unique_ptr<DiskFileSource>> Open(const std::string& path);
  ~DiskFileSource() override;

  DiskFileSource(const DiskFileSource&) = delete;
  DiskFileSource& operator=(const DiskFileSource&) = delete;

  const std::vector<FileInfo>& Files() const override { return files_; }
  Result<std::string> ReadAll(const std::string& path) override;
  // Reads straight into `out` (resized to `size`); safe to call from several
  // threads at once.
  Status ReadRange(const std::string& path, uint64_t offset, uint64_t size,
                   std::string* out) override;
  // Reads in 4 MiB pieces straight into `out`, visiting each right after it
  // lands; large buffers are advised to use huge pages (Linux), since page
  // faults on a fresh multi-GB tensor cost more than the copy. For reads of
  // 64 MiB and more, `visit` runs on a helper thread (one piece at a time, in
  // order, finished before this returns) while the next piece is read.
  Status ReadRangeVisiting(const std::string& path, uint64_t offset, uint64_t size,
                           std::string* out,
                           const std::function<void(const char* data, size_t n)>& visit) override;

  // Under node (the wasm CLI), a range of 4 MiB or more is shared, in 1 MiB
  // pieces, with a helper thread that reads and checksums them too
  // (src/cli/node_helper.js); elsewhere, and whenever the helper is not
  // ready, FileSource's loop.
  Status Crc32cOfRange(const std::string& path, uint64_t offset, uint64_t size, uint32_t* crc) override;

  // The folder that listed paths are relative to.
  const std::string& root() const { return root_; }
  // The disk path of a listed file ("" if not listed).
  std::string DiskPath(const std::string& path) const;

 private:
  DiskFileSource() = default;
  struct OpenFile;  // an open descriptor, closed when the last user lets go
  Result<std::shared_ptr<OpenFile>> Acquire(const std::string& path, uint64_t* size);

  std::string root_;
  std::vector<FileInfo> files_;
  std::map<std::string, size_t> index_;  // path -> position in files_
  std::mutex mu_;                        // guards open_
  std::map<std::string, std::shared_ptr<OpenFile>> open_;  // bounded cache of descriptors
};

}  // namespace ckptview::formats
