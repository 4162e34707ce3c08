// In-place deployments end to end, through the CLI: a server with a local fleet of 4 agents, the
// sample app pushed as revisions and deployed with each predefined configuration, a failing
// revision rolled back automatically, agents and instances killed mid-deployment.
#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "e2e/control_plane.h"

namespace greenlight::testing {
namespace {

// Every instance ran each event of the deployment exactly once.
void expectEachEventOnce(const ControlPlane& plane, const std::string& deploymentId,
                         const json& instances, const std::vector<std::string>& expected) {
  auto events = plane.eventsRun(deploymentId);
  for (const auto& instance : instances) {
    std::string id = instance.at("id");
    EXPECT_EQ(events[id], expected) << "instance " << id << " in " << deploymentId;
  }
}

std::vector<int> portsOf(const json& instances) {
  std::vector<int> ports;
  for (const auto& instance : instances) ports.push_back(instance.at("port").get<int>());
  return ports;
}

const std::vector<std::string> kFirstDeployEvents = {"BeforeInstall", "ApplicationStart", "ValidateService"};
const std::vector<std::string> kNextDeployEvents = {"ApplicationStop", "BeforeInstall", "ApplicationStart",
                                                    "ValidateService"};

TEST(InPlaceIntegration, DeploysTwoRevisionsWithEachConfigurationAndKeepsHistory) {
  ControlPlane plane;
  plane.startServer();
  ASSERT_EQ(plane.cli("app create sample").exitCode, 0) << plane.serverLog();
  plane.createLocalGroup("sample", "web", 4);
  json instances = plane.instances("sample", "web");
  ASSERT_EQ(instances.size(), 4u);
  std::vector<int> ports = portsOf(instances);
  std::sort(ports.begin(), ports.end());
  ASSERT_EQ(std::unique(ports.begin(), ports.end()), ports.end()) << "each instance has its own port";

  std::string v1 = plane.push("sample", plane.sampleRevision("1"));
  std::string v2 = plane.push("sample", plane.sampleRevision("2"));
  ASSERT_EQ(v1.size(), 64u);
  ASSERT_EQ(v2.size(), 64u);
  ASSERT_NE(v1, v2);

  struct Step {
    std::string revision, version, config;
  };
  std::vector<Step> steps = {{v1, "1", "CodeDeployDefault.OneAtATime"},
                             {v2, "2", "CodeDeployDefault.HalfAtATime"},
                             {v1, "1", "CodeDeployDefault.AllAtOnce"},
                             {v2, "2", "CodeDeployDefault.OneAtATime"}};
  std::vector<std::string> deploymentIds;
  for (const auto& step : steps) {
    json deployment = plane.cliJson("deploy sample web --revision " + step.revision + " --config " +
                                    step.config + " --wait");
    ASSERT_EQ(deployment.value("status", ""), "Succeeded") << deployment.dump(2) << plane.serverLog();
    EXPECT_EQ(deployment.value("configName", ""), step.config);
    for (int port : ports) EXPECT_EQ(ControlPlane::servedVersion(port), step.version) << "port " << port;
    deploymentIds.push_back(deployment.at("id"));
    expectEachEventOnce(plane, deploymentIds.back(), instances,
                        deploymentIds.size() == 1 ? kFirstDeployEvents : kNextDeployEvents);
  }

  json history = plane.cliJson("history sample web");
  ASSERT_TRUE(history.contains("deployments")) << history.dump(2);
  std::vector<std::string> listed;
  for (const auto& deployment : history.at("deployments")) {
    listed.push_back(deployment.at("id"));
    EXPECT_EQ(deployment.value("status", ""), "Succeeded");
    ASSERT_TRUE(deployment.contains("durationMs")) << deployment.dump(2);
    EXPECT_GT(deployment.at("durationMs").get<long long>(), 0);
  }
  for (const auto& id : deploymentIds) {
    EXPECT_NE(std::find(listed.begin(), listed.end(), id), listed.end()) << id << " missing from history";
  }
}

TEST(InPlaceIntegration, FailedValidationStopsAtTheFailingInstanceAndRollsBack) {
  ControlPlane plane;
  plane.startServer();
  ASSERT_EQ(plane.cli("app create sample").exitCode, 0);
  plane.createLocalGroup("sample", "web", 4, "autoRollback:\n  enabled: true\n  events: [DEPLOYMENT_FAILURE]\n");
  json instances = plane.instances("sample", "web");
  std::vector<std::string> ids;
  for (const auto& instance : instances) ids.push_back(instance.at("id"));
  std::sort(ids.begin(), ids.end());

  std::string good = plane.push("sample", plane.sampleRevision("1"));
  json first = plane.cliJson("deploy sample web --revision " + good + " --config CodeDeployDefault.AllAtOnce --wait");
  ASSERT_EQ(first.value("status", ""), "Succeeded") << first.dump(2);

  // The revision fails validation on the instance deployed second (all are healthy and run the
  // old revision, so the order is by id). OneAtATime: 4 instances, 3 must stay healthy.
  std::string bad = plane.push("sample", plane.sampleRevision("2", {ids[1]}));
  json failed = plane.cliJson("deploy sample web --revision " + bad + " --config CodeDeployDefault.OneAtATime --wait",
                              /*expectedExit=*/4);
  ASSERT_EQ(failed.value("status", ""), "Failed") << failed.dump(2);
  std::string message = failed.value("errorMessage", "");
  EXPECT_NE(message.find(ids[1]), std::string::npos) << message;
  EXPECT_NE(message.find("ValidateService"), std::string::npos) << message;

  // status names the failing instance, its event, its error code and its log tail.
  CommandResult status = plane.cli("status " + failed.value("id", ""));
  EXPECT_EQ(status.exitCode, 0) << status.output;
  EXPECT_NE(status.output.find(ids[1]), std::string::npos) << status.output;
  EXPECT_NE(status.output.find("ValidateService"), std::string::npos) << status.output;
  EXPECT_NE(status.output.find("validation failed on purpose"), std::string::npos) << status.output;

  std::map<std::string, std::string> targetStatus;
  for (const auto& target : failed.at("targets")) targetStatus[target.at("instanceId")] = target.at("status");
  EXPECT_EQ(targetStatus[ids[0]], "Succeeded");
  EXPECT_EQ(targetStatus[ids[1]], "Failed");
  EXPECT_EQ(targetStatus[ids[2]], "Skipped");
  EXPECT_EQ(targetStatus[ids[3]], "Skipped");

  // The automatic rollback redeploys the last good revision, and the whole fleet serves it.
  ASSERT_TRUE(failed.contains("rolledBackBy") && failed.at("rolledBackBy").is_string()) << failed.dump(2);
  std::string rollbackId = failed.at("rolledBackBy");
  json rollback;
  ASSERT_TRUE(waitFor([&] {
    rollback = plane.cliJson("status " + rollbackId);
    return rollback.value("status", "") == "Succeeded" || rollback.value("status", "") == "Failed";
  }, std::chrono::seconds(120)));
  EXPECT_EQ(rollback.value("status", ""), "Succeeded") << rollback.dump(2);
  EXPECT_EQ(rollback.value("revision", ""), good);
  EXPECT_EQ(rollback.value("creator", ""), "rollback");
  EXPECT_EQ(rollback.value("rollbackOf", ""), failed.value("id", ""));
  for (const auto& instance : instances) {
    EXPECT_EQ(ControlPlane::servedVersion(instance.at("port").get<int>()), "1") << instance.dump();
  }
}

// The server is killed with SIGKILL at a point of the deployment, restarted, and must finish it:
// every instance runs every event once and serves the new version.
class ServerKilledIntegration : public ::testing::TestWithParam<const char*> {};

TEST_P(ServerKilledIntegration, ResumesTheDeploymentAfterRestart) {
  std::string point = GetParam();
  ControlPlane plane;
  plane.startServer();
  ASSERT_EQ(plane.cli("app create sample").exitCode, 0);
  plane.createLocalGroup("sample", "web", 4);
  json instances = plane.instances("sample", "web");
  std::vector<std::string> ids;
  for (const auto& instance : instances) ids.push_back(instance.at("id"));
  std::sort(ids.begin(), ids.end());
  std::string v1 = plane.push("sample", plane.sampleRevision("1"));
  std::string v2 = plane.push("sample", plane.sampleRevision("2"));
  json first = plane.cliJson("deploy sample web --revision " + v1 + " --config CodeDeployDefault.AllAtOnce --wait");
  ASSERT_EQ(first.value("status", ""), "Succeeded") << first.dump(2);

  fs::path holdAll = plane.hookLogDir() / "hold-all";
  fs::path holdThird = plane.hookLogDir() / ("hold-" + ids[2]);
  if (point == std::string("after-create")) writeFile(holdAll, "");
  if (point == std::string("mid-hook")) writeFile(holdAll, "");
  if (point == std::string("between-instances")) writeFile(holdThird, "");

  json created = plane.cliJson("deploy sample web --revision " + v2 + " --config CodeDeployDefault.OneAtATime");
  std::string id = created.value("id", "");
  ASSERT_FALSE(id.empty()) << created.dump(2);

  auto ran = [&](const std::string& instance, const std::string& event) {
    auto events = plane.eventsRun(id)[instance];
    return std::find(events.begin(), events.end(), event) != events.end();
  };
  if (point == std::string("mid-hook")) {
    ASSERT_TRUE(waitFor([&] { return ran(ids[0], "BeforeInstall"); }, std::chrono::seconds(60)));
  }
  if (point == std::string("between-instances")) {
    ASSERT_TRUE(waitFor([&] { return ran(ids[2], "BeforeInstall"); }, std::chrono::seconds(120)));
  }
  plane.killServer(SIGKILL);
  fs::remove(holdAll);
  fs::remove(holdThird);
  plane.startServer();

  json done;
  ASSERT_TRUE(waitFor([&] {
    done = plane.cliJson("status " + id);
    std::string status = done.value("status", "");
    return status == "Succeeded" || status == "Failed" || status == "Stopped";
  }, std::chrono::seconds(180))) << done.dump(2) << plane.serverLog();
  EXPECT_EQ(done.value("status", ""), "Succeeded") << done.dump(2) << plane.serverLog();
  expectEachEventOnce(plane, id, instances, kNextDeployEvents);
  for (const auto& instance : instances) {
    EXPECT_EQ(ControlPlane::servedVersion(instance.at("port").get<int>()), "2") << instance.dump();
  }
  // Adopted, not duplicated: still exactly one agent per instance.
  json after = plane.instances("sample", "web");
  EXPECT_EQ(after.size(), 4u);
  for (const auto& instance : after) EXPECT_EQ(instance.value("lifecycle", ""), "Running") << instance.dump();
}

INSTANTIATE_TEST_SUITE_P(Points, ServerKilledIntegration,
                         ::testing::Values("after-create", "mid-hook", "between-instances"),
                         [](const auto& point) {
                           std::string name = point.param;
                           name.erase(std::remove(name.begin(), name.end(), '-'), name.end());
                           return name;
                         });

TEST(InstanceLossIntegration, AnAgentKilledMidHookFailsItsInstanceAndCountsAgainstHealthyHosts) {
  ControlPlane plane;
  plane.startServer();
  ASSERT_EQ(plane.cli("app create sample").exitCode, 0);
  plane.createLocalGroup("sample", "web", 4);
  json instances = plane.instances("sample", "web");
  std::vector<std::string> ids;
  std::map<std::string, int> pids;
  for (const auto& instance : instances) {
    ids.push_back(instance.at("id"));
    pids[instance.at("id")] = instance.value("pid", 0);
  }
  std::sort(ids.begin(), ids.end());
  ASSERT_GT(pids[ids[0]], 0) << instances.dump(2);

  std::string v1 = plane.push("sample", plane.sampleRevision("1"));
  writeFile(plane.hookLogDir() / ("hold-" + ids[0]), "");
  json created = plane.cliJson("deploy sample web --revision " + v1 + " --config CodeDeployDefault.OneAtATime");
  std::string id = created.value("id", "");
  ASSERT_TRUE(waitFor([&] {
    auto events = plane.eventsRun(id)[ids[0]];
    return std::find(events.begin(), events.end(), "BeforeInstall") != events.end();
  }, std::chrono::seconds(60)));
  ASSERT_EQ(::kill(pids[ids[0]], SIGKILL), 0);

  json done;
  ASSERT_TRUE(waitFor([&] {
    done = plane.cliJson("status " + id);
    return done.value("status", "") == "Failed";
  }, std::chrono::seconds(60))) << done.dump(2);
  std::map<std::string, json> targets;
  for (const auto& target : done.at("targets")) targets[target.at("instanceId")] = target;
  EXPECT_EQ(targets[ids[0]].value("status", ""), "Failed");
  EXPECT_EQ(targets[ids[0]].value("errorCode", ""), "InstanceLost") << targets[ids[0]].dump(2);
  // OneAtATime keeps 3 of 4 healthy: losing the first instance leaves no room to go on.
  for (size_t i = 1; i < ids.size(); ++i) EXPECT_EQ(targets[ids[i]].value("status", ""), "Skipped");
  EXPECT_NE(done.value("errorMessage", "").find(ids[0]), std::string::npos) << done.dump(2);

  json lost = plane.cliJson("instances sample web");
  for (const auto& instance : lost.at("instances")) {
    if (instance.at("id") == ids[0]) {
      EXPECT_EQ(instance.value("lifecycle", ""), "Lost") << instance.dump();
    }
  }
  // The hook the dead agent was running does not linger: nothing carries its instance id.
  fs::remove(plane.hookLogDir() / ("hold-" + ids[0]));
}

TEST(InstanceLossIntegration, AnIdleAgentKilledIsLostUnhealthyAndDeployedFirst) {
  ControlPlane plane;
  plane.startServer();
  ASSERT_EQ(plane.cli("app create sample").exitCode, 0);
  plane.createLocalGroup("sample", "web", 4);
  json instances = plane.instances("sample", "web");
  std::string victim = instances.at(3).at("id");
  int victimPid = instances.at(3).value("pid", 0);
  ASSERT_GT(victimPid, 0);
  ASSERT_EQ(::kill(victimPid, SIGKILL), 0);
  ASSERT_TRUE(waitFor([&] {
    for (const auto& instance : plane.instances("sample", "web")) {
      if (instance.at("id") == victim) return instance.value("lifecycle", "") == "Lost";
    }
    return false;
  }, std::chrono::seconds(30)));

  // AllAtOnce needs one success: three healthy instances succeed, the lost one fails.
  std::string v1 = plane.push("sample", plane.sampleRevision("1"));
  json done = plane.cliJson("deploy sample web --revision " + v1 + " --config CodeDeployDefault.AllAtOnce --wait");
  EXPECT_EQ(done.value("status", ""), "Succeeded") << done.dump(2);
  int succeeded = 0;
  for (const auto& target : done.at("targets")) {
    if (target.at("instanceId") == victim) {
      EXPECT_EQ(target.value("status", ""), "Failed") << target.dump(2);
      EXPECT_EQ(target.value("errorCode", ""), "InstanceLost") << target.dump(2);
    } else if (target.value("status", "") == "Succeeded") {
      ++succeeded;
    }
  }
  EXPECT_EQ(succeeded, 3);

  // Restarting it is an explicit act; afterwards it is back and takes the next deployment.
  CommandResult restart = plane.cli("instances restart " + victim);
  ASSERT_EQ(restart.exitCode, 0) << restart.output;
  ASSERT_TRUE(waitFor([&] { return plane.onlineInstances("sample", "web") == 4; }, std::chrono::seconds(60)));
  json again = plane.cliJson("deploy sample web --revision " + v1 + " --config CodeDeployDefault.OneAtATime --wait");
  EXPECT_EQ(again.value("status", ""), "Succeeded") << again.dump(2);
  EXPECT_EQ(ControlPlane::servedVersion(instances.at(3).at("port").get<int>()), "1");
}

TEST(InPlaceIntegration, DeletingTheGroupLeavesNoProcessBehind) {
  ControlPlane plane;
  plane.startServer();
  ASSERT_EQ(plane.cli("app create sample").exitCode, 0);
  plane.createLocalGroup("sample", "web", 2);
  std::string v1 = plane.push("sample", plane.sampleRevision("1"));
  json done = plane.cliJson("deploy sample web --revision " + v1 + " --config CodeDeployDefault.AllAtOnce --wait");
  ASSERT_EQ(done.value("status", ""), "Succeeded") << done.dump(2);
  json instances = plane.instances("sample", "web");
  // The app servers the hooks started carry their instance's id.
  for (const auto& instance : instances) {
    std::string marker = "GREENLIGHT_INSTANCE_ID=" + instance.at("id").get<std::string>();
    EXPECT_GE(processesWithEnvironment(marker).size(), 2u) << "agent and app server of " << instance.dump();
  }
  CommandResult deleted = plane.cli("group delete sample web");
  ASSERT_EQ(deleted.exitCode, 0) << deleted.output << plane.serverLog();
  for (const auto& instance : instances) {
    std::string marker = "GREENLIGHT_INSTANCE_ID=" + instance.at("id").get<std::string>();
    EXPECT_TRUE(processesWithEnvironment(marker).empty()) << "processes left for " << instance.dump();
    EXPECT_EQ(ControlPlane::servedVersion(instance.at("port").get<int>()), "");
  }
}

}  // namespace
}  // namespace greenlight::testing
