// Writes a synthetic V2 checkpoint for benchmarks, streamed so its size is
// not bounded by memory:
//   make_checkpoint PREFIX --variables N --bytes TOTAL
// N float32 variables named layer_<i>/kernel splitting TOTAL bytes evenly
// (values are a cheap pseudo-random sequence, so crc work is real).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "formats/bundle_writer.h"
#include "formats/tensor_bundle.h"

using namespace ckptview;

namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "make_checkpoint: %s\n", message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  const char* usage = "usage: make_checkpoint PREFIX [--variables N] [--bytes TOTAL]";
  // An option where PREFIX goes (e.g. --help) is not a file name to write.
  if (argc < 2 || argv[1][0] == '-' || argc % 2 != 0) return Fail(usage);
  std::string prefix = argv[1];
  long long variables = 1, total_bytes = 1 << 20;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--variables")) variables = std::atoll(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--bytes")) total_bytes = std::atoll(argv[i + 1]);
    else return Fail(std::string("unknown option ") + argv[i]);
  }
  if (variables < 1) return Fail("--variables must be >= 1");

  std::string data_path = formats::BundleDataFilename(prefix, 0, 1);
  FILE* data = std::fopen(data_path.c_str(), "wb");
  if (!data) return Fail("cannot write " + data_path);
  formats::BundleWriter writer([data, &data_path](std::string_view bytes) {
    if (std::fwrite(bytes.data(), 1, bytes.size(), data) != bytes.size())
      return Status::Error("short write to " + data_path);
    return Status::Ok();
  });

  std::vector<float> chunk(1 << 18);
  uint32_t state = 12345;
  auto fill = [&]() {
    for (float& f : chunk) {
      state = state * 1664525u + 1013904223u;
      f = float(int32_t(state)) * 1e-9f;
    }
    return std::string_view(reinterpret_cast<const char*>(chunk.data()), chunk.size() * 4);
  };
  const long long per_variable = std::max(1LL, total_bytes / variables / 4);
  char name[64];
  for (long long i = 0; i < variables; ++i) {
    std::snprintf(name, sizeof name, "layer_%06lld/kernel", i);
    Status s = writer.AddStreamed(name, DType::kFloat, {per_variable}, fill);
    if (!s.ok()) return Fail(s.message());
  }
  if (std::fclose(data) != 0) return Fail("cannot finish " + data_path);
  auto index = writer.FinishIndex();
  if (!index.ok()) return Fail(index.status().message());
  std::string index_path = prefix + ".index";
  FILE* f = std::fopen(index_path.c_str(), "wb");
  if (!f || std::fwrite(index->data(), 1, index->size(), f) != index->size() || std::fclose(f) != 0)
    return Fail("cannot write " + index_path);
  std::printf("wrote %s (%lld variables, %lld bytes of data)\n", prefix.c_str(), variables,
              per_variable * 4 * variables);
  return 0;
}
