#include "app/variables_view.h"

#include <cinttypes>
#include <cstdio>

#include "app/app.h"
#include "app/format_units.h"
#include "imgui.h"
#include "misc/cpp/imgui_stdlib.h"

namespace ckptview::app {

void VariablesView::Update(const Document& doc) {
  if (built_ && built_document_ == doc.id && built_generation_ == doc.generation &&
      built_options_ == options && built_expanded_ == expanded)
    return;
  static const std::vector<formats::VariableInfo> kNone;
  list_.Rebuild(doc.checkpoint ? doc.checkpoint->variables() : kNone, options, expanded);
  built_ = true;
  built_document_ = doc.id;
  built_generation_ = doc.generation;
  built_options_ = options;
  built_expanded_ = expanded;
}

void VariablesView::Draw(const Document& doc, const SelectedValue& selected,
                         CommandQueue& commands) {
  // Toolbar: filter and toggles.
  ImGui::SetNextItemWidth(-260.0f);
  ImGui::InputTextWithHint("##filter", "filter names (a b = both, -x = not)", &options.filter);
  ImGui::SameLine();
  ImGui::Checkbox("tree", &options.tree);
  ImGui::SameLine();
  ImGui::Checkbox("optimizer slots", &options.show_optimizer_slots);

  Update(doc);
  const VariableTotals& shown = list_.shown();
  const VariableTotals& all = list_.all();
  if (shown.count == all.count) {
    ImGui::Text("%d variables, %s parameters, %s", all.count, CountText(all.parameters).c_str(),
                BytesText(all.bytes).c_str());
  } else {
    ImGui::Text("%d of %d variables, %s of %s parameters, %s", shown.count, all.count,
                CountText(shown.parameters).c_str(), CountText(all.parameters).c_str(),
                BytesText(shown.bytes).c_str());
  }
  if (!doc.checkpoint) {
    ImGui::TextDisabled("No checkpoint is open in this document.");
    return;
  }
  const auto& variables = doc.checkpoint->variables();

  const ImGuiTableFlags flags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg |
                                ImGuiTableFlags_Resizable | ImGuiTableFlags_Sortable |
                                ImGuiTableFlags_BordersOuter | ImGuiTableFlags_BordersV;
  if (!ImGui::BeginTable("variables", 4, flags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("name", ImGuiTableColumnFlags_WidthStretch | ImGuiTableColumnFlags_DefaultSort);
  ImGui::TableSetupColumn("dtype", ImGuiTableColumnFlags_WidthFixed);
  ImGui::TableSetupColumn("shape", ImGuiTableColumnFlags_WidthFixed);
  ImGui::TableSetupColumn("size", ImGuiTableColumnFlags_WidthFixed | ImGuiTableColumnFlags_PreferSortDescending);
  ImGui::TableHeadersRow();

  if (ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs()) {
    if (specs->SpecsDirty && specs->SpecsCount > 0) {
      static const VariableSort kByColumn[] = {VariableSort::kName, VariableSort::kDType,
                                               VariableSort::kShape, VariableSort::kSize};
      options.sort = kByColumn[specs->Specs[0].ColumnIndex];
      options.descending = specs->Specs[0].SortDirection == ImGuiSortDirection_Descending;
      specs->SpecsDirty = false;
    }
  }
  Update(doc);  // the sort may have changed

  const auto& rows = list_.rows();
  const float indent = ImGui::GetTreeNodeToLabelSpacing();
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(rows.size()));
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const VariableRow& row = rows[i];
      const formats::VariableInfo* v = row.variable >= 0 ? &variables[row.variable] : nullptr;
      const bool is_selected = v && selected.document == doc.id && selected.key == v->key &&
                               selected.state != SelectedValue::State::kNone;
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      ImGui::PushID(i);
      if (options.tree) {
        ImGui::SetCursorPosX(ImGui::GetCursorPosX() + indent * row.depth);
        const bool is_scope = !row.scope.empty();
        ImGuiTreeNodeFlags tf = ImGuiTreeNodeFlags_NoTreePushOnOpen | ImGuiTreeNodeFlags_SpanFullWidth;
        if (!is_scope) tf |= ImGuiTreeNodeFlags_Leaf;
        if (is_selected) tf |= ImGuiTreeNodeFlags_Selected;
        if (is_scope) ImGui::SetNextItemOpen(row.expanded, ImGuiCond_Always);
        bool open = ImGui::TreeNodeEx("##node", tf, "%s", row.label.c_str());
        if (is_scope && open != row.expanded) {
          if (open) expanded.insert(row.scope);
          else expanded.erase(row.scope);
        } else if (v && ImGui::IsItemClicked()) {
          commands.Post(Command::SelectVariable(doc.id, v->key));
        }
      } else {
        if (ImGui::Selectable(row.label.c_str(), is_selected, ImGuiSelectableFlags_SpanAllColumns) && v)
          commands.Post(Command::SelectVariable(doc.id, v->key));
      }
      if (v && ImGui::IsItemHovered() && v->key != row.label) {
        ImGui::SetTooltip("key: %s", v->key.c_str());
      }
      ImGui::PopID();

      ImGui::TableSetColumnIndex(1);
      if (v) {
        ImGui::TextUnformatted(DTypeName(v->dtype).data(), DTypeName(v->dtype).data() + DTypeName(v->dtype).size());
        if (v->optimizer_slot) {
          ImGui::SameLine();
          ImGui::TextDisabled("slot");
        }
      } else {
        ImGui::TextDisabled("%d vars", row.count);
      }
      ImGui::TableSetColumnIndex(2);
      if (v) {
        std::string shape = ShapeString(v->shape);
        if (v->num_slices > 0) shape += " (" + std::to_string(v->num_slices) + " slices)";
        ImGui::TextUnformatted(shape.c_str());
      }
      ImGui::TableSetColumnIndex(3);
      ImGui::TextUnformatted(BytesText(row.bytes).c_str());
    }
  }
  ImGui::EndTable();
}

}  // namespace ckptview::app
