// BundleWriter: writes a V2 tensor bundle (`<prefix>.index` + one data file),
// as TF's BundleWriter does: tensors appended to the data stream in Add()
// order, no padding, masked crc32c per tensor, then the index SSTable with the
// header under key "". The reader is tensor_bundle.h. FORMATS.md section 3.
//
// Used by tests (crafted and corrupted checkpoints) and benchmarks (large
// generated checkpoints written in a stream, never held whole in memory).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "base/status.h"
#include "tensor/tensor.h"

namespace ckptview::formats {

class BundleWriter {
 public:
  // `write_data` receives the data file's bytes in order.
  explicit BundleWriter(std::function<Status(std::string_view)> write_data)
      : write_data_(std::move(write_data)) {}

  Status Add(const std::string& key, const Tensor& tensor);
  // A fixed-size-dtype tensor whose bytes are produced in pieces by `fill`
  // (called until it has supplied NumElements × DTypeSize bytes in total).
  Status AddStreamed(const std::string& key, DType dtype, const Shape& shape,
                     const std::function<std::string_view()>& fill);
  // The index file's bytes.
  Result<std::string> FinishIndex();

 private:
  Status Append(std::string_view bytes);
  Status AddEntry(const std::string& key, DType dtype, const Shape& shape, uint64_t offset,
                  uint64_t size, uint32_t crc);

  std::function<Status(std::string_view)> write_data_;
  uint64_t offset_ = 0;
  std::map<std::string, std::string> entries_;  // key -> serialized BundleEntryProto
};

}  // namespace ckptview::formats
