#include "app/union_file_source.h"

#include <utility>

namespace ckptview::app {

std::vector<std::string> UnionFileSource::Add(std::unique_ptr<formats::FileSource> part) {
  std::vector<std::string> skipped;
  if (!part) return skipped;
  const size_t index = parts_.size();
  for (const auto& f : part->Files()) {
    if (Find(f.path)) {
      skipped.push_back(f.path);
      continue;
    }
    files_.push_back(f);
    owner_.push_back(index);
  }
  parts_.push_back(std::move(part));
  return skipped;
}

formats::FileSource* UnionFileSource::PartOf(const std::string& path) {
  for (size_t i = 0; i < files_.size(); ++i)
    if (files_[i].path == path) return parts_[owner_[i]].get();
  return nullptr;
}

Result<std::string> UnionFileSource::ReadAll(const std::string& path) {
  formats::FileSource* part = PartOf(path);
  if (!part) return Status::Error(path + ": no such file");
  return part->ReadAll(path);
}

Status UnionFileSource::ReadRange(const std::string& path, uint64_t offset, uint64_t size,
                                  std::string* out) {
  formats::FileSource* part = PartOf(path);
  if (!part) return Status::Error(path + ": no such file");
  return part->ReadRange(path, offset, size, out);
}

}  // namespace ckptview::app
