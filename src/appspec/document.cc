// Reads AppSpec text into detail::Value with yaml-cpp (YAML and most JSON) and nlohmann::json
// (JSON that yaml-cpp cannot read, and precise JSON syntax errors). Every library exception is
// caught here; callers see diagnostics only.
#include "appspec/document.h"

#include <algorithm>
#include <exception>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

namespace greenlight::appspec::detail {
namespace {

// Real AppSpec files nest six or seven levels; these bounds stop hostile input (deep nesting,
// alias bombs that expand exponentially) long before they cost memory or stack.
constexpr int kMaxDepth = 64;
constexpr int kMaxNodes = 100000;

const std::string kStandardTagPrefix = "tag:yaml.org,2002:";

Diagnostic readError(std::string_view fileName, int line, int column, std::string message,
                     std::string hint) {
  Diagnostic diagnostic;
  diagnostic.severity = Severity::Error;
  diagnostic.file = std::string(fileName);
  diagnostic.line = line;
  diagnostic.column = column;
  diagnostic.message = std::move(message);
  diagnostic.hint = std::move(hint);
  return diagnostic;
}

bool endsWithJson(std::string_view fileName) {
  if (fileName.size() < 5) return false;
  std::string suffix(fileName.substr(fileName.size() - 5));
  std::transform(suffix.begin(), suffix.end(), suffix.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return suffix == ".json";
}

// Thrown inside the converters only, caught in this file.
struct TooLarge {
  SourceLocation where;
  std::string message;
};

class YamlConverter {
 public:
  Value convert(const YAML::Node& node, SourceLocation fallback, int depth) {
    if (++nodes_ > kMaxNodes) {
      throw TooLarge{fallback, "the document has more than " + std::to_string(kMaxNodes) +
                                   " values (anchors and aliases included)"};
    }
    Value value;
    SourceLocation own{node.Mark().line + 1, node.Mark().column + 1};
    if (node.Mark().is_null() || node.Mark().line < 0) own = fallback;
    if (depth > kMaxDepth) {
      throw TooLarge{own, "values are nested more than " + std::to_string(kMaxDepth) + " levels deep"};
    }
    value.where = own;
    setTag(node.Tag(), value);
    switch (node.Type()) {
      case YAML::NodeType::Scalar:
        value.kind = Value::Kind::Scalar;
        value.text = node.Scalar();
        break;
      case YAML::NodeType::Sequence:
        value.kind = Value::Kind::Sequence;
        for (const YAML::Node& item : node) value.items.push_back(convert(item, own, depth + 1));
        break;
      case YAML::NodeType::Map:
        value.kind = Value::Kind::Mapping;
        for (auto it = node.begin(); it != node.end(); ++it) {
          Value key = convert(it->first, own, depth + 1);
          // A null value's mark points at the next token, often lines later: use the key's line.
          Value mapped = convert(it->second, key.where, depth + 1);
          if (mapped.isNull()) mapped.where = key.where;
          value.entries.emplace_back(std::move(key), std::move(mapped));
        }
        break;
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        value.kind = Value::Kind::Null;
        value.where = fallback.line > 0 ? fallback : own;
        break;
    }
    return value;
  }

 private:
  // yaml-cpp reports "?" for a plain scalar, "!" for a quoted one, and the written tag otherwise.
  static void setTag(const std::string& tag, Value& value) {
    if (tag == "!") {
      value.quoted = true;
    } else if (tag.rfind(kStandardTagPrefix, 0) == 0) {
      value.quoted = tag == kStandardTagPrefix + "str";
    } else if (tag != "?" && !tag.empty()) {
      value.tag = tag;
    }
  }

  int nodes_ = 0;
};

class JsonConverter {
 public:
  Value convert(const nlohmann::ordered_json& json, int depth) {
    if (++nodes_ > kMaxNodes || depth > kMaxDepth) {
      throw TooLarge{{}, "the JSON document is nested too deeply or holds too many values"};
    }
    Value value;
    if (json.is_object()) {
      value.kind = Value::Kind::Mapping;
      for (const auto& [key, mapped] : json.items()) {
        Value keyValue;
        keyValue.kind = Value::Kind::Scalar;
        keyValue.text = key;
        keyValue.quoted = true;
        value.entries.emplace_back(std::move(keyValue), convert(mapped, depth + 1));
      }
    } else if (json.is_array()) {
      value.kind = Value::Kind::Sequence;
      for (const auto& item : json) value.items.push_back(convert(item, depth + 1));
    } else if (json.is_null()) {
      value.kind = Value::Kind::Null;
    } else {
      value.kind = Value::Kind::Scalar;
      value.quoted = json.is_string();
      value.text = json.is_string() ? json.get<std::string>() : json.dump();
    }
    return value;
  }

 private:
  int nodes_ = 0;
};

struct YamlAttempt {
  bool readable = false;
  std::optional<Value> root;   // Null value for an empty document
  Diagnostic error;            // when !readable
  std::vector<Diagnostic> notes;
};

YamlAttempt readYaml(std::string_view text, std::string_view fileName) {
  YamlAttempt attempt;
  try {
    std::vector<YAML::Node> documents = YAML::LoadAll(std::string(text));
    YamlConverter converter;
    if (documents.empty()) {
      Value empty;
      empty.where = {1, 1};
      attempt.root = empty;
    } else {
      attempt.root = converter.convert(documents.front(), {1, 1}, 0);
    }
    for (std::size_t index = 1; index < documents.size(); ++index) {
      if (documents[index].IsNull()) continue;
      Diagnostic note;
      note.severity = Severity::Warning;
      note.file = std::string(fileName);
      note.line = documents[index].Mark().line + 1;
      note.column = documents[index].Mark().column + 1;
      note.message = "a second YAML document (after '---') is ignored; only the first is the AppSpec";
      note.hint = "remove the extra '---' separator and everything after it, or merge the documents";
      attempt.notes.push_back(std::move(note));
      break;
    }
    attempt.readable = true;
  } catch (const TooLarge& tooLarge) {
    attempt.error = readError(fileName, tooLarge.where.line, tooLarge.where.column, tooLarge.message,
                              "an AppSpec is a few small sections; check for runaway anchors/aliases");
  } catch (const YAML::Exception& exception) {
    int line = exception.mark.is_null() ? 0 : exception.mark.line + 1;
    int column = exception.mark.is_null() ? 0 : exception.mark.column + 1;
    std::string hint =
        "fix the YAML syntax at this line; indentation must use spaces and be consistent, and values "
        "starting with '*', '&', '!', '{', '[' or '%' must be quoted";
    attempt.error = readError(fileName, line, column, "not valid YAML: " + exception.msg, hint);
  } catch (const std::exception& exception) {
    attempt.error = readError(fileName, 0, 0, std::string("could not read the YAML: ") + exception.what(), "");
  }
  return attempt;
}

SourceLocation locationOfByte(std::string_view text, std::size_t byte) {
  // nlohmann reports the 1-based count of bytes read; the offending byte is the last one read.
  std::size_t index = std::min(byte == 0 ? 0 : byte - 1, text.size());
  std::string_view before = text.substr(0, index);
  SourceLocation where;
  where.line = 1 + static_cast<int>(std::count(before.begin(), before.end(), '\n'));
  std::size_t lastNewline = before.rfind('\n');
  std::size_t lineStart = lastNewline == std::string_view::npos ? 0 : lastNewline + 1;
  where.column = static_cast<int>(index - lineStart) + 1;
  return where;
}

// "[json.exception.parse_error.101] parse error at line 2, column 3: syntax error ..." -> "syntax error ..."
std::string cleanJsonMessage(const std::string& what) {
  std::string message = what;
  std::size_t bracket = message.find("] ");
  if (bracket != std::string::npos) message = message.substr(bracket + 2);
  if (message.rfind("parse error at line", 0) == 0) {
    std::size_t colon = message.find(": ");
    if (colon != std::string::npos) message = message.substr(colon + 2);
  }
  return message;
}

// Text that opens with '{' or '[' was meant as JSON, so its errors are JSON errors.
bool looksLikeJson(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::size_t first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && (text[first] == '{' || text[first] == '[');
}

Document readJson(std::string_view text, std::string_view fileName) {
  Document document;
  nlohmann::ordered_json json;
  try {
    json = nlohmann::ordered_json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& error) {
    SourceLocation where = locationOfByte(text, error.byte);
    YamlAttempt yaml = readYaml(text, fileName);
    bool readsAsYaml = yaml.readable && yaml.root && (yaml.root->isMapping() || yaml.root->isSequence());
    if (readsAsYaml && !looksLikeJson(text)) {
      document.diagnostics.push_back(readError(
          fileName, where.line, where.column,
          "the file is named .json but is not JSON (" + cleanJsonMessage(error.what()) +
              "); it reads as YAML",
          "CodeDeploy reads a .json AppSpec as JSON and rejects this file: rename it to appspec.yml, "
          "or rewrite it as JSON"));
      document.root = std::move(yaml.root);  // still validated, so every problem shows at once
    } else {
      document.diagnostics.push_back(readError(fileName, where.line, where.column,
                                               "not valid JSON: " + cleanJsonMessage(error.what()),
                                               "fix the JSON syntax at this line: quotes, commas, braces"));
      // A lenient YAML reading (a trailing comma ...) still lets the other problems show now.
      if (readsAsYaml) document.root = std::move(yaml.root);
    }
    return document;
  } catch (const std::exception& error) {
    document.diagnostics.push_back(
        readError(fileName, 0, 0, std::string("could not read the JSON: ") + error.what(), ""));
    return document;
  }

  // Valid JSON. yaml-cpp gives line numbers; a tab is only whitespace in valid JSON (tabs inside
  // strings must be escaped), so replacing tabs keeps the meaning and avoids YAML's tab rules.
  std::string untabbed(text);
  std::replace(untabbed.begin(), untabbed.end(), '\t', ' ');
  YamlAttempt yaml = readYaml(untabbed, fileName);
  if (yaml.readable && yaml.root) {
    document.root = std::move(yaml.root);
    return document;
  }
  try {
    document.root = JsonConverter().convert(json, 0);
  } catch (const TooLarge& tooLarge) {
    document.diagnostics.push_back(readError(fileName, 0, 0, tooLarge.message, ""));
  }
  return document;
}

}  // namespace

std::string describe(const Value& value) {
  switch (value.kind) {
    case Value::Kind::Null: return "nothing (an empty value)";
    case Value::Kind::Sequence: return "a list";
    case Value::Kind::Mapping: return "a mapping";
    case Value::Kind::Scalar: break;
  }
  std::string shown = value.text.size() > 60 ? value.text.substr(0, 57) + "..." : value.text;
  return "'" + shown + "'";
}

Document readDocument(std::string_view text, std::string_view fileName) {
  try {
    if (endsWithJson(fileName)) return readJson(text, fileName);
    Document document;
    YamlAttempt yaml = readYaml(text, fileName);
    if (yaml.readable) {
      document.root = std::move(yaml.root);
      document.diagnostics = std::move(yaml.notes);
    } else {
      document.diagnostics.push_back(std::move(yaml.error));
    }
    return document;
  } catch (const std::exception& error) {
    Document document;
    document.diagnostics.push_back(
        readError(fileName, 0, 0, std::string("could not read the AppSpec: ") + error.what(), ""));
    return document;
  }
}

}  // namespace greenlight::appspec::detail
