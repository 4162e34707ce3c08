// Bringing a local group to its specification: instance rows first (committed), then their
// agents; the group's enrolment token made once; restarting a Lost instance on request.
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

// What ensureFleet decided in its transaction, to carry out after the commit.
struct FleetPlan {
  std::vector<Instance> toLaunch;
  std::set<std::string> createdNow;  // ids made by this call: no process can carry them yet
  std::vector<Instance> excess;      // marked Terminated; their processes still to stop
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
    if (group->spec.fleet.provider != catalog::FleetProvider::Local) return Status::success();
    auto tokenFile = ensureEnrolmentTokenFile(*group);
    if (!tokenFile.ok()) return tokenFile.error();
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
        if (instance.groupId != groupId || instance.provider != catalog::FleetProvider::Local) {
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
        Instance instance;
        instance.groupId = groupId;
        instance.provider = catalog::FleetProvider::Local;
        instance.hostName = group->spec.name + "-" + std::to_string(ordinal);
        instance.ordinal = ordinal;
        instance.port = *port;
        instance.lifecycle = InstanceLifecycle::Launching;
        Result<Instance> created = Error{};
        for (int attempt = 0; attempt < 5; ++attempt) {  // an id clash is astronomically rare
          instance.id = newInstanceId();
          instance.rootDir = (groupFolder(options_, groupId) / instance.id).string();
          created = catalog.createInstance(instance);
          if (created.ok() || created.error().code != codes::kAlreadyExists) break;
        }
        if (!created.ok()) return created.error();
        takenPorts.insert(*port);
        decided.createdNow.insert(created->id);
        decided.toLaunch.push_back(*created);
      }
      if (Status committed = transaction->commit(); !committed.ok()) return committed.error();
      return decided;
    });
    if (!plan.ok()) return plan.error();

    for (const auto& instance : plan->excess) rememberLifecycle(instance.id, InstanceLifecycle::Terminated);
    changed = !plan->excess.empty() || !plan->toLaunch.empty();
    outcome = terminateInstances(plan->excess);
    std::vector<LifecycleChange> unrecorded;
    std::string launchFailures;
    for (const auto& instance : plan->toLaunch) {
      // A row left Launching without a pid may still have an agent from before a crash: never a
      // second one beside it.
      if (plan->createdNow.count(instance.id) == 0 && !local_.processesOf(instance.id).empty()) {
        unrecorded.push_back({instance.id, InstanceLifecycle::Lost,
                              "an agent was started before the server stopped but its process "
                              "was not recorded; restart the instance"});
        continue;
      }
      if (Status launched = launchInstance(instance, groupId, *tokenFile); !launched.ok()) {
        launchFailures += (launchFailures.empty() ? "" : "; ") + launched.error().message;
      }
    }
    if (Status marked = applyLifecycleChanges(unrecorded); !marked.ok() && outcome.ok()) {
      outcome = marked;
    }
    if (!launchFailures.empty() && outcome.ok()) {
      outcome = Error{kAgentLaunchFailed, launchFailures};
    }
  }
  if (changed) notifyChanged();
  return outcome;
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
