// Loading, storing and (re)obtaining the agent's credential through enrolment.
#include "agentd/agent_credential.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "common/files.h"
#include "http/http_client.h"

namespace greenlight::agentd {

namespace {

std::string trim(const std::string& text) {
  auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return {};
  auto end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

}  // namespace

Status writePrivateFile(const std::filesystem::path& path, const std::string& content) {
  std::filesystem::path temporary = path;
  temporary += ".tmp-" + std::to_string(::getpid());
  ::unlink(temporary.c_str());
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return errnoError("IoError", "cannot create " + temporary.string(), errno);
  const char* data = content.data();
  size_t left = content.size();
  while (left > 0) {
    ssize_t written = ::write(fd, data, left);
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) {
      int saved = errno;
      ::close(fd);
      ::unlink(temporary.c_str());
      return errnoError("IoError", "cannot write " + temporary.string(), saved);
    }
    data += written;
    left -= static_cast<size_t>(written);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0 || ::rename(temporary.c_str(), path.c_str()) != 0) {
    int saved = errno;
    ::unlink(temporary.c_str());
    return errnoError("IoError", "cannot store " + path.string(), saved);
  }
  return Status::success();
}

CredentialKeeper::CredentialKeeper(const AgentOptions& options, AgentLog& log, ServerHealth& health,
                                   const std::atomic<bool>& stop)
    : options_(options), log_(log), health_(health), stop_(stop) {}

AgentCredential CredentialKeeper::current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return credential_;
}

Status CredentialKeeper::obtain() {
  std::lock_guard<std::mutex> enrolling(enrolMu_);
  std::error_code missing;
  if (std::filesystem::exists(tokenFile(), missing)) {
    auto text = readWholeFile(tokenFile());
    if (!text.ok()) return text.error();
    AgentCredential loaded;
    auto parsed = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_object() && parsed.value("token", "") != "") {
      loaded.token = parsed.value("token", "");
      loaded.instanceId = parsed.value("instanceId", "");
      loaded.groupId = parsed.value("groupId", "");
    } else {
      loaded.token = trim(*text);  // a bare token written by hand
    }
    if (loaded.instanceId.empty()) loaded.instanceId = options_.instanceId.value_or("");
    if (!loaded.token.empty()) {
      std::lock_guard<std::mutex> lock(mu_);
      credential_ = loaded;
      return Status::success();
    }
    log_.line(tokenFile().string() + " holds no credential; enrolling again");
  }
  return enrol();
}

Status CredentialKeeper::renewAfterRefusal(const std::string& refusedToken) {
  std::lock_guard<std::mutex> enrolling(enrolMu_);
  if (current().token != refusedToken) return Status::success();  // another thread renewed it
  log_.line("the server refused this agent's credential (" + tokenFile().string() + "); enrolling again");
  return enrol();
}

std::optional<std::pair<std::string, std::string>> CredentialKeeper::enrolmentToken() const {
  if (options_.enrolmentToken && !trim(*options_.enrolmentToken).empty()) {
    return std::make_pair(trim(*options_.enrolmentToken), std::string("--enrolment-token"));
  }
  if (options_.enrolmentTokenFile) {
    auto text = readWholeFile(*options_.enrolmentTokenFile);
    if (text.ok() && !trim(*text).empty()) return std::make_pair(trim(*text), options_.enrolmentTokenFile->string());
  }
  const char* fromEnvironment = std::getenv("GREENLIGHT_ENROLMENT_TOKEN");
  if (fromEnvironment != nullptr && !trim(fromEnvironment).empty()) {
    return std::make_pair(trim(fromEnvironment), std::string("GREENLIGHT_ENROLMENT_TOKEN"));
  }
  return std::nullopt;
}

Status CredentialKeeper::enrol() {
  auto enrolment = enrolmentToken();
  if (!enrolment) {
    std::string file = options_.enrolmentTokenFile ? " (" + options_.enrolmentTokenFile->string() + " is missing or empty)" : "";
    return Error{"NoEnrolmentToken",
                 "this agent has no usable credential in " + tokenFile().string() + " and no enrolment token" + file +
                     "; give the deployment group's enrolment token with --enrolment-token-file, --enrolment-token or "
                     "GREENLIGHT_ENROLMENT_TOKEN (an admin creates one with POST "
                     "/v1/applications/{app}/groups/{group}/enrolment-tokens)"};
  }
  const auto& [secret, source] = *enrolment;
  nlohmann::json body = {{"hostName", options_.hostName}};
  if (options_.instanceId) body["instanceId"] = *options_.instanceId;
  if (!options_.tags.empty()) body["tags"] = options_.tags;

  http::HttpClientOptions clientOptions;
  clientOptions.address = options_.serverAddress;
  clientOptions.bearerToken = secret;
  clientOptions.connectTimeout = std::chrono::seconds(5);
  clientOptions.totalTimeout = std::chrono::seconds(30);
  http::HttpClient client(clientOptions);
  Backoff backoff(options_.backoffInitial, options_.backoffMax);
  while (true) {
    if (stop_.load()) return Error{"Stopped", "stopped while enrolling"};
    auto answer = client.post("/v1/agent/enrol", body);
    if (!answer.ok() || answer->status >= 500) {
      health_.markUnreachable(answer.ok() ? "the server at " + options_.serverAddress + " could not enrol this host: " +
                                                answer->toError().message
                                          : answer.error().message);
      if (!sleepUnlessStopped(backoff.next(), stop_)) return Error{"Stopped", "stopped while enrolling"};
      continue;
    }
    health_.markReachable();
    // An instance the server made but has not recorded yet (an EC2 instance boots while its Auto
    // Scaling group is still being read): asked again, not given up.
    if (answer->status == 404 && options_.instanceId) {
      log_.line("the server does not know instance " + *options_.instanceId + " yet (" +
                answer->toError().message + "); enrolling again shortly");
      if (!sleepUnlessStopped(backoff.next(), stop_)) return Error{"Stopped", "stopped while enrolling"};
      continue;
    }
    if (!answer->ok()) {
      return Error{"EnrolmentRefused", "the server at " + options_.serverAddress + " refused to enrol host '" +
                                           options_.hostName + "' (HTTP " + std::to_string(answer->status) + ": " +
                                           answer->toError().message + "); check that the enrolment token from " +
                                           source + " is the deployment group's current one"};
    }
    auto json = answer->json();
    if (!json.ok() || !json->is_object() || json->value("token", "").empty()) {
      return Error{"EnrolmentRefused", "the server at " + options_.serverAddress +
                                           " answered the enrolment without a credential; is it a greenlight server?"};
    }
    AgentCredential fresh{json->value("token", ""), json->value("instanceId", options_.instanceId.value_or("")),
                          json->value("groupId", "")};
    nlohmann::json stored = {{"token", fresh.token}, {"instanceId", fresh.instanceId}, {"groupId", fresh.groupId}};
    if (auto written = writePrivateFile(tokenFile(), stored.dump() + "\n"); !written.ok()) return written;
    {
      std::lock_guard<std::mutex> lock(mu_);
      credential_ = fresh;
    }
    log_.line("enrolled as instance " + fresh.instanceId + " of group " + fresh.groupId + "; credential stored in " +
              tokenFile().string());
    return Status::success();
  }
}

}  // namespace greenlight::agentd
