// NamePattern against std::regex (ECMAScript) as the reference: the same
// search results over TF-style names for every pattern of the supported
// subset, and a clean error (never an exception) for bad patterns. Search
// (the lazy DFA) is also checked against SearchNfa (the plain NFA
// simulation) on random patterns, and its cache against its cap.
#include "app/name_pattern.h"

#include <gtest/gtest.h>

#include <random>
#include <regex>
#include <string>

namespace ckptview::app {
namespace {

const char* kNames[] = {"", "a", "dense1/kernel", "dense1/kernel/read", "gradients/dense1/MatMul_grad/MatMul_1",
                        "conv_12/Relu", "save/Assign_3", "Conv2D", "x:0", "a.b", "a+b", "[x]", "global_step",
                        "model/block_7/conv_3/BiasAdd", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab"};

TEST(NamePatternTest, MatchesStdRegexOnTheSubset) {
  const char* patterns[] = {
      "dense",       "^dense",        "kernel$",       "MatMul|Relu",   "conv_[0-9]+/Relu$", "Assign_\\d",
      "a.b",         "a\\.b",         "a\\+b",         "\\[x\\]",       "^$",               "^a*$",
      "(a|b)*c",     "(?:ab)+",       "a{2}",          "a{2,}b",        "a{0,3}$",          "[^a-z]",
      "[a-c]+/",     "\\w+_\\w+",     "\\s",           "\\S+",          "(dense|conv)\\d",  "x:[0-9]",
      "^(a+)+b$",    "b?a",           "((a))",         "a|",            "|",                "[-a]",
      "[a-]",        "[]a]", "[^]",   "_[0-9]{1,2}/",  "MatMul_?\\d*$", ".*",               "[\\d]",
      "gradients/.*grad", "a+?b",     "^.{3}$",        "[A-Z][a-z]+",
  };
  for (const char* pat : patterns) {
    auto p = NamePattern::Compile(pat);
    ASSERT_TRUE(p.ok()) << pat << ": " << p.status().message();
    const std::regex re(pat, std::regex::ECMAScript);
    for (const char* name : kNames)
      EXPECT_EQ(p.value().Search(name), std::regex_search(name, re)) << "/" << pat << "/ on \"" << name << "\"";
  }
}

TEST(NamePatternTest, BadPatternsAreErrors) {
  for (const char* bad : {"(", "a)", "[abc", "*a", "a**", "\\", "a{", "a{3,1}", "(?=a)", "[z-a]", "a{99999}",
                          "+", "(((", "\\q"}) {
    auto p = NamePattern::Compile(bad);
    EXPECT_FALSE(p.ok()) << bad;
    if (!p.ok()) {
      EXPECT_NE(p.status().message().find(" at "), std::string::npos) << p.status().message();
    }
  }
  EXPECT_EQ(NamePattern::Compile("a)").status().message(), "unmatched ) at 1");
  // Deep nesting is refused, not a stack overflow.
  EXPECT_FALSE(NamePattern::Compile(std::string(5000, '(') + std::string(5000, ')')).ok());
  // Big counted repeats are bounded.
  EXPECT_FALSE(NamePattern::Compile("(a{1000}){1000}").ok());
}

TEST(NamePatternTest, LongTextsRunInLinearTime) {
  const std::string text(200000, 'a');
  auto p = NamePattern::Compile("^(a+)+b$");  // catastrophic for a backtracking matcher
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p.value().Search(text));
  EXPECT_TRUE(p.value().Search(text + "b"));
}

// A random pattern of the supported subset over the alphabet of RandomText:
// literals, escapes, classes, anchors, groups nested up to `depth`,
// alternation and every kind of quantifier.
std::string RandomPattern(std::mt19937& rng, int depth);

std::string RandomAtom(std::mt19937& rng, int depth) {
  static const char* kAtoms[] = {"a", "a", "b", "b", "/", "1", ".", "\\d", "\\w", "\\s", "\\W", "\\.",
                                 "[ab]", "[^a]", "[a-b1]", "[/_]", "[\\d/]", "[^]", "_"};
  const int pick = static_cast<int>(rng() % 24);
  if (pick < 19) return kAtoms[pick];
  if (depth <= 0) return "a";
  if (pick < 22) return "(" + RandomPattern(rng, depth - 1) + ")";
  return "(?:" + RandomPattern(rng, depth - 1) + ")";
}

std::string RandomQuantifier(std::mt19937& rng) {
  static const char* kQuantifiers[] = {"*", "+", "?", "{0}", "{1}", "{2}", "{1,}", "{0,2}", "{1,3}", "{3}"};
  const int pick = static_cast<int>(rng() % 30);
  if (pick >= 10) return "";
  std::string q = kQuantifiers[pick];
  if (rng() % 4 == 0) q += "?";  // lazy
  return q;
}

std::string RandomPattern(std::mt19937& rng, int depth) {
  std::string p;
  const int branches = rng() % 4 == 0 ? 2 + static_cast<int>(rng() % 2) : 1;
  for (int b = 0; b < branches; ++b) {
    if (b > 0) p += "|";
    const int pieces = static_cast<int>(rng() % 5);
    for (int i = 0; i < pieces; ++i) {
      const int anchor = static_cast<int>(rng() % 12);
      if (anchor == 0) p += "^";  // assertions are not quantified
      else if (anchor == 1) p += "$";
      else p += RandomAtom(rng, depth) + RandomQuantifier(rng);
    }
  }
  return p;
}

std::string RandomText(std::mt19937& rng, size_t max_len) {
  static const char kAlphabet[] = "aaabbb/1_ .";
  std::string t(rng() % (max_len + 1), ' ');
  for (char& c : t) c = kAlphabet[rng() % (sizeof(kAlphabet) - 1)];
  return t;
}

TEST(NamePatternTest, DfaAgreesWithNfaAndStdRegexOnRandomPatterns) {
  std::mt19937 rng(20261129);
  // Anchor corner cases first: ^ and $ inside groups, loops and alternations.
  std::vector<std::string> patterns = {"$^", "^$", "(^|a)b", "a(b|$)", "(a$)*", "^$|a", "(?:^a|b$)+", "a|^",
                                       "(a|^)(b|$)", "^(^a)", "b$$", "(a*$)?b", "^(a|b)*$", "a{2}b/1$"};
  while (patterns.size() < 3000) patterns.push_back(RandomPattern(rng, 3));
  std::vector<std::string> texts = {"", "a", "b", "ab", "ba", "a/b", "aab/1"};
  while (texts.size() < 40) texts.push_back(RandomText(rng, 10));

  int matches = 0, checks = 0;
  for (const std::string& pat : patterns) {
    auto p = NamePattern::Compile(pat);
    ASSERT_TRUE(p.ok()) << pat << ": " << p.status().message();
    const std::regex re(pat, std::regex::ECMAScript);
    // Twice: the first pass builds the DFA, the second runs on cached states.
    for (int pass = 0; pass < 2; ++pass) {
      for (const std::string& text : texts) {
        const bool want = std::regex_search(text, re);
        ASSERT_EQ(p.value().SearchNfa(text), want) << "NFA: /" << pat << "/ on \"" << text << "\"";
        ASSERT_EQ(p.value().Search(text), want) << "DFA (pass " << pass << "): /" << pat << "/ on \"" << text << "\"";
        matches += want, ++checks;
      }
    }
  }
  // Both answers are common, so a matcher stuck on one would fail.
  EXPECT_GT(matches, checks / 10);
  EXPECT_LT(matches, checks - checks / 10);
}

TEST(NamePatternTest, DfaCacheStaysCappedOnExplodingPattern) {
  // Matches iff the 13th byte from the end is 'a': the DFA must remember the
  // last 13 bytes, 2^13 = 8192 states, twice the cap; random text reaches
  // most of them, so the cache is dropped and rebuilt along the way.
  auto p = NamePattern::Compile("(a|b)*a(a|b){12}$");
  ASSERT_TRUE(p.ok());
  std::mt19937 rng(7);
  for (int round = 0; round < 6; ++round) {
    std::string text(20000 + round, 'a');
    for (char& c : text) c = rng() % 2 ? 'a' : 'b';
    const bool want = text[text.size() - 13] == 'a';
    EXPECT_EQ(p.value().Search(text), want) << "round " << round;
    EXPECT_EQ(p.value().SearchNfa(text), want) << "round " << round;
    EXPECT_LE(p.value().cached_dfa_states(), NamePattern::kMaxDfaStates);
    EXPECT_GT(p.value().cached_dfa_states(), 0);
  }
  // The same with matches mid-text (a 'c' after the 13 bytes), found early.
  auto q = NamePattern::Compile("a(a|b){12}c");
  ASSERT_TRUE(q.ok());
  for (int round = 0; round < 20; ++round) {
    std::string text(5000, 'a');
    for (char& c : text) c = rng() % 64 == 0 ? 'c' : rng() % 2 ? 'a' : 'b';
    EXPECT_EQ(q.value().Search(text), q.value().SearchNfa(text)) << "round " << round;
    EXPECT_LE(q.value().cached_dfa_states(), NamePattern::kMaxDfaStates);
  }
}

}  // namespace
}  // namespace ckptview::app
