// The App's graph side: opening the graph with the checkpoint, the Graph
// panel (nodes, outputs, kept-node count) and freezing through the read queue.
#include <algorithm>
#include <atomic>
#include <thread>
#include <tuple>
#include <utility>

#include "app/app.h"
#include "app/format_units.h"
#include "graph/freeze_rewrite.h"
#include "graph/graph_constants.h"
#include "graph/summary.h"
#include "imgui.h"
#include "misc/cpp/imgui_stdlib.h"

namespace ckptview::app {

void App::OpenGraphOf(Document& doc) {
  RetireGraphView(doc.id);  // it points into the model
  doc.model.reset();
  doc.suggested_outputs.clear();
  doc.freeze_outputs.clear();
  doc.kept_nodes = -1;
  doc.kept_error.clear();
  if (doc.discovery.graph_files.empty()) return;
  graph::ModelOptions options;
  if (doc.checkpoint_index >= 0) options.checkpoint_prefix = doc.discovery.checkpoints[doc.checkpoint_index].prefix;
  auto model = graph::OpenModel(*doc.source, options);
  if (!model.ok()) {
    log_.Info(doc.label + ": graph not opened: " + model.status().message());
    return;
  }
  doc.model = std::move(model).value();
  for (const auto& w : doc.model->warnings) log_.Info(doc.label + ": graph: " + w);
  if (!doc.model->graph) return;
  doc.suggested_outputs = graph::SuggestOutputs(*doc.model->graph, doc.model->meta_graph());
  log_.Info(doc.label + ": graph with " + std::to_string(doc.model->graph->num_nodes()) + " nodes");
  if (!doc.checkpoint) ShowGraphConstants(doc);
}

// A graph without a checkpoint (a frozen .pb) keeps its weights in Const
// nodes: list those in the variables table, read from the graph in memory.
void App::ShowGraphConstants(Document& doc) {
  const std::string& file = doc.model->graph_file ? doc.model->graph_file->path : doc.label;
  auto constants = graph::GraphConstants::Open(doc.model->graph->def(), file);
  if (!constants) return;
  log_.Info(doc.label + ": " + std::to_string(constants->variables().size()) +
            " constants in the graph (no checkpoint): listed as variables");
  doc.checkpoint = std::move(constants);
  doc.generation++;
}

Status App::SetFreezeOutputs(std::vector<std::string> outputs, int document) {
  Document* doc = FindDocument(document >= 0 ? document : active_document_);
  if (!doc) return Status::Error("freeze: no document is open");
  doc->freeze_outputs = std::move(outputs);
  doc->kept_nodes = -1;
  doc->kept_error.clear();
  if (!doc->model || !doc->model->graph) return Status::Error("freeze: " + doc->label + " has no graph");
  if (doc->freeze_outputs.empty()) return Status::Ok();
  auto kept = graph::ExtractSubgraph(doc->model->graph->def(), doc->freeze_outputs);
  if (!kept.ok()) {
    doc->kept_error = kept.status().message();
    return kept.status();
  }
  doc->kept_nodes = static_cast<int>(kept.value().size());
  return Status::Ok();
}

// Sets freeze_ to a planned job for `doc` (kRunning), or to kFailed.
Status App::PlanFreeze(Document* doc, std::vector<std::string> outputs) {
  if (freeze_.state == FreezeState::State::kRunning) CancelFreeze();
  auto fail = [this](const std::string& message) {
    freeze_ = FreezeState();
    freeze_.state = FreezeState::State::kFailed;
    freeze_.error = message;
    log_.Error(message);
    if (freeze_finished_) freeze_finished_(freeze_);
    return Status::Error(message);
  };
  if (!doc) return fail("freeze: no document is open");
  if (!outputs.empty()) {
    Status s = SetFreezeOutputs(outputs, doc->id);
    if (!s.ok()) return fail("freeze: " + s.message());
  }
  if (!doc->model || !doc->model->meta_graph()) return fail("freeze: " + doc->label + " has no graph");
  graph::FreezeOptions options;
  options.output_nodes = doc->freeze_outputs;
  auto job = graph::PlanModelFreeze(*doc->model, options);
  if (!job.ok()) return fail("freeze: " + job.status().message());
  freeze_ = FreezeState();
  freeze_.state = FreezeState::State::kRunning;
  freeze_.document = doc->id;
  freeze_.job = std::move(job).value();
  const graph::FreezeReport& r = freeze_.job->report();
  freeze_.outputs = r.outputs;
  freeze_.bytes_expected = r.output_bytes;
  freeze_.converted = static_cast<int>(r.converted.size());
  for (const auto& n : freeze_.job->planned_graph().node()) freeze_.nodes.push_back(n.name());
  log_.Info(doc->label + ": freezing " + std::to_string(freeze_.nodes.size()) + " nodes, " +
            std::to_string(freeze_.converted) + " variables");
  return Status::Ok();
}

Status App::StartFreeze(std::vector<std::string> outputs, int document) {
  Document* doc = FindDocument(document >= 0 ? document : active_document_);
  CKPT_RETURN_IF_ERROR(PlanFreeze(doc, std::move(outputs)));
  ContinueFreeze();
  return freeze_.state == FreezeState::State::kFailed ? Status::Error(freeze_.error) : Status::Ok();
}

// Runs the file writer on a thread of its own; PollFileFreeze takes up the result.
struct FileFreezeTask {
  std::thread thread;
  std::atomic<uint64_t> bytes{0};   // written so far (the writer's progress)
  std::atomic<bool> cancel{false};
  std::atomic<bool> finished{false};
  Status status;                    // the writer's result, set before `finished`
  uint64_t bytes_written = 0;

  ~FileFreezeTask() { Stop(); }
  void Stop() {
    cancel = true;
    if (thread.joinable()) thread.join();
  }
};

Status App::StartFreezeToPath(const std::string& path, std::vector<std::string> outputs, int document) {
  Document* doc = FindDocument(document >= 0 ? document : active_document_);
  if (!freeze_file_writer_) return Status::Error("freeze: this platform does not write files");
  CKPT_RETURN_IF_ERROR(PlanFreeze(doc, std::move(outputs)));
  const std::string target = path.empty() ? doc->freeze_path : path;
  if (target.empty()) {
    EndFreeze(FreezeState::State::kFailed, "freeze: no output file given");
    return Status::Error(freeze_.error);
  }
  freeze_.path = target;
  auto task = std::make_shared<FileFreezeTask>();
  // The job and the document's source outlive the thread: EndFreeze (also on
  // cancel, close and destruction) stops it before releasing either.
  task->thread = std::thread([t = task.get(), writer = freeze_file_writer_, job = freeze_.job.get(),
                              source = doc->source.get(), target] {
    uint64_t bytes = 0;
    t->status = writer(*job, *source, target, &bytes, [t](uint64_t so_far) {
      t->bytes = so_far;
      return !t->cancel;
    });
    t->bytes_written = bytes;
    t->finished = true;
  });
  freeze_.file_task = std::move(task);
  return Status::Ok();
}

Status App::FreezeToPath(const std::string& path, std::vector<std::string> outputs, int document) {
  CKPT_RETURN_IF_ERROR(StartFreezeToPath(path, std::move(outputs), document));
  freeze_.file_task->thread.join();
  PollFileFreeze();
  return freeze_.state == FreezeState::State::kDone ? Status::Ok() : Status::Error(freeze_.error);
}

void App::PollFileFreeze() {
  FileFreezeTask* task = freeze_.file_task.get();
  if (!task || freeze_.state != FreezeState::State::kRunning) return;
  freeze_.bytes_written = task->bytes;
  if (!task->finished) return;
  if (task->thread.joinable()) task->thread.join();
  if (!task->status.ok()) {
    if (task->cancel) return EndFreeze(FreezeState::State::kCancelled, "");
    return EndFreeze(FreezeState::State::kFailed, "freeze: " + freeze_.path + ": " + task->status.message());
  }
  freeze_.bytes_written = task->bytes_written;
  const Document* doc = FindDocument(freeze_.document);
  log_.Info((doc ? doc->label : std::string("?")) + ": wrote " + freeze_.path);
  EndFreeze(FreezeState::State::kDone, "");
}

void App::ContinueFreeze() {
  while (freeze_.state == FreezeState::State::kRunning && freeze_.request_id == 0) {
    auto step = freeze_.job->Next();
    if (!step.ok()) return EndFreeze(FreezeState::State::kFailed, "freeze: " + step.status().message());
    graph::FreezeStep& s = step.value();
    switch (s.kind) {
      case graph::FreezeStep::Kind::kRead:
        freeze_.request_id = reads_.Post(freeze_.document, std::move(s.ranges), "freeze");
        return;
      case graph::FreezeStep::Kind::kWrite:
        freeze_.bytes_written += s.bytes.size();
        if (freeze_sink_) freeze_sink_(s.bytes);
        else freeze_.chunks.push_back(std::move(s.bytes));
        break;
      case graph::FreezeStep::Kind::kDone:
        return EndFreeze(FreezeState::State::kDone, "");
    }
  }
}

void App::EndFreeze(FreezeState::State state, std::string error) {
  freeze_.state = state;
  if (freeze_.file_task) freeze_.file_task->Stop();  // before the job it runs goes
  freeze_.file_task.reset();
  freeze_.job.reset();
  if (freeze_.request_id) reads_.Cancel(freeze_.request_id);
  freeze_.request_id = 0;
  freeze_.error = std::move(error);
  const Document* doc = FindDocument(freeze_.document);
  const std::string label = doc ? doc->label : "?";
  if (state == FreezeState::State::kFailed) log_.Error(label + ": " + freeze_.error);
  if (state == FreezeState::State::kDone)
    log_.Info(label + ": frozen graph ready, " + std::to_string(freeze_.nodes.size()) + " nodes, " +
              BytesText(freeze_.bytes_written));
  if (state == FreezeState::State::kCancelled) log_.Info(label + ": freeze cancelled");
  if (freeze_finished_) freeze_finished_(freeze_);
}

void App::CancelFreeze() {
  if (freeze_.state != FreezeState::State::kRunning) return;
  if (FileFreezeTask* task = freeze_.file_task.get()) {
    // The writer may be past its last cancellation point (the file renamed
    // into place): then the freeze is done, and saying "cancelled" would lie.
    task->Stop();
    if (task->status.ok() && task->finished) return PollFileFreeze();
  }
  EndFreeze(FreezeState::State::kCancelled, "");
}

std::vector<std::string> App::TakeFreezeOutput() {
  std::vector<std::string> out = std::move(freeze_.chunks);
  freeze_.chunks.clear();
  return out;
}

void App::DrawGraphPanel(Document& doc) {
  const graph::Graph& g = *doc.model->graph;
  ImGui::Text("%d nodes", g.num_nodes());
  ImGui::SameLine();
  ImGui::TextDisabled("| outputs: %s", doc.freeze_outputs.empty() ? "(none chosen)" : "");
  for (size_t i = 0; i < doc.freeze_outputs.size(); ++i) {
    ImGui::SameLine();
    ImGui::TextUnformatted(doc.freeze_outputs[i].c_str());
  }
  if (!doc.suggested_outputs.empty()) {
    if (ImGui::SmallButton("Use suggested outputs")) SetFreezeOutputs(doc.suggested_outputs, doc.id);
    ImGui::SameLine();
  }
  if (!doc.freeze_outputs.empty() && ImGui::SmallButton("Clear outputs")) SetFreezeOutputs({}, doc.id);
  if (doc.kept_nodes >= 0) ImGui::Text("kept nodes: %d of %d", doc.kept_nodes, g.num_nodes());
  else if (!doc.kept_error.empty()) ImGui::TextColored(ImVec4(1.0f, 0.45f, 0.4f, 1.0f), "%s", doc.kept_error.c_str());

  const bool running = freeze_.state == FreezeState::State::kRunning;
  if (running) {
    float fraction = freeze_.bytes_expected ? static_cast<float>(freeze_.bytes_written) / freeze_.bytes_expected : 0.0f;
    std::string label = "freezing: " + BytesText(freeze_.bytes_written) + " of " + BytesText(freeze_.bytes_expected);
    ImGui::ProgressBar(std::min(fraction, 1.0f), ImVec2(-80, 0), label.c_str());
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) CancelFreeze();
  } else if (freeze_file_writer_) {
    ImGui::SetNextItemWidth(-120);
    ImGui::InputTextWithHint("##freeze_path", "output file", &doc.freeze_path);
    ImGui::SameLine();
    ImGui::BeginDisabled(doc.freeze_outputs.empty() || doc.freeze_path.empty());
    if (ImGui::Button("Freeze to file")) StartFreezeToPath("", {}, doc.id);
    ImGui::EndDisabled();
  } else {
    ImGui::BeginDisabled(doc.freeze_outputs.empty());
    if (ImGui::Button("Freeze")) StartFreeze({}, doc.id);
    ImGui::EndDisabled();
  }
  if (!running) {
    if (freeze_.document == doc.id && freeze_.state == FreezeState::State::kDone) {
      ImGui::TextDisabled("frozen: %zu nodes, %s", freeze_.nodes.size(), BytesText(freeze_.bytes_written).c_str());
    } else if (freeze_.document == doc.id && freeze_.state == FreezeState::State::kFailed) {
      ImGui::TextColored(ImVec4(1.0f, 0.45f, 0.4f, 1.0f), "%s", freeze_.error.c_str());
    }
  }

  ImGui::SetNextItemWidth(-1);
  ImGui::InputTextWithHint("##graph_filter", "search nodes", &graph_filter_);
  // Matching walks every node: only when the filter or the graph changes.
  const std::tuple<int, int, const graph::Graph*> shown_graph{doc.id, doc.generation, &g};
  if (graph_filter_shown_ != graph_filter_ || graph_filter_graph_ != shown_graph) {
    graph_filter_shown_ = graph_filter_;
    graph_filter_graph_ = shown_graph;
    graph_filter_rows_.clear();
    for (int i = 0; i < g.num_nodes(); ++i)
      if (graph_filter_.empty() || g.name(i).find(graph_filter_) != std::string::npos ||
          g.op(i).find(graph_filter_) != std::string::npos)
        graph_filter_rows_.push_back(i);
  }
  const std::vector<int>& rows = graph_filter_rows_;
  ImGui::BeginChild("graph_nodes", ImVec2(0, 0), false);
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(rows.size()));
  while (clipper.Step()) {
    for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; ++r) {
      const std::string& name = g.name(rows[r]);
      auto it = std::find(doc.freeze_outputs.begin(), doc.freeze_outputs.end(), name);
      const bool chosen = it != doc.freeze_outputs.end();
      std::string label = name + "  (" + g.op(rows[r]) + ")##n" + std::to_string(rows[r]);
      if (ImGui::Selectable(label.c_str(), chosen)) {
        std::vector<std::string> outputs = doc.freeze_outputs;
        if (chosen) outputs.erase(outputs.begin() + (it - doc.freeze_outputs.begin()));
        else outputs.push_back(name);
        SetFreezeOutputs(std::move(outputs), doc.id);
      }
    }
  }
  ImGui::EndChild();
}

}  // namespace ckptview::app
