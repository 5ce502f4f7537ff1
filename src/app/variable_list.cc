#include "app/variable_list.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <string_view>
#include <unordered_map>

namespace ckptview::app {
namespace {

bool ContainsNoCase(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return true;
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char a, char b) {
                          return std::tolower(static_cast<unsigned char>(a)) ==
                                 std::tolower(static_cast<unsigned char>(b));
                        });
  return it != haystack.end();
}

// A name-scope tree node: a scope, a variable, or both ("a" and "a/b").
struct Node {
  std::string label;
  std::string path;
  int variable = -1;
  std::vector<int> children;
  VariableTotals totals;
};

}  // namespace

const std::string& DisplayName(const formats::VariableInfo& v) {
  return v.object_path.empty() ? v.key : v.object_path;
}

bool IsInternalEntry(const formats::VariableInfo& v) {
  return v.key == "_CHECKPOINTABLE_OBJECT_GRAPH";
}

int64_t ParameterCount(const formats::VariableInfo& v) {
  if (IsInternalEntry(v) || DTypeSize(v.dtype) == 0) return 0;
  int64_t n = NumElements(v.shape);
  return n < 0 ? 0 : n;
}

bool MatchesFilter(const std::string& name, const std::string& filter) {
  size_t pos = 0;
  while (pos < filter.size()) {
    size_t end = filter.find(' ', pos);
    if (end == std::string::npos) end = filter.size();
    std::string_view term(filter.data() + pos, end - pos);
    pos = end + 1;
    if (term.empty()) continue;
    bool negate = term[0] == '-' && term.size() > 1;
    if (negate) term.remove_prefix(1);
    if (ContainsNoCase(name, term) == negate) return false;
  }
  return true;
}

void VariableList::Rebuild(const std::vector<formats::VariableInfo>& variables,
                           const VariableListOptions& options,
                           const std::set<std::string>& expanded) {
  rows_.clear();
  shown_ = all_ = {};

  std::vector<int> shown;
  for (size_t i = 0; i < variables.size(); ++i) {
    const auto& v = variables[i];
    all_.count++;
    all_.parameters += ParameterCount(v);
    all_.bytes += v.bytes;
    if (!options.show_optimizer_slots && v.optimizer_slot) continue;
    if (!MatchesFilter(DisplayName(v), options.filter)) continue;
    shown.push_back(static_cast<int>(i));
    shown_.count++;
    shown_.parameters += ParameterCount(v);
    shown_.bytes += v.bytes;
  }

  // Orders two rows by the chosen key; ties (and scope rows, which have no
  // dtype or shape) fall back to the name.
  auto less = [&](const std::string& name_a, int var_a, uint64_t bytes_a,
                  const std::string& name_b, int var_b, uint64_t bytes_b) {
    int c = 0;
    switch (options.sort) {
      case VariableSort::kName:
        break;
      case VariableSort::kSize:
        c = bytes_a < bytes_b ? -1 : bytes_a > bytes_b ? 1 : 0;
        break;
      case VariableSort::kDType:
        if (var_a >= 0 && var_b >= 0)
          c = DTypeName(variables[var_a].dtype).compare(DTypeName(variables[var_b].dtype));
        break;
      case VariableSort::kShape:
        if (var_a >= 0 && var_b >= 0) {
          const Shape& sa = variables[var_a].shape;
          const Shape& sb = variables[var_b].shape;
          c = sa.size() != sb.size() ? (sa.size() < sb.size() ? -1 : 1)
              : sa < sb               ? -1
              : sb < sa               ? 1
                                      : 0;
        }
        break;
    }
    if (c == 0) c = name_a.compare(name_b);
    return options.descending ? c > 0 : c < 0;
  };

  if (!options.tree) {
    std::sort(shown.begin(), shown.end(), [&](int a, int b) {
      return less(DisplayName(variables[a]), a, variables[a].bytes, DisplayName(variables[b]), b,
                  variables[b].bytes);
    });
    rows_.reserve(shown.size());
    for (int i : shown) {
      const auto& v = variables[i];
      VariableRow row;
      row.variable = i;
      row.label = DisplayName(v);
      row.count = 1;
      row.parameters = ParameterCount(v);
      row.bytes = v.bytes;
      rows_.push_back(std::move(row));
    }
    return;
  }

  // Tree: one node per distinct scope prefix.
  std::vector<Node> nodes(1);  // nodes[0] is the root
  std::unordered_map<std::string, int> by_path;
  for (int i : shown) {
    const auto& v = variables[i];
    const std::string& name = DisplayName(v);
    int parent = 0;
    size_t start = 0;
    while (true) {
      size_t slash = name.find('/', start);
      size_t end = slash == std::string::npos ? name.size() : slash;
      std::string path = name.substr(0, end);
      auto [it, inserted] = by_path.try_emplace(path, static_cast<int>(nodes.size()));
      if (inserted) {
        Node n;
        n.label = name.substr(start, end - start);
        n.path = path;
        nodes.push_back(std::move(n));
        nodes[parent].children.push_back(it->second);
      }
      int node = it->second;
      nodes[node].totals.count++;
      nodes[node].totals.parameters += ParameterCount(v);
      nodes[node].totals.bytes += v.bytes;
      if (slash == std::string::npos) {
        nodes[node].variable = i;
        break;
      }
      parent = node;
      start = slash + 1;
    }
  }

  const bool open_all = !options.filter.empty();
  std::function<void(int, int)> emit = [&](int node, int depth) {
    auto& children = nodes[node].children;
    std::sort(children.begin(), children.end(), [&](int a, int b) {
      return less(nodes[a].label, nodes[a].children.empty() ? nodes[a].variable : -1,
                  nodes[a].totals.bytes, nodes[b].label,
                  nodes[b].children.empty() ? nodes[b].variable : -1, nodes[b].totals.bytes);
    });
    for (int c : children) {
      const Node& n = nodes[c];
      VariableRow row;
      row.variable = n.variable;
      row.label = n.label;
      row.scope = n.path;
      row.depth = depth;
      row.count = n.totals.count;
      row.parameters = n.totals.parameters;
      row.bytes = n.totals.bytes;
      const bool is_scope = !n.children.empty();
      row.expanded = is_scope && (open_all || expanded.count(n.path) > 0);
      if (!is_scope) row.scope.clear();
      rows_.push_back(std::move(row));
      if (is_scope && rows_.back().expanded) emit(c, depth + 1);
    }
  };
  emit(0, 0);
}

}  // namespace ckptview::app
