// Validation of the server platform's sections: os, files, file_exists_behavior, permissions
// and hooks, each rule with the exact key and line it reports.
#include <gtest/gtest.h>

#include "appspec/parser.h"
#include "appspec_test_helpers.h"

namespace greenlight::appspec {
namespace {

using testing::dump;
using testing::find;
using testing::parseServer;

std::string withHeader(const std::string& body, const std::string& os = "linux") {
  return "version: 0.0\nos: " + os + "\n" + body;  // body starts at line 3
}

TEST(ServerAppSpec, ReadsEverySection) {
  ParseResult result = parseServer(withHeader(
      "files:\n"
      "  - source: app/\n"
      "    destination: /opt/app\n"
      "file_exists_behavior: OVERWRITE\n"
      "permissions:\n"
      "  - object: /opt/app\n"
      "    pattern: '*.sh'\n"
      "    except: [skip.sh]\n"
      "    owner: app\n"
      "    group: ops\n"
      "    mode: \"4755\"\n"
      "    acls:\n"
      "      - u:bob:rw\n"
      "    context:\n"
      "      name: system_u\n"
      "      type: httpd_sys_content_t\n"
      "      range: s0\n"
      "    type:\n"
      "      - file\n"
      "hooks:\n"
      "  AfterInstall:\n"
      "    - location: scripts/a.sh\n"
      "      timeout: 300\n"
      "      runas: app\n"
      "    - location: scripts/b.sh\n"));
  ASSERT_TRUE(result.ok()) << dump(result);
  EXPECT_TRUE(result.diagnostics.empty()) << dump(result);
  const AppSpec& spec = *result.spec;
  ASSERT_EQ(spec.files.size(), 1u);
  EXPECT_EQ(spec.files[0].source, "app/");
  EXPECT_EQ(spec.files[0].destination, "/opt/app");
  EXPECT_EQ(spec.files[0].where.line, 4);
  EXPECT_EQ(spec.fileExistsBehavior, FileExistsBehavior::Overwrite);
  ASSERT_EQ(spec.permissions.size(), 1u);
  const Permission& permission = spec.permissions[0];
  EXPECT_EQ(permission.object, "/opt/app");
  EXPECT_EQ(permission.pattern, "*.sh");
  EXPECT_EQ(permission.except, std::vector<std::string>{"skip.sh"});
  EXPECT_EQ(permission.owner, "app");
  EXPECT_EQ(permission.group, "ops");
  EXPECT_EQ(permission.mode, 04755u);
  EXPECT_EQ(permission.acls, std::vector<std::string>{"u:bob:rw"});
  ASSERT_TRUE(permission.context.has_value());
  EXPECT_EQ(permission.context->user, "system_u");
  EXPECT_EQ(permission.context->type, "httpd_sys_content_t");
  EXPECT_EQ(permission.context->range, "s0");
  EXPECT_EQ(permission.types, std::vector<PermissionObjectType>{PermissionObjectType::File});
  const ServerHook* hook = spec.hook("AfterInstall");
  ASSERT_NE(hook, nullptr);
  ASSERT_EQ(hook->scripts.size(), 2u);
  EXPECT_EQ(hook->scripts[0].location, "scripts/a.sh");
  EXPECT_EQ(hook->scripts[0].timeout, std::chrono::seconds(300));
  EXPECT_EQ(hook->scripts[0].runas, "app");
  EXPECT_EQ(hook->scripts[1].timeout, std::chrono::seconds(3600));
  EXPECT_FALSE(hook->scripts[1].runas.has_value());
}

TEST(ServerAppSpec, OsIsRequiredAndMustBeLinuxOrWindows) {
  ParseResult missing = parseServer("version: 0.0\n");
  ASSERT_NE(find(missing, "os"), nullptr) << dump(missing);
  ParseResult ubuntu = parseServer("version: 0.0\nos: ubuntu\n");
  const Diagnostic* error = find(ubuntu, "os");
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->line, 2);
  EXPECT_NE(error->message.find("found 'ubuntu'"), std::string::npos);
  EXPECT_TRUE(parseServer("version: 0.0\nos: windows\n").ok());
}

TEST(ServerAppSpec, DestinationMustBeAbsolute) {
  ParseResult relative = parseServer(withHeader("files:\n  - source: /\n    destination: var/www\n"));
  const Diagnostic* error = find(relative, "files[0].destination");
  ASSERT_NE(error, nullptr) << dump(relative);
  EXPECT_EQ(error->line, 5);
  EXPECT_NE(error->message.find("absolute"), std::string::npos);

  EXPECT_TRUE(parseServer(withHeader("files:\n  - source: \\\n    destination: C:\\inetpub\\wwwroot\n", "windows")).ok());
  ParseResult windowsRelative = parseServer(withHeader("files:\n  - source: a\n    destination: inetpub\n", "windows"));
  EXPECT_NE(find(windowsRelative, "files[0].destination"), nullptr) << dump(windowsRelative);

  // Accepted with a warning: CodeDeploy takes these, but they probably do not do what was meant.
  ParseResult linuxWithDrive = parseServer(withHeader("files:\n  - source: a\n    destination: c:\\deploy\n"));
  EXPECT_TRUE(linuxWithDrive.ok());
  EXPECT_NE(find(linuxWithDrive, "files[0].destination", Severity::Warning), nullptr);
  ParseResult windowsWithoutDrive = parseServer(withHeader("files:\n  - source: a\n    destination: /var/www\n", "windows"));
  EXPECT_TRUE(windowsWithoutDrive.ok());
  EXPECT_NE(find(windowsWithoutDrive, "files[0].destination", Severity::Warning), nullptr);
}

TEST(ServerAppSpec, FilesEntriesNeedSourceAndDestination) {
  ParseResult result = parseServer(withHeader("files:\n  - source: /\n  - destination: /x\n  - just text\n"));
  ASSERT_FALSE(result.ok());
  const Diagnostic* destination = find(result, "files[0].destination");
  ASSERT_NE(destination, nullptr) << dump(result);
  EXPECT_EQ(destination->line, 4);
  EXPECT_NE(find(result, "files[1].source"), nullptr);
  EXPECT_NE(find(result, "files[2]"), nullptr);
  ParseResult notAList = parseServer(withHeader("files:\n  source: /\n  destination: /x\n"));
  EXPECT_NE(find(notAList, "files"), nullptr) << dump(notAList);
}

TEST(ServerAppSpec, UnknownKeyInFilesEntryWarnsWithDidYouMean) {
  ParseResult result = parseServer(withHeader("files:\n  - sourse: /\n    destination: /x\n"));
  const Diagnostic* warning = find(result, "files[0].sourse", Severity::Warning);
  ASSERT_NE(warning, nullptr) << dump(result);
  EXPECT_EQ(warning->line, 4);
  EXPECT_EQ(warning->hint, "did you mean 'source'?");
  EXPECT_NE(find(result, "files[0].source"), nullptr);  // and source is then missing
}

TEST(ServerAppSpec, FileExistsBehaviorIsValidated) {
  ParseResult result = parseServer(withHeader("file_exists_behavior: KEEP\n"));
  const Diagnostic* error = find(result, "file_exists_behavior");
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->line, 3);
  EXPECT_NE(error->message.find("DISALLOW, OVERWRITE or RETAIN"), std::string::npos);
  EXPECT_EQ(parseServer(withHeader("file_exists_behavior: RETAIN\n")).spec->fileExistsBehavior,
            FileExistsBehavior::Retain);
}

TEST(ServerAppSpec, ModeIsReadAsOctalDigits) {
  auto modeOf = [](const std::string& written) {
    ParseResult result = parseServer(withHeader("permissions:\n  - object: /x\n    mode: " + written + "\n"));
    return result.ok() ? result.spec->permissions.at(0).mode : std::nullopt;
  };
  EXPECT_EQ(modeOf("644"), 0644u);
  EXPECT_EQ(modeOf("\"0755\""), 0755u);
  EXPECT_EQ(modeOf("4755"), 04755u);
  EXPECT_EQ(modeOf("0644"), 0644u);
  EXPECT_EQ(modeOf("rwxr-xr-x"), std::nullopt);
  EXPECT_EQ(modeOf("0648"), std::nullopt);
  EXPECT_EQ(modeOf("75555"), std::nullopt);
}

TEST(ServerAppSpec, UnquotedLeadingZeroModeWarnsAboutYamlVersions) {
  ParseResult result = parseServer(withHeader("permissions:\n  - object: /x\n    mode: 0644\n"));
  ASSERT_TRUE(result.ok()) << dump(result);
  const Diagnostic* warning = find(result, "permissions[0].mode", Severity::Warning);
  ASSERT_NE(warning, nullptr) << dump(result);
  EXPECT_EQ(warning->line, 5);
  EXPECT_NE(warning->message.find("420"), std::string::npos);
  EXPECT_NE(warning->hint.find("mode: \"0644\""), std::string::npos);
  ParseResult quoted = parseServer(withHeader("permissions:\n  - object: /x\n    mode: '0644'\n"));
  EXPECT_TRUE(quoted.diagnostics.empty()) << dump(quoted);
}

TEST(ServerAppSpec, PermissionObjectIsRequiredAndAbsolute) {
  ParseResult missing = parseServer(withHeader("permissions:\n  - owner: app\n"));
  EXPECT_NE(find(missing, "permissions[0].object"), nullptr) << dump(missing);
  ParseResult relative = parseServer(withHeader("permissions:\n  - object: opt/app\n"));
  const Diagnostic* error = find(relative, "permissions[0].object");
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->line, 4);
  ParseResult defaults = parseServer(withHeader("permissions:\n  - object: /opt/app\n"));
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults.spec->permissions[0].pattern, "**");
  EXPECT_TRUE(defaults.spec->permissions[0].types.empty());
}

TEST(ServerAppSpec, ExceptMustBeAList) {
  ParseResult result = parseServer(withHeader("permissions:\n  - object: /x\n    except: '*.log'\n"));
  const Diagnostic* error = find(result, "permissions[0].except");
  ASSERT_NE(error, nullptr) << dump(result);
  EXPECT_EQ(error->line, 5);
  EXPECT_NE(error->hint.find("except: [\"*.log\"]"), std::string::npos);
}

TEST(ServerAppSpec, AclsMustBeAListOfText) {
  ParseResult mapping = parseServer(withHeader("permissions:\n  - object: /x\n    acls:\n      entries:\n        - u::rwx\n"));
  EXPECT_NE(find(mapping, "permissions[0].acls"), nullptr) << dump(mapping);
  ParseResult nested = parseServer(withHeader("permissions:\n  - object: /x\n    acls:\n      - [a, b]\n"));
  EXPECT_NE(find(nested, "permissions[0].acls[0]"), nullptr) << dump(nested);
}

TEST(ServerAppSpec, ContextRangeIsTextAndTypeIsRequired) {
  ParseResult range = parseServer(
      withHeader("permissions:\n  - object: /x\n    context:\n      type: t\n      range:\n        low: s0\n"));
  const Diagnostic* error = find(range, "permissions[0].context.range");
  ASSERT_NE(error, nullptr) << dump(range);
  EXPECT_EQ(error->line, 8);
  ParseResult noType = parseServer(withHeader("permissions:\n  - object: /x\n    context:\n      range: s0\n"));
  EXPECT_NE(find(noType, "permissions[0].context.type"), nullptr) << dump(noType);
  ParseResult user = parseServer(withHeader("permissions:\n  - object: /x\n    context:\n      user: u\n      type: t\n"));
  ASSERT_TRUE(user.ok()) << dump(user);
  EXPECT_EQ(user.spec->permissions[0].context->user, "u");
}

TEST(ServerAppSpec, PermissionTypeIsAListOfFileOrDirectory) {
  ParseResult both = parseServer(withHeader("permissions:\n  - object: /x\n    type: [directory, file]\n"));
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both.spec->permissions[0].types,
            (std::vector<PermissionObjectType>{PermissionObjectType::Directory, PermissionObjectType::File}));
  ParseResult wrong = parseServer(withHeader("permissions:\n  - object: /x\n    type:\n      - socket\n"));
  const Diagnostic* error = find(wrong, "permissions[0].type[0]");
  ASSERT_NE(error, nullptr) << dump(wrong);
  EXPECT_EQ(error->line, 6);
  EXPECT_NE(find(parseServer(withHeader("permissions:\n  - object: /x\n    type: file\n")), "permissions[0].type"),
            nullptr);
}

TEST(ServerAppSpec, TimeoutMustBeAPositiveWholeNumber) {
  ParseResult text = parseServer(withHeader("hooks:\n  AfterInstall:\n    - location: a.sh\n      timeout: soon\n"));
  const Diagnostic* error = find(text, "hooks.AfterInstall[0].timeout");
  ASSERT_NE(error, nullptr) << dump(text);
  EXPECT_EQ(error->line, 6);
  EXPECT_EQ(error->column, 16);
  EXPECT_NE(find(parseServer(withHeader("hooks:\n  AfterInstall:\n    - location: a.sh\n      timeout: 0\n")),
                 "hooks.AfterInstall[0].timeout"),
            nullptr);
  EXPECT_NE(find(parseServer(withHeader("hooks:\n  AfterInstall:\n    - location: a.sh\n      timeout: 1.5\n")),
                 "hooks.AfterInstall[0].timeout"),
            nullptr);
}

TEST(ServerAppSpec, TimeoutAboveTheEventLimitWarns) {
  ParseResult result = parseServer(withHeader("hooks:\n  AfterInstall:\n    - location: a.sh\n      timeout: 6000\n"));
  ASSERT_TRUE(result.ok());
  EXPECT_NE(find(result, "hooks.AfterInstall[0].timeout", Severity::Warning), nullptr);
  EXPECT_EQ(result.spec->hook("AfterInstall")->scripts[0].timeout, std::chrono::seconds(6000));
}

TEST(ServerAppSpec, LocationIsRequiredAndNotEmpty) {
  ParseResult empty = parseServer(withHeader("hooks:\n  BeforeInstall:\n    - location: \"\"\n"));
  const Diagnostic* error = find(empty, "hooks.BeforeInstall[0].location");
  ASSERT_NE(error, nullptr) << dump(empty);
  EXPECT_EQ(error->line, 5);
  ParseResult null = parseServer(withHeader("hooks:\n  BeforeInstall:\n    - location:\n      timeout: 5\n"));
  EXPECT_NE(find(null, "hooks.BeforeInstall[0].location"), nullptr) << dump(null);
  ParseResult missing = parseServer(withHeader("hooks:\n  BeforeInstall:\n    - timeout: 5\n"));
  EXPECT_NE(find(missing, "hooks.BeforeInstall[0].location"), nullptr) << dump(missing);
}

TEST(ServerAppSpec, EventWithoutScriptsIsAnError) {
  ParseResult result = parseServer(withHeader("hooks:\n  ApplicationStop:\n  BeforeInstall:\n    - location: a.sh\n"));
  const Diagnostic* error = find(result, "hooks.ApplicationStop");
  ASSERT_NE(error, nullptr) << dump(result);
  EXPECT_EQ(error->line, 4);
  EXPECT_NE(error->message.find("no scripts"), std::string::npos);
}

TEST(ServerAppSpec, EventsRunByTheAgentTakeNoScripts) {
  ParseResult result = parseServer(withHeader("hooks:\n  Install:\n    - location: a.sh\n"));
  const Diagnostic* error = find(result, "hooks.Install");
  ASSERT_NE(error, nullptr) << dump(result);
  EXPECT_NE(error->hint.find("BeforeInstall or AfterInstall"), std::string::npos);
  EXPECT_NE(find(parseServer(withHeader("hooks:\n  AllowTraffic:\n    - location: a.sh\n")), "hooks.AllowTraffic"), nullptr);
}

TEST(ServerAppSpec, UnknownEventWarnsWithDidYouMean) {
  ParseResult result = parseServer(withHeader("hooks:\n  ApplicatiionStart:\n    - location: a.sh\n"));
  ASSERT_TRUE(result.ok()) << dump(result);
  const Diagnostic* warning = find(result, "hooks.ApplicatiionStart", Severity::Warning);
  ASSERT_NE(warning, nullptr) << dump(result);
  EXPECT_EQ(warning->line, 4);
  EXPECT_NE(warning->hint.find("did you mean 'ApplicationStart'?"), std::string::npos);
  ASSERT_NE(result.spec->hook("ApplicatiionStart"), nullptr);  // runnable by name, like codedeploy-local --events
}

TEST(ServerAppSpec, ScriptsMustBeAList) {
  ParseResult result = parseServer(withHeader("hooks:\n  AfterInstall:\n    location: a.sh\n"));
  EXPECT_NE(find(result, "hooks.AfterInstall"), nullptr) << dump(result);
  ParseResult listShape = parseServer(withHeader("hooks:\n  - AfterInstall: fn\n"));
  const Diagnostic* shape = find(listShape, "hooks");
  ASSERT_NE(shape, nullptr) << dump(listShape);
  EXPECT_NE(shape->hint.find("lambda/ecs shape"), std::string::npos);
}

TEST(ServerAppSpec, RunasOnWindowsWarns) {
  ParseResult result = parseServer(withHeader("hooks:\n  AfterInstall:\n    - location: a.bat\n      runas: Administrator\n",
                                              "windows"));
  ASSERT_TRUE(result.ok());
  EXPECT_NE(find(result, "hooks.AfterInstall[0].runas", Severity::Warning), nullptr) << dump(result);
}

TEST(ServerAppSpec, EventOutsideHooksIsAnError) {
  ParseResult result = parseServer(withHeader("hooks:\n  BeforeInstall:\n    - location: a.sh\n"
                                              "\\ AfterInstall:\n  - location: b.sh\n"));
  ASSERT_FALSE(result.ok());
  const Diagnostic* error = find(result, "\\ AfterInstall");
  ASSERT_NE(error, nullptr) << dump(result);
  EXPECT_EQ(error->line, 6);
  EXPECT_NE(error->message.find("outside 'hooks:'"), std::string::npos);
}

TEST(ServerAppSpec, CaseVariantKeyIsReadWithAWarning) {
  ParseResult result = parseServer("version: 0.0\nos: linux\nFiles:\n  - source: /\n    destination: /x\n");
  ASSERT_TRUE(result.ok()) << dump(result);
  EXPECT_EQ(result.spec->files.size(), 1u);
  const Diagnostic* warning = find(result, "Files", Severity::Warning);
  ASSERT_NE(warning, nullptr) << dump(result);
  EXPECT_EQ(warning->hint, "write it as files");
}

}  // namespace
}  // namespace greenlight::appspec
