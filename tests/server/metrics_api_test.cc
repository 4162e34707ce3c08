// GET /metrics on a real server: scraped without a token, it counts the API calls made by route
// pattern, and its gauges follow the store (deployments, instances) and the agents' long-polls.
#include <future>

#include "http/url_codec.h"
#include "metrics_text.h"
#include "server/metrics.h"
#include "server_fixture.h"

namespace greenlight::server {
namespace {

using metricstest::Exposition;
using nlohmann::json;

constexpr const char* kRequests = "greenlight_api_request_duration_seconds";

std::string requestSeries(const std::string& suffix, const std::string& method,
                          const std::string& route, const std::string& code) {
  return std::string(kRequests) + suffix + "{method=\"" + method + "\",route=\"" + route +
         "\",code=\"" + code + "\"}";
}

double requestCount(const Exposition& scraped, const std::string& method,
                    const std::string& route, const std::string& code) {
  return scraped.value(requestSeries("_count", method, route, code));
}

double sumOf(const Exposition& scraped, const std::string& family, const std::string& label,
             const std::vector<std::string>& values) {
  double total = 0;
  for (const auto& value : values) {
    total += scraped.value(family + "{" + label + "=\"" + value + "\"}");
  }
  return total;
}

const std::vector<std::string> kStatuses = {"Created", "Queued",    "InProgress", "Baking",
                                            "Ready",   "Succeeded", "Failed",     "Stopped"};
const std::vector<std::string> kLifecycles = {"Launching", "Running", "Lost", "Terminated"};

class MetricsApiTest : public ServerFixture {
 protected:
  void SetUp() override {
    ServerFixture::SetUp();
    scraper_ = clientWith("");  // Prometheus carries no token
  }

  // Scrapes over HTTP, checking the status, the content type and the format.
  Exposition scrape() {
    auto response = scraper_->get("/metrics");
    EXPECT_TRUE(response.ok()) << (response.ok() ? "" : response.error().message);
    if (!response.ok()) return {};
    EXPECT_EQ(response->status, 200) << response->body;
    EXPECT_EQ(response->contentType, metrics::kContentType);
    Exposition parsed = metricstest::parseExposition(response->body);
    EXPECT_TRUE(parsed.problems.empty())
        << (parsed.problems.empty() ? "" : parsed.problems.front()) << "\n" << response->body;
    return parsed;
  }

  // Every series of the request histogram is well formed: buckets cumulative, +Inf = _count.
  static void expectConsistentHistograms(const Exposition& scraped) {
    int series = 0;
    const std::string countPrefix = std::string(kRequests) + "_count{";
    for (const auto& [key, count] : scraped.samples) {
      if (key.rfind(countPrefix, 0) != 0) continue;
      ++series;
      std::string labels = key.substr(countPrefix.size(), key.size() - countPrefix.size() - 1);
      double previous = 0;
      for (const char* bound : {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5",
                                "5", "10", "+Inf"}) {
        std::string bucket =
            std::string(kRequests) + "_bucket{" + labels + ",le=\"" + bound + "\"}";
        ASSERT_TRUE(scraped.has(bucket)) << bucket;
        EXPECT_GE(scraped.value(bucket), previous) << bucket;
        previous = scraped.value(bucket);
      }
      EXPECT_EQ(previous, count) << "+Inf bucket vs _count of " << labels;
      EXPECT_GE(scraped.value(std::string(kRequests) + "_sum{" + labels + "}"), 0) << labels;
    }
    EXPECT_GT(series, 0);
  }

  std::unique_ptr<http::HttpClient> scraper_;
};

TEST_F(MetricsApiTest, RequestsAreCountedByRoutePatternMethodAndStatusClass) {
  Exposition before = scrape();
  // The first scrape's own request is counted once its answer is ready, so not in itself.
  EXPECT_EQ(requestCount(before, "GET", "/metrics", "2xx"), 0);

  for (int i = 0; i < 3; ++i) EXPECT_EQ(call(*admin_, "GET", "/v1/applications").status, 200);
  EXPECT_EQ(call(*admin_, "GET", "/v1/applications/nosuchapp").status, 404);
  EXPECT_EQ(call(*admin_, "GET", "/v1/applications/otherapp").status, 404);
  EXPECT_EQ(call(*scraper_, "GET", "/v1/applications").status, 401);  // no token
  EXPECT_EQ(call(*admin_, "GET", "/v1/no/such/route").status, 404);
  EXPECT_EQ(call(*admin_, "BREW", "/v1/applications").status, 405);
  // A scraper holding a stale token is not refused either.
  EXPECT_EQ(clientWith("not-a-token")->get("/metrics")->status, 200);

  Exposition after = scrape();
  auto delta = [&](const std::string& method, const std::string& route, const std::string& code) {
    return requestCount(after, method, route, code) - requestCount(before, method, route, code);
  };
  EXPECT_EQ(delta("GET", "/v1/applications", "2xx"), 3);
  EXPECT_EQ(delta("GET", "/v1/applications", "4xx"), 1);
  // Two names, one pattern: the raw path never becomes a label.
  EXPECT_EQ(delta("GET", "/v1/applications/{app}", "4xx"), 2);
  EXPECT_FALSE(after.has(requestSeries("_count", "GET", "/v1/applications/nosuchapp", "4xx")));
  EXPECT_EQ(delta("GET", "unmatched", "4xx"), 1);
  EXPECT_EQ(delta("other", "unmatched", "4xx"), 1);
  EXPECT_EQ(delta("GET", "/metrics", "2xx"), 2);  // the first scrape and the stale token's
  EXPECT_EQ(delta("POST", "/v1/applications", "2xx"), 0);
  expectConsistentHistograms(after);
}

TEST_F(MetricsApiTest, DeploymentsInstancesAndAgentsFollowTheStore) {
  createApplication("web");
  createStaticGroup("web", "prod");
  Exposition empty = scrape();
  for (const auto& status : kStatuses) {
    EXPECT_TRUE(empty.has("greenlight_deployments{status=\"" + status + "\"}")) << status;
  }
  EXPECT_EQ(sumOf(empty, "greenlight_deployments", "status", kStatuses), 0);
  for (const auto& lifecycle : kLifecycles) {
    EXPECT_TRUE(empty.has("greenlight_instances{state=\"" + lifecycle + "\"}")) << lifecycle;
  }
  EXPECT_EQ(sumOf(empty, "greenlight_instances", "state", kLifecycles), 0);
  EXPECT_EQ(empty.value("greenlight_agent_connections"), 0);
  EXPECT_TRUE(empty.has("greenlight_agent_connections"));

  // An agent enrols: one instance, one agent online.
  Answer enrolment = call(*admin_, "POST", "/v1/applications/web/groups/prod/enrolment-tokens");
  ASSERT_EQ(enrolment.status, 201) << enrolment.text;
  auto enrolling = clientWith(enrolment.body["token"]);
  Answer enrolled = call(*enrolling, "POST", "/v1/agent/enrol", json{{"hostName", "host-1"}});
  ASSERT_EQ(enrolled.status, 201) << enrolled.text;
  std::string instanceId = enrolled.body["instanceId"];
  std::string agentToken = enrolled.body["token"];
  Answer instances = call(*admin_, "GET", "/v1/applications/web/groups/prod/instances");
  ASSERT_EQ(instances.body["instances"].size(), 1u) << instances.text;
  std::string lifecycle = instances.body["instances"][0]["lifecycle"];
  ASSERT_TRUE(instances.body["instances"][0]["online"].get<bool>());
  Exposition enrolledScrape = scrape();
  EXPECT_EQ(enrolledScrape.value("greenlight_instances{state=\"" + lifecycle + "\"}"), 1);
  EXPECT_EQ(sumOf(enrolledScrape, "greenlight_instances", "state", kLifecycles), 1);
  EXPECT_EQ(enrolledScrape.value("greenlight_agent_connections"), 1);

  // The agent's command poll is parked until a deployment gives it a command.
  auto pushed = admin_->uploadFile("POST", "/v1/applications/web/revisions", packBundle("a.tgz"));
  ASSERT_TRUE(pushed.ok() && pushed->status == 201);
  std::string sha = json::parse(pushed->body)["sha256"];
  std::future<Answer> poll = std::async(std::launch::async, [&] {
    auto agent = clientWith(agentToken);
    return call(*agent, "GET", "/v1/agent/commands?wait=25");
  });
  EXPECT_TRUE(testing::waitFor([&] { return scrape().value("greenlight_agent_polls_waiting") == 1; }));
  Answer created = call(*admin_, "POST", "/v1/applications/web/groups/prod/deployments",
                        json{{"revision", sha}});
  ASSERT_EQ(created.status, 201) << created.text;
  std::string id = created.body["id"];
  Answer commands = poll.get();
  ASSERT_EQ(commands.body["commands"].size(), 1u) << commands.text;

  // Running on the instance: nothing changes until the agent reports.
  json settled;
  ASSERT_TRUE(testing::waitFor([&] {
    settled = call(*admin_, "GET", "/v1/deployments/" + id).body;
    return settled["status"] == "InProgress" && settled["targets"].size() == 1 &&
           settled["targets"][0]["status"] == "InProgress";
  })) << settled.dump();
  Exposition running = scrape();
  EXPECT_EQ(running.value("greenlight_deployments{status=\"InProgress\"}"), 1);
  EXPECT_EQ(sumOf(running, "greenlight_deployments", "status", kStatuses), 1);
  EXPECT_EQ(running.value("greenlight_agent_polls_waiting"), 0);  // answered with the command
  EXPECT_FALSE(running.has(
      "greenlight_deployment_duration_seconds_count{strategy=\"in-place\",status=\"Succeeded\"}"));

  // A watcher waits for the result; the agent reports success.
  std::uint64_t version = settled["version"];
  std::future<Answer> watch = std::async(std::launch::async, [&] {
    auto watcher = clientWith(adminToken());
    return call(*watcher, "GET",
                "/v1/deployments/" + id + "/watch?after=" + std::to_string(version) + "&wait=25");
  });
  EXPECT_TRUE(testing::waitFor([&] { return scrape().value("greenlight_deployment_watchers") == 1; }));
  auto agent = clientWith(agentToken);
  Answer reported =
      call(*agent, "POST",
           "/v1/agent/commands/" + http::percentEncode(id + "/" + instanceId) + "/result",
           json{{"status", "Succeeded"}});
  ASSERT_EQ(reported.status, 204) << reported.text;
  EXPECT_EQ(watch.get().status, 200);
  json finished;
  ASSERT_TRUE(testing::waitFor([&] {
    finished = call(*admin_, "GET", "/v1/deployments/" + id).body;
    return finished["status"] == "Succeeded";
  })) << finished.dump();

  Exposition done = scrape();
  EXPECT_EQ(done.value("greenlight_deployments{status=\"Succeeded\"}"), 1);
  EXPECT_EQ(done.value("greenlight_deployments{status=\"InProgress\"}"), 0);
  EXPECT_EQ(sumOf(done, "greenlight_deployments", "status", kStatuses), 1);
  EXPECT_EQ(done.value("greenlight_deployment_watchers"), 0);
  EXPECT_EQ(done.value("greenlight_agent_connections"), 1);  // one agent, however many calls
  const std::string labels = "{strategy=\"in-place\",status=\"Succeeded\"}";
  EXPECT_EQ(done.value("greenlight_deployment_duration_seconds_count" + labels), 1);
  // The same duration the API reports, to the millisecond.
  ASSERT_TRUE(finished["durationMs"].is_number()) << finished.dump();
  EXPECT_DOUBLE_EQ(done.value("greenlight_deployment_duration_seconds_sum" + labels),
                   finished["durationMs"].get<double>() / 1000.0);
  // Every request above was counted under its pattern, the async ones included.
  EXPECT_EQ(requestCount(done, "GET", "/v1/agent/commands", "2xx"), 1);
  EXPECT_EQ(requestCount(done, "GET", "/v1/deployments/{id}/watch", "2xx"), 1);
  EXPECT_EQ(requestCount(done, "POST", "/v1/agent/commands/{commandId}/result", "2xx"), 1);
  EXPECT_EQ(requestCount(done, "POST", "/v1/applications/{app}/groups/{group}/deployments", "2xx"),
            1);
  expectConsistentHistograms(done);
}

}  // namespace
}  // namespace greenlight::server
