// A group's alarms (webhook checks answered by a real HTTP server): one that fires during a
// blue/green termination wait stops the deployment and switches traffic back, with a linked
// rollback when autoRollback lists DEPLOYMENT_STOP_ON_ALARM; one that cannot be read stops it
// unless the group ignores read failures; an in-place deployment is stopped and rolled back too.
#include "engine/blue_green_fixture.h"
#include "support/check_receiver.h"

namespace greenlight::engine {
namespace {

nlohmann::json webhookAlarm(const std::string& url, nlohmann::json extra = nlohmann::json::object()) {
  nlohmann::json alarms = {{"intervalSeconds", 5},
                           {"checks", nlohmann::json::array({{{"name", "slo"},
                                                              {"webhook", {{"url", url}, {"timeoutSeconds", 1}}}}})}};
  alarms.update(extra);
  return alarms;
}

class AlarmsTest : public BlueGreenTest {
 protected:
  // v001 serving; v002 deployed all at once, in its termination wait with the alarm measured.
  void bakeV002(const std::string& alarmUrl, nlohmann::json extra = nlohmann::json::object()) {
    alarms_ = webhookAlarm(alarmUrl, extra);
    rollbackEvents_ = {catalog::kRollbackOnFailure, catalog::kRollbackOnAlarm};
    makeBlueGreenGroup(2, "CodeDeployDefault.AllAtOnce", {{"terminationWaitSeconds", 600}});
    old_ = targetIds(firstFleet('a'));
    id_ = deploy(addRevision('b')).id;
    reconcile();
    fresh_ = targetIds(id_);
    installAndPass(id_);
  }
  std::vector<std::string> old_;
  std::vector<std::string> fresh_;
  std::string id_;
  testing::CheckReceiver receiver_;
};

TEST_F(AlarmsTest, AnAlarmFiringInTheTerminationWaitSwitchesBackAndRollsBack) {
  bakeV002(receiver_.url());
  ASSERT_EQ(get(id_).status, domain::DeploymentStatus::Baking) << get(id_).errorMessage;
  ASSERT_FALSE(receiver_.bodies().empty()) << "alarms are watched from the start";
  EXPECT_EQ(receiver_.bodies().back()["alarm"], true);
  EXPECT_EQ(stateOf(id_).alarms.at(0).verdict, "Passed");
  EXPECT_NEAR(percentTo(fresh_, old_), 100.0, 0.01);
  receiver_.answer(500);
  clock_.advance(std::chrono::seconds(4));
  reconcile();
  EXPECT_EQ(get(id_).status, domain::DeploymentStatus::Baking) << "measured every intervalSeconds";
  clock_.advance(std::chrono::seconds(1));
  reconcile();
  DeploymentView stopped = get(id_);
  EXPECT_EQ(stopped.status, domain::DeploymentStatus::Stopped);
  EXPECT_EQ(stopped.errorCode, "AlarmActivated");
  EXPECT_TRUE(contains(stopped.errorMessage, "An alarm fired during TerminationWait: slo: POST " +
                                                 receiver_.url() + ": HTTP 500"))
      << stopped.errorMessage;
  EXPECT_EQ(percentTo(fresh_, old_), 0.0) << "traffic is back on v001";
  ASSERT_TRUE(stopped.rolledBackBy.has_value()) << stopped.errorMessage;
  EXPECT_EQ(get(*stopped.rolledBackBy).status, domain::DeploymentStatus::Succeeded);
  EXPECT_EQ(compute_.retired(), std::vector<std::string>{"shop-web-v002"});
  EXPECT_EQ(stopped.blueGreen["alarms"][0]["verdict"], "Failed");
}

TEST_F(AlarmsTest, AnAlarmThatCannotBeReadStopsTheDeployment) {
  bakeV002(receiver_.url());
  ASSERT_EQ(get(id_).status, domain::DeploymentStatus::Baking) << get(id_).errorMessage;
  receiver_.stop();
  clock_.advance(std::chrono::seconds(5));
  reconcile();
  DeploymentView stopped = get(id_);
  EXPECT_EQ(stopped.status, domain::DeploymentStatus::Stopped);
  EXPECT_EQ(stopped.errorCode, "AlarmReadFailed");
  EXPECT_TRUE(contains(stopped.errorMessage, "alarms.ignoreReadFailures: true")) << stopped.errorMessage;
  EXPECT_TRUE(contains(stopped.errorMessage, "cannot reach the webhook at")) << stopped.errorMessage;
  EXPECT_EQ(percentTo(fresh_, old_), 0.0);
}

TEST_F(AlarmsTest, ReadFailuresCanBeIgnored) {
  bakeV002(receiver_.url(), {{"ignoreReadFailures", true}});
  receiver_.stop();
  clock_.advance(std::chrono::seconds(5));
  reconcile();
  EXPECT_EQ(get(id_).status, domain::DeploymentStatus::Baking) << get(id_).errorMessage;
  EXPECT_EQ(stateOf(id_).alarms.at(0).verdict, "Error");
  clock_.advance(std::chrono::seconds(601));
  reconcile();
  EXPECT_EQ(get(id_).status, domain::DeploymentStatus::Succeeded) << get(id_).errorMessage;
}

class InPlaceAlarmsTest : public EngineTest {};

TEST_F(InPlaceAlarmsTest, AnAlarmStopsAnInPlaceDeploymentAndRollsItBack) {
  testing::CheckReceiver receiver;
  alarms_ = webhookAlarm(receiver.url());
  rollbackEvents_ = {catalog::kRollbackOnAlarm};
  std::vector<std::string> ids = makeGroup(3, "CodeDeployDefault.OneAtATime", true);
  std::string first = deploy(addRevision('a')).id;
  reconcile();
  runToEnd(first);
  ASSERT_EQ(get(first).status, domain::DeploymentStatus::Succeeded) << get(first).errorMessage;
  std::string second = deploy(addRevision('b')).id;
  reconcile();
  ASSERT_EQ(get(second).status, domain::DeploymentStatus::InProgress);
  std::size_t calls = receiver.bodies().size();
  EXPECT_GT(calls, 0u);
  receiver.answer(503);
  clock_.advance(std::chrono::seconds(5));
  reconcile();
  DeploymentView stopped = get(second);
  EXPECT_EQ(stopped.status, domain::DeploymentStatus::Stopped);
  EXPECT_EQ(stopped.errorCode, "AlarmActivated");
  EXPECT_TRUE(contains(stopped.errorMessage, "an alarm fired: slo: POST")) << stopped.errorMessage;
  ASSERT_TRUE(stopped.rolledBackBy.has_value()) << stopped.errorMessage;
  DeploymentView rollback = get(*stopped.rolledBackBy);
  EXPECT_EQ(rollback.revision, std::string(64, 'a'));
  EXPECT_EQ(receiver.bodies().back()["deploymentId"], second);
}

}  // namespace
}  // namespace greenlight::engine
