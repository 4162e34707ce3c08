// Tokens: created once with their secret, stored only as a hash, authenticated back to their
// principal, refused when unknown, revoked or expired, listed without secrets.
#include "auth/token_store.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "auth/token_secret.h"
#include "auth_test_helpers.h"
#include "store/sqlite_error.h"

namespace greenlight::auth {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;

class TokenStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    database_ = openAuthStore(folder_.path(), clock_);
    ASSERT_NE(database_, nullptr);
    tokens_ = std::make_unique<TokenStore>(*database_, clock_);
  }
  CreatedToken create(NewToken request) {
    auto created = tokens_->create(request);
    EXPECT_TRUE(created.ok()) << created.error().message;
    return created.ok() ? *created : CreatedToken{};
  }

  TempDir folder_;
  ManualClock clock_{"2026-05-01T09:00:00.000Z"};
  std::unique_ptr<store::SqliteDatabase> database_;
  std::unique_ptr<TokenStore> tokens_;
};

TEST_F(TokenStoreTest, ASecretAuthenticatesAsItsToken) {
  CreatedToken created = create({"ci pipeline", Role::Deployer, std::nullopt, std::nullopt});
  EXPECT_EQ(created.token.name, "ci pipeline");
  EXPECT_EQ(created.token.role, Role::Deployer);
  EXPECT_EQ(formatTimestamp(created.token.createdAt), "2026-05-01T09:00:00.000Z");
  EXPECT_TRUE(looksLikeTokenSecret(created.secret));

  auto principal = tokens_->authenticate(created.secret);
  ASSERT_TRUE(principal.ok()) << principal.error().message;
  EXPECT_EQ(principal->tokenId, created.token.id);
  EXPECT_EQ(principal->name, "ci pipeline");
  EXPECT_EQ(principal->role, Role::Deployer);
  EXPECT_EQ(principal->scope, std::nullopt);
}

TEST_F(TokenStoreTest, HostTokensCarryTheirGroup) {
  CreatedToken agent = create({"host-1", Role::Agent, "web-production", std::nullopt});
  auto principal = tokens_->authenticate(agent.secret);
  ASSERT_TRUE(principal.ok());
  EXPECT_EQ(principal->role, Role::Agent);
  EXPECT_EQ(principal->scope, "web-production");
}

TEST_F(TokenStoreTest, SecretsAreNeverStoredOnlyTheirHashes) {
  std::vector<std::string> secrets;
  for (int i = 0; i < 5; ++i) {
    secrets.push_back(create({"t" + std::to_string(i), Role::Viewer, std::nullopt,
                              std::nullopt}).secret);
  }
  auto scan = [&](const char* when) {
    int filesScanned = 0;
    for (const auto& entry : std::filesystem::directory_iterator(folder_.path())) {
      std::string bytes = testing::readFile(entry.path());
      ++filesScanned;
      for (const std::string& secret : secrets) {
        EXPECT_FALSE(contains(bytes, secret)) << entry.path() << " " << when;
        EXPECT_FALSE(contains(bytes, secret.substr(4))) << entry.path() << " " << when;
      }
    }
    EXPECT_GE(filesScanned, 1);
  };
  scan("while open");  // the WAL holds the recent writes
  EXPECT_EQ(queryOne<std::string>(*database_, "SELECT secret_sha256 FROM api_tokens WHERE id = 1"),
            tokenSecretHash(secrets[0]));
  database_.reset();
  scan("after closing");
}

TEST_F(TokenStoreTest, AnUnknownOrMalformedSecretIsRefused) {
  create({"real", Role::Admin, std::nullopt, std::nullopt});
  auto other = generateTokenSecret();
  ASSERT_TRUE(other.ok());
  auto unknown = tokens_->authenticate(*other);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, kTokenUnknown);
  EXPECT_FALSE(contains(unknown.error().message, *other));  // never echo a secret

  for (const char* bad : {"", "Bearer x", "glt_short", "' OR 1=1 --"}) {
    auto malformed = tokens_->authenticate(bad);
    ASSERT_FALSE(malformed.ok()) << bad;
    EXPECT_EQ(malformed.error().code, kTokenMalformed) << bad;
  }
}

TEST_F(TokenStoreTest, ARevokedTokenIsRefusedAndSaysWhen) {
  CreatedToken created = create({"old laptop", Role::Admin, std::nullopt, std::nullopt});
  clock_.advance(1h);
  ASSERT_TRUE(tokens_->revoke(created.token.id).ok());
  auto refused = tokens_->authenticate(created.secret);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, kTokenRevoked);
  EXPECT_TRUE(contains(refused.error().message, "'old laptop'")) << refused.error().message;
  EXPECT_TRUE(contains(refused.error().message, "revoked at 2026-05-01T10:00:00.000Z"));

  clock_.advance(1h);  // revoking again keeps the first time
  ASSERT_TRUE(tokens_->revoke(created.token.id).ok());
  auto info = tokens_->find(created.token.id);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(formatTimestamp(*info->revokedAt), "2026-05-01T10:00:00.000Z");

  Status missing = tokens_->revoke(999);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, kTokenNotFound);
}

TEST_F(TokenStoreTest, ATokenIsRefusedFromItsExpiryOn) {
  CreatedToken created =
      create({"temp", Role::Viewer, std::nullopt, clock_.now() + std::chrono::hours(2)});
  clock_.advance(2h - 1ms);
  EXPECT_TRUE(tokens_->authenticate(created.secret).ok());
  clock_.advance(1ms);
  auto refused = tokens_->authenticate(created.secret);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, kTokenExpired);
  EXPECT_TRUE(contains(refused.error().message, "expired at 2026-05-01T11:00:00.000Z"));
}

TEST_F(TokenStoreTest, RecordsLastUseToTheMinute) {
  CreatedToken created = create({"agent", Role::Agent, "g", std::nullopt});
  EXPECT_EQ(tokens_->find(created.token.id)->lastUsedAt, std::nullopt);
  ASSERT_TRUE(tokens_->authenticate(created.secret).ok());
  EXPECT_EQ(formatTimestamp(*tokens_->find(created.token.id)->lastUsedAt),
            "2026-05-01T09:00:00.000Z");
  clock_.advance(30s);
  ASSERT_TRUE(tokens_->authenticate(created.secret).ok());
  EXPECT_EQ(formatTimestamp(*tokens_->find(created.token.id)->lastUsedAt),
            "2026-05-01T09:00:00.000Z");
  clock_.advance(31s);
  ASSERT_TRUE(tokens_->authenticate(created.secret).ok());
  EXPECT_EQ(formatTimestamp(*tokens_->find(created.token.id)->lastUsedAt),
            "2026-05-01T09:01:01.000Z");
}

TEST_F(TokenStoreTest, ListsEveryTokenWithoutSecrets) {
  CreatedToken admin = create({"admin", Role::Admin, std::nullopt, std::nullopt});
  CreatedToken enrol = create({"web enrolment", Role::Enrolment, "web", std::nullopt});
  ASSERT_TRUE(tokens_->revoke(admin.token.id).ok());
  auto listed = tokens_->list();
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].name, "admin");
  EXPECT_TRUE((*listed)[0].revokedAt.has_value());
  EXPECT_EQ((*listed)[1].role, Role::Enrolment);
  EXPECT_EQ((*listed)[1].scope, "web");
  EXPECT_FALSE((*listed)[1].revokedAt.has_value());
}

TEST_F(TokenStoreTest, RefusesInvalidRequests) {
  struct Case {
    NewToken request;
    const char* expected;
  };
  std::vector<Case> cases = {
      {{"", Role::Viewer, std::nullopt, std::nullopt}, "name must be 1 to 200"},
      {{"a\nb", Role::Viewer, std::nullopt, std::nullopt}, "name must be 1 to 200"},
      {{"host", Role::Agent, std::nullopt, std::nullopt}, "must name the deployment group"},
      {{"join", Role::Enrolment, std::nullopt, std::nullopt}, "must name the deployment group"},
      {{"ops", Role::Admin, "web", std::nullopt}, "cannot have a scope"},
      {{"host", Role::Agent, "", std::nullopt}, "scope must be 1 to 200"},
      {{"late", Role::Viewer, std::nullopt, clock_.now()}, "not in the future"},
  };
  for (const Case& testCase : cases) {
    auto refused = tokens_->create(testCase.request);
    ASSERT_FALSE(refused.ok()) << testCase.expected;
    EXPECT_EQ(refused.error().code, kTokenInvalid);
    EXPECT_TRUE(contains(refused.error().message, testCase.expected)) << refused.error().message;
  }
  EXPECT_EQ(tokens_->list()->size(), 0u);
}

TEST_F(TokenStoreTest, KnowsWhetherARoleWasEverGiven) {
  EXPECT_FALSE(*tokens_->anyWithRole(Role::Admin));
  CreatedToken admin = create({"admin", Role::Admin, std::nullopt, std::nullopt});
  ASSERT_TRUE(tokens_->revoke(admin.token.id).ok());
  EXPECT_TRUE(*tokens_->anyWithRole(Role::Admin));
  EXPECT_FALSE(*tokens_->anyWithRole(Role::Deployer));
}

}  // namespace
}  // namespace greenlight::auth
