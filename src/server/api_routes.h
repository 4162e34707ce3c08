// The API's routes, one function per resource family (each in its own routes_*.cc).
#pragma once

#include "server/api_context.h"
#include "server/route_table.h"

namespace greenlight::server {

// Every route of the API (docs/openapi.yaml describes them all).
void addApiRoutes(RouteTable& routes, ApiContext& context);

void addApplicationRoutes(RouteTable& routes, ApiContext& context);
void addConfigRoutes(RouteTable& routes, ApiContext& context);
void addGroupRoutes(RouteTable& routes, ApiContext& context);
void addRevisionRoutes(RouteTable& routes, ApiContext& context);
void addDeploymentRoutes(RouteTable& routes, ApiContext& context);
void addNotificationRoutes(RouteTable& routes, ApiContext& context);
void addInstanceRoutes(RouteTable& routes, ApiContext& context);
void addTokenAndAuditRoutes(RouteTable& routes, ApiContext& context);
void addAgentRoutes(RouteTable& routes, ApiContext& context);
// POST/GET/DELETE /v1/session: the dashboard's login, cookie and CSRF token.
void addSessionRoutes(RouteTable& routes, ApiContext& context);
// "/" and "/ui/{asset}": the dashboard's embedded files, public.
void addWebRoutes(RouteTable& routes);
// GET /metrics (Prometheus), public.
void addMetricsRoutes(RouteTable& routes, ApiContext& context);

}  // namespace greenlight::server
