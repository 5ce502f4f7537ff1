// Every graph in the real-world corpus (CKPT_REALDATA_DIR, MANIFEST.tsv)
// opens, with the expected container, text/binary and node count; the
// damaged one gives a clear error; sniffing decides by content.
#include "graph/graph_file.h"

#include <gtest/gtest.h>

#include "formats/disk_file_source.h"
#include "graph/graph.h"
#include "graph_test_util.h"

namespace ckptview::graph {
namespace {

const std::string kData = CKPT_REALDATA_DIR;

struct RealGraph {
  const char* dir;   // under realdata
  const char* file;  // in dir
  GraphFormat format;
  bool text;
  int nodes;  // of the (first / chosen) meta graph's main graph
  int functions;
};

// Node counts checked against TensorFlow's own parse of each file.
const RealGraph kRealGraphs[] = {
    {"deepmd-cu-frozen", "frozen_model.pb", GraphFormat::kGraphDef, false, 465, 0},
    {"haskell-mnist", "MNIST.pb", GraphFormat::kGraphDef, false, 100, 0},
    {"houseprices-ckpt", "model.ckpt.meta", GraphFormat::kMetaGraph, false, 602, 0},
    {"houseprices-ckpt", "model_longtrain.ckpt.meta", GraphFormat::kMetaGraph, false, 374, 0},
    {"ipo-widedeep-estimator", "graph.pbtxt", GraphFormat::kGraphDef, true, 2477, 1},
    {"ipo-widedeep-estimator", "model.ckpt-3760.meta", GraphFormat::kMetaGraph, false, 2477, 1},
    {"java-saved_model", "saved_model.pb", GraphFormat::kSavedModel, false, 65, 0},
    {"jonykai-frozen", "frozen_model.pb", GraphFormat::kGraphDef, false, 269, 0},
    {"mnist-tf210-savedmodel", "saved_model.pb", GraphFormat::kSavedModel, false, 133, 63},
    {"modelexplorer-graphdef_foo", "graphdef_foo.pbtxt", GraphFormat::kGraphDef, true, 1, 2},
    {"modelexplorer-simple_add", "saved_model.pb", GraphFormat::kSavedModel, false, 7, 4},
    {"neuralenc-ckpt-and-frozen", "checkpoint/encryptor_model-500000.meta", GraphFormat::kMetaGraph, false, 143, 0},
    {"neuralenc-ckpt-and-frozen", "frozen_model.pb", GraphFormat::kGraphDef, false, 15, 0},
    {"rstudio-tensorflow-mnist-pbtxt", "saved_model.pbtxt", GraphFormat::kSavedModel, true, 127, 0},
    {"rust-addition", "model.pb", GraphFormat::kGraphDef, false, 3, 0},
    {"rust-multiplication", "multiplication.pb", GraphFormat::kGraphDef, false, 3, 0},
    {"rust-regression_checkpoint_graph", "model.pb", GraphFormat::kGraphDef, false, 109, 0},
    {"rust-regression_graph", "model.pb", GraphFormat::kGraphDef, false, 95, 0},
    {"rust-regression_model", "saved_model.pb", GraphFormat::kSavedModel, false, 119, 0},
    {"rust-regression_savedmodel", "saved_model.pb", GraphFormat::kSavedModel, false, 22, 18},
    {"serving-2016-half_plus_two_v2export", "export.meta", GraphFormat::kMetaGraph, false, 27, 0},
    {"serving-bad_half_plus_two", "export.meta", GraphFormat::kMetaGraph, false, 26, 0},
    {"serving-matrix_half_plus_two", "saved_model.pb", GraphFormat::kSavedModel, false, 6, 0},
    {"serving-saved_model_counter", "saved_model.pb", GraphFormat::kSavedModel, false, 30, 0},
    {"serving-saved_model_half_plus_three", "saved_model.pb", GraphFormat::kSavedModel, false, 60, 0},
    {"serving-saved_model_half_plus_two_cpu", "saved_model.pb", GraphFormat::kSavedModel, false, 74, 0},
    {"serving-saved_model_half_plus_two_gpu_trt", "saved_model.pb", GraphFormat::kSavedModel, false, 78, 0},
    {"serving-saved_model_half_plus_two_mlmd", "saved_model.pb", GraphFormat::kSavedModel, false, 78, 0},
    {"serving-saved_model_half_plus_two_tf2_cpu", "saved_model.pb", GraphFormat::kSavedModel, false, 29, 14},
    {"serving-session_bundle_half_plus_two", "export.meta", GraphFormat::kMetaGraph, false, 57, 0},
    {"t5-mtf_tiny-bf16-PARTIAL", "model.ckpt-0.meta", GraphFormat::kMetaGraph, false, 7004, 14},
    {"tensorboard-graphtest-pbtxt", "graph.pbtxt", GraphFormat::kGraphDef, true, 461, 2},
    {"tfjs-int64_multiply", "saved_model.pb", GraphFormat::kSavedModel, false, 11, 5},
    {"tfjs-module_with_multiple_signatures", "saved_model.pb", GraphFormat::kSavedModel, false, 13, 7},
    {"tfjs-times_three_float", "saved_model.pb", GraphFormat::kSavedModel, false, 9, 5},
    {"tfjs-times_two_int", "saved_model.pb", GraphFormat::kSavedModel, false, 9, 4},
    {"tfjs-uint8_multiply", "saved_model.pb", GraphFormat::kSavedModel, false, 11, 5},
    {"tfmodels-refdata-batch_norm", "expected_graph", GraphFormat::kGraphDef, false, 40, 0},
    {"tfmodels-refdata-dense", "expected_graph", GraphFormat::kGraphDef, false, 46, 0},
    {"tfnet-example1", "saved_model.pb", GraphFormat::kSavedModel, false, 179, 0},
    {"tfnet-leak_testmodel", "saved_model.pb", GraphFormat::kSavedModel, false, 11, 4},
    {"tfnet-metagraphs", "char_cnn_untrained.meta", GraphFormat::kMetaGraph, false, 669, 0},
    {"tfnet-metagraphs", "cond_test.meta", GraphFormat::kMetaGraph, false, 14, 0},
    {"tfnet-metagraphs", "kmeans.meta", GraphFormat::kMetaGraph, false, 227, 0},
    {"tfnet-metagraphs", "lstm_crf_ner.meta", GraphFormat::kMetaGraph, false, 3337, 0},
    {"tfnet-metagraphs", "word2vec.meta", GraphFormat::kMetaGraph, false, 423, 0},
    {"tfnet-metagraphs", "xor.meta", GraphFormat::kMetaGraph, false, 71, 0},
    {"tfnet-python_func_model", "saved_model.pb", GraphFormat::kSavedModel, false, 21, 20},
    {"tfnet-simple_model_from_auto_compile", "saved_model.pb", GraphFormat::kSavedModel, false, 23, 26},
    {"tfonnx-ae0", "frozen.pb", GraphFormat::kGraphDef, false, 30, 0},
    {"tfonnx-assign", "saved_model.pb", GraphFormat::kSavedModel, false, 32, 0},
    {"tfonnx-fc-layers", "frozen.pb", GraphFormat::kGraphDef, false, 24, 0},
    {"tfonnx-lstm", "frozen.pb", GraphFormat::kGraphDef, false, 529, 0},
    {"tfonnx-regression", "checkpoint/model.meta", GraphFormat::kMetaGraph, false, 128, 0},
    {"tfonnx-regression", "graphdef/frozen.pb", GraphFormat::kGraphDef, false, 8, 0},
    {"tfonnx-regression", "saved_model/saved_model.pb", GraphFormat::kSavedModel, false, 148, 0},
    {"tfonnx-saved_model_with_redundant_inputs", "saved_model.pb", GraphFormat::kSavedModel, false, 4, 0},
    {"tftext-segmenter_hub_module", "saved_model.pb", GraphFormat::kSavedModel, false, 375, 0},
    {"tfx-estimator-2019-sharded", "export/chicago-taxi/1551382555/saved_model.pb", GraphFormat::kSavedModel, false,
     1762, 0},
    {"tfx-estimator-2019-sharded", "graph.pbtxt", GraphFormat::kGraphDef, true, 2718, 0},
    {"tfx-estimator-2019-sharded", "model.ckpt-10000.meta", GraphFormat::kMetaGraph, false, 2718, 0},
    {"tfx-estimator-2022", "export/chicago-taxi/1646034756/saved_model.pb", GraphFormat::kSavedModel, false, 1337,
     76},
    {"tfx-estimator-2022", "graph.pbtxt", GraphFormat::kGraphDef, true, 2502, 59},
    {"tfx-estimator-2022", "model.ckpt-1000.meta", GraphFormat::kMetaGraph, false, 2502, 59},
    {"tfx-keras-serving", "saved_model.pb", GraphFormat::kSavedModel, false, 64, 37},
    {"tfx-transform_fn", "saved_model.pb", GraphFormat::kSavedModel, false, 621, 0},
};

TEST(GraphFileTest, EveryRealGraphOpens) {
  for (const RealGraph& r : kRealGraphs) {
    SCOPED_TRACE(std::string(r.dir) + "/" + r.file);
    auto source = formats::DiskFileSource::Open(kData + "/" + r.dir);
    ASSERT_TRUE(source.ok()) << source.status().message();
    Result<GraphFile> file = OpenGraphFile(**source, r.file);
    ASSERT_TRUE(file.ok()) << file.status().message();
    EXPECT_EQ(file->format, r.format);
    EXPECT_EQ(file->text, r.text);
    ASSERT_FALSE(file->meta_graphs.empty());
    const tensorflow::GraphDef& def = file->meta_graphs[0].graph_def();
    EXPECT_EQ(def.node_size(), r.nodes);
    EXPECT_EQ(def.library().function_size(), r.functions);
    Result<Graph> g = Graph::Build(&def);
    ASSERT_TRUE(g.ok()) << g.status().message();
    EXPECT_TRUE(g->unresolved().empty()) << g->unresolved()[0];
  }
}

TEST(GraphFileTest, SavedModelParts) {
  auto source = formats::DiskFileSource::Open(kData + "/serving-saved_model_half_plus_two_tf2_cpu");
  ASSERT_TRUE(source.ok());
  Result<GraphFile> sm = OpenSavedModel(**source, "");
  ASSERT_TRUE(sm.ok()) << sm.status().message();
  EXPECT_EQ(sm->saved_model_schema_version, 1);
  EXPECT_EQ(sm->variables_prefix, "variables/variables");
  EXPECT_EQ(sm->asset_files, std::vector<std::string>{"assets/foo.txt"});
  const tensorflow::MetaGraphDef& mg = sm->meta_graphs[0];
  EXPECT_EQ(TagSetString(mg), "serve");
  EXPECT_TRUE(mg.signature_def().count("serving_default"));
  EXPECT_EQ(mg.object_graph_def().nodes_size(), 24);
  EXPECT_EQ(mg.saver_def().save_tensor_name(), "StatefulPartitionedCall_6:0");
  // Opening the folder or its saved_model.pb is the same.
  Result<GraphFile> by_file = OpenGraphFile(**source, "saved_model.pb");
  ASSERT_TRUE(by_file.ok());
  EXPECT_EQ(by_file->variables_prefix, "variables/variables");
}

TEST(GraphFileTest, MetaGraphByTagSet) {
  auto source = formats::DiskFileSource::Open(kData + "/rust-regression_model");
  ASSERT_TRUE(source.ok());
  Result<GraphFile> sm = OpenSavedModel(**source, "");
  ASSERT_TRUE(sm.ok());
  EXPECT_EQ(TagSetString(sm->meta_graphs[0]), "train,serve");
  Result<int> both = FindMetaGraph(*sm, {"serve", "train"});
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(*both, 0);
  Result<int> serve = FindMetaGraph(*sm, {"serve"});
  ASSERT_FALSE(serve.ok());
  EXPECT_EQ(serve.status().message(),
            "saved_model.pb: no meta graph with tag set {serve}; available tag sets: train,serve");
  // The hub module's meta graph has no tags.
  auto hub = formats::DiskFileSource::Open(kData + "/tftext-segmenter_hub_module");
  ASSERT_TRUE(hub.ok());
  Result<GraphFile> h = OpenSavedModel(**hub, "");
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(FindMetaGraph(*h, {}).ok());
  EXPECT_EQ(TagSetString(h->meta_graphs[0]), "(no tags)");
}

TEST(GraphFileTest, DamagedBinarySavedModelNamedPbtxt) {
  auto source = formats::DiskFileSource::Open(kData + "/rottenreview-misnamed-savedmodel");
  ASSERT_TRUE(source.ok());
  Result<GraphFile> file = OpenGraphFile(**source, "saved_model.pbtxt");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().message(),
            "saved_model.pbtxt: not a valid binary SavedModel (the content is binary protobuf despite the "
            "text-format file name); damaged: field 2 at offset 2 declares 2588375 bytes but only 2585255 "
            "remain (file is 2585262 bytes)");
  Result<GraphFile> dir = OpenSavedModel(**source, "");
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.status().message(), file.status().message());
}

TEST(GraphFileTest, SniffsContentNotExtension) {
  tensorflow::GraphDef g = testing::GraphFromText("node { name: 'a' op: 'Const' } node { name: 'b' op: 'Neg' input: 'a' }");
  tensorflow::MetaGraphDef m;
  *m.mutable_graph_def() = g;
  m.mutable_meta_info_def()->add_tags("serve");
  m.mutable_saver_def()->set_version(tensorflow::SaverDef::V2);
  tensorflow::SavedModel sm;
  sm.set_saved_model_schema_version(1);
  *sm.add_meta_graphs() = m;

  struct Sniff {
    std::string name, bytes;
    GraphFormat format;
    bool text;
  } cases[] = {
      {"graph.bin", g.SerializeAsString(), GraphFormat::kGraphDef, false},
      {"graph.pbtxt", g.SerializeAsString(), GraphFormat::kGraphDef, false},  // binary despite the name
      {"model.data", m.SerializeAsString(), GraphFormat::kMetaGraph, false},
      {"export.pb", sm.SerializeAsString(), GraphFormat::kSavedModel, false},
      {"graph.pb", "# a comment\nnode {\n  name: \"a\"\n  op: \"Const\"\n}\n", GraphFormat::kGraphDef, true},
      {"x.txt", "meta_info_def { tags: \"serve\" }\ngraph_def { node { name: \"a\" op: \"NoOp\" } }\n",
       GraphFormat::kMetaGraph, true},
      {"saved_model.pb", "saved_model_schema_version: 1\nmeta_graphs { graph_def { } }\n", GraphFormat::kSavedModel,
       true},
  };
  for (const Sniff& c : cases) {
    SCOPED_TRACE(c.name);
    Result<GraphFile> f = ParseGraphFile(c.name, c.bytes);
    ASSERT_TRUE(f.ok()) << f.status().message();
    EXPECT_EQ(f->format, c.format);
    EXPECT_EQ(f->text, c.text);
    EXPECT_EQ(f->path, c.name);
  }
  Result<GraphFile> meta_only = ParseGraphFile("model.data", m.SerializeAsString());
  ASSERT_TRUE(meta_only.ok());
  EXPECT_EQ(meta_only->meta_graphs[0].graph_def().node_size(), 2);
}

TEST(GraphFileTest, ClearErrorsNameTheFile) {
  Result<GraphFile> empty = ParseGraphFile("dir/empty.pb", "");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().message(), "dir/empty.pb: empty file, expected a GraphDef, MetaGraphDef or SavedModel");
  Result<GraphFile> text = ParseGraphFile("g.pbtxt", "node { name: \"a\" opp: \"x\" }\n");
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().message().rfind("g.pbtxt:1:", 0), 0u) << text.status().message();
  Result<GraphFile> garbage = ParseGraphFile("g.pb", std::string("\x0a\xff\xff\xff\x0f", 5));
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.status().message().rfind("g.pb: not a valid binary GraphDef; damaged: ", 0), 0u)
      << garbage.status().message();
  Result<GraphFile> fingerprint = ParseGraphFile("sm/fingerprint.pb", std::string("\x08\x01", 2));
  ASSERT_FALSE(fingerprint.ok());
  EXPECT_EQ(fingerprint.status().message(),
            "sm/fingerprint.pb: holds a SavedModel fingerprint (FingerprintDef), not a graph");
  Result<GraphFile> other = ParseGraphFile("notes.txt", "hello: world\n");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().message(),
            "notes.txt: text file whose first field \"hello\" is not one of a GraphDef, MetaGraphDef or SavedModel");
}

TEST(GraphFileTest, TruncationAndByteFlipsNeverCrash) {
  auto source = formats::DiskFileSource::Open(kData + "/tfonnx-regression/graphdef");
  ASSERT_TRUE(source.ok());
  Result<std::string> bytes = (*source)->ReadAll("frozen.pb");
  ASSERT_TRUE(bytes.ok());
  int failures = 0;
  for (size_t n = 0; n < bytes->size(); ++n) {
    Result<GraphFile> f = ParseGraphFile("frozen.pb", bytes->substr(0, n));
    if (!f.ok()) {
      ++failures;
      EXPECT_EQ(f.status().message().rfind("frozen.pb: ", 0), 0u);
    } else {
      (void)Graph::Build(&f->meta_graphs[0].graph_def());  // must not crash; may fail
    }
  }
  EXPECT_GT(failures, 0);
  for (size_t i = 0; i < bytes->size(); ++i) {
    std::string flipped = *bytes;
    flipped[i] = char(flipped[i] ^ 0xff);
    Result<GraphFile> f = ParseGraphFile("frozen.pb", flipped);
    if (f.ok()) (void)Graph::Build(&f->meta_graphs[0].graph_def());
  }
}

}  // namespace
}  // namespace ckptview::graph
