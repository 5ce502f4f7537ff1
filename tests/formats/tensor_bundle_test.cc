#include "formats/tensor_bundle.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "base/coding.h"
#include "base/crc32c.h"
#include "formats/bundle_writer.h"
#include "formats/checkpoint.h"
#include "formats/disk_file_source.h"
#include "formats/table_builder_for_test.h"
#include "tensor.pb.h"

namespace ckptview::formats {
namespace {

using testing::FixedTensor;
using testing::LeBytes;
using testing::StringTensor;
using testing::TestBundle;
using testing::WriteBundle;

std::string Hex(const std::string& s) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    if (!out.empty()) out += ' ';
    out += d[c >> 4];
    out += d[c & 15];
  }
  return out;
}

std::unique_ptr<Checkpoint> Open(MemoryFileSource& src, const std::string& prefix = "m") {
  auto c = OpenCheckpoint(src, prefix, CheckpointFormat::kBundleV2);
  EXPECT_TRUE(c.ok()) << c.status().message();
  return c.ok() ? std::move(c).value() : nullptr;
}

Tensor MustRead(const Checkpoint& c, MemoryFileSource& src, const std::string& key) {
  auto t = c.Read(key, src);
  EXPECT_TRUE(t.ok()) << key << ": " << t.status().message();
  return t.ok() ? std::move(t).value() : Tensor();
}

std::string ReadError(const Checkpoint& c, MemoryFileSource& src, const std::string& key) {
  auto t = c.Read(key, src);
  EXPECT_FALSE(t.ok()) << key;
  return t.ok() ? "" : t.status().message();
}

TEST(TensorBundleTest, EveryFixedSizeDtype) {
  struct Case {
    DType dtype;
    int size;
  };
  const std::vector<Case> cases = {
      {DType::kFloat, 4},      {DType::kDouble, 8},     {DType::kHalf, 2},        {DType::kBFloat16, 2},
      {DType::kInt8, 1},       {DType::kInt16, 2},      {DType::kInt32, 4},       {DType::kInt64, 8},
      {DType::kUInt8, 1},      {DType::kUInt16, 2},     {DType::kUInt32, 4},      {DType::kUInt64, 8},
      {DType::kBool, 1},       {DType::kComplex64, 8},  {DType::kComplex128, 16}, {DType::kQInt8, 1},
      {DType::kQUInt8, 1},     {DType::kQInt16, 2},     {DType::kQUInt16, 2},     {DType::kQInt32, 4},
      {DType::kFloat8E5M2, 1}, {DType::kFloat8E4M3FN, 1}, {DType::kInt4, 1}};
  std::vector<std::pair<std::string, Tensor>> tensors;
  std::map<std::string, std::string> want;
  for (const Case& c : cases) {
    std::string key = "v/" + std::string(DTypeName(c.dtype));
    std::string data;
    for (int i = 0; i < 3 * c.size; ++i) data.push_back(char(i * 37 + int(c.dtype)));
    tensors.emplace_back(key, FixedTensor(c.dtype, {3}, data));
    want[key] = data;
  }
  MemoryFileSource src;
  WriteBundle(&src, "m", tensors);
  auto ckpt = Open(src);
  ASSERT_TRUE(ckpt);
  ASSERT_EQ(ckpt->variables().size(), cases.size());
  for (const Case& c : cases) {
    const std::string key = "v/" + std::string(DTypeName(c.dtype));
    const VariableInfo* v = ckpt->Find(key);
    ASSERT_TRUE(v) << key;
    EXPECT_EQ(v->dtype, c.dtype);
    EXPECT_EQ(v->shape, Shape{3});
    EXPECT_EQ(v->bytes, uint64_t(3 * c.size));
    EXPECT_EQ(v->shard, 0);
    EXPECT_EQ(v->num_slices, 0);
    Tensor t = MustRead(*ckpt, src, key);
    EXPECT_EQ(t.dtype, c.dtype);
    EXPECT_EQ(t.shape, Shape{3});
    EXPECT_EQ(t.bytes, want[key]) << key;
  }
}

TEST(TensorBundleTest, ScalarsAndZeroElementTensors) {
  MemoryFileSource src;
  WriteBundle(&src, "m",
              {{"s", FixedTensor(DType::kFloat, {}, LeBytes<float>({2.5f}))},
               {"e", FixedTensor(DType::kInt32, {2, 0, 3}, "")}});
  auto ckpt = Open(src);
  ASSERT_TRUE(ckpt);
  Tensor s = MustRead(*ckpt, src, "s");
  EXPECT_EQ(s.shape, Shape{});
  EXPECT_EQ(s.bytes, LeBytes<float>({2.5f}));
  Tensor e = MustRead(*ckpt, src, "e");
  EXPECT_EQ(e.shape, (Shape{2, 0, 3}));
  EXPECT_TRUE(e.bytes.empty());
  // A zero-element tensor has crc Mask(0) (FORMATS.md 3.3).
  EXPECT_EQ(static_cast<const BundleCheckpoint&>(*ckpt).Entry("e")->masked_crc32c, 0xA282EAD8u);
}

// What BundleWriter writes reads back through OpenCheckpoint unchanged,
// including a tensor streamed in pieces that split its elements.
TEST(TensorBundleTest, BundleWriterRoundTrip) {
  const std::vector<std::pair<std::string, Tensor>> tensors = {
      {"f", FixedTensor(DType::kFloat, {2, 2}, LeBytes<float>({1.5f, -0.0f, 3e38f, -7}))},
      {"i", FixedTensor(DType::kInt64, {3}, LeBytes<int64_t>({INT64_MIN, 0, INT64_MAX}))},
      {"b", FixedTensor(DType::kBool, {4}, std::string("\1\0\0\1", 4))},
      {"s", StringTensor({3}, {"", "x", std::string(300, 'y')})},
      {"s0", StringTensor({}, {"scalar"})}};
  std::string data;
  BundleWriter writer([&](std::string_view bytes) {
    data.append(bytes);
    return Status::Ok();
  });
  for (const auto& [key, t] : tensors) ASSERT_TRUE(writer.Add(key, t).ok()) << key;
  const std::string streamed = LeBytes<float>({0, 1, 2, 3, 4, 5});
  size_t at = 0;
  ASSERT_TRUE(writer
                  .AddStreamed("streamed", DType::kFloat, {2, 3},
                               [&]() {
                                 std::string_view piece = std::string_view(streamed).substr(at, 5);
                                 at += piece.size();
                                 return piece;
                               })
                  .ok());
  Result<std::string> index = writer.FinishIndex();
  ASSERT_TRUE(index.ok()) << index.status().message();
  MemoryFileSource src;
  src.Add("m.index", *index);
  src.Add(BundleDataFilename("m", 0, 1), data);
  auto ckpt = Open(src);
  ASSERT_TRUE(ckpt);
  EXPECT_EQ(ckpt->variables().size(), tensors.size() + 1);
  for (const auto& [key, want] : tensors) {
    Tensor t = MustRead(*ckpt, src, key);
    EXPECT_EQ(t.dtype, want.dtype) << key;
    EXPECT_EQ(t.shape, want.shape) << key;
    EXPECT_EQ(t.bytes, want.bytes) << key;
    EXPECT_EQ(t.strings, want.strings) << key;
    EXPECT_EQ(ckpt->Find(key)->shard, 0) << key;
  }
  // Lengths 0, 1, 300 as varints (1 + 1 + 2 bytes), their checksum, the bytes.
  EXPECT_EQ(ckpt->Find("s")->bytes, 4u + 4u + 301u);
  Tensor t = MustRead(*ckpt, src, "streamed");
  EXPECT_EQ(t.shape, (Shape{2, 3}));
  EXPECT_EQ(t.bytes, streamed);
}

TEST(TensorBundleTest, StringTensorWorkedExample) {
  // FORMATS.md 3.3: ["ab"] -> 02 d8 d8 10 73 61 62, entry crc32c 0x35A61926.
  MemoryFileSource src;
  WriteBundle(&src, "m",
              {{"ab", StringTensor({1}, {"ab"})},
               {"none", StringTensor({0}, {})},
               {"many", StringTensor({2, 3}, {"", "x", std::string(200, 'L'), std::string(20000, 'M'),
                                              std::string("\0\xff", 2), "z"})}});
  auto ckpt = Open(src);
  ASSERT_TRUE(ckpt);
  const std::string file = *src.ReadAll("m.data-00000-of-00001");
  const std::string data = file.substr(0, 7);
  EXPECT_EQ(Hex(data), "02 d8 d8 10 73 61 62");
  const uint32_t crc = static_cast<const BundleCheckpoint&>(*ckpt).Entry("ab")->masked_crc32c;
  EXPECT_EQ(crc, 0x35A61926u);
  const std::string empty = file.substr(7, 4);
  EXPECT_EQ(Hex(empty), "d8 ea 82 a2");
  Tensor t = MustRead(*ckpt, src, "ab");
  EXPECT_EQ(t.strings, std::vector<std::string>{"ab"});
  EXPECT_TRUE(MustRead(*ckpt, src, "none").strings.empty());
  Tensor many = MustRead(*ckpt, src, "many");
  ASSERT_EQ(many.strings.size(), 6u);
  EXPECT_EQ(many.strings[2], std::string(200, 'L'));
  EXPECT_EQ(many.strings[3].size(), 20000u);
  EXPECT_EQ(many.strings[4], std::string("\0\xff", 2));
  EXPECT_EQ(many.shape, (Shape{2, 3}));
}

TEST(TensorBundleTest, StringLengthChecksumIsChecked) {
  MemoryFileSource src;
  WriteBundle(&src, "m", {{"s", StringTensor({2}, {"ab", "cd"})}});
  // Change a length (2 -> 1): the stored length checksum no longer matches.
  std::string data = *src.ReadAll("m.data-00000-of-00001");
  data[0] = 1;
  src.Add("m.data-00000-of-00001", data);
  auto ckpt = Open(src);
  ASSERT_TRUE(ckpt);
  std::string err = ReadError(*ckpt, src, "s");
  EXPECT_NE(err.find("m.data-00000-of-00001: tensor 's' at offset 0: string length checksum mismatch"),
            std::string::npos)
      << err;
}

TEST(TensorBundleTest, StringLengthsAreNotVarintBytes) {
  // A 300-byte string has a 2-byte varint length but is checksummed as the
  // 4-byte uint32 300: a reader checksumming the varint bytes would fail.
  MemoryFileSource src;
  WriteBundle(&src, "m", {{"s", StringTensor({1}, {std::string(300, 's')})}});
  auto ckpt = Open(src);
  ASSERT_TRUE(ckpt);
  EXPECT_EQ(MustRead(*ckpt, src, "s").strings[0].size(), 300u);
}

TEST(TensorBundleTest, StringOverrunsAreErrors) {
  MemoryFileSource src;
  WriteBundle(&src, "m", {{"s", StringTensor({1}, {"abc"})}});
  std::string data = *src.ReadAll("m.data-00000-of-00001");
  data[0] = 100;  // length 100 with 3 bytes of data
  src.Add("m.data-00000-of-00001", data);
  auto ckpt = Open(src);
  ASSERT_TRUE(ckpt);
  std::string err = ReadError(*ckpt, src, "s");
  EXPECT_NE(err.find("string element 0 of 100 bytes overruns the tensor's 8 bytes"), std::string::npos) << err;
}

TEST(TensorBundleTest, ResourceIsReadLikeStrings) {
  TestBundle b;
  b.AddStrings("r", {2}, {"handle0", "handle1"}, DType::kResource);
  MemoryFileSource src;
  b.WriteTo(&src, "m");
  auto ckpt = Open(src);
  ASSERT_TRUE(ckpt);
  Tensor t = MustRead(*ckpt, src, "r");
  EXPECT_EQ(t.dtype, DType::kResource);
  EXPECT_EQ(t.strings, (std::vector<std::string>{"handle0", "handle1"}));
}

TEST(TensorBundleTest, VariantRule) {
  tensorflow::VariantTensorDataProto p0, p1;
  p0.set_type_name("tensorflow::TensorList");
  p0.set_metadata("meta");
  p1.set_type_name("int");
  const std::vector<std::string> elems = {p0.SerializeAsString(), p1.SerializeAsString()};
  TestBundle b;
  b.AddVariants("v", {2}, elems);
  // Per-element checksum damaged; the entry crc recomputed over the damage.
  uint32_t crc;
  std::string bad = testing::EncodeVariantTensorData(elems, &crc);
  const size_t first_sum = 1 + elems[0].size();
  bad[first_sum] ^= 0x01;
  b.AddRaw("bad_sum", DType::kVariant, {2}, bad, 0, crc);
  // Not a VariantTensorDataProto.
  b.AddVariants("junk", {1}, {std::string("\xff\xff\xff", 3)});
  MemoryFileSource src;
  b.WriteTo(&src, "m");
  auto ckpt = Open(src);
  ASSERT_TRUE(ckpt);
  Tensor t = MustRead(*ckpt, src, "v");
  EXPECT_EQ(t.dtype, DType::kVariant);
  EXPECT_EQ(t.strings, elems);  // kept opaque, serialized
  std::string err = ReadError(*ckpt, src, "bad_sum");
  EXPECT_NE(err.find("checksum mismatch after variant element 0"), std::string::npos) << err;
  err = ReadError(*ckpt, src, "junk");
  EXPECT_NE(err.find("variant element 0 is not a parseable VariantTensorDataProto"), std::string::npos) << err;
}

TEST(TensorBundleTest, SizeMustMatchDtypeAndShape) {
  TestBundle b;
  b.AddRaw("f", DType::kFloat, {3}, LeBytes<float>({1, 2}));  // 8 bytes for 3 floats
  b.AddStrings("s", {10}, {"a"});                               // 10 strings in 6 bytes
  b.Entry("s").mutable_shape()->mutable_dim(0)->set_size(10);
  MemoryFileSource src;
  b.WriteTo(&src, "m");
  auto ckpt = Open(src);
  ASSERT_TRUE(ckpt);
  EXPECT_EQ(ReadError(*ckpt, src, "f"),
            "m.index: tensor 'f': bad size in bundle entry: stored 8 bytes, expected 3 elements x 4 bytes");
  EXPECT_EQ(ReadError(*ckpt, src, "s"),
            "m.index: tensor 's': bad size in bundle entry: 6 bytes cannot hold 10 strings (at least 14)");
}

TEST(TensorBundleTest, EveryTensorCrcIsChecked) {
  MemoryFileSource src;
  WriteBundle(&src, "model.ckpt-1",
              {{"a", FixedTensor(DType::kFloat, {2}, LeBytes<float>({1, 2}))},
               {"b", FixedTensor(DType::kInt64, {1}, LeBytes<int64_t>({7}))}});
  std::string data = *src.ReadAll("model.ckpt-1.data-00000-of-00001");
  data[9] ^= 0x40;  // inside "b"
  src.Add("model.ckpt-1.data-00000-of-00001", data);
  auto ckpt = Open(src, "model.ckpt-1");
  ASSERT_TRUE(ckpt);
  MustRead(*ckpt, src, "a");
  std::string err = ReadError(*ckpt, src, "b");
  EXPECT_EQ(err.rfind("model.ckpt-1.data-00000-of-00001: tensor 'b' at offset 8: checksum mismatch (stored crc32c 0x",
                      0),
            0u)
      << err;
  EXPECT_NE(err.find("over 8 bytes)"), std::string::npos);
}

TEST(TensorBundleTest, MultipleShards) {
  TestBundle b;
  b.header.set_num_shards(3);
  b.AddRaw("a", DType::kFloat, {1}, LeBytes<float>({1}), 0);
  b.AddRaw("c", DType::kFloat, {2}, LeBytes<float>({3, 4}), 2);
  b.AddRaw("b", DType::kFloat, {1}, LeBytes<float>({2}), 2);
  MemoryFileSource src;
  b.WriteTo(&src, "d/m");
  auto ckpt = Open(src, "d/m");
  ASSERT_TRUE(ckpt);
  EXPECT_EQ(ckpt->data_files(), (std::vector<std::string>{"d/m.data-00000-of-00003", "d/m.data-00001-of-00003",
                                                          "d/m.data-00002-of-00003"}));
  EXPECT_TRUE(ckpt->missing_data_files().empty());
  EXPECT_EQ(ckpt->Find("c")->shard, 2);
  EXPECT_EQ(MustRead(*ckpt, src, "b").bytes, LeBytes<float>({2}));
  EXPECT_EQ(MustRead(*ckpt, src, "c").bytes, LeBytes<float>({3, 4}));
  auto ranges = ckpt->RangesFor("b");
  ASSERT_TRUE(ranges.ok());
  ASSERT_EQ(ranges->size(), 1u);
  EXPECT_EQ((*ranges)[0].path, "d/m.data-00002-of-00003");
  EXPECT_EQ((*ranges)[0].offset, 8u);
  EXPECT_EQ((*ranges)[0].size, 4u);
}

TEST(TensorBundleTest, DataFileNames) {
  EXPECT_EQ(BundleDataFilename("d/m", 2, 3), "d/m.data-00002-of-00003");
  std::string prefix;
  EXPECT_TRUE(ParseBundleDataFilename("d/m.ckpt-5.data-00002-of-00003", &prefix));
  EXPECT_EQ(prefix, "d/m.ckpt-5");
  for (const char* name : {"m.index", "m.data-00000-of-", "m.data--of-00001", "m.data-0000x-of-00001",
                           "m.data-00000-of-00001.tmp"}) {
    EXPECT_FALSE(ParseBundleDataFilename(name, nullptr)) << name;
  }
}

TEST(TensorBundleTest, MissingShardIsNamedWhenRead) {
  TestBundle b;
  b.header.set_num_shards(2);
  b.AddRaw("x", DType::kFloat, {1}, LeBytes<float>({1}), 0);
  b.AddRaw("y", DType::kFloat, {1}, LeBytes<float>({2}), 1);
  MemoryFileSource full;
  b.WriteTo(&full, "m");
  MemoryFileSource src;  // everything but shard 1
  for (const FileInfo& f : full.Files()) {
    if (f.path != "m.data-00001-of-00002") src.Add(f.path, *full.ReadAll(f.path));
  }
  auto ckpt = Open(src);
  ASSERT_TRUE(ckpt);
  EXPECT_EQ(ckpt->variables().size(), 2u);  // listing still works
  EXPECT_EQ(ckpt->missing_data_files(), std::vector<std::string>{"m.data-00001-of-00002"});
  MustRead(*ckpt, src, "x");
  EXPECT_EQ(ReadError(*ckpt, src, "y"),
            "m.data-00001-of-00002: missing data file (tensor 'y' is stored there); the checkpoint is incomplete");
}

TEST(TensorBundleTest, EntriesOutsideTheirDataFile) {
  TestBundle b;
  b.AddRaw("x", DType::kFloat, {1}, LeBytes<float>({1}));
  b.Entry("x").set_offset(6);  // 4 bytes at 6 in an 8-byte file
  b.AddRaw("y", DType::kFloat, {1}, LeBytes<float>({1}));
  b.Entry("y").set_shard_id(5);
  MemoryFileSource src;
  b.WriteTo(&src, "m");
  auto ckpt = Open(src);
  ASSERT_TRUE(ckpt);
  EXPECT_EQ(ReadError(*ckpt, src, "x"),
            "m.data-00000-of-00001: tensor 'x' (4 bytes at offset 6) extends past the end of the file (8 bytes)");
  EXPECT_EQ(ReadError(*ckpt, src, "y"), "m.index: tensor 'y' is in shard 5 but the bundle has 1 shards");
  EXPECT_EQ(ReadError(*ckpt, src, "nope"), "m.index: no tensor 'nope'");
}

TEST(TensorBundleTest, UnknownDtypeIsListedButNotRead) {
  TestBundle b;
  b.AddRaw("x", DType(99), {1}, "abcd");
  MemoryFileSource src;
  b.WriteTo(&src, "m");
  auto ckpt = Open(src);
  ASSERT_TRUE(ckpt);
  ASSERT_TRUE(ckpt->Find("x"));
  EXPECT_EQ(int(ckpt->Find("x")->dtype), 99);
  EXPECT_EQ(ReadError(*ckpt, src, "x"), "m.index: tensor 'x': unsupported dtype dtype(99) (99)");
}

std::string FloatRows(int first, int n) {
  std::vector<float> v;
  for (int i = 0; i < n; ++i) v.push_back(float(first + i));
  return LeBytes(v);
}

TEST(TensorBundleTest, PartitionedTensorIsReassembled) {
  // A [5,3] float tensor in 3 slices over 2 shards (rows 0-1, 2-3 on shard 1, row 4).
  TestBundle b;
  b.header.set_num_shards(2);
  b.AddSliced("p", DType::kFloat, {5, 3},
              {{TensorSlice{{{0, 2}, {0, 3}}}, FloatRows(0, 6)}, {TensorSlice{{{4, 1}, {0, kFullExtent}}}, FloatRows(12, 3)}},
              0);
  // The third slice goes to shard 1.
  TensorSlice mid{{{2, 2}, {0, 3}}};
  b.AddRaw(EncodeTensorNameSlice("p", mid), DType::kFloat, {2, 3}, FloatRows(6, 6), 1);
  testing::SetSlice(b.Entry("p").add_slices(), mid);
  b.AddRaw("plain", DType::kFloat, {1}, FloatRows(0, 1));
  MemoryFileSource src;
  b.WriteTo(&src, "m");
  auto ckpt = Open(src);
  ASSERT_TRUE(ckpt);
  // Slice entries are not variables of their own.
  std::vector<std::string> keys;
  for (const auto& v : ckpt->variables()) keys.push_back(v.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"p", "plain"}));
  const VariableInfo* v = ckpt->Find("p");
  EXPECT_EQ(v->shape, (Shape{5, 3}));
  EXPECT_EQ(v->num_slices, 3);
  EXPECT_EQ(v->bytes, 60u);
  EXPECT_EQ(v->shard, -1);
  auto ranges = ckpt->RangesFor("p");
  ASSERT_TRUE(ranges.ok());
  ASSERT_EQ(ranges->size(), 3u);  // one per slice, in the entry's slice order
  EXPECT_EQ((*ranges)[0].path, "m.data-00000-of-00002");
  EXPECT_EQ((*ranges)[2].path, "m.data-00001-of-00002");
  Tensor t = MustRead(*ckpt, src, "p");
  EXPECT_EQ(t.shape, (Shape{5, 3}));
  EXPECT_EQ(t.bytes, FloatRows(0, 15));
  // Decode from chunks the caller fetched itself (the web page's path).
  std::vector<std::string> chunks;
  for (const ByteRange& r : *ranges) {
    std::string c;
    ASSERT_TRUE(src.ReadRange(r.path, r.offset, r.size, &c).ok());
    chunks.push_back(c);
  }
  auto decoded = ckpt->Decode("p", chunks);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->bytes, FloatRows(0, 15));
  chunks.pop_back();
  EXPECT_EQ(ckpt->Decode("p", chunks).status().message(), "m.index: tensor 'p' needs 3 byte ranges, got 2");
}

TEST(TensorBundleTest, PartitionedAlongDimOne) {
  TestBundle b;
  // [2,4] int32 split in columns 0-2 and 3.
  std::vector<int32_t> left = {0, 1, 2, 4, 5, 6}, right = {3, 7};
  b.AddSliced("cols", DType::kInt32, {2, 4},
              {{TensorSlice{{{0, kFullExtent}, {0, 3}}}, LeBytes(left)}, {TensorSlice{{{0, 2}, {3, 1}}}, LeBytes(right)}});
  MemoryFileSource src;
  b.WriteTo(&src, "m");
  auto ckpt = Open(src);
  ASSERT_TRUE(ckpt);
  Tensor t = MustRead(*ckpt, src, "cols");
  std::vector<int32_t> want = {0, 1, 2, 3, 4, 5, 6, 7};
  EXPECT_EQ(t.bytes, LeBytes(want));
}

TEST(TensorBundleTest, PartitionedStrings) {
  TestBundle b;
  TensorSlice s0{{{0, 1}}}, s1{{{1, 2}}};
  b.AddStrings(EncodeTensorNameSlice("str", s0), {1}, {"zero"});
  b.AddStrings(EncodeTensorNameSlice("str", s1), {2}, {"one", "two"});
  // Metadata entry written by hand (AddSliced handles fixed-size data only).
  tensorflow::BundleEntryProto& meta = b.AddRaw("str", DType::kString, {3}, "");
  meta.clear_size();
  meta.clear_offset();
  meta.clear_crc32c();
  testing::SetSlice(meta.add_slices(), s1);
  testing::SetSlice(meta.add_slices(), s0);
  MemoryFileSource src;
  b.WriteTo(&src, "m");
  auto ckpt = Open(src);
  ASSERT_TRUE(ckpt);
  Tensor t = MustRead(*ckpt, src, "str");
  EXPECT_EQ(t.strings, (std::vector<std::string>{"zero", "one", "two"}));
}

TEST(TensorBundleTest, PartitionErrors) {
  TestBundle b;
  // Gap: slices cover rows 0-1 and 3-4 of 5.
  b.AddSliced("gap", DType::kFloat, {5, 1},
              {{TensorSlice{{{0, 2}, {0, 1}}}, FloatRows(0, 2)}, {TensorSlice{{{3, 2}, {0, 1}}}, FloatRows(3, 2)}});
  // Missing slice entry.
  b.AddSliced("lost", DType::kFloat, {2}, {{TensorSlice{{{0, 1}}}, FloatRows(0, 1)}});
  testing::SetSlice(b.Entry("lost").add_slices(), TensorSlice{{{1, 1}}});
  // Slice stored with the wrong shape.
  b.AddSliced("shape", DType::kFloat, {4}, {{TensorSlice{{{0, 2}}}, FloatRows(0, 2)}, {TensorSlice{{{2, 2}}}, FloatRows(2, 2)}});
  b.Entry(EncodeTensorNameSlice("shape", TensorSlice{{{2, 2}}})).mutable_shape()->mutable_dim(0)->set_size(1);
  b.Entry(EncodeTensorNameSlice("shape", TensorSlice{{{2, 2}}})).set_size(4);
  MemoryFileSource src;
  b.WriteTo(&src, "m");
  auto ckpt = Open(src);
  ASSERT_TRUE(ckpt);
  EXPECT_EQ(ReadError(*ckpt, src, "gap"), "m.index: tensor 'gap': slices: slices cover 4 of 5 elements of shape [5,1]");
  EXPECT_EQ(ReadError(*ckpt, src, "lost"), "m.index: slice 1,1 of tensor 'lost' has no entry");
  EXPECT_EQ(ReadError(*ckpt, src, "shape"),
            "m.index: slice 2,2 of tensor 'shape' is stored as float32 [1], expected float32 [2]");
}

TEST(TensorBundleTest, HeaderVersionIsChecked) {
  for (int variant = 0; variant < 3; ++variant) {
    TestBundle b;
    if (variant == 0) b.header.mutable_version()->set_min_consumer(2);
    if (variant == 1) b.header.mutable_version()->add_bad_consumers(1);
    if (variant == 2) b.header.mutable_version()->set_producer(-1);
    MemoryFileSource src;
    b.WriteTo(&src, "m");
    auto c = OpenCheckpoint(src, "m", CheckpointFormat::kBundleV2);
    ASSERT_FALSE(c.ok());
    const char* want[] = {
        "m.index: bundle requires consumer version 2 or newer; this reader is version 1 (written by a newer "
        "TensorFlow?)",
        "m.index: bundle disallows consumer version 1",
        "m.index: bundle producer version -1 is below the minimum producer version 0"};
    EXPECT_EQ(c.status().message(), want[variant]);
  }
  // The usual header is exactly 08 01 1a 02 08 01.
  TestBundle ok;
  EXPECT_EQ(Hex(ok.header.SerializeAsString()), "08 01 1a 02 08 01");
}

TEST(TensorBundleTest, TableWithoutHeaderIsNotABundle) {
  MemoryFileSource src;
  src.Add("m.index", testing::BuildTable({{"a", "b"}}));
  auto c = OpenCheckpoint(src, "m", CheckpointFormat::kBundleV2);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), "m.index: not a tensor bundle (no header record with key \"\")");
  auto missing = OpenCheckpoint(src, "zz", CheckpointFormat::kBundleV2);
  EXPECT_EQ(missing.status().message(), "zz.index: no such file");
}

TEST(TensorBundleTest, BigEndianBundlesAreSwapped) {
  TestBundle b;
  b.header.set_endianness(tensorflow::BundleHeaderProto::BIG);
  // int32 {1, 0x01020304} and complex64 {(1, 2)} stored big-endian.
  std::string i32 = std::string("\0\0\0\x01\x01\x02\x03\x04", 8);
  b.AddRaw("i", DType::kInt32, {2}, i32);
  std::string c64;
  for (float f : {1.0f, 2.0f}) {
    uint32_t bits;
    std::memcpy(&bits, &f, 4);
    for (int k = 3; k >= 0; --k) c64.push_back(char(bits >> (8 * k)));
  }
  b.AddRaw("c", DType::kComplex64, {1}, c64);
  // A string tensor whose length checksum was computed on big-endian lengths.
  std::string s;
  PutVarint64(&s, 2);
  uint8_t be_len[4] = {0, 0, 0, 2};
  uint32_t crc = crc32c::Extend(0, be_len, 4);
  const uint32_t masked = crc32c::Mask(crc);
  uint8_t m_be[4] = {uint8_t(masked >> 24), uint8_t(masked >> 16), uint8_t(masked >> 8), uint8_t(masked)};
  s.append(reinterpret_cast<char*>(m_be), 4);
  crc = crc32c::Extend(crc, m_be, 4);
  s += "hi";
  crc = crc32c::Extend(crc, "hi", 2);
  b.AddRaw("s", DType::kString, {1}, s, 0, crc32c::Mask(crc));
  MemoryFileSource src;
  b.WriteTo(&src, "m");
  auto ckpt = Open(src);
  ASSERT_TRUE(ckpt);
  EXPECT_EQ(MustRead(*ckpt, src, "i").bytes, LeBytes<int32_t>({1, 0x01020304}));
  EXPECT_EQ(MustRead(*ckpt, src, "c").bytes, LeBytes<float>({1.0f, 2.0f}));
  EXPECT_EQ(MustRead(*ckpt, src, "s").strings, std::vector<std::string>{"hi"});
}

TEST(TensorBundleTest, DecodeTakesTheChunkWithoutCopying) {
  std::vector<float> big(100000, 1.5f);
  MemoryFileSource src;
  WriteBundle(&src, "m", {{"w", FixedTensor(DType::kFloat, {100000}, LeBytes(big))}});
  auto ckpt = Open(src);
  ASSERT_TRUE(ckpt);
  auto ranges = ckpt->RangesFor("w");
  ASSERT_TRUE(ranges.ok());
  std::vector<std::string> chunks(1);
  ASSERT_TRUE(src.ReadRange((*ranges)[0].path, (*ranges)[0].offset, (*ranges)[0].size, &chunks[0]).ok());
  const char* storage = chunks[0].data();
  auto t = ckpt->Decode("w", std::move(chunks));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->bytes.data(), storage);  // the same buffer, not a copy
  EXPECT_EQ(t->bytes.size(), 400000u);
  // Wrong chunk size is refused.
  std::vector<std::string> wrong = {"abc"};
  EXPECT_EQ(ckpt->Decode("w", wrong).status().message(),
            "m.data-00000-of-00001: tensor 'w' at offset 0: got 3 bytes for a tensor of 400000");
}

// ---- real TensorFlow fixtures (tests/tf/gen_fixtures.py) --------------------

std::unique_ptr<DiskFileSource> Fixture(const std::string& name) {
  auto src = DiskFileSource::Open(std::string(CKPT_FIXTURES_DIR) + "/" + name);
  EXPECT_TRUE(src.ok()) << src.status().message();
  return src.ok() ? std::move(src).value() : nullptr;
}

TEST(TensorBundleFixtureTest, DtypesFromTensorFlow) {
  auto src = Fixture("dtypes");
  ASSERT_TRUE(src);
  auto c = OpenCheckpoint(*src, "model.ckpt", CheckpointFormat::kBundleV2);
  ASSERT_TRUE(c.ok()) << c.status().message();
  const Checkpoint& ckpt = **c;
  auto read = [&](const std::string& key) {
    auto t = ckpt.Read(key, *src);
    EXPECT_TRUE(t.ok()) << key << ": " << t.status().message();
    return t.ok() ? std::move(t).value() : Tensor();
  };
  EXPECT_EQ(read("int8").bytes, LeBytes<int8_t>({-128, -1, 0, 1, 127}));
  EXPECT_EQ(read("uint64").bytes, LeBytes<uint64_t>({0, 1, 2, UINT64_MAX / 2, UINT64_MAX}));
  EXPECT_EQ(read("qint16").dtype, DType::kQInt16);
  EXPECT_EQ(read("qint16").bytes, LeBytes<int16_t>({-32768, -1, 0, 1, 32767}));
  EXPECT_EQ(read("bool").bytes, std::string("\1\0\1\1", 4));
  EXPECT_EQ(read("float16").bytes.substr(0, 6), std::string("\x00\x00\x00\x80\x00\x3c", 6));  // 0, -0, 1
  EXPECT_EQ(read("bfloat16").bytes.substr(0, 6), std::string("\x00\x00\x00\x80\x80\x3f", 6));
  EXPECT_EQ(read("scalar_int64").bytes, LeBytes<int64_t>({INT64_MIN}));
  EXPECT_EQ(read("scalar_int64").shape, Shape{});
  EXPECT_EQ(read("complex128").bytes.substr(0, 16), LeBytes<double>({1.0, 2.0}));
  EXPECT_EQ(read("empty_int32_2x0x3").shape, (Shape{2, 0, 3}));
  EXPECT_TRUE(read("empty_string").strings.empty());
  Tensor s = read("string");
  ASSERT_EQ(s.strings.size(), 5u);
  EXPECT_EQ(s.strings[2], std::string("\xff\xfe\x00 not utf-8 \x80", 15));
  EXPECT_EQ(read("scalar_string").strings, std::vector<std::string>{"scalar"});
  std::vector<float> t3;
  for (int i = 0; i < 24; ++i) t3.push_back((float(i) - 11.5f) / 4);
  EXPECT_EQ(read("tensor3d_float32").bytes, LeBytes(t3));
}

TEST(TensorBundleFixtureTest, PartitionedFromTensorFlow) {
  auto src = Fixture("partitioned");
  ASSERT_TRUE(src);
  auto c = OpenCheckpoint(*src, "model.ckpt-1", CheckpointFormat::kBundleV2);
  ASSERT_TRUE(c.ok()) << c.status().message();
  // partitions.json: slices per key (0 = stored whole).
  const std::map<std::string, int> want = {
      {"axis1", 2},       {"axis1/Adam", 2},  {"axis1/Adam_1", 2}, {"beta1_power", 0},  {"beta2_power", 0},
      {"fixed3", 3},      {"fixed3/Adam", 3}, {"fixed3/Adam_1", 3}, {"ints", 3},        {"minmax", 3},
      {"minmax/Adam", 3}, {"minmax/Adam_1", 3}, {"scope/double", 2}, {"scope/double/Adam", 2},
      {"scope/double/Adam_1", 2}, {"whole", 0}, {"whole/Adam", 0},  {"whole/Adam_1", 0}};
  ASSERT_EQ((*c)->variables().size(), want.size());
  for (const auto& [key, n] : want) {
    const VariableInfo* v = (*c)->Find(key);
    ASSERT_TRUE(v) << key;
    EXPECT_EQ(v->num_slices, n) << key;
    auto ranges = (*c)->RangesFor(key);
    ASSERT_TRUE(ranges.ok());
    EXPECT_EQ(ranges->size(), size_t(std::max(n, 1))) << key;
    auto t = (*c)->Read(key, *src);
    ASSERT_TRUE(t.ok()) << key << ": " << t.status().message();
    EXPECT_EQ(t->shape, v->shape);
  }
  auto ints = (*c)->Read("ints", *src);
  ASSERT_TRUE(ints.ok());
  EXPECT_EQ(ints->bytes, LeBytes<int64_t>({0, 1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_EQ((*c)->Find("axis1")->shape, (Shape{3, 6}));
  EXPECT_TRUE((*c)->Find("axis1/Adam")->optimizer_slot);
  EXPECT_FALSE((*c)->Find("axis1")->optimizer_slot);
}

}  // namespace
}  // namespace ckptview::formats
