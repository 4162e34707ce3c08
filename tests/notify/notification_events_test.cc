// Event derivation: each event exactly once, in the order it must have happened, however many
// changes fell between two observations.
#include "notify/notification_events.h"

#include "notify_test_support.h"

namespace greenlight::notify {
namespace {

using domain::DeploymentStatus;
using domain::InstanceStatus;
using nlohmann::json;

std::vector<std::string> names(const Derivation& derivation) {
  std::vector<std::string> events;
  for (const auto& event : derivation.events) {
    std::string name = event.event;
    if (event.instance.is_object()) name += " " + event.instance["instanceId"].get<std::string>();
    if (event.step.is_object()) name += " " + std::to_string(event.step["index"].get<int>());
    if (event.analysis.is_object()) name += " " + event.analysis["verdict"].get<std::string>();
    events.push_back(name);
  }
  return events;
}

using Names = std::vector<std::string>;

TEST(NotificationEvents, ADeploymentSeenAtEveryChangeOwesEachEventOnce) {
  WallTime now = at("10:00:00.000");
  Derivation created = deriveEvents({}, deployment(DeploymentStatus::Created, {target("i-1", InstanceStatus::Pending)}), now);
  EXPECT_TRUE(created.events.empty());

  auto running = deployment(DeploymentStatus::InProgress,
                            {target("i-1", InstanceStatus::InProgress, at("10:00:01.000"))});
  running.startedAt = at("10:00:00.500");
  Derivation started = deriveEvents(created.state, running, now);
  EXPECT_EQ(names(started), (Names{"DeploymentStart", "InstanceStart i-1"}));
  EXPECT_EQ(started.events[0].time, at("10:00:00.500")) << "the view's own time, not when it was seen";
  EXPECT_EQ(started.events[0].sequence, 1);
  EXPECT_EQ(started.events[1].sequence, 2);

  // The same view again (another change elsewhere, a restart): nothing new.
  Derivation again = deriveEvents(started.state, running, now);
  EXPECT_TRUE(again.events.empty());
  EXPECT_EQ(again.state, started.state);

  auto done = running;
  done.status = DeploymentStatus::Succeeded;
  done.endedAt = at("10:00:09.000");
  done.targets[0].status = InstanceStatus::Succeeded;
  done.targets[0].endedAt = at("10:00:08.000");
  Derivation finished = deriveEvents(started.state, done, now);
  EXPECT_EQ(names(finished), (Names{"InstanceSuccess i-1", "DeploymentSuccess"}));
  EXPECT_EQ(finished.events[0].sequence, 3) << "the sequence goes on per deployment";
  EXPECT_EQ(finished.events[1].status, "Succeeded");
  EXPECT_EQ(finished.events[0].status, "InProgress") << "an instance event happened while under way";
}

TEST(NotificationEvents, CreatedThenSucceededOwesStartInstancesByTimeThenSuccess) {
  // One at a time: i-2 ran first, then i-1. Seen only before and after.
  auto done = deployment(DeploymentStatus::Succeeded,
                         {target("i-1", InstanceStatus::Succeeded, at("10:00:05.000"), at("10:00:08.000")),
                          target("i-2", InstanceStatus::Succeeded, at("10:00:01.000"), at("10:00:04.000"))});
  done.startedAt = at("10:00:00.000");
  done.endedAt = at("10:00:09.000");
  Derivation derivation = deriveEvents({}, done, at("10:00:10.000"));
  EXPECT_EQ(names(derivation), (Names{"DeploymentStart", "InstanceStart i-2", "InstanceSuccess i-2",
                                      "InstanceStart i-1", "InstanceSuccess i-1", "DeploymentSuccess"}));
  for (std::size_t i = 0; i < derivation.events.size(); ++i) {
    EXPECT_EQ(derivation.events[i].sequence, static_cast<std::int64_t>(i + 1));
  }
  EXPECT_EQ(derivation.events[0].status, "InProgress");
}

TEST(NotificationEvents, ATargetSeenPendingThenFailedOwesItsStartThenItsFailure) {
  auto running = deployment(DeploymentStatus::InProgress, {target("i-1", InstanceStatus::Pending)});
  running.startedAt = at("10:00:00.000");
  Derivation first = deriveEvents({}, running, at("10:00:00.100"));
  EXPECT_EQ(names(first), (Names{"DeploymentStart"}));

  auto failed = deployment(DeploymentStatus::Failed, {target("i-1", InstanceStatus::Failed)});
  failed.startedAt = running.startedAt;
  failed.errorCode = "ScriptFailed";
  failed.errorMessage = "The deployment failed on i-1.";
  failed.rolledBackBy = "d-TEST00002";
  engine::TargetView& t = failed.targets[0];
  t.errorCode = "ScriptFailed";
  t.message = "exit 3";
  t.currentEvent = "ValidateService";
  for (auto [name, status] : {std::pair{"ApplicationStop", "Succeeded"}, std::pair{"BeforeInstall", "Succeeded"},
                              std::pair{"ValidateService", "Failed"}}) {
    engine::LifecycleEventView event;
    event.event = name;
    event.status = status;
    t.events.push_back(event);
  }
  Derivation second = deriveEvents(first.state, failed, at("10:00:03.000"));
  EXPECT_EQ(names(second), (Names{"InstanceStart i-1", "InstanceFailure i-1", "DeploymentFailure",
                                  "DeploymentRollback"}));
  const json& instance = second.events[1].instance;
  EXPECT_EQ(instance["errorCode"], "ScriptFailed");
  EXPECT_EQ(instance["lifecycleEvent"], "ValidateService") << "the event that failed";
  EXPECT_EQ(instance["hostName"], "web-i-1");
  EXPECT_EQ(second.events[0].instance["lifecycleEvent"], "ApplicationStop") << "the first that ran";
  EXPECT_EQ(second.events[2].status, "Failed");
  EXPECT_EQ(second.state.finalStatus, "Failed");
  EXPECT_TRUE(second.state.rolledBack);
}

TEST(NotificationEvents, AStopBeforeAnythingStartedIsOnlyAStop) {
  auto stopped = deployment(DeploymentStatus::Stopped, {target("i-1", InstanceStatus::Skipped)});
  EXPECT_EQ(names(deriveEvents({}, stopped, at("10:00:00.000"))), (Names{"DeploymentStop"}));
}

TEST(NotificationEvents, BlueGreenReadyAndStepsCollapsedComeInOrder) {
  auto installing = blueGreen(DeploymentStatus::InProgress, "Installing", 0,
                              {target("i-1", InstanceStatus::InProgress, at("10:00:01.000")),
                               target("i-2", InstanceStatus::Pending)});
  installing.startedAt = at("10:00:00.000");
  Derivation first = deriveEvents({}, installing, at("10:00:02.000"));
  EXPECT_EQ(names(first), (Names{"DeploymentStart", "InstanceStart i-1"}));

  // Next seen pausing at step 2 (index 1): both installed, ready, steps 0 and 1 begun.
  auto pausing = blueGreen(DeploymentStatus::InProgress, "Shifting", 1,
                           {target("i-1", InstanceStatus::Succeeded, at("10:00:01.000"), at("10:00:04.000")),
                            target("i-2", InstanceStatus::Succeeded, at("10:00:02.000"), at("10:00:05.000"))});
  pausing.blueGreen["waitUntil"] = "2026-03-01T10:00:40.000Z";
  Derivation second = deriveEvents(first.state, pausing, at("10:00:10.000"));
  EXPECT_EQ(names(second),
            (Names{"InstanceStart i-2", "InstanceSuccess i-1", "InstanceSuccess i-2", "InstanceReady i-1",
                   "InstanceReady i-2", "DeploymentReady", "StepStarted 0", "StepStarted 1",
                   "PauseStarted 1"}));
  const json& step = second.events[6].step;
  EXPECT_EQ(step["setWeight"], 10);
  EXPECT_EQ(step["number"], 1);
  EXPECT_EQ(step["count"], 3);
  const json& pause = second.events.back().step;
  EXPECT_EQ(pause["pause"]["seconds"], 30);
  EXPECT_EQ(pause["trafficPercent"], 10) << "the share set by the step before the pause";
  EXPECT_EQ(pause["waitUntil"], "2026-03-01T10:00:40.000Z");
  EXPECT_EQ(pause["waitsForContinue"], false);

  // The pause's analysis still running: nothing; once judged: AnalysisCompleted, once.
  json running = json::array({{{"stepIndex", 1}, {"trafficPercent", 10}, {"verdict", "Running"}}});
  auto measuring = blueGreen(DeploymentStatus::InProgress, "Shifting", 1, pausing.targets, running);
  Derivation third = deriveEvents(second.state, measuring, at("10:00:20.000"));
  EXPECT_TRUE(third.events.empty()) << names(third).size();
  json passed = json::array({{{"stepIndex", 1},
                              {"trafficPercent", 10},
                              {"verdict", "Passed"},
                              {"results", json::array({{{"name", "errors"}, {"verdict", "Passed"}}})}}});
  auto judged = blueGreen(DeploymentStatus::InProgress, "Shifting", 2, pausing.targets, passed);
  Derivation fourth = deriveEvents(third.state, judged, at("10:00:41.000"));
  EXPECT_EQ(names(fourth), (Names{"AnalysisCompleted Passed", "StepStarted 2"}))
      << "the pause's verdict comes before the next step";
  EXPECT_EQ(fourth.events[0].analysis["results"][0]["name"], "errors");

  // Straight to the end: the termination wait (Baking), then success.
  auto done = blueGreen(DeploymentStatus::Succeeded, "Done", 3, pausing.targets, passed);
  done.endedAt = at("10:01:50.000");
  Derivation fifth = deriveEvents(fourth.state, done, at("10:01:51.000"));
  EXPECT_EQ(names(fifth), (Names{"Baking", "DeploymentSuccess"}));
  EXPECT_EQ(fifth.events[0].status, "Baking");
}

TEST(NotificationEvents, AGroupsFirstFleetNeverBakes) {
  auto done = blueGreen(DeploymentStatus::Succeeded, "Done", 3,
                        {target("i-1", InstanceStatus::Succeeded, at("10:00:01.000"), at("10:00:02.000"))});
  done.startedAt = at("10:00:00.000");
  done.blueGreen["previousFleetVersion"] = nullptr;
  EXPECT_EQ(names(deriveEvents({}, done, at("10:00:09.000"))),
            (Names{"DeploymentStart", "InstanceStart i-1", "InstanceSuccess i-1", "InstanceReady i-1",
                   "DeploymentReady", "StepStarted 0", "StepStarted 1", "PauseStarted 1",
                   "StepStarted 2", "DeploymentSuccess"}));
}

TEST(NotificationEvents, ASwitchBackOwesNoReadyNorSteps) {
  auto rollback = blueGreen(DeploymentStatus::Succeeded, "Done", 0, {});
  rollback.startedAt = at("10:00:00.000");
  rollback.blueGreen["switchBack"] = true;
  EXPECT_EQ(names(deriveEvents({}, rollback, at("10:00:01.000"))),
            (Names{"DeploymentStart", "DeploymentSuccess"}));
}

TEST(NotificationEvents, TheStateSurvivesItsJsonForm) {
  auto pausing = blueGreen(DeploymentStatus::InProgress, "Shifting", 1,
                           {target("i-1", InstanceStatus::Succeeded, at("10:00:01.000"), at("10:00:02.000"))},
                           json::array({{{"stepIndex", 1}, {"verdict", "Failed"}}}));
  pausing.startedAt = at("10:00:00.000");
  pausing.rolledBackBy = "d-TEST00002";
  NotifiedState state = deriveEvents({}, pausing, at("10:00:03.000")).state;
  EXPECT_EQ(notifiedStateFromJson(toJson(state)), state);
  EXPECT_EQ(state.analysesCompleted, (std::set<int>{0}));
  EXPECT_EQ(state.stepsStarted, 2);
  EXPECT_EQ(notifiedStateFromJson(json("garbage")), NotifiedState{});
}

}  // namespace
}  // namespace greenlight::notify
