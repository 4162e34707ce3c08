// LoadGenerator and sampleVersions against the sample app's real server, and the server's own
// contract (health marker, HEALTH file, keep-alive, SIGTERM) as the traffic tests rely on it.
#include <gtest/gtest.h>

#include "load/sample_server.h"
#include "support/load_generator.h"
#include "support/test_support.h"

namespace greenlight::testing {
namespace {

using namespace std::chrono_literals;

LoadOptions optionsFor(const std::string& url) {
  LoadOptions options;
  options.url = url;
  options.duration = 20s;  // stop() ends the runs long before
  options.threads = 2;
  options.connections = 8;
  return options;
}

TEST(LoadGeneratorIntegration, CountsEveryResponseOfTheServedVersionAndStopsEarly) {
  SampleServer server("7");
  ASSERT_TRUE(server.start()) << server.log();
  LoadGenerator load(optionsFor(server.url()));
  ASSERT_TRUE(load.start().ok()) << load.output();
  auto started = std::chrono::steady_clock::now();

  // While the load runs: sampling on one keep-alive connection sees the same version.
  VersionSample sample = sampleVersions(server.url(), 200);
  EXPECT_EQ(sample.failures, 0) << sample.lastError;
  EXPECT_EQ(sample.versions, (std::map<std::string, int>{{"7", 200}}));
  EXPECT_EQ(sample.connections, 1);

  auto report = load.stop();
  auto took = std::chrono::steady_clock::now() - started;
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_GT(report->requests, 100) << report->summary();
  EXPECT_EQ(report->failures(), 0) << report->summary();
  EXPECT_LE(report->unanswered(), 8) << report->summary();
  EXPECT_EQ(report->versions, (std::map<std::string, long long>{{"7", report->requests}})) << report->summary();
  EXPECT_EQ(report->statusClasses, (std::map<std::string, long long>{{"2xx", report->requests}}));
  EXPECT_GT(report->latencyP50.count(), 0);
  EXPECT_GE(report->latencyP99, report->latencyP50);
  EXPECT_GT(report->requestsPerSecond, 0);
  EXPECT_LT(took, 15s) << "SIGINT must end the 20 s run early";
  EXPECT_LT(report->duration, 15s);
}

TEST(LoadGeneratorIntegration, ErrorResponsesAndPagesWithoutAVersionAreCounted) {
  SampleServer server("3");
  ASSERT_TRUE(server.start()) << server.log();
  LoadGenerator missing(optionsFor(server.url("/no-such-page")));
  ASSERT_TRUE(missing.start().ok()) << missing.output();
  ASSERT_EQ(sampleVersions(server.url("/no-such-page"), 20).failures, 20);
  auto report = missing.stop();
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_GT(report->requests, 0);
  EXPECT_EQ(report->non2xx, report->requests) << report->summary();
  EXPECT_EQ(report->failures(), report->requests);
  EXPECT_EQ(report->statusClasses, (std::map<std::string, long long>{{"4xx", report->requests}}));
  EXPECT_TRUE(report->versions.empty());
  EXPECT_EQ(report->unversioned, report->requests);
}

TEST(LoadGeneratorIntegration, ARefusedPortCountsAsSocketErrors) {
  std::string url = "http://127.0.0.1:" + std::to_string(freePort()) + "/";
  LoadGenerator load(optionsFor(url));
  ASSERT_TRUE(load.start().ok()) << load.output();
  VersionSample sample = sampleVersions(url, 5, 500ms);
  EXPECT_EQ(sample.failures, 5);
  EXPECT_NE(sample.lastError.find("onnect"), std::string::npos) << sample.lastError;
  auto report = load.stop();
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->requests, 0);
  EXPECT_GT(report->socketErrors.total(), 0) << report->summary();
  EXPECT_GT(report->failures(), 0);
}

TEST(LoadGeneratorIntegration, ARunEndsByItselfAfterItsDurationAtAboutTheRateAsked) {
  SampleServer server("4");
  ASSERT_TRUE(server.start()) << server.log();
  LoadOptions options = optionsFor(server.url());
  options.duration = 1s;
  options.connections = 4;
  options.requestsPerSecond = 200;  // each connection waits 20 ms between requests
  LoadGenerator load(options);
  ASSERT_TRUE(load.start().ok()) << load.output();
  auto report = load.wait();
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_GE(report->duration, 1s);
  EXPECT_EQ(report->failures(), 0) << report->summary();
  EXPECT_GT(report->requests, 50) << report->summary();
  EXPECT_LE(report->requests, 260) << "paced at 200/s for about a second: " << report->summary();
}

TEST(LoadGeneratorIntegration, StartFailsWhenWrkCannotRun) {
  LoadOptions options = optionsFor("not a url");
  LoadGenerator load(options);
  Status started = load.start();
  ASSERT_FALSE(started.ok());
  EXPECT_NE(started.error().message.find("not a url"), std::string::npos) << started.error().message;
}

TEST(SampleServerIntegration, HealthFollowsTheMarkerOnEveryRequestAndTheRevisionsHealthFile) {
  SampleServer server("5");
  ASSERT_TRUE(server.start()) << server.log();
  VersionSample healthy = sampleVersions(server.url("/health"), 3);
  EXPECT_EQ(healthy.failures, 0) << healthy.lastError;
  EXPECT_EQ(healthy.unversioned, 3);

  writeFile(server.marker(), "");
  VersionSample marked = sampleVersions(server.url("/health"), 3);
  EXPECT_EQ(marked.failures, 3);
  EXPECT_NE(marked.lastError.find("HTTP 500"), std::string::npos) << marked.lastError;
  EXPECT_EQ(sampleVersions(server.url("/"), 3).versions.at("5"), 3) << "the page is served while unhealthy";

  std::filesystem::remove(server.marker());
  EXPECT_EQ(sampleVersions(server.url("/health"), 3).failures, 0);

  writeFile(server.www() / "HEALTH", "fail\n");
  EXPECT_EQ(sampleVersions(server.url("/health"), 3).failures, 3);
  EXPECT_EQ(sampleVersions(server.url("/"), 3).versions.at("5"), 3);
}

TEST(SampleServerIntegration, SigtermUnderLoadExitsPromptlyAndRefusesNewConnections) {
  SampleServer server("6");
  ASSERT_TRUE(server.start()) << server.log();
  LoadGenerator load(optionsFor(server.url()));
  ASSERT_TRUE(load.start().ok()) << load.output();
  ASSERT_EQ(sampleVersions(server.url(), 50).failures, 0);
  EXPECT_TRUE(server.stop(5s)) << "the server must drain and exit on SIGTERM: " << server.log();
  EXPECT_NE(server.log().find("stopped\n"), std::string::npos) << server.log();
  EXPECT_EQ(sampleVersions(server.url(), 2, 500ms).failures, 2);
  auto report = load.stop();
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_GT(report->versions["6"], 0) << report->summary();
  EXPECT_GT(report->socketErrors.total(), 0) << "a stopped server refuses: " << report->summary();
}

}  // namespace
}  // namespace greenlight::testing
