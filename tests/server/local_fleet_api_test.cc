// End to end through the API with real local agents: a group of two local instances comes online
// and a deployment of the sample app succeeds on both.
#include "server_fixture.h"

namespace greenlight::server {
namespace {

using nlohmann::json;

class LocalFleetApiIntegration : public ServerFixture {
 protected:
  void TearDown() override {
    // Local agents outlive the server by design; the test removes them with their group.
    if (admin_) call(*admin_, "DELETE", "/v1/applications/web/groups/local");
  }
};

TEST_F(LocalFleetApiIntegration, AgentsComeOnlineAndADeploymentSucceeds) {
  createApplication("web");
  Answer group = call(*admin_, "POST", "/v1/applications/web/groups",
                      json{{"name", "local"},
                           {"fleet", {{"provider", "local"}, {"instances", 2}}},
                           {"deploymentConfig", "CodeDeployDefault.AllAtOnce"}});
  ASSERT_EQ(group.status, 201) << group.text;
  Answer instances;
  ASSERT_TRUE(testing::waitFor([&] {
    instances = call(*admin_, "GET", "/v1/applications/web/groups/local/instances");
    if (instances.body["instances"].size() != 2) return false;
    for (const auto& instance : instances.body["instances"]) {
      if (!instance["online"].get<bool>()) return false;
    }
    return true;
  })) << instances.text;

  auto pushed = admin_->uploadFile("POST", "/v1/applications/web/revisions", packBundle("app.tgz"));
  ASSERT_TRUE(pushed.ok() && pushed->status == 201);
  std::string sha = json::parse(pushed->body)["sha256"];
  Answer created = call(*admin_, "POST", "/v1/applications/web/groups/local/deployments",
                        json{{"revision", sha}});
  ASSERT_EQ(created.status, 201) << created.text;
  std::string id = created.body["id"];
  Answer finished;
  ASSERT_TRUE(testing::waitFor(
      [&] {
        finished = call(*admin_, "GET", "/v1/deployments/" + id + "/watch?after=0&wait=5");
        std::string status = finished.body.value("status", "");
        return status == "Succeeded" || status == "Failed" || status == "Stopped";
      },
      std::chrono::seconds(120)))
      << finished.text;
  EXPECT_EQ(finished.body["status"], "Succeeded") << finished.text;
  EXPECT_EQ(finished.body["counts"]["succeeded"], 2) << finished.text;
}

}  // namespace
}  // namespace greenlight::server
