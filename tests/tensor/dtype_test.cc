#include "tensor/dtype.h"

#include <gtest/gtest.h>

#include <string>

namespace ckptview {
namespace {

TEST(DTypeTest, NamesMatchTensorFlowPython) {
  // tf.as_dtype(v).name for v = 1..33 (TF 2.21).
  const char* kNames[] = {"float32", "float64", "int32", "uint8", "int16", "int8", "string",
                          "complex64", "int64", "bool", "qint8", "quint8", "qint32", "bfloat16",
                          "qint16", "quint16", "uint16", "complex128", "float16", "resource",
                          "variant", "uint32", "uint64", "float8_e5m2", "float8_e4m3fn",
                          "float8_e4m3fnuz", "float8_e4m3b11fnuz", "float8_e5m2fnuz", "int4",
                          "uint4", "int2", "uint2", "float4_e2m1fn"};
  for (int v = 1; v <= 33; ++v) EXPECT_EQ(DTypeName(static_cast<DType>(v)), kNames[v - 1]) << v;
}

TEST(DTypeTest, ReferenceAndUnknownNames) {
  EXPECT_EQ(DTypeName(static_cast<DType>(101)), "float32_ref");
  EXPECT_EQ(DTypeName(static_cast<DType>(133)), "float4_e2m1fn_ref");
  EXPECT_EQ(DTypeName(DType::kInvalid), "invalid");
  EXPECT_EQ(DTypeName(static_cast<DType>(57)), "dtype(57)");
  EXPECT_EQ(DTypeName(static_cast<DType>(-3)), "dtype(-3)");
  EXPECT_EQ(DTypeName(static_cast<DType>(100)), "dtype(100)");
  // Interned: the same view every time, still valid after other lookups.
  std::string_view a = DTypeName(static_cast<DType>(1000));
  for (int v = 2000; v < 2100; ++v) DTypeName(static_cast<DType>(v));
  EXPECT_EQ(a, "dtype(1000)");
  EXPECT_EQ(a.data(), DTypeName(static_cast<DType>(1000)).data());
}

TEST(DTypeTest, BaseTypeStripsReferences) {
  EXPECT_EQ(BaseType(101), DType::kFloat);
  EXPECT_EQ(BaseType(109), DType::kInt64);
  EXPECT_EQ(BaseType(133), DType::kFloat4E2M1FN);
  EXPECT_EQ(BaseType(1), DType::kFloat);
  EXPECT_EQ(BaseType(0), DType::kInvalid);
  EXPECT_EQ(static_cast<int>(BaseType(100)), 100);  // not a reference type
  EXPECT_EQ(static_cast<int>(BaseType(134)), 134);
  EXPECT_EQ(static_cast<int>(BaseType(-1)), -1);
}

TEST(DTypeTest, Sizes) {
  EXPECT_EQ(DTypeSize(DType::kFloat), 4);
  EXPECT_EQ(DTypeSize(DType::kDouble), 8);
  EXPECT_EQ(DTypeSize(DType::kComplex64), 8);
  EXPECT_EQ(DTypeSize(DType::kComplex128), 16);
  EXPECT_EQ(DTypeSize(DType::kBool), 1);
  EXPECT_EQ(DTypeSize(DType::kHalf), 2);
  EXPECT_EQ(DTypeSize(DType::kBFloat16), 2);
  EXPECT_EQ(DTypeSize(DType::kQInt32), 4);
  EXPECT_EQ(DTypeSize(DType::kQUInt16), 2);
  EXPECT_EQ(DTypeSize(DType::kUInt64), 8);
  EXPECT_EQ(DTypeSize(DType::kFloat8E4M3FN), 1);
  EXPECT_EQ(DTypeSize(DType::kInt4), 1);
  EXPECT_EQ(DTypeSize(DType::kFloat4E2M1FN), 1);
  EXPECT_EQ(DTypeSize(DType::kString), 0);
  EXPECT_EQ(DTypeSize(DType::kResource), 0);
  EXPECT_EQ(DTypeSize(DType::kVariant), 0);
  EXPECT_EQ(DTypeSize(DType::kInvalid), 0);
  EXPECT_EQ(DTypeSize(static_cast<DType>(101)), 0);
  EXPECT_EQ(DTypeSize(static_cast<DType>(77)), 0);
}

TEST(DTypeTest, Known) {
  EXPECT_FALSE(IsKnownDType(0));
  for (int v = 1; v <= 33; ++v) EXPECT_TRUE(IsKnownDType(v)) << v;
  EXPECT_FALSE(IsKnownDType(34));
  EXPECT_FALSE(IsKnownDType(101));  // map references with BaseType first
  EXPECT_FALSE(IsKnownDType(-1));
}

}  // namespace
}  // namespace ckptview
