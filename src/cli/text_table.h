// A plain-text table with columns padded to their widest cell, for the CLI's
// listings. Right-aligned columns suit numbers.
#pragma once

#include <string>
#include <vector>

namespace ckptview::cli {

class TextTable {
 public:
  enum class Align { kLeft, kRight };
  // One header per column; `align` defaults to left for every column.
  explicit TextTable(std::vector<std::string> headers, std::vector<Align> align = {});

  void AddRow(std::vector<std::string> cells);  // missing trailing cells are empty
  // Header and rows, columns separated by two spaces, trailing spaces trimmed.
  std::string Render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<Align> align_;
  std::vector<std::vector<std::string>> rows_;
};

// 1234567 -> "1,234,567".
std::string WithThousands(unsigned long long n);
// 4938123 -> "4.7 MiB"; below 1 KiB: "812 bytes".
std::string HumanBytes(unsigned long long n);

}  // namespace ckptview::cli
