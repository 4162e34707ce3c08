// The Prometheus text the server writes: escaping, number formatting, cumulative histogram
// buckets with +Inf, _sum and _count, bounded request labels, and the scrape-time families.
#include "server/metrics.h"

#include <gtest/gtest.h>

#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "metrics_text.h"

namespace greenlight::server::metrics {
namespace {

TEST(MetricsTextTest, LabelValuesEscapeBackslashQuoteAndLineFeed) {
  EXPECT_EQ(escapeLabelValue("plain /v1/x{id}"), "plain /v1/x{id}");
  EXPECT_EQ(escapeLabelValue("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
  TextWriter writer;
  writer.sample("m", {{"path", "C:\\dir \"quoted\"\nnext"}, {"k", ""}}, 1);
  EXPECT_EQ(writer.text(), "m{path=\"C:\\\\dir \\\"quoted\\\"\\nnext\",k=\"\"} 1\n");
}

TEST(MetricsTextTest, HelpEscapesBackslashAndLineFeedButNotQuotes) {
  TextWriter writer;
  writer.family("m", "gauge", "a \"b\" \\ c\nd");
  EXPECT_EQ(writer.text(), "# HELP m a \"b\" \\\\ c\\nd\n# TYPE m gauge\n");
}

TEST(MetricsTextTest, ValuesAreShortestRoundTripAndInfinitiesAreNamed) {
  EXPECT_EQ(formatValue(0.005), "0.005");
  EXPECT_EQ(formatValue(2.5), "2.5");
  EXPECT_EQ(formatValue(10), "10");
  EXPECT_EQ(formatValue(0), "0");
  EXPECT_EQ(formatValue(123456789), "123456789");
  EXPECT_EQ(formatValue(-1.5), "-1.5");
  EXPECT_EQ(std::stod(formatValue(0.1 + 0.2)), 0.1 + 0.2);
  EXPECT_EQ(formatValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(formatValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(formatValue(std::numeric_limits<double>::quiet_NaN()), "NaN");
}

TEST(MetricsTextTest, SampleWithoutLabelsHasNoBraces) {
  TextWriter writer;
  writer.sample("greenlight_agent_connections", {}, 3);
  EXPECT_EQ(writer.text(), "greenlight_agent_connections 3\n");
}

TEST(HistogramTest, BucketsAreCumulativeInclusiveAndEndWithInfThenSumAndCount) {
  Histogram histogram({0.1, 1, 10});
  for (double value : {0.05, 0.1, 0.5, 20.0}) histogram.observe(value);
  TextWriter writer;
  histogram.write(writer, "h", {{"route", "/x"}});
  // 0.1 is in the le="0.1" bucket (upper bounds are inclusive); 20 only in +Inf.
  EXPECT_EQ(writer.text(),
            "h_bucket{route=\"/x\",le=\"0.1\"} 2\n"
            "h_bucket{route=\"/x\",le=\"1\"} 3\n"
            "h_bucket{route=\"/x\",le=\"10\"} 3\n"
            "h_bucket{route=\"/x\",le=\"+Inf\"} 4\n"
            "h_sum{route=\"/x\"} 20.65\n"
            "h_count{route=\"/x\"} 4\n");
  EXPECT_EQ(histogram.count(), 4u);
}

TEST(HistogramTest, AnEmptyHistogramHasEveryBucketAtZero) {
  Histogram histogram({1, 2});
  TextWriter writer;
  histogram.write(writer, "h", {});
  EXPECT_EQ(writer.text(),
            "h_bucket{le=\"1\"} 0\nh_bucket{le=\"2\"} 0\nh_bucket{le=\"+Inf\"} 0\n"
            "h_sum 0\nh_count 0\n");
}

TEST(RequestMetricsTest, TheFamilyIsWrittenBeforeAnyRequest) {
  RequestMetrics requests;
  TextWriter writer;
  requests.write(writer);
  metricstest::Exposition parsed = metricstest::parseExposition(writer.text());
  EXPECT_TRUE(parsed.problems.empty()) << writer.text();
  EXPECT_EQ(parsed.types["greenlight_api_request_duration_seconds"], "histogram");
  EXPECT_TRUE(parsed.samples.empty()) << writer.text();
}

TEST(RequestMetricsTest, LabelsAreBoundedAndEachSeriesHasTheRequestedBuckets) {
  RequestMetrics requests;
  requests.record("GET", "/v1/deployments/{id}", 200, 0.003);
  requests.record("GET", "/v1/deployments/{id}", 204, 0.7);
  requests.record("GET", "/v1/deployments/{id}", 404, 0.02);
  requests.record("BREW", "", 405, 0.001);       // an unknown method on no route
  requests.record("", "", 400, 0.0);             // an unreadable request
  requests.record("DELETE", "/v1/tokens/{id}", 500, 11);
  TextWriter writer;
  requests.write(writer);
  metricstest::Exposition parsed = metricstest::parseExposition(writer.text());
  ASSERT_TRUE(parsed.problems.empty()) << parsed.problems.front() << "\n" << writer.text();

  const std::string name = "greenlight_api_request_duration_seconds";
  auto series = [&](const std::string& suffix, const std::string& labels) {
    return name + suffix + "{" + labels + "}";
  };
  const std::string ok = "method=\"GET\",route=\"/v1/deployments/{id}\",code=\"2xx\"";
  EXPECT_EQ(parsed.value(series("_count", ok)), 2);
  EXPECT_DOUBLE_EQ(parsed.value(series("_sum", ok)), 0.703);
  EXPECT_EQ(parsed.value(series("_bucket", ok + ",le=\"0.005\"")), 1);
  EXPECT_EQ(parsed.value(series("_bucket", ok + ",le=\"0.5\"")), 1);
  EXPECT_EQ(parsed.value(series("_bucket", ok + ",le=\"1\"")), 2);
  EXPECT_EQ(parsed.value(series("_bucket", ok + ",le=\"+Inf\"")), 2);
  EXPECT_EQ(parsed.value(series("_count",
                                "method=\"GET\",route=\"/v1/deployments/{id}\",code=\"4xx\"")),
            1);
  // Both unroutable requests land in one series.
  EXPECT_EQ(parsed.value(series("_count", "method=\"other\",route=\"unmatched\",code=\"4xx\"")), 2);
  const std::string slow = "method=\"DELETE\",route=\"/v1/tokens/{id}\",code=\"5xx\"";
  EXPECT_EQ(parsed.value(series("_bucket", slow + ",le=\"10\"")), 0);
  EXPECT_EQ(parsed.value(series("_bucket", slow + ",le=\"+Inf\"")), 1);

  // Exactly the buckets asked for, in the order written, and nothing but these four series.
  std::vector<std::string> bounds;
  std::istringstream lines(writer.text());
  const std::string prefix = name + "_bucket{" + ok + ",le=\"";
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(prefix, 0) == 0) {
      bounds.push_back(line.substr(prefix.size(), line.find('"', prefix.size()) - prefix.size()));
    }
  }
  std::vector<std::string> expected = {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25",
                                       "0.5",   "1",    "2.5",   "5",    "10",  "+Inf"};
  EXPECT_EQ(bounds, expected);
  EXPECT_EQ(parsed.samples.size(), 4u * (12 + 2));
}

TEST(SnapshotTest, EveryFamilyHasHelpTypeAndTheSnapshotsNumbers) {
  Snapshot snapshot;
  snapshot.deploymentsByStatus = {{"InProgress", 2}, {"Succeeded", 5}, {"Failed", 0}};
  snapshot.finishedDeployments = {{"in-place", "Succeeded", 5, 61.5},
                                  {"blue-green", "Failed", 1, 3}};
  snapshot.instancesByState = {{"Running", 4}, {"Lost", 1}};
  snapshot.agentConnections = 4;
  snapshot.agentPollsWaiting = 3;
  snapshot.deploymentWatchersWaiting = 1;
  TextWriter writer;
  writeSnapshot(writer, snapshot);
  metricstest::Exposition parsed = metricstest::parseExposition(writer.text());
  ASSERT_TRUE(parsed.problems.empty()) << parsed.problems.front() << "\n" << writer.text();

  EXPECT_EQ(parsed.types["greenlight_deployments"], "gauge");
  EXPECT_EQ(parsed.types["greenlight_deployment_duration_seconds"], "summary");
  EXPECT_EQ(parsed.types["greenlight_instances"], "gauge");
  EXPECT_EQ(parsed.types["greenlight_agent_connections"], "gauge");
  EXPECT_EQ(parsed.value("greenlight_deployments{status=\"InProgress\"}"), 2);
  EXPECT_EQ(parsed.value("greenlight_deployments{status=\"Succeeded\"}"), 5);
  EXPECT_TRUE(parsed.has("greenlight_deployments{status=\"Failed\"}"));
  EXPECT_EQ(parsed.value(
                "greenlight_deployment_duration_seconds_sum{strategy=\"in-place\",status=\"Succeeded\"}"),
            61.5);
  EXPECT_EQ(parsed.value("greenlight_deployment_duration_seconds_count{strategy=\"blue-green\","
                         "status=\"Failed\"}"),
            1);
  EXPECT_EQ(parsed.value("greenlight_instances{state=\"Running\"}"), 4);
  EXPECT_EQ(parsed.value("greenlight_instances{state=\"Lost\"}"), 1);
  EXPECT_EQ(parsed.value("greenlight_agent_connections"), 4);
  EXPECT_EQ(parsed.value("greenlight_agent_polls_waiting"), 3);
  EXPECT_EQ(parsed.value("greenlight_deployment_watchers"), 1);
  EXPECT_EQ(parsed.samples.size(), 3u + 4u + 2u + 3u);
}

TEST(MetricsTextReaderTest, TheTestsReaderCatchesWhatBreaksTheFormat) {
  // So that "no problems" above means something.
  EXPECT_FALSE(metricstest::parseExposition("m 1\n").problems.empty());  // no TYPE
  EXPECT_FALSE(
      metricstest::parseExposition("# HELP m x\n# TYPE m gauge\nother 1\n").problems.empty());
  EXPECT_FALSE(metricstest::parseExposition("# HELP m x\n# TYPE m gauge\nm one\n").problems.empty());
  EXPECT_FALSE(metricstest::parseExposition("# HELP m x\n# TYPE m summary\nm_bucket{le=\"1\"} 1\n")
                   .problems.empty());
  EXPECT_FALSE(metricstest::parseExposition("# HELP m x\n# TYPE m gauge\n# HELP m x\n# TYPE m "
                                            "gauge\n")
                   .problems.empty());
  EXPECT_TRUE(metricstest::parseExposition("# HELP m x\n# TYPE m histogram\nm_bucket{le=\"+Inf\"} "
                                           "1\nm_sum 2\nm_count 1\n")
                  .problems.empty());
}

}  // namespace
}  // namespace greenlight::server::metrics
