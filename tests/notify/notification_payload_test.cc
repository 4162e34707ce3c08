// The bodies: the JSON document and Slack's {"text"} shape.
#include "notify/notification_payload.h"

#include "notify_test_support.h"

namespace greenlight::notify {
namespace {

using domain::DeploymentStatus;
using domain::InstanceStatus;
using nlohmann::json;

TEST(NotificationPayload, NamesTheDeploymentTheEventAndItsInstance) {
  auto failed = deployment(DeploymentStatus::Failed, {target("i-1", InstanceStatus::Failed)});
  failed.startedAt = at("10:00:00.000");
  failed.errorCode = "ScriptFailed";
  failed.errorMessage = "The deployment failed on i-1.\nSee its log.";
  failed.targets[0].errorCode = "ScriptFailed";
  failed.targets[0].message = "exit 3";
  failed.targets[0].currentEvent = "ValidateService";
  Derivation derivation = deriveEvents({}, failed, at("10:00:05.000"));
  ASSERT_EQ(derivation.events.size(), 4u);  // start, instance start, instance failure, failure

  json instanceFailure = payloadFor(failed, derivation.events[2], "d-TEST00001.3.ops");
  EXPECT_EQ(instanceFailure["event"], "InstanceFailure");
  EXPECT_EQ(instanceFailure["sequence"], 3);
  EXPECT_EQ(instanceFailure["deliveryId"], "d-TEST00001.3.ops");
  EXPECT_EQ(instanceFailure["deploymentId"], "d-TEST00001");
  EXPECT_EQ(instanceFailure["application"], "shop");
  EXPECT_EQ(instanceFailure["deploymentGroup"], "web");
  EXPECT_EQ(instanceFailure["revision"], std::string(64, 'a'));
  EXPECT_EQ(instanceFailure["creator"], "user");
  EXPECT_EQ(instanceFailure["instance"]["instanceId"], "i-1");
  EXPECT_EQ(instanceFailure["instance"]["lifecycleEvent"], "ValidateService");
  EXPECT_EQ(instanceFailure["errorCode"], "") << "the deployment's error only with its own end";

  json end = payloadFor(failed, derivation.events[3], "d-TEST00001.4.ops");
  EXPECT_EQ(end["event"], "DeploymentFailure");
  EXPECT_EQ(end["status"], "Failed");
  EXPECT_EQ(end["errorCode"], "ScriptFailed");
  EXPECT_EQ(end["time"], "2026-03-01T10:00:05.000Z");
  EXPECT_FALSE(end.contains("instance"));

  EXPECT_EQ(bodyFor(catalog::NotificationFormat::Json, end), end.dump());
  json slack = json::parse(bodyFor(catalog::NotificationFormat::Slack, end));
  ASSERT_EQ(slack.size(), 1u) << slack.dump();
  std::string text = slack["text"];
  EXPECT_NE(text.find("DeploymentFailure of shop/web (d-TEST00001, revision aaaaaaaaaaaa): Failed"),
            std::string::npos) << text;
  EXPECT_NE(text.find("ScriptFailed: The deployment failed on i-1."), std::string::npos) << text;
  EXPECT_EQ(text.find("See its log"), std::string::npos) << "first line only: " << text;
}

TEST(NotificationPayload, ASlackStepSaysWhereTheShiftIs) {
  auto pausing = blueGreen(DeploymentStatus::InProgress, "Shifting", 1, {});
  pausing.startedAt = at("10:00:00.000");
  Derivation derivation = deriveEvents({}, pausing, at("10:00:05.000"));
  ASSERT_FALSE(derivation.events.empty());
  const DerivedEvent& pause = derivation.events.back();
  ASSERT_EQ(pause.event, "PauseStarted");
  json payload = payloadFor(pausing, pause, "x");
  EXPECT_EQ(payload["fleetVersion"], "shop-web-v002");
  EXPECT_EQ(payload["previousFleetVersion"], "shop-web-v001");
  std::string text = json::parse(bodyFor(catalog::NotificationFormat::Slack, payload))["text"];
  EXPECT_NE(text.find("step 2 of 3: a pause of 30s at 10%"), std::string::npos) << text;
}

TEST(NotificationPayload, BytesThatAreNotUtf8DoNotStopTheBody) {
  auto failed = deployment(DeploymentStatus::Failed);
  failed.errorMessage = "bad \xff byte";
  Derivation derivation = deriveEvents({}, failed, at("10:00:05.000"));
  ASSERT_EQ(derivation.events.size(), 1u);
  std::string body = bodyFor(catalog::NotificationFormat::Json, payloadFor(failed, derivation.events[0], "x"));
  EXPECT_TRUE(json::accept(body)) << body;
}

}  // namespace
}  // namespace greenlight::notify
