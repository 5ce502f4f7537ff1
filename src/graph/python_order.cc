#include "graph/python_order.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "base/coding.h"
#include "graph/wire.h"

namespace ckptview::graph {
namespace {

using formats::ProtoField;
using formats::ProtoMessage;
using formats::ProtoType;

struct Field {
  uint32_t number = 0;
  uint32_t wire_type = 0;
  std::string_view whole;    // tag through end of payload
  std::string_view payload;  // length-delimited payload (else empty)
};

bool NextField(std::string_view* in, Field* f) {
  ByteView v(*in);
  const size_t start = v.size();
  uint64_t tag;
  if (!GetVarint64(&v, &tag)) return false;
  f->number = uint32_t(tag >> 3);
  f->wire_type = uint32_t(tag & 7);
  f->payload = {};
  switch (f->wire_type) {
    case wire::kVarint: {
      uint64_t x;
      if (!GetVarint64(&v, &x)) return false;
      break;
    }
    case wire::kFixed64:
      if (v.size() < 8) return false;
      v.remove_prefix(8);
      break;
    case wire::kFixed32:
      if (v.size() < 4) return false;
      v.remove_prefix(4);
      break;
    case wire::kLengthDelimited: {
      uint64_t len;
      if (!GetVarint64(&v, &len) || len > v.size()) return false;
      f->payload = std::string_view(v.chars(), len);
      v.remove_prefix(len);
      break;
    }
    default:
      return false;
  }
  const size_t used = start - v.size();
  f->whole = in->substr(0, used);
  in->remove_prefix(used);
  return true;
}

// The key of a map entry (field 1), as bytes for strings or a number.
struct EntryKey {
  bool present = false;
  std::string_view bytes;
  uint64_t number = 0;
};

EntryKey KeyOf(std::string_view entry) {
  EntryKey k;
  Field f;
  while (!entry.empty() && NextField(&entry, &f)) {
    if (f.number != 1) continue;
    k.present = true;
    if (f.wire_type == wire::kLengthDelimited) {
      k.bytes = f.payload;
    } else {
      ByteView v(f.whole);
      uint64_t tag;
      GetVarint64(&v, &tag);
      if (f.wire_type == wire::kVarint) GetVarint64(&v, &k.number);
      else if (f.wire_type == wire::kFixed32) k.number = DecodeFixed32(v.data());
      else k.number = DecodeFixed64(v.data());
    }
  }
  return k;
}

bool SignedKey(ProtoType t) {
  return t == ProtoType::kInt32 || t == ProtoType::kInt64 || t == ProtoType::kSint32 || t == ProtoType::kSint64 ||
         t == ProtoType::kSfixed32 || t == ProtoType::kSfixed64;
}

int64_t SignedValue(ProtoType t, uint64_t raw) {
  switch (t) {
    case ProtoType::kSint32: case ProtoType::kSint64: return int64_t(raw >> 1) ^ -int64_t(raw & 1);
    case ProtoType::kInt32: case ProtoType::kSfixed32: return int64_t(int32_t(uint32_t(raw)));
    default: return int64_t(raw);
  }
}

Status Reorder(std::string_view in, const ProtoMessage& type, std::string* out, int depth);

// One map entry, its value rewritten too.
Status ReorderEntry(const Field& f, const ProtoMessage& entry_type, std::string* out, int depth) {
  std::string payload;
  CKPT_RETURN_IF_ERROR(Reorder(f.payload, entry_type, &payload, depth + 1));
  out->append(f.whole.substr(0, f.whole.size() - f.payload.size()));  // tag + length: unchanged
  out->append(payload);
  return Status::Ok();
}

Status Reorder(std::string_view in, const ProtoMessage& type, std::string* out, int depth) {
  if (depth > 64) return Status::Error("message nested too deeply");
  while (!in.empty()) {
    Field f;
    if (!NextField(&in, &f)) return Status::Error("malformed " + type.full_name);
    const ProtoField* pf = type.FindFieldByNumber(int32_t(f.number));
    if (!pf || !pf->is_message() || f.wire_type != wire::kLengthDelimited || !pf->message_type) {
      out->append(f.whole);
      continue;
    }
    if (!pf->is_map()) {
      out->append(f.whole.substr(0, f.whole.size() - f.payload.size()));
      CKPT_RETURN_IF_ERROR(Reorder(f.payload, *pf->message_type, out, depth + 1));
      continue;
    }
    // A map: this entry and the ones right after it of the same field.
    std::vector<Field> entries{f};
    while (!in.empty()) {
      std::string_view probe = in;
      Field g;
      if (!NextField(&probe, &g) || g.number != f.number || g.wire_type != wire::kLengthDelimited) break;
      entries.push_back(g);
      in = probe;
    }
    const ProtoField* key_field = pf->message_type->FindFieldByNumber(1);
    const ProtoType key_type = key_field ? key_field->type : ProtoType::kString;
    const bool string_keys = key_type == ProtoType::kString || key_type == ProtoType::kBytes;
    std::vector<std::pair<EntryKey, size_t>> keys;
    for (size_t i = 0; i < entries.size(); ++i) keys.emplace_back(KeyOf(entries[i].payload), i);
    std::stable_sort(keys.begin(), keys.end(), [&](const auto& a, const auto& b) {
      if (string_keys) {
        const std::string_view x = a.first.bytes, y = b.first.bytes;
        const int c = std::memcmp(x.data(), y.data(), std::min(x.size(), y.size()));
        if (c != 0) return c < 0;
        return x.size() > y.size();  // a prefix sorts after the longer key
      }
      if (SignedKey(key_type))
        return SignedValue(key_type, a.first.number) > SignedValue(key_type, b.first.number);
      return a.first.number > b.first.number;
    });
    for (const auto& [key, i] : keys) CKPT_RETURN_IF_ERROR(ReorderEntry(entries[i], *pf->message_type, out, depth));
  }
  return Status::Ok();
}

}  // namespace

Status ReorderMapsAsPython(std::string_view in, const formats::ProtoMessage& type, std::string* out) {
  out->clear();
  out->reserve(in.size());
  CKPT_RETURN_IF_ERROR(Reorder(in, type, out, 0));
  if (out->size() != in.size()) return Status::Error("reordering changed the size of " + type.full_name);
  return Status::Ok();
}

const formats::ProtoMessage* TensorflowMessage(std::string_view name) {
  Result<const formats::ProtoSchema*> schema = formats::ProtoSchema::Builtin();
  if (!schema.ok()) return nullptr;
  return (*schema)->FindMessage("tensorflow." + std::string(name));
}

std::string SerializeDeterministic(const google::protobuf::MessageLite& m) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    m.SerializeToCodedStream(&coded);
  }
  return out;
}

Result<std::string> SerializeAsPython(const google::protobuf::MessageLite& m, const char* type_name) {
  const formats::ProtoMessage* type = TensorflowMessage(type_name);
  if (!type) return Status::Error(std::string("no schema for tensorflow.") + type_name);
  std::string out;
  CKPT_RETURN_IF_ERROR(ReorderMapsAsPython(SerializeDeterministic(m), *type, &out));
  return out;
}

}  // namespace ckptview::graph
