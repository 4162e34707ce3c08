// JSON helpers and header lookups for HttpRequest/HttpResponse.
#include "http/http_message.h"

#include <strings.h>

namespace greenlight::http {

std::optional<std::string> findValue(const NameValueList& list, std::string_view name,
                                     bool ignoreCase) {
  for (const auto& [key, value] : list) {
    bool same = ignoreCase ? key.size() == name.size() &&
                                 ::strncasecmp(key.data(), name.data(), name.size()) == 0
                           : key == name;
    if (same) return value;
  }
  return std::nullopt;
}

HttpResponse jsonResponse(const nlohmann::json& value, int status) {
  HttpResponse response;
  response.status = status;
  // Replace invalid UTF-8 rather than throwing: a response must always be producible.
  response.body = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

HttpResponse errorResponse(int status, std::string_view code, std::string_view message) {
  return jsonResponse({{"error", {{"code", code}, {"message", message}}}}, status);
}

HttpResponse errorResponse(int status, const Error& error) {
  return errorResponse(status, error.code, error.message);
}

Result<nlohmann::json> parseJsonBody(const HttpRequest& request) {
  if (request.body.empty()) {
    return Error{"MalformedJson", "the request body is empty; send a JSON document"};
  }
  try {
    return nlohmann::json::parse(request.body);
  } catch (const nlohmann::json::parse_error& error) {
    return Error{"MalformedJson", "the request body is not valid JSON (at byte " +
                                      std::to_string(error.byte) + "): " + error.what()};
  }
}

std::optional<std::string> bearerToken(const HttpRequest& request) {
  auto value = request.header("Authorization");
  constexpr std::string_view kScheme = "Bearer ";
  if (!value || value->size() <= kScheme.size() ||
      ::strncasecmp(value->data(), kScheme.data(), kScheme.size()) != 0) {
    return std::nullopt;
  }
  auto token = value->substr(kScheme.size());
  auto first = token.find_first_not_of(' ');
  if (first == std::string::npos) return std::nullopt;
  return token.substr(first);
}

}  // namespace greenlight::http
