// `greenlight import goployer` through the real binary: group files written and loadable, the
// report printed, JSON output, and clear failures for a malformed or foreign file.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "catalog/group_spec.h"
#include "support/test_support.h"

namespace greenlight {
namespace {

namespace fs = std::filesystem;
using testing::runCommand;
using testing::TempDir;
using testing::writeFile;

std::string importGoployer(const std::string& arguments) {
  return "'" + testing::greenlightBinary().string() + "' import goployer " + arguments + " 2>&1";
}

std::string corpus(const std::string& name) {
  return "'" + (testing::sharedDir() / "corpus/goployer" / name).string() + "'";
}

TEST(ImportGoployerCommand, WritesGroupFilesThatLoadAndPrintsTheReport) {
  TempDir dir;
  auto result = runCommand(importGoployer(corpus("api-test-example.yaml") + " --out '" + (dir / "groups").string() + "'"));
  ASSERT_EQ(result.exitCode, 0) << result.output;
  fs::path file = dir / "groups/dev_apnortheast2.yaml";
  ASSERT_TRUE(fs::exists(file)) << result.output;
  Result<catalog::GroupSpec> spec = catalog::parseGroupYaml(testing::readFile(file), file.string());
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_EQ(spec->application, "hello");
  EXPECT_EQ(spec->fleet.provider, catalog::FleetProvider::Aws);
  EXPECT_NE(result.output.find("greenlight app create hello"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("Not honoured ("), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("api-test-example.yaml:55:24: stacks[0].api_test_template = api-test-dev"),
            std::string::npos) << result.output;
  EXPECT_NE(result.output.find("stacks[0].regions[0].healthcheck_target_group"), std::string::npos) << result.output;
}

TEST(ImportGoployerCommand, JsonOutputHoldsTheGroupsAndTheReport) {
  TempDir dir;
  auto result = runCommand("'" + testing::greenlightBinary().string() + "' import goployer " +
                           corpus("test_manifest.yaml") + " --stack artd-mixed --out '" + dir.path().string() +
                           "' --output json");
  ASSERT_EQ(result.exitCode, 0) << result.output;
  nlohmann::json json = nlohmann::json::parse(result.output);
  ASSERT_EQ(json["groups"].size(), 1u);
  EXPECT_EQ(json["groups"][0]["name"], "dev-3_apnortheast2");
  EXPECT_EQ(json["groups"][0]["spec"]["fleet"]["aws"]["autoScaling"]["mixedInstancesPolicy"]["spotInstancePools"], 1);
  EXPECT_TRUE(fs::exists(json["groups"][0]["file"].get<std::string>()));
  EXPECT_EQ(json["application"]["name"], "hello-test");
  EXPECT_FALSE(json["unhonoured"].empty());
}

TEST(ImportGoployerCommand, MalformedYamlFailsWithLineAndColumn) {
  TempDir dir;
  writeFile(dir / "bad.yaml", "name: hello\nstacks:\n  - stack: [artd\n");
  auto result = runCommand(importGoployer("'" + (dir / "bad.yaml").string() + "' --out '" + dir.path().string() + "'"));
  EXPECT_EQ(result.exitCode, 1) << result.output;
  EXPECT_NE(result.output.find("bad.yaml:4:1: not valid YAML"), std::string::npos) << result.output;
  writeFile(dir / "appspec.yml", "version: 0.0\nos: linux\n");
  result = runCommand(importGoployer("'" + (dir / "appspec.yml").string() + "'"));
  EXPECT_EQ(result.exitCode, 1) << result.output;
  EXPECT_NE(result.output.find("not a Goployer manifest"), std::string::npos) << result.output;
  EXPECT_FALSE(fs::exists(dir / "dev_apnortheast2.yaml"));
}

}  // namespace
}  // namespace greenlight
