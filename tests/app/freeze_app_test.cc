// The App's graph side without a window: the tutorial checkpoint opens with
// its .meta, outputs are chosen, and a freeze runs through the read queue
// (reads served by hand, as the page's driver does), giving a GraphDef whose
// w1 and w2 are Consts holding the checkpoint's values.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <unistd.h>

#include "formats/disk_file_source.h"

#include "app/app.h"
#include "app/imgui_setup.h"
#include "graph.pb.h"
#include "graph/freeze_file.h"
#include "imgui.h"

namespace ckptview::app {
namespace {

namespace fs = std::filesystem;

std::unique_ptr<formats::MemoryFileSource> TutorialSource() {
  auto source = std::make_unique<formats::MemoryFileSource>();
  const fs::path dir = fs::path(CKPT_FIXTURES_DIR) / "graphs/tutorial/ckpts";
  for (const auto& e : fs::directory_iterator(dir)) {
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string name = e.path().filename().string();
    if (name.find(".data-") != std::string::npos) source->AddUnread(name, fs::file_size(e.path()));
    else source->Add(name, ss.str());
  }
  return source;
}

// Serves the queued reads from the fixture files on disk (the page's way).
int ServeFromDisk(App& app) {
  int served = 0;
  const fs::path dir = fs::path(CKPT_FIXTURES_DIR) / "graphs/tutorial/ckpts";
  for (const ReadRequest& r : app.TakeReadRequests()) {
    std::vector<std::string> chunks;
    for (const auto& range : r.ranges) {
      std::ifstream in(dir / range.path, std::ios::binary);
      std::string bytes(range.size, '\0');
      in.seekg(static_cast<std::streamoff>(range.offset));
      in.read(bytes.data(), static_cast<std::streamsize>(range.size));
      chunks.push_back(std::move(bytes));
    }
    app.Deliver(r.id, std::move(chunks));
    ++served;
  }
  return served;
}

TEST(FreezeAppTest, TutorialFreezesThroughTheReadQueue) {
  App app;
  auto id = app.Open(TutorialSource(), "ckpts");
  ASSERT_TRUE(id.ok()) << id.status().message();
  const Document* doc = app.FindDocument(id.value());
  ASSERT_NE(doc->model, nullptr);
  ASSERT_NE(doc->model->graph, nullptr);
  EXPECT_GT(doc->model->graph->num_nodes(), 2);
  const std::string report = app.ReportJson();
  EXPECT_NE(report.find("\"graph\":{\"nodes\":"), std::string::npos) << report;

  ASSERT_TRUE(app.SetFreezeOutputs({"w1", "w2"}).ok());
  EXPECT_EQ(doc->kept_nodes, 2);
  EXPECT_FALSE(app.SetFreezeOutputs({"no_such_node"}).ok());
  EXPECT_EQ(doc->kept_nodes, -1);

  ASSERT_TRUE(app.StartFreeze({"w1", "w2"}).ok()) << app.freeze().error;
  int rounds = 0;
  while (app.freeze().state == FreezeState::State::kRunning && rounds < 100) {
    ASSERT_GT(ServeFromDisk(app), 0);
    ++rounds;
  }
  ASSERT_EQ(app.freeze().state, FreezeState::State::kDone) << app.freeze().error;
  EXPECT_EQ(app.freeze().nodes, (std::vector<std::string>{"w1", "w2"}));
  std::string bytes;
  for (const auto& c : app.TakeFreezeOutput()) bytes += c;
  EXPECT_EQ(bytes.size(), app.freeze().bytes_written);

  tensorflow::GraphDef g;
  ASSERT_TRUE(g.ParseFromString(bytes));
  ASSERT_EQ(g.node_size(), 2);
  EXPECT_EQ(g.node(0).name(), "w1");
  EXPECT_EQ(g.node(1).name(), "w2");
  for (const auto& n : g.node()) EXPECT_EQ(n.op(), "Const") << n.name();
  const auto& w2 = g.node(1).attr().at("value").tensor();
  std::vector<int32_t> values;
  if (!w2.tensor_content().empty()) {
    values.resize(w2.tensor_content().size() / 4);
    std::memcpy(values.data(), w2.tensor_content().data(), values.size() * 4);
  } else {
    values.assign(w2.int_val().begin(), w2.int_val().end());
  }
  EXPECT_EQ(values, (std::vector<int32_t>{1, 2, 3, 4, 5}));
  const auto& w1 = g.node(0).attr().at("value").tensor();
  EXPECT_EQ(w1.tensor_content().size() + w1.float_val_size() * 4, 8u);
}

TEST(FreezeAppTest, CancelAndBadOutputs) {
  App app;
  auto id = app.Open(TutorialSource(), "ckpts");
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(app.StartFreeze({"w1", "w2"}).ok());
  if (app.freeze().state == FreezeState::State::kRunning) {
    app.CancelFreeze();
    EXPECT_EQ(app.freeze().state, FreezeState::State::kCancelled);
    ServeFromDisk(app);  // a late delivery is ignored
    EXPECT_EQ(app.freeze().state, FreezeState::State::kCancelled);
  }
  EXPECT_FALSE(app.StartFreeze({"nope"}).ok());
  EXPECT_EQ(app.freeze().state, FreezeState::State::kFailed);
  EXPECT_FALSE(app.ReportJson().find("\"freeze\":{\"state\":\"failed\"") == std::string::npos);
}

// A frozen graph opened alone lists its Consts as variables and shows their
// values: the tutorial frozen to w1,w2 and opened back gives w2 = 1..5.
TEST(FreezeAppTest, FrozenGraphShowsItsConstants) {
  App app;
  ASSERT_TRUE(app.Open(TutorialSource(), "ckpts").ok());
  ASSERT_TRUE(app.StartFreeze({"w1", "w2"}).ok()) << app.freeze().error;
  while (app.freeze().state == FreezeState::State::kRunning) ASSERT_GT(ServeFromDisk(app), 0);
  ASSERT_EQ(app.freeze().state, FreezeState::State::kDone) << app.freeze().error;
  std::string bytes;
  for (const auto& c : app.TakeFreezeOutput()) bytes += c;

  auto frozen = std::make_unique<formats::MemoryFileSource>();
  frozen->Add("frozen_model.pb", bytes);
  auto id = app.Open(std::move(frozen), "frozen_model.pb");
  ASSERT_TRUE(id.ok()) << id.status().message();
  const Document* doc = app.FindDocument(id.value());
  ASSERT_NE(doc->checkpoint, nullptr);
  EXPECT_EQ(doc->checkpoint->format(), formats::CheckpointFormat::kGraphConstants);
  ASSERT_EQ(doc->checkpoint->variables().size(), 2u);
  EXPECT_NE(app.ReportJson().find("\"format\":\"graph_constants\""), std::string::npos);

  // Selecting the node in the graph view shows its value, as for a variable.
  ASSERT_TRUE(app.GraphSelect("w2").ok());
  app.ServeReadsFromSources();
  ASSERT_EQ(app.selected().key, "w2");
  ASSERT_EQ(app.selected().state, SelectedValue::State::kLoaded) << app.selected().error;
  const Tensor& w2 = app.selected().tensor;
  ASSERT_EQ(w2.dtype, DType::kInt32);
  ASSERT_EQ(w2.bytes.size(), 20u);
  std::vector<int32_t> values(5);
  std::memcpy(values.data(), w2.bytes.data(), 20);
  EXPECT_EQ(values, (std::vector<int32_t>{1, 2, 3, 4, 5}));
}

// The desktop's way: the whole freeze at once through FreezeToFile.
TEST(FreezeAppTest, FreezeToPathWritesTheFile) {
  App app;
  auto id = app.Open(TutorialSource(), "ckpts");
  ASSERT_TRUE(id.ok());
  EXPECT_FALSE(app.FreezeToPath("/tmp/x.pb", {"w1", "w2"}).ok());  // no writer yet
  auto disk = formats::DiskFileSource::Open(fs::path(CKPT_FIXTURES_DIR) / "graphs/tutorial/ckpts");
  ASSERT_TRUE(disk.ok());
  std::shared_ptr<formats::FileSource> disk_source = std::move(disk).value();
  app.SetFreezeFileWriter([disk_source](graph::FreezeJob& job, formats::FileSource&, const std::string& path,
                                        uint64_t* bytes, const App::FreezeProgress& progress) {
    return graph::FreezeToFile(job, *disk_source, path, bytes, progress);
  });
  const fs::path out = fs::temp_directory_path() / ("ckptview_freeze_app_" + std::to_string(::getpid()) + ".pb");
  ASSERT_TRUE(app.FreezeToPath(out.string(), {"w1", "w2"}).ok()) << app.freeze().error;
  EXPECT_EQ(app.freeze().state, FreezeState::State::kDone);
  std::ifstream in(out, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str().size(), app.freeze().bytes_written);
  tensorflow::GraphDef g;
  ASSERT_TRUE(g.ParseFromString(ss.str()));
  ASSERT_EQ(g.node_size(), 2);
  EXPECT_EQ(g.node(1).op(), "Const");
  fs::remove(out);
}

// The desktop's Freeze button: the file is written on a worker thread while
// frames go on; progress shows and Cancel stops it with nothing written. The
// writer here blocks until told to stop, so the cancel is deterministic.
TEST(FreezeAppTest, FreezeToPathRunsInTheBackgroundAndCancels) {
  App app;
  ASSERT_TRUE(app.Open(TutorialSource(), "ckpts").ok());
  std::atomic<bool> release{false};
  app.SetFreezeFileWriter([&release](graph::FreezeJob&, formats::FileSource&, const std::string&, uint64_t*,
                                     const App::FreezeProgress& progress) {
    for (uint64_t n = 1; progress(n); ++n) {
      if (release) return Status::Ok();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return Status::Error("cancelled by the app");
  });
  ASSERT_TRUE(app.StartFreezeToPath("/nonexistent/out.pb", {"w1", "w2"}).ok());
  EXPECT_EQ(app.freeze().state, FreezeState::State::kRunning);
  EXPECT_TRUE(app.busy());
  while (app.freeze().bytes_written < 3) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    app.PollFileFreeze();
  }
  EXPECT_EQ(app.freeze().state, FreezeState::State::kRunning);
  app.CancelFreeze();
  EXPECT_EQ(app.freeze().state, FreezeState::State::kCancelled);
  EXPECT_FALSE(app.busy());

  // Let through, it finishes on a later poll.
  release = true;
  ASSERT_TRUE(app.StartFreezeToPath("/nonexistent/out.pb", {"w1", "w2"}).ok());
  for (int i = 0; i < 5000 && app.freeze().state == FreezeState::State::kRunning; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    app.PollFileFreeze();
  }
  EXPECT_EQ(app.freeze().state, FreezeState::State::kDone) << app.freeze().error;
  EXPECT_FALSE(app.busy());
}

// A cancel that comes after the writer's last cancellation point (the file
// is complete and renamed) reports the freeze as done, not cancelled.
TEST(FreezeAppTest, CancelTooLateReportsTheWrittenFile) {
  App app;
  ASSERT_TRUE(app.Open(TutorialSource(), "ckpts").ok());
  std::atomic<bool> wrote{false};
  app.SetFreezeFileWriter([&wrote](graph::FreezeJob&, formats::FileSource&, const std::string&, uint64_t* bytes,
                                   const App::FreezeProgress&) {
    *bytes = 42;
    wrote = true;
    return Status::Ok();
  });
  ASSERT_TRUE(app.StartFreezeToPath("/nonexistent/out.pb", {"w1", "w2"}).ok());
  while (!wrote) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  app.CancelFreeze();
  EXPECT_EQ(app.freeze().state, FreezeState::State::kDone) << app.freeze().error;
  EXPECT_EQ(app.freeze().bytes_written, 42u);
  EXPECT_FALSE(app.busy());
}

TEST(FreezeAppTest, GraphPanelDrawsHeadless) {
  App app;
  ASSERT_TRUE(app.Open(TutorialSource(), "ckpts").ok());
  ImGui::CreateContext();
  ConfigureImGui();
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(1280, 720);
  io.DeltaTime = 1.0f / 60;
  unsigned char* pixels;
  int w, h;
  io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
  ASSERT_TRUE(app.SetFreezeOutputs({"w1", "w2"}).ok());
  auto frames = [&](int n) {
    for (int i = 0; i < n; ++i) {
      ImGui::NewFrame();
      app.Draw();
      ImGui::Render();
      app.ServeReadsFromSources();
    }
  };
  frames(2);
  app.ShowGraphPanel();
  frames(3);  // the panel: node list, outputs, Freeze button
  ASSERT_TRUE(app.StartFreeze().ok());
  frames(1);  // progress bar and Cancel while the read is queued
  ASSERT_TRUE(app.StartFreeze().ok());
  app.TakeReadRequests();  // stays in flight: the panel shows progress
  frames(2);
  app.CancelFreeze();
  EXPECT_EQ(app.freeze().state, FreezeState::State::kCancelled);
  frames(2);
  ImGui::DestroyContext();
}

}  // namespace
}  // namespace ckptview::app
