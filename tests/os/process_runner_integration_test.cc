// Hook timeouts: the whole process tree goes, SIGTERM first and SIGKILL after the grace period.
#include <signal.h>

#include <string>

#include "os/process_runner_fixture.h"
#include "os/process_table.h"

namespace greenlight::os::testing {
namespace {

using greenlight::testing::processAlive;
using std::chrono::milliseconds;
using ProcessRunnerIntegration = ProcessRunnerFixture;

TEST_F(ProcessRunnerIntegration, TimeoutKillsTheWholeTreeIncludingANewSession) {
  const std::string pids = path("pids");
  auto spec = scriptSpec("sleep 1000 &\necho $! >> '" + pids +
                         "'\n"
                         "sleep 1000 &\necho $! >> '" +
                         pids +
                         "'\n"
                         "setsid sh -c 'echo $$ >> \"$0\"; exec sleep 1000' '" +
                         pids +
                         "' &\n"
                         "while [ \"$(wc -l < '" +
                         pids +
                         "')\" -lt 3 ]; do sleep 0.01; done\n"
                         "echo $$ >> '" +
                         pids +
                         "'\n"
                         "echo ready\n"
                         "sleep 1000\n");
  spec.timeout = milliseconds(1500);
  spec.killGrace = milliseconds(1000);
  auto result = run(spec);
  EXPECT_EQ(result.outcome, ProcessOutcome::TimedOut);
  EXPECT_EQ(result.outputTail, "ready\n");
  auto tree = readPids("pids");
  ASSERT_EQ(tree.size(), 4U) << "the hook did not get to start its children in time";
  for (pid_t pid : tree) EXPECT_FALSE(processAlive(pid)) << "pid " << pid << " survived";
  EXPECT_FALSE(result.outputsLeftOpen);
}

TEST_F(ProcessRunnerIntegration, HookIgnoringSigtermIsKilledAfterTheGrace) {
  auto spec = scriptSpec("trap '' TERM\necho $$ > hook.pid\nwhile true; do sleep 0.05; done\n");
  spec.timeout = milliseconds(500);
  spec.killGrace = milliseconds(300);
  auto result = run(spec);
  EXPECT_EQ(result.outcome, ProcessOutcome::TimedOut);
  EXPECT_EQ(result.signal, SIGKILL);
  EXPECT_GE(result.duration, spec.timeout + spec.killGrace);
  auto hook = readPids("hook.pid");
  ASSERT_EQ(hook.size(), 1U);
  EXPECT_FALSE(processAlive(hook[0]));
}

TEST_F(ProcessRunnerIntegration, HookGetsSigtermFirstAndItsLastWordsAreKept) {
  auto spec = scriptSpec(
      "trap 'echo stopping; exit 0' TERM\necho started\n"
      "while true; do sleep 0.05; done\n");
  spec.timeout = milliseconds(500);
  spec.killGrace = std::chrono::seconds(20);
  auto result = run(spec);
  EXPECT_EQ(result.outcome, ProcessOutcome::TimedOut);
  EXPECT_EQ(result.signal, 0);  // it exited on its own after SIGTERM
  // The shell may also report its `sleep` child terminated, between the two lines.
  EXPECT_EQ(result.outputTail.rfind("started\n", 0), 0U) << result.outputTail;
  EXPECT_TRUE(result.outputTail.ends_with("stopping\n")) << result.outputTail;
  EXPECT_LT(result.duration, spec.timeout + spec.killGrace);  // no waiting out the grace
}

TEST_F(ProcessRunnerIntegration, KillProcessTreeReachesDaemonsOfAnExitedHook) {
  auto spec = scriptSpec("sleep 300 &\necho $! > daemon.pid\nexit 0\n");
  auto result = run(spec);
  ASSERT_EQ(result.outcome, ProcessOutcome::Exited);
  auto daemon = readPids("daemon.pid");
  ASSERT_EQ(daemon.size(), 1U);
  ASSERT_TRUE(processAlive(daemon[0]));
  killProcessTree(startedGroup_, milliseconds(2000));
  EXPECT_FALSE(processAlive(daemon[0]));
  EXPECT_TRUE(liveProcessGroupMembers(startedGroup_).empty());
}

TEST(ProcessTreeKillerIntegration, GoneGroupIsHarmless) {
  killProcessTree(2147483647, milliseconds(100));
  killProcessTree(0, milliseconds(100));                  // never "our own group"
  killProcessTree(-1, milliseconds(100));                 // never "everyone"
  EXPECT_TRUE(processStartTime(::getpid()).has_value());  // and we are still here
}

}  // namespace
}  // namespace greenlight::os::testing
