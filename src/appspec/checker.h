// Internal to the appspec module: the tools every section validator uses — a diagnostics
// collector that knows the file name, key paths, and a reader for mappings with known keys.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "appspec/diagnostics.h"
#include "appspec/document.h"

namespace greenlight::appspec::detail {

class Reporter {
 public:
  explicit Reporter(std::string file) : file_(std::move(file)) {}

  void error(const SourceLocation& where, std::string key, std::string message, std::string hint = {});
  void warning(const SourceLocation& where, std::string key, std::string message, std::string hint = {});
  void add(Diagnostic diagnostic) { diagnostics_.push_back(std::move(diagnostic)); }

  const std::string& file() const { return file_; }
  // In file order; problems not tied to a line first.
  std::vector<Diagnostic> take();

 private:
  void report(Severity severity, const SourceLocation& where, std::string key, std::string message,
              std::string hint);

  std::string file_;
  std::vector<Diagnostic> diagnostics_;
};

// Key paths as shown to the operator: "hooks.AfterInstall[0].timeout".
std::string childPath(const std::string& path, std::string_view key);
std::string indexPath(const std::string& path, std::size_t index);

// Looks up the known keys of a mapping. Keys that differ from a known key only in case are
// accepted with a warning; other keys are collected as unknown for the caller to report.
// REQUIRES: `mapping` outlives the reader.
class MappingReader {
 public:
  MappingReader(const Value& mapping, std::string path, std::vector<std::string_view> knownKeys,
                Reporter& reporter);

  // The value of `key` (a known key), or nullptr when absent. A null value is returned as is.
  const Value* get(std::string_view key) const;
  // The key node itself (for its line), or nullptr.
  const Value* keyNode(std::string_view key) const;
  std::string path(std::string_view key) const { return childPath(path_, key); }
  const std::string& path() const { return path_; }
  const Value& mapping() const { return mapping_; }

  // Unknown entries not yet reported; the caller may handle some and report the rest.
  std::vector<const Entry*>& unknown() { return unknown_; }
  // Warns about every remaining unknown key, with "did you mean" when one is close.
  void warnUnknown(std::string_view sectionDescription);

 private:
  const Value& mapping_;
  std::string path_;
  std::vector<std::string_view> knownKeys_;
  Reporter& reporter_;
  std::vector<std::pair<std::string_view, const Entry*>> found_;
  std::vector<const Entry*> unknown_;
};

// Whole-tree checks independent of the AppSpec schema: duplicate keys (yaml-cpp keeps both, the
// CodeDeploy agent keeps the last, so the file does not say what it seems to), non-text keys, and
// unresolved tags such as CloudFormation's !Ref.
void checkStructure(const Value& root, Reporter& reporter);

// Typed reads. Each reports its own problem (naming `path`) and returns nullopt on failure.
// A missing (nullptr) value is reported only when `required`; `parent` gives its line then.
std::optional<std::string> readText(const Value* value, const std::string& path, Reporter& reporter,
                                    bool required, const Value& parent);
std::optional<std::vector<std::string>> readTextList(const Value* value, const std::string& path,
                                                     Reporter& reporter);
// For messages: "server", "Lambda", "ECS", and with the article: "a server", "an ECS".
std::string platformName(Platform platform);
std::string withArticle(Platform platform);

// Plain integer digits, optionally signed. Does not report.
std::optional<std::int64_t> parseInteger(std::string_view text);

}  // namespace greenlight::appspec::detail
