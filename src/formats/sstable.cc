// Reads what tests/formats/table_builder_for_test.h (and TF's TableBuilder)
// writes. See sstable.h for the layout.
#include "formats/sstable.h"

#include <snappy.h>

#include <algorithm>

#include "base/coding.h"
#include "base/crc32c.h"

namespace ckptview::formats {
namespace {

// Snappy expands at most ~21x (a 3-byte copy tag yields 64 bytes); anything
// claiming more is corrupt. Also cap one block at 1 GiB.
constexpr uint64_t kMaxSnappyRatio = 32;
constexpr uint64_t kMaxBlockBytes = uint64_t{1} << 30;

std::string Num(uint64_t v) { return std::to_string(v); }

}  // namespace

bool GetBlockHandle(ByteView* in, BlockHandle* handle) {
  return GetVarint64(in, &handle->offset) && GetVarint64(in, &handle->size);
}

void PutBlockHandle(std::string* dst, const BlockHandle& handle) {
  PutVarint64(dst, handle.offset);
  PutVarint64(dst, handle.size);
}

bool EndsWithTableMagic(ByteView tail) {
  return tail.size() >= 8 && DecodeFixed64(tail.data() + tail.size() - 8) == kTableMagicNumber;
}

Status DecodeTableFooter(const std::string& file_name, uint64_t file_size, ByteView footer,
                         BlockHandle* metaindex, BlockHandle* index) {
  if (file_size < kTableFooterSize) {
    return Status::Error(file_name + ": file is too short to be an sstable (" + Num(file_size) +
                         " bytes)");
  }
  if (footer.size() != kTableFooterSize) {
    return Status::Error(file_name + ": internal error: footer must be 48 bytes");
  }
  if (!EndsWithTableMagic(footer)) {
    return Status::Error(file_name + ": not an sstable (bad magic number)");
  }
  ByteView handles = footer.substr(0, 40);
  if (!GetBlockHandle(&handles, metaindex) || !GetBlockHandle(&handles, index)) {
    return Status::Error(file_name + ": bad sstable footer (block handles do not decode)");
  }
  const uint64_t limit = file_size - kTableFooterSize;
  if (index->offset > limit || index->size > limit - index->offset ||
      limit - index->offset - index->size < kBlockTrailerSize) {
    return Status::Error(file_name + ": bad index block handle in footer (offset " +
                         Num(index->offset) + ", size " + Num(index->size) + ", file size " +
                         Num(file_size) + ")");
  }
  return Status::Ok();
}

// ---- Block ----------------------------------------------------------------

Result<Block> Block::Parse(ByteView contents, std::string where) {
  Block b;
  b.data_ = contents;
  b.where_ = std::move(where);
  if (contents.size() < 4) {
    return Status::Error(b.where_ + ": block too short (" + Num(contents.size()) + " bytes)");
  }
  const uint32_t n = DecodeFixed32(contents.data() + contents.size() - 4);
  const uint64_t max_restarts = (contents.size() - 4) / 4;
  if (n > max_restarts) {
    return Status::Error(b.where_ + ": bad restart count " + Num(n) + " (block of " +
                         Num(contents.size()) + " bytes holds at most " + Num(max_restarts) + ")");
  }
  b.num_restarts_ = n;
  b.restarts_offset_ = contents.size() - 4 * (size_t{n} + 1);
  // Restart points must be strictly increasing offsets inside the entry area
  // (the writer records one before each restart entry, the first at 0).
  uint64_t prev = 0;
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t r = DecodeFixed32(contents.data() + b.restarts_offset_ + 4 * size_t{i});
    // (An empty block has the single restart point 0 == end of entries.)
    const bool past_end = r > b.restarts_offset_ || (r == b.restarts_offset_ && r != 0);
    if (past_end || (i == 0 && r != 0) || (i > 0 && r <= prev)) {
      return Status::Error(b.where_ + ": bad restart point " + Num(i) + " (offset " + Num(r) +
                           ", entries end at " + Num(b.restarts_offset_) + ")");
    }
    prev = r;
  }
  return b;
}

void Block::Iter::Fail(const std::string& what) {
  valid_ = false;
  if (status_.ok()) status_ = Status::Error(block_->where_ + ": " + what);
}

bool Block::Iter::DecodeAt(size_t offset) {
  if (offset >= block_->restarts_offset_) {
    valid_ = false;
    return false;
  }
  ByteView in = block_->data_.substr(offset, block_->restarts_offset_ - offset);
  uint32_t shared, unshared, value_len;
  ByteView suffix, value;
  if (!GetVarint32(&in, &shared) || !GetVarint32(&in, &unshared) ||
      !GetVarint32(&in, &value_len)) {
    Fail("bad entry at offset " + Num(offset) + " (lengths do not decode)");
    return false;
  }
  if (shared > key_.size()) {
    Fail("bad entry at offset " + Num(offset) + " (shares " + Num(shared) +
         " bytes with a previous key of " + Num(key_.size()) + ")");
    return false;
  }
  if (!GetBytes(&in, unshared, &suffix) || !GetBytes(&in, value_len, &value)) {
    Fail("bad entry at offset " + Num(offset) + " (key and value of " + Num(unshared) + "+" +
         Num(value_len) + " bytes overrun the block)");
    return false;
  }
  key_.resize(shared);
  key_.append(suffix.chars(), suffix.size());
  value_ = value;
  next_ = block_->restarts_offset_ - in.size();
  valid_ = true;
  return true;
}

bool Block::Iter::KeyAtRestart(uint32_t index, std::string* key) {
  const size_t offset = DecodeFixed32(block_->data_.data() + block_->restarts_offset_ + 4 * size_t{index});
  ByteView in = block_->data_.substr(offset, block_->restarts_offset_ - offset);
  uint32_t shared, unshared, value_len;
  ByteView suffix;
  if (!GetVarint32(&in, &shared) || !GetVarint32(&in, &unshared) ||
      !GetVarint32(&in, &value_len) || !GetBytes(&in, unshared, &suffix)) {
    Fail("bad entry at restart point " + Num(index) + " (offset " + Num(offset) + ")");
    return false;
  }
  if (shared != 0) {
    Fail("bad entry at restart point " + Num(index) + " (offset " + Num(offset) + ") shares " +
         Num(shared) + " key bytes; restart entries must share none");
    return false;
  }
  key->assign(suffix.chars(), suffix.size());
  return true;
}

void Block::Iter::SeekToFirst() {
  key_.clear();
  valid_ = false;
  if (!status_.ok() || block_->num_restarts_ == 0) return;
  DecodeAt(0);
}

void Block::Iter::Next() {
  if (!valid_) return;
  DecodeAt(next_);
}

void Block::Iter::Seek(std::string_view target) {
  valid_ = false;
  if (!status_.ok() || block_->num_restarts_ == 0) return;
  // Last restart point whose key is < target (or the first one).
  uint32_t left = 0, right = block_->num_restarts_ - 1;
  std::string probe;
  while (left < right) {
    const uint32_t mid = left + (right - left + 1) / 2;
    if (!KeyAtRestart(mid, &probe)) return;
    if (probe < target) {
      left = mid;
    } else {
      right = mid - 1;
    }
  }
  key_.clear();
  size_t offset = DecodeFixed32(block_->data_.data() + block_->restarts_offset_ + 4 * size_t{left});
  while (DecodeAt(offset)) {
    if (std::string_view(key_) >= target) return;
    offset = next_;
  }
}

// ---- Table ----------------------------------------------------------------

Result<std::unique_ptr<Table>> Table::Open(std::string file_name, std::string contents) {
  std::unique_ptr<Table> t(new Table());
  t->file_name_ = std::move(file_name);
  t->contents_ = std::move(contents);
  const uint64_t size = t->contents_.size();
  BlockHandle metaindex, index;
  ByteView footer;
  if (size >= kTableFooterSize) footer = ByteView(t->contents_).substr(size - kTableFooterSize, kTableFooterSize);
  CKPT_RETURN_IF_ERROR(DecodeTableFooter(t->file_name_, size, footer, &metaindex, &index));

  CKPT_ASSIGN_OR_RETURN(ByteView index_bytes, t->ReadBlock(index));
  CKPT_ASSIGN_OR_RETURN(Block index_block,
                        Block::Parse(index_bytes, t->file_name_ + ": index block at offset " +
                                                      Num(index.offset)));
  Block::Iter it = index_block.NewIter();
  for (it.SeekToFirst(); it.Valid(); it.Next()) {
    DataBlockRef ref;
    ref.separator = std::string(it.key());
    ByteView v = it.value();
    if (!GetBlockHandle(&v, &ref.handle)) {
      return Status::Error(t->file_name_ + ": bad block handle in index (entry " +
                           Num(t->data_blocks_.size()) + ")");
    }
    const uint64_t limit = size - kTableFooterSize;
    if (ref.handle.offset > limit || ref.handle.size > limit - ref.handle.offset ||
        limit - ref.handle.offset - ref.handle.size < kBlockTrailerSize) {
      return Status::Error(t->file_name_ + ": bad block handle in index (offset " +
                           Num(ref.handle.offset) + ", size " + Num(ref.handle.size) +
                           ", file size " + Num(size) + ")");
    }
    if (!t->data_blocks_.empty() && ref.separator <= t->data_blocks_.back().separator) {
      return Status::Error(t->file_name_ + ": index block keys out of order (entry " +
                           Num(t->data_blocks_.size()) + ")");
    }
    t->data_blocks_.push_back(std::move(ref));
  }
  CKPT_RETURN_IF_ERROR(it.status());
  return t;
}

Status DecodeBlockContents(const std::string& file_name, uint64_t offset, ByteView raw,
                           std::string* scratch, ByteView* contents) {
  if (raw.size() < kBlockTrailerSize) {
    return Status::Error(file_name + ": block at offset " + Num(offset) + " is truncated");
  }
  const uint8_t* p = raw.data();
  const size_t n = raw.size() - kBlockTrailerSize;
  const uint32_t stored = crc32c::Unmask(DecodeFixed32(p + n + 1));
  const uint32_t actual = crc32c::Value(p, n + 1);  // block bytes and the type byte
  if (stored != actual) {
    return Status::Error(file_name + ": block checksum mismatch in block at offset " + Num(offset));
  }
  const uint8_t type = p[n];
  if (type == kNoCompression) {
    *contents = ByteView(p, n);
    return Status::Ok();
  }
  if (type != kSnappyCompression) {
    return Status::Error(file_name + ": unknown compression type " + Num(type) + " in block at offset " +
                         Num(offset));
  }
  size_t raw_size = 0;
  if (!snappy::GetUncompressedLength(reinterpret_cast<const char*>(p), n, &raw_size) ||
      raw_size > kMaxBlockBytes || raw_size > kMaxSnappyRatio * n + 64) {
    return Status::Error(file_name + ": corrupt snappy-compressed block at offset " + Num(offset) +
                         " (bad uncompressed length)");
  }
  if (!snappy::Uncompress(reinterpret_cast<const char*>(p), n, scratch)) {
    return Status::Error(file_name + ": corrupt snappy-compressed block at offset " + Num(offset));
  }
  *contents = ByteView(*scratch);
  return Status::Ok();
}

Result<ByteView> Table::ReadBlock(const BlockHandle& handle) const {
  // Callers have checked that block + trailer lie before the footer.
  ByteView raw = ByteView(contents_).substr(handle.offset, handle.size + kBlockTrailerSize);
  auto scratch = std::make_unique<std::string>();
  ByteView view;
  CKPT_RETURN_IF_ERROR(DecodeBlockContents(file_name_, handle.offset, raw, scratch.get(), &view));
  if (!scratch->empty()) decompressed_.push_back(std::move(scratch));
  return view;
}

Result<const Block*> Table::DataBlock(size_t index) const {
  auto it = blocks_.find(index);
  if (it != blocks_.end()) return static_cast<const Block*>(it->second.get());
  const BlockHandle& h = data_blocks_[index].handle;
  CKPT_ASSIGN_OR_RETURN(ByteView bytes, ReadBlock(h));
  CKPT_ASSIGN_OR_RETURN(Block block,
                        Block::Parse(bytes, file_name_ + ": block at offset " + Num(h.offset)));
  auto owned = std::make_unique<Block>(std::move(block));
  const Block* ptr = owned.get();
  blocks_[index] = std::move(owned);
  return ptr;
}

void Table::Iterator::Capture() {
  valid_ = iter_ && iter_->Valid();
  if (!valid_) return;
  key_.assign(iter_->key());
  value_ = iter_->value();
}

// Positions at the first entry of block `block_index` (or the first >= target
// when `seek`), moving on to later blocks while the current one has no match.
void Table::Iterator::LoadFrom(size_t block_index, std::string_view target, bool seek) {
  valid_ = false;
  for (block_index_ = block_index; block_index_ < table_->data_blocks_.size(); ++block_index_) {
    Result<const Block*> block = table_->DataBlock(block_index_);
    if (!block.ok()) {
      status_ = block.status();
      return;
    }
    block_ = *block;
    iter_ = std::make_unique<Block::Iter>(block_);
    if (seek) {
      iter_->Seek(target);
    } else {
      iter_->SeekToFirst();
    }
    if (!iter_->status().ok()) {
      status_ = iter_->status();
      return;
    }
    if (iter_->Valid()) {
      Capture();
      return;
    }
    seek = false;  // a later block's first key is > target
  }
}

void Table::Iterator::SeekToFirst() {
  status_ = Status::Ok();
  have_prev_ = false;
  LoadFrom(0, {}, false);
}

void Table::Iterator::Seek(std::string_view target) {
  status_ = Status::Ok();
  have_prev_ = false;
  // First block whose separator is >= target holds the first key >= target.
  const auto& blocks = table_->data_blocks_;
  auto it = std::lower_bound(blocks.begin(), blocks.end(), target,
                             [](const DataBlockRef& b, std::string_view t) { return b.separator < t; });
  LoadFrom(static_cast<size_t>(it - blocks.begin()), target, true);
}

void Table::Iterator::Next() {
  if (!valid_) return;
  prev_key_ = key_;
  have_prev_ = true;
  iter_->Next();
  if (!iter_->status().ok()) {
    status_ = iter_->status();
    valid_ = false;
    return;
  }
  if (iter_->Valid()) {
    Capture();
  } else {
    LoadFrom(block_index_ + 1, {}, false);
  }
  if (valid_ && have_prev_ && !(prev_key_ < key_)) {
    valid_ = false;
    status_ = Status::Error(table_->file_name_ + ": keys out of order in block at offset " +
                            Num(table_->data_blocks_[block_index_].handle.offset));
  }
}

Status Table::Get(std::string_view key, bool* found, ByteView* value) const {
  *found = false;
  Iterator it = NewIterator();
  it.Seek(key);
  CKPT_RETURN_IF_ERROR(it.status());
  if (it.Valid() && it.key() == key) {
    *found = true;
    *value = it.value();
  }
  return Status::Ok();
}

}  // namespace ckptview::formats
