#include "graph/freeze_canonical.h"

#include <cstdint>
#include <cstring>
#include <vector>

#include "graph/wire.h"

namespace ckptview::graph {
namespace {

using formats::ProtoField;
using formats::ProtoMessage;
using formats::ProtoType;

// A varint at the front of `*p` (before `end`), minimally encoded.
bool MinimalVarint(const uint8_t** p, const uint8_t* end, uint64_t* v) {
  uint64_t result = 0;
  const uint8_t* q = *p;
  for (int shift = 0; shift < 64 && q < end; shift += 7) {
    const uint8_t b = *q++;
    result |= uint64_t(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      // The last byte of a longer encoding must add something.
      if (b == 0 && q - *p > 1) return false;
      if (shift == 63 && b > 1) return false;
      *p = q;
      *v = result;
      return true;
    }
  }
  return false;
}

bool ValidUtf8(const uint8_t* p, size_t n) {
  const uint8_t* end = p + n;
  while (p < end) {
    if (*p < 0x80) {
      ++p;
      continue;
    }
    int len;
    uint32_t cp;
    if ((*p & 0xe0) == 0xc0) len = 2, cp = *p & 0x1f;
    else if ((*p & 0xf0) == 0xe0) len = 3, cp = *p & 0x0f;
    else if ((*p & 0xf8) == 0xf0) len = 4, cp = *p & 0x07;
    else return false;
    if (end - p < len) return false;
    for (int i = 1; i < len; ++i) {
      if ((p[i] & 0xc0) != 0x80) return false;
      cp = cp << 6 | (p[i] & 0x3f);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    p += len;
  }
  return true;
}

// A varint value that a parse of a field of `type` keeps as it is.
bool VarintInRange(ProtoType type, uint64_t v) {
  switch (type) {
    case ProtoType::kInt32:
    case ProtoType::kEnum: return v == uint64_t(int64_t(int32_t(uint32_t(v))));
    case ProtoType::kUint32:
    case ProtoType::kSint32: return v <= 0xffffffffu;
    case ProtoType::kBool: return v <= 1;
    case ProtoType::kInt64:
    case ProtoType::kUint64:
    case ProtoType::kSint64: return true;
    default: return false;
  }
}

struct Record {
  uint32_t number = 0;
  uint32_t wire_type = 0;
  uint64_t value = 0;           // varint value, or fixed bits
  const uint8_t* data = nullptr;  // length-delimited payload
  uint64_t size = 0;
};

bool NextRecord(const uint8_t** p, const uint8_t* end, Record* r) {
  uint64_t tag;
  if (!MinimalVarint(p, end, &tag) || tag > 0xffffffffu) return false;
  r->number = uint32_t(tag >> 3);
  r->wire_type = uint32_t(tag & 7);
  if (r->number == 0) return false;
  switch (r->wire_type) {
    case wire::kVarint:
      return MinimalVarint(p, end, &r->value);
    case wire::kFixed64:
      if (end - *p < 8) return false;
      std::memcpy(&r->value, *p, 8);
      *p += 8;
      return true;
    case wire::kFixed32: {
      if (end - *p < 4) return false;
      uint32_t v;
      std::memcpy(&v, *p, 4);
      r->value = v;
      *p += 4;
      return true;
    }
    case wire::kLengthDelimited:
      if (!MinimalVarint(p, end, &r->size) || r->size > uint64_t(end - *p)) return false;
      r->data = *p;
      *p += r->size;
      return true;
    default:
      return false;
  }
}

int WireTypeFor(ProtoType t) { return int(formats::WireTypeOf(t)); }

bool Canonical(const uint8_t* p, const uint8_t* end, const ProtoMessage& type, int depth);

// A packed repeated scalar's payload.
bool CanonicalPacked(const Record& r, ProtoType type) {
  if (r.size == 0) return false;  // an empty list is not written
  const int wt = WireTypeFor(type);
  if (wt == wire::kFixed32) return r.size % 4 == 0;
  if (wt == wire::kFixed64) return r.size % 8 == 0;
  if (wt != wire::kVarint) return false;
  const uint8_t* q = r.data;
  const uint8_t* end = r.data + r.size;
  while (q < end) {
    uint64_t v;
    if (!MinimalVarint(&q, end, &v) || !VarintInRange(type, v)) return false;
  }
  return true;
}

// One value of field `f` (not packed), with the proto3 rule that a field
// without presence is not written when it holds its default, unless
// `always_written` (map entry keys and values).
bool CanonicalValue(const Record& r, const ProtoField& f, bool proto3, bool always_written, int depth) {
  const bool skip_default = !always_written && !f.repeated && !f.has_presence;
  if (skip_default && !proto3) return false;  // proto2 rules are not modelled
  if (f.is_message()) {
    if (f.type == ProtoType::kGroup || r.wire_type != wire::kLengthDelimited || !f.message_type) return false;
    return Canonical(r.data, r.data + r.size, *f.message_type, depth + 1);
  }
  if (int(r.wire_type) != WireTypeFor(f.type)) return false;
  switch (r.wire_type) {
    case wire::kVarint:
      if (!VarintInRange(f.type, r.value)) return false;
      return !(skip_default && r.value == 0);
    case wire::kFixed32:
    case wire::kFixed64: {
      // Zero of either sign: C++ versions differ on writing -0.0.
      const uint64_t magnitude = r.wire_type == wire::kFixed32 ? (r.value & 0x7fffffffu)
                                                               : (r.value & 0x7fffffffffffffffull);
      return !(skip_default && magnitude == 0);
    }
    case wire::kLengthDelimited:
      if (skip_default && r.size == 0) return false;
      if (f.type == ProtoType::kString && proto3 && !ValidUtf8(r.data, r.size)) return false;
      return f.type == ProtoType::kString || f.type == ProtoType::kBytes;
  }
  return false;
}

// Python's map key order (python_order.h): strings bytewise, a prefix after
// the longer key; integers descending. True if `a` comes strictly before `b`.
bool PythonKeyBefore(const Record& a, const Record& b, ProtoType key_type) {
  if (key_type == ProtoType::kString || key_type == ProtoType::kBytes) {
    const size_t n = size_t(std::min(a.size, b.size));
    const int c = n ? std::memcmp(a.data, b.data, n) : 0;
    if (c != 0) return c < 0;
    return a.size > b.size;
  }
  switch (key_type) {
    case ProtoType::kInt32:
    case ProtoType::kSfixed32: return int32_t(uint32_t(a.value)) > int32_t(uint32_t(b.value));
    case ProtoType::kInt64:
    case ProtoType::kSfixed64: return int64_t(a.value) > int64_t(b.value);
    case ProtoType::kSint32:
    case ProtoType::kSint64: {
      const int64_t x = int64_t(a.value >> 1) ^ -int64_t(a.value & 1);
      const int64_t y = int64_t(b.value >> 1) ^ -int64_t(b.value & 1);
      return x > y;
    }
    default: return a.value > b.value;
  }
}

// A map entry: key (field 1) then value (field 2), both always written.
bool CanonicalEntry(const Record& r, const ProtoMessage& entry, Record* key, int depth) {
  if (r.wire_type != wire::kLengthDelimited) return false;
  const ProtoField* kf = entry.FindFieldByNumber(1);
  const ProtoField* vf = entry.FindFieldByNumber(2);
  if (!kf || !vf) return false;
  const uint8_t* p = r.data;
  const uint8_t* end = r.data + r.size;
  Record value;
  if (!NextRecord(&p, end, key) || key->number != 1 || !CanonicalValue(*key, *kf, entry.proto3, true, depth))
    return false;
  if (!NextRecord(&p, end, &value) || value.number != 2 || !CanonicalValue(value, *vf, entry.proto3, true, depth))
    return false;
  return p == end;
}

bool Canonical(const uint8_t* p, const uint8_t* end, const ProtoMessage& type, int depth) {
  if (depth > 64) return false;
  uint32_t last = 0;
  Record last_key;
  bool have_key = false;
  std::vector<char> oneof_seen;
  while (p < end) {
    Record r;
    if (!NextRecord(&p, end, &r)) return false;
    const ProtoField* f = type.FindFieldByNumber(int32_t(r.number));
    if (!f) return false;
    if (r.number < last) return false;
    const bool again = r.number == last;
    if (again && (!f->repeated || f->packed)) return false;
    if (!again) have_key = false;
    last = r.number;
    if (f->oneof_index >= 0) {
      if (oneof_seen.size() <= size_t(f->oneof_index)) oneof_seen.resize(f->oneof_index + 1, 0);
      if (oneof_seen[f->oneof_index]++) return false;
    }
    if (f->repeated && f->packed) {
      if (r.wire_type != wire::kLengthDelimited || !CanonicalPacked(r, f->type)) return false;
      continue;
    }
    if (f->is_map()) {
      Record key;
      if (!f->message_type || !CanonicalEntry(r, *f->message_type, &key, depth + 1)) return false;
      const ProtoField* kf = f->message_type->FindFieldByNumber(1);
      if (have_key && !PythonKeyBefore(last_key, key, kf->type)) return false;
      last_key = key;
      have_key = true;
      continue;
    }
    if (!CanonicalValue(r, *f, type.proto3, false, depth)) return false;
  }
  return true;
}

}  // namespace

bool IsCanonicalAsPython(std::string_view bytes, const formats::ProtoMessage& type) {
  const uint8_t* p = reinterpret_cast<const uint8_t*>(bytes.data());
  return Canonical(p, p + bytes.size(), type, 0);
}

}  // namespace ckptview::graph
