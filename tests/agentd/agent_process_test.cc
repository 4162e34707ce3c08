// The `greenlight agent` binary as a process: killed mid-hook and restarted, stopped with
// SIGTERM while idle and while a hook runs, and keeping the daemons its hooks leave in its tree.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "agentd/agent_test_support.h"

namespace greenlight::agentd {
namespace {

namespace gt = greenlight::testing;
using testing::FakeControlPlane;

// One `greenlight agent` process; killed (SIGKILL) if still running when the object dies.
class AgentProcess {
 public:
  AgentProcess(const std::string& address, const std::filesystem::path& work) {
    gt::writeFile(work / "enrolment.token", std::string(FakeControlPlane::kEnrolmentToken) + "\n", 0600);
    std::vector<std::string> arguments = {gt::greenlightBinary().string(),
                                          "agent",
                                          "--server",
                                          address,
                                          "--root",
                                          (work / "agent-root").string(),
                                          "--install-root",
                                          (work / "install-root").string(),
                                          "--enrolment-token-file",
                                          (work / "enrolment.token").string(),
                                          "--instance-id",
                                          "i-1",
                                          "--host-name",
                                          "host-1",
                                          "--poll-wait",
                                          "1"};
    std::vector<char*> argv;
    for (auto& argument : arguments) argv.push_back(argument.data());
    argv.push_back(nullptr);
    std::string log = (work / "agent.log").string();
    pid_ = ::fork();
    if (pid_ == 0) {
      int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd >= 0) {
        ::dup2(fd, 1);
        ::dup2(fd, 2);
      }
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
  }
  ~AgentProcess() {
    if (!exited_) {
      ::kill(pid_, SIGKILL);
      (void)waitForExit();
    }
  }
  pid_t pid() const { return pid_; }
  void signal(int number) { ::kill(pid_, number); }
  // The exit status once the process ended (within the deadline), else nullopt.
  std::optional<int> waitForExit(std::chrono::milliseconds deadline = std::chrono::seconds(30)) {
    int status = 0;
    bool ended = gt::waitFor([&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; }, deadline);
    if (!ended) return std::nullopt;
    exited_ = true;
    return status;
  }

 private:
  pid_t pid_ = -1;
  bool exited_ = false;
};

int readPid(const std::filesystem::path& file) {
  int pid = 0;
  gt::waitFor([&] {
    std::ifstream in(file);
    return static_cast<bool>(in >> pid) && pid > 0;
  });
  return pid;
}

// The parent pid from /proc/<pid>/stat, or 0.
int parentOf(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(stat.substr(close + 2));
  std::string state;
  int parent = 0;
  rest >> state >> parent;
  return parent;
}

class AgentProcessIntegration : public ::testing::Test {
 protected:
  void SetUp() override {
    address_ = server_.start();
    bundle_ = testing::makeBundle(work_.path());
    server_.addBundle(bundle_.sha256, bundle_.bytes);
    environment_ = {{"COUNT_FILE", (work_ / "hook-runs").string()}, {"HOLD_FILE", (work_ / "release").string()}};
  }
  void TearDown() override {
    if (::testing::Test::HasFailure() && std::filesystem::exists(work_ / "agent.log")) {
      std::cerr << "agent.log:\n" << gt::readFile(work_ / "agent.log");
    }
  }
  std::size_t hookRuns() const {
    if (!std::filesystem::exists(work_ / "hook-runs")) return 0;
    std::string runs = gt::readFile(work_ / "hook-runs");
    return static_cast<std::size_t>(std::count(runs.begin(), runs.end(), '\n'));
  }

  gt::TempDir work_;
  FakeControlPlane server_;
  std::string address_;
  testing::TestBundle bundle_;
  nlohmann::json environment_;
};

TEST_F(AgentProcessIntegration, KilledMidHookAndRestartedReportsFailedAfterRestart) {
  auto first = std::make_unique<AgentProcess>(address_, work_.path());
  server_.queueCommand("i-1", testing::commandPayload("d-KILLED", "i-1", bundle_.sha256, environment_));
  int hookPid = readPid(work_ / "release.started");
  ASSERT_GT(hookPid, 0);
  first->signal(SIGKILL);
  ASSERT_TRUE(first->waitForExit().has_value());
  first.reset();
  EXPECT_TRUE(gt::processAlive(hookPid)) << "the hook outlives the agent that was killed";
  ASSERT_TRUE(server_.resultsFor("d-KILLED/i-1").empty());

  AgentProcess second(address_, work_.path());
  ASSERT_TRUE(gt::waitFor([&] { return !server_.resultsFor("d-KILLED/i-1").empty(); }));
  auto result = server_.resultsFor("d-KILLED/i-1")[0];
  EXPECT_EQ(result["status"], "Failed");
  EXPECT_EQ(result["errorCode"], "FailedAfterRestart");
  bool sawApplicationStart = false;
  for (const auto& event : result["events"]) {
    EXPECT_NE(event["event"], "ValidateService") << "nothing after the interrupted hook ran";
    if (event["event"] == "ApplicationStart") {
      sawApplicationStart = true;
      EXPECT_EQ(event["status"], "Failed");
      EXPECT_EQ(event["errorCode"], "FailedAfterRestart");
    }
  }
  EXPECT_TRUE(sawApplicationStart) << result.dump(2);
  EXPECT_TRUE(gt::waitFor([&] { return !gt::processAlive(hookPid); })) << "the restarted agent ends the old hook";
  // Nothing ran again: BeforeInstall and the interrupted ApplicationStart, once each.
  EXPECT_EQ(hookRuns(), 2u);
  // Polling resumed after the report.
  int polls = server_.polls();
  EXPECT_TRUE(gt::waitFor([&] { return server_.polls() > polls; }));
}

TEST_F(AgentProcessIntegration, SigtermWhileIdleExitsAtOnceWithZero) {
  AgentProcess agent(address_, work_.path());
  ASSERT_TRUE(gt::waitFor([&] { return server_.polls() >= 1; }));
  agent.signal(SIGTERM);
  auto status = agent.waitForExit();
  ASSERT_TRUE(status.has_value());
  ASSERT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 0);
}

TEST_F(AgentProcessIntegration, SigtermMidHookFinishesTheCommandAndReportsItBeforeExiting) {
  AgentProcess agent(address_, work_.path());
  server_.queueCommand("i-1", testing::commandPayload("d-TERM", "i-1", bundle_.sha256, environment_));
  ASSERT_GT(readPid(work_ / "release.started"), 0);
  agent.signal(SIGTERM);
  EXPECT_FALSE(agent.waitForExit(std::chrono::milliseconds(200)).has_value()) << "a hook is running";
  gt::writeFile(work_ / "release", "");
  auto status = agent.waitForExit();
  ASSERT_TRUE(status.has_value());
  ASSERT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 0);
  auto results = server_.resultsFor("d-TERM/i-1");
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0]["status"], "Succeeded");
  EXPECT_EQ(hookRuns(), 3u);
}

TEST_F(AgentProcessIntegration, DaemonsLeftByHooksStayInTheAgentsTreeAndAreReaped) {
  environment_.erase("HOLD_FILE");
  environment_["DAEMON_FILE"] = (work_ / "daemon.pid").string();
  AgentProcess agent(address_, work_.path());
  server_.queueCommand("i-1", testing::commandPayload("d-DAEMON", "i-1", bundle_.sha256, environment_));
  ASSERT_TRUE(gt::waitFor([&] { return !server_.resultsFor("d-DAEMON/i-1").empty(); }));
  int daemon = readPid(work_ / "daemon.pid");
  ASSERT_GT(daemon, 0);
  EXPECT_EQ(parentOf(daemon), agent.pid()) << "adopted by the agent, not by init";
  ::kill(daemon, SIGKILL);
  EXPECT_TRUE(gt::waitFor([&] { return !std::filesystem::exists("/proc/" + std::to_string(daemon)); }))
      << "the agent reaps it: no zombie is left";
}

TEST_F(AgentProcessIntegration, AFatalErrorExitsWithOneAndSaysWhy) {
  gt::writeFile(work_ / "enrolment.token", "glt_wrong\n", 0600);
  std::string command = gt::greenlightBinary().string() + " agent --server " + address_ + " --root '" +
                        (work_ / "agent-root").string() + "' --enrolment-token-file '" +
                        (work_ / "enrolment.token").string() + "' --instance-id i-1 --poll-wait 1";
  auto run = gt::runCommand(command);
  EXPECT_EQ(run.exitCode, 1) << run.output;
  EXPECT_NE(run.output.find("EnrolmentRefused"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("enrolment.token"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace greenlight::agentd
