// Notifications through the real server and real local agents: a receiver records every
// notification of a deployment, in order, each signed over its exact body; a receiver that is
// down and one that accepts and never answers do not hold the deployment up, their attempts are
// visible through GET /v1/deployments/{id}/notifications and are made again later.
#include <cstdlib>
#include <set>

#include "notify/webhook_signature.h"
#include "server_fixture.h"
#include "support/webhook_receiver.h"

namespace greenlight::server {
namespace {

using nlohmann::json;

constexpr const char* kSecretVariable = "GREENLIGHT_TEST_HOOK_SECRET";
constexpr const char* kSecret = "s3cr3t for the hooks";

class NotificationsApiIntegration : public ServerFixture {
 protected:
  void SetUp() override {
    // Read by the server's delivery threads; set before any of them exists.
    ::setenv(kSecretVariable, kSecret, 1);
    ServerFixture::SetUp();
  }
  void TearDown() override {
    if (admin_) call(*admin_, "DELETE", "/v1/applications/web/groups/notify");
  }

  // A local group of two instances with `notifications`, online, and a deployment of the sample
  // app to it run to its end; returns the deployment.
  json deployWith(const json& notifications) {
    createApplication("web");
    Answer group = call(*admin_, "POST", "/v1/applications/web/groups",
                        json{{"name", "notify"},
                             {"fleet", {{"provider", "local"}, {"instances", 2}}},
                             {"deploymentConfig", "CodeDeployDefault.OneAtATime"},
                             {"notifications", notifications}});
    EXPECT_EQ(group.status, 201) << group.text;
    Answer instances;
    EXPECT_TRUE(testing::waitFor([&] {
      instances = call(*admin_, "GET", "/v1/applications/web/groups/notify/instances");
      if (instances.body["instances"].size() != 2) return false;
      for (const auto& instance : instances.body["instances"]) {
        if (!instance["online"].get<bool>()) return false;
      }
      return true;
    })) << instances.text;
    for (const auto& instance : instances.body["instances"]) instanceIds_.insert(instance["id"]);
    auto pushed = admin_->uploadFile("POST", "/v1/applications/web/revisions", packBundle("app.tgz"));
    EXPECT_TRUE(pushed.ok() && pushed->status == 201);
    if (!pushed.ok()) return nullptr;
    sha_ = json::parse(pushed->body)["sha256"];
    Answer created = call(*admin_, "POST", "/v1/applications/web/groups/notify/deployments",
                          json{{"revision", sha_}});
    EXPECT_EQ(created.status, 201) << created.text;
    std::string id = created.body.value("id", "");
    Answer finished;
    EXPECT_TRUE(testing::waitFor(
        [&] {
          finished = call(*admin_, "GET", "/v1/deployments/" + id + "/watch?after=0&wait=5");
          std::string status = finished.body.value("status", "");
          return status == "Succeeded" || status == "Failed" || status == "Stopped";
        },
        std::chrono::seconds(120)))
        << finished.text;
    EXPECT_EQ(finished.body["status"], "Succeeded") << finished.text;
    return finished.body;
  }

  json notificationsOf(const std::string& id) {
    Answer answer = call(*admin_, "GET", "/v1/deployments/" + id + "/notifications");
    EXPECT_EQ(answer.status, 200) << answer.text;
    return answer.body["notifications"];
  }
  json notificationsTo(const std::string& id, const std::string& target) {
    json found = json::array();
    for (const auto& n : notificationsOf(id)) {
      if (n["target"] == target) found.push_back(n);
    }
    return found;
  }

  std::set<std::string> instanceIds_;
  std::string sha_;
};

TEST_F(NotificationsApiIntegration, AReceiverGetsEveryNotificationOfADeploymentInOrderAndSigned) {
  testing::WebhookReceiver ops;
  testing::WebhookReceiver chat;
  json deployment = deployWith(json::array(
      {{{"name", "ops"}, {"url", ops.url()}, {"secretEnv", kSecretVariable}},
       {{"name", "chat"}, {"url", chat.url("/slack")}, {"format", "slack"},
        {"events", {"DeploymentSuccess", "DeploymentFailure"}}}}));
  ASSERT_EQ(deployment["status"], "Succeeded");
  const std::string id = deployment["id"];

  json notifications;
  ASSERT_TRUE(testing::waitFor([&] {
    notifications = notificationsOf(id);
    if (notifications.size() != 7) return false;
    for (const auto& n : notifications) {
      if (n["status"] != "Delivered") return false;
    }
    return true;
  })) << notifications.dump(2);
  for (const auto& n : notifications) {
    EXPECT_EQ(n["attempts"], 1) << n.dump();
    EXPECT_EQ(n["lastHttpStatus"], 200) << n.dump();
    EXPECT_EQ(n["lastError"], "") << n.dump();
    EXPECT_EQ(n["signed"], n["target"] == "ops") << n.dump();
  }

  std::vector<testing::WebhookReceiver::Request> received = ops.received();
  ASSERT_EQ(received.size(), 6u);
  std::vector<std::string> events;
  std::map<std::string, std::vector<std::string>> perInstance;
  for (std::size_t i = 0; i < received.size(); ++i) {
    const auto& request = received[i];
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.path, "/hook");
    EXPECT_EQ(request.header("content-type"), "application/json");
    json body = json::parse(request.body);
    EXPECT_EQ(body["sequence"], static_cast<int>(i + 1)) << "in order: " << request.body;
    EXPECT_EQ(body["deploymentId"], id);
    EXPECT_EQ(body["application"], "web");
    EXPECT_EQ(body["deploymentGroup"], "notify");
    EXPECT_EQ(body["revision"], sha_);
    EXPECT_EQ(body["createdBy"], deployment["createdBy"]);
    EXPECT_EQ(request.header("x-greenlight-event"), body["event"]);
    EXPECT_EQ(request.header("x-greenlight-delivery"), body["deliveryId"]);
    EXPECT_EQ(request.header("x-greenlight-delivery"), id + "." + std::to_string(i + 1) + ".ops");
    EXPECT_EQ(request.header("x-greenlight-signature"),
              "sha256=" + notify::hmacSha256Hex(kSecret, request.body))
        << "signed over the exact body";
    events.push_back(body["event"]);
    if (body.contains("instance")) {
      std::string instance = body["instance"]["instanceId"];
      EXPECT_TRUE(instanceIds_.contains(instance)) << instance;
      EXPECT_FALSE(body["instance"]["hostName"].get<std::string>().empty());
      perInstance[instance].push_back(body["event"]);
    }
  }
  EXPECT_EQ(events.front(), "DeploymentStart");
  EXPECT_EQ(events.back(), "DeploymentSuccess");
  ASSERT_EQ(perInstance.size(), 2u);
  for (const auto& [instance, its] : perInstance) {
    EXPECT_EQ(its, (std::vector<std::string>{"InstanceStart", "InstanceSuccess"})) << instance;
  }
  // One at a time: the second instance starts after the first succeeded.
  EXPECT_EQ(std::vector<std::string>(events.begin() + 1, events.end() - 1),
            (std::vector<std::string>{"InstanceStart", "InstanceSuccess", "InstanceStart", "InstanceSuccess"}));

  std::vector<testing::WebhookReceiver::Request> slack = chat.received();
  ASSERT_EQ(slack.size(), 1u);
  json text = json::parse(slack[0].body);
  ASSERT_EQ(text.size(), 1u) << slack[0].body;
  EXPECT_NE(text["text"].get<std::string>().find("DeploymentSuccess of web/notify (" + id),
            std::string::npos)
      << slack[0].body;
  EXPECT_EQ(slack[0].header("x-greenlight-signature"), "");

  // The CLI shows the same.
  auto shown = testing::runCommand("GREENLIGHT_ADDR=127.0.0.1:" + std::to_string(server_->port()) +
                                   " GREENLIGHT_TOKEN=" + adminToken() + " GREENLIGHT_TOKEN_FILE= '" +
                                   testing::greenlightBinary().string() + "' notifications " + id);
  EXPECT_EQ(shown.exitCode, 0) << shown.output;
  EXPECT_NE(shown.output.find("DeploymentSuccess"), std::string::npos) << shown.output;
  EXPECT_NE(shown.output.find("Delivered"), std::string::npos) << shown.output;

  Answer unknown = call(*admin_, "GET", "/v1/deployments/d-NOSUCH000/notifications");
  EXPECT_EQ(unknown.status, 404) << unknown.text;
  EXPECT_NE(unknown.text.find("d-NOSUCH000"), std::string::npos) << unknown.text;
}

TEST_F(NotificationsApiIntegration, AReceiverThatIsDownOrHangsNeverHoldsUpTheDeployment) {
  const int closed = testing::freePort();  // nothing listens there
  testing::WebhookReceiver hung(/*hold=*/true);
  testing::WebhookReceiver good;
  json deployment = deployWith(json::array(
      {{{"name", "down"}, {"url", "http://127.0.0.1:" + std::to_string(closed) + "/hook"}},
       {{"name", "hung"}, {"url", hung.url()}, {"timeoutSeconds", 60}},
       {{"name", "good"}, {"url", good.url()}}}));
  ASSERT_EQ(deployment["status"], "Succeeded");
  const std::string id = deployment["id"];
  // Finished while the hanging receiver still sits on the first notification, unanswered.
  EXPECT_EQ(hung.held(), 1);
  for (const auto& n : notificationsTo(id, "hung")) EXPECT_EQ(n["status"], "Pending") << n.dump();

  // The others' lanes are theirs: the good receiver gets everything.
  ASSERT_TRUE(testing::waitFor([&] { return good.received().size() == 6; })) << good.received().size();
  EXPECT_EQ(json::parse(good.received().back().body)["event"], "DeploymentSuccess");

  // The closed port: attempted, recorded, and tried again after the backoff, in order.
  json down;
  ASSERT_TRUE(testing::waitFor([&] {
    down = notificationsTo(id, "down");
    return down.size() == 6 && down[0]["attempts"].get<int>() >= 2;
  })) << down.dump(2);
  EXPECT_EQ(down[0]["event"], "DeploymentStart");
  EXPECT_EQ(down[0]["status"], "Pending");
  EXPECT_TRUE(down[0]["lastHttpStatus"].is_null());
  EXPECT_NE(down[0]["lastError"].get<std::string>().find("could not connect"), std::string::npos)
      << down[0].dump();
  EXPECT_FALSE(down[0]["nextAttemptAt"].is_null());
  EXPECT_FALSE(down[0]["lastAttemptAt"].is_null());
  EXPECT_EQ(down[1]["attempts"], 0) << "the lane's next waits behind its first";

  // The hanging receiver lets go without answering: that attempt fails and is made again.
  hung.dropHeld();
  json first;
  ASSERT_TRUE(testing::waitFor([&] {
    first = notificationsTo(id, "hung")[0];
    return first["attempts"].get<int>() >= 1;
  })) << first.dump();
  EXPECT_NE(first["lastError"].get<std::string>().find("closed before an answer"), std::string::npos)
      << first.dump();
  ASSERT_TRUE(testing::waitFor([&] { return hung.received().size() >= 2; }));
  auto again = hung.received();
  EXPECT_EQ(again[1].header("x-greenlight-delivery"), again[0].header("x-greenlight-delivery"))
      << "the same notification, retried";
  EXPECT_EQ(again[1].body, again[0].body);
}

}  // namespace
}  // namespace greenlight::server
