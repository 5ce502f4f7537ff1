#include "formats/object_graph.h"

#include <gtest/gtest.h>

#include "formats/checkpoint.h"
#include "formats/disk_file_source.h"
#include "formats/table_builder_for_test.h"
#include "trackable_object_graph.pb.h"

namespace ckptview::formats {
namespace {

using Graph = tensorflow::TrackableObjectGraph;

void Child(Graph* g, int parent, int child, const std::string& name) {
  auto* c = g->mutable_nodes(parent)->add_children();
  c->set_node_id(child);
  c->set_local_name(name);
}

void Attr(Graph* g, int node, const std::string& name, const std::string& key) {
  auto* a = g->mutable_nodes(node)->add_attributes();
  a->set_name(name);
  a->set_checkpoint_key(key);
}

// root -> model -> {"dense/0" (escaped "dense.S0"), "v.1"} ; root -> optimizer
// with a slot "m" for model/v.1 ; node 2 also reachable as root -> alias.
Graph SampleGraph() {
  Graph g;
  for (int i = 0; i < 6; ++i) g.add_nodes();
  Child(&g, 0, 1, "model");
  Child(&g, 0, 4, "optimizer");
  Child(&g, 1, 2, "dense/0");
  Child(&g, 1, 3, "v.1");
  Child(&g, 4, 2, "alias_of_dense");  // later in BFS: the first path wins
  Attr(&g, 2, "VARIABLE_VALUE", "model/dense.S0/.ATTRIBUTES/VARIABLE_VALUE");
  Attr(&g, 3, "VARIABLE_VALUE", "model/v..1/.ATTRIBUTES/VARIABLE_VALUE");
  Attr(&g, 4, "iter", "optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE");
  auto* slot = g.mutable_nodes(4)->add_slot_variables();
  slot->set_original_variable_node_id(3);
  slot->set_slot_name("m");
  slot->set_slot_variable_node_id(5);
  Attr(&g, 5, "VARIABLE_VALUE", "model/v..1/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE");
  return g;
}

TEST(ObjectGraphTest, PathsFromChildrenNames) {
  auto paths = ParseObjectGraph(ByteView(SampleGraph().SerializeAsString()));
  ASSERT_TRUE(paths.ok()) << paths.status().message();
  const auto& k = paths->key_to_path;
  EXPECT_EQ(k.at("model/dense.S0/.ATTRIBUTES/VARIABLE_VALUE"), "model/dense/0");
  EXPECT_EQ(k.at("model/v..1/.ATTRIBUTES/VARIABLE_VALUE"), "model/v.1");
  EXPECT_EQ(k.at("optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE"), "optimizer/iter");
  EXPECT_EQ(k.at("model/v..1/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE"),
            "model/v.1/.OPTIMIZER_SLOT/optimizer/m");
  EXPECT_EQ(paths->slot_keys.size(), 1u);
  EXPECT_TRUE(paths->slot_keys.count("model/v..1/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE"));
}

TEST(ObjectGraphTest, BadGraphs) {
  Graph g = SampleGraph();
  g.mutable_nodes(1)->mutable_children(0)->set_node_id(17);
  EXPECT_EQ(ParseObjectGraph(ByteView(g.SerializeAsString())).status().message(),
            "object graph node 1 has child id 17 (graph has 6 nodes)");
  Graph s = SampleGraph();
  s.mutable_nodes(4)->mutable_slot_variables(0)->set_slot_variable_node_id(-2);
  EXPECT_EQ(ParseObjectGraph(ByteView(s.SerializeAsString())).status().message(),
            "object graph node 4 has a slot variable reference out of range");
  EXPECT_EQ(ParseObjectGraph(ByteView(std::string("\xff\xff", 2))).status().message(),
            "object graph (2 bytes) is not a parseable TrackableObjectGraph");
  // A cycle terminates (visited once).
  Graph cyc;
  cyc.add_nodes();
  cyc.add_nodes();
  Child(&cyc, 0, 1, "a");
  Child(&cyc, 1, 0, "back");
  Child(&cyc, 1, 1, "self");
  EXPECT_TRUE(ParseObjectGraph(ByteView(cyc.SerializeAsString())).ok());
}

TEST(ObjectGraphTest, Unescaping) {
  EXPECT_EQ(UnescapeLocalName("a..b.Sc"), "a.b/c");
  EXPECT_EQ(UnescapeLocalName("...S"), "./");
  EXPECT_EQ(UnescapeLocalName("x."), "x.");
  EXPECT_EQ(ObjectPathFromKey("layer.Sx/kernel/.ATTRIBUTES/VARIABLE_VALUE"), "layer/x/kernel");
  EXPECT_EQ(ObjectPathFromKey("a/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE"),
            "a/.OPTIMIZER_SLOT/optimizer/m");
  EXPECT_EQ(ObjectPathFromKey("table/.ATTRIBUTES/table-keys"), "table/table-keys");
  EXPECT_EQ(ObjectPathFromKey("dense/kernel"), "");
}

// The object graph inside a checkpoint is applied when it is opened.
TEST(ObjectGraphTest, AppliedWhenOpeningABundle) {
  Graph g = SampleGraph();
  const std::string graph_bytes = g.SerializeAsString();
  std::vector<std::pair<std::string, Tensor>> tensors = {
      {std::string(kObjectGraphKey), testing::StringTensor({}, {graph_bytes})}};
  for (const char* key : {"model/dense.S0/.ATTRIBUTES/VARIABLE_VALUE", "model/v..1/.ATTRIBUTES/VARIABLE_VALUE",
                          "model/v..1/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE",
                          "optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE"}) {
    tensors.emplace_back(key, testing::FixedTensor(DType::kFloat, {}, testing::LeBytes<float>({1})));
  }
  MemoryFileSource src;
  testing::WriteBundle(&src, "ckpt-1", tensors);
  auto c = OpenCheckpoint(src, "ckpt-1", CheckpointFormat::kBundleV2);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_TRUE((*c)->warnings().empty()) << (*c)->warnings()[0];
  EXPECT_EQ((*c)->Find("model/dense.S0/.ATTRIBUTES/VARIABLE_VALUE")->object_path, "model/dense/0");
  const VariableInfo* slot = (*c)->Find("model/v..1/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE");
  EXPECT_TRUE(slot->optimizer_slot);
  EXPECT_FALSE((*c)->Find("model/v..1/.ATTRIBUTES/VARIABLE_VALUE")->optimizer_slot);
  EXPECT_FALSE((*c)->Find("optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE")->optimizer_slot);
  ASSERT_TRUE((*c)->Find(kObjectGraphKey));  // listed too

  // Unreadable object graph (its shard is missing): a warning, paths from keys.
  MemoryFileSource partial;
  partial.Add("ckpt-1.index", *src.ReadAll("ckpt-1.index"));
  auto p = OpenCheckpoint(partial, "ckpt-1", CheckpointFormat::kBundleV2);
  ASSERT_TRUE(p.ok());
  ASSERT_EQ((*p)->warnings().size(), 1u);
  EXPECT_NE((*p)->warnings()[0].find("object graph not applied"), std::string::npos);
  EXPECT_EQ((*p)->Find("model/dense.S0/.ATTRIBUTES/VARIABLE_VALUE")->object_path, "model/dense/0");
  EXPECT_TRUE((*p)->Find("model/v..1/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE")->optimizer_slot);
  // The web driver fetches it later and applies it.
  ASSERT_TRUE((*p)->ApplyObjectGraph(graph_bytes).ok());
}

TEST(ObjectGraphTest, Tf1SlotSuffixes) {
  for (const char* k : {"dense/kernel/Adam", "dense/kernel/Adam_1", "w/Momentum", "w/RMSProp", "w/RMSProp_1",
                        "dnn/hiddenlayer_0/bias/Adagrad", "linear/w/Ftrl", "linear/w/Ftrl_1",
                        "w/ExponentialMovingAverage"}) {
    EXPECT_TRUE(IsTf1OptimizerSlotName(k)) << k;
  }
  for (const char* k : {"Adam", "dense/kernel", "w/AdamW", "w/Adam_2", "beta1_power", "w/Adam/x"}) {
    EXPECT_FALSE(IsTf1OptimizerSlotName(k)) << k;
  }
}

TEST(ObjectGraphTest, RealTf2SlotVariables) {
  auto src = DiskFileSource::Open(std::string(CKPT_FIXTURES_DIR) + "/tf2_slots");
  ASSERT_TRUE(src.ok());
  auto c = OpenCheckpoint(**src, "ckpt-1", CheckpointFormat::kBundleV2);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_TRUE((*c)->warnings().empty());
  int slots = 0;
  for (const VariableInfo& v : (*c)->variables()) {
    if (v.optimizer_slot) ++slots;
  }
  EXPECT_EQ(slots, 4);  // m and v for w and b
  const VariableInfo* w = (*c)->Find("model/w/.ATTRIBUTES/VARIABLE_VALUE");
  ASSERT_TRUE(w);
  EXPECT_EQ(w->object_path, "model/w");
  const VariableInfo* m = (*c)->Find("model/w/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE");
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->optimizer_slot);
  EXPECT_EQ(m->object_path, "model/w/.OPTIMIZER_SLOT/optimizer/m");
}

TEST(ObjectGraphTest, RealKerasSavedModel) {
  auto src = DiskFileSource::Open(std::string(CKPT_REALDATA_DIR) + "/mnist-tf210-savedmodel");
  ASSERT_TRUE(src.ok());
  auto c = OpenCheckpoint(**src, "variables/variables", CheckpointFormat::kBundleV2);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_TRUE((*c)->warnings().empty());
  const VariableInfo* k = (*c)->Find("layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE");
  ASSERT_TRUE(k);
  EXPECT_EQ(k->object_path, "layer_with_weights-0/kernel");
  EXPECT_FALSE(k->optimizer_slot);
  int slots = 0;
  for (const VariableInfo& v : (*c)->variables()) slots += v.optimizer_slot;
  EXPECT_EQ(slots, 32);  // m and v for 16 trainable variables
  const VariableInfo* v = (*c)->Find("layer_with_weights-7/kernel/.OPTIMIZER_SLOT/optimizer/v/.ATTRIBUTES/VARIABLE_VALUE");
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->optimizer_slot);
  EXPECT_EQ(v->object_path, "layer_with_weights-7/kernel/.OPTIMIZER_SLOT/optimizer/v");
}

}  // namespace
}  // namespace ckptview::formats
