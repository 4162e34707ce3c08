// The lambda and ecs platforms' `Hooks` section (a list of {Event: FunctionName}), and the
// entry point for both lambda/ecs sections.
#include <algorithm>

#include "appspec/sections.h"
#include "appspec/suggestion.h"

namespace greenlight::appspec::detail {
namespace {

const std::vector<std::string_view> kLambdaEvents = {"BeforeAllowTraffic", "AfterAllowTraffic"};
const std::vector<std::string_view> kEcsEvents = {"BeforeInstall", "AfterInstall", "AfterAllowTestTraffic",
                                                  "BeforeAllowTraffic", "AfterAllowTraffic"};
const std::vector<std::string_view> kServerOnlyEvents = {
    "ApplicationStop",   "ApplicationStart", "ValidateService", "BeforeBlockTraffic", "AfterBlockTraffic",
    "DownloadBundle",    "Install",          "BlockTraffic",    "AllowTraffic"};

bool contains(const std::vector<std::string_view>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string join(const std::vector<std::string_view>& names) {
  std::string text;
  for (std::string_view name : names) text += (text.empty() ? "" : ", ") + std::string(name);
  return text;
}

void readFunctionHook(const Entry& entry, const std::string& path, const Value& item, AppSpec& spec,
                      Reporter& reporter) {
  const Value& key = entry.first;
  const std::vector<std::string_view>& events = spec.platform == Platform::Lambda ? kLambdaEvents : kEcsEvents;
  std::string hookPath = childPath(path, key.text);
  if (!contains(events, key.text)) {
    if (contains(kLambdaEvents, key.text) || contains(kEcsEvents, key.text) || contains(kServerOnlyEvents, key.text)) {
      reporter.error(key.where, hookPath,
                     "'" + key.text + "' is not " + withArticle(spec.platform) + " hook event",
                     platformName(spec.platform) + " hook events: " + join(events));
      return;
    }
    std::optional<std::string> suggestion = closestMatch(key.text, events);
    reporter.warning(key.where, hookPath, "'" + key.text + "' is not " + withArticle(spec.platform) + " hook event; "
                                              "it is never invoked",
                     suggestion ? "did you mean '" + *suggestion + "'?"
                                : platformName(spec.platform) + " hook events: " + join(events));
  }
  const Value& function = entry.second;
  if (function.isNull() || (function.isScalar() && function.text.empty())) {
    reporter.error(function.isNull() ? key.where : function.where, hookPath,
                   "hook " + key.text + " names no Lambda function",
                   "write the name or ARN of the Lambda function to invoke, or remove the hook");
    return;
  }
  if (!function.isScalar()) {
    reporter.error(function.where, hookPath, "expected the name of a Lambda function, found " + describe(function),
                   "lambda/ecs hooks invoke a Lambda function: '- " + key.text + ": MyValidationFunction'");
    return;
  }
  spec.functionHooks.push_back(FunctionHook{key.text, function.text, item.where});
}

void readFunctionHooks(MappingReader& top, AppSpec& spec, Reporter& reporter) {
  const Value* section = top.get("Hooks");
  if (section == nullptr || section->isNull()) return;
  if (!section->isSequence()) {
    reporter.error(section->where, "Hooks", "expected a list of '- Event: FunctionName', found " + describe(*section),
                   section->isMapping()
                       ? "this is the server platform's shape (scripts with location/timeout/runas); lambda and "
                         "ecs hooks are a list such as '- BeforeAllowTraffic: MyValidationFunction'"
                       : "write each hook as '- BeforeAllowTraffic: MyValidationFunction'");
    return;
  }
  for (std::size_t index = 0; index < section->items.size(); ++index) {
    const Value& item = section->items[index];
    std::string path = indexPath("Hooks", index);
    if (!item.isMapping() || item.entries.empty()) {
      reporter.error(item.where, path, "expected '- Event: FunctionName', found " + describe(item),
                     "write e.g. '- BeforeAllowTraffic: MyValidationFunction'");
      continue;
    }
    for (const Entry& entry : item.entries) {
      if (entry.first.isScalar()) readFunctionHook(entry, path, item, spec, reporter);
    }
  }
}

// Server keys in a lambda/ecs AppSpec are ignored by CodeDeploy; say so rather than "unknown".
void warnServerKeys(MappingReader& top, AppSpec& spec, Reporter& reporter) {
  auto& unknown = top.unknown();
  for (auto it = unknown.begin(); it != unknown.end();) {
    const Value& key = (*it)->first;
    if (!contains(kServerKeys, key.text)) {
      ++it;
      continue;
    }
    reporter.warning(key.where, key.text,
                     "'" + key.text + "' belongs to the server platform's AppSpec; it is ignored in " +
                         withArticle(spec.platform) + " AppSpec",
                     "remove it; the revision of " + withArticle(spec.platform) +
                         " deployment is described by Resources alone");
    it = unknown.erase(it);
  }
}

}  // namespace

void readFunctionSections(MappingReader& top, AppSpec& spec, Reporter& reporter) {
  readResources(top, spec, reporter);
  readFunctionHooks(top, spec, reporter);
  warnServerKeys(top, spec, reporter);
}

}  // namespace greenlight::appspec::detail
