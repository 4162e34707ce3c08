// Segment-by-segment matching of request paths against route patterns.
#include "http/router.h"

#include <algorithm>
#include <cassert>

#include "http/url_codec.h"

namespace greenlight::http {
namespace {

std::vector<std::string_view> splitSegments(std::string_view path) {
  std::vector<std::string_view> segments;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (true) {
    auto slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

bool isParameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

void Router::add(std::string method, std::string pattern, SyncHandler handler,
                 RouteOptions options) {
  addAsync(std::move(method), std::move(pattern),
           [handler = std::move(handler)](HttpRequest& request, Responder responder) {
             responder.send(handler(request));
           },
           options);
}

void Router::addAsync(std::string method, std::string pattern, AsyncHandler handler,
                      RouteOptions options) {
  assert(!pattern.empty() && pattern.front() == '/');
  Route route{std::move(method), std::move(pattern), {}, std::move(handler), options};
  for (auto segment : splitSegments(route.pattern)) route.segments.emplace_back(segment);
  routes_.push_back(std::move(route));
}

RouteMatch Router::match(std::string_view method, std::string_view rawPath) const {
  RouteMatch result;
  auto rawSegments = splitSegments(rawPath);
  std::vector<std::string> segments;
  for (auto raw : rawSegments) {
    auto decoded = percentDecode(raw);
    if (!decoded) {
      result.malformedPath = true;
      return result;
    }
    segments.push_back(std::move(*decoded));
  }
  for (const Route& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    NameValueList params;
    bool matches = true;
    for (size_t i = 0; i < segments.size() && matches; ++i) {
      const std::string& expected = route.segments[i];
      if (isParameter(expected)) {
        matches = !segments[i].empty();
        params.emplace_back(expected.substr(1, expected.size() - 2), segments[i]);
      } else {
        matches = expected == segments[i];
      }
    }
    if (!matches) continue;
    if (route.method == method) {
      result.route = &route;
      result.pathParams = std::move(params);
      return result;
    }
    if (std::find(result.allowedMethods.begin(), result.allowedMethods.end(), route.method) ==
        result.allowedMethods.end()) {
      result.allowedMethods.push_back(route.method);
    }
  }
  return result;
}

}  // namespace greenlight::http
