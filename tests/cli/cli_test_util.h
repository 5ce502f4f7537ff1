// Shared by the CLI tests: run the built `ckptview` (CKPT_CLI_PATH), read its
// output and a minimal JSON reader, enough to check the CLI's documents.
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace ckptview::cli_test {

inline const std::string kCli = CKPT_CLI_PATH;
inline const std::string kData = CKPT_REALDATA_DIR;

// ---- a minimal JSON reader, enough to check the CLI's documents ----------

struct Json {
  enum Kind { kNull, kBool, kNumber, kString, kArray, kObject } kind = kNull;
  bool b = false;
  double number = 0;
  std::string text;  // string value, or a number's literal text
  std::vector<Json> items;
  std::map<std::string, Json> fields;
  std::vector<std::string> order;  // field names in document order

  bool Has(const std::string& k) const { return fields.count(k) > 0; }
  const Json& operator[](const std::string& k) const {
    static const Json kMissing;
    auto it = fields.find(k);
    return it == fields.end() ? kMissing : it->second;
  }
  const Json& operator[](size_t i) const { return items.at(i); }
  size_t size() const { return kind == kArray ? items.size() : fields.size(); }
};

class JsonParser {
 public:
  explicit JsonParser(const std::string& s) : s_(s) {}
  bool Parse(Json* out) {
    if (!Value(out)) return false;
    Space();
    return i_ == s_.size();
  }

 private:
  void Space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r')) ++i_;
  }
  bool Lit(const char* w) {
    size_t n = std::char_traits<char>::length(w);
    if (s_.compare(i_, n, w) != 0) return false;
    i_ += n;
    return true;
  }
  bool Str(std::string* out) {
    if (s_[i_] != '"') return false;
    ++i_;
    while (i_ < s_.size() && s_[i_] != '"') {
      char c = s_[i_++];
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c != '\\') {
        *out += c;
        continue;
      }
      if (i_ >= s_.size()) return false;
      char e = s_[i_++];
      switch (e) {
        case '"': case '\\': case '/': *out += e; break;
        case 'n': *out += '\n'; break;
        case 't': *out += '\t'; break;
        case 'r': *out += '\r'; break;
        case 'b': *out += '\b'; break;
        case 'f': *out += '\f'; break;
        case 'u': {
          if (i_ + 4 > s_.size()) return false;
          unsigned cp = std::stoul(s_.substr(i_, 4), nullptr, 16);
          i_ += 4;
          if (cp < 0x80) {
            *out += char(cp);
          } else if (cp < 0x800) {
            *out += char(0xc0 | (cp >> 6));
            *out += char(0x80 | (cp & 63));
          } else {
            *out += char(0xe0 | (cp >> 12));
            *out += char(0x80 | ((cp >> 6) & 63));
            *out += char(0x80 | (cp & 63));
          }
          break;
        }
        default: return false;
      }
    }
    if (i_ >= s_.size()) return false;
    ++i_;
    return true;
  }
  bool Value(Json* v) {
    Space();
    if (i_ >= s_.size()) return false;
    char c = s_[i_];
    if (c == '{') {
      v->kind = Json::kObject;
      ++i_;
      Space();
      if (s_[i_] == '}') return ++i_, true;
      while (true) {
        Space();
        std::string key;
        if (!Str(&key)) return false;
        Space();
        if (s_[i_++] != ':') return false;
        Json item;
        if (!Value(&item)) return false;
        if (v->fields.count(key)) return false;  // duplicate key
        v->order.push_back(key);
        v->fields[key] = std::move(item);
        Space();
        if (s_[i_] == ',') { ++i_; continue; }
        if (s_[i_] == '}') return ++i_, true;
        return false;
      }
    }
    if (c == '[') {
      v->kind = Json::kArray;
      ++i_;
      Space();
      if (s_[i_] == ']') return ++i_, true;
      while (true) {
        Json item;
        if (!Value(&item)) return false;
        v->items.push_back(std::move(item));
        Space();
        if (s_[i_] == ',') { ++i_; continue; }
        if (s_[i_] == ']') return ++i_, true;
        return false;
      }
    }
    if (c == '"') {
      v->kind = Json::kString;
      return Str(&v->text);
    }
    if (Lit("true")) { v->kind = Json::kBool; v->b = true; return true; }
    if (Lit("false")) { v->kind = Json::kBool; return true; }
    if (Lit("null")) return true;
    size_t start = i_;
    while (i_ < s_.size() && std::string("+-0123456789.eE").find(s_[i_]) != std::string::npos) ++i_;
    if (start == i_) return false;
    v->kind = Json::kNumber;
    v->text = s_.substr(start, i_ - start);
    v->number = std::strtod(v->text.c_str(), nullptr);
    return true;
  }
  const std::string& s_;
  size_t i_ = 0;
};

// ---- running the CLI -----------------------------------------------------

struct CliRun {
  int exit_code = -1;
  std::string out, err;
  Json json;
  bool json_ok = false;
};

inline std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

inline void WriteFile(const std::string& path, const std::string& data) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << data;
}

inline CliRun Cli(const std::vector<std::string>& args) {
  static int counter = 0;
  const std::string err_file = testing::TempDir() + "ckptview_stderr_" + std::to_string(getpid()) + "_" +
                               std::to_string(counter++);
  std::string cmd = Quote(kCli);
  for (const std::string& a : args) cmd += " " + Quote(a);
  cmd += " 2>" + Quote(err_file);
  CliRun r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.err = ReadFile(err_file);
  std::remove(err_file.c_str());
  Json j;
  r.json_ok = JsonParser(r.out).Parse(&j);
  if (r.json_ok) r.json = std::move(j);
  return r;
}

}  // namespace ckptview::cli_test
