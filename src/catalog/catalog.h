// The catalog: applications, custom deployment configurations, deployment groups, revisions and
// instances, kept in the store. Plain reads and writes with validation; no deployment logic.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/group_spec.h"
#include "common/clock.h"
#include "common/result.h"
#include "domain/application.h"
#include "domain/deployment_config.h"
#include "store/sqlite_database.h"

namespace greenlight::catalog {

// Brings the "catalog" component of the store schema up to date. Call at every start.
Status migrateCatalogSchema(store::SqliteDatabase& database, const Clock& clock);

struct DeploymentGroup {
  std::string id;  // "dg-" + 12 lower-case hex, stable for the group's life
  GroupSpec spec;
  WallTime createdAt{};
  WallTime updatedAt{};
};
nlohmann::json toJson(const DeploymentGroup& group);  // {"id", "createdAt", "updatedAt", ...spec keys}

struct Revision {
  std::string application;
  std::string sha256;      // 64 lower-case hex: the bundle's identity
  std::string bundleType;  // "tar", "tgz", "zip"
  std::int64_t sizeBytes = 0;
  std::string description;
  std::string appspecFilename;  // as found in the bundle: "appspec.yml", ...
  WallTime createdAt{};
};
nlohmann::json toJson(const Revision& revision);

// Launching: record made, agent not heard from yet. Running: agent alive. Lost: the process or
// the agent disappeared (reason says how); nothing restarts it silently. Terminated: stopped on
// purpose (group deleted, instance stopped) and kept for history.
enum class InstanceLifecycle { Launching, Running, Lost, Terminated };
const char* toString(InstanceLifecycle lifecycle);  // "Launching", ...
std::optional<InstanceLifecycle> parseInstanceLifecycle(std::string_view text);

struct Instance {
  std::string id;        // "i-" + 12 lower-case hex
  std::string groupId;
  FleetProvider provider = FleetProvider::Local;
  std::string hostName;  // static: as the agent enrolled; local: "<group>-<k>" or "<fleetVersion>-<k>"
  int ordinal = 0;       // local: k, from 0 (within its fleet version); static: 0
  // The blue/green fleet version the instance belongs to ("<app>-<group>-vNNN"); empty for an
  // in-place group's standing fleet and for static instances.
  std::string fleetVersion;
  int port = 0;          // local: the port the hooks get as GREENLIGHT_PORT; static: 0
  std::map<std::string, std::string> tags;
  InstanceLifecycle lifecycle = InstanceLifecycle::Launching;
  std::string lifecycleReason;  // why Lost or Terminated, for the operator
  // The revision (sha256) the instance last deployed successfully, and whether its latest
  // deployment failed: the engine's revision health and instance health.
  std::optional<std::string> currentRevision;
  bool lastDeploymentFailed = false;
  std::optional<std::string> lastDeploymentId;
  // local provider bookkeeping: the agent process and its root folder.
  int pid = 0;
  std::uint64_t pidStartTime = 0;
  std::string rootDir;
  WallTime createdAt{};
  std::optional<WallTime> lastSeenAt;  // persisted on lifecycle changes only
};
nlohmann::json toJson(const Instance& instance);

// Not thread-safe (like the connection); share through SerializedSqliteDatabase. Statements join
// the connection's open transaction when there is one, so callers can commit a change and its
// audit entry together. Errors use common/error_codes.h: NotFound, AlreadyExists, Conflict,
// InvalidArgument / InvalidGroupSpec, with messages naming the thing and what to do.
class Catalog {
 public:
  Catalog(store::SqliteDatabase& database, const Clock& clock) : db_(database), clock_(clock) {}

  // Applications. Names: [A-Za-z0-9._-], 1..100.
  Result<domain::Application> createApplication(const std::string& name,
                                                domain::ComputePlatform platform);
  Result<domain::Application> getApplication(const std::string& name);
  Result<std::vector<domain::Application>> listApplications();
  // Conflict while the application has deployment groups.
  Status deleteApplication(const std::string& name);

  // Deployment configurations: predefined ones (read-only) and custom ones.
  Result<domain::DeploymentConfig> createConfig(const domain::DeploymentConfig& config);
  Result<domain::DeploymentConfig> getConfig(const std::string& name);
  Result<std::vector<domain::DeploymentConfig>> listConfigs();  // predefined first, then custom by name
  // Conflict for a predefined one or one a group names as its default.
  Status deleteConfig(const std::string& name);

  // Deployment groups. The application must exist and the configuration must exist.
  Result<DeploymentGroup> createGroup(const GroupSpec& spec);
  Result<DeploymentGroup> updateGroup(const GroupSpec& spec);  // by (application, name)
  Result<DeploymentGroup> getGroup(const std::string& application, const std::string& name);
  Result<DeploymentGroup> getGroupById(const std::string& id);
  Result<std::vector<DeploymentGroup>> listGroups(const std::optional<std::string>& application);
  // Removes the group row only; callers stop its instances and check deployments first.
  Status deleteGroup(const std::string& application, const std::string& name);

  // Revisions. Adding the same (application, sha256) again returns the existing one unchanged.
  Result<Revision> addRevision(const Revision& revision);
  // `ref`: a full sha256, a unique prefix of at least 7 hex characters, or "latest".
  Result<Revision> getRevision(const std::string& application, const std::string& ref);
  Result<std::vector<Revision>> listRevisions(const std::string& application);  // newest first

  // Instances.
  Result<Instance> createInstance(const Instance& instance);  // id generated when empty
  Result<Instance> getInstance(const std::string& id);
  // Every instance of the group that is not Terminated, by ordinal then host name then id.
  Result<std::vector<Instance>> listInstances(const std::string& groupId,
                                              bool includeTerminated = false);
  Result<std::vector<Instance>> listAllInstances(bool includeTerminated = false);
  // The instances of one fleet version of the group (not Terminated unless asked), by ordinal.
  Result<std::vector<Instance>> listFleetVersion(const std::string& groupId,
                                                 const std::string& fleetVersion,
                                                 bool includeTerminated = false);
  // A static agent's instance by (group, host name): stable across re-enrolment.
  Result<std::optional<Instance>> findInstanceByHost(const std::string& groupId,
                                                     const std::string& hostName);
  Status setInstanceLifecycle(const std::string& id, InstanceLifecycle lifecycle,
                              const std::string& reason);
  Status setInstanceProcess(const std::string& id, int pid, std::uint64_t pidStartTime);
  Status setInstanceTags(const std::string& id, const std::map<std::string, std::string>& tags);
  // After a deployment on the instance ends: Succeeded sets currentRevision; Failed keeps it and
  // marks lastDeploymentFailed.
  Status recordInstanceDeployment(const std::string& id, const std::string& deploymentId,
                                  const std::string& revisionSha256, bool succeeded);
  Status touchInstance(const std::string& id, WallTime seenAt);
  // How many instances are in each lifecycle, Terminated ones included (for metrics); a
  // lifecycle no instance is in is absent.
  Result<std::map<InstanceLifecycle, std::int64_t>> countInstancesByLifecycle();

  store::SqliteDatabase& database() { return db_; }

 private:
  store::SqliteDatabase& db_;
  const Clock& clock_;
};

}  // namespace greenlight::catalog
