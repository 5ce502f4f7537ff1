// OpenModel on real folders: which graph goes with which checkpoint, and
// how the variables bind (TF1 saver keys, TF2 save functions and object
// graphs, SavedModel variables/variables).
#include "graph/model.h"

#include <gtest/gtest.h>

#include "graph/summary.h"
#include "graph_test_util.h"

namespace ckptview::graph {
namespace {

const std::string kData = CKPT_REALDATA_DIR;
const std::string kFixtures = CKPT_FIXTURES_DIR;

using testing::Open;
using testing::Opened;

struct Expect {
  const char* dir;
  const char* graph;       // "" = none
  const char* checkpoint;  // "" = none
  int variables, bound;
};

TEST(ModelTest, RealFoldersPairGraphsWithCheckpoints) {
  const Expect cases[] = {
      {"neuralenc-ckpt-and-frozen", "checkpoint/encryptor_model-500000.meta", "checkpoint/encryptor_model-500000", 4, 4},
      {"houseprices-ckpt", "model.ckpt.meta", "model.ckpt", 34, 34},
      {"ipo-widedeep-estimator", "model.ckpt-3760.meta", "model.ckpt-3760", 87, 87},
      {"tfx-estimator-2019-sharded", "model.ckpt-10000.meta", "model.ckpt-10000", 51, 51},
      {"tfx-estimator-2022", "model.ckpt-1000.meta", "model.ckpt-1000", 60, 60},
      {"serving-saved_model_half_plus_two_tf2_cpu", "saved_model.pb", "variables/variables", 4, 3},
      {"mnist-tf210-savedmodel", "saved_model.pb", "variables/variables", 63, 63},
      {"tfx-keras-serving", "saved_model.pb", "variables/variables", 27, 27},
      {"tfjs-int64_multiply", "saved_model.pb", "variables/variables", 2, 2},
      {"rstudio-tensorflow-mnist-pbtxt", "saved_model.pbtxt", "variables/variables", 2, 2},
      {"tftext-segmenter_hub_module", "saved_model.pb", "variables/variables", 6, 6},
      {"serving-bad_half_plus_two", "export.meta", "export", 2, 2},
      {"serving-session_bundle_half_plus_two", "export.meta", "export", 6, 2},  // V1 shard set export-00000-of-00001
      {"tfonnx-regression", "checkpoint/model.meta", "checkpoint/model", 2, 2},
      {"jonykai-frozen", "frozen_model.pb", "", 0, 0},
      {"t2t-transformer_test_ckpt", "", "model.ckpt-1", 0, 0},
  };
  for (const Expect& e : cases) {
    SCOPED_TRACE(e.dir);
    Opened o = Open(kData + "/" + e.dir);
    ASSERT_NE(o.model, nullptr);
    const Model& m = *o.model;
    EXPECT_EQ(m.graph_file ? m.graph_file->path : std::string(), e.graph);
    EXPECT_EQ(m.checkpoint ? m.checkpoint->prefix() : std::string(), e.checkpoint);
    EXPECT_EQ(int(m.bindings.variables.size()), e.variables);
    EXPECT_EQ(m.bindings.Count(BindingState::kBound), e.bound);
  }
}

TEST(ModelTest, Tf2SavedModelBindsThroughItsSaveFunction) {
  // Two Keras metrics both have variables "count" and "total" (full_name is
  // ambiguous); the save function's tensor order decides. Checked with
  // TensorFlow: after loading, total_1 holds 267.0555, the value of
  // keras_api/metrics/0/total (metrics/1/total is 9939).
  Opened o = Open(kData + "/mnist-tf210-savedmodel");
  ASSERT_NE(o.model, nullptr);
  const VariableBinding* total = o.model->bindings.Find("total_1");
  ASSERT_NE(total, nullptr);
  EXPECT_EQ(total->key, "keras_api/metrics/0/total/.ATTRIBUTES/VARIABLE_VALUE");
  EXPECT_EQ(total->rule, "saver");
  EXPECT_EQ(o.model->bindings.Find("total")->key, "keras_api/metrics/1/total/.ATTRIBUTES/VARIABLE_VALUE");
  EXPECT_TRUE(o.model->object_graph);
  EXPECT_TRUE(o.model->bindings.unused_keys.empty());
}

TEST(ModelTest, PartitionedVariablesBindToSlices) {
  Opened o = Open(kFixtures + "/graphs/partitioned");
  ASSERT_NE(o.model, nullptr);
  int sliced = 0;
  for (const VariableBinding& v : o.model->bindings.variables) {
    if (v.slice.empty()) continue;
    ++sliced;
    EXPECT_EQ(v.state, BindingState::kBound) << v.name << ": " << v.problem;
  }
  EXPECT_EQ(sliced, 5);
}

TEST(ModelTest, ExplicitChoicesAndErrors) {
  ModelOptions only_graph;
  only_graph.no_checkpoint = true;
  Opened g = Open(kData + "/neuralenc-ckpt-and-frozen", only_graph);
  ASSERT_NE(g.model, nullptr);
  EXPECT_EQ(g.model->checkpoint, nullptr);
  EXPECT_EQ(g.model->bindings.Count(BindingState::kNoCheckpoint), 4);

  ModelOptions frozen;
  frozen.graph_path = "frozen_model.pb";
  Opened f = Open(kData + "/neuralenc-ckpt-and-frozen", frozen);
  ASSERT_NE(f.model, nullptr);
  EXPECT_EQ(f.model->graph->num_nodes(), 15);

  auto source = formats::DiskFileSource::Open(kData + "/rottenreview-misnamed-savedmodel");
  ASSERT_TRUE(source.ok());
  auto bad = OpenModel(**source);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("saved_model.pbtxt: not a valid binary SavedModel"), std::string::npos);

  ModelOptions tags;
  tags.tags = {"gpu"};
  tags.tags_given = true;
  auto s = formats::DiskFileSource::Open(kData + "/rust-regression_model");
  ASSERT_TRUE(s.ok());
  auto wrong = OpenModel(**s, tags);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().message(),
            "saved_model.pb: no meta graph with tag set {gpu}; available tag sets: train,serve");
}

TEST(SummaryTest, SuggestedOutputsAndPlaceholders) {
  Opened o = Open(kData + "/neuralenc-ckpt-and-frozen");
  ASSERT_NE(o.model, nullptr);
  GraphSummary s = SummarizeModel(*o.model);
  EXPECT_EQ(s.num_nodes, 143);
  EXPECT_EQ(s.format, "MetaGraphDef");
  ASSERT_EQ(s.placeholders.size(), 2u);
  EXPECT_EQ(s.placeholders[0].name, "X_input");
  EXPECT_EQ(s.placeholders[0].dtype, DType::kFloat);
  // Nothing consumes the loss; training, init and saver ops are left out.
  EXPECT_EQ(s.suggested_outputs, std::vector<std::string>{"Mean"});

  Opened sm = Open(kData + "/serving-saved_model_half_plus_two_tf2_cpu");
  ASSERT_NE(sm.model, nullptr);
  GraphSummary ss = SummarizeModel(*sm.model);
  EXPECT_EQ(ss.suggested_outputs, std::vector<std::string>{"StatefulPartitionedCall_5"});  // serving_default
  EXPECT_EQ(ss.signatures.size(), 7u);
  std::string json;
  JsonWriter w(&json);
  WriteGraphSummaryJson(ss, &w);
  EXPECT_NE(json.find("\"suggested_outputs\":[\"StatefulPartitionedCall_5\"]"), std::string::npos) << json;
  EXPECT_NE(json.find("\"state\":\"missing\""), std::string::npos);

  Opened frozen = Open(kData + "/jonykai-frozen");
  ASSERT_NE(frozen.model, nullptr);
  GraphSummary fs = SummarizeModel(*frozen.model);
  EXPECT_FALSE(fs.suggested_outputs.empty());
  for (const auto& name : fs.suggested_outputs) EXPECT_NE(frozen.model->graph->op(frozen.model->graph->Find(name)), "Const");
}

}  // namespace
}  // namespace ckptview::graph
