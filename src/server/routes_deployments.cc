// Deployments: start, plan, list, show, watch (long-poll), live events (server-sent), one
// instance's events with their log tails, stop, continue, roll back. The engine audits its
// own requests; these handlers check the caller and translate JSON.
#include <algorithm>
#include <limits>

#include <nlohmann/json.hpp>

#include "common/error_codes.h"
#include "domain/deployment_status.h"
#include "server/api_routes.h"
#include "server/api_support.h"
#include "server/event_log.h"
#include "server/long_poll.h"

namespace greenlight::server {

namespace {

using nlohmann::json;

json withoutTargets(const engine::DeploymentView& deployment) {
  json value = engine::toJson(deployment);
  value.erase("targets");
  return value;
}

http::HttpResponse createDeployment(ApiContext& context, const http::HttpRequest& request) {
  Result<auth::Principal> who = authorised(context, request, auth::Action::Deploy);
  if (!who.ok()) return errorFor(who.error());
  Result<json> body = objectBody(request);
  if (!body.ok()) return errorFor(body.error());
  engine::DeploymentRequest deployment;
  deployment.application = request.pathParam("app");
  deployment.group = request.pathParam("group");
  auto revision = stringMember(*body, "revision");
  auto config = stringMember(*body, "deploymentConfig");
  auto description = stringMember(*body, "description");
  auto fileExists = stringMember(*body, "fileExistsBehavior");
  auto ignoreStop = boolMember(*body, "ignoreApplicationStopFailures");
  for (const Error* problem :
       {revision.ok() ? nullptr : &revision.error(), config.ok() ? nullptr : &config.error(),
        description.ok() ? nullptr : &description.error(),
        fileExists.ok() ? nullptr : &fileExists.error(),
        ignoreStop.ok() ? nullptr : &ignoreStop.error()}) {
    if (problem != nullptr) return errorFor(*problem);
  }
  if (!revision->has_value()) {
    return errorFor(Error{codes::kInvalidArgument,
                          "'revision' is missing: send the revision's sha256 (or a unique prefix "
                          "of 7+ characters, or \"latest\")."});
  }
  deployment.revision = **revision;
  deployment.configName = *config;
  deployment.description = description->value_or("");
  deployment.fileExistsBehavior = *fileExists;
  deployment.ignoreApplicationStopFailures = *ignoreStop;
  Result<engine::DeploymentView> created = context.engine.createDeployment(deployment, *who);
  if (!created.ok()) return errorFor(created.error());
  logEvent("deployment " + created->id + " of " + created->application + "/" +
           created->groupName + " (revision " + created->revision.substr(0, 12) +
           ") created by " + who->name);
  return http::jsonResponse(engine::toJson(*created), 201);
}

std::string instanceHealthOf(const catalog::Instance& instance) {
  bool unhealthy = instance.lastDeploymentFailed ||
                   instance.lifecycle == catalog::InstanceLifecycle::Lost ||
                   instance.lifecycle == catalog::InstanceLifecycle::Terminated;
  return unhealthy ? "Unhealthy" : "Healthy";
}

std::string revisionHealthOf(const catalog::Instance& instance,
                             const std::optional<std::string>& latest) {
  if (!instance.currentRevision) return "Unknown";
  return latest && *instance.currentRevision == *latest ? "Current" : "Old";
}

http::HttpResponse planDeployment(ApiContext& context, const http::HttpRequest& request) {
  Result<auth::Principal> who = authorised(context, request, auth::Action::Read);
  if (!who.ok()) return errorFor(who.error());
  Result<json> body = objectBody(request, /*emptyIsObject=*/true);
  if (!body.ok()) return errorFor(body.error());
  auto config = stringMember(*body, "deploymentConfig");
  if (!config.ok()) return errorFor(config.error());
  std::string application = request.pathParam("app");
  std::string groupName = request.pathParam("group");
  Result<domain::InPlacePlan> plan = context.engine.plan(application, groupName, *config);
  if (!plan.ok()) return errorFor(plan.error());
  json instances = json::array();
  Status listed = context.withStore([&](store::SqliteDatabase&) -> Status {
    Result<catalog::DeploymentGroup> group = context.catalog.getGroup(application, groupName);
    if (!group.ok()) return group.error();
    std::optional<std::string> latest;
    if (auto revision = context.catalog.getRevision(application, "latest"); revision.ok()) {
      latest = revision->sha256;
    }
    Result<std::vector<catalog::Instance>> found = context.catalog.listInstances(group->id);
    if (!found.ok()) return found.error();
    for (const catalog::Instance& instance : *found) {
      instances.push_back({{"id", instance.id},
                           {"hostName", instance.hostName},
                           {"port", instance.port},
                           {"health", instanceHealthOf(instance)},
                           {"revisionHealth", revisionHealthOf(instance, latest)}});
    }
    return {};
  });
  if (!listed.ok()) return errorFor(listed.error());
  return http::jsonResponse({{"configName", plan->configName},
                             {"numbers",
                              {{"instanceCount", plan->numbers.instanceCount},
                               {"minimumHealthyHosts", plan->numbers.minimumHealthyHosts},
                               {"maxInFlight", plan->numbers.maxInFlight},
                               {"neededSuccesses", plan->numbers.neededSuccesses}}},
                             {"batches", plan->batches},
                             {"feasible", plan->feasible},
                             {"errorCode", plan->errorCode},
                             {"reason", plan->reason},
                             {"instances", instances}});
}

http::HttpResponse listDeployments(ApiContext& context, const http::HttpRequest& request) {
  Result<auth::Principal> who = authorised(context, request, auth::Action::Read);
  if (!who.ok()) return errorFor(who.error());
  engine::DeploymentFilter filter;
  filter.application = request.queryParam("application");
  filter.group = request.queryParam("group");
  if (auto status = request.queryParam("status"); status && !status->empty()) {
    filter.status = domain::parseDeploymentStatus(*status);
    if (!filter.status) {
      return errorFor(Error{codes::kInvalidArgument,
                            "Query parameter 'status' must be a deployment status (Created, "
                            "Queued, InProgress, Baking, Ready, Succeeded, Failed, Stopped), not '" +
                                *status + "'."});
    }
  }
  auto limit = integerQuery(request, "limit", 1, 1000);
  if (!limit.ok()) return errorFor(limit.error());
  if (limit->has_value()) filter.limit = static_cast<int>(**limit);
  auto listed = context.engine.listDeployments(filter);
  return answer(listed, [](const std::vector<engine::DeploymentView>& deployments) {
    json items = json::array();
    for (const auto& deployment : deployments) items.push_back(withoutTargets(deployment));
    return json{{"deployments", items}};
  });
}

http::HttpResponse getDeployment(ApiContext& context, const http::HttpRequest& request) {
  Result<auth::Principal> who = authorised(context, request, auth::Action::Read);
  if (!who.ok()) return errorFor(who.error());
  auto found = context.engine.getDeployment(request.pathParam("id"), true);
  return answer(found, [](const engine::DeploymentView& d) { return engine::toJson(d); });
}

void watch(ApiContext& context, http::HttpRequest& request, const http::Responder& responder) {
  Result<auth::Principal> who = authorised(context, request, auth::Action::Read);
  if (!who.ok()) {
    responder.send(errorFor(who.error()));
    return;
  }
  auto after = integerQuery(request, "after", 0, std::numeric_limits<std::int64_t>::max());
  auto wait = integerQuery(request, "wait", 0, 3600);
  if (!after.ok() || !wait.ok()) {
    responder.send(errorFor(after.ok() ? wait.error() : after.error()));
    return;
  }
  std::chrono::seconds waitFor =
      std::min(std::chrono::seconds(wait->value_or(context.maxPollWait.count())),
               context.maxPollWait);
  watchDeployment(context, request.pathParam("id"),
                  static_cast<std::uint64_t>(after->value_or(0)), responder, waitFor);
}

// Server-sent events: a "snapshot" at once, then an "update" per change (deployment_events.h).
void streamEvents(ApiContext& context, http::HttpRequest& request, const http::Responder& responder) {
  Result<auth::Principal> who = authorised(context, request, auth::Action::Read);
  if (!who.ok()) {
    responder.send(errorFor(who.error()));
    return;
  }
  std::string id = request.pathParam("id");
  // An unknown id is a 404 before the stream starts, not an empty stream.
  Result<engine::DeploymentView> found = context.engine.getDeployment(id, /*withTargets=*/false);
  if (!found.ok()) {
    responder.send(errorFor(found.error()));
    return;
  }
  context.deploymentEvents.subscribe(id, responder.startEventStream());
}

// One instance's lifecycle events in a deployment, log tails included (the live page leaves
// them out and asks here when a cell is opened).
http::HttpResponse getTarget(ApiContext& context, const http::HttpRequest& request) {
  Result<auth::Principal> who = authorised(context, request, auth::Action::Read);
  if (!who.ok()) return errorFor(who.error());
  auto found = context.engine.getDeployment(request.pathParam("id"), true);
  if (!found.ok()) return errorFor(found.error());
  json whole = engine::toJson(*found);
  std::string instanceId = request.pathParam("instance");
  for (const json& target : whole.value("targets", json::array())) {
    if (target.value("instanceId", "") == instanceId) return http::jsonResponse(target);
  }
  return errorFor(Error{codes::kNotFound, "Deployment " + found->id + " has no instance " +
                                              instanceId + " (see its targets in GET /v1/deployments/" +
                                              found->id + ")."});
}

http::HttpResponse stopDeployment(ApiContext& context, const http::HttpRequest& request) {
  Result<auth::Principal> who = authorised(context, request, auth::Action::Stop);
  if (!who.ok()) return errorFor(who.error());
  Result<json> body = objectBody(request, /*emptyIsObject=*/true);
  if (!body.ok()) return errorFor(body.error());
  auto rollback = boolMember(*body, "rollback");
  if (!rollback.ok()) return errorFor(rollback.error());
  if (rollback->value_or(false)) {
    if (Status may = auth::authorise(*who, auth::Action::Rollback); !may.ok()) {
      return errorFor(may.error());
    }
  }
  auto stopped =
      context.engine.stopDeployment(request.pathParam("id"), rollback->value_or(false), *who);
  if (!stopped.ok()) return errorFor(stopped.error());
  logEvent("deployment " + stopped->id + " stop requested by " + who->name +
           (rollback->value_or(false) ? " (with rollback)" : ""));
  return http::jsonResponse(engine::toJson(*stopped));
}

// A deployment waiting for a person (blue/green at Ready, or a traffic step's pause without a
// duration) goes on; the engine answers Conflict, saying what the deployment is doing, otherwise.
http::HttpResponse continueDeployment(ApiContext& context, const http::HttpRequest& request) {
  Result<auth::Principal> who = authorised(context, request, auth::Action::Continue);
  if (!who.ok()) return errorFor(who.error());
  Result<json> body = objectBody(request, /*emptyIsObject=*/true);
  if (!body.ok()) return errorFor(body.error());
  auto continued = context.engine.continueDeployment(request.pathParam("id"), *who);
  if (!continued.ok()) return errorFor(continued.error());
  logEvent("deployment " + continued->id + " continued by " + who->name);
  return http::jsonResponse(engine::toJson(*continued));
}

http::HttpResponse rollbackGroup(ApiContext& context, const http::HttpRequest& request) {
  Result<auth::Principal> who = authorised(context, request, auth::Action::Rollback);
  if (!who.ok()) return errorFor(who.error());
  Result<json> body = objectBody(request, /*emptyIsObject=*/true);
  if (!body.ok()) return errorFor(body.error());
  auto revision = stringMember(*body, "revision");
  if (!revision.ok()) return errorFor(revision.error());
  auto created = context.engine.rollback(request.pathParam("app"), request.pathParam("group"),
                                         *revision, *who);
  if (!created.ok()) return errorFor(created.error());
  logEvent("rollback deployment " + created->id + " of " + created->application + "/" +
           created->groupName + " created by " + who->name);
  return http::jsonResponse(engine::toJson(*created), 201);
}

}  // namespace

void addDeploymentRoutes(RouteTable& routes, ApiContext& context) {
  ApiContext* c = &context;
  routes.add("POST", "/v1/applications/{app}/groups/{group}/deployments",
             [c](const http::HttpRequest& r) { return createDeployment(*c, r); });
  routes.add("POST", "/v1/applications/{app}/groups/{group}/plan",
             [c](const http::HttpRequest& r) { return planDeployment(*c, r); });
  routes.add("POST", "/v1/applications/{app}/groups/{group}/rollback",
             [c](const http::HttpRequest& r) { return rollbackGroup(*c, r); });
  routes.add("GET", "/v1/deployments",
             [c](const http::HttpRequest& r) { return listDeployments(*c, r); });
  routes.add("GET", "/v1/deployments/{id}",
             [c](const http::HttpRequest& r) { return getDeployment(*c, r); });
  routes.addAsync("GET", "/v1/deployments/{id}/watch",
                  [c](http::HttpRequest& r, http::Responder responder) { watch(*c, r, responder); });
  routes.addAsync("GET", "/v1/deployments/{id}/events",
                  [c](http::HttpRequest& r, http::Responder responder) {
                    streamEvents(*c, r, responder);
                  });
  routes.add("GET", "/v1/deployments/{id}/targets/{instance}",
             [c](const http::HttpRequest& r) { return getTarget(*c, r); });
  routes.add("POST", "/v1/deployments/{id}/stop",
             [c](const http::HttpRequest& r) { return stopDeployment(*c, r); });
  routes.add("POST", "/v1/deployments/{id}/continue",
             [c](const http::HttpRequest& r) { return continueDeployment(*c, r); });
}

}  // namespace greenlight::server
