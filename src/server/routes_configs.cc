// /v1/deployment-configs: the predefined configurations and custom ones (admin changes).
#include <nlohmann/json.hpp>

#include "domain/deployment_config.h"
#include "domain/json_parse.h"
#include "domain/predefined_configs.h"
#include "server/api_routes.h"
#include "server/api_support.h"

namespace greenlight::server {

namespace {

using nlohmann::json;

json configJson(const domain::DeploymentConfig& config) {
  json value = config;
  value["predefined"] = domain::isPredefinedConfigName(config.name);
  return value;
}

http::HttpResponse createConfig(ApiContext& context, const http::HttpRequest& request) {
  Result<auth::Principal> who = authorised(context, request, auth::Action::ManageConfigs);
  if (!who.ok()) return errorFor(who.error());
  Result<json> body = objectBody(request);
  if (!body.ok()) return errorFor(body.error());
  Result<domain::DeploymentConfig> config =
      domain::parseJson<domain::DeploymentConfig>(*body, "the deployment configuration");
  if (!config.ok()) return errorFor(config.error());
  Result<domain::DeploymentConfig> created = auditedChange(
      context, *who,
      [&](store::SqliteDatabase&, AuditNote& note) -> Result<domain::DeploymentConfig> {
        note = {"create-deployment-config", "deployment-config:" + config->name, json(*config)};
        return context.catalog.createConfig(*config);
      });
  return answer(created, configJson, 201);
}

http::HttpResponse listConfigs(ApiContext& context, const http::HttpRequest& request) {
  Result<auth::Principal> who = authorised(context, request, auth::Action::Read);
  if (!who.ok()) return errorFor(who.error());
  auto listed =
      context.withStore([&](store::SqliteDatabase&) { return context.catalog.listConfigs(); });
  return answer(listed, [](const std::vector<domain::DeploymentConfig>& configs) {
    json items = json::array();
    for (const auto& config : configs) items.push_back(configJson(config));
    return json{{"deploymentConfigs", items}};
  });
}

http::HttpResponse getConfig(ApiContext& context, const http::HttpRequest& request) {
  Result<auth::Principal> who = authorised(context, request, auth::Action::Read);
  if (!who.ok()) return errorFor(who.error());
  auto found = context.withStore([&](store::SqliteDatabase&) {
    return context.catalog.getConfig(request.pathParam("name"));
  });
  return answer(found, configJson);
}

http::HttpResponse deleteConfig(ApiContext& context, const http::HttpRequest& request) {
  Result<auth::Principal> who = authorised(context, request, auth::Action::ManageConfigs);
  if (!who.ok()) return errorFor(who.error());
  std::string name = request.pathParam("name");
  Status deleted = auditedChange(context, *who, [&](store::SqliteDatabase&, AuditNote& note) {
    note = {"delete-deployment-config", "deployment-config:" + name, json::object()};
    return context.catalog.deleteConfig(name);
  });
  if (!deleted.ok()) return errorFor(deleted.error());
  return noContent();
}

}  // namespace

void addConfigRoutes(RouteTable& routes, ApiContext& context) {
  ApiContext* c = &context;
  routes.add("POST", "/v1/deployment-configs",
             [c](const http::HttpRequest& r) { return createConfig(*c, r); });
  routes.add("GET", "/v1/deployment-configs",
             [c](const http::HttpRequest& r) { return listConfigs(*c, r); });
  routes.add("GET", "/v1/deployment-configs/{name}",
             [c](const http::HttpRequest& r) { return getConfig(*c, r); });
  routes.add("DELETE", "/v1/deployment-configs/{name}",
             [c](const http::HttpRequest& r) { return deleteConfig(*c, r); });
}

}  // namespace greenlight::server
