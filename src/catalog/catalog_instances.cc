// Catalog: instances of deployment groups, their lifecycle, process and deployment outcome.
#include "catalog/catalog.h"
#include "catalog/catalog_support.h"
#include "store/sqlite_json.h"

namespace greenlight::catalog {
namespace {

using detail::firstError;

constexpr const char* kInstanceColumns =
    "SELECT id, group_id, provider, host_name, ordinal, port, tags, lifecycle, lifecycle_reason,"
    " current_revision, last_deployment_failed, last_deployment_id, pid, pid_start_time,"
    " root_dir, created_at, last_seen_at, fleet_version FROM instances";
constexpr const char* kInstanceOrder = " ORDER BY ordinal, host_name, id";

Error schemaMismatch(const std::string& id, const std::string& what) {
  return Error{store::kStoreSchemaMismatch, "instance " + id + " is stored with " + what +
                                                ", which this greenlight does not know; "
                                                "upgrade greenlight"};
}

Result<Instance> readInstance(const store::SqliteStatement& row) {
  auto id = row.read<std::string>(0);
  auto groupId = row.read<std::string>(1);
  auto provider = row.read<std::string>(2);
  auto hostName = row.read<std::string>(3);
  auto ordinal = row.read<int>(4);
  auto port = row.read<int>(5);
  auto tags = store::readJson(row, 6);
  auto lifecycle = row.read<std::string>(7);
  auto reason = row.read<std::string>(8);
  auto currentRevision = row.read<std::optional<std::string>>(9);
  auto failed = row.read<bool>(10);
  auto lastDeploymentId = row.read<std::optional<std::string>>(11);
  auto pid = row.read<int>(12);
  auto pidStartTime = row.read<std::int64_t>(13);
  auto rootDir = row.read<std::string>(14);
  auto createdAt = row.read<std::string>(15);
  auto lastSeenAt = row.read<std::optional<std::string>>(16);
  auto fleetVersion = row.read<std::string>(17);
  if (const Error* error = firstError(id, groupId, provider, hostName, ordinal, port, tags,
                                      lifecycle, reason, currentRevision, failed,
                                      lastDeploymentId, pid, pidStartTime, rootDir, createdAt,
                                      lastSeenAt, fleetVersion)) {
    return *error;
  }
  Instance instance;
  instance.id = *id;
  instance.groupId = *groupId;
  if (*provider == "local") {
    instance.provider = FleetProvider::Local;
  } else if (*provider == "static") {
    instance.provider = FleetProvider::Static;
  } else if (*provider == "aws") {
    instance.provider = FleetProvider::Aws;
  } else {
    return schemaMismatch(*id, "provider '" + *provider + "'");
  }
  std::optional<InstanceLifecycle> parsedLifecycle = parseInstanceLifecycle(*lifecycle);
  if (!parsedLifecycle) return schemaMismatch(*id, "lifecycle '" + *lifecycle + "'");
  if (!tags->is_object()) return schemaMismatch(*id, "tags that are not a JSON object");
  for (const auto& [key, value] : tags->items()) {
    if (!value.is_string()) return schemaMismatch(*id, "a tag value that is not text");
    instance.tags[key] = value.get<std::string>();
  }
  instance.hostName = *hostName;
  instance.fleetVersion = *fleetVersion;
  instance.ordinal = *ordinal;
  instance.port = *port;
  instance.lifecycle = *parsedLifecycle;
  instance.lifecycleReason = *reason;
  instance.currentRevision = *currentRevision;
  instance.lastDeploymentFailed = *failed;
  instance.lastDeploymentId = *lastDeploymentId;
  instance.pid = *pid;
  instance.pidStartTime = static_cast<std::uint64_t>(*pidStartTime);
  instance.rootDir = *rootDir;
  instance.createdAt = parseTimestamp(*createdAt);
  if (*lastSeenAt) instance.lastSeenAt = parseTimestamp(**lastSeenAt);
  return instance;
}

Status checkInstance(const Instance& instance) {
  if (!instance.id.empty()) {
    if (std::optional<std::string> problem = detail::nameProblem(instance.id)) {
      return detail::invalidArgument("the instance id " + *problem);
    }
  }
  if (instance.hostName.empty() || instance.hostName.size() > 255) {
    return detail::invalidArgument("an instance's host name must be 1 to 255 characters, not '" +
                                   instance.hostName + "'");
  }
  if (instance.port < 0 || instance.port > 65535) {
    return detail::invalidArgument("instance " + instance.hostName + " has port " +
                                   std::to_string(instance.port) +
                                   "; a port is from 1 to 65535, or 0 for none");
  }
  if (!instance.fleetVersion.empty()) {
    if (std::optional<std::string> problem = detail::nameProblem(instance.fleetVersion)) {
      return detail::invalidArgument("instance " + instance.hostName + ": the fleet version " +
                                     *problem);
    }
  }
  if (instance.ordinal < 0) {
    return detail::invalidArgument("instance " + instance.hostName +
                                   " has a negative ordinal");
  }
  return Status::success();
}

std::optional<std::string> optionalTimeText(const std::optional<WallTime>& time) {
  if (!time) return std::nullopt;
  return formatTimestamp(*time);
}

}  // namespace

Result<Instance> Catalog::createInstance(const Instance& request) {
  if (Status valid = checkInstance(request); !valid.ok()) return valid.error();
  Result<DeploymentGroup> group = getGroupById(request.groupId);
  if (!group.ok()) return group.error();
  Instance instance = request;
  if (instance.id.empty()) {
    Result<std::string> id = detail::randomId("i-");
    if (!id.ok()) return id.error();
    instance.id = *id;
  } else {
    Result<Instance> existing = getInstance(instance.id);
    if (existing.ok()) {
      return detail::alreadyExists("instance " + instance.id + " already exists (host " +
                                   existing->hostName + ", group " + existing->groupId + ")");
    }
    if (existing.error().code != codes::kNotFound) return existing.error();
  }
  instance.createdAt = clock_.now();
  Result<store::CachedStatement> insert = db_.prepare(
      "INSERT INTO instances (id, group_id, provider, host_name, ordinal, port, tags, lifecycle,"
      " lifecycle_reason, current_revision, last_deployment_failed, last_deployment_id, pid,"
      " pid_start_time, root_dir, created_at, last_seen_at, fleet_version)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!insert.ok()) return insert.error();
  Status bound = (*insert)->bindAll(
      instance.id, instance.groupId, toString(instance.provider), instance.hostName,
      instance.ordinal, instance.port, std::string(), toString(instance.lifecycle),
      instance.lifecycleReason, instance.currentRevision, instance.lastDeploymentFailed,
      instance.lastDeploymentId, instance.pid, instance.pidStartTime, instance.rootDir,
      formatTimestamp(instance.createdAt), optionalTimeText(instance.lastSeenAt),
      instance.fleetVersion);
  if (bound.ok()) bound = store::bindJson(**insert, 7, nlohmann::json(instance.tags));
  if (!bound.ok()) return bound.error();
  if (Status ran = (*insert)->run(); !ran.ok()) return ran.error();
  return instance;
}

Result<Instance> Catalog::getInstance(const std::string& id) {
  auto found = detail::queryFirst<Instance>(
      db_, std::string(kInstanceColumns) + " WHERE id = ?", readInstance, id);
  if (!found.ok()) return found.error();
  if (!*found) {
    return detail::notFound("there is no instance with id '" + id +
                            "'; list the group's instances to see their ids");
  }
  return std::move(**found);
}

Result<std::vector<Instance>> Catalog::listInstances(const std::string& groupId,
                                                     bool includeTerminated) {
  return detail::queryAll<Instance>(
      db_,
      std::string(kInstanceColumns) + " WHERE group_id = ? AND (? OR lifecycle <> 'Terminated')" +
          kInstanceOrder,
      readInstance, groupId, includeTerminated);
}

Result<std::vector<Instance>> Catalog::listAllInstances(bool includeTerminated) {
  return detail::queryAll<Instance>(
      db_,
      std::string(kInstanceColumns) + " WHERE (? OR lifecycle <> 'Terminated')" +
          " ORDER BY group_id, ordinal, host_name, id",
      readInstance, includeTerminated);
}

Result<std::map<InstanceLifecycle, std::int64_t>> Catalog::countInstancesByLifecycle() {
  using Count = std::pair<std::string, std::int64_t>;
  auto rows = detail::queryAll<Count>(
      db_, "SELECT lifecycle, COUNT(*) FROM instances GROUP BY lifecycle",
      [](const store::SqliteStatement& row) -> Result<Count> {
        auto lifecycle = row.read<std::string>(0);
        auto count = row.read<std::int64_t>(1);
        if (const Error* error = firstError(lifecycle, count)) return *error;
        return Count{*lifecycle, *count};
      });
  if (!rows.ok()) return rows.error();
  std::map<InstanceLifecycle, std::int64_t> counts;
  for (const auto& [name, count] : *rows) {
    std::optional<InstanceLifecycle> lifecycle = parseInstanceLifecycle(name);
    if (!lifecycle) {
      return Error{store::kStoreSchemaMismatch,
                   "an instance is stored with lifecycle '" + name +
                       "', which this greenlight does not know; upgrade greenlight"};
    }
    counts[*lifecycle] = count;
  }
  return counts;
}

Result<std::vector<Instance>> Catalog::listFleetVersion(const std::string& groupId,
                                                        const std::string& fleetVersion,
                                                        bool includeTerminated) {
  return detail::queryAll<Instance>(
      db_,
      std::string(kInstanceColumns) +
          " WHERE group_id = ? AND fleet_version = ? AND (? OR lifecycle <> 'Terminated')" +
          kInstanceOrder,
      readInstance, groupId, fleetVersion, includeTerminated);
}

Result<std::optional<Instance>> Catalog::findInstanceByHost(const std::string& groupId,
                                                            const std::string& hostName) {
  return detail::queryFirst<Instance>(
      db_,
      std::string(kInstanceColumns) +
          " WHERE group_id = ? AND host_name = ? AND lifecycle <> 'Terminated'"
          " ORDER BY created_at DESC, id LIMIT 1",
      readInstance, groupId, hostName);
}

Status Catalog::setInstanceLifecycle(const std::string& id, InstanceLifecycle lifecycle,
                                     const std::string& reason) {
  Result<Instance> instance = getInstance(id);
  if (!instance.ok()) return instance.error();
  if (instance->lifecycle == InstanceLifecycle::Terminated &&
      lifecycle != InstanceLifecycle::Terminated) {
    return detail::conflict("instance " + id + " (" + instance->hostName +
                            ") was terminated (" + instance->lifecycleReason +
                            ") and cannot become " + toString(lifecycle) +
                            " again; create a new instance instead");
  }
  // A Running agent has just been heard from: that moment is worth keeping.
  std::optional<std::string> seenAt;
  if (lifecycle == InstanceLifecycle::Running) seenAt = formatTimestamp(clock_.now());
  return db_.run(
      "UPDATE instances SET lifecycle = ?, lifecycle_reason = ?,"
      " last_seen_at = coalesce(?, last_seen_at) WHERE id = ?",
      toString(lifecycle), reason, seenAt, id);
}

Status Catalog::setInstanceProcess(const std::string& id, int pid, std::uint64_t pidStartTime) {
  Result<Instance> instance = getInstance(id);
  if (!instance.ok()) return instance.error();
  return db_.run("UPDATE instances SET pid = ?, pid_start_time = ? WHERE id = ?", pid,
                 pidStartTime, id);
}

Status Catalog::setInstanceTags(const std::string& id,
                                const std::map<std::string, std::string>& tags) {
  Result<Instance> instance = getInstance(id);
  if (!instance.ok()) return instance.error();
  Result<store::CachedStatement> update = db_.prepare("UPDATE instances SET tags = ? WHERE id = ?");
  if (!update.ok()) return update.error();
  Status bound = (*update)->bindAll(std::string(), id);
  if (bound.ok()) bound = store::bindJson(**update, 1, nlohmann::json(tags));
  if (!bound.ok()) return bound;
  return (*update)->run();
}

Status Catalog::recordInstanceDeployment(const std::string& id, const std::string& deploymentId,
                                         const std::string& revisionSha256, bool succeeded) {
  Result<Instance> instance = getInstance(id);
  if (!instance.ok()) return instance.error();
  if (succeeded) {
    if (revisionSha256.empty()) {
      return detail::invalidArgument("a successful deployment on instance " + id +
                                     " must name the revision it installed");
    }
    return db_.run(
        "UPDATE instances SET current_revision = ?, last_deployment_failed = 0,"
        " last_deployment_id = ? WHERE id = ?",
        revisionSha256, deploymentId, id);
  }
  return db_.run(
      "UPDATE instances SET last_deployment_failed = 1, last_deployment_id = ? WHERE id = ?",
      deploymentId, id);
}

Status Catalog::touchInstance(const std::string& id, WallTime seenAt) {
  Status updated =
      db_.run("UPDATE instances SET last_seen_at = ? WHERE id = ?", formatTimestamp(seenAt), id);
  if (!updated.ok()) return updated;
  if (db_.changes() == 0) {
    return detail::notFound("there is no instance with id '" + id +
                            "'; list the group's instances to see their ids");
  }
  return Status::success();
}

}  // namespace greenlight::catalog
