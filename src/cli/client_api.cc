// The client verbs' connection to the server: settings from the environment and JSON calls.
#include "cli/client_api.h"

#include <cstdlib>

#include "common/files.h"
#include "http/url_codec.h"

namespace greenlight::cli {

namespace {

std::string trimmed(const std::string& text) {
  auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

Result<std::string> readTokenFile(const std::string& path, const std::string& setting) {
  auto text = readWholeFile(path);
  if (!text.ok()) {
    return Error{"TokenMissing", "cannot read the API token file " + path + " (from " + setting +
                                     "): " + text.error().message};
  }
  std::string token = trimmed(*text);
  if (token.empty()) {
    return Error{"TokenMissing", "the API token file " + path + " (from " + setting +
                                     ") is empty; write the token given by `greenlight token "
                                     "create` (or the server's DATA/admin.token) into it"};
  }
  return token;
}

}  // namespace

std::optional<std::string> processEnvironment(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

Result<ClientSettings> resolveClientSettings(const std::string& tokenFileOption,
                                             const EnvironmentLookup& environment) {
  ClientSettings settings;
  settings.address = trimmed(environment("GREENLIGHT_ADDR").value_or(""));
  if (settings.address.empty()) settings.address = kDefaultServerAddress;
  if (!tokenFileOption.empty()) {
    auto token = readTokenFile(tokenFileOption, "--token-file");
    if (!token.ok()) return token.error();
    settings.token = *token;
    return settings;
  }
  settings.token = trimmed(environment("GREENLIGHT_TOKEN").value_or(""));
  if (!settings.token.empty()) return settings;
  std::string tokenFile = trimmed(environment("GREENLIGHT_TOKEN_FILE").value_or(""));
  if (!tokenFile.empty()) {
    auto token = readTokenFile(tokenFile, "GREENLIGHT_TOKEN_FILE");
    if (!token.ok()) return token.error();
    settings.token = *token;
    return settings;
  }
  return Error{"TokenMissing",
               "no API token: set GREENLIGHT_TOKEN to a token (the server writes the first admin "
               "token to DATA/admin.token: export GREENLIGHT_TOKEN=$(cat DATA/admin.token)), or "
               "name a file holding it with --token-file FILE or GREENLIGHT_TOKEN_FILE"};
}

std::string apiPath(std::initializer_list<std::string> segments) {
  std::string path = "/v1";
  for (const auto& segment : segments) path += "/" + http::percentEncode(segment);
  return path;
}

std::string queryString(std::initializer_list<std::pair<std::string, std::string>> parameters) {
  std::string query;
  for (const auto& [name, value] : parameters) {
    if (value.empty()) continue;
    query += (query.empty() ? "?" : "&") + http::percentEncode(name) + "=" + http::percentEncode(value);
  }
  return query;
}

ApiClient::ApiClient(const ClientSettings& settings)
    : address_(settings.address), http_([&settings] {
        http::HttpClientOptions options;
        options.address = settings.address;
        options.bearerToken = settings.token;
        options.addressSetting = "GREENLIGHT_ADDR";
        return options;
      }()) {}

Result<nlohmann::json> ApiClient::call(const std::string& method, const std::string& path,
                                       const std::optional<nlohmann::json>& body,
                                       std::optional<std::chrono::milliseconds> timeout) {
  return interpret(http_.request(method, path, body, timeout));
}

Result<nlohmann::json> ApiClient::upload(const std::string& method, const std::string& path,
                                         const std::filesystem::path& file,
                                         const std::string& contentType) {
  return interpret(http_.uploadFile(method, path, file, contentType));
}

Result<nlohmann::json> ApiClient::interpret(Result<http::ClientResponse> response) {
  if (!response.ok()) return response.error();
  if (!response->ok()) {
    Error error = response->toError();
    if (response->status == 401) {
      error.message += " (the token comes from GREENLIGHT_TOKEN, --token-file or GREENLIGHT_TOKEN_FILE)";
    }
    return error;
  }
  if (response->body.empty()) return nlohmann::json(nullptr);
  return response->json();
}

}  // namespace greenlight::cli
