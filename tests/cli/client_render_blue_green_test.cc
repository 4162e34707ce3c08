// The client's views of blue/green deployments, from JSON as the API answers it: the status
// block in each phase, the traffic split, the step line, and the change lines written only when
// the phase, the step or the split changes.
#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "cli/client_render_blue_green.h"
#include "cli/client_render_deployment.h"

namespace greenlight::cli {
namespace {

using nlohmann::json;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

json traffic(double oldPercent, double newPercent, int newHealthy = 4) {
  return json::array({json{{"fleetVersion", "sample-web-v001"}, {"percent", oldPercent}, {"instances", 4}, {"healthy", 4}},
                      json{{"fleetVersion", "sample-web-v002"}, {"percent", newPercent}, {"instances", 4},
                           {"healthy", newHealthy}}});
}

// A canary-10 deployment ({"setWeight": 10}, {"pause": {}}, {"setWeight": 100}) in `phase`.
json blueGreenDeployment(const std::string& phase, int stepIndex = 0, double newPercent = 0) {
  json blueGreen = {{"fleetVersion", "sample-web-v002"},
                    {"previousFleetVersion", "sample-web-v001"},
                    {"phase", phase},
                    {"steps", json::parse(R"([{"setWeight": 10}, {"pause": {}}, {"setWeight": 100}])")},
                    {"stepIndex", stepIndex},
                    {"trafficPercent", newPercent},
                    {"waitingFor", ""},
                    {"waitUntil", nullptr},
                    {"traffic", traffic(100 - newPercent, newPercent)}};
  return json{{"id", "d-BLUEGREEN"},
              {"application", "sample"},
              {"groupName", "web"},
              {"revision", "0123456789abcdef0123"},
              {"configName", "canary-10"},
              {"status", phase == "Done" ? "Succeeded" : "InProgress"},
              {"strategy", "blue-green"},
              {"blueGreen", blueGreen},
              {"startedAt", "2026-12-03T10:00:00.000Z"},
              {"version", 3},
              {"targets", json::array()}};
}

json waitingAtPause() {
  json deployment = blueGreenDeployment("Shifting", 1, 10);
  deployment["blueGreen"]["waitingFor"] = "greenlight continue (step 2 of 3)";
  return deployment;
}

TEST(ClientRenderBlueGreenTest, SplitLineShowsTheOldFleetLeftTheNewRightAndABarOfTheShares) {
  json blueGreen = blueGreenDeployment("Shifting", 0, 10)["blueGreen"];
  EXPECT_EQ(renderTrafficSplit(blueGreen),
            "traffic: sample-web-v001 90% \u2595\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2591\u258f "
            "sample-web-v002 10%");
  EXPECT_EQ(trafficSplitText(blueGreen), "sample-web-v001 90%, sample-web-v002 10%");
}

TEST(ClientRenderBlueGreenTest, SplitLineAtTheEndsAndWithSharesThatAreNotWhole) {
  json blueGreen = blueGreenDeployment("Shifting", 2, 100)["blueGreen"];
  EXPECT_EQ(renderTrafficSplit(blueGreen),
            "traffic: sample-web-v001 0% \u2595\u2591\u2591\u2591\u2591\u2591\u2591\u2591\u2591\u2591\u2591\u258f "
            "sample-web-v002 100%");
  blueGreen["traffic"] = traffic(99, 1);
  // 1% still gets a cell of its own.
  EXPECT_EQ(renderTrafficSplit(blueGreen),
            "traffic: sample-web-v001 99% \u2595\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2591\u258f "
            "sample-web-v002 1%");
  blueGreen["traffic"] = traffic(66.6667, 33.3333);
  EXPECT_EQ(trafficSplitText(blueGreen), "sample-web-v001 66.7%, sample-web-v002 33.3%");
  blueGreen["traffic"] = json::array();
  EXPECT_EQ(renderTrafficSplit(blueGreen), "") << "nothing read from the load balancer yet";
}

TEST(ClientRenderBlueGreenTest, FirstBlueGreenDeploymentHasOnlyTheNewFleet) {
  json blueGreen = blueGreenDeployment("Shifting", 2, 100)["blueGreen"];
  blueGreen["previousFleetVersion"] = nullptr;
  blueGreen["traffic"] = json::array({json{{"fleetVersion", "sample-web-v002"}, {"percent", 100.0}}});
  EXPECT_EQ(trafficSplitText(blueGreen), "sample-web-v002 100%");
  EXPECT_TRUE(contains(renderTrafficSplit(blueGreen), "\u258f sample-web-v002 100%"));
}

TEST(ClientRenderBlueGreenTest, StepLineSaysTheWeightAndWhatThePauseWaitsFor) {
  EXPECT_EQ(renderTrafficStep(waitingAtPause()["blueGreen"]),
            "step 2 of 3: 10% to sample-web-v002, waiting for greenlight continue");
  json timed = waitingAtPause()["blueGreen"];
  timed["steps"][1] = json::parse(R"({"pause": {"seconds": 30}})");
  timed["waitUntil"] = "2026-12-03T10:04:12.000Z";
  EXPECT_EQ(renderTrafficStep(timed), "step 2 of 3: 10% to sample-web-v002, pausing until 10:04:12");
  timed["waitUntil"] = nullptr;
  EXPECT_EQ(renderTrafficStep(timed), "step 2 of 3: 10% to sample-web-v002, pausing 30s");
  EXPECT_EQ(renderTrafficStep(blueGreenDeployment("Shifting", 2, 10)["blueGreen"]),
            "step 3 of 3: 100% to sample-web-v002")
      << "a weight step says the weight it sets";
  EXPECT_EQ(renderTrafficStep(blueGreenDeployment("Installing")["blueGreen"]), "")
      << "no step outside the shifting phase";
}

TEST(ClientRenderBlueGreenTest, StatusViewInEachPhaseShowsPhaseFleetsAndSplit) {
  for (const char* phase : {"Provisioning", "Installing", "Registering", "Ready", "Shifting", "TerminationWait",
                            "Retiring", "SwitchingBack", "Done"}) {
    std::string view = renderDeploymentView(blueGreenDeployment(phase), Style(false), WallTime{});
    EXPECT_TRUE(contains(view, std::string("Blue/green: phase ") + phase + " (")) << view;
    EXPECT_TRUE(contains(view, "fleets: new sample-web-v002 (4/4 healthy), previous sample-web-v001 (4/4 healthy)"))
        << view;
    EXPECT_TRUE(contains(view, "traffic: sample-web-v001 100% ")) << view;
    EXPECT_EQ(contains(view, "step "), std::string(phase) == "Shifting") << phase << "\n" << view;
    EXPECT_FALSE(contains(view, "waiting for:")) << view;
    EXPECT_FALSE(contains(view, "\033[")) << "no colour when the style is off";
  }
}

TEST(ClientRenderBlueGreenTest, StatusViewWaitingForContinueNamesTheCommand) {
  std::string view = renderDeploymentView(waitingAtPause(), Style(false), WallTime{});
  EXPECT_TRUE(contains(view, "  traffic: sample-web-v001 90% ")) << view;
  EXPECT_TRUE(contains(view, "  step 2 of 3: 10% to sample-web-v002, waiting for greenlight continue\n")) << view;
  EXPECT_TRUE(contains(view, "  waiting for: greenlight continue (step 2 of 3); run: greenlight continue d-BLUEGREEN\n"))
      << view;

  json ready = blueGreenDeployment("Ready");
  ready["blueGreen"]["waitingFor"] = "greenlight continue (ready)";
  ready["blueGreen"]["waitUntil"] = "2026-12-03T11:00:00.000Z";
  std::string readyView = renderDeploymentView(ready, Style(false), parseTimestamp("2026-12-03T10:58:30.000Z"));
  EXPECT_TRUE(contains(readyView, "waiting for: greenlight continue (ready) until 11:00:00 (1m30s left); run: "
                                  "greenlight continue d-BLUEGREEN"))
      << readyView;
}

TEST(ClientRenderBlueGreenTest, StatusViewOfATimedWaitSaysHowLongIsLeft) {
  json deployment = blueGreenDeployment("TerminationWait", 2, 100);
  deployment["blueGreen"]["waitingFor"] = "the termination wait of sample-web-v001";
  deployment["blueGreen"]["waitUntil"] = "2026-12-03T10:09:00.000Z";
  std::string view = renderDeploymentView(deployment, Style(false), parseTimestamp("2026-12-03T10:08:15.000Z"));
  EXPECT_TRUE(contains(view, "waiting for: the termination wait of sample-web-v001 until 10:09:00 (45s left)\n"))
      << view;
  EXPECT_FALSE(contains(view, "run: greenlight continue")) << view;
}

TEST(ClientRenderBlueGreenTest, InPlaceDeploymentsHaveNoBlueGreenBlockNorLines) {
  json deployment = blueGreenDeployment("Shifting");
  deployment["strategy"] = "in-place";
  deployment["blueGreen"] = nullptr;
  EXPECT_FALSE(contains(renderDeploymentView(deployment, Style(false), WallTime{}), "Blue/green"));
  EXPECT_TRUE(describeBlueGreenChanges(json(), deployment).empty());
}

TEST(ClientRenderBlueGreenTest, WatchLinesOnEachChangeOfPhaseStepOrSplitAndNotOtherwise) {
  json provisioning = blueGreenDeployment("Provisioning");
  auto first = describeChanges(json(), provisioning);
  EXPECT_NE(std::find(first.begin(), first.end(), "deployment d-BLUEGREEN: new fleet sample-web-v002, previous "
                                                  "sample-web-v001"),
            first.end());
  EXPECT_NE(std::find(first.begin(), first.end(),
                      "deployment d-BLUEGREEN: phase Provisioning (starting the new fleet)"),
            first.end());
  EXPECT_NE(std::find(first.begin(), first.end(), "deployment d-BLUEGREEN: traffic sample-web-v001 100%, "
                                                  "sample-web-v002 0%"),
            first.end());

  // The same again with only the health and version moving: nothing to say.
  json unchanged = provisioning;
  unchanged["version"] = 4;
  unchanged["blueGreen"]["traffic"][1]["healthy"] = 2;
  EXPECT_TRUE(describeBlueGreenChanges(provisioning, unchanged).empty());
  EXPECT_TRUE(describeChanges(provisioning, unchanged).empty());

  json installing = blueGreenDeployment("Installing");
  EXPECT_EQ(describeBlueGreenChanges(provisioning, installing),
            std::vector<std::string>{"deployment d-BLUEGREEN: phase Installing (installing the revision on the new fleet)"});

  json shifting = blueGreenDeployment("Shifting", 0, 0);
  json tenPercent = blueGreenDeployment("Shifting", 0, 10);
  EXPECT_EQ(describeBlueGreenChanges(installing, shifting),
            (std::vector<std::string>{"deployment d-BLUEGREEN: phase Shifting (moving traffic to the new fleet)",
                                      "deployment d-BLUEGREEN: step 1 of 3: 10% to sample-web-v002"}));
  EXPECT_EQ(describeBlueGreenChanges(shifting, tenPercent),
            std::vector<std::string>{"deployment d-BLUEGREEN: traffic sample-web-v001 90%, sample-web-v002 10%"});
  EXPECT_EQ(describeBlueGreenChanges(tenPercent, waitingAtPause()),
            std::vector<std::string>{
                "deployment d-BLUEGREEN: step 2 of 3: 10% to sample-web-v002, waiting for greenlight continue"});
  json stillWaiting = waitingAtPause();
  stillWaiting["blueGreen"]["waitUntil"] = "2026-12-03T10:04:12.000Z";
  EXPECT_TRUE(describeBlueGreenChanges(waitingAtPause(), stillWaiting).empty()) << "same step, same split";

  json done = blueGreenDeployment("Done", 2, 100);
  auto last = describeChanges(blueGreenDeployment("Retiring", 2, 100), done);
  ASSERT_FALSE(last.empty());
  EXPECT_EQ(last.front(), "deployment d-BLUEGREEN: phase Done (done)");
  EXPECT_EQ(last.back(), "deployment d-BLUEGREEN: Succeeded") << "the final status still closes the list";
}

TEST(ClientRenderBlueGreenTest, SummaryAndContinueAnswerNameTheSplitAndTheStep) {
  json done = blueGreenDeployment("Done", 2, 100);
  done["durationMs"] = 61000;
  EXPECT_TRUE(contains(renderSummary(done), "Traffic: sample-web-v001 0%, sample-web-v002 100%."))
      << renderSummary(done);
  std::string continued = renderContinued(blueGreenDeployment("Shifting", 2, 10));
  EXPECT_EQ(continued,
            "Deployment d-BLUEGREEN continued: InProgress, phase Shifting; step 3 of 3: 100% to sample-web-v002.\n"
            "Follow it with: greenlight status d-BLUEGREEN --watch\n");
}

TEST(ClientRenderBlueGreenTest, PercentText) {
  EXPECT_EQ(percentText(10), "10%");
  EXPECT_EQ(percentText(9.96), "10%");
  EXPECT_EQ(percentText(12.5), "12.5%");
  EXPECT_EQ(percentText(0), "0%");
}

}  // namespace
}  // namespace greenlight::cli

namespace greenlight::cli {
namespace {

TEST(ClientRenderInPlaceTest, TheJudgementBetweenBatchesShowsItsNumbersAndWhatItWaitsFor) {
  nlohmann::json deployment = {
      {"id", "d-INPLACE01"},
      {"strategy", "in-place"},
      {"inPlace",
       {{"analyses", nlohmann::json::array({{{"stepIndex", 1},
                                             {"trafficPercent", 33},
                                             {"verdict", "Inconclusive"},
                                             {"measurements", 2},
                                             {"failures", 0},
                                             {"results", nlohmann::json::array({{{"name", "errors"},
                                                                                 {"verdict", "Inconclusive"},
                                                                                 {"summary", "12 requests (fewer than 50)"}}})}}})},
        {"waitingFor", "greenlight continue (the analysis after 1 of 3 instances deployed was inconclusive)"}}}};
  std::string text = renderInPlaceBlock(deployment);
  EXPECT_TRUE(text.find("analysis (after 1 instances, 33% on the new revision): Inconclusive, 2 measurements, 0 failed") !=
              std::string::npos) << text;
  EXPECT_TRUE(text.find("    errors Inconclusive: 12 requests (fewer than 50)") != std::string::npos) << text;
  EXPECT_TRUE(text.find("run: greenlight continue d-INPLACE01") != std::string::npos) << text;
  deployment.erase("inPlace");
  EXPECT_EQ(renderInPlaceBlock(deployment), "");
}

}  // namespace
}  // namespace greenlight::cli
