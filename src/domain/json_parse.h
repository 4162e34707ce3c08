// Turns nlohmann's exception-based conversion of domain types into a Result, so callers reading
// stored or posted JSON handle bad input as a value.
#pragma once

#include <exception>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace greenlight::domain {

// `what` names the document for the message, e.g. "deployment configuration 'fast'".
template <typename T>
Result<T> parseJson(const nlohmann::json& json, const std::string& what) {
  try {
    return json.get<T>();
  } catch (const std::exception& error) {
    return Error{"InvalidJson", "Cannot read " + what + " from JSON: " + error.what() +
                                    ". Fix the document and send it again."};
  }
}

// Reads a required member, saying which one is missing instead of nlohmann's generic text.
template <typename T>
T requiredMember(const nlohmann::json& json, const char* key) {
  if (!json.is_object()) throw std::invalid_argument("expected a JSON object, got " + json.dump());
  auto found = json.find(key);
  if (found == json.end()) throw std::invalid_argument(std::string("missing '") + key + "'");
  try {
    return found->get<T>();
  } catch (const nlohmann::json::exception& error) {
    throw std::invalid_argument(std::string("'") + key + "' has the wrong type: " + error.what());
  } catch (const std::invalid_argument& error) {
    throw std::invalid_argument(std::string("in '") + key + "': " + error.what());
  }
}

}  // namespace greenlight::domain
