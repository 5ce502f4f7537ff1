// TensorProto <-> Tensor, the way TensorFlow does it.
//
// Reading (Tensor::FromProto, tensorflow/core/framework/tensor.cc): a
// non-empty tensor_content wins; otherwise the typed *_val field, where fewer
// values than elements means "repeat the last one" and none means zeros.
//
// Writing (make_tensor_proto, tensorflow/python/framework/tensor_util.py, the
// function freeze_graph uses for every frozen variable): dtype, shape (always
// present, `12 00` for a scalar), then
//   - tensor_content = raw little-endian bytes when the tensor has more than
//     one element and its dtype is in kTensorContentTypes below;
//   - else the typed field: float_val, double_val, int_val (int8/16/32,
//     uint8/16, quantized, int4/uint4/int2/uint2), int64_val, uint32_val,
//     uint64_val, bool_val, scomplex_val, dcomplex_val, half_val (half and
//     bfloat16 bit patterns), float8_val (float8/float4 bytes), string_val.
// FORMATS.md section 6.4.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"
#include "tensor/tensor.h"
#include "tensor.pb.h"

namespace ckptview::graph {

// Decodes a TensorProto (a Const's value, a signature default) into a Tensor.
// Errors say what is inconsistent (content size, unknown dtype, bad shape).
Result<Tensor> TensorFromProto(const tensorflow::TensorProto& proto);

// Serialized TensorShapeProto of a concrete shape (dims with size 0 are empty Dim messages).
std::string EncodeTensorShape(const Shape& shape);

// True when make_tensor_proto stores a value of this dtype and element count
// as tensor_content (raw bytes) rather than in a typed field.
bool UsesTensorContent(DType dtype, int64_t num_elements);

// The serialized TensorProto that make_tensor_proto writes for `tensor`, split
// so the raw content can be streamed: `head` holds dtype, shape and either the
// typed field (then `content_size` is 0) or the tensor_content tag and length
// (then the next `content_size` bytes are the tensor's raw bytes).
struct TensorProtoHead {
  std::string head;
  uint64_t content_size = 0;
  uint64_t total_size() const { return head.size() + content_size; }
};
Result<TensorProtoHead> EncodeTensorProtoHead(const Tensor& tensor);

// Size of that TensorProto computed from the checkpoint's metadata alone.
// Exact except for typed varint fields (int_val, int64_val, uint*_val,
// half_val), whose size depends on the values: then an upper bound, and
// `*exact` (if given) is set to false. `stored_bytes` is the entry's size in
// the checkpoint (used for string tensors: lengths are varints either way).
uint64_t TensorProtoSizeBound(DType dtype, const Shape& shape, uint64_t stored_bytes,
                              bool* exact = nullptr);

// The whole TensorProto, serialized (small tensors; tests).
Result<std::string> EncodeTensorProto(const Tensor& tensor);

// The same TensorProto built through the protobuf API instead of by hand
// (FreezeInMemory; tests compare both).
Result<tensorflow::TensorProto> MakeTensorProto(const Tensor& tensor);

}  // namespace ckptview::graph
