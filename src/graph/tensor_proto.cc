#include "graph/tensor_proto.h"

#include <cstring>

#include "base/coding.h"
#include "graph/wire.h"

namespace ckptview::graph {
namespace {

// TensorProto field numbers (tensor.proto).
constexpr int kDtypeField = 1;
constexpr int kShapeField = 2;
constexpr int kContentField = 4;
constexpr int kFloatVal = 5;
constexpr int kDoubleVal = 6;
constexpr int kIntVal = 7;
constexpr int kStringVal = 8;
constexpr int kSComplexVal = 9;
constexpr int kInt64Val = 10;
constexpr int kBoolVal = 11;
constexpr int kDComplexVal = 12;
constexpr int kHalfVal = 13;
constexpr int kUInt32Val = 16;
constexpr int kUInt64Val = 17;
constexpr int kFloat8Val = 18;

// tensor_util._TENSOR_CONTENT_TYPES (TF 2.21). uint16, bool, complex, string
// and int4/uint4/int2/uint2 are deliberately absent there.
bool IsTensorContentType(DType t) {
  switch (t) {
    case DType::kHalf: case DType::kFloat: case DType::kDouble: case DType::kInt32:
    case DType::kUInt8: case DType::kInt16: case DType::kInt8: case DType::kInt64:
    case DType::kQInt8: case DType::kQUInt8: case DType::kQInt16: case DType::kQUInt16:
    case DType::kQInt32: case DType::kUInt32: case DType::kUInt64:
    case DType::kFloat8E5M2: case DType::kFloat8E4M3FN: case DType::kFloat8E4M3FNUZ:
    case DType::kFloat8E4M3B11FNUZ: case DType::kFloat8E5M2FNUZ: case DType::kFloat4E2M1FN:
    case DType::kBFloat16:
      return true;
    default:
      return false;
  }
}

// Which typed field holds values of `t`, and how each element is encoded.
enum class Coding { kFixed32, kFixed64, kVarintSigned32, kVarintSigned64, kVarintUnsigned,
                    kBool, kBytes, kString, kNone };
struct TypedField {
  int field = 0;
  Coding coding = Coding::kNone;
  int scalars_per_element = 1;  // 2 for complex
};

TypedField TypedFieldFor(DType t) {
  switch (t) {
    case DType::kFloat: return {kFloatVal, Coding::kFixed32};
    case DType::kDouble: return {kDoubleVal, Coding::kFixed64};
    case DType::kInt32: case DType::kInt16: case DType::kInt8: case DType::kUInt8:
    case DType::kUInt16: case DType::kQInt8: case DType::kQUInt8: case DType::kQInt16:
    case DType::kQUInt16: case DType::kQInt32: case DType::kInt4: case DType::kUInt4:
    case DType::kInt2: case DType::kUInt2:
      return {kIntVal, Coding::kVarintSigned32};
    case DType::kInt64: return {kInt64Val, Coding::kVarintSigned64};
    case DType::kUInt32: return {kUInt32Val, Coding::kVarintUnsigned};
    case DType::kUInt64: return {kUInt64Val, Coding::kVarintUnsigned};
    case DType::kBool: return {kBoolVal, Coding::kBool};
    case DType::kComplex64: return {kSComplexVal, Coding::kFixed32, 2};
    case DType::kComplex128: return {kDComplexVal, Coding::kFixed64, 2};
    case DType::kHalf: case DType::kBFloat16: return {kHalfVal, Coding::kVarintUnsigned};
    case DType::kFloat8E5M2: case DType::kFloat8E4M3FN: case DType::kFloat8E4M3FNUZ:
    case DType::kFloat8E4M3B11FNUZ: case DType::kFloat8E5M2FNUZ: case DType::kFloat4E2M1FN:
      return {kFloat8Val, Coding::kBytes};
    case DType::kString: return {kStringVal, Coding::kString};
    default: return {};
  }
}

// Element `i` of a fixed-size tensor as the integer make_tensor_proto puts in
// a varint field (int_val holds int32 values, sign-extended to 64 bits on the
// wire; uint*_val and half_val hold unsigned values).
uint64_t VarintElement(DType t, const uint8_t* p) {
  switch (t) {
    case DType::kInt8: case DType::kQInt8: return uint64_t(int64_t(int8_t(p[0])));
    case DType::kUInt8: case DType::kQUInt8: return p[0];
    case DType::kInt16: case DType::kQInt16:
      return uint64_t(int64_t(int16_t(uint16_t(p[0] | p[1] << 8))));
    case DType::kUInt16: case DType::kQUInt16: case DType::kHalf: case DType::kBFloat16:
      return uint16_t(p[0] | p[1] << 8);
    case DType::kInt32: case DType::kQInt32: return uint64_t(int64_t(int32_t(DecodeFixed32(p))));
    case DType::kUInt32: return DecodeFixed32(p);
    case DType::kInt64: case DType::kUInt64: return DecodeFixed64(p);
    // ml_dtypes keeps int4/int2 in one byte; astype(np.int8) sign-extends.
    case DType::kInt4: return uint64_t(int64_t(int8_t(uint8_t(p[0] << 4)) >> 4));
    case DType::kUInt4: return p[0] & 0x0f;
    case DType::kInt2: return uint64_t(int64_t(int8_t(uint8_t(p[0] << 6)) >> 6));
    case DType::kUInt2: return p[0] & 0x03;
    default: return 0;
  }
}

Status CheckShape(const Shape& shape, const char* what) {
  for (int64_t d : shape)
    if (d < 0) return Status::Error(std::string(what) + ": shape " + ShapeString(shape) + " is not fully defined");
  if (NumElements(shape) < 0) return Status::Error(std::string(what) + ": shape " + ShapeString(shape) + " is too large");
  return Status::Ok();
}

// Packed repeated field: one tag, one length, the values back to back.
std::string EncodeTyped(const Tensor& t, const TypedField& f) {
  std::string payload;
  const int64_t n = t.num_elements();
  const int esize = DTypeSize(t.dtype);
  switch (f.coding) {
    case Coding::kString: {
      std::string out;
      for (const std::string& s : t.strings) wire::PutBytesField(&out, f.field, s);
      return out;
    }
    case Coding::kBytes:  // float8_val is a single bytes field
      if (n == 0) return {};
      payload = t.bytes;
      break;
    case Coding::kFixed32: case Coding::kFixed64:
      // float/double/complex values are already little-endian IEEE bytes.
      payload = t.bytes;
      break;
    case Coding::kBool:
      for (int64_t i = 0; i < n; ++i) payload.push_back(t.bytes[i] ? 1 : 0);
      break;
    case Coding::kVarintSigned32: case Coding::kVarintSigned64: case Coding::kVarintUnsigned: {
      const uint8_t* p = reinterpret_cast<const uint8_t*>(t.bytes.data());
      for (int64_t i = 0; i < n; ++i) PutVarint64(&payload, VarintElement(t.dtype, p + i * esize));
      break;
    }
    case Coding::kNone:
      return {};
  }
  if (payload.empty()) return {};
  std::string out;
  wire::PutBytesField(&out, f.field, payload);
  return out;
}

// Bytes of one element of `dtype` read from a typed field at position i
// (with TF's repeat-the-last rule applied by the caller).
template <typename V>
void AppendLE(std::string* out, V v, int size) {
  for (int b = 0; b < size; ++b) out->push_back(char(uint64_t(v) >> (8 * b)));
}

}  // namespace

std::string EncodeTensorShape(const Shape& shape) {
  std::string out;
  for (int64_t d : shape) {
    std::string dim;
    if (d != 0) wire::PutVarintField(&dim, 1, uint64_t(d));
    wire::PutBytesField(&out, 2, dim);
  }
  return out;
}

bool UsesTensorContent(DType dtype, int64_t num_elements) {
  return num_elements > 1 && IsTensorContentType(dtype);
}

Result<TensorProtoHead> EncodeTensorProtoHead(const Tensor& tensor) {
  CKPT_RETURN_IF_ERROR(CheckShape(tensor.shape, "tensor"));
  const int64_t n = tensor.num_elements();
  TensorProtoHead out;
  wire::PutVarintField(&out.head, kDtypeField, uint64_t(tensor.dtype));
  wire::PutBytesField(&out.head, kShapeField, EncodeTensorShape(tensor.shape));
  if (UsesTensorContent(tensor.dtype, n)) {
    const uint64_t size = uint64_t(n) * DTypeSize(tensor.dtype);
    if (tensor.bytes.size() != size)
      return Status::Error("tensor has " + std::to_string(tensor.bytes.size()) + " bytes, expected " +
                           std::to_string(size) + " for " + std::string(DTypeName(tensor.dtype)) +
                           ShapeString(tensor.shape));
    wire::PutLengthPrefix(&out.head, kContentField, size);
    out.content_size = size;
    return out;
  }
  TypedField f = TypedFieldFor(tensor.dtype);
  if (f.coding == Coding::kNone)
    return Status::Error("cannot store a " + std::string(DTypeName(tensor.dtype)) +
                         " tensor in a Const (make_tensor_proto has no field for it)");
  if (f.coding == Coding::kString) {
    if (int64_t(tensor.strings.size()) != n)
      return Status::Error("string tensor has " + std::to_string(tensor.strings.size()) +
                           " elements, expected " + std::to_string(n));
  } else if (tensor.bytes.size() != uint64_t(n) * DTypeSize(tensor.dtype)) {
    return Status::Error("tensor has " + std::to_string(tensor.bytes.size()) + " bytes, expected " +
                         std::to_string(uint64_t(n) * DTypeSize(tensor.dtype)));
  }
  out.head += EncodeTyped(tensor, f);
  return out;
}

uint64_t TensorProtoSizeBound(DType dtype, const Shape& shape, uint64_t stored_bytes, bool* exact) {
  if (exact) *exact = true;
  const int64_t n = std::max<int64_t>(NumElements(shape), 0);
  uint64_t size = wire::TagSize(kDtypeField) + wire::VarintSize(uint64_t(dtype)) +
                  wire::LengthDelimitedSize(kShapeField, EncodeTensorShape(shape).size());
  const uint64_t esize = DTypeSize(dtype);
  if (UsesTensorContent(dtype, n)) return size + wire::LengthDelimitedSize(kContentField, n * esize);
  TypedField f = TypedFieldFor(dtype);
  if (n == 0) return size;
  uint64_t payload = 0;
  switch (f.coding) {
    case Coding::kString:
      // On disk: varint lengths, a 4-byte checksum, the bytes. In the proto:
      // per element one tag byte, the same varint length, the bytes.
      return size + (stored_bytes >= 4 ? stored_bytes - 4 : 0) + uint64_t(n) * wire::TagSize(kStringVal);
    case Coding::kBytes: case Coding::kFixed32: case Coding::kFixed64:
      payload = n * esize;
      break;
    case Coding::kBool:
      payload = n;
      break;
    case Coding::kVarintSigned32: case Coding::kVarintSigned64: case Coding::kVarintUnsigned:
      if (exact) *exact = false;
      payload = uint64_t(n) * 10;
      break;
    case Coding::kNone:
      return size;
  }
  return size + wire::LengthDelimitedSize(f.field, payload);
}

Result<std::string> EncodeTensorProto(const Tensor& tensor) {
  CKPT_ASSIGN_OR_RETURN(TensorProtoHead head, EncodeTensorProtoHead(tensor));
  std::string out = std::move(head.head);
  if (head.content_size) out += tensor.bytes;
  return out;
}

Result<tensorflow::TensorProto> MakeTensorProto(const Tensor& tensor) {
  CKPT_RETURN_IF_ERROR(CheckShape(tensor.shape, "tensor"));
  tensorflow::TensorProto p;
  p.set_dtype(tensorflow::DataType(tensor.dtype));
  tensorflow::TensorShapeProto* shape = p.mutable_tensor_shape();
  for (int64_t d : tensor.shape) shape->add_dim()->set_size(d);
  const int64_t n = tensor.num_elements();
  const int esize = DTypeSize(tensor.dtype);
  if (tensor.dtype == DType::kString) {
    if (int64_t(tensor.strings.size()) != n) return Status::Error("string tensor has the wrong element count");
    for (const std::string& s : tensor.strings) p.add_string_val(s);
    return p;
  }
  if (esize == 0 || tensor.bytes.size() != uint64_t(n) * esize)
    return Status::Error("cannot store a " + std::string(DTypeName(tensor.dtype)) + ShapeString(tensor.shape) +
                         " tensor of " + std::to_string(tensor.bytes.size()) + " bytes in a TensorProto");
  if (UsesTensorContent(tensor.dtype, n)) {
    p.set_tensor_content(tensor.bytes);
    return p;
  }
  const uint8_t* b = reinterpret_cast<const uint8_t*>(tensor.bytes.data());
  for (int64_t i = 0; i < n; ++i) {
    const uint8_t* e = b + i * esize;
    switch (tensor.dtype) {
      case DType::kFloat: {
        float f; uint32_t bits = DecodeFixed32(e); std::memcpy(&f, &bits, 4); p.add_float_val(f);
        break;
      }
      case DType::kDouble: {
        double f; uint64_t bits = DecodeFixed64(e); std::memcpy(&f, &bits, 8); p.add_double_val(f);
        break;
      }
      case DType::kComplex64:
        for (int part = 0; part < 2; ++part) {
          float f; uint32_t bits = DecodeFixed32(e + 4 * part); std::memcpy(&f, &bits, 4); p.add_scomplex_val(f);
        }
        break;
      case DType::kComplex128:
        for (int part = 0; part < 2; ++part) {
          double f; uint64_t bits = DecodeFixed64(e + 8 * part); std::memcpy(&f, &bits, 8); p.add_dcomplex_val(f);
        }
        break;
      case DType::kBool: p.add_bool_val(e[0] != 0); break;
      case DType::kInt64: p.add_int64_val(int64_t(DecodeFixed64(e))); break;
      case DType::kUInt32: p.add_uint32_val(DecodeFixed32(e)); break;
      case DType::kUInt64: p.add_uint64_val(DecodeFixed64(e)); break;
      case DType::kHalf: case DType::kBFloat16: p.add_half_val(int32_t(VarintElement(tensor.dtype, e))); break;
      case DType::kFloat8E5M2: case DType::kFloat8E4M3FN: case DType::kFloat8E4M3FNUZ:
      case DType::kFloat8E4M3B11FNUZ: case DType::kFloat8E5M2FNUZ: case DType::kFloat4E2M1FN:
        p.mutable_float8_val()->push_back(char(e[0]));
        break;
      default:
        if (TypedFieldFor(tensor.dtype).field != kIntVal)
          return Status::Error("cannot store a " + std::string(DTypeName(tensor.dtype)) + " tensor in a TensorProto");
        p.add_int_val(int32_t(VarintElement(tensor.dtype, e)));
        break;
    }
  }
  return p;
}

Result<Tensor> TensorFromProto(const tensorflow::TensorProto& proto) {
  Tensor t;
  const int dt = int(proto.dtype());
  if (!IsKnownDType(dt) || dt == 0) return Status::Error("TensorProto has unknown dtype " + std::to_string(dt));
  t.dtype = DType(dt);
  if (proto.tensor_shape().unknown_rank()) return Status::Error("TensorProto has an unknown-rank shape");
  for (const auto& d : proto.tensor_shape().dim()) t.shape.push_back(d.size());
  CKPT_RETURN_IF_ERROR(CheckShape(t.shape, "TensorProto"));
  const int64_t n = t.num_elements();
  const int esize = DTypeSize(t.dtype);

  if (t.dtype == DType::kString) {
    const auto& v = proto.string_val();
    if (v.size() > n) return Status::Error("TensorProto has " + std::to_string(v.size()) + " strings for " + std::to_string(n) + " elements");
    t.strings.reserve(n);
    for (int64_t i = 0; i < n; ++i) t.strings.push_back(v.empty() ? std::string() : v[std::min<int64_t>(i, v.size() - 1)]);
    return t;
  }
  if (esize == 0)
    return Status::Error("TensorProto of dtype " + std::string(DTypeName(t.dtype)) + " holds no plain values");
  if (n > (int64_t(1) << 40) / esize) return Status::Error("TensorProto shape " + ShapeString(t.shape) + " is too large");

  if (!proto.tensor_content().empty()) {
    if (proto.tensor_content().size() != uint64_t(n) * esize)
      return Status::Error("TensorProto tensor_content has " + std::to_string(proto.tensor_content().size()) +
                           " bytes, expected " + std::to_string(uint64_t(n) * esize) + " for " +
                           std::string(DTypeName(t.dtype)) + ShapeString(t.shape));
    t.bytes = proto.tensor_content();
    return t;
  }

  // Typed field, TF's fill rule: the last value repeats; none means zeros.
  auto fill = [&](int count, auto&& element_bytes) -> Status {
    if (count > n * (t.dtype == DType::kComplex64 || t.dtype == DType::kComplex128 ? 2 : 1))
      return Status::Error("TensorProto has " + std::to_string(count) + " values for " + std::to_string(n) + " elements");
    t.bytes.reserve(n * esize);
    for (int64_t i = 0; i < n; ++i) element_bytes(i, &t.bytes);
    return Status::Ok();
  };
  switch (t.dtype) {
    case DType::kFloat: {
      const auto& v = proto.float_val();
      CKPT_RETURN_IF_ERROR(fill(v.size(), [&](int64_t i, std::string* o) {
        float f = v.empty() ? 0.f : v[std::min<int64_t>(i, v.size() - 1)];
        uint32_t bits; std::memcpy(&bits, &f, 4); AppendLE(o, bits, 4);
      }));
      break;
    }
    case DType::kDouble: {
      const auto& v = proto.double_val();
      CKPT_RETURN_IF_ERROR(fill(v.size(), [&](int64_t i, std::string* o) {
        double f = v.empty() ? 0.0 : v[std::min<int64_t>(i, v.size() - 1)];
        uint64_t bits; std::memcpy(&bits, &f, 8); AppendLE(o, bits, 8);
      }));
      break;
    }
    case DType::kComplex64: case DType::kComplex128: {
      const bool single = t.dtype == DType::kComplex64;
      const int pairs = single ? proto.scomplex_val_size() / 2 : proto.dcomplex_val_size() / 2;
      CKPT_RETURN_IF_ERROR(fill(pairs * 2, [&](int64_t i, std::string* o) {
        for (int part = 0; part < 2; ++part) {
          int64_t k = pairs == 0 ? -1 : std::min<int64_t>(i, pairs - 1) * 2 + part;
          if (single) {
            float f = k < 0 ? 0.f : proto.scomplex_val(int(k));
            uint32_t bits; std::memcpy(&bits, &f, 4); AppendLE(o, bits, 4);
          } else {
            double f = k < 0 ? 0.0 : proto.dcomplex_val(int(k));
            uint64_t bits; std::memcpy(&bits, &f, 8); AppendLE(o, bits, 8);
          }
        }
      }));
      break;
    }
    case DType::kBool: {
      const auto& v = proto.bool_val();
      CKPT_RETURN_IF_ERROR(fill(v.size(), [&](int64_t i, std::string* o) {
        o->push_back(v.empty() ? 0 : char(v[std::min<int64_t>(i, v.size() - 1)] ? 1 : 0));
      }));
      break;
    }
    case DType::kInt64: {
      const auto& v = proto.int64_val();
      CKPT_RETURN_IF_ERROR(fill(v.size(), [&](int64_t i, std::string* o) {
        AppendLE(o, v.empty() ? 0 : v[std::min<int64_t>(i, v.size() - 1)], 8);
      }));
      break;
    }
    case DType::kUInt32: {
      const auto& v = proto.uint32_val();
      CKPT_RETURN_IF_ERROR(fill(v.size(), [&](int64_t i, std::string* o) {
        AppendLE(o, v.empty() ? 0u : v[std::min<int64_t>(i, v.size() - 1)], 4);
      }));
      break;
    }
    case DType::kUInt64: {
      const auto& v = proto.uint64_val();
      CKPT_RETURN_IF_ERROR(fill(v.size(), [&](int64_t i, std::string* o) {
        AppendLE(o, v.empty() ? 0 : v[std::min<int64_t>(i, v.size() - 1)], 8);
      }));
      break;
    }
    case DType::kHalf: case DType::kBFloat16: {
      const auto& v = proto.half_val();
      CKPT_RETURN_IF_ERROR(fill(v.size(), [&](int64_t i, std::string* o) {
        AppendLE(o, v.empty() ? 0 : v[std::min<int64_t>(i, v.size() - 1)], 2);
      }));
      break;
    }
    case DType::kFloat8E5M2: case DType::kFloat8E4M3FN: case DType::kFloat8E4M3FNUZ:
    case DType::kFloat8E4M3B11FNUZ: case DType::kFloat8E5M2FNUZ: case DType::kFloat4E2M1FN: {
      const std::string& v = proto.float8_val();
      CKPT_RETURN_IF_ERROR(fill(int(v.size()), [&](int64_t i, std::string* o) {
        o->push_back(v.empty() ? 0 : v[std::min<int64_t>(i, v.size() - 1)]);
      }));
      break;
    }
    default: {  // int_val family
      const auto& v = proto.int_val();
      CKPT_RETURN_IF_ERROR(fill(v.size(), [&](int64_t i, std::string* o) {
        AppendLE(o, v.empty() ? 0 : v[std::min<int64_t>(i, v.size() - 1)], esize);
      }));
      break;
    }
  }
  return t;
}

}  // namespace ckptview::graph
