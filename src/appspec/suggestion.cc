// Edit distance with a bound that accepts one or two slips in short words and a few more in long
// ones ("ApplicatiionStart", "sourse", "file"), but not unrelated words ("CustomEvent").
#include "appspec/suggestion.h"

#include <algorithm>
#include <cctype>

namespace greenlight::appspec::detail {
namespace {

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// Longer keys are not typos of AppSpec keys; bounding the length bounds the work on hostile input.
constexpr std::size_t kMaxComparedLength = 64;

}  // namespace

bool equalsIgnoringCase(std::string_view left, std::string_view right) {
  return left.size() == right.size() &&
         std::equal(left.begin(), left.end(), right.begin(), [](char a, char b) { return lower(a) == lower(b); });
}

int editDistance(std::string_view left, std::string_view right) {
  std::vector<int> previous(right.size() + 1);
  std::vector<int> current(right.size() + 1);
  for (std::size_t j = 0; j <= right.size(); ++j) previous[j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= left.size(); ++i) {
    current[0] = static_cast<int>(i);
    for (std::size_t j = 1; j <= right.size(); ++j) {
      int substitution = previous[j - 1] + (lower(left[i - 1]) == lower(right[j - 1]) ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
    }
    std::swap(previous, current);
  }
  return previous[right.size()];
}

std::optional<std::string> closestMatch(std::string_view word, const std::vector<std::string_view>& candidates) {
  if (word.empty() || word.size() > kMaxComparedLength) return std::nullopt;
  std::optional<std::string> best;
  int bestDistance = 0;
  for (std::string_view candidate : candidates) {
    int distance = editDistance(word, candidate);
    std::size_t shorter = std::min(word.size(), candidate.size());
    int allowed = shorter <= 4 ? 1 : std::max<int>(2, static_cast<int>(shorter / 4));
    if (distance <= allowed && (!best || distance < bestDistance)) {
      best = std::string(candidate);
      bestDistance = distance;
    }
  }
  return best;
}

}  // namespace greenlight::appspec::detail
