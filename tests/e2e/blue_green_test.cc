// Blue/green deployments end to end: a real server, real agents running the sample app's hooks,
// the embedded HAProxy, and wrk sending requests through the group's frontend for the whole
// deployment. Each test checks that not one request failed, that the served versions (read from
// the responses) follow the intended split at each step, and which fleet serves at the end.
#include <iostream>

#include "e2e/blue_green_fixture.h"

namespace greenlight::testing {
namespace {

TEST_F(BlueGreenIntegration, AllAtOnceUnderLoadFailsNoRequestAndRetiresTheOldFleet) {
  begin("CodeDeployDefault.AllAtOnce", "{terminationWaitSeconds: 1}");
  std::string v2 = plane_.push("sample", plane_.sampleRevision("2"));
  startLoad();
  json done = plane_.cliJson("deploy sample web --revision " + v2 + " --wait");
  json finished = waitForEnd(done.value("id", ""));
  VersionSample settled = sampleVersions(frontend_, 100);
  LoadReport report = stopLoad();
  ASSERT_EQ(finished.value("status", ""), "Succeeded") << finished.dump(2) << plane_.serverLog();
  expectNoFailure(report);
  EXPECT_GT(report.versions["1"], 0) << report.summary();
  EXPECT_GT(report.versions["2"], 0) << report.summary();
  EXPECT_EQ(settled.failures, 0) << settled.lastError;
  EXPECT_EQ(settled.versions["2"], 100);
  EXPECT_EQ(finished.at("blueGreen").value("fleetVersion", ""), "sample-web-v002");
  EXPECT_EQ(fleetInstances("sample-web-v001").size(), 0u) << "v001 is retired";
  EXPECT_EQ(fleetInstances("sample-web-v002").size(), static_cast<std::size_t>(kInstances));
}

TEST_F(BlueGreenIntegration, CanaryTenPercentThenAllAfterContinue) {
  begin("canary-10", "{terminationWaitSeconds: 1}", false, "10,pause,100");
  std::string v2 = plane_.push("sample", plane_.sampleRevision("2"));
  startLoad();
  std::string id = deploy(v2);
  json paused = waitForPause(id, 1);
  expectSplit(10.0);
  EXPECT_NE(paused.at("blueGreen").value("waitingFor", "").find("greenlight continue"), std::string::npos);
  json finished = continueToTheEnd(id);
  LoadReport report = stopLoad();
  ASSERT_EQ(finished.value("status", ""), "Succeeded") << finished.dump(2);
  expectNoFailure(report);
}

TEST_F(BlueGreenIntegration, LinearFourTimesTwentyFivePercent) {
  begin("linear-25", "{terminationWaitSeconds: 1}", false, "25,pause,50,pause,75,pause,100");
  std::string v2 = plane_.push("sample", plane_.sampleRevision("2"));
  startLoad();
  std::string id = deploy(v2);
  for (int step = 0; step < 3; ++step) {
    json paused = waitForPause(id, 2 * step + 1);
    SCOPED_TRACE("step " + std::to_string(step));
    expectSplit(25.0 * (step + 1));
    ASSERT_EQ(plane_.cli("continue " + id).exitCode, 0);
  }
  json finished = waitForEnd(id);
  EXPECT_EQ(shareOf("2", 100), 100.0);
  LoadReport report = stopLoad();
  ASSERT_EQ(finished.value("status", ""), "Succeeded") << finished.dump(2);
  expectNoFailure(report);
}

TEST_F(BlueGreenIntegration, RollbackDuringTheTerminationWaitIsAnInstantSwitchBack) {
  begin("CodeDeployDefault.AllAtOnce", "{terminationWaitSeconds: 600}");
  std::set<std::string> original;
  for (const auto& instance : fleetInstances("sample-web-v001")) original.insert(instance.value("id", ""));
  ASSERT_EQ(original.size(), static_cast<std::size_t>(kInstances));
  std::string v2 = plane_.push("sample", plane_.sampleRevision("2"));
  startLoad();
  std::string id = deploy(v2);
  waitUntil(id, [](const json& d) { return d.value("status", "") == "Baking"; });
  EXPECT_EQ(shareOf("2", 100), 100.0);
  json rollback = plane_.cliJson("rollback sample web");
  std::string rollbackId = rollback.value("id", "");
  json switched = waitForEnd(rollbackId);
  EXPECT_EQ(shareOf("1", 100), 100.0);
  LoadReport report = stopLoad();
  EXPECT_EQ(switched.value("status", ""), "Succeeded") << switched.dump(2);
  EXPECT_EQ(switched.value("rollbackOf", ""), id);
  EXPECT_EQ(switched.value("creator", ""), "rollback");
  EXPECT_EQ(switched.at("blueGreen").value("fleetVersion", ""), "sample-web-v001");
  ASSERT_TRUE(switched.at("blueGreen").at("switchMs").is_number()) << switched.dump(2);
  std::cout << "switch back took " << switched.at("blueGreen").at("switchMs").get<int>() << " ms\n";
  json undone = waitForEnd(id);
  EXPECT_EQ(undone.value("status", ""), "Stopped");
  EXPECT_EQ(undone.value("rolledBackBy", ""), rollbackId);
  expectNoFailure(report);
  EXPECT_EQ(fleetInstances("sample-web-v002").size(), 0u) << "the new fleet is retired";
  std::set<std::string> after;
  for (const auto& instance : fleetInstances("sample-web-v001")) after.insert(instance.value("id", ""));
  EXPECT_EQ(after, original) << "a switch back to the instances that were serving, not a redeploy";
}

TEST_F(BlueGreenIntegration, AHealthFailureHalfwayThroughALinearShiftRollsBackAutomatically) {
  begin("linear-halves", "{terminationWaitSeconds: 600}", true, "25,pause,50,pause,100");
  std::string v2 = plane_.push("sample", plane_.sampleRevision("2"));
  startLoad();
  std::string id = deploy(v2);
  waitForPause(id, 1);
  expectSplit(25.0);
  ASSERT_EQ(plane_.cli("continue " + id).exitCode, 0);
  waitForPause(id, 3);
  expectSplit(50.0);
  // One instance of the new fleet starts failing its health check.
  json fresh = fleetInstances("sample-web-v002");
  ASSERT_EQ(fresh.size(), static_cast<std::size_t>(kInstances));
  fs::path marker = fs::path(fresh[0].value("rootDir", "")) / "install-root/opt/greenlight-sample/unhealthy";
  writeFile(marker, "sick\n");
  json failed = waitForEnd(id);
  EXPECT_EQ(failed.value("status", ""), "Failed") << failed.dump(2);
  EXPECT_EQ(failed.value("errorCode", ""), "HealthCheckFailed") << failed.dump(2);
  EXPECT_NE(failed.value("errorMessage", "").find(fresh[0].value("id", "")), std::string::npos)
      << failed.value("errorMessage", "");
  ASSERT_TRUE(failed.at("rolledBackBy").is_string()) << failed.dump(2);
  json rollback = waitForEnd(failed.at("rolledBackBy").get<std::string>());
  EXPECT_EQ(rollback.value("status", ""), "Succeeded") << rollback.dump(2);
  EXPECT_EQ(shareOf("1", 100), 100.0);
  LoadReport report = stopLoad();
  expectNoFailure(report);
}

TEST_F(BlueGreenIntegration, ANewFleetThatNeverBecomesHealthyNeverGetsARequest) {
  begin("CodeDeployDefault.AllAtOnce", "{terminationWaitSeconds: 1}");
  fs::path sick = plane_.sampleRevision("2");
  writeFile(sick / "app/HEALTH", "fail\n");
  std::string v2 = plane_.push("sample", sick);
  // A short grace period keeps the test short.
  fs::path file = plane_.dir() / "web-short.yaml";
  writeFile(file, "name: web\n" + blueGreenYaml(port_, "CodeDeployDefault.AllAtOnce",
                                                "{terminationWaitSeconds: 1}"));
  std::string text = readFile(file);
  text.replace(text.find("startGracePeriodSeconds: 20"), 27, "startGracePeriodSeconds: 3");
  writeFile(file, text);
  ASSERT_EQ(plane_.cli("group update sample web --file " + file.string()).exitCode, 0);
  json old = fleetInstances("sample-web-v001");
  startLoad(120);
  std::string id = deploy(v2);
  json failed = waitForEnd(id);
  LoadReport report = stopLoad();
  EXPECT_EQ(failed.value("status", ""), "Failed") << failed.dump(2);
  EXPECT_EQ(failed.value("errorCode", ""), "HealthCheckFailed");
  std::string message = failed.value("errorMessage", "");
  ASSERT_EQ(failed.at("targets").size(), static_cast<std::size_t>(kInstances)) << failed.dump(2);
  for (const auto& target : failed.at("targets")) {
    EXPECT_NE(message.find(target.value("instanceId", "")), std::string::npos) << message;
  }
  EXPECT_NE(message.find("GET /health"), std::string::npos) << message;
  EXPECT_EQ(report.versions.count("2"), 0u) << report.summary();
  expectNoFailure(report);
  // The old fleet is untouched: the same instances on the same ports, still on version 1.
  json after = fleetInstances("sample-web-v001");
  ASSERT_EQ(after.size(), old.size());
  for (std::size_t i = 0; i < old.size(); ++i) {
    EXPECT_EQ(after[i].value("id", ""), old[i].value("id", ""));
    EXPECT_EQ(after[i].value("port", 0), old[i].value("port", 0));
    EXPECT_EQ(after[i].value("currentRevision", ""), v1_);
  }
  EXPECT_EQ(fleetInstances("sample-web-v002").size(), 0u);
}

TEST_F(BlueGreenIntegration, AServingInstanceKilledMidShiftCostsNoRequest) {
  begin("canary-kill", "{terminationWaitSeconds: 1}", false, "50,pause,100");
  std::string v2 = plane_.push("sample", plane_.sampleRevision("2"));
  startLoad();
  std::string id = deploy(v2);
  waitForPause(id, 1);
  // SIGKILL the app of one instance of the old fleet, which serves half the requests.
  json old = fleetInstances("sample-web-v001");
  ASSERT_FALSE(old.empty());
  fs::path pidFile = fs::path(old[0].value("rootDir", "")) / "install-root/opt/greenlight-sample/run" /
                     ("server-" + std::to_string(old[0].value("port", 0)) + ".pid");
  int pid = std::stoi(readFile(pidFile));
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  VersionSample during = sampleVersions(frontend_, 200);
  EXPECT_EQ(during.failures, 0) << during.lastError;
  json finished = continueToTheEnd(id);
  LoadReport report = stopLoad();
  EXPECT_EQ(finished.value("status", ""), "Succeeded") << finished.dump(2);
  expectNoFailure(report);
}

TEST_F(BlueGreenIntegration, HaproxyReloadedMidShiftLosesNothing) {
  begin("canary-reload", "{terminationWaitSeconds: 1}", false, "20,pause,100");
  std::string v2 = plane_.push("sample", plane_.sampleRevision("2"));
  startLoad();
  std::string id = deploy(v2);
  waitForPause(id, 1);
  expectSplit(20.0);
  // A graceful reload (SIGUSR2 to the master): the new workers start from the generated
  // configuration and the saved server state, so the split and the members survive.
  int master = std::stoi(readFile(plane_.data() / "haproxy/haproxy.pid"));
  int oldWorker = servedByMember().workerPid;
  ASSERT_EQ(::kill(master, SIGUSR2), 0);
  ASSERT_TRUE(waitFor([&] { return servedByMember().workerPid != oldWorker; }))
      << "a new worker answers the stats socket after the reload";
  ASSERT_TRUE(waitFor([&] { return shareOf("2", 200) > 0; }, std::chrono::seconds(10)));
  expectSplit(20.0);  // the split survives the reload
  json finished = continueToTheEnd(id);
  LoadReport report = stopLoad();
  EXPECT_EQ(finished.value("status", ""), "Succeeded") << finished.dump(2);
  expectNoFailure(report);
}

TEST_F(BlueGreenIntegration, TheServerKilledMidShiftResumesAndNoRequestFails) {
  begin("canary-crash", "{terminationWaitSeconds: 1}", false, "20,pause,100");
  std::string v2 = plane_.push("sample", plane_.sampleRevision("2"));
  startLoad();
  std::string id = deploy(v2);
  waitForPause(id, 1);
  for (const auto& instance : fleetInstances("sample-web-v002")) {
    remembered_["sample-web-v002"].insert(instance.value("id", ""));
  }
  plane_.killServer(SIGKILL);
  // HAProxy outlives the server: the split holds while nobody drives it.
  expectSplit(20.0);
  plane_.startServer();
  json resumed = waitForPause(id, 1);
  EXPECT_EQ(resumed.at("blueGreen").value("trafficPercent", 0), 20) << resumed.dump(2);
  json finished = continueToTheEnd(id);
  LoadReport report = stopLoad();
  EXPECT_EQ(finished.value("status", ""), "Succeeded") << finished.dump(2) << plane_.serverLog();
  expectNoFailure(report);
  EXPECT_EQ(fleetInstances("sample-web-v001").size(), 0u);
}

TEST_F(BlueGreenIntegration, HaproxyKilledMidShiftComesBackWithTheSplit) {
  begin("canary-restart", "{terminationWaitSeconds: 1}", false, "20,pause,100");
  std::string v2 = plane_.push("sample", plane_.sampleRevision("2"));
  std::string id = deploy(v2);
  waitForPause(id, 1);
  expectSplit(20.0);
  // SIGKILL to HAProxy's master and its workers: requests in between fail (nothing listens), so
  // this test runs no load; the server's supervision starts it again from the configuration it
  // keeps in step and the saved server state.
  int master = std::stoi(readFile(plane_.data() / "haproxy/haproxy.pid"));
  runCommand("pkill -KILL -P " + std::to_string(master));
  ASSERT_EQ(::kill(master, SIGKILL), 0);
  ASSERT_TRUE(waitFor([&] { return sampleVersions(frontend_, 20, std::chrono::milliseconds(500)).failures == 0; },
                      std::chrono::seconds(30)))
      << plane_.serverLog();
  EXPECT_NE(std::stoi(readFile(plane_.data() / "haproxy/haproxy.pid")), master);
  expectSplit(20.0);
  ASSERT_EQ(plane_.cli("continue " + id).exitCode, 0);
  json finished = waitForEnd(id);
  EXPECT_EQ(finished.value("status", ""), "Succeeded") << finished.dump(2);
  EXPECT_EQ(shareOf("2", 100), 100.0);
}

}  // namespace
}  // namespace greenlight::testing
