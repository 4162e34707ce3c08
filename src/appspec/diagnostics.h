// Problems found in an AppSpec or a bundle, each with file, line, key and a hint for the operator.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace greenlight::appspec {

enum class Severity { Error, Warning };

struct Diagnostic {
  Severity severity = Severity::Error;
  std::string file;     // as given by the caller, e.g. "bundle/appspec.yml"
  int line = 0;         // 1-based; 0 when the problem is not tied to a line
  int column = 0;
  std::string key;      // dotted path of the key, e.g. "hooks.AfterInstall[0].timeout"
  std::string message;  // what is wrong
  std::string hint;     // what to do (may be empty)
};

bool hasErrors(const std::vector<Diagnostic>& diagnostics);
// "file:line:column: error: key: message (hint)" — one line, as compilers print.
std::string format(const Diagnostic& diagnostic);
nlohmann::json toJson(const Diagnostic& diagnostic);

}  // namespace greenlight::appspec
