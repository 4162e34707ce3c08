// Rendering of AppSpec diagnostics for terminals (one line each) and for `--json` output.
#include "appspec/diagnostics.h"

#include <algorithm>

namespace greenlight::appspec {

bool hasErrors(const std::vector<Diagnostic>& diagnostics) {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

std::string format(const Diagnostic& diagnostic) {
  std::string text = diagnostic.file.empty() ? std::string("<appspec>") : diagnostic.file;
  if (diagnostic.line > 0) {
    text += ":" + std::to_string(diagnostic.line);
    if (diagnostic.column > 0) text += ":" + std::to_string(diagnostic.column);
  }
  text += diagnostic.severity == Severity::Error ? ": error: " : ": warning: ";
  if (!diagnostic.key.empty()) text += diagnostic.key + ": ";
  text += diagnostic.message;
  if (!diagnostic.hint.empty()) text += " (" + diagnostic.hint + ")";
  return text;
}

nlohmann::json toJson(const Diagnostic& diagnostic) {
  return nlohmann::json{
      {"severity", diagnostic.severity == Severity::Error ? "error" : "warning"},
      {"file", diagnostic.file},
      {"line", diagnostic.line},
      {"column", diagnostic.column},
      {"key", diagnostic.key},
      {"message", diagnostic.message},
      {"hint", diagnostic.hint},
  };
}

}  // namespace greenlight::appspec
