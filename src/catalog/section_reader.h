// Reads one mapping of a group spec's verbatim JSON sections (loadBalancer, blueGreen, analysis):
// wrong types, out-of-range numbers and unknown keys become problems with their key path.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

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
        problem(key, "unknown key; the known keys are " + keyList());
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
