#include "formats/object_graph.h"

#include <deque>
#include <vector>

#include "formats/sstable.h"  // kMaxProtoBytes
#include "trackable_object_graph.pb.h"

namespace ckptview::formats {

std::string UnescapeLocalName(std::string_view escaped) {
  std::string out;
  out.reserve(escaped.size());
  for (size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] == '.' && i + 1 < escaped.size()) {
      if (escaped[i + 1] == '.') {
        out.push_back('.');
        ++i;
        continue;
      }
      if (escaped[i + 1] == 'S') {
        out.push_back('/');
        ++i;
        continue;
      }
    }
    out.push_back(escaped[i]);
  }
  return out;
}

std::string ObjectPathFromKey(std::string_view key) {
  static constexpr std::string_view kAttributes = "/.ATTRIBUTES/";
  static constexpr std::string_view kSlot = "/.OPTIMIZER_SLOT/";
  const size_t at = key.find(kAttributes);
  if (at == std::string_view::npos) return "";
  std::string_view path = key.substr(0, at);
  std::string out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view part = path.substr(start, slash - start);
    if (!out.empty()) out += '/';
    // The slot marker is itself a component; keep it readable as-is.
    out += (part == kSlot.substr(1, kSlot.size() - 2)) ? std::string(part) : UnescapeLocalName(part);
    start = slash + 1;
  }
  const std::string_view attribute = key.substr(at + kAttributes.size());
  if (attribute != "VARIABLE_VALUE" && !attribute.empty()) out += "/" + UnescapeLocalName(attribute);
  return out;
}

Result<ObjectGraphPaths> ParseObjectGraph(ByteView serialized) {
  tensorflow::TrackableObjectGraph graph;
  if (serialized.size() > kMaxProtoBytes || !graph.ParseFromArray(serialized.data(), int(serialized.size()))) {
    return Status::Error("object graph (" + std::to_string(serialized.size()) +
                         " bytes) is not a parseable TrackableObjectGraph");
  }
  const int n = graph.nodes_size();
  ObjectGraphPaths out;
  if (n == 0) return out;

  // Breadth-first from the root; the first path that reaches a node names it.
  std::vector<std::string> path(static_cast<size_t>(n));
  std::vector<bool> seen(static_cast<size_t>(n), false);
  std::deque<int> queue{0};
  seen[0] = true;
  while (!queue.empty()) {
    const int id = queue.front();
    queue.pop_front();
    for (const auto& child : graph.nodes(id).children()) {
      const int c = child.node_id();
      if (c < 0 || c >= n) {
        return Status::Error("object graph node " + std::to_string(id) + " has child id " +
                             std::to_string(c) + " (graph has " + std::to_string(n) + " nodes)");
      }
      if (seen[size_t(c)]) continue;
      seen[size_t(c)] = true;
      path[size_t(c)] = path[size_t(id)].empty() ? child.local_name()
                                                 : path[size_t(id)] + "/" + child.local_name();
      queue.push_back(c);
    }
  }

  // Slot variables hang off the optimizer node, not the tree.
  std::vector<bool> is_slot(static_cast<size_t>(n), false);
  for (int id = 0; id < n; ++id) {
    if (!seen[size_t(id)]) continue;
    for (const auto& ref : graph.nodes(id).slot_variables()) {
      const int var = ref.original_variable_node_id();
      const int slot = ref.slot_variable_node_id();
      if (var < 0 || var >= n || slot < 0 || slot >= n) {
        return Status::Error("object graph node " + std::to_string(id) +
                             " has a slot variable reference out of range");
      }
      is_slot[size_t(slot)] = true;
      if (seen[size_t(slot)]) continue;
      seen[size_t(slot)] = true;
      path[size_t(slot)] = path[size_t(var)] + "/.OPTIMIZER_SLOT/" + path[size_t(id)] + "/" + ref.slot_name();
    }
  }

  for (int id = 0; id < n; ++id) {
    if (!seen[size_t(id)]) continue;
    for (const auto& attr : graph.nodes(id).attributes()) {
      if (attr.checkpoint_key().empty()) continue;
      std::string p = path[size_t(id)];
      if (attr.name() != "VARIABLE_VALUE" && !attr.name().empty()) {
        p += (p.empty() ? "" : "/") + attr.name();
      }
      out.key_to_path.emplace(attr.checkpoint_key(), std::move(p));
      if (is_slot[size_t(id)]) out.slot_keys.insert(attr.checkpoint_key());
    }
  }
  return out;
}

}  // namespace ckptview::formats
