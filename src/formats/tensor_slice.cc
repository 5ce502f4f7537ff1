#include "formats/tensor_slice.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "tensor_slice.pb.h"

namespace ckptview::formats {

// ---- OrderedCode -----------------------------------------------------------
// Port of the encodings tensorflow/core/lib/strings/ordered_code.cc uses for
// slice keys; the byte layouts are in FORMATS.md 3.5.

namespace {

// Header bits of a SignedNumIncreasing encoding of `len` bytes (first two bytes).
constexpr uint8_t kLengthToHeaderBits[11][2] = {
    {0, 0},    {0x80, 0}, {0xc0, 0}, {0xe0, 0},    {0xf0, 0},   {0xf8, 0},
    {0xfc, 0}, {0xfe, 0}, {0xff, 0}, {0xff, 0x80}, {0xff, 0xc0}};
// The same header bits as they land in the low 8 bytes of a decoded value.
constexpr uint64_t kLengthToMask[11] = {0,
                                        0x80ull,
                                        0xc000ull,
                                        0xe00000ull,
                                        0xf0000000ull,
                                        0xf800000000ull,
                                        0xfc0000000000ull,
                                        0xfe000000000000ull,
                                        0xff00000000000000ull,
                                        0x8000000000000000ull,
                                        0};

int BitLength(uint64_t x) { return x == 0 ? 0 : 64 - __builtin_clzll(x); }

// Bytes needed for a non-negative magnitude x: each byte gives 7 bits, the
// first also holds the sign; 1 byte up to 6 bits.
int SignedEncodingLength(uint64_t x) { return BitLength(x) / 7 + 1; }

uint64_t LoadBigEndian64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

}  // namespace

void WriteNumIncreasing(std::string* dst, uint64_t v) {
  uint8_t buf[9];
  int n = 0;
  for (uint64_t x = v; x != 0; x >>= 8) ++n;
  buf[0] = uint8_t(n);
  for (int i = 0; i < n; ++i) buf[n - i] = uint8_t(v >> (8 * i));
  dst->append(reinterpret_cast<char*>(buf), size_t(n) + 1);
}

void WriteString(std::string* dst, std::string_view s) {
  for (char c : s) {
    if (c == '\x00') {
      dst->append("\x00\xff", 2);
    } else if (c == '\xff') {
      dst->append("\xff\x00", 2);
    } else {
      dst->push_back(c);
    }
  }
  dst->append("\x00\x01", 2);
}

void WriteSignedNumIncreasing(std::string* dst, int64_t v) {
  const uint64_t x = v < 0 ? ~uint64_t(v) : uint64_t(v);
  if (x < 64) {
    dst->push_back(char(0x80 ^ uint8_t(v)));
    return;
  }
  // v as 10 big-endian bytes, sign-extended; keep the last `len`.
  uint8_t buf[10];
  const uint8_t sign = v < 0 ? 0xff : 0x00;
  buf[0] = buf[1] = sign;
  for (int i = 0; i < 8; ++i) buf[2 + i] = uint8_t(uint64_t(v) >> (56 - 8 * i));
  const int len = SignedEncodingLength(x);
  uint8_t* begin = buf + 10 - len;
  begin[0] ^= kLengthToHeaderBits[len][0];
  begin[1] ^= kLengthToHeaderBits[len][1];
  dst->append(reinterpret_cast<char*>(begin), size_t(len));
}

bool ReadNumIncreasing(ByteView* src, uint64_t* v) {
  if (src->empty()) return false;
  const size_t len = (*src)[0];
  if (len > 8 || len + 1 > src->size()) return false;
  uint64_t x = 0;
  for (size_t i = 0; i < len; ++i) x = (x << 8) | (*src)[1 + i];
  *v = x;
  src->remove_prefix(len + 1);
  return true;
}

bool ReadString(ByteView* src, std::string* s) {
  s->clear();
  size_t i = 0;
  while (i < src->size()) {
    const uint8_t c = (*src)[i];
    if (c != 0x00 && c != 0xff) {
      s->push_back(char(c));
      ++i;
      continue;
    }
    if (i + 1 >= src->size()) return false;
    const uint8_t d = (*src)[i + 1];
    if (c == 0x00 && d == 0x01) {  // terminator
      src->remove_prefix(i + 2);
      return true;
    }
    if (c == 0x00 && d == 0xff) {
      s->push_back('\x00');
    } else if (c == 0xff && d == 0x00) {
      s->push_back('\xff');
    } else {
      return false;
    }
    i += 2;
  }
  return false;
}

bool ReadSignedNumIncreasing(ByteView* src, int64_t* v) {
  if (src->empty()) return false;
  const uint64_t xor_mask = ((*src)[0] & 0x80) ? 0 : ~uint64_t{0};
  const uint8_t first = (*src)[0] ^ uint8_t(xor_mask);
  size_t len;
  uint64_t x;
  if (first != 0xff) {
    len = size_t(7 - (BitLength(uint8_t(first ^ 0xff)) - 1));
    if (src->size() < len) return false;
    x = xor_mask;  // sign extension
    for (size_t i = 0; i < len; ++i) x = (x << 8) | (*src)[i];
  } else {
    len = 8;
    if (src->size() < len) return false;
    const uint8_t second = (*src)[1] ^ uint8_t(xor_mask);
    if (second >= 0x80) {
      if (second < 0xc0) {
        len = 9;
      } else {
        if (src->size() < 3) return false;
        const uint8_t third = (*src)[2] ^ uint8_t(xor_mask);
        if (second == 0xc0 && third < 0x80) {
          len = 10;
        } else {
          return false;  // longer than 10 bytes, or more than 63 bits
        }
      }
      if (src->size() < len) return false;
    }
    x = LoadBigEndian64(src->data() + len - 8);
  }
  x ^= kLengthToMask[len];
  *v = int64_t(x);
  src->remove_prefix(len);
  return true;
}

// ---- TensorSlice -----------------------------------------------------------

bool TensorSlice::IsFull() const {
  for (const auto& e : extents)
    if (!e.full()) return false;
  return true;
}

std::string TensorSlice::DebugString() const {
  std::string out;
  for (size_t i = 0; i < extents.size(); ++i) {
    if (i) out += ':';
    if (extents[i].full()) {
      out += '-';
    } else {
      out += std::to_string(extents[i].start) + "," + std::to_string(extents[i].length);
    }
  }
  return out;
}

Result<TensorSlice> SliceFromProto(const tensorflow::TensorSliceProto& proto) {
  TensorSlice s;
  s.extents.reserve(proto.extent_size());
  for (const auto& e : proto.extent()) {
    SliceExtent x;
    x.start = e.start();
    x.length = e.has_length_case() == tensorflow::TensorSliceProto::Extent::kLength ? e.length()
                                                                                  : kFullExtent;
    if (x.start != 0 || x.length != kFullExtent) {
      if (x.start < 0 || x.length <= 0) {
        return Status::Error("bad tensor slice extent (start " + std::to_string(x.start) +
                             ", length " + std::to_string(x.length) + ")");
      }
      if (x.start > std::numeric_limits<int64_t>::max() - x.length) {
        return Status::Error("bad tensor slice extent (start + length overflows)");
      }
    }
    s.extents.push_back(x);
  }
  return s;
}

Result<Shape> SliceShape(const TensorSlice& slice, const Shape& full_shape) {
  if (slice.extents.size() != full_shape.size()) {
    return Status::Error("slice " + slice.DebugString() + " has rank " +
                         std::to_string(slice.extents.size()) + " but the tensor has shape " +
                         ShapeString(full_shape));
  }
  Shape out(full_shape.size());
  for (size_t d = 0; d < full_shape.size(); ++d) {
    const SliceExtent& e = slice.extents[d];
    if (e.full()) {
      out[d] = full_shape[d];
      continue;
    }
    if (e.start < 0 || e.length < 0 || e.start > full_shape[d] || e.length > full_shape[d] - e.start) {
      return Status::Error("slice " + slice.DebugString() + " lies outside shape " +
                           ShapeString(full_shape));
    }
    out[d] = e.length;
  }
  return out;
}

std::string EncodeTensorNameSlice(std::string_view name, const TensorSlice& slice) {
  std::string out;
  WriteNumIncreasing(&out, 0);
  WriteString(&out, name);
  WriteNumIncreasing(&out, slice.extents.size());
  for (const auto& e : slice.extents) {
    // A full extent is written as (0, -1).
    WriteSignedNumIncreasing(&out, e.full() ? 0 : e.start);
    WriteSignedNumIncreasing(&out, e.length);
  }
  return out;
}

Status DecodeTensorNameSlice(std::string_view code, std::string* name, TensorSlice* slice) {
  ByteView src(code);
  uint64_t x;
  if (!ReadNumIncreasing(&src, &x)) return Status::Error("bad slice key: leading number does not decode");
  if (x != 0) return Status::Error("bad slice key: leading number is " + std::to_string(x) + ", expected 0");
  if (!ReadString(&src, name)) return Status::Error("bad slice key: tensor name does not decode");
  if (!ReadNumIncreasing(&src, &x)) return Status::Error("bad slice key: rank does not decode");
  if (x == 0) return Status::Error("bad slice key: rank 0");
  if (x > src.size()) return Status::Error("bad slice key: rank " + std::to_string(x) + " exceeds key");
  slice->extents.clear();
  for (uint64_t d = 0; d < x; ++d) {
    int64_t start, length;
    if (!ReadSignedNumIncreasing(&src, &start) || !ReadSignedNumIncreasing(&src, &length)) {
      return Status::Error("bad slice key: extent " + std::to_string(d) + " does not decode");
    }
    SliceExtent e;
    if (length >= 0) {
      e.start = start;
      e.length = length;
    }
    slice->extents.push_back(e);
  }
  if (!src.empty()) return Status::Error("bad slice key: trailing bytes");
  return Status::Ok();
}

// ---- Assembly --------------------------------------------------------------

namespace {

struct Box {
  std::vector<int64_t> lo, hi;  // [lo, hi) per dim
};

Box ToBox(const TensorSlice& s, const Shape& full) {
  Box b;
  for (size_t d = 0; d < full.size(); ++d) {
    const SliceExtent& e = s.extents[d];
    b.lo.push_back(e.full() ? 0 : e.start);
    b.hi.push_back(e.full() ? full[d] : e.start + e.length);
  }
  return b;
}

bool Overlap(const Box& a, const Box& b) {
  for (size_t d = 0; d < a.lo.size(); ++d) {
    if (a.hi[d] <= b.lo[d] || b.hi[d] <= a.lo[d]) return false;
  }
  return true;
}

}  // namespace

Status CheckSlicesCoverTensor(const std::string& what, const Shape& full_shape,
                              const std::vector<TensorSlice>& slices) {
  const int64_t total = NumElements(full_shape);
  if (total < 0) return Status::Error(what + ": bad shape " + ShapeString(full_shape));
  std::vector<Box> boxes;
  boxes.reserve(slices.size());
  int64_t covered = 0;
  for (const TensorSlice& s : slices) {
    Result<Shape> shape = SliceShape(s, full_shape);
    if (!shape.ok()) return shape.status().WithContext(what);
    const int64_t n = NumElements(*shape);
    if (n < 0 || n > total - covered) {
      return Status::Error(what + ": slices hold more elements than shape " +
                           ShapeString(full_shape) + " (overlapping slices?)");
    }
    covered += n;
    boxes.push_back(ToBox(s, full_shape));
  }
  if (covered != total) {
    return Status::Error(what + ": slices cover " + std::to_string(covered) + " of " +
                         std::to_string(total) + " elements of shape " + ShapeString(full_shape));
  }
  if (full_shape.empty()) {
    if (slices.size() > 1) return Status::Error(what + ": overlapping slices");
    return Status::Ok();
  }
  // Sweep along dim 0: only boxes whose dim-0 ranges meet can overlap. The
  // comparison budget keeps a crafted index from stalling us.
  std::vector<size_t> order(boxes.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return boxes[a].lo[0] < boxes[b].lo[0]; });
  uint64_t budget = 50'000'000;
  for (size_t i = 0; i < order.size(); ++i) {
    const Box& a = boxes[order[i]];
    for (size_t j = i + 1; j < order.size() && boxes[order[j]].lo[0] < a.hi[0]; ++j) {
      if (--budget == 0) return Status::Error(what + ": too many overlapping slice candidates");
      if (Overlap(a, boxes[order[j]])) {
        return Status::Error(what + ": overlapping slices " + slices[order[i]].DebugString() +
                             " and " + slices[order[j]].DebugString());
      }
    }
  }
  return Status::Ok();
}

void ForEachSliceRun(const Shape& full_shape, const TensorSlice& slice,
                     const std::function<void(int64_t, int64_t, int64_t)>& run) {
  const size_t rank = full_shape.size();
  if (rank == 0) {
    run(0, 0, 1);
    return;
  }
  const Box box = ToBox(slice, full_shape);
  for (size_t d = 0; d < rank; ++d)
    if (box.hi[d] <= box.lo[d]) return;  // empty slice
  // Row-major strides of the full tensor.
  std::vector<int64_t> stride(rank, 1);
  for (size_t d = rank - 1; d > 0; --d) stride[d - 1] = stride[d] * full_shape[d];
  // Merge trailing dims the slice covers entirely into one contiguous run.
  size_t inner = rank - 1;
  while (inner > 0 && box.lo[inner] == 0 && box.hi[inner] == full_shape[inner]) --inner;
  const int64_t run_len = (box.hi[inner] - box.lo[inner]) * stride[inner];
  // Iterate the outer dims [0, inner) as an odometer.
  std::vector<int64_t> idx(box.lo.begin(), box.lo.begin() + inner);
  int64_t src = 0;
  while (true) {
    int64_t dst = box.lo[inner] * stride[inner];
    for (size_t d = 0; d < inner; ++d) dst += idx[d] * stride[d];
    run(src, dst, run_len);
    src += run_len;
    size_t d = inner;
    while (d > 0) {
      --d;
      if (++idx[d] < box.hi[d]) break;
      idx[d] = box.lo[d];
      if (d == 0) return;
    }
    if (inner == 0) return;
  }
}

void CopySliceIntoTensor(const Shape& full_shape, const TensorSlice& slice, Tensor&& slice_value,
                         Tensor* dst) {
  const int esize = DTypeSize(dst->dtype);
  if (esize > 0) {
    const char* from = slice_value.bytes.data();
    char* to = dst->bytes.data();
    ForEachSliceRun(full_shape, slice, [&](int64_t s, int64_t d, int64_t n) {
      std::memcpy(to + d * esize, from + s * esize, size_t(n) * size_t(esize));
    });
  } else {
    ForEachSliceRun(full_shape, slice, [&](int64_t s, int64_t d, int64_t n) {
      for (int64_t i = 0; i < n; ++i) dst->strings[size_t(d + i)] = std::move(slice_value.strings[size_t(s + i)]);
    });
  }
}

}  // namespace ckptview::formats
