// The desktop app end to end: runs ckptview-desktop under a virtual X server
// (xvfb-run, Mesa llvmpipe), opens the tutorial checkpoint, selects w1,
// renders frames and checks the screenshot and the report. Skipped where no
// X server can be had (no xvfb-run and no DISPLAY) or the binary is not built.

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <unistd.h>

#include "graph.pb.h"
#include "run_command.h"

namespace ckptview::app {
namespace {

namespace fs = std::filesystem;

uint32_t BigEndian32(const std::string& s, size_t pos) {
  return (uint32_t(uint8_t(s[pos])) << 24) | (uint32_t(uint8_t(s[pos + 1])) << 16) |
         (uint32_t(uint8_t(s[pos + 2])) << 8) | uint32_t(uint8_t(s[pos + 3]));
}

// Decodes what app/png.cc writes (RGBA, filter 0, stored deflate blocks).
bool DecodeOwnPng(const std::string& png, int* w, int* h, std::string* rgba) {
  std::string raw;
  for (size_t pos = 8; pos + 12 <= png.size();) {
    const uint32_t len = BigEndian32(png, pos);
    const std::string type = png.substr(pos + 4, 4);
    const std::string data = png.substr(pos + 8, len);
    if (type == "IHDR") {
      *w = static_cast<int>(BigEndian32(data, 0));
      *h = static_cast<int>(BigEndian32(data, 4));
    } else if (type == "IDAT") {
      for (size_t p = 2, last = 0; !last;) {
        last = data[p] & 1;
        const uint32_t n = uint8_t(data[p + 1]) | (uint8_t(data[p + 2]) << 8);
        raw += data.substr(p + 5, n);
        p += 5 + n;
      }
    }
    pos += 12 + len;
  }
  const size_t row = size_t(*w) * 4;
  if (raw.size() != (row + 1) * *h) return false;
  rgba->clear();
  for (int y = 0; y < *h; ++y) rgba->append(raw, y * (row + 1) + 1, row);
  return true;
}

using testing_util::RunCommand;

// The desktop app's command line start (under xvfb-run when there is one),
// or "" with the reason when it cannot run here.
std::string DesktopCommand(std::string* why) {
  const std::string exe = CKPT_DESKTOP_PATH;
  if (!fs::exists(exe)) {
    *why = exe + " is not built";
    return "";
  }
  if (std::system("command -v xvfb-run >/dev/null 2>&1") == 0) return "xvfb-run -a '" + exe + "'";
  if (std::getenv("DISPLAY")) return "'" + exe + "'";
  *why = "no xvfb-run and no DISPLAY: no GL context to render with";
  return "";
}

// The bytes of `path`, which is then removed.
std::string TakeFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  fs::remove(path);
  return ss.str();
}

// Distinct RGB colours of the pixels x0 <= x < x1, y0 <= y < y1 of an RGBA
// image `w` pixels wide.
size_t DistinctColours(const std::string& rgba, int w, int x0, int y0, int x1, int y1) {
  std::set<uint32_t> colours;
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) {
      const size_t i = (size_t(y) * size_t(w) + size_t(x)) * 4;
      colours.insert((uint8_t(rgba[i]) << 16) | (uint8_t(rgba[i + 1]) << 8) | uint8_t(rgba[i + 2]));
    }
  }
  return colours.size();
}

TEST(DesktopTest, RendersTutorialWithValues) {
  std::string why;
  const std::string desktop = DesktopCommand(&why);
  if (desktop.empty()) GTEST_SKIP() << why;

  const fs::path out = fs::temp_directory_path() / ("ckptview_desktop_test_" + std::to_string(::getpid()) + ".png");
  const std::string command = desktop + " '" + CKPT_FIXTURES_DIR + "/tutorial/ckpts' --select w1 " +
                              "--size 900x600 --frames 3 --screenshot '" + out.string() + "' --report 2>&1";
  int status = -1;
  const std::string report = RunCommand(command, &status);
  ASSERT_EQ(status, 0) << command << "\n" << report;
  EXPECT_NE(report.find(R"("selected":"w1")"), std::string::npos) << report;
  EXPECT_NE(report.find(R"("state":"loaded")"), std::string::npos) << report;
  EXPECT_NE(report.find(R"("errors":[])"), std::string::npos) << report;

  int w = 0, h = 0;
  std::string rgba;
  ASSERT_TRUE(DecodeOwnPng(TakeFile(out), &w, &h, &rgba));
  EXPECT_EQ(w, 900);
  EXPECT_EQ(h, 600);
  EXPECT_GE(DistinctColours(rgba, w, 0, 0, w, h), 16u) << "a blank or nearly blank frame";
}

// --graph-view: the conv fixture's graph drawn by the GL renderer on real GL
// (Mesa under xvfb): the canvas region of the screenshot shows boxes, edges
// and labels in many colours, not the flat background.
TEST(DesktopTest, DrawsTheGraphView) {
  std::string why;
  const std::string desktop = DesktopCommand(&why);
  if (desktop.empty()) GTEST_SKIP() << why;

  const fs::path out = fs::temp_directory_path() / ("ckptview_desktop_graph_" + std::to_string(::getpid()) + ".png");
  const std::string command = desktop + " '" + CKPT_FIXTURES_DIR + "/graphs/conv' --graph-view " +
                              "--size 1000x700 --frames 4 --screenshot '" + out.string() + "' --report 2>&1";
  int status = -1;
  const std::string report = RunCommand(command, &status);
  ASSERT_EQ(status, 0) << command << "\n" << report;
  EXPECT_NE(report.find(R"("renderer":true)"), std::string::npos) << report;
  EXPECT_EQ(report.find(R"("graph_view":null)"), std::string::npos) << report;

  int w = 0, h = 0;
  std::string rgba;
  ASSERT_TRUE(DecodeOwnPng(TakeFile(out), &w, &h, &rgba));
  ASSERT_EQ(w, 1000);
  // The canvas: left of the side panel, below the tabs, above the log.
  EXPECT_GE(DistinctColours(rgba, w, 20, 120, 500, 400), 24u) << "the graph canvas is blank or nearly so";
}

// --freeze: the Graph panel's "Freeze to file" (FreezeToFile) from the
// command line, on the graph fixture's tutorial; the file holds w1 and w2 as
// Consts (the panel is drawn in the screenshot frames).
TEST(DesktopTest, FreezesTutorialToFile) {
  std::string why;
  const std::string desktop = DesktopCommand(&why);
  if (desktop.empty()) GTEST_SKIP() << why;

  const std::string tag = std::to_string(::getpid());
  const fs::path shot = fs::temp_directory_path() / ("ckptview_desktop_freeze_" + tag + ".png");
  const fs::path pb = fs::temp_directory_path() / ("ckptview_desktop_frozen_" + tag + ".pb");
  const std::string command = desktop + " '" + CKPT_FIXTURES_DIR + "/graphs/tutorial/ckpts' " +
                              "--freeze w1,w2 --freeze-to '" + pb.string() + "' --size 900x600 --frames 3 " +
                              "--screenshot '" + shot.string() + "' --report 2>&1";
  int status = -1;
  const std::string report = RunCommand(command, &status);
  fs::remove(shot);
  ASSERT_EQ(status, 0) << command << "\n" << report;
  EXPECT_NE(report.find(R"("freeze":{"state":"done")"), std::string::npos) << report;
  EXPECT_NE(report.find(R"("nodes":["w1","w2"])"), std::string::npos) << report;
  const std::string frozen = TakeFile(pb);
  tensorflow::GraphDef g;
  ASSERT_TRUE(g.ParseFromString(frozen)) << frozen.size() << " bytes";
  ASSERT_EQ(g.node_size(), 2);
  EXPECT_EQ(g.node(0).name(), "w1");
  EXPECT_EQ(g.node(1).name(), "w2");
  EXPECT_EQ(g.node(0).op(), "Const");
  EXPECT_EQ(g.node(1).op(), "Const");
}

}  // namespace
}  // namespace ckptview::app
