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

}  // namespace ckptview::formats
