// NamePattern against std::regex (ECMAScript) as the reference: the same
// search results over TF-style names for every pattern of the supported
// subset, and a clean error (never an exception) for bad patterns.
#include "app/name_pattern.h"

#include <gtest/gtest.h>

#include <regex>

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

}  // namespace
}  // namespace ckptview::app
