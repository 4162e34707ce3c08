// Shared by the engine tests: a real store in a fresh folder (auth, catalog and engine schemas),
// a clock moved by hand, a group of instances made through the catalog, and "agents" played by
// the test through commandsFor / reportEvent / reportResult.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "auth/audit_log.h"
#include "auth/auth_schema.h"
#include "catalog/catalog.h"
#include "engine/engine.h"
#include "store/sqlite_serialized.h"
#include "support/test_support.h"

namespace greenlight::engine {

class ManualClock final : public Clock {
 public:
  WallTime now() const override {
    std::lock_guard lock(mutex_);
    return time_;
  }
  void advance(std::chrono::milliseconds by) {
    std::lock_guard lock(mutex_);
    time_ += by;
  }

 private:
  mutable std::mutex mutex_;
  WallTime time_ = parseTimestamp("2026-03-01T10:00:00.000Z");  // GUARDED_BY(mutex_)
};

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Which instances the engine had in flight at each wave of a deployment run to its end.
using Waves = std::vector<std::vector<std::string>>;

class EngineTest : public ::testing::Test {
 protected:
  EngineTest() {
    openStore();
    makeEngine();
  }
  ~EngineTest() override { engine_.reset(); }

  void openStore() {
    // Normal sync: the tests kill no machine, and a commit still outlives the process.
    store::SqliteOptions options;
    options.synchronous = store::SqliteSynchronous::Normal;
    auto opened = store::SqliteDatabase::openInDataFolder(folder_.path(), options);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    auto& db = **opened;
    for (Status migrated : {auth::migrateAuthSchema(db, clock_),
                            catalog::migrateCatalogSchema(db, clock_),
                            migrateEngineSchema(db, clock_)}) {
      ASSERT_TRUE(migrated.ok()) << migrated.error().message;
    }
    database_ = std::make_unique<store::SerializedSqliteDatabase>(std::move(opened).value());
  }

  void makeEngine(EngineOptions options = {}) {
    EngineHooks hooks;
    hooks.commandQueued = [this](const std::string& instanceId) {
      onCommandQueued(instanceId);
      std::lock_guard lock(hookMutex_);
      queued_.push_back(instanceId);
    };
    hooks.deploymentChanged = [this](const std::string& id) {
      std::lock_guard lock(hookMutex_);
      changed_.push_back(id);
    };
    engine_ = std::make_unique<Engine>(*database_, clock_, audit_, hooks, options);
  }

  // Overridden by tests that look at the store from inside a hook.
  virtual void onCommandQueued(const std::string&) {}

  // The store closed and opened again, as after a server restart.
  void restart() {
    engine_.reset();
    database_.reset();
    openStore();
    makeEngine();
  }

  template <typename Work>
  auto withCatalog(Work work) {
    return database_->withConnection([&](store::SqliteDatabase& db) {
      catalog::Catalog catalog(db, clock_);
      return work(catalog);
    });
  }

  // Application "shop", group "web" of `count` running local instances "web-0"..; their ids.
  std::vector<std::string> makeGroup(int count,
                                     const std::string& config = "CodeDeployDefault.OneAtATime",
                                     bool autoRollback = false) {
    std::vector<std::string> ids;
    withCatalog([&](catalog::Catalog& catalog) {
      if (!catalog.getApplication("shop").ok()) {
        auto app = catalog.createApplication("shop", domain::ComputePlatform::Server);
        EXPECT_TRUE(app.ok()) << app.error().message;
      }
      catalog::GroupSpec spec;
      spec.application = "shop";
      spec.name = "web";
      spec.fleet.instances = count;
      spec.deploymentConfig = config;
      spec.autoRollback.enabled = autoRollback;
      spec.autoRollback.events = rollbackEvents_;
      spec.alarms = alarms_;
      spec.analysis = analysis_;
      spec.environment = {{"APP_ENV", "test"}};
      spec.revisionsToKeep = 3;
      spec.fileExistsBehavior = "OVERWRITE";
      auto group = catalog.createGroup(spec);
      EXPECT_TRUE(group.ok()) << group.error().message;
      if (!group.ok()) return 0;
      groupId_ = group->id;
      for (int k = 0; k < count; ++k) {
        catalog::Instance instance;
        instance.groupId = group->id;
        instance.hostName = "web-" + std::to_string(k);
        instance.ordinal = k;
        instance.port = 18080 + k;
        instance.lifecycle = catalog::InstanceLifecycle::Running;
        auto created = catalog.createInstance(instance);
        EXPECT_TRUE(created.ok()) << created.error().message;
        if (created.ok()) ids.push_back(created->id);
      }
      return 0;
    });
    return ids;
  }

  // A revision whose sha256 is 64 times `fill` (a hex digit).
  std::string addRevision(char fill) {
    std::string sha(64, fill);
    withCatalog([&](catalog::Catalog& catalog) {
      catalog::Revision revision;
      revision.application = "shop";
      revision.sha256 = sha;
      revision.bundleType = "tgz";
      revision.sizeBytes = 1234;
      revision.appspecFilename = "appspec.yml";
      auto added = catalog.addRevision(revision);
      EXPECT_TRUE(added.ok()) << added.error().message;
      return 0;
    });
    return sha;
  }

  DeploymentView deploy(const std::string& sha, std::optional<std::string> config = std::nullopt) {
    DeploymentRequest request;
    request.application = "shop";
    request.group = "web";
    request.revision = sha;
    request.configName = std::move(config);
    auto created = engine_->createDeployment(request, principal_);
    EXPECT_TRUE(created.ok()) << created.error().message;
    return created.ok() ? *created : DeploymentView{};
  }

  DeploymentView get(const std::string& id) {
    auto found = engine_->getDeployment(id);
    EXPECT_TRUE(found.ok()) << found.error().message;
    return found.ok() ? *found : DeploymentView{};
  }

  void reconcile() {
    Status passed = engine_->reconcileOnce();
    ASSERT_TRUE(passed.ok()) << passed.error().message;
  }

  std::vector<std::string> inProgress(const std::string& deploymentId) {
    std::vector<std::string> ids;
    for (const auto& target : get(deploymentId).targets) {
      if (target.status == domain::InstanceStatus::InProgress) ids.push_back(target.instanceId);
    }
    return ids;
  }

  // The one command the instance has, as its agent would fetch it.
  AgentCommand commandOf(const std::string& instanceId) {
    auto commands = engine_->commandsFor(instanceId);
    EXPECT_TRUE(commands.ok()) << commands.error().message;
    EXPECT_EQ(commands.ok() ? commands->size() : 0u, 1u) << "instance " << instanceId;
    return commands.ok() && !commands->empty() ? commands->front() : AgentCommand{};
  }

  static EventReport event(const std::string& name, const std::string& status,
                           const std::string& logTail = "") {
    EventReport report;
    report.event = name;
    report.status = status;
    report.logTail = logTail;
    if (status == "Failed") {
      report.errorCode = "ScriptFailed";
      report.message = "Script at scripts/validate.sh exited with code 1";
    }
    return report;
  }

  // Plays the agent of `instanceId`: fetches its command, reports the events and the result.
  void runAgent(const std::string& instanceId, bool succeed = true,
                const std::string& failingEvent = "ValidateService") {
    AgentCommand command = commandOf(instanceId);
    ResultReport result;
    result.succeeded = succeed;
    for (const char* name : {"ApplicationStop", "DownloadBundle", "BeforeInstall", "Install",
                             "AfterInstall", "ApplicationStart", "ValidateService"}) {
      Status started = engine_->reportEvent(instanceId, command.id, event(name, "InProgress"));
      EXPECT_TRUE(started.ok()) << started.error().message;
      bool fails = !succeed && failingEvent == name;
      EventReport done = event(name, fails ? "Failed" : "Succeeded",
                               fails ? "curl: (7) Failed to connect to localhost port 8080" : "");
      result.events.push_back(done);
      if (fails) {
        result.errorCode = "ScriptFailed";
        result.message = done.message;
        break;
      }
    }
    Status reported = engine_->reportResult(instanceId, command.id, result);
    EXPECT_TRUE(reported.ok()) << reported.error().message;
  }

  // Runs the deployment to its end, every agent succeeding except those in `failing`; returns
  // the waves of instances in flight.
  Waves runToEnd(const std::string& deploymentId, const std::set<std::string>& failing = {}) {
    Waves waves;
    for (int round = 0; round < 100; ++round) {
      reconcile();
      std::vector<std::string> flight = inProgress(deploymentId);
      if (flight.empty()) break;
      waves.push_back(flight);
      for (const auto& id : flight) runAgent(id, failing.count(id) == 0);
    }
    return waves;
  }

  std::vector<std::string> queuedHooks() {
    std::lock_guard lock(hookMutex_);
    return queued_;
  }
  std::vector<std::string> changedHooks() {
    std::lock_guard lock(hookMutex_);
    return changed_;
  }

  testing::TempDir folder_;
  ManualClock clock_;
  std::unique_ptr<store::SerializedSqliteDatabase> database_;
  auth::AuditLog audit_{clock_};
  std::unique_ptr<Engine> engine_;
  auth::Principal principal_{0, "alice", auth::Role::Deployer, std::nullopt};
  std::string groupId_;
  // The next group's `alarms:` and autoRollback events (set before makeGroup / makeBlueGreenGroup).
  nlohmann::json alarms_ = nullptr;
  nlohmann::json analysis_ = nullptr;  // the next in-place group's `analysis:` (makeGroup)
  std::vector<std::string> rollbackEvents_;

  std::mutex hookMutex_;
  std::vector<std::string> queued_;   // GUARDED_BY(hookMutex_)
  std::vector<std::string> changed_;  // GUARDED_BY(hookMutex_)
};

}  // namespace greenlight::engine
