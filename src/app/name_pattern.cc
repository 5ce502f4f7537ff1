#include "app/name_pattern.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>

namespace ckptview::app {
namespace {

constexpr int kMaxStates = 20000;   // {n,m} copies its operand: keep patterns bounded
constexpr int kMaxRepeat = 1000;
constexpr int kMaxDepth = 200;      // nesting of groups (the parser recurses)
constexpr int kInfinite = -1;
// The prefilter's literal is capped: std::string_view::find may compare it
// at every position, so a long one would make the scan O(text * literal).
constexpr size_t kMaxLiteral = 16;
// DFA cache budget besides NamePattern::kMaxDfaStates: states of a big NFA
// hold long lists.
constexpr size_t kMaxDfaBytes = 8u << 20;

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

// Appends `a` to `seq` as a sequence of parts, splicing nested
// concatenations (groups without '|') so that "(ab)c" reads as a, b, c.
void Flatten(const Ast& a, std::vector<const Ast*>* seq) {
  if (a.kind != Ast::Kind::kConcat) {
    seq->push_back(&a);
    return;
  }
  for (const auto& k : a.kids) Flatten(*k, seq);
}

// The longest run of single characters in the pattern's top-level sequence
// (at most kMaxLiteral of it): every match contains it. "" if none.
std::string RequiredLiteral(const Ast& root) {
  std::vector<const Ast*> seq;
  Flatten(root, &seq);
  std::string best, run;
  for (const Ast* a : seq) {
    if (a->kind != Ast::Kind::kSet || a->set.count() != 1) {
      run.clear();
      continue;
    }
    int ch = 0;
    while (!a->set[ch]) ++ch;
    run += static_cast<char>(ch);
    if (run.size() > best.size()) best = run;
  }
  return best.substr(0, std::min(best.size(), kMaxLiteral));
}

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
  p.literal_ = RequiredLiteral(*ast.value());
  p.ComputeByteClasses();
  return p;
}

// Refines the partition of the 256 bytes by each set in turn: two bytes
// stay in one class only if every set holds both or neither.
void NamePattern::ComputeByteClasses() {
  byte_class_.fill(0);
  num_classes_ = 1;
  for (const std::bitset<256>& set : sets_) {
    std::array<int, 512> renumber;  // (old class, in set) -> new class
    renumber.fill(-1);
    int n = 0;
    for (int b = 0; b < 256; ++b) {
      int& to = renumber[byte_class_[b] * 2 + (set[b] ? 1 : 0)];
      if (to < 0) to = n++;
      byte_class_[b] = static_cast<uint8_t>(to);
    }
    num_classes_ = n;
  }
}

// Starts a new state list: clears the marks in O(1) by moving the stamp.
void NamePattern::NewList() const {
  if (mark_.size() != states_.size() || stamp_ > (1 << 30)) mark_.assign(states_.size(), -1), stamp_ = 0;
  ++stamp_;
}

// Adds to `list` the states reachable from s0 without reading a byte,
// following splits, and ^ and $ where they hold (iteratively: no deep
// recursion). Kept are kChar and kMatch states, and kEnd states whose $
// does not hold here: the DFA does not know yet whether the text ends, so
// it keeps them and checks them at the end (AcceptsAtEnd).
void NamePattern::Close(int s0, bool at_begin, bool at_end, std::vector<int>* list) const {
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
        if (at_begin) stack_.push_back(st.out);
        break;
      case State::Kind::kEnd:
        if (at_end) stack_.push_back(st.out);
        else list->push_back(s);
        break;
      default:
        list->push_back(s);
    }
  }
}

bool NamePattern::SearchNfa(std::string_view text) const {
  std::vector<int>& current = current_;
  std::vector<int>& next = next_;
  current.clear();
  NewList();  // the list for position 0
  for (size_t pos = 0; pos <= text.size(); ++pos) {
    Close(start_, pos == 0, pos == text.size(), &current);  // a match may start anywhere
    for (int s : current)
      if (states_[s].kind == State::Kind::kMatch) return true;
    if (pos == text.size()) break;
    next.clear();
    NewList();  // the list for position pos + 1
    const auto ch = static_cast<unsigned char>(text[pos]);
    for (int s : current)
      if (states_[s].kind == State::Kind::kChar && sets_[states_[s].set][ch])
        Close(states_[s].out, false, pos + 1 == text.size(), &next);
    current.swap(next);
  }
  return false;
}

// The hot loop: one table lookup per byte once the DFA states it walks
// through are cached.
bool NamePattern::Search(std::string_view text) const {
  if (!literal_.empty() && text.find(literal_) == std::string_view::npos) return false;
  int s = dfa_.start;
  if (s == kUnknown) s = StartState();
  for (size_t i = 0; i < text.size() && s >= 0; ++i) {
    const auto ch = static_cast<unsigned char>(text[i]);
    const int t = dfa_.next[s + byte_class_[ch]];
    s = t != kUnknown ? t : AddTransition(s, ch);
  }
  if (s < 0) return s == kMatched;
  return dfa_.states[s / num_classes_].accepts_at_end;
}

// The DFA state at position 0: the start's closure with ^ holding.
int NamePattern::StartState() const {
  current_.clear();
  NewList();
  Close(start_, true, false, &current_);
  std::sort(current_.begin(), current_.end());
  dfa_.start = Intern(current_, true);
  return dfa_.start;
}

// Computes and caches the transition out of state row `from` on `ch`: the
// states its kChar states reach, plus the start's closure (a match may
// start at every position: the unanchored search). ^ no longer holds.
int NamePattern::AddTransition(int from, unsigned char ch) const {
  const std::vector<int>& nfa = dfa_.states[from / num_classes_].nfa;
  next_.clear();
  NewList();
  for (int s : nfa)
    if (states_[s].kind == State::Kind::kChar && sets_[states_[s].set][ch]) Close(states_[s].out, false, false, &next_);
  Close(start_, false, false, &next_);
  std::sort(next_.begin(), next_.end());
  const int generation = dfa_.generation;
  const int to = Intern(next_, false);
  // If Intern dropped the cache, `from` is gone: keep only `to` (re-created).
  if (generation == dfa_.generation) dfa_.next[from + byte_class_[ch]] = to;
  return to;
}

// Whether a match ends at the end of the text in a state holding `nfa`:
// the pending $ states now hold.
bool NamePattern::AcceptsAtEnd(const std::vector<int>& nfa, bool at_begin) const {
  end_list_.clear();
  NewList();
  for (int s : nfa)
    if (states_[s].kind == State::Kind::kEnd) Close(states_[s].out, at_begin, true, &end_list_);
  return std::any_of(end_list_.begin(), end_list_.end(),
                     [&](int s) { return states_[s].kind == State::Kind::kMatch; });
}

// The row of the DFA state for a sorted NFA state list, added if new (the
// cache is dropped first if full). A list holding the match state or
// nothing at all needs no row: the search's answer is known.
int NamePattern::Intern(const std::vector<int>& nfa, bool at_begin) const {
  if (std::any_of(nfa.begin(), nfa.end(), [&](int s) { return states_[s].kind == State::Kind::kMatch; }))
    return kMatched;
  // Empty stays empty: every later list would be the start's closure
  // without ^, which is contained in this one.
  if (nfa.empty()) return kDead;
  std::string key(1, at_begin ? '^' : '-');
  key.append(reinterpret_cast<const char*>(nfa.data()), nfa.size() * sizeof(int));
  if (auto it = dfa_.rows.find(key); it != dfa_.rows.end()) return it->second;

  const size_t cost = sizeof(DfaState) + 2 * key.size() + num_classes_ * sizeof(int) + 64;  // 64: map node
  if (static_cast<int>(dfa_.states.size()) >= kMaxDfaStates || dfa_.bytes + cost > kMaxDfaBytes) ClearDfa();
  const int row = static_cast<int>(dfa_.next.size());
  dfa_.states.push_back({nfa, at_begin, AcceptsAtEnd(nfa, at_begin)});
  dfa_.next.resize(dfa_.next.size() + num_classes_, kUnknown);
  dfa_.rows.emplace(std::move(key), row);
  dfa_.bytes += cost;
  return row;
}

// Drops every cached state, keeping the vectors' capacity.
void NamePattern::ClearDfa() const {
  dfa_.states.clear();
  dfa_.next.clear();
  dfa_.rows.clear();
  dfa_.start = kUnknown;
  dfa_.bytes = 0;
  ++dfa_.generation;
}

}  // namespace ckptview::app
