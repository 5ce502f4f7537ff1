#include "tensor/dtype.h"

#include <map>
#include <mutex>
#include <string>

namespace ckptview {
namespace {

constexpr int kFirstDType = 1;
constexpr int kLastDType = static_cast<int>(DType::kFloat4E2M1FN);
constexpr int kRefOffset = 100;  // DT_FLOAT_REF = DT_FLOAT + 100 (types.proto)

struct DTypeFacts {
  const char* name;     // tf.as_dtype(v).name
  const char* ref_name; // the reference type's name
  int size;             // bytes per element, 0 = no fixed size
};

// Indexed by enum value. Sizes follow TF's DataTypeSize(): the 4- and 2-bit
// integer types and float4 take one byte per element in memory (ml_dtypes),
// and checkpoints store that memory as is.
constexpr DTypeFacts kFacts[] = {
    {"invalid", "invalid_ref", 0},                       // 0
    {"float32", "float32_ref", 4},                       // 1
    {"float64", "float64_ref", 8},                       // 2
    {"int32", "int32_ref", 4},                           // 3
    {"uint8", "uint8_ref", 1},                           // 4
    {"int16", "int16_ref", 2},                           // 5
    {"int8", "int8_ref", 1},                             // 6
    {"string", "string_ref", 0},                         // 7
    {"complex64", "complex64_ref", 8},                   // 8
    {"int64", "int64_ref", 8},                           // 9
    {"bool", "bool_ref", 1},                             // 10
    {"qint8", "qint8_ref", 1},                           // 11
    {"quint8", "quint8_ref", 1},                         // 12
    {"qint32", "qint32_ref", 4},                         // 13
    {"bfloat16", "bfloat16_ref", 2},                     // 14
    {"qint16", "qint16_ref", 2},                         // 15
    {"quint16", "quint16_ref", 2},                       // 16
    {"uint16", "uint16_ref", 2},                         // 17
    {"complex128", "complex128_ref", 16},                // 18
    {"float16", "float16_ref", 2},                       // 19
    {"resource", "resource_ref", 0},                     // 20
    {"variant", "variant_ref", 0},                       // 21
    {"uint32", "uint32_ref", 4},                         // 22
    {"uint64", "uint64_ref", 8},                         // 23
    {"float8_e5m2", "float8_e5m2_ref", 1},               // 24
    {"float8_e4m3fn", "float8_e4m3fn_ref", 1},           // 25
    {"float8_e4m3fnuz", "float8_e4m3fnuz_ref", 1},       // 26
    {"float8_e4m3b11fnuz", "float8_e4m3b11fnuz_ref", 1}, // 27
    {"float8_e5m2fnuz", "float8_e5m2fnuz_ref", 1},       // 28
    {"int4", "int4_ref", 1},                             // 29
    {"uint4", "uint4_ref", 1},                           // 30
    {"int2", "int2_ref", 1},                             // 31
    {"uint2", "uint2_ref", 1},                           // 32
    {"float4_e2m1fn", "float4_e2m1fn_ref", 1},           // 33
};
static_assert(sizeof(kFacts) / sizeof(kFacts[0]) == kLastDType + 1, "one row per DType");

// Names of values outside the enum ("dtype(57)"), interned so that the
// returned string_view stays valid for the life of the program.
std::string_view UnknownName(int v) {
  static std::mutex mu;
  static std::map<int, std::string>* names = new std::map<int, std::string>();
  std::lock_guard<std::mutex> lock(mu);
  auto it = names->find(v);
  if (it == names->end()) it = names->emplace(v, "dtype(" + std::to_string(v) + ")").first;
  return it->second;
}

}  // namespace

DType BaseType(int tf_dtype_value) {
  if (tf_dtype_value > kRefOffset && tf_dtype_value <= kRefOffset + kLastDType)
    return static_cast<DType>(tf_dtype_value - kRefOffset);
  return static_cast<DType>(tf_dtype_value);
}

std::string_view DTypeName(DType t) {
  int v = static_cast<int>(t);
  if (v >= 0 && v <= kLastDType) return kFacts[v].name;
  // Reference types print as TF's Python does ("float32_ref").
  if (v > kRefOffset && v <= kRefOffset + kLastDType) return kFacts[v - kRefOffset].ref_name;
  return UnknownName(v);
}

int DTypeSize(DType t) {
  int v = static_cast<int>(t);
  if (v < kFirstDType || v > kLastDType) return 0;
  return kFacts[v].size;
}

// Reference types are not element types of stored tensors: map them with
// BaseType() first where they may legitimately appear (graph attributes).
bool IsKnownDType(int tf_dtype_value) {
  return tf_dtype_value >= kFirstDType && tf_dtype_value <= kLastDType;
}

}  // namespace ckptview
