// The request and response values handlers see: plain structs, no Beast types, so the rest of
// greenlight (API handlers, tests) never depends on the networking library.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace greenlight::http {

using NameValueList = std::vector<std::pair<std::string, std::string>>;

// Looks `name` up in `list`; header lookups ignore case, others compare exactly.
std::optional<std::string> findValue(const NameValueList& list, std::string_view name,
                                     bool ignoreCase = false);

// Who made a request, as decided by the authentication hook.
struct Principal {
  std::string subject;             // e.g. a user name or an agent's instance id
  std::vector<std::string> roles;  // e.g. "admin", "deployer", "viewer", "agent"
};

struct HttpRequest {
  std::string method;  // upper case: GET, POST, ...
  std::string target;  // as sent: path and query string
  std::string path;    // percent-decoded path, without the query string
  NameValueList query;       // decoded query parameters, in order
  NameValueList headers;     // as sent
  NameValueList pathParams;  // named segments of the matched route, e.g. {"id", "d-42"}
  std::string body;
  std::string remoteAddress;             // "127.0.0.1:53412"
  std::optional<Principal> principal;    // set for non-public routes once authenticated

  std::optional<std::string> header(std::string_view name) const {
    return findValue(headers, name, /*ignoreCase=*/true);
  }
  std::optional<std::string> queryParam(std::string_view name) const {
    return findValue(query, name);
  }
  // REQUIRES: the matched route's pattern names `name`.
  std::string pathParam(std::string_view name) const {
    return findValue(pathParams, name).value_or("");
  }
};

struct HttpResponse {
  int status = 200;
  std::string contentType = "application/json";
  NameValueList headers;  // extra headers
  std::string body;
};

// 200-style JSON response: the body is `value` serialised.
HttpResponse jsonResponse(const nlohmann::json& value, int status = 200);
// The uniform error shape of greenlight's API: {"error": {"code": ..., "message": ...}}.
HttpResponse errorResponse(int status, std::string_view code, std::string_view message);
HttpResponse errorResponse(int status, const Error& error);

// Parses the request body as JSON. On failure the Error (code "MalformedJson") says where the
// parser stopped, ready to send back with errorResponse(400, ...).
Result<nlohmann::json> parseJsonBody(const HttpRequest& request);

// The token of an "Authorization: Bearer <token>" header, if there is one.
std::optional<std::string> bearerToken(const HttpRequest& request);

}  // namespace greenlight::http
