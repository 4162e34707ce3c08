// Bringing a local group to its specification, or provisioning a blue/green fleet version:
// instance rows first (committed), then their agents; the group's enrolment token made once;
// restarting a Lost instance on request.
#include <random>
#include <set>

#include "auth/token_store.h"
#include "common/error_codes.h"
#include "fleet/fleet_manager.h"
#include "fleet/local_ports.h"
#include "fleet/secret_file.h"
#include "store/sqlite_transaction.h"

namespace greenlight::fleet {
namespace {

using catalog::Instance;
using catalog::InstanceLifecycle;

std::string newInstanceId() {
  static thread_local std::mt19937_64 generator{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = "i-";
  std::uint64_t bits = generator();
  for (int digit = 0; digit < 12; ++digit) {
    id += kHex[bits & 0xf];
    bits >>= 4;
  }
  return id;
}

std::filesystem::path groupFolder(const FleetManagerOptions& options, const std::string& groupId) {
  return options.dataDir / "fleet" / groupId;
}

// Creates the Launching row of local instance `ordinal` (host name "<hostPrefix>-<ordinal>") with
// a new id and its folder path, dataDir/fleet/<group-id>/<instance-id>.
Result<Instance> createLocalInstance(catalog::Catalog& catalog, const FleetManagerOptions& options,
                                     const std::string& groupId, const std::string& fleetVersion,
                                     const std::string& hostPrefix, int ordinal, int port) {
  Instance instance;
  instance.groupId = groupId;
  instance.provider = catalog::FleetProvider::Local;
  instance.fleetVersion = fleetVersion;
  instance.hostName = hostPrefix + "-" + std::to_string(ordinal);
  instance.ordinal = ordinal;
  instance.port = port;
  instance.lifecycle = InstanceLifecycle::Launching;
  Result<Instance> created = Error{};
  for (int attempt = 0; attempt < 5; ++attempt) {  // an id clash is astronomically rare
    instance.id = newInstanceId();
    instance.rootDir = (groupFolder(options, instance.groupId) / instance.id).string();
    created = catalog.createInstance(instance);
    if (created.ok() || created.error().code != codes::kAlreadyExists) break;
  }
  return created;
}

// What ensureFleet or provisionFleetVersion decided in its transaction, to carry out after the
// commit.
struct FleetPlan {
  std::vector<Instance> toLaunch;
  std::set<std::string> createdNow;  // ids made by this call: no process can carry them yet
  std::vector<Instance> excess;      // marked Terminated; their processes still to stop

  void created(const Instance& instance) {
    createdNow.insert(instance.id);
    toLaunch.push_back(instance);
  }
};

}  // namespace

Result<std::filesystem::path> FleetManager::ensureEnrolmentTokenFile(
    const catalog::DeploymentGroup& group) {
  const auto folder = groupFolder(options_, group.id);
  const auto file = folder / "enrolment.token";
  std::error_code error;
  if (std::filesystem::file_size(file, error) > 0 && !error) return file;
  std::filesystem::create_directories(folder, error);
  if (error) {
    return Error{codes::kInternal, "cannot create the local fleet folder " + folder.string() +
                                       ": " + error.message() + "; check the data folder"};
  }
  auto created = database_.withConnection([&](store::SqliteDatabase& db) -> Result<std::string> {
    auto transaction = store::Transaction::begin(db);
    if (!transaction.ok()) return transaction.error();
    auth::TokenStore tokens(db, clock_);
    auto token = tokens.create({"local-fleet:" + group.spec.name, auth::Role::Enrolment,
                                group.id, std::nullopt});
    if (!token.ok()) return token.error();
    auto audited = audit_.record(db, auth::systemPrincipal(), "create-token",
                                 "token:" + std::to_string(token->token.id),
                                 {{"name", token->token.name}, {"role", "enrolment"},
                                  {"scope", group.id}, {"purpose", "local fleet agents"}});
    if (!audited.ok()) return audited.error();
    if (Status committed = transaction->commit(); !committed.ok()) return committed.error();
    return token->secret;
  });
  if (!created.ok()) return created.error();
  if (Status written = writeSecretFile(file, *created + "\n"); !written.ok()) {
    return written.error();
  }
  return file;
}

Result<std::filesystem::path> FleetManager::enrolmentTokenFile(const std::string& groupId) {
  std::lock_guard lock(mutex_);
  auto group = database_.withConnection([&](store::SqliteDatabase& db) {
    return catalog::Catalog(db, clock_).getGroupById(groupId);
  });
  if (!group.ok()) return group.error();
  return ensureEnrolmentTokenFile(*group);
}

Status FleetManager::launchInstance(const Instance& instance, const std::string& groupId,
                                    const std::filesystem::path& tokenFile) {
  LocalAgentSpec spec{instance.id,   groupId,          instance.hostName, instance.port,
                      instance.rootDir, options_.serverAddress, tokenFile};
  auto launched = local_.launch(spec);
  if (!launched.ok()) {
    Status marked = applyLifecycleChanges(
        {{instance.id, InstanceLifecycle::Lost,
          "the agent could not be started: " + launched.error().message}});
    (void)marked;  // the launch failure is the error worth reporting
    return launched.error();
  }
  launchedAt_[instance.id] = clock_.now();
  Status recorded = database_.withConnection([&](store::SqliteDatabase& db) {
    return catalog::Catalog(db, clock_).setInstanceProcess(instance.id, launched->pid,
                                                          launched->startTime);
  });
  if (!recorded.ok()) {
    // An agent we cannot find again after a restart would be a second one's twin: stop it.
    (void)local_.terminate(instance.id, launched->pid, launched->startTime);
    return recorded;
  }
  return Status::success();
}

Status FleetManager::ensureFleet(const std::string& groupId) {
  Status outcome;
  bool changed = false;
  {
    std::lock_guard lock(mutex_);
    auto group = database_.withConnection([&](store::SqliteDatabase& db) {
      return catalog::Catalog(db, clock_).getGroupById(groupId);
    });
    if (!group.ok()) return group.error();
    if (group->spec.fleet.provider == catalog::FleetProvider::Static) return Status::success();
    auto tokenFile = ensureEnrolmentTokenFile(*group);
    if (!tokenFile.ok()) return tokenFile.error();
    // An aws fleet's agents enrol with the token (its user data carries it); AWS makes them.
    if (group->spec.fleet.provider == catalog::FleetProvider::Aws) return Status::success();
    // No standing fleet: each deployment provisions (and later retires) a fleet version.
    if (group->spec.style == catalog::DeploymentStyle::BlueGreen) return Status::success();
    const int wanted = group->spec.fleet.instances;

    auto plan = database_.withConnection([&](store::SqliteDatabase& db) -> Result<FleetPlan> {
      catalog::Catalog catalog(db, clock_);
      auto transaction = store::Transaction::begin(db);
      if (!transaction.ok()) return transaction.error();
      auto everyInstance = catalog.listAllInstances();
      if (!everyInstance.ok()) return everyInstance.error();
      std::set<int> takenPorts;
      std::set<int> ordinals;
      FleetPlan decided;
      for (const auto& instance : *everyInstance) {
        if (instance.port > 0) takenPorts.insert(instance.port);
        // Fleet versions (left from a time the group was blue-green) are not the standing fleet.
        if (instance.groupId != groupId || instance.provider != catalog::FleetProvider::Local ||
            !instance.fleetVersion.empty()) {
          continue;
        }
        if (instance.ordinal >= wanted) {
          std::string reason = "the group was resized to " + std::to_string(wanted) + " instances";
          if (Status done = catalog.setInstanceLifecycle(instance.id, InstanceLifecycle::Terminated,
                                                        reason);
              !done.ok()) {
            return done.error();
          }
          decided.excess.push_back(instance);
          continue;
        }
        ordinals.insert(instance.ordinal);
        if (instance.lifecycle == InstanceLifecycle::Launching && instance.pid == 0) {
          decided.toLaunch.push_back(instance);
        }
      }
      for (int ordinal = 0; ordinal < wanted; ++ordinal) {
        if (ordinals.count(ordinal) != 0) continue;
        auto port = choosePort(group->spec.fleet.basePort, ordinal, takenPorts);
        if (!port.ok()) return port.error();
        auto created = createLocalInstance(catalog, options_, groupId, "", group->spec.name,
                                           ordinal, *port);
        if (!created.ok()) return created.error();
        takenPorts.insert(*port);
        decided.created(*created);
      }
      if (Status committed = transaction->commit(); !committed.ok()) return committed.error();
      return decided;
    });
    if (!plan.ok()) return plan.error();

    for (const auto& instance : plan->excess) rememberLifecycle(instance.id, InstanceLifecycle::Terminated);
    changed = !plan->excess.empty() || !plan->toLaunch.empty();
    outcome = terminateInstances(plan->excess);
    Status launched = launchNeverLaunched(plan->toLaunch, plan->createdNow, groupId, *tokenFile);
    if (!launched.ok() && outcome.ok()) outcome = launched;
  }
  if (changed) notifyChanged();
  return outcome;
}

Status FleetManager::launchNeverLaunched(const std::vector<Instance>& toLaunch,
                                         const std::set<std::string>& createdNow,
                                         const std::string& groupId,
                                         const std::filesystem::path& tokenFile) {
  std::vector<LifecycleChange> unrecorded;
  std::string launchFailures;
  for (const auto& instance : toLaunch) {
    // A row left Launching without a pid may still have an agent from before a crash: never a
    // second one beside it.
    if (createdNow.count(instance.id) == 0 && !local_.processesOf(instance.id).empty()) {
      unrecorded.push_back({instance.id, InstanceLifecycle::Lost,
                            "an agent was started before the server stopped but its process "
                            "was not recorded; restart the instance"});
      continue;
    }
    if (Status launched = launchInstance(instance, groupId, tokenFile); !launched.ok()) {
      launchFailures += (launchFailures.empty() ? "" : "; ") + launched.error().message;
    }
  }
  if (Status marked = applyLifecycleChanges(unrecorded); !marked.ok()) return marked;
  if (!launchFailures.empty()) return Error{kAgentLaunchFailed, launchFailures};
  return Status::success();
}

Result<std::vector<Instance>> FleetManager::provisionFleetVersion(const std::string& groupId,
                                                                  const std::string& fleetVersion,
                                                                  int count) {
  if (fleetVersion.empty()) {
    return Error{codes::kInvalidArgument,
                 "a fleet version must be named (<app>-<group>-vNNN); the empty name is the "
                 "group's standing fleet"};
  }
  if (count < 1) {
    return Error{codes::kInvalidArgument, "fleet version " + fleetVersion + " needs at least one "
                                              "instance, not " + std::to_string(count)};
  }
  Status launched;
  bool changed = false;
  {
    std::lock_guard lock(mutex_);
    auto group = database_.withConnection([&](store::SqliteDatabase& db) {
      return catalog::Catalog(db, clock_).getGroupById(groupId);
    });
    if (!group.ok()) return group.error();
    const std::string groupName = group->spec.application + "/" + group->spec.name;
    if (group->spec.fleet.provider != catalog::FleetProvider::Local) {
      return Error{codes::kConflict,
                   "group " + groupName + " has a static fleet; blue/green deployments need a "
                   "local fleet (`fleet: {provider: local}`) to provision fleet version " +
                       fleetVersion};
    }
    if (group->spec.style != catalog::DeploymentStyle::BlueGreen) {
      return Error{codes::kConflict,
                   "group " + groupName + " deploys in place; fleet versions are for "
                   "`deploymentStyle: blue-green` groups, so " + fleetVersion + " was not made"};
    }
    auto tokenFile = ensureEnrolmentTokenFile(*group);
    if (!tokenFile.ok()) return tokenFile.error();

    auto plan = database_.withConnection([&](store::SqliteDatabase& db) -> Result<FleetPlan> {
      catalog::Catalog catalog(db, clock_);
      auto transaction = store::Transaction::begin(db);
      if (!transaction.ok()) return transaction.error();
      auto live = catalog.listAllInstances();  // Terminated instances' ports are free again
      if (!live.ok()) return live.error();
      std::set<int> takenPorts;
      std::set<int> ordinals;
      FleetPlan decided;
      for (const auto& instance : *live) {
        if (instance.port > 0) takenPorts.insert(instance.port);
        if (instance.groupId != groupId || instance.fleetVersion != fleetVersion ||
            instance.provider != catalog::FleetProvider::Local) {
          continue;
        }
        ordinals.insert(instance.ordinal);
        if (instance.lifecycle == InstanceLifecycle::Launching && instance.pid == 0) {
          decided.toLaunch.push_back(instance);
        }
      }
      std::vector<int> missing;
      for (int ordinal = 0; ordinal < count; ++ordinal) {
        if (ordinals.count(ordinal) == 0) missing.push_back(ordinal);
      }
      // With basePort, the whole block basePort + j*count .. + count-1 moves together, so the
      // new fleet version sits beside the live one rather than on its ports.
      int shift = 0;
      if (const auto& basePort = group->spec.fleet.basePort; basePort && !missing.empty()) {
        for (;; shift += count) {
          bool free = true;
          for (int ordinal : missing) {
            const int port = *basePort + ordinal + shift;
            if (port > 65535) {
              return Error{codes::kInvalidGroupSpec,
                           "fleet.basePort " + std::to_string(*basePort) + " leaves no free "
                           "ports for fleet version " + fleetVersion + " of " +
                               std::to_string(count) + " instances (ports end at 65535); "
                               "lower basePort or retire an older fleet version"};
            }
            if (takenPorts.count(port) != 0) free = false;
          }
          if (free) break;
        }
      }
      for (int ordinal : missing) {
        std::optional<int> basePort = group->spec.fleet.basePort;
        if (basePort) *basePort += shift;
        auto port = choosePort(basePort, ordinal, takenPorts);
        if (!port.ok()) return port.error();
        auto created = createLocalInstance(catalog, options_, groupId, fleetVersion, fleetVersion,
                                           ordinal, *port);
        if (!created.ok()) return created.error();
        takenPorts.insert(*port);
        decided.created(*created);
      }
      if (Status committed = transaction->commit(); !committed.ok()) return committed.error();
      return decided;
    });
    if (!plan.ok()) return plan.error();
    changed = !plan->toLaunch.empty();
    launched = launchNeverLaunched(plan->toLaunch, plan->createdNow, groupId, *tokenFile);
  }
  if (changed) notifyChanged();
  if (!launched.ok()) return launched.error();
  return database_.withConnection([&](store::SqliteDatabase& db) {
    return catalog::Catalog(db, clock_).listFleetVersion(groupId, fleetVersion);
  });
}

Status FleetManager::resumeFleetVersion(const std::string& groupId,
                                        const std::string& fleetVersion) {
  Status launched;
  {
    std::lock_guard lock(mutex_);
    auto group = database_.withConnection([&](store::SqliteDatabase& db) {
      return catalog::Catalog(db, clock_).getGroupById(groupId);
    });
    if (!group.ok()) return group.error();
    if (group->spec.fleet.provider != catalog::FleetProvider::Local) return Status::success();
    auto tokenFile = ensureEnrolmentTokenFile(*group);
    if (!tokenFile.ok()) return tokenFile.error();
    auto instances = database_.withConnection([&](store::SqliteDatabase& db) {
      return catalog::Catalog(db, clock_).listFleetVersion(groupId, fleetVersion);
    });
    if (!instances.ok()) return instances.error();
    std::vector<Instance> toLaunch;
    for (const auto& instance : *instances) {
      if (instance.provider == catalog::FleetProvider::Local &&
          instance.lifecycle == InstanceLifecycle::Launching && instance.pid == 0) {
        toLaunch.push_back(instance);
      }
    }
    if (toLaunch.empty()) return Status::success();
    launched = launchNeverLaunched(toLaunch, {}, groupId, *tokenFile);
  }
  notifyChanged();
  return launched;
}

Result<catalog::Instance> FleetManager::restartInstance(const std::string& instanceId,
                                                        const auth::Principal& principal) {
  Result<Instance> restarted = Error{};
  {
    std::lock_guard lock(mutex_);
    auto instance = database_.withConnection([&](store::SqliteDatabase& db) {
      return catalog::Catalog(db, clock_).getInstance(instanceId);
    });
    if (!instance.ok()) return instance.error();
    if (instance->provider != catalog::FleetProvider::Local) {
      return Error{codes::kConflict, "instance " + instanceId + " (" + instance->hostName +
                                         ") belongs to a static fleet; restart its agent on " +
                                         instance->hostName + " itself"};
    }
    if (instance->lifecycle != InstanceLifecycle::Lost) {
      return Error{codes::kConflict,
                   "instance " + instanceId + " (" + instance->hostName + ") is " +
                       toString(instance->lifecycle) +
                       "; only a Lost instance can be restarted"};
    }
    auto group = database_.withConnection([&](store::SqliteDatabase& db) {
      return catalog::Catalog(db, clock_).getGroupById(instance->groupId);
    });
    if (!group.ok()) return group.error();
    auto tokenFile = ensureEnrolmentTokenFile(*group);
    if (!tokenFile.ok()) return tokenFile.error();

    Status committed = database_.withConnection([&](store::SqliteDatabase& db) -> Status {
      auto transaction = store::Transaction::begin(db);
      if (!transaction.ok()) return transaction.error();
      catalog::Catalog catalog(db, clock_);
      if (Status set = catalog.setInstanceLifecycle(instanceId, InstanceLifecycle::Launching,
                                                    "restarted by " + principal.name);
          !set.ok()) {
        return set;
      }
      if (Status cleared = catalog.setInstanceProcess(instanceId, 0, 0); !cleared.ok()) {
        return cleared;
      }
      auto audited = audit_.record(db, principal, "restart-instance", "instance:" + instanceId,
                                   {{"hostName", instance->hostName},
                                    {"group", instance->groupId},
                                    {"previousReason", instance->lifecycleReason}});
      if (!audited.ok()) return audited.error();
      return transaction->commit();
    });
    if (!committed.ok()) return committed.error();
    rememberLifecycle(instanceId, InstanceLifecycle::Launching);

    // Whatever the old agent left (its daemons included) goes before the new agent starts.
    if (Status stopped = local_.terminate(instanceId, instance->pid,
                                          static_cast<std::uint64_t>(instance->pidStartTime));
        !stopped.ok()) {
      Status marked = applyLifecycleChanges(
          {{instanceId, InstanceLifecycle::Lost,
            "not restarted: its old processes would not stop: " + stopped.error().message}});
      (void)marked;
      return stopped.error();
    }
    Instance relaunched = *instance;
    relaunched.lifecycle = InstanceLifecycle::Launching;
    if (Status launched = launchInstance(relaunched, instance->groupId, *tokenFile);
        !launched.ok()) {
      return launched.error();
    }
    restarted = database_.withConnection([&](store::SqliteDatabase& db) {
      return catalog::Catalog(db, clock_).getInstance(instanceId);
    });
  }
  notifyChanged();
  return restarted;
}

}  // namespace greenlight::fleet
