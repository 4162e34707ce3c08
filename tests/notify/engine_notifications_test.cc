// The events of real engine deployments (the engine's blue/green fixture: fake balancer, instance
// rows, agents played by the test): each change the engine reports is observed, as the server's
// hook does; a deployment observed only at its end owes the same events in the same order.
#include <set>

#include "catalog/catalog.h"
#include "engine/blue_green_fixture.h"
#include "notify/notification_store.h"
#include "notify/notifier.h"
#include "notify_test_support.h"

namespace greenlight::notify {
namespace {

using domain::TrafficStep;
using nlohmann::json;

class EngineNotificationsTest : public engine::BlueGreenTest {
 protected:
  EngineNotificationsTest() {
    Status migrated = database_->withConnection(
        [&](store::SqliteDatabase& db) { return migrateNotifySchema(db, clock_); });
    EXPECT_TRUE(migrated.ok()) << migrated.error().message;
    notifier_ = std::make_unique<Notifier>(
        *database_, clock_,
        [this](const std::string& id) { return engine_->getDeployment(id, /*withTargets=*/true); },
        sender_);
  }

  void notifyEverything() {
    withCatalog([&](catalog::Catalog& catalog) {
      auto group = catalog.getGroup("shop", "web");
      EXPECT_TRUE(group.ok());
      catalog::GroupSpec spec = group->spec;
      spec.notifications = json::array({{{"name", "all"}, {"url", "http://hooks.test/all"}}});
      EXPECT_TRUE(catalog.updateGroup(spec).ok());
      return 0;
    });
  }

  // What the server's hook does, synchronously: every deployment the engine said changed.
  void observeChanges() {
    std::vector<std::string> changed = changedHooks();
    for (; seen_ < changed.size(); ++seen_) {
      Status observed = notifier_->observe(changed[seen_]);
      EXPECT_TRUE(observed.ok()) << observed.error().message;
    }
  }
  void reconcileAndObserve() {
    reconcile();
    observeChanges();
  }

  std::vector<Notification> outboxOf(const std::string& id) {
    auto found = database_->withConnection([&](store::SqliteDatabase& db) { return notificationsOf(db, id); });
    EXPECT_TRUE(found.ok());
    return found.ok() ? *found : std::vector<Notification>{};
  }
  // The deployment's events without the instances' own, and each instance's.
  std::vector<std::string> deploymentEvents(const std::string& id) {
    std::vector<std::string> events;
    for (const auto& n : outboxOf(id)) {
      if (n.event.rfind("Instance", 0) == 0) continue;
      json body = json::parse(n.body);
      events.push_back(n.event + (body.contains("step") ? " " + std::to_string(body["step"]["number"].get<int>()) : ""));
    }
    return events;
  }
  std::map<std::string, std::vector<std::string>> instanceEvents(const std::string& id) {
    std::map<std::string, std::vector<std::string>> events;
    for (const auto& n : outboxOf(id)) {
      json body = json::parse(n.body);
      if (body.contains("instance")) events[body["instance"]["instanceId"]].push_back(n.event);
    }
    return events;
  }

  FakeSender sender_;
  std::unique_ptr<Notifier> notifier_;
  std::size_t seen_ = 0;
};

const std::vector<std::string> kCanaryEvents = {
    "DeploymentStart", "DeploymentReady", "StepStarted 1", "StepStarted 2", "PauseStarted 2",
    "StepStarted 3",   "StepStarted 4",   "PauseStarted 4", "StepStarted 5", "Baking",
    "DeploymentSuccess"};

TEST_F(EngineNotificationsTest, ACanaryNotifiesItsStepsPausesAndBakeInOrderHoweverOftenItIsSeen) {
  makeStepsConfig("canary-10", {TrafficStep::weight(10), TrafficStep::pause(), TrafficStep::weight(50),
                                TrafficStep::pause(60), TrafficStep::weight(100)});
  makeBlueGreenGroup(2, "canary-10", {{"terminationWaitSeconds", 120}});
  notifyEverything();
  std::string first = firstFleet('a');
  observeChanges();
  EXPECT_EQ(deploymentEvents(first).front(), "DeploymentStart");
  EXPECT_EQ(deploymentEvents(first).back(), "DeploymentSuccess");

  // Seen at every change the engine reports.
  std::string id = deploy(addRevision('b')).id;
  reconcileAndObserve();
  installAndPass(id);
  observeChanges();
  ASSERT_TRUE(engine_->continueDeployment(id, principal_).ok());
  reconcileAndObserve();
  clock_.advance(std::chrono::seconds(61));
  reconcileAndObserve();
  ASSERT_EQ(get(id).status, domain::DeploymentStatus::Baking);
  clock_.advance(std::chrono::seconds(121));
  reconcileAndObserve();
  ASSERT_EQ(get(id).status, domain::DeploymentStatus::Succeeded);
  EXPECT_EQ(deploymentEvents(id), kCanaryEvents);
  auto instances = instanceEvents(id);
  ASSERT_EQ(instances.size(), 2u);
  for (const auto& [instance, events] : instances) {
    EXPECT_EQ(events, (std::vector<std::string>{"InstanceStart", "InstanceSuccess", "InstanceReady"})) << instance;
  }
  std::vector<Notification> all = outboxOf(id);
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].sequence, static_cast<std::int64_t>(i + 1));
  json pause = json::parse(all[0].body);
  for (const auto& n : all) {
    if (n.event == "PauseStarted") pause = json::parse(n.body);
  }
  EXPECT_EQ(pause["step"]["pause"]["seconds"], 60);
  EXPECT_EQ(pause["step"]["trafficPercent"], 50);
  EXPECT_EQ(pause["fleetVersion"], "shop-web-v002");

  // The next one seen only once it is over: the same events, in the same order.
  std::string next = deploy(addRevision('c')).id;
  reconcile();
  installAndPass(next);
  ASSERT_TRUE(engine_->continueDeployment(next, principal_).ok());
  reconcile();
  clock_.advance(std::chrono::seconds(61));
  reconcile();
  clock_.advance(std::chrono::seconds(121));
  reconcile();
  ASSERT_EQ(get(next).status, domain::DeploymentStatus::Succeeded);
  ASSERT_TRUE(notifier_->observe(next).ok());
  EXPECT_EQ(deploymentEvents(next), kCanaryEvents);
  for (const auto& [instance, events] : instanceEvents(next)) {
    EXPECT_EQ(events, (std::vector<std::string>{"InstanceStart", "InstanceSuccess", "InstanceReady"})) << instance;
  }
}

TEST_F(EngineNotificationsTest, AHealthFailureMidShiftIsAFailureAndARollbackThenTheSwitchBack) {
  makeStepsConfig("linear", {TrafficStep::weight(25), TrafficStep::pause(60), TrafficStep::weight(50),
                             TrafficStep::pause(60), TrafficStep::weight(100)});
  makeBlueGreenGroup(2, "linear");
  notifyEverything();
  firstFleet('a');
  observeChanges();
  std::string id = deploy(addRevision('b')).id;
  reconcileAndObserve();
  std::vector<std::string> fresh = targetIds(id);
  installAndPass(id);
  observeChanges();
  clock_.advance(std::chrono::seconds(61));
  reconcileAndObserve();
  traffic_.setHealth(fresh[1], false, "L7STS", "HTTP status check returned code <500>");
  reconcileAndObserve();
  engine::DeploymentView failed = get(id);
  ASSERT_EQ(failed.status, domain::DeploymentStatus::Failed);
  ASSERT_TRUE(failed.rolledBackBy.has_value());
  EXPECT_EQ(deploymentEvents(id),
            (std::vector<std::string>{"DeploymentStart", "DeploymentReady", "StepStarted 1", "StepStarted 2",
                                      "PauseStarted 2", "StepStarted 3", "StepStarted 4", "PauseStarted 4",
                                      "DeploymentFailure", "DeploymentRollback"}));
  std::vector<Notification> all = outboxOf(id);
  json failure = json::parse(all[all.size() - 2].body);
  EXPECT_EQ(failure["errorCode"], "HealthCheckFailed");
  EXPECT_EQ(failure["status"], "Failed");
  json rollback = json::parse(all.back().body);
  EXPECT_EQ(rollback["rolledBackBy"], *failed.rolledBackBy);
  // The rollback is a switch back: it starts and succeeds, with nothing to install or shift.
  EXPECT_EQ(deploymentEvents(*failed.rolledBackBy),
            (std::vector<std::string>{"DeploymentStart", "DeploymentSuccess"}));
  EXPECT_EQ(json::parse(outboxOf(*failed.rolledBackBy)[0].body)["creator"], "rollback");
}

// The engine with the notifier on its change hook, as the server wires them, and a webhook that
// never answers.
class HookedNotifierTest : public engine::EngineTest {
 protected:
  HookedNotifierTest() {
    Status migrated = database_->withConnection(
        [&](store::SqliteDatabase& db) { return migrateNotifySchema(db, clock_); });
    EXPECT_TRUE(migrated.ok()) << migrated.error().message;
    NotifierOptions options;
    options.deliveryThreads = 2;
    notifier_ = std::make_unique<Notifier>(
        *database_, clock_,
        [this](const std::string& id) { return engine_->getDeployment(id, /*withTargets=*/true); },
        sender_, options);
    engine::EngineHooks hooks;
    hooks.deploymentChanged = [this](const std::string& id) { notifier_->deploymentChanged(id); };
    engine_ = std::make_unique<engine::Engine>(*database_, clock_, audit_, hooks);
  }
  ~HookedNotifierTest() override {
    engine_.reset();
    notifier_.reset();
  }

  FakeSender sender_;
  std::unique_ptr<Notifier> notifier_;
};

TEST_F(HookedNotifierTest, AWebhookThatNeverAnswersChangesNothingInTheEnginesPasses) {
  makeGroup(3, "CodeDeployDefault.OneAtATime");
  withCatalog([&](catalog::Catalog& catalog) {
    auto group = catalog.getGroup("shop", "web");
    catalog::GroupSpec spec = group->spec;
    spec.notifications = json::array({{{"name", "hung"}, {"url", "http://hooks.test/hung"}},
                                      {{"name", "fine"}, {"url", "http://hooks.test/fine"}}});
    EXPECT_TRUE(catalog.updateGroup(spec).ok());
    return 0;
  });
  sender_.hold("http://hooks.test/hung");
  notifier_->start();
  std::string id = deploy(addRevision('a')).id;
  engine::Waves waves = runToEnd(id);
  EXPECT_EQ(waves.size(), 3u) << "one instance at a time, as without notifications";
  EXPECT_EQ(get(id).status, domain::DeploymentStatus::Succeeded);
  // Meanwhile every change was looked at and the other webhook got all of it.
  ASSERT_TRUE(testing::waitFor([&] {
    auto requests = sender_.requests();
    return std::count_if(requests.begin(), requests.end(), [](const WebhookRequest& r) {
             return r.url == "http://hooks.test/fine";
           }) == 8;  // start, 3 x (instance start, success), success
  }));
  EXPECT_EQ(sender_.holding(), 1) << "the hung webhook still sits on its first";
}

}  // namespace
}  // namespace greenlight::notify
