// The App's side of the graph view: one GraphView per document with a graph
// (made on first use), the layout of the graph tab (canvas, inspector,
// values, the freeze panel), the actions drivers and tests call, and the
// view's part of the report.

#include "app/app.h"
#include "app/graph_font.h"
#include "app/graph_inspector.h"
#include "app/graph_view.h"
#include "app/json_out.h"
#include "app/value_view.h"
#include "graph/freeze_rewrite.h"
#include "graph/tensor_proto.h"
#include "graph/variables.h"
#include "imgui.h"

namespace ckptview::app {

GraphView* App::GraphViewOf(int document) {
  Document* doc = FindDocument(document >= 0 ? document : active_document_);
  if (!doc || !doc->model || !doc->model->graph) return nullptr;
  auto it = graph_views_.find(doc->id);
  if (it == graph_views_.end()) {
    auto view = GraphView::Create(*doc->model->graph, &GraphFont::Default());
    if (!view.ok()) {
      log_.Error(doc->label + ": " + view.status().message());
      return nullptr;
    }
    log_.Info(doc->label + ": graph laid out in " + std::to_string(static_cast<int>(view.value()->level().open_ms)) +
              " ms");
    it = graph_views_.emplace(doc->id, std::move(view).value()).first;
  }
  SyncGraphView(*doc, *it->second);
  return it->second.get();
}

// The freeze highlight follows the outputs chosen in the Graph panel: the
// same extract_sub_graph walk as the kept-node count.
void App::SyncGraphView(Document& doc, GraphView& view) {
  if (view.kept_for == doc.freeze_outputs && view.kept_synced) return;
  view.kept_for = doc.freeze_outputs;
  view.kept_synced = true;
  if (doc.freeze_outputs.empty()) return view.SetKept({}, false);
  auto kept = graph::ExtractSubgraph(doc.model->graph->def(), doc.freeze_outputs);
  view.SetKept(kept.ok() ? kept.value() : std::vector<int>{}, kept.ok());
}

void App::RetireGraphView(int document) {
  auto it = graph_views_.find(document);
  if (it == graph_views_.end()) return;
  retired_graph_views_.push_back(std::move(it->second));
  graph_views_.erase(it);
}

// A click (or an action) selected a node: a bound variable shows its values,
// and so does a Const of a graph opened without a checkpoint (a frozen graph,
// whose constants stand in for the variables: ShowGraphConstants).
void App::AfterGraphAction(Document& doc, GraphView& view) {
  const int node = view.TakeSelectionChange();
  if (node < 0 || view.levels().size() != 1 || !doc.checkpoint) return;
  const graph::Graph& g = view.root_graph();
  if (doc.checkpoint->format() == formats::CheckpointFormat::kGraphConstants) {
    if (doc.checkpoint->Find(g.name(node))) Execute(Command::SelectVariable(doc.id, g.name(node)));
    return;
  }
  if (!graph::IsVariableOp(g.op(node))) return;
  const graph::VariableBinding* b = doc.model->bindings.Find(g.name(node));
  if (b && !b->key.empty() && doc.checkpoint->Find(b->key)) Execute(Command::SelectVariable(doc.id, b->key));
}

namespace {

Status NoView(int document) {
  return Status::Error("graph view: " + std::string(document >= 0 ? "document " + std::to_string(document) : "the active document") +
                       " has no graph");
}

}  // namespace

bool App::busy() const {
  if (!reads_.empty() || freeze_.file_task != nullptr) return true;
  auto drawn = graph_views_.find(graph_view_drawn_);
  return drawn != graph_views_.end() && drawn->second->layout_pending();
}

// The actions below are the drivers' and tests': each lands the relayout it
// starts before returning, so that what they read next is its result.

Status App::GraphExpand(const std::string& path, bool expanded, int document) {
  GraphView* view = GraphViewOf(document);
  if (!view) return NoView(document);
  const Status status = view->SetExpanded(path, expanded);
  view->FinishLayout();
  return status;
}

Status App::GraphSearch(const std::string& query, int document) {
  GraphView* view = GraphViewOf(document);
  if (!view) return NoView(document);
  return view->Search(query);
}

Status App::GraphNextHit(bool forward, int document) {
  GraphView* view = GraphViewOf(document);
  if (!view) return NoView(document);
  if (view->search().hits.empty()) return Status::Error("graph view: no search hits");
  forward ? view->NextHit() : view->PreviousHit();
  view->FinishLayout();
  AfterGraphAction(*FindDocument(document >= 0 ? document : active_document_), *view);
  return Status::Ok();
}

Status App::GraphSelect(const std::string& name, int document) {
  GraphView* view = GraphViewOf(document);
  if (!view) return NoView(document);
  CKPT_RETURN_IF_ERROR(view->SelectNode(name, true));
  view->FinishLayout();
  AfterGraphAction(*FindDocument(document >= 0 ? document : active_document_), *view);
  return Status::Ok();
}

Status App::GraphFit(int document) {
  GraphView* view = GraphViewOf(document);
  if (!view) return NoView(document);
  view->Fit();
  return Status::Ok();
}

Status App::GraphOpenFunction(const std::string& name, int document) {
  GraphView* view = GraphViewOf(document);
  if (!view) return NoView(document);
  return view->OpenFunction(name);
}

Status App::GraphBack(int document) {
  GraphView* view = GraphViewOf(document);
  if (!view) return NoView(document);
  view->PopTo(0);
  return Status::Ok();
}

Status App::ShowTensor(int document, const std::string& label, const tensorflow::TensorProto& proto) {
  auto tensor = graph::TensorFromProto(proto);
  StartSelection(document, label);
  if (!tensor.ok()) {
    selected_.state = SelectedValue::State::kFailed;
    selected_.error = label + ": " + tensor.status().message();
    log_.Error(selected_.error);
    return Status::Error(selected_.error);
  }
  const Document* doc = FindDocument(document);
  SetSelectedTensor(std::move(tensor).value(), doc ? doc->label : label);
  return Status::Ok();
}

void App::DrawGraphView(Document& doc) {
  GraphView* view = GraphViewOf(doc.id);
  if (!view) {
    ImGui::TextDisabled("The graph could not be laid out (see the log).");
    return;
  }
  GraphPanelRequest req;
  if (ImGui::BeginTable("graph_layout", 2, ImGuiTableFlags_Resizable | ImGuiTableFlags_BordersInnerV)) {
    ImGui::TableSetupColumn("canvas", ImGuiTableColumnFlags_WidthStretch, 0.68f);
    ImGui::TableSetupColumn("side", ImGuiTableColumnFlags_WidthStretch, 0.32f);
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::BeginChild("graph_canvas_pane", ImVec2(0, 0), false,
                      ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    view->DrawCanvas(graph_renderer_.get());
    graph_view_drawn_ = doc.id;
    ImGui::EndChild();
    ImGui::TableNextColumn();
    ImGui::BeginChild("graph_side_pane", ImVec2(0, 0), false);
    if (ImGui::BeginTabBar("graph_side_tabs")) {
      if (ImGui::BeginTabItem("Inspect")) {
        // The inspector on top, the selected value below it once there is one.
        const bool value_here = selected_.document == doc.id && selected_.state != SelectedValue::State::kNone;
        const float h = value_here ? ImGui::GetContentRegionAvail().y * 0.5f : 0.0f;
        ImGui::BeginChild("graph_inspect", ImVec2(0, h), false);
        req = DrawGraphSidePanel(*view, doc.model.get());
        ImGui::EndChild();
        if (value_here) {
          ImGui::Separator();
          ImGui::BeginChild("graph_values", ImVec2(0, 0), false);
          value_view_->Draw(selected_, commands_);
          ImGui::EndChild();
        }
        ImGui::EndTabItem();
      }
      if (ImGui::BeginTabItem("Freeze")) {
        DrawGraphPanel(doc);
        ImGui::EndTabItem();
      }
      ImGui::EndTabBar();
    }
    ImGui::EndChild();
    ImGui::EndTable();
  }
  if (!req.load_variable.empty()) Execute(Command::SelectVariable(doc.id, req.load_variable));
  if (req.tensor) ShowTensor(doc.id, req.tensor_label, *req.tensor);
  AfterGraphAction(doc, *view);
}

void App::WriteGraphViewReport(JsonOut& j) const {
  auto it = graph_views_.find(active_document_);
  if (it == graph_views_.end()) {
    j.Null();
    return;
  }
  GraphView& view = *it->second;
  const GraphLevel& l = view.level();
  const GraphScene& scene = view.scene();  // brings it up to date: the counts are what would be drawn
  j.BeginObject();
  j.Key("level").String(l.function);
  j.Key("depth").Int(static_cast<int64_t>(view.levels().size()) - 1);
  j.Key("nodes").Int(l.graph->num_nodes());
  j.Key("visible_nodes").Int(static_cast<int64_t>(l.layout.nodes.size()));
  j.Key("visible_edges").Int(static_cast<int64_t>(l.layout.edges.size()));
  j.Key("stubs").Int(static_cast<int64_t>(l.layout.stubs.size()));
  j.Key("expanded").BeginArray();
  for (const std::string& g : view.ExpandedGroups()) j.String(g);
  j.EndArray();
  j.Key("selected");
  if (l.selected >= 0) j.String(l.graph->name(l.selected));
  else j.Null();
  const GraphSearchState& s = view.search();
  j.Key("search").BeginObject();
  j.Key("query").String(s.query);
  j.Key("hits").Int(static_cast<int64_t>(s.hits.size()));
  j.Key("current").Int(s.current);
  j.Key("current_node");
  if (s.current >= 0) j.String(l.graph->name(s.hits[s.current]));
  else j.Null();
  if (!s.error.empty()) j.Key("error").String(s.error);
  j.EndObject();
  j.Key("camera").BeginObject();
  j.Key("x").Number(l.camera.center_x);
  j.Key("y").Number(l.camera.center_y);
  j.Key("scale").Number(l.camera.scale);
  j.EndObject();
  j.Key("scene").BeginObject();
  j.Key("version").UInt(scene.version);
  j.Key("rects").Int(static_cast<int64_t>(scene.rects.size()));
  j.Key("segments").Int(static_cast<int64_t>(scene.segments.size()));
  j.Key("arrows").Int(static_cast<int64_t>(scene.arrows.size()));
  j.Key("glyphs").Int(static_cast<int64_t>(scene.glyphs.size()));
  j.EndObject();
  j.Key("layout_ms").Number(l.layout_ms);
  j.Key("layout_pending").Bool(view.layout_pending());
  j.Key("open_ms").Number(l.open_ms);
  j.Key("kept_nodes").Int(view.kept_active() ? view.kept_count() : -1);
  j.Key("renderer").Bool(graph_renderer_ != nullptr);
  j.EndObject();
}

}  // namespace ckptview::app
