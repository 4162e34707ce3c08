// Registers the API's routes on the HTTP router and remembers (method, pattern) of each, so
// docs/openapi.yaml can be checked against what the server really serves.
#pragma once

#include <string>
#include <vector>

#include "http/router.h"

namespace greenlight::server {

struct RouteInfo {
  std::string method;
  std::string pattern;
  bool isPublic = false;
};

class RouteTable {
 public:
  void add(std::string method, std::string pattern, http::SyncHandler handler,
           http::RouteOptions options = {});
  void addAsync(std::string method, std::string pattern, http::AsyncHandler handler,
                http::RouteOptions options = {});

  const std::vector<RouteInfo>& routes() const { return routes_; }
  // REQUIRES: called once, when every route is added.
  http::Router takeRouter() { return std::move(router_); }

 private:
  http::Router router_;
  std::vector<RouteInfo> routes_;
};

}  // namespace greenlight::server
