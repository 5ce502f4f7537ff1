// Truncation and byte-flip sweeps over real index, data and V1 files: every
// case must open and read cleanly or fail with a Status naming the damaged
// file; never crash, hang or allocate without bound. Flips the format
// protects with a checksum must be caught (data bytes by the tensor crc32c,
// index bytes by the block crc); the only bytes an SSTable does not protect
// are the never-read metaindex block, its handle and the footer's padding
// (TF's reader never reads them either).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "base/byte_view.h"
#include "formats/checkpoint.h"
#include "formats/discover.h"
#include "formats/sstable.h"
#include "formats/table_builder_for_test.h"

namespace ckptview::formats {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

struct Set {
  std::string dir;                  // under the realdata or fixtures root
  std::string prefix;               // checkpoint prefix within dir
  CheckpointFormat format;
  std::vector<std::string> files;   // relative to dir
};

// Bytes of an SSTable no reader looks at: the metaindex block (+ trailer),
// its handle in the footer and the footer padding after the two handles.
std::vector<std::pair<uint64_t, uint64_t>> UnprotectedRanges(const std::string& file) {
  std::vector<std::pair<uint64_t, uint64_t>> out;
  if (file.size() < kTableFooterSize) return out;
  const uint64_t footer_start = file.size() - kTableFooterSize;
  ByteView footer = ByteView(file).substr(footer_start, 40);
  const size_t before = footer.size();
  BlockHandle meta, index;
  if (!GetBlockHandle(&footer, &meta)) return out;
  out.push_back({footer_start, footer_start + (before - footer.size())});  // the metaindex handle
  if (!GetBlockHandle(&footer, &index)) return out;
  out.push_back({meta.offset, meta.offset + meta.size + kBlockTrailerSize});
  const uint64_t padding_start = file.size() - kTableFooterSize + (before - footer.size());
  out.push_back({padding_start, file.size() - 8});
  return out;
}

bool SameIndexHandle(const std::string& a, const std::string& b) {
  auto index_of = [](const std::string& f, BlockHandle* h) {
    ByteView footer = ByteView(f).substr(f.size() - kTableFooterSize, 40);
    BlockHandle meta;
    return GetBlockHandle(&footer, &meta) && GetBlockHandle(&footer, h);
  };
  BlockHandle ha, hb;
  return index_of(a, &ha) && index_of(b, &hb) && ha.offset == hb.offset && ha.size == hb.size;
}

bool Unprotected(const std::vector<std::pair<uint64_t, uint64_t>>& ranges, uint64_t pos) {
  for (const auto& [a, b] : ranges)
    if (pos >= a && pos < b) return true;
  return false;
}

class CorruptionSweep {
 public:
  explicit CorruptionSweep(const std::string& root, const Set& set) : set_(set) {
    for (const std::string& f : set.files) originals_.push_back(ReadFile(root + "/" + set.dir + "/" + f));
  }

  // Opens and reads everything with file `target` replaced by `bytes`.
  // Returns false if anything failed; checks failures name `target`.
  bool Run(size_t target, const std::string& bytes, std::string* first_error) {
    MemoryFileSource src;
    for (size_t i = 0; i < originals_.size(); ++i) src.Add(set_.files[i], i == target ? bytes : originals_[i]);
    (void)Discover(src);  // must not crash either
    const std::string& name = set_.files[target];
    auto c = OpenCheckpoint(src, set_.prefix, set_.format);
    if (!c.ok()) {
      EXPECT_NE(c.status().message().find(name), std::string::npos) << c.status().message();
      *first_error = c.status().message();
      return false;
    }
    bool ok = true;
    for (const VariableInfo& v : (*c)->variables()) {
      auto t = (*c)->Read(v.key, src);
      if (t.ok()) continue;
      EXPECT_NE(t.status().message().find(name), std::string::npos) << t.status().message();
      if (ok) *first_error = t.status().message();
      ok = false;
    }
    return ok;
  }

  void Sweep(size_t target, size_t cases) {
    const std::string& orig = originals_[target];
    const std::string& name = set_.files[target];
    const bool is_table = EndsWithTableMagic(orig) && name != set_.prefix + ".data";
    const auto unprotected = is_table ? UnprotectedRanges(orig) : std::vector<std::pair<uint64_t, uint64_t>>{};
    const size_t stride = std::max<size_t>(1, orig.size() / cases);
    std::string err;
    // Truncations (always a failure: every byte of these files is used).
    std::vector<size_t> cuts = {0, 1, 47, 48, orig.size() - 1};
    for (size_t n = stride / 2; n < orig.size(); n += stride) cuts.push_back(n);
    for (size_t n : cuts) {
      if (n >= orig.size()) continue;
      EXPECT_FALSE(Run(target, orig.substr(0, n), &err)) << name << " cut at " << n;
    }
    // Byte flips.
    std::vector<size_t> flips;
    for (size_t p = 0; p < orig.size(); p += stride) flips.push_back(p);
    for (size_t p = orig.size() > 48 ? orig.size() - 48 : 0; p < orig.size(); ++p) flips.push_back(p);
    for (size_t p : flips) {
      std::string bad = orig;
      bad[p] ^= char(0x01 << (p % 8));
      const bool ok = Run(target, bad, &err);
      if (is_table) {
        // Every protected byte of the index / V1 file is caught. (A flip in
        // the footer that leaves the index handle's value unchanged, such as
        // a redundant varint continuation bit, is no damage.)
        if (!Unprotected(unprotected, p) && !(p >= orig.size() - kTableFooterSize && SameIndexHandle(orig, bad))) {
          EXPECT_FALSE(ok) << name << " flip at " << p;
        }
      } else {
        // Data files: no padding in these checkpoints, so every byte
        // belongs to a tensor and its crc32c catches the flip.
        EXPECT_FALSE(ok) << name << " flip at " << p;
        if (!ok) {
          EXPECT_TRUE(err.find("checksum mismatch") != std::string::npos ||
                      err.find("overrun") != std::string::npos || err.find("string data is") != std::string::npos ||
                      err.find("not a parseable") != std::string::npos)
              << err;
        }
      }
    }
  }

  size_t num_files() const { return originals_.size(); }

 private:
  Set set_;
  std::vector<std::string> originals_;
};

TEST(CorruptionTest, RealBundlesAndV1Files) {
  const std::string real = CKPT_REALDATA_DIR;
  const std::string fixtures = CKPT_FIXTURES_DIR;
  struct Case {
    std::string root;
    Set set;
    size_t cases_per_file;
  };
  const std::vector<Case> all = {
      {real,
       {"mnist-tf210-savedmodel/variables", "variables", CheckpointFormat::kBundleV2,
        {"variables.index", "variables.data-00000-of-00001"}},
       150},
      {real,
       {"serving-saved_model_half_plus_two_tf2_cpu/variables", "variables", CheckpointFormat::kBundleV2,
        {"variables.index", "variables.data-00000-of-00001"}},
       250},
      {real,
       {"littleruan-iris-sharded", "model.ckpt", CheckpointFormat::kBundleV2,
        {"model.ckpt.index", "model.ckpt.data-00000-of-00002", "model.ckpt.data-00001-of-00002"}},
       120},
      {real,
       {"t2t-transformer_test_ckpt", "model.ckpt-1", CheckpointFormat::kBundleV2,
        {"model.ckpt-1.index", "model.ckpt-1.data-00000-of-00002", "model.ckpt-1.data-00001-of-00002"}},
       60},
      {fixtures,
       {"strings", "model.ckpt", CheckpointFormat::kBundleV2,
        {"model.ckpt.index", "model.ckpt.data-00000-of-00001"}},
       200},
      {fixtures,
       {"partitioned", "model.ckpt-1", CheckpointFormat::kBundleV2,
        {"model.ckpt-1.index", "model.ckpt-1.data-00000-of-00001"}},
       150},
      {real, {"vocalae-v1-multiblock", "model.ckpt", CheckpointFormat::kSlicesV1, {"model.ckpt"}}, 80},
      {real, {"haskell-mnist", "MNISTWts.ckpt", CheckpointFormat::kSlicesV1, {"MNISTWts.ckpt"}}, 150},
      {fixtures, {"v1/single", "model.ckpt-5", CheckpointFormat::kSlicesV1, {"model.ckpt-5"}}, 300},
  };
  for (const Case& c : all) {
    SCOPED_TRACE(c.set.dir);
    CorruptionSweep sweep(c.root, c.set);
    std::string err;
    // The untouched set reads cleanly.
    ASSERT_TRUE(sweep.Run(0, ReadFile(c.root + "/" + c.set.dir + "/" + c.set.files[0]), &err)) << err;
    for (size_t f = 0; f < sweep.num_files(); ++f) sweep.Sweep(f, c.cases_per_file);
  }
}

// Structured damage a byte flip rarely produces: absurd shapes and sizes
// with valid checksums. Each must fail before anything is allocated (an
// attempt would abort the test with std::bad_alloc or run out of memory).
TEST(CorruptionTest, HugeShapesAndSizesDoNotAllocate) {
  testing::TestBundle b;
  const int64_t big = int64_t{1} << 40;
  b.AddRaw("huge_float", DType::kFloat, {big, 4}, "abcd");
  b.AddRaw("huge_size", DType::kFloat, {big}, "abcd");
  b.Entry("huge_size").set_size(big * 4);
  b.AddStrings("huge_strings", {1}, {"x"});
  b.Entry("huge_strings").mutable_shape()->mutable_dim(0)->set_size(big);
  b.AddVariants("huge_variants", {1}, {""});
  b.Entry("huge_variants").mutable_shape()->mutable_dim(0)->set_size(big);
  b.AddSliced("huge_sliced", DType::kFloat, {big}, {{TensorSlice{{{0, big}}}, "abcd"}});
  b.AddRaw("overflow", DType::kFloat, {int64_t{1} << 62, 8}, "abcd");
  MemoryFileSource src;
  b.WriteTo(&src, "m");
  auto c = OpenCheckpoint(src, "m", CheckpointFormat::kBundleV2);
  ASSERT_FALSE(c.ok());  // the overflowing shape is refused when the index is read
  EXPECT_EQ(c.status().message(), "m.index: entry for key 'overflow': bad shape [4611686018427387904,8]: too many elements");
  testing::TestBundle b2 = b;
  MemoryFileSource src2;
  b.Entry("overflow").mutable_shape()->mutable_dim(0)->set_size(1);
  b.WriteTo(&src2, "m");
  auto c2 = OpenCheckpoint(src2, "m", CheckpointFormat::kBundleV2);
  ASSERT_TRUE(c2.ok()) << c2.status().message();
  for (const char* key : {"huge_float", "huge_size", "huge_strings", "huge_variants", "huge_sliced"}) {
    auto t = (*c2)->Read(key, src2);
    ASSERT_FALSE(t.ok()) << key;
    EXPECT_NE(t.status().message().find("m."), std::string::npos) << t.status().message();
  }
}

}  // namespace
}  // namespace ckptview::formats
