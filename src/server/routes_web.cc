// The dashboard: "/" is its single page, "/ui/{asset}" its scripts and styles, all embedded in the
// binary. Public, like a login page must be: the data they show comes from the API, which asks
// for a token or the session cookie.
#include "server/api_routes.h"
#include "server/web_assets.h"

namespace greenlight::server {

namespace {

http::HttpResponse serveAsset(const http::HttpRequest& request, std::string_view name) {
  std::optional<http::HttpResponse> response =
      webAssetResponse(name, request.header("If-None-Match"));
  if (response) return *response;
  return http::errorResponse(404, "NotFound",
                             "The dashboard has no file named '" + std::string(name) + "'.");
}

}  // namespace

void addWebRoutes(RouteTable& routes) {
  routes.add(
      "GET", "/", [](const http::HttpRequest& r) { return serveAsset(r, "index.html"); },
      http::RouteOptions::publicRoute());
  routes.add(
      "GET", "/ui/{asset}",
      [](const http::HttpRequest& r) { return serveAsset(r, r.pathParam("asset")); },
      http::RouteOptions::publicRoute());
}

}  // namespace greenlight::server
