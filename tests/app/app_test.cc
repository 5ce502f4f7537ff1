// App state without a window: open in-memory files as the page does (whole
// small files, shards listed by size only), select variables, serve the read
// requests by hand or from the source, check the report and the statistics.
// Also draws headless ImGui frames over the state, and a 100M-element tensor
// through the real read path.

#include "app/app.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "app/imgui_setup.h"
#include "app/value_view.h"
#include "app/variables_view.h"
#include "formats/bundle_writer.h"
#include "formats/tensor_bundle.h"
#include "imgui.h"

namespace ckptview::app {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool IsShard(const std::string& name) {
  static const std::regex re(R"(\.data-\d{5}-of-\d{5}$)");
  return std::regex_search(name, re);
}

// The page's way: every file but the shards whole, shards by name and size.
std::unique_ptr<formats::MemoryFileSource> PageSource(const std::string& fixture, bool shards_whole) {
  auto source = std::make_unique<formats::MemoryFileSource>();
  const fs::path dir = fs::path(CKPT_FIXTURES_DIR) / fixture;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& p : files) {
    const std::string name = p.filename().string();
    if (IsShard(name) && !shards_whole) source->AddUnread(name, fs::file_size(p));
    else source->Add(name, ReadFile(p));
  }
  return source;
}

// Serves requests as the web driver does, from the fixture files on disk.
void ServeFromDisk(App& app, const std::string& fixture) {
  for (const ReadRequest& r : app.TakeReadRequests()) {
    std::vector<std::string> chunks;
    for (const auto& range : r.ranges) {
      std::string all = ReadFile(fs::path(CKPT_FIXTURES_DIR) / fixture / range.path);
      ASSERT_LE(range.offset + range.size, all.size());
      chunks.push_back(all.substr(range.offset, range.size));
    }
    app.Deliver(r.id, std::move(chunks));
  }
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(AppTest, OpensTutorialAndReportsVariables) {
  App app;
  auto id = app.Open(PageSource("tutorial/ckpts", false), "ckpts");
  ASSERT_TRUE(id.ok()) << id.status().message();
  ASSERT_EQ(app.documents().size(), 1u);
  const Document& doc = *app.documents()[0];
  ASSERT_NE(doc.checkpoint, nullptr);
  EXPECT_EQ(doc.checkpoint->prefix(), "model.ckpt-1");
  EXPECT_EQ(app.active_document(), id.value());

  const std::string report = app.ReportJson();
  EXPECT_TRUE(Contains(report, R"({"name":"w1","key":"w1","dtype":"float32","shape":[2])")) << report;
  EXPECT_TRUE(Contains(report, R"({"name":"w2","key":"w2","dtype":"int32","shape":[5])")) << report;
  EXPECT_TRUE(Contains(report, R"("format":"bundle_v2")")) << report;
  EXPECT_TRUE(Contains(report, R"("errors":[])")) << report;
  EXPECT_TRUE(Contains(report, R"("selected":null)")) << report;
}

TEST(AppTest, SelectQueuesRangeOfShardAndDeliveryLoadsValues) {
  App app;
  ASSERT_TRUE(app.Open(PageSource("tutorial/ckpts", false), "ckpts").ok());
  ASSERT_TRUE(app.Select("w2").ok());
  EXPECT_EQ(app.selected().state, SelectedValue::State::kLoading);
  EXPECT_TRUE(app.busy());

  auto requests = app.TakeReadRequests();
  ASSERT_EQ(requests.size(), 1u);
  ASSERT_EQ(requests[0].ranges.size(), 1u);
  EXPECT_EQ(requests[0].ranges[0].path, "model.ckpt-1.data-00000-of-00001");
  EXPECT_EQ(requests[0].ranges[0].size, 20u);  // 5 x int32, not the whole shard
  EXPECT_EQ(requests[0].document, app.active_document());
  EXPECT_TRUE(app.WantsRead(requests[0].id));

  std::string shard = ReadFile(fs::path(CKPT_FIXTURES_DIR) / "tutorial/ckpts" / requests[0].ranges[0].path);
  app.ReportProgress(requests[0].id, 10);
  EXPECT_EQ(app.selected().bytes_done, 10u);
  app.Deliver(requests[0].id, std::vector<std::string>{
                                  shard.substr(requests[0].ranges[0].offset, requests[0].ranges[0].size)});
  const SelectedValue& s = app.selected();
  ASSERT_EQ(s.state, SelectedValue::State::kLoaded) << s.error;
  EXPECT_FALSE(app.busy());
  ASSERT_TRUE(s.has_stats);
  EXPECT_EQ(s.stats.count, 5);
  EXPECT_EQ(s.stats.min, 1);
  EXPECT_EQ(s.stats.max, 5);
  EXPECT_EQ(s.stats.mean, 3);
  EXPECT_EQ(s.stats.zero_count, 0);

  const std::string report = app.ReportJson();
  EXPECT_TRUE(Contains(report, R"("selected":"w2")")) << report;
  EXPECT_TRUE(Contains(report, R"("preview":["1","2","3","4","5"])")) << report;
  EXPECT_TRUE(Contains(report, R"("state":"loaded")")) << report;
  EXPECT_TRUE(Contains(report, R"("min":1,"max":5,"mean":3)")) << report;
}

TEST(AppTest, ServesReadsFromInMemorySource) {
  App app;
  ASSERT_TRUE(app.Open(PageSource("sharded", true), "sharded").ok());
  const auto& vars = app.documents()[0]->checkpoint->variables();
  ASSERT_FALSE(vars.empty());
  for (const auto& v : vars) {
    app.Execute(Command::SelectVariable(app.active_document(), v.key));
    app.ServeReadsFromSources();
    ASSERT_EQ(app.selected().state, SelectedValue::State::kLoaded) << v.key << ": " << app.selected().error;
    EXPECT_EQ(app.selected().tensor.shape, v.shape) << v.key;
  }
  EXPECT_TRUE(app.log().errors().empty());
}

TEST(AppTest, SupersededAndUnknownDeliveriesAreIgnored) {
  App app;
  ASSERT_TRUE(app.Open(PageSource("tutorial/ckpts", false), "ckpts").ok());
  ASSERT_TRUE(app.Select("w1").ok());
  auto first = app.TakeReadRequests();
  ASSERT_TRUE(app.Select("w2").ok());  // before w1 arrives
  EXPECT_FALSE(app.WantsRead(first[0].id));
  app.Deliver(first[0].id, std::vector<std::string>{std::string(8, '\0')});
  EXPECT_EQ(app.selected().state, SelectedValue::State::kLoading);
  EXPECT_EQ(app.selected().key, "w2");
  app.Deliver(9999, Status::Error("nobody asked"));
  EXPECT_EQ(app.selected().state, SelectedValue::State::kLoading);
  ServeFromDisk(app, "tutorial/ckpts");
  EXPECT_EQ(app.selected().state, SelectedValue::State::kLoaded);
  EXPECT_EQ(app.selected().key, "w2");
  EXPECT_TRUE(app.log().errors().empty());
}

TEST(AppTest, ReadErrorsAndCorruptBytesBecomeErrors) {
  App app;
  ASSERT_TRUE(app.Open(PageSource("tutorial/ckpts", false), "ckpts").ok());
  ASSERT_TRUE(app.Select("w2").ok());
  auto r = app.TakeReadRequests();
  app.Deliver(r[0].id, Status::Error("File.slice failed"));
  EXPECT_EQ(app.selected().state, SelectedValue::State::kFailed);
  EXPECT_TRUE(Contains(app.selected().error, "File.slice failed")) << app.selected().error;

  ASSERT_TRUE(app.Select("w1").ok());
  r = app.TakeReadRequests();
  app.Deliver(r[0].id, std::vector<std::string>{std::string(8, '\x7f')});  // crc32c mismatch
  EXPECT_EQ(app.selected().state, SelectedValue::State::kFailed);
  EXPECT_EQ(app.log().errors().size(), 2u);
  EXPECT_TRUE(Contains(app.ReportJson(), R"("state":"failed")"));
}

TEST(AppTest, GarbageIsAnErrorNotADocument) {
  App app;
  auto source = std::make_unique<formats::MemoryFileSource>();
  source->Add("junk.index", std::string(300, '\x5a'));
  auto id = app.Open(std::move(source), "junk");
  EXPECT_FALSE(id.ok());
  EXPECT_TRUE(app.documents().empty());
  ASSERT_EQ(app.log().errors().size(), 1u);
  EXPECT_TRUE(Contains(app.log().errors()[0], "junk")) << app.log().errors()[0];
  EXPECT_FALSE(app.Select("w1").ok());
  const std::string report = app.ReportJson();
  EXPECT_TRUE(Contains(report, R"("documents":[])")) << report;
}

TEST(AppTest, UnknownNameAndTensorSizeLimit) {
  AppOptions options;
  options.max_tensor_bytes = 10;
  App app(options);
  ASSERT_TRUE(app.Open(PageSource("tutorial/ckpts", false), "ckpts").ok());
  Status s = app.Select("nope");
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "no such variable")) << s.message();
  s = app.Select("w2");  // 20 bytes > 10
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(app.selected().state, SelectedValue::State::kFailed);
  EXPECT_TRUE(Contains(app.selected().error, "more than this app reads at once")) << app.selected().error;
  EXPECT_TRUE(app.TakeReadRequests().empty());
  ASSERT_TRUE(app.Select("w1").ok());  // 8 bytes
}

TEST(AppTest, SelectByObjectPathAndCloseDocuments) {
  App app;
  ASSERT_TRUE(app.Open(PageSource("tf2_slots", true), "tf2").ok());
  ASSERT_TRUE(app.Select("model/w").ok());  // the object path, not the key
  EXPECT_EQ(app.selected().key, "model/w/.ATTRIBUTES/VARIABLE_VALUE");
  ASSERT_TRUE(app.Open(PageSource("tutorial/ckpts", true), "ckpts").ok());
  EXPECT_EQ(app.documents().size(), 2u);
  const int tf2 = app.documents()[0]->id;
  app.Execute(Command::CloseDocument(tf2));
  EXPECT_EQ(app.documents().size(), 1u);
  EXPECT_EQ(app.selected().state, SelectedValue::State::kNone);  // it was tf2's
  EXPECT_TRUE(app.TakeReadRequests().empty());  // the pending read was cancelled
  EXPECT_EQ(app.active_document(), app.documents()[0]->id);
}

// ---- Headless ImGui frames --------------------------------------------------------

class HeadlessImGui {
 public:
  HeadlessImGui() {
    ImGui::CreateContext();
    ConfigureImGui();
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(1280, 800);
    io.DeltaTime = 1.0f / 60;
    unsigned char* pixels;
    int w, h;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
  }
  ~HeadlessImGui() { ImGui::DestroyContext(); }
  void Frame(App& app) {
    ImGui::NewFrame();
    app.Draw();
    ImGui::Render();
  }
};

TEST(AppDrawTest, DrawsEveryStateWithoutAWindow) {
  HeadlessImGui imgui;
  App app;
  imgui.Frame(app);  // empty state
  ASSERT_TRUE(app.Open(PageSource("dtypes", true), "dtypes").ok());
  imgui.Frame(app);
  for (const auto& v : app.documents()[0]->checkpoint->variables()) {
    app.Execute(Command::SelectVariable(app.active_document(), v.key));
    imgui.Frame(app);  // loading
    app.ServeReadsFromSources();
    imgui.Frame(app);  // loaded
    ASSERT_EQ(app.selected().state, SelectedValue::State::kLoaded) << v.key << ": " << app.selected().error;
    EXPECT_LE(app.value_view().cells_formatted, std::max<int64_t>(app.selected().tensor.num_elements(), 0));
  }
  app.variables_view().options.tree = true;
  app.variables_view().options.filter = "float";
  imgui.Frame(app);
  EXPECT_GT(app.variables_view().list().rows().size(), 0u);
  EXPECT_TRUE(app.log().errors().empty());
}

// A 100M-element tensor through the real path: a bundle written in memory,
// the range read, crc32c, decode, statistics; then frames of the value view.
// The grid must format only what is on screen.
TEST(AppDrawTest, HundredMillionElementsStayVirtual) {
  const int64_t rows = 10000, cols = 10000;  // float32, 400 MB
  std::string data;
  formats::BundleWriter writer([&](std::string_view b) {
    data.append(b);
    return Status::Ok();
  });
  std::string block(1 << 20, '\0');
  for (size_t i = 0; i < block.size() / 4; ++i) {
    float f = static_cast<float>(i % 1000) - 500.0f;
    std::memcpy(&block[i * 4], &f, 4);
  }
  uint64_t left = rows * cols * 4;
  ASSERT_TRUE(writer
                  .AddStreamed("big", DType::kFloat, {rows, cols},
                               [&]() {
                                 size_t n = std::min<uint64_t>(left, block.size());
                                 left -= n;
                                 return std::string_view(block.data(), n);
                               })
                  .ok());
  auto index = writer.FinishIndex();
  ASSERT_TRUE(index.ok());
  auto source = std::make_unique<formats::MemoryFileSource>();
  source->Add("big.index", std::move(index).value());
  source->Add(formats::BundleDataFilename("big", 0, 1), std::move(data));

  App app;
  ASSERT_TRUE(app.Open(std::move(source), "big").ok());
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(app.Select("big").ok());
  app.ServeReadsFromSources();
  const double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_EQ(app.selected().state, SelectedValue::State::kLoaded) << app.selected().error;
  EXPECT_EQ(app.selected().stats.count, rows * cols);
  EXPECT_EQ(app.selected().stats.min, -500);
  EXPECT_EQ(app.selected().stats.max, 499);

  HeadlessImGui imgui;
  imgui.Frame(app);
  double worst_ms = 0;
  for (int i = 0; i < 10; ++i) {
    const auto f0 = std::chrono::steady_clock::now();
    imgui.Frame(app);
    worst_ms = std::max(worst_ms, std::chrono::duration<double, std::milli>(
                                      std::chrono::steady_clock::now() - f0).count());
  }
  const ValueView& view = app.value_view();
  EXPECT_GT(view.cells_formatted, 0);
  EXPECT_LE(view.cells_formatted, view.cells_visible);
  EXPECT_LT(view.cells_formatted, 2000);  // a screenful, not 100M
  // Jump to the last page of rows.
  app.value_view().first_row = rows - 1;
  imgui.Frame(app);
  imgui.Frame(app);
  EXPECT_EQ(app.value_view().first_row, (rows - 1) / ValueView::kPageRows * ValueView::kPageRows);
  EXPECT_LE(app.value_view().cells_formatted, app.value_view().cells_visible);
  std::printf("[ info ] 100M float32: read+decode+stats %.2f s, worst frame %.2f ms, %lld cells formatted\n",
              load_s, worst_ms, static_cast<long long>(view.cells_formatted));
  EXPECT_LT(worst_ms, 100.0);
}

}  // namespace
}  // namespace ckptview::app

