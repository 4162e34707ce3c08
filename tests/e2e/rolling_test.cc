// Rolling replace end to end: eight local instances behind the embedded HAProxy under load, the
// new fleet made two at a time. A revision whose /health fails from its third instance on (its
// ApplicationStart hook counts the instances that started before it) is stopped at the second
// batch, and the original fleet serves every request again.
#include <iostream>

#include "e2e/blue_green_fixture.h"

namespace greenlight::testing {
namespace {

constexpr const char* kRolling = "{terminationWaitSeconds: 1, rolling: {batchSizePercentage: 25, gracePeriodSeconds: 8}}";

class RollingIntegration : public BlueGreenIntegration {
 protected:
  // Version 2, healthy on the first `healthy` instances to start it and failing /health after.
  std::string revisionHealthyOnFirst(int healthy) {
    fs::path folder = plane_.sampleRevision("2");
    fs::path hook = folder / "scripts/start_server.sh";
    std::string text = readFile(hook);
    const std::string anchor = "mkdir -p \"$RUN_DIR\"\n";
    auto at = text.find(anchor);
    EXPECT_NE(at, std::string::npos) << "start_server.sh changed: " << text;
    if (at == std::string::npos) return "";
    text.insert(at + anchor.size(),
                "started=$(grep -l \"$DEPLOYMENT_ID ApplicationStart\" \"$GREENLIGHT_E2E_DIR\"/hooks/*.log | wc -l)\n"
                "if [ \"$started\" -gt " + std::to_string(healthy) + " ]; then touch \"$UNHEALTHY_MARKER\"; fi\n");
    writeFile(hook, text);
    return plane_.push("sample", folder);
  }
};

TEST_F(RollingIntegration, EightInstancesInBatchesOfTwoGoOverWithoutAFailedRequest) {
  instances_ = 8;
  begin("CodeDeployDefault.AllAtOnce", kRolling);
  std::string v2 = plane_.push("sample", plane_.sampleRevision("2"));
  startLoad();
  json finished = plane_.cliJson("deploy sample web --revision " + v2 + " --wait");
  LoadReport report = stopLoad();
  std::cout << "rolling replace of 8 instances in 4 batches under load: " << report.summary() << "\n";
  EXPECT_EQ(finished.value("status", ""), "Succeeded") << finished.dump(2) << plane_.serverLog();
  EXPECT_EQ(finished.at("blueGreen").at("rolling").value("batches", 0), 4) << finished.dump(2);
  expectNoFailure(report);
  EXPECT_GT(report.versions["1"], 0);
  EXPECT_GT(report.versions["2"], 0);
  EXPECT_EQ(shareOf("2", 100), 100.0);
  EXPECT_EQ(fleetInstances("sample-web-v002").size(), 8u);
  ASSERT_TRUE(waitFor([&] { return fleetInstances("sample-web-v001").empty(); }));
}

TEST_F(RollingIntegration, ARevisionFailingHealthInTheSecondBatchStopsAndTheOriginalFleetServes) {
  instances_ = 8;
  begin("CodeDeployDefault.AllAtOnce", kRolling, /*autoRollback=*/true);
  std::string v2 = revisionHealthyOnFirst(2);
  startLoad();
  json failed = plane_.cliJson("deploy sample web --revision " + v2 + " --wait", 4);  // exit 4: it failed
  EXPECT_EQ(failed.value("status", ""), "Failed") << failed.dump(2);
  EXPECT_EQ(failed.value("errorCode", ""), "HealthCheckFailed") << failed.dump(2);
  EXPECT_NE(failed.value("errorMessage", "").find("Batch 2 of 4 of sample-web-v002: 0 of 2 instances installed and passed"),
            std::string::npos)
      << failed.value("errorMessage", "");
  json ended = waitForEnd(failed.value("id", ""));
  LoadReport report = stopLoad();
  // The first batch served its share while it could; the sick batch never got a request.
  expectNoFailure(report);
  EXPECT_GT(report.versions["2"], 0) << report.summary();
  EXPECT_EQ(shareOf("1", 200), 100.0);
  EXPECT_EQ(fleetInstances("sample-web-v001").size(), 8u) << "the original fleet, whole";
  ASSERT_TRUE(waitFor([&] { return fleetInstances("sample-web-v002").empty(); })) << ended.dump(2);
}

}  // namespace
}  // namespace greenlight::testing
