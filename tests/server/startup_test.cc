// Starting and restarting: the first admin token written once (0600) and kept across restarts,
// server.addr naming the port; and the `greenlight server` command refusing a folder or port it
// cannot use.
#include <sys/stat.h>

#include "server_fixture.h"

namespace greenlight::server {
namespace {

class StartupTest : public ServerFixture {};

TEST_F(StartupTest, TheAdminTokenIsWrittenOwnerOnlyOnceAndKeptOnRestart) {
  struct stat info {};
  ASSERT_EQ(::stat((dataDir() / "admin.token").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  std::string first = adminToken();
  EXPECT_EQ(first.rfind("glt_", 0), 0u);

  server_->stop();
  server_.reset();
  startServer();
  EXPECT_EQ(adminToken(), first);
  auto admin = clientWith(first);
  Answer listed = call(*admin, "GET", "/v1/tokens");
  ASSERT_EQ(listed.status, 200);
  int admins = 0;
  for (const auto& token : listed.body["tokens"]) admins += token["role"] == "admin" ? 1 : 0;
  EXPECT_EQ(admins, 1);
}

TEST_F(StartupTest, ServerAddrNamesTheListeningPort) {
  std::string address = testing::readFile(dataDir() / "server.addr");
  EXPECT_NE(address.find(":" + std::to_string(server_->port())), std::string::npos) << address;
}

TEST(ServerCommandIntegration, APortInUseExitsWithOneAndSaysSo) {
  testing::TempDir folder;
  ServerOptions options;
  options.dataDir = folder / "first";
  options.listenPort = 0;
  auto first = Server::create(options);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE((*first)->start().ok());
  auto result = testing::runCommand(testing::greenlightBinary().string() + " server --data '" +
                                    (folder / "second").string() + "' --listen 127.0.0.1:" +
                                    std::to_string((*first)->port()));
  EXPECT_EQ(result.exitCode, 1) << result.output;
  EXPECT_NE(result.output.find("Cannot listen on 127.0.0.1"), std::string::npos) << result.output;
}

TEST(ServerCommandIntegration, AnUnusableDataFolderExitsWithOneAndSaysSo) {
  testing::TempDir folder;
  testing::writeFile(folder / "not-a-folder", "x");
  auto result = testing::runCommand(testing::greenlightBinary().string() + " server --data '" +
                                    (folder / "not-a-folder").string() +
                                    "' --listen 127.0.0.1:0");
  EXPECT_EQ(result.exitCode, 1) << result.output;
  EXPECT_NE(result.output.find("not-a-folder"), std::string::npos) << result.output;
}

TEST(ServerCommandIntegration, RunsUntilSigtermAndTellsWhereTheAdminTokenIs) {
  testing::TempDir folder;
  std::string log = (folder / "server.log").string();
  auto started = testing::runCommand(testing::greenlightBinary().string() + " server --data '" +
                                     (folder / "data").string() +
                                     "' --listen 127.0.0.1:0 >'" + log + "' 2>&1 & echo $!");
  int pid = std::stoi(started.output);
  ASSERT_TRUE(testing::waitFor([&] { return std::filesystem::exists(folder / "data/server.addr"); }));
  std::string address = testing::readFile(folder / "data/server.addr");
  while (!address.empty() && address.back() == '\n') address.pop_back();
  http::HttpClientOptions clientOptions;
  clientOptions.address = address;
  http::HttpClient client(clientOptions);
  auto health = client.get("/v1/health");
  ASSERT_TRUE(health.ok());
  EXPECT_EQ(health->status, 200);
  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  ASSERT_TRUE(testing::waitFor([&] { return !testing::processAlive(pid); }));
  std::string output = testing::readFile(log);
  EXPECT_NE(output.find("admin.token"), std::string::npos) << output;
  EXPECT_NE(output.find("stopped"), std::string::npos) << output;
}

}  // namespace
}  // namespace greenlight::server
