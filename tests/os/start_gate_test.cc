// The start gate: a hook runs only after its caller has been told its process group, and never
// if the caller dies in between (so a crashed agent cannot leave a hook nobody knows about).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "os/process_runner.h"
#include "support/test_support.h"

namespace greenlight::os {
namespace {

using greenlight::testing::processAlive;
using greenlight::testing::TempDir;
using greenlight::testing::waitFor;
using greenlight::testing::writeFile;

TEST(ProcessRunnerStartGate, HookIsHeldUntilTheCallerHasItsGroup) {
  TempDir dir;
  writeFile(dir / "hook.sh", "#!/bin/sh\necho ran > '" + (dir / "ran").string() + "'\n", 0755);
  ProcessSpec spec;
  spec.argv = {(dir / "hook.sh").string()};
  bool ranBeforeStarted = true;
  PosixProcessRunner runner;
  auto result = runner.run(spec, nullptr, [&](pid_t) { ranBeforeStarted = std::filesystem::exists(dir / "ran"); });
  EXPECT_EQ(result.outcome, ProcessOutcome::Exited);
  EXPECT_FALSE(ranBeforeStarted);
  EXPECT_TRUE(std::filesystem::exists(dir / "ran"));
}

TEST(ProcessRunnerStartGate, HookNeverRunsWhenTheCallerDiesBeforeReleasingIt) {
  TempDir dir;
  writeFile(dir / "hook.sh", "#!/bin/sh\necho ran > '" + (dir / "ran").string() + "'\n", 0755);
  int report[2];
  ASSERT_EQ(::pipe(report), 0);
  pid_t caller = ::fork();
  if (caller == 0) {
    // The "agent": dies at the worst moment, right after learning the hook's group.
    ::close(report[0]);
    ProcessSpec spec;
    spec.argv = {(dir / "hook.sh").string()};
    PosixProcessRunner runner;
    (void)runner.run(spec, nullptr, [&](pid_t group) {
      (void)!::write(report[1], &group, sizeof group);
      ::_exit(0);
    });
    ::_exit(1);
  }
  ::close(report[1]);
  pid_t hook = 0;
  ASSERT_EQ(::read(report[0], &hook, sizeof hook), static_cast<ssize_t>(sizeof hook));
  ::close(report[0]);
  int status = 0;
  ::waitpid(caller, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  ASSERT_TRUE(waitFor([&] { return !processAlive(hook); }));
  EXPECT_FALSE(std::filesystem::exists(dir / "ran"));
}

}  // namespace
}  // namespace greenlight::os
