// Retries, backoff and credential renewal around the HTTP client.
#include "agentd/server_client.h"

#include "http/url_codec.h"

namespace greenlight::agentd {

ServerClient::ServerClient(const AgentOptions& options, CredentialKeeper& credentials, ServerHealth& health,
                           const std::atomic<bool>& stop)
    : options_(options), credentials_(credentials), health_(health), stop_(stop) {}

http::HttpClient& ServerClient::client() {
  std::string token = credentials_.current().token;
  if (!client_ || token != clientToken_) {
    http::HttpClientOptions clientOptions;
    clientOptions.address = options_.serverAddress;
    clientOptions.bearerToken = token;
    clientOptions.connectTimeout = std::chrono::seconds(5);
    clientOptions.totalTimeout = std::chrono::seconds(30);
    client_ = std::make_unique<http::HttpClient>(clientOptions);
    clientToken_ = token;
  }
  return *client_;
}

Result<http::ClientResponse> ServerClient::withRetries(const Attempt& attempt, bool retry) {
  Backoff backoff(options_.backoffInitial, options_.backoffMax);
  bool renewed = false;
  while (true) {
    std::string token = credentials_.current().token;
    auto answer = attempt(client());
    if (answer.ok() && answer->status == 401) {
      health_.markReachable();
      if (renewed) {
        return Error{"CredentialRefused", "the server at " + options_.serverAddress +
                                              " refused this agent's credential even after enrolling again: " +
                                              answer->toError().message};
      }
      if (auto renewal = credentials_.renewAfterRefusal(token); !renewal.ok()) return renewal.error();
      renewed = true;
      continue;
    }
    if (answer.ok() && answer->status < 500) {
      health_.markReachable();
      return answer;
    }
    health_.markUnreachable(answer.ok() ? "the server at " + options_.serverAddress + " fails (HTTP " +
                                              std::to_string(answer->status) + "): " + answer->toError().message
                                        : answer.error().message);
    if (!retry) return answer;
    if (!sleepUnlessStopped(backoff.next(), stop_)) return Error{"Stopped", "stopped before the server answered"};
  }
}

Result<http::ClientResponse> ServerClient::call(const std::string& method, const std::string& path,
                                                const std::optional<nlohmann::json>& body,
                                                std::optional<std::chrono::milliseconds> timeout) {
  return withRetries([&](http::HttpClient& http) { return http.request(method, path, body, timeout); }, true);
}

Result<http::ClientResponse> ServerClient::callOnce(const std::string& method, const std::string& path,
                                                    const std::optional<nlohmann::json>& body,
                                                    std::optional<std::chrono::milliseconds> timeout) {
  return withRetries([&](http::HttpClient& http) { return http.request(method, path, body, timeout); }, false);
}

Result<http::ClientResponse> ServerClient::download(const std::string& path, const std::filesystem::path& file) {
  return withRetries([&](http::HttpClient& http) { return http.downloadToFile(path, file); }, true);
}

std::string commandPath(const std::string& commandId, const std::string& what) {
  return "/v1/agent/commands/" + http::percentEncode(commandId) + "/" + what;
}

}  // namespace greenlight::agentd
