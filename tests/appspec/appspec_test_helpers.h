// Helpers for the appspec tests: parsing snippets and finding the diagnostic about a key.
#pragma once

#include <string>
#include <vector>

#include "appspec/parser.h"

namespace greenlight::appspec::testing {

inline ParseResult parseServer(const std::string& text, const std::string& fileName = "appspec.yml") {
  ParseOptions options;
  options.expectedPlatform = Platform::Server;
  return parse(text, fileName, options);
}

// The first diagnostic of `severity` whose key is exactly `key`, or nullptr.
inline const Diagnostic* find(const ParseResult& result, const std::string& key,
                              Severity severity = Severity::Error) {
  for (const Diagnostic& diagnostic : result.diagnostics) {
    if (diagnostic.key == key && diagnostic.severity == severity) return &diagnostic;
  }
  return nullptr;
}

inline int count(const ParseResult& result, Severity severity) {
  int total = 0;
  for (const Diagnostic& diagnostic : result.diagnostics) total += diagnostic.severity == severity ? 1 : 0;
  return total;
}

// Every diagnostic on one line each, for failure messages.
inline std::string dump(const std::vector<Diagnostic>& diagnostics) {
  std::string text;
  for (const Diagnostic& diagnostic : diagnostics) text += "  " + format(diagnostic) + "\n";
  return text.empty() ? "  (no diagnostics)\n" : text;
}
inline std::string dump(const ParseResult& result) { return dump(result.diagnostics); }

}  // namespace greenlight::appspec::testing
