// A real greenlight server on an ephemeral port in a fresh data folder, and clients holding
// tokens of each role, for the API tests.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "http/http_client.h"
#include "server/server.h"
#include "support/test_support.h"

namespace greenlight::server {

class ServerFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    startServer();
    admin_ = clientWith(adminToken());
  }

  void startServer() {
    ServerOptions options;
    options.dataDir = data_.path() / "data";
    options.listenPort = 0;
    options.agentBinary = testing::greenlightBinary();
    options.traffic = traffic_;
    auto created = Server::create(options);
    ASSERT_TRUE(created.ok()) << created.error().message;
    server_ = std::move(*created);
    Status started = server_->start();
    ASSERT_TRUE(started.ok()) << started.error().message;
  }

  std::filesystem::path dataDir() const { return data_.path() / "data"; }

  std::string adminToken() const {
    std::string token = testing::readFile(dataDir() / "admin.token");
    while (!token.empty() && (token.back() == '\n' || token.back() == ' ')) token.pop_back();
    return token;
  }

  std::unique_ptr<http::HttpClient> clientWith(const std::string& token) const {
    http::HttpClientOptions options;
    options.address = "127.0.0.1:" + std::to_string(server_->port());
    options.bearerToken = token;
    return std::make_unique<http::HttpClient>(options);
  }

  // A token of `role` made by the admin through the API.
  std::string tokenFor(const std::string& role) {
    auto created = admin_->post("/v1/tokens", {{"name", role + "-user"}, {"role", role}});
    EXPECT_TRUE(created.ok());
    if (!created.ok()) return "";
    EXPECT_EQ(created->status, 201) << created->body;
    return nlohmann::json::parse(created->body).value("token", "");
  }

  // Calls and returns (status, parsed body or null); fails the test when no response came.
  struct Answer {
    long status = 0;
    nlohmann::json body;
    std::string text;
  };
  static Answer call(http::HttpClient& client, const std::string& method, const std::string& path,
                     const std::optional<nlohmann::json>& body = std::nullopt) {
    auto response = client.request(method, path, body);
    EXPECT_TRUE(response.ok()) << (response.ok() ? "" : response.error().message);
    if (!response.ok()) return {};
    Answer answer{response->status, nullptr, response->body};
    answer.body = nlohmann::json::parse(response->body, nullptr, /*allow_exceptions=*/false);
    return answer;
  }

  void createApplication(const std::string& name) {
    Answer created = call(*admin_, "POST", "/v1/applications",
                          nlohmann::json{{"name", name}, {"computePlatform", "server"}});
    ASSERT_EQ(created.status, 201) << created.text;
  }

  // A static group: no agent processes, instances appear as agents enrol.
  void createStaticGroup(const std::string& application, const std::string& name) {
    Answer created =
        call(*admin_, "POST", "/v1/applications/" + application + "/groups",
             nlohmann::json{{"name", name},
                            {"fleet", {{"provider", "static"}}},
                            {"deploymentConfig", "CodeDeployDefault.AllAtOnce"}});
    ASSERT_EQ(created.status, 201) << created.text;
  }

  // An agent enrolled in a static group through the API, as `greenlight agent` would.
  struct EnrolledAgent {
    std::string instanceId;
    std::string token;
  };
  EnrolledAgent enrolAgent(const std::string& application, const std::string& group,
                           const std::string& hostName) {
    Answer enrolment = call(*admin_, "POST", "/v1/applications/" + application + "/groups/" +
                                                 group + "/enrolment-tokens");
    EXPECT_EQ(enrolment.status, 201) << enrolment.text;
    if (enrolment.status != 201) return {};
    auto enrolling = clientWith(enrolment.body["token"]);
    Answer enrolled = call(*enrolling, "POST", "/v1/agent/enrol", nlohmann::json{{"hostName", hostName}});
    EXPECT_EQ(enrolled.status, 201) << enrolled.text;
    if (enrolled.status != 201) return {};
    return {enrolled.body["instanceId"], enrolled.body["token"]};
  }

  // Packs examples/sample-app (or `folder`) as a tgz into the test's folder.
  std::filesystem::path packBundle(const std::string& name,
                                   std::optional<std::filesystem::path> folder = std::nullopt) {
    std::filesystem::path source = folder.value_or(testing::sourceDir() / "examples/sample-app");
    std::filesystem::path bundle = data_.path() / name;
    auto packed = testing::runCommand("tar czf '" + bundle.string() + "' -C '" + source.string() +
                                      "' .");
    EXPECT_EQ(packed.exitCode, 0) << packed.output;
    return bundle;
  }

  testing::TempDir data_;
  traffic::TrafficProvider* traffic_ = nullptr;  // set before SetUp to give the server one
  std::unique_ptr<Server> server_;
  std::unique_ptr<http::HttpClient> admin_;
};

}  // namespace greenlight::server
