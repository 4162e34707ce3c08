// Reading AppSpec text: YAML and JSON, syntax errors with lines, document shape, version,
// duplicate keys, tags, platform inference, and robustness against hostile input.
#include <gtest/gtest.h>

#include "appspec/parser.h"
#include "appspec_test_helpers.h"

namespace greenlight::appspec {
namespace {

using testing::dump;
using testing::find;
using testing::parseServer;

const char* kMinimalServer = "version: 0.0\nos: linux\n";

TEST(AppSpecParser, ReadsAMinimalServerFile) {
  ParseResult result = parseServer(kMinimalServer);
  ASSERT_TRUE(result.ok()) << dump(result);
  EXPECT_EQ(result.spec->platform, Platform::Server);
  EXPECT_EQ(result.spec->version, "0.0");
  EXPECT_EQ(result.spec->os, "linux");
  EXPECT_TRUE(result.diagnostics.empty()) << dump(result);
}

TEST(AppSpecParser, ReportsYamlSyntaxErrorsWithTheirLine) {
  ParseResult result = parse("version: 0.0\nos: linux\nhooks:\n    BeforeInstall:\n    - location: a.sh\n  AfterInstall:\n",
                             "bundle/appspec.yml");
  ASSERT_FALSE(result.ok());
  ASSERT_EQ(result.diagnostics.size(), 1u) << dump(result);
  const Diagnostic& error = result.diagnostics[0];
  EXPECT_EQ(error.file, "bundle/appspec.yml");
  EXPECT_EQ(error.line, 6);
  EXPECT_NE(error.message.find("not valid YAML"), std::string::npos);
  EXPECT_FALSE(error.hint.empty());
}

TEST(AppSpecParser, UndefinedAliasFromAnUnquotedStarIsASyntaxErrorWithAHintToQuote) {
  ParseResult result = parseServer("version: 0.0\nos: linux\npermissions:\n  - object: /x\n    pattern: *.sh\n");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.diagnostics[0].line, 5);
  EXPECT_NE(result.diagnostics[0].hint.find("quoted"), std::string::npos);
}

TEST(AppSpecParser, ReadsJsonWithTabsAndKeepsLines) {
  std::string json = "{\n\t\"version\": 0.0,\n\t\"os\": \"linux\",\n\t\"hooks\": {\"AfterInstall\": [\n"
                     "\t\t{\"location\": \"a.sh\", \"timeout\": \"abc\"}]}\n}";
  ParseResult result = parseServer(json, "appspec.json");
  ASSERT_FALSE(result.ok());
  const Diagnostic* timeout = find(result, "hooks.AfterInstall[0].timeout");
  ASSERT_NE(timeout, nullptr) << dump(result);
  EXPECT_EQ(timeout->line, 5);
}

TEST(AppSpecParser, ReadsJsonNumberVersionAndStringVersion) {
  EXPECT_TRUE(parseServer("{\"version\": 0.0, \"os\": \"linux\"}", "appspec.json").ok());
  ParseResult quoted = parse("{\"version\": \"0.0\", \"Resources\": [{\"S\": {\"Type\": \"AWS::ECS::Service\", "
                             "\"Properties\": {\"TaskDefinition\": \"t\", \"LoadBalancerInfo\": "
                             "{\"ContainerName\": \"c\", \"ContainerPort\": 80}}}}]}",
                             "appspec.json");
  ASSERT_TRUE(quoted.ok()) << dump(quoted);
  EXPECT_TRUE(quoted.diagnostics.empty()) << dump(quoted);
}

// yaml-cpp refuses implicit keys longer than 1024 characters; nlohmann reads the JSON instead,
// without line numbers.
TEST(AppSpecParser, FallsBackToTheJsonReaderForJsonThatYamlRejects) {
  std::string longKey(2000, 'k');
  ParseResult result = parseServer("{\"version\": 0.0, \"os\": \"linux\", \"" + longKey + "\": 1}", "appspec.json");
  ASSERT_TRUE(result.ok()) << dump(result);
  const Diagnostic* unknown = find(result, longKey, Severity::Warning);
  ASSERT_NE(unknown, nullptr) << dump(result);
  EXPECT_EQ(unknown->line, 0);
  EXPECT_EQ(result.spec->os, "linux");
}

TEST(AppSpecParser, ReportsJsonSyntaxErrorsWithTheirLine) {
  ParseResult result = parseServer("{\n  \"version\": 0.0,\n  \"os\": \"linux\",\n}\n", "appspec.json");
  ASSERT_FALSE(result.ok());
  ASSERT_EQ(result.diagnostics.size(), 1u) << dump(result);
  EXPECT_EQ(result.diagnostics[0].line, 4);
  EXPECT_NE(result.diagnostics[0].message.find("not valid JSON"), std::string::npos);
}

// greenlight's choice: a .json file holding YAML is an error (CodeDeploy parses it as JSON), but
// the YAML is still validated so every other problem is reported at the same time.
TEST(AppSpecParser, JsonNamedFileContainingYamlIsAnErrorThatSaysSo) {
  ParseResult result = parseServer("version: 0.0\nos: plan9\n", "appspec.json");
  ASSERT_FALSE(result.ok());
  const Diagnostic* notJson = find(result, "");
  ASSERT_NE(notJson, nullptr) << dump(result);
  EXPECT_NE(notJson->message.find("named .json but is not JSON"), std::string::npos);
  EXPECT_NE(notJson->hint.find("rename it to appspec.yml"), std::string::npos);
  EXPECT_EQ(notJson->line, 1);
  EXPECT_NE(find(result, "os"), nullptr) << dump(result);
}

TEST(AppSpecParser, EmptyDocumentIsAnError) {
  ParseResult result = parseServer("# only a comment\n\n");
  ASSERT_FALSE(result.ok());
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_NE(result.diagnostics[0].message.find("empty"), std::string::npos);
  EXPECT_EQ(result.diagnostics[0].line, 1);
}

TEST(AppSpecParser, ScalarOrListDocumentIsAnError) {
  ParseResult scalar = parseServer("../../appspec.yml");
  ASSERT_FALSE(scalar.ok());
  EXPECT_NE(scalar.diagnostics[0].message.find("expected a mapping of AppSpec sections"), std::string::npos);
  ParseResult list = parseServer("- version: 0.0\n");
  ASSERT_FALSE(list.ok());
  EXPECT_NE(list.diagnostics[0].message.find("found a list"), std::string::npos);
}

TEST(AppSpecParser, VersionMustBeZero) {
  ParseResult wrong = parseServer("version: 1.0\nos: linux\n");
  ASSERT_FALSE(wrong.ok());
  const Diagnostic* version = find(wrong, "version");
  ASSERT_NE(version, nullptr);
  EXPECT_EQ(version->line, 1);
  EXPECT_EQ(version->column, 10);
  EXPECT_NE(version->message.find("found '1.0'"), std::string::npos);

  ParseResult missing = parseServer("os: linux\n");
  ASSERT_FALSE(missing.ok());
  ASSERT_NE(find(missing, "version"), nullptr);
  EXPECT_NE(find(missing, "version")->message.find("missing"), std::string::npos);

  EXPECT_FALSE(parseServer("version:\nos: linux\n").ok());
  EXPECT_FALSE(parseServer("version: 0.0.0\nos: linux\n").ok());
  EXPECT_FALSE(parseServer("version: \"0\"\nos: linux\n").ok());
  EXPECT_TRUE(parseServer("version: 0\nos: linux\n").ok());  // the agent compares numerically
}

TEST(AppSpecParser, QuotedVersionOnServerIsAcceptedWithAWarning) {
  ParseResult result = parseServer("version: '0.0'\nos: linux\n");
  ASSERT_TRUE(result.ok()) << dump(result);
  const Diagnostic* warning = find(result, "version", Severity::Warning);
  ASSERT_NE(warning, nullptr);
  EXPECT_NE(warning->hint.find("without quotes"), std::string::npos);
}

TEST(AppSpecParser, DuplicateKeysAreErrors) {
  ParseResult result = parseServer("version: 0.0\nos: linux\nos: windows\n");
  ASSERT_FALSE(result.ok());
  const Diagnostic* duplicate = find(result, "os");
  ASSERT_NE(duplicate, nullptr) << dump(result);
  EXPECT_EQ(duplicate->line, 3);
  EXPECT_NE(duplicate->message.find("duplicate key 'os' (first at line 2)"), std::string::npos);

  ParseResult nested = parseServer("version: 0.0\nos: linux\nhooks:\n  AfterInstall:\n    - location: a.sh\n"
                                   "      location: b.sh\n");
  ASSERT_NE(find(nested, "hooks.AfterInstall[0].location"), nullptr) << dump(nested);
}

TEST(AppSpecParser, UnknownTopLevelKeyIsAWarningWithDidYouMean) {
  ParseResult result = parseServer("version: 0.0\nos: linux\nfile:\n  - source: /\n    destination: /x\n");
  ASSERT_TRUE(result.ok()) << dump(result);
  const Diagnostic* unknown = find(result, "file", Severity::Warning);
  ASSERT_NE(unknown, nullptr) << dump(result);
  EXPECT_EQ(unknown->line, 3);
  EXPECT_EQ(unknown->hint, "did you mean 'files'?");
}

TEST(AppSpecParser, InfersThePlatformFromResources) {
  ParseResult lambda = parse("version: 0.0\nResources:\n  - F:\n      Type: AWS::Lambda::Function\n      Properties:\n"
                             "        Name: f\n        Alias: live\n        CurrentVersion: 1\n        TargetVersion: 2\n",
                             "appspec.yml");
  ASSERT_TRUE(lambda.ok()) << dump(lambda);
  EXPECT_EQ(lambda.spec->platform, Platform::Lambda);
  EXPECT_EQ(parseServer(kMinimalServer).spec->platform, Platform::Server);
}

TEST(AppSpecParser, WrongPlatformShapeIsAnError) {
  std::string lambdaText = "version: 0.0\nResources:\n  - F:\n      Type: AWS::Lambda::Function\n      Properties:\n"
                           "        Name: f\n        Alias: live\n        CurrentVersion: 1\n        TargetVersion: 2\n";
  ParseResult asServer = parseServer(lambdaText);
  ASSERT_FALSE(asServer.ok());
  const Diagnostic* shape = find(asServer, "Resources");
  ASSERT_NE(shape, nullptr) << dump(asServer);
  EXPECT_EQ(shape->line, 2);
  EXPECT_NE(shape->message.find("a Lambda AppSpec"), std::string::npos);

  ParseOptions ecs;
  ecs.expectedPlatform = Platform::Ecs;
  ParseResult asEcs = parse(lambdaText, "appspec.yml", ecs);
  ASSERT_FALSE(asEcs.ok());
  EXPECT_NE(find(asEcs, "Resources"), nullptr) << dump(asEcs);

  ParseOptions lambda;
  lambda.expectedPlatform = Platform::Lambda;
  ParseResult serverAsLambda = parse(kMinimalServer, "appspec.yml", lambda);
  ASSERT_FALSE(serverAsLambda.ok());
  EXPECT_NE(find(serverAsLambda, "Resources"), nullptr) << dump(serverAsLambda);
}

TEST(AppSpecParser, CloudFormationTagsAreErrors) {
  ParseResult result = parse("version: 0.0\nResources:\n  - F:\n      Type: AWS::Lambda::Function\n      Properties:\n"
                             "        Name: f\n        Alias: live\n        CurrentVersion: !Ref Version\n"
                             "        TargetVersion: !GetAtt Fn.Version\n",
                             "appspec.yml");
  ASSERT_FALSE(result.ok());
  const Diagnostic* ref = find(result, "Resources[0].F.Properties.CurrentVersion");
  ASSERT_NE(ref, nullptr) << dump(result);
  EXPECT_EQ(ref->line, 8);
  EXPECT_NE(ref->message.find("!Ref Version"), std::string::npos);
  EXPECT_NE(ref->hint.find("substituted"), std::string::npos);
  EXPECT_NE(find(result, "Resources[0].F.Properties.TargetVersion"), nullptr);
}

TEST(AppSpecParser, DiagnosticsAreInFileOrder) {
  ParseResult result = parseServer("version: 0.0\nos: linux\nhooks:\n  AfterInstall:\n    - location: ''\n"
                                   "files:\n  - source: a\n    destination: relative\n");
  ASSERT_GE(result.diagnostics.size(), 2u);
  for (std::size_t i = 1; i < result.diagnostics.size(); ++i) {
    EXPECT_LE(result.diagnostics[i - 1].line, result.diagnostics[i].line);
  }
}

TEST(AppSpecParser, SurvivesHostileInput) {
  std::string deep(5000, '[');
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char name = 'b'; name <= 'j'; ++name) {
    std::string previous(1, static_cast<char>(name - 1));
    bomb += std::string(1, name) + ": &" + std::string(1, name) + " [*" + previous + ", *" + previous + ", *" +
            previous + ", *" + previous + ", *" + previous + ", *" + previous + ", *" + previous + ", *" +
            previous + ", *" + previous + ", *" + previous + "]\n";
  }
  const std::string inputs[] = {deep, bomb, std::string("\0\xff\xfe", 3), "{", "[1, 2", "\t- a", "---\n---\n", "? [a]\n: b", "{\"a\": 1},\n", ","};
  for (const std::string& input : inputs) {
    for (const char* name : {"appspec.yml", "appspec.json"}) {
      ParseResult result = parse(input, name);
      EXPECT_FALSE(result.ok()) << name << ": " << input.substr(0, 40);
      EXPECT_TRUE(hasErrors(result.diagnostics));
    }
  }
}

// yaml-cpp's LoadAll loops forever on this; the parser must stop and report it instead.
TEST(AppSpecParser, StrayCommaAfterAFlowMappingIsASyntaxError) {
  ParseResult result = parseServer("{\"version\": 0.0,\n \"os\": \"linux\"},\n");
  ASSERT_FALSE(result.ok());
  ASSERT_EQ(result.diagnostics.size(), 1u) << dump(result);
  EXPECT_EQ(result.diagnostics[0].line, 2);
  EXPECT_NE(result.diagnostics[0].message.find("after the end of the document"), std::string::npos);
}

TEST(AppSpecParser, SecondYamlDocumentIsAWarning) {
  ParseResult result = parseServer("version: 0.0\nos: linux\n---\nversion: 1\n");
  ASSERT_TRUE(result.ok()) << dump(result);
  ASSERT_EQ(testing::count(result, Severity::Warning), 1) << dump(result);
  EXPECT_EQ(result.diagnostics[0].line, 4);
}

TEST(AppSpecDiagnostics, FormatsLikeACompiler) {
  Diagnostic error{Severity::Error, "appspec.yml", 7, 16, "hooks.AfterInstall[0].timeout", "timeout must be a number",
                   "write e.g. timeout: 300"};
  EXPECT_EQ(format(error),
            "appspec.yml:7:16: error: hooks.AfterInstall[0].timeout: timeout must be a number (write e.g. timeout: 300)");
  Diagnostic warning{Severity::Warning, "appspec.yml", 0, 0, "", "no line", ""};
  EXPECT_EQ(format(warning), "appspec.yml: warning: no line");
  nlohmann::json json = toJson(error);
  EXPECT_EQ(json["severity"], "error");
  EXPECT_EQ(json["line"], 7);
  EXPECT_EQ(json["column"], 16);
  EXPECT_EQ(json["key"], "hooks.AfterInstall[0].timeout");
  EXPECT_EQ(json["hint"], "write e.g. timeout: 300");
  EXPECT_TRUE(hasErrors({warning, error}));
  EXPECT_FALSE(hasErrors({warning}));
}

TEST(AppSpecModel, NamesAndLookups) {
  EXPECT_STREQ(toString(Platform::Server), "server");
  EXPECT_STREQ(toString(Platform::Lambda), "lambda");
  EXPECT_STREQ(toString(Platform::Ecs), "ecs");
  EXPECT_STREQ(toString(FileExistsBehavior::Retain), "RETAIN");
  EXPECT_EQ(parseFileExistsBehavior("overwrite"), FileExistsBehavior::Overwrite);
  EXPECT_EQ(parseFileExistsBehavior("DISALLOW"), FileExistsBehavior::Disallow);
  EXPECT_EQ(parseFileExistsBehavior("KEEP"), std::nullopt);
  AppSpec spec;
  HookScript script;
  script.location = "a.sh";
  ServerHook hook;
  hook.event = "AfterInstall";
  hook.scripts.push_back(script);
  spec.hooks.push_back(hook);
  ASSERT_NE(spec.hook("AfterInstall"), nullptr);
  EXPECT_EQ(spec.hook("AfterInstall")->scripts[0].location, "a.sh");
  EXPECT_EQ(spec.hook("BeforeInstall"), nullptr);
}

}  // namespace
}  // namespace greenlight::appspec
