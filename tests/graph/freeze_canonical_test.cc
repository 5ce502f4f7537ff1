// Verbatim node copies (freeze_canonical.h) and slim graph files
// (graph_file.h ParseOptions::slim_nodes): a node said canonical must
// re-serialize to the very same bytes, whatever the bytes are.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "graph/freeze_canonical.h"
#include "graph/graph_file.h"
#include "graph/python_order.h"
#include "graph_test_util.h"

namespace ckptview::graph {
namespace {

const std::string kFixtures = CKPT_FIXTURES_DIR;

const formats::ProtoMessage& NodeType() {
  const formats::ProtoMessage* t = TensorflowMessage("NodeDef");
  EXPECT_NE(t, nullptr);
  return *t;
}

// What FreezeJob writes for a node it parses: deterministic, maps as Python orders them.
bool PythonBytes(const std::string& bytes, std::string* out) {
  tensorflow::NodeDef node;
  if (!node.ParseFromString(bytes)) return false;
  Result<std::string> python = SerializeAsPython(node, "NodeDef");
  if (python.ok()) *out = std::move(python).value();
  return python.ok();
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const char* kGraphFiles[] = {
    "graphs/tutorial/ckpts/model.ckpt-1.meta", "graphs/dense/model.ckpt-3.meta",
    "graphs/conv/model.ckpt-2.meta",           "graphs/resource/model.ckpt-2.meta",
    "graphs/cond_v1/model.ckpt-1.meta",        "graphs/while_v1/model.ckpt-1.meta",
    "graphs/cond_v2/model.ckpt-1.meta",        "graphs/while_v2/model.ckpt-1.meta",
    "graphs/batchnorm_training/model.ckpt-4.meta", "graphs/partitioned/model.ckpt-1.meta",
    "graphs/keras_savedmodel/saved_model.pb",  "graphs/module_savedmodel/saved_model.pb",
    "saved_model/saved_model.pb",              "dtypes/model.ckpt.meta",
    "strings/model.ckpt.meta",                 "v1/single/model.ckpt-5.meta",
};

// Every node of every fixture, as the bytes a slim parse points at.
std::vector<std::string> FixtureNodeBytes() {
  std::vector<std::string> out;
  for (const char* name : kGraphFiles) {
    const std::string path = kFixtures + "/" + name;
    ParseOptions options;
    options.slim_nodes = true;
    Result<GraphFile> file = ParseGraphFile(path, ReadFile(path), options);
    EXPECT_TRUE(file.ok()) << path << ": " << file.status().message();
    if (!file.ok()) continue;
    EXPECT_FALSE(file->node_spans.empty()) << path << " was not parsed slim";
    for (size_t m = 0; m < file->node_spans.size(); ++m)
      for (size_t i = 0; i < file->node_spans[m].size(); ++i)
        out.emplace_back(file->NodeBytes(int(m), int(i)));
  }
  return out;
}

TEST(FreezeCanonicalTest, CanonicalFixtureNodesReserializeToTheSameBytes) {
  const std::vector<std::string> nodes = FixtureNodeBytes();
  ASSERT_GT(nodes.size(), 1000u);
  size_t canonical = 0;
  for (const std::string& b : nodes) {
    std::string python;
    ASSERT_TRUE(PythonBytes(b, &python));
    if (IsCanonicalAsPython(b, NodeType())) {
      ++canonical;
      EXPECT_EQ(python, b);
    }
    // What the freezer writes is itself recognized (no needless re-parsing).
    EXPECT_TRUE(IsCanonicalAsPython(python, NodeType()));
  }
  // TensorFlow writes graphs deterministically: nearly all nodes qualify.
  EXPECT_GT(canonical, nodes.size() * 9 / 10) << canonical << " of " << nodes.size();
}

TEST(FreezeCanonicalTest, DamagedOrReorderedBytesAreNeverCopied) {
  const std::vector<std::string> nodes = FixtureNodeBytes();
  std::mt19937 rng(7);
  int checked = 0, still_canonical = 0;
  for (size_t n = 0; n < nodes.size(); n += 7) {
    const std::string& b = nodes[n];
    for (int trial = 0; trial < 24; ++trial) {
      std::string m = b;
      const int kind = trial % 4;
      const size_t at = rng() % m.size();
      if (kind == 0) m[at] = char(m[at] ^ (1u << (rng() % 8)));
      else if (kind == 1) m[at] = char(rng());
      else if (kind == 2) m.erase(at, 1);
      else m.insert(at, 1, char(rng()));
      ++checked;
      if (!IsCanonicalAsPython(m, NodeType())) continue;
      ++still_canonical;
      std::string python;
      ASSERT_TRUE(PythonBytes(m, &python)) << "said canonical but does not parse, node " << n << " trial " << trial;
      EXPECT_EQ(python, m) << "node " << n << " trial " << trial;
    }
  }
  EXPECT_GT(checked, 1000);
  EXPECT_GT(still_canonical, 0);  // renamed nodes, other dtypes, ... are still fine
}

TEST(FreezeCanonicalTest, HandMadeNonCanonicalForms) {
  const std::string good = testing::GraphFromText(R"(
    node { name: "n" op: "AddN" input: "a" input: "b"
           attr { key: "T" value { type: DT_FLOAT } } attr { key: "N" value { i: 2 } } })")
                               .node(0)
                               .SerializeAsString();
  std::string python;
  ASSERT_TRUE(PythonBytes(good, &python));
  EXPECT_TRUE(IsCanonicalAsPython(python, NodeType()));
  auto node = [](std::initializer_list<std::string> fields) {
    std::string s;
    for (const auto& f : fields) s += f;
    return s;
  };
  const std::string name = std::string("\x0a\x01n", 3), op = std::string("\x12\x04" "AddN", 6);
  // Explicit empty device: parsing drops it.
  EXPECT_FALSE(IsCanonicalAsPython(node({name, op, std::string("\x22\x00", 2)}), NodeType()));
  // Fields out of order.
  EXPECT_FALSE(IsCanonicalAsPython(node({op, name}), NodeType()));
  // A singular field twice (the last one wins).
  EXPECT_FALSE(IsCanonicalAsPython(node({name, name, op}), NodeType()));
  // A non-minimal length varint.
  EXPECT_FALSE(IsCanonicalAsPython(node({std::string("\x0a\x81\x00n", 4), op}), NodeType()));
  // An unknown field.
  EXPECT_FALSE(IsCanonicalAsPython(node({name, op, std::string("\xf8\x01\x01", 3)}), NodeType()));
  // Attr entries in C++'s order ("N" < "T" bytewise is Python's too; "T" vs "Tshape" is not).
  tensorflow::NodeDef r;
  r.set_name("r");
  r.set_op("Reshape");
  (*r.mutable_attr())["T"].set_type(tensorflow::DT_FLOAT);
  (*r.mutable_attr())["Tshape"].set_type(tensorflow::DT_INT32);
  const std::string cpp = SerializeDeterministic(r);
  std::string py;
  ASSERT_TRUE(PythonBytes(cpp, &py));
  ASSERT_NE(cpp, py);
  EXPECT_FALSE(IsCanonicalAsPython(cpp, NodeType()));
  EXPECT_TRUE(IsCanonicalAsPython(py, NodeType()));
  EXPECT_TRUE(IsCanonicalAsPython(node({name, op}), NodeType()));
}

TEST(SlimGraphFileTest, SlimNodesKeepWhatFreezingReads) {
  for (const char* name : kGraphFiles) {
    SCOPED_TRACE(name);
    const std::string path = kFixtures + "/" + name;
    Result<GraphFile> whole = ParseGraphFile(path, ReadFile(path));
    ParseOptions options;
    options.slim_nodes = true;
    Result<GraphFile> slim = ParseGraphFile(path, ReadFile(path), options);
    ASSERT_TRUE(whole.ok() && slim.ok());
    ASSERT_EQ(whole->meta_graphs.size(), slim->meta_graphs.size());
    for (size_t m = 0; m < whole->meta_graphs.size(); ++m) {
      tensorflow::MetaGraphDef a = whole->meta_graphs[m], b = slim->meta_graphs[m];
      ASSERT_EQ(a.graph_def().node_size(), b.graph_def().node_size());
      for (int i = 0; i < a.graph_def().node_size(); ++i) {
        const tensorflow::NodeDef& w = a.graph_def().node(i);
        const tensorflow::NodeDef& s = b.graph_def().node(i);
        EXPECT_EQ(w.name(), s.name());
        EXPECT_EQ(w.op(), s.op());
        EXPECT_EQ(w.device(), s.device());
        EXPECT_EQ(std::vector<std::string>(w.input().begin(), w.input().end()),
                  std::vector<std::string>(s.input().begin(), s.input().end()));
        for (const char* attr : {"dtype", "shape", "shared_name", "_class", "f", "body", "then_branch"}) {
          auto wa = w.attr().find(attr);
          auto sa = s.attr().find(attr);
          ASSERT_EQ(wa == w.attr().end(), sa == s.attr().end()) << w.name() << " " << attr;
          if (wa != w.attr().end()) {
            EXPECT_EQ(SerializeDeterministic(wa->second), SerializeDeterministic(sa->second));
          }
        }
        // The bytes are the node.
        tensorflow::NodeDef reparsed;
        ASSERT_TRUE(reparsed.ParseFromString(std::string(slim->NodeBytes(int(m), i))));
        EXPECT_EQ(SerializeDeterministic(reparsed), SerializeDeterministic(w));
      }
      // Everything but the nodes is parsed whole.
      a.mutable_graph_def()->clear_node();
      b.mutable_graph_def()->clear_node();
      EXPECT_EQ(SerializeDeterministic(a), SerializeDeterministic(b));
    }
  }
}

TEST(SlimGraphFileTest, DamagedFilesFallBackToTheWholeParse) {
  const std::string path = kFixtures + "/graphs/dense/model.ckpt-3.meta";
  std::string bytes = ReadFile(path);
  bytes.resize(bytes.size() / 2);
  ParseOptions options;
  options.slim_nodes = true;
  Result<GraphFile> slim = ParseGraphFile("model.meta", std::string(bytes), options);
  Result<GraphFile> whole = ParseGraphFile("model.meta", bytes);
  ASSERT_FALSE(slim.ok());
  ASSERT_FALSE(whole.ok());
  EXPECT_EQ(slim.status().message(), whole.status().message());
}

}  // namespace
}  // namespace ckptview::graph
