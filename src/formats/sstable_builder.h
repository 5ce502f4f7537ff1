// SSTableBuilder: writes TF's table format (LevelDB's, no filter blocks),
// with TF's options: 256 KiB blocks, restart interval 16, index restart 1, no
// compression. The reader of these bytes is sstable.h. FORMATS.md section 2.6.
//
//   [data block][trailer]... [metaindex block][trailer] [index block][trailer] [footer 48 B]
//   trailer = type byte (0) + masked crc32c(block ‖ type)
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace ckptview::formats {

class SSTableBuilder {
 public:
  // Keys must be added in strictly increasing bytewise order.
  Status Add(std::string_view key, std::string_view value);
  // Finishes the table and returns its bytes; the builder is then empty.
  std::string Finish();

 private:
  struct Block {
    explicit Block(int interval = 16) : restart_interval(interval) {}
    std::string buffer;
    std::string last_key;
    int counter = 0;
    int restart_interval = 16;
    std::string restarts;  // Fixed32 offsets
    int num_restarts = 1;
    size_t SizeEstimate() const { return buffer.size() + 4 * num_restarts + 4; }
    void Add(std::string_view key, std::string_view value);
    std::string Finish();
  };
  void FlushDataBlock();
  void WriteBlock(const std::string& contents, std::string* handle);

  static constexpr size_t kBlockSize = 262144;
  std::string out_;
  Block data_;
  Block index_{1};
  std::string last_key_;
  std::string pending_handle_;  // handle of the last flushed block awaiting its index key
  bool has_entries_ = false;
};

// TF's key shortening for index entries (FORMATS.md 2.5).
std::string FindShortestSeparator(const std::string& start, std::string_view limit);
std::string FindShortSuccessor(const std::string& key);

}  // namespace ckptview::formats
