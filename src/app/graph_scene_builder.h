// BuildGraphScene: a LayoutResult (graph/layout) turned into the GPU's
// GraphScene: node boxes coloured by op family or device, expanded groups
// as frames with a header, collapsed groups and series as boxes with their
// node counts, hub stubs, edges sampled from their routes with arrowheads
// and counts, with what the freeze outputs drop dimmed.
// BuildGraphHighlights: the selection and search hits as a second, small
// scene drawn over the first, so that a click or a search rebuilds and
// uploads a few instances rather than every box and edge.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "app/graph_scene.h"
#include "graph/graph.h"
#include "graph/layout/hierarchy.h"
#include "graph/layout/layout_types.h"

namespace ckptview::app {

class GraphFont;

enum class GraphColorMode : uint8_t { kOpType, kDevice };

// Per graph node (and, OR-ed over their members, per hierarchy group).
enum GraphMark : uint8_t {
  kMarkSelected = 1,
  kMarkHit = 2,
  kMarkCurrentHit = 4,
  kMarkKept = 8,  // kept by the freeze outputs chosen
};

struct SceneInputs {
  const graph::layout::LayoutResult* layout = nullptr;
  const graph::layout::Hierarchy* hierarchy = nullptr;
  const graph::Graph* graph = nullptr;       // node i of the layout input = node i of the graph
  const std::vector<uint8_t>* node_marks = nullptr;   // per graph node (may be null)
  const std::vector<uint8_t>* group_marks = nullptr;  // per hierarchy group (may be null)
  bool dim_unkept = false;  // a freeze selection exists: nodes it drops are dimmed
  GraphColorMode color_mode = GraphColorMode::kOpType;
  const GraphFont* font = nullptr;  // null: no labels
};

// Label line height in world units (boxes are 24 high by default).
inline constexpr float kGraphLabelHeight = 11;

// Both replace the arrays and bounds of their scene and leave `version`
// alone (the caller bumps it).
void BuildGraphScene(const SceneInputs& in, GraphScene* scene);
void BuildGraphHighlights(const SceneInputs& in, GraphScene* highlights);

class SceneBuilder;

// BuildGraphScene in pieces, for a caller that spreads it over frames (the
// graph view's relayout): each Continue adds the next `items` layout items
// (frames, boxes, stubs, edges) and returns true once the scene is whole.
// What `in` points to must stay unchanged until then.
class GraphSceneBuild {
 public:
  GraphSceneBuild(const SceneInputs& in, GraphScene* scene);
  ~GraphSceneBuild();
  bool Continue(size_t items);

 private:
  std::unique_ptr<SceneBuilder> builder_;
};

// `text` cut to fit `max_width` at line height `height` ("..." appended when cut).
std::string FitLabel(const GraphFont& font, const std::string& text, float height, float max_width);

}  // namespace ckptview::app
