// TF2 object-based checkpoints: the `_CHECKPOINTABLE_OBJECT_GRAPH` tensor
// (a serialized TrackableObjectGraph, FORMATS.md 6.9) turned into readable
// object paths for checkpoint keys, and slot-variable detection.
//
// TrackableObjectGraph { repeated TrackableObject nodes = 1; }   node 0 = root
// TrackableObject {
//   repeated ObjectReference children = 1;        {node_id, local_name}
//   repeated SerializedTensor attributes = 2;     {name, full_name, checkpoint_key}
//   repeated SlotVariableReference slot_variables = 3;
//       {original_variable_node_id, slot_name, slot_variable_node_id}
// }
// Checkpoint keys are `<escaped path>/.ATTRIBUTES/<attribute>`, each path
// component escaped by doubling '.' and writing '/' as ".S"; slot variables
// are `<variable path>/.OPTIMIZER_SLOT/<optimizer path>/<slot name>`.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>

#include "base/byte_view.h"
#include "base/status.h"

namespace ckptview::formats {

struct ObjectGraphPaths {
  // checkpoint key -> readable object path. A variable's VARIABLE_VALUE key
  // maps to the object's path ("model/dense/kernel"); another attribute adds
  // "/<attribute name>". Slot variables map to
  // "<variable path>/.OPTIMIZER_SLOT/<optimizer path>/<slot name>".
  std::map<std::string, std::string, std::less<>> key_to_path;
  // Checkpoint keys of slot variables (from slot_variables references).
  std::set<std::string, std::less<>> slot_keys;
};

// Parses a serialized TrackableObjectGraph. Paths come from a breadth-first
// walk from the root over children in order, first visit wins (how TF names
// objects when saving). Child ids out of range are errors.
Result<ObjectGraphPaths> ParseObjectGraph(ByteView serialized);

// Undoes TF's escaping of one path component: ".." -> ".", ".S" -> "/".
std::string UnescapeLocalName(std::string_view escaped);
// Readable path from a key alone (no object graph): the part before
// "/.ATTRIBUTES/", each component unescaped; "" if the key has no such part.
std::string ObjectPathFromKey(std::string_view key);

}  // namespace ckptview::formats
