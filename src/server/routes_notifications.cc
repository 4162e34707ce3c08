// GET /v1/deployments/{id}/notifications: every notification of a deployment, with each one's
// delivery (status, attempts, last error or HTTP status, times), read from the outbox.
#include <nlohmann/json.hpp>

#include "notify/notification_store.h"
#include "server/api_routes.h"
#include "server/api_support.h"

namespace greenlight::server {

namespace {

using nlohmann::json;

http::HttpResponse listNotifications(ApiContext& context, const http::HttpRequest& request) {
  Result<auth::Principal> who = authorised(context, request, auth::Action::Read);
  if (!who.ok()) return errorFor(who.error());
  const std::string id = request.pathParam("id");
  // Unknown deployments are 404 (named), not an empty list.
  if (auto deployment = context.engine.getDeployment(id, /*withTargets=*/false); !deployment.ok()) {
    return errorFor(deployment.error());
  }
  auto notifications = context.withStore(
      [&](store::SqliteDatabase& db) { return notify::notificationsOf(db, id); });
  return answer(notifications, [&](const std::vector<notify::Notification>& found) {
    json list = json::array();
    for (const auto& notification : found) list.push_back(notify::toJson(notification));
    return json{{"deploymentId", id}, {"notifications", list}};
  });
}

}  // namespace

void addNotificationRoutes(RouteTable& routes, ApiContext& context) {
  ApiContext* c = &context;
  routes.add("GET", "/v1/deployments/{id}/notifications",
             [c](const http::HttpRequest& r) { return listNotifications(*c, r); });
}

}  // namespace greenlight::server
