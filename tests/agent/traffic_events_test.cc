// The traffic events in the lifecycle: the runner hands BlockTraffic and AllowTraffic to the
// TrafficControl at CodeDeploy's places in the order, runs the hooks around them (the Block hooks
// from the last successful revision), and a failed traffic event fails the deployment like a
// failed hook. Hooks are recorded by a fake process runner: no process is started.
#include <gtest/gtest.h>

#include <functional>

#include "agent/lifecycle_events.h"
#include "agent/lifecycle_runner.h"
#include "support/test_support.h"

namespace greenlight::agent {
namespace {

namespace fs = std::filesystem;
using greenlight::testing::TempDir;
using greenlight::testing::writeFile;

// What ran, in order: "<event> hook from <deployment id>" or "<event> by the traffic control".
using Trace = std::vector<std::string>;

std::string deploymentOf(const fs::path& archive) { return archive.parent_path().filename().string(); }

class RecordingProcesses final : public os::ProcessRunner {
 public:
  explicit RecordingProcesses(Trace& trace) : trace_(trace) {}
  os::ProcessResult run(const os::ProcessSpec& spec, const os::OutputCallback&, const os::StartedCallback&) override {
    trace_.push_back(spec.environment.at("LIFECYCLE_EVENT") + " hook from " + deploymentOf(spec.workingDirectory));
    os::ProcessResult result;
    result.outcome = os::ProcessOutcome::Exited;
    result.exitCode = 0;
    return result;
  }

 private:
  Trace& trace_;
};

class FakeTrafficControl final : public TrafficControl {
 public:
  explicit FakeTrafficControl(Trace& trace) : trace_(trace) {}
  Result<std::string> carryOut(TrafficEvent event) override {
    trace_.push_back(std::string(eventName(event)) + " by the traffic control");
    if (duringCall) duringCall(event);
    if (event == TrafficEvent::Block && blockFails) return Error{"ServerUnreachable", "the server did not answer"};
    if (event == TrafficEvent::Allow && allowFails) {
      return Error{"HealthCheckTimedOut", "GET /health: L7STS 500 (2 of 2 checks failed)"};
    }
    return std::string(event == TrafficEvent::Block ? "drained: no request in flight" : "healthy and serving");
  }
  bool blockFails = false;
  bool allowFails = false;
  std::function<void(TrafficEvent)> duringCall;

 private:
  Trace& trace_;
};

class Finished final : public LifecycleObserver {
 public:
  void onEventFinished(const DeploymentRecord&, const EventRecord& event) override { events.push_back(event); }
  std::vector<EventRecord> events;
};

constexpr const char* kEveryHook = R"(version: 0.0
os: linux
hooks:
  BeforeBlockTraffic:
    - location: hook.sh
  AfterBlockTraffic:
    - location: hook.sh
  ApplicationStop:
    - location: hook.sh
  BeforeInstall:
    - location: hook.sh
  AfterInstall:
    - location: hook.sh
  ApplicationStart:
    - location: hook.sh
  ValidateService:
    - location: hook.sh
  BeforeAllowTraffic:
    - location: hook.sh
  AfterAllowTraffic:
    - location: hook.sh
)";

class TrafficEvents : public ::testing::Test {
 protected:
  void SetUp() override {
    writeFile(dir_.path() / "bundle/appspec.yml", kEveryHook);
    writeFile(dir_.path() / "bundle/hook.sh", "#!/bin/sh\n", 0755);
    ASSERT_TRUE(root_.lock().ok());
  }

  DeploymentRecord deploy(const std::string& deploymentId, TrafficControl* traffic) {
    LifecycleRequest request;
    request.bundle = dir_.path() / "bundle";
    request.bundleType = bundle::BundleType::Directory;
    request.installRoot = dir_.path() / "host";
    request.deploymentGroupName = "group";
    request.deploymentId = deploymentId;
    request.withLoadBalancer = true;
    request.traffic = traffic;
    LifecycleRunner runner(root_, processes_, clock_);
    return runner.run(request, finished_);
  }

  static const EventRecord& event(const DeploymentRecord& record, const std::string& name) {
    for (const auto& e : record.events) {
      if (e.name == name) return e;
    }
    ADD_FAILURE() << "no event " << name;
    static EventRecord none;
    return none;
  }

  TempDir dir_;
  DeploymentRoot root_{dir_.path() / "root"};
  Trace trace_;
  RecordingProcesses processes_{trace_};
  SystemClock clock_;
  Finished finished_;
  FakeTrafficControl traffic_{trace_};
};

TEST_F(TrafficEvents, RunAtCodeDeploysPlacesWithTheBlockHooksFromTheLastSuccessfulRevision) {
  auto first = deploy("d-FIRST", &traffic_);
  ASSERT_EQ(first.status, DeploymentStatus::Succeeded) << first.message;
  // Nothing ran here before: the previous revision's hooks are skipped, traffic is still blocked.
  EXPECT_EQ(event(first, "BeforeBlockTraffic").status, EventStatus::Skipped);
  EXPECT_EQ(trace_, (Trace{"BlockTraffic by the traffic control", "BeforeInstall hook from d-FIRST",
                           "AfterInstall hook from d-FIRST", "ApplicationStart hook from d-FIRST",
                           "ValidateService hook from d-FIRST", "BeforeAllowTraffic hook from d-FIRST",
                           "AllowTraffic by the traffic control", "AfterAllowTraffic hook from d-FIRST"}));

  trace_.clear();
  auto second = deploy("d-SECOND", &traffic_);
  ASSERT_EQ(second.status, DeploymentStatus::Succeeded) << second.message;
  EXPECT_EQ(trace_, (Trace{"BeforeBlockTraffic hook from d-FIRST", "BlockTraffic by the traffic control",
                           "AfterBlockTraffic hook from d-FIRST", "ApplicationStop hook from d-FIRST",
                           "BeforeInstall hook from d-SECOND", "AfterInstall hook from d-SECOND",
                           "ApplicationStart hook from d-SECOND", "ValidateService hook from d-SECOND",
                           "BeforeAllowTraffic hook from d-SECOND", "AllowTraffic by the traffic control",
                           "AfterAllowTraffic hook from d-SECOND"}));
  std::vector<std::string> names;
  for (const auto& e : second.events) names.push_back(e.name);
  EXPECT_EQ(names, defaultEventOrder(true));
  EXPECT_EQ(event(second, "BlockTraffic").status, EventStatus::Succeeded);
  EXPECT_EQ(event(second, "BlockTraffic").message, "drained: no request in flight");
  EXPECT_EQ(event(second, "AllowTraffic").message, "healthy and serving");
}

TEST_F(TrafficEvents, WhileTheLoadBalancerIsAskedTheOngoingRecordNamesTheEvent) {
  std::vector<std::string> ongoingEvents;
  traffic_.duringCall = [&](TrafficEvent) {
    auto ongoing = root_.readOngoing();
    ongoingEvents.push_back(ongoing ? ongoing->deploymentId + " " + ongoing->event : "none");
  };
  auto record = deploy("d-ONGOING", &traffic_);
  ASSERT_EQ(record.status, DeploymentStatus::Succeeded) << record.message;
  EXPECT_EQ(ongoingEvents, (std::vector<std::string>{"d-ONGOING BlockTraffic", "d-ONGOING AllowTraffic"}));
}

TEST_F(TrafficEvents, AFailedAllowTrafficFailsTheDeploymentWithItsCodeAndSkipsTheRest) {
  traffic_.allowFails = true;
  auto record = deploy("d-UNHEALTHY", &traffic_);
  ASSERT_EQ(record.status, DeploymentStatus::Failed);
  EXPECT_EQ(record.errorCode, kTrafficControlFailed);
  EXPECT_EQ(record.errorCode, "TrafficControlFailed");
  EXPECT_EQ(record.message.rfind("AllowTraffic failed: the instance could not be registered with the load balancer", 0),
            0u)
      << record.message;
  EXPECT_NE(record.message.find("GET /health: L7STS 500 (2 of 2 checks failed)"), std::string::npos) << record.message;
  const EventRecord& allow = event(record, "AllowTraffic");
  EXPECT_EQ(allow.status, EventStatus::Failed);
  EXPECT_EQ(allow.errorCode, "TrafficControlFailed");
  EXPECT_TRUE(allow.end.has_value());
  EXPECT_EQ(event(record, "AfterAllowTraffic").status, EventStatus::Pending);
  EXPECT_EQ(trace_.back(), "AllowTraffic by the traffic control") << "AfterAllowTraffic's hook did not run";
  // The observer heard the failure as for a hook, and the stored record says the same.
  ASSERT_FALSE(finished_.events.empty());
  EXPECT_EQ(finished_.events.back().name, "AllowTraffic");
  EXPECT_EQ(finished_.events.back().status, EventStatus::Failed);
  auto stored = root_.readRecord(record.deploymentGroupId, "d-UNHEALTHY");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->status, DeploymentStatus::Failed);
  EXPECT_EQ(stored->errorCode, "TrafficControlFailed");
  EXPECT_FALSE(root_.readOngoing().has_value());
  // A failed deployment is not the last successful one.
  EXPECT_FALSE(root_.lastSuccessful(record.deploymentGroupId).has_value());
}

TEST_F(TrafficEvents, AFailedBlockTrafficStopsBeforeTheApplicationIsTouched) {
  ASSERT_EQ(deploy("d-GOOD", &traffic_).status, DeploymentStatus::Succeeded);
  trace_.clear();
  traffic_.blockFails = true;
  auto record = deploy("d-BLOCKED", &traffic_);
  ASSERT_EQ(record.status, DeploymentStatus::Failed);
  EXPECT_EQ(record.errorCode, "TrafficControlFailed");
  EXPECT_NE(record.message.find("BlockTraffic failed: the instance could not be deregistered from the load balancer: "
                                "the server did not answer"),
            std::string::npos)
      << record.message;
  EXPECT_EQ(trace_, (Trace{"BeforeBlockTraffic hook from d-GOOD", "BlockTraffic by the traffic control"}));
  for (const char* later : {"AfterBlockTraffic", "ApplicationStop", "DownloadBundle", "Install", "AllowTraffic"}) {
    EXPECT_EQ(event(record, later).status, EventStatus::Pending) << later;
  }
  EXPECT_EQ(root_.lastSuccessful(record.deploymentGroupId), std::optional<std::string>("d-GOOD"));
}

TEST_F(TrafficEvents, WithoutATrafficControlTheEventsSucceedDoingNothing) {
  auto record = deploy("d-NOLB", nullptr);
  ASSERT_EQ(record.status, DeploymentStatus::Succeeded) << record.message;
  EXPECT_EQ(event(record, "BlockTraffic").status, EventStatus::Succeeded);
  EXPECT_EQ(event(record, "AllowTraffic").message, "no load balancer is controlled from this host; nothing to do");
  for (const auto& step : trace_) EXPECT_EQ(step.find("traffic control"), std::string::npos) << step;
}

}  // namespace
}  // namespace greenlight::agent
