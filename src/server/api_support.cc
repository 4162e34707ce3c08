// Caller checks, body and query reading shared by the route files.
#include "server/api_support.h"

#include <charconv>

#include "common/error_codes.h"

namespace greenlight::server {

Result<auth::Principal> authorised(const ApiContext& context, const http::HttpRequest& request,
                                   auth::Action action, std::optional<std::string_view> scope) {
  std::optional<auth::Principal> principal = principalOf(request, context.principals);
  if (!principal) {
    return Error{"Unauthenticated",
                 "This call needs an API token: send 'Authorization: Bearer <token>'."};
  }
  if (Status allowed = auth::authorise(*principal, action, scope); !allowed.ok()) {
    return allowed.error();
  }
  return *principal;
}

Result<nlohmann::json> objectBody(const http::HttpRequest& request, bool emptyIsObject) {
  if (emptyIsObject && request.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    return nlohmann::json::object();
  }
  Result<nlohmann::json> body = http::parseJsonBody(request);
  if (!body.ok()) return body;
  if (!body->is_object()) {
    return Error{codes::kInvalidArgument,
                 "The request body must be a JSON object ({...}), not " +
                     std::string(body->type_name()) + ", for " + request.method + " " +
                     request.path + "."};
  }
  return body;
}

Result<std::optional<std::string>> stringMember(const nlohmann::json& object, const char* key) {
  auto found = object.find(key);
  if (found == object.end() || found->is_null()) return std::optional<std::string>{};
  if (!found->is_string()) {
    return Error{codes::kInvalidArgument, std::string("'") + key + "' must be a string, not " +
                                              found->dump() + "."};
  }
  return std::optional<std::string>{found->get<std::string>()};
}

Result<std::optional<bool>> boolMember(const nlohmann::json& object, const char* key) {
  auto found = object.find(key);
  if (found == object.end() || found->is_null()) return std::optional<bool>{};
  if (!found->is_boolean()) {
    return Error{codes::kInvalidArgument, std::string("'") + key +
                                              "' must be true or false, not " + found->dump() +
                                              "."};
  }
  return std::optional<bool>{found->get<bool>()};
}

Result<std::optional<std::int64_t>> integerQuery(const http::HttpRequest& request,
                                                 const char* name, std::int64_t minimum,
                                                 std::int64_t maximum) {
  std::optional<std::string> text = request.queryParam(name);
  if (!text || text->empty()) return std::optional<std::int64_t>{};
  std::int64_t value = 0;
  auto [end, problem] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (problem != std::errc() || end != text->data() + text->size() || value < minimum ||
      value > maximum) {
    return Error{codes::kInvalidArgument, std::string("Query parameter '") + name +
                                              "' must be a whole number from " +
                                              std::to_string(minimum) + " to " +
                                              std::to_string(maximum) + ", not '" + *text + "'."};
  }
  return std::optional<std::int64_t>{value};
}

Result<fleet::FleetManager*> fleetOf(const ApiContext& context) {
  fleet::FleetManager* fleet = context.fleet.load();
  if (fleet == nullptr) {
    return Error{codes::kUnavailable,
                 "The server is still starting (adopting its local fleet); try again in a moment."};
  }
  return fleet;
}

http::HttpResponse noContent() {
  http::HttpResponse response;
  response.status = 204;
  response.contentType.clear();
  return response;
}

}  // namespace greenlight::server
