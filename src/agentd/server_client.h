// One agent thread's line to the server: the agent's credential as bearer token, retries with
// backoff while the server is away (no answer, or a 5xx), and one re-enrolment when the server
// answers 401. Each thread owns its own (HttpClient is one per thread).
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "agentd/agent_credential.h"
#include "agentd/agent_daemon.h"
#include "agentd/retry.h"
#include "http/http_client.h"

namespace greenlight::agentd {

// Not thread-safe; the keeper and health it shares are.
class ServerClient {
 public:
  ServerClient(const AgentOptions& options, CredentialKeeper& credentials, ServerHealth& health,
               const std::atomic<bool>& stop);
  ServerClient(const ServerClient&) = delete;
  ServerClient& operator=(const ServerClient&) = delete;

  // Tries until the server answers with anything but a 5xx. Errors: "Stopped" when stop is
  // requested while waiting to try again (a stopping agent still makes one attempt), "CredentialRefused" when the server refuses the agent even after enrolling
  // again (or it cannot enrol again), and the keeper's fatal errors.
  Result<http::ClientResponse> call(const std::string& method, const std::string& path,
                                    const std::optional<nlohmann::json>& body = std::nullopt,
                                    std::optional<std::chrono::milliseconds> timeout = std::nullopt);
  // One attempt (after a 401, one more with a renewed credential): heartbeats, which are
  // worthless late, and callers that retry on their own deadline. A 5xx is returned as it is.
  Result<http::ClientResponse> callOnce(const std::string& method, const std::string& path,
                                        const std::optional<nlohmann::json>& body = std::nullopt,
                                        std::optional<std::chrono::milliseconds> timeout = std::nullopt);
  // Streams a 2xx body into `file`, with the same retries as call().
  Result<http::ClientResponse> download(const std::string& path, const std::filesystem::path& file);

 private:
  using Attempt = std::function<Result<http::ClientResponse>(http::HttpClient&)>;
  Result<http::ClientResponse> withRetries(const Attempt& attempt, bool retry);
  http::HttpClient& client();  // rebuilt when the credential changed

  const AgentOptions& options_;
  CredentialKeeper& credentials_;
  ServerHealth& health_;
  const std::atomic<bool>& stop_;
  std::unique_ptr<http::HttpClient> client_;
  std::string clientToken_;
};

// "/v1/agent/commands/<percent-encoded id>/<what>": command ids hold '/'.
std::string commandPath(const std::string& commandId, const std::string& what);

}  // namespace greenlight::agentd
