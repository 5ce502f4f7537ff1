// FileSource: the files a user opened, as the core sees them. The core never
// opens files itself: a driver hands it a FileSource (native: the disk, via
// pread; web: File objects whose small files JS has already read whole).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

namespace ckptview::formats {

struct FileInfo {
  std::string path;  // '/'-separated, relative to what was opened (or absolute)
  uint64_t size = 0;
};

class FileSource {
 public:
  virtual ~FileSource() = default;
  // Every file available, in a stable order.
  virtual const std::vector<FileInfo>& Files() const = 0;
  // Whole contents of a (small) file: index, state file, graph, V1 checkpoint.
  virtual Result<std::string> ReadAll(const std::string& path) = 0;
  // `size` bytes at `offset`. Fails (does not read short) past the end.
  // A source may not support synchronous ranges (the web page): it then
  // fails and callers use Checkpoint::RangesFor/Decode with their own reads.
  virtual Status ReadRange(const std::string& path, uint64_t offset, uint64_t size,
                           std::string* out) = 0;
  // ReadRange that also calls `visit(data, n)` on consecutive pieces of
  // `*out` as they arrive, in order, so a checksum can run while the bytes
  // are still in cache. The default reads everything, then visits it once.
  virtual Status ReadRangeVisiting(const std::string& path, uint64_t offset, uint64_t size,
                                   std::string* out,
                                   const std::function<void(const char* data, size_t n)>& visit) {
    Status s = ReadRange(path, offset, size, out);
    if (s.ok() && visit) visit(out->data(), out->size());
    return s;
  }

  // The CRC-32C of `size` bytes at `offset`, read in bounded pieces that
  // are not kept (`inspect --verify`). Fails like ReadRange. The default
  // reads 1 MiB at a time, so each piece is checksummed while in cache.
  virtual Status Crc32cOfRange(const std::string& path, uint64_t offset, uint64_t size, uint32_t* crc);

  const FileInfo* Find(const std::string& path) const {
    for (const auto& f : Files())
      if (f.path == path) return &f;
    return nullptr;
  }
};

// Helpers for '/'-separated FileSource paths (no file system access).
// "a/b/c" -> "a/b"; "c" -> ""; "/c" -> "/".
std::string PathDirName(const std::string& path);
// "a/b/c" -> "c"; also splits on '\\' (paths written on Windows machines).
std::string PathBaseName(const std::string& path);
// Joins with one '/'; an empty `dir` gives `name`; an absolute `name` is kept.
std::string PathJoin(const std::string& dir, const std::string& name);
// Removes "." components, resolves "x/.." and repeated '/'. Leading ".."
// of a relative path are kept. "" stays "".
std::string NormalizePath(const std::string& path);
// True for "/x", "\\\\server\\x" and Windows drive paths "C:\\x", "C:/x".
bool IsAbsolutePath(const std::string& path);

// Files held in memory (tests; the web page's whole-read files). A file added
// with `size` but no contents can only be listed, not read.
class MemoryFileSource : public FileSource {
 public:
  void Add(std::string path, std::string contents);
  void AddUnread(std::string path, uint64_t size);
  const std::vector<FileInfo>& Files() const override { return files_; }
  Result<std::string> ReadAll(const std::string& path) override;
  Status ReadRange(const std::string& path, uint64_t offset, uint64_t size,
                   std::string* out) override;

 private:
  std::vector<FileInfo> files_;
  std::vector<std::unique_ptr<std::string>> contents_;  // parallel to files_, null if unread
};

}  // namespace ckptview::formats
