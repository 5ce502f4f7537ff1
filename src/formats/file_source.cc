#include "formats/file_source.h"

#include <algorithm>
#include <utility>

#include "base/crc32c.h"

namespace ckptview::formats {

Status FileSource::Crc32cOfRange(const std::string& path, uint64_t offset, uint64_t size, uint32_t* crc) {
  constexpr uint64_t kPiece = 1 << 20;  // stays in cache between read and crc
  std::string buffer;
  *crc = 0;
  for (uint64_t done = 0; done < size; done += buffer.size()) {
    CKPT_RETURN_IF_ERROR(ReadRange(path, offset + done, std::min(kPiece, size - done), &buffer));
    *crc = crc32c::Extend(*crc, buffer.data(), buffer.size());
  }
  return Status::Ok();
}

void MemoryFileSource::Add(std::string path, std::string contents) {
  const uint64_t size = contents.size();
  auto data = std::make_unique<std::string>(std::move(contents));
  for (size_t i = 0; i < files_.size(); ++i) {
    if (files_[i].path == path) {  // replace: a source lists each path once
      files_[i].size = size;
      contents_[i] = std::move(data);
      return;
    }
  }
  files_.push_back({std::move(path), size});
  contents_.push_back(std::move(data));
}

void MemoryFileSource::AddUnread(std::string path, uint64_t size) {
  for (size_t i = 0; i < files_.size(); ++i) {
    if (files_[i].path == path) {
      files_[i].size = size;
      contents_[i].reset();
      return;
    }
  }
  files_.push_back({std::move(path), size});
  contents_.push_back(nullptr);
}

Result<std::string> MemoryFileSource::ReadAll(const std::string& path) {
  for (size_t i = 0; i < files_.size(); ++i) {
    if (files_[i].path != path) continue;
    if (!contents_[i]) return Status::Error(path + ": contents not loaded (listed only)");
    return *contents_[i];
  }
  return Status::Error(path + ": no such file");
}

Status MemoryFileSource::ReadRange(const std::string& path, uint64_t offset, uint64_t size,
                                   std::string* out) {
  for (size_t i = 0; i < files_.size(); ++i) {
    if (files_[i].path != path) continue;
    if (!contents_[i]) return Status::Error(path + ": contents not loaded (listed only)");
    const std::string& data = *contents_[i];
    if (offset > data.size() || size > data.size() - offset) {
      return Status::Error(path + ": read of " + std::to_string(size) + " bytes at offset " +
                           std::to_string(offset) + " is past the end of the file (" +
                           std::to_string(data.size()) + " bytes)");
    }
    out->assign(data, offset, size);
    return Status::Ok();
  }
  return Status::Error(path + ": no such file");
}

// ---- path helpers --------------------------------------------------------

namespace {
bool IsSep(char c) { return c == '/' || c == '\\'; }
}  // namespace

bool IsAbsolutePath(const std::string& path) {
  if (path.empty()) return false;
  if (IsSep(path[0])) return true;
  // "C:\x" or "C:/x": a drive letter.
  return path.size() >= 3 && ((path[0] >= 'A' && path[0] <= 'Z') || (path[0] >= 'a' && path[0] <= 'z')) &&
         path[1] == ':' && IsSep(path[2]);
}

std::string PathDirName(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return "";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string PathBaseName(const std::string& path) {
  size_t i = path.size();
  while (i > 0 && !IsSep(path[i - 1])) --i;
  return path.substr(i);
}

std::string PathJoin(const std::string& dir, const std::string& name) {
  if (dir.empty() || IsAbsolutePath(name)) return name;
  if (name.empty()) return dir;
  if (dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

std::string NormalizePath(const std::string& path) {
  if (path.empty()) return path;
  const bool absolute = path[0] == '/';
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    std::string part = path.substr(i, j - i);
    i = j + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
        continue;
      }
      if (absolute) continue;  // "/.." is "/"
    }
    parts.push_back(std::move(part));
  }
  std::string out = absolute ? "/" : "";
  for (size_t k = 0; k < parts.size(); ++k) {
    if (k) out += '/';
    out += parts[k];
  }
  if (out.empty()) out = ".";
  return out;
}

}  // namespace ckptview::formats
