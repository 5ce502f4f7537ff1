// App::Draw: the window layout. One full-viewport window: a tab per
// document, the checkpoint bar, variables (left) and values (right) side by
// side, the log below, a status line with the read progress at the bottom.
// A document with a graph has two modes: "Checkpoint" (those panes) and
// "Graph view" (the canvas with its inspector, app_graph_view.cc).
#include <algorithm>
#include <cmath>

#include "app/app.h"
#include "app/format_units.h"
#include "app/graph_view.h"
#include "app/log_view.h"
#include "app/value_view.h"
#include "app/variables_view.h"
#include "imgui.h"

namespace ckptview::app {

void App::Draw() {
  graph_view_drawn_ = -1;
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->WorkPos);
  ImGui::SetNextWindowSize(vp->WorkSize);
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                 ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoSavedSettings |
                                 ImGuiWindowFlags_NoBringToFrontOnFocus;
  ImGui::Begin("ckptview", nullptr, flags);
  retired_graph_views_.clear();  // last frame's render pass is over
  PollFileFreeze();

  const float status_h = ImGui::GetFrameHeightWithSpacing();
  const float log_h = std::floor(std::max(90.0f, vp->WorkSize.y * 0.2f));
  const float main_h = std::max(60.0f, ImGui::GetContentRegionAvail().y - log_h - status_h);

  ImGui::BeginChild("main", ImVec2(0, main_h), false);
  if (documents_.empty()) {
    DrawEmptyState();
  } else if (ImGui::BeginTabBar("documents", ImGuiTabBarFlags_AutoSelectNewTabs |
                                                  ImGuiTabBarFlags_FittingPolicyScroll)) {
    for (auto& doc : documents_) {
      bool open = true;
      ImGuiTabItemFlags tf = 0;
      if (doc->id == active_document_ && tab_bar_active_ != active_document_) tf |= ImGuiTabItemFlags_SetSelected;
      std::string tab = doc->label + "###doc" + std::to_string(doc->id);
      if (ImGui::BeginTabItem(tab.c_str(), &open, tf)) {
        if (tab_bar_active_ == active_document_) active_document_ = doc->id;  // the user picked this tab
        DrawDocumentBar(*doc);
        const bool has_graph = doc->model && doc->model->graph;
        if (has_graph && ImGui::BeginTabBar("modes")) {
          const bool here = doc->id == active_document_;
          const ImGuiTabItemFlags ckpt_flags = here && show_graph_panel_ ? ImGuiTabItemFlags_SetSelected : 0;
          const ImGuiTabItemFlags view_flags = here && show_graph_view_ ? ImGuiTabItemFlags_SetSelected : 0;
          if (here) show_graph_view_ = false;
          if (ImGui::BeginTabItem("Checkpoint", nullptr, ckpt_flags)) {
            DrawCheckpointPanes(*doc);
            ImGui::EndTabItem();
          }
          if (ImGui::BeginTabItem("Graph view", nullptr, view_flags)) {
            DrawGraphView(*doc);
            ImGui::EndTabItem();
          }
          ImGui::EndTabBar();
        } else if (!has_graph) {
          DrawCheckpointPanes(*doc);
        }
        ImGui::EndTabItem();
      }
      if (!open) commands_.Post(Command::CloseDocument(doc->id));
    }
    tab_bar_active_ = active_document_;
    ImGui::EndTabBar();
  }
  ImGui::EndChild();

  ImGui::BeginChild("log", ImVec2(0, log_h), false);
  log_view_->Draw(log_, commands_);
  ImGui::EndChild();
  DrawStatusLine();
  ImGui::End();

  for (const Command& c : commands_.TakeAll()) Execute(c);
}

// The checkpoint's panes: variables on the left; on the right the values
// and, with a graph, the Graph panel (outputs, freeze).
void App::DrawCheckpointPanes(Document& doc) {
  if (ImGui::BeginTable("layout", 2, ImGuiTableFlags_Resizable | ImGuiTableFlags_BordersInnerV)) {
    ImGui::TableSetupColumn("variables", ImGuiTableColumnFlags_WidthStretch, 0.45f);
    ImGui::TableSetupColumn("values", ImGuiTableColumnFlags_WidthStretch, 0.55f);
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::BeginChild("variables_pane", ImVec2(0, 0), false);
    variables_view_->Draw(doc, selected_, commands_);
    ImGui::EndChild();
    ImGui::TableNextColumn();
    ImGui::BeginChild("value_pane", ImVec2(0, 0), false);
    // With a graph, the right pane has two tabs: the values and the Graph panel.
    const bool has_graph = doc.model && doc.model->graph;
    bool values_tab = !has_graph;
    if (has_graph && ImGui::BeginTabBar("panes")) {
      if (ImGui::BeginTabItem("Values")) {
        values_tab = true;
        ImGui::EndTabItem();
      }
      const ImGuiTabItemFlags graph_flags = show_graph_panel_ ? ImGuiTabItemFlags_SetSelected : 0;
      if (doc.id == active_document_) show_graph_panel_ = false;
      if (ImGui::BeginTabItem("Graph", nullptr, graph_flags)) {
        DrawGraphPanel(doc);
        ImGui::EndTabItem();
      }
      ImGui::EndTabBar();
    }
    if (values_tab) {
      if (selected_.document == doc.id) value_view_->Draw(selected_, commands_);
      else ImGui::TextDisabled("Select a variable to see its values.");
    }
    ImGui::EndChild();
    ImGui::EndTable();
  }
}

void App::DrawEmptyState() {
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const char* title = "ckptview";
  const ImVec2 title_size = ImGui::CalcTextSize(title);
  ImGui::SetCursorPos(ImVec2((avail.x - title_size.x) * 0.5f, avail.y * 0.4f));
  ImGui::TextUnformatted(title);
  const ImVec2 hint_size = ImGui::CalcTextSize(options_.empty_hint.c_str());
  ImGui::SetCursorPosX(std::max(0.0f, (avail.x - hint_size.x) * 0.5f));
  ImGui::TextDisabled("%s", options_.empty_hint.c_str());
  const char* privacy = "Files are read on this computer; nothing is uploaded.";
  ImGui::SetCursorPosX(std::max(0.0f, (avail.x - ImGui::CalcTextSize(privacy).x) * 0.5f));
  ImGui::TextDisabled("%s", privacy);
}

void App::DrawDocumentBar(Document& doc) {
  const auto& refs = doc.discovery.checkpoints;
  if (doc.checkpoint) {
    ImGui::Text("%s", doc.checkpoint->prefix().c_str());
    ImGui::SameLine();
    if (doc.checkpoint->format() == formats::CheckpointFormat::kGraphConstants) {
      ImGui::TextDisabled("constants of the graph (no checkpoint)");
    } else {
      ImGui::TextDisabled("%s, %zu data file%s", FormatName(doc.checkpoint->format()),
                          doc.checkpoint->data_files().size(),
                          doc.checkpoint->data_files().size() == 1 ? "" : "s");
    }
  } else {
    ImGui::TextDisabled("no checkpoint open");
  }
  if (refs.size() > 1) {
    ImGui::SameLine();
    ImGui::SetNextItemWidth(260);
    const char* current = doc.checkpoint_index >= 0 ? refs[doc.checkpoint_index].prefix.c_str() : "";
    if (ImGui::BeginCombo("checkpoint", current)) {
      for (int i = 0; i < static_cast<int>(refs.size()); ++i) {
        if (ImGui::Selectable(refs[i].prefix.c_str(), i == doc.checkpoint_index))
          commands_.Post(Command::SwitchCheckpoint(doc.id, i));
      }
      ImGui::EndCombo();
    }
  }
  if (!doc.discovery.graph_files.empty()) {
    ImGui::SameLine();
    ImGui::TextDisabled("| %zu graph file%s", doc.discovery.graph_files.size(),
                        doc.discovery.graph_files.size() == 1 ? "" : "s");
  }
}

void App::DrawStatusLine() {
  if (selected_.state == SelectedValue::State::kLoading) {
    float fraction = selected_.bytes_total ? static_cast<float>(selected_.bytes_done) / selected_.bytes_total : 0.0f;
    std::string label = "reading " + selected_.key + ": " + BytesText(selected_.bytes_done) + " of " +
                        BytesText(selected_.bytes_total);
    ImGui::ProgressBar(fraction, ImVec2(-1, 0), label.c_str());
  } else if (!log_.errors().empty()) {
    ImGui::TextColored(ImVec4(1.0f, 0.45f, 0.4f, 1.0f), "%s", log_.errors().back().c_str());
  } else {
    ImGui::TextDisabled("ready");
  }
}

}  // namespace ckptview::app
