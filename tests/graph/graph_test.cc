#include "graph/graph.h"

#include <gtest/gtest.h>

#include "graph_test_util.h"

namespace ckptview::graph {
namespace {

using testing::GraphFromText;

const char kGraph[] = R"(
node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } }
node { name: "dense" op: "NoOp" }
node { name: "dense/kernel" op: "VariableV2" }
node { name: "dense/kernel/read" op: "Identity" input: "dense/kernel"
       attr { key: "_class" value { list { s: "loc:@dense/kernel" } } } }
node { name: "dense/MatMul" op: "MatMul" input: "x" input: "dense/kernel/read" }
node { name: "split" op: "Split" input: "dense/MatMul" }
node { name: "out" op: "Add" input: "split:1" input: "split" input: "^dense" input: "^ghost" }
node { name: "call" op: "StatefulPartitionedCall" input: "x"
       attr { key: "f" value { func { name: "fn" } } } }
library { function { signature { name: "fn" } } function { signature { name: "unused" } } }
)";

TEST(GraphTest, EdgesConsumersAndOutputs) {
  tensorflow::GraphDef def = GraphFromText(kGraph);
  Result<Graph> g = Graph::Build(&def);
  ASSERT_TRUE(g.ok()) << g.status().message();
  ASSERT_EQ(g->num_nodes(), 8);
  const int out = g->Find("out"), split = g->Find("split"), dense = g->Find("dense");
  ASSERT_GE(out, 0);
  const Graph::Node& n = g->node(out);
  ASSERT_EQ(n.inputs.size(), 4u);
  EXPECT_EQ(n.inputs[0].node, split);
  EXPECT_EQ(n.inputs[0].index, 1);
  EXPECT_FALSE(n.inputs[0].control);
  EXPECT_EQ(n.inputs[1].index, 0);
  EXPECT_TRUE(n.inputs[2].control);
  EXPECT_EQ(n.inputs[2].node, dense);
  EXPECT_EQ(n.inputs[3].node, -1);  // ^ghost names no node
  ASSERT_EQ(g->unresolved().size(), 1u);
  EXPECT_EQ(g->unresolved()[0], "out <- ^ghost");
  EXPECT_EQ(g->node(split).num_outputs, 2);
  EXPECT_EQ(g->node(split).consumers.size(), 2u);
  EXPECT_EQ(g->num_data_edges(), 7);
  EXPECT_EQ(g->num_control_edges(), 1);
  EXPECT_EQ(g->node(g->Find("dense/kernel/read")).colocated_with, std::vector<int>{g->Find("dense/kernel")});
  EXPECT_EQ(g->Find("nope"), -1);
  // Functions: called by op name or a func attr.
  EXPECT_EQ(g->num_functions(), 2);
  EXPECT_EQ(g->node(g->Find("call")).functions, std::vector<int>{g->FindFunction("fn")});
  EXPECT_EQ(g->FindFunction("missing"), -1);
}

TEST(GraphTest, NameScopes) {
  tensorflow::GraphDef def = GraphFromText(kGraph);
  Result<Graph> g = Graph::Build(&def);
  ASSERT_TRUE(g.ok());
  const auto& scopes = g->scopes();
  const int dense = g->FindScope("dense");
  const int kernel = g->FindScope("dense/kernel");
  ASSERT_GT(dense, 0);
  ASSERT_GT(kernel, 0);
  EXPECT_EQ(scopes[dense].parent, 0);
  EXPECT_EQ(scopes[kernel].parent, dense);
  EXPECT_EQ(scopes[dense].node, g->Find("dense"));  // a node named like its scope
  EXPECT_EQ(scopes[kernel].node, g->Find("dense/kernel"));
  EXPECT_EQ(scopes[kernel].nodes, std::vector<int>{g->Find("dense/kernel/read")});
  EXPECT_EQ(g->node(g->Find("dense/MatMul")).scope, dense);
  EXPECT_EQ(g->node(g->Find("x")).scope, 0);
  EXPECT_EQ(scopes[0].children.size(), 1u);
  EXPECT_EQ(g->FindScope("dense/nope"), -1);
}

TEST(GraphTest, DuplicateNamesAreAnError) {
  tensorflow::GraphDef def = GraphFromText("node { name: 'a' op: 'NoOp' } node { name: 'a' op: 'NoOp' }");
  Result<Graph> g = Graph::Build(&def);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.status().message(), "graph has two nodes named \"a\" (nodes 0 and 1)");
}

TEST(GraphTest, ParseInputForms) {
  InputRef a = ParseInput("x");
  EXPECT_EQ(a.node, "x");
  EXPECT_EQ(a.index, 0);
  InputRef b = ParseInput("a/b:3");
  EXPECT_EQ(b.node, "a/b");
  EXPECT_EQ(b.index, 3);
  InputRef c = ParseInput("^c");
  EXPECT_TRUE(c.control);
  EXPECT_EQ(c.node, "c");
  InputRef d = ParseInput("weird:name");  // not an index: the whole string is the name
  EXPECT_EQ(d.node, "weird:name");
  EXPECT_EQ(TensorName("x", 0), "x:0");
}

}  // namespace
}  // namespace ckptview::graph
