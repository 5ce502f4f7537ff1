// VariablesView: the table of one checkpoint's variables — filter box, sort
// by any column, flat list or name-scope tree, optimizer slots shown or
// hidden, totals. Only UI state lives here; the rows come from a VariableList
// rebuilt when the document or an option changes, and drawing goes through
// ImGuiListClipper, so 100k variables cost the visible rows per frame.
#pragma once

#include <set>
#include <string>

#include "app/commands.h"
#include "app/variable_list.h"

namespace ckptview::app {

struct Document;
struct SelectedValue;

class VariablesView {
 public:
  void Draw(const Document& doc, const SelectedValue& selected, CommandQueue& commands);

  // Brings the rows up to date with `doc` and the options (Draw calls it).
  void Update(const Document& doc);

  VariableListOptions options;     // filter, sort, tree, slots
  std::set<std::string> expanded;  // tree: scope paths the user opened
  const VariableList& list() const { return list_; }

 private:
  VariableList list_;
  int built_document_ = -1;
  int built_generation_ = -1;
  VariableListOptions built_options_;
  std::set<std::string> built_expanded_;
  bool built_ = false;
};

}  // namespace ckptview::app
