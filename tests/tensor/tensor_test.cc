#include "tensor/tensor.h"

#include <gtest/gtest.h>

#include <limits>

namespace ckptview {
namespace {

TEST(TensorTest, NumElements) {
  EXPECT_EQ(NumElements({}), 1);
  EXPECT_EQ(NumElements({0}), 0);
  EXPECT_EQ(NumElements({2, 3}), 6);
  EXPECT_EQ(NumElements({1, 1, 1, 7}), 7);
  EXPECT_EQ(NumElements({-1}), -1);
  EXPECT_EQ(NumElements({3, -2}), -1);
  EXPECT_EQ(NumElements({0, -2}), -1);
  const int64_t kMax = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(NumElements({kMax}), kMax);
  EXPECT_EQ(NumElements({kMax, 1}), kMax);
  EXPECT_EQ(NumElements({kMax, 2}), -1);
  EXPECT_EQ(NumElements({int64_t(1) << 32, int64_t(1) << 31}), -1);  // 2^63
  EXPECT_EQ(NumElements({int64_t(1) << 31, int64_t(1) << 31}), int64_t(1) << 62);
  EXPECT_EQ(NumElements({kMax, kMax, 0}), 0);  // a zero dim wins over overflow
}

TEST(TensorTest, ShapeString) {
  EXPECT_EQ(ShapeString({}), "[]");
  EXPECT_EQ(ShapeString({2, 3}), "[2,3]");
  EXPECT_EQ(ShapeString({0}), "[0]");
  EXPECT_EQ(ShapeString({-1, 5}), "[-1,5]");
}

TEST(TensorTest, StringLike) {
  Tensor t;
  t.dtype = DType::kString;
  EXPECT_TRUE(t.is_string_like());
  t.dtype = DType::kVariant;
  EXPECT_TRUE(t.is_string_like());
  t.dtype = DType::kFloat;
  EXPECT_FALSE(t.is_string_like());
  t.shape = {4, 5};
  EXPECT_EQ(t.num_elements(), 20);
}

}  // namespace
}  // namespace ckptview
