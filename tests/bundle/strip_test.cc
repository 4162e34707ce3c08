// CodeDeploy's rule: one top-level folder holding the AppSpec, and nothing else, is stripped.
#include <gtest/gtest.h>

#include "bundle/bundle.h"
#include "bundle_fixture.h"

namespace greenlight::bundle::testing {
namespace {

using greenlight::testing::writeFile;
using StripTest = BundleFixture;

TEST_F(StripTest, SingleFolderHoldingAppSpecIsStripped) {
  const auto bundle = makeArchive("b.tgz", R"(
t = T(True); d(t, 'myapp'); f(t, 'myapp/appspec.yml'); f(t, 'myapp/scripts/run.sh', b'x', 0o755)
sl(t, 'myapp/run', 'scripts/run.sh'); hl(t, 'myapp/run2.sh', 'myapp/scripts/run.sh'); t.close())");
  auto report = extract(bundle, BundleType::Tgz, target(), Limits{});
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->strippedPrefix, "myapp");
  EXPECT_TRUE(fs::exists(target() / "appspec.yml"));
  EXPECT_EQ(modeOf(target() / "scripts/run.sh"), 0755u);
  EXPECT_EQ(fs::read_symlink(target() / "run"), "scripts/run.sh");
  EXPECT_TRUE(fs::equivalent(target() / "run2.sh", target() / "scripts/run.sh"));
  EXPECT_FALSE(fs::exists(target() / "myapp"));
}

TEST_F(StripTest, ZipWithoutFolderEntryIsStripped) {
  const auto bundle = makeArchive("b.zip", R"(
z = Z(); zf(z, 'myapp/appspec.yaml'); zf(z, 'myapp/a.txt'); z.close())");
  auto report = extract(bundle, BundleType::Zip, target(), Limits{});
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->strippedPrefix, "myapp");
  EXPECT_TRUE(fs::exists(target() / "appspec.yaml"));
  EXPECT_TRUE(fs::exists(target() / "a.txt"));
}

TEST_F(StripTest, DirectoryBundleIsStrippedToo) {
  const auto source = work() / "src";
  writeFile(source / "release/appspec.yml", "version: 0.0\n");
  writeFile(source / "release/bin/app", "x", 0755);
  auto report = extract(source, BundleType::Directory, target(), Limits{});
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->strippedPrefix, "release");
  EXPECT_TRUE(fs::exists(target() / "appspec.yml"));
  EXPECT_EQ(modeOf(target() / "bin/app"), 0755u);
}

TEST_F(StripTest, AppSpecAtRootIsNotStripped) {
  const auto bundle = makeArchive("b.tar", R"(
t = T(); f(t, 'appspec.yml'); f(t, 'myapp/appspec.yml'); t.close())");
  auto report = extract(bundle, BundleType::Tar, target(), Limits{});
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->strippedPrefix, "");
  EXPECT_TRUE(fs::exists(target() / "myapp/appspec.yml"));
}

TEST_F(StripTest, TwoTopLevelFoldersAreNotStripped) {
  const auto bundle = makeArchive("b.tar", R"(
t = T(); f(t, 'one/appspec.yml'); f(t, 'two/file'); t.close())");
  auto report = extract(bundle, BundleType::Tar, target(), Limits{});
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->strippedPrefix, "");
  EXPECT_TRUE(fs::exists(target() / "one/appspec.yml"));
}

TEST_F(StripTest, FolderAndRootFileAreNotStripped) {
  const auto bundle = makeArchive("b.tar", R"(
t = T(); f(t, 'one/appspec.yml'); f(t, 'README'); t.close())");
  auto report = extract(bundle, BundleType::Tar, target(), Limits{});
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->strippedPrefix, "");
}

TEST_F(StripTest, FolderWithoutAppSpecIsNotStripped) {
  const auto bundle = makeArchive("b.tar", R"(
t = T(); f(t, 'myapp/readme.txt'); f(t, 'myapp/deeper/appspec.yml'); t.close())");
  auto report = extract(bundle, BundleType::Tar, target(), Limits{});
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->strippedPrefix, "");
  EXPECT_TRUE(fs::exists(target() / "myapp/readme.txt"));
}

TEST_F(StripTest, CustomAppSpecNameDecides) {
  const auto bundle = makeArchive("b.tar", R"(
t = T(); f(t, 'myapp/deploy/spec.yml'); f(t, 'myapp/appspec.yml'); t.close())");
  auto custom = extract(bundle, BundleType::Tar, target(), Limits{}, "deploy/spec.yml");
  ASSERT_TRUE(custom.ok()) << custom.error().message;
  EXPECT_EQ(custom->strippedPrefix, "myapp");
  EXPECT_TRUE(fs::exists(target() / "deploy/spec.yml"));

  const auto otherTarget = work() / "second";
  auto missing = extract(bundle, BundleType::Tar, otherTarget, Limits{}, "other.yml");
  ASSERT_TRUE(missing.ok()) << missing.error().message;
  EXPECT_EQ(missing->strippedPrefix, "");  // a custom name replaces the defaults
  EXPECT_TRUE(fs::exists(otherTarget / "myapp/appspec.yml"));
}

TEST_F(StripTest, LinksAreCheckedAfterStripping) {
  // Inside the archive "myapp/link -> ../myapp/x" stays inside; once "myapp/" is stripped it
  // would point at the target's sibling.
  const auto bundle = makeArchive("b.tar", R"(
t = T(); f(t, 'myapp/appspec.yml'); f(t, 'myapp/x'); sl(t, 'myapp/link', '../myapp/x'); t.close())");
  expectRefused(bundle, BundleType::Tar, "BundleUnsafe");
}

}  // namespace
}  // namespace greenlight::bundle::testing
