// A parser for the protobuf text format restricted to CheckpointState's four
// fields (what Python's text_format.MessageToString writes, and what a
// person might hand-edit: comments, any field order, [a, b] lists, adjacent
// string literals, ';' or ',' separators).
#include "formats/checkpoint_state.h"

#include <cstdlib>

#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>

#include "formats/file_source.h"

namespace ckptview::formats {
namespace {

class TextParser {
 public:
  TextParser(const std::string& file, const std::string& text) : file_(file), text_(text) {}

  Result<CheckpointState> Parse() {
    CheckpointState st;
    SkipSpace();
    while (pos_ < text_.size()) {
      std::string field;
      CKPT_RETURN_IF_ERROR(Identifier(&field));
      SkipSpace();
      if (!Consume(':')) return Error("expected ':' after field name '" + field + "'");
      SkipSpace();
      if (field == "model_checkpoint_path") {
        CKPT_RETURN_IF_ERROR(String(&st.model_checkpoint_path));
      } else if (field == "all_model_checkpoint_paths") {
        CKPT_RETURN_IF_ERROR(RepeatedOf([&]() -> Status {
          std::string s;
          CKPT_RETURN_IF_ERROR(String(&s));
          st.all_model_checkpoint_paths.push_back(std::move(s));
          return Status::Ok();
        }));
      } else if (field == "all_model_checkpoint_timestamps") {
        CKPT_RETURN_IF_ERROR(RepeatedOf([&]() -> Status {
          double d;
          CKPT_RETURN_IF_ERROR(Double(&d));
          st.all_model_checkpoint_timestamps.push_back(d);
          return Status::Ok();
        }));
      } else if (field == "last_preserved_timestamp") {
        CKPT_RETURN_IF_ERROR(Double(&st.last_preserved_timestamp));
      } else {
        return Error("unknown field '" + field + "' (not a CheckpointState)");
      }
      SkipSpace();
      if (pos_ < text_.size() && (text_[pos_] == ';' || text_[pos_] == ',')) {
        ++pos_;
        SkipSpace();
      }
    }
    if (st.model_checkpoint_path.empty()) {
      return Status::Error(file_ + ": model_checkpoint_path is missing or empty");
    }
    return st;
  }

 private:
  Status Error(const std::string& what) const {
    int line = 1, col = 1;
    for (size_t i = 0; i < pos_ && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    return Status::Error(file_ + ":" + std::to_string(line) + ":" + std::to_string(col) + ": " + what);
  }

  void SkipSpace() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        ++pos_;
      } else if (c == '#') {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else {
        break;
      }
    }
  }

  bool Consume(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  Status Identifier(std::string* out) {
    const size_t start = pos_;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (pos_ > start && c >= '0' && c <= '9')) {
        ++pos_;
      } else {
        break;
      }
    }
    if (pos_ == start) return Error("expected a field name");
    out->assign(text_, start, pos_ - start);
    return Status::Ok();
  }

  // `field: v` or `field: [v, v, ...]`.
  template <typename F>
  Status RepeatedOf(F one) {
    if (!Consume('[')) return one();
    SkipSpace();
    if (Consume(']')) return Status::Ok();
    while (true) {
      CKPT_RETURN_IF_ERROR(one());
      SkipSpace();
      if (Consume(']')) return Status::Ok();
      if (!Consume(',')) return Error("expected ',' or ']' in list");
      SkipSpace();
    }
  }

  static int HexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  // One or more adjacent quoted literals ("a" 'b'), C escapes decoded.
  Status String(std::string* out) {
    out->clear();
    if (pos_ >= text_.size() || (text_[pos_] != '"' && text_[pos_] != '\'')) return Error("expected a quoted string");
    while (pos_ < text_.size() && (text_[pos_] == '"' || text_[pos_] == '\'')) {
      const char quote = text_[pos_++];
      while (true) {
        if (pos_ >= text_.size() || text_[pos_] == '\n') return Error("unterminated string");
        const char c = text_[pos_++];
        if (c == quote) break;
        if (c != '\\') {
          out->push_back(c);
          continue;
        }
        if (pos_ >= text_.size()) return Error("unterminated string");
        const char e = text_[pos_++];
        switch (e) {
          case 'n': out->push_back('\n'); break;
          case 't': out->push_back('\t'); break;
          case 'r': out->push_back('\r'); break;
          case 'a': out->push_back('\a'); break;
          case 'b': out->push_back('\b'); break;
          case 'f': out->push_back('\f'); break;
          case 'v': out->push_back('\v'); break;
          case '\\': out->push_back('\\'); break;
          case '\'': out->push_back('\''); break;
          case '"': out->push_back('"'); break;
          case '?': out->push_back('?'); break;
          case 'x': case 'X': {
            int v = 0, n = 0;
            while (n < 2 && pos_ < text_.size() && HexValue(text_[pos_]) >= 0) v = v * 16 + HexValue(text_[pos_++]), ++n;
            if (n == 0) return Error("bad \\x escape");
            out->push_back(char(v));
            break;
          }
          default:
            if (e >= '0' && e <= '7') {
              int v = e - '0', n = 1;
              while (n < 3 && pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '7') {
                v = v * 8 + (text_[pos_++] - '0');
                ++n;
              }
              out->push_back(char(v & 0xff));
            } else {
              return Error(std::string("unknown escape \\") + e);
            }
        }
      }
      SkipSpace();
    }
    return Status::Ok();
  }

  Status Double(double* out) {
    const size_t start = pos_;
    bool negative = false;
    if (Consume('-')) negative = true;
    // inf / infinity / nan, as text_format accepts (any case).
    size_t word_end = pos_;
    while (word_end < text_.size() && ((text_[word_end] >= 'a' && text_[word_end] <= 'z') ||
                                       (text_[word_end] >= 'A' && text_[word_end] <= 'Z')))
      ++word_end;
    if (word_end > pos_) {
      std::string w = text_.substr(pos_, word_end - pos_);
      for (char& c : w) c = char(c | 0x20);
      if (w == "inf" || w == "infinity" || w == "inff" || w == "infinityf") {
        *out = negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
      } else if (w == "nan" || w == "nanf") {
        *out = std::numeric_limits<double>::quiet_NaN();
      } else {
        pos_ = start;
        return Error("expected a number");
      }
      pos_ = word_end;
      return Status::Ok();
    }
    size_t end = pos_;
    while (end < text_.size() && (std::isdigit(static_cast<unsigned char>(text_[end])) || text_[end] == '.' ||
                                  text_[end] == 'e' || text_[end] == 'E' ||
                                  ((text_[end] == '+' || text_[end] == '-') && end > pos_ &&
                                   (text_[end - 1] == 'e' || text_[end - 1] == 'E'))))
      ++end;
    // strtod on a NUL-terminated copy: emscripten 3.1.6's libc++ has no
    // from_chars for double.
    const std::string literal = text_.substr(pos_, end - pos_);
    char* parsed_end = nullptr;
    const double v = end == pos_ ? 0 : std::strtod(literal.c_str(), &parsed_end);
    if (end == pos_ || parsed_end != literal.c_str() + literal.size()) {
      pos_ = start;
      return Error("expected a number");
    }
    pos_ = end;
    if (pos_ < text_.size() && (text_[pos_] == 'f' || text_[pos_] == 'F')) ++pos_;  // 1.5f
    *out = negative ? -v : v;
    return Status::Ok();
  }

  const std::string& file_;
  const std::string& text_;
  size_t pos_ = 0;
};

}  // namespace

Result<CheckpointState> ParseCheckpointState(const std::string& file_name, const std::string& text) {
  if (text.size() > (size_t{64} << 20)) return Status::Error(file_name + ": too large for a checkpoint state file");
  return TextParser(file_name, text).Parse();
}

std::string ResolveCheckpointPath(const std::string& state_dir, const std::string& path,
                                  const std::vector<std::string>& available_prefixes) {
  if (path.empty()) return "";
  std::map<std::string, std::string> normalized_to_original;
  for (const std::string& p : available_prefixes) {
    normalized_to_original.emplace(NormalizePath(p), p);
  }
  auto lookup = [&](const std::string& candidate) -> std::string {
    auto it = normalized_to_original.find(NormalizePath(candidate));
    return it == normalized_to_original.end() ? "" : it->second;
  };
  std::vector<std::string> forms = {path};
  // A sharded V1 save records the restore glob "<prefix>-?????-of-NNNNN".
  const size_t of = path.rfind("-of-");
  if (of != std::string::npos && of >= 6 && path.compare(of - 6, 6, "-?????") == 0) {
    forms.push_back(path.substr(0, of - 6));
  }
  for (const std::string& p : forms) {
    // As written: relative to the state file's folder, or absolute.
    std::string found = lookup(IsAbsolutePath(p) ? p : PathJoin(state_dir, p));
    if (!found.empty()) return found;
  }
  for (const std::string& p : forms) {
    // Written on another machine (or the folder was moved): the same base
    // name beside the state file.
    const std::string base = PathBaseName(p);
    if (base.empty()) continue;
    std::string found = lookup(PathJoin(state_dir, base));
    if (!found.empty()) return found;
  }
  return "";
}

}  // namespace ckptview::formats
