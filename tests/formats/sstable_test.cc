#include "formats/sstable.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "base/coding.h"
#include "base/crc32c.h"
#include "formats/sstable_builder.h"
#include "formats/table_builder_for_test.h"

namespace ckptview::formats {
namespace {

using testing::BuildTable;
using KV = std::vector<std::pair<std::string, std::string>>;

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

KV ManyEntries(int n) {
  KV kv;
  for (int i = 0; i < n; ++i) {
    char key[32];
    std::snprintf(key, sizeof key, "layer_%04d/kernel", i);
    kv.emplace_back(key, std::string(size_t(i % 37), char('a' + i % 26)));
  }
  return kv;
}

KV ReadAllEntries(const Table& t) {
  KV out;
  Table::Iterator it = t.NewIterator();
  for (it.SeekToFirst(); it.Valid(); it.Next()) out.emplace_back(std::string(it.key()), std::string(it.value().str()));
  EXPECT_TRUE(it.status().ok()) << it.status().message();
  return out;
}

// Handles of every data block, from the index block.
std::vector<BlockHandle> DataBlockHandles(const std::string& file);

std::unique_ptr<Table> MustOpen(std::string bytes, const std::string& name = "t.index") {
  auto t = Table::Open(name, std::move(bytes));
  EXPECT_TRUE(t.ok()) << t.status().message();
  return t.ok() ? std::move(t).value() : nullptr;
}

// Rewrites the trailer crc of the block at [offset, offset+size) after an edit.
void FixBlockCrc(std::string* file, uint64_t offset, uint64_t size) {
  const uint32_t crc = crc32c::Value(file->data() + offset, size + 1);
  EncodeFixed32(reinterpret_cast<uint8_t*>(&(*file)[offset + size + 1]), crc32c::Mask(crc));
}

BlockHandle IndexHandle(const std::string& file) {
  ByteView footer = ByteView(file).substr(file.size() - kTableFooterSize, kTableFooterSize);
  BlockHandle meta, index;
  EXPECT_TRUE(GetBlockHandle(&footer, &meta) && GetBlockHandle(&footer, &index));
  return index;
}

TEST(SSTableTest, RoundTripSingleBlock) {
  KV kv = {{"", "header"}, {"a", "1"}, {"ab", "2"}, {"abc", ""}, {"b", std::string(300, 'x')}};
  auto t = MustOpen(BuildTable(kv));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->num_data_blocks(), 1u);
  EXPECT_EQ(ReadAllEntries(*t), kv);
}

TEST(SSTableTest, EmptyTableHasNoEntries) {
  auto t = MustOpen(BuildTable({}));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->num_data_blocks(), 0u);
  EXPECT_TRUE(ReadAllEntries(*t).empty());
  bool found = true;
  ByteView v;
  EXPECT_TRUE(t->Get("x", &found, &v).ok());
  EXPECT_FALSE(found);
}

TEST(SSTableTest, ManyBlocksPrefixCompressionAndRestarts) {
  KV kv = ManyEntries(2000);
  for (int interval : {1, 2, 16, 100}) {
    SSTableOptions o;
    o.block_size = 1024;
    o.restart_interval = interval;
    auto t = MustOpen(BuildTable(kv, o));
    ASSERT_TRUE(t);
    EXPECT_GT(t->num_data_blocks(), 10u);
    EXPECT_EQ(ReadAllEntries(*t), kv) << "interval " << interval;
    // Exact lookups go through the index and the restart-point binary search.
    for (size_t i = 0; i < kv.size(); i += 7) {
      bool found = false;
      ByteView v;
      ASSERT_TRUE(t->Get(kv[i].first, &found, &v).ok());
      ASSERT_TRUE(found) << kv[i].first;
      EXPECT_EQ(v.str(), kv[i].second);
    }
    // Between keys: Seek lands on the next key; past the end: invalid.
    Table::Iterator it = t->NewIterator();
    it.Seek("layer_0100/kernelz");
    ASSERT_TRUE(it.Valid());
    EXPECT_EQ(it.key(), "layer_0101/kernel");
    it.Seek("");
    ASSERT_TRUE(it.Valid());
    EXPECT_EQ(it.key(), kv.front().first);
    it.Seek("zzz");
    EXPECT_FALSE(it.Valid());
    EXPECT_TRUE(it.status().ok());
    bool found = true;
    ByteView v;
    ASSERT_TRUE(t->Get("layer_0100/kerne", &found, &v).ok());
    EXPECT_FALSE(found);
  }
}

TEST(SSTableTest, LargeValueGetsItsOwnBlock) {
  SSTableOptions o;
  o.block_size = 4096;
  KV kv = {{"a", "small"}, {"b", std::string(10000, 'B')}, {"c", "small"}};
  auto t = MustOpen(BuildTable(kv, o));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->num_data_blocks(), 3u);
  EXPECT_EQ(ReadAllEntries(*t), kv);
}

TEST(SSTableTest, SnappyCompressedBlocks) {
  SSTableOptions o;
  o.block_size = 2048;
  KV kv = ManyEntries(500);
  std::string bytes = testing::SnappyCompressedTable(BuildTable(kv, o));
  EXPECT_LT(bytes.size(), BuildTable(kv).size());  // really compressed
  auto t = MustOpen(bytes);
  ASSERT_TRUE(t);
  EXPECT_EQ(ReadAllEntries(*t), kv);
  bool found = false;
  ByteView v;
  ASSERT_TRUE(t->Get(kv[250].first, &found, &v).ok());
  EXPECT_TRUE(found);
  EXPECT_EQ(v.str(), kv[250].second);
}

TEST(SSTableTest, CorruptSnappyBlockIsAnError) {
  std::string file = testing::SnappyCompressedTable(BuildTable(ManyEntries(50)));
  std::vector<BlockHandle> blocks = DataBlockHandles(file);
  ASSERT_EQ(blocks.size(), 1u);
  // An absurd uncompressed length in the snappy preamble, with a valid crc.
  const char preamble[] = {char(0xff), char(0xff), char(0xff), char(0xff), char(0x0f)};
  file.replace(0, 5, preamble, 5);
  FixBlockCrc(&file, blocks[0].offset, blocks[0].size);
  auto t = Table::Open("t.index", file);
  ASSERT_TRUE(t.ok());
  Table::Iterator it = (*t)->NewIterator();
  it.SeekToFirst();
  EXPECT_FALSE(it.Valid());
  EXPECT_EQ(it.status().message(), "t.index: corrupt snappy-compressed block at offset 0 (bad uncompressed length)");
  // A plausible length but garbage after it.
  std::string file2 = testing::SnappyCompressedTable(BuildTable(ManyEntries(50)));
  for (size_t i = 3; i < blocks[0].size; ++i) file2[i] = char(0xfe);
  FixBlockCrc(&file2, blocks[0].offset, blocks[0].size);
  auto t2 = Table::Open("t.index", file2);
  ASSERT_TRUE(t2.ok());
  Table::Iterator it2 = (*t2)->NewIterator();
  it2.SeekToFirst();
  EXPECT_FALSE(it2.Valid());
  EXPECT_NE(it2.status().message().find("t.index: corrupt snappy-compressed block at offset 0"), std::string::npos)
      << it2.status().message();
}

TEST(SSTableTest, TooShortFile) {
  auto t = Table::Open("model.ckpt-1.index", std::string(20, 'x'));
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(), "model.ckpt-1.index: file is too short to be an sstable (20 bytes)");
}

TEST(SSTableTest, BadMagic) {
  std::string file = BuildTable({{"a", "b"}});
  file.back() = 'X';
  auto t = Table::Open("model.ckpt-1.index", file);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(), "model.ckpt-1.index: not an sstable (bad magic number)");
  EXPECT_FALSE(EndsWithTableMagic(file));
  EXPECT_TRUE(EndsWithTableMagic(BuildTable({})));
}

TEST(SSTableTest, BlockChecksumMismatchNamesTheBlock) {
  SSTableOptions o;
  o.block_size = 256;
  KV kv = ManyEntries(200);
  std::string file = BuildTable(kv, o);
  std::vector<BlockHandle> blocks = DataBlockHandles(file);
  ASSERT_GT(blocks.size(), 3u);
  // Flip a byte inside the second data block: only reading it fails.
  const BlockHandle second = blocks[1];
  file[second.offset + 3] ^= 0x10;
  auto t = MustOpen(file, "model.ckpt-1.index");  // the index block is fine
  ASSERT_TRUE(t);
  Table::Iterator it = t->NewIterator();
  size_t n = 0;
  for (it.SeekToFirst(); it.Valid(); it.Next()) ++n;
  EXPECT_GT(n, 0u);
  EXPECT_LT(n, kv.size());
  EXPECT_EQ(it.status().message(), "model.ckpt-1.index: block checksum mismatch in block at offset " +
                                       std::to_string(second.offset));
  // Flipping the stored type byte is caught by the same crc.
  std::string file2 = BuildTable(kv, o);
  file2[second.offset + second.size] ^= 1;
  auto t2 = MustOpen(file2);
  Table::Iterator it2 = t2->NewIterator();
  for (it2.SeekToFirst(); it2.Valid(); it2.Next()) {
  }
  EXPECT_EQ(it2.status().message(), "t.index: block checksum mismatch in block at offset " + std::to_string(second.offset));
  // And so is a flipped crc byte.
  std::string file3 = BuildTable(kv, o);
  file3[second.offset + second.size + 2] ^= 1;
  auto t3 = MustOpen(file3);
  bool found = false;
  ByteView v;
  Status st = t3->Get(kv[n + 1].first, &found, &v);
  EXPECT_EQ(st.message(), "t.index: block checksum mismatch in block at offset " + std::to_string(second.offset));
}

TEST(SSTableTest, IndexBlockChecksumFailsOpen) {
  std::string file = BuildTable(ManyEntries(10));
  BlockHandle index = IndexHandle(file);
  file[index.offset] ^= 0x01;
  auto t = Table::Open("x.index", file);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(), "x.index: block checksum mismatch in block at offset " + std::to_string(index.offset));
}

TEST(SSTableTest, UnknownCompressionType) {
  std::string file = BuildTable(ManyEntries(10));
  BlockHandle index = IndexHandle(file);
  file[index.offset + index.size] = 7;
  FixBlockCrc(&file, index.offset, index.size);
  auto t = Table::Open("x.index", file);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(),
            "x.index: unknown compression type 7 in block at offset " + std::to_string(index.offset));
}

TEST(SSTableTest, FooterHandleOutOfRange) {
  std::string file = BuildTable(ManyEntries(10));
  // Rewrite the footer's index handle to point past the end.
  std::string footer;
  PutBlockHandle(&footer, BlockHandle{0, 0});
  PutBlockHandle(&footer, BlockHandle{file.size() + 100, 10});
  footer.resize(40, '\0');
  file.replace(file.size() - 48, 40, footer);
  auto t = Table::Open("x.index", file);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("x.index: bad index block handle in footer (offset " +
                                      std::to_string(file.size() + 100)),
            std::string::npos)
      << t.status().message();
}

std::vector<BlockHandle> DataBlockHandles(const std::string& file) {
  BlockHandle index = IndexHandle(file);
  std::string scratch;
  ByteView contents;
  std::vector<BlockHandle> out;
  EXPECT_TRUE(DecodeBlockContents("t", index.offset, ByteView(file).substr(index.offset, index.size + 5), &scratch,
                                  &contents)
                  .ok());
  auto block = Block::Parse(contents, "index");
  EXPECT_TRUE(block.ok());
  Block::Iter it = block->NewIter();
  for (it.SeekToFirst(); it.Valid(); it.Next()) {
    ByteView v = it.value();
    BlockHandle h;
    EXPECT_TRUE(GetBlockHandle(&v, &h));
    out.push_back(h);
  }
  return out;
}

// Builds a table whose single data block is `block` (bytes before trailer).
std::string TableWithDataBlock(const std::string& block) {
  std::string file;
  BlockHandle data = testing::AppendBlock(&file, block, false);
  return testing::FinishTable(std::move(file), {{"\xff", data}}, false);
}

TEST(SSTableTest, BadRestartCount) {
  std::string block;
  PutVarint32(&block, 0);
  PutVarint32(&block, 1);
  PutVarint32(&block, 1);
  block += "kv";
  PutFixed32(&block, 0);
  PutFixed32(&block, 1000);  // claims 1000 restarts in a 15-byte block
  auto t = Table::Open("x.index", TableWithDataBlock(block));
  ASSERT_TRUE(t.ok());
  Table::Iterator it = (*t)->NewIterator();
  it.SeekToFirst();
  EXPECT_FALSE(it.Valid());
  EXPECT_EQ(it.status().message(), "x.index: block at offset 0: bad restart count 1000 (block of 13 bytes holds at most 2)");
}

TEST(SSTableTest, RestartPointOutsideEntries) {
  std::string block;
  PutVarint32(&block, 0);
  PutVarint32(&block, 1);
  PutVarint32(&block, 1);
  block += "kv";
  PutFixed32(&block, 0);
  PutFixed32(&block, 9);  // second restart past the 5 entry bytes
  PutFixed32(&block, 2);
  auto t = Table::Open("x.index", TableWithDataBlock(block));
  ASSERT_TRUE(t.ok());
  Table::Iterator it = (*t)->NewIterator();
  it.Seek("k");
  EXPECT_FALSE(it.Valid());
  EXPECT_EQ(it.status().message(), "x.index: block at offset 0: bad restart point 1 (offset 9, entries end at 5)");
}

TEST(SSTableTest, RestartEntryMustNotShareKeyBytes) {
  // Two entries, both restart points; the second claims to share 1 byte.
  std::string block;
  PutVarint32(&block, 0);
  PutVarint32(&block, 2);
  PutVarint32(&block, 1);
  block += "aa1";
  const uint32_t second = uint32_t(block.size());
  PutVarint32(&block, 1);
  PutVarint32(&block, 1);
  PutVarint32(&block, 1);
  block += "b2";
  PutFixed32(&block, 0);
  PutFixed32(&block, second);
  PutFixed32(&block, 2);
  auto t = Table::Open("x.index", TableWithDataBlock(block));
  ASSERT_TRUE(t.ok());
  // A sequential scan decodes it (prefix "a" + "b" = "ab")...
  Table::Iterator it = (*t)->NewIterator();
  it.SeekToFirst();
  ASSERT_TRUE(it.Valid());
  it.Next();
  ASSERT_TRUE(it.Valid());
  EXPECT_EQ(it.key(), "ab");
  // ...but the binary search over restart points refuses it.
  Table::Iterator seek = (*t)->NewIterator();
  seek.Seek("ab");
  EXPECT_FALSE(seek.Valid());
  EXPECT_EQ(seek.status().message(),
            "x.index: block at offset 0: bad entry at restart point 1 (offset 6) shares 1 key bytes; restart entries "
            "must share none");
}

TEST(SSTableTest, EntryOverrunningBlockIsAnError) {
  std::string block;
  PutVarint32(&block, 0);
  PutVarint32(&block, 1);
  PutVarint32(&block, 100);  // value longer than the block
  block += "kvalue";
  PutFixed32(&block, 0);
  PutFixed32(&block, 1);
  auto t = Table::Open("x.index", TableWithDataBlock(block));
  ASSERT_TRUE(t.ok());
  Table::Iterator it = (*t)->NewIterator();
  it.SeekToFirst();
  EXPECT_FALSE(it.Valid());
  EXPECT_EQ(it.status().message(),
            "x.index: block at offset 0: bad entry at offset 0 (key and value of 1+100 bytes overrun the block)");
}

TEST(SSTableTest, KeysOutOfOrderAreDetected) {
  BlockBuilder b;  // takes keys in the order given
  b.Add("b", "1");
  b.Add("a", "2");
  auto t = Table::Open("x.index", TableWithDataBlock(b.Finish()));
  ASSERT_TRUE(t.ok());
  Table::Iterator it = (*t)->NewIterator();
  it.SeekToFirst();
  ASSERT_TRUE(it.Valid());
  it.Next();
  EXPECT_FALSE(it.Valid());
  EXPECT_EQ(it.status().message(), "x.index: keys out of order in block at offset 0");
}

TEST(SSTableTest, EmptyBlockWithZeroRestartsIsEmpty) {
  std::string block;
  PutFixed32(&block, 0);  // num_restarts == 0: no entries (TF's reader)
  auto t = Table::Open("x.index", TableWithDataBlock(block));
  ASSERT_TRUE(t.ok());
  Table::Iterator it = (*t)->NewIterator();
  it.SeekToFirst();
  EXPECT_FALSE(it.Valid());
  EXPECT_TRUE(it.status().ok());
}

// A real TF 2.10 index rebuilt from its entries by SSTableBuilder gives the
// same bytes (FORMATS.md section 0): reader and writer agree with TF.
TEST(SSTableTest, RealIndexRebuildsByteIdentical) {
  const std::string path = std::string(CKPT_REALDATA_DIR) + "/mnist-tf210-savedmodel/variables/variables.index";
  std::string file = ReadFile(path);
  ASSERT_EQ(file.size(), 4172u);
  auto t = MustOpen(file, "variables.index");
  ASSERT_TRUE(t);
  KV kv = ReadAllEntries(*t);
  EXPECT_EQ(kv.size(), 65u);  // header + 64 tensors
  EXPECT_EQ(kv[0].first, "");
  EXPECT_EQ(BuildTable(kv), file);
}

TEST(SSTableTest, RealV1FileHasThreeDataBlocks) {
  std::string file = ReadFile(std::string(CKPT_REALDATA_DIR) + "/vocalae-v1-multiblock/model.ckpt");
  ASSERT_EQ(file.size(), 1186888u);
  auto t = MustOpen(file, "model.ckpt");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->num_data_blocks(), 3u);
  KV kv = ReadAllEntries(*t);
  EXPECT_EQ(kv.size(), 7u);  // meta + 6 tensors
  EXPECT_EQ(BuildTable(kv), file);
}

TEST(SSTableTest, RealSnappyIndex) {
  std::string file =
      ReadFile(std::string(CKPT_REALDATA_DIR) + "/serving-saved_model_half_plus_two_tf2_cpu/variables/variables.index");
  auto t = MustOpen(file, "variables.index");
  ASSERT_TRUE(t);
  KV kv = ReadAllEntries(*t);
  ASSERT_EQ(kv.size(), 5u);
  EXPECT_EQ(kv[1].first, "_CHECKPOINTABLE_OBJECT_GRAPH");
  EXPECT_EQ(kv[2].first, "a/.ATTRIBUTES/VARIABLE_VALUE");
}

}  // namespace
}  // namespace ckptview::formats
