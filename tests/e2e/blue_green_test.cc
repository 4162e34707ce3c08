// Blue/green deployments end to end: a real server, real agents running the sample app's hooks,
// the embedded HAProxy, and wrk sending requests through the group's frontend for the whole
// deployment. Each test checks that not one request failed, that the served versions (read from
// the responses) follow the intended split at each step, and which fleet serves at the end.
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
namespace {

constexpr int kInstances = 2;

std::string blueGreenYaml(int frontendPort, const std::string& config, const std::string& blueGreen,
                          bool autoRollback = false) {
  return "fleet:\n  provider: local\n  instances: " + std::to_string(kInstances) + "\n"
         "deploymentConfig: " + config + "\n"
         "deploymentStyle: blue-green\n"
         "loadBalancer:\n"
         "  provider: haproxy\n"
         "  listen: 127.0.0.1:" + std::to_string(frontendPort) + "\n"
         "  healthCheck: {path: /health, intervalMs: 200, healthyThreshold: 2, unhealthyThreshold: 2}\n"
         "  drainTimeoutSeconds: 10\n"
         "  startGracePeriodSeconds: 20\n"
         "blueGreen: " + blueGreen + "\n" +
         (autoRollback ? "autoRollback: {enabled: true, events: [DEPLOYMENT_FAILURE]}\n" : "");
}

class BlueGreenIntegration : public ::testing::Test {
 protected:
  // Server up, application "sample", group "web" in `config`, revision 1 deployed (v001).
  void SetUp() override {}

  void begin(const std::string& config, const std::string& blueGreen, bool autoRollback = false,
             const std::string& steps = "") {
    plane_.startServer();
    ASSERT_EQ(plane_.cli("app create sample").exitCode, 0) << plane_.serverLog();
    if (!steps.empty()) {
      CommandResult made = plane_.cli("config create " + config + " --steps " + steps);
      ASSERT_EQ(made.exitCode, 0) << made.output;
    }
    port_ = freePort();
    frontend_ = "http://127.0.0.1:" + std::to_string(port_) + "/";
    plane_.createGroup("sample", "web", blueGreenYaml(port_, config, blueGreen, autoRollback));
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

  // HAProxy's own count of requests each member has been sent (`show stat`, stot), by instance.
  std::map<std::string, long long> servedByMember() {
    std::map<std::string, long long> served;
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::string path = (plane_.data() / "haproxy/admin.sock").string();
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      ::close(fd);
      ADD_FAILURE() << "cannot connect to " << path;
      return served;
    }
    const char command[] = "show stat\n";
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
      if (line.rfind("# ", 0) == 0) {
        header = split(line.substr(2));
        continue;
      }
      std::vector<std::string> fields = split(line);
      auto column = [&](const std::string& name) -> std::string {
        auto at = std::find(header.begin(), header.end(), name);
        auto index = static_cast<std::size_t>(at - header.begin());
        return at == header.end() || index >= fields.size() ? "" : fields[index];
      };
      std::string server = column("svname");
      if (server.rfind("i-", 0) != 0) continue;
      served[server] = std::stoll(column("stot").empty() ? "0" : column("stot"));
    }
    return served;
  }

  // The share of requests HAProxy sent to `fleetVersion`'s members while `traffic` ran, from its
  // per-server counters (not from greenlight's bookkeeping).
  double statShareOf(const std::string& fleetVersion, const std::function<void()>& traffic) {
    std::set<std::string> members = remembered_[fleetVersion];
    if (members.empty()) {
      for (const auto& instance : fleetInstances(fleetVersion)) members.insert(instance.value("id", ""));
    }
    std::map<std::string, long long> before = servedByMember();
    traffic();
    std::map<std::string, long long> after = servedByMember();
    long long total = 0, ours = 0;
    for (const auto& [server, count] : after) {
      long long delta = count - (before.count(server) ? before[server] : 0);
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

  ControlPlane plane_;
  int port_ = 0;
  std::string frontend_;
  std::string v1_;
  std::unique_ptr<LoadGenerator> load_;
  LoadReport total_;
  // Members by fleet version, for checks while the server is down.
  std::map<std::string, std::set<std::string>> remembered_;
};

TEST_F(BlueGreenIntegration, AllAtOnceUnderLoadFailsNoRequestAndRetiresTheOldFleet) {
  begin("CodeDeployDefault.AllAtOnce", "{terminationWaitSeconds: 1}");
  std::string v2 = plane_.push("sample", plane_.sampleRevision("2"));
  startLoad();
  json done = plane_.cliJson("deploy sample web --revision " + v2 + " --wait");
  json finished = waitForEnd(done.value("id", ""));
  VersionSample settled = sampleVersions(frontend_, 100);
  LoadReport report = stopLoad();
  ASSERT_EQ(finished.value("status", ""), "Succeeded") << finished.dump(2) << plane_.serverLog();
  expectNoFailure(report);
  EXPECT_GT(report.versions["1"], 0) << report.summary();
  EXPECT_GT(report.versions["2"], 0) << report.summary();
  EXPECT_EQ(settled.failures, 0) << settled.lastError;
  EXPECT_EQ(settled.versions["2"], 100);
  EXPECT_EQ(finished.at("blueGreen").value("fleetVersion", ""), "sample-web-v002");
  EXPECT_EQ(fleetInstances("sample-web-v001").size(), 0u) << "v001 is retired";
  EXPECT_EQ(fleetInstances("sample-web-v002").size(), static_cast<std::size_t>(kInstances));
}

TEST_F(BlueGreenIntegration, CanaryTenPercentThenAllAfterContinue) {
  begin("canary-10", "{terminationWaitSeconds: 1}", false, "10,pause,100");
  std::string v2 = plane_.push("sample", plane_.sampleRevision("2"));
  startLoad();
  std::string id = deploy(v2);
  json paused = waitForPause(id, 1);
  expectSplit(10.0);
  EXPECT_NE(paused.at("blueGreen").value("waitingFor", "").find("greenlight continue"), std::string::npos);
  json finished = continueToTheEnd(id);
  LoadReport report = stopLoad();
  ASSERT_EQ(finished.value("status", ""), "Succeeded") << finished.dump(2);
  expectNoFailure(report);
}

TEST_F(BlueGreenIntegration, LinearFourTimesTwentyFivePercent) {
  begin("linear-25", "{terminationWaitSeconds: 1}", false, "25,pause,50,pause,75,pause,100");
  std::string v2 = plane_.push("sample", plane_.sampleRevision("2"));
  startLoad();
  std::string id = deploy(v2);
  for (int step = 0; step < 3; ++step) {
    json paused = waitForPause(id, 2 * step + 1);
    SCOPED_TRACE("step " + std::to_string(step));
    expectSplit(25.0 * (step + 1));
    ASSERT_EQ(plane_.cli("continue " + id).exitCode, 0);
  }
  json finished = waitForEnd(id);
  EXPECT_EQ(shareOf("2", 100), 100.0);
  LoadReport report = stopLoad();
  ASSERT_EQ(finished.value("status", ""), "Succeeded") << finished.dump(2);
  expectNoFailure(report);
}

TEST_F(BlueGreenIntegration, RollbackDuringTheTerminationWaitIsAnInstantSwitchBack) {
  begin("CodeDeployDefault.AllAtOnce", "{terminationWaitSeconds: 600}");
  std::string v2 = plane_.push("sample", plane_.sampleRevision("2"));
  startLoad();
  std::string id = deploy(v2);
  waitUntil(id, [](const json& d) { return d.value("status", "") == "Baking"; });
  EXPECT_EQ(shareOf("2", 100), 100.0);
  json rollback = plane_.cliJson("rollback sample web");
  std::string rollbackId = rollback.value("id", "");
  json switched = waitForEnd(rollbackId);
  EXPECT_EQ(shareOf("1", 100), 100.0);
  LoadReport report = stopLoad();
  EXPECT_EQ(switched.value("status", ""), "Succeeded") << switched.dump(2);
  EXPECT_EQ(switched.value("rollbackOf", ""), id);
  EXPECT_EQ(switched.value("creator", ""), "rollback");
  EXPECT_EQ(switched.at("blueGreen").value("fleetVersion", ""), "sample-web-v001");
  ASSERT_TRUE(switched.at("blueGreen").at("switchMs").is_number()) << switched.dump(2);
  EXPECT_LT(switched.at("blueGreen").at("switchMs").get<int>(), 1000) << "a switch, not a redeploy";
  json undone = waitForEnd(id);
  EXPECT_EQ(undone.value("status", ""), "Stopped");
  EXPECT_EQ(undone.value("rolledBackBy", ""), rollbackId);
  expectNoFailure(report);
  EXPECT_EQ(fleetInstances("sample-web-v002").size(), 0u) << "the new fleet is retired";
  EXPECT_EQ(fleetInstances("sample-web-v001").size(), static_cast<std::size_t>(kInstances));
}

TEST_F(BlueGreenIntegration, AHealthFailureHalfwayThroughALinearShiftRollsBackAutomatically) {
  begin("linear-halves", "{terminationWaitSeconds: 600}", true, "25,pause,50,pause,100");
  std::string v2 = plane_.push("sample", plane_.sampleRevision("2"));
  startLoad();
  std::string id = deploy(v2);
  waitForPause(id, 1);
  expectSplit(25.0);
  ASSERT_EQ(plane_.cli("continue " + id).exitCode, 0);
  waitForPause(id, 3);
  expectSplit(50.0);
  // One instance of the new fleet starts failing its health check.
  json fresh = fleetInstances("sample-web-v002");
  ASSERT_EQ(fresh.size(), static_cast<std::size_t>(kInstances));
  fs::path marker = fs::path(fresh[0].value("rootDir", "")) / "install-root/opt/greenlight-sample/unhealthy";
  writeFile(marker, "sick\n");
  json failed = waitForEnd(id);
  EXPECT_EQ(failed.value("status", ""), "Failed") << failed.dump(2);
  EXPECT_EQ(failed.value("errorCode", ""), "HealthCheckFailed") << failed.dump(2);
  EXPECT_NE(failed.value("errorMessage", "").find(fresh[0].value("id", "")), std::string::npos)
      << failed.value("errorMessage", "");
  ASSERT_TRUE(failed.at("rolledBackBy").is_string()) << failed.dump(2);
  json rollback = waitForEnd(failed.at("rolledBackBy").get<std::string>());
  EXPECT_EQ(rollback.value("status", ""), "Succeeded") << rollback.dump(2);
  EXPECT_EQ(shareOf("1", 100), 100.0);
  LoadReport report = stopLoad();
  expectNoFailure(report);
}

TEST_F(BlueGreenIntegration, ANewFleetThatNeverBecomesHealthyNeverGetsARequest) {
  begin("CodeDeployDefault.AllAtOnce", "{terminationWaitSeconds: 1}");
  fs::path sick = plane_.sampleRevision("2");
  writeFile(sick / "app/HEALTH", "fail\n");
  std::string v2 = plane_.push("sample", sick);
  // A short grace period keeps the test short.
  fs::path file = plane_.dir() / "web-short.yaml";
  writeFile(file, "name: web\n" + blueGreenYaml(port_, "CodeDeployDefault.AllAtOnce",
                                                "{terminationWaitSeconds: 1}"));
  std::string text = readFile(file);
  text.replace(text.find("startGracePeriodSeconds: 20"), 27, "startGracePeriodSeconds: 3");
  writeFile(file, text);
  ASSERT_EQ(plane_.cli("group update sample web --file " + file.string()).exitCode, 0);
  json old = fleetInstances("sample-web-v001");
  startLoad(120);
  std::string id = deploy(v2);
  json failed = waitForEnd(id);
  LoadReport report = stopLoad();
  EXPECT_EQ(failed.value("status", ""), "Failed") << failed.dump(2);
  EXPECT_EQ(failed.value("errorCode", ""), "HealthCheckFailed");
  std::string message = failed.value("errorMessage", "");
  ASSERT_EQ(failed.at("targets").size(), static_cast<std::size_t>(kInstances)) << failed.dump(2);
  for (const auto& target : failed.at("targets")) {
    EXPECT_NE(message.find(target.value("instanceId", "")), std::string::npos) << message;
  }
  EXPECT_NE(message.find("GET /health"), std::string::npos) << message;
  EXPECT_EQ(report.versions.count("2"), 0u) << report.summary();
  expectNoFailure(report);
  // The old fleet is untouched: the same instances on the same ports, still on version 1.
  json after = fleetInstances("sample-web-v001");
  ASSERT_EQ(after.size(), old.size());
  for (std::size_t i = 0; i < old.size(); ++i) {
    EXPECT_EQ(after[i].value("id", ""), old[i].value("id", ""));
    EXPECT_EQ(after[i].value("port", 0), old[i].value("port", 0));
    EXPECT_EQ(after[i].value("currentRevision", ""), v1_);
  }
  EXPECT_EQ(fleetInstances("sample-web-v002").size(), 0u);
}

TEST_F(BlueGreenIntegration, AServingInstanceKilledMidShiftCostsNoRequest) {
  begin("canary-kill", "{terminationWaitSeconds: 1}", false, "50,pause,100");
  std::string v2 = plane_.push("sample", plane_.sampleRevision("2"));
  startLoad();
  std::string id = deploy(v2);
  waitForPause(id, 1);
  // SIGKILL the app of one instance of the old fleet, which serves half the requests.
  json old = fleetInstances("sample-web-v001");
  ASSERT_FALSE(old.empty());
  fs::path pidFile = fs::path(old[0].value("rootDir", "")) / "install-root/opt/greenlight-sample/run" /
                     ("server-" + std::to_string(old[0].value("port", 0)) + ".pid");
  int pid = std::stoi(readFile(pidFile));
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  VersionSample during = sampleVersions(frontend_, 200);
  EXPECT_EQ(during.failures, 0) << during.lastError;
  json finished = continueToTheEnd(id);
  LoadReport report = stopLoad();
  EXPECT_EQ(finished.value("status", ""), "Succeeded") << finished.dump(2);
  expectNoFailure(report);
}

TEST_F(BlueGreenIntegration, HaproxyReloadedMidShiftLosesNothing) {
  begin("canary-reload", "{terminationWaitSeconds: 1}", false, "20,pause,100");
  std::string v2 = plane_.push("sample", plane_.sampleRevision("2"));
  startLoad();
  std::string id = deploy(v2);
  waitForPause(id, 1);
  expectSplit(20.0);
  // A graceful reload (SIGUSR2 to the master): the new workers start from the generated
  // configuration and the saved server state, so the split and the members survive.
  int master = std::stoi(readFile(plane_.data() / "haproxy/haproxy.pid"));
  ASSERT_EQ(::kill(master, SIGUSR2), 0);
  ASSERT_TRUE(waitFor([&] { return shareOf("2", 200) > 0; }, std::chrono::seconds(10)));
  expectSplit(20.0);  // the split survives the reload
  json finished = continueToTheEnd(id);
  LoadReport report = stopLoad();
  EXPECT_EQ(finished.value("status", ""), "Succeeded") << finished.dump(2);
  expectNoFailure(report);
}

TEST_F(BlueGreenIntegration, TheServerKilledMidShiftResumesAndNoRequestFails) {
  begin("canary-crash", "{terminationWaitSeconds: 1}", false, "20,pause,100");
  std::string v2 = plane_.push("sample", plane_.sampleRevision("2"));
  startLoad();
  std::string id = deploy(v2);
  waitForPause(id, 1);
  for (const auto& instance : fleetInstances("sample-web-v002")) {
    remembered_["sample-web-v002"].insert(instance.value("id", ""));
  }
  plane_.killServer(SIGKILL);
  // HAProxy outlives the server: the split holds while nobody drives it.
  expectSplit(20.0);
  plane_.startServer();
  json resumed = waitForPause(id, 1);
  EXPECT_EQ(resumed.at("blueGreen").value("trafficPercent", 0), 20) << resumed.dump(2);
  json finished = continueToTheEnd(id);
  LoadReport report = stopLoad();
  EXPECT_EQ(finished.value("status", ""), "Succeeded") << finished.dump(2) << plane_.serverLog();
  expectNoFailure(report);
  EXPECT_EQ(fleetInstances("sample-web-v001").size(), 0u);
}

TEST_F(BlueGreenIntegration, HaproxyKilledMidShiftComesBackWithTheSplit) {
  begin("canary-restart", "{terminationWaitSeconds: 1}", false, "20,pause,100");
  std::string v2 = plane_.push("sample", plane_.sampleRevision("2"));
  std::string id = deploy(v2);
  waitForPause(id, 1);
  expectSplit(20.0);
  // SIGKILL to HAProxy's master and its workers: requests in between fail (nothing listens), so
  // this test runs no load; the server's supervision starts it again from the configuration it
  // keeps in step and the saved server state.
  int master = std::stoi(readFile(plane_.data() / "haproxy/haproxy.pid"));
  runCommand("pkill -KILL -P " + std::to_string(master));
  ASSERT_EQ(::kill(master, SIGKILL), 0);
  ASSERT_TRUE(waitFor([&] { return sampleVersions(frontend_, 20, std::chrono::milliseconds(500)).failures == 0; },
                      std::chrono::seconds(30)))
      << plane_.serverLog();
  EXPECT_NE(std::stoi(readFile(plane_.data() / "haproxy/haproxy.pid")), master);
  expectSplit(20.0);
  ASSERT_EQ(plane_.cli("continue " + id).exitCode, 0);
  json finished = waitForEnd(id);
  EXPECT_EQ(finished.value("status", ""), "Succeeded") << finished.dump(2);
  EXPECT_EQ(shareOf("2", 100), 100.0);
}

}  // namespace
}  // namespace greenlight::testing
