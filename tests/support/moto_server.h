// A real moto_server (the AWS mock) for integration tests: started as a child process on a free
// loopback port, waited for with a deadline, reset between tests, stopped with its whole process
// group. One server is shared per test binary (MotoServer::shared(), started on first use: moto
// takes up to ~3 s to start); MotoTest resets it before every test and hands out a client.
// ctest runs each discovered test in its own process, so there a server serves one test; running
// the binary directly (or with --gtest_filter) shares one across all its tests.
//
//   class AutoScalingIntegration : public greenlight::testing::MotoTest {};
//   TEST_F(AutoScalingIntegration, Describes) {
//     auto groups = client().query("autoscaling", "2011-01-01", "DescribeAutoScalingGroups", {});
//     ASSERT_TRUE(groups.ok()) << groups.error().message;
//   }
//
// A server with other settings (e.g. signature checking) is its own MotoServer object:
//   MotoServer checked(std::map<std::string, std::string>{{"INITIAL_NO_AUTH_ACTION_COUNT", "3"}});
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "aws/aws_client.h"
#include "common/result.h"

namespace greenlight::testing {

class TempDir;

// Not thread-safe; tests use it from their own thread.
class MotoServer {
 public:
  // Starts moto_server with `environment` added to this process's, and waits (up to
  // `startDeadline`) until it answers. Never throws: ok() and error() say how it went.
  explicit MotoServer(std::map<std::string, std::string> environment = {},
                      std::chrono::milliseconds startDeadline = std::chrono::seconds(60));
  ~MotoServer();  // stops the server and every process it started
  MotoServer(const MotoServer&) = delete;
  MotoServer& operator=(const MotoServer&) = delete;

  // The shared server of this test binary, started on the first call, stopped at exit.
  static MotoServer& shared();

  bool ok() const { return error_.empty(); }
  // Why the server is not running, with how to install moto_server when it is missing.
  const std::string& error() const { return error_; }
  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // Forgets every resource (POST /moto-api/reset); the default VPC comes back with a new id.
  Status reset();

  // Client configuration for this server: its endpoint, test credentials, `region`, quick retries.
  aws::ResolvedConfig clientConfig(const aws::Credentials& credentials = {"testing", "testing", ""},
                                   const std::string& region = "us-east-1") const;

 private:
  bool answers() const;
  std::string logTail() const;
  void stop();

  std::unique_ptr<TempDir> folder_;  // moto's output, shown when it fails to start
  pid_t pid_ = -1;
  int port_ = 0;
  std::string error_;
};

// A test on the shared server, reset before each test, with a client (no environment read).
class MotoTest : public ::testing::Test {
 protected:
  void SetUp() override;
  static MotoServer& moto() { return MotoServer::shared(); }
  aws::AwsClient& client() { return *client_; }

 private:
  std::unique_ptr<aws::AwsClient> client_;
};

}  // namespace greenlight::testing
