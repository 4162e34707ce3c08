// In-place deployments behind the embedded HAProxy, end to end: a real server, four real agents
// running the sample app's hooks, HAProxy started by the server, and wrk sending requests through
// the group's frontend for the whole deployment. Every instance leaves the load balancer before
// ApplicationStop and comes back only once the balancer's own health check passes, so not one
// request fails.
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "e2e/control_plane.h"
#include "support/load_generator.h"

namespace greenlight::testing {
namespace {

std::string loadBalancedGroupYaml(int frontendPort) {
  return "deploymentConfig: CodeDeployDefault.OneAtATime\n"
         "loadBalancer:\n"
         "  provider: haproxy\n"
         "  listen: 127.0.0.1:" + std::to_string(frontendPort) + "\n"
         "  healthCheck: {path: /health, intervalMs: 200, healthyThreshold: 2, unhealthyThreshold: 2}\n"
         "  drainTimeoutSeconds: 10\n"
         "  startGracePeriodSeconds: 30\n";
}

// The lifecycle events the deployment recorded for each instance, with their status.
std::map<std::string, std::map<std::string, std::string>> recordedEvents(const json& deployment) {
  std::map<std::string, std::map<std::string, std::string>> byInstance;
  for (const auto& target : deployment.at("targets")) {
    for (const auto& event : target.at("events")) {
      byInstance[target.at("instanceId")][event.at("event")] = event.at("status");
    }
  }
  return byInstance;
}

TEST(InPlaceTrafficIntegration, OneAtATimeBehindHaproxyUnderLoadFailsNoRequest) {
  ControlPlane plane;
  plane.startServer();
  ASSERT_EQ(plane.cli("app create sample").exitCode, 0) << plane.serverLog();
  const int frontendPort = freePort();
  plane.createLocalGroup("sample", "web", 4, loadBalancedGroupYaml(frontendPort));
  const std::string frontend = "http://127.0.0.1:" + std::to_string(frontendPort) + "/";

  std::string v1 = plane.push("sample", plane.sampleRevision("1"));
  std::string v2 = plane.push("sample", plane.sampleRevision("2"));
  json first = plane.cliJson("deploy sample web --revision " + v1 + " --wait");
  ASSERT_EQ(first.value("status", ""), "Succeeded") << first.dump(2) << plane.serverLog();

  // Every instance is in the pool and healthy: the frontend serves version 1 from all of them.
  VersionSample before = sampleVersions(frontend, 200);
  EXPECT_EQ(before.failures, 0) << before.lastError;
  EXPECT_EQ(before.versions["1"], 200);

  LoadOptions options;
  options.url = frontend;
  options.duration = std::chrono::seconds(240);
  options.connections = 8;
  LoadGenerator load(options);
  ASSERT_TRUE(load.start().ok()) << load.output();
  json second = plane.cliJson("deploy sample web --revision " + v2 + " --wait");
  // A little more load once every instance is back, so the last one's return is under load too.
  VersionSample settled = sampleVersions(frontend, 100);
  Result<LoadReport> report = load.stop();
  ASSERT_TRUE(report.ok()) << report.error().message << "\n" << load.output();
  ASSERT_EQ(second.value("status", ""), "Succeeded") << second.dump(2) << plane.serverLog();

  EXPECT_EQ(report->failures(), 0) << report->summary();
  EXPECT_GT(report->requests, 1000) << report->summary();
  // The switch happened under load: both versions answered during the deployment.
  EXPECT_GT(report->versions["1"], 0) << report->summary();
  EXPECT_GT(report->versions["2"], 0) << report->summary();
  EXPECT_EQ(settled.failures, 0) << settled.lastError;
  EXPECT_EQ(settled.versions["2"], 100);

  // CodeDeploy's traffic events ran on every instance, around the hooks.
  json shown = plane.cliJson("status " + second.at("id").get<std::string>());
  auto events = recordedEvents(shown);
  ASSERT_EQ(events.size(), 4u) << shown.dump(2);
  for (const auto& [instance, statuses] : events) {
    EXPECT_EQ(statuses.count("BlockTraffic") ? statuses.at("BlockTraffic") : "", "Succeeded")
        << instance << "\n" << shown.dump(2);
    EXPECT_EQ(statuses.count("AllowTraffic") ? statuses.at("AllowTraffic") : "", "Succeeded")
        << instance << "\n" << shown.dump(2);
  }
}

TEST(InPlaceTrafficIntegration, AnInstanceThatNeverPassesTheHealthCheckIsNeverGivenTraffic) {
  ControlPlane plane;
  plane.startServer();
  ASSERT_EQ(plane.cli("app create sample").exitCode, 0) << plane.serverLog();
  const int frontendPort = freePort();
  std::string yaml = loadBalancedGroupYaml(frontendPort);
  yaml.replace(yaml.find("startGracePeriodSeconds: 30"), 27, "startGracePeriodSeconds: 3");
  plane.createLocalGroup("sample", "web", 2, yaml);
  const std::string frontend = "http://127.0.0.1:" + std::to_string(frontendPort) + "/";

  std::string v1 = plane.push("sample", plane.sampleRevision("1"));
  json first = plane.cliJson("deploy sample web --revision " + v1 + " --wait");
  ASSERT_EQ(first.value("status", ""), "Succeeded") << first.dump(2) << plane.serverLog();

  // Version 2 installs and validates, but its /health answers 500 (app/HEALTH says fail).
  fs::path sick = plane.sampleRevision("2");
  writeFile(sick / "app/HEALTH", "fail\n");
  std::string v2 = plane.push("sample", sick);

  LoadOptions options;
  options.url = frontend;
  options.duration = std::chrono::seconds(120);
  options.connections = 4;
  LoadGenerator load(options);
  ASSERT_TRUE(load.start().ok()) << load.output();
  json second = plane.cliJson("deploy sample web --revision " + v2 + " --wait", 4);
  Result<LoadReport> report = load.stop();
  ASSERT_TRUE(report.ok()) << report.error().message << "\n" << load.output();

  EXPECT_EQ(second.value("status", ""), "Failed") << second.dump(2);
  std::string message = second.value("errorMessage", "");
  EXPECT_NE(message.find("AllowTraffic"), std::string::npos) << message;
  // No request was ever answered by version 2, and none failed: the other instance served them.
  EXPECT_EQ(report->versions.count("2"), 0u) << report->summary();
  EXPECT_EQ(report->failures(), 0) << report->summary();
  EXPECT_GT(report->versions["1"], 0) << report->summary();
}

}  // namespace
}  // namespace greenlight::testing
