// NamePattern: the graph search's regular expressions, without std::regex.
// The page is built without C++ exception support, and std::regex reports a
// bad pattern only by throwing, which would stop the module; its matcher
// can also blow the stack on long inputs. This is a small ECMAScript subset
// compiled to a Thompson NFA, searched through a lazily built DFA: linear
// time in the text, no recursion while matching, bounded memory, and every
// bad pattern is a Status.
//
// Syntax: literals, '.', [abc] [a-z] [^...] classes, escapes \d \w \s (and
// \D \W \S) and escaped punctuation, groups (...) and (?:...), alternation
// '|', quantifiers * + ? {n} {n,} {n,m} (a trailing '?' for laziness is
// accepted: only whether a match exists is asked), anchors ^ and $.
//
// Why a DFA: the graph view searches every node's name and op on every
// keystroke (100k nodes: 200k texts). Simulating the NFA costs a state-set
// walk per byte; the DFA, built on demand (a DFA state is the set of NFA
// states alive after some prefix, one transition filled the first time a
// byte class is read there) and cached across the calls on one pattern,
// costs one table lookup per byte once warm. The cache is capped
// (kMaxDfaStates, and a byte budget): when full it is dropped and rebuilt
// from the current state on, so a pattern whose DFA would explode still
// runs in linear time, just slower.
#pragma once

#include <array>
#include <bitset>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/status.h"

namespace ckptview::app {

class NamePattern {
 public:
  // Fails with the position and reason: "missing ) at 5", "nothing to repeat at 0".
  static Result<NamePattern> Compile(std::string_view pattern);
  // Whether some substring of `text` matches (like std::regex_search).
  // Caches DFA states: one pattern is not searched from two threads.
  bool Search(std::string_view text) const;
  // The same answer by simulating the NFA directly, without the DFA: the
  // reference tests check Search against, and the benchmark's baseline.
  bool SearchNfa(std::string_view text) const;

  // Most DFA states cached at once (tests check the cap holds).
  static constexpr int kMaxDfaStates = 4096;
  int cached_dfa_states() const { return static_cast<int>(dfa_.states.size()); }

  struct State {
    enum class Kind : uint8_t { kChar, kSplit, kBegin, kEnd, kMatch };
    Kind kind = Kind::kMatch;
    int out = -1, out2 = -1;
    int set = -1;  // kChar: index into sets_
  };

 private:
  friend class PatternCompiler;

  // One cached DFA state: the NFA states alive (sorted: the cache key),
  // kChar ones and kEnd ones whose $ waits for the end of the text.
  struct DfaState {
    std::vector<int> nfa;
    bool at_begin = false;        // the state at position 0, where ^ holds
    bool accepts_at_end = false;  // a match ends here if the text ends here
  };
  // Transition entries: a row offset (>= 0) into `next`, or one of these.
  static constexpr int kUnknown = -1;  // not computed yet
  static constexpr int kMatched = -2;  // a match has ended: Search is true
  static constexpr int kDead = -3;     // no NFA state left: Search is false
  struct Dfa {
    std::vector<DfaState> states;        // state at row offset r: states[r / num_classes_]
    std::vector<int> next;               // rows of num_classes_ entries
    std::unordered_map<std::string, int> rows;  // key (at_begin + nfa) -> row offset
    int start = kUnknown;                // the position-0 state
    size_t bytes = 0;                    // rough memory held, for the budget
    int generation = 0;                  // bumped when the cache is dropped
  };

  void ComputeByteClasses();
  void NewList() const;
  void Close(int s0, bool at_begin, bool at_end, std::vector<int>* list) const;
  bool AcceptsAtEnd(const std::vector<int>& nfa, bool at_begin) const;
  int StartState() const;
  int AddTransition(int from, unsigned char ch) const;
  int Intern(const std::vector<int>& nfa, bool at_begin) const;
  void ClearDfa() const;

  // The NFA.
  std::vector<State> states_;
  std::vector<std::bitset<256>> sets_;
  int start_ = 0;
  // Bytes that no set tells apart share a class: DFA rows have one entry
  // per class, not 256.
  std::array<uint8_t, 256> byte_class_{};
  int num_classes_ = 1;
  // A short string every match contains ("" if none is known): a text
  // without it is rejected by one substring scan, before the automaton.
  std::string literal_;

  mutable Dfa dfa_;
  // Scratch state lists, kept between calls to avoid allocating per text.
  mutable std::vector<int> current_, next_, stack_, mark_, end_list_;
  mutable int stamp_ = 0;  // mark_[s] == stamp_: s is in the list being built
};

}  // namespace ckptview::app
