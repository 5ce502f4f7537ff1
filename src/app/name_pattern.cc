#include "app/name_pattern.h"

#include <cctype>
#include <cstring>
#include <memory>

namespace ckptview::app {
namespace {

constexpr int kMaxStates = 20000;   // {n,m} copies its operand: keep patterns bounded
constexpr int kMaxRepeat = 1000;
constexpr int kMaxDepth = 200;      // nesting of groups (the parser recurses)
constexpr int kInfinite = -1;

// Parse tree.
struct Ast {
  enum class Kind { kSet, kBegin, kEnd, kConcat, kAlt, kRepeat, kEmpty };
  Kind kind = Kind::kEmpty;
  std::bitset<256> set;
  std::vector<std::unique_ptr<Ast>> kids;
  int min = 0, max = 0;
};
using AstPtr = std::unique_ptr<Ast>;

AstPtr Make(Ast::Kind kind) {
  auto a = std::make_unique<Ast>();
  a->kind = kind;
  return a;
}

std::bitset<256> ClassOf(char c) {
  std::bitset<256> s;
  for (int i = 0; i < 256; ++i) {
    const bool in = c == 'd' || c == 'D' ? std::isdigit(i) != 0
                    : c == 'w' || c == 'W' ? (std::isalnum(i) != 0 || i == '_')
                                           : std::isspace(i) != 0;
    s[i] = in;
  }
  return std::isupper(static_cast<unsigned char>(c)) ? ~s : s;
}

class Parser {
 public:
  explicit Parser(std::string_view p) : p_(p) {}

  Result<AstPtr> Parse() {
    auto a = Alt(0);
    if (!a.ok()) return a;
    if (i_ < p_.size()) return Fail("unmatched )");
    return a;
  }

 private:
  Status Fail(const std::string& what) const {
    return Status::Error(what + " at " + std::to_string(i_));
  }
  bool More() const { return i_ < p_.size(); }
  char Peek() const { return p_[i_]; }

  Result<AstPtr> Alt(int depth) {
    if (depth > kMaxDepth) return Fail("groups nested too deeply");
    auto first = Concat(depth);
    if (!first.ok()) return first;
    if (!More() || Peek() != '|') return first;
    AstPtr alt = Make(Ast::Kind::kAlt);
    alt->kids.push_back(std::move(first).value());
    while (More() && Peek() == '|') {
      ++i_;
      auto next = Concat(depth);
      if (!next.ok()) return next;
      alt->kids.push_back(std::move(next).value());
    }
    return alt;
  }

  Result<AstPtr> Concat(int depth) {
    AstPtr cat = Make(Ast::Kind::kConcat);
    while (More() && Peek() != '|' && Peek() != ')') {
      auto atom = Atom(depth);
      if (!atom.ok()) return atom;
      auto rep = Quantified(std::move(atom).value());
      if (!rep.ok()) return rep;
      cat->kids.push_back(std::move(rep).value());
    }
    return cat;
  }

  Result<AstPtr> Atom(int depth) {
    const char c = Peek();
    if (c == '*' || c == '+' || c == '?' || c == '{') return Fail("nothing to repeat");
    ++i_;
    if (c == '(') {
      if (p_.substr(i_, 2) == "?:") i_ += 2;
      else if (More() && Peek() == '?') return Fail("unsupported group (?");
      auto inner = Alt(depth + 1);
      if (!inner.ok()) return inner;
      if (!More() || Peek() != ')') return Fail("missing )");
      ++i_;
      return inner;
    }
    if (c == '[') return Class();
    if (c == '^') return Make(Ast::Kind::kBegin);
    if (c == '$') return Make(Ast::Kind::kEnd);
    AstPtr a = Make(Ast::Kind::kSet);
    if (c == '.') {
      a->set.set();
    } else if (c == '\\') {
      if (!More()) return Fail("trailing backslash");
      const char e = p_[i_++];
      if (std::strchr("dDwWsS", e)) a->set = ClassOf(e);
      else if (std::isalnum(static_cast<unsigned char>(e))) return Fail(std::string("unsupported escape \\") + e);
      else a->set[static_cast<unsigned char>(e)] = true;
    } else {
      a->set[static_cast<unsigned char>(c)] = true;
    }
    return a;
  }

  Result<AstPtr> Class() {
    AstPtr a = Make(Ast::Kind::kSet);
    bool negate = false;
    if (More() && Peek() == '^') negate = true, ++i_;
    // As in ECMAScript, "[]" is an empty class and "[^]" any character.
    while (More() && Peek() != ']') {
      int lo = static_cast<unsigned char>(p_[i_++]);
      if (lo == '\\') {
        if (!More()) return Fail("trailing backslash");
        const char e = p_[i_++];
        if (std::strchr("dDwWsS", e)) {
          a->set |= ClassOf(e);
          continue;
        }
        lo = static_cast<unsigned char>(e);
      }
      int hi = lo;
      if (i_ + 1 < p_.size() && Peek() == '-' && p_[i_ + 1] != ']') {
        i_++;
        hi = static_cast<unsigned char>(p_[i_++]);
        if (hi == '\\' && More()) hi = static_cast<unsigned char>(p_[i_++]);
        if (hi < lo) return Fail("range out of order");
      }
      for (int ch = lo; ch <= hi; ++ch) a->set[ch] = true;
    }
    if (!More()) return Fail("missing ]");
    ++i_;  // ']'
    if (negate) a->set = ~a->set;
    return a;
  }

  // Reads a decimal number, at most kMaxRepeat; -2 if none.
  int Number() {
    int n = -2;
    while (More() && std::isdigit(static_cast<unsigned char>(Peek()))) {
      n = (n < 0 ? 0 : n) * 10 + (p_[i_++] - '0');
      if (n > kMaxRepeat) n = kMaxRepeat + 1;
    }
    return n;
  }

  Result<AstPtr> Quantified(AstPtr atom) {
    if (!More()) return atom;
    int min = 0, max = 0;
    const char c = Peek();
    if (c == '*') min = 0, max = kInfinite, ++i_;
    else if (c == '+') min = 1, max = kInfinite, ++i_;
    else if (c == '?') min = 0, max = 1, ++i_;
    else if (c == '{') {
      ++i_;
      min = Number();
      if (min < 0) return Fail("bad {n,m}");
      max = min;
      if (More() && Peek() == ',') {
        ++i_;
        max = Number();
        if (max == -2) max = kInfinite;
      }
      if (!More() || Peek() != '}') return Fail("bad {n,m}");
      ++i_;
      if (min > kMaxRepeat || max > kMaxRepeat) return Fail("repeat count over " + std::to_string(kMaxRepeat));
      if (max != kInfinite && max < min) return Fail("bad {n,m}: m < n");
    } else {
      return atom;
    }
    if (More() && Peek() == '?') ++i_;  // lazy: same set of matches
    if (More() && (Peek() == '*' || Peek() == '+' || Peek() == '{')) return Fail("nothing to repeat");
    AstPtr rep = Make(Ast::Kind::kRepeat);
    rep->min = min, rep->max = max;
    rep->kids.push_back(std::move(atom));
    return rep;
  }

  std::string_view p_;
  size_t i_ = 0;
};

}  // namespace

// Thompson construction: each fragment has a start state and a list of
// dangling exits (state index, which out) patched to whatever follows.
class PatternCompiler {
 public:
  explicit PatternCompiler(NamePattern* p) : p_(p) {}

  struct Frag {
    int start = -1;
    std::vector<std::pair<int, int>> exits;  // (state, 0: out / 1: out2)
  };

  Result<Frag> Build(const Ast& a) {
    if (static_cast<int>(p_->states_.size()) > kMaxStates) return Status::Error("pattern too large");
    switch (a.kind) {
      case Ast::Kind::kSet: {
        const int s = Add(NamePattern::State::Kind::kChar);
        p_->states_[s].set = static_cast<int>(p_->sets_.size());
        p_->sets_.push_back(a.set);
        return Frag{s, {{s, 0}}};
      }
      case Ast::Kind::kBegin:
      case Ast::Kind::kEnd: {
        const int s = Add(a.kind == Ast::Kind::kBegin ? NamePattern::State::Kind::kBegin : NamePattern::State::Kind::kEnd);
        return Frag{s, {{s, 0}}};
      }
      case Ast::Kind::kEmpty:
      case Ast::Kind::kConcat: {
        if (a.kids.empty()) return Epsilon();
        Frag f;
        for (const auto& k : a.kids) {
          auto next = Build(*k);
          if (!next.ok()) return next;
          if (f.start < 0) f = std::move(next).value();
          else Patch(f, next.value().start), f.exits = std::move(next).value().exits;
        }
        return f;
      }
      case Ast::Kind::kAlt: {
        Frag f;
        for (const auto& k : a.kids) {
          auto next = Build(*k);
          if (!next.ok()) return next;
          if (f.start < 0) {
            f = std::move(next).value();
            continue;
          }
          const int split = Add(NamePattern::State::Kind::kSplit);
          p_->states_[split].out = f.start, p_->states_[split].out2 = next.value().start;
          f.start = split;
          f.exits.insert(f.exits.end(), next.value().exits.begin(), next.value().exits.end());
        }
        return f;
      }
      case Ast::Kind::kRepeat:
        return Repeat(*a.kids[0], a.min, a.max);
    }
    return Epsilon();
  }

  void Patch(const Frag& f, int to) {
    for (auto [s, which] : f.exits) (which ? p_->states_[s].out2 : p_->states_[s].out) = to;
  }

 private:
  int Add(NamePattern::State::Kind kind) {
    NamePattern::State s;
    s.kind = kind;
    p_->states_.push_back(s);
    return static_cast<int>(p_->states_.size()) - 1;
  }

  Frag Epsilon() {
    const int s = Add(NamePattern::State::Kind::kSplit);  // a split with one way out
    return Frag{s, {{s, 0}}};
  }

  // e{min,max}: min copies, then (max - min) optional ones or a loop.
  Result<Frag> Repeat(const Ast& e, int min, int max) {
    Frag f = Epsilon();
    auto append = [&](const Frag& next) {
      Patch(f, next.start);
      f.exits = next.exits;
    };
    for (int i = 0; i < min; ++i) {
      auto copy = Build(e);
      if (!copy.ok()) return copy;
      append(copy.value());
    }
    if (max == kInfinite) {
      auto body = Build(e);
      if (!body.ok()) return body;
      const int split = Add(NamePattern::State::Kind::kSplit);
      p_->states_[split].out = body.value().start;
      Patch(body.value(), split);
      Patch(f, split);
      f.exits = {{split, 1}};
      return f;
    }
    std::vector<std::pair<int, int>> skips;
    for (int i = min; i < max; ++i) {
      auto body = Build(e);
      if (!body.ok()) return body;
      const int split = Add(NamePattern::State::Kind::kSplit);
      p_->states_[split].out = body.value().start;
      Patch(f, split);
      skips.push_back({split, 1});
      f.exits = body.value().exits;
    }
    f.exits.insert(f.exits.end(), skips.begin(), skips.end());
    return f;
  }

  NamePattern* p_;
};

Result<NamePattern> NamePattern::Compile(std::string_view pattern) {
  auto ast = Parser(pattern).Parse();
  if (!ast.ok()) return ast.status();
  NamePattern p;
  PatternCompiler c(&p);
  auto frag = c.Build(*ast.value());
  if (!frag.ok()) return frag.status();
  NamePattern::State match;
  p.states_.push_back(match);
  c.Patch(frag.value(), static_cast<int>(p.states_.size()) - 1);
  p.start_ = frag.value().start;
  return p;
}

bool NamePattern::Search(std::string_view text) const {
  const int n = static_cast<int>(states_.size());
  if (static_cast<int>(mark_.size()) != n || stamp_ > (1 << 30)) mark_.assign(n, -1), stamp_ = 0;
  std::vector<int>& current = current_;
  std::vector<int>& next = next_;
  current.clear();
  auto add = [&](std::vector<int>& list, int s0, size_t pos) {
    // Follows splits and zero-width assertions (iteratively: no deep recursion).
    stack_.assign(1, s0);
    while (!stack_.empty()) {
      const int s = stack_.back();
      stack_.pop_back();
      if (s < 0 || mark_[s] == stamp_) continue;
      mark_[s] = stamp_;
      const State& st = states_[s];
      switch (st.kind) {
        case State::Kind::kSplit:
          stack_.push_back(st.out2);
          stack_.push_back(st.out);
          break;
        case State::Kind::kBegin:
          if (pos == 0) stack_.push_back(st.out);
          break;
        case State::Kind::kEnd:
          if (pos == text.size()) stack_.push_back(st.out);
          break;
        default:
          list.push_back(s);
      }
    }
  };
  ++stamp_;  // the list for position 0
  for (size_t pos = 0; pos <= text.size(); ++pos) {
    add(current, start_, pos);  // a match may start anywhere
    for (int s : current)
      if (states_[s].kind == State::Kind::kMatch) return true;
    if (pos == text.size()) break;
    next.clear();
    ++stamp_;  // the list for position pos + 1
    const auto ch = static_cast<unsigned char>(text[pos]);
    for (int s : current)
      if (states_[s].kind == State::Kind::kChar && sets_[states_[s].set][ch]) add(next, states_[s].out, pos + 1);
    current.swap(next);
  }
  return false;
}

}  // namespace ckptview::app
