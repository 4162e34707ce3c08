// The blue/green end-to-end fixture: a real server, real agents running the sample app's hooks,
// the embedded HAProxy, and wrk through the group's frontend (blue_green_test.cc, analysis_test.cc).
#pragma once

#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "e2e/control_plane.h"
#include "support/load_generator.h"

namespace greenlight::testing {

inline constexpr int kInstances = 2;

inline std::string blueGreenYaml(int frontendPort, const std::string& config, const std::string& blueGreen,
                                 bool autoRollback = false, const std::string& extraYaml = "",
                                 int instances = kInstances) {
  return "fleet:\n  provider: local\n  instances: " + std::to_string(instances) + "\n"
         "deploymentConfig: " + config + "\n"
         "deploymentStyle: blue-green\n"
         "loadBalancer:\n"
         "  provider: haproxy\n"
         "  listen: 127.0.0.1:" + std::to_string(frontendPort) + "\n"
         "  healthCheck: {path: /health, intervalMs: 200, healthyThreshold: 2, unhealthyThreshold: 2}\n"
         "  drainTimeoutSeconds: 10\n"
         "  startGracePeriodSeconds: 20\n"
         "blueGreen: " + blueGreen + "\n" +
         (autoRollback ? "autoRollback: {enabled: true, events: [DEPLOYMENT_FAILURE]}\n" : "") + extraYaml;
}

class BlueGreenIntegration : public ::testing::Test {
 protected:
  // Server up, application "sample", group "web" in `config`, revision 1 deployed (v001).
  void SetUp() override {}

  // `extraYaml` is added to the group's spec (e.g. its `analysis:`).
  void begin(const std::string& config, const std::string& blueGreen, bool autoRollback = false,
             const std::string& steps = "", const std::string& extraYaml = "") {
    plane_.startServer();
    ASSERT_EQ(plane_.cli("app create sample").exitCode, 0) << plane_.serverLog();
    if (!steps.empty()) {
      CommandResult made = plane_.cli("config create " + config + " --steps " + steps);
      ASSERT_EQ(made.exitCode, 0) << made.output;
    }
    port_ = freePort();
    frontend_ = "http://127.0.0.1:" + std::to_string(port_) + "/";
    plane_.createGroup("sample", "web", blueGreenYaml(port_, config, blueGreen, autoRollback, extraYaml, instances_));
    v1_ = plane_.push("sample", plane_.sampleRevision("1"));
    json first = plane_.cliJson("deploy sample web --revision " + v1_ + " --wait");
    ASSERT_EQ(first.value("status", ""), "Succeeded") << first.dump(2) << plane_.serverLog();
    ASSERT_EQ(first.at("blueGreen").value("fleetVersion", ""), "sample-web-v001") << first.dump(2);
    VersionSample served = sampleVersions(frontend_, 100);
    ASSERT_EQ(served.failures, 0) << served.lastError;
    ASSERT_EQ(served.versions["1"], 100);
  }

  void startLoad(int seconds = 240) {
    LoadOptions options;
    options.url = frontend_;
    options.duration = std::chrono::seconds(seconds);
    options.connections = 8;
    load_ = std::make_unique<LoadGenerator>(options);
    ASSERT_TRUE(load_->start().ok()) << load_->output();
  }

  // The load of the whole test, added up over its windows (see window()).
  LoadReport stopLoad() {
    Result<LoadReport> report = load_->stop();
    EXPECT_TRUE(report.ok()) << (report.ok() ? "" : report.error().message) << "\n" << load_->output();
    if (report.ok()) add(*report);
    return total_;
  }

  void add(const LoadReport& report) {
    total_.requests += report.requests;
    total_.sent += report.sent;
    total_.non2xx += report.non2xx;
    total_.socketErrors.connect += report.socketErrors.connect;
    total_.socketErrors.read += report.socketErrors.read;
    total_.socketErrors.write += report.socketErrors.write;
    total_.socketErrors.timeout += report.socketErrors.timeout;
    for (const auto& [version, count] : report.versions) total_.versions[version] += count;
    total_.unversioned += report.unversioned;
    for (const auto& [version, count] : report.failedVersions) total_.failedVersions[version] += count;
  }

  // A window of the load that falls wholly inside one step: the running load is stopped, a
  // bounded one runs for two seconds (its responses are what the window measures), then the
  // running load starts again. Every window counts toward the test's failures.
  LoadReport window() {
    bool running = load_ != nullptr;
    if (running) {
      Result<LoadReport> before = load_->stop();
      EXPECT_TRUE(before.ok()) << load_->output();
      if (before.ok()) add(*before);
    }
    LoadOptions options;
    options.url = frontend_;
    options.duration = std::chrono::seconds(2);
    options.connections = 8;
    LoadGenerator measured(options);
    EXPECT_TRUE(measured.start().ok()) << measured.output();
    Result<LoadReport> report = measured.wait();
    EXPECT_TRUE(report.ok()) << (report.ok() ? "" : report.error().message) << measured.output();
    if (report.ok()) add(*report);
    if (running) startLoad();
    return report.ok() ? *report : LoadReport{};
  }

  json status(const std::string& id) { return plane_.cliJson("status " + id); }

  // Waits until the deployment's status or blue/green phase (and step) is as asked.
  json waitUntil(const std::string& id, const std::function<bool(const json&)>& done,
                 std::chrono::seconds limit = std::chrono::seconds(120)) {
    json last;
    bool reached = waitFor(
        [&] {
          last = status(id);
          return done(last);
        },
        limit);
    EXPECT_TRUE(reached) << "deployment " << id << " did not get there:\n" << last.dump(2) << "\n"
                         << plane_.serverLog();
    return last;
  }
  json waitForPause(const std::string& id, int stepIndex) {
    return waitUntil(id, [&](const json& d) {
      const json& bg = d.value("blueGreen", json::object());
      return !bg.is_null() && bg.value("phase", "") == "Shifting" && bg.value("stepIndex", -1) == stepIndex;
    });
  }
  json waitForEnd(const std::string& id) {
    return waitUntil(id, [](const json& d) {
      std::string s = d.value("status", "");
      const json& bg = d.value("blueGreen", json::object());
      return (s == "Succeeded" || s == "Failed" || s == "Stopped") && !bg.is_null() &&
             bg.value("phase", "") == "Done";
    });
  }

  // The share (percent) of `n` responses served by `version`, read from the responses.
  double shareOf(const std::string& version, int n = 400) {
    VersionSample sample = sampleVersions(frontend_, n);
    EXPECT_EQ(sample.failures, 0) << sample.lastError;
    return 100.0 * sample.versions[version] / n;
  }

  // HAProxy's own count of requests each member has been sent (`show stat`, stot), by instance,
  // and the worker that answered (`show info`, in the same session so the same process): around
  // a reload the old and the new workers both answer the stats socket, each with its own counters.
  struct StatSnapshot {
    int workerPid = 0;
    std::map<std::string, long long> served;
  };
  StatSnapshot servedByMember() {
    StatSnapshot snapshot;
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::string path = (plane_.data() / "haproxy/admin.sock").string();
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      ::close(fd);
      ADD_FAILURE() << "cannot connect to " << path;
      return snapshot;
    }
    const char command[] = "show info;show stat\n";
    EXPECT_EQ(::write(fd, command, sizeof command - 1), static_cast<ssize_t>(sizeof command - 1));
    std::string text;
    char buffer[8192];
    for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) text.append(buffer, static_cast<std::size_t>(n));
    ::close(fd);
    std::istringstream lines(text);
    std::string line;
    std::vector<std::string> header;
    auto split = [](const std::string& row) {
      std::vector<std::string> fields;
      std::stringstream in(row);
      for (std::string field; std::getline(in, field, ',');) fields.push_back(field);
      return fields;
    };
    while (std::getline(lines, line)) {
      if (line.rfind("Pid: ", 0) == 0) {
        snapshot.workerPid = std::atoi(line.c_str() + 5);
        continue;
      }
      if (line.rfind("# ", 0) == 0) {
        header = split(line.substr(2));
        continue;
      }
      if (header.empty()) continue;  // still `show info`
      std::vector<std::string> fields = split(line);
      auto column = [&](const std::string& name) -> std::string {
        auto at = std::find(header.begin(), header.end(), name);
        auto index = static_cast<std::size_t>(at - header.begin());
        return at == header.end() || index >= fields.size() ? "" : fields[index];
      };
      std::string server = column("svname");
      if (server.rfind("i-", 0) != 0) continue;
      snapshot.served[server] = std::stoll(column("stot").empty() ? "0" : column("stot"));
    }
    EXPECT_NE(snapshot.workerPid, 0) << "no Pid in HAProxy's show info: " << text.substr(0, 300);
    return snapshot;
  }

  // The share of requests HAProxy sent to `fleetVersion`'s members while `traffic` ran, from its
  // per-server counters (not from greenlight's bookkeeping). Both readings must come from one
  // worker; a window that began with the old worker of a reload and ended with the new one is
  // run again (the old one stops accepting once the new one is up).
  double statShareOf(const std::string& fleetVersion, const std::function<void()>& traffic) {
    std::set<std::string> members = remembered_[fleetVersion];
    if (members.empty()) {
      for (const auto& instance : fleetInstances(fleetVersion)) members.insert(instance.value("id", ""));
    }
    StatSnapshot before, after;
    for (int window = 0; window < 5; ++window) {
      before = servedByMember();
      traffic();
      after = servedByMember();
      if (before.workerPid == after.workerPid) break;
    }
    EXPECT_EQ(before.workerPid, after.workerPid) << "five windows in a row straddled a change of worker";
    long long total = 0, ours = 0;
    for (const auto& [server, count] : after.served) {
      long long delta = count - (before.served.count(server) ? before.served[server] : 0);
      total += delta;
      if (members.count(server)) ours += delta;
    }
    EXPECT_GT(total, 0);
    return total == 0 ? 0 : 100.0 * static_cast<double>(ours) / static_cast<double>(total);
  }

  // The split checked both ways over one window of load: from the versions in the responses,
  // and from HAProxy's per-server counters.
  void expectSplit(double percentToV2) {
    LoadReport measured;
    double fromStat = statShareOf("sample-web-v002", [&] { measured = window(); });
    ASSERT_GT(measured.requests, 500) << measured.summary();
    EXPECT_EQ(measured.failures(), 0) << measured.summary();
    double fromResponses = 100.0 * static_cast<double>(measured.versions["2"]) /
                           static_cast<double>(measured.requests);
    EXPECT_NEAR(fromResponses, percentToV2, 2.5) << "from the responses: " << measured.summary();
    EXPECT_NEAR(fromStat, percentToV2, 2.5) << "from HAProxy's show stat";
  }

  // Lets the deployment go on from a pause, waits for its end, and checks that version 2 serves.
  json continueToTheEnd(const std::string& id) {
    CommandResult continued = plane_.cli("continue " + id);
    EXPECT_EQ(continued.exitCode, 0) << continued.output;
    json finished = waitForEnd(id);
    EXPECT_EQ(shareOf("2", 100), 100.0);
    return finished;
  }

  std::string deploy(const std::string& sha) {
    json started = plane_.cliJson("deploy sample web --revision " + sha);
    return started.value("id", "");
  }

  // The fleet version's instances that are not Terminated.
  json fleetInstances(const std::string& fleetVersion) {
    json found = json::array();
    json all = plane_.cliJson("instances sample web");
    for (const auto& instance : all.at("instances")) {
      if (instance.value("fleetVersion", "") != fleetVersion) continue;
      if (instance.value("lifecycle", "") == "Terminated") continue;
      found.push_back(instance);
    }
    return found;
  }

  void expectNoFailure(const LoadReport& report) {
    EXPECT_EQ(report.failures(), 0) << report.summary();
    EXPECT_GT(report.requests, 1000) << report.summary();
  }

  int instances_ = kInstances;  // the group's fleet.instances, set before begin()
  ControlPlane plane_;
  int port_ = 0;
  std::string frontend_;
  std::string v1_;
  std::unique_ptr<LoadGenerator> load_;
  LoadReport total_;
  // Members by fleet version, for checks while the server is down.
  std::map<std::string, std::set<std::string>> remembered_;
};

}  // namespace greenlight::testing
