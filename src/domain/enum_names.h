// Name tables for the domain's enums: one place for toString, case-insensitive parsing, the
// "expected one of" text of error messages, and nlohmann JSON conversion that rejects unknown names.
#pragma once

#include <array>
#include <cctype>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

namespace greenlight::domain {

template <typename Enum, std::size_t Count>
using EnumNames = std::array<std::pair<Enum, const char*>, Count>;

inline bool equalsIgnoringCase(std::string_view left, std::string_view right) {
  if (left.size() != right.size()) return false;
  for (std::size_t i = 0; i < left.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(left[i])) !=
        std::tolower(static_cast<unsigned char>(right[i]))) {
      return false;
    }
  }
  return true;
}

template <typename Enum, std::size_t Count>
const char* nameOf(const EnumNames<Enum, Count>& names, Enum value) {
  for (const auto& [candidate, name] : names) {
    if (candidate == value) return name;
  }
  return "Unknown";
}

template <typename Enum, std::size_t Count>
std::optional<Enum> enumNamed(const EnumNames<Enum, Count>& names, std::string_view text) {
  for (const auto& [candidate, name] : names) {
    if (equalsIgnoringCase(name, text)) return candidate;
  }
  return std::nullopt;
}

// "a, b or c": for messages that tell the operator what would have been accepted.
template <typename Enum, std::size_t Count>
std::string namesForMessage(const EnumNames<Enum, Count>& names) {
  std::string text;
  for (std::size_t i = 0; i < Count; ++i) {
    if (i > 0) text += (i + 1 == Count) ? " or " : ", ";
    text += names[i].second;
  }
  return text;
}

// Throws std::invalid_argument (caught by parseJson in domain/json_parse.h) for anything that is
// not one of the names, so a typo in stored or posted JSON never becomes a default value.
template <typename Enum, std::size_t Count>
Enum enumFromJson(const EnumNames<Enum, Count>& names, const nlohmann::json& json, const char* what) {
  if (!json.is_string()) {
    throw std::invalid_argument(std::string(what) + " must be a string, one of " +
                                namesForMessage(names) + "; got " + json.dump());
  }
  auto text = json.get<std::string>();
  auto value = enumNamed(names, text);
  if (!value) {
    throw std::invalid_argument("unknown " + std::string(what) + " '" + text + "'; expected " +
                                namesForMessage(names));
  }
  return *value;
}

}  // namespace greenlight::domain
