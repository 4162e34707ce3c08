// Catalog: deployment groups, stored as their spec's JSON with the columns queries need.
#include "catalog/catalog.h"
#include "catalog/catalog_support.h"
#include "catalog/group_spec_rules.h"
#include "store/sqlite_json.h"

namespace greenlight::catalog {
namespace {

using detail::firstError;

constexpr const char* kGroupColumns = "SELECT id, spec, created_at, updated_at FROM deployment_groups";

Result<DeploymentGroup> readGroup(const store::SqliteStatement& row) {
  auto id = row.read<std::string>(0);
  auto spec = store::readJson(row, 1);
  auto createdAt = row.read<std::string>(2);
  auto updatedAt = row.read<std::string>(3);
  if (const Error* error = firstError(id, spec, createdAt, updatedAt)) return *error;
  Result<GroupSpec> parsed = detail::groupSpecFromStoredJson(*spec);
  if (!parsed.ok()) {
    return Error{store::kStoreSchemaMismatch, "deployment group " + *id +
                                                  " is stored with a spec this greenlight "
                                                  "cannot read: " + parsed.error().message};
  }
  return DeploymentGroup{*id, std::move(parsed).value(), parseTimestamp(*createdAt),
                         parseTimestamp(*updatedAt)};
}

Error unknownGroup(const std::string& application, const std::string& name) {
  return detail::notFound("application '" + application + "' has no deployment group named '" +
                          name + "'; list its groups to see their names");
}

// The checks shared by create and update: a valid spec, an existing application, and a
// configuration that exists and fits the application's compute platform.
Status checkGroupReferences(Catalog& catalog, const GroupSpec& spec) {
  if (Status valid = detail::validateGroupSpec(spec); !valid.ok()) return valid;
  Result<domain::Application> application = catalog.getApplication(spec.application);
  if (!application.ok()) return application.error();
  Result<domain::DeploymentConfig> config = catalog.getConfig(spec.deploymentConfig);
  if (!config.ok()) {
    if (config.error().code != codes::kNotFound) return config.error();
    return Error{codes::kInvalidGroupSpec, "deploymentConfig: " + config.error().message};
  }
  if (config->computePlatform != application->computePlatform) {
    return Error{codes::kInvalidGroupSpec,
                 std::string("deploymentConfig: '") + config->name + "' is for the " +
                     domain::toString(config->computePlatform) + " platform but application '" +
                     application->name + "' runs on " +
                     domain::toString(application->computePlatform) +
                     "; choose a configuration for " +
                     domain::toString(application->computePlatform)};
  }
  return Status::success();
}

}  // namespace

Result<DeploymentGroup> Catalog::createGroup(const GroupSpec& spec) {
  if (Status valid = checkGroupReferences(*this, spec); !valid.ok()) return valid.error();
  Result<DeploymentGroup> existing = getGroup(spec.application, spec.name);
  if (existing.ok()) {
    return detail::alreadyExists("application '" + spec.application +
                                 "' already has a deployment group named '" + spec.name +
                                 "' (" + existing->id +
                                 "); update it instead, or choose another name");
  }
  if (existing.error().code != codes::kNotFound) return existing.error();
  Result<std::string> id = detail::randomId("dg-");
  if (!id.ok()) return id.error();
  WallTime now = clock_.now();
  DeploymentGroup group{*id, spec, now, now};
  Result<store::CachedStatement> insert = db_.prepare(
      "INSERT INTO deployment_groups"
      " (id, application, name, deployment_config, spec, created_at, updated_at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?)");
  if (!insert.ok()) return insert.error();
  Status bound = (*insert)->bindAll(group.id, spec.application, spec.name, spec.deploymentConfig,
                                    std::string(), formatTimestamp(now), formatTimestamp(now));
  if (bound.ok()) bound = store::bindJson(**insert, 5, toJson(spec));
  if (!bound.ok()) return bound.error();
  if (Status ran = (*insert)->run(); !ran.ok()) return ran.error();
  return group;
}

Result<DeploymentGroup> Catalog::updateGroup(const GroupSpec& spec) {
  if (Status valid = checkGroupReferences(*this, spec); !valid.ok()) return valid.error();
  Result<DeploymentGroup> existing = getGroup(spec.application, spec.name);
  if (!existing.ok()) return existing.error();
  if (existing->spec.style != spec.style) {
    // In place, the instances are the group's standing fleet; blue/green, each belongs to a
    // fleet version. Switching with instances alive would leave them serving, unmanaged.
    Result<std::vector<Instance>> alive = listInstances(existing->id);
    if (!alive.ok()) return alive.error();
    if (!alive->empty()) {
      return Error{codes::kConflict,
                   "group " + spec.application + "/" + spec.name + " is " +
                       toString(existing->spec.style) + " and has " +
                       std::to_string(alive->size()) +
                       " instance(s); deploymentStyle can change only while it has none. Delete "
                       "the group and create it again as " + toString(spec.style) +
                       ", or make a new group beside it"};
    }
  }
  WallTime now = clock_.now();
  Result<store::CachedStatement> update = db_.prepare(
      "UPDATE deployment_groups SET deployment_config = ?, spec = ?, updated_at = ? WHERE id = ?");
  if (!update.ok()) return update.error();
  Status bound = (*update)->bindAll(spec.deploymentConfig, std::string(), formatTimestamp(now),
                                    existing->id);
  if (bound.ok()) bound = store::bindJson(**update, 2, toJson(spec));
  if (!bound.ok()) return bound.error();
  if (Status ran = (*update)->run(); !ran.ok()) return ran.error();
  return DeploymentGroup{existing->id, spec, existing->createdAt, now};
}

Result<DeploymentGroup> Catalog::getGroup(const std::string& application, const std::string& name) {
  auto found = detail::queryFirst<DeploymentGroup>(
      db_, std::string(kGroupColumns) + " WHERE application = ? AND name = ?", readGroup,
      application, name);
  if (!found.ok()) return found.error();
  if (!*found) {
    Result<domain::Application> app = getApplication(application);
    if (!app.ok()) return app.error();
    return unknownGroup(application, name);
  }
  return std::move(**found);
}

Result<DeploymentGroup> Catalog::getGroupById(const std::string& id) {
  auto found = detail::queryFirst<DeploymentGroup>(db_, std::string(kGroupColumns) + " WHERE id = ?",
                                                   readGroup, id);
  if (!found.ok()) return found.error();
  if (!*found) {
    return detail::notFound("there is no deployment group with id '" + id +
                            "'; it may have been deleted");
  }
  return std::move(**found);
}

Result<std::vector<DeploymentGroup>> Catalog::listGroups(
    const std::optional<std::string>& application) {
  if (!application) {
    return detail::queryAll<DeploymentGroup>(
        db_, std::string(kGroupColumns) + " ORDER BY application, name", readGroup);
  }
  Result<domain::Application> app = getApplication(*application);
  if (!app.ok()) return app.error();
  return detail::queryAll<DeploymentGroup>(
      db_, std::string(kGroupColumns) + " WHERE application = ? ORDER BY name", readGroup,
      *application);
}

Status Catalog::deleteGroup(const std::string& application, const std::string& name) {
  Result<DeploymentGroup> group = getGroup(application, name);
  if (!group.ok()) return group.error();
  Status removed = db_.run("DELETE FROM deployment_groups WHERE id = ?", group->id);
  if (!removed.ok() && removed.error().code == store::kStoreConstraint) {
    return detail::conflict("deployment group '" + name + "' of application '" + application +
                            "' is still referred to by deployments and cannot be deleted");
  }
  return removed;
}

}  // namespace greenlight::catalog
