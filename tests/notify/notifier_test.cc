// The notifier over a real store: the outbox filled per event and webhook, each lane sent in
// order with its signature, retried with backoff and given up, nothing lost nor repeated across a
// restart, and a receiver that hangs holding only its own lane.
#include "notify/notifier.h"

#include <map>

#include "catalog/catalog.h"
#include "notify/notification_store.h"
#include "notify/webhook_signature.h"
#include "notify_test_support.h"
#include "store/sqlite_serialized.h"
#include "support/test_support.h"

namespace greenlight::notify {
namespace {

using domain::DeploymentStatus;
using domain::InstanceStatus;
using nlohmann::json;

constexpr const char* kOps = "http://hooks.test/ops";
constexpr const char* kAudit = "http://hooks.test/audit";

class NotifierTest : public ::testing::Test {
 protected:
  NotifierTest() { openStore(/*withNotify=*/true); }
  ~NotifierTest() override { notifier_.reset(); }

  void openStore(bool withNotify) {
    store::SqliteOptions options;
    options.synchronous = store::SqliteSynchronous::Normal;
    auto opened = store::SqliteDatabase::openInDataFolder(folder_.path(), options);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    connection_ = opened->get();
    ASSERT_TRUE(catalog::migrateCatalogSchema(*connection_, clock_).ok());
    ASSERT_TRUE(engine::migrateEngineSchema(*connection_, clock_).ok());
    if (withNotify) migrateNotify();
    database_ = std::make_unique<store::SerializedSqliteDatabase>(std::move(*opened));
  }
  void migrateNotify() {
    Status migrated = migrateNotifySchema(*connection_, clock_);
    ASSERT_TRUE(migrated.ok()) << migrated.error().message;
  }

  // The group shop/web with `notifications`; returns its id.
  std::string makeGroup(json notifications) {
    return database_->withConnection([&](store::SqliteDatabase& db) {
      catalog::Catalog catalog(db, clock_);
      if (!catalog.getApplication("shop").ok()) {
        EXPECT_TRUE(catalog.createApplication("shop", domain::ComputePlatform::Server).ok());
      }
      catalog::GroupSpec spec;
      spec.application = "shop";
      spec.name = "web";
      spec.fleet.instances = 2;
      spec.notifications = std::move(notifications);
      auto group = catalog.createGroup(spec);
      EXPECT_TRUE(group.ok()) << group.error().message;
      return group.ok() ? group->id : std::string();
    });
  }
  std::string defaultGroup() {
    return makeGroup(json::array({{{"name", "ops"}, {"url", kOps}, {"secretEnv", "HOOK_SECRET"}, {"maxAttempts", 3}},
                                  {{"name", "audit"},
                                   {"url", kAudit},
                                   {"format", "slack"},
                                   {"events", {"DeploymentSuccess", "DeploymentFailure"}}}}));
  }

  void makeNotifier() {
    sender_.reopen();
    NotifierOptions options;
    options.deliveryThreads = 2;
    options.environment = [this](const std::string& name) -> std::optional<std::string> {
      auto found = environment_.find(name);
      if (found == environment_.end()) return std::nullopt;
      return found->second;
    };
    options.log = [this](const std::string& line) {
      std::lock_guard lock(logMutex_);
      log_.push_back(line);
    };
    notifier_ = std::make_unique<Notifier>(
        *database_, clock_,
        [this](const std::string& id) -> Result<engine::DeploymentView> {
          std::lock_guard lock(viewsMutex_);
          auto found = views_.find(id);
          if (found == views_.end()) return Error{"NotFound", "no deployment " + id};
          return found->second;
        },
        sender_, options);
  }

  // The deployment as the engine would show it now; also its row in the engine's table, so a
  // restarted notifier can tell it changed.
  void show(engine::DeploymentView view) {
    view.groupId = groupId_;
    database_->withConnection([&](store::SqliteDatabase& db) {
      Status written = db.run(
          "INSERT INTO deployments (id, sequence, application, group_id, group_name, revision,"
          " config_name, config, status, creator, created_by, created_at, version,"
          " file_exists_behavior, ignore_application_stop_failures)"
          " VALUES (?, ?, 'shop', ?, 'web', ?, 'c', '{}', ?, 'user', 'ops', ?, ?, 'DISALLOW', 0)"
          " ON CONFLICT (id) DO UPDATE SET status = excluded.status, version = excluded.version",
          view.id, sequenceOf(view.id), view.groupId, view.revision,
          std::string(domain::toString(view.status)), formatTimestamp(clock_.now()),
          static_cast<std::int64_t>(view.version));
      ASSERT_TRUE(written.ok()) << written.error().message;
    });
    std::lock_guard lock(viewsMutex_);
    views_[view.id] = std::move(view);
  }
  std::int64_t sequenceOf(const std::string& id) {
    auto [slot, added] = sequences_.try_emplace(id, static_cast<std::int64_t>(sequences_.size() + 1));
    return slot->second;
  }

  std::vector<Notification> outbox(const std::string& id = "d-TEST00001") {
    auto found = database_->withConnection([&](store::SqliteDatabase& db) { return notificationsOf(db, id); });
    EXPECT_TRUE(found.ok());
    return found.ok() ? *found : std::vector<Notification>{};
  }
  std::vector<std::string> outboxEvents(const std::string& target) {
    std::vector<std::string> events;
    for (const auto& n : outbox()) {
      if (n.target == target) events.push_back(n.event);
    }
    return events;
  }
  // deliverDue until nothing more is due now.
  int deliverAllDue() {
    int total = 0;
    while (true) {
      Result<int> attempted = notifier_->deliverDue();
      EXPECT_TRUE(attempted.ok());
      if (!attempted.ok() || *attempted == 0) return total;
      total += *attempted;
    }
  }
  std::vector<WebhookRequest> requestsTo(const std::string& url) {
    std::vector<WebhookRequest> found;
    for (auto& request : sender_.requests()) {
      if (request.url == url) found.push_back(request);
    }
    return found;
  }

  engine::DeploymentView running() {
    auto view = deployment(DeploymentStatus::InProgress,
                           {target("i-1", InstanceStatus::InProgress, at("10:00:01.000")),
                            target("i-2", InstanceStatus::Pending)});
    view.startedAt = at("10:00:00.000");
    return view;
  }
  engine::DeploymentView succeeded(std::uint64_t version) {
    auto view = deployment(DeploymentStatus::Succeeded,
                           {target("i-1", InstanceStatus::Succeeded, at("10:00:01.000"), at("10:00:02.000")),
                            target("i-2", InstanceStatus::Succeeded, at("10:00:03.000"), at("10:00:04.000"))});
    view.startedAt = at("10:00:00.000");
    view.endedAt = at("10:00:05.000");
    view.version = version;
    return view;
  }

  testing::TempDir folder_;
  ManualClock clock_;
  store::SqliteDatabase* connection_ = nullptr;
  std::unique_ptr<store::SerializedSqliteDatabase> database_;
  FakeSender sender_;
  std::map<std::string, std::string> environment_{{"HOOK_SECRET", "It is a secret"}};
  std::mutex viewsMutex_;
  std::map<std::string, engine::DeploymentView> views_;  // GUARDED_BY(viewsMutex_)
  std::map<std::string, std::int64_t> sequences_;
  std::mutex logMutex_;
  std::vector<std::string> log_;  // GUARDED_BY(logMutex_)
  std::string groupId_;
  std::unique_ptr<Notifier> notifier_;
};

TEST_F(NotifierTest, EachEventGoesToTheWebhooksThatWantItInOrderSignedAndIsMarkedDelivered) {
  groupId_ = defaultGroup();
  makeNotifier();
  show(running());
  ASSERT_TRUE(notifier_->observe("d-TEST00001").ok());
  EXPECT_EQ(outboxEvents("ops"), (std::vector<std::string>{"DeploymentStart", "InstanceStart"}));
  EXPECT_TRUE(outboxEvents("audit").empty()) << "audit only wants the end";

  show(succeeded(2));
  ASSERT_TRUE(notifier_->observe("d-TEST00001").ok());
  EXPECT_EQ(outboxEvents("ops"),
            (std::vector<std::string>{"DeploymentStart", "InstanceStart", "InstanceSuccess",
                                      "InstanceStart", "InstanceSuccess", "DeploymentSuccess"}));
  EXPECT_EQ(outboxEvents("audit"), (std::vector<std::string>{"DeploymentSuccess"}));

  EXPECT_EQ(deliverAllDue(), 7);
  std::vector<WebhookRequest> ops = requestsTo(kOps);
  ASSERT_EQ(ops.size(), 6u);
  for (std::size_t i = 0; i < ops.size(); ++i) {
    json body = json::parse(ops[i].body);
    EXPECT_EQ(body["sequence"], static_cast<int>(i + 1)) << "in order";
    EXPECT_EQ(headerOf(ops[i], kEventHeader), body["event"]);
    EXPECT_EQ(headerOf(ops[i], kDeliveryHeader), "d-TEST00001." + std::to_string(i + 1) + ".ops");
    EXPECT_EQ(headerOf(ops[i], kDeliveryHeader), body["deliveryId"]);
    EXPECT_EQ(headerOf(ops[i], kSignatureHeader), "sha256=" + hmacSha256Hex("It is a secret", ops[i].body));
  }
  std::vector<WebhookRequest> audit = requestsTo(kAudit);
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(headerOf(audit[0], kSignatureHeader), "") << "no secretEnv: not signed";
  json slack = json::parse(audit[0].body);
  EXPECT_NE(slack["text"].get<std::string>().find("DeploymentSuccess of shop/web"), std::string::npos);
  EXPECT_EQ(headerOf(audit[0], kDeliveryHeader), "d-TEST00001.6.audit") << "numbered like every event";

  for (const auto& n : outbox()) {
    json shown = toJson(n);
    EXPECT_EQ(shown["status"], "Delivered") << shown.dump();
    EXPECT_EQ(shown["attempts"], 1);
    EXPECT_EQ(shown["lastHttpStatus"], 200);
    EXPECT_TRUE(shown["nextAttemptAt"].is_null());
    EXPECT_EQ(shown["finishedAt"], "2026-03-01T10:00:00.000Z");
  }
  EXPECT_EQ(deliverAllDue(), 0) << "a delivered notification is never sent again";
}

TEST_F(NotifierTest, AFailingReceiverIsRetriedWithBackoffAndHoldsBackTheRestOfItsLane) {
  groupId_ = makeGroup(json::array({{{"name", "ops"}, {"url", kOps}, {"maxAttempts", 4}}}));
  makeNotifier();
  show(running());
  ASSERT_TRUE(notifier_->observe("d-TEST00001").ok());
  sender_.script({500, 0});

  EXPECT_EQ(deliverAllDue(), 1) << "only the lane's first";
  Notification first = outbox()[0];
  EXPECT_EQ(first.status, DeliveryStatus::Pending);
  EXPECT_EQ(first.attempts, 1);
  EXPECT_EQ(first.lastHttpStatus, 500);
  EXPECT_EQ(first.lastError, "HTTP 500: try later");
  EXPECT_EQ(first.nextAttemptAt, clock_.now() + std::chrono::seconds(1));
  EXPECT_EQ(outbox()[1].attempts, 0) << "the second waits behind the first";

  clock_.advance(std::chrono::seconds(1));
  EXPECT_EQ(deliverAllDue(), 1);
  first = outbox()[0];
  EXPECT_EQ(first.attempts, 2);
  EXPECT_FALSE(first.lastHttpStatus.has_value()) << "no answer this time";
  EXPECT_NE(first.lastError.find("could not connect to http://hooks.test/ops"), std::string::npos);
  EXPECT_EQ(first.nextAttemptAt, clock_.now() + std::chrono::seconds(2)) << "doubled";

  clock_.advance(std::chrono::seconds(1));
  EXPECT_EQ(deliverAllDue(), 0) << "not due yet";
  clock_.advance(std::chrono::seconds(1));
  EXPECT_EQ(deliverAllDue(), 2) << "the first delivered, then the second";
  std::vector<WebhookRequest> sent = requestsTo(kOps);
  ASSERT_EQ(sent.size(), 4u);
  EXPECT_EQ(sent[0].body, sent[2].body) << "the same bytes at every attempt";
  EXPECT_EQ(json::parse(sent[3].body)["event"], "InstanceStart");
  EXPECT_EQ(outbox()[0].status, DeliveryStatus::Delivered);
  EXPECT_EQ(outbox()[0].attempts, 3);
}

TEST_F(NotifierTest, AfterMaxAttemptsANotificationIsGivenUpAndTheLaneMovesOn) {
  groupId_ = makeGroup(json::array({{{"name", "ops"}, {"url", kOps}, {"maxAttempts", 2}}}));
  makeNotifier();
  show(running());
  ASSERT_TRUE(notifier_->observe("d-TEST00001").ok());
  sender_.script({503, 503});
  EXPECT_EQ(deliverAllDue(), 1);
  clock_.advance(std::chrono::seconds(1));
  EXPECT_EQ(deliverAllDue(), 2) << "the second attempt gives up, then the next goes";
  json shown = toJson(outbox()[0]);
  EXPECT_EQ(shown["status"], "Failed");
  EXPECT_EQ(shown["attempts"], 2);
  EXPECT_EQ(shown["lastHttpStatus"], 503);
  EXPECT_TRUE(shown["nextAttemptAt"].is_null());
  EXPECT_EQ(shown["finishedAt"], formatTimestamp(clock_.now()));
  EXPECT_EQ(outbox()[1].status, DeliveryStatus::Delivered);
  std::lock_guard lock(logMutex_);
  EXPECT_TRUE(testing::anyLineContains(log_, "given up after 2 attempts")) << log_.size();
}

TEST_F(NotifierTest, AnUnsetSecretIsAFailedAttemptNeverAnUnsignedSend) {
  groupId_ = defaultGroup();
  environment_.clear();
  makeNotifier();
  show(running());
  ASSERT_TRUE(notifier_->observe("d-TEST00001").ok());
  EXPECT_EQ(deliverAllDue(), 1);
  EXPECT_TRUE(sender_.requests().empty());
  Notification first = outbox()[0];
  EXPECT_EQ(first.attempts, 1);
  EXPECT_EQ(first.status, DeliveryStatus::Pending);
  EXPECT_NE(first.lastError.find("secretEnv HOOK_SECRET is not set"), std::string::npos) << first.lastError;
}

TEST_F(NotifierTest, ARestartedNotifierNeitherLosesNorRepeatsAnEvent) {
  groupId_ = defaultGroup();
  makeNotifier();
  show(running());
  ASSERT_TRUE(notifier_->observe("d-TEST00001").ok());
  ASSERT_EQ(outbox().size(), 2u);
  Result<int> delivered = notifier_->deliverDue();
  ASSERT_TRUE(delivered.ok());
  EXPECT_EQ(*delivered, 1) << "one delivered; the other still in the outbox at the kill";

  // Killed; meanwhile the deployment finished (its change never reached the old notifier).
  notifier_.reset();
  show(succeeded(2));
  makeNotifier();
  ASSERT_TRUE(notifier_->catchUp().ok());
  EXPECT_EQ(outboxEvents("ops"),
            (std::vector<std::string>{"DeploymentStart", "InstanceStart", "InstanceSuccess",
                                      "InstanceStart", "InstanceSuccess", "DeploymentSuccess"}));
  EXPECT_EQ(deliverAllDue(), 6);
  EXPECT_EQ(requestsTo(kOps).size(), 6u) << "DeploymentStart was not sent twice";

  // Another restart with nothing new: nothing looked at, nothing written, nothing sent.
  notifier_.reset();
  makeNotifier();
  auto again = database_->withConnection([](store::SqliteDatabase& db) { return deploymentsToObserve(db); });
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty());
  ASSERT_TRUE(notifier_->catchUp().ok());
  ASSERT_TRUE(notifier_->observe("d-TEST00001").ok());
  EXPECT_EQ(outbox().size(), 7u);
  EXPECT_EQ(deliverAllDue(), 0);
}

TEST_F(NotifierTest, ALaneSendsOneAtATimeEvenWhenSeveralThreadsAreFree) {
  groupId_ = defaultGroup();
  makeNotifier();
  sender_.hold(kOps);
  show(running());
  notifier_->start();
  notifier_->deploymentChanged("d-TEST00001");
  ASSERT_TRUE(testing::waitFor([&] { return sender_.holding() == 1; }));
  // The change after: observed while ops hangs, and its end reaches audit on the other thread.
  show(succeeded(2));
  notifier_->deploymentChanged("d-TEST00001");
  ASSERT_TRUE(testing::waitFor([&] { return requestsTo(kAudit).size() == 1; }));
  EXPECT_EQ(requestsTo(kOps).size(), 1u) << "ops' second notification waits for its first";
  EXPECT_EQ(sender_.holding(), 1);
  EXPECT_EQ(outbox().size(), 7u);

  // Stopping ends the hanging send; it stays Pending, unattempted, for the next start.
  notifier_->stop();
  Notification first = outbox()[0];
  EXPECT_EQ(first.status, DeliveryStatus::Pending);
  EXPECT_EQ(first.attempts, 0);
}

TEST_F(NotifierTest, ReleasedReceiversGetTheWholeLaneThroughTheThreads) {
  groupId_ = defaultGroup();
  makeNotifier();
  show(succeeded(1));
  notifier_->start();
  notifier_->deploymentChanged("d-TEST00001");
  ASSERT_TRUE(testing::waitFor([&] {
    auto all = outbox();
    return all.size() == 7u && std::all_of(all.begin(), all.end(), [](const Notification& n) {
             return n.status == DeliveryStatus::Delivered;
           });
  }));
  std::vector<WebhookRequest> ops = requestsTo(kOps);
  ASSERT_EQ(ops.size(), 6u);
  for (std::size_t i = 0; i < ops.size(); ++i) {
    EXPECT_EQ(json::parse(ops[i].body)["sequence"], static_cast<int>(i + 1));
  }
}

TEST(NotifierUpgrade, DeploymentsMadeBeforeNotificationsExistedOweNone) {
  testing::TempDir folder;
  ManualClock clock;
  store::SqliteOptions options;
  options.synchronous = store::SqliteSynchronous::Normal;
  auto opened = store::SqliteDatabase::openInDataFolder(folder.path(), options);
  ASSERT_TRUE(opened.ok());
  ASSERT_TRUE(engine::migrateEngineSchema(**opened, clock).ok());
  ASSERT_TRUE((*opened)
                  ->run("INSERT INTO deployments (id, sequence, application, group_id, group_name,"
                        " revision, config_name, config, status, creator, created_by, created_at,"
                        " file_exists_behavior, ignore_application_stop_failures) VALUES"
                        " ('d-OLD000001', 1, 'shop', 'dg-x', 'web', 'r', 'c', '{}', 'Succeeded',"
                        " 'user', 'ops', '2026-01-01T00:00:00.000Z', 'DISALLOW', 0)")
                  .ok());
  ASSERT_TRUE(migrateNotifySchema(**opened, clock).ok());
  auto owed = deploymentsToObserve(**opened);
  ASSERT_TRUE(owed.ok()) << owed.error().message;
  EXPECT_TRUE(owed->empty()) << "history is not replayed at the upgrade";
  ASSERT_TRUE((*opened)
                  ->run("INSERT INTO deployments (id, sequence, application, group_id, group_name,"
                        " revision, config_name, config, status, creator, created_by, created_at,"
                        " file_exists_behavior, ignore_application_stop_failures) VALUES"
                        " ('d-NEW000002', 2, 'shop', 'dg-x', 'web', 'r', 'c', '{}', 'Created',"
                        " 'user', 'ops', '2026-01-01T00:00:00.000Z', 'DISALLOW', 0)")
                  .ok());
  owed = deploymentsToObserve(**opened);
  ASSERT_TRUE(owed.ok());
  EXPECT_EQ(*owed, (std::vector<std::string>{"d-NEW000002"}));
}

}  // namespace
}  // namespace greenlight::notify
