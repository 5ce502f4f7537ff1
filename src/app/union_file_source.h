// UnionFileSource: several FileSources seen as one, e.g. files picked one by
// one on the desktop command line or dropped together from different folders.
// Each part's paths are listed as they are; a path already listed by an
// earlier part is skipped (and reported by Add).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "formats/file_source.h"

namespace ckptview::app {

class UnionFileSource : public formats::FileSource {
 public:
  // Adds a part; returns the paths skipped because an earlier part lists them.
  std::vector<std::string> Add(std::unique_ptr<formats::FileSource> part);

  const std::vector<formats::FileInfo>& Files() const override { return files_; }
  Result<std::string> ReadAll(const std::string& path) override;
  Status ReadRange(const std::string& path, uint64_t offset, uint64_t size, std::string* out) override;

 private:
  formats::FileSource* PartOf(const std::string& path);

  std::vector<std::unique_ptr<formats::FileSource>> parts_;
  std::vector<formats::FileInfo> files_;
  std::vector<size_t> owner_;  // parallel to files_: index into parts_
};

}  // namespace ckptview::app
