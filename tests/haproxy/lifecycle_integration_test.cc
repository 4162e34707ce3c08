// Real HAProxy processes: reload under traffic, a SIGKILLed HAProxy restarted by supervise(), a
// second provider adopting the running one, an existing HAProxy's backend, refused configurations.
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <iostream>
#include <mutex>
#include <dirent.h>
#include <thread>

#include "haproxy/haproxy_fixture.h"
#include "providers/traffic/haproxy/haproxy_process.h"

namespace greenlight::providers::haproxy {
namespace {

using testing_support::Backend;
using testing_support::HaproxyIntegration;
using testing_support::sendRequests;

// Processes whose command line names `needle` (e.g. a test's folder).
int processesMentioning(const std::string& needle) {
  int count = 0;
  DIR* proc = ::opendir("/proc");
  while (dirent* entry = proc ? ::readdir(proc) : nullptr) {
    if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
    std::string commandLine = testing::readFile(std::string("/proc/") + entry->d_name + "/cmdline");
    if (commandLine.find(needle) != std::string::npos && processAlive(std::atoi(entry->d_name))) ++count;
  }
  if (proc) ::closedir(proc);
  return count;
}

// A client loop on its own thread, counting failures until stopped.
class TrafficLoop {
 public:
  explicit TrafficLoop(std::string address) : thread_([this, address] { run(address); }) {}
  ~TrafficLoop() { stop(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int ok() const { return ok_; }
  int failures() const { return failures_; }
  std::string lastFailure() const {
    std::lock_guard lock(mu_);
    return lastFailure_;
  }

 private:
  void run(const std::string& address) {
    http::HttpClient client(testing_support::clientOptions(address));
    while (!stop_) {
      auto response = client.get("/");
      if (response.ok() && response->status == 200) {
        ++ok_;
      } else {
        ++failures_;
        std::lock_guard lock(mu_);
        lastFailure_ = response.ok() ? "status " + std::to_string(response->status) : response.error().message;
      }
    }
  }
  std::atomic<bool> stop_{false};
  std::atomic<int> ok_{0};
  std::atomic<int> failures_{0};
  mutable std::mutex mu_;
  std::string lastFailure_;
  std::thread thread_;
};

TEST_F(HaproxyIntegration, ReloadUnderTrafficKeepsMembersAndWeights) {
  Backend blue("blue");
  Backend green("green");
  Backend spare("spare");
  auto pool = makePool("web");
  bringIn(pool, {&blue, &green, &spare}, {{"blue", 70}, {"green", 30}});
  TrafficLoop loop(pool.frontend);
  ASSERT_TRUE(testing::waitFor([&] { return loop.ok() > 50; }, std::chrono::seconds(10)));
  for (int i = 0; i < 3; ++i) {
    auto reloaded = haproxy_->reload();
    ASSERT_TRUE(reloaded.ok()) << reloaded.error().message;
    int before = loop.ok();
    ASSERT_TRUE(testing::waitFor([&] { return loop.ok() > before + 30; }, std::chrono::seconds(10)));
  }
  auto second = makePool("other");  // a new frontend: a configuration change and a reload
  int before = loop.ok();
  ASSERT_TRUE(testing::waitFor([&] { return loop.ok() > before + 30; }, std::chrono::seconds(10)));
  loop.stop();
  EXPECT_EQ(loop.failures(), 0) << loop.lastFailure();
  EXPECT_GT(loop.ok(), 200);
  auto members = haproxy_->status(pool.id);
  ASSERT_TRUE(members.ok()) << members.error().message;
  std::map<std::string, traffic::MemberStatus> byName;
  for (const auto& member : *members) byName[member.instanceId] = member;
  ASSERT_EQ(byName.size(), 3u);
  EXPECT_EQ(byName["blue"].weight, 70);
  EXPECT_EQ(byName["green"].weight, 30);
  EXPECT_EQ(byName["spare"].weight, 0);
  EXPECT_EQ(byName["blue"].adminState, "ready");
  EXPECT_EQ(byName["spare"].adminState, "drain");
  EXPECT_EQ(haproxy_->masterPid(), masterPid_);  // reloaded, never restarted
}

TEST_F(HaproxyIntegration, SupervisorRestartsAKilledHaproxyWithItsMembers) {
  Backend blue("blue");
  Backend green("green");
  Backend spare("spare");
  auto pool = makePool("web");
  bringIn(pool, {&blue, &green, &spare}, {{"blue", 60}, {"green", 40}});
  ASSERT_TRUE(haproxy_->supervise().ok());  // running: nothing to do
  EXPECT_EQ(haproxy_->restarts(), 0);

  ASSERT_EQ(::kill(-masterPid_, SIGKILL), 0);
  ASSERT_TRUE(testing::waitFor([&] { return !processAlive(masterPid_) && !processGroupAlive(masterPid_); },
                               std::chrono::seconds(10)));
  auto supervised = haproxy_->supervise();
  ASSERT_TRUE(supervised.ok()) << supervised.error().message;
  EXPECT_EQ(haproxy_->restarts(), 1);
  EXPECT_NE(haproxy_->masterPid(), masterPid_);
  EXPECT_GT(haproxy_->masterPid(), 0);

  auto members = haproxy_->status(pool.id);
  ASSERT_TRUE(members.ok()) << members.error().message;
  std::map<std::string, traffic::MemberStatus> byName;
  for (const auto& member : *members) byName[member.instanceId] = member;
  ASSERT_EQ(byName.size(), 3u);
  EXPECT_EQ(byName["blue"].weight, 60);
  EXPECT_EQ(byName["green"].weight, 40);
  EXPECT_EQ(byName["spare"].weight, 0);
  EXPECT_EQ(byName["spare"].adminState, "drain");
  ASSERT_TRUE(waitHealthy(pool.id, "blue"));
  ASSERT_TRUE(waitHealthy(pool.id, "green"));
  long spareBefore = spare.requests();
  auto tally = sendRequests(pool.frontend, 100);
  EXPECT_EQ(tally.failures, 0) << tally.lastFailure;
  EXPECT_NEAR(tally.byBody["blue"], 60, 3);
  EXPECT_NEAR(tally.byBody["green"], 40, 3);
  EXPECT_EQ(spare.requests(), spareBefore);
}

TEST_F(HaproxyIntegration, ASecondProviderAdoptsTheRunningHaproxy) {
  Backend blue("blue");
  auto pool = makePool("web");
  bringIn(pool, {&blue}, {{"blue", 100}});
  const std::string folder = haproxy_->dir().string();
  int before = processesMentioning(folder);

  auto reopened = EmbeddedHaproxy::open({haproxy_->dir()});
  ASSERT_TRUE(reopened.ok()) << reopened.error().message;
  auto& second = *reopened.value();
  auto started = second.start();
  ASSERT_TRUE(started.ok()) << started.error().message;
  EXPECT_TRUE(second.adopted());
  EXPECT_EQ(second.masterPid(), masterPid_);
  EXPECT_EQ(processesMentioning(folder), before);  // no second HAProxy

  auto members = second.status(pool.id);  // the model came from pools.json
  ASSERT_TRUE(members.ok()) << members.error().message;
  ASSERT_EQ(members->size(), 1u);
  EXPECT_EQ((*members)[0].weight, 100);
  ASSERT_TRUE(second.ensurePool(pool).ok());  // the same pool again: no change, no reload
  EXPECT_EQ(sendRequests(pool.frontend, 10).byBody["blue"], 10);
}

TEST_F(HaproxyIntegration, ManagesABackendOfAnExistingHaproxy) {
  Backend blue("blue");
  int port = testing::freePort();
  const auto existingDir = dir_.path() / "existing";
  std::filesystem::create_directories(existingDir);
  const auto socket = existingDir / "admin.sock";
  testing::writeFile(existingDir / "haproxy.cfg",
                     "global\n    stats socket " + socket.string() + " mode 600 level admin\n"
                     "defaults\n    mode http\n    timeout connect 1s\n    timeout client 10s\n"
                     "    timeout server 10s\n"
                     "frontend public\n    bind 127.0.0.1:" + std::to_string(port) + "\n    default_backend app\n"
                     "backend app\n    balance roundrobin\n    option httpchk GET /health\n"
                     "    http-check expect status 200\n");
  pid_t existing = ::fork();
  if (existing == 0) {
    std::string config = (existingDir / "haproxy.cfg").string();
    std::string log = (existingDir / "haproxy.log").string();
    int logFd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(logFd, 1);
    ::dup2(logFd, 2);
    ::execlp("haproxy", "haproxy", "-db", "-f", config.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  struct Reaper {
    pid_t pid;
    ~Reaper() {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  } reaper{existing};
  RuntimeSession probe({socket});
  ASSERT_TRUE(testing::waitFor([&] { return probe.execute("show info").ok(); }, std::chrono::seconds(10)));

  traffic::Pool pool;
  pool.id = "ext";
  pool.adminSocket = socket.string();
  pool.backend = "app";
  pool.healthCheck.intervalMs = 200;
  auto ensured = haproxy_->ensurePool(pool);
  ASSERT_TRUE(ensured.ok()) << ensured.error().message;
  bringIn(pool, {&blue}, {{"blue", 100}});
  auto tally = sendRequests("127.0.0.1:" + std::to_string(port), 20);
  EXPECT_EQ(tally.byBody["blue"], 20) << tally.lastFailure;
  EXPECT_EQ(testing::readFile(haproxy_->configFile()).find("app"), std::string::npos);

  // One step per call: drain, then maintenance and deletion once nothing is attached.
  ASSERT_TRUE(testing::waitFor([&] {
    auto removed = haproxy_->removeMember(pool.id, "blue");
    EXPECT_TRUE(removed.ok()) << removed.error().message;
    return !removed.ok() || *removed;
  }, std::chrono::seconds(15)));
  auto stat = probe.execute("show stat");
  ASSERT_TRUE(stat.ok());
  EXPECT_EQ(stat->find("app,blue,"), std::string::npos);

  auto wrongBackend = pool;
  wrongBackend.backend = "nothere";
  auto refused = haproxy_->ensurePool(wrongBackend);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("nothere"), std::string::npos);
  EXPECT_NE(refused.error().message.find(socket.string()), std::string::npos);
}

TEST_F(HaproxyIntegration, RefusedConfigurationsLeaveHaproxyServing) {
  Backend blue("blue");
  auto pool = makePool("web");
  bringIn(pool, {&blue}, {{"blue", 100}});
  const std::string configBefore = testing::readFile(haproxy_->configFile());

  // A frontend address another process holds.
  int holder = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(holder, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ASSERT_EQ(::listen(holder, 1), 0);
  socklen_t length = sizeof(address);
  ::getsockname(holder, reinterpret_cast<sockaddr*>(&address), &length);
  traffic::Pool taken = pool;
  taken.id = "taken";
  taken.frontend = "127.0.0.1:" + std::to_string(ntohs(address.sin_port));
  auto inUse = haproxy_->ensurePool(taken);
  ::close(holder);
  ASSERT_FALSE(inUse.ok());
  EXPECT_NE(inUse.error().message.find(taken.frontend), std::string::npos) << inUse.error().message;

  // A health check path HAProxy would misread.
  traffic::Pool badPath = pool;
  badPath.healthCheck.path = "/health now";
  auto invalid = haproxy_->ensurePool(badPath);
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error().code, "InvalidArgument");

  // A file haproxy -c refuses: its output is in the message.
  traffic::Pool badPort = pool;
  badPort.id = "badport";
  badPort.frontend = "127.0.0.1:99999";
  auto refused = haproxy_->ensurePool(badPort);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("haproxy -c refused the generated configuration"), std::string::npos)
      << refused.error().message;

  EXPECT_EQ(testing::readFile(haproxy_->configFile()), configBefore);
  EXPECT_EQ(haproxy_->masterPid(), masterPid_);
  auto tally = sendRequests(pool.frontend, 20);
  EXPECT_EQ(tally.byBody["blue"], 20) << tally.lastFailure;
  EXPECT_FALSE(haproxy_->status("taken").ok());  // never entered the model
  auto reloaded = haproxy_->reload();            // and the model still reloads cleanly
  EXPECT_TRUE(reloaded.ok()) << reloaded.error().message;
}

TEST_F(HaproxyIntegration, APersistentSessionAnswersFiveHundredCommandsInARow) {
  Backend blue("blue");
  auto pool = makePool("web");
  bringIn(pool, {&blue}, {{"blue", 100}});
  RuntimeSession session({haproxy_->adminSocket()});
  ASSERT_TRUE(session.execute("show info").ok());
  constexpr int kCommands = 500;
  auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < kCommands; ++i) {
    auto reply = session.execute("set server be_web/blue weight " + std::to_string(100 + i % 2));
    ASSERT_TRUE(reply.ok()) << reply.error().message;
    ASSERT_EQ(*reply, "");
  }
  auto perCommand = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - started) / kCommands;
  started = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(haproxy_->setWeights(pool.id, {{"blue", 90 + i % 2}}).ok());
  auto perSetWeights = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started) / 20;
  std::cout << "one command on a persistent session: " << perCommand.count() << " us; setWeights (runtime, "
            << "pools.json, haproxy -c, state dump): " << perSetWeights.count() << " ms\n";
  auto weight = session.execute("get weight be_web/blue");
  ASSERT_TRUE(weight.ok()) << weight.error().message;
  EXPECT_EQ(weight->substr(0, 3), "91 ") << *weight << ": the last of the twenty weights set";
}

}  // namespace
}  // namespace greenlight::providers::haproxy
