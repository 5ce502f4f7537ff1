#include "graph/freeze_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

namespace ckptview::graph {
namespace {

std::string ErrnoText() { return std::strerror(errno); }

Status WriteAll(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::Error(path + ": write failed: " + ErrnoText());
    }
    bytes.remove_prefix(size_t(n));
  }
  return Status::Ok();
}

}  // namespace

Status FreezeToFile(FreezeJob& job, formats::FileSource& source, const std::string& path,
                    uint64_t* bytes_written) {
  const size_t slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  std::random_device rd;
  const std::string temp = path + ".tmp" + std::to_string(::getpid()) + "_" + std::to_string(rd() % 1000000);
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return Status::Error(path + ": cannot create a file in " + dir + ": " + ErrnoText());
  uint64_t written = 0;
  // Writeback of what is written starts every kSyncEvery bytes
  // (sync_file_range, asynchronous), so the fsync before the rename only
  // waits for the tail instead of the whole file (~0.3 s per GB otherwise).
  constexpr uint64_t kSyncEvery = uint64_t{16} << 20;
  uint64_t sync_started = 0;
  Status s = RunFreezeJob(job, source, [&](std::string_view bytes) {
    written += bytes.size();
    CKPT_RETURN_IF_ERROR(WriteAll(fd, bytes, temp));
#if defined(__linux__) && defined(SYNC_FILE_RANGE_WRITE)  // Linux only (not in wasm)
    if (written - sync_started >= kSyncEvery) {
      // Only a hint: an error here shows up again at fsync.
      (void)::sync_file_range(fd, off64_t(sync_started), off64_t(written - sync_started), SYNC_FILE_RANGE_WRITE);
      sync_started = written;
    }
#endif
    return Status::Ok();
  });
  if (s.ok() && ::fsync(fd) != 0) s = Status::Error(temp + ": fsync failed: " + ErrnoText());
  if (::close(fd) != 0 && s.ok()) s = Status::Error(temp + ": close failed: " + ErrnoText());
  if (s.ok() && ::rename(temp.c_str(), path.c_str()) != 0)
    s = Status::Error(path + ": cannot rename " + temp + " to it: " + ErrnoText());
  if (!s.ok()) {
    ::unlink(temp.c_str());
    return s;
  }
  if (bytes_written) *bytes_written = written;
  return Status::Ok();
}

}  // namespace ckptview::graph
