// GET /v1/deployments/{id}/events through a real server and a real client reading the stream:
// a snapshot first, then updates carrying only the instances that changed, without log tails
// (GET /v1/deployments/{id}/targets/{instance} has them). And the revision appspec/files API.
#include <future>

#include "server_fixture.h"

#include "common/sha256.h"
#include "http/url_codec.h"

namespace greenlight::server {
namespace {

using nlohmann::json;

class DeploymentEventsApiTest : public ServerFixture {
 protected:
  void SetUp() override {
    ServerFixture::SetUp();
    createApplication("web");
  }

  std::string push(const std::filesystem::path& folder, const std::string& name) {
    auto pushed = admin_->uploadFile("POST", "/v1/applications/web/revisions",
                                     packBundle(name, folder));
    EXPECT_TRUE(pushed.ok() && (pushed->status == 201 || pushed->status == 200));
    return pushed.ok() ? json::parse(pushed->body).value("sha256", "") : "";
  }
};

TEST_F(DeploymentEventsApiTest, AStreamSendsASnapshotThenOnlyTheChangedInstances) {
  createStaticGroup("web", "prod");
  EnrolledAgent agent = enrolAgent("web", "prod", "host-1");
  ASSERT_FALSE(agent.instanceId.empty());
  const std::string& instanceId = agent.instanceId;
  std::string sha = push(testing::sourceDir() / "examples/sample-app", "app.tgz");
  Answer created = call(*admin_, "POST", "/v1/applications/web/groups/prod/deployments",
                        json{{"revision", sha}});
  ASSERT_EQ(created.status, 201) << created.text;
  std::string id = created.body["id"];
  ASSERT_TRUE(testing::waitFor([&] {
    json d = call(*admin_, "GET", "/v1/deployments/" + id).body;
    return d["targets"].size() == 1 && d["targets"][0]["status"] == "InProgress";
  }));

  std::promise<void> snapshotSeen;
  std::vector<http::ServerSentEvent> received;
  std::future<Status> reading = std::async(std::launch::async, [&] {
    auto viewer = clientWith(adminToken());
    bool first = true;
    return viewer->readEvents("/v1/deployments/" + id + "/events",
                              [&](const http::ServerSentEvent& event) {
                                received.push_back(event);
                                if (first) snapshotSeen.set_value();
                                first = false;
                                json data = json::parse(event.data);
                                // Read until the agent's report shows up.
                                return !(event.type == "update" && !data["targets"].empty() &&
                                         data["targets"][0]["currentEvent"] == "BeforeInstall");
                              });
  });
  ASSERT_EQ(snapshotSeen.get_future().wait_for(std::chrono::seconds(30)), std::future_status::ready);

  auto reporter = clientWith(agent.token);
  std::string commandId = http::percentEncode(id + "/" + instanceId);
  Answer reported = call(*reporter, "POST", "/v1/agent/commands/" + commandId + "/events",
                         json{{"event", "BeforeInstall"},
                              {"status", "Succeeded"},
                              {"startedAt", "2026-01-01T00:00:00.000Z"},
                              {"endedAt", "2026-01-01T00:00:01.500Z"},
                              {"logTail", "installing the sample app\n"}});
  ASSERT_EQ(reported.status, 204) << reported.text;
  ASSERT_EQ(reading.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  Status finished = reading.get();
  ASSERT_TRUE(finished.ok()) << finished.error().message;

  ASSERT_GE(received.size(), 2u);
  EXPECT_EQ(received.front().type, "snapshot");
  json snapshot = json::parse(received.front().data);
  EXPECT_EQ(snapshot["deployment"]["id"], id);
  EXPECT_FALSE(snapshot["deployment"].contains("targets"));
  ASSERT_EQ(snapshot["targets"].size(), 1u);
  EXPECT_EQ(snapshot["targets"][0]["instanceId"], instanceId);
  EXPECT_GT(snapshot["sentAtMs"].get<std::int64_t>(), 0);
  EXPECT_EQ(received.front().id, std::to_string(snapshot["deployment"]["version"].get<std::uint64_t>()));

  const http::ServerSentEvent& last = received.back();
  EXPECT_EQ(last.type, "update");
  json update = json::parse(last.data);
  EXPECT_GT(update["deployment"]["version"].get<std::uint64_t>(),
            snapshot["deployment"]["version"].get<std::uint64_t>());
  const json& event = update["targets"][0]["events"];
  bool found = false;
  for (const json& each : event) {
    if (each["event"] != "BeforeInstall") continue;
    found = true;
    EXPECT_EQ(each["status"], "Succeeded");
    EXPECT_EQ(each["durationMs"], 1500);
    EXPECT_TRUE(each["hasLog"].get<bool>());
    EXPECT_FALSE(each.contains("logTail")) << "log tails are fetched on demand";
  }
  EXPECT_TRUE(found) << update.dump(2);

  Answer target = call(*admin_, "GET", "/v1/deployments/" + id + "/targets/" + instanceId);
  ASSERT_EQ(target.status, 200) << target.text;
  bool withLog = false;
  for (const json& each : target.body["events"]) {
    if (each["event"] == "BeforeInstall") withLog = each["logTail"] == "installing the sample app\n";
  }
  EXPECT_TRUE(withLog) << target.text;
  EXPECT_EQ(call(*admin_, "GET", "/v1/deployments/" + id + "/targets/i-nosuch").status, 404);
}

TEST_F(DeploymentEventsApiTest, AnUnknownDeploymentIs404NotAnEmptyStream) {
  auto client = clientWith(adminToken());
  Status status = client->readEvents("/v1/deployments/d-NOSUCH000/events",
                                     [](const http::ServerSentEvent&) { return true; });
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, "NotFound");
}

TEST_F(DeploymentEventsApiTest, ARevisionsAppSpecAndFilesCanBeReadAndCompared) {
  std::filesystem::path first = testing::sourceDir() / "examples/sample-app";
  std::filesystem::path second = data_.path() / "changed-app";
  std::filesystem::copy(first, second, std::filesystem::copy_options::recursive);
  testing::writeFile(second / "app/VERSION", "2\n");
  testing::writeFile(second / "app/NEW", "new file\n");
  std::string one = push(first, "one.tgz");
  std::string two = push(second, "two.tgz");
  ASSERT_NE(one, two);

  Answer appspec = call(*admin_, "GET", "/v1/applications/web/revisions/" + one + "/appspec");
  ASSERT_EQ(appspec.status, 200) << appspec.text;
  EXPECT_EQ(appspec.body["appspecFilename"], "appspec.yml");
  EXPECT_EQ(appspec.body["appspec"], testing::readFile(first / "appspec.yml"));

  auto filesOf = [&](const std::string& ref) {
    Answer files = call(*admin_, "GET", "/v1/applications/web/revisions/" + ref + "/files");
    EXPECT_EQ(files.status, 200) << files.text;
    std::map<std::string, json> byPath;
    for (const json& file : files.body["files"]) byPath[file["path"]] = file;
    return byPath;
  };
  auto before = filesOf(one);
  auto after = filesOf(two.substr(0, 12));  // a unique prefix works like the whole sha256
  ASSERT_TRUE(before.contains("appspec.yml"));
  EXPECT_EQ(before["appspec.yml"]["kind"], "file");
  EXPECT_EQ(before["appspec.yml"]["sha256"], sha256Hex(testing::readFile(first / "appspec.yml")));
  EXPECT_EQ(before["app"]["kind"], "directory");
  EXPECT_EQ(before["app/VERSION"]["sha256"], sha256Hex(testing::readFile(first / "app/VERSION")));
  EXPECT_NE(before["app/VERSION"]["sha256"], after["app/VERSION"]["sha256"]);
  EXPECT_EQ(before["scripts/common.sh"], after["scripts/common.sh"]);
  EXPECT_FALSE(before.contains("app/NEW"));
  ASSERT_TRUE(after.contains("app/NEW"));
  EXPECT_EQ(after["app/NEW"]["sizeBytes"], 9);

  EXPECT_EQ(call(*admin_, "GET", "/v1/applications/web/revisions/" + std::string(64, 'a') +
                                     "/files").status, 404);
  auto viewer = clientWith(tokenFor("viewer"));
  EXPECT_EQ(call(*viewer, "GET", "/v1/applications/web/revisions/latest/appspec").status, 200);
}

}  // namespace
}  // namespace greenlight::server
