// HttpClient against a real HttpServer: streamed upload and download, timeouts, and the messages
// an operator sees when the server cannot be reached.
#include "http/http_client.h"

#include <gtest/gtest.h>

#include <random>

#include "common/sha256.h"
#include "http/http_test_fixture.h"
#include "support/test_support.h"

namespace greenlight::http {
namespace {

using greenlight::testing::TempDir;
using httptest::TestServer;

std::string randomBytes(size_t size) {
  std::mt19937_64 generator(42);
  std::string bytes(size, '\0');
  for (auto& byte : bytes) byte = static_cast<char>(generator());
  return bytes;
}

// POST /v1/bundles keeps the upload; GET /v1/bundles/latest serves it back.
struct BundleApi {
  std::mutex mu;
  std::string stored;
  std::string contentType;

  Router router() {
    Router router;
    router.add("POST", "/v1/bundles", [this](const HttpRequest& request) {
      std::lock_guard lock(mu);
      stored = request.body;
      contentType = request.header("Content-Type").value_or("");
      return jsonResponse({{"sha256", sha256Hex(stored)}, {"size", stored.size()}}, 201);
    }, RouteOptions::withBodyLimit(32 * 1024 * 1024));
    router.add("GET", "/v1/bundles/latest", [this](const HttpRequest&) {
      std::lock_guard lock(mu);
      HttpResponse response;
      response.contentType = "application/gzip";
      response.body = stored;
      return response;
    });
    router.add("POST", "/v1/small-bundles", [](const HttpRequest&) { return jsonResponse({}); },
               RouteOptions::withBodyLimit(1024 * 1024));
    router.addAsync("GET", "/v1/never", [](HttpRequest&, Responder) {});
    return router;
  }
};

TEST(HttpClientTest, UploadsAndDownloadsAMultiMegabyteFileIntact) {
  BundleApi api;
  TestServer server(api.router());
  TempDir dir;
  std::string content = randomBytes(9 * 1024 * 1024 + 17);
  greenlight::testing::writeFile(dir / "bundle.tgz", content);
  std::string expectedSha = sha256Hex(content);

  auto client = server.client();
  auto uploaded = client->uploadFile("POST", "/v1/bundles", dir / "bundle.tgz", "application/gzip");
  ASSERT_TRUE(uploaded.ok()) << uploaded.error().message;
  ASSERT_EQ(uploaded->status, 201) << uploaded->body;
  auto receipt = nlohmann::json::parse(uploaded->body);
  EXPECT_EQ(receipt["sha256"], expectedSha);
  EXPECT_EQ(receipt["size"], content.size());
  EXPECT_EQ(api.contentType, "application/gzip");

  auto downloaded = client->downloadToFile("/v1/bundles/latest", dir / "copy.tgz");
  ASSERT_TRUE(downloaded.ok()) << downloaded.error().message;
  EXPECT_EQ(downloaded->status, 200);
  auto copySha = sha256File(dir / "copy.tgz");
  ASSERT_TRUE(copySha.ok());
  EXPECT_EQ(*copySha, expectedSha);
  EXPECT_FALSE(std::filesystem::exists(dir / "copy.tgz.partial"));
}

TEST(HttpClientTest, UploadOverTheLimitIsRefusedWith413) {
  BundleApi api;
  TestServer server(api.router());
  TempDir dir;
  greenlight::testing::writeFile(dir / "big.tgz", randomBytes(3 * 1024 * 1024));
  auto answer = server.client()->uploadFile("POST", "/v1/small-bundles", dir / "big.tgz");
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_EQ(answer->status, 413);
  EXPECT_EQ(answer->toError().code, "PayloadTooLarge");
}

TEST(HttpClientTest, FailedDownloadLeavesNoFileAndKeepsTheError) {
  BundleApi api;
  TestServer server(api.router());
  TempDir dir;
  auto answer = server.client()->downloadToFile("/v1/bundles/missing", dir / "copy.tgz");
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_EQ(answer->status, 404);
  EXPECT_EQ(answer->toError().code, "NotFound");
  EXPECT_FALSE(std::filesystem::exists(dir / "copy.tgz"));
  EXPECT_FALSE(std::filesystem::exists(dir / "copy.tgz.partial"));
}

TEST(HttpClientTest, UploadOfAMissingFileNamesTheFile) {
  BundleApi api;
  TestServer server(api.router());
  auto answer = server.client()->uploadFile("POST", "/v1/bundles", "/nonexistent/bundle.tgz");
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().code, "FileError");
  EXPECT_NE(answer.error().message.find("/nonexistent/bundle.tgz"), std::string::npos);
}

TEST(HttpClientTest, NothingListeningGivesAnActionableMessage) {
  int port = greenlight::testing::freePort();
  HttpClient client({"127.0.0.1:" + std::to_string(port), "admin-token"});
  auto answer = client.get("/v1/deployments");
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().code, "ServerUnreachable");
  EXPECT_EQ(answer.error().message,
            "cannot reach the greenlight server at 127.0.0.1:" + std::to_string(port) +
                ": connection refused; is `greenlight server` running? (GREENLIGHT_ADDR)");
}

TEST(HttpClientTest, SlowAnswerIsATimeoutNamingTheCall) {
  BundleApi api;
  TestServer server(api.router());
  auto answer = server.client()->request("GET", "/v1/never", std::nullopt,
                                         std::chrono::milliseconds(100));
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().code, "ServerTimeout");
  EXPECT_NE(answer.error().message.find("GET /v1/never"), std::string::npos)
      << answer.error().message;
}

TEST(HttpClientTest, StalledDownloadGivesUpAndLeavesNoFile) {
  BundleApi api;
  TestServer server(api.router());
  TempDir dir;
  HttpClientOptions options{server.address(), "admin-token"};
  options.stallTimeout = std::chrono::seconds(1);
  HttpClient client(options);
  auto answer = client.downloadToFile("/v1/never", dir / "copy.tgz");
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().code, "ServerTimeout");
  EXPECT_NE(answer.error().message.find("stalled"), std::string::npos) << answer.error().message;
  EXPECT_FALSE(std::filesystem::exists(dir / "copy.tgz.partial"));
}

TEST(HttpClientTest, NonJsonErrorBodiesStillMakeAnError) {
  ClientResponse response{502, "text/html", "<html>Bad Gateway</html>"};
  auto error = response.toError();
  EXPECT_EQ(error.code, "HttpStatus502");
  EXPECT_NE(error.message.find("Bad Gateway"), std::string::npos);
  EXPECT_FALSE(response.json().ok());
}

}  // namespace
}  // namespace greenlight::http
