// ProtoSchema: the message and enum declarations of proto/*.proto, read from a
// serialized google.protobuf.FileDescriptorSet. The lite runtime we link has
// no descriptors or reflection; this is the little of them that the
// text-format parser and printer (text_format.h) need.
//
// The build runs `protoc --descriptor_set_out --include_imports` over
// proto/*.proto and embeds the bytes (cmake/embed.cmake); Builtin() parses
// them once. FromDescriptorSet() reads any set, e.g. in tests.
//
// Wire layout read (descriptor.proto field numbers; everything else skipped):
//   FileDescriptorSet   1 file: FileDescriptorProto (repeated)
//   FileDescriptorProto 1 name, 2 package, 4 message_type, 5 enum_type, 12 syntax
//   DescriptorProto     1 name, 2 field, 3 nested_type, 4 enum_type, 7 options{7 map_entry},
//                       8 oneof_decl{1 name}
//   FieldDescriptorProto 1 name, 3 number, 4 label, 5 type, 6 type_name,
//                        8 options{2 packed}, 9 oneof_index, 10 json_name, 17 proto3_optional
//   EnumDescriptorProto 1 name, 2 value{1 name, 2 number}
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/byte_view.h"
#include "base/status.h"

namespace ckptview::formats {

// FieldDescriptorProto.Type, same numbers.
enum class ProtoType : uint8_t {
  kDouble = 1, kFloat = 2, kInt64 = 3, kUint64 = 4, kInt32 = 5, kFixed64 = 6,
  kFixed32 = 7, kBool = 8, kString = 9, kGroup = 10, kMessage = 11, kBytes = 12,
  kUint32 = 13, kEnum = 14, kSfixed32 = 15, kSfixed64 = 16, kSint32 = 17, kSint64 = 18,
};

// Wire types of a tag's low 3 bits.
enum WireType : uint32_t {
  kWireVarint = 0,
  kWireFixed64 = 1,
  kWireLengthDelimited = 2,
  kWireFixed32 = 5,
};

// One record of a message on the wire: field number, wire type, and the
// varint/fixed value or the length-delimited payload (a view into the input).
struct WireRecord {
  uint32_t number = 0;
  uint32_t wire_type = 0;
  uint64_t value = 0;
  ByteView bytes;
};

// Consumes one record from `in`; false on truncated or malformed input
// (including groups, which no message we declare uses).
bool GetWireRecord(ByteView* in, WireRecord* rec);

// The wire type a field's single (unpacked) value uses.
WireType WireTypeOf(ProtoType type);
// Spelling in .proto files ("int64", "message", ...), for error messages.
const char* ProtoTypeName(ProtoType type);

struct ProtoEnum {
  std::string full_name;  // "tensorflow.DataType"
  std::vector<std::pair<std::string, int32_t>> values;  // declaration order

  // Returns false if there is no value of that name / number.
  bool FindNumber(std::string_view name, int32_t* number) const;
  const std::string* FindName(int32_t number) const;  // first declared alias, or null
};

struct ProtoMessage;

struct ProtoField {
  std::string name;             // "tensor_content"
  int32_t number = 0;
  ProtoType type = ProtoType::kInt32;
  bool repeated = false;
  bool packed = false;          // a repeated scalar written as one packed record
  bool has_presence = false;    // proto2 optional, proto3 `optional`, oneof member, message
  int32_t oneof_index = -1;     // real oneof (not a proto3 `optional` synthetic one), or -1
  const ProtoMessage* message_type = nullptr;  // for kMessage / kGroup
  const ProtoEnum* enum_type = nullptr;        // for kEnum
  std::string type_name;        // as declared, ".tensorflow.TensorProto"; resolved into the above

  bool is_message() const { return type == ProtoType::kMessage || type == ProtoType::kGroup; }
  bool is_map() const;  // repeated message whose type is a map entry
};

struct ProtoMessage {
  std::string full_name;        // "tensorflow.NodeDef"
  bool map_entry = false;       // synthesized map<K, V> entry (fields key = 1, value = 2)
  bool proto3 = false;          // declared in a proto3 file: strings must be UTF-8
  std::vector<ProtoField> fields;  // sorted by number
  std::vector<std::string> oneof_names;  // by ProtoField::oneof_index

  const ProtoField* FindFieldByName(std::string_view name) const;
  const ProtoField* FindFieldByNumber(int32_t number) const;
};

class ProtoSchema {
 public:
  ProtoSchema() = default;
  ProtoSchema(ProtoSchema&&) = default;
  ProtoSchema& operator=(ProtoSchema&&) = default;

  // Decodes a serialized FileDescriptorSet. Fails on malformed bytes and on a
  // field whose type_name names no message or enum in the set.
  static Result<ProtoSchema> FromDescriptorSet(ByteView bytes);

  // The schema of proto/*.proto embedded at build time, parsed on first use
  // (thread-safe). Never null when ok; failure is a build bug, but reported.
  static Result<const ProtoSchema*> Builtin();

  // By full name without a leading dot ("tensorflow.GraphDef"); null if absent.
  const ProtoMessage* FindMessage(std::string_view full_name) const;
  const ProtoEnum* FindEnum(std::string_view full_name) const;
  size_t message_count() const { return messages_.size(); }
  size_t enum_count() const { return enums_.size(); }

 private:
  // Owned through unique_ptr so the ProtoField pointers survive moves.
  std::vector<std::unique_ptr<ProtoMessage>> messages_;
  std::vector<std::unique_ptr<ProtoEnum>> enums_;
  std::unordered_map<std::string_view, ProtoMessage*> messages_by_name_;
  std::unordered_map<std::string_view, ProtoEnum*> enums_by_name_;

  friend class DescriptorSetReader;
};

}  // namespace ckptview::formats
