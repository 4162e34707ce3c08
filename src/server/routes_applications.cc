// /v1/applications: create, list, show, delete applications (admin changes, everyone reads).
#include <nlohmann/json.hpp>

#include "common/error_codes.h"
#include "domain/application.h"
#include "domain/compute_platform.h"
#include "server/api_routes.h"
#include "server/api_support.h"

namespace greenlight::server {

namespace {

using nlohmann::json;

http::HttpResponse createApplication(ApiContext& context, const http::HttpRequest& request) {
  Result<auth::Principal> who = authorised(context, request, auth::Action::ManageApps);
  if (!who.ok()) return errorFor(who.error());
  Result<json> body = objectBody(request);
  if (!body.ok()) return errorFor(body.error());
  Result<std::optional<std::string>> name = stringMember(*body, "name");
  if (!name.ok()) return errorFor(name.error());
  if (!name->has_value()) {
    return errorFor(Error{codes::kInvalidArgument,
                          "'name' is missing: send {\"name\": \"web\", \"computePlatform\": "
                          "\"server\"}."});
  }
  Result<std::optional<std::string>> platformName = stringMember(*body, "computePlatform");
  if (!platformName.ok()) return errorFor(platformName.error());
  domain::ComputePlatform platform = domain::ComputePlatform::Server;
  if (platformName->has_value()) {
    std::optional<domain::ComputePlatform> parsed = domain::parseComputePlatform(**platformName);
    if (!parsed) {
      return errorFor(Error{codes::kInvalidArgument,
                            "'computePlatform' must be server, lambda or ecs, not '" +
                                **platformName + "'."});
    }
    platform = *parsed;
  }
  Result<domain::Application> created = auditedChange(
      context, *who,
      [&](store::SqliteDatabase&, AuditNote& note) -> Result<domain::Application> {
        note = {"create-application", "application:" + **name,
                {{"computePlatform", domain::toString(platform)}}};
        return context.catalog.createApplication(**name, platform);
      });
  return answer(created, [](const domain::Application& app) { return json(app); }, 201);
}

http::HttpResponse listApplications(ApiContext& context, const http::HttpRequest& request) {
  Result<auth::Principal> who = authorised(context, request, auth::Action::Read);
  if (!who.ok()) return errorFor(who.error());
  auto listed = context.withStore(
      [&](store::SqliteDatabase&) { return context.catalog.listApplications(); });
  return answer(listed, [](const std::vector<domain::Application>& apps) {
    return json{{"applications", apps}};
  });
}

http::HttpResponse getApplication(ApiContext& context, const http::HttpRequest& request) {
  Result<auth::Principal> who = authorised(context, request, auth::Action::Read);
  if (!who.ok()) return errorFor(who.error());
  auto found = context.withStore([&](store::SqliteDatabase&) {
    return context.catalog.getApplication(request.pathParam("app"));
  });
  return answer(found, [](const domain::Application& app) { return json(app); });
}

http::HttpResponse deleteApplication(ApiContext& context, const http::HttpRequest& request) {
  Result<auth::Principal> who = authorised(context, request, auth::Action::ManageApps);
  if (!who.ok()) return errorFor(who.error());
  std::string name = request.pathParam("app");
  Status deleted = auditedChange(context, *who, [&](store::SqliteDatabase&, AuditNote& note) {
    note = {"delete-application", "application:" + name, json::object()};
    return context.catalog.deleteApplication(name);
  });
  if (!deleted.ok()) return errorFor(deleted.error());
  return noContent();
}

}  // namespace

void addApplicationRoutes(RouteTable& routes, ApiContext& context) {
  ApiContext* c = &context;
  routes.add("POST", "/v1/applications",
             [c](const http::HttpRequest& r) { return createApplication(*c, r); });
  routes.add("GET", "/v1/applications",
             [c](const http::HttpRequest& r) { return listApplications(*c, r); });
  routes.add("GET", "/v1/applications/{app}",
             [c](const http::HttpRequest& r) { return getApplication(*c, r); });
  routes.add("DELETE", "/v1/applications/{app}",
             [c](const http::HttpRequest& r) { return deleteApplication(*c, r); });
}

}  // namespace greenlight::server
