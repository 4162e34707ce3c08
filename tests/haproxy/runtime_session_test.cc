// The prompt-mode session against a fake stats socket: replies read to the prompt, a closed
// connection replaced once, a hung HAProxy costing only the timeout.
#include "providers/traffic/haproxy/runtime_session.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <thread>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace greenlight::providers::haproxy {
namespace {

enum class FakeMode { kAnswer, kHang, kCloseAfterEachReply };

// A stats socket speaking just enough of HAProxy's CLI: "prompt" then "echo:<command>" replies.
class FakeStatsSocket {
 public:
  FakeStatsSocket(std::filesystem::path path, FakeMode mode) : path_(std::move(path)), mode_(mode) {
    listenFd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path_.c_str(), sizeof(address.sun_path) - 1);
    EXPECT_EQ(::bind(listenFd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    EXPECT_EQ(::listen(listenFd_, 8), 0);
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeStatsSocket() {
    stop_ = true;
    thread_.join();
    ::close(listenFd_);
  }
  int connections() const { return connections_; }

 private:
  void serve() {
    while (!stop_) {
      pollfd waiting{listenFd_, POLLIN, 0};
      if (::poll(&waiting, 1, 20) <= 0) continue;
      int fd = ::accept(listenFd_, nullptr, nullptr);
      if (fd < 0) continue;
      ++connections_;
      serveConnection(fd);
      ::close(fd);
    }
  }
  void serveConnection(int fd) {
    std::string pending;
    char buffer[4096];
    while (!stop_) {
      pollfd waiting{fd, POLLIN, 0};
      if (::poll(&waiting, 1, 20) <= 0) continue;
      ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
      if (n <= 0) return;
      pending.append(buffer, static_cast<std::size_t>(n));
      std::size_t newline;
      while ((newline = pending.find('\n')) != std::string::npos) {
        std::string command = pending.substr(0, newline);
        pending.erase(0, newline + 1);
        if (mode_ == FakeMode::kHang) continue;
        std::string reply = command == "prompt" ? "\n> " : "echo:" + command + "\n\n> ";
        [[maybe_unused]] auto sent = ::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL);
        if (mode_ == FakeMode::kCloseAfterEachReply && command != "prompt") return;
      }
    }
  }

  std::filesystem::path path_;
  FakeMode mode_;
  int listenFd_ = -1;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::thread thread_;
};

TEST(RuntimeSession, KeepsOneConnectionForManyCommands) {
  testing::TempDir dir;
  FakeStatsSocket fake(dir / "admin.sock", FakeMode::kAnswer);
  RuntimeSession session({dir / "admin.sock"});
  for (int i = 0; i < 20; ++i) {
    auto reply = session.execute("show info " + std::to_string(i));
    ASSERT_TRUE(reply.ok()) << reply.error().message;
    EXPECT_EQ(*reply, "echo:show info " + std::to_string(i) + "\n");
  }
  EXPECT_EQ(fake.connections(), 1);
}

TEST(RuntimeSession, ReconnectsWhenHaproxyClosedTheConnection) {
  testing::TempDir dir;
  FakeStatsSocket fake(dir / "admin.sock", FakeMode::kCloseAfterEachReply);
  RuntimeSession session({dir / "admin.sock"});
  for (int i = 0; i < 3; ++i) {
    auto reply = session.execute("show stat");
    ASSERT_TRUE(reply.ok()) << reply.error().message;
    EXPECT_EQ(*reply, "echo:show stat\n");
  }
  EXPECT_EQ(fake.connections(), 3);
}

TEST(RuntimeSession, AHungHaproxyCostsOnlyTheTimeout) {
  testing::TempDir dir;
  FakeStatsSocket fake(dir / "admin.sock", FakeMode::kHang);
  RuntimeSession session({dir / "admin.sock", std::chrono::milliseconds(200), std::chrono::milliseconds(200)});
  auto started = std::chrono::steady_clock::now();
  auto reply = session.execute("show stat");
  auto took = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(reply.ok());
  EXPECT_NE(reply.error().message.find((dir / "admin.sock").string()), std::string::npos);
  EXPECT_NE(reply.error().message.find("check that HAProxy is running"), std::string::npos);
  EXPECT_LT(took, std::chrono::seconds(2));
}

TEST(RuntimeSession, NoSocketIsAnErrorNamingIt) {
  testing::TempDir dir;
  RuntimeSession session({dir / "missing.sock"});
  auto reply = session.execute("show stat");
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().code, "Unavailable");
  EXPECT_NE(reply.error().message.find("missing.sock"), std::string::npos);
}

}  // namespace
}  // namespace greenlight::providers::haproxy
