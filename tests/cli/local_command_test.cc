// `greenlight local` as a user types it: the sample app deployed twice, JSON output, a run killed
// mid-hook, a hostile bundle.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "support/test_support.h"

namespace greenlight {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::processAlive;
using testing::readFile;
using testing::runCommand;
using testing::TempDir;
using testing::waitFor;
using testing::writeFile;

std::string quote(const fs::path& path) { return "'" + path.string() + "'"; }

class LocalCommandIntegration : public ::testing::Test {
 protected:
  void SetUp() override { port_ = testing::freePort(); }

  void TearDown() override {
    // Stop whatever sample server a test left running.
    for (const auto& pidFile : {dir_ / ("host/opt/greenlight-sample/run/server-" + std::to_string(port_) + ".pid")}) {
      std::ifstream in(pidFile);
      int pid = 0;
      if (in >> pid && pid > 0) ::kill(pid, SIGKILL);
    }
  }

  CommandResult local(const std::string& arguments) {
    return runCommand("GREENLIGHT_PORT=" + std::to_string(port_) + " " + quote(testing::greenlightBinary()) +
                      " local --root " + quote(dir_ / "root") + " --install-root " + quote(dir_ / "host") + " " + arguments);
  }

  int serverPid() {
    std::ifstream in(dir_ / ("host/opt/greenlight-sample/run/server-" + std::to_string(port_) + ".pid"));
    int pid = 0;
    in >> pid;
    return pid;
  }

  std::string fetch() {
    return runCommand("curl -fsS http://127.0.0.1:" + std::to_string(port_) + "/").output;
  }

  // The sample app with its version changed, as a tgz whose single top-level folder holds it.
  fs::path sampleVersion(int version) {
    fs::path folder = dir_ / ("build/sample-app-v" + std::to_string(version));
    fs::create_directories(folder.parent_path());
    fs::copy(testing::sourceDir() / "examples/sample-app", folder, fs::copy_options::recursive);
    writeFile(folder / "app/VERSION", std::to_string(version) + "\n");
    std::string html = readFile(folder / "app/index.html");
    auto at = html.find("<span id=\"version\">1</span>");
    html.replace(at, 28, "<span id=\"version\">" + std::to_string(version) + "</span>");
    writeFile(folder / "app/index.html", html);
    fs::path archive = dir_ / ("build/sample-v" + std::to_string(version) + ".tgz");
    EXPECT_EQ(runCommand("tar -C " + quote(folder.parent_path()) + " -czf " + quote(archive) + " " +
                         folder.filename().string()).exitCode, 0);
    return archive;
  }

  TempDir dir_;
  int port_ = 0;
};

TEST_F(LocalCommandIntegration, SampleAppDeployedTwiceReplacesTheOldServer) {
  auto first = local("--bundle " + quote(testing::sourceDir() / "examples/sample-app") + " --type directory");
  ASSERT_EQ(first.exitCode, 0) << first.output;
  EXPECT_NE(first.output.find("succeeded"), std::string::npos);
  EXPECT_NE(fetch().find("<span id=\"version\">1</span>"), std::string::npos);
  int firstPid = serverPid();
  ASSERT_GT(firstPid, 0);
  // Permissions from the AppSpec were applied to the installed files.
  EXPECT_EQ(fs::status(dir_ / "host/opt/greenlight-sample/www/index.html").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);

  auto second = local("--bundle " + quote(sampleVersion(2)));  // type detected: tgz
  ASSERT_EQ(second.exitCode, 0) << second.output;
  EXPECT_NE(second.output.find("stopped server pid " + std::to_string(firstPid)), std::string::npos) << second.output;
  EXPECT_NE(fetch().find("<span id=\"version\">2</span>"), std::string::npos);
  EXPECT_FALSE(processAlive(firstPid)) << "the version 1 server must be gone";
  EXPECT_NE(serverPid(), firstPid);
}

TEST_F(LocalCommandIntegration, JsonOutputRecordsEveryEvent) {
  // Braces so that progress (stderr) is dropped and only the JSON on stdout is captured.
  auto result = runCommand("{ GREENLIGHT_PORT=" + std::to_string(port_) + " " + quote(testing::greenlightBinary()) +
                           " local --root " + quote(dir_ / "root") + " --install-root " + quote(dir_ / "host") +
                           " --bundle " + quote(testing::sourceDir() / "examples/sample-app") +
                           " --output json 2>/dev/null; }");
  ASSERT_EQ(result.exitCode, 0) << result.output;
  auto json = nlohmann::json::parse(result.output);
  EXPECT_EQ(json["status"], "Succeeded");
  ASSERT_EQ(json["events"].size(), 7U);
  for (const auto& event : json["events"]) {
    EXPECT_TRUE(event.contains("start") && event.contains("end") && event.contains("durationMs")) << event.dump();
    EXPECT_TRUE(event.contains("exitCode") && event.contains("errorCode") && event.contains("logTail")) << event.dump();
  }
  EXPECT_EQ(json["events"][0]["name"], "ApplicationStop");
  EXPECT_EQ(json["events"][0]["status"], "Skipped");
  EXPECT_EQ(json["events"][6]["name"], "ValidateService");
  EXPECT_EQ(json["events"][6]["exitCode"], 0);
  EXPECT_NE(json["events"][6]["logTail"].get<std::string>().find("serving version 1"), std::string::npos);
  EXPECT_EQ(json["bundleSha256"].get<std::string>().size(), 64U);
}

TEST_F(LocalCommandIntegration, FailedDeploymentExitsNonZeroAndShowsTheTail) {
  fs::path bundle = dir_ / "bad";
  writeFile(bundle / "appspec.yml", "version: 0.0\nos: linux\nhooks:\n  ValidateService:\n    - location: v.sh\n");
  writeFile(bundle / "v.sh", "#!/bin/sh\necho 'upstream not ready' >&2\nexit 2\n", 0755);
  auto result = local("--bundle " + quote(bundle));
  EXPECT_EQ(result.exitCode, 1) << result.output;
  EXPECT_NE(result.output.find("ScriptFailed"), std::string::npos);
  EXPECT_NE(result.output.find("upstream not ready"), std::string::npos);
}

TEST_F(LocalCommandIntegration, RunKilledMidHookIsRecordedAsFailedAfterRestart) {
  fs::path bundle = dir_ / "slow";
  fs::path started = dir_ / "hook-started";
  writeFile(bundle / "appspec.yml", "version: 0.0\nos: linux\nhooks:\n  AfterInstall:\n    - location: slow.sh\n");
  writeFile(bundle / "slow.sh", "#!/bin/sh\necho $$ > " + started.string() + "\nexec sleep 1000\n", 0755);
  std::string command = quote(testing::greenlightBinary()) + " local --root " + quote(dir_ / "root") + " --install-root " +
                        quote(dir_ / "host") + " --bundle " + quote(bundle) + " --deployment-id d-KILLED001 >/dev/null 2>&1";
  pid_t agent = ::fork();
  if (agent == 0) {
    ::execl("/bin/sh", "sh", "-c", ("exec " + command).c_str(), nullptr);
    ::_exit(127);
  }
  ASSERT_TRUE(waitFor([&] { return fs::exists(started) && !readFile(started).empty(); }));
  int hookPid = std::stoi(readFile(started));
  ::kill(agent, SIGKILL);
  ::waitpid(agent, nullptr, 0);
  ASSERT_TRUE(processAlive(hookPid)) << "the hook outlives the killed run";

  fs::path good = dir_ / "good";
  writeFile(good / "appspec.yml", "version: 0.0\nos: linux\n");
  auto next = local("--bundle " + quote(good));
  ASSERT_EQ(next.exitCode, 0) << next.output;
  EXPECT_NE(next.output.find("d-KILLED001"), std::string::npos) << next.output;
  EXPECT_NE(next.output.find("FailedAfterRestart"), std::string::npos) << next.output;
  EXPECT_FALSE(processAlive(hookPid)) << "the hung hook of the dead run must be killed";
  auto record = nlohmann::json::parse(readFile(dir_ / "root/default-local-deployment-group/d-KILLED001/deployment.json"));
  EXPECT_EQ(record["status"], "Failed");
  EXPECT_EQ(record["errorCode"], "FailedAfterRestart");
  bool found = false;
  for (const auto& event : record["events"]) {
    if (event["name"] == "AfterInstall") {
      found = true;
      EXPECT_EQ(event["status"], "Failed");
      EXPECT_EQ(event["errorCode"], "FailedAfterRestart");
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(LocalCommandIntegration, HostileBundleIsRefusedAndNothingIsWrittenOutside) {
  fs::path evil = dir_ / "evil.tar";
  fs::path outside = dir_ / "outside.txt";
  ASSERT_EQ(runCommand("python3 -c \"import tarfile,io\n"
                       "t=tarfile.open('" + evil.string() + "','w')\n"
                       "for name,data in [('appspec.yml',b'version: 0.0\\nos: linux\\n'),('../../outside.txt',b'pwned')]:\n"
                       "  i=tarfile.TarInfo(name); i.size=len(data); t.addfile(i,io.BytesIO(data))\n"
                       "t.close()\"").exitCode, 0);
  auto result = local("--bundle " + quote(evil));
  EXPECT_EQ(result.exitCode, 1) << result.output;
  EXPECT_NE(result.output.find("BundleUnsafe"), std::string::npos) << result.output;
  EXPECT_FALSE(fs::exists(outside));
  EXPECT_FALSE(fs::exists(dir_ / "root/outside.txt"));
}

TEST(LocalCommand, UsageErrorsExitWithTwo) {
  auto result = runCommand(quote(testing::greenlightBinary()) + " local --type rar");
  EXPECT_EQ(result.exitCode, 2) << result.output;
  auto env = runCommand(quote(testing::greenlightBinary()) + " local --env NOEQUALS --bundle /nonexistent --type directory");
  EXPECT_EQ(env.exitCode, 2) << env.output;
  EXPECT_NE(env.output.find("NAME=VALUE"), std::string::npos);
  auto missing = runCommand(quote(testing::greenlightBinary()) + " local --bundle /nonexistent/bundle.tgz");
  EXPECT_EQ(missing.exitCode, 2) << missing.output;
  EXPECT_NE(missing.output.find("there is no bundle at /nonexistent/bundle.tgz"), std::string::npos) << missing.output;
}

}  // namespace
}  // namespace greenlight
