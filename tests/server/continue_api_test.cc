// POST /v1/deployments/{id}/continue through the real API: who may call it, unknown ids, and a
// deployment that is not waiting for anyone.
#include "server_fixture.h"

namespace greenlight::server {
namespace {

using nlohmann::json;

class ContinueApiTest : public ServerFixture {
 protected:
  // An in-place deployment to a static group: it never waits for `continue`.
  std::string createInPlaceDeployment() {
    createApplication("web");
    createStaticGroup("web", "prod");
    auto pushed = admin_->uploadFile("POST", "/v1/applications/web/revisions", packBundle("app.tgz"));
    EXPECT_TRUE(pushed.ok());
    if (!pushed.ok()) return "";
    EXPECT_EQ(pushed->status, 201) << pushed->body;
    std::string sha = json::parse(pushed->body)["sha256"];
    Answer created = call(*admin_, "POST", "/v1/applications/web/groups/prod/deployments",
                          json{{"revision", sha}});
    EXPECT_EQ(created.status, 201) << created.text;
    return created.body.value("id", "");
  }
};

TEST_F(ContinueApiTest, UnknownDeploymentIs404NamingIt) {
  Answer answered = call(*admin_, "POST", "/v1/deployments/d-NOSUCH000/continue", json::object());
  EXPECT_EQ(answered.status, 404) << answered.text;
  EXPECT_EQ(answered.body["error"]["code"], "NotFound") << answered.text;
  EXPECT_NE(answered.text.find("d-NOSUCH000"), std::string::npos) << answered.text;
}

TEST_F(ContinueApiTest, ADeploymentNotWaitingIs409WithTheEnginesMessage) {
  std::string id = createInPlaceDeployment();
  ASSERT_FALSE(id.empty());
  auto deployer = clientWith(tokenFor("deployer"));
  Answer before = call(*admin_, "GET", "/v1/deployments/" + id);
  // No body at all is accepted like an empty object.
  Answer answered = call(*deployer, "POST", "/v1/deployments/" + id + "/continue");
  EXPECT_EQ(answered.status, 409) << answered.text;
  EXPECT_EQ(answered.body["error"]["code"], "Conflict") << answered.text;
  EXPECT_NE(answered.body["error"]["message"].get<std::string>().find("not waiting"),
            std::string::npos)
      << answered.text;
  Answer after = call(*admin_, "GET", "/v1/deployments/" + id);
  EXPECT_EQ(after.body["stopRequested"], before.body["stopRequested"]);
  EXPECT_NE(after.body["status"], "Stopped") << "a refused continue changes nothing";
}

TEST_F(ContinueApiTest, AViewerMayNotContinue) {
  std::string id = createInPlaceDeployment();
  ASSERT_FALSE(id.empty());
  auto viewer = clientWith(tokenFor("viewer"));
  Answer answered = call(*viewer, "POST", "/v1/deployments/" + id + "/continue", json::object());
  EXPECT_EQ(answered.status, 403) << answered.text;
  EXPECT_EQ(answered.body["error"]["code"], "Forbidden");
  EXPECT_NE(answered.text.find("continue"), std::string::npos) << answered.text;
}

TEST_F(ContinueApiTest, ABodyThatIsNotAnObjectIs400) {
  std::string id = createInPlaceDeployment();
  ASSERT_FALSE(id.empty());
  Answer answered = call(*admin_, "POST", "/v1/deployments/" + id + "/continue", json::array());
  EXPECT_EQ(answered.status, 400) << answered.text;
}

}  // namespace
}  // namespace greenlight::server
