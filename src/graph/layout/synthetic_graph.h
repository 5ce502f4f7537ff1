// Synthetic TF1-style training graphs for layout tests and benchmarks (native
// and, later, in the browser), with the shapes that make layered layouts
// blow up:
//   - a deep forward chain model/block_<b>/conv_<i>/{Conv2D,BiasAdd,Relu}
//     with variables, initializers and residual adds, in stages of blocks of
//     the same structure (series material);
//   - its gradient mirror gradients/model/... running the other way, each
//     gradient op reading forward activations and kernels (long edges);
//   - per-variable updates GradientDescent/update_model/...;
//   - optional while loops (NextIteration → Merge back edges);
//   - with hubs: a shared learning rate and padding constant, global_step
//     read by every block, the train op, init and save/restore_all NoOps
//     gathering control edges from every variable, save/RestoreV2 feeding
//     every save/Assign_<k>.
// Node ids are TF-style names; scope = ScopeOf(id). Deterministic in spec.
#pragma once

#include <cstdint>

#include "graph/layout/layout_types.h"

namespace ckptview::graph::layout {

struct TrainingGraphSpec {
  int32_t target_nodes = 1000;  // approximate; at least one block is made
  bool hubs = true;
  bool while_loops = true;
  uint32_t seed = 1;            // varies node widths
};

LayoutInput MakeTrainingGraph(const TrainingGraphSpec& spec);

}  // namespace ckptview::graph::layout
