// Instances: a group's instances with whether their agent is online, one instance, and restarting
// a lost local instance on request.
#include <nlohmann/json.hpp>

#include "server/api_routes.h"
#include "server/api_support.h"
#include "server/event_log.h"

namespace greenlight::server {

namespace {

using nlohmann::json;

json instanceJson(const ApiContext& context, const catalog::Instance& instance) {
  json value = catalog::toJson(instance);
  bool online = context.presence.everSeen(instance.id) &&
                context.clock.now() - context.presence.lastSeen(instance.id) < context.agentTimeout;
  value["online"] = online;
  return value;
}

http::HttpResponse listInstances(ApiContext& context, const http::HttpRequest& request) {
  Result<auth::Principal> who = authorised(context, request, auth::Action::Read);
  if (!who.ok()) return errorFor(who.error());
  auto listed =
      context.withStore([&](store::SqliteDatabase&) -> Result<std::vector<catalog::Instance>> {
        auto group = context.catalog.getGroup(request.pathParam("app"), request.pathParam("group"));
        if (!group.ok()) return group.error();
        return context.catalog.listInstances(group->id);
      });
  return answer(listed, [&](const std::vector<catalog::Instance>& instances) {
    json items = json::array();
    for (const auto& instance : instances) items.push_back(instanceJson(context, instance));
    return json{{"instances", items}};
  });
}

http::HttpResponse getInstance(ApiContext& context, const http::HttpRequest& request) {
  Result<auth::Principal> who = authorised(context, request, auth::Action::Read);
  if (!who.ok()) return errorFor(who.error());
  auto found = context.withStore([&](store::SqliteDatabase&) {
    return context.catalog.getInstance(request.pathParam("id"));
  });
  return answer(found, [&](const catalog::Instance& i) { return instanceJson(context, i); });
}

http::HttpResponse restartInstance(ApiContext& context, const http::HttpRequest& request) {
  Result<auth::Principal> who = authorised(context, request, auth::Action::ManageGroups);
  if (!who.ok()) return errorFor(who.error());
  Result<fleet::FleetManager*> fleet = fleetOf(context);
  if (!fleet.ok()) return errorFor(fleet.error());
  auto restarted = (*fleet)->restartInstance(request.pathParam("id"), *who);
  if (!restarted.ok()) return errorFor(restarted.error());
  logEvent("instance " + restarted->id + " restarted by " + who->name);
  return http::jsonResponse(instanceJson(context, *restarted));
}

}  // namespace

void addInstanceRoutes(RouteTable& routes, ApiContext& context) {
  ApiContext* c = &context;
  routes.add("GET", "/v1/applications/{app}/groups/{group}/instances",
             [c](const http::HttpRequest& r) { return listInstances(*c, r); });
  routes.add("GET", "/v1/instances/{id}",
             [c](const http::HttpRequest& r) { return getInstance(*c, r); });
  routes.add("POST", "/v1/instances/{id}/restart",
             [c](const http::HttpRequest& r) { return restartInstance(*c, r); });
}

}  // namespace greenlight::server
