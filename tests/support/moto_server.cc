// MotoServer: fork/exec of moto_server in its own process group (killed with the test binary
// too, through PR_SET_PDEATHSIG), readiness by polling GET /moto-api/, and the reset endpoint.
#include "support/moto_server.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "aws/transport.h"
#include "support/test_support.h"

namespace greenlight::testing {
namespace {

constexpr const char* kInstallHint =
    "moto_server is not installed (no executable 'moto_server' on PATH); the AWS integration tests need "
    "it: install it with `python3 -m pip install 'moto[server]'` (moto 5.x) and make sure its bin folder "
    "is on PATH";

std::string findOnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::stringstream folders(path ? path : "");
  std::string folder;
  while (std::getline(folders, folder, ':')) {
    std::filesystem::path candidate = std::filesystem::path(folder.empty() ? "." : folder) / program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

Result<aws::HttpResponse> motoApi(int port, const std::string& method, const std::string& path) {
  auto transport = aws::makeCurlTransport(std::chrono::seconds(2), std::chrono::seconds(30));
  return transport->send({method, "http://127.0.0.1:" + std::to_string(port) + path, {}, ""});
}

}  // namespace

MotoServer::MotoServer(std::map<std::string, std::string> environment, std::chrono::milliseconds startDeadline)
    : folder_(std::make_unique<TempDir>()) {
  std::string program = findOnPath("moto_server");
  if (program.empty()) {
    error_ = kInstallHint;
    return;
  }
  port_ = freePort();
  std::string log = (*folder_ / "moto.log").string();
  std::string port = std::to_string(port_);
  pid_ = ::fork();
  if (pid_ < 0) {
    error_ = "cannot fork to start moto_server: " + std::string(std::strerror(errno));
    return;
  }
  if (pid_ == 0) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // no server left behind if the test binary dies
    for (const auto& [name, value] : environment) ::setenv(name.c_str(), value.c_str(), 1);
    FILE* out = std::freopen(log.c_str(), "w", stdout);
    if (out != nullptr) ::dup2(::fileno(out), 2);
    ::execl(program.c_str(), program.c_str(), "-H", "127.0.0.1", "-p", port.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::setpgid(pid_, pid_);  // also from here, so stop() can signal the group whatever runs first
  bool exited = false;
  bool ready = waitFor(
      [&] {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
          exited = true;
          return true;
        }
        return answers();
      },
      startDeadline);
  if (exited) {
    pid_ = -1;
    error_ = "moto_server (" + program + ") exited before answering on port " + port + "; its output:\n" + logTail();
  } else if (!ready) {
    error_ = "moto_server did not answer on 127.0.0.1:" + port + " within " +
             std::to_string(startDeadline.count()) + " ms; its output:\n" + logTail();
    stop();
  }
}

MotoServer::~MotoServer() { stop(); }

MotoServer& MotoServer::shared() {
  static MotoServer server;
  return server;
}

bool MotoServer::answers() const {
  auto response = motoApi(port_, "GET", "/moto-api/");
  return response.ok() && response->status == 200;
}

std::string MotoServer::logTail() const {
  std::string text = readFile(*folder_ / "moto.log");
  return text.size() > 2000 ? text.substr(text.size() - 2000) : text;
}

void MotoServer::stop() {
  if (pid_ <= 0) return;
  ::kill(-pid_, SIGTERM);
  bool gone = waitFor([&] { return ::waitpid(pid_, nullptr, WNOHANG) == pid_; }, std::chrono::seconds(5));
  if (!gone) {
    ::kill(-pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  ::kill(-pid_, SIGKILL);  // anything left in the group
  pid_ = -1;
}

Status MotoServer::reset() {
  if (!ok()) return Error{"MotoUnavailable", error_};
  auto response = motoApi(port_, "POST", "/moto-api/reset");
  if (!response.ok()) return response.error();
  if (response->status != 200)
    return Error{"MotoReset", "POST /moto-api/reset answered HTTP " + std::to_string(response->status)};
  return Status::success();
}

aws::ResolvedConfig MotoServer::clientConfig(const aws::Credentials& credentials, const std::string& region) const {
  aws::ResolvedConfig resolved;
  resolved.config.region = region;
  resolved.config.endpointUrl = endpoint();
  resolved.config.maxAttempts = 3;
  resolved.config.retryBaseDelay = std::chrono::milliseconds(20);
  resolved.config.retryMaxDelay = std::chrono::milliseconds(200);
  resolved.credentials = credentials;
  resolved.credentialsSource = "the moto_server test fixture";
  resolved.regionSource = "the moto_server test fixture";
  return resolved;
}

void MotoTest::SetUp() {
  ASSERT_TRUE(moto().ok()) << moto().error();
  Status reset = moto().reset();
  ASSERT_TRUE(reset.ok()) << reset.error().message;
  auto client = aws::AwsClient::create(moto().clientConfig());
  ASSERT_TRUE(client.ok()) << client.error().message;
  client_ = std::move(client).value();
}

}  // namespace greenlight::testing
