// Catalog: applications and custom deployment configurations.
#include <algorithm>

#include "catalog/catalog.h"
#include "catalog/catalog_support.h"
#include "domain/deployment_config_validation.h"
#include "domain/json_parse.h"
#include "domain/predefined_configs.h"
#include "store/sqlite_json.h"

namespace greenlight::catalog {
namespace {

using detail::firstError;

Result<domain::Application> readApplication(const store::SqliteStatement& row) {
  auto name = row.read<std::string>(0);
  auto platform = row.read<std::string>(1);
  auto createdAt = row.read<std::string>(2);
  if (const Error* error = firstError(name, platform, createdAt)) return *error;
  std::optional<domain::ComputePlatform> parsed = domain::parseComputePlatform(*platform);
  if (!parsed) {
    return Error{store::kStoreSchemaMismatch,
                 "application '" + *name + "' is stored with compute platform '" + *platform +
                     "', which this greenlight does not know; upgrade greenlight"};
  }
  return domain::Application{*name, *parsed, parseTimestamp(*createdAt)};
}

Result<domain::DeploymentConfig> readConfig(const store::SqliteStatement& row) {
  Result<nlohmann::json> document = store::readJson(row, 0);
  if (!document.ok()) return document.error();
  return domain::parseJson<domain::DeploymentConfig>(*document, "a stored deployment configuration");
}

std::vector<std::string> configNames(const std::vector<domain::DeploymentConfig>& configs) {
  std::vector<std::string> names;
  for (const domain::DeploymentConfig& config : configs) names.push_back(config.name);
  return names;
}

}  // namespace

Result<domain::Application> Catalog::createApplication(const std::string& name,
                                                       domain::ComputePlatform platform) {
  if (Status valid = detail::checkName("application name", name); !valid.ok()) {
    return valid.error();
  }
  Result<domain::Application> existing = getApplication(name);
  if (existing.ok()) {
    return detail::alreadyExists("application '" + name + "' already exists (created " +
                                 formatTimestamp(existing->createdAt) +
                                 "); choose another name or use the existing one");
  }
  if (existing.error().code != codes::kNotFound) return existing.error();
  domain::Application application{name, platform, clock_.now()};
  Status inserted = db_.run(
      "INSERT INTO applications (name, compute_platform, created_at) VALUES (?, ?, ?)", name,
      domain::toString(platform), formatTimestamp(application.createdAt));
  if (!inserted.ok()) return inserted.error();
  return application;
}

Result<domain::Application> Catalog::getApplication(const std::string& name) {
  auto found = detail::queryFirst<domain::Application>(
      db_, "SELECT name, compute_platform, created_at FROM applications WHERE name = ?",
      readApplication, name);
  if (!found.ok()) return found.error();
  if (!*found) {
    return detail::notFound("there is no application named '" + name +
                            "'; list the applications to see their names, or create it first");
  }
  return std::move(**found);
}

Result<std::vector<domain::Application>> Catalog::listApplications() {
  return detail::queryAll<domain::Application>(
      db_, "SELECT name, compute_platform, created_at FROM applications ORDER BY name",
      readApplication);
}

Status Catalog::deleteApplication(const std::string& name) {
  Result<domain::Application> application = getApplication(name);
  if (!application.ok()) return application.error();
  Result<std::vector<DeploymentGroup>> groups = listGroups(name);
  if (!groups.ok()) return groups.error();
  if (!groups->empty()) {
    std::vector<std::string> names;
    for (const DeploymentGroup& group : *groups) names.push_back(group.spec.name);
    return detail::conflict("application '" + name + "' still has deployment groups " +
                            detail::quotedList(names) +
                            "; delete them first, then the application");
  }
  Result<detail::WriteScope> scope = detail::WriteScope::begin(db_);
  if (!scope.ok()) return scope.error();
  Status removed = db_.run("DELETE FROM revisions WHERE application = ?", name);
  if (removed.ok()) removed = db_.run("DELETE FROM applications WHERE name = ?", name);
  if (!removed.ok()) {
    if (removed.error().code == store::kStoreConstraint) {
      return detail::conflict("application '" + name + "' is still referred to by its "
                              "deployment history and cannot be deleted");
    }
    return removed;
  }
  return scope->commit();
}

Result<domain::DeploymentConfig> Catalog::createConfig(const domain::DeploymentConfig& config) {
  if (domain::isPredefinedConfigName(config.name)) {
    return detail::alreadyExists("'" + config.name + "' is a predefined deployment "
                                 "configuration; choose another name for a custom one");
  }
  if (Status valid = domain::validateCustomConfig(config); !valid.ok()) {
    return detail::invalidArgument(valid.error().message);
  }
  Result<domain::DeploymentConfig> existing = getConfig(config.name);
  if (existing.ok()) {
    return detail::alreadyExists("deployment configuration '" + config.name +
                                 "' already exists (" + domain::describe(*existing) +
                                 "); delete it first or choose another name");
  }
  if (existing.error().code != codes::kNotFound) return existing.error();
  nlohmann::json document = config;
  Result<store::CachedStatement> insert = db_.prepare(
      "INSERT INTO deployment_configs (name, document, created_at) VALUES (?, ?, ?)");
  if (!insert.ok()) return insert.error();
  Status bound = (*insert)->bindAll(config.name, std::string(), formatTimestamp(clock_.now()));
  if (bound.ok()) bound = store::bindJson(**insert, 2, document);
  if (!bound.ok()) return bound.error();
  if (Status ran = (*insert)->run(); !ran.ok()) return ran.error();
  return config;
}

Result<domain::DeploymentConfig> Catalog::getConfig(const std::string& name) {
  if (std::optional<domain::DeploymentConfig> predefined = domain::findPredefinedConfig(name)) {
    return *predefined;
  }
  auto found = detail::queryFirst<domain::DeploymentConfig>(
      db_, "SELECT document FROM deployment_configs WHERE name = ?", readConfig, name);
  if (!found.ok()) return found.error();
  if (!*found) {
    Result<std::vector<domain::DeploymentConfig>> all = listConfigs();
    std::vector<std::string> close;
    if (all.ok()) close = detail::closeNames(name, configNames(*all));
    std::string hint = close.empty() ? "list the deployment configurations to see their names"
                                     : "did you mean " + detail::quotedList(close) + "?";
    return detail::notFound("there is no deployment configuration named '" + name + "'; " + hint);
  }
  return std::move(**found);
}

Result<std::vector<domain::DeploymentConfig>> Catalog::listConfigs() {
  auto custom = detail::queryAll<domain::DeploymentConfig>(
      db_, "SELECT document FROM deployment_configs ORDER BY name", readConfig);
  if (!custom.ok()) return custom.error();
  std::vector<domain::DeploymentConfig> configs = domain::predefinedConfigs();
  configs.insert(configs.end(), custom->begin(), custom->end());
  return configs;
}

Status Catalog::deleteConfig(const std::string& name) {
  if (domain::isPredefinedConfigName(name)) {
    return detail::conflict("'" + name + "' is a predefined deployment configuration and "
                            "cannot be deleted");
  }
  Result<domain::DeploymentConfig> config = getConfig(name);
  if (!config.ok()) return config.error();
  auto users = detail::queryAll<std::string>(
      db_,
      "SELECT application || '/' || name FROM deployment_groups WHERE deployment_config = ?"
      " ORDER BY application, name",
      [](const store::SqliteStatement& row) { return row.read<std::string>(0); }, name);
  if (!users.ok()) return users.error();
  if (!users->empty()) {
    return detail::conflict("deployment configuration '" + name +
                            "' is the default of deployment groups " +
                            detail::quotedList(*users) +
                            "; give them another deploymentConfig first");
  }
  return db_.run("DELETE FROM deployment_configs WHERE name = ?", name);
}

}  // namespace greenlight::catalog
