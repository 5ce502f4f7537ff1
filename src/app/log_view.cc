#include "app/log_view.h"

#include <string>
#include <vector>

#include "imgui.h"

namespace ckptview::app {
namespace {

ImVec4 LevelColor(LogEntry::Level level) {
  switch (level) {
    case LogEntry::Level::kError: return ImVec4(1.0f, 0.45f, 0.4f, 1.0f);
    case LogEntry::Level::kWarning: return ImVec4(1.0f, 0.8f, 0.35f, 1.0f);
    case LogEntry::Level::kInfo: break;
  }
  return ImGui::GetStyleColorVec4(ImGuiCol_Text);
}

}  // namespace

void LogView::Draw(const Log& log, CommandQueue& commands) {
  const size_t errors = log.errors().size(), warnings = log.warnings().size();
  ImGui::Text("Log");
  ImGui::SameLine();
  if (errors) ImGui::TextColored(LevelColor(LogEntry::Level::kError), "%zu error%s", errors, errors == 1 ? "" : "s");
  else ImGui::TextDisabled("no errors");
  if (warnings) {
    ImGui::SameLine();
    ImGui::TextColored(LevelColor(LogEntry::Level::kWarning), "%zu warning%s", warnings, warnings == 1 ? "" : "s");
  }
  ImGui::SameLine();
  ImGui::Checkbox("errors only", &errors_only);
  ImGui::SameLine();
  if (ImGui::SmallButton("clear")) commands.Post(Command::ClearLog());

  ImGui::BeginChild("entries", ImVec2(0, 0), true);
  const auto& entries = log.entries();
  std::vector<int> shown;  // indices; the log is bounded (Log::kMaxEntries)
  shown.reserve(entries.size());
  for (size_t i = 0; i < entries.size(); ++i)
    if (!errors_only || entries[i].level == LogEntry::Level::kError) shown.push_back(static_cast<int>(i));
  const bool at_bottom = ImGui::GetScrollY() >= ImGui::GetScrollMaxY() - 1.0f;
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(shown.size()));
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const LogEntry& e = entries[shown[i]];
      // One line per entry (the clipper needs equal heights); the rest of a
      // multi-line message shows on hover.
      const size_t eol = e.text.find('\n');
      ImGui::PushStyleColor(ImGuiCol_Text, LevelColor(e.level));
      if (eol == std::string::npos) {
        ImGui::TextUnformatted(e.text.c_str());
      } else {
        std::string first = e.text.substr(0, eol) + "  [...]";
        ImGui::TextUnformatted(first.c_str());
      }
      ImGui::PopStyleColor();
      if (eol != std::string::npos && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", e.text.c_str());
    }
  }
  if (log.generation() != seen_generation_) {
    if (at_bottom || seen_generation_ < 0) ImGui::SetScrollHereY(1.0f);
    seen_generation_ = log.generation();
  }
  ImGui::EndChild();
}

}  // namespace ckptview::app
