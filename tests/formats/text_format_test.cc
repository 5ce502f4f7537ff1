#include "formats/text_format.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include "attr_value.pb.h"
#include "checkpoint_state.pb.h"
#include "fingerprint.pb.h"
#include "graph.pb.h"
#include "graph/python_order.h"
#include "meta_graph.pb.h"
#include "saved_model.pb.h"
#include "tensor.pb.h"

namespace ckptview::formats {
namespace {

const std::string kRealdata = CKPT_REALDATA_DIR;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string ReadRealdata(const std::string& path) { return ReadFile(kRealdata + "/" + path); }

// Serialization with map entries sorted, so equal messages give equal bytes.
using graph::SerializeDeterministic;

template <typename M>
M MustParse(const std::string& text) {
  M m;
  Status s = ParseTextFormat("test.pbtxt", text, &m);
  EXPECT_TRUE(s.ok()) << s.message();
  return m;
}

template <typename M>
std::string ParseError(const std::string& text) {
  M m;
  Status s = ParseTextFormat("test.pbtxt", text, &m);
  EXPECT_FALSE(s.ok()) << text;
  return s.message();
}

// --- real files -------------------------------------------------------------

struct TextCase {
  const char* path;
  const char* type;  // GraphDef or SavedModel
};

const TextCase kTextFiles[] = {
    {"tensorboard-graphtest-pbtxt/graph.pbtxt", "GraphDef"},
    {"ipo-widedeep-estimator/graph.pbtxt", "GraphDef"},
    {"tfx-estimator-2019-sharded/graph.pbtxt", "GraphDef"},
    {"tfx-estimator-2022/graph.pbtxt", "GraphDef"},
    {"rstudio-tensorflow-mnist-pbtxt/saved_model.pbtxt", "SavedModel"},
    {"modelexplorer-graphdef_foo/graphdef_foo.pbtxt", "GraphDef"},
};

template <typename M>
void CheckTextFile(const std::string& path) {
  std::string text = ReadFile(kRealdata + "/" + path);
  ASSERT_FALSE(text.empty());
  M parsed;
  auto t0 = std::chrono::steady_clock::now();
  Status s = ParseTextFormat(path, text, &parsed);
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_TRUE(s.ok()) << s.message();
  std::printf("  parse %-52s %8zu bytes  %7.1f ms\n", path.c_str(), text.size(), ms);
#ifdef NDEBUG
  EXPECT_LT(ms, 1000.0) << path;  // "well under a second"; typically ~20 ms
#endif
  // Round trip: text -> message -> our text -> message, equal field-wise.
  std::string printed = PrintTextFormat(parsed);
  M reparsed;
  s = ParseTextFormat("printed", printed, &reparsed);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(SerializeDeterministic(parsed), SerializeDeterministic(reparsed)) << path;
  EXPECT_EQ(PrintTextFormat(reparsed), printed);
}

TEST(TextFormatTest, RealdataPbtxtFilesParse) {
  for (const TextCase& c : kTextFiles) {
    SCOPED_TRACE(c.path);
    if (std::string(c.type) == "GraphDef") {
      CheckTextFile<tensorflow::GraphDef>(c.path);
    } else {
      CheckTextFile<tensorflow::SavedModel>(c.path);
    }
  }
}

TEST(TextFormatTest, RealdataContentsAreRight) {
  auto foo =
      MustParse<tensorflow::GraphDef>(ReadRealdata("modelexplorer-graphdef_foo/graphdef_foo.pbtxt"));
  ASSERT_EQ(foo.node_size(), 1);
  EXPECT_EQ(foo.node(0).op(), "Foo");
  ASSERT_EQ(foo.library().function_size(), 2);
  EXPECT_EQ(foo.library().function(0).signature().name(), "Add");
  EXPECT_EQ(foo.library().function(0).node_def(0).input(1), "b");
  EXPECT_EQ(foo.library().function(1).ret().at("val"), "output");

  auto graph = MustParse<tensorflow::GraphDef>(ReadRealdata("tensorboard-graphtest-pbtxt/graph.pbtxt"));
  ASSERT_EQ(graph.node_size(), 461);  // as TensorFlow's own parser counts
  EXPECT_EQ(graph.node(0).name(), "images");
  EXPECT_EQ(graph.node(0).attr().at("dtype").type(), tensorflow::DT_FLOAT);
  const auto& dims = graph.node(0).attr().at("shape").shape().dim();
  ASSERT_EQ(dims.size(), 2);
  EXPECT_EQ(dims[0].size(), -1);
  EXPECT_EQ(dims[1].size(), 256);
  EXPECT_EQ(graph.versions().producer(), 24);

  auto saved = MustParse<tensorflow::SavedModel>(
      ReadFile(kRealdata + "/rstudio-tensorflow-mnist-pbtxt/saved_model.pbtxt"));
  ASSERT_EQ(saved.meta_graphs_size(), 1);
  EXPECT_EQ(saved.meta_graphs(0).meta_info_def().tags(0), "serve");
  EXPECT_GT(saved.meta_graphs(0).graph_def().node_size(), 10);
  EXPECT_EQ(saved.meta_graphs(0).meta_info_def().tensorflow_version(), "1.3.0");
}

TEST(TextFormatTest, PrintsTensorFlowWrittenFilesByteForByte) {
  // Written by TF's Python text_format, which we print like (floats included).
  for (const char* path : {"rstudio-tensorflow-mnist-pbtxt/saved_model.pbtxt",
                           "modelexplorer-graphdef_foo/graphdef_foo.pbtxt"}) {
    std::string text = ReadRealdata(path);
    if (std::string(path).find("saved_model") != std::string::npos) {
      EXPECT_EQ(PrintTextFormat(MustParse<tensorflow::SavedModel>(text)), text) << path;
    } else {
      EXPECT_EQ(PrintTextFormat(MustParse<tensorflow::GraphDef>(text)), text) << path;
    }
  }
}

TEST(TextFormatTest, BinaryFileNamedPbtxtIsACleanError) {
  // A binary SavedModel committed as saved_model.pbtxt (and damaged).
  std::string bytes = ReadFile(kRealdata + "/rottenreview-misnamed-savedmodel/saved_model.pbtxt");
  tensorflow::SavedModel m;
  Status s = ParseTextFormat("saved_model.pbtxt", bytes, &m);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message().rfind("saved_model.pbtxt:1:1: unexpected byte 0x08", 0), 0u) << s.message();
}

// Binary -> text -> binary on real binary files.
struct BinaryCase {
  const char* path;
  const char* type;
};

const BinaryCase kBinaryFiles[] = {
    {"tfonnx-lstm/frozen.pb", "GraphDef"},
    {"mnist-tf210-savedmodel/saved_model.pb", "SavedModel"},
    {"serving-saved_model_half_plus_two_tf2_cpu/saved_model.pb", "SavedModel"},
    {"serving-saved_model_half_plus_two_tf2_cpu/fingerprint.pb", "FingerprintDef"},
    {"tfnet-metagraphs/lstm_crf_ner.meta", "MetaGraphDef"},
    {"neuralenc-ckpt-and-frozen/checkpoint/encryptor_model-500000.meta", "MetaGraphDef"},
    {"t5-mtf_tiny-bf16-PARTIAL/model.ckpt-0.meta", "MetaGraphDef"},
    {"tftext-segmenter_hub_module/saved_model.pb", "SavedModel"},
    {"deepmd-cu-frozen/frozen_model.pb", "GraphDef"},
    {"tfx-estimator-2022/export/chicago-taxi/1646034756/saved_model.pb", "SavedModel"},
};

template <typename M>
void CheckBinaryRoundTrip(const std::string& path) {
  std::string bytes = ReadFile(kRealdata + "/" + path);
  M original;
  ASSERT_TRUE(original.ParseFromString(bytes)) << path;
  auto t0 = std::chrono::steady_clock::now();
  std::string text = PrintTextFormat(original);
  auto t1 = std::chrono::steady_clock::now();
  M reparsed;
  Status s = ParseTextFormat(path, text, &reparsed);
  auto t2 = std::chrono::steady_clock::now();
  ASSERT_TRUE(s.ok()) << s.message();
  std::printf("  %-64s %8zu bytes  print %6.1f ms  parse %6.1f ms (%zu text bytes)\n", path.c_str(),
              bytes.size(), std::chrono::duration<double, std::milli>(t1 - t0).count(),
              std::chrono::duration<double, std::milli>(t2 - t1).count(), text.size());
  EXPECT_EQ(SerializeDeterministic(original), SerializeDeterministic(reparsed));
  EXPECT_EQ(PrintTextFormat(reparsed), text);
}

TEST(TextFormatTest, RealdataBinaryRoundTrip) {
  for (const BinaryCase& c : kBinaryFiles) {
    SCOPED_TRACE(c.path);
    std::string type = c.type;
    if (type == "GraphDef") CheckBinaryRoundTrip<tensorflow::GraphDef>(c.path);
    if (type == "SavedModel") CheckBinaryRoundTrip<tensorflow::SavedModel>(c.path);
    if (type == "MetaGraphDef") CheckBinaryRoundTrip<tensorflow::MetaGraphDef>(c.path);
    if (type == "FingerprintDef") CheckBinaryRoundTrip<tensorflow::FingerprintDef>(c.path);
  }
}

// --- the checkpoint state file ------------------------------------------------

TEST(TextFormatTest, EveryRealdataCheckpointStateFile) {
  for (const char* path : {"houseprices-ckpt/checkpoint",
                           "ipo-widedeep-estimator/checkpoint",
                           "littleruan-iris-sharded/checkpoint",
                           "neuralenc-ckpt-and-frozen/checkpoint/checkpoint",
                           "serving-bad_half_plus_two/checkpoint",
                           "t2t-transformer_test_ckpt/checkpoint",
                           "t5-mtf_tiny-bf16-PARTIAL/checkpoint",
                           "tfonnx-regression/checkpoint/checkpoint",
                           "tfx-estimator-2019-sharded/checkpoint",
                           "tfx-estimator-2022/checkpoint",
                           "tfx-kerastuner-ckpt-prefix-named-checkpoint/checkpoint"}) {
    SCOPED_TRACE(path);
    std::string text = ReadRealdata(path);
    auto state = MustParse<tensorflow::CheckpointState>(text);
    EXPECT_FALSE(state.model_checkpoint_path().empty());
    ASSERT_GT(state.all_model_checkpoint_paths_size(), 0);
    EXPECT_EQ(state.all_model_checkpoint_paths(state.all_model_checkpoint_paths_size() - 1),
              state.model_checkpoint_path());
    EXPECT_EQ(PrintTextFormat(state), text);  // written by TF's Python text_format
  }
}

TEST(TextFormatTest, CheckpointStateFiles) {
  auto state = MustParse<tensorflow::CheckpointState>(ReadRealdata("ipo-widedeep-estimator/checkpoint"));
  EXPECT_EQ(state.model_checkpoint_path(), "model.ckpt-3760");
  ASSERT_EQ(state.all_model_checkpoint_paths_size(), 5);
  EXPECT_EQ(state.all_model_checkpoint_paths(0), "model.ckpt-3384");

  // As tf.train.CheckpointManager writes it (FORMATS.md section 5).
  const std::string manager =
      "model_checkpoint_path: \"ckpt-12\"\n"
      "all_model_checkpoint_paths: \"ckpt-6\"\n"
      "all_model_checkpoint_paths: \"ckpt-12\"\n"
      "all_model_checkpoint_timestamps: 1601611588.861176\n"
      "all_model_checkpoint_timestamps: 1601612029.9504316\n"
      "last_preserved_timestamp: 1601611500.5\n";
  state = MustParse<tensorflow::CheckpointState>(manager);
  EXPECT_EQ(state.model_checkpoint_path(), "ckpt-12");
  ASSERT_EQ(state.all_model_checkpoint_timestamps_size(), 2);
  EXPECT_EQ(state.all_model_checkpoint_timestamps(1), 1601612029.9504316);
  EXPECT_EQ(state.last_preserved_timestamp(), 1601611500.5);
  // Printing gives back TF's own text, line for line.
  EXPECT_EQ(PrintTextFormat(state), manager);
}

// --- syntax ---------------------------------------------------------------------

TEST(TextFormatTest, SyntaxVariants) {
  auto g = MustParse<tensorflow::GraphDef>(
      "# a comment\n"
      "node < name: 'a' op: \"Const\" >  # angle brackets, single quotes\n"
      "node: { name: \"b\", input: [\"a\", \"^c\"]; device: \"/cpu:0\" }\n"
      "node [ { name: \"c\" }, { name: \"d\" } ]\n"
      "node { name: \"con\" \"cat\" 'enated' attr { key: 'k' value { i: -0x10 } } }\n"
      "versions { producer: 012 bad_consumers: [1, 2, 3] }\n");
  ASSERT_EQ(g.node_size(), 5);
  EXPECT_EQ(g.node(0).name(), "a");
  EXPECT_EQ(g.node(0).op(), "Const");
  EXPECT_EQ(g.node(1).input_size(), 2);
  EXPECT_EQ(g.node(1).input(1), "^c");
  EXPECT_EQ(g.node(1).device(), "/cpu:0");
  EXPECT_EQ(g.node(3).name(), "d");
  EXPECT_EQ(g.node(4).name(), "concatenated");
  EXPECT_EQ(g.node(4).attr().at("k").i(), -16);
  EXPECT_EQ(g.versions().producer(), 10);  // octal
  EXPECT_EQ(g.versions().bad_consumers_size(), 3);
}

TEST(TextFormatTest, ScalarsOfEveryKind) {
  auto t = MustParse<tensorflow::TensorProto>(
      "dtype: 1\n"  // enum by number
      "float_val: 1.5 float_val: -2 float_val: inf float_val: -Infinity float_val: nan float_val: 1e3f\n"
      "float_val: .25 float_val: 3.4e39\n"
      "double_val: 0.1 double_val: -1e-300\n"
      "int64_val: -9223372036854775808 int64_val: 9223372036854775807\n"
      "uint64_val: 18446744073709551615 uint32_val: 0xffffffff\n"
      "int_val: -2147483648\n"
      "bool_val: true bool_val: False bool_val: t bool_val: 0 bool_val: 1\n"
      "tensor_content: \"\\x41\\101\\n\\t\\\\\\'\\\"\\0\\377\"\n"
      "string_val: \"caf\\u00e9 \\U0001F600 \\ud83d\\ude00\"\n");
  EXPECT_EQ(t.dtype(), tensorflow::DT_FLOAT);
  ASSERT_EQ(t.float_val_size(), 8);
  EXPECT_EQ(t.float_val(0), 1.5f);
  EXPECT_EQ(t.float_val(1), -2.0f);
  EXPECT_TRUE(std::isinf(t.float_val(2)) && t.float_val(2) > 0);
  EXPECT_TRUE(std::isinf(t.float_val(3)) && t.float_val(3) < 0);
  EXPECT_TRUE(std::isnan(t.float_val(4)));
  EXPECT_EQ(t.float_val(5), 1000.0f);
  EXPECT_EQ(t.float_val(6), 0.25f);
  EXPECT_TRUE(std::isinf(t.float_val(7)));  // beyond float range
  EXPECT_EQ(t.double_val(0), 0.1);
  EXPECT_EQ(t.double_val(1), -1e-300);
  EXPECT_EQ(t.int64_val(0), INT64_MIN);
  EXPECT_EQ(t.int64_val(1), INT64_MAX);
  EXPECT_EQ(t.uint64_val(0), UINT64_MAX);
  EXPECT_EQ(t.uint32_val(0), 0xffffffffu);
  EXPECT_EQ(t.int_val(0), INT32_MIN);
  ASSERT_EQ(t.bool_val_size(), 5);
  EXPECT_EQ(t.bool_val(0), true);
  EXPECT_EQ(t.bool_val(1), false);
  EXPECT_EQ(t.bool_val(2), true);
  EXPECT_EQ(t.bool_val(3), false);
  EXPECT_EQ(t.bool_val(4), true);
  EXPECT_EQ(t.tensor_content(), std::string("AA\n\t\\'\"\0\xff", 9));
  EXPECT_EQ(t.string_val(0), "caf\xc3\xa9 \xf0\x9f\x98\x80 \xf0\x9f\x98\x80");
}

TEST(TextFormatTest, RepeatedScalarsArePacked) {
  std::string wire;
  ASSERT_TRUE(TextFormatToWire("t", "dtype: DT_FLOAT float_val: 1 float_val: 2 int_val: 3",
                               "tensorflow.TensorProto", &wire).ok());
  // dtype (08 01), one packed record for float_val (2a 08 <1.0f> <2.0f>), one for int_val (3a 01 03).
  EXPECT_EQ(wire, std::string("\x08\x01\x2a\x08\x00\x00\x80\x3f\x00\x00\x00\x40\x3a\x01\x03", 15));
  // Values of one field split by another field make two packed runs (valid wire).
  ASSERT_TRUE(TextFormatToWire("t", "float_val: 1 dtype: DT_FLOAT float_val: 2",
                               "tensorflow.TensorProto", &wire).ok());
  EXPECT_EQ(wire, std::string("\x2a\x04\x00\x00\x80\x3f\x08\x01\x2a\x04\x00\x00\x00\x40", 14));
  tensorflow::TensorProto t;
  ASSERT_TRUE(t.ParseFromString(wire));
  EXPECT_EQ(t.float_val_size(), 2);
  // Strings are never packed; a zero in a oneof is still written.
  ASSERT_TRUE(TextFormatToWire("t", "i: 0", "tensorflow.AttrValue", &wire).ok());
  EXPECT_EQ(wire, std::string("\x18\x00", 2));
  // Negative int32 takes 10 bytes, like protobuf writes it.
  ASSERT_TRUE(TextFormatToWire("t", "dim { size: -1 }", "tensorflow.TensorShapeProto", &wire).ok());
  EXPECT_EQ(wire, std::string("\x12\x0b\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 13));
}

TEST(TextFormatTest, LongSubMessageLengthIsWidened) {
  std::string text = "node { name: \"" + std::string(300, 'x') + "\" }";
  auto g = MustParse<tensorflow::GraphDef>(text);
  EXPECT_EQ(g.node(0).name(), std::string(300, 'x'));
}

TEST(TextFormatTest, MapsAndAny) {
  auto sig = MustParse<tensorflow::MetaGraphDef>(
      "signature_def { key: \"serving_default\" value {\n"
      "  inputs { key: \"x\" value { name: \"x:0\" dtype: DT_FLOAT } }\n"
      "  method_name: \"tensorflow/serving/predict\" } }\n"
      "collection_def { key: \"c\" value { int64_list { value: [1, 2] } } }\n"
      "meta_info_def { any_info { [type.googleapis.com/tensorflow.VersionDef] { producer: 7 } } }\n");
  const auto& def = sig.signature_def().at("serving_default");
  EXPECT_EQ(def.inputs().at("x").name(), "x:0");
  EXPECT_EQ(def.method_name(), "tensorflow/serving/predict");
  EXPECT_EQ(sig.collection_def().at("c").int64_list().value(1), 2);
  EXPECT_EQ(sig.meta_info_def().any_info().type_url(), "type.googleapis.com/tensorflow.VersionDef");
  tensorflow::VersionDef v;
  ASSERT_TRUE(v.ParseFromString(sig.meta_info_def().any_info().value()));
  EXPECT_EQ(v.producer(), 7);
}

// --- the printer --------------------------------------------------------------

TEST(TextFormatTest, PrinterFormat) {
  tensorflow::NodeDef node;
  node.set_name("a\"b\n\x01\xc3\xa9");
  node.set_op("Const");
  node.add_input("x");
  node.add_input("y");
  (*node.mutable_attr())["value"].mutable_tensor()->add_float_val(0.1f);
  (*node.mutable_attr())["dtype"].set_type(tensorflow::DT_FLOAT);
  (*node.mutable_attr())["b"].set_i(0);
  EXPECT_EQ(PrintTextFormat(node),
            "name: \"a\\\"b\\n\\001\\303\\251\"\n"
            "op: \"Const\"\n"
            "input: \"x\"\n"
            "input: \"y\"\n"
            "attr {\n"
            "  key: \"b\"\n"
            "  value {\n"
            "    i: 0\n"
            "  }\n"
            "}\n"
            "attr {\n"
            "  key: \"dtype\"\n"
            "  value {\n"
            "    type: DT_FLOAT\n"
            "  }\n"
            "}\n"
            "attr {\n"
            "  key: \"value\"\n"
            "  value {\n"
            "    tensor {\n"
            "      float_val: 0.1\n"
            "    }\n"
            "  }\n"
            "}\n");
  tensorflow::TensorProto t;
  t.add_double_val(1.0 / 3);
  t.add_double_val(-0.0);
  t.add_double_val(1e100);
  t.add_double_val(1601612029.9504316);
  t.add_double_val(1e16);
  t.add_double_val(123456789012345.6);
  for (float f : {16777216.0f, 0.1f, 1e-5f, 0.0001f, 0.008333334f, -0.24135539f, 3.4028235e38f}) {
    t.add_float_val(f);
  }
  t.set_dtype(static_cast<tensorflow::DataType>(77));  // proto3 enums are open
  // Python's text_format style (shortest repr; floats as the shortest that
  // reads back as the same float).
  EXPECT_EQ(PrintTextFormat(t),
            "dtype: 77\n"
            "float_val: 16777216.0\n"
            "float_val: 0.1\n"
            "float_val: 1e-05\n"
            "float_val: 0.0001\n"
            "float_val: 0.008333334\n"
            "float_val: -0.24135539\n"
            "float_val: 3.4028235e+38\n"
            "double_val: 0.3333333333333333\n"
            "double_val: -0.0\n"
            "double_val: 1e+100\n"
            "double_val: 1601612029.9504316\n"
            "double_val: 1e+16\n"
            "double_val: 123456789012345.6\n");
  EXPECT_EQ(MustParse<tensorflow::TensorProto>(PrintTextFormat(t)).dtype(), 77);
}

TEST(TextFormatTest, PrinterExpandsAnyLikeTensorFlow) {
  tensorflow::AssetFileDef asset;
  asset.mutable_tensor_info()->set_name("asset_path:0");
  asset.set_filename("vocab");
  tensorflow::CollectionDef c;
  tensorflow::Any* any = c.mutable_any_list()->add_value();
  any->set_type_url("type.googleapis.com/tensorflow.AssetFileDef");
  any->set_value(asset.SerializeAsString());
  const std::string text =
      "any_list {\n"
      "  value {\n"
      "    [type.googleapis.com/tensorflow.AssetFileDef] {\n"
      "      tensor_info {\n"
      "        name: \"asset_path:0\"\n"
      "      }\n"
      "      filename: \"vocab\"\n"
      "    }\n"
      "  }\n"
      "}\n";
  EXPECT_EQ(PrintTextFormat(c), text);
  EXPECT_EQ(MustParse<tensorflow::CollectionDef>(text).SerializeAsString(), c.SerializeAsString());

  // Value bytes that would not re-encode identically (fields out of order)
  // are printed plainly, so the round trip keeps them.
  any->set_value(std::string("\x12\x01x\x0a\x00", 5));
  std::string plain = PrintTextFormat(c);
  EXPECT_NE(plain.find("type_url: \"type.googleapis.com/tensorflow.AssetFileDef\""), std::string::npos)
      << plain;
  EXPECT_EQ(MustParse<tensorflow::CollectionDef>(plain).SerializeAsString(), c.SerializeAsString());
  any->set_type_url("type.googleapis.com/tensorflow.Unknown");
  EXPECT_NE(PrintTextFormat(c).find("type_url:"), std::string::npos);
}

TEST(TextFormatTest, PrinterKeepsWhatAParserWouldKeep) {
  // Raw wire from another writer may repeat a singular field or set two oneof
  // members; the text shows the value a parser ends up with, and reparses.
  std::string wire = std::string("\x0a\x01" "a" "\x0a\x01" "b", 6);  // name "a", then name "b"
  Result<std::string> text = WireToTextFormat(wire, "tensorflow.NodeDef");
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "name: \"b\"\n");
  // AttrValue: i = 5 (18 05), then s = "x" (12 01 78): s wins.
  text = WireToTextFormat(std::string("\x18\x05\x12\x01x", 5), "tensorflow.AttrValue");
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "s: \"x\"\n");
  // GraphDef.versions twice: producer 1, then min_consumer 2: merged.
  text = WireToTextFormat(std::string("\x22\x02\x08\x01\x22\x02\x10\x02", 8), "tensorflow.GraphDef");
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "versions {\n  producer: 1\n  min_consumer: 2\n}\n");
}

TEST(TextFormatTest, PrinterShowsUnknownFieldsByNumber) {
  // name "x", then field 31 (not in NodeDef) = 5.
  std::string wire = std::string("\x0a\x01x", 3) + std::string("\xf8\x01\x05", 3);
  Result<std::string> text = WireToTextFormat(wire, "tensorflow.NodeDef");
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "name: \"x\"\n31: 5\n");
  EXPECT_FALSE(WireToTextFormat(std::string("\x0a\x05x", 3), "tensorflow.NodeDef").ok());
  EXPECT_EQ(WireToTextFormat(ByteView(), "tensorflow.Nope").status().message(),
            "no text-format schema for message type \"tensorflow.Nope\"");
}

// --- errors ---------------------------------------------------------------------

TEST(TextFormatTest, ErrorsSayWhereAndWhat) {
  using tensorflow::GraphDef;
  EXPECT_EQ(ParseError<GraphDef>("node {\n  nme: \"x\"\n}\n"),
            "test.pbtxt:2:3: unknown field \"nme\" in tensorflow.NodeDef");
  EXPECT_EQ(ParseError<GraphDef>("node {\n  name: \"x\"\n"),
            "test.pbtxt:3:1: expected \"}\" to close tensorflow.NodeDef opened on line 1 "
            "but found end of input");
  EXPECT_EQ(ParseError<GraphDef>("node { name \"x\" }"),
            "test.pbtxt:1:13: expected \":\" after field name \"name\" but found string \"x\"");
  EXPECT_EQ(ParseError<GraphDef>("node { name: x }"),
            "test.pbtxt:1:14: expected a string for string field \"name\" but found \"x\"");
  EXPECT_EQ(ParseError<GraphDef>("node { name: \"x\" name: \"y\" }"),
            "test.pbtxt:1:18: field \"name\" of tensorflow.NodeDef is not repeated "
            "and was already given on line 1");
  EXPECT_EQ(ParseError<GraphDef>("versions { producer: 2147483648 }"),
            "test.pbtxt:1:22: integer 2147483648 out of range for int32 field \"producer\"");
  EXPECT_EQ(ParseError<GraphDef>("versions { producer: 1.5 }"),
            "test.pbtxt:1:22: expected an integer for int32 field \"producer\" but found \"1.5\"");
  EXPECT_EQ(ParseError<GraphDef>("node {}\n}"), "test.pbtxt:2:1: expected a field name but found \"}\"");
  EXPECT_EQ(ParseError<GraphDef>("node { name: \"abc\n\" }"),
            "test.pbtxt:1:18: string literal cannot cross line boundaries");
  EXPECT_EQ(ParseError<GraphDef>("node { name: \"a\\qb\" }"),
            "test.pbtxt:1:16: invalid escape \"\\q\" in string");
  EXPECT_EQ(ParseError<GraphDef>("node { name: \"\\xff\" }"),
            "test.pbtxt:1:14: invalid UTF-8 in string field \"name\" (use a bytes field?)");
  EXPECT_EQ(ParseError<GraphDef>("node { name: [\"a\"] }"),
            "test.pbtxt:1:14: list syntax [...] used for field \"name\", which is not repeated");
  EXPECT_EQ(ParseError<GraphDef>("node { attr { key: \"a\" value { type: DT_NOPE } } }"),
            "test.pbtxt:1:38: unknown value \"DT_NOPE\" of enum tensorflow.DataType for field \"type\"");
  EXPECT_EQ(ParseError<GraphDef>("node { attr { value { i: 1 s: \"x\" } } }"),
            "test.pbtxt:1:28: field \"s\" and field \"i\" are both in oneof \"value\" of "
            "tensorflow.AttrValue; only one may be given");
  EXPECT_EQ(ParseError<GraphDef>("versions { producer: 12abc }"),
            "test.pbtxt:1:24: need space between number and \"a\"");
  EXPECT_EQ(ParseError<GraphDef>("versions { producer: 09 }"),
            "test.pbtxt:1:22: numbers starting with 0 must be octal");
  EXPECT_EQ(ParseError<GraphDef>("node { [ext.field] { } }"),
            "test.pbtxt:1:8: extension or Any expansion \"[ext.field]\" in tensorflow.NodeDef "
            "is not supported");
  EXPECT_EQ(
      ParseError<tensorflow::MetaGraphDef>("meta_info_def { any_info { [x.com/tensorflow.Nope] {} } }"),
      "test.pbtxt:1:28: Any type URL \"x.com/tensorflow.Nope\" names a message type we do not declare");
  EXPECT_EQ(ParseError<tensorflow::TensorProto>("uint32_val: -1"),
            "test.pbtxt:1:13: integer -1 out of range for uint32 field \"uint32_val\"");
  EXPECT_EQ(ParseError<tensorflow::TensorProto>("bool_val: 2"),
            "test.pbtxt:1:11: expected true or false for bool field \"bool_val\" but found \"2\"");
  EXPECT_EQ(ParseError<tensorflow::TensorProto>("tensor_content: 'abc"),
            "test.pbtxt:1:17: unterminated string");
  EXPECT_EQ(ParseError<tensorflow::TensorProto>("tensor_content: '\\u12'"),
            "test.pbtxt:1:18: \\u needs 4 hex digits");
  EXPECT_EQ(ParseError<GraphDef>("node { name: \"x\" } junk"),
            "test.pbtxt:1:20: unknown field \"junk\" in tensorflow.GraphDef");

  // AttrValue > list > func > attr > value: 4 levels a step. 100 levels parse
  // (protobuf's own limit), 101 do not.
  std::string deep;
  for (int i = 0; i < 25; ++i) deep += "list { func { attr { key: \"k\" value { ";
  std::string closing(25 * 4, '}');
  MustParse<tensorflow::AttrValue>(deep + closing);
  EXPECT_EQ(ParseError<tensorflow::AttrValue>(deep + "list { }" + closing),
            "test.pbtxt:1:956: messages nested deeper than 100 levels");
}

TEST(TextFormatTest, ErrorLeavesMessageCleared) {
  tensorflow::GraphDef g;
  g.add_node()->set_name("old");
  EXPECT_FALSE(ParseTextFormat("x", "node { name: \"new\" } ???", &g).ok());
  EXPECT_EQ(g.node_size(), 0);
  EXPECT_TRUE(ParseTextFormat("x", "", &g).ok());  // empty text = empty message
}

// --- robustness -----------------------------------------------------------------

TEST(TextFormatTest, TruncatedRealTextNeverCrashes) {
  // Every prefix of a real file is either a valid message or a located error.
  std::string text = ReadFile(kRealdata + "/rstudio-tensorflow-mnist-pbtxt/saved_model.pbtxt");
  size_t ok = 0, failed = 0;
  for (size_t n = 0; n <= text.size(); n += (n < 4000 ? 1 : 97)) {
    tensorflow::SavedModel m;
    Status s = ParseTextFormat("saved_model.pbtxt", std::string_view(text).substr(0, n), &m);
    if (s.ok()) {
      ++ok;
    } else {
      ++failed;
      ASSERT_EQ(s.message().rfind("saved_model.pbtxt:", 0), 0u) << s.message();
    }
  }
  EXPECT_GT(ok, 0u);
  EXPECT_GT(failed, 0u);
}

TEST(TextFormatTest, PrintingDamagedWireNeverCrashes) {
  // Wire bytes that are truncated or have a flipped byte: text or an error.
  std::string bytes = ReadRealdata("serving-saved_model_half_plus_two_tf2_cpu/saved_model.pb");
  size_t printed = 0;
  for (size_t n = 0; n < bytes.size(); n += 37) {
    Result<std::string> text = WireToTextFormat(ByteView(bytes.data(), n), "tensorflow.SavedModel");
    if (text.ok()) ++printed;
  }
  for (size_t i = 0; i < bytes.size(); i += 53) {
    std::string bad = bytes;
    bad[i] = char(bad[i] ^ 0x5a);
    Result<std::string> text = WireToTextFormat(bad, "tensorflow.SavedModel");
    if (text.ok()) ++printed;
  }
  EXPECT_GT(printed, 0u);
}

TEST(TextFormatTest, FlippedBytesNeverCrash) {
  std::string text = ReadFile(kRealdata + "/modelexplorer-graphdef_foo/graphdef_foo.pbtxt");
  const char kReplacements[] = {'{', '}', '<', '"', '\'', '\\', ':', '[', ']',
                                '-', '0', 'x', '\0', '\n', '#'};
  for (size_t i = 0; i < text.size(); ++i) {
    for (char r : kReplacements) {
      std::string bad = text;
      bad[i] = r;
      tensorflow::GraphDef g;
      Status s = ParseTextFormat("foo.pbtxt", bad, &g);
      if (!s.ok()) {
        ASSERT_EQ(s.message().rfind("foo.pbtxt:", 0), 0u) << s.message();
      }
    }
  }
}

}  // namespace
}  // namespace ckptview::formats
