#include "app/app.h"

#include <algorithm>
#include <utility>

#include "app/format_units.h"
#include "app/graph_view.h"
#include "app/log_view.h"
#include "app/value_view.h"
#include "app/variable_list.h"
#include "app/variables_view.h"

namespace ckptview::app {

const char* FormatName(formats::CheckpointFormat f) {
  switch (f) {
    case formats::CheckpointFormat::kBundleV2: return "bundle_v2";
    case formats::CheckpointFormat::kSlicesV1: return "slices_v1";
    case formats::CheckpointFormat::kGraphConstants: return "graph_constants";
  }
  return "unknown";
}

App::App(AppOptions options)
    : options_(std::move(options)),
      variables_view_(std::make_unique<VariablesView>()),
      value_view_(std::make_unique<ValueView>()),
      log_view_(std::make_unique<LogView>()) {}

App::~App() = default;

Document* App::FindDocument(int id) {
  for (auto& d : documents_)
    if (d->id == id) return d.get();
  return nullptr;
}

const Document* App::FindDocument(int id) const {
  for (const auto& d : documents_)
    if (d->id == id) return d.get();
  return nullptr;
}

void App::SetActiveDocument(int id) {
  if (FindDocument(id)) active_document_ = id;
}

Result<int> App::Open(std::unique_ptr<formats::FileSource> source, std::string label) {
  if (!source) return Status::Error(label + ": nothing to open");
  log_.Info("Opening " + label + " (" + std::to_string(source->Files().size()) + " files)");
  auto discovery = formats::Discover(*source);
  if (!discovery.ok()) {
    Status error = discovery.status().WithContext(label);
    log_.Error(error.message());
    return error;
  }
  auto doc = std::make_unique<Document>();
  doc->id = next_document_id_++;
  doc->label = std::move(label);
  doc->source = std::move(source);
  doc->discovery = std::move(discovery).value();
  const formats::Discovery& d = doc->discovery;
  for (const auto& w : d.warnings) log_.Warning(doc->label + ": " + w);
  for (const auto& g : d.graph_files) log_.Info(doc->label + ": graph file " + g);

  // The preferred checkpoint first, then the others until one opens.
  std::vector<int> order;
  if (d.preferred >= 0) order.push_back(d.preferred);
  for (int i = 0; i < static_cast<int>(d.checkpoints.size()); ++i)
    if (i != d.preferred) order.push_back(i);
  for (int i : order) {
    if (OpenCheckpointOf(*doc, i).ok()) break;
  }
  if (d.checkpoints.size() > 1) {
    for (int i = 0; i < static_cast<int>(d.checkpoints.size()); ++i)
      if (i != doc->checkpoint_index)
        log_.Info(doc->label + ": also found checkpoint " + d.checkpoints[i].prefix +
                  " (choose it above the variables table)");
  }
  if (d.checkpoints.empty()) log_.Info(doc->label + ": no checkpoint among these files");
  OpenGraphOf(*doc);

  const int id = doc->id;
  documents_.push_back(std::move(doc));
  active_document_ = id;
  return id;
}

Status App::OpenCheckpointOf(Document& doc, int index) {
  const auto& refs = doc.discovery.checkpoints;
  if (index < 0 || index >= static_cast<int>(refs.size()))
    return Status::Error("no checkpoint #" + std::to_string(index));
  const formats::CheckpointRef& ref = refs[index];
  auto ckpt = formats::OpenCheckpoint(*doc.source, ref.prefix, ref.format);
  if (!ckpt.ok()) {
    log_.Error(doc.label + ": " + ckpt.status().message());
    return ckpt.status();
  }
  doc.checkpoint = std::move(ckpt).value();
  doc.checkpoint_index = index;
  doc.generation++;
  int64_t params = 0;
  uint64_t bytes = 0;
  for (const auto& v : doc.checkpoint->variables()) {
    params += ParameterCount(v);
    bytes += v.bytes;
  }
  log_.Info(doc.label + ": opened " + ref.prefix + " (" + FormatName(ref.format) + "), " +
            std::to_string(doc.checkpoint->variables().size()) + " variables, " + CountText(params) +
            " parameters, " + BytesText(bytes));
  return Status::Ok();
}

void App::Execute(const Command& c) {
  switch (c.kind) {
    case Command::Kind::kSelectVariable: return SelectVariable(c.document, c.key);
    case Command::Kind::kSwitchCheckpoint: return SwitchCheckpoint(c.document, c.checkpoint);
    case Command::Kind::kCloseDocument: return CloseDocument(c.document);
    case Command::Kind::kClearLog: return log_.Clear();
  }
}

Status App::Select(std::string_view name, int document) {
  const Document* doc = FindDocument(document >= 0 ? document : active_document_);
  if (!doc) {
    Status error = Status::Error("select " + std::string(name) + ": no document is open");
    log_.Error(error.message());
    return error;
  }
  if (!doc->checkpoint) {
    Status error = Status::Error("select " + std::string(name) + ": " + doc->label + " has no open checkpoint");
    log_.Error(error.message());
    return error;
  }
  const formats::VariableInfo* v = doc->checkpoint->Find(name);
  if (!v) {
    for (const auto& candidate : doc->checkpoint->variables())
      if (DisplayName(candidate) == name) v = &candidate;
  }
  if (!v) {
    Status error = Status::Error("select " + std::string(name) + ": no such variable in " + doc->checkpoint->prefix());
    log_.Error(error.message());
    return error;
  }
  Execute(Command::SelectVariable(doc->id, v->key));
  return selected_.state == SelectedValue::State::kFailed ? Status::Error(selected_.error) : Status::Ok();
}

void App::SelectVariable(int document, const std::string& key) {
  Document* doc = FindDocument(document);
  if (!doc || !doc->checkpoint) return;
  if (selected_.document == document && selected_.key == key &&
      (selected_.state == SelectedValue::State::kLoading || selected_.state == SelectedValue::State::kLoaded))
    return;  // already there
  StartSelection(document, key);
  active_document_ = document;
  auto fail = [this, doc](const std::string& message) {
    selected_.state = SelectedValue::State::kFailed;
    selected_.error = message;
    log_.Error(doc->label + ": " + message);
  };

  const formats::VariableInfo* v = doc->checkpoint->Find(key);
  if (!v) return fail(key + ": no such variable in " + doc->checkpoint->prefix());
  if (v->bytes > options_.max_tensor_bytes) {
    return fail(key + ": " + BytesText(v->bytes) + " is more than this app reads at once (" +
                BytesText(options_.max_tensor_bytes) + ")");
  }
  auto ranges = doc->checkpoint->RangesFor(key);
  if (!ranges.ok()) return fail(ranges.status().message());
  selected_.state = SelectedValue::State::kLoading;
  request_started_ = std::chrono::steady_clock::now();
  ReadRequest probe;
  probe.ranges = ranges.value();
  selected_.bytes_total = probe.total_bytes();
  selected_.request_id = reads_.Post(document, std::move(ranges).value(), key);
}

void App::SwitchCheckpoint(int document, int checkpoint) {
  Document* doc = FindDocument(document);
  if (!doc || checkpoint == doc->checkpoint_index) return;
  if (selected_.document == document) {
    if (selected_.state == SelectedValue::State::kLoading) reads_.Cancel(selected_.request_id);
    const int generation = selected_.generation + 1;
    selected_ = SelectedValue();
    selected_.generation = generation;
  }
  if (freeze_.document == document) CancelFreeze();
  if (OpenCheckpointOf(*doc, checkpoint).ok()) OpenGraphOf(*doc);
}

void App::CloseDocument(int document) {
  auto it = std::find_if(documents_.begin(), documents_.end(),
                         [&](const auto& d) { return d->id == document; });
  if (it == documents_.end()) return;
  if (selected_.document == document) {
    if (selected_.state == SelectedValue::State::kLoading) reads_.Cancel(selected_.request_id);
    const int generation = selected_.generation + 1;
    selected_ = SelectedValue();
    selected_.generation = generation;
  }
  if (freeze_.document == document) CancelFreeze();
  RetireGraphView(document);
  log_.Info("Closed " + (*it)->label);
  documents_.erase(it);
  if (active_document_ == document) active_document_ = documents_.empty() ? 0 : documents_.back()->id;
}

std::vector<ReadRequest> App::TakeReadRequests() { return reads_.Take(); }

void App::ReportProgress(int id, uint64_t bytes_done) {
  if (selected_.state == SelectedValue::State::kLoading && selected_.request_id == id)
    selected_.bytes_done = std::min(bytes_done, selected_.bytes_total);
}

void App::Deliver(int id, Result<std::vector<std::string>> chunks) {
  if (!reads_.Finish(id)) return;  // cancelled or unknown
  if (freeze_.state == FreezeState::State::kRunning && freeze_.request_id == id) {
    freeze_.request_id = 0;
    if (!chunks.ok()) return EndFreeze(FreezeState::State::kFailed, "freeze: " + chunks.status().message());
    Status s = freeze_.job->Supply(std::move(chunks).value());
    if (!s.ok()) return EndFreeze(FreezeState::State::kFailed, "freeze: " + s.message());
    return ContinueFreeze();
  }
  if (selected_.state != SelectedValue::State::kLoading || selected_.request_id != id) return;
  Document* doc = FindDocument(selected_.document);
  const std::string label = doc ? doc->label : "?";
  selected_.generation++;
  selected_.request_id = 0;
  auto fail = [&](const std::string& message) {
    selected_.state = SelectedValue::State::kFailed;
    selected_.error = message;
    log_.Error(label + ": " + message);
  };
  if (!chunks.ok()) return fail(selected_.key + ": " + chunks.status().message());
  if (!doc || !doc->checkpoint) return fail(selected_.key + ": the document was closed");
  const auto decode_start = std::chrono::steady_clock::now();
  auto tensor = doc->checkpoint->Decode(selected_.key, chunks.value());
  if (!tensor.ok()) return fail(tensor.status().message());
  // The chunks are no longer needed: free them before computing statistics.
  chunks = Status::Error("consumed");
  selected_.bytes_done = selected_.bytes_total;
  selected_.decode_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - decode_start).count();
  SetSelectedTensor(std::move(tensor).value(), label);
  selected_.load_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - request_started_).count();
}

void App::StartSelection(int document, const std::string& key) {
  if (selected_.state == SelectedValue::State::kLoading) reads_.Cancel(selected_.request_id);
  const int generation = selected_.generation + 1;
  selected_ = SelectedValue();
  selected_.generation = generation;
  selected_.document = document;
  selected_.key = key;
}

void App::SetSelectedTensor(Tensor tensor, const std::string& label) {
  selected_.tensor = std::move(tensor);
  selected_.state = SelectedValue::State::kLoaded;
  const auto start = std::chrono::steady_clock::now();
  if (IsNumeric(selected_.tensor.dtype)) {
    StatsOptions so;
    so.histogram_bins = options_.histogram_bins;
    auto stats = ComputeStats(selected_.tensor, so);
    if (stats.ok()) {
      selected_.stats = std::move(stats).value();
      selected_.has_stats = true;
    } else {
      log_.Warning(label + ": " + selected_.key + ": no statistics: " + stats.status().message());
    }
  }
  selected_.stats_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

void App::ServeReadsFromSources() {
  for (ReadRequest& r : TakeReadRequests()) {
    Document* doc = FindDocument(r.document);
    if (!doc) {
      Deliver(r.id, Status::Error("the document was closed"));
      continue;
    }
    std::vector<std::string> chunks(r.ranges.size());
    Status status;
    for (size_t i = 0; i < r.ranges.size() && status.ok(); ++i) {
      const auto& range = r.ranges[i];
      status = doc->source->ReadRange(range.path, range.offset, range.size, &chunks[i]);
    }
    if (status.ok()) Deliver(r.id, std::move(chunks));
    else Deliver(r.id, status);
  }
}

}  // namespace ckptview::app
