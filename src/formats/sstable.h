// SSTable reader: LevelDB's table format as TensorFlow writes it (no filter
// blocks, bytewise keys), used by `.index` files and V1 checkpoints.
// FORMATS.md section 2; TF's tsl/lib/io/{format,block,table}.cc. The writers
// of these bytes are sstable_builder.h and, with every knob for corrupt
// cases, tests/formats/table_builder_for_test.h.
//
// File:
//   [data block 0][trailer] ... [data block N-1][trailer]
//   [metaindex block][trailer] [index block][trailer] [footer: 48 bytes]
// Block (data, metaindex and index alike):
//   entry* restart[num_restarts] (Fixed32 each) num_restarts (Fixed32)
//   entry := shared:Varint32 unshared:Varint32 value_len:Varint32
//            key_suffix[unshared] value[value_len]
//   key = previous key[0, shared) + key_suffix; shared == 0 at restart points.
// Trailer (5 bytes): compression type (0 none, 1 snappy), then the masked
//   crc32c of (block bytes as stored || type byte), Fixed32.
// Footer: metaindex handle, index handle (BlockHandle = Varint64 offset,
//   Varint64 size without trailer), zero padding to 40 bytes, magic
//   0xdb4775248b80fb57 as Fixed64 (bytes 57 fb 80 8b 24 75 47 db).
// Index block: one entry per data block, key >= every key in that block,
//   value = the data block's BlockHandle.
//
// Every decode is bounded by the block it reads; a corrupt file gives a
// Status naming the file and the offset, never a crash.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/byte_view.h"
#include "base/status.h"

namespace ckptview::formats {

// Protobuf parses take an int size: larger inputs are refused up front.
inline constexpr size_t kMaxProtoBytes = 0x7fffffff;

inline constexpr uint64_t kTableMagicNumber = 0xdb4775248b80fb57ull;
inline constexpr size_t kTableFooterSize = 48;
inline constexpr size_t kBlockTrailerSize = 5;
inline constexpr uint8_t kNoCompression = 0;
inline constexpr uint8_t kSnappyCompression = 1;

struct BlockHandle {
  uint64_t offset = 0;
  uint64_t size = 0;  // without the 5-byte trailer
};
bool GetBlockHandle(ByteView* in, BlockHandle* handle);
void PutBlockHandle(std::string* dst, const BlockHandle& handle);

// True if `tail` (the last 8 or more bytes of a file) ends with the table magic.
bool EndsWithTableMagic(ByteView tail);

// Checks a file's size and its footer (its last 48 bytes) and decodes the two
// handles. The cheap sniff used before reading a whole file.
Status DecodeTableFooter(const std::string& file_name, uint64_t file_size, ByteView footer,
                         BlockHandle* metaindex, BlockHandle* index);

// Verifies a block read as `raw` (its bytes plus the 5-byte trailer) from
// `offset` of `file_name` and sets `*contents` to its entries: a view of
// `raw`, or of `*scratch` when the block was snappy-compressed.
Status DecodeBlockContents(const std::string& file_name, uint64_t offset, ByteView raw,
                           std::string* scratch, ByteView* contents);

// One decoded block: entries plus the restart array, checked on Parse.
// Views into bytes owned elsewhere (the Table).
class Block {
 public:
  // `where` names the block in errors, e.g. "m.index: block at offset 812".
  static Result<Block> Parse(ByteView contents, std::string where);

  class Iter {
   public:
    explicit Iter(const Block* block) : block_(block) {}
    bool Valid() const { return valid_; }
    const Status& status() const { return status_; }
    std::string_view key() const { return key_; }
    ByteView value() const { return value_; }
    void SeekToFirst();
    // First entry with key >= target: binary search over restart points,
    // then a linear scan.
    void Seek(std::string_view target);
    void Next();

   private:
    bool DecodeAt(size_t offset);  // decodes the entry at `offset` after key_
    bool KeyAtRestart(uint32_t index, std::string* key);
    void Fail(const std::string& what);

    const Block* block_;
    bool valid_ = false;
    Status status_;
    size_t next_ = 0;  // offset of the entry after the current one
    std::string key_;
    ByteView value_;
  };
  Iter NewIter() const { return Iter(this); }

  uint32_t num_restarts() const { return num_restarts_; }

 private:
  ByteView data_;              // whole block
  size_t restarts_offset_ = 0;  // entries occupy [0, restarts_offset_)
  uint32_t num_restarts_ = 0;
  std::string where_;
};

// A whole table held in memory (index files and V1 checkpoints are handed
// whole). Blocks are read, checksum-verified and decompressed on first use
// and cached, so a Table is NOT safe to use from several threads at once;
// views it returns stay valid for the Table's lifetime.
class Table {
 public:
  static Result<std::unique_ptr<Table>> Open(std::string file_name, std::string contents);

  const std::string& file_name() const { return file_name_; }
  uint64_t file_size() const { return contents_.size(); }
  size_t num_data_blocks() const { return data_blocks_.size(); }

  // Sequential and seeking iteration over all entries, in key order. A
  // sequential scan also checks that keys strictly increase.
  class Iterator {
   public:
    bool Valid() const { return valid_; }
    const Status& status() const { return status_; }
    std::string_view key() const { return key_; }
    ByteView value() const { return value_; }
    void SeekToFirst();
    void Seek(std::string_view target);
    void Next();

   private:
    friend class Table;
    explicit Iterator(const Table* t) : table_(t) {}
    void LoadFrom(size_t block_index, std::string_view seek_target, bool seek);
    void Capture();

    const Table* table_;
    size_t block_index_ = 0;
    const Block* block_ = nullptr;
    std::unique_ptr<Block::Iter> iter_;
    bool valid_ = false;
    Status status_;
    std::string key_;
    std::string prev_key_;
    bool have_prev_ = false;
    ByteView value_;
  };
  Iterator NewIterator() const { return Iterator(this); }

  // Exact-key lookup. `*found` false (and OK) if the key is absent.
  Status Get(std::string_view key, bool* found, ByteView* value) const;

 private:
  Table() = default;
  // Reads, verifies and (if needed) decompresses the block at `handle`.
  Result<ByteView> ReadBlock(const BlockHandle& handle) const;
  Result<const Block*> DataBlock(size_t index) const;

  std::string file_name_;
  std::string contents_;
  struct DataBlockRef {
    std::string separator;  // index key: >= every key in the block
    BlockHandle handle;
  };
  std::vector<DataBlockRef> data_blocks_;
  // Cache of parsed data blocks (and their decompressed bytes), by index.
  mutable std::map<size_t, std::unique_ptr<Block>> blocks_;
  mutable std::vector<std::unique_ptr<std::string>> decompressed_;
};

}  // namespace ckptview::formats
