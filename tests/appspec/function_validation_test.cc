// Validation of the lambda and ecs AppSpec shapes: Resources, Properties and Hooks.
#include <gtest/gtest.h>

#include "appspec/parser.h"
#include "appspec_test_helpers.h"

namespace greenlight::appspec {
namespace {

using testing::dump;
using testing::find;

std::string lambdaSpec(const std::string& properties, const std::string& hooks = "") {
  return "version: 0.0\n"
         "Resources:\n"
         "  - MyFunction:\n"
         "      Type: AWS::Lambda::Function\n"
         "      Properties:\n" +  // properties start at line 6
         properties + hooks;
}

const char* kLambdaProperties =
    "        Name: my-function\n"
    "        Alias: live\n"
    "        CurrentVersion: 1\n"
    "        TargetVersion: \"2\"\n";

std::string ecsSpec(const std::string& properties, const std::string& hooks = "") {
  return "version: 0.0\n"
         "Resources:\n"
         "  - TargetService:\n"
         "      Type: AWS::ECS::Service\n"
         "      Properties:\n" +
         properties + hooks;
}

const char* kEcsProperties =
    "        TaskDefinition: arn:aws:ecs:eu-west-1:1:task-definition/web:3\n"
    "        LoadBalancerInfo:\n"
    "          ContainerName: web\n"
    "          ContainerPort: 8080\n";

TEST(LambdaAppSpec, ReadsResourceAndHooks) {
  ParseResult result = parse(lambdaSpec(kLambdaProperties,
                                        "Hooks:\n  - BeforeAllowTraffic: CheckBefore\n  - AfterAllowTraffic: CheckAfter\n"),
                             "appspec.yml");
  ASSERT_TRUE(result.ok()) << dump(result);
  EXPECT_TRUE(result.diagnostics.empty()) << dump(result);
  const AppSpec& spec = *result.spec;
  EXPECT_EQ(spec.platform, Platform::Lambda);
  ASSERT_EQ(spec.resources.size(), 1u);
  EXPECT_EQ(spec.resources[0].logicalName, "MyFunction");
  EXPECT_EQ(spec.resources[0].type, "AWS::Lambda::Function");
  EXPECT_EQ(spec.resources[0].where.line, 3);
  EXPECT_EQ(spec.resources[0].properties["Name"], "my-function");
  EXPECT_EQ(spec.resources[0].properties["CurrentVersion"], 1);
  EXPECT_EQ(spec.resources[0].properties["TargetVersion"], "2");
  ASSERT_EQ(spec.functionHooks.size(), 2u);
  EXPECT_EQ(spec.functionHooks[0].event, "BeforeAllowTraffic");
  EXPECT_EQ(spec.functionHooks[0].functionName, "CheckBefore");
  EXPECT_EQ(spec.functionHooks[1].where.line, 12);
}

TEST(LambdaAppSpec, VersionsAreRequired) {
  ParseResult result = parse(lambdaSpec("        Name: f\n        Alias: live\n"), "appspec.yml");
  ASSERT_FALSE(result.ok());
  const Diagnostic* current = find(result, "Resources[0].MyFunction.Properties.CurrentVersion");
  ASSERT_NE(current, nullptr) << dump(result);
  EXPECT_EQ(current->line, 6);
  EXPECT_NE(find(result, "Resources[0].MyFunction.Properties.TargetVersion"), nullptr);
}

TEST(LambdaAppSpec, HooksInTheServerShapeAreAnError) {
  ParseResult result =
      parse(lambdaSpec(kLambdaProperties, "Hooks:\n  BeforeAllowTraffic:\n    - location: a.sh\n"), "appspec.yml");
  const Diagnostic* error = find(result, "Hooks");
  ASSERT_NE(error, nullptr) << dump(result);
  EXPECT_EQ(error->line, 11);
  EXPECT_NE(error->hint.find("server platform's shape"), std::string::npos);
}

TEST(LambdaAppSpec, EmptyFunctionNameIsAnError) {
  ParseResult result = parse(lambdaSpec(kLambdaProperties, "Hooks:\n  - BeforeAllowTraffic: \"\"\n  - AfterAllowTraffic:\n"),
                             "appspec.yml");
  const Diagnostic* empty = find(result, "Hooks[0].BeforeAllowTraffic");
  ASSERT_NE(empty, nullptr) << dump(result);
  EXPECT_EQ(empty->line, 11);
  EXPECT_NE(find(result, "Hooks[1].AfterAllowTraffic"), nullptr);
}

TEST(LambdaAppSpec, EventsOfOtherPlatformsAreErrorsAndUnknownOnesWarnings) {
  ParseResult ecsEvent = parse(lambdaSpec(kLambdaProperties, "Hooks:\n  - BeforeInstall: f\n"), "appspec.yml");
  EXPECT_NE(find(ecsEvent, "Hooks[0].BeforeInstall"), nullptr) << dump(ecsEvent);
  ParseResult typo = parse(lambdaSpec(kLambdaProperties, "Hooks:\n  - BeforeAlowTraffic: f\n"), "appspec.yml");
  const Diagnostic* warning = find(typo, "Hooks[0].BeforeAlowTraffic", Severity::Warning);
  ASSERT_NE(warning, nullptr) << dump(typo);
  EXPECT_EQ(warning->hint, "did you mean 'BeforeAllowTraffic'?");
}

TEST(LambdaAppSpec, TypeMustMatchThePlatform) {
  ParseOptions lambda;
  lambda.expectedPlatform = Platform::Lambda;
  ParseResult result = parse("version: 0.0\nResources:\n  - F:\n      Type: AWS::S3::Bucket\n      Properties:\n" +
                                 std::string(kLambdaProperties),
                             "appspec.yml", lambda);
  const Diagnostic* error = find(result, "Resources[0].F.Type");
  ASSERT_NE(error, nullptr) << dump(result);
  EXPECT_EQ(error->line, 4);
}

TEST(LambdaAppSpec, ResourcesMustBeAListOfOneNamedResource) {
  ParseResult mapping = parse("version: 0.0\nResources:\n  F:\n    Type: AWS::Lambda::Function\n", "appspec.yml");
  EXPECT_NE(find(mapping, "Resources"), nullptr) << dump(mapping);
  ParseResult two = parse(lambdaSpec(kLambdaProperties) + "  - Other:\n      Type: AWS::Lambda::Function\n"
                                                          "      Properties:\n" + kLambdaProperties,
                          "appspec.yml");
  const Diagnostic* error = find(two, "Resources[1]");
  ASSERT_NE(error, nullptr) << dump(two);
  EXPECT_NE(error->message.find("exactly one resource"), std::string::npos);
}

TEST(EcsAppSpec, ReadsServiceWithOptionalProperties) {
  ParseResult result = parse(ecsSpec(std::string(kEcsProperties) +
                                         "        PlatformVersion: LATEST\n"
                                         "        NetworkConfiguration:\n"
                                         "          AwsvpcConfiguration:\n"
                                         "            Subnets: [subnet-1, subnet-2]\n"
                                         "            SecurityGroups: [sg-1]\n"
                                         "            AssignPublicIp: DISABLED\n"
                                         "        CapacityProviderStrategy:\n"
                                         "          - CapacityProvider: FARGATE_SPOT\n"
                                         "            Weight: 1\n",
                                     "Hooks:\n  - AfterAllowTestTraffic: TestFn\n"),
                             "appspec.yaml");
  ASSERT_TRUE(result.ok()) << dump(result);
  EXPECT_TRUE(result.diagnostics.empty()) << dump(result);
  EXPECT_EQ(result.spec->platform, Platform::Ecs);
  const nlohmann::json& properties = result.spec->resources.at(0).properties;
  EXPECT_EQ(properties["LoadBalancerInfo"]["ContainerPort"], 8080);
  EXPECT_EQ(properties["NetworkConfiguration"]["AwsvpcConfiguration"]["Subnets"][1], "subnet-2");
  EXPECT_EQ(properties["CapacityProviderStrategy"][0]["Weight"], 1);
  EXPECT_EQ(result.spec->functionHooks.at(0).event, "AfterAllowTestTraffic");
}

TEST(EcsAppSpec, LoadBalancerInfoAndPortAreChecked) {
  ParseResult missing = parse(ecsSpec("        TaskDefinition: t\n"), "appspec.yml");
  EXPECT_NE(find(missing, "Resources[0].TargetService.Properties.LoadBalancerInfo"), nullptr) << dump(missing);
  ParseResult badPort = parse(ecsSpec("        TaskDefinition: t\n        LoadBalancerInfo:\n"
                                      "          ContainerName: web\n          ContainerPort: \"<PORT>\"\n"),
                              "appspec.yml");
  const Diagnostic* port = find(badPort, "Resources[0].TargetService.Properties.LoadBalancerInfo.ContainerPort");
  ASSERT_NE(port, nullptr) << dump(badPort);
  EXPECT_EQ(port->line, 9);
  ParseResult quotedPort = parse(ecsSpec("        TaskDefinition: t\n        LoadBalancerInfo:\n"
                                         "          ContainerName: web\n          ContainerPort: \"80\"\n"),
                                 "appspec.yml");
  ASSERT_TRUE(quotedPort.ok()) << dump(quotedPort);
  EXPECT_NE(find(quotedPort, "Resources[0].TargetService.Properties.LoadBalancerInfo.ContainerPort", Severity::Warning),
            nullptr);
}

TEST(EcsAppSpec, CaseVariantPropertyIsStoredUnderItsReferenceName) {
  ParseResult result = parse(ecsSpec("        taskDefinition: t\n        LoadBalancerInfo:\n"
                                     "          containerName: web\n          ContainerPort: 80\n"),
                             "appspec.yml");
  ASSERT_TRUE(result.ok()) << dump(result);
  EXPECT_EQ(result.spec->resources[0].properties["TaskDefinition"], "t");
  EXPECT_EQ(result.spec->resources[0].properties["LoadBalancerInfo"]["ContainerName"], "web");
  EXPECT_NE(find(result, "Resources[0].TargetService.Properties.taskDefinition", Severity::Warning), nullptr);
}

TEST(EcsAppSpec, UnknownPropertyAndServerKeysWarn) {
  ParseResult result = parse("version: 0.0\nfiles:\n  - source: /\n    destination: /x\n" +
                                 ecsSpec(std::string(kEcsProperties) + "        TargetGroups: []\n").substr(13),
                             "appspec.yml");
  ASSERT_TRUE(result.ok()) << dump(result);
  EXPECT_NE(find(result, "files", Severity::Warning), nullptr) << dump(result);
  EXPECT_NE(find(result, "Resources[0].TargetService.Properties.TargetGroups", Severity::Warning), nullptr);
}

TEST(EcsAppSpec, EmptyHookFunctionIsAnErrorInJson) {
  ParseResult result = parse("{\n \"version\": 0.0,\n \"Resources\": [{\"S\": {\"Type\": \"AWS::ECS::Service\",\n"
                             "  \"Properties\": {\"TaskDefinition\": \"t\", \"LoadBalancerInfo\": {\"ContainerName\": \"c\","
                             " \"ContainerPort\": 80}}}}],\n \"Hooks\": [\n  {\"BeforeInstall\": \"\"}\n ]\n}",
                             "appspec.json");
  const Diagnostic* error = find(result, "Hooks[0].BeforeInstall");
  ASSERT_NE(error, nullptr) << dump(result);
  EXPECT_EQ(error->line, 6);
}

}  // namespace
}  // namespace greenlight::appspec
