// JSON round trips of the domain types, and rejection of unknown names.
#include <gtest/gtest.h>

#include "domain/application.h"
#include "domain/deployment_status.h"
#include "domain/instance_state.h"
#include "domain/json_parse.h"

namespace greenlight::domain {
namespace {

TEST(DomainJsonTest, ApplicationRoundTrips) {
  Application application{"shop", ComputePlatform::Ecs,
                          parseTimestamp("2026-11-22T02:18:10.123Z")};
  nlohmann::json json = application;
  EXPECT_EQ(json["computePlatform"], "ecs");
  EXPECT_EQ(json["createdAt"], "2026-11-22T02:18:10.123Z");
  auto back = parseJson<Application>(nlohmann::json::parse(json.dump()), "application 'shop'");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, application);
}

TEST(DomainJsonTest, ApplicationWithUnknownPlatformIsAnError) {
  auto json = nlohmann::json::parse(R"({"name": "shop", "computePlatform": "vm", "createdAt": "x"})");
  auto back = parseJson<Application>(json, "application 'shop'");
  ASSERT_FALSE(back.ok());
  EXPECT_NE(back.error().message.find("unknown compute platform 'vm'"), std::string::npos)
      << back.error().message;
}

TEST(DomainJsonTest, ApplicationWithUnreadableCreationTimeIsAnError) {
  auto json = nlohmann::json::parse(R"({"name": "shop", "computePlatform": "server", "createdAt": "yesterday"})");
  auto back = parseJson<Application>(json, "application 'shop'");
  ASSERT_FALSE(back.ok());
  EXPECT_NE(back.error().message.find("'createdAt' is 'yesterday'"), std::string::npos)
      << back.error().message;
}

TEST(DomainJsonTest, EnumsAreWrittenByNameAndReadBack) {
  nlohmann::json json = {{"status", DeploymentStatus::Baking},
                         {"creator", DeploymentCreator::Rollback},
                         {"instance", InstanceStatus::Skipped},
                         {"health", InstanceHealth::Unhealthy},
                         {"revision", RevisionHealth::Old}};
  EXPECT_EQ(json.dump(),
            R"({"creator":"rollback","health":"Unhealthy","instance":"Skipped","revision":"Old","status":"Baking"})");
  EXPECT_EQ(json["status"].get<DeploymentStatus>(), DeploymentStatus::Baking);
  EXPECT_EQ(json["creator"].get<DeploymentCreator>(), DeploymentCreator::Rollback);
  EXPECT_EQ(json["instance"].get<InstanceStatus>(), InstanceStatus::Skipped);
  EXPECT_EQ(json["health"].get<InstanceHealth>(), InstanceHealth::Unhealthy);
  EXPECT_EQ(json["revision"].get<RevisionHealth>(), RevisionHealth::Old);
}

TEST(DomainJsonTest, UnknownOrNonStringEnumValuesAreErrors) {
  auto unknown = parseJson<DeploymentStatus>(nlohmann::json("Running"), "deployment status");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("expected Created, Queued, InProgress, Baking, Ready, "
                                         "Succeeded, Failed or Stopped"),
            std::string::npos)
      << unknown.error().message;
  auto number = parseJson<InstanceStatus>(nlohmann::json(3), "instance status");
  ASSERT_FALSE(number.ok());
  EXPECT_NE(number.error().message.find("must be a string"), std::string::npos);
}

}  // namespace
}  // namespace greenlight::domain
