// JSON for layouts: the result (for tests, benchmarks and `ckptview layout
// --json`), and graphs in a plain form other layout tools can read
// (bench/layout/dagre_bench.mjs reads both).
//
// Numbers are written with at most two decimals, locale-free; field order is
// fixed, so equal results give equal bytes.
//
// LayoutResultToJson:
//   {"width":W,"height":H,"crossings":C,"edge_style":"polyline"|"spline",
//    "nodes":[{"id":"a/b","kind":"node"|"group"|"series"|"section",
//              "parent":G,"hub":false,"x":..,"y":..,"w":..,"h":..}],
//    "groups":[{"id":"a","kind":..,"parent":G,"x":..,"y":..,"w":..,"h":..}],
//    "edges":[{"src":N,"dst":N,"count":K,"control":false,"back":false,
//              "points":[x0,y0,x1,y1,...]}],
//    "stubs":[{"hub":I|null,"node":N,"dir":"in"|"out","more":0,
//              "x":..,"y":..,"w":..,"h":..}],
//    "stats":{...},"times_ms":{...}}          (times_ms only if asked)
// Boxes are centre + size; N indexes "nodes", G indexes "groups" (-1: top),
// I is an input node index (null: the stub stands for `more` hubs).
//
// VisibleGraphToJson: what was laid out, without positions:
//   {"nodes":[{"w":..,"h":..,"parent":G}],"groups":[{"parent":G}],
//    "edges":[[src,dst],...]}
//
// LayoutInputToJson:
//   {"nodes":[{"id":..,"op":..,"scope":..,"group":-1,"w":..,"h":..}],
//    "groups":[{"name":..,"parent":-1}],
//    "edges":[[src,dst,flags],...]}   flags: 1 control, 2 back-edge hint
#pragma once

#include <string>

#include "graph/layout/layout_types.h"

namespace ckptview::graph::layout {

std::string LayoutResultToJson(const LayoutResult& result, bool include_times);
std::string VisibleGraphToJson(const LayoutResult& result);
std::string LayoutInputToJson(const LayoutInput& input);

}  // namespace ckptview::graph::layout
