// Agent enrolment: an enrolment token buys a host its own credential for the same group.
#include "auth/enrolment.h"

#include <gtest/gtest.h>

#include "auth/authorisation.h"
#include "auth_test_helpers.h"

namespace greenlight::auth {
namespace {

using testing::TempDir;

class EnrolmentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    database_ = openAuthStore(folder_.path(), clock_);
    ASSERT_NE(database_, nullptr);
    tokens_ = std::make_unique<TokenStore>(*database_, clock_);
    auto created = tokens_->create({"web enrolment", Role::Enrolment, "web", std::nullopt});
    ASSERT_TRUE(created.ok());
    auto principal = tokens_->authenticate(created->secret);
    ASSERT_TRUE(principal.ok());
    enrolment_ = *principal;
  }

  TempDir folder_;
  ManualClock clock_{"2026-05-01T09:00:00.000Z"};
  std::unique_ptr<store::SqliteDatabase> database_;
  std::unique_ptr<TokenStore> tokens_;
  AuditLog audit_{clock_};
  Principal enrolment_;
};

TEST_F(EnrolmentTest, AHostGetsItsOwnCredentialForTheGroup) {
  auto enrolled = enrolAgent(*tokens_, audit_, enrolment_, "host-1");
  ASSERT_TRUE(enrolled.ok()) << enrolled.error().message;
  auto agent = tokens_->authenticate(enrolled->secret);
  ASSERT_TRUE(agent.ok());
  EXPECT_EQ(agent->role, Role::Agent);
  EXPECT_EQ(agent->name, "host-1");
  EXPECT_EQ(agent->scope, "web");
  EXPECT_TRUE(authorise(*agent, Action::AgentPoll, "web").ok());
  EXPECT_FALSE(authorise(*agent, Action::Enrol, "web").ok());

  auto entries = audit_.list(*database_);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].action, "enrol-agent");
  EXPECT_EQ((*entries)[0].principalName, "web enrolment");
  EXPECT_EQ((*entries)[0].details["host"], "host-1");
}

TEST_F(EnrolmentTest, EnrollingAgainReplacesTheHostsEarlierCredential) {
  auto first = enrolAgent(*tokens_, audit_, enrolment_, "host-1");
  auto other = enrolAgent(*tokens_, audit_, enrolment_, "host-2");
  auto second = enrolAgent(*tokens_, audit_, enrolment_, "host-1");
  ASSERT_TRUE(first.ok() && other.ok() && second.ok());
  auto old = tokens_->authenticate(first->secret);
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.error().code, kTokenRevoked);
  EXPECT_TRUE(tokens_->authenticate(second->secret).ok());
  EXPECT_TRUE(tokens_->authenticate(other->secret).ok());
  auto entries = audit_.list(*database_);
  ASSERT_TRUE(entries.ok());
  EXPECT_EQ((*entries)[0].details["replaced"], nlohmann::json::array({first->token.id}));
}

TEST_F(EnrolmentTest, OnlyAnEnrolmentTokenMayEnrol) {
  auto viewer = tokens_->create({"looker", Role::Viewer, std::nullopt, std::nullopt});
  ASSERT_TRUE(viewer.ok());
  Principal person{viewer->token.id, "looker", Role::Viewer, std::nullopt};
  auto refused = enrolAgent(*tokens_, audit_, person, "host-1");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "Forbidden");
  EXPECT_EQ(queryOne<int>(*database_, "SELECT COUNT(*) FROM api_tokens WHERE role = 'agent'"),
            0);
}

TEST_F(EnrolmentTest, AFailedEnrolmentLeavesNothingBehind) {
  auto refused = enrolAgent(*tokens_, audit_, enrolment_, "");  // an invalid host name
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(queryOne<int>(*database_, "SELECT COUNT(*) FROM api_tokens WHERE role = 'agent'"),
            0);
  EXPECT_EQ(queryOne<int>(*database_, "SELECT COUNT(*) FROM audit_log"), 0);
  EXPECT_FALSE(database_->inTransaction());
}

}  // namespace
}  // namespace greenlight::auth
