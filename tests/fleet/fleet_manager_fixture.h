// A FleetManager over a real store (auth and catalog schemas) in a temporary data folder, with a
// clock the test moves by hand and a LocalFleet running the fake agent.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <mutex>

#include "auth/audit_log.h"
#include "auth/auth_schema.h"
#include "auth/token_store.h"
#include "catalog/catalog.h"
#include "fleet/fleet_manager.h"
#include "fleet/fleet_test_helpers.h"
#include "store/sqlite_serialized.h"
#include "support/test_support.h"

namespace greenlight::fleet {

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

class FleetManagerFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::SqliteDatabase::openInDataFolder(data_.path());
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    ASSERT_TRUE(auth::migrateAuthSchema(**opened, clock_).ok());
    Status migrated = catalog::migrateCatalogSchema(**opened, clock_);
    ASSERT_TRUE(migrated.ok()) << migrated.error().message;
    database_ = std::make_unique<store::SerializedSqliteDatabase>(std::move(opened).value());
    withCatalog([&](catalog::Catalog& catalog) {
      ASSERT_TRUE(catalog.createApplication("shop", domain::ComputePlatform::Server).ok());
    });
    database_->withConnection([&](store::SqliteDatabase& db) {
      auth::TokenStore tokens(db, clock_);
      auto admin = tokens.create({"alice", auth::Role::Admin, std::nullopt, std::nullopt});
      ASSERT_TRUE(admin.ok());
      auto principal = tokens.authenticate(admin->secret);
      ASSERT_TRUE(principal.ok());
      alice_ = *principal;
    });
    startServer();
  }

  void TearDown() override {
    // Whatever a test left running goes, whichever manager launched it.
    std::vector<catalog::Instance> all;
    withCatalog([&](catalog::Catalog& catalog) {
      auto listed = catalog.listAllInstances(true);
      if (listed.ok()) all = *listed;
    });
    for (const auto& instance : all) {
      (void)local_->terminate(instance.id, instance.pid, instance.pidStartTime);
    }
  }

  // A fresh LocalFleet, presence and manager on the same store: what a server restart gives.
  void startServer() {
    manager_.reset();
    local_ = std::make_unique<LocalFleet>(LocalFleetOptions{agent_, std::chrono::milliseconds(2000)});
    presence_ = std::make_unique<AgentPresence>(clock_);
    manager_ = std::make_unique<FleetManager>(
        *database_, clock_, audit_, *local_, *presence_,
        FleetManagerOptions{data_.path(), "127.0.0.1:7070", std::chrono::seconds(30)},
        [this] { ++fleetChanges_; });
  }

  template <typename Work>
  void withCatalog(Work&& work) {
    database_->withConnection([&](store::SqliteDatabase& db) {
      catalog::Catalog catalog(db, clock_);
      work(catalog);
    });
  }

  catalog::DeploymentGroup createGroup(const std::string& name, int instances,
                                       std::optional<int> basePort = std::nullopt,
                                       catalog::FleetProvider provider = catalog::FleetProvider::Local) {
    catalog::GroupSpec spec;
    spec.application = "shop";
    spec.name = name;
    spec.fleet.provider = provider;
    spec.fleet.instances = provider == catalog::FleetProvider::Local ? instances : 0;
    spec.fleet.basePort = basePort;
    catalog::DeploymentGroup group;
    withCatalog([&](catalog::Catalog& catalog) {
      auto created = catalog.createGroup(spec);
      ASSERT_TRUE(created.ok()) << created.error().message;
      group = *created;
    });
    return group;
  }

  // A local blue-green group (behind a load balancer, which the catalog only records here).
  catalog::DeploymentGroup createBlueGreenGroup(const std::string& name, int instances,
                                                std::optional<int> basePort = std::nullopt) {
    catalog::GroupSpec spec;
    spec.application = "shop";
    spec.name = name;
    spec.fleet.instances = instances;
    spec.fleet.basePort = basePort;
    spec.style = catalog::DeploymentStyle::BlueGreen;
    spec.loadBalancer = {{"provider", "haproxy"}, {"listen", "127.0.0.1:8080"}};
    catalog::DeploymentGroup group;
    withCatalog([&](catalog::Catalog& catalog) {
      auto created = catalog.createGroup(spec);
      ASSERT_TRUE(created.ok()) << created.error().message;
      group = *created;
    });
    return group;
  }

  std::vector<catalog::Instance> instancesOf(const std::string& groupId,
                                             bool includeTerminated = false) {
    std::vector<catalog::Instance> instances;
    withCatalog([&](catalog::Catalog& catalog) {
      auto listed = catalog.listInstances(groupId, includeTerminated);
      EXPECT_TRUE(listed.ok());
      if (listed.ok()) instances = *listed;
    });
    return instances;
  }

  catalog::Instance instance(const std::string& id) {
    catalog::Instance found;
    withCatalog([&](catalog::Catalog& catalog) {
      auto got = catalog.getInstance(id);
      EXPECT_TRUE(got.ok());
      if (got.ok()) found = *got;
    });
    return found;
  }

  std::vector<auth::AuditEntry> auditOf(const std::string& target) {
    std::vector<auth::AuditEntry> entries;
    database_->withConnection([&](store::SqliteDatabase& db) {
      auth::AuditFilter filter;
      filter.target = target;
      auto listed = audit_.list(db, filter);
      EXPECT_TRUE(listed.ok());
      if (listed.ok()) entries = *listed;
    });
    return entries;
  }

  bool agentStarted(const catalog::Instance& instance) {
    return testing::waitFor(
        [&] { return std::filesystem::exists(std::filesystem::path(instance.rootDir) / "started"); });
  }

  testing::TempDir data_;
  testing::TempDir scripts_;
  std::filesystem::path agent_ = writeFakeAgent(scripts_.path());
  ManualClock clock_;
  auth::AuditLog audit_{clock_};
  std::unique_ptr<store::SerializedSqliteDatabase> database_;
  std::unique_ptr<LocalFleet> local_;
  std::unique_ptr<AgentPresence> presence_;
  std::unique_ptr<FleetManager> manager_;
  std::atomic<int> fleetChanges_{0};
  auth::Principal alice_;
};

}  // namespace greenlight::fleet
