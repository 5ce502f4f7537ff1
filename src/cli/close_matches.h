// "Did you mean": names close to one the user typed, for error messages.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace ckptview::cli {

// Up to `max` candidates, best first: those containing `name` (or contained
// in it, ignoring case) and those within an edit distance of about a third of
// its length. Duplicates are dropped.
std::vector<std::string> CloseMatches(const std::string& name, const std::vector<std::string>& candidates,
                                      size_t max = 5);

}  // namespace ckptview::cli
