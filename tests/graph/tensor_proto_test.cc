#include "graph/tensor_proto.h"

#include <gtest/gtest.h>

#include <cstring>

#include "graph_test_util.h"

namespace ckptview::graph {
namespace {

using testing::FloatTensor;
using testing::MakeTensor;
using testing::StringTensor;

std::string Hex(const std::string& s) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(d[c >> 4]);
    out.push_back(d[c & 15]);
  }
  return out;
}

struct Case {
  const char* name;
  Tensor tensor;
  const char* python_hex;  // tensor_util.make_tensor_proto(...).SerializeToString() in TF 2.21
};

std::vector<Case> Cases() {
  uint16_t half_one = 0x3c00, half_two = 0x4000, bf16_one = 0x3f80;
  return {
      {"float scalar", FloatTensor({}, {1.5f}), "080112002a040000c03f"},
      {"float [1]", FloatTensor({1}, {2.0f}), "08011204120208012a0400000040"},
      {"float [2]", FloatTensor({2}, {1.0f, -2.0f}), "080112041202080222080000803f000000c0"},
      {"int32 scalar -1", MakeTensor<int32_t>(DType::kInt32, {}, {-1}), "080312003a0affffffffffffffffff01"},
      {"int64 scalar 300", MakeTensor<int64_t>(DType::kInt64, {}, {300}), "080912005202ac02"},
      {"uint16 [2]", MakeTensor<uint16_t>(DType::kUInt16, {2}, {1, 65535}), "08111204120208023a0401ffff03"},
      {"int8 [3]", MakeTensor<int8_t>(DType::kInt8, {3}, {-1, 0, 5}), "08061204120208032203ff0005"},
      {"bool [3]", MakeTensor<uint8_t>(DType::kBool, {3}, {1, 0, 1}), "080a1204120208035a03010001"},
      {"half scalar", MakeTensor<uint16_t>(DType::kHalf, {}, {half_one}), "081312006a028078"},
      {"half [2]", MakeTensor<uint16_t>(DType::kHalf, {2}, {half_one, half_two}), "08131204120208022204003c0040"},
      {"bfloat16 scalar", MakeTensor<uint16_t>(DType::kBFloat16, {}, {bf16_one}), "080e12006a02807f"},
      {"complex64 [1]", MakeTensor<float>(DType::kComplex64, {1}, {1.f, 2.f}), "08081204120208014a080000803f00000040"},
      {"uint32 scalar", MakeTensor<uint32_t>(DType::kUInt32, {}, {7}), "0816120082010107"},
      {"uint64 [2]", MakeTensor<uint64_t>(DType::kUInt64, {2}, {7, 8}),
       "0817120412020802221007000000000000000800000000000000"},
      {"double [0]", MakeTensor<double>(DType::kDouble, {0}, {}), "080212021200"},
      {"float [2,0]", FloatTensor({2, 0}, {}), "08011206120208021200"},
      {"string [2]", StringTensor({2}, {"ab", ""}), "0807120412020802420261624200"},
  };
}

TEST(TensorProtoTest, EncodingMatchesMakeTensorProto) {
  for (const Case& c : Cases()) {
    Result<std::string> hand = EncodeTensorProto(c.tensor);
    ASSERT_TRUE(hand.ok()) << c.name << ": " << hand.status().message();
    EXPECT_EQ(Hex(*hand), c.python_hex) << c.name;
    Result<tensorflow::TensorProto> api = MakeTensorProto(c.tensor);
    ASSERT_TRUE(api.ok()) << c.name;
    EXPECT_EQ(Hex(api->SerializeAsString()), c.python_hex) << c.name << " (protobuf API)";
  }
}

TEST(TensorProtoTest, SizeBoundIsExactExceptForVarints) {
  for (const Case& c : Cases()) {
    Result<std::string> hand = EncodeTensorProto(c.tensor);
    ASSERT_TRUE(hand.ok());
    uint64_t stored = c.tensor.bytes.size();
    if (c.tensor.dtype == DType::kString) {
      stored = 4;  // length checksum
      for (const auto& s : c.tensor.strings) stored += 1 + s.size();
    }
    bool exact = false;
    const uint64_t bound = TensorProtoSizeBound(c.tensor.dtype, c.tensor.shape, stored, &exact);
    if (exact) {
      EXPECT_EQ(bound, hand->size()) << c.name;
    } else {
      EXPECT_GE(bound, hand->size()) << c.name;
    }
  }
}

TEST(TensorProtoTest, HeadSplitsContentForStreaming) {
  Tensor t = FloatTensor({2, 2}, {1, 2, 3, 4});
  Result<TensorProtoHead> head = EncodeTensorProtoHead(t);
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->content_size, 16u);
  EXPECT_EQ(head->head + t.bytes, *EncodeTensorProto(t));
  Result<TensorProtoHead> scalar = EncodeTensorProtoHead(FloatTensor({}, {1}));
  ASSERT_TRUE(scalar.ok());
  EXPECT_EQ(scalar->content_size, 0u);
}

TEST(TensorProtoTest, DecodesBothLayoutsAndTheFillRule) {
  for (const Case& c : Cases()) {
    Result<tensorflow::TensorProto> p = MakeTensorProto(c.tensor);
    ASSERT_TRUE(p.ok());
    Result<Tensor> back = TensorFromProto(*p);
    ASSERT_TRUE(back.ok()) << c.name << ": " << back.status().message();
    EXPECT_EQ(back->dtype, c.tensor.dtype) << c.name;
    EXPECT_EQ(back->shape, c.tensor.shape) << c.name;
    EXPECT_EQ(back->bytes, c.tensor.bytes) << c.name;
    EXPECT_EQ(back->strings, c.tensor.strings) << c.name;
  }
  // One value fills the tensor; none means zeros.
  tensorflow::TensorProto p;
  p.set_dtype(tensorflow::DT_INT32);
  p.mutable_tensor_shape()->add_dim()->set_size(3);
  p.add_int_val(7);
  Result<Tensor> filled = TensorFromProto(p);
  ASSERT_TRUE(filled.ok());
  EXPECT_EQ(filled->bytes, MakeTensor<int32_t>(DType::kInt32, {3}, {7, 7, 7}).bytes);
  p.clear_int_val();
  Result<Tensor> zeros = TensorFromProto(p);
  ASSERT_TRUE(zeros.ok());
  EXPECT_EQ(zeros->bytes, std::string(12, '\0'));
}

TEST(TensorProtoTest, BadProtosAreErrors) {
  tensorflow::TensorProto p;
  p.set_dtype(tensorflow::DT_FLOAT);
  p.mutable_tensor_shape()->add_dim()->set_size(3);
  p.set_tensor_content(std::string(8, '\0'));
  Result<Tensor> t = TensorFromProto(p);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("tensor_content has 8 bytes, expected 12"), std::string::npos)
      << t.status().message();
  p.clear_tensor_content();
  p.mutable_tensor_shape()->mutable_dim(0)->set_size(-1);
  EXPECT_FALSE(TensorFromProto(p).ok());
  p.set_dtype(tensorflow::DataType(99));
  EXPECT_FALSE(TensorFromProto(p).ok());
  Tensor resource;
  resource.dtype = DType::kResource;
  EXPECT_FALSE(EncodeTensorProto(resource).ok());
}

}  // namespace
}  // namespace ckptview::graph
