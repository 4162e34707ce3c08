// Analysis end to end: a canary of a revision that answers 500 to 10% of its page requests (its
// /health still passes) is judged from HAProxy's own per-server counters under wrk load and rolled
// back, with no failed request outside the canary's share; a canary with too little traffic to
// judge waits for `continue`; the same canary judged by a query to a real Prometheus server that
// scrapes the embedded HAProxy's own exporter.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2e/blue_green_fixture.h"

namespace greenlight::testing {
namespace {

std::string errorRateAnalysis(int minRequests) {
  return "analysis:\n"
         "  intervalSeconds: 1\n"
         "  checks:\n"
         "    - name: errors\n"
         "      loadBalancer: {maxErrorRatePercent: 2, minRequests: " + std::to_string(minRequests) + "}\n";
}

struct CanaryRun {
  std::string id;
  json finished;
  LoadReport report;
};

class AnalysisIntegration : public BlueGreenIntegration {
 protected:
  // Deploys revision 2 answering 500 to 10% of its page requests under wrk load and waits for the
  // deployment's end; every request must be served by version 1 again after it.
  CanaryRun deployBrokenCanary() {
    std::filesystem::path broken = plane_.sampleRevision("2");
    writeFile(broken / "app/ERRORS", "10\n");
    std::string v2 = plane_.push("sample", broken);
    startLoad();
    std::string id = deploy(v2);
    json finished = waitForEnd(id);
    EXPECT_EQ(shareOf("1", 200), 100.0) << "every request is served by v001 again";
    return {id, finished, stopLoad()};
  }
};

TEST_F(AnalysisIntegration, ACanaryAnswering5xxIsRolledBackByTheLoadBalancersCounters) {
  begin("canary-10", "{terminationWaitSeconds: 1}", true, "10,pause=60s,100", errorRateAnalysis(100));
  auto [id, finished, report] = deployBrokenCanary();

  ASSERT_EQ(finished.value("status", ""), "Failed") << finished.dump(2) << plane_.serverLog();
  EXPECT_EQ(finished.value("errorCode", ""), "AnalysisFailed") << finished.dump(2);
  std::string message = finished.value("errorMessage", "");
  EXPECT_NE(message.find("Step 2 (10% on sample-web-v002)"), std::string::npos) << message;
  EXPECT_NE(message.find("maxErrorRatePercent 2%"), std::string::npos) << message;
  EXPECT_NE(message.find("Automatic rollback"), std::string::npos) << message;
  // The numbers the analysis judged on, in `status`.
  const json& analyses = finished.at("blueGreen").at("analyses");
  ASSERT_EQ(analyses.size(), 1u) << finished.dump(2);
  const json& numbers = analyses[0].at("results")[0].at("numbers");
  EXPECT_GE(numbers.value("newRequests", 0), 100) << numbers.dump();
  EXPECT_NEAR(numbers.value("newErrorRatePercent", 0.0), 10.0, 3.0) << numbers.dump();
  EXPECT_EQ(numbers.value("old5xx", -1), 0) << numbers.dump();
  EXPECT_GT(numbers.value("oldRequests", 0), numbers.value("newRequests", 0)) << numbers.dump();
  CommandResult shown = plane_.cli("status " + id);
  EXPECT_NE(shown.output.find("analysis (step 2, 10% on the new fleet): Failed"), std::string::npos)
      << shown.output;
  EXPECT_NE(shown.output.find("errors Failed: new fleet "), std::string::npos) << shown.output;

  // Only the canary's share failed: every failed response names version 2, none version 1, and
  // no request was lost to a socket error.
  EXPECT_GT(report.failedVersions["2"], 0) << report.summary();
  EXPECT_EQ(report.failedVersions["1"], 0) << report.summary();
  EXPECT_EQ(report.failedVersions["(none)"], 0) << report.summary();
  EXPECT_EQ(report.socketErrors.total(), 0) << report.summary();
  EXPECT_EQ(report.non2xx, report.failedVersions["2"]) << report.summary();
  // About 10% of the canary's ~10% share.
  EXPECT_LT(100.0 * static_cast<double>(report.non2xx) / static_cast<double>(report.requests), 2.0)
      << report.summary();
  json rollback = plane_.cliJson("status " + finished.value("rolledBackBy", ""));
  EXPECT_EQ(rollback.value("status", ""), "Succeeded") << rollback.dump(2);
  EXPECT_EQ(fleetInstances("sample-web-v002").size(), 0u) << "the canary's fleet is retired";
}

TEST_F(AnalysisIntegration, ACanaryWithTooLittleTrafficToJudgeWaitsForContinue) {
  begin("canary-10", "{terminationWaitSeconds: 1}", true, "10,pause=2s,100",
        errorRateAnalysis(100000));
  std::string v2 = plane_.push("sample", plane_.sampleRevision("2"));
  std::string id = deploy(v2);
  json waiting = waitUntil(id, [](const json& d) {
    const json& bg = d.value("blueGreen", json::object());
    if (bg.is_null() || !bg.contains("analyses") || bg["analyses"].empty()) return false;
    return bg["analyses"].back().value("waiting", false);
  });
  const json& bg = waiting.at("blueGreen");
  EXPECT_EQ(waiting.value("status", ""), "InProgress") << waiting.dump(2);
  EXPECT_EQ(bg.value("stepIndex", -1), 1);
  EXPECT_EQ(bg["analyses"].back().value("verdict", ""), "Inconclusive") << bg.dump(2);
  EXPECT_NE(bg.value("waitingFor", "").find("inconclusive"), std::string::npos) << bg.dump(2);
  EXPECT_NE(bg["analyses"].back()["results"][0].value("summary", "").find("minRequests 100000"),
            std::string::npos)
      << bg.dump(2);
  EXPECT_NEAR(shareOf("2", 400), 10.0, 5.0) << "the canary's split holds while it waits";
  json finished = continueToTheEnd(id);
  ASSERT_EQ(finished.value("status", ""), "Succeeded") << finished.dump(2);
  EXPECT_EQ(finished.at("blueGreen").at("analyses").back().value("verdict", ""), "Continued");
}

// A Prometheus server (Debian's `prometheus`) scraping `target` every second, in its own folder.
class PrometheusServer {
 public:
  PrometheusServer(const std::filesystem::path& dir, const std::string& target) {
    port_ = freePort();
    std::filesystem::create_directories(dir / "tsdb");
    writeFile(dir / "prometheus.yml",
              "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
              "scrape_configs:\n"
              "  - job_name: haproxy\n"
              "    static_configs: [{targets: ['" + target + "']}]\n");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::setpgid(0, 0);
      int log = ::open((dir / "prometheus.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      ::dup2(log, 1);
      ::dup2(log, 2);
      std::string config = "--config.file=" + (dir / "prometheus.yml").string();
      std::string storage = "--storage.tsdb.path=" + (dir / "tsdb").string();
      std::string listen = "--web.listen-address=127.0.0.1:" + std::to_string(port_);
      ::execlp("prometheus", "prometheus", config.c_str(), storage.c_str(), listen.c_str(),
               static_cast<char*>(nullptr));
      ::_exit(127);
    }
    log_ = dir / "prometheus.log";
  }
  ~PrometheusServer() {
    if (pid_ > 0) {
      ::kill(-pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  std::string address() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string log() const { return std::filesystem::exists(log_) ? readFile(log_) : "(no log)"; }
  // The result of an instant query, as Prometheus answers it (its JSON), or "" when unreachable.
  std::string query(const std::string& promql) const {
    CommandResult answer = runCommand("curl -sS -G --max-time 5 " + address() + "/api/v1/query --data-urlencode " +
                                      shellQuote("query=" + promql));
    return answer.exitCode == 0 ? answer.output : "";
  }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::filesystem::path log_;
};

TEST_F(AnalysisIntegration, ACanaryAnswering5xxIsRolledBackByAPrometheusQuery) {
  int metricsPort = freePort();
  plane_.serverArguments = {"--haproxy-metrics", "127.0.0.1:" + std::to_string(metricsPort)};
  PrometheusServer prometheus(plane_.dir() / "prometheus", "127.0.0.1:" + std::to_string(metricsPort));
  const std::string ratio =
      "sum(rate(haproxy_server_http_responses_total{server=~\"{{newInstances}}\",code=\"5xx\"}[5s])) / "
      "sum(rate(haproxy_server_http_responses_total{server=~\"{{newInstances}}\"}[5s]))";
  begin("canary-10", "{terminationWaitSeconds: 1}", true, "10,pause=90s,100",
        "analysis:\n"
        "  intervalSeconds: 1\n"
        "  checks:\n"
        "    - name: error-ratio\n"
        "      prometheus:\n"
        "        address: " + prometheus.address() + "\n"
        "        query: '" + ratio + "'\n"
        "        successCondition: result <= 0.02\n");
  // Prometheus scrapes HAProxy's exporter: v001's members are there with their counters.
  ASSERT_TRUE(waitFor([&] {
    return prometheus.query("haproxy_server_http_responses_total{code=\"2xx\"}").find("\"server\":\"i-") !=
           std::string::npos;
  }, std::chrono::seconds(60))) << prometheus.log() << prometheus.query("up");
  auto [id, finished, report] = deployBrokenCanary();

  ASSERT_EQ(finished.value("status", ""), "Failed") << finished.dump(2) << prometheus.log();
  EXPECT_EQ(finished.value("errorCode", ""), "AnalysisFailed") << finished.dump(2);
  const json& result = finished.at("blueGreen").at("analyses").at(0).at("results").at(0);
  EXPECT_EQ(result.value("kind", ""), "prometheus");
  EXPECT_EQ(result.value("verdict", ""), "Failed") << result.dump(2);
  const json& values = result.at("numbers").at("results");
  ASSERT_EQ(values.size(), 1u) << result.dump(2);
  EXPECT_NEAR(values[0].get<double>(), 0.10, 0.05) << result.dump(2);
  std::string query = result.at("numbers").value("query", "");
  EXPECT_EQ(query.find("{{"), std::string::npos) << "placeholders are filled: " << query;
  int named = 0;
  for (const auto& target : finished.at("targets")) {  // the canary's instances
    EXPECT_NE(query.find(target.value("instanceId", "")), std::string::npos) << query;
    ++named;
  }
  EXPECT_EQ(named, kInstances);
  EXPECT_EQ(report.failedVersions["1"], 0) << report.summary();
  EXPECT_EQ(report.socketErrors.total(), 0) << report.summary();
  EXPECT_EQ(report.non2xx, report.failedVersions["2"]) << report.summary();
}

}  // namespace
}  // namespace greenlight::testing
