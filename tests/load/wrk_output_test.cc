// wrk's text output and the load script's line, parsed: every case below is output captured from
// wrk 4.1 (Debian 12) running the script wrkScript() generates.
#include <gtest/gtest.h>

#include "support/load_generator.h"

namespace greenlight::testing {
namespace {

using std::chrono::microseconds;

// 8 connections straight to the sample app.
constexpr const char* kDirect = R"wrk(Running 2s test @ http://127.0.0.1:18555/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.19ms    3.94ms  49.46ms   90.66%
    Req/Sec     4.19k     1.95k    7.51k    60.00%
  Latency Distribution
     50%  682.00us
     75%    2.19ms
     90%    5.85ms
     99%   20.65ms
  16705 requests in 2.01s, 4.27MB read
Requests/sec:   8327.78
Transfer/sec:      2.13MB
GREENLIGHT-LOAD {"requests":16705,"sent":16711,"versions":{"1":16705},"unversioned":0,"statuses":{"2xx":16705},"errors":{"connect":0,"read":0,"write":0,"timeout":0,"status":0},"duration_us":2005937}
)wrk";

// Through HAProxy to two servers of versions 1 and 2 weighted 3:1.
constexpr const char* kSplit = R"wrk(Running 2s test @ http://127.0.0.1:18560/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.30ms    1.80ms  20.87ms   90.52%
    Req/Sec     4.58k     0.88k    6.57k    66.67%
  Latency Distribution
     50%  721.00us
     75%    1.34ms
     90%    3.01ms
     99%    9.67ms
  19168 requests in 2.10s, 4.90MB read
Requests/sec:   9128.03
Transfer/sec:      2.33MB
GREENLIGHT-LOAD {"requests":19168,"sent":19176,"versions":{"2":4793,"1":14375},"unversioned":0,"statuses":{"2xx":19168},"errors":{"connect":0,"read":0,"write":0,"timeout":0,"status":0},"duration_us":2099906}
)wrk";

// HAProxy with no server left: every response a 503 page without a version.
constexpr const char* kAll503 = R"wrk(Running 1s test @ http://127.0.0.1:18561/
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.06ms    4.74ms  52.10ms   95.67%
    Req/Sec    38.56k     4.36k   44.47k    81.82%
  Latency Distribution
     50%   34.00us
     75%   51.00us
     90%    1.43ms
     99%   27.25ms
  42137 requests in 1.10s, 8.60MB read
  Non-2xx or 3xx responses: 42137
Requests/sec:  38311.10
Transfer/sec:      7.82MB
GREENLIGHT-LOAD {"requests":42137,"sent":42139,"versions":{},"unversioned":42137,"statuses":{"5xx":42137},"errors":{"connect":0,"read":0,"write":0,"timeout":0,"status":42137},"duration_us":1099864}
)wrk";

// Nothing listens on the port: wrk counts the refused connections as write errors.
constexpr const char* kRefused = R"wrk(Running 1s test @ http://127.0.0.1:1/
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     0.00us    0.00us   0.00us    -nan%
    Req/Sec     0.00      0.00     0.00      -nan%
  Latency Distribution
     50%    0.00us
     75%    0.00us
     90%    0.00us
     99%    0.00us
  0 requests in 1.01s, 0.00B read
  Socket errors: connect 0, read 0, write 29266, timeout 0
Requests/sec:      0.00
Transfer/sec:       0.00B
GREENLIGHT-LOAD {"requests":0,"sent":29267,"versions":{},"unversioned":0,"statuses":{},"errors":{"connect":0,"read":0,"write":29266,"timeout":0,"status":0},"duration_us":1007730}
)wrk";

// The server SIGKILLed 0.7 s into the run.
constexpr const char* kServerKilled = R"wrk(Running 2s test @ http://127.0.0.1:18558/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.05ms    3.61ms  56.84ms   96.23%
    Req/Sec     6.84k     2.05k   10.85k    64.29%
  Latency Distribution
     50%  338.00us
     75%  550.00us
     90%    1.24ms
     99%   17.66ms
  9579 requests in 2.04s, 2.45MB read
  Socket errors: connect 0, read 9, write 39716, timeout 0
Requests/sec:   4697.09
Transfer/sec:      1.20MB
GREENLIGHT-LOAD {"requests":9579,"sent":49305,"versions":{"2":9579},"unversioned":0,"statuses":{"2xx":9579},"errors":{"connect":0,"read":9,"write":39716,"timeout":0,"status":0},"duration_us":2039348}
)wrk";

// A listener that accepts and never answers: wrk itself counts no error at all.
constexpr const char* kNeverAnswers = R"wrk(Running 3s test @ http://127.0.0.1:18556/
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     0.00us    0.00us   0.00us    -nan%
    Req/Sec     0.00      0.00     0.00      -nan%
  Latency Distribution
     50%    0.00us
     75%    0.00us
     90%    0.00us
     99%    0.00us
  0 requests in 3.10s, 0.00B read
Requests/sec:      0.00
Transfer/sec:       0.00B
GREENLIGHT-LOAD {"requests":0,"sent":3,"versions":{},"unversioned":0,"statuses":{},"errors":{"connect":0,"read":0,"write":0,"timeout":0,"status":0},"duration_us":3104887}
)wrk";

TEST(WrkOutput, DirectRunHasRequestsLatencyAndOneVersion) {
  auto report = parseWrkOutput(kDirect);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->requests, 16705);
  EXPECT_EQ(report->sent, 16711);
  EXPECT_EQ(report->unanswered(), 6);
  EXPECT_EQ(report->failures(), 0);
  EXPECT_EQ(report->versions, (std::map<std::string, long long>{{"1", 16705}}));
  EXPECT_EQ(report->unversioned, 0);
  EXPECT_EQ(report->statusClasses, (std::map<std::string, long long>{{"2xx", 16705}}));
  EXPECT_DOUBLE_EQ(report->requestsPerSecond, 8327.78);
  EXPECT_EQ(report->latencyP50, microseconds(682));
  EXPECT_EQ(report->latencyP99, microseconds(20650));
  EXPECT_EQ(report->duration, microseconds(2010000));
}

TEST(WrkOutput, VersionsAreCountedApart) {
  auto report = parseWrkOutput(kSplit);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->versions, (std::map<std::string, long long>{{"1", 14375}, {"2", 4793}}));
  EXPECT_EQ(report->requests, 19168);
  EXPECT_EQ(report->latencyP50, microseconds(721));
  EXPECT_EQ(report->latencyP99, microseconds(9670));
  EXPECT_EQ(report->failures(), 0);
}

TEST(WrkOutput, ErrorResponsesAreFailuresWithoutAVersion) {
  auto report = parseWrkOutput(kAll503);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->requests, 42137);
  EXPECT_EQ(report->non2xx, 42137);
  EXPECT_EQ(report->failures(), 42137);
  EXPECT_TRUE(report->versions.empty());
  EXPECT_EQ(report->unversioned, 42137);
  EXPECT_EQ(report->statusClasses, (std::map<std::string, long long>{{"5xx", 42137}}));
  EXPECT_EQ(report->latencyP50, microseconds(34));
}

TEST(WrkOutput, RefusedConnectionsAreSocketErrors) {
  auto report = parseWrkOutput(kRefused);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->requests, 0);
  EXPECT_EQ(report->socketErrors.write, 29266);
  EXPECT_EQ(report->socketErrors.total(), 29266);
  EXPECT_EQ(report->failures(), 29266);
  EXPECT_EQ(report->latencyP99, microseconds(0));
  EXPECT_EQ(report->requestsPerSecond, 0);
}

TEST(WrkOutput, AKilledServerGivesReadAndWriteErrors) {
  auto report = parseWrkOutput(kServerKilled);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->socketErrors.connect, 0);
  EXPECT_EQ(report->socketErrors.read, 9);
  EXPECT_EQ(report->socketErrors.write, 39716);
  EXPECT_EQ(report->socketErrors.timeout, 0);
  EXPECT_EQ(report->failures(), 39725);
  EXPECT_EQ(report->versions.at("2"), 9579);
}

TEST(WrkOutput, AServerThatNeverAnswersShowsAsUnanswered) {
  auto report = parseWrkOutput(kNeverAnswers);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->requests, 0);
  EXPECT_EQ(report->failures(), 0);  // what wrk reports; why unanswered() exists
  EXPECT_EQ(report->unanswered(), 3);
}

TEST(WrkOutput, OutputWithoutTheScriptLineIsAnError) {
  std::string output = kDirect;
  output.erase(output.find("GREENLIGHT-LOAD"));
  auto report = parseWrkOutput(output);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.error().message.find("GREENLIGHT-LOAD"), std::string::npos);
}

TEST(WrkOutput, OutputWithoutTheLatencyDistributionIsAnError) {
  std::string output = kDirect;
  auto begin = output.find("  Latency Distribution");
  output.erase(begin, output.find("  16705 requests") - begin);
  auto report = parseWrkOutput(output);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.error().message.find("--latency"), std::string::npos);
}

TEST(WrkOutput, AnEarlyExitIsAnError) {
  EXPECT_FALSE(parseWrkOutput("unable to connect to 127.0.0.1:1 Connection refused\n").ok());
  EXPECT_FALSE(parseWrkOutput("").ok());
}

TEST(WrkOutput, CountsThatDisagreeWithWrkAreAnError) {
  std::string output = kDirect;
  auto at = output.find("\"2xx\":16705");
  output.replace(at, 11, "\"2xx\":16000");
  auto report = parseWrkOutput(output);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.error().message.find("counted 16000"), std::string::npos) << report.error().message;
}

TEST(WrkOutput, LongerUnitsAreConverted) {
  std::string output = kDirect;
  output.replace(output.find("   20.65ms"), 10, "      1.50s");
  output.replace(output.find("in 2.01s"), 8, "in 1.00m");
  auto report = parseWrkOutput(output);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->latencyP99, microseconds(1500000));
  EXPECT_EQ(report->duration, microseconds(60000000));
}

TEST(WrkScript, PacesOnlyWhenAskedAndCountsWhatItSends) {
  EXPECT_EQ(wrkScript(0).find("local delay_ms = 0\n"), 0u);
  EXPECT_EQ(wrkScript(12).find("local delay_ms = 12\n"), 0u);
  EXPECT_NE(wrkScript(0).find("function request()"), std::string::npos);
  EXPECT_NE(wrkScript(0).find("GREENLIGHT-LOAD"), std::string::npos);
}

}  // namespace
}  // namespace greenlight::testing
