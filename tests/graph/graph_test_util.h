// Helpers for the graph-layer tests: GraphDefs from text, small in-memory
// checkpoints written with BundleWriter, tensors from literals, model folders
// on disk opened with OpenModel, and running freeze jobs.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "formats/bundle_writer.h"
#include "formats/checkpoint.h"
#include "formats/disk_file_source.h"
#include "formats/file_source.h"
#include "formats/tensor_bundle.h"
#include "formats/text_format.h"
#include "graph.pb.h"
#include "graph/freeze.h"
#include "graph/model.h"
#include "tensor/tensor.h"

namespace ckptview::graph::testing {

inline tensorflow::GraphDef GraphFromText(const std::string& text) {
  tensorflow::GraphDef g;
  Status s = formats::ParseTextFormat("test.pbtxt", text, &g);
  EXPECT_TRUE(s.ok()) << s.message();
  return g;
}

template <typename T>
Tensor MakeTensor(DType dtype, Shape shape, const std::vector<T>& values) {
  Tensor t;
  t.dtype = dtype;
  t.shape = std::move(shape);
  t.bytes.resize(values.size() * sizeof(T));
  if (!values.empty()) std::memcpy(&t.bytes[0], values.data(), t.bytes.size());
  return t;
}

inline Tensor FloatTensor(Shape shape, const std::vector<float>& v) { return MakeTensor(DType::kFloat, shape, v); }

inline Tensor StringTensor(Shape shape, std::vector<std::string> v) {
  Tensor t;
  t.dtype = DType::kString;
  t.shape = std::move(shape);
  t.strings = std::move(v);
  return t;
}

// A V2 checkpoint "<prefix>.index" + "<prefix>.data-00000-of-00001" in memory.
struct MemoryCheckpoint {
  formats::MemoryFileSource source;
  std::unique_ptr<formats::Checkpoint> checkpoint;

  explicit MemoryCheckpoint(const std::map<std::string, Tensor>& tensors, const std::string& prefix = "ckpt") {
    std::string data;
    formats::BundleWriter writer([&](std::string_view b) {
      data.append(b.data(), b.size());
      return Status::Ok();
    });
    for (const auto& [key, t] : tensors) {
      Status s = writer.Add(key, t);
      EXPECT_TRUE(s.ok()) << s.message();
    }
    Result<std::string> index = writer.FinishIndex();
    EXPECT_TRUE(index.ok());
    source.Add(prefix + ".index", *index);
    source.Add(formats::BundleDataFilename(prefix, 0, 1), data);
    auto c = formats::OpenCheckpoint(source, prefix, formats::CheckpointFormat::kBundleV2);
    EXPECT_TRUE(c.ok()) << c.status().message();
    if (c.ok()) checkpoint = std::move(c).value();
  }
};

// A model folder on disk and the model OpenModel found in it (null, with a
// test failure, if either could not be opened).
struct Opened {
  std::unique_ptr<formats::DiskFileSource> source;
  std::unique_ptr<Model> model;
};

inline Opened Open(const std::string& dir, const ModelOptions& options = {}) {
  Opened o;
  auto source = formats::DiskFileSource::Open(dir);
  EXPECT_TRUE(source.ok()) << source.status().message();
  if (!source.ok()) return o;
  o.source = std::move(source).value();
  auto model = OpenModel(*o.source, options);
  EXPECT_TRUE(model.ok()) << dir << ": " << model.status().message();
  if (model.ok()) o.model = std::move(model).value();
  return o;
}

// Runs a job through the state machine, collecting the output.
inline Result<std::string> RunToString(FreezeJob& job, formats::FileSource& source) {
  std::string out;
  CKPT_RETURN_IF_ERROR(RunFreezeJob(job, source, [&](std::string_view b) {
    out.append(b.data(), b.size());
    return Status::Ok();
  }));
  return out;
}

// Freezes `graph` with values from `ckpt` (keys = node names unless
// `bindings`), checks that the streamed bytes equal the in-memory build and
// parse, and returns the frozen GraphDef.
inline tensorflow::GraphDef FreezeOk(const tensorflow::GraphDef& graph, MemoryCheckpoint* ckpt,
                                     const FreezeOptions& options, const Bindings* bindings = nullptr,
                                     FreezeReport* report = nullptr) {
  tensorflow::GraphDef out;
  Result<std::unique_ptr<FreezeJob>> job =
      FreezeJob::Create(graph, bindings, ckpt ? ckpt->checkpoint.get() : nullptr, options);
  EXPECT_TRUE(job.ok()) << job.status().message();
  if (!job.ok()) return out;
  formats::MemoryFileSource empty;
  formats::FileSource& source = ckpt ? static_cast<formats::FileSource&>(ckpt->source) : empty;
  Result<std::string> streamed = RunToString(**job, source);
  EXPECT_TRUE(streamed.ok()) << streamed.status().message();
  if (!streamed.ok()) return out;
  Result<std::string> memory = FreezeInMemory(**job, source);
  EXPECT_TRUE(memory.ok()) << memory.status().message();
  if (memory.ok()) {
    EXPECT_EQ(*streamed, *memory) << "streamed output differs from the in-memory build";
  }
  if ((*job)->report().output_bytes_exact) {
    EXPECT_EQ((*job)->report().output_bytes, streamed->size());
  } else {
    EXPECT_GE((*job)->report().output_bytes, streamed->size());
  }
  EXPECT_TRUE(out.ParseFromString(*streamed));
  if (report) *report = (*job)->report();
  return out;
}

inline const tensorflow::NodeDef* FindNode(const tensorflow::GraphDef& g, const std::string& name) {
  for (const auto& n : g.node())
    if (n.name() == name) return &n;
  return nullptr;
}

inline std::vector<std::string> NodeNames(const tensorflow::GraphDef& g) {
  std::vector<std::string> out;
  for (const auto& n : g.node()) out.push_back(n.name());
  return out;
}

}  // namespace ckptview::graph::testing
