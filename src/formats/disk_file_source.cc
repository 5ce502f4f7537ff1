#include "formats/disk_file_source.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <future>

#include "base/crc32c.h"

#ifdef __EMSCRIPTEN__
#include <emscripten/emscripten.h>
// The checksum helper of the node CLI (src/cli/node_helper.js, linked as a
// JS library): a worker thread running a second instance of this module.
// A range is shared with it as `pieces` pieces of `piece` bytes (the last
// shorter) that both threads claim, in any order, until none is left.
extern "C" {
// Offers the range (`path` on disk) to the helper; false if it is not ready
// (still starting, or gone): the caller then does the range alone.
int ckpt_helper_begin(const char* path, double offset, double size, double piece, int pieces);
// The next unclaimed piece of the offered range, or -1.
int ckpt_helper_claim();
// Waits until the helper has left the range; for each piece it did, sets
// done[i] = 1 and crcs[i] (a piece it failed stays 0 in done).
void ckpt_helper_end(uint32_t* crcs, uint8_t* done);
}
#endif

namespace ckptview::formats {
namespace {

std::string ErrnoText(int err) { return std::strerror(err); }

std::string HumanBytes(uint64_t n) {
  char buf[64];
  if (n >= (uint64_t{1} << 30)) {
    std::snprintf(buf, sizeof buf, "%.1f GiB", double(n) / double(uint64_t{1} << 30));
  } else {
    std::snprintf(buf, sizeof buf, "%llu bytes", static_cast<unsigned long long>(n));
  }
  return buf;
}

// Lists regular files below `dir` (disk path) into `out` with paths relative
// to the root (`rel` is `dir` relative to the root).
Status ListFolder(const std::string& dir, const std::string& rel, int depth,
                  std::vector<FileInfo>* out) {
  if (depth > 64) return Status::Error(dir + ": folders nested too deeply");
  DIR* d = opendir(dir.c_str());
  if (!d) return Status::Error(dir + ": cannot list folder: " + ErrnoText(errno));
  std::vector<std::string> names;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    names.push_back(std::move(name));
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    const std::string disk = dir + "/" + name;
    const std::string relative = rel.empty() ? name : rel + "/" + name;
    struct stat st;
    if (lstat(disk.c_str(), &st) != 0) continue;  // vanished while listing
    if (S_ISLNK(st.st_mode)) {
      // Follow links to files only, so a link cannot make a cycle.
      if (stat(disk.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    }
    if (S_ISDIR(st.st_mode)) {
      CKPT_RETURN_IF_ERROR(ListFolder(disk, relative, depth + 1, out));
    } else if (S_ISREG(st.st_mode)) {
      out->push_back({relative, static_cast<uint64_t>(st.st_size)});
    }
    if (out->size() > DiskFileSource::kMaxFiles) {
      return Status::Error(dir + ": more than " + std::to_string(DiskFileSource::kMaxFiles) +
                           " files; open a smaller folder");
    }
  }
  return Status::Ok();
}

// Sizes `out` to `size` bytes. For large buffers, asks for transparent huge
// pages before the first touch: faulting in a multi-GB tensor 4 KiB at a
// time costs several times the read itself.
void PrepareBuffer(std::string* out, size_t size) {
#ifdef MADV_HUGEPAGE
  constexpr size_t kHuge = size_t{2} << 20;
  if (size >= 4 * kHuge && out->capacity() < size) {
    std::string().swap(*out);  // a fresh allocation, not yet touched
    out->reserve(size);
    const uintptr_t begin = (reinterpret_cast<uintptr_t>(out->data()) + kHuge - 1) & ~(kHuge - 1);
    const uintptr_t end = (reinterpret_cast<uintptr_t>(out->data()) + size) & ~(kHuge - 1);
    if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
  }
#endif
  out->resize(size);
}

}  // namespace

Result<std::unique_ptr<DiskFileSource>> DiskFileSource::Open(const std::string& path) {
  std::unique_ptr<DiskFileSource> src(new DiskFileSource());
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return Status::Error(path + ": " + ErrnoText(errno));
  if (S_ISDIR(st.st_mode)) {
    src->root_ = path;
    while (src->root_.size() > 1 && src->root_.back() == '/') src->root_.pop_back();
    CKPT_RETURN_IF_ERROR(ListFolder(src->root_, "", 0, &src->files_));
    // Sorted per folder above; sort whole paths so the order is one rule.
    std::sort(src->files_.begin(), src->files_.end(),
              [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
  } else if (S_ISREG(st.st_mode)) {
    std::string dir = PathDirName(path);
    src->root_ = dir.empty() ? "." : dir;
    src->files_.push_back({PathBaseName(path), static_cast<uint64_t>(st.st_size)});
  } else {
    return Status::Error(path + ": not a file or folder");
  }
  for (size_t i = 0; i < src->files_.size(); ++i) src->index_[src->files_[i].path] = i;
  return src;
}

struct DiskFileSource::OpenFile {
  explicit OpenFile(int f) : fd(f) {}
  ~OpenFile() { close(fd); }
  int fd;
};

DiskFileSource::~DiskFileSource() = default;

std::string DiskFileSource::DiskPath(const std::string& path) const {
  if (index_.find(path) == index_.end()) return "";
  return root_ + "/" + path;
}

Result<std::shared_ptr<DiskFileSource::OpenFile>> DiskFileSource::Acquire(const std::string& path,
                                                                         uint64_t* size) {
  auto it = index_.find(path);
  if (it == index_.end()) return Status::Error(path + ": no such file");
  *size = files_[it->second].size;
  std::lock_guard<std::mutex> lock(mu_);
  auto open_it = open_.find(path);
  if (open_it != open_.end()) return open_it->second;
  const std::string disk = root_ + "/" + path;
  int fd;
  do {
    fd = open(disk.c_str(), O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return Status::Error(path + ": cannot open: " + ErrnoText(errno));
  // Keep a bounded number of descriptors cached; a reader still using an
  // evicted one holds its own reference, so it is closed only after use.
  if (open_.size() >= 64) open_.clear();
  auto file = std::make_shared<OpenFile>(fd);
  open_[path] = file;
  return file;
}

Result<std::string> DiskFileSource::ReadAll(const std::string& path) {
  auto it = index_.find(path);
  if (it == index_.end()) return Status::Error(path + ": no such file");
  const uint64_t size = files_[it->second].size;
  if (size > kMaxReadAllBytes) {
    return Status::Error(path + ": file is too large to load whole (" + HumanBytes(size) +
                         ", limit 2 GiB)");
  }
  std::string out;
  CKPT_RETURN_IF_ERROR(ReadRange(path, 0, size, &out));
  return out;
}

Status DiskFileSource::ReadRange(const std::string& path, uint64_t offset, uint64_t size,
                                 std::string* out) {
  return ReadRangeVisiting(path, offset, size, out, nullptr);
}

Status DiskFileSource::ReadRangeVisiting(const std::string& path, uint64_t offset, uint64_t size,
                                         std::string* out,
                                         const std::function<void(const char*, size_t)>& visit) {
  uint64_t file_size = 0;
  Result<std::shared_ptr<OpenFile>> file = Acquire(path, &file_size);
  if (!file.ok()) return file.status();
  const int fd = (*file)->fd;
  if (offset > file_size || size > file_size - offset) {
    return Status::Error(path + ": read of " + std::to_string(size) + " bytes at offset " +
                         std::to_string(offset) + " is past the end of the file (" +
                         std::to_string(file_size) + " bytes)");
  }
  if (size > out->max_size()) return Status::Error(path + ": read too large for memory");
  PrepareBuffer(out, size_t(size));
  char* dst = out->data();
  constexpr size_t kPiece = size_t{4} << 20;
  // Large reads visit piece k on a helper thread while piece k+1 is read,
  // so a checksum costs (almost) nothing on top of the copy.
#ifdef CKPT_NO_THREADS  // wasm without pthreads
  const bool overlap = false;
#else
  const bool overlap = visit && size >= 16 * kPiece;
#endif
  std::future<void> visiting;
  auto finish_visit = [&visiting]() {
    if (visiting.valid()) visiting.get();
  };
  uint64_t done = 0;
  while (done < size) {
    const size_t want = static_cast<size_t>(std::min<uint64_t>(size - done, kPiece));
    size_t got = 0;
    while (got < want) {
      const ssize_t n = pread(fd, dst + done + got, want - got, static_cast<off_t>(offset + done + got));
      if (n < 0) {
        if (errno == EINTR) continue;
        finish_visit();
        return Status::Error(path + ": read error at offset " + std::to_string(offset + done + got) + ": " +
                             ErrnoText(errno));
      }
      if (n == 0) {
        finish_visit();
        return Status::Error(path + ": file shrank while reading (ended at offset " +
                             std::to_string(offset + done + got) + ")");
      }
      got += static_cast<size_t>(n);
    }
    if (overlap) {
      finish_visit();  // pieces are visited in order
      const char* piece = dst + done;
      visiting = std::async(std::launch::async, [&visit, piece, want] { visit(piece, want); });
    } else if (visit) {
      visit(dst + done, want);
    }
    done += want;
  }
  finish_visit();
  return Status::Ok();
}

Status DiskFileSource::Crc32cOfRange(const std::string& path, uint64_t offset, uint64_t size, uint32_t* crc) {
#ifdef __EMSCRIPTEN__
  constexpr uint64_t kPiece = uint64_t{1} << 20;  // stays in cache between read and crc
  constexpr uint64_t kMaxPieces = 1024;           // per offer (node_helper.js has room for this many)
  const std::string disk = DiskPath(path);
  if (size >= 4 * kPiece && !disk.empty()) {
    static const crc32c::Combiner join_piece(kPiece);
    std::string buffer;
    std::vector<uint32_t> crcs;
    std::vector<uint8_t> mine, helped;
    uint64_t part = 0;
    for (uint64_t done = 0; done < size; done += part) {
      part = std::min(size - done, kMaxPieces * kPiece);
      const uint64_t at = offset + done;
      const size_t pieces = size_t((part + kPiece - 1) / kPiece);
      auto piece_size = [&](size_t i) { return std::min(kPiece, part - i * kPiece); };
      uint32_t part_crc = 0;
      if (!ckpt_helper_begin(disk.c_str(), double(at), double(part), double(kPiece), int(pieces))) {
        CKPT_RETURN_IF_ERROR(FileSource::Crc32cOfRange(path, at, part, &part_crc));
      } else {
        crcs.assign(pieces, 0);
        mine.assign(pieces, 0);
        helped.assign(pieces, 0);
        for (int i; (i = ckpt_helper_claim()) >= 0;) {
          if (!ReadRange(path, at + uint64_t(i) * kPiece, piece_size(size_t(i)), &buffer).ok()) break;
          crcs[size_t(i)] = crc32c::Value(buffer.data(), buffer.size());
          mine[size_t(i)] = 1;
        }
        ckpt_helper_end(crcs.data(), helped.data());
        // A piece that failed here or in the helper is redone in order, so
        // the error reported is that of the first bad piece, as alone.
        for (size_t i = 0; i < pieces; ++i) {
          if (mine[i] || helped[i]) continue;
          CKPT_RETURN_IF_ERROR(ReadRange(path, at + i * kPiece, piece_size(i), &buffer));
          crcs[i] = crc32c::Value(buffer.data(), buffer.size());
        }
        part_crc = crcs[0];
        for (size_t i = 1; i < pieces; ++i) {
          part_crc = piece_size(i) == kPiece ? join_piece(part_crc, crcs[i])
                                             : crc32c::Combine(part_crc, crcs[i], piece_size(i));
        }
      }
      *crc = done == 0 ? part_crc : crc32c::Combine(*crc, part_crc, part);
    }
    return Status::Ok();
  }
#endif
  return FileSource::Crc32cOfRange(path, offset, size, crc);
}

}  // namespace ckptview::formats

#ifdef __EMSCRIPTEN__
// What the helper runs (src/cli/node_helper.js, in the worker): open the
// file `path` (in the buffer below) for a range, checksum its pieces, close.
extern "C" EMSCRIPTEN_KEEPALIVE int ckpt_helper_open(const char* path) {
  int fd;
  do {
    fd = open(path, O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  return fd;
}

extern "C" EMSCRIPTEN_KEEPALIVE void ckpt_helper_close(int fd) { close(fd); }

// The CRC-32C of `size` (<= 1 MiB) bytes at `offset` of `fd`, or -1 if they
// cannot all be read.
extern "C" EMSCRIPTEN_KEEPALIVE double ckpt_helper_piece_crc(int fd, double offset, double size) {
  static std::string buffer;
  const size_t want = size_t(size);
  if (fd < 0 || want > (size_t{1} << 20)) return -1;
  buffer.resize(want);
  size_t got = 0;
  while (got < want) {
    const ssize_t n = pread(fd, buffer.data() + got, want - got, off_t(uint64_t(offset) + got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    got += size_t(n);
  }
  return double(ckptview::crc32c::Value(buffer.data(), want));
}

// Room for the helper's `path` argument (n bytes and a NUL).
extern "C" EMSCRIPTEN_KEEPALIVE char* ckpt_helper_path_buffer(int n) {
  static std::string path;
  path.assign(size_t(n) + 1, '\0');
  return path.data();
}
#endif
