// Internal to the catalog module: a group spec document as a plain tree with the line and column
// of every node, built from YAML (yaml-cpp) or JSON (nlohmann), so one reader serves both.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace greenlight::catalog::detail {

struct SpecEntry;

struct SpecNode {
  enum class Kind { Null, Scalar, Sequence, Mapping };
  // Plain YAML scalars are untyped text ("4", "true", "web"); quoted YAML and JSON strings are
  // String; JSON numbers and booleans keep their type.
  enum class ScalarType { Untyped, String, Number, Bool };

  Kind kind = Kind::Null;
  ScalarType type = ScalarType::Untyped;
  std::string text;  // scalars: the text as written (JSON numbers as dumped)
  int line = 0;      // 1-based; 0 when the source has no positions (JSON)
  int column = 0;
  std::vector<SpecNode> items;                              // sequences
  // Mappings: key, value in order. Not std::pair: a pair of the type being defined is refused by
  // clang with libstdc++ (the fuzz build), a vector of a declared struct is not.
  std::vector<SpecEntry> entries;

  // The node as JSON (untyped scalars read as booleans, integers or text), for sections kept
  // verbatim.
  nlohmann::json toJson() const;
  // "\"four\"", "a list", "a mapping", "nothing": what was found, for messages.
  std::string describe() const;
};

struct SpecEntry {
  SpecEntry(SpecNode keyNode, SpecNode valueNode)
      : key(std::move(keyNode)), value(std::move(valueNode)) {}
  SpecNode key;
  SpecNode value;
};

struct SpecDocument {
  std::optional<SpecNode> root;  // absent when the text did not parse
  std::string syntaxError;       // why not, already located ("3:5: ...")
};

// Never throws. Bounded: text beyond 1 MiB or nesting beyond 64 levels is a syntax error.
SpecDocument specFromYaml(std::string_view text);
SpecNode specFromJson(const nlohmann::json& json);

}  // namespace greenlight::catalog::detail
