// The whole API in one list, plus the public health check, metrics and the dashboard.
#include "server/api_routes.h"

#include <nlohmann/json.hpp>

namespace greenlight::server {

void addApiRoutes(RouteTable& routes, ApiContext& context) {
  routes.add(
      "GET", "/v1/health",
      [](const http::HttpRequest&) { return http::jsonResponse({{"status", "ok"}}); },
      http::RouteOptions::publicRoute());
  addMetricsRoutes(routes, context);
  addWebRoutes(routes);
  addSessionRoutes(routes, context);
  addApplicationRoutes(routes, context);
  addConfigRoutes(routes, context);
  addGroupRoutes(routes, context);
  addRevisionRoutes(routes, context);
  addDeploymentRoutes(routes, context);
  addNotificationRoutes(routes, context);
  addInstanceRoutes(routes, context);
  addTokenAndAuditRoutes(routes, context);
  addAgentRoutes(routes, context);
}

}  // namespace greenlight::server
