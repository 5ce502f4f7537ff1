// Frozen tensors stored whole in a V2 bundle are streamed in pieces (freeze.cc):
// the bytes equal the in-memory build, no read is larger than a piece, and a
// damaged byte anywhere (even in the last piece) fails the freeze.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <sstream>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "formats/tensor_bundle.h"
#include "graph/freeze.h"
#include "graph/freeze_file.h"
#include "graph_test_util.h"

namespace ckptview::graph {
namespace {

using namespace ::ckptview::graph::testing;

const char kGraph[] = R"(
  node { name: "big" op: "VariableV2"
         attr { key: "dtype" value { type: DT_FLOAT } }
         attr { key: "shape" value { shape { dim { size: 1500000 } } } } }
  node { name: "small" op: "VariableV2"
         attr { key: "dtype" value { type: DT_FLOAT } }
         attr { key: "shape" value { shape { dim { size: 3 } } } } }
  node { name: "big/read" op: "Identity" input: "big" attr { key: "T" value { type: DT_FLOAT } } }
  node { name: "small/read" op: "Identity" input: "small" attr { key: "T" value { type: DT_FLOAT } } }
  node { name: "out" op: "AddN" input: "big/read" input: "small/read"
         attr { key: "T" value { type: DT_FLOAT } } attr { key: "N" value { i: 2 } } }
)";

Tensor Ramp(int64_t n) {
  std::vector<float> v(n);
  for (int64_t i = 0; i < n; ++i) v[i] = float(i % 1000) * 0.5f;
  return FloatTensor({n}, v);
}

FreezeOptions Out() {
  FreezeOptions o;
  o.output_nodes = {"out"};
  return o;
}

TEST(FreezeStreamTest, LargeTensorStreamsInPiecesWithSameBytes) {
  tensorflow::GraphDef g = GraphFromText(kGraph);
  MemoryCheckpoint ckpt({{"big", Ramp(1500000)}, {"small", FloatTensor({3}, {1, 2, 3})}});
  tensorflow::GraphDef frozen = FreezeOk(g, &ckpt, Out());
  const tensorflow::NodeDef* big = FindNode(frozen, "big");
  ASSERT_NE(big, nullptr);
  EXPECT_EQ(big->attr().at("value").tensor().tensor_content().size(), 6000000u);

  // Every read is at most one piece; the big tensor takes several.
  auto job = FreezeJob::Create(g, nullptr, ckpt.checkpoint.get(), Out());
  ASSERT_TRUE(job.ok()) << job.status().message();
  uint64_t largest = 0;
  int reads = 0;
  std::string out;
  while (true) {
    Result<FreezeStep> step = (*job)->Next();
    ASSERT_TRUE(step.ok()) << step.status().message();
    if (step->kind == FreezeStep::Kind::kDone) break;
    if (step->kind == FreezeStep::Kind::kWrite) {
      out += step->bytes;
      continue;
    }
    std::vector<std::string> chunks(step->ranges.size());
    for (size_t i = 0; i < chunks.size(); ++i) {
      const formats::ByteRange& r = step->ranges[i];
      largest = std::max(largest, r.size);
      ++reads;
      ASSERT_TRUE(ckpt.source.ReadRange(r.path, r.offset, r.size, &chunks[i]).ok());
    }
    ASSERT_TRUE((*job)->Supply(std::move(chunks)).ok());
  }
  EXPECT_LE(largest, uint64_t{4} << 20);
  EXPECT_GE(reads, 3);  // two pieces of "big", one of "small"
  tensorflow::GraphDef again;
  ASSERT_TRUE(again.ParseFromString(out));
  EXPECT_EQ(again.node_size(), frozen.node_size());
}

TEST(FreezeStreamTest, DamagedLastPieceFailsAndWritesNothing) {
  tensorflow::GraphDef g = GraphFromText(kGraph);
  MemoryCheckpoint ckpt({{"big", Ramp(1500000)}, {"small", FloatTensor({3}, {1, 2, 3})}});
  const std::string data_file = formats::BundleDataFilename("ckpt", 0, 1);
  Result<std::string> data = ckpt.source.ReadAll(data_file);
  ASSERT_TRUE(data.ok());
  auto* bundle = dynamic_cast<const formats::BundleCheckpoint*>(ckpt.checkpoint.get());
  ASSERT_NE(bundle, nullptr);
  const formats::BundleEntry* e = bundle->Entry("big");
  ASSERT_NE(e, nullptr);
  std::string damaged = *data;
  damaged[e->offset + e->size - 2] ^= 0x40;  // in the last piece
  formats::MemoryFileSource broken;
  Result<std::string> index = ckpt.source.ReadAll("ckpt.index");
  ASSERT_TRUE(index.ok());
  broken.Add("ckpt.index", *index);
  broken.Add(data_file, damaged);

  auto job = FreezeJob::Create(g, nullptr, ckpt.checkpoint.get(), Out());
  ASSERT_TRUE(job.ok());
  Result<std::string> out = RunToString(**job, broken);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("checksum"), std::string::npos) << out.status().message();

  char dir_template[] = "/tmp/freeze_stream_testXXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const std::string dir = dir_template;
  auto job2 = FreezeJob::Create(g, nullptr, ckpt.checkpoint.get(), Out());
  ASSERT_TRUE(job2.ok());
  Status s = FreezeToFile(**job2, broken, dir + "/frozen.pb");
  EXPECT_FALSE(s.ok());
  // Neither the output nor a temporary file is left.
  EXPECT_EQ(std::remove((dir + "/frozen.pb").c_str()), -1);
  EXPECT_EQ(::rmdir(dir.c_str()), 0) << "the folder is not empty";
}

// FreezeToFile writes on a thread of its own, pieces recycled as read
// buffers: the file holds exactly the streamed bytes, tensor after tensor.
TEST(FreezeStreamTest, FileHoldsTheStreamedBytes) {
  tensorflow::GraphDef g = GraphFromText(kGraph);
  MemoryCheckpoint ckpt({{"big", Ramp(1500000)}, {"small", FloatTensor({3}, {1, 2, 3})}});
  auto job = FreezeJob::Create(g, nullptr, ckpt.checkpoint.get(), Out());
  ASSERT_TRUE(job.ok());
  Result<std::string> expected = RunToString(**job, ckpt.source);
  ASSERT_TRUE(expected.ok()) << expected.status().message();

  char dir_template[] = "/tmp/freeze_stream_testXXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const std::string dir = dir_template;
  for (int round = 0; round < 3; ++round) {
    auto job2 = FreezeJob::Create(g, nullptr, ckpt.checkpoint.get(), Out());
    ASSERT_TRUE(job2.ok());
    uint64_t bytes = 0;
    Status s = FreezeToFile(**job2, ckpt.source, dir + "/frozen.pb", &bytes);
    ASSERT_TRUE(s.ok()) << s.message();
    EXPECT_EQ(bytes, expected->size());
    std::ifstream in(dir + "/frozen.pb", std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_TRUE(ss.str() == *expected) << "round " << round;
  }
  EXPECT_EQ(std::remove((dir + "/frozen.pb").c_str()), 0);
  EXPECT_EQ(::rmdir(dir.c_str()), 0) << "the folder is not empty";
}

// A write that fails (here: over the file size limit) fails the freeze with
// the writer thread's error, and leaves no file.
TEST(FreezeStreamTest, WriteErrorFailsAndWritesNothing) {
  tensorflow::GraphDef g = GraphFromText(kGraph);
  MemoryCheckpoint ckpt({{"big", Ramp(1500000)}, {"small", FloatTensor({3}, {1, 2, 3})}});
  char dir_template[] = "/tmp/freeze_stream_testXXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const std::string dir = dir_template;
  auto job = FreezeJob::Create(g, nullptr, ckpt.checkpoint.get(), Out());
  ASSERT_TRUE(job.ok());

  struct rlimit old_limit;
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);  // write() then fails with EFBIG
  struct rlimit limit = old_limit;
  limit.rlim_cur = 1 << 20;  // the output is about 6 MB
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &limit), 0);
  Status s = FreezeToFile(**job, ckpt.source, dir + "/frozen.pb");
  ::setrlimit(RLIMIT_FSIZE, &old_limit);
  std::signal(SIGXFSZ, old_handler);

  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("write failed"), std::string::npos) << s.message();
  EXPECT_EQ(std::remove((dir + "/frozen.pb").c_str()), -1);
  EXPECT_EQ(::rmdir(dir.c_str()), 0) << "the folder is not empty";
}

}  // namespace
}  // namespace ckptview::graph
