// The catalog views that blue/green adds to: instances with their fleet version, groups with
// their style and load balancer, configurations with a Steps routing, and the --steps syntax of
// `config create`.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli/client_render_catalog.h"
#include "cli/client_traffic_steps.h"

namespace greenlight::cli {
namespace {

using nlohmann::json;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(ClientRenderTrafficTest, InstancesShowTheFleetVersionColumnWhenAnyInstanceHasOne) {
  json answer = json::parse(R"({"instances": [
    {"id": "i-1", "hostName": "web-0", "port": 18080, "lifecycle": "Running", "online": true,
     "currentRevision": "abcdefabcdef1234", "fleetVersion": "sample-web-v001"},
    {"id": "i-2", "hostName": "web-1", "port": 18081, "lifecycle": "Running", "online": true,
     "currentRevision": "0123456789ab5678", "fleetVersion": "sample-web-v002"},
    {"id": "i-3", "hostName": "web-2", "port": 18082, "lifecycle": "Running", "online": true, "fleetVersion": ""}]})");
  std::string text = renderInstances(answer);
  EXPECT_TRUE(contains(text, "ID   FLEET            HOST   PORT   LIFECYCLE")) << text;
  EXPECT_TRUE(contains(text, "i-1  sample-web-v001  web-0  18080  Running")) << text;
  EXPECT_TRUE(contains(text, "i-2  sample-web-v002  web-1  18081  Running")) << text;
  EXPECT_TRUE(contains(text, "i-3  -                web-2  18082")) << text;
}

TEST(ClientRenderTrafficTest, InstancesOfAnInPlaceGroupHaveNoFleetColumn) {
  json answer = json::parse(R"({"instances": [
    {"id": "i-1", "hostName": "web-0", "port": 18080, "lifecycle": "Running", "online": true, "fleetVersion": ""},
    {"id": "i-2", "hostName": "web-1", "port": 18081, "lifecycle": "Running", "online": true}]})");
  std::string text = renderInstances(answer);
  EXPECT_FALSE(contains(text, "FLEET")) << text;
  EXPECT_TRUE(contains(text, "i-1  web-0  18080  Running")) << text;
}

json blueGreenGroup() {
  return json::parse(R"({"id": "dg-1", "application": "sample", "name": "web",
    "fleet": {"provider": "local", "instances": 4}, "deploymentConfig": "canary-10",
    "deploymentStyle": "blue-green",
    "loadBalancer": {"provider": "haproxy", "listen": "127.0.0.1:8080", "healthCheck": {"path": "/ping"}},
    "blueGreen": {"readyAction": "wait", "readyTimeoutSeconds": 600, "terminationWaitSeconds": 60}})");
}

TEST(ClientRenderTrafficTest, GroupShowGivesStyleLoadBalancerAndBlueGreenOptions) {
  std::string text = renderGroup(blueGreenGroup(), nullptr);
  EXPECT_TRUE(contains(text, "Style:                blue-green\n")) << text;
  EXPECT_TRUE(contains(text, "Load balancer:        haproxy on 127.0.0.1:8080, health check /ping every 500ms\n"))
      << text;
  EXPECT_TRUE(contains(text, "Blue/green:           ready: wait for `greenlight continue` (up to 600s), previous "
                             "fleet: terminate after 60s\n"))
      << text;
}

TEST(ClientRenderTrafficTest, GroupShowOfAnInPlaceGroupWithoutBalancer) {
  json group = json::parse(R"({"id": "dg-2", "application": "sample", "name": "batch",
    "fleet": {"provider": "static"}, "deploymentConfig": "CodeDeployDefault.OneAtATime"})");
  std::string text = renderGroup(group, nullptr);
  EXPECT_TRUE(contains(text, "Style:                in-place\n")) << text;
  EXPECT_TRUE(contains(text, "Load balancer:        none\n")) << text;
  EXPECT_FALSE(contains(text, "Blue/green")) << text;
}

TEST(ClientRenderTrafficTest, GroupListGivesStyleAndListenAddress) {
  json own = blueGreenGroup();
  own["name"] = "api";
  own["loadBalancer"] = json{{"adminSocket", "/run/haproxy/admin.sock"}, {"backend", "api"}};
  json answer = {{"groups", json::array({blueGreenGroup(), own,
                                         json{{"name", "batch"}, {"id", "dg-3"}, {"fleet", {{"provider", "static"}}},
                                              {"loadBalancer", {{"provider", "none"}}}}})}};
  std::string text = renderGroups(answer);
  EXPECT_TRUE(contains(text, "STYLE       LOAD BALANCER")) << text;
  EXPECT_TRUE(contains(text, "blue-green  127.0.0.1:8080")) << text;
  EXPECT_TRUE(contains(text, "blue-green  backend api of /run/haproxy/admin.sock")) << text;
  EXPECT_TRUE(contains(text, "in-place    -")) << text;
}

TEST(ClientRenderTrafficTest, ConfigsDescribeStepsAndAllAtOnceRoutings) {
  json steps = json::parse(R"({"name": "canary-10", "computePlatform": "server",
    "trafficRouting": {"type": "Steps", "steps": [{"setWeight": 10}, {"pause": {}}, {"pause": {"seconds": 30}},
                                                  {"setWeight": 100}]}})");
  EXPECT_EQ(describeConfig(steps), "steps: 10%, pause, pause 30s, 100%");
  json allAtOnce = json::parse(R"({"name": "switch", "trafficRouting": {"type": "AllAtOnce"}})");
  EXPECT_EQ(describeConfig(allAtOnce), "all traffic at once");
}

TEST(ClientRenderTrafficTest, StepsFlagBecomesTheApisSteps) {
  auto steps = parseTrafficSteps("10,pause, 50% ,pause=30s,pause=2m,pause=5,100");
  ASSERT_TRUE(steps.ok()) << steps.error().message;
  EXPECT_EQ(*steps, json::parse(R"([{"setWeight": 10}, {"pause": {}}, {"setWeight": 50},
                                    {"pause": {"seconds": 30}}, {"pause": {"seconds": 120}},
                                    {"pause": {"seconds": 5}}, {"setWeight": 100}])"));
}

TEST(ClientRenderTrafficTest, StepsFlagWritesGates) {
  auto steps = parseTrafficSteps(
      "10,gate,gate[continue webhook=http://ci:8080/ok?a=1,b=2 every=15s timeout=3 deadline=2h "
      "on-deadline=continue],gate[webhook=http://ci/ok],100");
  ASSERT_TRUE(steps.ok()) << steps.error().message;
  EXPECT_EQ(*steps, json::parse(R"([{"setWeight": 10}, {"gate": {"continue": true}},
      {"gate": {"continue": true, "webhook": {"url": "http://ci:8080/ok?a=1,b=2", "intervalSeconds": 15,
                "timeoutSeconds": 3}, "deadlineSeconds": 7200, "onDeadline": "continue"}},
      {"gate": {"webhook": {"url": "http://ci/ok"}}}, {"setWeight": 100}])"));
  EXPECT_EQ(describeSteps((*steps)), "10%, gate (continue, stop after 3600s), gate (continue + http://ci:8080/ok?a=1,b=2, "
                                     "continue after 7200s), gate (http://ci/ok, stop after 3600s), 100%");
  for (const char* bad : {"gate[continue", "gate[approve]", "gate[every=10s]", "gate[deadline=soon]",
                          "gate[on-deadline=rollback]", "gatex"}) {
    auto refused = parseTrafficSteps(std::string("10,") + bad + ",100");
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_TRUE(contains(refused.error().message, "--steps")) << refused.error().message;
  }
  EXPECT_TRUE(contains(parseTrafficSteps("gate[approve]").error().message, "'approve'"));
}

TEST(ClientRenderTrafficTest, StepsFlagRefusesWhatItDoesNotUnderstandNamingTheItem) {
  for (const char* bad : {"10,,100", "10,wait,100", "101", "-5", "pause=0", "pause=soon", "10.5", ""}) {
    auto steps = parseTrafficSteps(bad);
    ASSERT_FALSE(steps.ok()) << bad;
    EXPECT_TRUE(contains(steps.error().message, "--steps")) << steps.error().message;
  }
  EXPECT_TRUE(contains(parseTrafficSteps("10,wait,100").error().message, "'wait'"));
}

}  // namespace
}  // namespace greenlight::cli
