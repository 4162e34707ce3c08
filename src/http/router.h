// Maps (method, path) to a handler. Patterns are literal segments and named parameters:
// "/v1/deployments/{id}/events". Built once before the server starts; read-only afterwards,
// so matching is thread-safe.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/http_message.h"
#include "http/responder.h"

namespace greenlight::http {

// Answers at once, on a server thread. Must not block for long: use an AsyncHandler to wait.
using SyncHandler = std::function<HttpResponse(const HttpRequest&)>;
// Answers through the Responder, now or later from any thread. The request is the handler's to
// move from.
using AsyncHandler = std::function<void(HttpRequest&, Responder)>;

struct RouteOptions {
  bool isPublic = false;              // skip the authentication hook (health checks, enrolment)
  std::optional<size_t> bodyLimit;    // overrides the server's limit (e.g. bundle uploads)

  static RouteOptions publicRoute() { return RouteOptions{true, std::nullopt}; }
  static RouteOptions withBodyLimit(size_t bytes) { return RouteOptions{false, bytes}; }
};

struct Route {
  std::string method;
  std::string pattern;
  std::vector<std::string> segments;  // "{name}" for a parameter
  AsyncHandler handler;
  RouteOptions options;
};

struct RouteMatch {
  const Route* route = nullptr;          // null: no route for this method and path
  NameValueList pathParams;
  std::vector<std::string> allowedMethods;  // when the path matched under other methods (405)
  bool malformedPath = false;            // a segment had a bad %-escape (400)
};

class Router {
 public:
  // REQUIRES: pattern starts with '/'; a parameter is a whole segment "{name}".
  void add(std::string method, std::string pattern, SyncHandler handler, RouteOptions options = {});
  void addAsync(std::string method, std::string pattern, AsyncHandler handler,
                RouteOptions options = {});

  // `rawPath` is the path as sent, still percent-encoded, without the query string.
  RouteMatch match(std::string_view method, std::string_view rawPath) const;

 private:
  std::vector<Route> routes_;
};

}  // namespace greenlight::http
