// The audit log: entries commit or vanish with their change, and read back newest first.
#include "auth/audit_log.h"

#include <gtest/gtest.h>

#include "auth_test_helpers.h"
#include "auth/token_store.h"
#include "store/sqlite_error.h"
#include "store/sqlite_transaction.h"

namespace greenlight::auth {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    database_ = openAuthStore(folder_.path(), clock_);
    ASSERT_NE(database_, nullptr);
  }
  // Records one entry in its own transaction.
  void recordCommitted(const Principal& who, const std::string& action, const std::string& target,
                       const nlohmann::json& details = nlohmann::json::object()) {
    auto transaction = store::Transaction::begin(*database_);
    ASSERT_TRUE(transaction.ok());
    auto recorded = audit_.record(*database_, who, action, target, details);
    ASSERT_TRUE(recorded.ok()) << recorded.error().message;
    ASSERT_TRUE(transaction->commit().ok());
  }
  std::vector<AuditEntry> list(const AuditFilter& filter = {}) {
    auto entries = audit_.list(*database_, filter);
    EXPECT_TRUE(entries.ok()) << entries.error().message;
    return entries.ok() ? *entries : std::vector<AuditEntry>{};
  }

  TempDir folder_;
  ManualClock clock_{"2026-05-01T09:00:00.000Z"};
  std::unique_ptr<store::SqliteDatabase> database_;
  AuditLog audit_{clock_};
  Principal alice_{0, "alice", Role::Deployer, std::nullopt};
  Principal bob_{0, "bob", Role::Admin, std::nullopt};
};

TEST_F(AuditLogTest, AnEntryCommitsWithItsChange) {
  TokenStore tokens(*database_, clock_);
  auto transaction = store::Transaction::begin(*database_);
  ASSERT_TRUE(transaction.ok());
  auto created = tokens.create({"ci", Role::Deployer, std::nullopt, std::nullopt});
  ASSERT_TRUE(created.ok());
  Principal admin{created->token.id, "ci", Role::Deployer, std::nullopt};
  auto id = audit_.record(*database_, admin, "create-token",
                          "token:" + std::to_string(created->token.id), {{"role", "deployer"}});
  ASSERT_TRUE(id.ok()) << id.error().message;
  ASSERT_TRUE(transaction->commit().ok());

  auto entries = list();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].id, *id);
  EXPECT_EQ(formatTimestamp(entries[0].at), "2026-05-01T09:00:00.000Z");
  EXPECT_EQ(entries[0].tokenId, created->token.id);
  EXPECT_EQ(entries[0].principalName, "ci");
  EXPECT_EQ(entries[0].principalRole, "deployer");
  EXPECT_EQ(entries[0].action, "create-token");
  EXPECT_EQ(entries[0].target, "token:1");
  EXPECT_EQ(entries[0].details, (nlohmann::json{{"role", "deployer"}}));
}

TEST_F(AuditLogTest, AnEntryIsRolledBackWithItsTransaction) {
  TokenStore tokens(*database_, clock_);
  {
    auto transaction = store::Transaction::begin(*database_);
    ASSERT_TRUE(transaction.ok());
    ASSERT_TRUE(tokens.create({"ci", Role::Deployer, std::nullopt, std::nullopt}).ok());
    ASSERT_TRUE(audit_.record(*database_, bob_, "create-token", "token:1").ok());
    EXPECT_EQ(queryOne<int>(*database_, "SELECT COUNT(*) FROM audit_log"), 1);
    ASSERT_TRUE(transaction->rollback().ok());
  }
  EXPECT_EQ(queryOne<int>(*database_, "SELECT COUNT(*) FROM audit_log"), 0);
  EXPECT_EQ(queryOne<int>(*database_, "SELECT COUNT(*) FROM api_tokens"), 0);
  {
    auto abandoned = store::Transaction::begin(*database_);  // dies uncommitted
    ASSERT_TRUE(abandoned.ok());
    ASSERT_TRUE(audit_.record(*database_, bob_, "deploy", "group:web").ok());
  }
  EXPECT_TRUE(list().empty());
}

TEST_F(AuditLogTest, RefusesAnEntryOutsideATransaction) {
  auto refused = audit_.record(*database_, bob_, "deploy", "group:web");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, store::kStoreMisuse);
  EXPECT_TRUE(contains(refused.error().message, "outside a transaction"));
  EXPECT_TRUE(list().empty());

  auto transaction = store::Transaction::begin(*database_);
  ASSERT_TRUE(transaction.ok());
  auto notObject = audit_.record(*database_, bob_, "deploy", "group:web", nlohmann::json(3));
  ASSERT_FALSE(notObject.ok());
  EXPECT_TRUE(contains(notObject.error().message, "JSON object"));
}

TEST_F(AuditLogTest, GreenlightsOwnActionsHaveNoToken) {
  recordCommitted(systemPrincipal(), "create-token", "token:1");
  auto entries = list();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].tokenId, std::nullopt);
  EXPECT_EQ(entries[0].principalName, "greenlight");
}

TEST_F(AuditLogTest, ListsNewestFirstWithFilters) {
  recordCommitted(alice_, "deploy", "group:web", {{"revision", "r1"}});  // 09:00
  clock_.advance(1min);
  recordCommitted(bob_, "create-application", "application:db");  // 09:01
  clock_.advance(1min);
  recordCommitted(alice_, "rollback", "group:web");  // 09:02
  clock_.advance(1min);
  recordCommitted(alice_, "deploy", "group:db");  // 09:03

  auto all = list();
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].action, "deploy");
  EXPECT_EQ(all[0].target, "group:db");
  EXPECT_EQ(all[3].details["revision"], "r1");
  EXPECT_GT(all[0].id, all[1].id);

  auto web = list({std::nullopt, "group:web", std::nullopt, 100});
  ASSERT_EQ(web.size(), 2u);
  EXPECT_EQ(web[0].action, "rollback");
  EXPECT_EQ(web[1].action, "deploy");

  auto byBob = list({std::nullopt, std::nullopt, "bob", 100});
  ASSERT_EQ(byBob.size(), 1u);
  EXPECT_EQ(byBob[0].target, "application:db");

  auto recent = list({parseTimestamp("2026-05-01T09:01:00.000Z"), std::nullopt, std::nullopt, 100});
  ASSERT_EQ(recent.size(), 3u);
  EXPECT_EQ(recent[2].action, "create-application");

  auto combined = list({parseTimestamp("2026-05-01T09:01:00.000Z"), "group:web", "alice", 100});
  ASSERT_EQ(combined.size(), 1u);
  EXPECT_EQ(combined[0].action, "rollback");

  auto limited = list({std::nullopt, std::nullopt, std::nullopt, 2});
  ASSERT_EQ(limited.size(), 2u);
  EXPECT_EQ(limited[1].action, "rollback");

  EXPECT_FALSE(audit_.list(*database_, {std::nullopt, std::nullopt, std::nullopt, 0}).ok());
  EXPECT_FALSE(audit_.list(*database_, {std::nullopt, std::nullopt, std::nullopt, 1001}).ok());
}

}  // namespace
}  // namespace greenlight::auth
