// The blue/green fixture: an engine with an in-memory load balancer and a compute provider that
// only writes instance rows (blue_green_test.cc, analysis_blue_green_test.cc).
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>

#include "catalog/traffic_spec.h"
#include "domain/deployment_config.h"
#include "engine/blue_green_state.h"
#include "engine/engine_test_fixture.h"
#include "fleet/compute_provider.h"
#include "support/fake_traffic_provider.h"

namespace greenlight::engine {

// Makes fleet version rows (Running at once) and marks them Terminated when retired.
class RowCompute final : public fleet::ComputeProvider {
 public:
  RowCompute(std::unique_ptr<store::SerializedSqliteDatabase>& database, const Clock& clock)
      : database_(database), clock_(clock) {}
  Result<std::vector<catalog::Instance>> provisionFleetVersion(const std::string& groupId,
                                                               const std::string& fleetVersion,
                                                               int count) override;
  Status retireFleetVersion(const std::string& groupId, const std::string& fleetVersion,
                            const std::string& reason) override;
  std::vector<std::string> retired() {
    std::lock_guard lock(mutex_);
    return retired_;
  }
  // New instances stay Launching: their agents never connect.
  void neverConnect() { launching_ = true; }
  // The provider's own health verdict ("" healthy), as an aws fleet's Auto Scaling group gives it.
  Result<std::string> unhealthyInstances(const std::string&, const std::string&) override {
    std::lock_guard lock(mutex_);
    return unhealthy_;
  }
  void setUnhealthy(std::string text) {
    std::lock_guard lock(mutex_);
    unhealthy_ = std::move(text);
  }
  Status fleetVersionServing(const std::string&, const std::string& fleetVersion) override {
    std::lock_guard lock(mutex_);
    served_.push_back(fleetVersion);
    return Status::success();
  }
  std::vector<std::string> served() {
    std::lock_guard lock(mutex_);
    return served_;
  }
  // The next `times` provisions answer Unavailable (still launching); retirements likewise.
  void launchSlowly(int times) { slowLaunches_ = times; }
  void retireSlowly(int times) { slowRetires_ = times; }
  int slowRetiresLeft() const { return slowRetires_; }

 private:
  template <typename Work>
  auto withCatalog(Work work) {
    return database_->withConnection([&](store::SqliteDatabase& db) {
      catalog::Catalog catalog(db, clock_);
      return work(catalog);
    });
  }
  std::unique_ptr<store::SerializedSqliteDatabase>& database_;
  const Clock& clock_;
  std::mutex mutex_;
  std::vector<std::string> retired_;
  std::vector<std::string> served_;
  std::string unhealthy_;
  std::atomic<bool> launching_{false};
  std::atomic<int> slowLaunches_{0};
  std::atomic<int> slowRetires_{0};
};

class BlueGreenTest : public EngineTest {
 protected:
  BlueGreenTest() { engine_->setProviders(&compute_, &traffic_); }

  // A blue/green group "shop/web" of `count` instances behind a load balancer.
  void makeBlueGreenGroup(int count, const std::string& config, nlohmann::json blueGreen = {},
                          bool autoRollback = true) {
    withCatalog([&](catalog::Catalog& catalog) {
      if (!catalog.getApplication("shop").ok()) {
        EXPECT_TRUE(catalog.createApplication("shop", domain::ComputePlatform::Server).ok());
      }
      catalog::GroupSpec spec;
      spec.application = "shop";
      spec.name = "web";
      spec.fleet.instances = count;
      spec.deploymentConfig = config;
      spec.style = catalog::DeploymentStyle::BlueGreen;
      spec.loadBalancer = {{"provider", "haproxy"},
                           {"listen", "127.0.0.1:18000"},
                           {"startGracePeriodSeconds", 30},
                           {"drainTimeoutSeconds", 10}};
      spec.blueGreen = blueGreen.is_null() ? nlohmann::json::object() : blueGreen;
      spec.analysis = analysis_;
      spec.alarms = alarms_;
      spec.autoRollback.enabled = autoRollback;
      spec.autoRollback.events = rollbackEvents_;
      spec.fileExistsBehavior = "OVERWRITE";
      auto group = catalog.createGroup(spec);
      EXPECT_TRUE(group.ok()) << group.error().message;
      if (group.ok()) groupId_ = group->id;
      return 0;
    });
  }

  void makeStepsConfig(const std::string& name, std::vector<domain::TrafficStep> steps) {
    withCatalog([&](catalog::Catalog& catalog) {
      domain::DeploymentConfig config{name, domain::ComputePlatform::Server,
                                      domain::TrafficRouting{domain::TrafficSteps{std::move(steps)}}};
      auto created = catalog.createConfig(config);
      EXPECT_TRUE(created.ok()) << created.error().message;
      return 0;
    });
  }

  BlueGreenState stateOf(const std::string& id) {
    return blueGreenStateFromJson(get(id).blueGreen);
  }

  std::string pool() { return groupId_; }

  // Every new instance of the deployment installs and passes the balancer's health check.
  void installAndPass(const std::string& id) {
    runToEnd(id);
    for (const auto& target : get(id).targets) {
      traffic_.setHealth(target.instanceId, true, "L7OK", "HTTP status check returned code <200>");
    }
    reconcile();
  }

  // The new fleet's share of the pool's weight, from the balancer's members.
  int weightOf(const std::vector<std::string>& ids) {
    int total = 0;
    for (const auto& id : ids) {
      auto member = traffic_.findMember(pool(), id);
      if (member) total += member->weight;
    }
    return total;
  }
  std::vector<std::string> targetIds(const std::string& id) {
    std::vector<std::string> ids;
    for (const auto& target : get(id).targets) ids.push_back(target.instanceId);
    return ids;
  }
  double percentTo(const std::vector<std::string>& newIds, const std::vector<std::string>& oldIds) {
    double fresh = weightOf(newIds);
    double old = weightOf(oldIds);
    return fresh + old == 0 ? 0 : 100.0 * fresh / (fresh + old);
  }

  // The first deployment: v001 takes all traffic; nothing to shift from.
  std::string firstFleet(char fill) {
    std::string id = deploy(addRevision(fill)).id;
    reconcile();
    installAndPass(id);
    EXPECT_EQ(get(id).status, domain::DeploymentStatus::Succeeded) << get(id).errorMessage;
    return id;
  }

  testing::FakeTrafficProvider traffic_;
  RowCompute compute_{database_, clock_};
  nlohmann::json analysis_ = nullptr;  // the group's `analysis:`, set before makeBlueGreenGroup
};

inline Result<std::vector<catalog::Instance>> RowCompute::provisionFleetVersion(
    const std::string& groupId, const std::string& fleetVersion, int count) {
  if (slowLaunches_ > 0) {
    --slowLaunches_;
    return Error{"Unavailable", "1 of " + std::to_string(count) + " instances launched so far"};
  }
  return withCatalog([&](catalog::Catalog& catalog) -> Result<std::vector<catalog::Instance>> {
    auto existing = catalog.listInstances(groupId);
    if (!existing.ok()) return existing.error();
    std::vector<catalog::Instance> fleet;
    for (const auto& instance : *existing) {
      if (instance.fleetVersion == fleetVersion) fleet.push_back(instance);
    }
    for (int k = static_cast<int>(fleet.size()); k < count; ++k) {
      catalog::Instance instance;
      instance.groupId = groupId;
      instance.fleetVersion = fleetVersion;
      instance.hostName = fleetVersion + "-" + std::to_string(k);
      instance.ordinal = k;
      instance.port = 19000 + static_cast<int>(existing->size()) + k;
      instance.lifecycle = launching_ ? catalog::InstanceLifecycle::Launching
                                      : catalog::InstanceLifecycle::Running;
      auto created = catalog.createInstance(instance);
      if (!created.ok()) return created.error();
      fleet.push_back(*created);
    }
    return fleet;
  });
}

inline Status RowCompute::retireFleetVersion(const std::string& groupId, const std::string& fleetVersion,
                                      const std::string& reason) {
  if (slowRetires_ > 0) {
    --slowRetires_;
    return Error{"Unavailable", "scaling " + fleetVersion + " down gradually"};
  }
  {
    std::lock_guard lock(mutex_);
    retired_.push_back(fleetVersion);
  }
  return withCatalog([&](catalog::Catalog& catalog) -> Status {
    auto existing = catalog.listInstances(groupId);
    if (!existing.ok()) return existing.error();
    for (const auto& instance : *existing) {
      if (instance.fleetVersion != fleetVersion) continue;
      Status set = catalog.setInstanceLifecycle(instance.id, catalog::InstanceLifecycle::Terminated, reason);
      if (!set.ok()) return set;
    }
    return Status::success();
  });
}

}  // namespace greenlight::engine
