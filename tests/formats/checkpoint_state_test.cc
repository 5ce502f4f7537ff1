#include "formats/checkpoint_state.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "formats/file_source.h"

namespace ckptview::formats {
namespace {

TEST(CheckpointStateTest, CheckpointManagerFile) {
  const std::string text =
      "model_checkpoint_path: \"ckpt-12\"\n"
      "all_model_checkpoint_paths: \"ckpt-6\"\n"
      "all_model_checkpoint_paths: \"ckpt-12\"\n"
      "all_model_checkpoint_timestamps: 1601611588.861176\n"
      "all_model_checkpoint_timestamps: 1601612029.9504316\n"
      "last_preserved_timestamp: 1601611500.5\n";
  auto st = ParseCheckpointState("checkpoint", text);
  ASSERT_TRUE(st.ok()) << st.status().message();
  EXPECT_EQ(st->model_checkpoint_path, "ckpt-12");
  EXPECT_EQ(st->all_model_checkpoint_paths, (std::vector<std::string>{"ckpt-6", "ckpt-12"}));
  ASSERT_EQ(st->all_model_checkpoint_timestamps.size(), 2u);
  EXPECT_DOUBLE_EQ(st->all_model_checkpoint_timestamps[0], 1601611588.861176);
  EXPECT_EQ(st->all_model_checkpoint_timestamps[1], 1601612029.9504316);  // shortest repr round-trips exactly
  EXPECT_EQ(st->last_preserved_timestamp, 1601611500.5);
}

TEST(CheckpointStateTest, EscapesCommentsAndLayout) {
  const std::string text =
      "# written by hand\n"
      "  model_checkpoint_path :'dir/with \\'quote\\' and \\\"dq\\\"'  # trailing comment\n"
      "all_model_checkpoint_paths: \"tab\\there\\nnl\\\\bs\\101\\x42\\0\"\r\n"
      "all_model_checkpoint_paths: \"split\" 'ted'; all_model_checkpoint_timestamps: [1e3, -2.5E-1, 7, inf]\n"
      "last_preserved_timestamp: 1.5f\n";
  auto st = ParseCheckpointState("checkpoint", text);
  ASSERT_TRUE(st.ok()) << st.status().message();
  EXPECT_EQ(st->model_checkpoint_path, "dir/with 'quote' and \"dq\"");
  ASSERT_EQ(st->all_model_checkpoint_paths.size(), 2u);
  EXPECT_EQ(st->all_model_checkpoint_paths[0], std::string("tab\there\nnl\\bsAB\0", 17));
  EXPECT_EQ(st->all_model_checkpoint_paths[1], "splitted");
  ASSERT_EQ(st->all_model_checkpoint_timestamps.size(), 4u);
  EXPECT_EQ(st->all_model_checkpoint_timestamps[0], 1000.0);
  EXPECT_EQ(st->all_model_checkpoint_timestamps[1], -0.25);
  EXPECT_EQ(st->all_model_checkpoint_timestamps[2], 7.0);
  EXPECT_TRUE(std::isinf(st->all_model_checkpoint_timestamps[3]));
  EXPECT_EQ(st->last_preserved_timestamp, 1.5);
}

TEST(CheckpointStateTest, ErrorsSayWhere) {
  EXPECT_EQ(ParseCheckpointState("checkpoint", "model_checkpoint_path: \"a\"\nnode { }\n").status().message(),
            "checkpoint:2:6: expected ':' after field name 'node'");
  EXPECT_EQ(ParseCheckpointState("checkpoint", "foo: 1\n").status().message(),
            "checkpoint:1:6: unknown field 'foo' (not a CheckpointState)");
  EXPECT_EQ(ParseCheckpointState("c", "model_checkpoint_path: \"abc\n").status().message(),
            "c:1:28: unterminated string");
  EXPECT_EQ(ParseCheckpointState("c", "model_checkpoint_path: abc\n").status().message(),
            "c:1:24: expected a quoted string");
  EXPECT_EQ(ParseCheckpointState("c", "model_checkpoint_path: \"a\" last_preserved_timestamp: x1\n")
                .status()
                .message(),
            "c:1:54: expected a number");
  EXPECT_EQ(ParseCheckpointState("c", "model_checkpoint_path: \"\\q\"").status().message(),
            "c:1:27: unknown escape \\q");
  // Parses, but a state file must name a checkpoint (get_checkpoint_state).
  EXPECT_EQ(ParseCheckpointState("c", "").status().message(), "c: model_checkpoint_path is missing or empty");
  EXPECT_EQ(ParseCheckpointState("c", "all_model_checkpoint_paths: \"x\"").status().message(),
            "c: model_checkpoint_path is missing or empty");
  // Binary junk is not a state file.
  EXPECT_FALSE(ParseCheckpointState("c", std::string("\x08\x01\x1a\x02", 4)).ok());
}

TEST(CheckpointStateTest, RealStateFiles) {
  std::ifstream f(std::string(CKPT_REALDATA_DIR) + "/ipo-widedeep-estimator/checkpoint");
  std::stringstream ss;
  ss << f.rdbuf();
  auto st = ParseCheckpointState("checkpoint", ss.str());
  ASSERT_TRUE(st.ok()) << st.status().message();
  EXPECT_EQ(st->model_checkpoint_path, "model.ckpt-3760");
  EXPECT_EQ(st->all_model_checkpoint_paths.size(), 5u);
  std::ifstream g(std::string(CKPT_FIXTURES_DIR) + "/tf2_manager/checkpoint");
  std::stringstream gs;
  gs << g.rdbuf();
  auto m = ParseCheckpointState("checkpoint", gs.str());
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->model_checkpoint_path, "ckpt-3");
  EXPECT_EQ(m->all_model_checkpoint_timestamps.size(), 2u);
  EXPECT_GT(m->last_preserved_timestamp, 1.7e9);
}

TEST(ResolveCheckpointPathTest, RelativeAbsoluteAndMoved) {
  const std::vector<std::string> avail = {"run/model.ckpt-10", "run/model.ckpt-20", "export", "/data/abs/m"};
  EXPECT_EQ(ResolveCheckpointPath("run", "model.ckpt-20", avail), "run/model.ckpt-20");
  EXPECT_EQ(ResolveCheckpointPath("run", "./model.ckpt-10", avail), "run/model.ckpt-10");
  EXPECT_EQ(ResolveCheckpointPath("run", "../run/model.ckpt-10", avail), "run/model.ckpt-10");
  // Absolute and present.
  EXPECT_EQ(ResolveCheckpointPath("/data/abs", "/data/abs/m", avail), "/data/abs/m");
  // Absolute path from the machine that trained: same base name beside the state file.
  EXPECT_EQ(ResolveCheckpointPath("", "/tmp/bad_half_plus_two/00000123/export", avail), "export");
  EXPECT_EQ(ResolveCheckpointPath("run", "/home/me/train/model.ckpt-20", avail), "run/model.ckpt-20");
  EXPECT_EQ(ResolveCheckpointPath("run", "C:\\Users\\me\\train\\model.ckpt-10", avail), "run/model.ckpt-10");
  // A sharded V1 save records its restore glob.
  EXPECT_EQ(ResolveCheckpointPath("", "/tmp/x/export-\?\?\?\?\?-of-00001", avail), "export");
  // Missing.
  EXPECT_EQ(ResolveCheckpointPath("run", "model.ckpt-30", avail), "");
  EXPECT_EQ(ResolveCheckpointPath("run", "", avail), "");
}

TEST(PathTest, Helpers) {
  EXPECT_EQ(PathDirName("a/b/c"), "a/b");
  EXPECT_EQ(PathDirName("c"), "");
  EXPECT_EQ(PathDirName("/c"), "/");
  EXPECT_EQ(PathBaseName("a/b/c"), "c");
  EXPECT_EQ(PathBaseName("C:\\x\\y"), "y");
  EXPECT_EQ(PathJoin("", "x"), "x");
  EXPECT_EQ(PathJoin("a/", "x"), "a/x");
  EXPECT_EQ(PathJoin("a", "/x"), "/x");
  EXPECT_EQ(NormalizePath("a/./b//../c"), "a/c");
  EXPECT_EQ(NormalizePath("../a/../../b"), "../../b");
  EXPECT_EQ(NormalizePath("/../a"), "/a");
  EXPECT_EQ(NormalizePath("a/.."), ".");
  EXPECT_TRUE(IsAbsolutePath("/x"));
  EXPECT_TRUE(IsAbsolutePath("C:/x"));
  EXPECT_TRUE(IsAbsolutePath("\\\\server\\share"));
  EXPECT_FALSE(IsAbsolutePath("x/y"));
  EXPECT_FALSE(IsAbsolutePath(""));
}

}  // namespace
}  // namespace ckptview::formats
