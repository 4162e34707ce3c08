// POST /v1/agent/commands/{commandId}/traffic against a fake load balancer: an enrolled agent's
// asks drain its instance (BlockTraffic) and bring it back once healthy (AllowTraffic), each ask
// one idempotent step; commands of other instances are refused; groups without a load balancer
// (or a server without a traffic provider) answer done.
#include "server_fixture.h"

#include "http/url_codec.h"
#include "support/fake_traffic_provider.h"

namespace greenlight::server {
namespace {

using nlohmann::json;

struct Agent {
  std::string instanceId;
  std::unique_ptr<http::HttpClient> client;
};

class TrafficApiTest : public ServerFixture {
 protected:
  void SetUp() override {
    traffic_ = &balancer_;
    ServerFixture::SetUp();
    createApplication("web");
    listen_ = "127.0.0.1:18080";  // the fake balancer binds nothing
    Answer created = call(*admin_, "POST", "/v1/applications/web/groups",
                          json{{"name", "prod"},
                               {"fleet", {{"provider", "static"}}},
                               {"deploymentConfig", "CodeDeployDefault.AllAtOnce"},
                               {"loadBalancer",
                                {{"provider", "haproxy"},
                                 {"listen", listen_},
                                 {"healthCheck", {{"path", "/ready"}}},
                                 {"drainTimeoutSeconds", 7},
                                 {"startGracePeriodSeconds", 9}}}});
    ASSERT_EQ(created.status, 201) << created.text;
    groupId_ = created.body["id"];
    auto pushed = admin_->uploadFile("POST", "/v1/applications/web/revisions", packBundle("app.tgz"));
    ASSERT_TRUE(pushed.ok() && pushed->status == 201);
    sha_ = json::parse(pushed->body)["sha256"];
  }
  void TearDown() override { server_.reset(); }  // before the balancer it uses

  Agent enrol(const std::string& group, const std::string& hostName) {
    Answer token = call(*admin_, "POST", "/v1/applications/web/groups/" + group + "/enrolment-tokens");
    EXPECT_EQ(token.status, 201) << token.text;
    auto enrolling = clientWith(token.body["token"]);
    Answer enrolled = call(*enrolling, "POST", "/v1/agent/enrol", json{{"hostName", hostName}});
    EXPECT_EQ(enrolled.status, 201) << enrolled.text;
    return {enrolled.body["instanceId"], clientWith(enrolled.body["token"])};
  }

  // Deploys to `group` and returns the command the agent is sent.
  json commandFor(const std::string& group, Agent& agent) {
    Answer deployment =
        call(*admin_, "POST", "/v1/applications/web/groups/" + group + "/deployments", json{{"revision", sha_}});
    EXPECT_EQ(deployment.status, 201) << deployment.text;
    json command;
    EXPECT_TRUE(testing::waitFor([&] {
      Answer polled = call(*agent.client, "GET", "/v1/agent/commands?wait=0");
      if (polled.status != 200 || polled.body["commands"].empty()) return false;
      command = polled.body["commands"][0];
      return true;
    }));
    return command;
  }

  Answer ask(Agent& agent, const std::string& commandId, const std::string& event) {
    return call(*agent.client, "POST", "/v1/agent/commands/" + http::percentEncode(commandId) + "/traffic",
                json{{"event", event}});
  }

  testing::FakeTrafficProvider balancer_;
  std::string listen_;
  std::string groupId_;
  std::string sha_;
};

TEST_F(TrafficApiTest, TheCommandOfAnInPlaceGroupBehindALoadBalancerCarriesItsTimeouts) {
  Agent agent = enrol("prod", "host-1");
  json command = commandFor("prod", agent);
  ASSERT_TRUE(command.contains("loadBalancer")) << command.dump(2);
  EXPECT_EQ(command["loadBalancer"], json({{"blockTimeoutSeconds", 7}, {"allowTimeoutSeconds", 9}}));
}

TEST_F(TrafficApiTest, AllowTrafficAddsTheInstanceAtWeightZeroAndServesItOnceHealthy) {
  Agent agent = enrol("prod", "host-1");
  std::string commandId = commandFor("prod", agent)["id"];
  balancer_.setHealth(agent.instanceId, false, "L7STS", "500 (2 of 2 checks failed)");

  Answer waiting = ask(agent, commandId, "AllowTraffic");
  ASSERT_EQ(waiting.status, 200) << waiting.text;
  EXPECT_EQ(waiting.body, json({{"state", "waiting"}, {"detail", "GET /ready: L7STS 500 (2 of 2 checks failed)"}}));
  auto pool = balancer_.findPool(groupId_);
  ASSERT_TRUE(pool.has_value());
  EXPECT_EQ(pool->frontend, listen_);
  EXPECT_EQ(pool->healthCheck.path, "/ready");
  auto member = balancer_.findMember(groupId_, agent.instanceId);
  ASSERT_TRUE(member.has_value());
  EXPECT_EQ(member->weight, 0) << "no request before the check passes";
  EXPECT_EQ(member->address, "127.0.0.1");

  balancer_.setHealth(agent.instanceId, true, "L7OK", "");
  Answer done = ask(agent, commandId, "AllowTraffic");
  ASSERT_EQ(done.status, 200) << done.text;
  EXPECT_EQ(done.body["state"], "done") << done.text;
  EXPECT_EQ(balancer_.findMember(groupId_, agent.instanceId)->weight, traffic::kServingWeight);
  // Asked again (a lost answer, a restarted server): the same answer, the same weight.
  Answer again = ask(agent, commandId, "AllowTraffic");
  EXPECT_EQ(again.body["state"], "done");
  EXPECT_EQ(balancer_.findMember(groupId_, agent.instanceId)->weight, traffic::kServingWeight);
}

TEST_F(TrafficApiTest, BlockTrafficDrainsTheInstanceAndIsDoneWhenNoRequestIsInFlight) {
  Agent agent = enrol("prod", "host-1");
  std::string commandId = commandFor("prod", agent)["id"];
  Answer absent = ask(agent, commandId, "BlockTraffic");
  ASSERT_EQ(absent.status, 200) << absent.text;
  EXPECT_EQ(absent.body, json({{"state", "done"}, {"detail", "not registered with the load balancer: nothing to drain"}}));
  EXPECT_FALSE(balancer_.findMember(groupId_, agent.instanceId).has_value()) << "blocking adds nothing";

  // Serving, with requests in flight.
  balancer_.setHealth(agent.instanceId, true, "L7OK", "");
  ASSERT_EQ(ask(agent, commandId, "AllowTraffic").body["state"], "done");
  balancer_.setInFlight(agent.instanceId, 2);
  Answer draining = ask(agent, commandId, "BlockTraffic");
  EXPECT_EQ(draining.body, json({{"state", "waiting"}, {"detail", "2 requests still in flight"}}));
  auto member = balancer_.findMember(groupId_, agent.instanceId);
  ASSERT_TRUE(member.has_value());
  EXPECT_EQ(member->weight, 0);
  EXPECT_EQ(member->adminState, "drain");

  balancer_.setInFlight(agent.instanceId, 0);
  Answer drained = ask(agent, commandId, "BlockTraffic");
  EXPECT_EQ(drained.body["state"], "done") << drained.text;
  EXPECT_EQ(ask(agent, commandId, "BlockTraffic").body["state"], "done");
  EXPECT_EQ(balancer_.findMember(groupId_, agent.instanceId)->weight, 0);
}

TEST_F(TrafficApiTest, AnotherInstancesCommandAndBadAsksAreRefused) {
  Agent owner = enrol("prod", "host-1");
  Agent other = enrol("prod", "host-2");
  std::string commandId = commandFor("prod", owner)["id"];
  Answer refused = ask(other, commandId, "BlockTraffic");
  EXPECT_EQ(refused.status, 403) << refused.text;
  Answer unknown = ask(owner, "d-NOSUCH000/" + owner.instanceId, "BlockTraffic");
  EXPECT_EQ(unknown.status, 404) << unknown.text;
  Answer badEvent = ask(owner, commandId, "ApplicationStop");
  EXPECT_EQ(badEvent.status, 400) << badEvent.text;
  Answer admin = call(*admin_, "POST", "/v1/agent/commands/" + http::percentEncode(commandId) + "/traffic",
                      json{{"event", "BlockTraffic"}});
  EXPECT_EQ(admin.status, 403) << admin.text;
  for (const auto& made : balancer_.calls()) {
    EXPECT_EQ(made.find("setWeights"), std::string::npos) << "a refused ask changed the balancer: " << made;
  }
}

TEST_F(TrafficApiTest, AGroupWithoutALoadBalancerAnswersDone) {
  createStaticGroup("web", "plain");
  Agent agent = enrol("plain", "host-3");
  json command = commandFor("plain", agent);
  EXPECT_FALSE(command.contains("loadBalancer")) << command.dump(2);
  for (const char* event : {"BlockTraffic", "AllowTraffic"}) {
    Answer answered = ask(agent, command["id"], event);
    ASSERT_EQ(answered.status, 200) << answered.text;
    EXPECT_EQ(answered.body, json({{"state", "done"}, {"detail", "no load balancer: nothing to do"}}));
  }
  for (const auto& made : balancer_.calls()) {
    EXPECT_EQ(made.rfind("ensurePool " + groupId_, 0), 0u) << "only prod's pool is touched: " << made;
  }
}

TEST_F(TrafficApiTest, ALoadBalancerThatFailsIsUnavailableSoTheAgentAsksAgain) {
  Agent agent = enrol("prod", "host-1");
  std::string commandId = commandFor("prod", agent)["id"];
  balancer_.setAway(true);
  Answer away = ask(agent, commandId, "AllowTraffic");
  EXPECT_EQ(away.status, 503) << away.text;
  balancer_.setAway(false);
  balancer_.setHealth(agent.instanceId, true, "L7OK", "");
  EXPECT_EQ(ask(agent, commandId, "AllowTraffic").body["state"], "done");
}

}  // namespace
}  // namespace greenlight::server
