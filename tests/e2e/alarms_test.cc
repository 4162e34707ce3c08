// A group's alarm end to end: a webhook alarm that fires while a blue/green deployment is in its
// termination wait stops it and moves every request back to the old fleet, under wrk load with no
// failed request, and the rollback is recorded.
#include "e2e/blue_green_fixture.h"
#include "support/check_receiver.h"

namespace greenlight::testing {
namespace {

TEST_F(BlueGreenIntegration, AnAlarmFiringDuringTheTerminationWaitRollsTrafficBack) {
  CheckReceiver alarm;
  begin("CodeDeployDefault.AllAtOnce", "{terminationWaitSeconds: 600}", false, "",
        "autoRollback: {enabled: true, events: [DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_ALARM]}\n"
        "alarms:\n"
        "  intervalSeconds: 1\n"
        "  checks:\n"
        "    - name: checkout-errors\n"
        "      webhook: {url: '" + alarm.url() + "', timeoutSeconds: 2}\n");
  std::string v2 = plane_.push("sample", plane_.sampleRevision("2"));
  startLoad();
  std::string id = deploy(v2);
  json baking = waitUntil(id, [](const json& d) { return d.value("status", "") == "Baking"; });
  EXPECT_EQ(shareOf("2", 100), 100.0);
  std::size_t measured = alarm.bodies().size();
  EXPECT_GT(measured, 0u) << "the alarm is watched during the deployment";
  EXPECT_EQ(baking.at("blueGreen").at("alarms").at(0).value("verdict", ""), "Passed") << baking.dump(2);

  alarm.answer(500);
  json stopped = waitForEnd(id);
  EXPECT_EQ(shareOf("1", 200), 100.0) << "every request is served by v001 again";
  LoadReport report = stopLoad();

  ASSERT_EQ(stopped.value("status", ""), "Stopped") << stopped.dump(2) << plane_.serverLog();
  EXPECT_EQ(stopped.value("errorCode", ""), "AlarmActivated");
  EXPECT_NE(stopped.value("errorMessage", "").find("An alarm fired during TerminationWait: checkout-errors"),
            std::string::npos)
      << stopped.value("errorMessage", "");
  json rollback = plane_.cliJson("status " + stopped.value("rolledBackBy", ""));
  EXPECT_EQ(rollback.value("status", ""), "Succeeded") << rollback.dump(2);
  EXPECT_EQ(rollback.value("creator", ""), "rollback");
  EXPECT_EQ(fleetInstances("sample-web-v002").size(), 0u) << "the stopped fleet is retired";
  EXPECT_EQ(fleetInstances("sample-web-v001").size(), static_cast<std::size_t>(kInstances));
  expectNoFailure(report);
}

}  // namespace
}  // namespace greenlight::testing
