// Bundle type names and detection from a file's first bytes; digests of archives and folders.
#include <gtest/gtest.h>

#include "bundle/bundle.h"
#include "bundle_fixture.h"
#include "common/sha256.h"

namespace greenlight::bundle::testing {
namespace {

using greenlight::testing::writeFile;
using BundleTypeTest = BundleFixture;

TEST(BundleTypeNames, ParseAndPrint) {
  EXPECT_EQ(parseBundleType("tar"), BundleType::Tar);
  EXPECT_EQ(parseBundleType("tgz"), BundleType::Tgz);
  EXPECT_EQ(parseBundleType("tar.gz"), BundleType::Tgz);
  EXPECT_EQ(parseBundleType("zip"), BundleType::Zip);
  EXPECT_EQ(parseBundleType("directory"), BundleType::Directory);
  EXPECT_EQ(parseBundleType("dir"), BundleType::Directory);
  EXPECT_EQ(parseBundleType("rar"), std::nullopt);
  EXPECT_EQ(parseBundleType(""), std::nullopt);
  for (auto type : {BundleType::Tar, BundleType::Tgz, BundleType::Zip, BundleType::Directory}) {
    EXPECT_EQ(parseBundleType(toString(type)), type);
  }
}

TEST_F(BundleTypeTest, DetectsEachType) {
  const auto tar = makeArchive("b.bin1", "t = T(); f(t, 'appspec.yml'); t.close()");
  const auto tgz = makeArchive("b.bin2", "t = T(True); f(t, 'appspec.yml'); t.close()");
  const auto zip = makeArchive("b.bin3", "z = Z(); zf(z, 'appspec.yml'); z.close()");
  const auto emptyZip = makeArchive("b.bin4", "z = Z(); z.close()");
  EXPECT_EQ(detectBundleType(tar).value(), BundleType::Tar);
  EXPECT_EQ(detectBundleType(tgz).value(), BundleType::Tgz);
  EXPECT_EQ(detectBundleType(zip).value(), BundleType::Zip);
  EXPECT_EQ(detectBundleType(emptyZip).value(), BundleType::Zip);
  EXPECT_EQ(detectBundleType(outside()).value(), BundleType::Directory);
}

TEST_F(BundleTypeTest, UnknownAndMissingAreErrors) {
  writeFile(work() / "notes.txt", "just text, long enough to not be anything else\n");
  auto unknown = detectBundleType(work() / "notes.txt");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, "BundleCorrupt");
  EXPECT_NE(unknown.error().message.find("notes.txt"), std::string::npos);

  auto missing = detectBundleType(work() / "absent.tgz");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "IoError");
}

TEST_F(BundleTypeTest, ArchiveDigestIsTheFilesSha256) {
  const auto tgz = makeArchive("b.tgz", "t = T(True); f(t, 'appspec.yml'); t.close()");
  auto bundleDigest = digest(tgz, BundleType::Tgz);
  ASSERT_TRUE(bundleDigest.ok());
  EXPECT_EQ(*bundleDigest, sha256File(tgz).value());
  EXPECT_EQ(bundleDigest->size(), 64u);
}

TEST_F(BundleTypeTest, DirectoryDigestIsStableAndSeesEveryChange) {
  const auto makeTree = [](const fs::path& root) {
    writeFile(root / "appspec.yml", "version: 0.0\n");
    writeFile(root / "scripts/run.sh", "#!/bin/sh\n", 0755);
    fs::create_symlink("scripts/run.sh", root / "run");
  };
  const auto first = work() / "first";
  const auto second = work() / "second";
  makeTree(first);
  makeTree(second);
  const std::string original = digest(first, BundleType::Directory).value();
  EXPECT_EQ(digest(first, BundleType::Directory).value(), original);
  EXPECT_EQ(digest(second, BundleType::Directory).value(), original) << "depends on location";

  writeFile(second / "appspec.yml", "version: 0.1\n");
  const std::string changedContent = digest(second, BundleType::Directory).value();
  EXPECT_NE(changedContent, original);

  writeFile(second / "appspec.yml", "version: 0.0\n");
  EXPECT_EQ(digest(second, BundleType::Directory).value(), original);
  fs::permissions(second / "scripts/run.sh", static_cast<fs::perms>(0644));
  EXPECT_NE(digest(second, BundleType::Directory).value(), original) << "mode change unseen";

  fs::permissions(second / "scripts/run.sh", static_cast<fs::perms>(0755));
  fs::remove(second / "run");
  fs::create_symlink("appspec.yml", second / "run");
  EXPECT_NE(digest(second, BundleType::Directory).value(), original) << "link change unseen";

  fs::remove(second / "run");
  fs::create_symlink("scripts/run.sh", second / "run");
  fs::rename(second / "scripts/run.sh", second / "scripts/start.sh");
  EXPECT_NE(digest(second, BundleType::Directory).value(), original) << "rename unseen";
}

}  // namespace
}  // namespace greenlight::bundle::testing
