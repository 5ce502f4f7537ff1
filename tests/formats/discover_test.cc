#include "formats/discover.h"

#include <gtest/gtest.h>

#include <map>

#include "formats/checkpoint.h"
#include "formats/disk_file_source.h"
#include "formats/table_builder_for_test.h"
#include "saved_tensor_slice.pb.h"

namespace ckptview::formats {
namespace {

// Wraps a source: counts what is read, and can refuse ranges like the web
// page's source does.
class CountingSource : public FileSource {
 public:
  CountingSource(FileSource* inner, bool ranges) : inner_(inner), ranges_(ranges) {}
  const std::vector<FileInfo>& Files() const override { return inner_->Files(); }
  Result<std::string> ReadAll(const std::string& path) override {
    ++read_all[path];
    bytes[path] += Find(path) ? Find(path)->size : 0;
    return inner_->ReadAll(path);
  }
  Status ReadRange(const std::string& path, uint64_t offset, uint64_t size, std::string* out) override {
    if (!ranges_) return Status::Error("ranges unsupported");
    bytes[path] += size;
    return inner_->ReadRange(path, offset, size, out);
  }
  std::map<std::string, int> read_all;
  std::map<std::string, uint64_t> bytes;

 private:
  FileSource* inner_;
  bool ranges_;
};

std::unique_ptr<DiskFileSource> Real(const std::string& name) {
  auto src = DiskFileSource::Open(std::string(CKPT_REALDATA_DIR) + "/" + name);
  EXPECT_TRUE(src.ok()) << src.status().message();
  return src.ok() ? std::move(src).value() : nullptr;
}

Discovery MustDiscover(FileSource& src) {
  auto d = Discover(src);
  EXPECT_TRUE(d.ok()) << d.status().message();
  return d.ok() ? std::move(d).value() : Discovery();
}

std::vector<std::string> Prefixes(const Discovery& d) {
  std::vector<std::string> out;
  for (const auto& c : d.checkpoints) out.push_back(c.prefix);
  return out;
}

TEST(DiscoverTest, SavedModelFolder) {
  auto src = Real("mnist-tf210-savedmodel");
  ASSERT_TRUE(src);
  CountingSource counting(src.get(), true);
  Discovery d = MustDiscover(counting);
  ASSERT_EQ(d.checkpoints.size(), 1u);
  EXPECT_EQ(d.checkpoints[0].prefix, "variables/variables");
  EXPECT_EQ(d.checkpoints[0].prefix, SavedModelVariablesPrefix(""));
  EXPECT_EQ(d.checkpoints[0].format, CheckpointFormat::kBundleV2);
  EXPECT_TRUE(d.checkpoints[0].in_saved_model);
  EXPECT_EQ(d.preferred, 0);
  EXPECT_EQ(d.graph_files, std::vector<std::string>{"saved_model.pb"});
  EXPECT_TRUE(d.warnings.empty());
  // Sniffing reads the footer, index block and first data block only: no
  // whole-file reads, nothing of the 1.5 MB data file, nothing of the graph.
  EXPECT_TRUE(counting.read_all.empty());
  EXPECT_EQ(counting.bytes.count("variables/variables.data-00000-of-00001"), 0u);
  EXPECT_EQ(counting.bytes.count("saved_model.pb"), 0u);
  EXPECT_LE(counting.bytes["variables/variables.index"], 4172u);
}

TEST(DiscoverTest, WithoutRangesSmallFilesAreReadWhole) {
  auto src = Real("serving-saved_model_half_plus_two_tf2_cpu");  // snappy index
  ASSERT_TRUE(src);
  CountingSource web(src.get(), false);
  Discovery d = MustDiscover(web);
  ASSERT_EQ(d.checkpoints.size(), 1u);
  EXPECT_EQ(d.checkpoints[0].prefix, "variables/variables");
  EXPECT_TRUE(d.checkpoints[0].in_saved_model);
  EXPECT_EQ(web.read_all.count("variables/variables.data-00000-of-00001"), 0u);
  EXPECT_EQ(d.graph_files, std::vector<std::string>{"saved_model.pb"});  // not fingerprint.pb
}

TEST(DiscoverTest, V1WithStateFileFromAnotherMachine) {
  auto src = Real("serving-bad_half_plus_two");
  ASSERT_TRUE(src);
  Discovery d = MustDiscover(*src);
  ASSERT_EQ(d.checkpoints.size(), 1u);
  EXPECT_EQ(d.checkpoints[0].prefix, "export");
  EXPECT_EQ(d.checkpoints[0].format, CheckpointFormat::kSlicesV1);
  ASSERT_EQ(d.state_files, std::vector<std::string>{"checkpoint"});
  EXPECT_EQ(d.states[0].model_checkpoint_path, "/tmp/bad_half_plus_two/00000123/export");
  EXPECT_EQ(d.preferred, 0);
  EXPECT_TRUE(d.warnings.empty()) << d.warnings[0];
  EXPECT_EQ(d.graph_files, std::vector<std::string>{"export.meta"});
  auto c = OpenCheckpoint(*src, "export", CheckpointFormat::kSlicesV1);
  ASSERT_TRUE(c.ok()) << c.status().message();
  auto t = (*c)->Read("Variable", *src);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->bytes, testing::LeBytes<float>({0.5f}));
}

TEST(DiscoverTest, V1ShardedName) {
  auto src = Real("serving-session_bundle_half_plus_two");
  ASSERT_TRUE(src);
  Discovery d = MustDiscover(*src);
  ASSERT_EQ(d.checkpoints.size(), 1u);
  EXPECT_EQ(d.checkpoints[0].prefix, "export");
  EXPECT_EQ(d.checkpoints[0].format, CheckpointFormat::kSlicesV1);
  auto c = OpenCheckpoint(*src, "export", CheckpointFormat::kSlicesV1);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ((*c)->data_files(), std::vector<std::string>{"export-00000-of-00001"});
  auto t = (*c)->Read("b", *src);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->bytes, testing::LeBytes<float>({2.0f}));
}

TEST(DiscoverTest, PrefixLiterallyNamedCheckpoint) {
  auto src = Real("tfx-kerastuner-ckpt-prefix-named-checkpoint");
  ASSERT_TRUE(src);
  Discovery d = MustDiscover(*src);
  EXPECT_EQ(Prefixes(d), std::vector<std::string>{"checkpoint"});
  EXPECT_EQ(d.state_files, std::vector<std::string>{"checkpoint"});
  EXPECT_EQ(d.preferred, 0);
  auto c = OpenCheckpoint(*src, "checkpoint", CheckpointFormat::kBundleV2);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ((*c)->variables().size(), 30u);
  EXPECT_EQ((*c)->Find("layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE")->object_path,
            "layer_with_weights-0/kernel");
}

TEST(DiscoverTest, MissingShardListsButReadingNamesTheFile) {
  auto src = Real("t5-mtf_tiny-bf16-PARTIAL");
  ASSERT_TRUE(src);
  Discovery d = MustDiscover(*src);
  EXPECT_EQ(Prefixes(d), std::vector<std::string>{"model.ckpt-0"});
  EXPECT_EQ(d.preferred, 0);
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_EQ(d.warnings[0],
            "model.ckpt-0.data-00001-of-00002: missing data file; tensors of model.ckpt-0 stored there cannot be read");
  EXPECT_EQ(d.graph_files, std::vector<std::string>{"model.ckpt-0.meta"});
  auto c = OpenCheckpoint(*src, "model.ckpt-0", CheckpointFormat::kBundleV2);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ((*c)->variables().size(), 105u);
  EXPECT_EQ((*c)->missing_data_files(), std::vector<std::string>{"model.ckpt-0.data-00001-of-00002"});
  EXPECT_EQ((*c)->Find("shared/embedding")->dtype, DType::kBFloat16);
  EXPECT_EQ((*c)->Find("shared/embedding")->shape, (Shape{32128, 32}));
  auto step = (*c)->Read("global_step", *src);
  ASSERT_TRUE(step.ok()) << step.status().message();
  EXPECT_EQ(step->bytes, testing::LeBytes<int64_t>({0}));
  auto emb = (*c)->Read("shared/embedding", *src);
  ASSERT_FALSE(emb.ok());
  EXPECT_EQ(emb.status().message(),
            "model.ckpt-0.data-00001-of-00002: missing data file (tensor 'shared/embedding' is stored there); the "
            "checkpoint is incomplete");
}

TEST(DiscoverTest, StateFileChoosesAmongSeveral) {
  auto src = Real("ipo-widedeep-estimator");
  ASSERT_TRUE(src);
  Discovery d = MustDiscover(*src);
  EXPECT_EQ(Prefixes(d), (std::vector<std::string>{"model.ckpt-3384", "model.ckpt-3385", "model.ckpt-3572",
                                                   "model.ckpt-3573", "model.ckpt-3760"}));
  ASSERT_GE(d.preferred, 0);
  EXPECT_EQ(d.checkpoints[size_t(d.preferred)].prefix, "model.ckpt-3760");
  EXPECT_EQ(d.graph_files.size(), 6u);  // graph.pbtxt + 5 .meta
  // The state file names only model.ckpt, not the newer-looking longtrain one.
  auto hp = Real("houseprices-ckpt");
  Discovery h = MustDiscover(*hp);
  EXPECT_EQ(Prefixes(h), (std::vector<std::string>{"model.ckpt", "model_longtrain.ckpt"}));
  EXPECT_EQ(h.checkpoints[size_t(h.preferred)].prefix, "model.ckpt");
}

TEST(DiscoverTest, NewestWithoutStateFile) {
  MemoryFileSource src;
  testing::WriteBundle(&src, "run/model.ckpt-900");
  testing::WriteBundle(&src, "run/model.ckpt-1000");
  testing::WriteBundle(&src, "run/model.ckpt-99");
  Discovery d = MustDiscover(src);
  ASSERT_EQ(d.checkpoints.size(), 3u);
  EXPECT_EQ(d.checkpoints[size_t(d.preferred)].prefix, "run/model.ckpt-1000");
  EXPECT_EQ(d.preferred_state, -1);
  // A state file pointing at a missing checkpoint: warned, newest used.
  src.Add("run/checkpoint", "model_checkpoint_path: \"model.ckpt-2000\"\nall_model_checkpoint_paths: \"model.ckpt-5\"\n"
                            "all_model_checkpoint_paths: \"model.ckpt-2000\"\n");
  Discovery d2 = MustDiscover(src);
  EXPECT_EQ(d2.checkpoints[size_t(d2.preferred)].prefix, "run/model.ckpt-1000");
  EXPECT_EQ(d2.preferred_state, -1);
  EXPECT_EQ(d2.warnings, (std::vector<std::string>{"run/checkpoint: latest checkpoint model.ckpt-2000 is missing",
                                                   "run/checkpoint: lists model.ckpt-5, which is missing"}));
  // And one that resolves wins over "newest".
  src.Add("run/checkpoint", "model_checkpoint_path: \"model.ckpt-99\"\n");
  Discovery d3 = MustDiscover(src);
  EXPECT_EQ(d3.checkpoints[size_t(d3.preferred)].prefix, "run/model.ckpt-99");
  EXPECT_EQ(d3.preferred_state, 0);
}

TEST(DiscoverTest, ByContentNotName) {
  MemoryFileSource src;
  testing::WriteBundle(&src, "weights");
  // An .index that is no table, a table that is neither kind, a text file
  // named checkpoint that is not a state file, a V1 file without extension.
  src.Add("junk.index", std::string(100, 'j'));
  src.Add("other.index", testing::BuildTable({{"k", "v"}}));
  src.Add("sub/checkpoint", "this is not a state file");
  // A V1 file whose name ends in .index is still V1.
  {
    tensorflow::SavedTensorSlices sts;
    sts.mutable_meta()->mutable_versions()->set_producer(1);
    src.Add("odd.index", testing::BuildTable({{"", sts.SerializeAsString()}}));
  }
  // A bundle from a newer format version: not listed, but said why.
  testing::TestBundle newer;
  newer.header.mutable_version()->set_min_consumer(5);
  newer.WriteTo(&src, "newer");
  Discovery d = MustDiscover(src);
  EXPECT_EQ(Prefixes(d), (std::vector<std::string>{"odd.index", "weights"}));
  EXPECT_EQ(d.checkpoints[0].format, CheckpointFormat::kSlicesV1);
  EXPECT_TRUE(d.state_files.empty());
  EXPECT_EQ(d.warnings, std::vector<std::string>{"newer.index: bundle requires consumer version 5 or newer; this "
                                                 "reader is version 1 (written by a newer TensorFlow?)"});
}

TEST(DiscoverTest, NothingOpenable) {
  MemoryFileSource src;
  src.Add("notes.txt", "hello");
  src.Add("checkpoint", "model_checkpoint_path: \"gone\"\n");
  src.Add("x.index", std::string(60, '\0'));
  auto d = Discover(src);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().message(),
            "no checkpoint or graph found among 3 files\n"
            "  checkpoint: latest checkpoint gone is missing\n"
            "  notes.txt\n"
            "  x.index\n"
            "  checkpoint (state file)");
  MemoryFileSource empty;
  EXPECT_EQ(Discover(empty).status().message(), "no checkpoint or graph found among 0 files");
}

TEST(DiscoverTest, CorruptIndexIsAWarning) {
  MemoryFileSource src;
  testing::WriteBundle(&src, "good");
  std::string bad = *src.ReadAll("good.index");
  bad[2] ^= 1;  // inside the first data block
  src.Add("bad.index", bad);
  Discovery d = MustDiscover(src);
  EXPECT_EQ(Prefixes(d), std::vector<std::string>{"good"});
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_EQ(d.warnings[0], "bad.index: block checksum mismatch in block at offset 0");
}

TEST(DiscoverTest, WholeCorpus) {
  auto src = Real("");
  ASSERT_TRUE(src);
  Discovery d = MustDiscover(*src);
  // Every checkpoint of MANIFEST.tsv (46 bundles + 5 V1).
  EXPECT_EQ(d.checkpoints.size(), 51u);
  int v1 = 0, saved = 0;
  for (const auto& c : d.checkpoints) {
    v1 += c.format == CheckpointFormat::kSlicesV1;
    saved += c.in_saved_model;
  }
  EXPECT_EQ(v1, 5);
  EXPECT_GE(saved, 20);
}

}  // namespace
}  // namespace ckptview::formats
