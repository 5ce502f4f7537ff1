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
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "app/commands.h"
#include "app/graph_scene.h"
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

namespace tensorflow {
class TensorProto;
}  // namespace tensorflow

namespace ckptview::app {

class VariablesView;
class ValueView;
class LogView;
class GraphView;
class JsonOut;

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

// A freeze into a file on a worker thread (App::StartFreezeToPath, native).
struct FileFreezeTask;

// A freeze in progress or finished (one at a time). The FreezeJob is driven
// through the read queue; output pieces go to the sink if one is set (the
// page hands them to JS as they come), else are collected in `chunks`. A
// freeze to a file (native) runs the job on a worker thread instead.
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
  std::string path;                        // the output file of a freeze to a file
  // Declared after `job`, so it is destroyed (its thread stopped) first.
  std::shared_ptr<FileFreezeTask> file_task;
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
  // FreezeToFile, which wasm does not have), calling `progress` with the
  // bytes written so far; `progress` returning false cancels. With a writer
  // set the Graph panel offers "Freeze to file" with a path field.
  using FreezeProgress = std::function<bool(uint64_t bytes_so_far)>;
  using FreezeFileWriter = std::function<Status(graph::FreezeJob& job, formats::FileSource& source,
                                                const std::string& path, uint64_t* bytes_written,
                                                const FreezeProgress& progress)>;
  void SetFreezeFileWriter(FreezeFileWriter writer) { freeze_file_writer_ = std::move(writer); }
  // Starts freezing `document` (-1: active) for its chosen outputs (or
  // `outputs`) into `path` ("" = the document's freeze_path) on a worker
  // thread, so the window stays live: progress shows in freeze().bytes_written
  // and CancelFreeze stops it (the output is then not written at all).
  Status StartFreezeToPath(const std::string& path = "", std::vector<std::string> outputs = {},
                           int document = -1);
  // The same, waiting for the end.
  Status FreezeToPath(const std::string& path = "", std::vector<std::string> outputs = {}, int document = -1);
  // Takes up a finished freeze to a file and updates its progress; Draw
  // calls it, drivers without frames may too.
  void PollFileFreeze();
  // Called when a freeze ends (done, failed or cancelled).
  void SetFreezeFinished(std::function<void(const FreezeState&)> f) { freeze_finished_ = std::move(f); }

  // The GL side of the graph view (src/render), set by a platform once it has
  // a GL context. Without one (headless tests) the view still lays out and
  // builds its scene but draws nothing.
  void SetGraphRenderer(std::unique_ptr<GraphRenderer> renderer) { graph_renderer_ = std::move(renderer); }
  GraphRenderer* graph_renderer() const { return graph_renderer_.get(); }

  // ---- Graph view (app_graph_view.cc) ---------------------------------------
  // The graph view of `document` (-1: active), laid out on first use; null
  // when the document has no graph or its layout failed (logged). Its freeze
  // highlight follows the document's freeze outputs.
  GraphView* GraphViewOf(int document = -1);
  // Expands (with its ancestors) or collapses the group at `path`.
  Status GraphExpand(const std::string& path, bool expanded = true, int document = -1);
  // Regex search over node names and ops; a bad pattern is an error (shown in the panel).
  Status GraphSearch(const std::string& query, int document = -1);
  Status GraphNextHit(bool forward = true, int document = -1);
  // Selects a node and centres on it; a bound variable's values load.
  Status GraphSelect(const std::string& name, int document = -1);
  Status GraphFit(int document = -1);
  // Shows the body of library function `name` (level 1+); GraphBack returns to the graph.
  Status GraphOpenFunction(const std::string& name, int document = -1);
  Status GraphBack(int document = -1);
  // Brings the graph view to the front on the next Draw.
  void ShowGraphView() { show_graph_view_ = true; }
  // Shows a tensor that is no checkpoint entry (a Const's value attr) in the
  // value view under `label`.
  Status ShowTensor(int document, const std::string& label, const tensorflow::TensorProto& proto);

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
  // Work in flight that needs frames without input: reads, a freeze to a
  // file, a relayout in the graph view on screen (one elsewhere waits).
  bool busy() const;
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
  //  "graph_view": {"level","visible_nodes","visible_edges","expanded":[paths],"selected",
  //                 "search":{"query","hits","current","error"},"camera":{"x","y","scale"},
  //                 "scene":{"version","rects","segments","arrows","glyphs"},"layout_ms",
  //                 "kept_nodes"} of the active document once its view exists, or null,
  //  "freeze": {"state", "document", "outputs", "nodes", "converted", "bytes", "bytes_expected", "error"?},
  //  "variables_view": {"filter","tree","show_optimizer_slots","rows"},
  //  "selected": key or null,
  //  "value_view": {"state","key","dtype","shape","error","slice","rows","cols",
  //                 "stats":{...},"histogram":[...],"preview":[...]} or null}
  std::string ReportJson() const;

 private:
  void SelectVariable(int document, const std::string& key);
  // The value view's new selection: `key` of `document`, nothing loaded yet
  // (a load still under way is cancelled).
  void StartSelection(int document, const std::string& key);
  // The selection's value is `tensor`: loaded, with statistics if numeric.
  void SetSelectedTensor(Tensor tensor, const std::string& label);
  void SwitchCheckpoint(int document, int checkpoint);
  void CloseDocument(int document);
  Status OpenCheckpointOf(Document& doc, int index);
  void Finish(int id, Result<std::vector<std::string>> chunks);
  void DrawEmptyState();
  void DrawDocumentBar(Document& doc);
  void DrawStatusLine();
  void DrawGraphPanel(Document& doc);
  void DrawGraphView(Document& doc);
  void DrawCheckpointPanes(Document& doc);
  void SyncGraphView(Document& doc, GraphView& view);
  void AfterGraphAction(Document& doc, GraphView& view);
  void RetireGraphView(int document);
  void WriteGraphViewReport(JsonOut& j) const;
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
  std::unique_ptr<GraphRenderer> graph_renderer_;
  std::string graph_filter_;
  // The Graph panel's node rows for graph_filter_shown_ over the graph of
  // graph_filter_graph_ (document id, generation, graph).
  std::string graph_filter_shown_;
  std::tuple<int, int, const graph::Graph*> graph_filter_graph_{0, 0, nullptr};
  std::vector<int> graph_filter_rows_;
  bool show_graph_panel_ = false;
  bool show_graph_view_ = false;
  std::map<int, std::unique_ptr<GraphView>> graph_views_;  // by document id
  int graph_view_drawn_ = -1;  // the document whose graph view the last frame drew
  // Views dropped this frame: ImGui's render pass may still call their
  // renderer callbacks, so they die at the next Draw.
  std::vector<std::unique_ptr<GraphView>> retired_graph_views_;
  CommandQueue commands_;
  Log log_;
  std::unique_ptr<VariablesView> variables_view_;
  std::unique_ptr<ValueView> value_view_;
  std::unique_ptr<LogView> log_view_;
};

}  // namespace ckptview::app
