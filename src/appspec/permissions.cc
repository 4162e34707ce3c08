// The server platform's `permissions` section: object, pattern, except, owner, group, mode,
// acls, SELinux context and type, with the mode read as octal digits exactly as written.
#include "appspec/sections.h"

namespace greenlight::appspec::detail {
namespace {

std::optional<std::uint32_t> readMode(const Value& value, const std::string& path, Reporter& reporter) {
  if (value.isNull()) return std::nullopt;
  if (!value.isScalar()) {
    reporter.error(value.where, path, "expected octal permission digits such as 644, found " + describe(value),
                   "write e.g. mode: \"0644\"");
    return std::nullopt;
  }
  const std::string& digits = value.text;
  bool allDigits = !digits.empty() && std::all_of(digits.begin(), digits.end(),
                                                   [](char c) { return c >= '0' && c <= '9'; });
  if (!allDigits) {
    reporter.error(value.where, path, "mode must be octal permission digits such as 644 or 0755, found '" + digits + "'",
                   "write the digits chmod takes, e.g. mode: \"0644\"");
    return std::nullopt;
  }
  if (digits.find_first_of("89") != std::string::npos) {
    reporter.error(value.where, path, "mode '" + digits + "' is not octal: each digit must be 0 to 7",
                   "write the digits chmod takes, e.g. 644 for rw-r--r--");
    return std::nullopt;
  }
  std::size_t significant = digits.find_first_not_of('0');
  std::string trimmed = significant == std::string::npos ? "0" : digits.substr(significant);
  if (trimmed.size() > 4) {
    reporter.error(value.where, path, "mode '" + digits + "' has more than four octal digits",
                   "write three digits (644) or four with setuid/setgid/sticky (4755)");
    return std::nullopt;
  }
  if (!value.quoted && digits.size() > 1 && digits.front() == '0') {
    reporter.warning(value.where, path,
                     "unquoted mode " + digits + " is read differently by YAML 1.1 (octal, the number " +
                         std::to_string(std::stoul(trimmed, nullptr, 8)) + ") and YAML 1.2 (decimal " +
                         std::to_string(std::stoul(trimmed, nullptr, 10)) +
                         "); greenlight reads the digits as octal, as chmod would",
                     "quote it, mode: \"" + digits + "\", so every reader sees the same digits");
  }
  return static_cast<std::uint32_t>(std::stoul(trimmed, nullptr, 8));
}

std::optional<SelinuxContext> readContext(const Value& value, const std::string& path, Reporter& reporter) {
  if (value.isNull()) return std::nullopt;
  if (!value.isMapping()) {
    reporter.error(value.where, path, "expected a mapping with name, type and range, found " + describe(value),
                   "write e.g. context: {type: httpd_sys_content_t, range: s0}");
    return std::nullopt;
  }
  // The AppSpec reference names the SELinux user `user`; the CodeDeploy agent reads `name`.
  MappingReader context(value, path, {"name", "user", "type", "range"}, reporter);
  context.warnUnknown("an SELinux context");
  SelinuxContext result;
  if (const Value* name = context.get("name")) {
    result.user = readText(name, context.path("name"), reporter, false, value);
  } else if (const Value* user = context.get("user")) {
    result.user = readText(user, context.path("user"), reporter, false, value);
  }
  std::optional<std::string> type = readText(context.get("type"), context.path("type"), reporter, true, value);
  if (const Value* range = context.get("range")) {
    if (range->isMapping() || range->isSequence()) {
      reporter.error(range->where, context.path("range"),
                     "range must be a single SELinux range such as s0 or s0-s0:c0.c10, found " + describe(*range),
                     "write it on one line, e.g. range: s0");
      return std::nullopt;
    }
    result.range = readText(range, context.path("range"), reporter, false, value);
  }
  if (!type) return std::nullopt;
  result.type = *type;
  return result;
}

std::optional<std::vector<PermissionObjectType>> readTypes(const Value* value, const std::string& path,
                                                           Reporter& reporter) {
  std::optional<std::vector<std::string>> names = readTextList(value, path, reporter);
  if (!names) return std::nullopt;
  std::vector<PermissionObjectType> types;
  for (std::size_t index = 0; index < names->size(); ++index) {
    const std::string& name = (*names)[index];
    if (name == "file") {
      types.push_back(PermissionObjectType::File);
    } else if (name == "directory") {
      types.push_back(PermissionObjectType::Directory);
    } else {
      reporter.error(value->items[index].where, indexPath(path, index),
                     "type entries must be 'file' or 'directory', found '" + name + "'",
                     "list the kinds of objects the permission applies to, e.g. - file");
      return std::nullopt;
    }
  }
  return types;
}

void readPermission(const Value& item, const std::string& path, AppSpec& spec, Reporter& reporter) {
  MappingReader entry(item, path,
                      {"object", "pattern", "except", "owner", "group", "mode", "acls", "context", "type"}, reporter);
  entry.warnUnknown("a permissions entry");
  Permission permission;
  permission.where = item.where;
  bool ok = true;
  std::optional<std::string> object = readText(entry.get("object"), entry.path("object"), reporter, true, item);
  if (object && (object->empty() || object->front() != '/')) {
    reporter.error(entry.get("object")->where, entry.path("object"),
                   "object must be an absolute path on the instance, found '" + *object + "'",
                   "name a path the files section installs, e.g. /var/www/html");
    ok = false;
  }
  ok = ok && object.has_value();
  if (object) permission.object = *object;
  if (const Value* pattern = entry.get("pattern"); pattern && !pattern->isNull()) {
    std::optional<std::string> text = readText(pattern, entry.path("pattern"), reporter, false, item);
    ok = ok && text.has_value();
    if (text) permission.pattern = *text;
  }
  if (const Value* except = entry.get("except"); except && except->isScalar()) {
    reporter.error(except->where, entry.path("except"),
                   "except must be a list of patterns, found the single value '" + except->text +
                       "'; the CodeDeploy agent fails on it",
                   "write it as a list: except: [\"" + except->text + "\"]");
    ok = false;
  } else if (auto patterns = readTextList(except, entry.path("except"), reporter)) {
    permission.except = *patterns;
  } else {
    ok = false;
  }
  permission.owner = readText(entry.get("owner"), entry.path("owner"), reporter, false, item);
  permission.group = readText(entry.get("group"), entry.path("group"), reporter, false, item);
  if (const Value* mode = entry.get("mode")) {
    permission.mode = readMode(*mode, entry.path("mode"), reporter);
    ok = ok && (permission.mode.has_value() || mode->isNull());
  }
  if (auto acls = readTextList(entry.get("acls"), entry.path("acls"), reporter)) {
    permission.acls = *acls;
  } else {
    ok = false;
  }
  if (const Value* context = entry.get("context"); context && !context->isNull()) {
    permission.context = readContext(*context, entry.path("context"), reporter);
    ok = ok && permission.context.has_value();
  }
  if (auto types = readTypes(entry.get("type"), entry.path("type"), reporter)) {
    permission.types = *types;
  } else {
    ok = false;
  }
  if (ok) spec.permissions.push_back(std::move(permission));
}

}  // namespace

void readPermissions(const Value& section, const std::string& path, const std::string& os, AppSpec& spec,
                     Reporter& reporter) {
  if (section.isNull()) return;
  if (!section.isSequence()) {
    reporter.error(section.where, path, "expected a list of '- object: ...' entries, found " + describe(section),
                   "start each entry with '- object: <absolute path>'");
    return;
  }
  if (os == "windows" && !section.items.empty()) {
    reporter.warning(section.where, path,
                     "permissions apply to Linux instances only; the CodeDeploy agent ignores them on Windows",
                     "remove the permissions section, or set 'os: linux'");
  }
  for (std::size_t index = 0; index < section.items.size(); ++index) {
    const Value& item = section.items[index];
    if (!item.isMapping()) {
      reporter.error(item.where, indexPath(path, index), "expected a mapping starting with object, found " + describe(item),
                     "write '- object: <absolute path>' and the attributes below it");
      continue;
    }
    readPermission(item, indexPath(path, index), spec, reporter);
  }
}

}  // namespace greenlight::appspec::detail
