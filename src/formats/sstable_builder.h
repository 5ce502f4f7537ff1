// SSTableBuilder: writes TF's table format (LevelDB's, no filter blocks),
// by default with TF's options: 256 KiB blocks, restart interval 16, index
// restart 1, no compression. The reader of these bytes is sstable.h.
// FORMATS.md section 2.6.
//
//   [data block][trailer]... [metaindex block][trailer] [index block][trailer] [footer 48 B]
//   trailer = type byte (0) + masked crc32c(block ‖ type)
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace ckptview::formats {

// One block (FORMATS.md 2.2): prefix-compressed entries, a restart point
// every `restart_interval` entries, then the restart array and its count.
// Takes keys in the order given; SSTableBuilder checks that they increase.
class BlockBuilder {
 public:
  explicit BlockBuilder(int restart_interval = 16) : restart_interval_(restart_interval) {}
  void Add(std::string_view key, std::string_view value);
  // The size Finish() would return now.
  size_t SizeEstimate() const { return buffer_.size() + 4 * num_restarts_ + 4; }
  bool empty() const { return buffer_.empty(); }
  // The block's bytes; the builder is then empty.
  std::string Finish();

 private:
  int restart_interval_;
  std::string buffer_;
  std::string last_key_;
  int counter_ = 0;
  std::string restarts_;  // Fixed32 offsets after the first, 0
  size_t num_restarts_ = 1;
};

// TF's TableOptions (FORMATS.md 2.6). TF writes with these defaults; tests use
// others to reach many blocks and restart points cheaply.
struct SSTableOptions {
  size_t block_size = 262144;
  int restart_interval = 16;
};

class SSTableBuilder {
 public:
  explicit SSTableBuilder(const SSTableOptions& options = {})
      : options_(options), data_(options.restart_interval) {}
  // Keys must be added in strictly increasing bytewise order.
  Status Add(std::string_view key, std::string_view value);
  // Finishes the table and returns its bytes; the builder is then empty.
  std::string Finish();

 private:
  void FlushDataBlock();
  void WriteBlock(const std::string& contents, std::string* handle);

  SSTableOptions options_;
  std::string out_;
  BlockBuilder data_;
  BlockBuilder index_{1};
  std::string last_key_;
  std::string pending_handle_;  // handle of the last flushed block awaiting its index key
  bool has_entries_ = false;
};

// TF's key shortening for index entries (FORMATS.md 2.5).
std::string FindShortestSeparator(const std::string& start, std::string_view limit);
std::string FindShortSuccessor(const std::string& key);

}  // namespace ckptview::formats
