// Bad input and unknown ids answered with the right 4xx and a message that helps; revisions
// pushed once by sha256; group files in YAML.
#include "server_fixture.h"

namespace greenlight::server {
namespace {

using nlohmann::json;

class ResourcesApiTest : public ServerFixture {
 protected:
  Answer raw(const std::string& method, const std::string& path, const std::string& body,
             const std::string& contentType) {
    std::filesystem::path file = data_.path() / "body";
    testing::writeFile(file, body);
    auto response = admin_->uploadFile(method, path, file, contentType);
    EXPECT_TRUE(response.ok());
    if (!response.ok()) return {};
    return {response->status, json::parse(response->body, nullptr, false), response->body};
  }
};

TEST_F(ResourcesApiTest, MalformedJsonIsA400SayingWhere) {
  Answer answer = raw("POST", "/v1/applications", "{\"name\": \"web\",", "application/json");
  EXPECT_EQ(answer.status, 400);
  EXPECT_EQ(answer.body["error"]["code"], "MalformedJson");
  EXPECT_NE(answer.body["error"]["message"].get<std::string>().find("line"), std::string::npos)
      << answer.text;
}

TEST_F(ResourcesApiTest, WrongTypesAndMissingFieldsAre400sNamingTheField) {
  Answer wrongType = call(*admin_, "POST", "/v1/applications", json{{"name", 42}});
  EXPECT_EQ(wrongType.status, 400);
  EXPECT_NE(wrongType.text.find("'name'"), std::string::npos) << wrongType.text;
  Answer notObject = call(*admin_, "POST", "/v1/applications", json::array());
  EXPECT_EQ(notObject.status, 400);
}

TEST_F(ResourcesApiTest, UnknownIdsAre404sNamingThem) {
  Answer app = call(*admin_, "GET", "/v1/applications/nosuchapp");
  EXPECT_EQ(app.status, 404);
  EXPECT_EQ(app.body["error"]["code"], "NotFound");
  EXPECT_NE(app.text.find("nosuchapp"), std::string::npos) << app.text;

  createApplication("web");
  Answer group = call(*admin_, "GET", "/v1/applications/web/groups/nosuchgroup");
  EXPECT_EQ(group.status, 404);
  EXPECT_NE(group.text.find("nosuchgroup"), std::string::npos) << group.text;

  Answer deployment = call(*admin_, "GET", "/v1/deployments/d-NOSUCHONE");
  EXPECT_EQ(deployment.status, 404);
  EXPECT_NE(deployment.text.find("d-NOSUCHONE"), std::string::npos) << deployment.text;

  Answer instance = call(*admin_, "GET", "/v1/instances/i-000000000000");
  EXPECT_EQ(instance.status, 404);
  EXPECT_NE(instance.text.find("i-000000000000"), std::string::npos) << instance.text;

  Answer groups = call(*admin_, "GET", "/v1/applications/nosuchapp/groups");
  EXPECT_EQ(groups.status, 404);
}

TEST_F(ResourcesApiTest, ApplicationsAreCreatedListedAndDeleted) {
  createApplication("web");
  Answer again = call(*admin_, "POST", "/v1/applications", json{{"name", "web"}});
  EXPECT_EQ(again.status, 409);
  Answer listed = call(*admin_, "GET", "/v1/applications");
  ASSERT_EQ(listed.status, 200);
  ASSERT_EQ(listed.body["applications"].size(), 1u);
  EXPECT_EQ(listed.body["applications"][0]["name"], "web");
  EXPECT_EQ(call(*admin_, "DELETE", "/v1/applications/web").status, 204);
  EXPECT_EQ(call(*admin_, "GET", "/v1/applications/web").status, 404);
}

TEST_F(ResourcesApiTest, ConfigsListPredefinedOnesAndAcceptCustomOnes) {
  Answer listed = call(*admin_, "GET", "/v1/deployment-configs");
  ASSERT_EQ(listed.status, 200);
  ASSERT_FALSE(listed.body["deploymentConfigs"].empty());
  EXPECT_TRUE(listed.body["deploymentConfigs"][0]["predefined"].get<bool>());
  Answer created = call(*admin_, "POST", "/v1/deployment-configs",
                        json{{"name", "two-at-a-time"},
                             {"computePlatform", "server"},
                             {"minimumHealthyHosts", {{"type", "HOST_COUNT"}, {"value", 2}}}});
  EXPECT_EQ(created.status, 201) << created.text;
  EXPECT_FALSE(created.body["predefined"].get<bool>());
  EXPECT_EQ(call(*admin_, "GET", "/v1/deployment-configs/two-at-a-time").status, 200);
  Answer predefined = call(*admin_, "DELETE", "/v1/deployment-configs/CodeDeployDefault.AllAtOnce");
  EXPECT_EQ(predefined.status, 409) << predefined.text;
}

TEST_F(ResourcesApiTest, GroupsComeFromYamlAndInvalidYamlSaysLineAndKey) {
  createApplication("web");
  Answer valid = raw("POST", "/v1/applications/web/groups",
                     "name: prod\nfleet:\n  provider: static\n"
                     "deploymentConfig: CodeDeployDefault.HalfAtATime\n",
                     "application/yaml");
  EXPECT_EQ(valid.status, 201) << valid.text;
  EXPECT_EQ(valid.body["name"], "prod");
  EXPECT_EQ(valid.body["deploymentConfig"], "CodeDeployDefault.HalfAtATime");
  EXPECT_EQ(valid.body["id"].get<std::string>().rfind("dg-", 0), 0u);

  Answer invalid = raw("POST", "/v1/applications/web/groups",
                       "name: staging\nfleet:\n  provider: local\n  instances: four\n",
                       "application/yaml");
  EXPECT_EQ(invalid.status, 400);
  EXPECT_EQ(invalid.body["error"]["code"], "InvalidGroupSpec");
  std::string message = invalid.body["error"]["message"];
  EXPECT_NE(message.find(":4:"), std::string::npos) << message;  // the line
  EXPECT_NE(message.find("fleet.instances"), std::string::npos) << message;
  EXPECT_EQ(call(*admin_, "GET", "/v1/applications/web/groups/staging").status, 404);
}

TEST_F(ResourcesApiTest, GroupsAreListedChangedAndDeleted) {
  createApplication("web");
  createStaticGroup("web", "prod");
  Answer listed = call(*admin_, "GET", "/v1/applications/web/groups");
  ASSERT_EQ(listed.status, 200);
  ASSERT_EQ(listed.body["groups"].size(), 1u);
  Answer changed = call(*admin_, "PUT", "/v1/applications/web/groups/prod",
                        json{{"name", "prod"},
                             {"fleet", {{"provider", "static"}}},
                             {"deploymentConfig", "CodeDeployDefault.OneAtATime"}});
  EXPECT_EQ(changed.status, 200) << changed.text;
  EXPECT_EQ(changed.body["deploymentConfig"], "CodeDeployDefault.OneAtATime");
  Answer renamed = call(*admin_, "PUT", "/v1/applications/web/groups/prod",
                        json{{"name", "other"}, {"fleet", {{"provider", "static"}}}});
  EXPECT_EQ(renamed.status, 400);
  EXPECT_EQ(call(*admin_, "DELETE", "/v1/applications/web/groups/prod").status, 204);
  EXPECT_EQ(call(*admin_, "GET", "/v1/applications/web/groups/prod").status, 404);
}

TEST_F(ResourcesApiTest, RevisionsArePushedOnceBySha) {
  createApplication("web");
  auto bundle = packBundle("app.tgz");
  auto first = admin_->uploadFile("POST", "/v1/applications/web/revisions?description=v1", bundle);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->status, 201) << first->body;
  json revision = json::parse(first->body);
  EXPECT_EQ(revision["sha256"].get<std::string>().size(), 64u);
  EXPECT_EQ(revision["bundleType"], "tgz");
  EXPECT_EQ(revision["description"], "v1");

  auto second = admin_->uploadFile("POST", "/v1/applications/web/revisions", bundle);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->status, 200) << second->body;
  EXPECT_EQ(json::parse(second->body)["sha256"], revision["sha256"]);

  Answer listed = call(*admin_, "GET", "/v1/applications/web/revisions");
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.body["revisions"].size(), 1u);
  Answer latest = call(*admin_, "GET", "/v1/applications/web/revisions/latest");
  EXPECT_EQ(latest.body["sha256"], revision["sha256"]);

  auto downloaded = admin_->downloadToFile(
      "/v1/revisions/" + revision["sha256"].get<std::string>() + "/bundle", data_.path() / "copy");
  ASSERT_TRUE(downloaded.ok());
  EXPECT_EQ(downloaded->status, 200);
  EXPECT_EQ(testing::readFile(data_.path() / "copy"), testing::readFile(bundle));
}

TEST_F(ResourcesApiTest, ABundleWithoutAppSpecIsA422) {
  createApplication("web");
  testing::writeFile(data_.path() / "noappspec/index.html", "hello\n");
  auto bundle = packBundle("bad.tgz", data_.path() / "noappspec");
  auto pushed = admin_->uploadFile("POST", "/v1/applications/web/revisions", bundle);
  ASSERT_TRUE(pushed.ok());
  EXPECT_EQ(pushed->status, 422) << pushed->body;
  EXPECT_NE(pushed->body.find("appspec"), std::string::npos) << pushed->body;
  Answer listed = call(*admin_, "GET", "/v1/applications/web/revisions");
  EXPECT_TRUE(listed.body["revisions"].empty());
}

TEST_F(ResourcesApiTest, TheAuditLogSaysWhoChangedWhat) {
  auto deployerToken = tokenFor("deployer");
  createApplication("web");
  auto deployer = clientWith(deployerToken);
  auto pushed =
      deployer->uploadFile("POST", "/v1/applications/web/revisions", packBundle("app.tgz"));
  ASSERT_TRUE(pushed.ok() && pushed->status == 201);
  Answer entries = call(*admin_, "GET", "/v1/audit");
  ASSERT_EQ(entries.status, 200);
  bool sawApplication = false, sawRevision = false, sawToken = false;
  for (const json& entry : entries.body["entries"]) {
    if (entry["action"] == "create-application") {
      sawApplication = true;
      EXPECT_EQ(entry["target"], "application:web");
      EXPECT_EQ(entry["role"], "admin");
    }
    if (entry["action"] == "push-revision") {
      sawRevision = true;
      EXPECT_EQ(entry["principal"], "deployer-user");
    }
    if (entry["action"] == "create-token") sawToken = true;
  }
  EXPECT_TRUE(sawApplication && sawRevision && sawToken) << entries.text;
  Answer filtered = call(*admin_, "GET", "/v1/audit?target=application:web");
  ASSERT_EQ(filtered.body["entries"].size(), 1u);
}

}  // namespace
}  // namespace greenlight::server
