// How the client verbs reach the server: the address and token from the environment (or a token
// file), and JSON calls whose non-2xx answers become Errors carrying the server's own message.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "http/http_client.h"

namespace greenlight::cli {

inline constexpr const char* kDefaultServerAddress = "127.0.0.1:7070";

struct ClientSettings {
  std::string address;
  std::string token;
};

// Reads one environment variable; nullopt when unset. Injected so tests need no real environment.
using EnvironmentLookup = std::function<std::optional<std::string>(const std::string& name)>;
std::optional<std::string> processEnvironment(const std::string& name);

// The address from GREENLIGHT_ADDR (default 127.0.0.1:7070); the token from --token-file, else
// GREENLIGHT_TOKEN, else the file GREENLIGHT_TOKEN_FILE names. Missing or empty token: an Error
// (code TokenMissing) that says how to provide one.
Result<ClientSettings> resolveClientSettings(const std::string& tokenFileOption,
                                             const EnvironmentLookup& environment);

// "/v1/applications/my%20app/groups": each segment percent-encoded.
std::string apiPath(std::initializer_list<std::string> segments);
// "?a=1&b=x%20y", skipping empty values; "" when nothing is left.
std::string queryString(std::initializer_list<std::pair<std::string, std::string>> parameters);

// Not thread-safe (one HttpClient underneath).
class ApiClient {
 public:
  explicit ApiClient(const ClientSettings& settings);

  // The answer's JSON (null for an empty body such as 204). Non-2xx: the server's error.
  Result<nlohmann::json> call(const std::string& method, const std::string& path,
                              const std::optional<nlohmann::json>& body = std::nullopt,
                              std::optional<std::chrono::milliseconds> timeout = std::nullopt);
  Result<nlohmann::json> get(const std::string& path) { return call("GET", path); }
  // Sends a file as the body (bundles, group YAML).
  Result<nlohmann::json> upload(const std::string& method, const std::string& path,
                                const std::filesystem::path& file, const std::string& contentType);

  const std::string& address() const { return address_; }

 private:
  Result<nlohmann::json> interpret(Result<http::ClientResponse> response);

  std::string address_;
  http::HttpClient http_;
};

}  // namespace greenlight::cli
