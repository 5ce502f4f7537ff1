#include "graph/python_order.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <gtest/gtest.h>

#include "base/coding.h"
#include "function.pb.h"
#include "graph/wire.h"
#include "graph_test_util.h"
#include "node_def.pb.h"

namespace ckptview::graph {
namespace {

// Map keys in the order they appear in serialized bytes (entries of field
// `field` at the top level; keys are field 1 of each entry).
std::vector<std::string> StringKeys(const std::string& bytes, int field) {
  std::vector<std::string> keys;
  std::vector<wire::FieldInfo> fields;
  EXPECT_TRUE(wire::ScanFields(bytes, &fields).ok());
  for (const auto& f : fields) {
    if (f.number != field) continue;
    const size_t start = f.offset + wire::TagSize(f.number) + wire::VarintSize(f.size);
    std::string entry = bytes.substr(start, f.size);
    std::vector<wire::FieldInfo> sub;
    EXPECT_TRUE(wire::ScanFields(entry, &sub).ok());
    for (const auto& s : sub)
      if (s.number == 1) keys.push_back(entry.substr(s.offset + wire::TagSize(1) + wire::VarintSize(s.size), s.size));
  }
  return keys;
}

TEST(PythonOrderTest, StringKeysPutLongerKeysBeforeTheirPrefixes) {
  // Order observed from TF 2.21's Python protobuf (upb), deterministic=True:
  // ['Taxis','Tidx','Tshape','T','_output_shapes','ab','a','b','dtype','value'].
  tensorflow::NodeDef n;
  n.set_name("n");
  for (const char* k : {"T", "Tshape", "_output_shapes", "a", "ab", "b", "dtype", "value", "Tidx", "Taxis"})
    (*n.mutable_attr())[k].set_i(1);
  std::string cpp;
  {
    google::protobuf::io::StringOutputStream s(&cpp);
    google::protobuf::io::CodedOutputStream c(&s);
    c.SetSerializationDeterministic(true);
    n.SerializeToCodedStream(&c);
  }
  EXPECT_EQ(StringKeys(cpp, 5), (std::vector<std::string>{"T", "Taxis", "Tidx", "Tshape", "_output_shapes", "a",
                                                          "ab", "b", "dtype", "value"}));  // C++'s order
  std::string py;
  ASSERT_TRUE(ReorderMapsAsPython(cpp, *TensorflowMessage("NodeDef"), &py).ok());
  EXPECT_EQ(StringKeys(py, 5), (std::vector<std::string>{"Taxis", "Tidx", "Tshape", "T", "_output_shapes", "ab",
                                                         "a", "b", "dtype", "value"}));
  tensorflow::NodeDef back;
  ASSERT_TRUE(back.ParseFromString(py));
  EXPECT_EQ(back.attr_size(), 10);
}

TEST(PythonOrderTest, IntegerKeysDescendAndNestedMapsAreReordered) {
  tensorflow::FunctionDef f;
  f.mutable_signature()->set_name("f");
  for (uint32_t k : {10u, 2u, 1u, 300u, 0u}) (*(*f.mutable_arg_attr())[k].mutable_attr())["x"].set_i(k);
  // A NodeDef inside the function with a func attr carrying its own attr map.
  tensorflow::NodeDef* n = f.add_node_def();
  n->set_name("call");
  auto* func = (*n->mutable_attr())["f"].mutable_func();
  func->set_name("g");
  (*func->mutable_attr())["T"].set_i(1);
  (*func->mutable_attr())["Tout"].set_i(2);
  (*n->mutable_attr())["Tin"].set_i(3);
  (*n->mutable_attr())["T"].set_i(4);
  std::string cpp = f.SerializeAsString(), py;
  ASSERT_TRUE(ReorderMapsAsPython(cpp, *TensorflowMessage("FunctionDef"), &py).ok());
  ASSERT_EQ(py.size(), cpp.size());
  // arg_attr (field 7) keys, read back in order.
  std::vector<uint64_t> keys;
  std::vector<wire::FieldInfo> fields;
  ASSERT_TRUE(wire::ScanFields(py, &fields).ok());
  for (const auto& fi : fields) {
    if (fi.number != 7) continue;
    ByteView entry = ByteView(py).substr(fi.offset + wire::TagSize(7) + wire::VarintSize(fi.size), fi.size);
    entry.remove_prefix(1);  // key tag
    uint64_t k;
    ASSERT_TRUE(GetVarint64(&entry, &k));
    keys.push_back(k);
  }
  EXPECT_EQ(keys, (std::vector<uint64_t>{300, 10, 2, 1, 0}));
  tensorflow::FunctionDef back;
  ASSERT_TRUE(back.ParseFromString(py));
  // (`cpp` was not serialized deterministically: the reorder sorts whatever
  // order it gets.) Node level: "Tin" before "T".
  const std::string kT("\x0a\x01T\x12", 4), kTin("\x0a\x03Tin", 5), kTout("\x0a\x04Tout", 6);
  EXPECT_LT(py.find(kTin), py.find(kT));
  // Inside the func attr's NameAttrList: "Tout" then "T".
  EXPECT_NE(py.find(kT, py.find(kTout)), std::string::npos);
}

TEST(PythonOrderTest, MalformedInputIsAnError) {
  std::string out;
  EXPECT_FALSE(ReorderMapsAsPython(std::string("\x2a\x05\x0a", 3), *TensorflowMessage("NodeDef"), &out).ok());
}

}  // namespace
}  // namespace ckptview::graph
