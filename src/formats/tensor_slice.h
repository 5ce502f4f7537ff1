// Tensor slices: the pieces a partitioned variable is saved in (V2 bundles,
// FORMATS.md 3.5) and every V1 record (section 4), their OrderedCode keys,
// and assembling slices into the full tensor.
//
// Slice key (EncodeTensorNameSlice, tensorflow/core/util/saved_tensor_slice_util.cc):
//   NumIncreasing(0)  String(name)  NumIncreasing(rank)
//   { SignedNumIncreasing(start) SignedNumIncreasing(length) } per dim
// with OrderedCode (tensorflow/core/lib/strings/ordered_code.cc):
//   NumIncreasing(v)       = 1 length byte n (0..8), then v in n big-endian bytes
//   String(s)              = s with 00 -> 00 ff and ff -> ff 00, then 00 01
//   SignedNumIncreasing(v) = 1..10 bytes; header bits in the first bytes give
//                            the length, the rest is v in two's complement.
// A full dim (start 0, length -1 = kFullExtent) encodes as 80 7f.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/byte_view.h"
#include "base/status.h"
#include "tensor/tensor.h"

namespace tensorflow {
class TensorSliceProto;
}

namespace ckptview::formats {

// ---- OrderedCode (only the pieces slice keys use) -------------------------
void WriteNumIncreasing(std::string* dst, uint64_t v);
void WriteString(std::string* dst, std::string_view s);
void WriteSignedNumIncreasing(std::string* dst, int64_t v);
bool ReadNumIncreasing(ByteView* src, uint64_t* v);
bool ReadString(ByteView* src, std::string* s);
bool ReadSignedNumIncreasing(ByteView* src, int64_t* v);

// ---- TensorSlice ---------------------------------------------------------
inline constexpr int64_t kFullExtent = -1;

struct SliceExtent {
  int64_t start = 0;
  int64_t length = kFullExtent;  // kFullExtent: the whole dim (start is 0)
  bool full() const { return length == kFullExtent; }
  bool operator==(const SliceExtent& o) const { return start == o.start && length == o.length; }
};

struct TensorSlice {
  std::vector<SliceExtent> extents;  // one per dim
  // A slice of rank `rank` covering everything.
  static TensorSlice Full(size_t rank) { return {std::vector<SliceExtent>(rank)}; }
  bool IsFull() const;  // every extent full
  bool operator==(const TensorSlice& o) const { return extents == o.extents; }
  std::string DebugString() const;  // TF's form: "-" full dims, "start,length", ':'-joined
};

// TensorSlice::BuildTensorSlice: start >= 0 and length > 0 unless the extent
// is full; start + length must not overflow.
Result<TensorSlice> SliceFromProto(const tensorflow::TensorSliceProto& proto);

// The shape of `slice` within `full_shape` (checks rank and bounds).
Result<Shape> SliceShape(const TensorSlice& slice, const Shape& full_shape);

std::string EncodeTensorNameSlice(std::string_view name, const TensorSlice& slice);
// As TF: rejects a leading number other than 0 and rank 0 (scalar keys are
// written but never decoded by TF).
Status DecodeTensorNameSlice(std::string_view code, std::string* name, TensorSlice* slice);

// ---- Assembly --------------------------------------------------------------

// Checks that `slices` lie inside `full_shape`, do not overlap and together
// cover every element exactly once (TF's RegisterTensorSlice + QueryMeta).
// `what` names the tensor in errors.
Status CheckSlicesCoverTensor(const std::string& what, const Shape& full_shape,
                              const std::vector<TensorSlice>& slices);

// Calls `run(src_index, dst_index, count)` for every contiguous run of
// elements of `slice` (row-major within the slice) placed into the row-major
// full tensor of `full_shape`. The slice must lie inside the shape.
void ForEachSliceRun(const Shape& full_shape, const TensorSlice& slice,
                     const std::function<void(int64_t src, int64_t dst, int64_t count)>& run);

// Copies a slice's elements into the full tensor `dst` (same dtype; byte
// tensors need `dst->bytes` sized, string-like ones `dst->strings`).
void CopySliceIntoTensor(const Shape& full_shape, const TensorSlice& slice, Tensor&& slice_value,
                         Tensor* dst);

}  // namespace ckptview::formats
