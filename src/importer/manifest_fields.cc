// Walking a Goployer manifest's mappings with a record of every key (see manifest_fields.h).
#include "importer/manifest_fields.h"

#include <cctype>
#include <cstdlib>

namespace greenlight::importer::detail {

std::string shortValue(const YAML::Node& node) {
  std::string text;
  if (!node.IsDefined() || node.IsNull()) {
    text = "null";
  } else if (node.IsScalar()) {
    text = node.Scalar();
  } else {
    // The node keeps the block style it was read with; a copy in flow style fits on one line.
    YAML::Node flow = YAML::Clone(node);
    flow.SetStyle(YAML::EmitterStyle::Flow);
    YAML::Emitter out;
    out << flow;
    text = out.c_str();
  }
  for (char& c : text) {
    if (c == '\n') c = ' ';
  }
  if (text.size() > 80) text = text.substr(0, 77) + "...";
  return text;
}

std::optional<long long> goDurationSeconds(const std::string& text) {
  if (text.empty()) return std::nullopt;
  double total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t start = i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
    if (start == i) return std::nullopt;
    std::string digits = text.substr(start, i - start);
    char* end = nullptr;
    double amount = std::strtod(digits.c_str(), &end);
    if (end != digits.c_str() + digits.size() || !(amount < 1e9)) return std::nullopt;
    std::size_t unitStart = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    std::string unit = text.substr(unitStart, i - unitStart);
    if (unit == "h") total += amount * 3600;
    else if (unit == "m") total += amount * 60;
    else if (unit == "s") total += amount;
    else if (unit == "ms") total += amount / 1000;
    else return std::nullopt;
  }
  return static_cast<long long>(total + 0.5);
}

ManifestFields::ManifestFields(const YAML::Node& node, std::string path, GoployerImport& report)
    // A key yaml-cpp did not find is an invalid node that throws when asked anything but
    // IsDefined(), and this destructor must not throw: such a node is kept as an undefined one.
    : node_(node.IsDefined() ? node : YAML::Node(YAML::NodeType::Undefined)),
      path_(std::move(path)),
      report_(report) {}

ManifestFields::~ManifestFields() {
  if (!node_.IsMap()) return;
  for (const auto& item : node_) {
    std::string key = item.first.IsScalar() ? item.first.Scalar() : shortValue(item.first);
    if (taken_.count(key) != 0) continue;
    report_.unhonoured.push_back(
        entry(key, item.second, "not a Goployer key (Goployer ignores it too); nothing to import"));
  }
}

std::string ManifestFields::pathOf(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

YAML::Node ManifestFields::take(const std::string& key) {
  taken_.insert(key);
  if (!node_.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  for (const auto& item : node_) {
    if (item.first.IsScalar() && item.first.Scalar() == key) return item.second;
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

ReportEntry ManifestFields::entry(const std::string& key, const YAML::Node& value,
                                  const std::string& why) const {
  ReportEntry result;
  result.keyPath = pathOf(key);
  if (value.IsDefined()) {
    result.line = value.Mark().line + 1;
    result.column = value.Mark().column + 1;
  }
  result.value = shortValue(value);
  result.why = why;
  return result;
}

std::optional<std::string> ManifestFields::text(const std::string& key) {
  YAML::Node value = take(key);
  if (!value.IsDefined() || value.IsNull()) return std::nullopt;
  if (!value.IsScalar()) {
    unhonouredValue(key, value, "must be a single value");
    return std::nullopt;
  }
  if (value.Scalar().empty()) return std::nullopt;
  return value.Scalar();
}

template <typename Value>
std::optional<Value> ManifestFields::scalar(const std::string& key, const char* what) {
  YAML::Node value = take(key);
  if (!value.IsDefined() || value.IsNull()) return std::nullopt;
  try {
    return value.as<Value>();
  } catch (const YAML::Exception&) {
    unhonouredValue(key, value, std::string("is not ") + what + "; left out");
    return std::nullopt;
  }
}

std::optional<long long> ManifestFields::whole(const std::string& key) {
  return scalar<long long>(key, "a whole number");
}

std::optional<double> ManifestFields::number(const std::string& key) {
  return scalar<double>(key, "a number");
}

std::optional<bool> ManifestFields::flag(const std::string& key) {
  return scalar<bool>(key, "true or false");
}

void ManifestFields::copyText(const std::string& key, nlohmann::ordered_json& out, const std::string& as) {
  if (auto value = text(key)) out[as] = *value;
}

void ManifestFields::copyWhole(const std::string& key, nlohmann::ordered_json& out, const std::string& as) {
  if (auto value = whole(key)) out[as] = *value;
}

void ManifestFields::copyAll(nlohmann::ordered_json& out, std::initializer_list<Renamed> keys) {
  for (const Renamed& key : keys) {
    if (key.whole) {
      copyWhole(key.from, out, key.to);
    } else {
      copyText(key.from, out, key.to);
    }
  }
}

void ManifestFields::unhonoured(const std::string& key, const std::string& why) {
  unhonouredValue(key, take(key), why);
}

void ManifestFields::mapped(const std::string& key, const std::string& what) {
  mappedValue(key, take(key), what);
}

void ManifestFields::unhonouredValue(const std::string& key, const YAML::Node& value, const std::string& why) {
  taken_.insert(key);
  report_.unhonoured.push_back(entry(key, value, why));
}

void ManifestFields::mappedValue(const std::string& key, const YAML::Node& value, const std::string& what) {
  taken_.insert(key);
  report_.mapped.push_back(entry(key, value, what));
}

}  // namespace greenlight::importer::detail
