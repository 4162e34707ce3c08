// /v1/applications/{app}/groups: deployment groups from JSON or YAML (admin changes), whose local
// fleets follow their specification; and enrolment tokens for static agents.
#include <nlohmann/json.hpp>

#include "common/error_codes.h"
#include "domain/deployment_status.h"
#include "catalog/traffic_spec.h"
#include "server/api_routes.h"
#include "server/api_support.h"
#include "server/event_log.h"

namespace greenlight::server {

namespace {

using nlohmann::json;

bool isYaml(const http::HttpRequest& request) {
  std::string type = request.header("Content-Type").value_or("");
  type = type.substr(0, type.find(';'));
  return type == "application/yaml" || type == "text/yaml" || type == "application/x-yaml";
}

// The group as sent, with the application taken from the URL when the body names none.
Result<catalog::GroupSpec> specFrom(const http::HttpRequest& request) {
  std::string application = request.pathParam("app");
  Result<catalog::GroupSpec> spec = [&]() -> Result<catalog::GroupSpec> {
    if (isYaml(request)) return catalog::parseGroupYaml(request.body, "request body", application);
    Result<json> body = objectBody(request);
    if (!body.ok()) return body.error();
    return catalog::groupSpecFromJson(*body, application);
  }();
  if (spec.ok() && spec->application != application) {
    return Error{codes::kInvalidArgument,
                 "The group names application '" + spec->application + "' but the URL names '" +
                     application + "'; send it to /v1/applications/" + spec->application +
                     "/groups or fix 'application'."};
  }
  return spec;
}

// The group's pool in the load balancer, so its frontend answers from the group's creation on.
Status followLoadBalancer(ApiContext& context, const catalog::DeploymentGroup& group) {
  auto loadBalancer = catalog::loadBalancerOf(group);
  if (!loadBalancer.ok()) return loadBalancer.error();
  if (!*loadBalancer) return {};
  if (context.traffic == nullptr) {
    return Error{codes::kUnavailable, "The group was saved, but this server has no load balancer "
                                      "to serve it; start the server with HAProxy installed."};
  }
  Status ensured = context.traffic->ensurePool(catalog::poolFor(group, **loadBalancer));
  if (!ensured.ok()) {
    logEvent("group " + group.spec.application + "/" + group.spec.name + " (" + group.id +
             "): its load balancer pool could not be set up: " + ensured.error().message);
    return Error{ensured.error().code,
                 "The group was saved, but its load balancer could not be set up: " +
                     ensured.error().message + " Fix the cause and PUT the group again."};
  }
  return {};
}

// The local fleet follows the group; a failure here leaves the group saved, so say so.
Status followFleet(ApiContext& context, const catalog::DeploymentGroup& group) {
  if (Status balanced = followLoadBalancer(context, group); !balanced.ok()) return balanced;
  Result<fleet::FleetManager*> fleet = fleetOf(context);
  if (!fleet.ok()) return fleet.error();
  Status ensured = (*fleet)->ensureFleet(group.id);
  if (!ensured.ok()) {
    logEvent("group " + group.spec.application + "/" + group.spec.name + " (" + group.id +
             "): its fleet could not be brought up: " + ensured.error().message);
    return Error{ensured.error().code,
                 "The group was saved, but its instances could not be started: " +
                     ensured.error().message + " Fix the cause and PUT the group again."};
  }
  return {};
}

http::HttpResponse saveGroup(ApiContext& context, const http::HttpRequest& request, bool create) {
  Result<auth::Principal> who = authorised(context, request, auth::Action::ManageGroups);
  if (!who.ok()) return errorFor(who.error());
  Result<catalog::GroupSpec> spec = specFrom(request);
  if (!spec.ok()) return errorFor(spec.error());
  if (!create && spec->name != request.pathParam("group")) {
    return errorFor(Error{codes::kInvalidArgument,
                          "The body names group '" + spec->name + "' but the URL names '" +
                              request.pathParam("group") +
                              "'; a group cannot be renamed, create a new one instead."});
  }
  if (Status runnable = checkRunnable(*spec, context.providers); !runnable.ok()) {
    return errorFor(runnable.error());
  }
  Result<catalog::DeploymentGroup> saved = auditedChange(
      context, *who,
      [&](store::SqliteDatabase&, AuditNote& note) -> Result<catalog::DeploymentGroup> {
        Result<catalog::DeploymentGroup> group =
            create ? context.catalog.createGroup(*spec) : context.catalog.updateGroup(*spec);
        if (group.ok()) {
          note = {create ? "create-group" : "update-group",
                  "group:" + spec->application + "/" + spec->name, catalog::toJson(*spec)};
          note.details["id"] = group->id;
        }
        return group;
      });
  if (!saved.ok()) return errorFor(saved.error());
  logEvent(std::string(create ? "created" : "updated") + " group " + spec->application + "/" +
           spec->name + " (" + saved->id + ") for " + who->name);
  if (Status followed = followFleet(context, *saved); !followed.ok()) {
    return errorFor(followed.error());
  }
  return http::jsonResponse(catalog::toJson(*saved), create ? 201 : 200);
}

Result<catalog::DeploymentGroup> groupOf(ApiContext& context, const http::HttpRequest& request) {
  return context.withStore([&](store::SqliteDatabase&) {
    return context.catalog.getGroup(request.pathParam("app"), request.pathParam("group"));
  });
}

http::HttpResponse listGroups(ApiContext& context, const http::HttpRequest& request) {
  Result<auth::Principal> who = authorised(context, request, auth::Action::Read);
  if (!who.ok()) return errorFor(who.error());
  std::string application = request.pathParam("app");
  auto listed = context.withStore([&](store::SqliteDatabase&) -> Result<std::vector<catalog::DeploymentGroup>> {
    // An unknown application is a 404, not an empty list.
    if (auto app = context.catalog.getApplication(application); !app.ok()) return app.error();
    return context.catalog.listGroups(application);
  });
  return answer(listed, [](const std::vector<catalog::DeploymentGroup>& groups) {
    json items = json::array();
    for (const auto& group : groups) items.push_back(catalog::toJson(group));
    return json{{"groups", items}};
  });
}

http::HttpResponse getGroup(ApiContext& context, const http::HttpRequest& request) {
  Result<auth::Principal> who = authorised(context, request, auth::Action::Read);
  if (!who.ok()) return errorFor(who.error());
  return answer(groupOf(context, request),
                [](const catalog::DeploymentGroup& group) { return catalog::toJson(group); });
}

http::HttpResponse deleteGroup(ApiContext& context, const http::HttpRequest& request) {
  Result<auth::Principal> who = authorised(context, request, auth::Action::ManageGroups);
  if (!who.ok()) return errorFor(who.error());
  Result<catalog::DeploymentGroup> group = groupOf(context, request);
  if (!group.ok()) return errorFor(group.error());
  engine::DeploymentFilter unfinished;
  unfinished.application = group->spec.application;
  unfinished.group = group->spec.name;
  unfinished.limit = 1000;
  auto deployments = context.engine.listDeployments(unfinished);
  if (!deployments.ok()) return errorFor(deployments.error());
  for (const engine::DeploymentView& deployment : *deployments) {
    if (!domain::isFinal(deployment.status)) {
      return errorFor(Error{codes::kConflict,
                            "Group " + group->spec.application + "/" + group->spec.name +
                                " has deployment " + deployment.id + " still " +
                                domain::toString(deployment.status) +
                                "; stop it (POST /v1/deployments/" + deployment.id +
                                "/stop) or wait for it to end, then delete the group."});
    }
  }
  Result<fleet::FleetManager*> fleet = fleetOf(context);
  if (!fleet.ok()) return errorFor(fleet.error());
  if (Status stopped = (*fleet)->terminateGroup(group->id, *who); !stopped.ok()) {
    return errorFor(stopped.error());
  }
  if (fleet::ComputeProvider* compute = context.compute.load();
      compute != nullptr && group->spec.fleet.provider == catalog::FleetProvider::Aws) {
    if (Status removed = compute->retireGroup(group->id, "group deleted by " + who->name); !removed.ok()) {
      return errorFor(Error{removed.error().code,
                            "The group's fleet versions could not all be removed from AWS: " +
                                removed.error().message + " Delete the group again to retry."});
    }
  }
  if (auto loadBalancer = catalog::loadBalancerOf(*group);
      loadBalancer.ok() && *loadBalancer && context.traffic != nullptr) {
    if (Status removed = context.traffic->removePool(group->id); !removed.ok()) {
      return errorFor(Error{removed.error().code,
                            "The group's instances are stopped, but its load balancer pool could "
                            "not be removed: " + removed.error().message +
                                " Delete the group again once the load balancer answers."});
    }
  }
  Status deleted = auditedChange(context, *who, [&](store::SqliteDatabase&, AuditNote& note) {
    note = {"delete-group", "group:" + group->spec.application + "/" + group->spec.name,
            {{"id", group->id}}};
    return context.catalog.deleteGroup(group->spec.application, group->spec.name);
  });
  if (!deleted.ok()) return errorFor(deleted.error());
  logEvent("deleted group " + group->spec.application + "/" + group->spec.name + " (" +
           group->id + ") for " + who->name);
  return noContent();
}

http::HttpResponse createEnrolmentToken(ApiContext& context, const http::HttpRequest& request) {
  Result<auth::Principal> who = authorised(context, request, auth::Action::ManageTokens);
  if (!who.ok()) return errorFor(who.error());
  Result<catalog::DeploymentGroup> group = groupOf(context, request);
  if (!group.ok()) return errorFor(group.error());
  std::string name = "enrolment " + group->spec.application + "/" + group->spec.name;
  Result<auth::CreatedToken> created = auditedChange(
      context, *who, [&](store::SqliteDatabase&, AuditNote& note) -> Result<auth::CreatedToken> {
        Result<auth::CreatedToken> token =
            context.tokens.create({name, auth::Role::Enrolment, group->id, std::nullopt});
        if (token.ok()) {
          note = {"create-token", "token:" + std::to_string(token->token.id),
                  {{"name", name}, {"role", "enrolment"}, {"scope", group->id}}};
        }
        return token;
      });
  return answer(
      created,
      [](const auth::CreatedToken& token) {
        return json{{"token", token.secret}, {"id", token.token.id}};
      },
      201);
}

}  // namespace

void addGroupRoutes(RouteTable& routes, ApiContext& context) {
  ApiContext* c = &context;
  routes.add("POST", "/v1/applications/{app}/groups",
             [c](const http::HttpRequest& r) { return saveGroup(*c, r, /*create=*/true); });
  routes.add("GET", "/v1/applications/{app}/groups",
             [c](const http::HttpRequest& r) { return listGroups(*c, r); });
  routes.add("GET", "/v1/applications/{app}/groups/{group}",
             [c](const http::HttpRequest& r) { return getGroup(*c, r); });
  routes.add("PUT", "/v1/applications/{app}/groups/{group}",
             [c](const http::HttpRequest& r) { return saveGroup(*c, r, /*create=*/false); });
  routes.add("DELETE", "/v1/applications/{app}/groups/{group}",
             [c](const http::HttpRequest& r) { return deleteGroup(*c, r); });
  routes.add("POST", "/v1/applications/{app}/groups/{group}/enrolment-tokens",
             [c](const http::HttpRequest& r) { return createEnrolmentToken(*c, r); });
}

}  // namespace greenlight::server
