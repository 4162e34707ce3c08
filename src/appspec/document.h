// Internal to the appspec module: a YAML/JSON document as a small tree that keeps what the
// validator needs and yaml-cpp/nlohmann hide or lose — duplicate keys, quoting, tags and lines.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appspec/appspec.h"
#include "appspec/diagnostics.h"

namespace greenlight::appspec::detail {

struct Entry;

struct Value {
  enum class Kind { Null, Scalar, Sequence, Mapping };

  Kind kind = Kind::Null;
  std::string text;    // scalars only, as written (without quotes)
  bool quoted = false; // a quoted YAML scalar or a JSON string: never a number or a boolean
  std::string tag;     // an explicit tag such as "!Ref"; empty when none was written
  SourceLocation where;
  std::vector<Value> items;                       // Sequence
  std::vector<Entry> entries;  // Mapping, in file order, duplicates kept

  bool isNull() const { return kind == Kind::Null; }
  bool isScalar() const { return kind == Kind::Scalar; }
  bool isSequence() const { return kind == Kind::Sequence; }
  bool isMapping() const { return kind == Kind::Mapping; }
};

// One key: value pair of a mapping (named like std::pair's members, which it replaces because
// a pair of an incomplete type cannot be a member of that type).
struct Entry {
  Value first;   // the key
  Value second;  // the value
};

// "a mapping", "a list", "the text 'abc'", "nothing (null)" — for "expected X, found Y" messages.
std::string describe(const Value& value);

struct Document {
  std::optional<Value> root;             // absent when the text could not be read at all
  std::vector<Diagnostic> diagnostics;   // problems found while reading (syntax errors ...)
};

// Reads YAML, or JSON when `fileName` ends in .json. Never throws.
Document readDocument(std::string_view text, std::string_view fileName);

}  // namespace greenlight::appspec::detail
