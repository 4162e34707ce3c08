// The lifecycle runner with real hook processes: order, environment, CodeDeploy's error codes,
// daemons that keep stdout open, timeouts, the previous revision's ApplicationStop, retention.
#include "agent/lifecycle_runner.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "support/test_support.h"

namespace greenlight::agent {
namespace {

namespace fs = std::filesystem;
using greenlight::testing::processAlive;
using greenlight::testing::readFile;
using greenlight::testing::TempDir;
using greenlight::testing::waitFor;
using greenlight::testing::writeFile;

class Collector final : public LifecycleObserver {
 public:
  void onEventStarted(const DeploymentRecord&, const EventRecord& event) override { started.push_back(event.name); }
  void onOutput(const EventRecord&, std::string_view chunk) override { output.append(chunk); }
  std::vector<std::string> started;
  std::string output;
};

std::vector<int> readPids(const fs::path& file) {
  std::vector<int> pids;
  std::ifstream in(file);
  for (int pid; in >> pid;) pids.push_back(pid);
  return pids;
}

class LifecycleRunnerIntegration : public ::testing::Test {
 protected:
  // A bundle folder: appspec.yml plus scripts (mode 0755) and files.
  fs::path bundle(const std::string& name, const std::string& appspec,
                  const std::map<std::string, std::string>& scripts,
                  const std::map<std::string, std::string>& files = {}) {
    fs::path folder = dir_ / ("bundles/" + name);
    writeFile(folder / "appspec.yml", appspec);
    for (const auto& [path, body] : scripts) writeFile(folder / path, "#!/bin/sh\n" + body + "\n", 0755);
    for (const auto& [path, body] : files) writeFile(folder / path, body);
    return folder;
  }

  DeploymentRecord deploy(const fs::path& folder, LifecycleRequest request = {}) {
    request.bundle = folder;
    request.bundleType = bundle::BundleType::Directory;
    request.installRoot = dir_ / "host";
    request.deploymentGroupName = "group";
    request.killGrace = std::chrono::milliseconds(500);
    DeploymentRoot root(dir_ / "root");
    EXPECT_TRUE(root.lock().ok());
    LifecycleRunner runner(root, processes_, clock_);
    runner.recoverInterrupted(collector_);
    return runner.run(request, collector_);
  }

  const EventRecord& event(const DeploymentRecord& record, const std::string& name) {
    for (const auto& e : record.events) {
      if (e.name == name) return e;
    }
    ADD_FAILURE() << "no event " << name;
    static EventRecord none;
    return none;
  }

  TempDir dir_;
  os::PosixProcessRunner processes_;
  SystemClock clock_;
  Collector collector_;
};

constexpr const char* kAllHooks = R"(version: 0.0
os: linux
hooks:
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
)";

TEST_F(LifecycleRunnerIntegration, RunsEventsInOrderWithTheCodeDeployEnvironment) {
  fs::path log = dir_ / "events.log";
  auto folder = bundle("v1", kAllHooks,
                       {{"hook.sh", "echo \"$LIFECYCLE_EVENT $DEPLOYMENT_ID $APPLICATION_NAME $DEPLOYMENT_GROUP_NAME "
                                    "$DEPLOYMENT_GROUP_ID $PWD\" >> " + log.string()}});
  LifecycleRequest request;
  request.applicationName = "shop";
  request.deploymentId = "d-FIRST0001";
  auto first = deploy(folder, request);
  ASSERT_EQ(first.status, DeploymentStatus::Succeeded) << first.message;
  // No earlier revision: ApplicationStop is skipped the first time.
  EXPECT_EQ(event(first, "ApplicationStop").status, EventStatus::Skipped);
  std::string archive = (dir_ / "root/group/d-FIRST0001/deployment-archive").string();
  EXPECT_EQ(readFile(log), "BeforeInstall d-FIRST0001 shop group group " + archive + "\n" +
                               "AfterInstall d-FIRST0001 shop group group " + archive + "\n" +
                               "ApplicationStart d-FIRST0001 shop group group " + archive + "\n" +
                               "ValidateService d-FIRST0001 shop group group " + archive + "\n");
  request.deploymentId = "d-SECOND002";
  auto second = deploy(folder, request);
  ASSERT_EQ(second.status, DeploymentStatus::Succeeded) << second.message;
  EXPECT_EQ(second.previousDeploymentId, "d-FIRST0001");
  // The second time ApplicationStop runs, from the first revision's archive.
  EXPECT_NE(readFile(log).find("ApplicationStop d-SECOND002 shop group group " + archive + "\n"), std::string::npos);
  EXPECT_EQ(collector_.started.front(), "ApplicationStop");
  for (const auto& e : second.events) {
    EXPECT_TRUE(e.start.has_value()) << e.name;
    EXPECT_TRUE(e.end.has_value()) << e.name;
  }
}

TEST_F(LifecycleRunnerIntegration, DaemonHoldingStdoutDoesNotHangTheDeployment) {
  fs::path pidFile = dir_ / "daemon.pid";
  auto folder = bundle("v1", "version: 0.0\nos: linux\nhooks:\n  ApplicationStart:\n    - location: start.sh\n      timeout: 600\n",
                       {{"start.sh", "sleep 300 &\necho $! > " + pidFile.string() + "\necho started"}});
  auto record = deploy(folder);
  ASSERT_EQ(record.status, DeploymentStatus::Succeeded) << record.message;
  const auto& start = event(record, "ApplicationStart");
  ASSERT_EQ(start.scripts.size(), 1U);
  EXPECT_TRUE(start.scripts[0].outputsLeftOpen);
  bool noted = false;
  for (const auto& note : start.notes) noted = noted || note.rfind("OutputsLeftOpen", 0) == 0;
  EXPECT_TRUE(noted);
  EXPECT_NE(start.logTail.find("started"), std::string::npos);
  auto pids = readPids(pidFile);
  ASSERT_EQ(pids.size(), 1U);
  EXPECT_TRUE(processAlive(pids[0])) << "the daemon must keep running";
  ::kill(pids[0], SIGKILL);
}

TEST_F(LifecycleRunnerIntegration, TimedOutHookHasItsWholeTreeKilled) {
  fs::path pidFile = dir_ / "tree.pids";
  auto folder = bundle("v1", "version: 0.0\nos: linux\nhooks:\n  AfterInstall:\n    - location: hang.sh\n      timeout: 1\n",
                       {{"hang.sh", "sleep 1000 &\necho $! >> " + pidFile.string() + "\n(sleep 1000 & echo $! >> " +
                                        pidFile.string() + "; wait) &\necho $$ >> " + pidFile.string() + "\nsleep 1000"}});
  auto record = deploy(folder);
  ASSERT_EQ(record.status, DeploymentStatus::Failed);
  EXPECT_EQ(record.errorCode, "ScriptTimedOut");
  const auto& afterInstall = event(record, "AfterInstall");
  EXPECT_EQ(afterInstall.errorCode, "ScriptTimedOut");
  EXPECT_NE(afterInstall.message.find("1 seconds"), std::string::npos);
  auto pids = readPids(pidFile);
  ASSERT_EQ(pids.size(), 3U);
  for (int pid : pids) EXPECT_FALSE(processAlive(pid)) << "pid " << pid << " outlived the timeout";
  // Nothing after the failed event ran.
  EXPECT_EQ(event(record, "ApplicationStart").status, EventStatus::Pending);
}

TEST_F(LifecycleRunnerIntegration, FailingScriptReportsScriptFailedWithExitCodeAndTail) {
  auto folder = bundle("v1", "version: 0.0\nos: linux\nhooks:\n  ValidateService:\n    - location: check.sh\n",
                       {{"check.sh", "echo checking\necho 'health check failed: 503' >&2\nexit 7"}});
  auto record = deploy(folder);
  ASSERT_EQ(record.status, DeploymentStatus::Failed);
  const auto& validate = event(record, "ValidateService");
  EXPECT_EQ(validate.status, EventStatus::Failed);
  EXPECT_EQ(validate.errorCode, "ScriptFailed");
  EXPECT_EQ(validate.exitCode, 7);
  EXPECT_NE(validate.message.find("exit code 7"), std::string::npos);
  EXPECT_NE(validate.logTail.find("checking\nhealth check failed: 503\n"), std::string::npos);
  EXPECT_EQ(record.errorCode, "ScriptFailed");
}

TEST_F(LifecycleRunnerIntegration, LogTailKeepsTheLastFourKilobytes) {
  auto folder = bundle("v1", "version: 0.0\nos: linux\nhooks:\n  AfterInstall:\n    - location: noisy.sh\n",
                       {{"noisy.sh", "i=0; while [ $i -lt 2000 ]; do echo \"line $i\"; i=$((i+1)); done"}});
  auto record = deploy(folder);
  ASSERT_EQ(record.status, DeploymentStatus::Succeeded);
  const auto& tail = event(record, "AfterInstall").logTail;
  EXPECT_EQ(tail.size(), 4096U);
  EXPECT_EQ(tail.substr(tail.size() - 10), "line 1999\n");
}

TEST_F(LifecycleRunnerIntegration, MissingScriptFailsBeforeAnyNewScriptRuns) {
  fs::path marker = dir_ / "ran";
  auto folder = bundle("v1",
                       "version: 0.0\nos: linux\nhooks:\n  BeforeInstall:\n    - location: ok.sh\n"
                       "  AfterInstall:\n    - location: scripts/missing.sh\n",
                       {{"ok.sh", "touch " + marker.string()}});
  auto record = deploy(folder);
  ASSERT_EQ(record.status, DeploymentStatus::Failed);
  EXPECT_EQ(record.errorCode, "ScriptMissing");
  EXPECT_EQ(event(record, "DownloadBundle").status, EventStatus::Failed);
  EXPECT_NE(event(record, "DownloadBundle").message.find("scripts/missing.sh"), std::string::npos);
  EXPECT_FALSE(fs::exists(marker));
}

TEST_F(LifecycleRunnerIntegration, NonExecutableScriptIsMadeExecutableLikeTheCodeDeployAgent) {
  auto folder = bundle("v1", "version: 0.0\nos: linux\nhooks:\n  AfterInstall:\n    - location: plain.sh\n", {});
  writeFile(folder / "plain.sh", "#!/bin/sh\necho ran\n", 0644);
  auto record = deploy(folder);
  ASSERT_EQ(record.status, DeploymentStatus::Succeeded) << record.message;
  const auto& afterInstall = event(record, "AfterInstall");
  EXPECT_NE(afterInstall.logTail.find("ran"), std::string::npos);
  ASSERT_FALSE(afterInstall.notes.empty());
  EXPECT_NE(afterInstall.notes[0].find("made it executable"), std::string::npos);
}

TEST_F(LifecycleRunnerIntegration, ScriptWithoutInterpreterLineRunsWithSh) {
  auto folder = bundle("v1", "version: 0.0\nos: linux\nhooks:\n  AfterInstall:\n    - location: bare.sh\n", {});
  writeFile(folder / "bare.sh", "echo no-shebang-ok\n", 0755);
  auto record = deploy(folder);
  ASSERT_EQ(record.status, DeploymentStatus::Succeeded) << record.message;
  EXPECT_NE(event(record, "AfterInstall").logTail.find("no-shebang-ok"), std::string::npos);
}

TEST_F(LifecycleRunnerIntegration, BrokenPreviousApplicationStopFailsUnlessIgnored) {
  auto broken = bundle("v1", "version: 0.0\nos: linux\nhooks:\n  ApplicationStop:\n    - location: stop.sh\n",
                       {{"stop.sh", "echo cannot stop >&2; exit 1"}});
  ASSERT_EQ(deploy(broken).status, DeploymentStatus::Succeeded);  // its ApplicationStop is not run yet
  fs::path marker = dir_ / "v2-installed";
  auto fixed = bundle("v2", "version: 0.0\nos: linux\nhooks:\n  ApplicationStop:\n    - location: stop.sh\n"
                            "  AfterInstall:\n    - location: mark.sh\n",
                      {{"stop.sh", "exit 0"}, {"mark.sh", "touch " + marker.string()}});
  auto blocked = deploy(fixed);
  ASSERT_EQ(blocked.status, DeploymentStatus::Failed);
  EXPECT_EQ(event(blocked, "ApplicationStop").errorCode, "ScriptFailed");
  EXPECT_NE(event(blocked, "ApplicationStop").message.find("--ignore-application-stop-failures"), std::string::npos);
  EXPECT_FALSE(fs::exists(marker));

  LifecycleRequest request;
  request.ignoreApplicationStopFailures = true;
  auto passed = deploy(fixed, request);
  ASSERT_EQ(passed.status, DeploymentStatus::Succeeded) << passed.message;
  EXPECT_TRUE(event(passed, "ApplicationStop").failureIgnored);
  EXPECT_EQ(event(passed, "ApplicationStop").status, EventStatus::Failed);
  EXPECT_TRUE(fs::exists(marker));
  // The last successful revision is now v2, whose ApplicationStop works: no flag needed any more.
  EXPECT_EQ(deploy(fixed).status, DeploymentStatus::Succeeded);
}

TEST_F(LifecycleRunnerIntegration, RedeployReplacesFilesAndRemovesWhatTheOldRevisionInstalled) {
  std::string appspec = "version: 0.0\nos: linux\nfiles:\n  - source: site\n    destination: /srv/site\n";
  auto v1 = bundle("v1", appspec, {}, {{"site/index.html", "v1"}, {"site/old.css", "old"}});
  ASSERT_EQ(deploy(v1).status, DeploymentStatus::Succeeded);
  EXPECT_EQ(readFile(dir_ / "host/srv/site/index.html"), "v1");
  auto v2 = bundle("v2", appspec, {}, {{"site/index.html", "v2"}});
  auto record = deploy(v2);
  ASSERT_EQ(record.status, DeploymentStatus::Succeeded) << record.message;
  EXPECT_EQ(readFile(dir_ / "host/srv/site/index.html"), "v2");
  EXPECT_FALSE(fs::exists(dir_ / "host/srv/site/old.css"));
}

TEST_F(LifecycleRunnerIntegration, ExistingFileIsRefusedUnderDisallow) {
  writeFile(dir_ / "host/srv/site/index.html", "hand-made");
  auto v1 = bundle("v1", "version: 0.0\nos: linux\nfiles:\n  - source: site\n    destination: /srv/site\n", {},
                   {{"site/index.html", "v1"}});
  auto record = deploy(v1);
  ASSERT_EQ(record.status, DeploymentStatus::Failed);
  EXPECT_EQ(event(record, "Install").errorCode, "FileExists");
  EXPECT_EQ(readFile(dir_ / "host/srv/site/index.html"), "hand-made");
  LifecycleRequest request;
  request.fileExistsBehavior = appspec::FileExistsBehavior::Overwrite;
  ASSERT_EQ(deploy(v1, request).status, DeploymentStatus::Succeeded);
  EXPECT_EQ(readFile(dir_ / "host/srv/site/index.html"), "v1");
}

TEST_F(LifecycleRunnerIntegration, RetentionBoundHoldsAndKeepsTheLastSuccessful) {
  auto good = bundle("good", "version: 0.0\nos: linux\n", {});
  auto bad = bundle("bad", "version: 0.0\nos: linux\nhooks:\n  ValidateService:\n    - location: fail.sh\n",
                    {{"fail.sh", "exit 1"}});
  LifecycleRequest request;
  request.revisionsToKeep = 3;
  request.deploymentId = "d-GOOD00001";
  ASSERT_EQ(deploy(good, request).status, DeploymentStatus::Succeeded);
  for (int i = 0; i < 6; ++i) {
    request.deploymentId = "d-BAD00000" + std::to_string(i);
    ASSERT_EQ(deploy(bad, request).status, DeploymentStatus::Failed);
  }
  DeploymentRoot root(dir_ / "root");
  auto kept = root.deployments("group");
  EXPECT_EQ(kept.size(), 3U);
  EXPECT_EQ(kept.front(), "d-GOOD00001") << "the last successful revision is never deleted";
  EXPECT_EQ(root.lastSuccessful("group"), "d-GOOD00001");
  EXPECT_TRUE(fs::exists(root.archiveDir("group", "d-GOOD00001") / "appspec.yml"));
  // The archive is kept once, as a tree: no copy of the bundle beside it.
  std::size_t entries = 0;
  for (const auto& item : fs::directory_iterator(root.deploymentDir("group", "d-GOOD00001"))) {
    (void)item;
    ++entries;
  }
  EXPECT_EQ(entries, 3U);  // deployment-archive, deployment.json, logs
}

TEST_F(LifecycleRunnerIntegration, HooksCanRunAsAnotherUser) {
  if (::geteuid() != 0) GTEST_SKIP() << "runas needs root";
  auto folder = bundle("v1", "version: 0.0\nos: linux\nhooks:\n  AfterInstall:\n    - location: who.sh\n      runas: nobody\n",
                       {{"who.sh", "echo \"user=$(id -un) home=$HOME event=$LIFECYCLE_EVENT\""}});
  fs::permissions(dir_.path(), fs::perms::all);  // nobody must reach the script
  auto record = deploy(folder);
  ASSERT_EQ(record.status, DeploymentStatus::Succeeded) << record.message << event(record, "AfterInstall").logTail;
  EXPECT_NE(event(record, "AfterInstall").logTail.find("user=nobody"), std::string::npos);
  EXPECT_NE(event(record, "AfterInstall").logTail.find("event=AfterInstall"), std::string::npos);
}

TEST_F(LifecycleRunnerIntegration, UnknownRunasUserFailsBeforeAnythingIsInstalled) {
  auto folder = bundle("v1",
                       "version: 0.0\nos: linux\nfiles:\n  - source: site\n    destination: /srv/site\nhooks:\n"
                       "  AfterInstall:\n    - location: a.sh\n      runas: ex2-user\n",
                       {{"a.sh", "exit 0"}}, {{"site/index.html", "v1"}});
  auto record = deploy(folder);
  ASSERT_EQ(record.status, DeploymentStatus::Failed);
  EXPECT_EQ(event(record, "DownloadBundle").status, EventStatus::Failed);
  EXPECT_NE(record.message.find("'ex2-user'"), std::string::npos) << record.message;
  EXPECT_NE(record.message.find("appspec line 8"), std::string::npos) << record.message;  // the script entry
  EXPECT_FALSE(fs::exists(dir_ / "host/srv/site/index.html"));
}

TEST_F(LifecycleRunnerIntegration, ChecksumMismatchExtractsNothing) {
  auto folder = bundle("v1", "version: 0.0\nos: linux\n", {});
  LifecycleRequest request;
  request.expectedSha256 = std::string(64, '0');
  request.deploymentId = "d-CHECKSUM1";
  auto record = deploy(folder, request);
  ASSERT_EQ(record.status, DeploymentStatus::Failed);
  EXPECT_EQ(record.errorCode, "BundleChecksumMismatch");
  EXPECT_FALSE(fs::exists(dir_ / "root/group/d-CHECKSUM1/deployment-archive"));
}

}  // namespace
}  // namespace greenlight::agent
