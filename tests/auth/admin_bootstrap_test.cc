// The first admin token: made once, written owner-only, never rewritten, never silently doubled.
#include "auth/admin_bootstrap.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "auth_test_helpers.h"

namespace greenlight::auth {
namespace {

using testing::TempDir;

class AdminBootstrapTest : public ::testing::Test {
 protected:
  void SetUp() override {
    database_ = openAuthStore(folder_.path(), clock_);
    ASSERT_NE(database_, nullptr);
    tokens_ = std::make_unique<TokenStore>(*database_, clock_);
  }
  AdminBootstrapOutcome ensure() {
    auto outcome = ensureAdminToken(folder_.path(), *tokens_, audit_);
    EXPECT_TRUE(outcome.ok()) << outcome.error().message;
    return outcome.ok() ? *outcome : AdminBootstrapOutcome{};
  }
  std::filesystem::path tokenFile() const { return folder_ / "admin.token"; }
  int adminCount() {
    return queryOne<int>(*database_, "SELECT COUNT(*) FROM api_tokens WHERE role = 'admin'");
  }

  TempDir folder_;
  ManualClock clock_{"2026-05-01T09:00:00.000Z"};
  std::unique_ptr<store::SqliteDatabase> database_;
  std::unique_ptr<TokenStore> tokens_;
  AuditLog audit_{clock_};
};

TEST_F(AdminBootstrapTest, FirstStartWritesAWorkingAdminTokenReadableByItsOwnerOnly) {
  ::mode_t previous = ::umask(0);  // the file's mode must not depend on the umask
  AdminBootstrapOutcome outcome = ensure();
  ::umask(previous);
  EXPECT_EQ(outcome.state, AdminTokenState::Created);
  EXPECT_EQ(outcome.file, tokenFile());
  EXPECT_TRUE(contains(outcome.notice, tokenFile().string()));

  struct stat status {};
  ASSERT_EQ(::lstat(tokenFile().c_str(), &status), 0);
  EXPECT_TRUE(S_ISREG(status.st_mode));
  EXPECT_EQ(status.st_mode & 07777, 0600u);

  std::string content = testing::readFile(tokenFile());
  ASSERT_FALSE(content.empty());
  EXPECT_EQ(content.back(), '\n');
  auto principal = tokens_->authenticate(content.substr(0, content.size() - 1));
  ASSERT_TRUE(principal.ok()) << principal.error().message;
  EXPECT_EQ(principal->role, Role::Admin);
  EXPECT_EQ(principal->tokenId, outcome.createdTokenId);

  auto entries = audit_.list(*database_);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].principalName, "greenlight");
  EXPECT_EQ((*entries)[0].action, "create-token");
  EXPECT_EQ((*entries)[0].details["role"], "admin");
}

TEST_F(AdminBootstrapTest, LaterStartsNeitherRewriteTheFileNorAddAnAdmin) {
  ASSERT_EQ(ensure().state, AdminTokenState::Created);
  std::string first = testing::readFile(tokenFile());
  struct stat before {};
  ASSERT_EQ(::lstat(tokenFile().c_str(), &before), 0);

  // A restart: a new connection and store objects over the same folder.
  tokens_.reset();
  database_ = openAuthStore(folder_.path(), clock_);
  ASSERT_NE(database_, nullptr);
  tokens_ = std::make_unique<TokenStore>(*database_, clock_);
  AdminBootstrapOutcome again = ensure();
  EXPECT_EQ(again.state, AdminTokenState::AlreadyPresent);
  EXPECT_EQ(again.createdTokenId, std::nullopt);
  EXPECT_TRUE(again.notice.empty()) << again.notice;

  struct stat after {};
  ASSERT_EQ(::lstat(tokenFile().c_str(), &after), 0);
  EXPECT_EQ(testing::readFile(tokenFile()), first);
  EXPECT_EQ(after.st_ino, before.st_ino);
  EXPECT_EQ(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
  EXPECT_EQ(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
  EXPECT_EQ(adminCount(), 1);
}

TEST_F(AdminBootstrapTest, AMissingFileIsReportedAndNoSecondAdminIsMade) {
  ASSERT_EQ(ensure().state, AdminTokenState::Created);
  std::filesystem::remove(tokenFile());
  AdminBootstrapOutcome outcome = ensure();
  EXPECT_EQ(outcome.state, AdminTokenState::FileMissing);
  EXPECT_TRUE(contains(outcome.notice, "is missing")) << outcome.notice;
  EXPECT_TRUE(contains(outcome.notice, "create a token with role admin")) << outcome.notice;
  EXPECT_FALSE(std::filesystem::exists(tokenFile()));
  EXPECT_EQ(adminCount(), 1);
}

TEST_F(AdminBootstrapTest, ARevokedFirstAdminIsNotReplacedBehindTheOperatorsBack) {
  AdminBootstrapOutcome first = ensure();
  ASSERT_TRUE(tokens_->revoke(*first.createdTokenId).ok());
  std::filesystem::remove(tokenFile());
  EXPECT_EQ(ensure().state, AdminTokenState::FileMissing);
  EXPECT_EQ(adminCount(), 1);
}

TEST_F(AdminBootstrapTest, RecoveryMintsAnotherAdminOnlyWhereTheFileIsMissing) {
  AdminBootstrapOutcome first = ensure();
  auto refused = mintAdminToken(folder_.path(), *tokens_, audit_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "AdminTokenFileExists");
  EXPECT_EQ(adminCount(), 1);  // the refused token was rolled back

  std::filesystem::remove(tokenFile());
  auto minted = mintAdminToken(folder_.path(), *tokens_, audit_);
  ASSERT_TRUE(minted.ok()) << minted.error().message;
  EXPECT_EQ(minted->state, AdminTokenState::Created);
  EXPECT_NE(minted->createdTokenId, first.createdTokenId);
  std::string content = testing::readFile(tokenFile());
  auto principal = tokens_->authenticate(content.substr(0, content.size() - 1));
  ASSERT_TRUE(principal.ok());
  EXPECT_EQ(principal->role, Role::Admin);
  EXPECT_EQ(adminCount(), 2);
}

TEST_F(AdminBootstrapTest, AStaleFileWithoutAnAdminInTheStoreIsNotOverwritten) {
  testing::writeFile(tokenFile(), "glt_left-over\n", 0600);
  auto refused = ensureAdminToken(folder_.path(), *tokens_, audit_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "AdminTokenFileStale");
  EXPECT_TRUE(contains(refused.error().message, "Move it away")) << refused.error().message;
  EXPECT_EQ(testing::readFile(tokenFile()), "glt_left-over\n");
  EXPECT_EQ(adminCount(), 0);
  EXPECT_EQ(queryOne<int>(*database_, "SELECT COUNT(*) FROM audit_log"), 0);
}

TEST_F(AdminBootstrapTest, AFileReadableByOthersIsPointedOut) {
  ASSERT_EQ(ensure().state, AdminTokenState::Created);
  ASSERT_EQ(::chmod(tokenFile().c_str(), 0644), 0);
  AdminBootstrapOutcome outcome = ensure();
  EXPECT_EQ(outcome.state, AdminTokenState::AlreadyPresent);
  EXPECT_TRUE(contains(outcome.notice, "chmod 600")) << outcome.notice;
}

TEST_F(AdminBootstrapTest, AFileThatCannotBeWrittenLeavesNoAdminBehind) {
  std::filesystem::path missingFolder = folder_ / "no-such-folder";
  auto refused = ensureAdminToken(missingFolder, *tokens_, audit_);
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(contains(refused.error().message, "cannot create the admin token file"))
      << refused.error().message;
  EXPECT_EQ(adminCount(), 0);
  EXPECT_EQ(queryOne<int>(*database_, "SELECT COUNT(*) FROM audit_log"), 0);
  EXPECT_FALSE(database_->inTransaction());
}

}  // namespace
}  // namespace greenlight::auth
