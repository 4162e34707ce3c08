// Reads AppSpec text into detail::Value with yaml-cpp (YAML and most JSON) and nlohmann::json
// (JSON that yaml-cpp cannot read, and precise JSON syntax errors). Every library exception is
// caught here; callers see diagnostics only.
#include "appspec/document.h"

#include <algorithm>
#include <exception>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>
#include <yaml-cpp/eventhandler.h>
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

// Builds a Value tree straight from yaml-cpp's parser events. yaml-cpp's own Node tree would
// hide duplicate keys' order no better, but YAML::LoadAll loops forever on some malformed input
// (a stray ',' after a flow mapping), so documents are pulled one at a time instead.
class TreeBuilder : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    stack_.clear();
    root_.reset();
    documentStart_ = mark;
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Value value;
    value.where = locationOf(mark);
    add(std::move(value), anchor, 1);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto found = anchors_.find(anchor);
    if (found == anchors_.end()) {
      OnNull(mark, YAML::NullAnchor);
      return;
    }
    Value copy = found->second.value;
    add(std::move(copy), YAML::NullAnchor, found->second.size);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& text) override {
    Value value;
    value.kind = Value::Kind::Scalar;
    value.where = locationOf(mark);
    value.text = text;
    setTag(tag, value);
    add(std::move(value), anchor, 1);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(Value::Kind::Sequence, mark, tag, anchor);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(Value::Kind::Mapping, mark, tag, anchor);
  }
  void OnMapEnd() override { close(); }

  std::optional<Value> takeRoot() { return std::move(root_); }
  const YAML::Mark& documentStart() const { return documentStart_; }

 private:
  struct Open {
    Value value;
    std::optional<Value> pendingKey;  // mappings: the key whose value comes next
    YAML::anchor_t anchor = YAML::NullAnchor;
    int size = 1;                     // values in this subtree, for the alias budget
  };
  struct Anchored {
    Value value;
    int size = 1;
  };

  static SourceLocation locationOf(const YAML::Mark& mark) {
    if (mark.is_null() || mark.line < 0) return {};
    return {mark.line + 1, mark.column + 1};
  }

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

  void open(Value::Kind kind, const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor) {
    Open container;
    container.value.kind = kind;
    container.value.where = locationOf(mark);
    setTag(tag, container.value);
    container.anchor = anchor;
    if (static_cast<int>(stack_.size()) >= kMaxDepth) {
      throw TooLarge{container.value.where,
                     "values are nested more than " + std::to_string(kMaxDepth) + " levels deep"};
    }
    count(1, container.value.where);
    stack_.push_back(std::move(container));
  }

  void close() {
    if (stack_.empty()) return;
    Open container = std::move(stack_.back());
    stack_.pop_back();
    --nodes_;  // counted when opened; add() counts it again
    add(std::move(container.value), container.anchor, container.size);
  }

  void count(int size, const SourceLocation& where) {
    nodes_ += size;
    if (nodes_ > kMaxNodes) {
      throw TooLarge{where, "the document has more than " + std::to_string(kMaxNodes) +
                                " values (anchors and aliases included)"};
    }
  }

  void add(Value value, YAML::anchor_t anchor, int size) {
    count(size, value.where);
    if (anchor != YAML::NullAnchor) anchors_[anchor] = Anchored{value, size};
    if (stack_.empty()) {
      root_ = std::move(value);
      return;
    }
    Open& parent = stack_.back();
    parent.size += size;
    if (parent.value.isSequence()) {
      parent.value.items.push_back(std::move(value));
    } else if (!parent.pendingKey) {
      parent.pendingKey = std::move(value);
    } else {
      Value key = std::move(*parent.pendingKey);
      parent.pendingKey.reset();
      // A null value's mark points at the next token, often lines later: use the key's line.
      if (value.isNull()) value.where = key.where;
      parent.value.entries.push_back(Entry{std::move(key), std::move(value)});
    }
  }

  std::vector<Open> stack_;
  std::optional<Value> root_;
  std::map<YAML::anchor_t, Anchored> anchors_;
  YAML::Mark documentStart_;
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
        value.entries.push_back(Entry{std::move(keyValue), convert(mapped, depth + 1)});
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
    std::istringstream stream{std::string(text)};
    YAML::Parser parser(stream);
    TreeBuilder builder;
    // Three documents at most: the AppSpec, a possible second one to warn about, and a third to
    // notice when yaml-cpp stops making progress (it then reports the same document forever).
    std::vector<YAML::Mark> starts;
    for (int index = 0; index < 3 && parser.HandleNextDocument(builder); ++index) {
      std::optional<Value> root = builder.takeRoot();
      const YAML::Mark& start = builder.documentStart();
      if (!starts.empty() && start.pos == starts.back().pos) {
        attempt.error = readError(fileName, start.line + 1, start.column + 1,
                                  "not valid YAML: unexpected text after the end of the document",
                                  "remove what follows the document here, such as a stray ',' or bracket");
        return attempt;
      }
      starts.push_back(start);
      if (index == 0) {
        attempt.root = std::move(root);
      } else if (root && !root->isNull() && attempt.notes.empty()) {
        Diagnostic note = readError(fileName, root->where.line, root->where.column,
                                    "a second YAML document (after '---') is ignored; only the first is the AppSpec",
                                    "remove the extra '---' separator and everything after it, or merge the "
                                    "documents");
        note.severity = Severity::Warning;
        attempt.notes.push_back(std::move(note));
      }
    }
    if (!attempt.root) {
      Value empty;
      empty.where = {1, 1};
      attempt.root = empty;
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
