// PosixProcessRunner with real /bin/sh hooks: exit statuses, output capture and its bounded
// tail, spawn failures, and hooks that leave a daemon holding their output.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <string>

#include "os/process_runner_fixture.h"

namespace greenlight::os::testing {
namespace {

using greenlight::testing::processAlive;
using greenlight::testing::readFile;
using greenlight::testing::waitFor;
using ProcessRunnerTest = ProcessRunnerFixture;

TEST_F(ProcessRunnerTest, ReportsExitCodes) {
  auto success = run(scriptSpec("exit 0\n"));
  EXPECT_EQ(success.outcome, ProcessOutcome::Exited);
  EXPECT_EQ(success.exitCode, 0);
  auto failure = run(scriptSpec("exit 3\n"));
  EXPECT_EQ(failure.outcome, ProcessOutcome::Exited);
  EXPECT_EQ(failure.exitCode, 3);
  EXPECT_TRUE(failure.error.empty());
}

TEST_F(ProcessRunnerTest, ScriptExiting127IsAnExitNotASpawnFailure) {
  auto result = run(scriptSpec("exit 127\n"));
  EXPECT_EQ(result.outcome, ProcessOutcome::Exited);
  EXPECT_EQ(result.exitCode, 127);
}

TEST_F(ProcessRunnerTest, ReportsDeathBySignal) {
  auto result = run(scriptSpec("kill -KILL $$\n"));
  EXPECT_EQ(result.outcome, ProcessOutcome::Signaled);
  EXPECT_EQ(result.signal, SIGKILL);
}

TEST_F(ProcessRunnerTest, CapturesStdoutAndStderrInTheOrderWritten) {
  auto result = run(scriptSpec("echo one\necho two >&2\necho three\n"));
  EXPECT_EQ(result.outputTail, "one\ntwo\nthree\n");
  EXPECT_FALSE(result.outputTruncated);
  EXPECT_FALSE(result.outputsLeftOpen);
}

TEST_F(ProcessRunnerTest, KeepsExactlyTheLastBytesAndStreamsEverything) {
  std::string expected;
  for (int i = 1; i <= 200000; ++i) expected += std::to_string(i) + "\n";
  ASSERT_GT(expected.size(), 1000000U);
  auto spec = scriptSpec("seq 1 200000\n");
  spec.tailBytes = 4096;
  std::string streamed;
  auto result = run(spec, [&](std::string_view chunk) { streamed.append(chunk); });
  EXPECT_EQ(result.outcome, ProcessOutcome::Exited);
  EXPECT_EQ(streamed, expected);
  EXPECT_TRUE(result.outputTruncated);
  EXPECT_EQ(result.outputTail, expected.substr(expected.size() - 4096));
}

TEST_F(ProcessRunnerTest, HundredMegabytesOfOutputKeepOnlyTheTail) {
  auto spec = scriptSpec("head -c 100000000 /dev/zero | tr '\\0' x\nprintf END\n");
  size_t streamedBytes = 0;
  auto result = run(spec, [&](std::string_view chunk) { streamedBytes += chunk.size(); });
  EXPECT_EQ(result.outcome, ProcessOutcome::Exited);
  EXPECT_EQ(streamedBytes, 100000003U);
  EXPECT_TRUE(result.outputTruncated);
  EXPECT_EQ(result.outputTail, std::string(4093, 'x') + "END");
}

TEST_F(ProcessRunnerTest, ZeroTailBytesKeepsNothing) {
  auto spec = scriptSpec("echo hello\n");
  spec.tailBytes = 0;
  auto result = run(spec);
  EXPECT_EQ(result.outputTail, "");
  EXPECT_TRUE(result.outputTruncated);
}

TEST_F(ProcessRunnerTest, HookLeadsItsOwnProcessGroup) {
  auto result = run(scriptSpec("echo $$\ncut -d' ' -f5 /proc/$$/stat\n"));
  ASSERT_NE(startedGroup_, 0);
  EXPECT_NE(startedGroup_, ::getpgrp());
  auto expected = std::to_string(startedGroup_);
  EXPECT_EQ(result.outputTail, expected + "\n" + expected + "\n");
}

TEST_F(ProcessRunnerTest, EnvironmentIsExactlyTheOneGiven) {
  ProcessSpec spec;
  spec.argv = {"/usr/bin/env"};
  spec.environment = {{"DEPLOYMENT_ID", "d-123"}, {"LIFECYCLE_EVENT", "AfterInstall"}};
  auto result = run(spec);
  EXPECT_EQ(result.outputTail, "DEPLOYMENT_ID=d-123\nLIFECYCLE_EVENT=AfterInstall\n");
}

TEST_F(ProcessRunnerTest, PassesArgumentsAndRunsInTheWorkingDirectory) {
  auto spec = scriptSpec("pwd\necho \"$1|$2\"\n");
  spec.argv.push_back("first arg");
  spec.argv.push_back("second");
  auto result = run(spec);
  EXPECT_EQ(result.outputTail, dir_.path().string() + "\nfirst arg|second\n");
}

TEST_F(ProcessRunnerTest, StdinIsDevNullAndNoOtherDescriptorIsInherited) {
  int leaked = ::open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
  ASSERT_GE(leaked, 0);
  ASSERT_EQ(::dup2(leaked, 57), 57);
  ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", "readlink /proc/$$/fd/0; ls /proc/$$/fd"};
  spec.environment = {{"PATH", "/usr/bin:/bin"}};
  auto result = run(spec);
  ::close(57);
  ::close(leaked);
  EXPECT_EQ(result.outputTail.substr(0, 10), "/dev/null\n");
  EXPECT_EQ(result.outputTail.find("\n57\n"), std::string::npos) << result.outputTail;
  EXPECT_EQ(result.outputTail.find("\n" + std::to_string(leaked) + "\n"), std::string::npos)
      << result.outputTail;
}

TEST_F(ProcessRunnerTest, SignalMaskAndIgnoredSignalsAreNotInherited) {
  sigset_t blockUsr1;
  sigset_t previousMask;
  ::sigemptyset(&blockUsr1);
  ::sigaddset(&blockUsr1, SIGUSR1);
  ::pthread_sigmask(SIG_BLOCK, &blockUsr1, &previousMask);
  auto previousPipe = ::signal(SIGPIPE, SIG_IGN);
  ProcessSpec spec;
  spec.argv = {"/bin/grep", "-E", "^(SigBlk|SigIgn)", "/proc/self/status"};
  auto result = run(spec);
  ::signal(SIGPIPE, previousPipe);
  ::pthread_sigmask(SIG_SETMASK, &previousMask, nullptr);
  EXPECT_EQ(result.outputTail, "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n");
}

void ignoreSignal(int) {}

TEST_F(ProcessRunnerTest, SigchldHandlerOfTheEmbeddingProgramDoesNotConfuseTheRun) {
  struct sigaction handler {};
  struct sigaction previous {};
  handler.sa_handler = ignoreSignal;  // no SA_RESTART: poll and read see EINTR
  ::sigemptyset(&handler.sa_mask);
  ::sigaction(SIGCHLD, &handler, &previous);
  auto result = run(scriptSpec("sleep 0.01 & sleep 0.02 & wait\necho done\nexit 3\n"));
  ::sigaction(SIGCHLD, &previous, nullptr);
  EXPECT_EQ(result.outcome, ProcessOutcome::Exited);
  EXPECT_EQ(result.exitCode, 3);
  EXPECT_EQ(result.outputTail, "done\n");
}

TEST_F(ProcessRunnerTest, IgnoredSigchldLosesTheStatusButNotTheRun) {
  // With SIGCHLD ignored the kernel reaps the hook itself; its exit code is gone, and the run
  // must say so rather than hang or report success.
  auto previous = ::signal(SIGCHLD, SIG_IGN);
  auto result = run(scriptSpec("echo done\nexit 0\n"));
  ::signal(SIGCHLD, previous);
  EXPECT_EQ(result.outcome, ProcessOutcome::Exited);
  EXPECT_EQ(result.exitCode, -1);
  EXPECT_FALSE(result.error.empty());
  EXPECT_EQ(result.outputTail, "done\n");
}

TEST_F(ProcessRunnerTest, MissingExecutableIsASpawnFailure) {
  ProcessSpec spec;
  spec.argv = {path("scripts/not-there.sh")};
  // The callback comes before exec (the start gate), so it names the group even when exec then
  // fails; that process must be gone when run() returns.
  pid_t started = 0;
  auto result = runner_.run(spec, nullptr, [&](pid_t group) { started = group; });
  EXPECT_EQ(result.outcome, ProcessOutcome::SpawnFailed);
  ASSERT_GT(started, 0);
  EXPECT_FALSE(greenlight::testing::processAlive(started));
  EXPECT_NE(result.error.find(path("scripts/not-there.sh")), std::string::npos) << result.error;
  EXPECT_NE(result.error.find(std::strerror(ENOENT)), std::string::npos) << result.error;
}

TEST_F(ProcessRunnerTest, NonExecutableFileIsASpawnFailure) {
  greenlight::testing::writeFile(dir_ / "plain.sh", "#!/bin/sh\nexit 0\n", 0644);
  ProcessSpec spec;
  spec.argv = {path("plain.sh")};
  auto result = run(spec);
  EXPECT_EQ(result.outcome, ProcessOutcome::SpawnFailed);
  EXPECT_NE(result.error.find(std::strerror(EACCES)), std::string::npos) << result.error;
  EXPECT_NE(result.error.find("chmod +x"), std::string::npos) << result.error;
}

TEST_F(ProcessRunnerTest, MissingInterpreterIsASpawnFailure) {
  greenlight::testing::writeFile(dir_ / "bash.sh", "#!/no/such/bash\nexit 0\n", 0755);
  ProcessSpec spec;
  spec.argv = {path("bash.sh")};
  auto result = run(spec);
  EXPECT_EQ(result.outcome, ProcessOutcome::SpawnFailed);
  EXPECT_NE(result.error.find("#!"), std::string::npos) << result.error;
}

TEST_F(ProcessRunnerTest, MissingWorkingDirectoryIsASpawnFailure) {
  auto spec = scriptSpec("exit 0\n");
  spec.workingDirectory = path("no-such-folder");
  auto result = run(spec);
  EXPECT_EQ(result.outcome, ProcessOutcome::SpawnFailed);
  EXPECT_NE(result.error.find("no-such-folder"), std::string::npos) << result.error;
}

TEST_F(ProcessRunnerTest, EmptyCommandIsASpawnFailure) {
  auto result = run(ProcessSpec{});
  EXPECT_EQ(result.outcome, ProcessOutcome::SpawnFailed);
  EXPECT_FALSE(result.error.empty());
}

TEST_F(ProcessRunnerTest, DaemonHoldingStdoutDoesNotHoldTheHook) {
  auto spec = scriptSpec("sleep 300 &\necho $! > daemon.pid\necho started\nexit 0\n");
  auto result = run(spec);
  EXPECT_EQ(result.outcome, ProcessOutcome::Exited);
  EXPECT_EQ(result.exitCode, 0);
  EXPECT_EQ(result.outputTail, "started\n");
  EXPECT_TRUE(result.outputsLeftOpen);
  auto daemon = readPids("daemon.pid");
  ASSERT_EQ(daemon.size(), 1U);
  EXPECT_TRUE(processAlive(daemon[0]));  // we returned while it still runs
  EXPECT_NE(std::find(result.leftOpenBy.begin(), result.leftOpenBy.end(), daemon[0]),
            result.leftOpenBy.end());
}

TEST_F(ProcessRunnerTest, DaemonCanKeepWritingToItsOutputAfterTheRun) {
  // Each round writes 64 KiB, a full pipe buffer: without a reader the daemon would die of
  // SIGPIPE, and with a reader that never reads it would block. Either way `rounds` stops growing.
  auto spec = scriptSpec(
      "chunk=$(head -c 65536 /dev/zero | tr '\\0' x)\n"
      "( while true; do echo \"$chunk\"; echo round >> rounds; sleep 0.01; done ) &\n"
      "echo $! > daemon.pid\n"
      "exit 0\n");
  auto result = run(spec);
  ASSERT_EQ(result.outcome, ProcessOutcome::Exited);
  EXPECT_TRUE(result.outputsLeftOpen);
  auto daemon = readPids("daemon.pid");
  ASSERT_EQ(daemon.size(), 1U);
  auto rounds = [&] {
    auto text = readFile(dir_ / "rounds");
    return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
  };
  size_t roundsAtReturn = rounds();
  EXPECT_TRUE(waitFor([&] { return rounds() >= roundsAtReturn + 10; }))
      << "the daemon stopped writing after " << rounds() << " rounds";
  EXPECT_TRUE(processAlive(daemon[0]));
}

TEST_F(ProcessRunnerTest, DaemonWithItsOwnOutputLeavesNothingOpen) {
  // The hook exits only once its daemon has let go of the output, so nothing here races.
  auto spec = scriptSpec(
      "sh -c 'exec >/dev/null 2>&1; touch redirected; exec sleep 300' &\n"
      "echo $! > daemon.pid\n"
      "while [ ! -e redirected ]; do sleep 0.01; done\n"
      "exit 0\n");
  auto result = run(spec);
  EXPECT_EQ(result.outcome, ProcessOutcome::Exited);
  EXPECT_FALSE(result.outputsLeftOpen);
  EXPECT_TRUE(result.leftOpenBy.empty());
  auto daemon = readPids("daemon.pid");
  ASSERT_EQ(daemon.size(), 1U);
  EXPECT_TRUE(processAlive(daemon[0]));
}

size_t openDescriptors() {
  size_t count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd"))
    ++count;
  return count;
}

TEST_F(ProcessRunnerTest, LeaksNoDescriptorsWhateverTheOutcome) {
  size_t before = openDescriptors();
  (void)run(scriptSpec("echo hi\n"));
  (void)run(scriptSpec("sleep 300 &\nexit 0\n"));
  ProcessSpec missing;
  missing.argv = {path("missing")};
  (void)run(missing);
  EXPECT_EQ(openDescriptors(), before);
}

TEST_F(ProcessRunnerTest, UnknownRunasUserIsASpawnFailureNamingTheUser) {
  auto spec = scriptSpec("exit 0\n");
  spec.runas = "ex2-user";
  auto result = run(spec);
  EXPECT_EQ(result.outcome, ProcessOutcome::SpawnFailed);
  EXPECT_NE(result.error.find("'ex2-user'"), std::string::npos) << result.error;
  EXPECT_NE(result.error.find("runas"), std::string::npos) << result.error;
}

TEST(ProcessStartTime, KnowsLiveProcessesAndNotMissingOnes) {
  EXPECT_TRUE(processStartTime(::getpid()).has_value());
  EXPECT_FALSE(processStartTime(2147483647).has_value());
}

TEST(ProcessStartTime, DiffersBetweenProcessesStartedApart) {
  // Our start time cannot be later than that of a child started now.
  auto ours = processStartTime(::getpid());
  pid_t child = ::fork();
  if (child == 0) {
    ::pause();
    ::_exit(0);
  }
  auto theirs = processStartTime(child);
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  ASSERT_TRUE(ours && theirs);
  EXPECT_LE(*ours, *theirs);
}

}  // namespace
}  // namespace greenlight::os::testing
