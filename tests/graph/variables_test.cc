#include "graph/variables.h"

#include <gtest/gtest.h>

#include "graph_test_util.h"

namespace ckptview::graph {
namespace {

using testing::FloatTensor;
using testing::GraphFromText;
using testing::MakeTensor;
using testing::MemoryCheckpoint;

TEST(ShapeAndSliceTest, ParsesTfSpecs) {
  Shape full;
  std::vector<SliceExtent> slice;
  Result<bool> r = ParseShapeAndSlice("10 20 0,5:-", &full, &slice);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(*r);
  EXPECT_EQ(full, (Shape{10, 20}));
  ASSERT_EQ(slice.size(), 2u);
  EXPECT_EQ(slice[0].start, 0);
  EXPECT_EQ(slice[0].length, 5);
  EXPECT_EQ(slice[1].length, -1);
  Result<bool> none = ParseShapeAndSlice("", &full, &slice);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none);
  Result<bool> bad = ParseShapeAndSlice("10 20 0,5", &full, &slice);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "bad shape_and_slice \"10 20 0,5\": slice rank differs from shape rank");
  EXPECT_FALSE(ParseShapeAndSlice("10 8,5", &full, &slice).ok());  // past the end
}

// A TF1 graph whose Saver saves "renamed_w" for variable w and a 2-part
// partitioned variable p, plus variables bound by name.
const char kSaverGraph[] = R"(
  node { name: "w" op: "VariableV2" attr { key: "dtype" value { type: DT_FLOAT } }
         attr { key: "shape" value { shape { dim { size: 2 } } } } }
  node { name: "w/read" op: "Identity" input: "w" }
  node { name: "p/part_0" op: "VariableV2" attr { key: "dtype" value { type: DT_FLOAT } }
         attr { key: "shape" value { shape { dim { size: 2 } dim { size: 3 } } } } }
  node { name: "p/part_1" op: "VariableV2" attr { key: "dtype" value { type: DT_FLOAT } }
         attr { key: "shape" value { shape { dim { size: 2 } dim { size: 3 } } } } }
  node { name: "by_name" op: "VarHandleOp" attr { key: "dtype" value { type: DT_INT64 } }
         attr { key: "shape" value { shape { } } } }
  node { name: "wrong_dtype" op: "VariableV2" attr { key: "dtype" value { type: DT_INT32 } } }
  node { name: "wrong_shape" op: "VariableV2" attr { key: "dtype" value { type: DT_FLOAT } }
         attr { key: "shape" value { shape { dim { size: 4 } } } } }
  node { name: "unknown_dim" op: "VariableV2" attr { key: "dtype" value { type: DT_FLOAT } }
         attr { key: "shape" value { shape { dim { size: -1 } } } } }
  node { name: "absent" op: "VariableV2" attr { key: "dtype" value { type: DT_FLOAT } } }
  node { name: "save/Const" op: "Const" }
  node { name: "save/SaveV2/tensor_names" op: "Const"
         attr { key: "value" value { tensor { dtype: DT_STRING tensor_shape { dim { size: 3 } }
                string_val: "renamed_w" string_val: "p" string_val: "p" } } } }
  node { name: "save/SaveV2/shape_and_slices" op: "Const"
         attr { key: "value" value { tensor { dtype: DT_STRING tensor_shape { dim { size: 3 } }
                string_val: "" string_val: "4 3 0,2:-" string_val: "4 3 2,2:-" } } } }
  node { name: "save/SaveV2" op: "SaveV2" input: "save/Const" input: "save/SaveV2/tensor_names"
         input: "save/SaveV2/shape_and_slices" input: "w/read" input: "p/part_0" input: "p/part_1" }
)";

TEST(BindVariablesTest, SaverNameAndMismatches) {
  tensorflow::GraphDef def = GraphFromText(kSaverGraph);
  Result<Graph> g = Graph::Build(&def);
  ASSERT_TRUE(g.ok());
  MemoryCheckpoint ckpt({{"renamed_w", FloatTensor({2}, {1, 2})},
                         {"p", FloatTensor({4, 3}, std::vector<float>(12, 1.f))},
                         {"by_name", MakeTensor<int64_t>(DType::kInt64, {}, {5})},
                         {"wrong_dtype", FloatTensor({}, {1})},
                         {"wrong_shape", FloatTensor({3}, {1, 2, 3})},
                         {"unknown_dim", FloatTensor({7}, std::vector<float>(7, 0.f))},
                         {"global_step", MakeTensor<int64_t>(DType::kInt64, {}, {1})}});
  Bindings b = BindVariables(*g, nullptr, ckpt.checkpoint.get(), nullptr);
  ASSERT_EQ(b.variables.size(), 8u);
  const VariableBinding* w = b.Find("w");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->state, BindingState::kBound);
  EXPECT_EQ(w->key, "renamed_w");
  EXPECT_EQ(w->rule, "saver");
  const VariableBinding* p1 = b.Find("p/part_1");
  EXPECT_EQ(p1->state, BindingState::kBound) << p1->problem;
  EXPECT_EQ(p1->key, "p");
  EXPECT_EQ(p1->full_shape, (Shape{4, 3}));
  ASSERT_EQ(p1->slice.size(), 2u);
  EXPECT_EQ(p1->slice[0].start, 2);
  EXPECT_EQ(b.Find("by_name")->rule, "name");
  EXPECT_EQ(b.Find("by_name")->state, BindingState::kBound);
  EXPECT_EQ(b.Find("wrong_dtype")->state, BindingState::kDTypeMismatch);
  EXPECT_EQ(b.Find("wrong_dtype")->problem, "graph says int32, checkpoint holds float32");
  EXPECT_EQ(b.Find("wrong_shape")->state, BindingState::kShapeMismatch);
  EXPECT_EQ(b.Find("wrong_shape")->problem, "graph says [4], checkpoint holds [3]");
  EXPECT_EQ(b.Find("unknown_dim")->state, BindingState::kBound);
  EXPECT_EQ(b.Find("absent")->state, BindingState::kMissing);
  EXPECT_EQ(b.Find("absent")->problem, "no checkpoint entry \"absent\"");
  EXPECT_EQ(b.Count(BindingState::kBound), 5);
  EXPECT_EQ(b.unused_keys, std::vector<std::string>{"global_step"});

  Bindings none = BindVariables(*g, nullptr, nullptr, nullptr);
  EXPECT_EQ(none.Count(BindingState::kNoCheckpoint), 8);
}

TEST(BindVariablesTest, ObjectGraphFullNames) {
  tensorflow::GraphDef def = GraphFromText(R"(
    node { name: "dense/kernel" op: "VarHandleOp" attr { key: "dtype" value { type: DT_FLOAT } }
           attr { key: "shared_name" value { s: "dense/kernel" } } }
    node { name: "count_1" op: "VarHandleOp" attr { key: "dtype" value { type: DT_FLOAT } }
           attr { key: "shared_name" value { s: "count_1" } } }
  )");
  Result<Graph> g = Graph::Build(&def);
  ASSERT_TRUE(g.ok());
  tensorflow::TrackableObjectGraph og;
  auto add = [&](const std::string& full, const std::string& key) {
    auto* a = og.add_nodes()->add_attributes();
    a->set_name("VARIABLE_VALUE");
    a->set_full_name(full);
    a->set_checkpoint_key(key);
  };
  add("dense/kernel", "layer/kernel/.ATTRIBUTES/VARIABLE_VALUE");
  add("count", "metrics/0/count/.ATTRIBUTES/VARIABLE_VALUE");
  add("count", "metrics/1/count/.ATTRIBUTES/VARIABLE_VALUE");  // ambiguous name: binds nothing
  MemoryCheckpoint ckpt({{"layer/kernel/.ATTRIBUTES/VARIABLE_VALUE", FloatTensor({}, {1})},
                         {"metrics/0/count/.ATTRIBUTES/VARIABLE_VALUE", FloatTensor({}, {1})},
                         {"metrics/1/count/.ATTRIBUTES/VARIABLE_VALUE", FloatTensor({}, {1})}});
  Bindings b = BindVariables(*g, nullptr, ckpt.checkpoint.get(), &og);
  EXPECT_EQ(b.Find("dense/kernel")->key, "layer/kernel/.ATTRIBUTES/VARIABLE_VALUE");
  EXPECT_EQ(b.Find("dense/kernel")->rule, "object graph");
  EXPECT_EQ(b.Find("count_1")->state, BindingState::kMissing);
}

}  // namespace
}  // namespace ckptview::graph
