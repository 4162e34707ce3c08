// Parsing of `config create --steps`.
#include "cli/client_traffic_steps.h"

#include <cctype>
#include <optional>
#include <vector>

namespace greenlight::cli {

namespace {

std::string trimmed(const std::string& text) {
  std::size_t first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  std::size_t last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

// Digits only, at most 7 of them: anything else is not a number of ours.
std::optional<long long> wholeNumber(const std::string& text) {
  if (text.empty() || text.size() > 7) return std::nullopt;
  for (char c : text) {
    if (std::isdigit(static_cast<unsigned char>(c)) == 0) return std::nullopt;
  }
  return std::stoll(text);
}

Error badItem(const std::string& item, const std::string& why) {
  return Error{"InvalidArgument", "--steps: '" + item + "' " + why +
                                      "; write e.g. --steps 10,pause,50,pause=30s,100 (N or N% sets the "
                                      "new fleet's weight, `pause` waits for `greenlight continue`, "
                                      "`pause=30s` or `pause=2m` waits that long)"};
}

}  // namespace

Result<nlohmann::json> parseTrafficSteps(const std::string& text) {
  nlohmann::json steps = nlohmann::json::array();
  std::vector<std::string> items;
  std::string current;
  for (char c : text) {
    if (c == ',') {
      items.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  items.push_back(current);
  for (const auto& raw : items) {
    std::string item = trimmed(raw);
    if (item.empty()) return badItem(raw, "is empty");
    if (item == "pause") {
      steps.push_back({{"pause", nlohmann::json::object()}});
      continue;
    }
    if (item.rfind("pause=", 0) == 0) {
      std::string length = item.substr(6);
      long long unit = 1;
      if (!length.empty() && (length.back() == 's' || length.back() == 'm')) {
        unit = length.back() == 'm' ? 60 : 1;
        length.pop_back();
      }
      auto value = wholeNumber(length);
      if (!value || *value < 1) return badItem(item, "is not a pause of 1 second or more");
      steps.push_back({{"pause", {{"seconds", *value * unit}}}});
      continue;
    }
    std::string weight = item;
    if (weight.back() == '%') weight.pop_back();
    auto value = wholeNumber(weight);
    if (!value) return badItem(item, "is neither a weight nor a pause");
    if (*value > 100) return badItem(item, "is more than 100%");
    steps.push_back({{"setWeight", *value}});
  }
  return steps;
}

}  // namespace greenlight::cli
