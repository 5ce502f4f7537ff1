#include "formats/checkpoint_v1.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "formats/checkpoint.h"
#include "formats/disk_file_source.h"
#include "formats/table_builder_for_test.h"
#include "saved_tensor_slice.pb.h"

namespace ckptview::formats {
namespace {

using testing::LeBytes;

// Writes V1 files the way TensorSliceWriter does: "" -> meta, then one record
// per slice keyed by EncodeTensorNameSlice, holding only the typed field.
class V1Builder {
 public:
  V1Builder() { meta_.mutable_versions()->set_producer(1); }
  tensorflow::SavedTensorSliceMeta& meta() { return meta_; }

  // Declares a tensor; then add its slices with Slice().
  tensorflow::SavedSliceMeta* Tensor(const std::string& name, DType dtype, const Shape& shape) {
    auto* t = meta_.add_tensor();
    t->set_name(name);
    t->set_type(tensorflow::DataType(int(dtype)));
    testing::SetShape(t->mutable_shape(), shape);
    return t;
  }
  // Adds a slice to the last declared tensor; `fill` sets the typed field.
  template <typename F>
  void Slice(const TensorSlice& slice, F fill, bool write_record = true) {
    auto* t = meta_.mutable_tensor(meta_.tensor_size() - 1);
    testing::SetSlice(t->add_slice(), slice);
    if (!write_record) return;
    tensorflow::SavedTensorSlices sts;
    auto* data = sts.mutable_data();
    data->set_name(t->name());
    testing::SetSlice(data->mutable_slice(), slice);
    fill(data->mutable_data());
    records_[EncodeTensorNameSlice(t->name(), slice)] = sts.SerializeAsString();
  }
  std::string Bytes() const {
    std::vector<std::pair<std::string, std::string>> kv;
    tensorflow::SavedTensorSlices head;
    *head.mutable_meta() = meta_;
    kv.emplace_back("", head.SerializeAsString());
    for (const auto& [k, v] : records_) kv.emplace_back(k, v);
    return testing::BuildTable(kv);
  }

 private:
  tensorflow::SavedTensorSliceMeta meta_;
  std::map<std::string, std::string> records_;
};

std::unique_ptr<Checkpoint> OpenV1(FileSource& src, const std::string& prefix) {
  auto c = OpenCheckpoint(src, prefix, CheckpointFormat::kSlicesV1);
  EXPECT_TRUE(c.ok()) << c.status().message();
  return c.ok() ? std::move(c).value() : nullptr;
}

Tensor MustRead(const Checkpoint& c, FileSource& src, const std::string& key) {
  auto t = c.Read(key, src);
  EXPECT_TRUE(t.ok()) << key << ": " << t.status().message();
  return t.ok() ? std::move(t).value() : Tensor();
}

TEST(CheckpointV1Test, EveryTypedValueField) {
  V1Builder b;
  const TensorSlice f1 = TensorSlice::Full(1);
  b.Tensor("f", DType::kFloat, {2});
  b.Slice(f1, [](tensorflow::TensorProto* p) { p->add_float_val(1.5f); p->add_float_val(-2); });
  b.Tensor("d", DType::kDouble, {1});
  b.Slice(f1, [](tensorflow::TensorProto* p) { p->add_double_val(3.25); });
  b.Tensor("i32", DType::kInt32, {2});
  b.Slice(f1, [](tensorflow::TensorProto* p) { p->add_int_val(-7); p->add_int_val(1 << 30); });
  b.Tensor("i16", DType::kInt16, {2});
  b.Slice(f1, [](tensorflow::TensorProto* p) { p->add_int_val(-2); p->add_int_val(300); });
  b.Tensor("u16", DType::kUInt16, {1});
  b.Slice(f1, [](tensorflow::TensorProto* p) { p->add_int_val(65535); });
  b.Tensor("i8", DType::kInt8, {2});
  b.Slice(f1, [](tensorflow::TensorProto* p) { p->add_int_val(-128); p->add_int_val(127); });
  b.Tensor("u8", DType::kUInt8, {1});
  b.Slice(f1, [](tensorflow::TensorProto* p) { p->add_int_val(255); });
  b.Tensor("qi8", DType::kQInt8, {1});
  b.Slice(f1, [](tensorflow::TensorProto* p) { p->add_int_val(-3); });
  b.Tensor("qu8", DType::kQUInt8, {1});
  b.Slice(f1, [](tensorflow::TensorProto* p) { p->add_int_val(200); });
  b.Tensor("qu16", DType::kQUInt16, {1});
  b.Slice(f1, [](tensorflow::TensorProto* p) { p->add_int_val(40000); });
  b.Tensor("qi32", DType::kQInt32, {1});
  b.Slice(f1, [](tensorflow::TensorProto* p) { p->add_int_val(-5); });
  b.Tensor("i64", DType::kInt64, {1});
  b.Slice(f1, [](tensorflow::TensorProto* p) { p->add_int64_val(-(int64_t{1} << 40)); });
  b.Tensor("u32", DType::kUInt32, {1});
  b.Slice(f1, [](tensorflow::TensorProto* p) { p->add_uint32_val(4000000000u); });
  b.Tensor("u64", DType::kUInt64, {1});
  b.Slice(f1, [](tensorflow::TensorProto* p) { p->add_uint64_val(UINT64_MAX); });
  b.Tensor("b", DType::kBool, {3});
  b.Slice(f1, [](tensorflow::TensorProto* p) { p->add_bool_val(true); p->add_bool_val(false); p->add_bool_val(true); });
  b.Tensor("c64", DType::kComplex64, {1});
  b.Slice(f1, [](tensorflow::TensorProto* p) { p->add_scomplex_val(1); p->add_scomplex_val(-2); });
  b.Tensor("c128", DType::kComplex128, {1});
  b.Slice(f1, [](tensorflow::TensorProto* p) { p->add_dcomplex_val(3); p->add_dcomplex_val(4); });
  b.Tensor("h", DType::kHalf, {2});
  b.Slice(f1, [](tensorflow::TensorProto* p) { p->add_half_val(0x3c00); p->add_half_val(0xc000); });
  b.Tensor("bf", DType::kBFloat16, {1});
  b.Slice(f1, [](tensorflow::TensorProto* p) { p->add_half_val(0x3f80); });
  b.Tensor("s", DType::kString, {2});
  b.Slice(f1, [](tensorflow::TensorProto* p) { p->add_string_val("x"); p->add_string_val(std::string("\0y", 2)); });
  b.Tensor("scalar", DType::kFloat, {});
  b.Slice(TensorSlice::Full(0), [](tensorflow::TensorProto* p) { p->add_float_val(9); });
  MemoryFileSource src;
  src.Add("model.ckpt", b.Bytes());
  auto c = OpenV1(src, "model.ckpt");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->format(), CheckpointFormat::kSlicesV1);
  EXPECT_EQ(c->variables().size(), 21u);
  EXPECT_EQ(c->data_files(), std::vector<std::string>{"model.ckpt"});
  auto ranges = c->RangesFor("f");
  ASSERT_TRUE(ranges.ok());
  EXPECT_TRUE(ranges->empty());  // bytes already in memory
  EXPECT_EQ(MustRead(*c, src, "f").bytes, LeBytes<float>({1.5f, -2}));
  EXPECT_EQ(MustRead(*c, src, "d").bytes, LeBytes<double>({3.25}));
  EXPECT_EQ(MustRead(*c, src, "i32").bytes, LeBytes<int32_t>({-7, 1 << 30}));
  EXPECT_EQ(MustRead(*c, src, "i16").bytes, LeBytes<int16_t>({-2, 300}));
  EXPECT_EQ(MustRead(*c, src, "u16").bytes, LeBytes<uint16_t>({65535}));
  EXPECT_EQ(MustRead(*c, src, "i8").bytes, LeBytes<int8_t>({-128, 127}));
  EXPECT_EQ(MustRead(*c, src, "u8").bytes, LeBytes<uint8_t>({255}));
  EXPECT_EQ(MustRead(*c, src, "qi8").bytes, LeBytes<int8_t>({-3}));
  EXPECT_EQ(MustRead(*c, src, "qu8").bytes, LeBytes<uint8_t>({200}));
  EXPECT_EQ(MustRead(*c, src, "qu16").bytes, LeBytes<uint16_t>({40000}));
  EXPECT_EQ(MustRead(*c, src, "qi32").bytes, LeBytes<int32_t>({-5}));
  EXPECT_EQ(MustRead(*c, src, "i64").bytes, LeBytes<int64_t>({-(int64_t{1} << 40)}));
  EXPECT_EQ(MustRead(*c, src, "u32").bytes, LeBytes<uint32_t>({4000000000u}));
  EXPECT_EQ(MustRead(*c, src, "u64").bytes, LeBytes<uint64_t>({UINT64_MAX}));
  EXPECT_EQ(MustRead(*c, src, "b").bytes, std::string("\1\0\1", 3));
  EXPECT_EQ(MustRead(*c, src, "c64").bytes, LeBytes<float>({1, -2}));
  EXPECT_EQ(MustRead(*c, src, "c128").bytes, LeBytes<double>({3, 4}));
  EXPECT_EQ(MustRead(*c, src, "h").bytes, LeBytes<uint16_t>({0x3c00, 0xc000}));
  EXPECT_EQ(MustRead(*c, src, "bf").bytes, LeBytes<uint16_t>({0x3f80}));
  EXPECT_EQ(MustRead(*c, src, "s").strings, (std::vector<std::string>{"x", std::string("\0y", 2)}));
  Tensor scalar = MustRead(*c, src, "scalar");
  EXPECT_EQ(scalar.shape, Shape{});
  EXPECT_EQ(scalar.bytes, LeBytes<float>({9}));
}

// TensorProto's "repeat the last value" fill is NOT how V1 records work:
// TF's TensorSliceReader requires exactly one value per element.
TEST(CheckpointV1Test, ValueCountsMustMatchExactly) {
  V1Builder b;
  b.Tensor("short", DType::kFloat, {3});
  b.Slice(TensorSlice::Full(1), [](tensorflow::TensorProto* p) { p->add_float_val(1); });
  b.Tensor("long", DType::kInt32, {1});
  b.Slice(TensorSlice::Full(1), [](tensorflow::TensorProto* p) { p->add_int_val(1); p->add_int_val(2); });
  b.Tensor("half_complex", DType::kComplex64, {1});
  b.Slice(TensorSlice::Full(1), [](tensorflow::TensorProto* p) { p->add_scomplex_val(1); });
  b.Tensor("content", DType::kFloat, {1});  // tensor_content is not read by V1
  b.Slice(TensorSlice::Full(1), [](tensorflow::TensorProto* p) { p->set_tensor_content(std::string(4, '\0')); });
  MemoryFileSource src;
  src.Add("m", b.Bytes());
  auto c = OpenV1(src, "m");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->Read("short", src).status().message(), "m: tensor 'short' slice -: has 1 values, expected 3");
  EXPECT_EQ(c->Read("long", src).status().message(), "m: tensor 'long' slice -: has 2 values, expected 1");
  EXPECT_EQ(c->Read("half_complex", src).status().message(),
            "m: tensor 'half_complex' slice -: has 1 values, expected 2 (real, imaginary pairs)");
  EXPECT_EQ(c->Read("content", src).status().message(), "m: tensor 'content' slice -: has 0 values, expected 1");
}

TEST(CheckpointV1Test, SlicesAreAssembled) {
  V1Builder b;
  b.Tensor("w", DType::kFloat, {4, 2});
  b.Slice(TensorSlice{{{2, 2}, {0, kFullExtent}}}, [](tensorflow::TensorProto* p) {
    for (float v : {4, 5, 6, 7}) p->add_float_val(v);
  });
  b.Slice(TensorSlice{{{0, 2}, {0, kFullExtent}}}, [](tensorflow::TensorProto* p) {
    for (float v : {0, 1, 2, 3}) p->add_float_val(v);
  });
  b.Tensor("names", DType::kString, {3});
  b.Slice(TensorSlice{{{0, 1}}}, [](tensorflow::TensorProto* p) { p->add_string_val("a"); });
  b.Slice(TensorSlice{{{1, 2}}}, [](tensorflow::TensorProto* p) { p->add_string_val("b"); p->add_string_val("c"); });
  MemoryFileSource src;
  src.Add("m", b.Bytes());
  auto c = OpenV1(src, "m");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->Find("w")->num_slices, 2);
  EXPECT_EQ(MustRead(*c, src, "w").bytes, LeBytes<float>({0, 1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(MustRead(*c, src, "names").strings, (std::vector<std::string>{"a", "b", "c"}));
}

TEST(CheckpointV1Test, MissingRecordAndBadSlices) {
  V1Builder b;
  b.Tensor("lost", DType::kFloat, {1});
  b.Slice(TensorSlice::Full(1), [](tensorflow::TensorProto*) {}, /*write_record=*/false);
  b.Tensor("overlap", DType::kFloat, {2});
  b.Slice(TensorSlice{{{0, 2}}}, [](tensorflow::TensorProto* p) { p->add_float_val(0); p->add_float_val(1); });
  b.Slice(TensorSlice{{{1, 1}}}, [](tensorflow::TensorProto* p) { p->add_float_val(1); });
  MemoryFileSource src;
  src.Add("m", b.Bytes());
  auto c = OpenV1(src, "m");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->Read("lost", src).status().message(), "m: tensor 'lost' slice -: record missing");
  EXPECT_EQ(c->Read("overlap", src).status().message(),
            "m: tensor 'overlap': slices hold more elements than shape [2] (overlapping slices?)");
  // A slice outside the shape fails opening, as TF's RegisterTensorSlice does.
  V1Builder bad;
  bad.Tensor("x", DType::kFloat, {2});
  bad.Slice(TensorSlice{{{1, 5}}}, [](tensorflow::TensorProto*) {});
  MemoryFileSource src2;
  src2.Add("m", bad.Bytes());
  auto c2 = OpenCheckpoint(src2, "m", CheckpointFormat::kSlicesV1);
  EXPECT_EQ(c2.status().message(), "m: tensor 'x': slice 1,5 does not fit shape [2]");
}

TEST(CheckpointV1Test, VersionsAndMeta) {
  V1Builder b;
  b.meta().mutable_versions()->set_min_consumer(2);
  MemoryFileSource src;
  src.Add("m", b.Bytes());
  EXPECT_EQ(OpenCheckpoint(src, "m", CheckpointFormat::kSlicesV1).status().message(),
            "m: checkpoint requires consumer version 2 or newer; this reader is version 1");
  // No versions at all (TF 0.x files) is fine.
  V1Builder old;
  old.meta().clear_versions();
  old.Tensor("x", DType::kFloat, {});
  old.Slice(TensorSlice::Full(0), [](tensorflow::TensorProto* p) { p->add_float_val(1); });
  src.Add("old", old.Bytes());
  EXPECT_TRUE(OpenCheckpoint(src, "old", CheckpointFormat::kSlicesV1).ok());
  // A table without the meta record.
  src.Add("nometa", testing::BuildTable({{"a", "b"}}));
  EXPECT_EQ(OpenCheckpoint(src, "nometa", CheckpointFormat::kSlicesV1).status().message(),
            "nometa: not a V1 checkpoint (no SavedTensorSlices metadata record)");
  EXPECT_EQ(OpenCheckpoint(src, "nothing", CheckpointFormat::kSlicesV1).status().message(),
            "nothing: no such V1 checkpoint (neither the file nor shards nothing-\?\?\?\?\?-of-NNNNN)");
}

TEST(CheckpointV1Test, ShardsAreFoundAndMerged) {
  // One tensor split over two shard files, another only in shard 1.
  V1Builder s0, s1;
  s0.Tensor("w", DType::kInt32, {2});
  s0.Slice(TensorSlice{{{0, 1}}}, [](tensorflow::TensorProto* p) { p->add_int_val(10); });
  s1.Tensor("w", DType::kInt32, {2});
  s1.Slice(TensorSlice{{{1, 1}}}, [](tensorflow::TensorProto* p) { p->add_int_val(11); });
  s1.Tensor("only1", DType::kFloat, {});
  s1.Slice(TensorSlice::Full(0), [](tensorflow::TensorProto* p) { p->add_float_val(2); });
  MemoryFileSource src;
  src.Add("d/model.ckpt-00000-of-00002", s0.Bytes());
  src.Add("d/model.ckpt-00001-of-00002", s1.Bytes());
  src.Add("d/model.ckpt-00000-of-00003", s0.Bytes());  // another save's stray shard
  auto c = OpenV1(src, "d/model.ckpt");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->data_files(), (std::vector<std::string>{"d/model.ckpt-00000-of-00002", "d/model.ckpt-00001-of-00002"}));
  EXPECT_TRUE(c->missing_data_files().empty());
  EXPECT_EQ(MustRead(*c, src, "w").bytes, LeBytes<int32_t>({10, 11}));
  EXPECT_EQ(MustRead(*c, src, "only1").bytes, LeBytes<float>({2}));
  // Shape disagreement between shards fails opening.
  V1Builder bad;
  bad.Tensor("w", DType::kInt32, {3});
  bad.Slice(TensorSlice{{{1, 1}}}, [](tensorflow::TensorProto* p) { p->add_int_val(11); });
  MemoryFileSource src2;
  src2.Add("m-00000-of-00002", s0.Bytes());
  src2.Add("m-00001-of-00002", bad.Bytes());
  EXPECT_EQ(OpenCheckpoint(src2, "m", CheckpointFormat::kSlicesV1).status().message(),
            "m-00001-of-00002: tensor 'w' is int32 [3] here but int32 [2] in another shard");
  // A missing shard is reported, the rest still opens.
  MemoryFileSource src3;
  src3.Add("m-00001-of-00002", s1.Bytes());
  auto c3 = OpenV1(src3, "m");
  ASSERT_TRUE(c3);
  EXPECT_EQ(c3->missing_data_files(), std::vector<std::string>{"m-00000-of-00002"});
  EXPECT_EQ(c3->warnings().size(), 1u);
  EXPECT_FALSE(c3->Read("w", src3).ok());  // half of it is in the missing file
}

TEST(CheckpointV1Test, ShardNames) {
  std::string prefix;
  EXPECT_TRUE(ParseV1ShardName("a/model.ckpt-00001-of-00002", &prefix));
  EXPECT_EQ(prefix, "a/model.ckpt");
  EXPECT_TRUE(ParseV1ShardName("export-00000-of-00001", &prefix));
  EXPECT_EQ(prefix, "export");
  EXPECT_TRUE(ParseV1ShardName("x-00000-of-100000", &prefix));
  EXPECT_FALSE(ParseV1ShardName("x-0000-of-00001", &prefix));
  EXPECT_FALSE(ParseV1ShardName("-00000-of-00001", &prefix));
  EXPECT_FALSE(ParseV1ShardName("x-00000-of-0001", &prefix));
}

// ---- real files --------------------------------------------------------------

TEST(CheckpointV1Test, TensorFlowV1Fixtures) {
  auto src = DiskFileSource::Open(std::string(CKPT_FIXTURES_DIR) + "/v1");
  ASSERT_TRUE(src.ok());
  FileSource& s = **src;
  auto single = OpenV1(s, "single/model.ckpt-5");
  ASSERT_TRUE(single);
  EXPECT_EQ(MustRead(*single, s, "ints").bytes, LeBytes<int32_t>({1, -2, 3}));
  EXPECT_EQ(MustRead(*single, s, "weights").bytes, LeBytes<float>({0, 0.25f, 0.5f, 0.75f, 1, 1.25f}));
  EXPECT_EQ(MustRead(*single, s, "names").strings, (std::vector<std::string>{"v1", "", std::string("\xff\0", 2)}));
  EXPECT_EQ(MustRead(*single, s, "scalar_double").bytes, LeBytes<double>({2.5}));
  EXPECT_EQ(single->Find("part")->num_slices, 3);
  std::vector<float> part;
  for (int i = 0; i < 12; ++i) part.push_back(float(i));
  EXPECT_EQ(MustRead(*single, s, "part").bytes, LeBytes(part));
  EXPECT_EQ(single->Find("part")->shape, (Shape{6, 2}));

  auto sharded = OpenV1(s, "sharded/model.ckpt");
  ASSERT_TRUE(sharded);
  EXPECT_EQ(sharded->data_files().size(), 2u);
  EXPECT_EQ(MustRead(*sharded, s, "a").bytes, LeBytes<float>({1, 2}));
  EXPECT_EQ(MustRead(*sharded, s, "b").bytes, LeBytes<int64_t>({3, 4, 5, 6}));

  auto raw = OpenV1(s, "raw/raw_slices.ckpt");
  ASSERT_TRUE(raw);
  EXPECT_EQ(MustRead(*raw, s, "sliced_cols").bytes, LeBytes<int32_t>({1, 2, 3, 4, 5, 6, 7, 8}));
  std::vector<float> sliced;
  for (int i = 0; i < 20; ++i) sliced.push_back(float(i) * 0.5f);
  EXPECT_EQ(MustRead(*raw, s, "sliced").bytes, LeBytes(sliced));
  auto raw_save = OpenV1(s, "raw/raw_save.ckpt");
  ASSERT_TRUE(raw_save);
  EXPECT_EQ(MustRead(*raw_save, s, "uint8s").bytes, std::string("\0\xff\x07", 3));
  EXPECT_EQ(MustRead(*raw_save, s, "int64_vector").bytes, LeBytes<int64_t>({INT64_MIN, 0, INT64_MAX}));
}

TEST(CheckpointV1Test, RealMultiBlockFile) {
  auto src = DiskFileSource::Open(std::string(CKPT_REALDATA_DIR) + "/vocalae-v1-multiblock");
  ASSERT_TRUE(src.ok());
  auto c = OpenV1(**src, "model.ckpt");
  ASSERT_TRUE(c);
  ASSERT_EQ(c->variables().size(), 6u);
  EXPECT_EQ(c->Find("Variable")->shape, (Shape{1024, 256}));
  Tensor t = MustRead(*c, **src, "Variable");
  ASSERT_EQ(t.bytes.size(), 1024u * 256 * 4);
  float first;
  std::memcpy(&first, t.bytes.data(), 4);
  EXPECT_FLOAT_EQ(first, 0.029482707381248474f);
}

}  // namespace
}  // namespace ckptview::formats
