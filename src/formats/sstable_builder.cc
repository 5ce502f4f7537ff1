#include "formats/sstable_builder.h"

#include "base/coding.h"
#include "base/crc32c.h"

namespace ckptview::formats {

std::string FindShortestSeparator(const std::string& start, std::string_view limit) {
  size_t min_len = std::min(start.size(), limit.size());
  size_t i = 0;
  while (i < min_len && start[i] == limit[i]) ++i;
  if (i >= min_len) return start;  // one is a prefix of the other
  uint8_t byte = uint8_t(start[i]);
  if (byte < 0xff && byte + 1 < uint8_t(limit[i])) {
    std::string result = start.substr(0, i + 1);
    result[i] = char(byte + 1);
    return result;
  }
  return start;
}

std::string FindShortSuccessor(const std::string& key) {
  for (size_t i = 0; i < key.size(); ++i) {
    if (uint8_t(key[i]) != 0xff) {
      std::string result = key.substr(0, i + 1);
      result[i] = char(uint8_t(key[i]) + 1);
      return result;
    }
  }
  return key;
}

void BlockBuilder::Add(std::string_view key, std::string_view value) {
  size_t shared = 0;
  if (counter_ < restart_interval_) {
    size_t min_len = std::min(last_key_.size(), key.size());
    while (shared < min_len && last_key_[shared] == key[shared]) ++shared;
  } else {
    PutFixed32(&restarts_, uint32_t(buffer_.size()));
    ++num_restarts_;
    counter_ = 0;
  }
  PutVarint32(&buffer_, uint32_t(shared));
  PutVarint32(&buffer_, uint32_t(key.size() - shared));
  PutVarint32(&buffer_, uint32_t(value.size()));
  buffer_.append(key.substr(shared));
  buffer_.append(value);
  last_key_.assign(key);
  ++counter_;
}

std::string BlockBuilder::Finish() {
  std::string out;
  out.swap(buffer_);
  PutFixed32(&out, 0);  // the first restart point
  out += restarts_;
  PutFixed32(&out, uint32_t(num_restarts_));
  *this = BlockBuilder(restart_interval_);
  return out;
}

void SSTableBuilder::WriteBlock(const std::string& contents, std::string* handle) {
  handle->clear();
  PutVarint64(handle, out_.size());
  PutVarint64(handle, contents.size());
  out_ += contents;
  const char type = 0;  // no compression
  uint32_t crc = crc32c::Extend(crc32c::Value(contents.data(), contents.size()), &type, 1);
  out_.push_back(type);
  PutFixed32(&out_, crc32c::Mask(crc));
}

void SSTableBuilder::FlushDataBlock() {
  if (data_.empty()) return;
  WriteBlock(data_.Finish(), &pending_handle_);
}

Status SSTableBuilder::Add(std::string_view key, std::string_view value) {
  if (has_entries_ && key <= std::string_view(last_key_))
    return Status::Error("sstable keys out of order: \"" + std::string(key) + "\" after \"" +
                         last_key_ + "\"");
  // TF flushes before an overly large entry (kOverlyLargeBlockRatio = 2).
  if (has_entries_ && key.size() + value.size() >= 2 * options_.block_size) FlushDataBlock();
  if (!pending_handle_.empty()) {
    index_.Add(FindShortestSeparator(last_key_, key), pending_handle_);
    pending_handle_.clear();
  }
  data_.Add(key, value);
  last_key_.assign(key);
  has_entries_ = true;
  if (data_.SizeEstimate() >= options_.block_size) FlushDataBlock();
  return Status::Ok();
}

std::string SSTableBuilder::Finish() {
  FlushDataBlock();
  std::string metaindex_handle;
  WriteBlock(BlockBuilder().Finish(), &metaindex_handle);
  if (!pending_handle_.empty()) {
    index_.Add(FindShortSuccessor(last_key_), pending_handle_);
    pending_handle_.clear();
  }
  std::string index_handle;
  WriteBlock(index_.Finish(), &index_handle);
  std::string footer = metaindex_handle + index_handle;
  footer.resize(40, '\0');
  PutFixed32(&footer, 0x8b80fb57u);
  PutFixed32(&footer, 0xdb477524u);
  out_ += footer;
  std::string result;
  result.swap(out_);
  *this = SSTableBuilder(options_);
  return result;
}

}  // namespace ckptview::formats
