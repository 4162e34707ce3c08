// Who may call what: public health, 401 without or with a bad token, the role matrix through the
// real API, and agent tokens kept to their own routes and commands.
#include "server_fixture.h"

#include "http/url_codec.h"

namespace greenlight::server {
namespace {

using nlohmann::json;

class AuthorisationApiTest : public ServerFixture {};

TEST_F(AuthorisationApiTest, HealthIsPublic) {
  auto anonymous = clientWith("");
  Answer health = call(*anonymous, "GET", "/v1/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body["status"], "ok");
}

TEST_F(AuthorisationApiTest, NoTokenIsRefusedWith401) {
  auto anonymous = clientWith("");
  Answer listed = call(*anonymous, "GET", "/v1/applications");
  EXPECT_EQ(listed.status, 401);
  EXPECT_EQ(listed.body["error"]["code"], "Unauthenticated");
  EXPECT_NE(listed.body["error"]["message"].get<std::string>().find("Authorization: Bearer"),
            std::string::npos);
}

TEST_F(AuthorisationApiTest, UnknownTokenIsRefusedWith401SayingWhy) {
  auto stranger = clientWith("glt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  Answer listed = call(*stranger, "GET", "/v1/applications");
  EXPECT_EQ(listed.status, 401);
  EXPECT_NE(listed.body["error"]["message"].get<std::string>().find("TokenUnknown"),
            std::string::npos)
      << listed.text;
  auto garbage = clientWith("not-a-token");
  EXPECT_EQ(call(*garbage, "GET", "/v1/applications").status, 401);
}

TEST_F(AuthorisationApiTest, RevokedTokenIsRefusedAtOnce) {
  auto created = call(*admin_, "POST", "/v1/tokens", json{{"name", "temp"}, {"role", "viewer"}});
  ASSERT_EQ(created.status, 201);
  auto viewer = clientWith(created.body["token"]);
  EXPECT_EQ(call(*viewer, "GET", "/v1/applications").status, 200);
  Answer revoked =
      call(*admin_, "DELETE", "/v1/tokens/" + std::to_string(created.body["id"].get<int>()));
  EXPECT_EQ(revoked.status, 204);
  Answer after = call(*viewer, "GET", "/v1/applications");
  EXPECT_EQ(after.status, 401);
  EXPECT_NE(after.text.find("TokenRevoked"), std::string::npos) << after.text;
}

TEST_F(AuthorisationApiTest, ViewerReadsButCannotCreate) {
  auto viewer = clientWith(tokenFor("viewer"));
  EXPECT_EQ(call(*viewer, "GET", "/v1/applications").status, 200);
  Answer created = call(*viewer, "POST", "/v1/applications", json{{"name", "web"}});
  EXPECT_EQ(created.status, 403);
  EXPECT_EQ(created.body["error"]["code"], "Forbidden");
  EXPECT_EQ(call(*admin_, "GET", "/v1/applications/web").status, 404);
}

TEST_F(AuthorisationApiTest, DeployerDeploysButCannotCreateGroupsOrTokens) {
  createApplication("web");
  createStaticGroup("web", "prod");
  auto deployer = clientWith(tokenFor("deployer"));
  Answer group = call(*deployer, "POST", "/v1/applications/web/groups",
                      json{{"name", "other"}, {"fleet", {{"provider", "static"}}}});
  EXPECT_EQ(group.status, 403) << group.text;
  Answer token = call(*deployer, "POST", "/v1/tokens", json{{"name", "x"}, {"role", "admin"}});
  EXPECT_EQ(token.status, 403) << token.text;

  auto bundle = packBundle("app.tgz");
  auto pushed = deployer->uploadFile("POST", "/v1/applications/web/revisions", bundle);
  ASSERT_TRUE(pushed.ok());
  ASSERT_EQ(pushed->status, 201) << pushed->body;
  std::string sha = json::parse(pushed->body)["sha256"];
  Answer deployment = call(*deployer, "POST", "/v1/applications/web/groups/prod/deployments",
                           json{{"revision", sha}});
  EXPECT_EQ(deployment.status, 201) << deployment.text;
  EXPECT_EQ(deployment.body["createdBy"], "deployer-user");
}

TEST_F(AuthorisationApiTest, AdminCreatesGroupsAndTokens) {
  createApplication("web");
  createStaticGroup("web", "prod");
  Answer token = call(*admin_, "POST", "/v1/tokens", json{{"name", "ci"}, {"role", "deployer"}});
  EXPECT_EQ(token.status, 201);
  EXPECT_EQ(token.body["role"], "deployer");
  EXPECT_EQ(token.body["token"].get<std::string>().rfind("glt_", 0), 0u);
  Answer listed = call(*admin_, "GET", "/v1/tokens");
  ASSERT_EQ(listed.status, 200);
  for (const json& entry : listed.body["tokens"]) EXPECT_FALSE(entry.contains("token"));
}

class AgentAuthorisationApiTest : public ServerFixture {
 protected:
  // Enrols a static agent for host `host` of web/prod and returns (instance id, client).
  std::pair<std::string, std::unique_ptr<http::HttpClient>> enrol(const std::string& host) {
    Answer enrolment = call(*admin_, "POST", "/v1/applications/web/groups/prod/enrolment-tokens");
    EXPECT_EQ(enrolment.status, 201) << enrolment.text;
    auto enrolling = clientWith(enrolment.body["token"]);
    Answer enrolled = call(*enrolling, "POST", "/v1/agent/enrol", json{{"hostName", host}});
    EXPECT_EQ(enrolled.status, 201) << enrolled.text;
    return {enrolled.body["instanceId"], clientWith(enrolled.body["token"])};
  }
};

TEST_F(AgentAuthorisationApiTest, AgentTokensCannotCallOperatorRoutes) {
  createApplication("web");
  createStaticGroup("web", "prod");
  auto [instanceId, agent] = enrol("host-1");
  EXPECT_EQ(instanceId.rfind("i-", 0), 0u);
  EXPECT_EQ(call(*agent, "GET", "/v1/applications").status, 403);
  EXPECT_EQ(call(*agent, "POST", "/v1/tokens", json{{"name", "x"}, {"role", "admin"}}).status, 403);
  EXPECT_EQ(call(*agent, "GET", "/v1/agent/commands?wait=0").status, 200);
  EXPECT_EQ(call(*agent, "POST", "/v1/agent/heartbeat", json::object()).status, 204);
  // And people cannot call the agent routes.
  EXPECT_EQ(call(*admin_, "GET", "/v1/agent/commands?wait=0").status, 403);
}

TEST_F(AgentAuthorisationApiTest, AnAgentCannotReportOnAnotherInstancesCommand) {
  createApplication("web");
  createStaticGroup("web", "prod");
  auto [first, firstAgent] = enrol("host-1");
  auto [second, secondAgent] = enrol("host-2");
  auto bundle = packBundle("app.tgz");
  auto pushed = admin_->uploadFile("POST", "/v1/applications/web/revisions", bundle);
  ASSERT_TRUE(pushed.ok() && pushed->status == 201);
  std::string sha = json::parse(pushed->body)["sha256"];
  Answer deployment = call(*admin_, "POST", "/v1/applications/web/groups/prod/deployments",
                           json{{"revision", sha}});
  ASSERT_EQ(deployment.status, 201) << deployment.text;

  json commands;
  ASSERT_TRUE(testing::waitFor([&] {
    commands = call(*firstAgent, "GET", "/v1/agent/commands?wait=1").body["commands"];
    return commands.is_array() && !commands.empty();
  }));
  std::string commandId = commands[0]["id"];
  EXPECT_NE(commandId.find(first), std::string::npos);
  // The agent may fetch its group's bundle.
  auto downloaded =
      firstAgent->downloadToFile("/v1/revisions/" + sha + "/bundle", data_.path() / "got.tgz");
  ASSERT_TRUE(downloaded.ok());
  EXPECT_EQ(downloaded->status, 200);
  EXPECT_EQ(testing::readFile(data_.path() / "got.tgz"), testing::readFile(bundle));

  json event = {{"event", "BeforeInstall"}, {"status", "InProgress"}};
  std::string encoded = http::percentEncode(commandId);
  Answer stolen = call(*secondAgent, "POST", "/v1/agent/commands/" + encoded + "/events", event);
  EXPECT_EQ(stolen.status, 403) << stolen.text;
  Answer own = call(*firstAgent, "POST", "/v1/agent/commands/" + encoded + "/events", event);
  EXPECT_EQ(own.status, 204) << own.text;
}

}  // namespace
}  // namespace greenlight::server
