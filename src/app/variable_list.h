// VariableList: the rows the variables table shows for one checkpoint — the
// variables filtered, sorted, optionally folded into a name-scope tree — and
// their totals. Rebuilt only when an input changes, never per frame, so a
// 100k-variable checkpoint costs one pass per filter keystroke.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "formats/checkpoint.h"

namespace ckptview::app {

enum class VariableSort { kName, kSize, kDType, kShape };

struct VariableListOptions {
  // Space-separated terms, case-insensitive; every term must occur in the
  // name; a term starting with '-' must not.
  std::string filter;
  VariableSort sort = VariableSort::kName;
  bool descending = false;
  bool show_optimizer_slots = true;
  bool tree = false;  // group by name scope ('/'-separated)

  bool operator==(const VariableListOptions& o) const {
    return filter == o.filter && sort == o.sort && descending == o.descending &&
           show_optimizer_slots == o.show_optimizer_slots && tree == o.tree;
  }
  bool operator!=(const VariableListOptions& o) const { return !(*this == o); }
};

struct VariableRow {
  int variable = -1;      // index into the checkpoint's variables(); -1 for a scope row
  std::string label;      // full name (flat list) or last name component (tree)
  std::string scope;      // tree: the scope's full path ("dense/kernel" -> "dense")
  int depth = 0;          // tree indentation
  bool expanded = false;  // scope rows: whether children follow
  // Totals over the row's variables (one variable, or a scope's subtree).
  int count = 0;
  int64_t parameters = 0;
  uint64_t bytes = 0;
};

struct VariableTotals {
  int count = 0;
  int64_t parameters = 0;  // elements of numeric variables
  uint64_t bytes = 0;
};

// The name a person reads: a TF2 object path when the checkpoint has one
// ("model/dense/kernel"), else the key.
const std::string& DisplayName(const formats::VariableInfo& v);
// Internal entries (the object graph) are listed but count as no parameters.
bool IsInternalEntry(const formats::VariableInfo& v);
// Elements counted as parameters: 0 for strings and internal entries.
int64_t ParameterCount(const formats::VariableInfo& v);
bool MatchesFilter(const std::string& name, const std::string& filter);

class VariableList {
 public:
  // Recomputes rows. `expanded` holds the scope paths the user opened (tree
  // mode); with a non-empty filter every scope with a match is open.
  void Rebuild(const std::vector<formats::VariableInfo>& variables,
               const VariableListOptions& options, const std::set<std::string>& expanded);

  const std::vector<VariableRow>& rows() const { return rows_; }
  const VariableTotals& shown() const { return shown_; }  // after filter / slot toggle
  const VariableTotals& all() const { return all_; }

 private:
  std::vector<VariableRow> rows_;
  VariableTotals shown_, all_;
};

}  // namespace ckptview::app
