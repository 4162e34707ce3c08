// End-to-end fixture: a real `greenlight server` process on a data folder, driven through the
// `greenlight` CLI as a user types it, with revisions of the sample app whose hooks record every
// event they run and can be held at a gate, so a test can act at an exact point of a deployment.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/test_support.h"

namespace greenlight::testing {

namespace fs = std::filesystem;
using nlohmann::json;

inline std::string shellQuote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// Every process whose environment holds `entry` (e.g. "GREENLIGHT_E2E_DIR=/tmp/x"), zombies excluded.
inline std::vector<int> processesWithEnvironment(const std::string& entry) {
  std::vector<int> pids;
  for (const auto& item : fs::directory_iterator("/proc")) {
    std::string name = item.path().filename();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream environ(item.path() / "environ", std::ios::binary);
    std::string content((std::istreambuf_iterator<char>(environ)), std::istreambuf_iterator<char>());
    std::stringstream stream(content);
    std::string variable;
    bool found = false;
    while (std::getline(stream, variable, '\0')) {
      if (variable == entry) found = true;
    }
    if (found && processAlive(std::stoi(name))) pids.push_back(std::stoi(name));
  }
  return pids;
}

class ControlPlane {
 public:
  ControlPlane() : data_(dir_ / "data"), marker_("GREENLIGHT_E2E_DIR=" + dir_.path().string()) {
    fs::create_directories(dir_ / "hooks");
  }

  ~ControlPlane() {
    // Groups first (their instances stop through greenlight), then the server, then anything
    // this test started that is somehow still alive.
    if (serverPid_ > 0) {
      for (const auto& [application, group] : groups_) {
        cli("group delete " + application + " " + group);
      }
      killServer(SIGTERM);
    }
    for (int pid : processesWithEnvironment(marker_)) ::kill(pid, SIGKILL);
  }

  const fs::path& dir() const { return dir_.path(); }
  const fs::path& data() const { return data_; }
  fs::path hookLogDir() const { return dir_ / "hooks"; }

  // Starts the server (again, on the same port after the first start) and waits until it listens.
  void startServer() {
    fs::remove(data_ / "server.addr");
    std::string listen = port_ == 0 ? "127.0.0.1:0" : "127.0.0.1:" + std::to_string(port_);
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::setpgid(0, 0);
      int log = ::open((dir_ / "server.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      ::dup2(log, 1);
      ::dup2(log, 2);
      ::setenv("GREENLIGHT_E2E_DIR", dir_.path().c_str(), 1);
      std::string binary = greenlightBinary().string();
      std::vector<std::string> arguments = {binary, "server", "--data", data_.string(), "--listen",
                                            listen, "--agent-timeout", "10"};
      arguments.insert(arguments.end(), serverArguments.begin(), serverArguments.end());
      std::vector<char*> argv;
      for (auto& argument : arguments) argv.push_back(argument.data());
      argv.push_back(nullptr);
      ::execv(binary.c_str(), argv.data());
      ::_exit(127);
    }
    serverPid_ = pid;
    ASSERT_TRUE(waitFor([&] { return fs::exists(data_ / "server.addr"); }, std::chrono::seconds(60)))
        << serverLog();
    std::string address = readFile(data_ / "server.addr");
    while (!address.empty() && std::isspace(static_cast<unsigned char>(address.back()))) address.pop_back();
    address_ = address;
    port_ = std::stoi(address.substr(address.rfind(':') + 1));
    if (token_.empty()) token_ = trimmed(readFile(data_ / "admin.token"));
  }

  // Added to `greenlight server`'s arguments by startServer (e.g. --haproxy-metrics).
  std::vector<std::string> serverArguments;

  void killServer(int signal) {
    if (serverPid_ <= 0) return;
    ::kill(serverPid_, signal);
    int status = 0;
    ::waitpid(serverPid_, &status, 0);
    serverPid_ = 0;
  }

  std::string serverLog() const {
    return fs::exists(dir_ / "server.log") ? readFile(dir_ / "server.log") : "(no server log)";
  }

  // Runs `greenlight <arguments>` against the server.
  CommandResult cli(const std::string& arguments) const {
    std::string line = "GREENLIGHT_ADDR=" + shellQuote(address_) + " GREENLIGHT_TOKEN=" +
                       shellQuote(token_) + " " + shellQuote(greenlightBinary().string()) + " " +
                       arguments;
    return runCommand(line);
  }

  // The CLI's --output json answer; fails the test when the command fails or prints no JSON.
  json cliJson(const std::string& arguments, int expectedExit = 0) const {
    CommandResult result = cli(arguments + " --output json 2>/dev/null");
    EXPECT_EQ(result.exitCode, expectedExit) << "greenlight " << arguments << "\n" << result.output;
    try {
      return json::parse(result.output);
    } catch (const std::exception& error) {
      ADD_FAILURE() << "greenlight " << arguments << " printed no JSON: " << error.what() << "\n"
                    << result.output;
      return json::object();
    }
  }

  void createLocalGroup(const std::string& application, const std::string& group, int instances,
                        const std::string& extraYaml = "") {
    fs::path file = dir_ / (group + ".yaml");
    writeFile(file, "name: " + group + "\nfleet:\n  provider: local\n  instances: " +
                        std::to_string(instances) + "\n" + extraYaml);
    CommandResult created = cli("group create " + application + " --file " + shellQuote(file.string()));
    ASSERT_EQ(created.exitCode, 0) << created.output << serverLog();
    groups_.emplace_back(application, group);
    ASSERT_TRUE(waitFor([&] { return onlineInstances(application, group) == instances; },
                        std::chrono::seconds(60)))
        << cli("instances " + application + " " + group).output << serverLog();
  }

  // A group with no standing fleet (blue/green: each deployment makes its own fleet version).
  void createGroup(const std::string& application, const std::string& group, const std::string& yaml) {
    fs::path file = dir_ / (group + ".yaml");
    writeFile(file, "name: " + group + "\n" + yaml);
    CommandResult created = cli("group create " + application + " --file " + shellQuote(file.string()));
    ASSERT_EQ(created.exitCode, 0) << created.output << serverLog();
    groups_.emplace_back(application, group);
  }

  int onlineInstances(const std::string& application, const std::string& group) const {
    CommandResult result = cli("instances " + application + " " + group + " --output json 2>/dev/null");
    if (result.exitCode != 0) return -1;
    int online = 0;
    try {
      json answer = json::parse(result.output);  // kept: a loop over a temporary's member dangles
      for (const auto& instance : answer.at("instances")) {
        if (instance.value("lifecycle", "") == "Running") ++online;
      }
    } catch (const std::exception&) {
      return -1;
    }
    return online;
  }

  json instances(const std::string& application, const std::string& group) const {
    return cliJson("instances " + application + " " + group).at("instances");
  }

  // A copy of the sample app at `version`, its hooks logging "<deployment> <event>" to
  // hooks/<instance>.log and waiting in BeforeInstall while hooks/hold-<instance> or
  // hooks/hold-all exists; ValidateService fails on the instances in `failOn`.
  fs::path sampleRevision(const std::string& version, const std::set<std::string>& failOn = {}) {
    fs::path folder = dir_ / ("sample-v" + version + "-" + std::to_string(revisionCount_++));
    runCommand("cp -r " + shellQuote((sourceDir() / "examples/sample-app").string()) + " " +
               shellQuote(folder.string()));
    writeFile(folder / "app/VERSION", version + "\n");
    runCommand("sed -i 's#<span id=\"version\">1</span>#<span id=\"version\">" + version +
               "</span>#' " + shellQuote((folder / "app/index.html").string()));
    std::string record =
        "echo \"$DEPLOYMENT_ID $LIFECYCLE_EVENT\" >> \"$GREENLIGHT_E2E_DIR/hooks/$GREENLIGHT_INSTANCE_ID.log\"\n";
    for (const char* script : {"stop_server.sh", "before_install.sh", "start_server.sh", "validate_service.sh"}) {
      fs::path path = folder / "scripts" / script;
      std::string text = readFile(path);
      auto afterCommon = text.find("common.sh\"\n");
      if (afterCommon == std::string::npos) {
        ADD_FAILURE() << script << " no longer sources common.sh";
        continue;
      }
      std::string extra = record;
      if (std::string(script) == "before_install.sh") {
        extra += "while [ -e \"$GREENLIGHT_E2E_DIR/hooks/hold-$GREENLIGHT_INSTANCE_ID\" ] || "
                 "[ -e \"$GREENLIGHT_E2E_DIR/hooks/hold-all\" ]; do sleep 0.05; done\n";
      }
      if (std::string(script) == "validate_service.sh") {
        for (const auto& instance : failOn) {
          extra += "if [ \"$GREENLIGHT_INSTANCE_ID\" = \"" + instance +
                   "\" ]; then echo \"validation failed on purpose on $GREENLIGHT_INSTANCE_ID\"; exit 1; fi\n";
        }
      }
      text.insert(afterCommon + std::string("common.sh\"\n").size(), extra);
      writeFile(path, text, 0755);
    }
    return folder;
  }

  // Pushes a revision (a folder) and returns its sha256.
  std::string push(const std::string& application, const fs::path& folder) {
    json revision = cliJson("revision push " + application + " " + shellQuote(folder.string()));
    return revision.value("sha256", "");
  }

  // The events each instance ran for `deploymentId`, from the hooks' own log.
  std::map<std::string, std::vector<std::string>> eventsRun(const std::string& deploymentId) const {
    std::map<std::string, std::vector<std::string>> events;
    for (const auto& item : fs::directory_iterator(hookLogDir())) {
      if (item.path().extension() != ".log") continue;
      std::ifstream in(item.path());
      std::string id, event;
      while (in >> id >> event) {
        if (id == deploymentId) events[item.path().stem()].push_back(event);
      }
    }
    return events;
  }

  // What the instance's app answers at /VERSION, or "" when it does not answer.
  static std::string servedVersion(int port) {
    CommandResult result =
        runCommand("curl -fsS --max-time 5 http://127.0.0.1:" + std::to_string(port) + "/VERSION");
    return result.exitCode == 0 ? trimmed(result.output) : "";
  }

  static std::string trimmed(std::string text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
    return text;
  }

  const std::string& token() const { return token_; }
  const std::string& address() const { return address_; }

 private:
  TempDir dir_;
  fs::path data_;
  std::string marker_;
  pid_t serverPid_ = 0;
  int port_ = 0;
  std::string address_;
  std::string token_;
  int revisionCount_ = 0;
  std::vector<std::pair<std::string, std::string>> groups_;
};

}  // namespace greenlight::testing
