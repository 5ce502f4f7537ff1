// NamePattern: the graph search's regular expressions, without std::regex.
// The page is built without C++ exception support, and std::regex reports a
// bad pattern only by throwing, which would stop the module; its matcher
// can also blow the stack on long inputs. This is a small ECMAScript subset
// compiled to a Thompson NFA and run as a state set: linear time in the
// text, no recursion while matching, and every bad pattern is a Status.
//
// Syntax: literals, '.', [abc] [a-z] [^...] classes, escapes \d \w \s (and
// \D \W \S) and escaped punctuation, groups (...) and (?:...), alternation
// '|', quantifiers * + ? {n} {n,} {n,m} (a trailing '?' for laziness is
// accepted: only whether a match exists is asked), anchors ^ and $.
#pragma once

#include <bitset>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace ckptview::app {

class NamePattern {
 public:
  // Fails with the position and reason: "missing ) at 5", "nothing to repeat at 0".
  static Result<NamePattern> Compile(std::string_view pattern);
  // Whether some substring of `text` matches (like std::regex_search).
  // Reuses scratch space: one pattern is not searched from two threads.
  bool Search(std::string_view text) const;

  struct State {
    enum class Kind : uint8_t { kChar, kSplit, kBegin, kEnd, kMatch };
    Kind kind = Kind::kMatch;
    int out = -1, out2 = -1;
    int set = -1;  // kChar: index into sets_
  };

 private:
  friend class PatternCompiler;
  std::vector<State> states_;
  std::vector<std::bitset<256>> sets_;
  int start_ = 0;
  // Search's state lists, kept between calls: 100k short names would
  // otherwise allocate 100k times.
  mutable std::vector<int> current_, next_, stack_, mark_;
  mutable int stamp_ = 0;  // mark_[s] == stamp_: s is in the list being built
};

}  // namespace ckptview::app
