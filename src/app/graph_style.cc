#include "app/graph_style.h"

#include <algorithm>
#include <array>
#include <string>

namespace ckptview::app {
namespace {

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}
bool OneOf(std::string_view op, std::initializer_list<std::string_view> list) {
  return std::find(list.begin(), list.end(), op) != list.end();
}

constexpr uint32_t Rgb(uint32_t r, uint32_t g, uint32_t b) { return 0xFF000000u | (b << 16) | (g << 8) | r; }

}  // namespace

OpFamily OpFamilyOf(std::string_view op) {
  if (op == "Const" || op == "HostConst") return OpFamily::kConst;
  if (OneOf(op, {"Variable", "VariableV2", "VarHandleOp", "ReadVariableOp", "AssignVariableOp",
                 "AssignAddVariableOp", "AssignSubVariableOp", "Assign", "AssignAdd", "AssignSub",
                 "VarIsInitializedOp", "IsVariableInitialized", "ResourceGather", "ResourceGatherNd",
                 "DestroyResourceOp"}))
    return OpFamily::kVariable;
  if (StartsWith(op, "Apply") || StartsWith(op, "ResourceApply") || StartsWith(op, "SparseApply") ||
      StartsWith(op, "ResourceSparseApply"))
    return OpFamily::kTraining;
  if (EndsWith(op, "Summary") || EndsWith(op, "SummaryV2") || op == "WriteSummary" || op == "MergeSummary")
    return OpFamily::kSummary;
  if (OneOf(op, {"PartitionedCall", "StatefulPartitionedCall", "SymbolicGradient", "RemoteCall"}))
    return OpFamily::kFunction;
  if (OneOf(op, {"Switch", "RefSwitch", "Merge", "RefMerge", "Enter", "RefEnter", "Exit", "RefExit",
                 "NextIteration", "RefNextIteration", "LoopCond", "While", "StatelessWhile", "If",
                 "StatelessIf", "Case", "StatelessCase", "NoOp", "ControlTrigger", "Identity", "IdentityN",
                 "StopGradient", "Assert", "Print", "PrintV2"}))
    return OpFamily::kControlFlow;
  if (OneOf(op, {"Placeholder", "PlaceholderWithDefault", "PlaceholderV2", "SaveV2", "Save", "SaveSlices",
                 "RestoreV2", "Restore", "RestoreSlice", "MergeV2Checkpoints", "ShardedFilename",
                 "StringJoin", "_Arg", "_Retval", "IteratorGetNext", "IteratorV2", "MakeIterator",
                 "OneShotIterator", "ReaderReadV2", "FIFOQueueV2", "QueueDequeueV2", "QueueDequeueManyV2",
                 "QueueEnqueueV2"}) ||
      EndsWith(op, "Dataset") || EndsWith(op, "DatasetV2") || EndsWith(op, "ReaderV2"))
    return OpFamily::kIO;
  if (StartsWith(op, "Conv") || StartsWith(op, "DepthwiseConv") || StartsWith(op, "MaxPool") ||
      StartsWith(op, "AvgPool") || StartsWith(op, "FusedBatchNorm") || StartsWith(op, "BiasAdd") ||
      StartsWith(op, "Relu") || StartsWith(op, "Elu") || StartsWith(op, "Selu") || StartsWith(op, "Softmax") ||
      StartsWith(op, "LogSoftmax") || StartsWith(op, "Softplus") || StartsWith(op, "Softsign") ||
      StartsWith(op, "LRN") || StartsWith(op, "Dropout") || StartsWith(op, "L2Loss") ||
      StartsWith(op, "SoftmaxCrossEntropy") || StartsWith(op, "SparseSoftmaxCrossEntropy") ||
      StartsWith(op, "LeakyRelu") || StartsWith(op, "Gelu") || OneOf(op, {"Sigmoid", "Tanh", "SigmoidGrad", "TanhGrad"}))
    return OpFamily::kNN;
  if (OneOf(op, {"Reshape", "Shape", "ShapeN", "Size", "Rank", "Concat", "ConcatV2", "ConcatOffset", "Pack",
                 "Unpack", "Slice", "StridedSlice", "StridedSliceGrad", "Gather", "GatherV2", "GatherNd",
                 "Transpose", "ExpandDims", "Squeeze", "Tile", "Fill", "ZerosLike", "OnesLike", "Split",
                 "SplitV", "Pad", "PadV2", "MirrorPad", "Reverse", "ReverseV2", "BroadcastTo",
                 "BroadcastGradientArgs", "Range", "Where", "OneHot", "ScatterNd", "DynamicStitch",
                 "DynamicPartition", "Cast", "Bitcast", "TensorListFromTensor", "TensorListStack",
                 "TensorListReserve", "TensorListGetItem", "TensorListSetItem"}))
    return OpFamily::kArray;
  if (OneOf(op, {"Add", "AddV2", "AddN", "Sub", "Mul", "Div", "RealDiv", "FloorDiv", "FloorMod", "Mod",
                 "Neg", "Abs", "Exp", "Log", "Log1p", "Sqrt", "Rsqrt", "Square", "SquaredDifference", "Pow",
                 "Maximum", "Minimum", "MatMul", "BatchMatMul", "BatchMatMulV2", "BatchMatMulV3", "Sum", "Mean",
                 "Prod", "Max", "Min", "ArgMax", "ArgMin", "Equal", "NotEqual", "Less", "LessEqual",
                 "Greater", "GreaterEqual", "LogicalAnd", "LogicalOr", "LogicalNot", "Select", "SelectV2",
                 "Sign", "Floor", "Ceil", "Round", "Reciprocal", "RsqrtGrad", "SqrtGrad", "ReciprocalGrad",
                 "TruncateDiv", "DivNoNan", "MulNoNan", "Cumsum", "All", "Any", "Tan", "Sin", "Cos"}))
    return OpFamily::kMath;
  return OpFamily::kOther;
}

const char* OpFamilyName(OpFamily family) {
  static const char* kNames[] = {"variables", "constants", "math", "nn", "array", "control flow",
                                 "function calls", "training", "io", "summaries", "other"};
  const int i = static_cast<int>(family);
  return i >= 0 && i < static_cast<int>(OpFamily::kCount) ? kNames[i] : "other";
}

uint32_t OpFamilyColor(OpFamily family) {
  static const uint32_t kColors[] = {
      Rgb(214, 128, 46),   // variables: orange
      Rgb(110, 110, 118),  // constants: grey
      Rgb(64, 120, 196),   // math: blue
      Rgb(60, 160, 90),    // nn: green
      Rgb(176, 150, 52),   // array: ochre
      Rgb(140, 90, 180),   // control flow: purple
      Rgb(200, 80, 150),   // function calls: pink
      Rgb(196, 70, 60),    // training: red
      Rgb(40, 150, 160),   // io: teal
      Rgb(120, 140, 80),   // summaries: olive
      Rgb(84, 96, 112),    // other: slate
  };
  const int i = static_cast<int>(family);
  return i >= 0 && i < static_cast<int>(OpFamily::kCount) ? kColors[i] : kColors[10];
}

uint32_t DeviceColor(std::string_view device) {
  if (device.empty()) return Rgb(96, 96, 104);
  static const uint32_t kColors[] = {Rgb(64, 120, 196), Rgb(60, 160, 90),  Rgb(214, 128, 46),
                                     Rgb(140, 90, 180), Rgb(196, 70, 60),  Rgb(40, 150, 160),
                                     Rgb(176, 150, 52), Rgb(200, 80, 150)};
  // FNV-1a: stable across runs and platforms (std::hash is neither).
  uint32_t h = 2166136261u;
  for (unsigned char c : device) h = (h ^ c) * 16777619u;
  return kColors[h % 8];
}

uint32_t MixColor(uint32_t c, uint32_t toward, float t) {
  t = std::clamp(t, 0.0f, 1.0f);
  uint32_t out = 0;
  for (int shift = 0; shift < 32; shift += 8) {
    const float a = static_cast<float>((c >> shift) & 0xFF), b = static_cast<float>((toward >> shift) & 0xFF);
    out |= static_cast<uint32_t>(a + (b - a) * t + 0.5f) << shift;
  }
  return out;
}

uint32_t WithAlpha(uint32_t c, uint8_t alpha) { return (c & 0x00FFFFFFu) | (uint32_t{alpha} << 24); }

uint32_t Over(uint32_t top, uint32_t bottom) {
  const float ta = (top >> 24) / 255.0f, ba = (bottom >> 24) / 255.0f;
  const float a = ta + ba * (1 - ta);
  if (a <= 0) return 0;
  uint32_t out = static_cast<uint32_t>(a * 255 + 0.5f) << 24;
  for (int shift = 0; shift < 24; shift += 8) {
    const float t = static_cast<float>((top >> shift) & 0xFF), b = static_cast<float>((bottom >> shift) & 0xFF);
    out |= static_cast<uint32_t>(std::clamp((t * ta + b * ba * (1 - ta)) / a, 0.0f, 255.0f) + 0.5f) << shift;
  }
  return out;
}

}  // namespace ckptview::app
