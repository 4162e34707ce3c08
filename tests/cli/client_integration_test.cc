// The client verbs against a real `greenlight server` process: every verb as a user types it,
// --output json parsed back, and the error paths (unknown names, no token, no server, bad input).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/test_support.h"

namespace greenlight {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::CommandResult;
using testing::greenlightBinary;
using testing::readFile;
using testing::runCommand;
using testing::sourceDir;
using testing::TempDir;
using testing::waitFor;
using testing::writeFile;

std::string quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// Processes (the server, its local agents, their hooks) whose environment holds `entry`.
std::vector<int> processesWithEnvironment(const std::string& entry) {
  std::vector<int> pids;
  for (const auto& item : fs::directory_iterator("/proc")) {
    std::string name = item.path().filename();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream environ(item.path() / "environ", std::ios::binary);
    std::string content((std::istreambuf_iterator<char>(environ)), std::istreambuf_iterator<char>());
    std::stringstream stream(content);
    std::string variable;
    while (std::getline(stream, variable, '\0')) {
      if (variable == entry && testing::processAlive(std::stoi(name))) pids.push_back(std::stoi(name));
    }
  }
  return pids;
}

class ClientIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = dir_ / "data";
    marker_ = "GREENLIGHT_CLIENT_TEST=" + dir_.path().string();
    pid_ = ::fork();
    ASSERT_GE(pid_, 0);
    if (pid_ == 0) {
      ::setpgid(0, 0);
      ::putenv(marker_.data());
      std::string log = (dir_ / "server.log").string();
      FILE* out = std::freopen(log.c_str(), "w", stdout);
      (void)out;
      ::dup2(STDOUT_FILENO, STDERR_FILENO);
      std::string binary = greenlightBinary().string();
      std::string dataArgument = data_.string();
      ::execl(binary.c_str(), binary.c_str(), "server", "--data", dataArgument.c_str(), "--listen", "127.0.0.1:0",
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ASSERT_TRUE(waitFor([&] {
      return fs::exists(data_ / "server.addr") && !readFile(data_ / "server.addr").empty() &&
             fs::exists(data_ / "admin.token") && !readFile(data_ / "admin.token").empty();
    })) << readFile(dir_ / "server.log");
    address_ = readFile(data_ / "server.addr");
    while (!address_.empty() && (address_.back() == '\n' || address_.back() == ' ')) address_.pop_back();
    token_ = readFile(data_ / "admin.token");
    while (!token_.empty() && (token_.back() == '\n' || token_.back() == ' ')) token_.pop_back();
  }

  void TearDown() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      bool exited = waitFor([&] { return ::waitpid(pid_, nullptr, WNOHANG) == pid_; }, std::chrono::seconds(20));
      if (!exited) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
      }
    }
    // Local agents and what their hooks started must not outlive the test.
    for (int pid : processesWithEnvironment(marker_)) ::kill(pid, SIGKILL);
  }

  // `greenlight ARGS` with the server's address and the admin token; stdout and stderr together.
  CommandResult cli(const std::string& arguments, const std::string& token = "") {
    return runCommand("GREENLIGHT_ADDR=" + quote(address_) + " GREENLIGHT_TOKEN=" + quote(token.empty() ? token_ : token) +
                      " GREENLIGHT_TOKEN_FILE= " + quote(greenlightBinary().string()) + " " + arguments);
  }

  // `greenlight ARGS --output json`, stdout parsed; stderr kept apart in lastError_.
  json cliJson(const std::string& arguments, int expectedExit = 0) {
    fs::path errors = dir_ / "stderr.txt";
    auto result = runCommand("{ GREENLIGHT_ADDR=" + quote(address_) + " GREENLIGHT_TOKEN=" + quote(token_) + " " +
                             quote(greenlightBinary().string()) + " " + arguments + " --output json 2>" +
                             quote(errors.string()) + "; }");
    lastError_ = readFile(errors);
    EXPECT_EQ(result.exitCode, expectedExit) << arguments << "\n" << result.output << lastError_;
    try {
      return json::parse(result.output);
    } catch (const json::exception& error) {
      ADD_FAILURE() << arguments << ": not JSON: " << error.what() << "\n" << result.output << lastError_;
      return json();
    }
  }

  TempDir dir_;
  fs::path data_;
  std::string marker_;
  pid_t pid_ = -1;
  std::string address_;
  std::string token_;
  std::string lastError_;
};

TEST_F(ClientIntegrationTest, ApplicationsConfigsAndStaticGroupsRoundTripAsJson) {
  json application = cliJson("app create sample --platform server");
  EXPECT_EQ(application["name"], "sample");
  EXPECT_EQ(application["computePlatform"], "server");
  json applications = cliJson("app list");
  ASSERT_EQ(applications["applications"].size(), 1u);
  EXPECT_EQ(applications["applications"][0]["name"], "sample");
  EXPECT_NE(cli("app list").output.find("sample  server"), std::string::npos);

  json config = cliJson("config create TwoAtATime --host-count 2");
  EXPECT_EQ(config["minimumHealthyHosts"]["type"], "HOST_COUNT");
  EXPECT_EQ(config["minimumHealthyHosts"]["value"], 2);
  json configs = cliJson("config list");
  bool listed = false;
  for (const auto& each : configs["deploymentConfigs"]) listed |= each["name"] == "TwoAtATime";
  EXPECT_TRUE(listed);
  EXPECT_EQ(cliJson("config show CodeDeployDefault.HalfAtATime")["minimumHealthyHosts"]["value"], 50);

  json group = cliJson("group create sample web --provider static --config TwoAtATime --auto-rollback");
  EXPECT_EQ(group["name"], "web");
  EXPECT_EQ(group["fleet"]["provider"], "static");
  EXPECT_EQ(group["deploymentConfig"], "TwoAtATime");
  EXPECT_EQ(group["autoRollback"]["enabled"], true);
  EXPECT_EQ(group["id"].get<std::string>().rfind("dg-", 0), 0u);
  json shown = cliJson("group show sample web");
  EXPECT_EQ(shown["id"], group["id"]);
  EXPECT_TRUE(shown["instances"].is_array());
  EXPECT_EQ(cliJson("group list sample")["groups"].size(), 1u);
  auto text = cli("group show sample web");
  EXPECT_EQ(text.exitCode, 0);
  EXPECT_NE(text.output.find("static, every enrolled agent"), std::string::npos) << text.output;

  json enrolment = cliJson("group enrolment-token sample web");
  EXPECT_EQ(enrolment["token"].get<std::string>().rfind("glt_", 0), 0u) << enrolment.dump();

  auto inUse = cli("config delete TwoAtATime");
  EXPECT_EQ(inUse.exitCode, 1) << "a group names it as its default: " << inUse.output;
  EXPECT_NE(inUse.output.find("greenlight: "), std::string::npos);
  EXPECT_EQ(cli("group delete sample web").exitCode, 0);
  EXPECT_EQ(cli("config delete TwoAtATime").exitCode, 0);
  EXPECT_EQ(cli("app delete sample").exitCode, 0);
  EXPECT_TRUE(cliJson("app list")["applications"].empty());
}

TEST_F(ClientIntegrationTest, GroupFromYamlFileAndItsValidationMessageWithLineNumbers) {
  ASSERT_EQ(cli("app create sample").exitCode, 0);
  writeFile(dir_ / "good.yaml", "name: web\nfleet:\n  provider: static\n  tags: {role: web}\n");
  json group = cliJson("group create sample --file " + quote((dir_ / "good.yaml").string()));
  EXPECT_EQ(group["name"], "web");
  EXPECT_EQ(group["fleet"]["tags"]["role"], "web");

  writeFile(dir_ / "bad.yaml", "name: api\nfleet:\n  provider: local\n  instances: four\n");
  auto bad = cli("group create sample --file " + quote((dir_ / "bad.yaml").string()));
  EXPECT_EQ(bad.exitCode, 1) << bad.output;
  EXPECT_NE(bad.output.find("greenlight: "), std::string::npos) << bad.output;
  EXPECT_NE(bad.output.find("fleet.instances"), std::string::npos) << bad.output;
  EXPECT_NE(bad.output.find(":4:"), std::string::npos) << "the server's line number is shown: " << bad.output;

  writeFile(dir_ / "update.yaml", "name: web\nfleet:\n  provider: static\n  tags: {role: api}\n");
  json updated = cliJson("group update sample web --file " + quote((dir_ / "update.yaml").string()));
  EXPECT_EQ(updated["fleet"]["tags"]["role"], "api");

  auto both = cli("group create sample other --file " + quote((dir_ / "good.yaml").string()));
  EXPECT_EQ(both.exitCode, 2) << both.output;
}

TEST_F(ClientIntegrationTest, RevisionPushOfAFolderIsReproducibleAndListed) {
  ASSERT_EQ(cli("app create sample").exitCode, 0);
  std::string folder = quote((sourceDir() / "examples/sample-app").string());
  json first = cliJson("revision push sample " + folder + " --description 'first push'");
  std::string sha = first["sha256"];
  EXPECT_EQ(sha.size(), 64u);
  EXPECT_EQ(first["bundleType"], "tgz");
  EXPECT_EQ(first["description"], "first push");
  json again = cliJson("revision push sample " + folder);
  EXPECT_EQ(again["sha256"], sha) << "the same folder is the same revision";

  json revisions = cliJson("revision list sample");
  ASSERT_EQ(revisions["revisions"].size(), 1u);
  EXPECT_EQ(cliJson("revision show sample " + sha.substr(0, 12))["sha256"], sha);
  EXPECT_EQ(cliJson("revision show sample latest")["sha256"], sha);
  EXPECT_NE(cli("revision list sample").output.find(sha.substr(0, 12)), std::string::npos);

  writeFile(dir_ / "notes.txt", "not a bundle");
  auto wrongKind = cli("revision push sample " + quote((dir_ / "notes.txt").string()));
  EXPECT_EQ(wrongKind.exitCode, 2) << wrongKind.output;
  EXPECT_NE(wrongKind.output.find(".tgz"), std::string::npos) << wrongKind.output;

  writeFile(dir_ / "no-appspec/readme.txt", "hello");
  auto invalid = cli("revision push sample " + quote((dir_ / "no-appspec").string()));
  EXPECT_EQ(invalid.exitCode, 1) << invalid.output;
  EXPECT_NE(invalid.output.find("greenlight: "), std::string::npos) << invalid.output;
}

TEST_F(ClientIntegrationTest, HistoryOfAnEmptyGroupAndPlanWithoutInstances) {
  ASSERT_EQ(cli("app create sample").exitCode, 0);
  ASSERT_EQ(cli("group create sample web --provider static").exitCode, 0);
  EXPECT_TRUE(cliJson("history sample web")["deployments"].empty());
  EXPECT_NE(cli("history sample web").output.find("No deployments yet."), std::string::npos);
  auto plan = cli("deploy sample web --plan");
  EXPECT_EQ(plan.exitCode, 1) << "a plan that cannot work fails: " << plan.output;
  EXPECT_NE(plan.output.find("Cannot deploy"), std::string::npos) << plan.output;
  auto unknownGroup = cli("history sample nope");
  EXPECT_EQ(unknownGroup.exitCode, 1);
  EXPECT_NE(unknownGroup.output.find("nope"), std::string::npos) << unknownGroup.output;
}

TEST_F(ClientIntegrationTest, TokensCreateListRevokeAndRolesAreEnforced) {
  json created = cliJson("token create reader --role viewer");
  std::string secret = created["token"];
  EXPECT_EQ(secret.rfind("glt_", 0), 0u);
  auto readOnly = cli("app list", secret);
  EXPECT_EQ(readOnly.exitCode, 0) << readOnly.output;
  auto refused = cli("app create sneaky", secret);
  EXPECT_EQ(refused.exitCode, 1) << refused.output;
  EXPECT_NE(refused.output.find("greenlight: "), std::string::npos);

  json tokens = cliJson("token list");
  const json& list = tokens.is_array() ? tokens : tokens["tokens"];
  std::string id;
  for (const auto& token : list) {
    if (token["name"] == "reader") id = token["id"].dump();
    EXPECT_FALSE(token.contains("token")) << "secrets are never listed";
  }
  ASSERT_FALSE(id.empty()) << tokens.dump();
  EXPECT_EQ(cli("token revoke " + id).exitCode, 0);
  auto revoked = cli("app list", secret);
  EXPECT_EQ(revoked.exitCode, 1) << revoked.output;
  EXPECT_NE(revoked.output.find("GREENLIGHT_TOKEN"), std::string::npos) << revoked.output;

  json audit = cliJson("audit --limit 10");
  bool sawCreate = false;
  for (const auto& entry : audit["entries"]) sawCreate |= entry["action"] == "create-token";
  EXPECT_TRUE(sawCreate) << audit.dump();
}

TEST_F(ClientIntegrationTest, ErrorsNameWhatIsWrongAndHowToFixIt) {
  auto unknownApp = cli("app show nope");
  EXPECT_EQ(unknownApp.exitCode, 1);
  EXPECT_NE(unknownApp.output.find("greenlight: "), std::string::npos) << unknownApp.output;
  EXPECT_NE(unknownApp.output.find("nope"), std::string::npos) << unknownApp.output;
  auto unknownRevisionApp = cli("revision list nope");
  EXPECT_EQ(unknownRevisionApp.exitCode, 1);
  EXPECT_NE(unknownRevisionApp.output.find("nope"), std::string::npos) << unknownRevisionApp.output;

  auto noToken = runCommand("env -u GREENLIGHT_TOKEN -u GREENLIGHT_TOKEN_FILE GREENLIGHT_ADDR=" + quote(address_) + " " +
                            quote(greenlightBinary().string()) + " app list");
  EXPECT_EQ(noToken.exitCode, 1);
  EXPECT_NE(noToken.output.find("set GREENLIGHT_TOKEN"), std::string::npos) << noToken.output;

  auto tokenFile = runCommand("env -u GREENLIGHT_TOKEN GREENLIGHT_ADDR=" + quote(address_) + " " +
                              quote(greenlightBinary().string()) + " app list --token-file " +
                              quote((data_ / "admin.token").string()));
  EXPECT_EQ(tokenFile.exitCode, 0) << tokenFile.output;

  auto refused = runCommand("GREENLIGHT_ADDR=127.0.0.1:" + std::to_string(testing::freePort()) +
                            " GREENLIGHT_TOKEN=glt_x " + quote(greenlightBinary().string()) + " app list");
  EXPECT_EQ(refused.exitCode, 1);
  EXPECT_NE(refused.output.find("GREENLIGHT_ADDR"), std::string::npos) << refused.output;

  auto usage = cli("config create Both --host-count 1 --fleet-percent 50");
  EXPECT_EQ(usage.exitCode, 2) << usage.output;
  auto neither = cli("config create Neither");
  EXPECT_EQ(neither.exitCode, 2) << neither.output;
  EXPECT_EQ(cli("deploy sample web").exitCode, 2) << "no --revision";
  EXPECT_EQ(cli("app").exitCode, 2);
  auto unknownDeployment = cli("status d-NOSUCHONE");
  EXPECT_EQ(unknownDeployment.exitCode, 1);
  EXPECT_NE(unknownDeployment.output.find("d-NOSUCHONE"), std::string::npos) << unknownDeployment.output;
}

// A bundle whose hooks only print, so nothing outlives the deployment; ValidateService exits
// with `validateExit`.
void writeTinyBundle(const fs::path& folder, int validateExit) {
  writeFile(folder / "appspec.yml",
            "version: 0.0\nos: linux\nhooks:\n  BeforeInstall:\n    - location: scripts/before.sh\n"
            "  ValidateService:\n    - location: scripts/validate.sh\n");
  writeFile(folder / "scripts/before.sh", "#!/bin/sh\necho preparing\n", 0755);
  writeFile(folder / "scripts/validate.sh",
            "#!/bin/sh\necho checking port $GREENLIGHT_PORT\necho validation says no >&2\nexit " +
                std::to_string(validateExit) + "\n",
            0755);
}

TEST_F(ClientIntegrationTest, DeployWaitFollowsLocalInstancesAndExitsByOutcome) {
  ASSERT_EQ(cli("app create tiny").exitCode, 0);
  ASSERT_EQ(cli("group create tiny web --instances 2 --config CodeDeployDefault.AllAtOnce").exitCode, 0);
  ASSERT_TRUE(waitFor([&] {
    json instances = cliJson("instances tiny web");
    if (instances["instances"].size() != 2) return false;
    for (const auto& instance : instances["instances"]) {
      if (instance["lifecycle"] != "Running") return false;
    }
    return true;
  })) << cli("instances tiny web").output;

  auto plan = cli("deploy tiny web --plan");
  EXPECT_EQ(plan.exitCode, 0) << plan.output;
  EXPECT_NE(plan.output.find("instances: 2"), std::string::npos) << plan.output;
  auto batch = plan.output.find("batch 1: ");
  ASSERT_NE(batch, std::string::npos) << plan.output;
  std::string firstBatch = plan.output.substr(batch, plan.output.find('\n', batch) - batch);
  EXPECT_NE(firstBatch.find("web-0 (i-"), std::string::npos) << "AllAtOnce: every host in one batch: " << plan.output;
  EXPECT_NE(firstBatch.find("web-1 (i-"), std::string::npos) << plan.output;
  EXPECT_EQ(plan.output.find("batch 2"), std::string::npos) << plan.output;

  writeTinyBundle(dir_ / "good", 0);
  ASSERT_EQ(cli("revision push tiny " + quote((dir_ / "good").string())).exitCode, 0);
  auto good = cli("deploy tiny web --revision latest --wait --description first");
  EXPECT_EQ(good.exitCode, 0) << good.output;
  EXPECT_NE(good.output.find("event ValidateService Succeeded in "), std::string::npos) << good.output;
  EXPECT_NE(good.output.find(": 2 succeeded, 0 failed."), std::string::npos) << good.output;

  writeTinyBundle(dir_ / "bad", 3);
  ASSERT_EQ(cli("revision push tiny " + quote((dir_ / "bad").string())).exitCode, 0);
  json failed = cliJson("deploy tiny web --revision latest --wait", 4);
  EXPECT_EQ(failed["status"], "Failed") << failed.dump();
  ASSERT_TRUE(failed["targets"].is_array());
  std::string id = failed["id"];
  auto status = cli("status " + id);
  EXPECT_EQ(status.exitCode, 0) << status.output;
  EXPECT_NE(status.output.find("failed at ValidateService"), std::string::npos) << status.output;
  EXPECT_NE(status.output.find("| checking port"), std::string::npos) << "the log tail: " << status.output;
  auto watched = cli("status " + id + " --watch");
  EXPECT_EQ(watched.exitCode, 4) << watched.output;
  EXPECT_NE(watched.output.find("greenlight: deployment " + id + " failed"), std::string::npos) << watched.output;

  json history = cliJson("history tiny web");
  ASSERT_EQ(history["deployments"].size(), 2u) << history.dump();
  EXPECT_EQ(history["deployments"][0]["status"], "Failed");
  EXPECT_EQ(history["deployments"][1]["status"], "Succeeded");
  EXPECT_TRUE(history["deployments"][1]["durationMs"].is_number()) << history.dump();
  auto historyText = cli("history tiny web");
  EXPECT_NE(historyText.output.find(id), std::string::npos) << historyText.output;

  json instances = cliJson("instances tiny web");
  for (const auto& instance : instances["instances"]) EXPECT_EQ(instance["online"], true) << instance.dump();
}

TEST_F(ClientIntegrationTest, ContinueOfADeploymentNotWaitingExitsOneWithTheServersReason) {
  ASSERT_EQ(cli("app create tiny").exitCode, 0);
  ASSERT_EQ(cli("group create tiny web --provider static --config CodeDeployDefault.AllAtOnce").exitCode, 0);
  writeTinyBundle(dir_ / "good", 0);
  ASSERT_EQ(cli("revision push tiny " + quote((dir_ / "good").string())).exitCode, 0);
  json created = cliJson("deploy tiny web --revision latest");
  std::string id = created.value("id", "");
  ASSERT_FALSE(id.empty()) << created.dump();

  auto refused = cli("continue " + id);
  EXPECT_EQ(refused.exitCode, 1) << refused.output;
  EXPECT_NE(refused.output.find("greenlight: "), std::string::npos) << refused.output;
  EXPECT_NE(refused.output.find("not waiting"), std::string::npos) << refused.output;
  EXPECT_EQ(refused.output.find("continued"), std::string::npos) << refused.output;
  // With --output json nothing but the error, on stderr: stdout stays empty for a pipeline.
  auto asJson = runCommand("{ GREENLIGHT_ADDR=" + quote(address_) + " GREENLIGHT_TOKEN=" + quote(token_) + " " +
                           quote(greenlightBinary().string()) + " continue " + id + " --output json 2>/dev/null; }");
  EXPECT_EQ(asJson.exitCode, 1);
  EXPECT_EQ(asJson.output, "");

  auto unknown = cli("continue d-NOSUCHONE");
  EXPECT_EQ(unknown.exitCode, 1) << unknown.output;
  EXPECT_NE(unknown.output.find("d-NOSUCHONE"), std::string::npos) << unknown.output;
  EXPECT_EQ(cli("continue").exitCode, 2) << "the deployment id is required";

  json viewer = cliJson("token create watcher --role viewer");
  auto forbidden = cli("continue " + id, viewer.value("token", ""));
  EXPECT_EQ(forbidden.exitCode, 1) << forbidden.output;
  EXPECT_NE(forbidden.output.find("may not continue"), std::string::npos) << forbidden.output;
}

TEST_F(ClientIntegrationTest, ConfigCreateRefusesAStepsListItCannotReadBeforeCallingTheServer) {
  auto bad = cli("config create canary --steps 10,wait,100");
  EXPECT_EQ(bad.exitCode, 2) << bad.output;
  EXPECT_NE(bad.output.find("'wait'"), std::string::npos) << bad.output;
  EXPECT_EQ(cli("config create canary --canary 10").exitCode, 2) << "--canary needs --interval";
  EXPECT_EQ(cli("config create canary --steps 10,100 --host-count 1").exitCode, 2) << "one rule only";
  auto listed = cliJson("config list");
  for (const auto& config : listed["deploymentConfigs"]) EXPECT_NE(config["name"], "canary") << config.dump();
}

}  // namespace
}  // namespace greenlight
