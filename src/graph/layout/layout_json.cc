// JSON writers of layout_json.h.
#include "graph/layout/layout_json.h"

#include <cmath>
#include <cstdio>

namespace ckptview::graph::layout {
namespace {

class Writer {
 public:
  std::string& out() { return out_; }

  Writer& Raw(const char* s) {
    out_ += s;
    return *this;
  }
  Writer& Int(int64_t v) {
    out_ += std::to_string(v);
    return *this;
  }
  Writer& Bool(bool v) { return Raw(v ? "true" : "false"); }
  // Fixed point, two decimals, trailing zeros dropped: locale-free.
  Writer& Num(double v) {
    if (!std::isfinite(v)) return Raw("0");
    long long c = std::llround(v * 100.0);
    if (c < 0) {
      out_ += '-';
      c = -c;
    }
    out_ += std::to_string(c / 100);
    int frac = static_cast<int>(c % 100);
    if (frac != 0) {
      out_ += '.';
      out_ += static_cast<char>('0' + frac / 10);
      if (frac % 10) out_ += static_cast<char>('0' + frac % 10);
    }
    return *this;
  }
  Writer& Str(const std::string& s) {
    out_ += '"';
    for (unsigned char c : s) {
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\n': out_ += "\\n"; break;
        case '\r': out_ += "\\r"; break;
        case '\t': out_ += "\\t"; break;
        default:
          if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out_ += buf;
          } else {
            out_ += static_cast<char>(c);
          }
      }
    }
    out_ += '"';
    return *this;
  }
  Writer& Key(const char* k) {
    out_ += '"';
    out_ += k;
    out_ += "\":";
    return *this;
  }
  Writer& Box(float x, float y, float w, float h) {
    Key("x").Num(x).Raw(",").Key("y").Num(y).Raw(",").Key("w").Num(w).Raw(",").Key("h").Num(h);
    return *this;
  }

 private:
  std::string out_;
};

const char* KindName(ItemKind k) {
  switch (k) {
    case ItemKind::kNode: return "node";
    case ItemKind::kGroup: return "group";
    case ItemKind::kSeries: return "series";
    case ItemKind::kSection: return "section";
  }
  return "node";
}

}  // namespace

std::string LayoutResultToJson(const LayoutResult& r, bool include_times) {
  Writer w;
  w.Raw("{").Key("width").Num(r.width).Raw(",").Key("height").Num(r.height).Raw(",");
  w.Key("crossings").Int(r.crossings).Raw(",");
  w.Key("edge_style").Raw(r.edge_style == EdgeStyle::kSpline ? "\"spline\"" : "\"polyline\"").Raw(",\n");
  w.Key("nodes").Raw("[");
  for (size_t i = 0; i < r.nodes.size(); ++i) {
    const PlacedNode& n = r.nodes[i];
    w.Raw(i ? ",\n{" : "\n{").Key("id").Str(n.id).Raw(",").Key("kind").Str(KindName(n.kind));
    w.Raw(",").Key("parent").Int(n.parent).Raw(",").Key("hub").Bool(n.hub).Raw(",");
    w.Box(n.x, n.y, n.w, n.h).Raw("}");
  }
  w.Raw("],\n").Key("groups").Raw("[");
  for (size_t i = 0; i < r.groups.size(); ++i) {
    const PlacedGroup& g = r.groups[i];
    w.Raw(i ? ",\n{" : "\n{").Key("id").Str(g.id).Raw(",").Key("kind").Str(KindName(g.kind));
    w.Raw(",").Key("parent").Int(g.parent).Raw(",").Box(g.x, g.y, g.w, g.h).Raw("}");
  }
  w.Raw("],\n").Key("edges").Raw("[");
  for (size_t i = 0; i < r.edges.size(); ++i) {
    const RoutedEdge& e = r.edges[i];
    w.Raw(i ? ",\n{" : "\n{").Key("src").Int(e.src).Raw(",").Key("dst").Int(e.dst).Raw(",");
    w.Key("count").Int(e.count).Raw(",").Key("control").Bool(e.control).Raw(",");
    w.Key("back").Bool(e.back).Raw(",").Key("points").Raw("[");
    for (uint32_t k = 0; k < e.num_points; ++k) {
      const Point& p = r.points[e.first_point + k];
      w.Raw(k ? "," : "").Num(p.x).Raw(",").Num(p.y);
    }
    w.Raw("]}");
  }
  w.Raw("],\n").Key("stubs").Raw("[");
  for (size_t i = 0; i < r.stubs.size(); ++i) {
    const Stub& s = r.stubs[i];
    w.Raw(i ? ",\n{" : "\n{").Key("hub");
    // The input node index: the hub is not among "nodes" when its group is
    // collapsed.
    if (s.hub < 0) {
      w.Raw("null");
    } else {
      w.Int(s.hub);
    }
    w.Raw(",").Key("node").Int(s.node).Raw(",").Key("dir").Raw(s.incoming ? "\"in\"" : "\"out\"");
    w.Raw(",").Key("more").Int(s.more).Raw(",").Box(s.x, s.y, s.w, s.h).Raw("}");
  }
  w.Raw("],\n").Key("stats").Raw("{");
  const LayoutStats& st = r.stats;
  w.Key("nodes").Int(static_cast<int64_t>(r.nodes.size())).Raw(",");
  w.Key("edges").Int(static_cast<int64_t>(r.edges.size())).Raw(",");
  w.Key("groups_laid_out").Int(st.groups_laid_out).Raw(",").Key("groups_reused").Int(st.groups_reused);
  w.Raw(",").Key("expanded_groups").Int(st.expanded_groups).Raw(",").Key("dummies").Int(st.dummies);
  w.Raw(",").Key("hubs").Int(st.hubs).Raw(",").Key("series").Int(st.series);
  w.Raw(",").Key("sections").Int(st.sections).Raw("}");
  if (include_times) {
    const LayoutTimes& t = r.times;
    w.Raw(",\n").Key("times_ms").Raw("{").Key("hierarchy").Num(t.hierarchy).Raw(",");
    w.Key("cycles").Num(t.cycles).Raw(",").Key("layering").Num(t.layering).Raw(",");
    w.Key("ordering").Num(t.ordering).Raw(",").Key("coordinates").Num(t.coordinates).Raw(",");
    w.Key("routing").Num(t.routing).Raw(",").Key("compose").Num(t.compose).Raw(",");
    w.Key("total").Num(t.total).Raw("}");
  }
  w.Raw("}\n");
  return std::move(w.out());
}

std::string VisibleGraphToJson(const LayoutResult& r) {
  Writer w;
  w.Raw("{").Key("nodes").Raw("[");
  for (size_t i = 0; i < r.nodes.size(); ++i) {
    const PlacedNode& n = r.nodes[i];
    w.Raw(i ? ",{" : "{").Key("w").Num(n.w).Raw(",").Key("h").Num(n.h).Raw(",");
    w.Key("parent").Int(n.parent).Raw("}");
  }
  w.Raw("],\n").Key("groups").Raw("[");
  for (size_t i = 0; i < r.groups.size(); ++i) {
    w.Raw(i ? ",{" : "{").Key("parent").Int(r.groups[i].parent).Raw("}");
  }
  w.Raw("],\n").Key("edges").Raw("[");
  for (size_t i = 0; i < r.edges.size(); ++i) {
    w.Raw(i ? ",[" : "[").Int(r.edges[i].src).Raw(",").Int(r.edges[i].dst).Raw("]");
  }
  w.Raw("]}\n");
  return std::move(w.out());
}

std::string LayoutInputToJson(const LayoutInput& in) {
  Writer w;
  w.Raw("{").Key("nodes").Raw("[");
  for (size_t i = 0; i < in.nodes.size(); ++i) {
    const LayoutNode& n = in.nodes[i];
    w.Raw(i ? ",\n{" : "\n{").Key("id").Str(n.id).Raw(",").Key("op").Str(n.op).Raw(",");
    w.Key("scope").Str(n.scope).Raw(",").Key("group").Int(n.group).Raw(",");
    w.Key("w").Num(n.width).Raw(",").Key("h").Num(n.height).Raw("}");
  }
  w.Raw("],\n").Key("groups").Raw("[");
  for (size_t i = 0; i < in.groups.size(); ++i) {
    w.Raw(i ? ",{" : "{").Key("name").Str(in.groups[i].name).Raw(",");
    w.Key("parent").Int(in.groups[i].parent).Raw("}");
  }
  w.Raw("],\n").Key("edges").Raw("[");
  for (size_t i = 0; i < in.edges.size(); ++i) {
    const LayoutEdge& e = in.edges[i];
    int flags = (e.is_control ? 1 : 0) | (e.is_back_edge ? 2 : 0);
    w.Raw(i ? ",[" : "[").Int(e.src).Raw(",").Int(e.dst).Raw(",").Int(flags).Raw("]");
  }
  w.Raw("]}\n");
  return std::move(w.out());
}

}  // namespace ckptview::graph::layout
