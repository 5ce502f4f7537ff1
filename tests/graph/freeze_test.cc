// Freezing rules, each on a hand-built GraphDef with an in-memory checkpoint
// (FORMATS.md section 7; TF 2.21 convert_to_constants.py). Every freeze here
// also checks that the streamed output equals the in-memory build
// (testing::FreezeOk).
#include "graph/freeze.h"

#include <gtest/gtest.h>

#include "formats/sstable_builder.h"
#include "graph/tensor_proto.h"
#include "tensor_bundle.pb.h"
#include "graph_test_util.h"

namespace ckptview::graph {
namespace {

using testing::FindNode;
using testing::FloatTensor;
using testing::FreezeOk;
using testing::GraphFromText;
using testing::MakeTensor;
using testing::MemoryCheckpoint;
using testing::NodeNames;
using testing::StringTensor;

FreezeOptions Outputs(std::vector<std::string> outputs) {
  FreezeOptions o;
  o.output_nodes = std::move(outputs);
  return o;
}

std::vector<std::string> AttrNames(const tensorflow::NodeDef& n) {
  std::vector<std::string> out;
  for (const auto& [k, v] : n.attr()) out.push_back(k);
  std::sort(out.begin(), out.end());
  return out;
}

Tensor ConstValue(const tensorflow::NodeDef& n) {
  EXPECT_EQ(n.op(), "Const") << n.name();
  auto it = n.attr().find("value");
  EXPECT_TRUE(it != n.attr().end()) << n.name();
  if (it == n.attr().end()) return {};
  Result<Tensor> t = TensorFromProto(it->second.tensor());
  EXPECT_TRUE(t.ok()) << t.status().message();
  return t.ok() ? *t : Tensor{};
}

std::string Freeze(const tensorflow::GraphDef& g, MemoryCheckpoint* ckpt, const FreezeOptions& o) {
  auto job = FreezeJob::Create(g, nullptr, ckpt ? ckpt->checkpoint.get() : nullptr, o);
  return job.ok() ? std::string() : job.status().message();
}

// ---------------------------------------------------------------------------

TEST(ExtractSubgraphTest, FollowsInputsControlAndColocationInOrder) {
  tensorflow::GraphDef g = GraphFromText(R"(
    node { name: "a" op: "Const" }
    node { name: "unused" op: "Const" }
    node { name: "c" op: "NoOp" }
    node { name: "colo" op: "Const" }
    node { name: "b" op: "Identity" input: "a" input: "^c"
           attr { key: "_class" value { list { s: "loc:@colo" } } } }
    node { name: "out" op: "Identity" input: "b:0" }
  )");
  Result<std::vector<int>> kept = ExtractSubgraph(g, {"out:0"});
  ASSERT_TRUE(kept.ok()) << kept.status().message();
  EXPECT_EQ(*kept, (std::vector<int>{0, 2, 3, 4, 5}));
  Result<std::vector<int>> missing = ExtractSubgraph(g, {"ou"});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(), "output node \"ou\" is not in the graph (similar names: out)");
  EXPECT_EQ(SplitNameList(" a, b ,,c "), (std::vector<std::string>{"a", "b", "c"}));
}

const char kRefGraph[] = R"(
  node { name: "v" op: "VariableV2" device: "/cpu:0"
         attr { key: "dtype" value { type: DT_FLOAT } }
         attr { key: "shape" value { shape { dim { size: 2 } } } }
         attr { key: "container" value { s: "" } } attr { key: "shared_name" value { s: "" } } }
  node { name: "v/read" op: "Identity" input: "v" device: "/cpu:0"
         attr { key: "T" value { type: DT_FLOAT } }
         attr { key: "_class" value { list { s: "loc:@v" } } }
         attr { key: "_output_shapes" value { list { shape { dim { size: 2 } } } } } }
  node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } }
  node { name: "out" op: "Mul" input: "x" input: "v/read" device: "/gpu:0"
         attr { key: "T" value { type: DT_FLOAT } } }
  node { name: "train" op: "NoOp" input: "^out" }
  versions { producer: 27 }
)";

TEST(FreezeTest, VariableV2BecomesConstWithCheckpointValue) {
  tensorflow::GraphDef g = GraphFromText(kRefGraph);
  MemoryCheckpoint ckpt({{"v", FloatTensor({2}, {1.5f, -2.0f})}});
  FreezeReport report;
  tensorflow::GraphDef out = FreezeOk(g, &ckpt, Outputs({"out"}), nullptr, &report);
  EXPECT_EQ(NodeNames(out), (std::vector<std::string>{"v", "v/read", "x", "out"}));
  const tensorflow::NodeDef* v = FindNode(out, "v");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->op(), "Const");
  EXPECT_EQ(v->device(), "");
  EXPECT_EQ(v->input_size(), 0);
  EXPECT_EQ(AttrNames(*v), (std::vector<std::string>{"dtype", "value"}));
  EXPECT_EQ(v->attr().at("dtype").type(), tensorflow::DT_FLOAT);
  EXPECT_EQ(v->attr().at("value").tensor().tensor_content().size(), 8u);  // tensor_content, as TF writes
  Tensor value = ConstValue(*v);
  EXPECT_EQ(value.bytes, FloatTensor({2}, {1.5f, -2.0f}).bytes);
  EXPECT_EQ(value.shape, (Shape{2}));
  // Identity on the path: T retyped (same), _output_shapes removed, _class kept.
  const tensorflow::NodeDef* read = FindNode(out, "v/read");
  EXPECT_EQ(AttrNames(*read), (std::vector<std::string>{"T", "_class"}));
  EXPECT_EQ(read->device(), "");  // clear_devices is the default
  EXPECT_EQ(FindNode(out, "out")->device(), "");
  EXPECT_EQ(out.versions().producer(), 27);  // versions kept (TF 2.x)
  EXPECT_EQ(report.converted, std::vector<std::string>{"v"});
  EXPECT_EQ(report.input_nodes, 5);
  EXPECT_EQ(report.output_nodes, 4);
}

TEST(FreezeTest, ClearDevicesOff) {
  tensorflow::GraphDef g = GraphFromText(kRefGraph);
  MemoryCheckpoint ckpt({{"v", FloatTensor({2}, {1, 2})}});
  FreezeOptions o = Outputs({"out"});
  o.clear_devices = false;
  tensorflow::GraphDef out = FreezeOk(g, &ckpt, o);
  EXPECT_EQ(FindNode(out, "out")->device(), "/gpu:0");
  EXPECT_EQ(FindNode(out, "v/read")->device(), "/cpu:0");
  EXPECT_EQ(FindNode(out, "v")->device(), "");  // the Const is rebuilt from scratch
}

TEST(FreezeTest, LegacyVariableOpsAreConvertedToo) {
  // TF 2.21's converter fetches `Variable` (pre-VariableV2) values but leaves
  // the ops in place; we convert them like VariableV2.
  tensorflow::GraphDef g = GraphFromText(R"(
    node { name: "Variable" op: "Variable" attr { key: "dtype" value { type: DT_FLOAT } }
           attr { key: "shape" value { shape { } } } }
    node { name: "Variable/read" op: "Identity" input: "Variable" attr { key: "T" value { type: DT_FLOAT } } }
    node { name: "Add" op: "Add" input: "Variable/read" input: "Variable/read" }
  )");
  MemoryCheckpoint ckpt({{"Variable", FloatTensor({}, {0.5f})}});
  tensorflow::GraphDef out = FreezeOk(g, &ckpt, Outputs({"Add"}));
  EXPECT_EQ(FindNode(out, "Variable")->op(), "Const");
  EXPECT_EQ(FindNode(out, "Variable")->attr().at("value").tensor().float_val(0), 0.5f);
}

TEST(FreezeTest, ConstValuesAsMakeTensorProtoWritesThem) {
  std::map<std::string, Tensor> values = {
      {"f_scalar", FloatTensor({}, {3.25f})},
      {"f_one", FloatTensor({1}, {4})},
      {"f_matrix", FloatTensor({2, 3}, {1, 2, 3, 4, 5, 6})},
      {"i64_scalar", MakeTensor<int64_t>(DType::kInt64, {}, {-7})},
      {"i32_vec", MakeTensor<int32_t>(DType::kInt32, {3}, {1, -2, 3})},
      {"u16_vec", MakeTensor<uint16_t>(DType::kUInt16, {2}, {1, 65535})},
      {"b_vec", MakeTensor<uint8_t>(DType::kBool, {3}, {1, 0, 1})},
      {"h_vec", MakeTensor<uint16_t>(DType::kHalf, {2}, {0x3c00, 0x4000})},
      {"bf_scalar", MakeTensor<uint16_t>(DType::kBFloat16, {}, {0x3f80})},
      {"d_empty", MakeTensor<double>(DType::kDouble, {0, 4}, {})},
      {"c64", MakeTensor<float>(DType::kComplex64, {1}, {1, 2})},
      {"s_vec", StringTensor({2}, {"ab", std::string("\0\xff", 2)})},
  };
  std::string text;
  std::string inputs;
  for (const auto& [name, t] : values) {
    text += "node { name: '" + name + "' op: 'VariableV2' attr { key: 'dtype' value { type: " +
            std::to_string(int(t.dtype)) + " } } }\n";
    inputs += " input: '^" + name + "'";
  }
  text += "node { name: 'out' op: 'NoOp'" + inputs + " }\n";
  tensorflow::GraphDef g = GraphFromText(text);
  MemoryCheckpoint ckpt(values);
  tensorflow::GraphDef out = FreezeOk(g, &ckpt, Outputs({"out"}));
  for (const auto& [name, t] : values) {
    SCOPED_TRACE(name);
    const tensorflow::NodeDef* n = FindNode(out, name);
    ASSERT_NE(n, nullptr);
    Result<std::string> expected = EncodeTensorProto(t);
    ASSERT_TRUE(expected.ok());
    EXPECT_EQ(n->attr().at("value").tensor().SerializeAsString(), *expected);
    Tensor back = ConstValue(*n);
    EXPECT_EQ(back.bytes, t.bytes);
    EXPECT_EQ(back.strings, t.strings);
    EXPECT_EQ(back.shape, t.shape);
  }
  EXPECT_TRUE(FindNode(out, "u16_vec")->attr().at("value").tensor().tensor_content().empty());  // int_val
  EXPECT_EQ(FindNode(out, "i32_vec")->attr().at("value").tensor().tensor_content().size(), 12u);
}

const char kResourceGraph[] = R"(
  node { name: "emb" op: "VarHandleOp" device: "/cpu:0"
         attr { key: "dtype" value { type: DT_FLOAT } }
         attr { key: "shape" value { shape { dim { size: 3 } dim { size: 2 } } } }
         attr { key: "shared_name" value { s: "emb" } } }
  node { name: "emb/Read/ReadVariableOp" op: "ReadVariableOp" input: "emb" device: "/cpu:0"
         attr { key: "dtype" value { type: DT_FLOAT } }
         attr { key: "_class" value { list { s: "loc:@emb" } } }
         attr { key: "_output_shapes" value { list { shape { dim { size: 3 } dim { size: 2 } } } } } }
  node { name: "ids" op: "Placeholder" attr { key: "dtype" value { type: DT_INT32 } } }
  node { name: "gather" op: "ResourceGather" input: "emb" input: "ids" input: "^ids"
         attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "Tindices" value { type: DT_INT32 } }
         attr { key: "batch_dims" value { i: 0 } } attr { key: "validate_indices" value { b: true } } }
  node { name: "nd_ids" op: "Placeholder" attr { key: "dtype" value { type: DT_INT64 } } }
  node { name: "gnd" op: "ResourceGatherNd" input: "emb" input: "nd_ids"
         attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "Tindices" value { type: DT_INT64 } } }
  node { name: "h" op: "Identity" input: "emb"
         attr { key: "T" value { type: DT_RESOURCE } }
         attr { key: "_output_shapes" value { list { shape { } } } } }
  node { name: "h/read" op: "ReadVariableOp" input: "h" attr { key: "dtype" value { type: DT_FLOAT } } }
  node { name: "out" op: "AddN" input: "emb/Read/ReadVariableOp" input: "gather" input: "gnd" input: "h/read" }
)";

TEST(FreezeTest, ResourceVariablesReadsAndGathers) {
  tensorflow::GraphDef g = GraphFromText(kResourceGraph);
  MemoryCheckpoint ckpt({{"emb", FloatTensor({3, 2}, {1, 2, 3, 4, 5, 6})}});
  tensorflow::GraphDef out = FreezeOk(g, &ckpt, Outputs({"out"}));
  // The axis Const is appended after every kept node.
  EXPECT_EQ(NodeNames(out), (std::vector<std::string>{"emb", "emb/Read/ReadVariableOp", "ids", "gather", "nd_ids",
                                                      "gnd", "h", "h/read", "out", "gather/axis"}));
  const tensorflow::NodeDef& read = *FindNode(out, "emb/Read/ReadVariableOp");
  EXPECT_EQ(read.op(), "Identity");
  EXPECT_EQ(read.device(), "");
  EXPECT_EQ(std::vector<std::string>(read.input().begin(), read.input().end()), std::vector<std::string>{"emb"});
  EXPECT_EQ(AttrNames(read), (std::vector<std::string>{"T", "_class"}));
  EXPECT_EQ(read.attr().at("T").type(), tensorflow::DT_FLOAT);

  const tensorflow::NodeDef& gather = *FindNode(out, "gather");
  EXPECT_EQ(gather.op(), "GatherV2");
  EXPECT_EQ(std::vector<std::string>(gather.input().begin(), gather.input().end()),
            (std::vector<std::string>{"emb", "ids", "gather/axis"}));
  EXPECT_EQ(AttrNames(gather), (std::vector<std::string>{"Taxis", "Tindices", "Tparams"}));
  const tensorflow::NodeDef& axis = *FindNode(out, "gather/axis");
  EXPECT_EQ(axis.attr().at("dtype").type(), tensorflow::DT_INT32);
  EXPECT_EQ(axis.attr().at("value").tensor().SerializeAsString(), std::string("\x08\x03\x12\x00\x3a\x01\x00", 7));

  const tensorflow::NodeDef& gnd = *FindNode(out, "gnd");
  EXPECT_EQ(gnd.op(), "GatherNd");
  EXPECT_EQ(gnd.attr().at("Tindices").type(), tensorflow::DT_INT64);
  EXPECT_EQ(AttrNames(gnd), (std::vector<std::string>{"Tindices", "Tparams"}));

  const tensorflow::NodeDef& h = *FindNode(out, "h");
  EXPECT_EQ(h.op(), "Identity");
  EXPECT_EQ(h.attr().at("T").type(), tensorflow::DT_FLOAT);
  EXPECT_EQ(AttrNames(h), std::vector<std::string>{"T"});
  EXPECT_EQ(FindNode(out, "h/read")->op(), "Identity");
}

TEST(FreezeTest, ResourceGatherWithBatchDimsIsRefused) {
  std::string text = kResourceGraph;
  text.replace(text.find("i: 0"), 4, "i: 1");
  tensorflow::GraphDef g = GraphFromText(text);
  MemoryCheckpoint ckpt({{"emb", FloatTensor({3, 2}, {1, 2, 3, 4, 5, 6})}});
  EXPECT_EQ(Freeze(g, &ckpt, Outputs({"out"})),
            "batch_dims must be 0 for freeze_graph, but got node(gather).attr('batch_dims') = 1");
}

const char kFunctionGraph[] = R"(
  node { name: "v" op: "VarHandleOp" attr { key: "dtype" value { type: DT_FLOAT } }
         attr { key: "shape" value { shape { dim { size: 2 } } } } }
  node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } }
  node { name: "call" op: "StatefulPartitionedCall" input: "x" input: "v"
         attr { key: "Tin" value { list { type: DT_FLOAT type: DT_RESOURCE } } }
         attr { key: "Tout" value { list { type: DT_FLOAT } } }
         attr { key: "f" value { func { name: "__inference_f_12" } } } }
  node { name: "other" op: "PartitionedCall" input: "x"
         attr { key: "Tin" value { list { type: DT_FLOAT } } }
         attr { key: "Tout" value { list { type: DT_FLOAT } } }
         attr { key: "f" value { func { name: "__inference_g_7" } } } }
  library {
    function {
      signature { name: "__inference_f_12"
                  input_arg { name: "x" type: DT_FLOAT } input_arg { name: "v_handle" type: DT_RESOURCE }
                  output_arg { name: "y" type: DT_FLOAT } }
      node_def { name: "ReadVariableOp" op: "ReadVariableOp" input: "v_handle"
                 attr { key: "dtype" value { type: DT_FLOAT } } }
      node_def { name: "add" op: "AddV2" input: "x" input: "ReadVariableOp:value:0"
                 attr { key: "T" value { type: DT_FLOAT } } }
      ret { key: "y" value: "add:z:0" }
      arg_attr { key: 1 value { attr { key: "_output_shapes" value { list { shape { } } } } } }
    }
    function {
      signature { name: "__inference_g_7" input_arg { name: "x" type: DT_FLOAT } output_arg { name: "y" type: DT_FLOAT } }
      node_def { name: "n" op: "Neg" input: "x" attr { key: "T" value { type: DT_FLOAT } } }
      ret { key: "y" value: "n:y:0" }
    }
  }
)";

TEST(FreezeTest, PropagatesIntoCalledFunctions) {
  tensorflow::GraphDef g = GraphFromText(kFunctionGraph);
  MemoryCheckpoint ckpt({{"v", FloatTensor({2}, {1, 2})}});
  FreezeReport report;
  tensorflow::GraphDef out = FreezeOk(g, &ckpt, Outputs({"call", "other"}), nullptr, &report);
  // uids go to every function in (suffix, base, name) order: g_7 -> 1, f_12 -> 2.
  const tensorflow::NodeDef& call = *FindNode(out, "call");
  EXPECT_EQ(call.attr().at("f").func().name(), "__inference_f_frozen_2");
  EXPECT_EQ(call.attr().at("Tin").list().type(1), tensorflow::DT_FLOAT);
  EXPECT_EQ(FindNode(out, "other")->attr().at("f").func().name(), "__inference_g_7");
  EXPECT_EQ(report.renamed_functions, std::vector<std::string>{"__inference_f_12 -> __inference_f_frozen_2"});
  ASSERT_EQ(out.library().function_size(), 2);
  const tensorflow::FunctionDef& f = out.library().function(0);
  EXPECT_EQ(f.signature().name(), "__inference_f_frozen_2");
  EXPECT_EQ(f.signature().input_arg(1).type(), tensorflow::DT_FLOAT);
  const auto& shape = f.arg_attr().at(1).attr().at("_output_shapes").list().shape(0);
  EXPECT_TRUE(shape.unknown_rank());
  EXPECT_EQ(f.node_def(0).op(), "Identity");
  EXPECT_EQ(f.node_def(0).attr().at("T").type(), tensorflow::DT_FLOAT);
  EXPECT_EQ(f.node_def(1).input(1), "ReadVariableOp:output:0");  // ":value" became ":output"
  EXPECT_EQ(out.library().function(1).signature().name(), "__inference_g_7");
}

const char kWhileGraph[] = R"(
  node { name: "v" op: "VarHandleOp" attr { key: "dtype" value { type: DT_FLOAT } }
         attr { key: "shape" value { shape { dim { size: 3 } } } } }
  node { name: "n" op: "Placeholder" attr { key: "dtype" value { type: DT_INT32 } } }
  node { name: "loop" op: "While" input: "n" input: "v"
         attr { key: "T" value { list { type: DT_INT32 type: DT_RESOURCE } } }
         attr { key: "output_shapes" value { list { shape { } shape { } } } }
         attr { key: "_output_shapes" value { list { shape { } shape { } } } }
         attr { key: "body" value { func { name: "body_1" } } }
         attr { key: "cond" value { func { name: "cond_2" } } } }
  library {
    function {
      signature { name: "body_1" input_arg { name: "i" type: DT_INT32 } input_arg { name: "h" type: DT_RESOURCE }
                  output_arg { name: "i_out" type: DT_INT32 } output_arg { name: "h_out" type: DT_RESOURCE } }
      node_def { name: "r" op: "ReadVariableOp" input: "h" attr { key: "dtype" value { type: DT_FLOAT } } }
      ret { key: "i_out" value: "i" } ret { key: "h_out" value: "h" }
    }
    function {
      signature { name: "cond_2" input_arg { name: "i" type: DT_INT32 } input_arg { name: "h" type: DT_RESOURCE }
                  output_arg { name: "c" type: DT_BOOL } }
      node_def { name: "c" op: "Less" input: "i" input: "i" attr { key: "T" value { type: DT_INT32 } } }
      ret { key: "c" value: "c:z:0" }
    }
  }
)";

TEST(FreezeTest, WhileLoopsGetConcreteShapesAndTypes) {
  tensorflow::GraphDef g = GraphFromText(kWhileGraph);
  MemoryCheckpoint ckpt({{"v", FloatTensor({3}, {1, 2, 3})}});
  tensorflow::GraphDef out = FreezeOk(g, &ckpt, Outputs({"loop"}));
  const tensorflow::NodeDef& loop = *FindNode(out, "loop");
  EXPECT_EQ(loop.attr().at("T").list().type(1), tensorflow::DT_FLOAT);
  EXPECT_EQ(loop.attr().at("output_shapes").list().shape(1).dim(0).size(), 3);
  EXPECT_EQ(loop.attr().at("_output_shapes").list().shape(1).dim(0).size(), 3);
  EXPECT_EQ(loop.attr().at("body").func().name(), "body_frozen_1");
  EXPECT_EQ(loop.attr().at("cond").func().name(), "cond_frozen_2");
  const tensorflow::FunctionDef& body = out.library().function(0);
  EXPECT_EQ(body.signature().input_arg(1).type(), tensorflow::DT_FLOAT);
  EXPECT_EQ(body.signature().output_arg(1).type(), tensorflow::DT_FLOAT);
  EXPECT_EQ(body.node_def(0).op(), "Identity");
  EXPECT_EQ(out.library().function(1).signature().input_arg(1).type(), tensorflow::DT_FLOAT);
}

TEST(FreezeTest, Tf1ControlFlowOnResourcePaths) {
  tensorflow::GraphDef g = GraphFromText(R"(
    node { name: "v" op: "VarHandleOp" attr { key: "dtype" value { type: DT_FLOAT } } }
    node { name: "pred" op: "Placeholder" attr { key: "dtype" value { type: DT_BOOL } } }
    node { name: "sw" op: "Switch" input: "v" input: "pred" attr { key: "T" value { type: DT_RESOURCE } }
           attr { key: "_output_shapes" value { list { shape { } shape { } } } } }
    node { name: "r1" op: "ReadVariableOp" input: "sw:1" attr { key: "dtype" value { type: DT_FLOAT } } }
    node { name: "en" op: "Enter" input: "v" attr { key: "T" value { type: DT_RESOURCE } }
           attr { key: "frame_name" value { s: "loop" } } attr { key: "is_constant" value { b: true } } }
    node { name: "r2" op: "ReadVariableOp" input: "en" attr { key: "dtype" value { type: DT_FLOAT } } }
    node { name: "m" op: "Merge" input: "sw" input: "sw:1" attr { key: "T" value { type: DT_RESOURCE } }
           attr { key: "N" value { i: 2 } } }
    node { name: "r3" op: "ReadVariableOp" input: "m" attr { key: "dtype" value { type: DT_FLOAT } } }
    node { name: "out" op: "AddN" input: "r1" input: "r2" input: "r3" }
  )");
  MemoryCheckpoint ckpt({{"v", FloatTensor({2}, {1, 2})}});
  tensorflow::GraphDef out = FreezeOk(g, &ckpt, Outputs({"out"}));
  for (const char* name : {"sw", "en", "m"}) {
    const tensorflow::NodeDef& n = *FindNode(out, name);
    EXPECT_EQ(n.attr().at("T").type(), tensorflow::DT_FLOAT) << name;
    EXPECT_EQ(n.attr().count("_output_shapes"), 0u) << name;
  }
  for (const char* name : {"r1", "r2", "r3"}) EXPECT_EQ(FindNode(out, name)->op(), "Identity") << name;
}

TEST(FreezeTest, IfAndCaseBranches) {
  tensorflow::GraphDef g = GraphFromText(R"(
    node { name: "v" op: "VarHandleOp" attr { key: "dtype" value { type: DT_FLOAT } } }
    node { name: "c" op: "Placeholder" attr { key: "dtype" value { type: DT_BOOL } } }
    node { name: "i" op: "Placeholder" attr { key: "dtype" value { type: DT_INT32 } } }
    node { name: "cond" op: "StatelessIf" input: "c" input: "v"
           attr { key: "Tcond" value { type: DT_BOOL } }
           attr { key: "Tin" value { list { type: DT_RESOURCE } } }
           attr { key: "Tout" value { list { type: DT_FLOAT } } }
           attr { key: "then_branch" value { func { name: "then_5" } } }
           attr { key: "else_branch" value { func { name: "else_6" } } } }
    node { name: "case" op: "Case" input: "i" input: "v"
           attr { key: "Tin" value { list { type: DT_RESOURCE } } }
           attr { key: "Tout" value { list { type: DT_FLOAT } } }
           attr { key: "branches" value { list { func { name: "then_5" } func { name: "else_6" } } } } }
    node { name: "out" op: "AddN" input: "cond" input: "case" }
    library {
      function { signature { name: "then_5" input_arg { name: "h" type: DT_RESOURCE } output_arg { name: "y" type: DT_FLOAT } }
                 node_def { name: "r" op: "ReadVariableOp" input: "h" attr { key: "dtype" value { type: DT_FLOAT } } }
                 ret { key: "y" value: "r:value:0" } }
      function { signature { name: "else_6" input_arg { name: "h" type: DT_RESOURCE } output_arg { name: "y" type: DT_FLOAT } }
                 node_def { name: "r" op: "ReadVariableOp" input: "h" attr { key: "dtype" value { type: DT_FLOAT } } }
                 node_def { name: "n" op: "Neg" input: "r:value:0" attr { key: "T" value { type: DT_FLOAT } } }
                 ret { key: "y" value: "n:y:0" } }
    }
  )");
  MemoryCheckpoint ckpt({{"v", FloatTensor({}, {3})}});
  tensorflow::GraphDef out = FreezeOk(g, &ckpt, Outputs({"out"}));
  const tensorflow::NodeDef& cond = *FindNode(out, "cond");
  EXPECT_EQ(cond.attr().at("Tin").list().type(0), tensorflow::DT_FLOAT);
  EXPECT_EQ(cond.attr().at("Tcond").type(), tensorflow::DT_BOOL);
  EXPECT_EQ(cond.attr().at("then_branch").func().name(), "then_frozen_1");
  EXPECT_EQ(cond.attr().at("else_branch").func().name(), "else_frozen_2");
  const tensorflow::NodeDef& c = *FindNode(out, "case");
  EXPECT_EQ(c.attr().at("Tin").list().type(0), tensorflow::DT_FLOAT);
  EXPECT_EQ(c.attr().at("branches").list().func(0).name(), "then_frozen_1");
  EXPECT_EQ(c.attr().at("branches").list().func(1).name(), "else_frozen_2");
  const tensorflow::FunctionDef& then_f = out.library().function(0);
  EXPECT_EQ(then_f.signature().input_arg(0).type(), tensorflow::DT_FLOAT);
  EXPECT_EQ(then_f.node_def(0).op(), "Identity");
  EXPECT_EQ(then_f.ret().at("y"), "r:output:0");
  EXPECT_EQ(out.library().function(1).node_def(1).input(0), "r:output:0");
}

const char kTrainingGraph[] = R"(
  node { name: "mm" op: "VariableV2" attr { key: "dtype" value { type: DT_FLOAT } }
         attr { key: "shape" value { shape { dim { size: 2 } } } } }
  node { name: "pred" op: "Placeholder" attr { key: "dtype" value { type: DT_BOOL } } }
  node { name: "sw" op: "RefSwitch" input: "mm" input: "pred" attr { key: "T" value { type: DT_FLOAT } }
         attr { key: "_class" value { list { s: "loc:@mm" } } } }
  node { name: "val" op: "Const" attr { key: "dtype" value { type: DT_FLOAT } }
         attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: 2 } } float_val: 1 } } } }
  node { name: "upd" op: "AssignSub" input: "sw:1" input: "val"
         attr { key: "T" value { type: DT_FLOAT } } attr { key: "use_locking" value { b: false } } }
  node { name: "asg" op: "Assign" input: "mm" input: "val"
         attr { key: "T" value { type: DT_FLOAT } } attr { key: "use_locking" value { b: true } }
         attr { key: "validate_shape" value { b: true } } }
  node { name: "add" op: "AssignAdd" input: "mm" input: "val"
         attr { key: "T" value { type: DT_FLOAT } } attr { key: "use_locking" value { b: false } } }
  node { name: "use" op: "Identity" input: "asg" attr { key: "T" value { type: DT_FLOAT } } }
  node { name: "out" op: "AddN" input: "upd" input: "use" input: "add" input: "^asg" }
)";

TEST(FreezeTest, BatchNormTrainingFixes) {
  tensorflow::GraphDef g = GraphFromText(kTrainingGraph);
  MemoryCheckpoint ckpt({{"mm", FloatTensor({2}, {5, 6})}});
  FreezeReport report;
  tensorflow::GraphDef out = FreezeOk(g, &ckpt, Outputs({"out"}), nullptr, &report);
  EXPECT_EQ(NodeNames(out), (std::vector<std::string>{"mm", "pred", "sw", "val", "upd", "add", "use", "out"}));
  EXPECT_EQ(FindNode(out, "sw")->op(), "Switch");
  EXPECT_EQ(FindNode(out, "upd")->op(), "Sub");
  EXPECT_EQ(AttrNames(*FindNode(out, "upd")), std::vector<std::string>{"T"});
  EXPECT_EQ(FindNode(out, "add")->op(), "Add");
  EXPECT_EQ(AttrNames(*FindNode(out, "add")), std::vector<std::string>{"T"});
  EXPECT_EQ(FindNode(out, "use")->input(0), "val");
  const tensorflow::NodeDef& o = *FindNode(out, "out");
  EXPECT_EQ(o.input(3), "^val");
  EXPECT_EQ(report.fixed, (std::vector<std::string>{"sw: RefSwitch -> Switch", "upd: AssignSub -> Sub",
                                                   "asg: Assign removed, its users read val",
                                                   "add: AssignAdd -> Add"}));
  // Off: TF's own behaviour (an output TF cannot import).
  FreezeOptions off = Outputs({"out"});
  off.fix_training_ops = false;
  tensorflow::GraphDef raw = FreezeOk(g, &ckpt, off);
  EXPECT_EQ(FindNode(raw, "sw")->op(), "RefSwitch");
  EXPECT_EQ(FindNode(raw, "asg")->op(), "Assign");
}

TEST(FreezeTest, AllowAndDenyLists) {
  tensorflow::GraphDef g = GraphFromText(R"(
    node { name: "a" op: "VariableV2" attr { key: "dtype" value { type: DT_FLOAT } } }
    node { name: "b" op: "VariableV2" attr { key: "dtype" value { type: DT_FLOAT } } }
    node { name: "out" op: "Add" input: "a" input: "b" }
  )");
  MemoryCheckpoint ckpt({{"a", FloatTensor({}, {1})}, {"b", FloatTensor({}, {2})}});
  FreezeOptions deny = Outputs({"out"});
  deny.denylist = std::vector<std::string>{"b"};
  FreezeReport report;
  tensorflow::GraphDef out = FreezeOk(g, &ckpt, deny, nullptr, &report);
  EXPECT_EQ(FindNode(out, "a")->op(), "Const");
  EXPECT_EQ(FindNode(out, "b")->op(), "VariableV2");
  EXPECT_EQ(report.not_converted, std::vector<std::string>{"b"});
  FreezeOptions allow = Outputs({"out"});
  allow.allowlist = std::vector<std::string>{"b"};
  out = FreezeOk(g, &ckpt, allow);
  EXPECT_EQ(FindNode(out, "a")->op(), "VariableV2");
  EXPECT_EQ(FindNode(out, "b")->op(), "Const");
  FreezeOptions both = allow;
  both.denylist = std::vector<std::string>{"b"};  // in the allowlist AND the denylist: not converted
  out = FreezeOk(g, &ckpt, both);
  EXPECT_EQ(FindNode(out, "b")->op(), "VariableV2");
}

TEST(FreezeTest, InitializerNodesValueVariables) {
  tensorflow::GraphDef g = GraphFromText(R"(
    node { name: "w" op: "VariableV2" attr { key: "dtype" value { type: DT_INT32 } } }
    node { name: "w/initial_value" op: "Const" attr { key: "dtype" value { type: DT_INT32 } }
           attr { key: "value" value { tensor { dtype: DT_INT32 tensor_shape { dim { size: 3 } } tensor_content: "\001\000\000\000\002\000\000\000\003\000\000\000" } } } }
    node { name: "w/Assign" op: "Assign" input: "w" input: "w/initial_value" }
    node { name: "z" op: "VariableV2" attr { key: "dtype" value { type: DT_FLOAT } } }
    node { name: "z/dims" op: "Const" attr { key: "value" value { tensor { dtype: DT_INT32 tensor_shape { dim { size: 2 } } int_val: 2 } } } }
    node { name: "z/val" op: "Const" attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { } float_val: 0.5 } } } }
    node { name: "z/fill" op: "Fill" input: "z/dims" input: "z/val" }
    node { name: "z/Assign" op: "Assign" input: "z" input: "z/fill" }
    node { name: "r" op: "VariableV2" attr { key: "dtype" value { type: DT_FLOAT } } }
    node { name: "r/random" op: "RandomUniform" }
    node { name: "r/Assign" op: "Assign" input: "r" input: "r/random" }
    node { name: "init" op: "NoOp" input: "^w/Assign" input: "^z/Assign" input: "^r/Assign" }
    node { name: "out" op: "AddN" input: "w" input: "z" }
    node { name: "out_r" op: "Identity" input: "r" }
  )");
  FreezeOptions o = Outputs({"out"});
  o.initializer_nodes = {"init"};
  FreezeReport report;
  tensorflow::GraphDef out = FreezeOk(g, nullptr, o, nullptr, &report);
  EXPECT_EQ(ConstValue(*FindNode(out, "w")).bytes, MakeTensor<int32_t>(DType::kInt32, {3}, {1, 2, 3}).bytes);
  Tensor z = ConstValue(*FindNode(out, "z"));
  EXPECT_EQ(z.shape, (Shape{2, 2}));
  EXPECT_EQ(z.bytes, FloatTensor({2, 2}, {0.5f, 0.5f, 0.5f, 0.5f}).bytes);
  EXPECT_EQ(report.from_initializers, (std::vector<std::string>{"w", "z"}));
  // An initializer we cannot evaluate is an error only for a variable being frozen.
  FreezeOptions r = Outputs({"out_r"});
  r.initializer_nodes = {"init"};
  EXPECT_EQ(Freeze(g, nullptr, r),
            "1 variable to freeze has no value:\n  r: cannot evaluate initializer value r/random (op "
            "RandomUniform) without running TensorFlow");
  FreezeOptions bad = Outputs({"out"});
  bad.initializer_nodes = {"nope"};
  EXPECT_EQ(Freeze(g, nullptr, bad), "initializer node \"nope\" is not in the graph");
}

TEST(FreezeTest, MissingValuesAreListedTogether) {
  tensorflow::GraphDef g = GraphFromText(R"(
    node { name: "a" op: "VariableV2" attr { key: "dtype" value { type: DT_FLOAT } } }
    node { name: "b" op: "VariableV2" attr { key: "dtype" value { type: DT_INT32 } } }
    node { name: "c" op: "VariableV2" attr { key: "dtype" value { type: DT_FLOAT } } }
    node { name: "out" op: "AddN" input: "a" input: "b" input: "c" }
  )");
  MemoryCheckpoint ckpt({{"b", FloatTensor({}, {1})}, {"c", FloatTensor({}, {1})}});
  EXPECT_EQ(Freeze(g, &ckpt, Outputs({"out"})),
            "2 variables to freeze have no value:\n  a: no checkpoint entry \"a\"\n"
            "  b: the variable is int32, checkpoint entry \"b\" holds float32");
  EXPECT_EQ(Freeze(g, nullptr, Outputs({"out"})).substr(0, 37), "3 variables to freeze have no value:\n");
  EXPECT_EQ(Freeze(g, &ckpt, Outputs({})), "no output nodes given");
}

// A V2 checkpoint whose index lists one float32 tensor of `shape` and whose
// data file is only listed, never read (Create refuses before reading).
struct ListedCheckpoint {
  formats::MemoryFileSource source;
  std::unique_ptr<formats::Checkpoint> checkpoint;

  ListedCheckpoint(const std::string& key, const Shape& shape) {
    tensorflow::BundleHeaderProto header;
    header.set_num_shards(1);
    header.mutable_version()->set_producer(1);
    tensorflow::BundleEntryProto entry;
    entry.set_dtype(tensorflow::DT_FLOAT);
    for (int64_t d : shape) entry.mutable_shape()->add_dim()->set_size(d);
    entry.set_size(NumElements(shape) * 4);
    formats::SSTableBuilder table;
    EXPECT_TRUE(table.Add("", header.SerializeAsString()).ok());
    EXPECT_TRUE(table.Add(key, entry.SerializeAsString()).ok());
    source.Add("big.index", table.Finish());
    source.AddUnread("big.data-00000-of-00001", entry.size());
    auto c = formats::OpenCheckpoint(source, "big", formats::CheckpointFormat::kBundleV2);
    EXPECT_TRUE(c.ok()) << c.status().message();
    if (c.ok()) checkpoint = std::move(c).value();
  }
};

TEST(FreezeTest, OutputsOverTwoGigabytesAreRefusedUpFront) {
  tensorflow::GraphDef g = GraphFromText(R"(
    node { name: "big" op: "VariableV2" attr { key: "dtype" value { type: DT_FLOAT } } }
    node { name: "out" op: "Identity" input: "big" attr { key: "T" value { type: DT_FLOAT } } }
  )");
  ListedCheckpoint over("big", {600, 1000, 1000});  // 2.4 GB of float32
  ASSERT_NE(over.checkpoint, nullptr);
  auto job = FreezeJob::Create(g, nullptr, over.checkpoint.get(), Outputs({"out"}));
  ASSERT_FALSE(job.ok());
  EXPECT_EQ(job.status().message(),
            "the frozen graph would be 2400 MB, over the 2147 MB a GraphDef can hold (protobuf's 2 GB limit), "
            "so TensorFlow could not load it; nothing was written. Freeze fewer variables "
            "(--variable_names_denylist) or keep the weights in a checkpoint or SavedModel.");
  // Just under the limit plans fine (nothing is read until the job runs).
  ListedCheckpoint under("big", {500, 1000, 1000});
  ASSERT_NE(under.checkpoint, nullptr);
  auto fine = FreezeJob::Create(g, nullptr, under.checkpoint.get(), Outputs({"out"}));
  ASSERT_TRUE(fine.ok()) << fine.status().message();
  EXPECT_GT((*fine)->report().output_bytes, 2000000000ull);
  EXPECT_LT((*fine)->report().output_bytes, kMaxGraphDefBytes);
  // The limit is checked against the whole output.
  MemoryCheckpoint small({{"big", FloatTensor({30}, std::vector<float>(30, 1.f))}});
  auto tiny = FreezeJob::Create(g, nullptr, small.checkpoint.get(), Outputs({"out"}), 100);
  ASSERT_FALSE(tiny.ok());
  EXPECT_NE(tiny.status().message().find("the frozen graph would be 0 MB, over the 0 MB"), std::string::npos);
}

TEST(FreezeTest, StateMachineProtocol) {
  tensorflow::GraphDef g = GraphFromText(kRefGraph);
  MemoryCheckpoint ckpt({{"v", FloatTensor({2}, {1, 2})}});
  auto job = FreezeJob::Create(g, nullptr, ckpt.checkpoint.get(), Outputs({"out"}));
  ASSERT_TRUE(job.ok());
  Result<FreezeStep> read = (*job)->Next();
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->kind, FreezeStep::Kind::kRead);  // v comes first
  ASSERT_EQ(read->ranges.size(), 1u);
  EXPECT_EQ(read->ranges[0].path, "ckpt.data-00000-of-00001");
  EXPECT_EQ(read->ranges[0].size, 8u);
  EXPECT_FALSE((*job)->Next().ok());  // must Supply first
  // Damaged bytes: the checkpoint's crc32c check fails, the job stops.
  ASSERT_FALSE((*job)->Supply({std::string(8, 'x')}).ok());
  EXPECT_FALSE((*job)->Next().ok());
}

TEST(SliceTensorTest, CutsRowMajorSlices) {
  Tensor full = FloatTensor({3, 4}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
  Result<Tensor> rows = SliceTensor(full, {{1, 2}, {0, -1}});
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->shape, (Shape{2, 4}));
  EXPECT_EQ(rows->bytes, FloatTensor({2, 4}, {4, 5, 6, 7, 8, 9, 10, 11}).bytes);
  Result<Tensor> cols = SliceTensor(full, {{0, -1}, {1, 2}});
  ASSERT_TRUE(cols.ok());
  EXPECT_EQ(cols->bytes, FloatTensor({3, 2}, {1, 2, 5, 6, 9, 10}).bytes);
  Result<Tensor> s = SliceTensor(StringTensor({3}, {"a", "b", "c"}), {{2, 1}});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->strings, std::vector<std::string>{"c"});
  EXPECT_FALSE(SliceTensor(full, {{3, 2}, {0, -1}}).ok());
  EXPECT_FALSE(SliceTensor(full, {{0, 1}}).ok());
}

}  // namespace
}  // namespace ckptview::graph
