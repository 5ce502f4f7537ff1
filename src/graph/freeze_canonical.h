// Which serialized messages a freeze may copy to its output byte for byte.
//
// The freezer writes every node it leaves unchanged as freeze_graph.py does:
// parsed, then serialized deterministically with map entries in Python's
// order (python_order.h). Most graphs written by TensorFlow already hold their
// nodes in exactly that form, so parsing and re-serializing them is wasted
// work and memory. IsCanonicalAsPython says, from the bytes alone, that they
// are in that form; when it says true the bytes may be copied. It may say
// false for some canonical bytes (then the node is re-serialized, which gives
// the same bytes), never true for bytes that re-serialization would change.
//
// Canonical means, recursively (schema from formats/proto_schema.h):
//   - fields in ascending number order; only repeated fields repeat, and a
//     packed field is one non-empty record; no unknown fields, no groups;
//   - tags, lengths and varints minimally encoded; int32/enum values
//     sign-extended, uint32/sint32 within 32 bits, bools 0 or 1;
//   - proto3 singular scalars without presence are not their default (zero,
//     empty); at most one member of each oneof;
//   - proto3 strings valid UTF-8;
//   - map entries: exactly key then value, in Python's key order (strictly,
//     so no duplicate keys).
#pragma once

#include <string_view>

#include "formats/proto_schema.h"

namespace ckptview::graph {

bool IsCanonicalAsPython(std::string_view bytes, const formats::ProtoMessage& type);

}  // namespace ckptview::graph
