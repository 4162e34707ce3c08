// A valid AWS group this server cannot run yet is refused when saved — never stored and then
// silently not deployed — and the same rule as a pure function for every AWS part of a group.
#include "server_fixture.h"

#include "catalog/group_spec.h"
#include "server/provider_support.h"

namespace greenlight::server {
namespace {

using nlohmann::json;

const char* kAwsGroup =
    "name: dev_apnortheast2\n"
    "deploymentStyle: blue-green\n"
    "fleet:\n"
    "  provider: aws\n"
    "  aws:\n"
    "    region: ap-northeast-2\n"
    "    launchTemplate: {ami: ami-01288945bd24ed49a, instanceType: t3.medium}\n"
    "    autoScaling: {vpc: vpc-main, capacity: {min: 1, max: 2, desired: 1}}\n"
    "loadBalancer: {provider: aws-elbv2, targetGroups: [hello-ext]}\n"
    "alarms: {checks: [{name: errors, cloudwatch: {alarmNames: [hello-5xx]}}]}\n";

class AwsGroupsApiTest : public ServerFixture {};

TEST_F(AwsGroupsApiTest, AnAwsGroupIsRefusedNamingWhatTheServerLacks) {
  createApplication("hello");
  std::filesystem::path file = data_.path() / "group.yaml";
  testing::writeFile(file, kAwsGroup);
  auto response = admin_->uploadFile("POST", "/v1/applications/hello/groups", file, "application/yaml");
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 422) << response->body;
  json body = json::parse(response->body, nullptr, false);
  EXPECT_EQ(body["error"]["code"], "ProviderNotConfigured");
  std::string message = body["error"]["message"];
  EXPECT_NE(message.find("fleet.provider: the aws fleet provider needs AWS settings"), std::string::npos) << message;
  EXPECT_NE(message.find("loadBalancer.provider: the aws-elbv2 traffic provider is not configured"), std::string::npos) << message;
  EXPECT_NE(message.find("alarms.checks[0].cloudwatch"), std::string::npos) << message;
  EXPECT_NE(message.find("was not saved"), std::string::npos) << message;
  EXPECT_EQ(call(*admin_, "GET", "/v1/applications/hello/groups/dev_apnortheast2").status, 404);

  // An invalid aws group is still a 400 naming the key: validation comes first.
  testing::writeFile(file, std::string(kAwsGroup) + "deploymentConfig: [x]\n");
  auto invalid = admin_->uploadFile("POST", "/v1/applications/hello/groups", file, "application/yaml");
  ASSERT_TRUE(invalid.ok());
  EXPECT_EQ(invalid->status, 400) << invalid->body;
}

TEST(ProviderSupport, EachAwsPartIsRefusedUntilItsProviderIsSetUp) {
  Result<catalog::GroupSpec> spec = catalog::parseGroupYaml(kAwsGroup, "group.yaml", "hello");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_FALSE(checkRunnable(*spec, {}).ok());
  EXPECT_FALSE(checkRunnable(*spec, {.aws = true, .awsElbv2 = true, .cloudWatch = false}).ok());
  Status onlyAlarms = checkRunnable(*spec, {.aws = true, .awsElbv2 = true, .cloudWatch = false});
  EXPECT_EQ(onlyAlarms.error().message.find("fleet.provider"), std::string::npos);
  EXPECT_TRUE(checkRunnable(*spec, {.aws = true, .awsElbv2 = true, .cloudWatch = true}).ok());
  catalog::GroupSpec local;
  local.application = "hello";
  local.name = "web";
  local.fleet.instances = 2;
  EXPECT_TRUE(checkRunnable(local, {}).ok());
}

}  // namespace
}  // namespace greenlight::server
