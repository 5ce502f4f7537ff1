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

// The benchmark options (bench/layout/compare.mjs): --bench prints one JSON
// line of numbers, --out and --visible-graph write the layout and the graph
// handed to dagre, --synthetic lays out a generated graph instead of a file.
TEST(LayoutCliTest, BenchLineAndFilesForTheComparison) {
  const std::string dir = ::testing::TempDir();
  const std::string out = dir + "/layout_cli_bench.ours.json";
  const std::string graph = dir + "/layout_cli_bench.graph.json";
  Json line = LayoutJson({"layout", kGraph, "--expand=all", "--repeat", "2", "--bench", "--out", out,
                          "--visible-graph", graph});
  EXPECT_EQ(line["input_nodes"].number, 461);
  EXPECT_EQ(line["nodes"].number, 461);
  EXPECT_EQ(line["repeat"].number, 2);
  EXPECT_GT(line["ms"].number, 0);
  Json layout, visible;
  ASSERT_TRUE(JsonParser(ReadFile(out)).Parse(&layout));
  ASSERT_TRUE(JsonParser(ReadFile(graph)).Parse(&visible));
  EXPECT_EQ(layout["nodes"].size(), 461u);
  EXPECT_EQ(visible["nodes"].size(), 461u);
  EXPECT_EQ(visible["edges"].size(), layout["edges"].size());
  EXPECT_EQ(layout["crossings"].number, line["crossings"].number);
}

TEST(LayoutCliTest, SyntheticGraphWithAndWithoutHubs) {
  Json hubs = LayoutJson({"layout", "--synthetic", "1000", "--expand=all", "--bench"});
  Json kept = LayoutJson({"layout", "--synthetic=1000", "--expand=all", "--keep-hubs", "--bench"});
  Json none = LayoutJson({"layout", "--synthetic", "1000", "--no-hubs", "--expand=all", "--bench"});
  EXPECT_NEAR(hubs["input_nodes"].number, 1000, 100);
  EXPECT_EQ(hubs["nodes"].number, hubs["input_nodes"].number);  // fully expanded: every node a box
  EXPECT_GT(hubs["hubs"].number, 0);
  EXPECT_GT(hubs["stubs"].number, 0);
  EXPECT_EQ(kept["hubs"].number, 0);      // hubs stay in the layered layout
  EXPECT_GT(kept["edges"].number, hubs["edges"].number);
  EXPECT_EQ(none["hubs"].number, 0);
  CliRun both = Cli({"layout", kGraph, "--synthetic", "1000"});
  EXPECT_EQ(both.exit_code, 2);  // a file or --synthetic, not both
  CliRun bad = Cli({"layout", "--synthetic", "many"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--synthetic"), std::string::npos) << bad.err;
}

}  // namespace
