// DType: TensorFlow's DataType enum values (types.proto), without the proto.
#pragma once

#include <cstdint>
#include <string_view>

namespace ckptview {

enum class DType : int {
  kInvalid = 0, kFloat = 1, kDouble = 2, kInt32 = 3, kUInt8 = 4, kInt16 = 5, kInt8 = 6,
  kString = 7, kComplex64 = 8, kInt64 = 9, kBool = 10, kQInt8 = 11, kQUInt8 = 12,
  kQInt32 = 13, kBFloat16 = 14, kQInt16 = 15, kQUInt16 = 16, kUInt16 = 17,
  kComplex128 = 18, kHalf = 19, kResource = 20, kVariant = 21, kUInt32 = 22, kUInt64 = 23,
  kFloat8E5M2 = 24, kFloat8E4M3FN = 25, kFloat8E4M3FNUZ = 26, kFloat8E4M3B11FNUZ = 27,
  kFloat8E5M2FNUZ = 28, kInt4 = 29, kUInt4 = 30, kInt2 = 31, kUInt2 = 32, kFloat4E2M1FN = 33,
};

// Reference types (DT_FLOAT_REF = 101, ...) map to their base type.
DType BaseType(int tf_dtype_value);
// "float32", "int64", "string", ... (numpy-style names, as TF's Python prints them);
// "dtype(N)" for unknown values.
std::string_view DTypeName(DType t);
// Bytes per element for types stored as raw memory; 0 for string, variant,
// resource and unknown types (which have no fixed element size).
int DTypeSize(DType t);
bool IsKnownDType(int tf_dtype_value);

}  // namespace ckptview
