// parse(): reads the document, checks its overall shape and version, infers the platform, and
// hands each platform's sections to their validators. Never throws.
#include "appspec/parser.h"

#include <algorithm>
#include <exception>

#include "appspec/checker.h"
#include "appspec/document.h"
#include "appspec/sections.h"
#include "appspec/suggestion.h"

namespace greenlight::appspec {
namespace {

using detail::Entry;
using detail::MappingReader;
using detail::Reporter;
using detail::Value;

const Entry* findIgnoringCase(const Value& mapping, std::string_view key) {
  for (const Entry& entry : mapping.entries) {
    if (entry.first.isScalar() && detail::equalsIgnoringCase(entry.first.text, key)) return &entry;
  }
  return nullptr;
}

// What the Resources section says the file is for, if anything.
std::optional<Platform> platformFromResources(const Value& root) {
  const Entry* resources = findIgnoringCase(root, "Resources");
  if (resources == nullptr || !resources->second.isSequence()) return std::nullopt;
  for (const Value& item : resources->second.items) {
    if (!item.isMapping() || item.entries.empty() || !item.entries.front().second.isMapping()) continue;
    const Entry* type = findIgnoringCase(item.entries.front().second, "Type");
    if (type == nullptr || !type->second.isScalar()) continue;
    if (type->second.text == "AWS::Lambda::Function") return Platform::Lambda;
    if (type->second.text == "AWS::ECS::Service") return Platform::Ecs;
  }
  return std::nullopt;
}

Platform choosePlatform(const Value& root, const ParseOptions& options, Reporter& reporter) {
  const Entry* resources = findIgnoringCase(root, "Resources");
  std::optional<Platform> described = platformFromResources(root);
  if (!options.expectedPlatform) {
    if (described) return *described;
    return resources ? Platform::Lambda : Platform::Server;
  }
  Platform expected = *options.expectedPlatform;
  std::string expectedName = toString(expected);
  if (expected == Platform::Server && resources) {
    std::string found = described ? detail::withArticle(*described) + " AppSpec" : "a Lambda/ECS AppSpec";
    reporter.error(resources->first.where, resources->first.text,
                   "this is " + found + " (it has Resources), but the deployment is for the server platform",
                   "a server AppSpec has version, os, files, permissions and hooks; deploy this file to a " +
                       std::string(described ? toString(*described) : "lambda or ecs") + " deployment group");
  } else if (expected != Platform::Server && described && *described != expected) {
    reporter.error(resources->first.where, resources->first.text,
                   std::string("this is a ") + toString(*described) + " AppSpec, but the deployment is for the " +
                       expectedName + " platform",
                   "use the " + expectedName + " AppSpec of the revision, or deploy to a " +
                       toString(*described) + " deployment group");
  } else if (expected != Platform::Server && !resources) {
    reporter.error(root.where, "Resources",
                   "Resources is missing; a " + expectedName + " AppSpec names the " +
                       (expected == Platform::Lambda ? "function" : "service") + " to deploy",
                   "this looks like a server AppSpec; deploy it to a server deployment group, or write the " +
                       expectedName + " AppSpec");
  }
  return expected;
}

// AppSpec has a single version, 0.0. The CodeDeploy agent compares it as a number, so an unquoted
// 0 or 0.00 is the same version while the text "0.0" is not (the service accepts it for lambda/ecs).
void readVersion(MappingReader& top, AppSpec& spec, Reporter& reporter) {
  const Value* version = top.get("version");
  const std::string hint = "write 'version: 0.0', the only AppSpec version; it is not your application's "
                           "version, nor a buildspec's 0.2";
  if (version == nullptr) {
    reporter.error(top.mapping().where, "version", "version is missing", hint);
    return;
  }
  std::optional<std::string> text = detail::readText(version, "version", reporter, true, top.mapping());
  if (!text) return;
  bool numericZero = !version->quoted && !text->empty() && text->find_first_not_of("0.") == std::string::npos &&
                     text->front() == '0' && std::count(text->begin(), text->end(), '.') <= 1 &&
                     text->back() != '.';
  if (numericZero) {
    spec.version = "0.0";
    return;
  }
  if (version->quoted && *text == "0.0") {
    spec.version = "0.0";
    if (spec.platform == Platform::Server) {
      reporter.warning(version->where, "version",
                       "version is quoted; the CodeDeploy agent compares it as a number and rejects the text \"0.0\"",
                       "write version: 0.0 without quotes");
    }
    return;
  }
  reporter.error(version->where, "version", "version must be 0.0, found '" + *text + "'", hint);
}

void readTopLevel(const Value& root, const ParseOptions& options, AppSpec& spec, Reporter& reporter) {
  spec.platform = choosePlatform(root, options, reporter);
  bool server = spec.platform == Platform::Server;
  MappingReader top(root, "", server ? detail::kServerKeys : detail::kFunctionKeys, reporter);
  readVersion(top, spec, reporter);
  if (server) {
    detail::readServerSections(top, spec, reporter);
    // Resources in a server deployment was reported as the wrong platform already.
    auto& unknown = top.unknown();
    std::erase_if(unknown, [](const Entry* entry) { return detail::equalsIgnoringCase(entry->first.text, "Resources"); });
  } else {
    detail::readFunctionSections(top, spec, reporter);
  }
  top.warnUnknown(detail::withArticle(spec.platform) + " AppSpec");
}

ParseResult parseOrThrow(std::string_view text, std::string_view fileName, const ParseOptions& options) {
  Reporter reporter{std::string(fileName)};
  detail::Document document = detail::readDocument(text, fileName);
  for (Diagnostic& diagnostic : document.diagnostics) reporter.add(std::move(diagnostic));
  ParseResult result;
  if (!document.root) {
    result.diagnostics = reporter.take();
    return result;
  }
  const Value& root = *document.root;
  detail::checkStructure(root, reporter);
  AppSpec spec;
  if (root.isNull()) {
    reporter.error({1, 1}, "", "the AppSpec is empty (nothing but comments or blank lines)",
                   "start it with 'version: 0.0', then the sections of your platform");
  } else if (!root.isMapping()) {
    reporter.error(root.where, "",
                   "expected a mapping of AppSpec sections (version, os, files, hooks ...), found " +
                       detail::describe(root),
                   "an AppSpec starts with 'version: 0.0'; if this file is a symbolic link stored as text, "
                   "replace it with the file it points to");
  } else {
    readTopLevel(root, options, spec, reporter);
  }
  result.diagnostics = reporter.take();
  if (!hasErrors(result.diagnostics)) {
    result.spec = std::move(spec);
  } else if (root.isMapping()) {
    result.partial = std::move(spec);
  }
  return result;
}

}  // namespace

ParseResult parse(std::string_view text, std::string_view fileName, const ParseOptions& options) {
  try {
    return parseOrThrow(text, fileName, options);
  } catch (const std::exception& exception) {
    // Only allocation failure should land here; the readers catch their libraries' exceptions.
    ParseResult result;
    result.diagnostics.push_back(Diagnostic{Severity::Error, std::string(fileName), 0, 0, "",
                                            std::string("could not check the AppSpec: ") + exception.what(), ""});
    return result;
  }
}

}  // namespace greenlight::appspec
