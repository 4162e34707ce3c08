// The live view's tree, drawn from deployments as the API answers them (docs/openapi.yaml):
// in place, blue/green mid-canary with the split and the step waited on, a rolling replace, a
// failed instance with its error code, a gate, an analysis, narrow terminals and plain ASCII.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli/client_render_tree.h"
#include "cli/terminal.h"

namespace greenlight::cli {
namespace {

using nlohmann::json;

const WallTime kNow = parseTimestamp("2026-12-03T10:01:05.000Z");

std::string joinLines(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  return text;
}

TreeOptions wide(bool unicode = true) {
  TreeOptions options;
  options.width = 160;
  options.unicode = unicode;
  return options;
}

json event(const std::string& name, const std::string& status, const std::string& startedAt, const std::string& endedAt = "") {
  return json{{"event", name},
              {"status", status},
              {"startedAt", startedAt.empty() ? json() : json(startedAt)},
              {"endedAt", endedAt.empty() ? json() : json(endedAt)},
              {"errorCode", ""},
              {"message", ""},
              {"logTail", ""}};
}

json target(const std::string& id, const std::string& host, int port, const std::string& status,
            const std::string& currentEvent, json events, const std::string& startedAt = "2026-12-03T10:00:00.000Z",
            const std::string& endedAt = "") {
  return json{{"instanceId", id},
              {"hostName", host},
              {"port", port},
              {"status", status},
              {"currentEvent", currentEvent},
              {"startedAt", status == "Pending" ? json() : json(startedAt)},
              {"endedAt", endedAt.empty() ? json() : json(endedAt)},
              {"errorCode", ""},
              {"message", ""},
              {"events", std::move(events)}};
}

json counts(int pending, int inProgress, int succeeded, int failed) {
  return json{{"pending", pending}, {"inProgress", inProgress}, {"succeeded", succeeded}, {"failed", failed},
              {"skipped", 0},       {"unknown", 0},            {"ready", 0}};
}

json inPlaceDeployment() {
  return json{
      {"id", "d-INPLACE01"},
      {"application", "sample"},
      {"groupName", "web"},
      {"revision", "0123456789abcdef0123"},
      {"configName", "CodeDeployDefault.OneAtATime"},
      {"status", "InProgress"},
      {"strategy", "in-place"},
      {"blueGreen", nullptr},
      {"inPlace", nullptr},
      {"createdBy", "admin"},
      {"errorCode", ""},
      {"errorMessage", ""},
      {"startedAt", "2026-12-03T10:00:00.000Z"},
      {"counts", counts(1, 1, 1, 0)},
      {"targets",
       json::array({target("i-1", "web-0", 8001, "Succeeded", "",
                           json::array({event("ValidateService", "Succeeded", "2026-12-03T10:00:10.000Z",
                                              "2026-12-03T10:00:12.000Z")}),
                           "2026-12-03T10:00:00.000Z", "2026-12-03T10:00:12.000Z"),
                    target("i-2", "web-1", 8002, "InProgress", "ValidateService",
                           json::array({event("BeforeInstall", "Succeeded", "2026-12-03T10:00:13.000Z",
                                              "2026-12-03T10:00:14.000Z"),
                                        event("ValidateService", "InProgress", "2026-12-03T10:01:00.000Z")}),
                           "2026-12-03T10:00:12.000Z"),
                    target("i-3", "web-2", 8003, "Pending", "", json::array())})}};
}

json groupInstances() {
  auto instance = [](const std::string& id, const std::string& host, int port, const std::string& fleet,
                     const std::string& revision, bool online) {
    return json{{"id", id},          {"hostName", host},        {"port", port},
                {"lifecycle", "Running"}, {"online", online},     {"fleetVersion", fleet},
                {"currentRevision", revision}};
  };
  return json{{"instances", json::array({instance("i-1", "web-0", 8001, "sample-web-v001", "fedcba9876543210", true),
                                         instance("i-2", "web-1", 8002, "sample-web-v001", "fedcba9876543210", false),
                                         instance("i-3", "web-0", 8003, "sample-web-v002", "", true),
                                         instance("i-4", "web-1", 8004, "sample-web-v002", "", true)})}};
}

// Canary 10%, then a pause waiting for `greenlight continue`, then 100%: at the pause.
json blueGreenMidCanary() {
  json deployment = inPlaceDeployment();
  deployment["id"] = "d-BLUEGREEN";
  deployment["strategy"] = "blue-green";
  deployment["configName"] = "canary-10";
  deployment["counts"] = counts(0, 0, 2, 0);
  deployment["blueGreen"] = {
      {"fleetVersion", "sample-web-v002"},
      {"previousFleetVersion", "sample-web-v001"},
      {"switchBack", false},
      {"phase", "Shifting"},
      {"steps", json::parse(R"([{"setWeight": 10}, {"pause": {}}, {"setWeight": 100}])")},
      {"stepIndex", 1},
      {"trafficPercent", 10},
      {"waitingFor", "greenlight continue (step 2 of 3)"},
      {"waitUntil", nullptr},
      {"traffic", json::array({json{{"fleetVersion", "sample-web-v001"}, {"percent", 90}, {"instances", 2}, {"healthy", 2}},
                               json{{"fleetVersion", "sample-web-v002"}, {"percent", 10}, {"instances", 2}, {"healthy", 2}}})}};
  deployment["targets"] =
      json::array({target("i-3", "web-0", 8003, "Succeeded", "", json::array(), "2026-12-03T10:00:00.000Z",
                          "2026-12-03T10:00:20.000Z"),
                   target("i-4", "web-1", 8004, "Succeeded", "", json::array(), "2026-12-03T10:00:00.000Z",
                          "2026-12-03T10:00:21.000Z")});
  return deployment;
}

TEST(ClientRenderTreeTest, InPlaceShowsDeploymentThenInstancesThenTheRunningEvent) {
  auto lines = renderDeploymentTree(inPlaceDeployment(), groupInstances(), kNow, wide());
  EXPECT_EQ(joinLines(lines),
            "\u27f3 d-INPLACE01  sample/web  revision 0123456789ab  InProgress  1m05s  1/3 instances  in-place "
            "CodeDeployDefault.OneAtATime\n"
            "\u251c\u2500\u2500 \u2714 i-1 web-0:8001  online  Succeeded  2s\n"
            "\u251c\u2500\u2500 \u27f3 i-2 web-1:8002  offline  InProgress  52s\n"
            "\u2502   \u2514\u2500\u2500 \u27f3 ValidateService  running 5s\n"
            "\u2514\u2500\u2500 \u25cc i-3 web-2:8003  online  Pending\n");
}

TEST(ClientRenderTreeTest, WithoutTheGroupsInstancesTheTreeStillShowsEveryTarget) {
  auto lines = renderDeploymentTree(inPlaceDeployment(), nullptr, kNow, wide());
  ASSERT_EQ(lines.size(), 5u) << joinLines(lines);
  EXPECT_EQ(lines[1], "\u251c\u2500\u2500 \u2714 i-1 web-0:8001  Succeeded  2s");
}

TEST(ClientRenderTreeTest, BlueGreenMidCanaryShowsTheStepWaitedOnTheSplitAndBothFleets) {
  auto lines = renderDeploymentTree(blueGreenMidCanary(), groupInstances(), kNow, wide());
  EXPECT_EQ(joinLines(lines),
            "\u27f3 d-BLUEGREEN  sample/web  revision 0123456789ab  InProgress  1m05s  2/2 instances  blue/green "
            "(Shifting) canary-10\n"
            "\u251c\u2500\u2500 \u2016 step 2/3: pause, waiting for `greenlight continue d-BLUEGREEN`\n"
            "\u251c\u2500\u2500 \u2714 sample-web-v001  revision fedcba987654  90% "
            "\u2595\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2591\u258f  serving  2/2 healthy\n"
            "\u2502   \u251c\u2500\u2500 \u2714 i-1 web-0:8001  online  Running\n"
            "\u2502   \u2514\u2500\u2500 ? i-2 web-1:8002  offline  Running\n"
            "\u2514\u2500\u2500 \u27f3 sample-web-v002  revision 0123456789ab  10% "
            "\u2595\u2588\u2591\u2591\u2591\u2591\u2591\u2591\u2591\u2591\u2591\u258f  new  2/2 healthy\n"
            "    \u251c\u2500\u2500 \u2714 i-3 web-0:8003  online  Succeeded  20s\n"
            "    \u2514\u2500\u2500 \u2714 i-4 web-1:8004  online  Succeeded  21s\n");
}

TEST(ClientRenderTreeTest, TimedPauseShowsWhenItEndsAndAGateItsWebhook) {
  json deployment = blueGreenMidCanary();
  deployment["blueGreen"]["steps"][1] = {{"pause", {{"seconds", 60}}}};
  deployment["blueGreen"]["waitingFor"] = "";
  deployment["blueGreen"]["waitUntil"] = "2026-12-03T10:01:35.000Z";
  auto lines = renderDeploymentTree(deployment, nullptr, kNow, wide());
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines[1], "\u251c\u2500\u2500 \u2016 step 2/3: pause 1m00s, until 10:01:35 (30s left)");

  deployment["blueGreen"]["steps"][1] = json::parse(R"({"gate": {"continue": true, "webhook": {"url": "http://ci/ok"}}})");
  deployment["blueGreen"]["waitingFor"] = "a gate (step 2 of 3): greenlight continue or a 2xx from http://ci/ok";
  deployment["blueGreen"]["gates"] = json::array(
      {json{{"stepIndex", 1}, {"checks", 3}, {"webhook", {{"verdict", "Failed"}, {"summary", "POST http://ci/ok: HTTP 409"}}}}});
  lines = renderDeploymentTree(deployment, nullptr, kNow, wide());
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines[1],
            "\u251c\u2500\u2500 \u2016 step 2/3: gate, waiting for greenlight continue or a 2xx from http://ci/ok until "
            "10:01:35 (30s left)");
  EXPECT_EQ(lines[2], "\u2502   \u2514\u2500\u2500 \u25cc webhook Failed: POST http://ci/ok: HTTP 409 (3 checks)");
}

TEST(ClientRenderTreeTest, AnalysisShowsItsVerdictAndTheNumbersOfEachCheck) {
  json deployment = blueGreenMidCanary();
  deployment["blueGreen"]["analyses"] = json::array({json{
      {"stepIndex", 1},
      {"trafficPercent", 10},
      {"measurements", 4},
      {"failures", 1},
      {"verdict", "Running"},
      {"results", json::array({json{{"name", "error-rate"},
                                    {"verdict", "Failed"},
                                    {"summary", "new 5.0% 5xx of 200 requests, old 0.0% of 1800"}}})}}});
  auto text = joinLines(renderDeploymentTree(deployment, nullptr, kNow, wide()));
  EXPECT_NE(text.find("\u251c\u2500\u2500 \u27f3 analysis (step 2, 10% on the new fleet): Running, 4 measurements, 1 failed\n"
                      "\u2502   \u2514\u2500\u2500 \u2716 error-rate Failed: new 5.0% 5xx of 200 requests, old 0.0% of 1800\n"),
            std::string::npos)
      << text;
}

TEST(ClientRenderTreeTest, RollingReplaceShowsItsBatchesAndTheInstancesLeftOut) {
  json deployment = blueGreenMidCanary();
  deployment["blueGreen"]["rolling"] = {{"batchSize", 1}, {"fleetSize", 2}, {"batches", 2}, {"leftOut", {"i-4"}}};
  deployment["blueGreen"]["steps"] = json::array();
  deployment["blueGreen"]["waitingFor"] = "";
  auto lines = renderDeploymentTree(deployment, groupInstances(), kNow, wide());
  std::string text = joinLines(lines);
  EXPECT_NE(lines[0].find("blue/green rolling (Shifting) canary-10"), std::string::npos) << text;
  EXPECT_NE(text.find("    \u251c\u2500\u2500 \u2022 rolling: 2 batches of 1 for a fleet of 2; left out: i-4\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("step "), std::string::npos) << "no steps, no step line: " << text;
}

TEST(ClientRenderTreeTest, FailedInstanceShowsTheFailingEventItsErrorCodeAndMessage) {
  json deployment = inPlaceDeployment();
  deployment["status"] = "Failed";
  deployment["endedAt"] = "2026-12-03T10:00:40.000Z";
  deployment["errorCode"] = "DeploymentFailed";
  deployment["errorMessage"] = "1 of 3 instances failed\nmore";
  json failed = event("ValidateService", "Failed", "2026-12-03T10:00:30.000Z", "2026-12-03T10:00:31.000Z");
  failed["errorCode"] = "ScriptFailed";
  failed["message"] = "script exited with 3\nsecond line";
  deployment["targets"][1] = target("i-2", "web-1", 8002, "Failed", "ValidateService", json::array({failed}),
                                    "2026-12-03T10:00:12.000Z", "2026-12-03T10:00:31.000Z");
  auto text = joinLines(renderDeploymentTree(deployment, nullptr, kNow, wide()));
  EXPECT_EQ(text.rfind("\u2716 d-INPLACE01  sample/web  revision 0123456789ab  Failed  40s", 0), 0u) << text;
  EXPECT_NE(text.find("\u251c\u2500\u2500 \u2716 DeploymentFailed: 1 of 3 instances failed\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\u251c\u2500\u2500 \u2716 i-2 web-1:8002  Failed  1s\n"
                      "\u2502   \u2514\u2500\u2500 \u2716 ValidateService  ScriptFailed  script exited with 3\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("waiting"), std::string::npos) << "a final deployment waits for nothing: " << text;
}

TEST(ClientRenderTreeTest, NarrowTerminalCutsEveryLineToItsWidth) {
  TreeOptions options = wide();
  for (std::size_t width : {60u, 30u, 12u}) {
    options.width = width;
    auto lines = renderDeploymentTree(blueGreenMidCanary(), groupInstances(), kNow, options);
    ASSERT_EQ(lines.size(), 8u) << "cut, never wrapped or dropped";
    for (const auto& line : lines) EXPECT_LE(displayWidth(line), width) << line;
    EXPECT_EQ(lines[0].substr(lines[0].size() - 3), "\u2026") << lines[0];
  }
  options.width = 30;
  auto lines = renderDeploymentTree(blueGreenMidCanary(), groupInstances(), kNow, options);
  EXPECT_EQ(lines[5], "\u2514\u2500\u2500 \u27f3 sample-web-v002  revisi\u2026");
}

TEST(ClientRenderTreeTest, AsciiFallbackHasNoByteOutsideAscii) {
  json deployment = blueGreenMidCanary();
  auto lines = renderDeploymentTree(deployment, groupInstances(), kNow, wide(false));
  for (const auto& line : lines) {
    for (unsigned char c : line) ASSERT_LT(c, 0x80) << line;
  }
  std::string text = joinLines(lines);
  EXPECT_NE(text.find("|-- = step 2/3: pause, waiting for `greenlight continue d-BLUEGREEN`\n"), std::string::npos) << text;
  EXPECT_NE(text.find("|-- + sample-web-v001  revision fedcba987654  90% [#########.]  serving"), std::string::npos) << text;
  EXPECT_NE(text.find("`-- ~ sample-web-v002  revision 0123456789ab  10% [#.........]  new"), std::string::npos) << text;
  EXPECT_NE(text.find("    `-- + i-4 web-1:8004"), std::string::npos) << text;
  TreeOptions narrow = wide(false);
  narrow.width = 20;
  for (const auto& line : renderDeploymentTree(deployment, nullptr, kNow, narrow)) {
    EXPECT_LE(line.size(), 20u) << line;
    for (unsigned char c : line) ASSERT_LT(c, 0x80) << line;
  }
}

TEST(ClientRenderTreeTest, ColourOnlyWhenAskedAndKeptWholeWhenALineIsCut) {
  TreeOptions options = wide();
  auto plain = joinLines(renderDeploymentTree(blueGreenMidCanary(), nullptr, kNow, options));
  EXPECT_EQ(plain.find('\033'), std::string::npos);
  options.colour = true;
  auto coloured = renderDeploymentTree(blueGreenMidCanary(), nullptr, kNow, options);
  EXPECT_NE(coloured[0].find("\033[36mInProgress\033[0m"), std::string::npos) << coloured[0];
  options.width = 14;
  for (const auto& line : renderDeploymentTree(blueGreenMidCanary(), nullptr, kNow, options)) {
    EXPECT_LE(displayWidth(line), 14u) << line;
    std::size_t opened = 0, reset = 0;
    for (std::size_t at = line.find("\033["); at != std::string::npos; at = line.find("\033[", at + 1)) {
      line.compare(at, 4, "\033[0m") == 0 ? ++reset : ++opened;
    }
    EXPECT_EQ(opened, reset) << "every colour is closed: " << line;
  }
}

TEST(ClientRenderTreeTest, SucceededBlueGreenShowsTheNewFleetServingAndNoStep) {
  json deployment = blueGreenMidCanary();
  deployment["status"] = "Succeeded";
  deployment["endedAt"] = "2026-12-03T10:01:00.000Z";
  deployment["blueGreen"]["phase"] = "Done";
  deployment["blueGreen"]["waitingFor"] = "";
  deployment["blueGreen"]["traffic"][0]["percent"] = 0;
  deployment["blueGreen"]["traffic"][1]["percent"] = 100;
  auto lines = renderDeploymentTree(deployment, nullptr, kNow, wide());
  std::string text = joinLines(lines);
  EXPECT_EQ(lines[0].rfind("\u2714 d-BLUEGREEN  sample/web  revision 0123456789ab  Succeeded  1m00s  2/2 instances  "
                           "blue/green canary-10", 0), 0u) << text;
  EXPECT_NE(text.find("\u251c\u2500\u2500 \u25cc sample-web-v001  0% "), std::string::npos) << text;
  EXPECT_NE(text.find("  old  2/2 healthy"), std::string::npos) << text;
  EXPECT_NE(text.find("\u2514\u2500\u2500 \u2714 sample-web-v002  revision 0123456789ab  100% "), std::string::npos) << text;
  EXPECT_NE(text.find("  serving  2/2 healthy"), std::string::npos) << text;
  EXPECT_EQ(text.find("step"), std::string::npos) << text;
}

TEST(ClientRenderTreeTest, ATreeTallerThanTheTerminalFoldsTheQuietInstancesAndKeepsTheBusyOnes) {
  json deployment = inPlaceDeployment();
  json targets = json::array();
  for (int i = 0; i < 300; ++i) {
    std::string status = i == 7 ? "Failed" : (i == 150 ? "InProgress" : (i < 200 ? "Succeeded" : "Pending"));
    targets.push_back(target("i-" + std::to_string(i), "web-" + std::to_string(i), 20000 + i, status, "", json::array()));
  }
  deployment["targets"] = targets;
  TreeOptions options = wide();
  EXPECT_EQ(renderDeploymentTree(deployment, nullptr, kNow, options).size(), 301u) << "no limit: every instance";
  options.maxLines = 20;
  auto lines = renderDeploymentTree(deployment, nullptr, kNow, options);
  std::string text = joinLines(lines);
  EXPECT_LE(lines.size(), 20u) << text;
  EXPECT_NE(text.find("\u2716 i-7 web-7:20007  Failed"), std::string::npos) << text;
  EXPECT_NE(text.find("\u27f3 i-150 web-150:20150  InProgress"), std::string::npos) << text;
  EXPECT_NE(text.find("\u2514\u2500\u2500 \u2022 \u2714 198 done, \u25cc 100 pending (folded to fit the terminal)\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("i-8 "), std::string::npos) << text;
}

TEST(ClientRenderTreeTest, FitToHeightKeepsTheTopAndSaysHowManyLinesAreHidden) {
  std::vector<std::string> lines = {"a", "b", "c", "d", "e"};
  EXPECT_EQ(fitToHeight(lines, 5, true), lines);
  EXPECT_EQ(fitToHeight(lines, 3, false),
            (std::vector<std::string>{"a", "b", "... 3 more lines (a taller terminal shows them)"}));
}

TEST(ClientRenderTreeTest, FitToWidthCountsCharactersNotBytesAndSkipsColour) {
  EXPECT_EQ(displayWidth("\u251c\u2500\u2500 \033[32m\u2714\033[0m ok"), 8u);
  EXPECT_EQ(fitToWidth("abcdef", 4, true), "abc\u2026");
  EXPECT_EQ(fitToWidth("abcdef", 4, false), "abc~");
  EXPECT_EQ(fitToWidth("abcdef", 6, false), "abcdef");
  EXPECT_EQ(fitToWidth("\033[31mabcdef\033[0m", 3, true), "\033[31mab\u2026\033[0m");
}

}  // namespace
}  // namespace greenlight::cli
