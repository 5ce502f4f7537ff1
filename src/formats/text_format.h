// Protobuf text format (`.pbtxt`, the `checkpoint` state file) for the lite
// runtime, which has no TextFormat of its own. Both directions work from the
// ProtoSchema of proto/*.proto (proto_schema.h), so every message we declare
// is covered without generated reflection.
//
// Parsing encodes the text straight into the binary wire format and hands
// that to MessageLite::ParseFromString. Consecutive values of a packed field
// become one packed record, so text in field-number order encodes to the
// canonical bytes. Accepted, as TensorFlow's C++/Python parsers do:
//   name: value        `:` optional before `{`/`<` of a message value
//   name { ... }       or name < ... >
//   name: [v1, v2]     list syntax for repeated fields (scalars or messages)
//   , ;                optional field separators;  # comments to end of line
//   numbers            decimal, 0x hex, 0 octal, floats with e/E and f suffix,
//                      inf / infinity / nan (any case), leading `-`
//   strings            '...' or "..." with C escapes (\n \t \\ \' \" \x41 \101
//                      \u00e9 \U0001f600 ...); adjacent literals concatenate
//   enums              by name or by number;  bools true/false/True/False/t/f/1/0
//   maps               repeated entries `{ key: ... value: ... }`
//   Any                [type.googleapis.com/tensorflow.X] { ... } inside a
//                      tensorflow.Any (written as type_url + value bytes)
// Other `[extension]` names are rejected. Errors read
// "<file>:<line>:<column>: <what>" with 1-based line and column (in bytes),
// e.g. `graph.pbtxt:12:5: unknown field "nme" in tensorflow.NodeDef`. A field
// that is not repeated may be given once, two members of a oneof cannot both
// be given, proto3 `string` fields must be valid UTF-8, nesting is limited to
// 100 levels (protobuf's own limit).
//
// Printing decodes a message's wire bytes with the schema and writes what
// TF's Python text_format.MessageToString writes (checked byte for byte on
// TF-written files): `name: value` lines in field-number order, sub-messages
// as `name {` ... `}` indented by 2 spaces, strings C-escaped (octal for
// bytes outside printable ASCII), floats in Python's shortest form ("1.0",
// "0.1", "1e-05"), enums by name, map entries sorted by key, proto3 scalars
// holding their default left out, and an Any whose type we declare expanded
// as `[type.googleapis.com/tensorflow.X] { ... }` (only when parsing that back
// gives the same value bytes; otherwise type_url and value are printed).
// Fields the schema does not know print as `<number>: <value>`, which the
// parser rejects.
#pragma once

#include <string>
#include <string_view>

#include "base/byte_view.h"
#include "base/status.h"

namespace google::protobuf {
class MessageLite;
}

namespace ckptview::formats {

// Parses `text` as a message of msg->GetTypeName() and replaces *msg with it.
// `file_name` prefixes error messages. On error *msg is left cleared.
Status ParseTextFormat(std::string_view file_name, std::string_view text,
                       google::protobuf::MessageLite* msg);

// Same parse, producing the binary wire bytes of message type `type_name`
// ("tensorflow.GraphDef") in *wire instead of filling a generated class.
Status TextFormatToWire(std::string_view file_name, std::string_view text,
                        std::string_view type_name, std::string* wire);

// Text format of `msg`. A type missing from the schema gives a one-line
// `# ...` comment instead.
std::string PrintTextFormat(const google::protobuf::MessageLite& msg);

// Text format of the wire bytes of a message of type `type_name`. Fails on an
// unknown type or malformed bytes.
Result<std::string> WireToTextFormat(ByteView wire, std::string_view type_name);

}  // namespace ckptview::formats
