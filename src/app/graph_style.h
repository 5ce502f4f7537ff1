// Colours of the graph view: a fixed palette by op family (so the same op
// always gets the same colour, in every graph) or by device, and the
// colours of states (selected, search hit, dimmed by a freeze selection).
// Colours are packed like ImGui's IM_COL32: 0xAABBGGRR.
#pragma once

#include <cstdint>
#include <string_view>

namespace ckptview::app {

enum class OpFamily : uint8_t {
  kVariable,     // Variable*, VarHandleOp, reads and assigns of variables
  kConst,
  kMath,         // elementwise and reductions, MatMul
  kNN,           // Conv*, pooling, activations, losses, BiasAdd
  kArray,        // Reshape, Concat, Gather, Shape, Slice, ...
  kControlFlow,  // Switch, Merge, Enter, Exit, While, If, NoOp, ...
  kFunction,     // PartitionedCall and calls of library functions
  kTraining,     // Apply* optimizer updates
  kIO,           // Placeholder, Save/Restore, readers, iterators
  kSummary,
  kOther,
  kCount,
};

OpFamily OpFamilyOf(std::string_view op);
const char* OpFamilyName(OpFamily family);
uint32_t OpFamilyColor(OpFamily family);
// A stable colour for a device string ("" → grey).
uint32_t DeviceColor(std::string_view device);

// Mixes `c` towards `toward` by t in [0, 1] (alpha included).
uint32_t MixColor(uint32_t c, uint32_t toward, float t);
uint32_t WithAlpha(uint32_t c, uint8_t alpha);
// `top` blended over `bottom` (both 0xAABBGGRR, not premultiplied), as the
// renderer's blending would draw them: one colour for the pair.
uint32_t Over(uint32_t top, uint32_t bottom);

namespace graph_colors {
inline constexpr uint32_t kBackground = 0xFF1C1A18;
inline constexpr uint32_t kGroupFill = 0x16FFFFFF;  // nested frames add up: keep it faint
inline constexpr uint32_t kGroupBorder = 0x80A0A0A0;
inline constexpr uint32_t kCollapsedFill = 0xFF5A4A3C;
inline constexpr uint32_t kNodeBorder = 0xFF202020;
inline constexpr uint32_t kLabel = 0xFFF0F0F0;
inline constexpr uint32_t kGroupLabel = 0xFFC8C8C8;
inline constexpr uint32_t kEdge = 0xFFA0A0A0;
inline constexpr uint32_t kControlEdge = 0x70909090;
inline constexpr uint32_t kSelected = 0xFFFFE040;   // cyan-ish (ABGR)
inline constexpr uint32_t kHit = 0xFF30D0FF;        // yellow
inline constexpr uint32_t kCurrentHit = 0xFF2080FF; // orange
inline constexpr uint32_t kSelectedEdge = 0xFFFFE040;
}  // namespace graph_colors

}  // namespace ckptview::app
