#include "app/graph_inspector.h"

#include <algorithm>
#include <string>

#include "app/graph_function.h"
#include "app/graph_style.h"
#include "app/graph_view.h"
#include "graph/variables.h"
#include "imgui.h"
#include "misc/cpp/imgui_stdlib.h"
#include "tensor/dtype.h"

namespace ckptview::app {
namespace {

constexpr int kMaxListItems = 8;
constexpr size_t kMaxString = 60;
const ImVec4 kErrorColor(1.0f, 0.45f, 0.4f, 1.0f);

std::string ShapeText(const tensorflow::TensorShapeProto& shape) {
  if (shape.unknown_rank()) return "<unknown>";
  std::string out = "[";
  for (int i = 0; i < shape.dim_size(); ++i) {
    if (i) out += ",";
    out += shape.dim(i).size() < 0 ? "?" : std::to_string(shape.dim(i).size());
  }
  return out + "]";
}

std::string TypeText(int dtype) { return std::string(DTypeName(BaseType(dtype))); }

std::string QuotedText(const std::string& s) {
  std::string t = s.size() > kMaxString ? s.substr(0, kMaxString) + "..." : s;
  for (char& c : t)
    if (static_cast<unsigned char>(c) < 0x20) c = '?';
  return "\"" + t + "\"";
}

template <typename List, typename F>
std::string ListText(const List& list, F format) {
  std::string out = "[";
  for (int i = 0; i < list.size() && i < kMaxListItems; ++i) out += (i ? ", " : "") + format(list.Get(i));
  if (list.size() > kMaxListItems) out += ", ... (" + std::to_string(list.size()) + ")";
  return out + "]";
}

std::string TensorText(const tensorflow::TensorProto& t) {
  return "tensor<" + TypeText(t.dtype()) + " " + ShapeText(t.tensor_shape()) + ">";
}

}  // namespace

std::string FormatAttr(const tensorflow::AttrValue& v) {
  using A = tensorflow::AttrValue;
  switch (v.value_case()) {
    case A::kS: return QuotedText(v.s());
    case A::kI: return std::to_string(v.i());
    case A::kF: return std::to_string(v.f());
    case A::kB: return v.b() ? "true" : "false";
    case A::kType: return TypeText(v.type());
    case A::kShape: return ShapeText(v.shape());
    case A::kTensor: return TensorText(v.tensor());
    case A::kFunc: return "func " + v.func().name();
    case A::kPlaceholder: return "$" + v.placeholder();
    case A::kList: {
      const auto& l = v.list();
      if (l.s_size()) return ListText(l.s(), QuotedText);
      if (l.i_size()) return ListText(l.i(), [](int64_t x) { return std::to_string(x); });
      if (l.f_size()) return ListText(l.f(), [](float x) { return std::to_string(x); });
      if (l.b_size()) return ListText(l.b(), [](bool x) { return std::string(x ? "true" : "false"); });
      if (l.type_size()) return ListText(l.type(), [](int x) { return TypeText(x); });
      if (l.shape_size()) return ListText(l.shape(), ShapeText);
      if (l.tensor_size()) return ListText(l.tensor(), TensorText);
      if (l.func_size()) return ListText(l.func(), [](const tensorflow::NameAttrList& f) { return f.name(); });
      return "[]";
    }
    case A::VALUE_NOT_SET: break;
  }
  return "";
}

std::vector<std::string> OutputShapes(const tensorflow::NodeDef& node) {
  std::vector<std::string> out;
  const tensorflow::AttrValue* a = graph::FindAttr(node, "_output_shapes");
  if (!a || a->value_case() != tensorflow::AttrValue::kList) return out;
  for (const auto& s : a->list().shape()) out.push_back(ShapeText(s));
  return out;
}

namespace {

void DrawBreadcrumb(GraphView& view) {
  const auto& levels = view.levels();
  if (levels.size() < 2) return;
  for (size_t i = 0; i < levels.size(); ++i) {
    if (i) ImGui::SameLine(0, 4), ImGui::TextDisabled(">"), ImGui::SameLine(0, 4);
    const std::string label = (i == 0 ? std::string("graph") : levels[i]->function) + "##crumb" + std::to_string(i);
    if (i + 1 == levels.size()) ImGui::TextUnformatted(label.substr(0, label.find("##")).c_str());
    else if (ImGui::SmallButton(label.c_str())) return view.PopTo(i);
  }
}

void DrawToolbar(GraphView& view) {
  if (ImGui::SmallButton("Fit (F)")) view.Fit();
  ImGui::SameLine();
  int mode = static_cast<int>(view.color_mode());
  ImGui::TextDisabled("colour:");
  ImGui::SameLine();
  bool changed = ImGui::RadioButton("op", &mode, 0);
  ImGui::SameLine();
  changed |= ImGui::RadioButton("device", &mode, 1);
  if (changed) view.SetColorMode(static_cast<GraphColorMode>(mode));
  const GraphLevel& l = view.level();
  ImGui::TextDisabled("%zu boxes, %zu edges, %zu groups open, layout %.1f ms", l.layout.nodes.size(),
                      l.layout.edges.size(), l.layout.groups.size(), l.layout_ms);
  if (view.kept_active() && view.levels().size() == 1)
    ImGui::TextDisabled("freeze keeps %d of %d nodes (others dimmed)", view.kept_count(), l.graph->num_nodes());
  if (ImGui::CollapsingHeader("Legend")) {
    for (int f = 0; f < static_cast<int>(OpFamily::kCount); ++f) {
      const ImU32 c = OpFamilyColor(static_cast<OpFamily>(f));
      ImGui::ColorButton(OpFamilyName(static_cast<OpFamily>(f)), ImGui::ColorConvertU32ToFloat4(c),
                         ImGuiColorEditFlags_NoTooltip, ImVec2(12, 12));
      ImGui::SameLine();
      ImGui::TextUnformatted(OpFamilyName(static_cast<OpFamily>(f)));
    }
  }
}

void DrawSearch(GraphView& view) {
  std::string query = view.search().query;
  ImGui::SetNextItemWidth(-90);
  const bool enter = ImGui::InputTextWithHint("##graph_search", "search name or op (regex)", &query,
                                              ImGuiInputTextFlags_EnterReturnsTrue);
  if (query != view.search().query) view.Search(query);
  if (enter) view.NextHit();
  ImGui::SameLine();
  const GraphSearchState& s = view.search();
  ImGui::BeginDisabled(s.hits.empty());
  if (ImGui::SmallButton("<")) view.PreviousHit();
  ImGui::SameLine();
  if (ImGui::SmallButton(">")) view.NextHit();
  ImGui::EndDisabled();
  if (!s.error.empty()) ImGui::TextColored(kErrorColor, "%s", s.error.c_str());
  else if (!s.query.empty()) ImGui::TextDisabled("%d of %zu hits", s.current + 1, s.hits.size());
}

// A node name that selects and jumps there when clicked.
void NodeLink(GraphView& view, int node, const std::string& suffix, int id) {
  const graph::Graph& g = *view.level().graph;
  const std::string label = g.name(node) + suffix + "##link" + std::to_string(id);
  if (ImGui::Selectable(label.c_str(), false)) view.SelectNodeIndex(node, true);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s (%s)", g.name(node).c_str(), g.op(node).c_str());
}

void DrawLinks(GraphView& view, int node) {
  const graph::Graph& g = *view.level().graph;
  const graph::Graph::Node& n = g.node(node);
  const auto& def = *n.def;
  if (ImGui::TreeNodeEx("Inputs", ImGuiTreeNodeFlags_DefaultOpen, "Inputs (%d)", def.input_size())) {
    for (int i = 0; i < def.input_size(); ++i) {
      const graph::Graph::Input& in = n.inputs[i];
      if (in.node < 0) ImGui::TextDisabled("%s (not in the graph)", def.input(i).c_str());
      else NodeLink(view, in.node, in.control ? "  (control)" : in.index ? ":" + std::to_string(in.index) : "", i);
    }
    ImGui::TreePop();
  }
  if (ImGui::TreeNodeEx("Outputs", ImGuiTreeNodeFlags_DefaultOpen, "Outputs (%zu)", n.consumers.size())) {
    ImGuiListClipper clipper;  // a hub may feed thousands
    clipper.Begin(static_cast<int>(n.consumers.size()));
    while (clipper.Step())
      for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i)
        NodeLink(view, n.consumers[i].node, "", 100000 + i);
    ImGui::TreePop();
  }
}

void DrawAttributes(const tensorflow::NodeDef& def, const std::string& name, GraphPanelRequest* req) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : def.attr()) keys.push_back(key);
  std::sort(keys.begin(), keys.end());  // the proto map's order is not stable
  if (!ImGui::TreeNodeEx("Attributes", ImGuiTreeNodeFlags_DefaultOpen, "Attributes (%zu)", keys.size())) return;
  for (const std::string& key : keys) {
    if (key == "_output_shapes") continue;
    const tensorflow::AttrValue& v = def.attr().at(key);
    ImGui::TextDisabled("%s", key.c_str());
    ImGui::SameLine();
    ImGui::TextUnformatted(FormatAttr(v).c_str());
    if (v.value_case() == tensorflow::AttrValue::kTensor) {
      ImGui::SameLine();
      if (ImGui::SmallButton(("Show values##" + key).c_str())) {
        req->tensor = &v.tensor();
        req->tensor_label = name + "." + key;
      }
    }
  }
  ImGui::TreePop();
}

void DrawVariable(const graph::Model* model, const std::string& name, GraphPanelRequest* req) {
  if (!model) return;
  const graph::VariableBinding* b = model->bindings.Find(name);
  if (!b) return;
  ImGui::TextDisabled("checkpoint");
  ImGui::SameLine();
  if (b->state == graph::BindingState::kBound || b->state == graph::BindingState::kShapeMismatch) {
    ImGui::TextUnformatted(b->key.c_str());
    ImGui::SameLine();
    if (ImGui::SmallButton("Show values")) req->load_variable = b->key;
  } else {
    ImGui::TextColored(kErrorColor, "%s %s", graph::BindingStateName(b->state), b->problem.c_str());
  }
}

void DrawInspector(GraphView& view, const graph::Model* model, GraphPanelRequest* req) {
  const GraphLevel& l = view.level();
  if (l.selected < 0) {
    ImGui::TextDisabled("Click a node to inspect it; double-click a group to open or close it.");
    return;
  }
  const graph::Graph& g = *l.graph;
  const int node = l.selected;
  const tensorflow::NodeDef& def = *g.node(node).def;
  ImGui::TextWrapped("%s", g.name(node).c_str());
  ImGui::TextDisabled("op");
  ImGui::SameLine();
  ImGui::TextUnformatted(def.op().c_str());
  if (!def.device().empty()) {
    ImGui::TextDisabled("device");
    ImGui::SameLine();
    ImGui::TextUnformatted(def.device().c_str());
  }
  if (ImGui::SmallButton("Jump to")) view.SelectNodeIndex(node, true);
  if (view.levels().size() == 1) DrawVariable(model, g.name(node), req);
  for (const std::string& f : CalledFunctions(def, view.root_graph())) {
    if (ImGui::SmallButton(("Open function body: " + f).c_str())) {
      view.OpenFunction(f);
      return;  // the level changed: `def` belongs to the old one
    }
  }
  const std::vector<std::string> shapes = OutputShapes(def);
  for (size_t i = 0; i < shapes.size(); ++i) {
    ImGui::TextDisabled("output %zu", i);
    ImGui::SameLine();
    ImGui::TextUnformatted(shapes[i].c_str());
  }
  DrawAttributes(def, g.name(node), req);
  DrawLinks(view, node);
}

}  // namespace

GraphPanelRequest DrawGraphSidePanel(GraphView& view, const graph::Model* model) {
  GraphPanelRequest req;
  DrawBreadcrumb(view);
  DrawToolbar(view);
  ImGui::Separator();
  DrawSearch(view);
  ImGui::Separator();
  ImGui::BeginChild("graph_inspector", ImVec2(0, 0), false);
  DrawInspector(view, model, &req);
  ImGui::EndChild();
  return req;
}

}  // namespace ckptview::app
