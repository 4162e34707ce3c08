// Long-polls answered by real changes: an agent's poll by a new deployment's command, a watch by
// the agent's report; and by their timeout when nothing changes.
#include <future>

#include "server_fixture.h"

#include "http/url_codec.h"

namespace greenlight::server {
namespace {

using nlohmann::json;

class LongPollApiTest : public ServerFixture {
 protected:
  void SetUp() override {
    ServerFixture::SetUp();
    createApplication("web");
    createStaticGroup("web", "prod");
    EnrolledAgent agent = enrolAgent("web", "prod", "host-1");
    ASSERT_FALSE(agent.instanceId.empty());
    instanceId_ = agent.instanceId;
    agentToken_ = agent.token;
    auto pushed =
        admin_->uploadFile("POST", "/v1/applications/web/revisions", packBundle("app.tgz"));
    ASSERT_TRUE(pushed.ok() && pushed->status == 201);
    sha_ = json::parse(pushed->body)["sha256"];
  }

  // Runs one call on its own client and thread (clients are one per thread).
  std::future<Answer> callLater(const std::string& token, const std::string& path) {
    return std::async(std::launch::async, [this, token, path] {
      auto client = clientWith(token);
      return call(*client, "GET", path);
    });
  }

  std::string instanceId_;
  std::string agentToken_;
  std::string sha_;
};

TEST_F(LongPollApiTest, AParkedAgentPollIsAnsweredWhenACommandIsQueued) {
  std::future<Answer> poll = callLater(agentToken_, "/v1/agent/commands?wait=25");
  Answer deployment = call(*admin_, "POST", "/v1/applications/web/groups/prod/deployments",
                           json{{"revision", sha_}});
  ASSERT_EQ(deployment.status, 201) << deployment.text;
  Answer answered = poll.get();
  ASSERT_EQ(answered.status, 200) << answered.text;
  // Not the timeout's empty answer: the command for this instance.
  ASSERT_EQ(answered.body["commands"].size(), 1u) << answered.text;
  EXPECT_EQ(answered.body["commands"][0]["deploymentId"], deployment.body["id"]);
  EXPECT_EQ(answered.body["commands"][0]["id"],
            deployment.body["id"].get<std::string>() + "/" + instanceId_);
}

TEST_F(LongPollApiTest, AnIdlePollEndsEmptyAfterItsWait) {
  auto agent = clientWith(agentToken_);
  Answer answered = call(*agent, "GET", "/v1/agent/commands?wait=1");
  EXPECT_EQ(answered.status, 200);
  EXPECT_EQ(answered.body, json({{"commands", json::array()}}));
  Answer instances = call(*admin_, "GET", "/v1/applications/web/groups/prod/instances");
  ASSERT_EQ(instances.body["instances"].size(), 1u);
  EXPECT_TRUE(instances.body["instances"][0]["online"].get<bool>());
}

TEST_F(LongPollApiTest, AWatchIsAnsweredByTheAgentsReport) {
  Answer created = call(*admin_, "POST", "/v1/applications/web/groups/prod/deployments",
                        json{{"revision", sha_}});
  ASSERT_EQ(created.status, 201);
  std::string id = created.body["id"];
  // Wait until the engine has sent the command: nothing changes after that until a report.
  json settled;
  ASSERT_TRUE(testing::waitFor([&] {
    settled = call(*admin_, "GET", "/v1/deployments/" + id).body;
    return settled["status"] == "InProgress" && settled["targets"].size() == 1 &&
           settled["targets"][0]["status"] == "InProgress";
  })) << settled.dump();
  std::uint64_t version = settled["version"];

  std::future<Answer> watch = callLater(
      adminToken(), "/v1/deployments/" + id + "/watch?after=" + std::to_string(version) +
                        "&wait=25");
  auto agent = clientWith(agentToken_);
  std::string commandId = http::percentEncode(id + "/" + instanceId_);
  Answer reported = call(*agent, "POST", "/v1/agent/commands/" + commandId + "/events",
                         json{{"event", "BeforeInstall"},
                              {"status", "InProgress"},
                              {"startedAt", "2026-01-01T00:00:00.000Z"}});
  ASSERT_EQ(reported.status, 204) << reported.text;

  Answer answered = watch.get();
  ASSERT_EQ(answered.status, 200) << answered.text;
  EXPECT_GT(answered.body["version"].get<std::uint64_t>(), version);
  EXPECT_EQ(answered.body["targets"][0]["currentEvent"], "BeforeInstall") << answered.text;
}

TEST_F(LongPollApiTest, AWatchOfAnUnchangedDeploymentEndsWithTheSameVersion) {
  Answer created = call(*admin_, "POST", "/v1/applications/web/groups/prod/deployments",
                        json{{"revision", sha_}});
  ASSERT_EQ(created.status, 201);
  std::string id = created.body["id"];
  json settled;
  ASSERT_TRUE(testing::waitFor([&] {
    settled = call(*admin_, "GET", "/v1/deployments/" + id).body;
    return settled["targets"].size() == 1 && settled["targets"][0]["status"] == "InProgress";
  }));
  std::uint64_t version = settled["version"];
  Answer answered = call(*admin_, "GET",
                         "/v1/deployments/" + id + "/watch?after=" + std::to_string(version) +
                             "&wait=1");
  EXPECT_EQ(answered.status, 200);
  EXPECT_EQ(answered.body["version"].get<std::uint64_t>(), version);
  // Already past the client's version: answered at once.
  Answer behind = call(*admin_, "GET", "/v1/deployments/" + id + "/watch?after=0&wait=25");
  EXPECT_EQ(behind.body["version"].get<std::uint64_t>(), version);
}

}  // namespace
}  // namespace greenlight::server
