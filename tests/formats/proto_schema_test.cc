#include "formats/proto_schema.h"

#include <gtest/gtest.h>

#include <string>

#include "base/coding.h"

namespace ckptview::embedded {
extern const unsigned char kProtoDescriptorSet[];
extern const std::size_t kProtoDescriptorSetSize;
}  // namespace ckptview::embedded

namespace ckptview::formats {
namespace {

const ProtoSchema& Builtin() {
  Result<const ProtoSchema*> schema = ProtoSchema::Builtin();
  EXPECT_TRUE(schema.ok()) << schema.status().message();
  return **schema;
}

TEST(ProtoSchemaTest, BuiltinHasEveryDeclaredMessage) {
  const ProtoSchema& schema = Builtin();
  for (const char* name :
       {"tensorflow.GraphDef", "tensorflow.NodeDef", "tensorflow.AttrValue",
        "tensorflow.AttrValue.ListValue",
        "tensorflow.TensorProto", "tensorflow.TensorShapeProto.Dim", "tensorflow.MetaGraphDef",
        "tensorflow.SavedModel", "tensorflow.CheckpointState", "tensorflow.SavedObjectGraph",
        "tensorflow.StructuredValue", "tensorflow.BundleEntryProto", "tensorflow.FingerprintDef",
        "tensorflow.TrackableObjectGraph", "tensorflow.GraphDebugInfo.FileLineCol", "tensorflow.Any"}) {
    EXPECT_NE(schema.FindMessage(name), nullptr) << name;
  }
  EXPECT_EQ(schema.FindMessage("tensorflow.NoSuchThing"), nullptr);
  EXPECT_EQ(schema.FindMessage(".tensorflow.GraphDef"), nullptr);  // full names have no leading dot
  EXPECT_GT(schema.message_count(), 60u);
}

TEST(ProtoSchemaTest, FieldsOfNodeDef) {
  const ProtoMessage* node = Builtin().FindMessage("tensorflow.NodeDef");
  ASSERT_NE(node, nullptr);
  EXPECT_TRUE(node->proto3);
  const ProtoField* name = node->FindFieldByName("name");
  ASSERT_NE(name, nullptr);
  EXPECT_EQ(name->number, 1);
  EXPECT_EQ(name->type, ProtoType::kString);
  EXPECT_FALSE(name->repeated);
  EXPECT_FALSE(name->has_presence);
  const ProtoField* input = node->FindFieldByNumber(3);
  ASSERT_NE(input, nullptr);
  EXPECT_EQ(input->name, "input");
  EXPECT_TRUE(input->repeated);
  EXPECT_FALSE(input->packed);  // strings are never packed

  const ProtoField* attr = node->FindFieldByName("attr");
  ASSERT_NE(attr, nullptr);
  EXPECT_EQ(attr->number, 5);
  EXPECT_TRUE(attr->is_map());
  ASSERT_NE(attr->message_type, nullptr);
  EXPECT_EQ(attr->message_type->full_name, "tensorflow.NodeDef.AttrEntry");
  EXPECT_TRUE(attr->message_type->map_entry);
  const ProtoField* value = attr->message_type->FindFieldByNumber(2);
  ASSERT_NE(value, nullptr);
  EXPECT_EQ(value->message_type, Builtin().FindMessage("tensorflow.AttrValue"));
  // Sorted by number, so lookups by number are a binary search.
  for (size_t i = 1; i < node->fields.size(); ++i) {
    EXPECT_LT(node->fields[i - 1].number, node->fields[i].number);
  }
}

TEST(ProtoSchemaTest, PackingFollowsSyntaxAndOptions) {
  const ProtoSchema& schema = Builtin();
  const ProtoMessage* tensor = schema.FindMessage("tensorflow.TensorProto");
  ASSERT_NE(tensor, nullptr);
  EXPECT_TRUE(tensor->FindFieldByName("float_val")->packed);
  EXPECT_TRUE(tensor->FindFieldByName("int64_val")->packed);
  EXPECT_FALSE(tensor->FindFieldByName("string_val")->packed);
  EXPECT_FALSE(tensor->FindFieldByName("tensor_content")->packed);
  // proto3 repeated scalars are packed without an option (VersionDef.bad_consumers).
  const ProtoField* bad = schema.FindMessage("tensorflow.VersionDef")->FindFieldByName("bad_consumers");
  ASSERT_NE(bad, nullptr);
  EXPECT_TRUE(bad->packed);
  // GraphDebugInfo is proto2: optional fields have presence, strings are not UTF-8 checked.
  const ProtoMessage* flc = schema.FindMessage("tensorflow.GraphDebugInfo.FileLineCol");
  ASSERT_NE(flc, nullptr);
  EXPECT_FALSE(flc->proto3);
  EXPECT_TRUE(flc->FindFieldByName("line")->has_presence);
  const ProtoMessage* trace = schema.FindMessage("tensorflow.GraphDebugInfo.StackTrace");
  ASSERT_NE(trace, nullptr);
  EXPECT_TRUE(trace->FindFieldByName("frame_id")->packed);
}

TEST(ProtoSchemaTest, OneofsAndEnums) {
  const ProtoSchema& schema = Builtin();
  const ProtoMessage* attr = schema.FindMessage("tensorflow.AttrValue");
  ASSERT_NE(attr, nullptr);
  ASSERT_EQ(attr->oneof_names.size(), 1u);
  EXPECT_EQ(attr->oneof_names[0], "value");
  const ProtoField* i = attr->FindFieldByName("i");
  ASSERT_NE(i, nullptr);
  EXPECT_EQ(i->oneof_index, 0);
  EXPECT_TRUE(i->has_presence);
  const ProtoField* type = attr->FindFieldByName("type");
  ASSERT_NE(type, nullptr);
  ASSERT_NE(type->enum_type, nullptr);
  EXPECT_EQ(type->enum_type->full_name, "tensorflow.DataType");
  int32_t number = -1;
  EXPECT_TRUE(type->enum_type->FindNumber("DT_FLOAT", &number));
  EXPECT_EQ(number, 1);
  EXPECT_TRUE(type->enum_type->FindNumber("DT_FLOAT_REF", &number));
  EXPECT_EQ(number, 101);
  EXPECT_FALSE(type->enum_type->FindNumber("DT_NOPE", &number));
  ASSERT_NE(type->enum_type->FindName(9), nullptr);
  EXPECT_EQ(*type->enum_type->FindName(9), "DT_INT64");
  EXPECT_EQ(type->enum_type->FindName(12345), nullptr);
  EXPECT_NE(schema.FindEnum("tensorflow.DataType"), nullptr);
}

// --- hand-made descriptor sets ------------------------------------------

void PutString(std::string* out, uint32_t field, const std::string& s) {
  PutVarint32(out, field << 3 | 2);
  PutVarint64(out, s.size());
  out->append(s);
}
void PutInt(std::string* out, uint32_t field, uint64_t v) {
  PutVarint32(out, field << 3 | 0);
  PutVarint64(out, v);
}

// package p; message M { <type> f = 1 (type_name); }
std::string OneMessageSet(int type, const std::string& type_name) {
  std::string field;
  PutString(&field, 1, "f");
  PutInt(&field, 3, 1);
  PutInt(&field, 4, 1);
  PutInt(&field, 5, uint64_t(type));
  if (!type_name.empty()) PutString(&field, 6, type_name);
  std::string message;
  PutString(&message, 1, "M");
  PutString(&message, 2, field);
  std::string file;
  PutString(&file, 1, "m.proto");
  PutString(&file, 4, message);  // before the package on purpose
  PutString(&file, 2, "p");
  PutString(&file, 12, "proto3");
  std::string set;
  PutString(&set, 1, file);
  return set;
}

TEST(ProtoSchemaTest, ReadsAHandMadeSet) {
  Result<ProtoSchema> schema = ProtoSchema::FromDescriptorSet(OneMessageSet(11, ".p.M"));
  ASSERT_TRUE(schema.ok()) << schema.status().message();
  const ProtoMessage* m = schema->FindMessage("p.M");
  ASSERT_NE(m, nullptr);
  ASSERT_EQ(m->fields.size(), 1u);
  EXPECT_EQ(m->fields[0].message_type, m);  // recursive type
  EXPECT_TRUE(m->proto3);
}

TEST(ProtoSchemaTest, UnresolvedTypeNameIsAnError) {
  Result<ProtoSchema> schema = ProtoSchema::FromDescriptorSet(OneMessageSet(11, ".p.Missing"));
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(schema.status().message(),
            "proto descriptor set: field p.M.f has unknown type \".p.Missing\"");
}

TEST(ProtoSchemaTest, BadTypeNumberIsAnError) {
  Result<ProtoSchema> schema = ProtoSchema::FromDescriptorSet(OneMessageSet(19, ""));
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(schema.status().message(), "malformed FieldDescriptorProto (type) in proto descriptor set");
}

TEST(ProtoSchemaTest, TruncatedAndFlippedBytesNeverCrash) {
  // Every prefix and many byte flips of the real set: a clean result either way.
  std::string full = OneMessageSet(11, ".p.M");
  for (size_t n = 0; n < full.size(); ++n) {
    Result<ProtoSchema> schema = ProtoSchema::FromDescriptorSet(ByteView(full.data(), n));
    if (!schema.ok()) {
      EXPECT_FALSE(schema.status().message().empty());
    }
  }
  for (size_t i = 0; i < full.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = full;
      bad[i] = char(bad[i] ^ (1 << bit));
      Result<ProtoSchema> schema = ProtoSchema::FromDescriptorSet(bad);
      if (!schema.ok()) {
        EXPECT_FALSE(schema.status().message().empty());
      }
    }
  }
}

TEST(ProtoSchemaTest, TruncatedBuiltinSetNeverCrashes) {
  ByteView full(embedded::kProtoDescriptorSet, embedded::kProtoDescriptorSetSize);
  ASSERT_TRUE(ProtoSchema::FromDescriptorSet(full).ok());
  for (size_t n = 0; n < full.size(); n += 7) {
    Result<ProtoSchema> schema = ProtoSchema::FromDescriptorSet(full.substr(0, n));
    if (!schema.ok()) {
      EXPECT_FALSE(schema.status().message().empty());
    }
  }
}

TEST(ProtoSchemaTest, EmptySetIsEmpty) {
  Result<ProtoSchema> schema = ProtoSchema::FromDescriptorSet(ByteView());
  ASSERT_TRUE(schema.ok());
  EXPECT_EQ(schema->message_count(), 0u);
  EXPECT_FALSE(ProtoSchema::FromDescriptorSet(std::string("\x0a\x05", 2)).ok());  // length past the end
}

}  // namespace
}  // namespace ckptview::formats
