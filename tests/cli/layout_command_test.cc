// `ckptview layout`: runs the built CLI on real graphs and checks the JSON
// layout it prints (positions, routes, crossings, timings).
#include <set>

#include "cli/cli_test_util.h"

namespace {

using namespace ckptview::cli_test;

const std::string kGraph = kData + "/tensorboard-graphtest-pbtxt/graph.pbtxt";  // 461 nodes

Json LayoutJson(const std::vector<std::string>& args) {
  CliRun run = Cli(args);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(run.json_ok) << run.out.substr(0, 300);
  return run.json;
}

TEST(LayoutCliTest, FullyExpandedPlacesEveryNodeAndRoutesEdges) {
  Json doc = LayoutJson({"layout", kGraph, "--json", "--expand=all"});
  std::set<std::string> ids;
  for (const Json& n : doc["nodes"].items) {
    if (n["kind"].text == "node") ids.insert(n["id"].text);
    EXPECT_GT(n["w"].number, 0);
    EXPECT_GE(n["x"].number, 0);
  }
  EXPECT_EQ(ids.size(), 461u);
  ASSERT_GT(doc["edges"].size(), 400u);
  for (const Json& e : doc["edges"].items) EXPECT_GE(e["points"].size(), 4u);  // at least two points
  EXPECT_EQ(doc["crossings"].kind, Json::kNumber);
  EXPECT_TRUE(doc["times_ms"].Has("total"));
}

TEST(LayoutCliTest, OpensReadableAndIsDeterministic) {
  CliRun a = Cli({"layout", kGraph, "--json", "--no-times"});
  CliRun b = Cli({"layout", kGraph, "--json", "--no-times"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
  ASSERT_TRUE(a.json_ok);
  const Json& doc = a.json;
  EXPECT_LE(doc["nodes"].size(), 250u);  // a readable top level, not 461 boxes
  EXPECT_GT(doc["groups"].size(), 0u);
}

TEST(LayoutCliTest, CheckpointWithoutGraphIsAClearError) {
  CliRun run = Cli({"layout", kData + "/t2t-transformer_test_ckpt"});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_NE(run.err.find("no graph found"), std::string::npos) << run.err;
}

}  // namespace
