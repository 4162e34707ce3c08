// LocalFleet against a fake agent script: launching detached with the right arguments and
// environment, telling live agents from dead, reused and zombie pids, and stopping an instance
// with everything it left behind.
#include "fleet/local_fleet.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

#include "fleet/fleet_test_helpers.h"
#include "os/process_table.h"
#include "support/test_support.h"

namespace greenlight::fleet {
namespace {

using testing::readFile;
using testing::waitFor;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

bool holds(const std::vector<pid_t>& pids, pid_t pid) {
  return std::find(pids.begin(), pids.end(), pid) != pids.end();
}

class LocalFleetIntegration : public ::testing::Test {
 protected:
  LocalAgentSpec specFor(const std::string& instanceId) {
    LocalAgentSpec spec;
    spec.instanceId = instanceId;
    spec.groupId = "dg-000000000001";
    spec.hostName = "web-0";
    spec.port = 18080;
    spec.instanceDir = dir_ / instanceId;
    spec.serverAddress = "127.0.0.1:7070";
    spec.enrolmentTokenFile = dir_ / "enrolment.token";
    return spec;
  }

  LaunchedAgent launchAndWait(LocalFleet& fleet, const LocalAgentSpec& spec) {
    auto launched = fleet.launch(spec);
    EXPECT_TRUE(launched.ok()) << (launched.ok() ? "" : launched.error().message);
    if (!launched.ok()) return {};
    started_.emplace_back(spec.instanceId, *launched);
    EXPECT_TRUE(waitFor([&] { return std::filesystem::exists(spec.instanceDir / "started"); }));
    return *launched;
  }

  void TearDown() override {
    LocalFleet cleaner({agent_, std::chrono::milliseconds(100)});
    for (const auto& [id, agent] : started_) (void)cleaner.terminate(id, agent.pid, agent.startTime);
  }

  testing::TempDir dir_;
  std::filesystem::path agent_ = writeFakeAgent(dir_.path());
  std::vector<std::pair<std::string, LaunchedAgent>> started_;
};

TEST_F(LocalFleetIntegration, LaunchStartsTheAgentDetachedWithItsArgumentsAndEnvironment) {
  LocalFleet fleet({agent_, std::chrono::milliseconds(2000)});
  auto spec = specFor("i-aaaaaaaaaaaa");
  LaunchedAgent agent = launchAndWait(fleet, spec);
  ASSERT_GT(agent.pid, 0);

  EXPECT_TRUE(fleet.isRunning(agent.pid, agent.startTime));
  std::string expectedArgs = "agent\n--server\n127.0.0.1:7070\n--enrolment-token-file\n" +
                             (dir_ / "enrolment.token").string() + "\n--root\n" +
                             (spec.instanceDir / "agent-root").string() + "\n--install-root\n" +
                             (spec.instanceDir / "install-root").string() +
                             "\n--instance-id\ni-aaaaaaaaaaaa\n--host-name\nweb-0\n";
  EXPECT_EQ(readFile(spec.instanceDir / "args"), expectedArgs);
  std::string environment = readFile(spec.instanceDir / "env");
  EXPECT_TRUE(contains(environment, "GREENLIGHT_INSTANCE_ID=i-aaaaaaaaaaaa\n"));
  EXPECT_TRUE(contains(environment, "GREENLIGHT_PORT=18080\n"));
  EXPECT_TRUE(contains(environment,
                       "GREENLIGHT_INSTALL_ROOT=" + (spec.instanceDir / "install-root").string()));
  EXPECT_TRUE(contains(environment, "PATH="));  // the server's own environment is passed on

  for (const char* folder : {"agent-root", "install-root"}) {
    struct stat info {};
    ASSERT_EQ(::stat((spec.instanceDir / folder).c_str(), &info), 0) << folder;
    EXPECT_EQ(info.st_mode & 07777, 0755u) << folder;
  }
  EXPECT_TRUE(std::filesystem::exists(spec.instanceDir / "agent.log"));

  // Its own session and process group, and not our child: it survives us and our terminal.
  EXPECT_EQ(::getsid(agent.pid), agent.pid);
  auto entry = os::readProcessEntry(agent.pid);
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(entry->processGroup, agent.pid);
  EXPECT_NE(entry->parent, ::getpid());
  EXPECT_EQ(::waitpid(agent.pid, nullptr, WNOHANG), -1);  // ECHILD: nothing for us to reap
}

TEST_F(LocalFleetIntegration, AgentOutputIsAppendedToItsLog) {
  std::string script = "#!/bin/sh\necho \"out $GREENLIGHT_INSTANCE_ID\"\necho err >&2\n"
                       "echo started > started\nexec sleep 1000\n";
  auto agent = dir_ / "noisy-agent.sh";
  testing::writeFile(agent, script, 0755);
  LocalFleet fleet({agent, std::chrono::milliseconds(2000)});
  auto spec = specFor("i-bbbbbbbbbbbb");
  testing::writeFile(spec.instanceDir / "agent.log", "earlier run\n");
  launchAndWait(fleet, spec);
  ASSERT_TRUE(waitFor([&] { return contains(readFile(spec.instanceDir / "agent.log"), "err"); }));
  EXPECT_EQ(readFile(spec.instanceDir / "agent.log"), "earlier run\nout i-bbbbbbbbbbbb\nerr\n");
}

TEST_F(LocalFleetIntegration, TerminateLeavesNoProcessBehindIncludingEscapedDaemons) {
  LocalFleet fleet({agent_, std::chrono::milliseconds(2000)});
  auto spec = specFor("i-cccccccccccc");
  LaunchedAgent agent = launchAndWait(fleet, spec);
  pid_t daemon = readPidFile(spec.instanceDir / "daemon.pid");
  ASSERT_GT(daemon, 0);
  auto daemonEntry = os::readProcessEntry(daemon);
  ASSERT_TRUE(daemonEntry.has_value());
  EXPECT_NE(daemonEntry->processGroup, agent.pid);  // out of the agent's group and session

  auto before = fleet.processesOf(spec.instanceId);
  EXPECT_TRUE(holds(before, agent.pid));
  EXPECT_TRUE(holds(before, daemon));

  Status stopped = fleet.terminate(spec.instanceId, agent.pid, agent.startTime);
  ASSERT_TRUE(stopped.ok()) << stopped.error().message;
  EXPECT_TRUE(fleet.processesOf(spec.instanceId).empty());
  EXPECT_FALSE(fleet.isRunning(agent.pid, agent.startTime));
  EXPECT_FALSE(testing::processAlive(daemon));
  // Stopping again finds nothing and succeeds.
  EXPECT_TRUE(fleet.terminate(spec.instanceId, agent.pid, agent.startTime).ok());
}

TEST_F(LocalFleetIntegration, AnAgentIgnoringSigtermIsKilledAfterTheGrace) {
  LocalFleet fleet({writeFakeAgent(dir_.path(), true), std::chrono::milliseconds(100)});
  auto spec = specFor("i-dddddddddddd");
  LaunchedAgent agent = launchAndWait(fleet, spec);
  ::kill(agent.pid, SIGTERM);
  // Still there after a SIGTERM of its own...
  EXPECT_FALSE(waitFor([&] { return !fleet.isRunning(agent.pid, agent.startTime); },
                       std::chrono::milliseconds(200)));
  Status stopped = fleet.terminate(spec.instanceId, agent.pid, agent.startTime);
  ASSERT_TRUE(stopped.ok()) << stopped.error().message;
  EXPECT_FALSE(fleet.isRunning(agent.pid, agent.startTime));
  EXPECT_TRUE(fleet.processesOf(spec.instanceId).empty());
}

TEST_F(LocalFleetIntegration, ProcessesOfMatchesTheExactInstanceIdOnly) {
  LocalFleet fleet({agent_, std::chrono::milliseconds(2000)});
  auto shortSpec = specFor("i-eeee");
  auto longSpec = specFor("i-eeeeeeee");
  LaunchedAgent shortAgent = launchAndWait(fleet, shortSpec);
  LaunchedAgent longAgent = launchAndWait(fleet, longSpec);

  auto ofShort = fleet.processesOf("i-eeee");
  EXPECT_TRUE(holds(ofShort, shortAgent.pid));
  EXPECT_FALSE(holds(ofShort, longAgent.pid));
  EXPECT_FALSE(holds(ofShort, readPidFile(longSpec.instanceDir / "daemon.pid")));

  ASSERT_TRUE(fleet.terminate("i-eeee", shortAgent.pid, shortAgent.startTime).ok());
  EXPECT_TRUE(fleet.isRunning(longAgent.pid, longAgent.startTime));  // the other one untouched
  EXPECT_TRUE(testing::processAlive(readPidFile(longSpec.instanceDir / "daemon.pid")));
}

TEST_F(LocalFleetIntegration, AReusedPidIsNotTheAgent) {
  LocalFleet fleet({agent_, std::chrono::milliseconds(2000)});
  auto spec = specFor("i-ffffffffffff");
  LaunchedAgent agent = launchAndWait(fleet, spec);
  EXPECT_FALSE(fleet.isRunning(agent.pid, agent.startTime + 1));
  // Terminating "the agent" with a start time that is not its own must not signal it; only the
  // instance's processes found through the environment are stopped (here: all of them).
  LaunchedAgent stranger = launchAndWait(fleet, specFor("i-999999999999"));
  ASSERT_TRUE(fleet.terminate("i-nothing", stranger.pid, stranger.startTime + 1).ok());
  EXPECT_TRUE(fleet.isRunning(stranger.pid, stranger.startTime));
}

TEST_F(LocalFleetIntegration, ADeadAgentIsNotRunning) {
  LocalFleet fleet({agent_, std::chrono::milliseconds(2000)});
  auto spec = specFor("i-121212121212");
  LaunchedAgent agent = launchAndWait(fleet, spec);
  ASSERT_TRUE(fleet.isRunning(agent.pid, agent.startTime));
  ::kill(agent.pid, SIGKILL);
  // Whoever adopted it may never reap it (it may stay a zombie): dead all the same.
  EXPECT_TRUE(waitFor([&] { return !fleet.isRunning(agent.pid, agent.startTime); }));
}

TEST_F(LocalFleetIntegration, AZombieCountsAsDead) {
  LocalFleet fleet({agent_, std::chrono::milliseconds(2000)});
  pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ASSERT_GT(child, 0);
  ASSERT_TRUE(waitFor([&] {
    auto entry = os::readProcessEntry(child);
    return entry && entry->zombie();
  }));
  auto entry = os::readProcessEntry(child);
  ASSERT_TRUE(entry.has_value());
  EXPECT_FALSE(fleet.isRunning(child, entry->startTime));
  ::waitpid(child, nullptr, 0);
}

TEST_F(LocalFleetIntegration, LaunchReportsAnAgentThatCannotBeExecuted) {
  auto broken = dir_ / "broken-agent.sh";
  testing::writeFile(broken, "#!/nonexistent/interpreter\n", 0755);
  LocalFleet fleet({broken, std::chrono::milliseconds(100)});
  auto launched = fleet.launch(specFor("i-343434343434"));
  ASSERT_FALSE(launched.ok());
  EXPECT_TRUE(contains(launched.error().message, "i-343434343434"));
  EXPECT_TRUE(contains(launched.error().message, broken.string()));
}

TEST_F(LocalFleetIntegration, LaunchReportsAMissingAgentBinary) {
  LocalFleet fleet({dir_ / "no-such-binary", std::chrono::milliseconds(100)});
  auto launched = fleet.launch(specFor("i-565656565656"));
  ASSERT_FALSE(launched.ok());
  EXPECT_TRUE(contains(launched.error().message, "no-such-binary"));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "i-565656565656" / "agent.log"));
}

}  // namespace
}  // namespace greenlight::fleet
