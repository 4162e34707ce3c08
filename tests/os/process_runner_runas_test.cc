// `runas`: the hook runs as another user with that user's login environment (root only).
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "os/login_user.h"
#include "os/process_runner_fixture.h"

namespace greenlight::os::testing {
namespace {

using ProcessRunnerRunas = ProcessRunnerFixture;

TEST_F(ProcessRunnerRunas, RunsAsTheUserWithItsLoginEnvironment) {
  if (::geteuid() != 0) GTEST_SKIP() << "switching users needs root";
  passwd* nobody = ::getpwnam("nobody");
  ASSERT_NE(nobody, nullptr);
  const std::string home = nobody->pw_dir;
  const auto uid = nobody->pw_uid;
  const auto gid = nobody->pw_gid;
  ::chmod(dir_.path().c_str(), 0755);  // the hook's user must be able to reach its script
  auto spec = scriptSpec(
      "id -u\nid -g\nid -G\npwd\n"
      "echo \"HOME=$HOME USER=$USER LOGNAME=$LOGNAME\"\n"
      "echo \"PATH=$PATH DEPLOYMENT_ID=$DEPLOYMENT_ID\"\n");
  spec.environment = {{"HOME", "/root"}, {"PATH", "/root/bin"}, {"DEPLOYMENT_ID", "d-1"}};
  spec.runas = "nobody";
  auto result = run(spec);
  ASSERT_EQ(result.outcome, ProcessOutcome::Exited) << result.error;
  EXPECT_EQ(result.outputTail, std::to_string(uid) + "\n" + std::to_string(gid) + "\n" +
                                   std::to_string(gid) + "\n" + dir_.path().string() + "\n" +
                                   "HOME=" + home + " USER=nobody LOGNAME=nobody\n" +
                                   "PATH=/usr/local/bin:/usr/bin:/bin DEPLOYMENT_ID=d-1\n");
}

TEST_F(ProcessRunnerRunas, FallsBackToHomeWhenTheWorkingDirectoryIsClosedToTheUser) {
  if (::geteuid() != 0) GTEST_SKIP() << "switching users needs root";
  passwd* nobody = ::getpwnam("nobody");
  ASSERT_NE(nobody, nullptr);
  const std::string home = nobody->pw_dir;
  ::chmod(dir_.path().c_str(), 0755);
  std::filesystem::create_directories(dir_ / "private");
  ::chmod((dir_ / "private").c_str(), 0700);
  auto spec = scriptSpec("pwd\n");
  spec.workingDirectory = path("private");
  spec.runas = "nobody";
  auto result = run(spec);
  ASSERT_EQ(result.outcome, ProcessOutcome::Exited) << result.error;
  // nobody's home is often /nonexistent; then the hook starts in /.
  const std::string expected = std::filesystem::is_directory(home) ? home : "/";
  EXPECT_EQ(result.outputTail, expected + "\n");
}

TEST_F(ProcessRunnerRunas, ScriptTheUserCannotReachIsASpawnFailureNamingTheUser) {
  if (::geteuid() != 0) GTEST_SKIP() << "switching users needs root";
  ::chmod(dir_.path().c_str(), 0700);
  auto spec = scriptSpec("exit 0\n");
  spec.runas = "nobody";
  auto result = run(spec);
  EXPECT_EQ(result.outcome, ProcessOutcome::SpawnFailed);
  EXPECT_NE(result.error.find("'nobody'"), std::string::npos) << result.error;
}

TEST_F(ProcessRunnerRunas, RunasSelfWorksWithoutRoot) {
  passwd* me = ::getpwuid(::geteuid());
  ASSERT_NE(me, nullptr);
  auto spec = scriptSpec("id -u\necho \"USER=$USER\"\n");
  spec.runas = std::string(me->pw_name);
  auto result = run(spec);
  ASSERT_EQ(result.outcome, ProcessOutcome::Exited) << result.error;
  EXPECT_EQ(result.outputTail,
            std::to_string(::geteuid()) + "\nUSER=" + std::string(me->pw_name) + "\n");
}

TEST_F(ProcessRunnerRunas, OtherUserWithoutRootIsASpawnFailure) {
  if (::geteuid() == 0) GTEST_SKIP() << "only meaningful when not root";
  auto spec = scriptSpec("exit 0\n");
  spec.runas = "root";
  auto result = run(spec);
  EXPECT_EQ(result.outcome, ProcessOutcome::SpawnFailed);
  EXPECT_NE(result.error.find("only root"), std::string::npos) << result.error;
}

TEST(LoginEnvironment, LaysTheLoginVariablesOverTheDeploymentOnes) {
  LoginUser user{"deploy", 1001, 1001, "/home/deploy", "/bin/bash", {}};
  auto environment = loginEnvironment(user, {{"HOME", "/root"}, {"APPLICATION_NAME", "web"}});
  EXPECT_EQ(environment.at("HOME"), "/home/deploy");
  EXPECT_EQ(environment.at("USER"), "deploy");
  EXPECT_EQ(environment.at("LOGNAME"), "deploy");
  EXPECT_EQ(environment.at("SHELL"), "/bin/bash");
  EXPECT_EQ(environment.at("PATH"), "/usr/local/bin:/usr/bin:/bin");
  EXPECT_EQ(environment.at("APPLICATION_NAME"), "web");
  user.uid = 0;
  EXPECT_NE(loginEnvironment(user, {}).at("PATH").find("/usr/sbin"), std::string::npos);
}

TEST(LoginUserLookup, FindsRootWithItsGroups) {
  auto root = lookUpLoginUser("root");
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(root->uid, 0U);
  EXPECT_FALSE(root->supplementaryGroups.empty());
  EXPECT_FALSE(lookUpLoginUser("ex2-user").ok());
}

}  // namespace
}  // namespace greenlight::os::testing
