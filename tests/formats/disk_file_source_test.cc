#include "formats/disk_file_source.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace ckptview::formats {
namespace {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/ckpt_dfs_XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { std::system(("rm -rf '" + path_ + "'").c_str()); }
  const std::string& path() const { return path_; }
  void Write(const std::string& rel, const std::string& data) const {
    const std::string full = path_ + "/" + rel;
    std::system(("mkdir -p '" + full.substr(0, full.rfind('/')) + "'").c_str());
    std::ofstream(full, std::ios::binary) << data;
  }

 private:
  std::string path_;
};

TEST(DiskFileSourceTest, ListsFolderRecursivelyAndSorted) {
  TempDir dir;
  dir.Write("b.index", "bb");
  dir.Write("a/z.txt", "zzz");
  dir.Write("a/b/c.data-00000-of-00001", "0123456789");
  dir.Write("a.txt", "");
  // A link back to the top: directory links are not followed (no cycle).
  ASSERT_EQ(symlink(dir.path().c_str(), (dir.path() + "/a/loop").c_str()), 0);
  // A link to a file is.
  ASSERT_EQ(symlink((dir.path() + "/b.index").c_str(), (dir.path() + "/link.index").c_str()), 0);
  auto src = DiskFileSource::Open(dir.path() + "/");
  ASSERT_TRUE(src.ok()) << src.status().message();
  std::vector<std::string> paths;
  for (const FileInfo& f : (*src)->Files()) paths.push_back(f.path + ":" + std::to_string(f.size));
  EXPECT_EQ(paths, (std::vector<std::string>{"a.txt:0", "a/b/c.data-00000-of-00001:10", "a/z.txt:3", "b.index:2",
                                             "link.index:2"}));
  EXPECT_EQ((*src)->root(), dir.path());
  EXPECT_EQ((*src)->DiskPath("a/z.txt"), dir.path() + "/a/z.txt");
  EXPECT_EQ((*src)->DiskPath("nope"), "");
  auto all = (*src)->ReadAll("a/z.txt");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(*all, "zzz");
  EXPECT_EQ(*(*src)->ReadAll("link.index"), "bb");
}

TEST(DiskFileSourceTest, SingleFileIsListedByBaseName) {
  TempDir dir;
  dir.Write("sub/model.ckpt", "v1 bytes");
  auto src = DiskFileSource::Open(dir.path() + "/sub/model.ckpt");
  ASSERT_TRUE(src.ok());
  ASSERT_EQ((*src)->Files().size(), 1u);
  EXPECT_EQ((*src)->Files()[0].path, "model.ckpt");
  EXPECT_EQ(*(*src)->ReadAll("model.ckpt"), "v1 bytes");
  auto missing = DiskFileSource::Open(dir.path() + "/nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(), dir.path() + "/nope: No such file or directory");
}

TEST(DiskFileSourceTest, RangesAreExactAndBounded) {
  TempDir dir;
  dir.Write("d", "0123456789");
  auto src = DiskFileSource::Open(dir.path());
  ASSERT_TRUE(src.ok());
  std::string out = "stale";
  ASSERT_TRUE((*src)->ReadRange("d", 3, 4, &out).ok());
  EXPECT_EQ(out, "3456");
  ASSERT_TRUE((*src)->ReadRange("d", 10, 0, &out).ok());
  EXPECT_EQ(out, "");
  EXPECT_EQ((*src)->ReadRange("d", 8, 3, &out).message(),
            "d: read of 3 bytes at offset 8 is past the end of the file (10 bytes)");
  EXPECT_EQ((*src)->ReadRange("d", ~uint64_t{0}, 2, &out).message(),
            "d: read of 2 bytes at offset 18446744073709551615 is past the end of the file (10 bytes)");
  EXPECT_EQ((*src)->ReadRange("x", 0, 1, &out).message(), "x: no such file");
  EXPECT_EQ((*src)->ReadAll("x").status().message(), "x: no such file");
}

TEST(DiskFileSourceTest, VisitingSeesEveryPieceInOrder) {
  TempDir dir;
  // 9 MiB: visited inline; 66 MiB: visited on a helper thread while the
  // next piece is read.
  for (size_t mib : {size_t{9}, size_t{66}}) {
    std::string data(mib << 20, '\0');
    for (size_t i = 0; i < data.size(); ++i) data[i] = char(i * 2654435761u >> 13);
    dir.Write("big", data);
    auto src = DiskFileSource::Open(dir.path());
    ASSERT_TRUE(src.ok());
    std::string out, seen;
    int pieces = 0;
    const char* base = nullptr;
    ASSERT_TRUE((*src)->ReadRangeVisiting("big", 3, data.size() - 5, &out, [&](const char* p, size_t n) {
                        if (!base) base = p;
                        EXPECT_EQ(p, base + seen.size());  // pieces of `out` itself, in order
                        seen.append(p, n);
                        ++pieces;
                      }).ok());
    EXPECT_TRUE(out == data.substr(3, data.size() - 5));
    EXPECT_TRUE(seen == out);
    EXPECT_EQ(base, out.data());
    EXPECT_EQ(pieces, int((data.size() - 5 + (4 << 20) - 1) / (4 << 20)));
  }
  std::string data(100, 'd');
  std::string out, seen;
  int pieces = 0;
  // The default (MemoryFileSource) visits once.
  MemoryFileSource mem;
  mem.Add("big", data);
  ASSERT_TRUE(mem.ReadRangeVisiting("big", 0, 10, &out, [&](const char* p, size_t n) {
                   seen.append(p, n);
                   ++pieces;
                 }).ok());
  EXPECT_EQ(pieces, 1);
  EXPECT_EQ(seen, data.substr(0, 10));
}

TEST(DiskFileSourceTest, ReadAllRefusesFilesOverTwoGiB) {
  TempDir dir;
  const std::string big = dir.path() + "/big.data-00000-of-00001";
  FILE* f = std::fopen(big.c_str(), "wb");
  ASSERT_TRUE(f);
  std::fclose(f);
  ASSERT_EQ(truncate(big.c_str(), (off_t{3} << 30) + 5), 0);  // sparse: no disk used
  auto src = DiskFileSource::Open(dir.path());
  ASSERT_TRUE(src.ok());
  auto all = (*src)->ReadAll("big.data-00000-of-00001");
  ASSERT_FALSE(all.ok());
  EXPECT_EQ(all.status().message(), "big.data-00000-of-00001: file is too large to load whole (3.0 GiB, limit 2 GiB)");
  // Ranges still work anywhere in it.
  std::string out;
  ASSERT_TRUE((*src)->ReadRange("big.data-00000-of-00001", (uint64_t{3} << 30), 5, &out).ok());
  EXPECT_EQ(out, std::string(5, '\0'));
}

TEST(DiskFileSourceTest, ConcurrentReadsAcrossManyFiles) {
  TempDir dir;
  const int kFiles = 150;  // more than the descriptor cache holds
  for (int i = 0; i < kFiles; ++i) dir.Write("f" + std::to_string(i), std::string(100, char('a' + i % 26)));
  auto src = DiskFileSource::Open(dir.path());
  ASSERT_TRUE(src.ok());
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 5; ++round) {
        for (int i = 0; i < kFiles; ++i) {
          std::string out;
          const int k = (i * 7 + t * 13 + round) % kFiles;
          Status s = (*src)->ReadRange("f" + std::to_string(k), 10, 50, &out);
          if (!s.ok() || out != std::string(50, char('a' + k % 26))) ++failures[size_t(t)];
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures, std::vector<int>(4, 0));
}

}  // namespace
}  // namespace ckptview::formats
