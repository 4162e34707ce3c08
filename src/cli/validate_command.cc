// `greenlight validate PATH`: lint an AppSpec file, a bundle archive or a bundle folder without
// running anything.
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <memory>

#include "appspec/bundle_checks.h"
#include "appspec/parser.h"
#include "bundle/bundle.h"
#include "cli/commands.h"
#include "cli/terminal.h"
#include "common/files.h"

namespace greenlight::cli {

namespace fs = std::filesystem;

namespace {

struct ValidateOptions {
  std::string path;
  std::string appspecFilename;
  std::string platform;
  std::string output = "text";
};

struct Report {
  std::string appspecFile;
  std::string platform;
  std::vector<appspec::Diagnostic> diagnostics;
};

// Removes a temporary extraction folder however validation ends.
class ScratchFolder {
 public:
  ScratchFolder() {
    std::string pattern = (fs::temp_directory_path() / "greenlight-validate-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~ScratchFolder() {
    std::error_code ignored;
    if (!path_.empty()) fs::remove_all(path_, ignored);
  }
  ScratchFolder(const ScratchFolder&) = delete;
  ScratchFolder& operator=(const ScratchFolder&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

appspec::Diagnostic fileProblem(const std::string& file, const Error& error) {
  appspec::Diagnostic diagnostic;
  diagnostic.file = file;
  diagnostic.key = error.code;
  diagnostic.message = error.message;
  return diagnostic;
}

void checkAppSpecText(const std::string& text, const std::string& name, const ValidateOptions& options, Report& report,
                      std::optional<appspec::AppSpec>& spec) {
  appspec::ParseOptions parseOptions;
  if (options.platform == "server") parseOptions.expectedPlatform = appspec::Platform::Server;
  if (options.platform == "lambda") parseOptions.expectedPlatform = appspec::Platform::Lambda;
  if (options.platform == "ecs") parseOptions.expectedPlatform = appspec::Platform::Ecs;
  auto parsed = appspec::parse(text, name, parseOptions);
  report.diagnostics.insert(report.diagnostics.end(), parsed.diagnostics.begin(), parsed.diagnostics.end());
  // With errors, the partly read AppSpec still lets the bundle checks find more problems at once.
  std::optional<appspec::AppSpec>& readable = parsed.spec ? parsed.spec : parsed.partial;
  if (readable) {
    report.platform = appspec::toString(readable->platform);
    spec = std::move(readable);
  }
}

void checkBundleFolder(const fs::path& folder, const std::string& displayPrefix, const ValidateOptions& options,
                       Report& report) {
  auto file = appspec::findAppSpec(folder, options.appspecFilename);
  if (!file.ok()) {
    report.diagnostics.push_back(fileProblem(displayPrefix, file.error()));
    return;
  }
  std::string name = displayPrefix + "/" + file->lexically_relative(folder).string();
  report.appspecFile = name;
  auto text = readWholeFile(*file);
  if (!text.ok()) {
    report.diagnostics.push_back(fileProblem(name, text.error()));
    return;
  }
  std::optional<appspec::AppSpec> spec;
  checkAppSpecText(*text, name, options, report, spec);
  if (spec && spec->platform == appspec::Platform::Server) {
    auto bundleProblems = appspec::checkAgainstBundle(*spec, folder, name);
    report.diagnostics.insert(report.diagnostics.end(), bundleProblems.begin(), bundleProblems.end());
  }
}

Report validatePath(const ValidateOptions& options) {
  Report report;
  fs::path path = options.path;
  std::error_code error;
  if (!fs::exists(path, error)) {
    report.diagnostics.push_back(
        fileProblem(options.path, Error{"NotFound", "no such file or folder; give an AppSpec file, a bundle archive or a bundle folder"}));
    return report;
  }
  if (fs::is_directory(path, error)) {
    checkBundleFolder(path, options.path, options, report);
    return report;
  }
  auto type = bundle::detectBundleType(path);
  if (type.ok() && *type != bundle::BundleType::Directory) {
    // An archive: extract it with the same checks a deployment applies, into a scratch folder.
    ScratchFolder scratch;
    fs::path target = scratch.path() / "bundle";
    auto extracted = bundle::extract(path, *type, target, bundle::Limits{}, options.appspecFilename);
    if (!extracted.ok()) {
      report.diagnostics.push_back(fileProblem(options.path, extracted.error()));
      return report;
    }
    checkBundleFolder(target, options.path, options, report);
    return report;
  }
  report.appspecFile = options.path;
  auto text = readWholeFile(path);
  if (!text.ok()) {
    report.diagnostics.push_back(fileProblem(options.path, text.error()));
    return report;
  }
  std::optional<appspec::AppSpec> spec;
  checkAppSpecText(*text, options.path, options, report, spec);
  return report;
}

int runValidate(const ValidateOptions& options) {
  Report report = validatePath(options);
  std::size_t errors = 0;
  std::size_t warnings = 0;
  for (const auto& diagnostic : report.diagnostics) {
    (diagnostic.severity == appspec::Severity::Error ? errors : warnings) += 1;
  }
  if (options.output == "json") {
    nlohmann::json diagnostics = nlohmann::json::array();
    for (const auto& diagnostic : report.diagnostics) diagnostics.push_back(appspec::toJson(diagnostic));
    nlohmann::json out = {{"path", options.path},
                          {"appspecFile", report.appspecFile},
                          {"platform", report.platform.empty() ? nlohmann::json(nullptr) : nlohmann::json(report.platform)},
                          {"valid", errors == 0},
                          {"errors", errors},
                          {"warnings", warnings},
                          {"diagnostics", diagnostics}};
    std::cout << out.dump(2) << "\n";
  } else {
    Style style(::isatty(STDOUT_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr);
    for (const auto& diagnostic : report.diagnostics) std::cout << appspec::format(diagnostic) << "\n";
    std::string summary = report.appspecFile.empty() ? options.path : report.appspecFile;
    if (!report.platform.empty()) summary += " (" + report.platform + ")";
    summary += ": " + std::to_string(errors) + " error" + (errors == 1 ? "" : "s") + ", " + std::to_string(warnings) +
               " warning" + (warnings == 1 ? "" : "s");
    std::cout << (errors == 0 ? style.green("✔ " + summary) : style.red("✘ " + summary)) << "\n";
  }
  return errors == 0 ? 0 : 1;
}

}  // namespace

CommandRunner addValidateCommand(CLI::App& app) {
  auto options = std::make_shared<ValidateOptions>();
  CLI::App* validate =
      app.add_subcommand("validate", "Check an AppSpec file, a bundle archive or a bundle folder without running anything");
  validate->add_option("path", options->path, "AppSpec file, bundle archive (tar/tgz/zip) or bundle folder")->required();
  validate->add_option("-A,--appspec-filename", options->appspecFilename,
                       "AppSpec file name inside a bundle (default: appspec.yml, appspec.yaml, appspec.json)");
  validate->add_option("--platform", options->platform, "Expected platform: server|lambda|ecs (default: inferred)")
      ->check(CLI::IsMember({"server", "lambda", "ecs"}));
  validate->add_option("-o,--output", options->output, "text|json")->check(CLI::IsMember({"text", "json"}));
  return [options] { return runValidate(*options); };
}

}  // namespace greenlight::cli
