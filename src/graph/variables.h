// Variables of a graph bound to the checkpoint entries that hold their values.
//
// A variable is a main-graph node of op Variable, VariableV2 (TF1 reference
// variables) or VarHandleOp (resource variables). Its checkpoint key is found,
// first rule that applies:
//   1. the Saver's save op (SaveV2 / Save / SaveSlices, those reachable from
//      the SaverDef's save tensor when there is one): tensor_names[i] is the key
//      of the variable that save input i reads (through Identity /
//      ReadVariableOp); a non-empty shape_and_slices[i] ("10 20 0,5:0,20")
//      makes the variable a slice of the partitioned tensor `key`;
//   2. TF2 object graphs: the checkpoint's `_CHECKPOINTABLE_OBJECT_GRAPH`
//      attribute whose full_name is the variable's node name or shared_name,
//      or whose object is the SavedObjectGraph variable of that name
//      (SavedModels: both graphs share node ids) -> its checkpoint_key;
//   3. TF1 naming: the key equal to the node name.
// Then dtype and shape are compared with the checkpoint's (unknown dims in the
// graph match anything). FORMATS.md 3.5, 6.9, 8.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "formats/checkpoint.h"
#include "graph/graph.h"
#include "meta_graph.pb.h"
#include "tensor/tensor.h"
#include "trackable_object_graph.pb.h"

namespace ckptview::graph {

bool IsVariableOp(std::string_view op);  // Variable, VariableV2, VarHandleOp

// One dimension of a slice: `length` -1 means the whole dimension.
struct SliceExtent {
  int64_t start = 0;
  int64_t length = -1;
};
// Parses TF's shape_and_slices string "d0 d1 ... s0:s1:..." (each s is
// "start,length" or "-"). Empty text is "not sliced" (false, no error).
Result<bool> ParseShapeAndSlice(std::string_view text, Shape* full_shape,
                                std::vector<SliceExtent>* slice);

enum class BindingState {
  kBound,          // key found, dtype and shape agree
  kMissing,        // no checkpoint entry for it
  kDTypeMismatch,  // key found, dtypes differ
  kShapeMismatch,  // key found, shapes differ
  kNoCheckpoint,   // no checkpoint open
};
const char* BindingStateName(BindingState state);  // "bound", "missing", ...

struct VariableBinding {
  int node = -1;      // in the Graph
  std::string name;   // node name
  std::string op;
  DType dtype = DType::kInvalid;  // from the `dtype` attr
  Shape shape;                    // from the `shape` attr (-1 for unknown dims)
  bool shape_known = false;       // false: no shape attr or unknown rank

  std::string key;                  // checkpoint key ("" if none)
  std::string rule;                 // "saver", "object graph", "name"
  std::vector<SliceExtent> slice;   // non-empty: this variable is this slice of `key`
  Shape full_shape;                 // with `slice`: the whole partitioned tensor
  BindingState state = BindingState::kMissing;
  std::string problem;              // human-readable, for the non-bound states
};

struct Bindings {
  std::vector<VariableBinding> variables;  // graph order
  // Checkpoint keys no variable reads (optimizer slots of a stripped graph,
  // global_step, ...); `_CHECKPOINTABLE_OBJECT_GRAPH` is left out.
  std::vector<std::string> unused_keys;

  const VariableBinding* Find(std::string_view node_name) const;
  int Count(BindingState state) const;

 private:
  friend Bindings BindVariables(const Graph&, const tensorflow::MetaGraphDef*,
                                const formats::Checkpoint*, const tensorflow::TrackableObjectGraph*);
  std::unordered_map<std::string, int> by_name_;
};

// `meta_graph` (optional) supplies the SaverDef and SavedObjectGraph;
// `checkpoint` may be null (every variable is then kNoCheckpoint);
// `object_graph` is the checkpoint's parsed `_CHECKPOINTABLE_OBJECT_GRAPH`, if any.
Bindings BindVariables(const Graph& graph, const tensorflow::MetaGraphDef* meta_graph,
                       const formats::Checkpoint* checkpoint,
                       const tensorflow::TrackableObjectGraph* object_graph);

}  // namespace ckptview::graph
