#include "formats/proto_schema.h"

#include <algorithm>

#include "base/coding.h"

namespace ckptview::embedded {
// Written by cmake/embed.cmake from <build>/proto/descriptors.pb.
extern const unsigned char kProtoDescriptorSet[];
extern const std::size_t kProtoDescriptorSetSize;
}  // namespace ckptview::embedded

namespace ckptview::formats {

WireType WireTypeOf(ProtoType type) {
  switch (type) {
    case ProtoType::kDouble:
    case ProtoType::kFixed64:
    case ProtoType::kSfixed64:
      return kWireFixed64;
    case ProtoType::kFloat:
    case ProtoType::kFixed32:
    case ProtoType::kSfixed32:
      return kWireFixed32;
    case ProtoType::kString:
    case ProtoType::kBytes:
    case ProtoType::kMessage:
    case ProtoType::kGroup:  // we never write groups; treated as a sub-message
      return kWireLengthDelimited;
    default:
      return kWireVarint;
  }
}

const char* ProtoTypeName(ProtoType type) {
  switch (type) {
    case ProtoType::kDouble: return "double";
    case ProtoType::kFloat: return "float";
    case ProtoType::kInt64: return "int64";
    case ProtoType::kUint64: return "uint64";
    case ProtoType::kInt32: return "int32";
    case ProtoType::kFixed64: return "fixed64";
    case ProtoType::kFixed32: return "fixed32";
    case ProtoType::kBool: return "bool";
    case ProtoType::kString: return "string";
    case ProtoType::kGroup: return "group";
    case ProtoType::kMessage: return "message";
    case ProtoType::kBytes: return "bytes";
    case ProtoType::kUint32: return "uint32";
    case ProtoType::kEnum: return "enum";
    case ProtoType::kSfixed32: return "sfixed32";
    case ProtoType::kSfixed64: return "sfixed64";
    case ProtoType::kSint32: return "sint32";
    case ProtoType::kSint64: return "sint64";
  }
  return "?";
}

bool ProtoEnum::FindNumber(std::string_view name, int32_t* number) const {
  for (const auto& [value_name, value_number] : values) {
    if (value_name == name) {
      *number = value_number;
      return true;
    }
  }
  return false;
}

const std::string* ProtoEnum::FindName(int32_t number) const {
  for (const auto& [value_name, value_number] : values) {
    if (value_number == number) return &value_name;
  }
  return nullptr;
}

bool ProtoField::is_map() const {
  return repeated && message_type != nullptr && message_type->map_entry;
}

const ProtoField* ProtoMessage::FindFieldByName(std::string_view name) const {
  for (const ProtoField& field : fields) {
    if (field.name == name) return &field;
  }
  return nullptr;
}

const ProtoField* ProtoMessage::FindFieldByNumber(int32_t number) const {
  auto it = std::lower_bound(fields.begin(), fields.end(), number,
                             [](const ProtoField& f, int32_t n) { return f.number < n; });
  return it != fields.end() && it->number == number ? &*it : nullptr;
}

const ProtoMessage* ProtoSchema::FindMessage(std::string_view full_name) const {
  auto it = messages_by_name_.find(full_name);
  return it == messages_by_name_.end() ? nullptr : it->second;
}

const ProtoEnum* ProtoSchema::FindEnum(std::string_view full_name) const {
  auto it = enums_by_name_.find(full_name);
  return it == enums_by_name_.end() ? nullptr : it->second;
}

bool GetWireRecord(ByteView* in, WireRecord* rec) {
  uint64_t tag;
  if (!GetVarint64(in, &tag) || tag > 0xffffffffu || (tag >> 3) == 0) return false;
  rec->number = uint32_t(tag >> 3);
  rec->wire_type = uint32_t(tag & 7);
  rec->value = 0;
  rec->bytes = ByteView();
  switch (rec->wire_type) {
    case kWireVarint:
      return GetVarint64(in, &rec->value);
    case kWireFixed64:
      return GetFixed64(in, &rec->value);
    case kWireFixed32: {
      uint32_t v;
      if (!GetFixed32(in, &v)) return false;
      rec->value = v;
      return true;
    }
    case kWireLengthDelimited: {
      uint64_t len;
      return GetVarint64(in, &len) && len <= in->size() && GetBytes(in, size_t(len), &rec->bytes);
    }
    default:
      return false;  // groups (3, 4): used by no message we declare
  }
}

// Reads the descriptor messages into a ProtoSchema, then resolves type names.
class DescriptorSetReader {
 public:
  explicit DescriptorSetReader(ProtoSchema* schema) : schema_(schema) {}

  Status ReadSet(ByteView in) {
    WireRecord rec;
    while (!in.empty()) {
      if (!GetWireRecord(&in, &rec)) return Malformed("FileDescriptorSet");
      if (rec.number == 1 && rec.wire_type == kWireLengthDelimited) {
        CKPT_RETURN_IF_ERROR(ReadFile(rec.bytes));
      }
    }
    return Resolve();
  }

 private:
  static Status Malformed(const char* what) {
    return Status::Error(std::string("malformed ") + what + " in proto descriptor set");
  }

  Status ReadFile(ByteView in) {
    std::string package;
    std::string syntax;
    std::vector<ByteView> messages, enums;
    WireRecord rec;
    while (!in.empty()) {
      if (!GetWireRecord(&in, &rec)) return Malformed("FileDescriptorProto");
      if (rec.wire_type != kWireLengthDelimited) continue;
      switch (rec.number) {
        case 2: package = std::string(rec.bytes.str()); break;
        case 4: messages.push_back(rec.bytes); break;
        case 5: enums.push_back(rec.bytes); break;
        case 12: syntax = std::string(rec.bytes.str()); break;
      }
    }
    // Declarations may come before `package` on the wire; read them after.
    bool proto3 = syntax == "proto3";
    for (ByteView m : messages) CKPT_RETURN_IF_ERROR(ReadMessage(m, package, proto3));
    for (ByteView e : enums) CKPT_RETURN_IF_ERROR(ReadEnum(e, package));
    return Status::Ok();
  }

  static std::string Join(const std::string& scope, std::string_view name) {
    return scope.empty() ? std::string(name) : scope + "." + std::string(name);
  }

  Status ReadMessage(ByteView in, const std::string& scope, bool proto3) {
    auto message = std::make_unique<ProtoMessage>();
    message->proto3 = proto3;
    std::string_view name;
    std::vector<ByteView> fields, nested, enums;
    WireRecord rec;
    while (!in.empty()) {
      if (!GetWireRecord(&in, &rec)) return Malformed("DescriptorProto");
      if (rec.wire_type != kWireLengthDelimited) continue;
      switch (rec.number) {
        case 1: name = rec.bytes.str(); break;
        case 2: fields.push_back(rec.bytes); break;
        case 3: nested.push_back(rec.bytes); break;
        case 4: enums.push_back(rec.bytes); break;
        case 8: {  // OneofDescriptorProto
          ByteView oneof = rec.bytes;
          WireRecord o;
          std::string oneof_name;
          while (!oneof.empty()) {
            if (!GetWireRecord(&oneof, &o)) return Malformed("OneofDescriptorProto");
            if (o.number == 1 && o.wire_type == kWireLengthDelimited) {
              oneof_name = std::string(o.bytes.str());
            }
          }
          message->oneof_names.push_back(std::move(oneof_name));
          break;
        }
        case 7: {  // MessageOptions
          ByteView options = rec.bytes;
          WireRecord opt;
          while (!options.empty()) {
            if (!GetWireRecord(&options, &opt)) return Malformed("MessageOptions");
            if (opt.number == 7 && opt.wire_type == kWireVarint) message->map_entry = opt.value != 0;
          }
          break;
        }
      }
    }
    if (name.empty()) return Malformed("DescriptorProto (no name)");
    message->full_name = Join(scope, name);
    for (ByteView f : fields) {
      ProtoField field;
      CKPT_RETURN_IF_ERROR(ReadField(f, proto3, &field));
      if (field.oneof_index < -1 || field.oneof_index >= int32_t(message->oneof_names.size())) {
        return Malformed("FieldDescriptorProto (oneof_index)");
      }
      message->fields.push_back(std::move(field));
    }
    std::stable_sort(message->fields.begin(), message->fields.end(),
                     [](const ProtoField& a, const ProtoField& b) { return a.number < b.number; });
    for (ByteView n : nested) CKPT_RETURN_IF_ERROR(ReadMessage(n, message->full_name, proto3));
    for (ByteView e : enums) CKPT_RETURN_IF_ERROR(ReadEnum(e, message->full_name));
    schema_->messages_.push_back(std::move(message));
    return Status::Ok();
  }

  Status ReadField(ByteView in, bool proto3, ProtoField* field) {
    bool packed_set = false, packed = false, proto3_optional = false;
    uint64_t label = 1;
    WireRecord rec;
    while (!in.empty()) {
      if (!GetWireRecord(&in, &rec)) return Malformed("FieldDescriptorProto");
      switch (rec.number) {
        case 1: field->name = std::string(rec.bytes.str()); break;
        case 3: field->number = int32_t(rec.value); break;
        case 4: label = rec.value; break;
        case 5:
          if (rec.value < 1 || rec.value > 18) return Malformed("FieldDescriptorProto (type)");
          field->type = ProtoType(rec.value);
          break;
        case 6: field->type_name = std::string(rec.bytes.str()); break;
        case 8: {  // FieldOptions
          ByteView options = rec.bytes;
          WireRecord opt;
          while (!options.empty()) {
            if (!GetWireRecord(&options, &opt)) return Malformed("FieldOptions");
            if (opt.number == 2 && opt.wire_type == kWireVarint) {
              packed_set = true;
              packed = opt.value != 0;
            }
          }
          break;
        }
        case 9: field->oneof_index = int32_t(rec.value); break;
        case 17: proto3_optional = rec.value != 0; break;
      }
    }
    if (field->name.empty() || field->number <= 0) {
      return Malformed("FieldDescriptorProto (name/number)");
    }
    field->repeated = label == 3;
    // A proto3 `optional` is a synthetic one-member oneof: presence, no exclusion.
    if (proto3_optional) field->oneof_index = -1;
    bool scalar = WireTypeOf(field->type) != kWireLengthDelimited;
    field->packed = field->repeated && scalar && (packed_set ? packed : proto3);
    field->has_presence = !field->repeated &&
                          (field->type == ProtoType::kMessage || field->type == ProtoType::kGroup ||
                           !proto3 || proto3_optional || field->oneof_index >= 0);
    return Status::Ok();
  }

  Status ReadEnum(ByteView in, const std::string& scope) {
    auto e = std::make_unique<ProtoEnum>();
    std::string_view name;
    WireRecord rec;
    while (!in.empty()) {
      if (!GetWireRecord(&in, &rec)) return Malformed("EnumDescriptorProto");
      if (rec.number == 1 && rec.wire_type == kWireLengthDelimited) name = rec.bytes.str();
      if (rec.number == 2 && rec.wire_type == kWireLengthDelimited) {
        ByteView value = rec.bytes;
        std::string value_name;
        int32_t number = 0;
        WireRecord v;
        while (!value.empty()) {
          if (!GetWireRecord(&value, &v)) return Malformed("EnumValueDescriptorProto");
          if (v.number == 1 && v.wire_type == kWireLengthDelimited) {
            value_name = std::string(v.bytes.str());
          }
          if (v.number == 2 && v.wire_type == kWireVarint) number = int32_t(v.value);
        }
        e->values.emplace_back(std::move(value_name), number);
      }
    }
    if (name.empty()) return Malformed("EnumDescriptorProto (no name)");
    e->full_name = Join(scope, name);
    schema_->enums_.push_back(std::move(e));
    return Status::Ok();
  }

  Status Resolve() {
    for (auto& m : schema_->messages_) schema_->messages_by_name_[m->full_name] = m.get();
    for (auto& e : schema_->enums_) schema_->enums_by_name_[e->full_name] = e.get();
    for (auto& m : schema_->messages_) {
      for (ProtoField& field : m->fields) {
        if (field.type != ProtoType::kMessage && field.type != ProtoType::kGroup &&
            field.type != ProtoType::kEnum) {
          continue;
        }
        // protoc writes fully qualified names (".pkg.Type") in descriptor sets.
        std::string_view type_name = field.type_name;
        if (!type_name.empty() && type_name[0] == '.') type_name.remove_prefix(1);
        if (field.type == ProtoType::kEnum) {
          field.enum_type = schema_->FindEnum(type_name);
          if (field.enum_type == nullptr) return Unresolved(*m, field);
        } else {
          field.message_type = schema_->FindMessage(type_name);
          if (field.message_type == nullptr) return Unresolved(*m, field);
        }
      }
    }
    return Status::Ok();
  }

  static Status Unresolved(const ProtoMessage& m, const ProtoField& field) {
    return Status::Error("proto descriptor set: field " + m.full_name + "." + field.name +
                         " has unknown type \"" + field.type_name + "\"");
  }

  ProtoSchema* schema_;
};

Result<ProtoSchema> ProtoSchema::FromDescriptorSet(ByteView bytes) {
  ProtoSchema schema;
  DescriptorSetReader reader(&schema);
  CKPT_RETURN_IF_ERROR(reader.ReadSet(bytes));
  return schema;
}

Result<const ProtoSchema*> ProtoSchema::Builtin() {
  // Parsed once (a thread-safe static) and kept for the life of the process.
  static const Result<ProtoSchema>* const parsed = new Result<ProtoSchema>(FromDescriptorSet(
      ByteView(embedded::kProtoDescriptorSet, embedded::kProtoDescriptorSetSize)));
  if (!parsed->ok()) return parsed->status().WithContext("built-in proto schema");
  return &parsed->value();
}

}  // namespace ckptview::formats
