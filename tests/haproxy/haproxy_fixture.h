// Shared by the HAProxy integration tests: real backends (tests/haproxy/data/backend.py, one
// process each, killed by their guard), an EmbeddedHaproxy in a fresh folder stopped by the
// fixture whatever the test's outcome, and plain HTTP requests through its frontend.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "http/http_client.h"
#include "providers/traffic/haproxy/embedded_haproxy.h"
#include "support/test_support.h"

namespace greenlight::providers::haproxy::testing_support {

namespace testing = greenlight::testing;

inline http::HttpClientOptions clientOptions(const std::string& address,
                                             std::chrono::milliseconds total = std::chrono::seconds(10)) {
  http::HttpClientOptions options;
  options.address = address;
  options.connectTimeout = std::chrono::seconds(5);
  options.totalTimeout = total;
  return options;
}

// One backend process answering its name; its port is read from its first line of output.
class Backend {
 public:
  explicit Backend(std::string name, int healthStatus = 200) : name_(std::move(name)) {
    int output[2];
    if (::pipe(output) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(output[1], 1);
      ::close(output[0]);
      ::close(output[1]);
      std::string script = testing::sourceDir() / "tests/haproxy/data/backend.py";
      std::string status = std::to_string(healthStatus);
      ::execlp("python3", "python3", script.c_str(), "--name", name_.c_str(), "--health-status", status.c_str(),
               static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(output[1]);
    FILE* in = ::fdopen(output[0], "r");
    if (std::fscanf(in, "%d", &port_) != 1) port_ = 0;
    std::fclose(in);
  }
  ~Backend() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;

  const std::string& name() const { return name_; }
  int port() const { return port_; }
  traffic::Member member() const { return traffic::Member{name_, "127.0.0.1", port_, ""}; }
  // Requests it served, other than /health and this count itself; -1 when it does not answer.
  long requests() const {
    http::HttpClient client(clientOptions("127.0.0.1:" + std::to_string(port_)));
    auto response = client.get("/requests");
    return response.ok() && response->status == 200 ? std::stol(response->body) : -1;
  }

 private:
  std::string name_;
  pid_t pid_ = -1;
  int port_ = 0;
};

class HaproxyIntegration : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = EmbeddedHaproxy::open({dir_.path() / "haproxy"});
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    haproxy_ = std::move(opened.value());
    auto started = haproxy_->start();
    ASSERT_TRUE(started.ok()) << started.error().message;
    masterPid_ = haproxy_->masterPid();
    ASSERT_GT(masterPid_, 0);
  }
  void TearDown() override {
    if (haproxy_) {
      auto stopped = haproxy_->shutdown();
      EXPECT_TRUE(stopped.ok()) << stopped.error().message;
    }
    // Whatever happened (a restart, a failed shutdown): no HAProxy of this folder survives.
    for (int pid : {masterPid_, haproxy_ ? haproxy_->masterPid() : 0}) {
      if (pid > 1) {
        ::kill(-pid, SIGKILL);
        ::kill(pid, SIGKILL);
      }
    }
  }

  // A pool on a free loopback port (picked by binding port 0; another one on a conflict).
  traffic::Pool makePool(const std::string& id) {
    traffic::Pool pool;
    pool.id = id;
    pool.name = "app/" + id;
    pool.healthCheck.intervalMs = 200;
    pool.healthCheck.timeoutMs = 500;
    for (int attempt = 0; attempt < 5; ++attempt) {
      pool.frontend = "127.0.0.1:" + std::to_string(testing::freePort());
      auto ensured = haproxy_->ensurePool(pool);
      if (ensured.ok()) return pool;
      if (ensured.error().code != "Conflict") {
        ADD_FAILURE() << ensured.error().message;
        break;
      }
    }
    ADD_FAILURE() << "no free frontend port";
    return pool;
  }

  std::string frontendAddress(const traffic::Pool& pool) const { return pool.frontend; }

  std::optional<traffic::MemberStatus> member(const std::string& poolId, const std::string& instanceId) {
    auto members = haproxy_->status(poolId);
    if (!members.ok()) return std::nullopt;
    for (const auto& status : *members) {
      if (status.instanceId == instanceId) return status;
    }
    return std::nullopt;
  }

  bool waitHealthy(const std::string& poolId, const std::string& instanceId) {
    return testing::waitFor([&] {
      auto status = member(poolId, instanceId);
      return status && status->healthy;
    }, std::chrono::seconds(15));
  }

  // Adds the backends and waits until each one's check passes; then the weights.
  void bringIn(const traffic::Pool& pool, const std::vector<const Backend*>& backends,
               const std::map<std::string, int>& weights) {
    for (const auto* backend : backends) {
      auto added = haproxy_->addMember(pool.id, backend->member());
      ASSERT_TRUE(added.ok()) << added.error().message;
    }
    for (const auto* backend : backends) ASSERT_TRUE(waitHealthy(pool.id, backend->name())) << backend->name();
    auto set = haproxy_->setWeights(pool.id, weights);
    ASSERT_TRUE(set.ok()) << set.error().message;
  }

  testing::TempDir dir_;
  std::unique_ptr<EmbeddedHaproxy> haproxy_;
  int masterPid_ = 0;
};

// `count` GETs of `path` through the frontend: the bodies (names) counted, failures counted apart.
struct Tally {
  std::map<std::string, int> byBody;
  int failures = 0;
  std::string lastFailure;
};

inline Tally sendRequests(const std::string& address, int count, const std::string& path = "/") {
  Tally tally;
  http::HttpClient client(clientOptions(address));
  for (int i = 0; i < count; ++i) {
    auto response = client.get(path);
    if (response.ok() && response->status == 200) {
      ++tally.byBody[response->body];
    } else {
      ++tally.failures;
      tally.lastFailure = response.ok() ? "status " + std::to_string(response->status) : response.error().message;
    }
  }
  return tally;
}

}  // namespace greenlight::providers::haproxy::testing_support
