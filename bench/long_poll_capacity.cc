// Long-polling capacity: how many idle agents one greenlight server holds, and what they cost.
// Spawns bench_http_server, parks N agents' "give me work" requests on it from this one Asio
// process, and prints N, the server's resident memory (VmRSS) and the CPU time it used.
// Usage: bench_long_poll_capacity [--server PATH] [--threads T] [--hold SECONDS] [N ...]
//        (default N: 1000 5000)
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include "http/http_client.h"

namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

struct ServerProcess {
  pid_t pid = -1;
  int stdinFd = -1;  // closing it stops the server
  unsigned port = 0;
};

[[noreturn]] void fail(const std::string& message) {
  std::fprintf(stderr, "long_poll_capacity: %s\n", message.c_str());
  std::exit(1);
}

ServerProcess spawnServer(const std::string& path, int threads) {
  int toServer[2], fromServer[2];
  if (pipe2(toServer, O_CLOEXEC) != 0 || pipe2(fromServer, O_CLOEXEC) != 0) fail("pipe failed");
  pid_t pid = fork();
  if (pid < 0) fail("fork failed");
  if (pid == 0) {
    dup2(toServer[0], STDIN_FILENO);
    dup2(fromServer[1], STDOUT_FILENO);
    std::string threadArg = std::to_string(threads);
    execl(path.c_str(), path.c_str(), threadArg.c_str(), static_cast<char*>(nullptr));
    std::perror(path.c_str());
    _exit(127);
  }
  close(toServer[0]);
  close(fromServer[1]);
  std::string line;
  char c;
  while (read(fromServer[0], &c, 1) == 1 && c != '\n') line += c;
  close(fromServer[0]);
  if (line.rfind("port=", 0) != 0) fail("the server did not start: " + path);
  return {pid, toServer[1], static_cast<unsigned>(std::stoul(line.substr(5)))};
}

void stopServer(ServerProcess& server) {
  close(server.stdinFd);
  int status = 0;
  waitpid(server.pid, &status, 0);
}

double rssMiB(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;  // kB
  }
  return -1;
}

double cpuSeconds(pid_t pid) {
  std::ifstream statFile("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(statFile)), std::istreambuf_iterator<char>());
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string field;
  double ticks = 0;
  for (int index = 3; fields >> field; ++index) {  // utime is field 14, stime 15
    if (index == 14 || index == 15) ticks += std::stod(field);
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

long parked(greenlight::http::HttpClient& client) {
  auto stats = client.get("/stats");
  if (!stats.ok()) fail(stats.error().message);
  return nlohmann::json::parse(stats->body)["parked"].get<long>();
}

bool waitForParked(greenlight::http::HttpClient& client, long expected) {
  auto deadline = Clock::now() + std::chrono::minutes(2);
  while (Clock::now() < deadline) {
    if (parked(client) == expected) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

struct Agent {
  explicit Agent(net::io_context& context, int id)
      : socket(context),
        request("GET /v1/agents/i-" + std::to_string(id) +
                "/commands HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer bench-token\r\n\r\n") {}
  tcp::socket socket;
  std::string request;
};

// Connects every agent and sends its long-poll, a bounded number of connects in flight at once
// (so the listen queue does not overflow). Returns the agents; their sockets stay open.
std::vector<std::unique_ptr<Agent>> parkAgents(net::io_context& context, unsigned port, int count) {
  std::vector<std::unique_ptr<Agent>> agents;
  for (int i = 0; i < count; ++i) agents.push_back(std::make_unique<Agent>(context, i));
  tcp::endpoint server(net::ip::address_v4::loopback(), static_cast<unsigned short>(port));
  int next = 0, failures = 0;
  std::function<void()> connectNext = [&] {
    if (next >= count) return;
    Agent& agent = *agents[next++];
    agent.socket.async_connect(server, [&](boost::system::error_code error) {
      if (error) {
        ++failures;
        return connectNext();
      }
      net::async_write(agent.socket, net::buffer(agent.request),
                       [&](boost::system::error_code writeError, size_t) {
                         if (writeError) ++failures;
                         connectNext();
                       });
    });
  };
  for (int i = 0; i < 256; ++i) connectNext();
  context.run();
  context.restart();
  if (failures) fail(std::to_string(failures) + " agents could not connect");
  return agents;
}

}  // namespace

int main(int argc, char** argv) {
  std::string serverPath = BENCH_HTTP_SERVER;
  int threads = 2;
  int holdSeconds = 5;
  std::vector<int> counts;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--server" && i + 1 < argc) serverPath = argv[++i];
    else if (arg == "--threads" && i + 1 < argc) threads = std::atoi(argv[++i]);
    else if (arg == "--hold" && i + 1 < argc) holdSeconds = std::atoi(argv[++i]);
    else counts.push_back(std::atoi(arg.c_str()));
  }
  if (counts.empty()) counts = {1000, 5000};

  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
  signal(SIGPIPE, SIG_IGN);

  std::printf("server: %s, %d threads; file descriptor limit %llu\n", serverPath.c_str(), threads,
              static_cast<unsigned long long>(limit.rlim_cur));
  std::printf("%8s %12s %12s %14s %14s %16s %14s %14s\n", "agents", "RSS idle", "RSS parked",
              "per agent", "CPU to park", "CPU held idle", "park time", "release time");
  for (int count : counts) {
    if (static_cast<rlim_t>(count) + 64 > limit.rlim_cur) {
      fail("the file descriptor limit (" + std::to_string(limit.rlim_cur) + ") is too low for " +
           std::to_string(count) + " agents; raise `ulimit -Hn`");
    }
    ServerProcess server = spawnServer(serverPath, threads);
    greenlight::http::HttpClient stats({"127.0.0.1:" + std::to_string(server.port), ""});
    if (parked(stats) != 0) fail("the server starts with parked requests");
    double idleRss = rssMiB(server.pid);
    double idleCpu = cpuSeconds(server.pid);

    auto parkStart = Clock::now();
    net::io_context context;
    auto agents = parkAgents(context, server.port, count);
    if (!waitForParked(stats, count)) fail("not every agent was parked within 2 minutes");
    double parkTime = std::chrono::duration<double>(Clock::now() - parkStart).count();
    double parkedRss = rssMiB(server.pid);
    double parkCpu = cpuSeconds(server.pid) - idleCpu;

    std::this_thread::sleep_for(std::chrono::seconds(holdSeconds));
    double heldCpu = cpuSeconds(server.pid) - idleCpu - parkCpu;
    if (parked(stats) != count) fail("agents were dropped while idle");

    auto releaseStart = Clock::now();
    agents.clear();  // closes every socket: the server must notice each parked request end
    if (!waitForParked(stats, 0)) fail("the server did not notice the agents leaving");
    double releaseTime = std::chrono::duration<double>(Clock::now() - releaseStart).count();
    stopServer(server);

    std::printf("%8d %9.1f MiB %9.1f MiB %10.1f KiB %12.2f s %8.2f s in %ds %12.2f s %12.2f s\n",
                count, idleRss, parkedRss, (parkedRss - idleRss) * 1024.0 / count, parkCpu,
                heldCpu, holdSeconds, parkTime, releaseTime);
    std::fflush(stdout);
  }
  return 0;
}
