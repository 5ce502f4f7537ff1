// Runs the built `ckptview` (CKPT_CLI_PATH) `graph` and `freeze` commands:
// the freeze_graph.py flag forms and the short form, flag spellings, exit
// codes and messages, and that a failed freeze leaves no file behind.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "graph.pb.h"

namespace {

const std::string kCli = CKPT_CLI_PATH;
const std::string kData = CKPT_REALDATA_DIR;
const std::string kFixtures = CKPT_FIXTURES_DIR;

struct CliRun {
  int code = -1;
  std::string out;  // stdout and stderr together
};

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

CliRun Cli(const std::vector<std::string>& args) {
  std::string cmd = Quote(kCli);
  for (const auto& a : args) cmd += " " + Quote(a);
  cmd += " 2>&1";
  CliRun r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string TempDir() {
  char tmpl[] = "/tmp/ckptview_cli_XXXXXX";
  const char* d = mkdtemp(tmpl);
  return d ? d : "/tmp";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

class GraphCliTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = TempDir(); }
  void TearDown() override { std::system(("rm -rf " + Quote(dir_)).c_str()); }
  std::string dir_;
};

TEST_F(GraphCliTest, FreezeFormsWriteTheSameBytes) {
  const std::string d = kFixtures + "/graphs/dense";
  const std::string a = dir_ + "/a.pb", b = dir_ + "/b.pb", c = dir_ + "/c.pb", e = dir_ + "/e.pb";
  CliRun shortform = Cli({"freeze", d, "--output_node_names=probs", "-o", a});
  ASSERT_EQ(shortform.code, 0) << shortform.out;
  EXPECT_NE(shortform.out.find("froze 4 variables: 15 of 123 nodes kept"), std::string::npos) << shortform.out;
  // freeze_graph.py's flags, with "--flag value" and "--flag=value" mixed.
  CliRun flags = Cli({"freeze", "--input_meta_graph", d + "/model.ckpt-3.meta", "--input_checkpoint=" + d + "/model.ckpt-3",
                   "--input_binary=true", "--output_node_names", "probs", "--output_graph=" + b,
                   "--clear_devices", "--restore_op_name=save/restore_all", "--quiet"});
  ASSERT_EQ(flags.code, 0) << flags.out;
  EXPECT_EQ(flags.out, "");
  // A bare GraphDef (the meta graph's graph, as freeze_graph's --input_graph) binds keys by name.
  CliRun prefix = Cli({"freeze", d + "/model.ckpt-3", "--output_node_names=probs", "-o", c, "--quiet"});
  ASSERT_EQ(prefix.code, 0) << prefix.out;
  CliRun index = Cli({"freeze", d + "/model.ckpt-3.index", "--output_node_names=probs", "-o", e, "--quiet"});
  ASSERT_EQ(index.code, 0) << index.out;
  const std::string bytes = ReadFile(a);
  EXPECT_FALSE(bytes.empty());
  EXPECT_EQ(ReadFile(b), bytes);
  EXPECT_EQ(ReadFile(c), bytes);
  EXPECT_EQ(ReadFile(e), bytes);
  tensorflow::GraphDef g;
  ASSERT_TRUE(g.ParseFromString(bytes));
  EXPECT_EQ(g.node_size(), 15);
}

TEST_F(GraphCliTest, SavedModelDefaultsToSignatureOutputs) {
  const std::string out = dir_ + "/sm.pb";
  CliRun r = Cli({"freeze", "--input_saved_model_dir=" + kFixtures + "/graphs/keras_savedmodel",
               "--saved_model_tags=serve", "--output_graph=" + out, "--json"});
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("\"output_node_names\":[\"StatefulPartitionedCall_1\"]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"converted\":["), std::string::npos);
  EXPECT_TRUE(Exists(out));
  CliRun tags = Cli({"freeze", "--input_saved_model_dir=" + kFixtures + "/graphs/keras_savedmodel",
                  "--saved_model_tags=train", "-o", dir_ + "/x.pb"});
  EXPECT_EQ(tags.code, 3) << tags.out;
  EXPECT_NE(tags.out.find("no meta graph with tag set {train}; available tag sets: serve"), std::string::npos)
      << tags.out;
}

TEST_F(GraphCliTest, FreezeErrorsAndExitCodes) {
  const std::string d = kFixtures + "/graphs/dense";
  const std::string out = dir_ + "/out.pb";
  CliRun no_outputs = Cli({"freeze", d, "-o", out});
  EXPECT_EQ(no_outputs.code, 2);
  EXPECT_NE(no_outputs.out.find("no --output_node_names given; suggested: --output_node_names="), std::string::npos)
      << no_outputs.out;
  CliRun unknown = Cli({"freeze", d, "--output_node_names=prob", "-o", out});
  EXPECT_EQ(unknown.code, 1);
  EXPECT_NE(unknown.out.find("output node \"prob\" is not in the graph (similar names: probs"), std::string::npos)
      << unknown.out;
  CliRun no_file = Cli({"freeze", d, "--output_node_names=probs"});
  EXPECT_EQ(no_file.code, 2);
  EXPECT_NE(no_file.out.find("no output file"), std::string::npos);
  CliRun bad_flag = Cli({"freeze", d, "--output_nodes=probs", "-o", out});
  EXPECT_EQ(bad_flag.code, 2);
  EXPECT_NE(bad_flag.out.find("unknown option '--output_nodes=probs'"), std::string::npos);
  CliRun bad_bool = Cli({"freeze", d, "--output_node_names=probs", "--clear_devices=maybe", "-o", out});
  EXPECT_EQ(bad_bool.code, 2);
  CliRun missing = Cli({"freeze", "--input_meta_graph=" + dir_ + "/none.meta", "--output_node_names=x", "-o", out});
  EXPECT_EQ(missing.code, 3);
  EXPECT_NE(missing.out.find("none.meta: no such file"), std::string::npos) << missing.out;
  // Checkpoint missing its values: nothing is written.
  CliRun nockpt = Cli({"freeze", "--input_meta_graph=" + d + "/model.ckpt-3.meta", "--output_node_names=probs", "-o", out});
  EXPECT_EQ(nockpt.code, 1);
  EXPECT_NE(nockpt.out.find("4 variables to freeze have no value"), std::string::npos) << nockpt.out;
  EXPECT_FALSE(Exists(out));
  // The damaged SavedModel of the corpus.
  CliRun damaged = Cli({"freeze", kData + "/rottenreview-misnamed-savedmodel", "-o", out});
  EXPECT_EQ(damaged.code, 3);
  EXPECT_NE(damaged.out.find("saved_model.pbtxt: not a valid binary SavedModel"), std::string::npos) << damaged.out;
  EXPECT_FALSE(Exists(out));
  CliRun help = Cli({"freeze", "--help"});
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.out.find("--variable_names_denylist"), std::string::npos);
}

TEST_F(GraphCliTest, FreezeListsAndDevices) {
  const std::string d = kFixtures + "/graphs/dense";
  const std::string out = dir_ + "/deny.pb";
  CliRun r = Cli({"freeze", d, "--output_node_names=probs", "-o", out, "--variable_names_blacklist=dense1/kernel",
               "--clear_devices=false", "--json"});
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("\"not_converted\":[\"dense1/kernel\"]"), std::string::npos) << r.out;
  tensorflow::GraphDef g;
  ASSERT_TRUE(g.ParseFromString(ReadFile(out)));
  bool kept_variable = false, has_device = false;
  for (const auto& n : g.node()) {
    kept_variable |= n.name() == "dense1/kernel" && n.op() == "VariableV2";
    has_device |= !n.device().empty();
  }
  EXPECT_TRUE(kept_variable);
  EXPECT_TRUE(has_device);  // the fixture puts some nodes on /cpu:0
}

TEST_F(GraphCliTest, GraphCommand) {
  CliRun text = Cli({"graph", kData + "/neuralenc-ckpt-and-frozen"});
  ASSERT_EQ(text.code, 0) << text.out;
  EXPECT_NE(text.out.find("143 nodes"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("X_input  float32 unknown"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("suggested outputs:"), std::string::npos);
  EXPECT_NE(text.out.find("4 bound, 0 missing"), std::string::npos);
  CliRun json = Cli({"graph", kData + "/serving-saved_model_half_plus_two_tf2_cpu", "--json"});
  ASSERT_EQ(json.code, 0) << json.out;
  EXPECT_EQ(json.out.rfind("{\"file\":\"", 0), 0u) << json.out;
  EXPECT_NE(json.out.find("\"suggested_outputs\":[\"StatefulPartitionedCall_5\"]"), std::string::npos);
  EXPECT_NE(json.out.find("\"name\":\"Variable\",\"op\":\"VarHandleOp\""), std::string::npos);
  EXPECT_NE(json.out.find("\"warnings\":[]"), std::string::npos);
  CliRun file = Cli({"graph", kData + "/tfnet-metagraphs/cond_test.meta"});
  ASSERT_EQ(file.code, 0) << file.out;
  EXPECT_NE(file.out.find("(no checkpoint)"), std::string::npos) << file.out;
  CliRun bad = Cli({"graph", kData + "/rottenreview-misnamed-savedmodel/saved_model.pbtxt"});
  EXPECT_EQ(bad.code, 3);
  CliRun usage = Cli({"graph"});
  EXPECT_EQ(usage.code, 2);
}

}  // namespace
