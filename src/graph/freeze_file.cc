#include "graph/freeze_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

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

#if !defined(__EMSCRIPTEN__)
// Writes pieces handed over by the freeze on a thread of its own, so that
// reading and checksumming the next tensor piece (the freeze's thread)
// overlaps writing this one (each is a copy of the piece by the kernel). At
// most kMaxPending pieces wait; written piece buffers come back for reuse as
// read buffers, so the pieces in flight are the only extra memory.
class PieceWriter {
 public:
  PieceWriter(int fd, std::string path) : fd_(fd), path_(std::move(path)), thread_([this] { Run(); }) {}
  ~PieceWriter() { (void)Finish(); }

  // Queues `bytes`; fails with the first write error, if any.
  Status Push(std::string&& bytes) {
    std::unique_lock<std::mutex> lock(mu_);
    space_.wait(lock, [this] { return pending_.size() < kMaxPending || !error_.ok(); });
    if (!error_.ok()) return error_;
    pending_.push_back(std::move(bytes));
    work_.notify_one();
    return Status::Ok();
  }

  // A written buffer of at least `size` bytes' capacity, or an empty string.
  std::string Recycled(uint64_t size) {
    std::lock_guard<std::mutex> lock(mu_);
    for (size_t i = 0; i < free_.size(); ++i) {
      if (free_[i].capacity() < size) continue;
      std::string out = std::move(free_[i]);
      free_.erase(free_.begin() + long(i));
      return out;
    }
    return std::string();
  }

  // Waits for every queued piece; the first error, if any.
  Status Finish() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
      work_.notify_one();
    }
    if (thread_.joinable()) thread_.join();
    return error_;
  }

  uint64_t written() const { return written_; }

 private:
  static constexpr size_t kMaxPending = 1;
  static constexpr size_t kMaxFree = 2;
  // Writeback of what is written starts every kSyncEvery bytes
  // (sync_file_range, asynchronous), so the fsync before the rename only
  // waits for the tail instead of the whole file (~0.3 s per GB otherwise).
  static constexpr uint64_t kSyncEvery = uint64_t{16} << 20;

  void Run() {
    uint64_t sync_started = 0;
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      work_.wait(lock, [this] { return !pending_.empty() || done_; });
      if (pending_.empty()) return;  // done_
      std::string piece = std::move(pending_.front());
      pending_.pop_front();
      lock.unlock();
      Status s = error_.ok() ? WriteAll(fd_, piece, path_) : Status::Ok();
      if (s.ok()) written_ += piece.size();
#if defined(__linux__) && defined(SYNC_FILE_RANGE_WRITE)  // Linux only (not in wasm)
      if (s.ok() && written_ - sync_started >= kSyncEvery) {
        // Only a hint: an error here shows up again at fsync.
        (void)::sync_file_range(fd_, off64_t(sync_started), off64_t(written_ - sync_started), SYNC_FILE_RANGE_WRITE);
        sync_started = written_;
      }
#endif
      lock.lock();
      if (!s.ok() && error_.ok()) error_ = s;
      // Only buffers that can take a tensor piece are worth keeping.
      if (piece.capacity() >= kFreezePieceBytes && piece.capacity() <= 2 * kFreezePieceBytes &&
          free_.size() < kMaxFree)
        free_.push_back(std::move(piece));
      space_.notify_one();
    }
  }

  const int fd_;
  const std::string path_;
  std::mutex mu_;
  std::condition_variable work_, space_;
  std::deque<std::string> pending_;
  std::vector<std::string> free_;
  Status error_;          // guarded by mu_ (read by Finish after the join)
  bool done_ = false;
  uint64_t written_ = 0;  // the writer thread's (read after Finish)
  std::thread thread_;    // last: starts once the members above exist
};

// RunFreezeJob with the writes on a PieceWriter.
Status RunOverlapped(FreezeJob& job, formats::FileSource& source, PieceWriter& writer,
                     const FreezeProgress& progress) {
  uint64_t produced = 0;
  while (true) {
    CKPT_ASSIGN_OR_RETURN(FreezeStep step, job.Next());
    switch (step.kind) {
      case FreezeStep::Kind::kDone:
        return Status::Ok();
      case FreezeStep::Kind::kWrite:
        produced += step.bytes.size();
        CKPT_RETURN_IF_ERROR(writer.Push(std::move(step.bytes)));
        if (progress && !progress(produced)) return Status::Error(std::string(kFreezeCancelled));
        break;
      case FreezeStep::Kind::kRead: {
        std::vector<std::string> chunks(step.ranges.size());
        for (size_t i = 0; i < step.ranges.size(); ++i) {
          const formats::ByteRange& r = step.ranges[i];
          if (i == 0) chunks[0] = writer.Recycled(r.size);
          CKPT_RETURN_IF_ERROR(source.ReadRange(r.path, r.offset, r.size, &chunks[i]));
        }
        CKPT_RETURN_IF_ERROR(job.Supply(std::move(chunks)));
        break;
      }
    }
  }
}
#endif  // !__EMSCRIPTEN__

}  // namespace

Status FreezeToFile(FreezeJob& job, formats::FileSource& source, const std::string& path,
                    uint64_t* bytes_written, const FreezeProgress& progress) {
  const size_t slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  std::random_device rd;
  const std::string temp = path + ".tmp" + std::to_string(::getpid()) + "_" + std::to_string(rd() % 1000000);
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return Status::Error(path + ": cannot create a file in " + dir + ": " + ErrnoText());
  Status s;
  uint64_t written = 0;
#if defined(__EMSCRIPTEN__)
  // The node CLI's thread pool has no worker to spare for a writer
  // (emscripten.cmake): written inline.
  s = RunFreezeJob(job, source, [&](std::string_view bytes) {
    written += bytes.size();
    CKPT_RETURN_IF_ERROR(WriteAll(fd, bytes, temp));
    if (progress && !progress(written)) return Status::Error(std::string(kFreezeCancelled));
    return Status::Ok();
  });
#else
  {
    PieceWriter writer(fd, temp);
    s = RunOverlapped(job, source, writer, progress);
    const Status w = writer.Finish();  // every queued piece written (or the first error)
    if (s.ok()) s = w;
    written = writer.written();
  }
#endif
  if (s.ok() && ::fsync(fd) != 0) s = Status::Error(temp + ": fsync failed: " + ErrnoText());
  if (::close(fd) != 0 && s.ok()) s = Status::Error(temp + ": close failed: " + ErrnoText());
  // The fsync can take seconds: the last chance to cancel is after it.
  if (s.ok() && progress && !progress(written)) s = Status::Error(std::string(kFreezeCancelled));
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
