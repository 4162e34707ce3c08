// A small blocking HTTP client for greenlight's API (CLI, agent), on libcurl's easy interface:
// JSON calls, streamed file upload and download, and a server-sent-events reader.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "http/server_sent_events.h"

namespace greenlight::http {

inline constexpr const char* kGreenlightServer = "the greenlight server";

struct HttpClientOptions {
  std::string address;      // "127.0.0.1:8443" or "http://host:port"
  std::string bearerToken;  // sent as "Authorization: Bearer ..." when not empty
  std::chrono::milliseconds connectTimeout = std::chrono::seconds(10);
  // Whole-request limit; zero means none. Long-polls and uploads pass their own.
  std::chrono::milliseconds totalTimeout = std::chrono::seconds(60);
  // Uploads and downloads have no total limit; they fail when no byte moves for this long.
  std::chrono::seconds stallTimeout = std::chrono::seconds(60);
  // Named in messages as where the address came from.
  std::string addressSetting = "GREENLIGHT_ADDR";
  // Who answers, in messages: "the greenlight server", or e.g. "the webhook check slo".
  std::string peerName = kGreenlightServer;
};

struct ClientResponse {
  long status = 0;
  std::string contentType;
  std::string body;

  bool ok() const { return status >= 200 && status < 300; }
  // The body as JSON; an Error if it is not.
  Result<nlohmann::json> json() const;
  // The server's {"error": {...}} as an Error, or a generic one naming the status.
  Error toError() const;
};

// Not thread-safe: one per thread. Connections are kept alive between calls.
class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Any HTTP status is a response; an Error means no complete response arrived. `path` includes
  // the query string. `timeout` overrides options.totalTimeout for this call.
  Result<ClientResponse> request(const std::string& method, const std::string& path,
                                 const std::optional<nlohmann::json>& body = std::nullopt,
                                 std::optional<std::chrono::milliseconds> timeout = std::nullopt);
  Result<ClientResponse> get(const std::string& path) { return request("GET", path); }
  Result<ClientResponse> post(const std::string& path, const nlohmann::json& body) {
    return request("POST", path, body);
  }
  Result<ClientResponse> put(const std::string& path, const nlohmann::json& body) {
    return request("PUT", path, body);
  }
  Result<ClientResponse> remove(const std::string& path) { return request("DELETE", path); }

  // Sends the file as the body, read as it goes (constant memory).
  Result<ClientResponse> uploadFile(const std::string& method, const std::string& path,
                                    const std::filesystem::path& file,
                                    const std::string& contentType = "application/octet-stream");
  // Streams a 2xx body into `file` (through a temporary name, renamed when complete). Other
  // statuses leave `file` untouched and return their body in the response.
  Result<ClientResponse> downloadToFile(const std::string& path, const std::filesystem::path& file);

  // Reads a text/event-stream, calling `onEvent` per event until the server ends the stream or
  // `onEvent` returns false (both success). A non-2xx answer is an Error.
  Status readEvents(const std::string& path,
                    const std::function<bool(const ServerSentEvent&)>& onEvent);

  const std::string& baseUrl() const { return baseUrl_; }

 private:
  struct Transfer;
  // libcurl callbacks; userData is the Transfer.
  static size_t onBodyBytes(char* data, size_t size, size_t count, void* userData);
  static size_t onUploadBytes(char* buffer, size_t size, size_t count, void* userData);
  Result<ClientResponse> perform(Transfer& transfer);
  Error transportError(int curlCode, const Transfer& transfer) const;

  HttpClientOptions options_;
  std::string baseUrl_;   // "http://host:port"
  std::string hostPort_;  // "host:port", for messages
  void* curl_;            // CURL*, kept opaque so curl.h stays out of users
  char errorBuffer_[256] = {};
};

}  // namespace greenlight::http
