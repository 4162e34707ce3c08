// Reads one mapping of a group spec's verbatim JSON sections (loadBalancer, blueGreen, analysis):
// wrong types, out-of-range numbers and unknown keys become problems with their key path.
#pragma once

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "appspec/suggestion.h"
#include "catalog/catalog.h"
#include "catalog/traffic_spec.h"
#include "common/error_codes.h"

namespace greenlight::catalog::detail {

using json = nlohmann::json;

// Reads the members of one mapping, reporting wrong types, out-of-range numbers and unknown keys.
class SectionReader {
 public:
  SectionReader(const json& section, std::string path, std::vector<TrafficSpecProblem>& problems,
                std::vector<std::string> known)
      : section_(section), path_(std::move(path)), problems_(problems), known_(std::move(known)) {
    if (!section_.is_object()) {
      problem("", "must be a mapping of keys (" + keyList() + "), not " + section_.type_name());
      return;
    }
    for (const auto& [key, value] : section_.items()) {
      if (std::find(known_.begin(), known_.end(), key) == known_.end()) {
        std::vector<std::string_view> candidates(known_.begin(), known_.end());
        auto close = appspec::detail::closestMatch(key, candidates);
        problem(key, "unknown key" + (close ? " (did you mean '" + *close + "'?)" : std::string()) +
                         "; the known keys are " + keyList());
      }
    }
  }

  bool ok() const { return section_.is_object(); }
  const json* member(const std::string& key) const {
    if (!ok() || !section_.contains(key) || section_[key].is_null()) return nullptr;
    return &section_[key];
  }

  void text(const std::string& key, std::string& into) {
    const json* value = member(key);
    if (value == nullptr) return;
    if (!value->is_string()) {
      problem(key, std::string("must be text, not ") + value->type_name());
      return;
    }
    into = value->get<std::string>();
  }

  void whole(const std::string& key, int& into, int low, int high) {
    const json* value = member(key);
    if (value == nullptr) return;
    if (!value->is_number_integer() || value->get<long long>() < low ||
        value->get<long long>() > high) {
      problem(key, "must be a whole number from " + std::to_string(low) + " to " +
                       std::to_string(high) + ", not " + value->dump());
      return;
    }
    into = value->get<int>();
  }

  // A number (whole or not) from low to high.
  void decimal(const std::string& key, double& into, double low, double high) {
    const json* value = member(key);
    if (value == nullptr) return;
    if (!value->is_number() || value->get<double>() < low || value->get<double>() > high) {
      problem(key, "must be a number from " + shortNumber(low) + " to " + shortNumber(high) +
                       ", not " + value->dump());
      return;
    }
    into = value->get<double>();
  }

  // `choices[0]` sets false, `choices[1]` true.
  void choice(const std::string& key, bool& into, const std::string& no, const std::string& yes) {
    const json* value = member(key);
    if (value == nullptr) return;
    if (value->is_string() && value->get<std::string>() == no) {
      into = false;
    } else if (value->is_string() && value->get<std::string>() == yes) {
      into = true;
    } else {
      problem(key, "must be '" + no + "' or '" + yes + "', not " + value->dump());
    }
  }

  void flag(const std::string& key, bool& into) {
    const json* value = member(key);
    if (value == nullptr) return;
    if (!value->is_boolean()) {
      problem(key, "must be true or false, not " + value->dump());
      return;
    }
    into = value->get<bool>();
  }

  // Text that must be one of `choices` (as written, case and all).
  void oneOf(const std::string& key, std::string& into, const std::vector<std::string>& choices) {
    const json* value = member(key);
    if (value == nullptr) return;
    std::string text = value->is_string() ? value->get<std::string>() : "";
    if (std::find(choices.begin(), choices.end(), text) == choices.end() || !value->is_string()) {
      std::vector<std::string_view> candidates(choices.begin(), choices.end());
      auto close = appspec::detail::closestMatch(text, candidates);
      problem(key, "must be one of " + quoted(choices) + ", not " + value->dump() +
                       (close && value->is_string() ? " (did you mean '" + *close + "'?)" : ""));
      return;
    }
    into = text;
  }

  // A list of non-empty texts.
  void textList(const std::string& key, std::vector<std::string>& into) {
    const json* value = member(key);
    if (value == nullptr) return;
    if (!value->is_array()) {
      problem(key, std::string("must be a list of names, not ") + value->type_name());
      return;
    }
    for (std::size_t i = 0; i < value->size(); ++i) {
      const json& item = (*value)[i];
      if (!item.is_string() || item.get<std::string>().empty()) {
        problem(key + "[" + std::to_string(i) + "]", "must be a non-empty text, not " + item.dump());
        continue;
      }
      into.push_back(item.get<std::string>());
    }
  }

  // A mapping of names to texts; numbers and booleans are taken as written.
  void textMap(const std::string& key, std::map<std::string, std::string>& into) {
    const json* value = member(key);
    if (value == nullptr) return;
    if (!value->is_object()) {
      problem(key, std::string("must be a mapping of names to values, not ") + value->type_name());
      return;
    }
    for (const auto& [name, item] : value->items()) {
      if (item.is_string()) {
        into[name] = item.get<std::string>();
      } else if (item.is_number() || item.is_boolean()) {
        into[name] = item.dump();
      } else {
        problem(key + "." + name, std::string("must be a single value, not ") + item.type_name());
      }
    }
  }

  const std::string& path() const { return path_; }

  void problem(const std::string& key, std::string message) {
    std::string where = path_;
    if (!key.empty()) where += "." + key;
    problems_.push_back({where, std::move(message)});
  }

 private:
  static std::string shortNumber(double value) {
    std::string text = std::to_string(value);
    text.erase(text.find_last_not_of('0') + 1);
    if (!text.empty() && text.back() == '.') text.pop_back();
    return text;
  }
  static std::string quoted(const std::vector<std::string>& items) {
    std::string list;
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i > 0) list += (i + 1 == items.size()) ? " or " : ", ";
      list += "'" + items[i] + "'";
    }
    return list;
  }
  std::string keyList() const {
    std::string list;
    for (const auto& key : known_) list += (list.empty() ? "" : ", ") + key;
    return list;
  }

  const json& section_;
  std::string path_;
  std::vector<TrafficSpecProblem>& problems_;
  std::vector<std::string> known_;
};

// A stored group whose verbatim section no longer reads (a rule changed since it was saved).
inline Error storedSectionError(const std::vector<TrafficSpecProblem>& problems,
                                const DeploymentGroup& group) {
  std::string message = "The stored group " + group.spec.application + "/" + group.spec.name +
                        " has an invalid section; update the group:";
  for (const auto& problem : problems) message += "\n" + problem.keyPath + ": " + problem.message;
  return Error{codes::kInvalidGroupSpec, message};
}

}  // namespace greenlight::catalog::detail
