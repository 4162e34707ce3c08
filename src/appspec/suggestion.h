// Internal to the appspec module: "did you mean" for misspelled keys and hook event names.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace greenlight::appspec::detail {

// Levenshtein distance, ignoring ASCII case.
int editDistance(std::string_view left, std::string_view right);

// The candidate closest to `word` when it is close enough to be a plausible typo, else nullopt.
std::optional<std::string> closestMatch(std::string_view word, const std::vector<std::string_view>& candidates);

// True when the two differ only in ASCII case.
bool equalsIgnoringCase(std::string_view left, std::string_view right);

}  // namespace greenlight::appspec::detail
