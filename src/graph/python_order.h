// Map entry order as TensorFlow's Python writes it.
//
// freeze_graph.py writes its GraphDef with SerializeToString(deterministic=
// True), and Python's protobuf (upb) sorts map entries differently from C++'s
// deterministic serialization (checked against protobuf 7.36 / TF 2.21):
//   string keys   bytewise on the common prefix; when one key is a prefix of
//                 the other, the LONGER one first ("Tshape" before "T",
//                 "ab" before "a" before "b");
//   integer keys  descending (arg_attr 300, 10, 2, 1, 0).
// C++ puts "T" before "Tshape" and integers ascending. Reordering entries
// never changes a length, so this rewrites C++-serialized bytes in one pass,
// guided by the schema of proto/*.proto (formats/proto_schema.h), recursing
// into every message field (AttrValue, NameAttrList, FunctionDef, ...).
#pragma once

#include <string>
#include <string_view>

#include <google/protobuf/message_lite.h>

#include "base/status.h"
#include "formats/proto_schema.h"

namespace ckptview::graph {

// `in` is a serialized message of `type`; `*out` gets the same bytes with map
// entries in Python's order. Fails only on malformed input.
Status ReorderMapsAsPython(std::string_view in, const formats::ProtoMessage& type, std::string* out);

// The schema entry of "tensorflow.<name>" from the embedded schema (null if
// the schema is unavailable, which is a build bug).
const formats::ProtoMessage* TensorflowMessage(std::string_view name);

// C++'s deterministic serialization of `m` (map entries sorted C++'s way).
std::string SerializeDeterministic(const google::protobuf::MessageLite& m);

// The bytes freeze_graph.py writes for `m`, a tensorflow.<type_name>:
// deterministic, with map entries in Python's order.
Result<std::string> SerializeAsPython(const google::protobuf::MessageLite& m, const char* type_name);

}  // namespace ckptview::graph
