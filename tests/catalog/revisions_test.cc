// Catalog: revisions are idempotent by sha256 and found by full sha, unique prefix or "latest".
#include "catalog_test_helpers.h"
#include "common/error_codes.h"

namespace greenlight::catalog {
namespace {

class RevisionsTest : public CatalogTest {
 protected:
  RevisionsTest() {
    EXPECT_TRUE(catalog().createApplication("shop", domain::ComputePlatform::Server).ok());
  }

  static Revision revision(const std::string& sha256, const std::string& description = "") {
    return Revision{"shop", sha256, "tgz", 1234, description, "appspec.yml", {}};
  }
};

const std::string kShaA = "aaaaaaa1" + std::string(56, '0');
const std::string kShaB = "aaaaaaa2" + std::string(56, '0');
const std::string kShaC = "c0ffee00" + std::string(56, '1');

TEST_F(RevisionsTest, AddingTheSameBytesAgainReturnsTheFirstUnchanged) {
  auto first = catalog().addRevision(revision(kShaA, "first push"));
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->createdAt, clock_.now());
  clock_.advance(std::chrono::minutes(1));
  auto again = catalog().addRevision(revision(kShaA, "second push"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->description, "first push");
  EXPECT_EQ(again->createdAt, first->createdAt);
  EXPECT_EQ(catalog().listRevisions("shop")->size(), 1u);
}

TEST_F(RevisionsTest, ListIsNewestFirstAndLatestIsTheNewest) {
  ASSERT_TRUE(catalog().addRevision(revision(kShaA)).ok());
  ASSERT_TRUE(catalog().addRevision(revision(kShaC)).ok());  // same millisecond: order by arrival
  ASSERT_TRUE(catalog().addRevision(revision(kShaB)).ok());
  auto all = catalog().listRevisions("shop");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].sha256, kShaB);
  EXPECT_EQ((*all)[2].sha256, kShaA);
  auto latest = catalog().getRevision("shop", "latest");
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->sha256, kShaB);
}

TEST_F(RevisionsTest, FoundByFullShaAndUniquePrefix) {
  ASSERT_TRUE(catalog().addRevision(revision(kShaA)).ok());
  ASSERT_TRUE(catalog().addRevision(revision(kShaC)).ok());
  EXPECT_EQ(catalog().getRevision("shop", kShaA)->sha256, kShaA);
  EXPECT_EQ(catalog().getRevision("shop", "c0ffee0")->sha256, kShaC);
  EXPECT_EQ(catalog().getRevision("shop", "C0FFEE00")->sha256, kShaC);
  EXPECT_EQ(catalog().getRevision("shop", "aaaaaaa1")->sha256, kShaA);
}

TEST_F(RevisionsTest, AmbiguousPrefixIsInvalidArgumentNamingTheCandidates) {
  ASSERT_TRUE(catalog().addRevision(revision(kShaA)).ok());
  ASSERT_TRUE(catalog().addRevision(revision(kShaB)).ok());
  auto found = catalog().getRevision("shop", "aaaaaaa");
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.error().code, codes::kInvalidArgument);
  EXPECT_TRUE(contains(found.error().message, "matches several revisions")) << found.error().message;
  EXPECT_TRUE(contains(found.error().message, kShaA.substr(0, 16)));
  EXPECT_TRUE(contains(found.error().message, kShaB.substr(0, 16)));
}

TEST_F(RevisionsTest, BadReferencesAndMissingRevisions) {
  ASSERT_TRUE(catalog().addRevision(revision(kShaA)).ok());
  for (std::string bad : {"aaaaaa", "zzzzzzzz", "", "aaaaaaa%"}) {
    auto found = catalog().getRevision("shop", bad);
    ASSERT_FALSE(found.ok()) << bad;
    EXPECT_EQ(found.error().code, codes::kInvalidArgument) << bad;
    EXPECT_TRUE(contains(found.error().message, "at least 7 hex characters, or 'latest'"));
  }
  auto missing = catalog().getRevision("shop", "bbbbbbbb");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, codes::kNotFound);
  EXPECT_EQ(catalog().getRevision("ghost", "latest").error().code, codes::kNotFound);
}

TEST_F(RevisionsTest, LatestOfAnApplicationWithoutRevisionsIsNotFound) {
  auto latest = catalog().getRevision("shop", "latest");
  ASSERT_FALSE(latest.ok());
  EXPECT_EQ(latest.error().code, codes::kNotFound);
  EXPECT_TRUE(contains(latest.error().message, "no revisions yet"));
}

TEST_F(RevisionsTest, RevisionsAreKeptPerApplication) {
  ASSERT_TRUE(catalog().createApplication("blog", domain::ComputePlatform::Server).ok());
  ASSERT_TRUE(catalog().addRevision(revision(kShaA)).ok());
  Revision other = revision(kShaA);
  other.application = "blog";
  ASSERT_TRUE(catalog().addRevision(other).ok());
  EXPECT_EQ(catalog().listRevisions("blog")->size(), 1u);
  EXPECT_EQ(catalog().getRevision("blog", "latest")->application, "blog");
}

TEST_F(RevisionsTest, InvalidRevisionsAreRefused) {
  Revision upper = revision(std::string(64, 'A'));
  EXPECT_EQ(catalog().addRevision(upper).error().code, codes::kInvalidArgument);
  Revision shortSha = revision("abc");
  EXPECT_EQ(catalog().addRevision(shortSha).error().code, codes::kInvalidArgument);
  Revision folder = revision(kShaA);
  folder.bundleType = "directory";
  EXPECT_EQ(catalog().addRevision(folder).error().code, codes::kInvalidArgument);
  Revision orphan = revision(kShaA);
  orphan.application = "ghost";
  EXPECT_EQ(catalog().addRevision(orphan).error().code, codes::kNotFound);
}

TEST_F(RevisionsTest, JsonShowsEveryField) {
  auto added = catalog().addRevision(revision(kShaA, "v1"));
  ASSERT_TRUE(added.ok());
  nlohmann::json json = toJson(*added);
  EXPECT_EQ(json["sha256"], kShaA);
  EXPECT_EQ(json["bundleType"], "tgz");
  EXPECT_EQ(json["sizeBytes"], 1234);
  EXPECT_EQ(json["description"], "v1");
  EXPECT_EQ(json["appspecFilename"], "appspec.yml");
  EXPECT_EQ(json["createdAt"], "2026-03-01T10:00:00.000Z");
}

TEST_F(RevisionsTest, DeletingTheApplicationRemovesItsRevisions) {
  ASSERT_TRUE(catalog().addRevision(revision(kShaA)).ok());
  ASSERT_TRUE(catalog().deleteApplication("shop").ok());
  ASSERT_TRUE(catalog().createApplication("shop", domain::ComputePlatform::Server).ok());
  EXPECT_TRUE(catalog().listRevisions("shop")->empty());
}

}  // namespace
}  // namespace greenlight::catalog
