// Shared validation tools: diagnostics with key paths, known-key lookup, whole-tree checks.
#include "appspec/checker.h"

#include <algorithm>
#include <charconv>
#include <map>

#include "appspec/suggestion.h"

namespace greenlight::appspec::detail {

void Reporter::error(const SourceLocation& where, std::string key, std::string message, std::string hint) {
  report(Severity::Error, where, std::move(key), std::move(message), std::move(hint));
}

void Reporter::warning(const SourceLocation& where, std::string key, std::string message, std::string hint) {
  report(Severity::Warning, where, std::move(key), std::move(message), std::move(hint));
}

void Reporter::report(Severity severity, const SourceLocation& where, std::string key, std::string message,
                      std::string hint) {
  Diagnostic diagnostic;
  diagnostic.severity = severity;
  diagnostic.file = file_;
  diagnostic.line = where.line;
  diagnostic.column = where.column;
  diagnostic.key = std::move(key);
  diagnostic.message = std::move(message);
  diagnostic.hint = std::move(hint);
  diagnostics_.push_back(std::move(diagnostic));
}

std::vector<Diagnostic> Reporter::take() {
  std::stable_sort(diagnostics_.begin(), diagnostics_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::pair(a.line, a.column) < std::pair(b.line, b.column);
  });
  return std::move(diagnostics_);
}

std::string childPath(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string indexPath(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

MappingReader::MappingReader(const Value& mapping, std::string path, std::vector<std::string_view> knownKeys,
                             Reporter& reporter)
    : mapping_(mapping), path_(std::move(path)), knownKeys_(std::move(knownKeys)), reporter_(reporter) {
  for (const Entry& entry : mapping_.entries) {
    if (!entry.first.isScalar()) continue;  // reported by checkStructure
    const std::string& name = entry.first.text;
    auto exact = std::find(knownKeys_.begin(), knownKeys_.end(), name);
    if (exact != knownKeys_.end()) {
      if (!get(*exact)) found_.emplace_back(*exact, &entry);
      continue;
    }
    auto caseVariant = std::find_if(knownKeys_.begin(), knownKeys_.end(),
                                    [&](std::string_view known) { return equalsIgnoringCase(known, name); });
    if (caseVariant != knownKeys_.end()) {
      reporter_.warning(entry.first.where, childPath(path_, name),
                        "key '" + name + "' is spelled '" + std::string(*caseVariant) +
                            "' in the AppSpec reference; greenlight reads it as '" + std::string(*caseVariant) +
                            "' but CodeDeploy may not",
                        "write it as " + std::string(*caseVariant));
      if (!get(*caseVariant)) found_.emplace_back(*caseVariant, &entry);
      continue;
    }
    unknown_.push_back(&entry);
  }
}

const Value* MappingReader::get(std::string_view key) const {
  for (const auto& [name, entry] : found_) {
    if (name == key) return &entry->second;
  }
  return nullptr;
}

const Value* MappingReader::keyNode(std::string_view key) const {
  for (const auto& [name, entry] : found_) {
    if (name == key) return &entry->first;
  }
  return nullptr;
}

void MappingReader::warnUnknown(std::string_view sectionDescription) {
  for (const Entry* entry : unknown_) {
    const std::string& name = entry->first.text;
    std::optional<std::string> suggestion = closestMatch(name, knownKeys_);
    std::string known;
    for (std::string_view key : knownKeys_) known += (known.empty() ? "" : ", ") + std::string(key);
    reporter_.warning(entry->first.where, childPath(path_, name),
                      "unknown key '" + name + "' in " + std::string(sectionDescription) + "; it is ignored",
                      suggestion ? "did you mean '" + *suggestion + "'?" : "known keys here: " + known);
  }
  unknown_.clear();
}

namespace {

void checkTags(const Value& value, const std::string& path, Reporter& reporter) {
  if (value.tag.empty()) return;
  bool cloudFormation = value.tag == "!Ref" || value.tag == "!GetAtt" || value.tag == "!Sub" ||
                        value.tag == "!Join" || value.tag == "!ImportValue" || value.tag == "!FindInMap" ||
                        value.tag == "!Select" || value.tag == "!If";
  std::string shown = value.isScalar() ? value.tag + " " + value.text : value.tag;
  if (cloudFormation) {
    reporter.error(value.where, path,
                   "CloudFormation function '" + shown + "' is not resolved: CodeDeploy reads the AppSpec as "
                   "plain YAML, so the value would be the literal text",
                   "write the actual value, or generate the AppSpec with the value substituted (for example "
                   "in the pipeline step that builds the revision)");
  } else {
    reporter.error(value.where, path, "YAML tag '" + value.tag + "' is not supported in an AppSpec",
                   "remove the tag and write the plain value");
  }
}

void walk(const Value& value, const std::string& path, Reporter& reporter) {
  checkTags(value, path, reporter);
  if (value.isSequence()) {
    for (std::size_t index = 0; index < value.items.size(); ++index) {
      walk(value.items[index], indexPath(path, index), reporter);
    }
    return;
  }
  if (!value.isMapping()) return;
  std::map<std::string, const Value*> seen;
  for (const Entry& entry : value.entries) {
    const Value& key = entry.first;
    if (!key.isScalar()) {
      reporter.error(key.where, path, "a key is " + describe(key) + ", not plain text",
                     "AppSpec keys are plain names such as 'files' or 'location'");
      continue;
    }
    std::string keyPath = childPath(path, key.text);
    auto [previous, inserted] = seen.emplace(key.text, &key);
    if (!inserted) {
      reporter.error(key.where, keyPath,
                     "duplicate key '" + key.text + "' (first at line " + std::to_string(previous->second->where.line) +
                         "); YAML readers keep only one of them, so part of the file is silently lost",
                     "merge the two entries into one, or check the indentation: a key meant to be nested "
                     "under another ends up beside it when indented too little");
    }
    walk(entry.second, keyPath, reporter);
  }
}

}  // namespace

void checkStructure(const Value& root, Reporter& reporter) { walk(root, "", reporter); }

namespace {

// "hooks.AfterInstall[0].location" -> "location"
std::string lastKey(const std::string& path) {
  std::size_t dot = path.find_last_of('.');
  return dot == std::string::npos ? path : path.substr(dot + 1);
}

}  // namespace

std::optional<std::string> readText(const Value* value, const std::string& path, Reporter& reporter,
                                    bool required, const Value& parent) {
  if (value == nullptr || value->isNull()) {
    if (required) {
      reporter.error(value ? value->where : parent.where, path,
                     value ? "is empty; a value is required" : "is missing; it is required here",
                     "add '" + lastKey(path) + ": <value>'");
    }
    return std::nullopt;
  }
  if (!value->isScalar()) {
    reporter.error(value->where, path, "expected a single value (text), found " + describe(*value),
                   "write it on one line after the key, e.g. key: value");
    return std::nullopt;
  }
  return value->text;
}

std::optional<std::vector<std::string>> readTextList(const Value* value, const std::string& path,
                                                     Reporter& reporter) {
  if (value == nullptr || value->isNull()) return std::vector<std::string>{};
  if (!value->isSequence()) {
    reporter.error(value->where, path, "expected a list, found " + describe(*value),
                   "write each entry on its own line starting with '- ', even when there is only one");
    return std::nullopt;
  }
  std::vector<std::string> texts;
  bool ok = true;
  for (std::size_t index = 0; index < value->items.size(); ++index) {
    const Value& item = value->items[index];
    if (!item.isScalar()) {
      reporter.error(item.where, indexPath(path, index), "expected text, found " + describe(item),
                     "each list entry here is a single value such as '- u:bob:rw'");
      ok = false;
      continue;
    }
    texts.push_back(item.text);
  }
  if (!ok) return std::nullopt;
  return texts;
}

std::string platformName(Platform platform) {
  switch (platform) {
    case Platform::Server: return "server";
    case Platform::Lambda: return "Lambda";
    case Platform::Ecs: return "ECS";
  }
  return "unknown";
}

std::string withArticle(Platform platform) {
  return (platform == Platform::Ecs ? "an " : "a ") + platformName(platform);
}

std::optional<std::int64_t> parseInteger(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  std::int64_t number = 0;
  auto [end, status] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (status != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return number;
}

}  // namespace greenlight::appspec::detail
