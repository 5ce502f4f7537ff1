// App: the application state behind the window — opened documents, the
// selected variable and its loaded value, the log — plus its views. It never
// touches files, GL or the platform: files come in as FileSources, byte
// ranges are asked for through a ReadQueue that a platform driver serves, and
// Draw() only emits ImGui calls. So the whole app runs in tests without a
// window (ImGui frames can be drawn headless, too).
//
// Driver loop (desktop and web alike):
//   app.Open(source, label);              // at start, on drop, from the file picker
//   each frame: NewFrame; app.Draw(); Render;
//               for (auto& r : app.TakeReadRequests()) { ...read...; app.Deliver(r.id, chunks); }
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "app/commands.h"
#include "app/log.h"
#include "app/read_queue.h"
#include "base/status.h"
#include "formats/checkpoint.h"
#include "formats/discover.h"
#include "formats/file_source.h"
#include "graph/freeze.h"
#include "graph/model.h"
#include "tensor/stats.h"
#include "tensor/tensor.h"

namespace ckptview::app {

class VariablesView;
class ValueView;
class LogView;

// What the user opened in one go (a folder, a set of files).
struct Document {
  int id = 0;
  std::string label;
  std::unique_ptr<formats::FileSource> source;
  formats::Discovery discovery;
  int checkpoint_index = -1;                        // into discovery.checkpoints
  std::unique_ptr<formats::Checkpoint> checkpoint;  // null until one opens
  int generation = 0;                               // bumped when `checkpoint` changes
  // The graph opened with the checkpoint (graph::OpenModel over `source`);
  // null when there is no graph file or it could not be opened (logged).
  std::unique_ptr<graph::Model> model;
  std::vector<std::string> suggested_outputs;       // summary.h
  // The Graph panel's choice of outputs and what extract_sub_graph keeps.
  std::vector<std::string> freeze_outputs;
  int kept_nodes = -1;                              // -1: no outputs chosen or an error
  std::string kept_error;
  // Where "Freeze to file" writes (desktop; set by the driver, edited in the panel).
  std::string freeze_path;
};

// A freeze in progress or finished (one at a time). The FreezeJob is driven
// through the read queue; output pieces go to the sink if one is set (the
// page hands them to JS as they come), else are collected in `chunks`.
struct FreezeState {
  enum class State { kNone, kRunning, kDone, kFailed, kCancelled };
  State state = State::kNone;
  int document = 0;
  std::vector<std::string> outputs;
  std::unique_ptr<graph::FreezeJob> job;   // while kRunning
  int request_id = 0;                      // read in flight (kRunning)
  uint64_t bytes_written = 0;
  uint64_t bytes_expected = 0;             // the plan's size (an upper bound if not exact)
  std::vector<std::string> chunks;         // without a sink
  std::vector<std::string> nodes;          // node names of the frozen graph, in order
  int converted = 0;                       // variables made Const
  std::string error;                       // kFailed
};

// The selected variable's value, as loaded.
struct SelectedValue {
  enum class State { kNone, kLoading, kLoaded, kFailed };
  State state = State::kNone;
  int document = 0;
  std::string key;
  int request_id = 0;          // while kLoading
  uint64_t bytes_total = 0;    // while kLoading: bytes asked for
  uint64_t bytes_done = 0;     // as reported by the driver (ReportProgress)
  std::string error;           // kFailed
  Tensor tensor;               // kLoaded
  TensorStats stats;           // kLoaded, numeric dtypes
  bool has_stats = false;
  double load_ms = 0;          // request to statistics done, for the status line
  double decode_ms = 0;        // of which: checksum + decode (after the bytes arrived)
  double stats_ms = 0;         //           statistics
  int generation = 0;          // bumped on every change, so views can reset
};

struct AppOptions {
  // Tensors larger than this are not read (an error explains why): wasm32's
  // heap holds 4 GB at most and a read needs the bytes twice for a moment.
  uint64_t max_tensor_bytes = uint64_t{1} << 30;
  int histogram_bins = 64;
  // Shown when nothing is open: how this platform opens files.
  std::string empty_hint = "Drop a checkpoint folder or its files here.";
};

// "bundle_v2", "slices_v1" (the report's and the UI's names).
const char* FormatName(formats::CheckpointFormat f);

class App {
 public:
  explicit App(AppOptions options = {});
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Discovers what `source` holds and opens its preferred checkpoint (the
  // state file's latest, else the only one); other checkpoints found are
  // logged and can be switched to. Returns the new document's id. On failure
  // the error is logged (and reported) and no document is added.
  Result<int> Open(std::unique_ptr<formats::FileSource> source, std::string label);

  // Runs a command now (drivers, tests). Views post theirs for after Draw().
  void Execute(const Command& command);
  // Selects a variable of the active document (or `document` if >= 0) by key
  // or display name; starts reading it. Errors are logged and returned.
  Status Select(std::string_view name, int document = -1);

  // ---- Graph and freezing (app_graph.cc) ----------------------------------
  // Chooses the outputs to freeze for `document` (-1: active) and computes
  // the kept-node count. Errors are returned (and shown in the panel).
  Status SetFreezeOutputs(std::vector<std::string> outputs, int document = -1);
  // Starts freezing `document` (-1: active) for its chosen outputs (or
  // `outputs` if not empty); reads go through the read queue. Cancels a
  // freeze already running.
  Status StartFreeze(std::vector<std::string> outputs = {}, int document = -1);
  void CancelFreeze();
  // Brings the Graph panel to the front on the next Draw (tests, drivers).
  void ShowGraphPanel() { show_graph_panel_ = true; }
  const FreezeState& freeze() const { return freeze_; }
  // Takes the collected output (without a sink).
  std::vector<std::string> TakeFreezeOutput();
  // Output pieces as they are produced (instead of collecting them).
  void SetFreezeSink(std::function<void(std::string_view)> sink) { freeze_sink_ = std::move(sink); }
  // Native drivers: writes a whole freeze to a file (graph/freeze_file.h's
  // FreezeToFile, which wasm does not have). With a writer set the Graph
  // panel offers "Freeze to file" with a path field.
  using FreezeFileWriter = std::function<Status(graph::FreezeJob& job, formats::FileSource& source,
                                                const std::string& path, uint64_t* bytes_written)>;
  void SetFreezeFileWriter(FreezeFileWriter writer) { freeze_file_writer_ = std::move(writer); }
  // Freezes `document` (-1: active) for its chosen outputs (or `outputs`)
  // into `path` ("" = the document's freeze_path) at once, through the writer.
  Status FreezeToPath(const std::string& path = "", std::vector<std::string> outputs = {}, int document = -1);
  // Called when a freeze ends (done, failed or cancelled).
  void SetFreezeFinished(std::function<void(const FreezeState&)> f) { freeze_finished_ = std::move(f); }

  // Emits this frame's ImGui windows (between ImGui::NewFrame and Render),
  // then runs the commands the views posted.
  void Draw();

  // ---- Driver side of reading -----------------------------------------
  std::vector<ReadRequest> TakeReadRequests();
  // Bytes for request `id`, one chunk per range, or why they could not be
  // read. Unknown or superseded ids are ignored.
  void Deliver(int id, Result<std::vector<std::string>> chunks);
  // The driver's progress on a request in flight (for the progress bar).
  void ReportProgress(int id, uint64_t bytes_done);
  // Reads every queued request synchronously from the documents' own
  // FileSources (the native driver; tests with in-memory files).
  void ServeReadsFromSources();
  bool busy() const { return !reads_.empty(); }
  // Whether a delivery for `id` would still be used (the web driver stops
  // reading a superseded request early).
  bool WantsRead(int id) const { return reads_.Pending(id); }

  // ---- State, for views, drivers and tests ---------------------------------
  const std::vector<std::unique_ptr<Document>>& documents() const { return documents_; }
  Document* FindDocument(int id);
  const Document* FindDocument(int id) const;
  int active_document() const { return active_document_; }
  void SetActiveDocument(int id);
  const SelectedValue& selected() const { return selected_; }
  const Log& log() const { return log_; }
  Log& log() { return log_; }
  const AppOptions& options() const { return options_; }
  ValueView& value_view() { return *value_view_; }
  VariablesView& variables_view() { return *variables_view_; }

  // What is open and shown, as JSON (the page's window.ckptview.report()):
  // {"documents":[{"id","label","prefix","format","active","checkpoints":[...],
  //   "variables":[{"name","key","dtype","shape","bytes","slot"}]}],
  //  "errors":[...], "warnings":[...], "busy": bool,
  //  "graph": {"nodes", "ops": {op: count}, "suggested_outputs", "outputs", "kept_nodes"}
  //           of the active document, or null,
  //  "freeze": {"state", "document", "outputs", "nodes", "converted", "bytes", "bytes_expected", "error"?},
  //  "variables_view": {"filter","tree","show_optimizer_slots","rows"},
  //  "selected": key or null,
  //  "value_view": {"state","key","dtype","shape","error","slice","rows","cols",
  //                 "stats":{...},"histogram":[...],"preview":[...]} or null}
  std::string ReportJson() const;

 private:
  void SelectVariable(int document, const std::string& key);
  void SwitchCheckpoint(int document, int checkpoint);
  void CloseDocument(int document);
  Status OpenCheckpointOf(Document& doc, int index);
  void Finish(int id, Result<std::vector<std::string>> chunks);
  void DrawEmptyState();
  void DrawDocumentBar(Document& doc);
  void DrawStatusLine();
  void DrawGraphPanel(Document& doc);
  void OpenGraphOf(Document& doc);
  void ShowGraphConstants(Document& doc);
  void ContinueFreeze();
  Status PlanFreeze(Document* doc, std::vector<std::string> outputs);
  void EndFreeze(FreezeState::State state, std::string error);

  AppOptions options_;
  std::vector<std::unique_ptr<Document>> documents_;
  int next_document_id_ = 1;
  int active_document_ = 0;
  int tab_bar_active_ = 0;  // the active document the tab bar last showed
  SelectedValue selected_;
  std::chrono::steady_clock::time_point request_started_;
  ReadQueue reads_;
  FreezeState freeze_;
  std::function<void(std::string_view)> freeze_sink_;
  std::function<void(const FreezeState&)> freeze_finished_;
  FreezeFileWriter freeze_file_writer_;
  std::string graph_filter_;
  bool show_graph_panel_ = false;
  CommandQueue commands_;
  Log log_;
  std::unique_ptr<VariablesView> variables_view_;
  std::unique_ptr<ValueView> value_view_;
  std::unique_ptr<LogView> log_view_;
};

}  // namespace ckptview::app
