// Text format <-> wire format, driven by ProtoSchema. The parser reads
// what text_format's printer (below) writes, and what TensorFlow writes.
#include "formats/text_format.h"

#include <google/protobuf/message_lite.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <vector>

#include "base/coding.h"
#include "formats/proto_schema.h"

namespace ckptview::formats {
namespace {

constexpr int kMaxDepth = 100;  // levels below the root: protobuf's default recursion limit

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsHexDigit(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
inline bool IsIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
inline bool IsIdentChar(char c) { return IsIdentStart(c) || IsDigit(c); }
inline bool IsSpace(char c) {
  return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}
inline int HexValue(char c) {
  return IsDigit(c) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : c - 'A' + 10;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = char(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = char(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// The check protobuf's parser applies to proto3 `string` fields (no
// overlongs, no surrogates, nothing above U+10FFFF).
bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const unsigned char* end = p + s.size();
  while (p < end) {
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int extra;
    unsigned char lo = 0x80, hi = 0xbf;  // bounds of the second byte
    if (c >= 0xc2 && c <= 0xdf) {
      extra = 1;
    } else if (c >= 0xe0 && c <= 0xef) {
      extra = 2;
      if (c == 0xe0) lo = 0xa0;
      if (c == 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      extra = 3;
      if (c == 0xf0) lo = 0x90;
      if (c == 0xf4) hi = 0x8f;
    } else {
      return false;
    }
    if (end - p <= extra) return false;
    if (p[1] < lo || p[1] > hi) return false;
    for (int i = 2; i <= extra; ++i) {
      if ((p[i] & 0xc0) != 0x80) return false;
    }
    p += extra + 1;
  }
  return true;
}

// Writes code point `cp` (<= 0x10ffff) as UTF-8; returns the byte count.
int EncodeUtf8(uint32_t cp, char* out) {
  if (cp < 0x80) {
    out[0] = char(cp);
    return 1;
  }
  if (cp < 0x800) {
    out[0] = char(0xc0 | (cp >> 6));
    out[1] = char(0x80 | (cp & 0x3f));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = char(0xe0 | (cp >> 12));
    out[1] = char(0x80 | ((cp >> 6) & 0x3f));
    out[2] = char(0x80 | (cp & 0x3f));
    return 3;
  }
  out[0] = char(0xf0 | (cp >> 18));
  out[1] = char(0x80 | ((cp >> 12) & 0x3f));
  out[2] = char(0x80 | ((cp >> 6) & 0x3f));
  out[3] = char(0x80 | (cp & 0x3f));
  return 4;
}

// Characters that end the fast scan through a string literal.
constexpr auto kStringSpecial = [] {
  std::array<bool, 256> table{};
  table['"'] = table['\''] = table['\\'] = table['\n'] = true;
  return table;
}();

int VarintLength(uint64_t v) {
  int n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

inline uint64_t MakeTag(int32_t number, WireType wire_type) {
  return (uint64_t(uint32_t(number)) << 3) | wire_type;
}

// ---------------------------------------------------------------------------
// Parser

enum class TokenKind { kEnd, kIdentifier, kInteger, kFloat, kString, kSymbol };

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string_view text;  // as written (strings keep their quotes)
  size_t offset = 0;      // into the whole text
};

class TextParser {
 public:
  TextParser(std::string_view file_name, std::string_view text, const ProtoSchema& schema,
             std::string* out)
      : file_name_(file_name), text_(text), schema_(schema), out_(*out) {}

  Status Parse(const ProtoMessage& root) {
    out_.clear();
    CKPT_RETURN_IF_ERROR(Advance());
    OpenFrame(0, root, 0);
    CKPT_RETURN_IF_ERROR(ParseBody(0, '\0'));
    CloseFrame(0);
    return Status::Ok();
  }

 private:
  // One message being written: its bytes start at `start` in out_ (after a
  // one-byte length placeholder, except at depth 0).
  struct Frame {
    const ProtoMessage* message = nullptr;
    size_t start = 0;
    size_t open_offset = 0;  // of the "{", for errors
    std::vector<size_t> seen_offset;  // per field index: 1 + offset where it was given, or 0
    std::vector<const ProtoField*> oneof_set;
  };

  // --- errors -------------------------------------------------------------

  size_t LineOf(size_t offset) const {
    offset = std::min(offset, text_.size());
    return 1 + size_t(std::count(text_.begin(), text_.begin() + std::ptrdiff_t(offset), '\n'));
  }

  // "<file>:<line>:<column>: <what>", 1-based, columns in bytes.
  Status ErrorAt(size_t offset, const std::string& what) const {
    offset = std::min(offset, text_.size());
    size_t line = LineOf(offset);
    size_t line_start = 0;
    if (offset > 0) {
      size_t newline = text_.rfind('\n', offset - 1);
      if (newline != std::string_view::npos) line_start = newline + 1;
    }
    std::string where;
    if (!file_name_.empty()) where = std::string(file_name_) + ":";
    where += std::to_string(line) + ":" + std::to_string(offset - line_start + 1) + ": ";
    return Status::Error(where + what);
  }

  std::string Describe(const Token& tok) const {
    if (tok.kind == TokenKind::kEnd) return "end of input";
    std::string_view t = tok.text;
    std::string shown(t.substr(0, 40));
    for (char& c : shown) {
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
    }
    if (t.size() > 40) shown += "...";
    return tok.kind == TokenKind::kString ? "string " + shown : "\"" + shown + "\"";
  }

  Status Expected(const std::string& what) const {
    return ErrorAt(tok_.offset, "expected " + what + " but found " + Describe(tok_));
  }

  static std::string FieldDesc(const ProtoField& field) {
    return std::string(ProtoTypeName(field.type)) + " field \"" + field.name + "\"";
  }

  // --- tokens -------------------------------------------------------------

  bool IsSymbol(char c) const {
    return tok_.kind == TokenKind::kSymbol && tok_.text[0] == c;
  }

  Status TryConsume(char c, bool* consumed) {
    *consumed = IsSymbol(c);
    return *consumed ? Advance() : Status::Ok();
  }

  Status Consume(char c) {
    if (!IsSymbol(c)) return Expected(std::string("\"") + c + "\"");
    return Advance();
  }

  Status Advance() {
    const char* begin = text_.data();
    const char* end = begin + text_.size();
    const char* p = begin + pos_;
    for (;;) {
      while (p < end && IsSpace(*p)) ++p;
      if (p < end && *p == '#') {
        const void* nl = std::memchr(p, '\n', size_t(end - p));
        p = nl ? static_cast<const char*>(nl) : end;
        continue;
      }
      break;
    }
    tok_.offset = size_t(p - begin);
    if (p == end) {
      tok_.kind = TokenKind::kEnd;
      tok_.text = {};
      pos_ = tok_.offset;
      return Status::Ok();
    }
    const char* q = p;
    char c = *p;
    if (IsIdentStart(c)) {
      while (q < end && IsIdentChar(*q)) ++q;
      tok_.kind = TokenKind::kIdentifier;
    } else if (IsDigit(c) || (c == '.' && p + 1 < end && IsDigit(p[1]))) {
      CKPT_RETURN_IF_ERROR(LexNumber(p, end, &q));
    } else if (c == '"' || c == '\'') {
      ++q;
      for (;;) {
        while (q < end && !kStringSpecial[static_cast<unsigned char>(*q)]) ++q;
        if (q == end) return ErrorAt(tok_.offset, "unterminated string");
        if (*q == c) break;
        if (*q == '\n') {
          return ErrorAt(size_t(q - begin), "string literal cannot cross line boundaries");
        }
        if (*q == '\\') {
          if (q + 1 == end) return ErrorAt(tok_.offset, "unterminated string");
          if (q[1] == '\n') {
            return ErrorAt(size_t(q + 1 - begin), "string literal cannot cross line boundaries");
          }
          ++q;
        }
        ++q;
      }
      ++q;
      tok_.kind = TokenKind::kString;
    } else if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof(hex), "0x%02x", static_cast<unsigned char>(c));
      return ErrorAt(tok_.offset, std::string("unexpected byte ") + hex +
                                      " outside a string (not protobuf text format?)");
    } else {
      ++q;
      tok_.kind = TokenKind::kSymbol;
    }
    tok_.text = std::string_view(p, size_t(q - p));
    pos_ = size_t(q - begin);
    return Status::Ok();
  }

  // Numbers as protobuf's tokenizer reads them: 0x hex, 0-led octal,
  // decimals with fraction/exponent, an optional f suffix making a float.
  Status LexNumber(const char* p, const char* end, const char** out_end) {
    const char* begin = text_.data();
    const char* q = p;
    bool is_float = false;
    if (*q == '0' && q + 1 < end && (q[1] == 'x' || q[1] == 'X')) {
      q += 2;
      const char* digits = q;
      while (q < end && IsHexDigit(*q)) ++q;
      if (q == digits) return ErrorAt(size_t(p - begin), "\"0x\" must be followed by hex digits");
    } else {
      while (q < end && IsDigit(*q)) ++q;
      if (q < end && *q == '.') {
        is_float = true;
        ++q;
        while (q < end && IsDigit(*q)) ++q;
      }
      if (q < end && (*q == 'e' || *q == 'E')) {
        const char* e = q + 1;
        if (e < end && (*e == '+' || *e == '-')) ++e;
        if (e == end || !IsDigit(*e)) {
          return ErrorAt(size_t(q - begin), "\"e\" must be followed by exponent digits");
        }
        while (e < end && IsDigit(*e)) ++e;
        q = e;
        is_float = true;
      }
      if (q < end && (*q == 'f' || *q == 'F')) {
        ++q;
        is_float = true;
      }
      if (!is_float && *p == '0' && q - p > 1) {
        for (const char* d = p + 1; d < q; ++d) {
          if (*d > '7') return ErrorAt(size_t(p - begin), "numbers starting with 0 must be octal");
        }
      }
    }
    if (q < end && (IsIdentChar(*q) || *q == '.')) {
      return ErrorAt(size_t(q - begin), "need space between number and \"" + std::string(1, *q) + "\"");
    }
    tok_.kind = is_float ? TokenKind::kFloat : TokenKind::kInteger;
    *out_end = q;
    return Status::Ok();
  }

  // --- output -------------------------------------------------------------
  //
  // Records go to out_ in text order. Consecutive values of one packed field
  // collect in run_ and become one packed record when anything else is
  // written, so text in field-number order (as printed) encodes canonically.

  void OpenFrame(int depth, const ProtoMessage& message, size_t open_offset) {
    if (size_t(depth) >= frames_.size()) frames_.resize(size_t(depth) + 1);
    Frame& f = frames_[size_t(depth)];
    f.message = &message;
    if (depth > 0) out_.push_back('\0');  // length placeholder, widened at close
    f.start = out_.size();
    f.open_offset = open_offset;
    f.seen_offset.assign(message.fields.size(), 0);
    f.oneof_set.assign(message.oneof_names.size(), nullptr);
  }

  void CloseFrame(int depth) {
    FlushRun();
    if (depth == 0) return;
    Frame& f = frames_[size_t(depth)];
    uint64_t len = out_.size() - f.start;
    int n = VarintLength(len);
    if (n > 1) out_.insert(f.start, size_t(n - 1), '\0');
    char* p = &out_[f.start - 1];
    for (int i = 0; i < n; ++i, len >>= 7) p[i] = char((len & 0x7f) | (i + 1 < n ? 0x80 : 0));
  }

  void FlushRun() {
    if (run_field_ == nullptr) return;
    PutVarint64(&out_, MakeTag(run_field_->number, kWireLengthDelimited));
    PutVarint64(&out_, run_.size());
    out_.append(run_);
    run_.clear();
    run_field_ = nullptr;
  }

  // Starts a record of `number` in out_ (after any pending packed run).
  void PutTag(int32_t number, WireType wire_type) {
    FlushRun();
    PutVarint64(&out_, MakeTag(number, wire_type));
  }

  std::string* RunOf(const ProtoField& field) {
    if (run_field_ != &field) {
      FlushRun();
      run_field_ = &field;
    }
    return &run_;
  }

  void EmitVarint(const ProtoField& field, uint64_t v) {
    if (field.packed) {
      PutVarint64(RunOf(field), v);
    } else {
      PutTag(field.number, kWireVarint);
      PutVarint64(&out_, v);
    }
  }

  void EmitFixed32(const ProtoField& field, uint32_t v) {
    if (field.packed) {
      PutFixed32(RunOf(field), v);
    } else {
      PutTag(field.number, kWireFixed32);
      PutFixed32(&out_, v);
    }
  }

  void EmitFixed64(const ProtoField& field, uint64_t v) {
    if (field.packed) {
      PutFixed64(RunOf(field), v);
    } else {
      PutTag(field.number, kWireFixed64);
      PutFixed64(&out_, v);
    }
  }

  // --- grammar ------------------------------------------------------------

  // Fields until `close` ('}' or '>'), or until the end of input at depth 0.
  Status ParseBody(int depth, char close) {
    for (;;) {
      if (tok_.kind == TokenKind::kEnd) {
        if (close == '\0') return Status::Ok();
        const Frame& f = frames_[size_t(depth)];
        return Expected(std::string("\"") + close + "\" to close " + f.message->full_name +
                        " opened on line " + std::to_string(LineOf(f.open_offset)));
      }
      if (close != '\0' && IsSymbol(close)) return Advance();
      CKPT_RETURN_IF_ERROR(ParseField(depth));
    }
  }

  // Records that `field` is being given; rejects a second value of a
  // non-repeated field and a second member of one oneof.
  Status MarkSet(int depth, const ProtoField& field, size_t offset) {
    Frame& f = frames_[size_t(depth)];
    const ProtoMessage& m = *f.message;
    if (!field.repeated) {
      size_t& seen = f.seen_offset[size_t(&field - m.fields.data())];
      if (seen != 0) {
        return ErrorAt(offset, "field \"" + field.name + "\" of " + m.full_name +
                                   " is not repeated and was already given on line " +
                                   std::to_string(LineOf(seen - 1)));
      }
      seen = offset + 1;
    }
    if (field.oneof_index >= 0) {
      const ProtoField*& set = f.oneof_set[size_t(field.oneof_index)];
      if (set != nullptr && set != &field) {
        return ErrorAt(offset, "field \"" + field.name + "\" and field \"" + set->name +
                                   "\" are both in oneof \"" + m.oneof_names[size_t(field.oneof_index)] +
                                   "\" of " + m.full_name + "; only one may be given");
      }
      set = &field;
    }
    return Status::Ok();
  }

  Status ParseField(int depth) {
    const ProtoMessage& m = *frames_[size_t(depth)].message;
    if (IsSymbol('[')) return ParseExpandedAny(depth);
    if (tok_.kind != TokenKind::kIdentifier) return Expected("a field name");
    size_t name_offset = tok_.offset;
    const ProtoField* field = m.FindFieldByName(tok_.text);
    if (field == nullptr) {
      return ErrorAt(name_offset, "unknown field \"" + std::string(tok_.text) + "\" in " + m.full_name);
    }
    CKPT_RETURN_IF_ERROR(MarkSet(depth, *field, name_offset));
    CKPT_RETURN_IF_ERROR(Advance());
    bool list = false, consumed = false;
    if (field->is_message()) {
      CKPT_RETURN_IF_ERROR(TryConsume(':', &consumed));
      list = IsSymbol('[');
    } else {
      if (!IsSymbol(':')) return Expected("\":\" after field name \"" + field->name + "\"");
      CKPT_RETURN_IF_ERROR(Advance());
      list = IsSymbol('[');
    }
    if (list) {
      if (!field->repeated) {
        return ErrorAt(tok_.offset, "list syntax [...] used for field \"" + field->name +
                                        "\", which is not repeated");
      }
      CKPT_RETURN_IF_ERROR(Advance());
      if (!IsSymbol(']')) {
        for (;;) {
          CKPT_RETURN_IF_ERROR(ParseValue(depth, *field));
          CKPT_RETURN_IF_ERROR(TryConsume(',', &consumed));
          if (!consumed) break;
        }
      }
      CKPT_RETURN_IF_ERROR(Consume(']'));
    } else {
      CKPT_RETURN_IF_ERROR(ParseValue(depth, *field));
    }
    CKPT_RETURN_IF_ERROR(TryConsume(';', &consumed));
    if (!consumed) CKPT_RETURN_IF_ERROR(TryConsume(',', &consumed));
    return Status::Ok();
  }

  Status ParseValue(int depth, const ProtoField& field) {
    if (field.is_message()) {
      return ParseSubMessage(depth, field.number, *field.message_type);
    }
    return ParseScalar(depth, field);
  }

  // `{ ... }` or `< ... >` as field `number` of the message at `depth`.
  Status ParseSubMessage(int depth, int32_t number, const ProtoMessage& type) {
    char close;
    if (IsSymbol('{')) {
      close = '}';
    } else if (IsSymbol('<')) {
      close = '>';
    } else {
      return Expected("\"{\" to start a " + type.full_name);
    }
    if (depth + 1 > kMaxDepth) {
      return ErrorAt(tok_.offset,
                     "messages nested deeper than " + std::to_string(kMaxDepth) + " levels");
    }
    size_t open_offset = tok_.offset;
    CKPT_RETURN_IF_ERROR(Advance());
    PutTag(number, kWireLengthDelimited);
    OpenFrame(depth + 1, type, open_offset);
    CKPT_RETURN_IF_ERROR(ParseBody(depth + 1, close));
    CloseFrame(depth + 1);
    return Status::Ok();
  }

  // `[type.googleapis.com/tensorflow.X] { ... }` inside a tensorflow.Any
  // (our stand-in for google.protobuf.Any): written as type_url and value.
  Status ParseExpandedAny(int depth) {
    const ProtoMessage& m = *frames_[size_t(depth)].message;
    size_t bracket_offset = tok_.offset;
    CKPT_RETURN_IF_ERROR(Advance());
    std::string url;
    for (;;) {
      if (tok_.kind != TokenKind::kIdentifier) return Expected("a type URL or extension name");
      url.append(tok_.text);
      CKPT_RETURN_IF_ERROR(Advance());
      if (IsSymbol('.') || IsSymbol('/')) {
        url.append(tok_.text);
        CKPT_RETURN_IF_ERROR(Advance());
        continue;
      }
      break;
    }
    CKPT_RETURN_IF_ERROR(Consume(']'));
    const ProtoField* type_url = m.FindFieldByNumber(1);
    const ProtoField* value = m.FindFieldByNumber(2);
    if (m.full_name != "tensorflow.Any" || type_url == nullptr || value == nullptr) {
      return ErrorAt(bracket_offset, "extension or Any expansion \"[" + url + "]\" in " +
                                         m.full_name + " is not supported");
    }
    size_t slash = url.rfind('/');
    if (slash == std::string::npos) {
      return ErrorAt(bracket_offset, "Any type URL \"" + url + "\" has no \"/\"");
    }
    const ProtoMessage* type = schema_.FindMessage(std::string_view(url).substr(slash + 1));
    if (type == nullptr) {
      return ErrorAt(bracket_offset,
                     "Any type URL \"" + url + "\" names a message type we do not declare");
    }
    CKPT_RETURN_IF_ERROR(MarkSet(depth, *type_url, bracket_offset));
    CKPT_RETURN_IF_ERROR(MarkSet(depth, *value, bracket_offset));
    PutTag(type_url->number, kWireLengthDelimited);
    PutVarint64(&out_, url.size());
    out_.append(url);
    bool consumed;
    CKPT_RETURN_IF_ERROR(TryConsume(':', &consumed));
    CKPT_RETURN_IF_ERROR(ParseSubMessage(depth, value->number, *type));
    CKPT_RETURN_IF_ERROR(TryConsume(';', &consumed));
    if (!consumed) CKPT_RETURN_IF_ERROR(TryConsume(',', &consumed));
    return Status::Ok();
  }

  // --- scalars ------------------------------------------------------------

  Status ParseScalar(int depth, const ProtoField& field) {
    switch (field.type) {
      case ProtoType::kString:
      case ProtoType::kBytes:
        return ParseString(depth, field);
      case ProtoType::kFloat:
      case ProtoType::kDouble:
        return ParseFloat(field);
      case ProtoType::kBool:
        return ParseBool(field);
      case ProtoType::kEnum:
        return ParseEnum(depth, field);
      default:
        return ParseInteger(field);
    }
  }

  Status ParseString(int depth, const ProtoField& field) {
    if (tok_.kind != TokenKind::kString) return Expected("a string for " + FieldDesc(field));
    size_t first_offset = tok_.offset;
    scratch_.clear();
    while (tok_.kind == TokenKind::kString) {
      CKPT_RETURN_IF_ERROR(Unescape(tok_, &scratch_));
      CKPT_RETURN_IF_ERROR(Advance());
    }
    if (field.type == ProtoType::kString && frames_[size_t(depth)].message->proto3 &&
        !IsValidUtf8(scratch_)) {
      return ErrorAt(first_offset, "invalid UTF-8 in " + FieldDesc(field) + " (use a bytes field?)");
    }
    PutTag(field.number, kWireLengthDelimited);
    PutVarint64(&out_, scratch_.size());
    out_.append(scratch_);
    return Status::Ok();
  }

  // Appends the bytes of string token `tok` (quotes included) to *out.
  Status Unescape(const Token& tok, std::string* out) const {
    const char* p = tok.text.data() + 1;
    const char* end = tok.text.data() + tok.text.size() - 1;
    // Unescaped bytes never outnumber the escaped characters (\U0010ffff,
    // the longest gain, gives 4 bytes for 10), so write into room made up
    // front and trim at the end: this runs over every byte of tensor_content.
    size_t old_size = out->size();
    out->resize(old_size + size_t(end - p));
    char* w = &(*out)[old_size];
    char* const w_begin = w;
    while (p < end) {
      if (*p != '\\') {
        *w++ = *p++;
        continue;
      }
      const char* bs = p++;  // the lexer guarantees a character after every backslash
      char c = *p++;
      switch (c) {
        case 'a': *w++ = '\a'; break;
        case 'b': *w++ = '\b'; break;
        case 'f': *w++ = '\f'; break;
        case 'n': *w++ = '\n'; break;
        case 'r': *w++ = '\r'; break;
        case 't': *w++ = '\t'; break;
        case 'v': *w++ = '\v'; break;
        case '\\': case '\'': case '"': case '?': *w++ = c; break;
        case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
          int v = c - '0';
          for (int i = 0; i < 2 && p < end && *p >= '0' && *p <= '7'; ++i) v = v * 8 + (*p++ - '0');
          *w++ = char(v & 0xff);
          break;
        }
        case 'x': case 'X': {
          if (p == end || !IsHexDigit(*p)) return EscapeError(bs, "\\x needs hex digits");
          int v = 0;
          for (int i = 0; i < 2 && p < end && IsHexDigit(*p); ++i) v = v * 16 + HexValue(*p++);
          *w++ = char(v);
          break;
        }
        case 'u': case 'U': {
          int digits = c == 'u' ? 4 : 8;
          uint32_t cp = 0;
          CKPT_RETURN_IF_ERROR(ReadHex(bs, &p, end, digits, &cp));
          // A UTF-16 surrogate pair written as two \u escapes is one code point.
          if (cp >= 0xd800 && cp <= 0xdbff && end - p >= 6 && p[0] == '\\' && p[1] == 'u') {
            const char* q = p + 2;
            uint32_t low = 0;
            if (ReadHex(p, &q, end, 4, &low).ok() && low >= 0xdc00 && low <= 0xdfff) {
              cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
              p = q;
            }
          }
          if (cp > 0x10ffff) return EscapeError(bs, "code point above U+10FFFF");
          w += EncodeUtf8(cp, w);
          break;
        }
        default:
          return EscapeError(bs, std::string("invalid escape \"\\") + c + "\" in string");
      }
    }
    out->resize(old_size + size_t(w - w_begin));
    return Status::Ok();
  }

  Status ReadHex(const char* bs, const char** p, const char* end, int digits, uint32_t* v) const {
    *v = 0;
    for (int i = 0; i < digits; ++i, ++*p) {
      if (*p == end || !IsHexDigit(**p)) {
        return EscapeError(bs, "\\" + std::string(1, bs[1]) + " needs " + std::to_string(digits) +
                                   " hex digits");
      }
      *v = *v * 16 + uint32_t(HexValue(**p));
    }
    return Status::Ok();
  }

  Status EscapeError(const char* at, const std::string& what) const {
    return ErrorAt(size_t(at - text_.data()), what);
  }

  // Reads an optional "-" and an integer token. *magnitude is the absolute
  // value, *literal the token as written (for errors).
  Status ReadInteger(const ProtoField& field, bool* negative, uint64_t* magnitude, size_t* offset,
                     std::string* literal) {
    *offset = tok_.offset;
    *negative = IsSymbol('-');
    if (*negative) CKPT_RETURN_IF_ERROR(Advance());
    if (tok_.kind != TokenKind::kInteger) return Expected("an integer for " + FieldDesc(field));
    std::string_view t = tok_.text;
    *literal = (*negative ? "-" : "") + std::string(t);
    int base = 10;
    if (t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) {
      base = 16;
      t.remove_prefix(2);
    } else if (t.size() > 1 && t[0] == '0') {
      base = 8;
      t.remove_prefix(1);
    }
    uint64_t v = 0;
    for (char c : t) {
      uint64_t d = uint64_t(HexValue(c));
      if (v > (std::numeric_limits<uint64_t>::max() - d) / uint64_t(base)) {
        return ErrorAt(*offset, "integer " + *literal + " out of range for " + FieldDesc(field));
      }
      v = v * uint64_t(base) + d;
    }
    *magnitude = v;
    return Advance();
  }

  Status ParseInteger(const ProtoField& field) {
    bool negative;
    uint64_t mag;
    size_t offset;
    std::string literal;
    CKPT_RETURN_IF_ERROR(ReadInteger(field, &negative, &mag, &offset, &literal));
    bool is_signed = false;
    uint64_t max = 0;
    switch (field.type) {
      case ProtoType::kInt32: case ProtoType::kSint32: case ProtoType::kSfixed32:
        is_signed = true;
        max = uint64_t(std::numeric_limits<int32_t>::max());
        break;
      case ProtoType::kInt64: case ProtoType::kSint64: case ProtoType::kSfixed64:
        is_signed = true;
        max = uint64_t(std::numeric_limits<int64_t>::max());
        break;
      case ProtoType::kUint32: case ProtoType::kFixed32:
        max = std::numeric_limits<uint32_t>::max();
        break;
      default:  // kUint64, kFixed64
        max = std::numeric_limits<uint64_t>::max();
        break;
    }
    bool in_range = negative ? is_signed && mag <= max + 1 : mag <= max;
    if (!in_range) {
      return ErrorAt(offset, "integer " + literal + " out of range for " + FieldDesc(field));
    }
    uint64_t bits = negative ? uint64_t(0) - mag : mag;  // two's complement, sign-extended to 64
    switch (field.type) {
      case ProtoType::kSint32: {
        int32_t s = int32_t(int64_t(bits));
        EmitVarint(field, (uint32_t(s) << 1) ^ uint32_t(s >> 31));
        break;
      }
      case ProtoType::kSint64: {
        int64_t s = int64_t(bits);
        EmitVarint(field, (uint64_t(s) << 1) ^ uint64_t(s >> 63));
        break;
      }
      case ProtoType::kFixed32: case ProtoType::kSfixed32:
        EmitFixed32(field, uint32_t(bits));
        break;
      case ProtoType::kFixed64: case ProtoType::kSfixed64:
        EmitFixed64(field, bits);
        break;
      default:
        EmitVarint(field, bits);
        break;
    }
    return Status::Ok();
  }

  Status ParseFloat(const ProtoField& field) {
    bool negative = IsSymbol('-');
    if (negative) CKPT_RETURN_IF_ERROR(Advance());
    double v;
    if (tok_.kind == TokenKind::kIdentifier) {
      if (EqualsIgnoreCase(tok_.text, "inf") || EqualsIgnoreCase(tok_.text, "infinity")) {
        v = std::numeric_limits<double>::infinity();
      } else if (EqualsIgnoreCase(tok_.text, "nan")) {
        v = std::numeric_limits<double>::quiet_NaN();
      } else {
        return Expected("a number for " + FieldDesc(field));
      }
    } else if (tok_.kind == TokenKind::kFloat || tok_.kind == TokenKind::kInteger) {
      std::string_view t = tok_.text;
      if (t.back() == 'f' || t.back() == 'F') t.remove_suffix(1);
      if (t.size() > 1 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) {
        return ErrorAt(tok_.offset, "hex integer " + std::string(t) + " given for " + FieldDesc(field));
      }
      // strtod needs a terminated copy; numbers are short.
      char buf[128];
      if (t.size() >= sizeof(buf)) {
        return ErrorAt(tok_.offset, "number too long for " + FieldDesc(field));
      }
      std::memcpy(buf, t.data(), t.size());
      buf[t.size()] = '\0';
      v = std::strtod(buf, nullptr);  // out of range gives +-HUGE_VAL = inf, as protobuf does
    } else {
      return Expected("a number for " + FieldDesc(field));
    }
    if (negative) v = -v;
    CKPT_RETURN_IF_ERROR(Advance());
    if (field.type == ProtoType::kDouble) {
      uint64_t bits;
      std::memcpy(&bits, &v, 8);
      EmitFixed64(field, bits);
    } else {
      float f;
      if (std::isfinite(v) && std::fabs(v) > double(std::numeric_limits<float>::max())) {
        f = v > 0 ? std::numeric_limits<float>::infinity() : -std::numeric_limits<float>::infinity();
      } else {
        f = static_cast<float>(v);
      }
      uint32_t bits;
      std::memcpy(&bits, &f, 4);
      EmitFixed32(field, bits);
    }
    return Status::Ok();
  }

  Status ParseBool(const ProtoField& field) {
    bool v;
    std::string_view t = tok_.text;
    if (tok_.kind == TokenKind::kIdentifier &&
        (t == "true" || t == "True" || t == "t")) {
      v = true;
    } else if (tok_.kind == TokenKind::kIdentifier && (t == "false" || t == "False" || t == "f")) {
      v = false;
    } else if (tok_.kind == TokenKind::kInteger && (t == "1" || t == "0")) {
      v = t == "1";
    } else {
      return Expected("true or false for " + FieldDesc(field));
    }
    CKPT_RETURN_IF_ERROR(Advance());
    EmitVarint(field, v ? 1 : 0);
    return Status::Ok();
  }

  Status ParseEnum(int depth, const ProtoField& field) {
    const ProtoEnum& e = *field.enum_type;
    int32_t number;
    if (tok_.kind == TokenKind::kIdentifier) {
      if (!e.FindNumber(tok_.text, &number)) {
        return ErrorAt(tok_.offset, "unknown value \"" + std::string(tok_.text) + "\" of enum " +
                                        e.full_name + " for field \"" + field.name + "\"");
      }
      CKPT_RETURN_IF_ERROR(Advance());
    } else if (tok_.kind == TokenKind::kInteger || IsSymbol('-')) {
      bool negative;
      uint64_t mag;
      size_t offset;
      std::string literal;
      CKPT_RETURN_IF_ERROR(ReadInteger(field, &negative, &mag, &offset, &literal));
      if (negative ? mag > uint64_t(1) << 31 : mag > uint64_t(std::numeric_limits<int32_t>::max())) {
        return ErrorAt(offset, "enum number out of int32 range for field \"" + field.name + "\"");
      }
      number = int32_t(negative ? -int64_t(mag) : int64_t(mag));
      // proto2 enums are closed: the parser would drop an unknown number.
      if (!frames_[size_t(depth)].message->proto3 && e.FindName(number) == nullptr) {
        return ErrorAt(offset, "unknown number " + std::to_string(number) + " of enum " + e.full_name +
                                   " for field \"" + field.name + "\"");
      }
    } else {
      return Expected("a value of enum " + e.full_name + " for field \"" + field.name + "\"");
    }
    EmitVarint(field, uint64_t(int64_t(number)));
    return Status::Ok();
  }

  std::string_view file_name_;
  std::string_view text_;
  const ProtoSchema& schema_;
  std::string& out_;
  size_t pos_ = 0;
  Token tok_;
  std::vector<Frame> frames_;
  std::string scratch_;                  // a string value being unescaped
  const ProtoField* run_field_ = nullptr;  // packed field whose values are in run_
  std::string run_;
};

Status EncodeText(const ProtoSchema& schema, std::string_view file_name, std::string_view text,
                  const ProtoMessage& type, std::string* wire) {
  TextParser parser(file_name, text, schema, wire);
  Status status = parser.Parse(type);
  if (!status.ok()) wire->clear();
  return status;
}

// ---------------------------------------------------------------------------
// Printer

// One packed value of wire type `wire_type`.
bool GetScalar(ByteView* in, WireType wire_type, uint64_t* v) {
  if (wire_type == kWireVarint) return GetVarint64(in, v);
  if (wire_type == kWireFixed64) return GetFixed64(in, v);
  uint32_t v32;
  if (!GetFixed32(in, &v32)) return false;
  *v = v32;
  return true;
}

void AppendEscaped(std::string_view s, std::string* out) {
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      case '"': out->append("\\\""); break;
      case '\'': out->append("\\'"); break;
      case '\\': out->append("\\\\"); break;
      default:
        if (c < 0x20 || c >= 0x7f) {
          out->push_back('\\');
          out->push_back(char('0' + (c >> 6)));
          out->push_back(char('0' + ((c >> 3) & 7)));
          out->push_back(char('0' + (c & 7)));
        } else {
          out->push_back(char(c));
        }
    }
  }
}

// Floats as Python's text_format prints them (TF's graph.pbtxt and
// `checkpoint` files come from Python): the shortest decimal that reads back
// as the same value (for a float: as the same float), in Python repr style:
// "1.0", "0.1", "1e-05", "1.5e+16", "-0.0", "inf", "nan".
void AppendDouble(double v, bool is_float, std::string* out) {
  if (std::isnan(v)) {
    out->append("nan");
    return;
  }
  if (std::isinf(v)) {
    out->append(v > 0 ? "inf" : "-inf");
    return;
  }
  // Shortest significant digits: "%.{p-1}e" for increasing precision p.
  char buf[40];
  for (int p = is_float ? 6 : 1; p <= 17; ++p) {
    std::snprintf(buf, sizeof(buf), "%.*e", p - 1, v);
    double back = std::strtod(buf, nullptr);
    if (is_float ? float(back) == float(v) : back == v) break;
  }
  // buf is "[-]d[.ddd]e[+-]xx": split into digits and decimal exponent.
  const char* p = buf;
  if (*p == '-') out->push_back(*p++);
  std::string digits;
  for (; *p != 'e'; ++p) {
    if (*p != '.') digits.push_back(*p);
  }
  int exponent = std::atoi(p + 1);
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  int n = int(digits.size());
  if (exponent < -4 || exponent >= 16) {
    out->push_back(digits[0]);
    if (n > 1) {
      out->push_back('.');
      out->append(digits, 1, std::string::npos);
    }
    char exp[16];
    std::snprintf(exp, sizeof(exp), "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    out->append(exp);
  } else if (exponent < 0) {
    out->append("0.");
    out->append(size_t(-exponent - 1), '0');
    out->append(digits);
  } else if (n <= exponent + 1) {
    out->append(digits);
    out->append(size_t(exponent + 1 - n), '0');
    out->append(".0");
  } else {
    out->append(digits, 0, size_t(exponent + 1));
    out->push_back('.');
    out->append(digits, size_t(exponent + 1), std::string::npos);
  }
}

// Any URL printable inside [...]: identifiers joined by "." and "/".
bool IsPrintableTypeUrl(std::string_view url) {
  bool at_start = true;
  for (char c : url) {
    if (c == '.' || c == '/') {
      if (at_start) return false;
      at_start = true;
    } else if (at_start ? IsIdentStart(c) : IsIdentChar(c)) {
      at_start = false;
    } else {
      return false;
    }
  }
  return !at_start;
}

class TextPrinter {
 public:
  TextPrinter(const ProtoSchema& schema, std::string* out) : schema_(schema), out_(*out) {}

  // Prints the fields of `wire` (a `message`); false on malformed bytes.
  bool PrintMessage(ByteView wire, const ProtoMessage& message, int depth) {
    if (depth > kMaxDepth) return false;
    if (message.full_name == "tensorflow.Any" && PrintExpandedAny(wire, depth)) return true;
    if (records_.size() <= size_t(depth)) records_.resize(size_t(depth) + 1);
    std::vector<WireRecord>& recs = records_[size_t(depth)];
    recs.clear();
    WireRecord rec;
    // Which member of each oneof comes last on the wire: the one a parser keeps.
    std::vector<uint32_t> oneof_last(message.oneof_names.size(), 0);
    while (!wire.empty()) {
      if (!GetWireRecord(&wire, &rec)) return false;
      recs.push_back(rec);
      const ProtoField* field = message.FindFieldByNumber(int32_t(rec.number));
      if (field != nullptr && field->oneof_index >= 0) {
        oneof_last[size_t(field->oneof_index)] = rec.number;
      }
    }
    auto by_number = [](const WireRecord& a, const WireRecord& b) { return a.number < b.number; };
    if (!std::is_sorted(recs.begin(), recs.end(), by_number)) {
      std::stable_sort(recs.begin(), recs.end(), by_number);
    }
    // records_ may grow during recursion: index, don't hold references.
    for (size_t i = 0; i < records_[size_t(depth)].size();) {
      size_t j = i + 1;
      uint32_t number = records_[size_t(depth)][i].number;
      while (j < records_[size_t(depth)].size() && records_[size_t(depth)][j].number == number) ++j;
      const ProtoField* field = message.FindFieldByNumber(int32_t(number));
      if (field != nullptr && field->oneof_index >= 0 &&
          oneof_last[size_t(field->oneof_index)] != number) {
        // Overridden by a later member of its oneof.
      } else if (field != nullptr && field->is_map()) {
        if (!PrintMap(*field, i, j, depth)) return false;
      } else if (field != nullptr && !field->repeated && j - i > 1) {
        // A non-repeated field given more than once (legal on the wire, never
        // in text): the last scalar wins, message records merge (concatenate).
        WireRecord last = records_[size_t(depth)][j - 1];
        std::string merged;
        if (field->is_message() && last.wire_type == kWireLengthDelimited) {
          for (size_t k = i; k < j; ++k) {
            const WireRecord& r = records_[size_t(depth)][k];
            if (r.wire_type == kWireLengthDelimited) merged.append(r.bytes.str());
          }
          last.bytes = ByteView(merged);
        }
        if (!PrintRecord(field, last, depth)) return false;
      } else {
        for (size_t k = i; k < j; ++k) {
          WireRecord r = records_[size_t(depth)][k];
          if (!PrintRecord(field, r, depth)) return false;
        }
      }
      i = j;
    }
    return true;
  }

 private:
  void Indent(int depth) { out_.append(size_t(depth) * 2, ' '); }

  bool PrintRecord(const ProtoField* field, const WireRecord& rec, int depth) {
    if (field == nullptr) {
      PrintUnknown(rec, depth);
      return true;
    }
    WireType expected = WireTypeOf(field->type);
    if (rec.wire_type == kWireLengthDelimited && expected != kWireLengthDelimited && field->repeated) {
      // Packed values (accepted for any repeated scalar, as protobuf does).
      ByteView in = rec.bytes;
      WireRecord value{rec.number, expected, 0, ByteView()};
      while (!in.empty()) {
        if (!GetScalar(&in, expected, &value.value)) return false;
        PrintScalar(*field, value, depth);
      }
      return true;
    }
    if (rec.wire_type != uint32_t(expected)) {
      PrintUnknown(rec, depth);  // a field of another type under the same number
      return true;
    }
    // A proto3 scalar without presence that holds its default is "not set":
    // such records only come from map entries (always written whole) or
    // other writers, and TF's printers leave them out.
    if (!field->repeated && !field->has_presence &&
        (rec.wire_type == kWireLengthDelimited ? rec.bytes.empty() : rec.value == 0)) {
      return true;
    }
    if (field->is_message()) {
      Indent(depth);
      out_.append(field->name);
      out_.append(" {\n");
      if (!PrintMessage(rec.bytes, *field->message_type, depth + 1)) return false;
      Indent(depth);
      out_.append("}\n");
      return true;
    }
    PrintScalar(*field, rec, depth);
    return true;
  }

  void PrintScalar(const ProtoField& field, const WireRecord& rec, int depth) {
    Indent(depth);
    out_.append(field.name);
    out_.append(": ");
    AppendValue(field, rec);
    out_.push_back('\n');
  }

  void AppendValue(const ProtoField& field, const WireRecord& rec) {
    uint64_t v = rec.value;
    switch (field.type) {
      case ProtoType::kString:
      case ProtoType::kBytes:
        out_.push_back('"');
        AppendEscaped(rec.bytes.str(), &out_);
        out_.push_back('"');
        return;
      case ProtoType::kInt32: out_.append(std::to_string(int32_t(v))); return;
      case ProtoType::kSfixed32: out_.append(std::to_string(int32_t(uint32_t(v)))); return;
      case ProtoType::kInt64: case ProtoType::kSfixed64: out_.append(std::to_string(int64_t(v))); return;
      case ProtoType::kUint32: out_.append(std::to_string(uint32_t(v))); return;
      case ProtoType::kFixed32: case ProtoType::kUint64: case ProtoType::kFixed64:
        out_.append(std::to_string(v));
        return;
      case ProtoType::kSint32: {
        uint32_t u = uint32_t(v);
        out_.append(std::to_string(int32_t(u >> 1) ^ -int32_t(u & 1)));
        return;
      }
      case ProtoType::kSint64:
        out_.append(std::to_string(int64_t(v >> 1) ^ -int64_t(v & 1)));
        return;
      case ProtoType::kBool: out_.append(v != 0 ? "true" : "false"); return;
      case ProtoType::kEnum: {
        const std::string* name = field.enum_type->FindName(int32_t(v));
        out_.append(name != nullptr ? *name : std::to_string(int32_t(v)));
        return;
      }
      case ProtoType::kFloat: {
        float f;
        uint32_t bits = uint32_t(v);
        std::memcpy(&f, &bits, 4);
        AppendDouble(f, true, &out_);
        return;
      }
      case ProtoType::kDouble: {
        double d;
        std::memcpy(&d, &v, 8);
        AppendDouble(d, false, &out_);
        return;
      }
      case ProtoType::kMessage: case ProtoType::kGroup:
        return;  // not scalars
    }
  }

  // A field the schema lacks: `<number>: <value>` (the parser rejects it).
  void PrintUnknown(const WireRecord& rec, int depth) {
    Indent(depth);
    out_.append(std::to_string(rec.number));
    out_.append(": ");
    char buf[24];
    switch (rec.wire_type) {
      case kWireVarint: out_.append(std::to_string(rec.value)); break;
      case kWireFixed32:
        std::snprintf(buf, sizeof(buf), "0x%08x", unsigned(rec.value));
        out_.append(buf);
        break;
      case kWireFixed64:
        std::snprintf(buf, sizeof(buf), "0x%016llx", static_cast<unsigned long long>(rec.value));
        out_.append(buf);
        break;
      default:
        out_.push_back('"');
        AppendEscaped(rec.bytes.str(), &out_);
        out_.push_back('"');
    }
    out_.push_back('\n');
  }

  // Map entries sorted by key, so equal maps print equally.
  bool PrintMap(const ProtoField& field, size_t begin, size_t end, int depth) {
    const ProtoMessage& entry = *field.message_type;
    const ProtoField* key_field = entry.FindFieldByNumber(1);
    struct Entry {
      ByteView bytes;
      ByteView key_bytes;
      uint64_t key = 0;
    };
    std::vector<Entry> entries;
    bool sortable = key_field != nullptr;
    for (size_t k = begin; k < end; ++k) {
      const WireRecord& r = records_[size_t(depth)][k];
      if (r.wire_type != kWireLengthDelimited) {
        PrintUnknown(r, depth);  // not an entry: another type under the map's number
        continue;
      }
      Entry e{r.bytes, {}, 0};
      ByteView in = r.bytes;
      WireRecord kr;
      while (!in.empty()) {
        if (!GetWireRecord(&in, &kr)) return false;
        if (kr.number == 1) {  // the last one wins, as in the parser
          e.key_bytes = kr.bytes;
          e.key = kr.value;
        }
      }
      entries.push_back(e);
    }
    if (sortable) {
      bool is_string = WireTypeOf(key_field->type) == kWireLengthDelimited;
      ProtoType t = key_field->type;
      auto signed_key = [t](uint64_t v) -> int64_t {
        switch (t) {
          case ProtoType::kInt32: case ProtoType::kSfixed32: return int32_t(uint32_t(v));
          case ProtoType::kSint32: {
            uint32_t u = uint32_t(v);
            return int32_t(u >> 1) ^ -int32_t(u & 1);
          }
          case ProtoType::kSint64: return int64_t(v >> 1) ^ -int64_t(v & 1);
          default: return int64_t(v);
        }
      };
      bool is_signed = t == ProtoType::kInt32 || t == ProtoType::kInt64 || t == ProtoType::kSint32 ||
                       t == ProtoType::kSint64 || t == ProtoType::kSfixed32 || t == ProtoType::kSfixed64;
      std::stable_sort(entries.begin(), entries.end(), [&](const Entry& a, const Entry& b) {
        if (is_string) return a.key_bytes.str() < b.key_bytes.str();
        if (is_signed) return signed_key(a.key) < signed_key(b.key);
        return a.key < b.key;
      });
    }
    for (const Entry& e : entries) {
      Indent(depth);
      out_.append(field.name);
      out_.append(" {\n");
      if (!PrintMessage(e.bytes, entry, depth + 1)) return false;
      Indent(depth);
      out_.append("}\n");
    }
    return true;
  }

  // `[type.googleapis.com/tensorflow.X] { ... }` as TF prints a packed Any,
  // only when parsing that text gives back the very same value bytes (so a
  // round trip never changes the message). False to print it plainly.
  bool PrintExpandedAny(ByteView wire, int depth) {
    ByteView url, value;
    int urls = 0, values = 0;
    WireRecord rec;
    while (!wire.empty()) {
      if (!GetWireRecord(&wire, &rec) || rec.wire_type != kWireLengthDelimited) return false;
      if (rec.number == 1) {
        url = rec.bytes;
        ++urls;
      } else if (rec.number == 2) {
        value = rec.bytes;
        ++values;
      } else {
        return false;
      }
    }
    std::string_view url_str = url.str();
    size_t slash = url_str.rfind('/');
    if (urls != 1 || values > 1 || slash == std::string_view::npos || !IsPrintableTypeUrl(url_str)) {
      return false;
    }
    const ProtoMessage* type = schema_.FindMessage(url_str.substr(slash + 1));
    if (type == nullptr) return false;
    std::string body;
    TextPrinter inner(schema_, &body);
    if (!inner.PrintMessage(value, *type, depth + 1)) return false;
    std::string reencoded;
    if (!EncodeText(schema_, "", body, *type, &reencoded).ok() || reencoded != value.str()) return false;
    Indent(depth);
    out_.push_back('[');
    out_.append(url_str);
    out_.append("] {\n");
    out_.append(body);
    Indent(depth);
    out_.append("}\n");
    return true;
  }

  const ProtoSchema& schema_;
  std::string& out_;
  std::vector<std::vector<WireRecord>> records_;  // per depth, reused
};

}  // namespace

Status TextFormatToWire(std::string_view file_name, std::string_view text,
                        std::string_view type_name, std::string* wire) {
  wire->clear();
  CKPT_ASSIGN_OR_RETURN(const ProtoSchema* schema, ProtoSchema::Builtin());
  const ProtoMessage* root = schema->FindMessage(type_name);
  if (root == nullptr) {
    Status error =
        Status::Error("no text-format schema for message type \"" + std::string(type_name) + "\"");
    return file_name.empty() ? error : error.WithContext(std::string(file_name));
  }
  return EncodeText(*schema, file_name, text, *root, wire);
}

Status ParseTextFormat(std::string_view file_name, std::string_view text,
                       google::protobuf::MessageLite* msg) {
  msg->Clear();
  std::string wire;
  CKPT_RETURN_IF_ERROR(TextFormatToWire(file_name, text, msg->GetTypeName(), &wire));
  if (!msg->ParseFromString(wire)) {
    // The encoder checks what the parser checks; reaching this is our bug.
    msg->Clear();
    Status error =
        Status::Error("text parsed, but its binary encoding was rejected as " + msg->GetTypeName());
    return file_name.empty() ? error : error.WithContext(std::string(file_name));
  }
  return Status::Ok();
}

Result<std::string> WireToTextFormat(ByteView wire, std::string_view type_name) {
  CKPT_ASSIGN_OR_RETURN(const ProtoSchema* schema, ProtoSchema::Builtin());
  const ProtoMessage* message = schema->FindMessage(type_name);
  if (message == nullptr) {
    return Status::Error("no text-format schema for message type \"" + std::string(type_name) + "\"");
  }
  std::string out;
  TextPrinter printer(*schema, &out);
  if (!printer.PrintMessage(wire, *message, 0)) {
    return Status::Error("malformed " + std::string(type_name) + " bytes (" +
                         std::to_string(wire.size()) +
                         " bytes) while printing text format");
  }
  return out;
}

std::string PrintTextFormat(const google::protobuf::MessageLite& msg) {
  std::string type_name = msg.GetTypeName();
  Result<std::string> text = WireToTextFormat(msg.SerializeAsString(), type_name);
  if (!text.ok()) return "# " + text.status().message() + "\n";
  return std::move(text).value();
}

}  // namespace ckptview::formats
