// Parsing of `config create --steps`.
#include "cli/client_traffic_steps.h"

#include <cctype>
#include <optional>
#include <utility>
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
  return Error{"InvalidArgument",
               "--steps: '" + item + "' " + why +
                   "; write e.g. --steps 10,pause,50,pause=30s,100 (N or N% sets the new fleet's "
                   "weight, `pause` waits for `greenlight continue`, `pause=30s` or `pause=2m` "
                   "waits that long, `gate[continue webhook=http://ci/ok every=10s timeout=5s "
                   "deadline=1h on-deadline=stop]` waits for continue and/or a webhook's 2xx)"};
}

// "30", "30s", "5m", "2h" as seconds.
std::optional<long long> seconds(std::string text) {
  long long unit = 1;
  if (!text.empty() && (text.back() == 's' || text.back() == 'm' || text.back() == 'h')) {
    unit = text.back() == 'h' ? 3600 : text.back() == 'm' ? 60 : 1;
    text.pop_back();
  }
  auto value = wholeNumber(text);
  if (!value) return std::nullopt;
  return *value * unit;
}

// `gate` or `gate[word word=value ...]`.
Result<nlohmann::json> parseGate(const std::string& item) {
  nlohmann::json gate = nlohmann::json::object();
  if (item == "gate") return nlohmann::json{{"gate", {{"continue", true}}}};
  if (item.rfind("gate[", 0) != 0 || item.back() != ']') {
    return badItem(item, "is not a gate: write gate[...] with the brackets closed");
  }
  std::string inside = item.substr(5, item.size() - 6);
  nlohmann::json webhook = nlohmann::json::object();
  std::size_t at = 0;
  while (at < inside.size()) {
    std::size_t end = inside.find_first_of(" \t", at);
    if (end == std::string::npos) end = inside.size();
    std::string word = inside.substr(at, end - at);
    at = end + 1;
    if (word.empty()) continue;
    std::size_t equals = word.find('=');
    std::string key = word.substr(0, equals);
    std::string value = equals == std::string::npos ? "" : word.substr(equals + 1);
    if (key == "continue" && equals == std::string::npos) {
      gate["continue"] = true;
    } else if (key == "webhook" && !value.empty()) {
      webhook["url"] = value;
    } else if (key == "every" || key == "timeout" || key == "deadline") {
      auto length = seconds(value);
      if (!length || *length < 1) return badItem(item, "gives " + key + " '" + value + "', not a duration such as 30s, 5m or 1h");
      if (key == "every") webhook["intervalSeconds"] = *length;
      if (key == "timeout") webhook["timeoutSeconds"] = *length;
      if (key == "deadline") gate["deadlineSeconds"] = *length;
    } else if (key == "on-deadline" && (value == "stop" || value == "continue")) {
      gate["onDeadline"] = value;
    } else {
      return badItem(item, "holds '" + word + "', which a gate does not know (continue, webhook=URL, "
                           "every=D, timeout=D, deadline=D, on-deadline=stop|continue)");
    }
  }
  if (!webhook.empty()) {
    if (!webhook.contains("url")) return badItem(item, "sets every= or timeout= without webhook=URL");
    gate["webhook"] = webhook;
  }
  return nlohmann::json{{"gate", gate}};
}

}  // namespace

Result<nlohmann::json> parseTrafficSteps(const std::string& text) {
  nlohmann::json steps = nlohmann::json::array();
  std::vector<std::string> items;
  std::string current;
  int depth = 0;  // a gate's [...] may hold commas (in its webhook's URL)
  for (char c : text) {
    if (c == '[') ++depth;
    if (c == ']' && depth > 0) --depth;
    if (c == ',' && depth == 0) {
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
    if (item == "gate" || item.rfind("gate[", 0) == 0) {
      auto gate = parseGate(item);
      if (!gate.ok()) return gate.error();
      steps.push_back(std::move(gate).value());
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
