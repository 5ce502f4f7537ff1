// GraphConstants lists a graph's Const nodes like checkpoint variables and
// decodes their values; a bad value is an error naming the graph and node.
#include "graph/graph_constants.h"

#include <gtest/gtest.h>

#include <cstring>

namespace ckptview::graph {
namespace {

tensorflow::NodeDef* AddConst(tensorflow::GraphDef* g, const std::string& name) {
  tensorflow::NodeDef* n = g->add_node();
  n->set_name(name);
  n->set_op("Const");
  return n;
}

tensorflow::GraphDef SampleGraph() {
  tensorflow::GraphDef g;
  tensorflow::TensorProto* t = (*AddConst(&g, "b/weights")->mutable_attr())["value"].mutable_tensor();
  t->set_dtype(tensorflow::DT_FLOAT);
  t->mutable_tensor_shape()->add_dim()->set_size(2);
  const float values[2] = {1.5f, -2.0f};
  t->set_tensor_content(std::string(reinterpret_cast<const char*>(values), sizeof(values)));
  tensorflow::TensorProto* bad = (*AddConst(&g, "a/bad")->mutable_attr())["value"].mutable_tensor();
  bad->set_dtype(tensorflow::DT_FLOAT);
  bad->mutable_tensor_shape()->add_dim()->set_size(3);
  bad->set_tensor_content(std::string(5, '\0'));  // not 12 bytes
  AddConst(&g, "no_value");                       // a Const without a value attr is skipped
  tensorflow::NodeDef* add = g.add_node();
  add->set_name("sum");
  add->set_op("Add");
  return g;
}

TEST(GraphConstantsTest, ListsConstsSortedWithDtypeAndShape) {
  const tensorflow::GraphDef g = SampleGraph();
  auto c = GraphConstants::Open(g, "frozen.pb");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->format(), formats::CheckpointFormat::kGraphConstants);
  ASSERT_EQ(c->variables().size(), 2u);
  EXPECT_EQ(c->variables()[0].key, "a/bad");
  EXPECT_EQ(c->variables()[1].key, "b/weights");
  EXPECT_EQ(c->variables()[1].dtype, DType::kFloat);
  EXPECT_EQ(c->variables()[1].shape, (Shape{2}));
  EXPECT_FALSE(c->variables()[1].optimizer_slot);
}

TEST(GraphConstantsTest, DecodesValuesWithoutFileReads) {
  const tensorflow::GraphDef g = SampleGraph();
  auto c = GraphConstants::Open(g, "frozen.pb");
  ASSERT_NE(c, nullptr);
  auto ranges = c->RangesFor("b/weights");
  ASSERT_TRUE(ranges.ok());
  EXPECT_TRUE(ranges.value().empty());
  auto t = c->Decode("b/weights", std::vector<std::string>{});
  ASSERT_TRUE(t.ok()) << t.status().message();
  float values[2];
  ASSERT_EQ(t.value().bytes.size(), sizeof(values));
  std::memcpy(values, t.value().bytes.data(), sizeof(values));
  EXPECT_EQ(values[0], 1.5f);
  EXPECT_EQ(values[1], -2.0f);
}

TEST(GraphConstantsTest, BadValuesAndUnknownNamesAreErrors) {
  const tensorflow::GraphDef g = SampleGraph();
  auto c = GraphConstants::Open(g, "frozen.pb");
  ASSERT_NE(c, nullptr);
  auto bad = c->Decode("a/bad", std::vector<std::string>{});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("frozen.pb"), std::string::npos) << bad.status().message();
  EXPECT_NE(bad.status().message().find("a/bad"), std::string::npos) << bad.status().message();
  EXPECT_FALSE(c->RangesFor("sum").ok());
  EXPECT_FALSE(c->Decode("sum", std::vector<std::string>{}).ok());
}

TEST(GraphConstantsTest, NullWithoutConsts) {
  tensorflow::GraphDef g;
  g.add_node()->set_name("x");
  EXPECT_EQ(GraphConstants::Open(g, "g.pb"), nullptr);
}

}  // namespace
}  // namespace ckptview::graph
