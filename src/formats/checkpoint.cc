#include "formats/checkpoint.h"

#include <algorithm>

#include "base/crc32c.h"

#include "formats/checkpoint_v1.h"
#include "formats/object_graph.h"
#include "formats/tensor_bundle.h"

namespace ckptview::formats {

// Slot variables of the TF1 optimizers (tf.compat.v1.train.*). Each creates
// its slots with `_zeros_slot(var, slot, self._name)` / `_get_or_make_slot`,
// which name the slot variable `<var op name>/<optimizer name>`; a second
// slot of the same optimizer gets the uniquified `<optimizer name>_1`
// (Adam: m, v; RMSProp: rms, momentum; Ftrl: accum, linear). The names are
// the optimizers' default `name` arguments, which nearly every TF1 model
// keeps. tf.train.ExponentialMovingAverage names its shadow variables
// `<var>/ExponentialMovingAverage` the same way; they are not the model's
// weights either, so they are flagged alongside. Only the exact suffix
// counts, so a variable merely called ".../AdamW" or "Adam" is not flagged.
bool IsTf1OptimizerSlotName(std::string_view key) {
  static constexpr std::string_view kSuffixes[] = {
      "/Adam",    "/Adam_1", "/Momentum", "/RMSProp", "/RMSProp_1",
      "/Adagrad", "/Ftrl",   "/Ftrl_1",   "/ExponentialMovingAverage"};
  for (std::string_view s : kSuffixes) {
    if (key.size() > s.size() && key.substr(key.size() - s.size()) == s) return true;
  }
  return false;
}

std::string SavedModelVariablesPrefix(const std::string& saved_model_dir) {
  return PathJoin(PathJoin(saved_model_dir, "variables"), "variables");
}

const VariableInfo* Checkpoint::Find(std::string_view key) const {
  auto it = std::lower_bound(variables_.begin(), variables_.end(), key,
                             [](const VariableInfo& v, std::string_view k) { return v.key < k; });
  if (it == variables_.end() || it->key != key) return nullptr;
  return &*it;
}

Result<Tensor> Checkpoint::Decode(std::string_view key, const std::vector<std::string>& chunks) const {
  std::vector<std::string> copy = chunks;
  return DecodeChunks(key, copy, nullptr);
}

Result<Tensor> Checkpoint::Decode(std::string_view key, std::vector<std::string>&& chunks) const {
  return DecodeChunks(key, chunks, nullptr);
}

Result<Tensor> Checkpoint::Read(std::string_view key, FileSource& source) const {
  CKPT_ASSIGN_OR_RETURN(std::vector<ByteRange> ranges, RangesFor(key));
  std::vector<std::string> chunks(ranges.size());
  std::vector<uint32_t> crcs(ranges.size(), 0);
  for (size_t i = 0; i < ranges.size(); ++i) {
    // Checksum each piece as it lands, while it is still in cache.
    uint32_t& crc = crcs[i];
    CKPT_RETURN_IF_ERROR(source.ReadRangeVisiting(ranges[i].path, ranges[i].offset, ranges[i].size, &chunks[i],
                                                  [&crc](const char* p, size_t n) { crc = crc32c::Extend(crc, p, n); }));
  }
  return DecodeChunks(key, chunks, &crcs);
}

Status Checkpoint::Verify(std::string_view key, FileSource& source) const {
  return Read(key, source).status();
}

void Checkpoint::FinishVariables() {
  std::sort(variables_.begin(), variables_.end(),
            [](const VariableInfo& a, const VariableInfo& b) { return a.key < b.key; });
  for (VariableInfo& v : variables_) {
    if (IsTf1OptimizerSlotName(v.key) || v.key.find("/.OPTIMIZER_SLOT/") != std::string::npos) {
      v.optimizer_slot = true;
    }
    // Without an object graph, a TF2 key still says its path.
    if (v.object_path.empty()) v.object_path = ObjectPathFromKey(v.key);
  }
}

Status Checkpoint::ApplyObjectGraph(std::string_view serialized_object_graph) {
  CKPT_ASSIGN_OR_RETURN(ObjectGraphPaths paths, ParseObjectGraph(ByteView(serialized_object_graph)));
  for (VariableInfo& v : variables_) {
    auto it = paths.key_to_path.find(v.key);
    if (it != paths.key_to_path.end()) v.object_path = it->second;
    if (paths.slot_keys.count(v.key)) v.optimizer_slot = true;
  }
  return Status::Ok();
}

Result<std::unique_ptr<Checkpoint>> OpenCheckpoint(FileSource& source, const std::string& prefix,
                                                   CheckpointFormat format) {
  if (format == CheckpointFormat::kSlicesV1) {
    CKPT_ASSIGN_OR_RETURN(std::unique_ptr<SlicesV1Checkpoint> v1, SlicesV1Checkpoint::Open(source, prefix));
    return std::unique_ptr<Checkpoint>(std::move(v1));
  }
  const std::string index = prefix + ".index";
  if (!source.Find(index)) return Status::Error(index + ": no such file");
  CKPT_ASSIGN_OR_RETURN(std::string contents, source.ReadAll(index));
  CKPT_ASSIGN_OR_RETURN(std::unique_ptr<BundleCheckpoint> bundle,
                        BundleCheckpoint::Open(prefix, std::move(contents), source.Files()));
  if (const VariableInfo* graph = bundle->Find(kObjectGraphKey)) {
    Status applied;
    if (graph->dtype != DType::kString || !graph->shape.empty()) {
      applied = Status::Error(std::string(kObjectGraphKey) + " is not a string scalar");
    } else {
      Result<Tensor> t = bundle->Read(kObjectGraphKey, source);
      if (!t.ok()) {
        applied = t.status();
      } else {
        applied = bundle->ApplyObjectGraph(t->strings.at(0));
      }
    }
    if (!applied.ok()) {
      bundle->warnings_.push_back("object graph not applied (object paths come from keys): " +
                                  applied.message());
    }
  }
  return std::unique_ptr<Checkpoint>(std::move(bundle));
}

}  // namespace ckptview::formats
