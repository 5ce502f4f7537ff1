// App::ReportJson: what is open and shown, for end-to-end tests
// (window.ckptview.report() on the page, --report on the desktop).
#include <map>

#include "app/app.h"
#include "app/json_out.h"
#include "app/value_view.h"
#include "app/variable_list.h"
#include "app/variables_view.h"

namespace ckptview::app {
namespace {

void WriteShape(JsonOut& j, const Shape& shape) {
  j.BeginArray();
  for (int64_t d : shape) j.Int(d);
  j.EndArray();
}

const char* StateName(SelectedValue::State s) {
  switch (s) {
    case SelectedValue::State::kNone: return "none";
    case SelectedValue::State::kLoading: return "loading";
    case SelectedValue::State::kLoaded: return "loaded";
    case SelectedValue::State::kFailed: return "failed";
  }
  return "?";
}

}  // namespace

std::string App::ReportJson() const {
  JsonOut j;
  j.BeginObject();
  j.Key("documents").BeginArray();
  for (const auto& doc : documents_) {
    j.BeginObject();
    j.Key("id").Int(doc->id);
    j.Key("label").String(doc->label);
    j.Key("active").Bool(doc->id == active_document_);
    j.Key("files").Int(static_cast<int64_t>(doc->source->Files().size()));
    if (doc->checkpoint) {
      j.Key("prefix").String(doc->checkpoint->prefix());
      j.Key("format").String(FormatName(doc->checkpoint->format()));
    } else {
      j.Key("prefix").Null();
      j.Key("format").Null();
    }
    j.Key("checkpoints").BeginArray();
    for (const auto& ref : doc->discovery.checkpoints) j.String(ref.prefix);
    j.EndArray();
    j.Key("graph_files").BeginArray();
    for (const auto& g : doc->discovery.graph_files) j.String(g);
    j.EndArray();
    j.Key("variables").BeginArray();
    if (doc->checkpoint) {
      for (const auto& v : doc->checkpoint->variables()) {
        j.BeginObject();
        j.Key("name").String(DisplayName(v));
        j.Key("key").String(v.key);
        j.Key("dtype").String(DTypeName(v.dtype));
        j.Key("shape");
        WriteShape(j, v.shape);
        j.Key("bytes").UInt(v.bytes);
        j.Key("slot").Bool(v.optimizer_slot);
        if (v.num_slices > 0) j.Key("slices").Int(v.num_slices);
        j.EndObject();
      }
    }
    j.EndArray();
    j.EndObject();
  }
  j.EndArray();

  j.Key("errors").BeginArray();
  for (const auto& e : log_.errors()) j.String(e);
  j.EndArray();
  j.Key("warnings").BeginArray();
  for (const auto& w : log_.warnings()) j.String(w);
  j.EndArray();
  j.Key("busy").Bool(busy());
  {
    const Document* doc = FindDocument(active_document_);
    j.Key("graph");
    if (!doc || !doc->model || !doc->model->graph) {
      j.Null();
    } else {
      const auto& g = *doc->model->graph;
      std::map<std::string, int> ops;
      for (int i = 0; i < g.num_nodes(); ++i) ops[g.op(i)]++;
      j.BeginObject();
      j.Key("nodes").Int(g.num_nodes());
      j.Key("ops").BeginObject();
      for (const auto& [op, n] : ops) j.Key(op).Int(n);
      j.EndObject();
      j.Key("suggested_outputs").BeginArray();
      for (const auto& o : doc->suggested_outputs) j.String(o);
      j.EndArray();
      j.Key("outputs").BeginArray();
      for (const auto& o : doc->freeze_outputs) j.String(o);
      j.EndArray();
      j.Key("kept_nodes").Int(doc->kept_nodes);
      j.EndObject();
    }
    j.Key("graph_view");
    WriteGraphViewReport(j);
    const FreezeState& f = freeze_;
    static const char* kStates[] = {"none", "running", "done", "failed", "cancelled"};
    j.Key("freeze").BeginObject();
    j.Key("state").String(kStates[static_cast<int>(f.state)]);
    j.Key("document").Int(f.document);
    j.Key("outputs").BeginArray();
    for (const auto& o : f.outputs) j.String(o);
    j.EndArray();
    j.Key("nodes").BeginArray();
    for (const auto& n : f.nodes) j.String(n);
    j.EndArray();
    j.Key("converted").Int(f.converted);
    j.Key("bytes").UInt(f.bytes_written);
    j.Key("bytes_expected").UInt(f.bytes_expected);
    if (f.state == FreezeState::State::kFailed) j.Key("error").String(f.error);
    j.EndObject();
  }
  {
    const VariableListOptions& o = variables_view_->options;
    j.Key("variables_view").BeginObject();
    j.Key("filter").String(o.filter);
    j.Key("tree").Bool(o.tree);
    j.Key("show_optimizer_slots").Bool(o.show_optimizer_slots);
    j.Key("rows").Int(static_cast<int64_t>(variables_view_->list().rows().size()));  // as last drawn
    j.EndObject();
  }

  const SelectedValue& s = selected_;
  j.Key("selected");
  if (s.state == SelectedValue::State::kNone) j.Null();
  else j.String(s.key);

  j.Key("value_view");
  if (s.state == SelectedValue::State::kNone) {
    j.Null();
  } else {
    j.BeginObject();
    j.Key("state").String(StateName(s.state));
    j.Key("document").Int(s.document);
    j.Key("key").String(s.key);
    if (s.state == SelectedValue::State::kFailed) j.Key("error").String(s.error);
    if (s.state == SelectedValue::State::kLoading) {
      j.Key("bytes_total").UInt(s.bytes_total);
      j.Key("bytes_done").UInt(s.bytes_done);
    }
    if (s.state == SelectedValue::State::kLoaded) {
      j.Key("dtype").String(DTypeName(s.tensor.dtype));
      j.Key("shape");
      WriteShape(j, s.tensor.shape);
      j.Key("elements").Int(s.tensor.num_elements());
      const ValueView& vv = *value_view_;
      const ValueSlice slice = vv.SliceFor(s);
      j.Key("slice").String(slice.Describe());
      j.Key("rows").Int(slice.rows());
      j.Key("cols").Int(slice.cols());
      j.Key("preview").BeginArray();
      for (const auto& cell : vv.Preview(s, 16)) j.String(cell);
      j.EndArray();
      j.Key("cells_formatted").Int(vv.cells_formatted);
      if (s.has_stats) {
        const TensorStats& st = s.stats;
        j.Key("stats").BeginObject();
        j.Key("count").Int(st.count);
        j.Key("finite").Int(st.finite_count);
        j.Key("nan").Int(st.nan_count);
        j.Key("inf").Int(st.inf_count);
        j.Key("zero").Int(st.zero_count);
        j.Key("min").Number(st.min);
        j.Key("max").Number(st.max);
        j.Key("mean").Number(st.mean);
        j.Key("std").Number(st.std);
        j.EndObject();
        j.Key("histogram").BeginObject();
        j.Key("min").Number(st.histogram_min);
        j.Key("max").Number(st.histogram_max);
        j.Key("counts").BeginArray();
        for (int64_t c : st.histogram) j.Int(c);
        j.EndArray();
        j.EndObject();
      }
      j.Key("load_ms").Number(s.load_ms);
      j.Key("decode_ms").Number(s.decode_ms);
      j.Key("stats_ms").Number(s.stats_ms);
    }
    j.EndObject();
  }
  j.EndObject();
  return j.str();
}

}  // namespace ckptview::app
