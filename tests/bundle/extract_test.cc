// Well-formed bundles of every type extract completely: contents, modes, links, counts.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "bundle/bundle.h"
#include "bundle_fixture.h"

namespace greenlight::bundle::testing {
namespace {

using greenlight::testing::readFile;
using greenlight::testing::writeFile;
using ExtractTest = BundleFixture;

constexpr const char* kTarBody = R"(
t = T(GZ)
d(t, './')
f(t, './appspec.yml', b'version: 0.0\n')
f(t, 'scripts/start.sh', b'#!/bin/sh\necho start\n', 0o755)
f(t, 'web/index.html', b'<h1>hi</h1>\n')
d(t, 'private', 0o750)
f(t, 'private/key', b'secret', 0o600)
sl(t, 'current', 'web/index.html')
sl(t, 'web/up', '..')
hl(t, 'copy.html', 'web/index.html')
t.close())";

void expectCommonTree(const fs::path& root) {
  EXPECT_EQ(readFile(root / "appspec.yml"), "version: 0.0\n");
  EXPECT_EQ(readFile(root / "scripts/start.sh"), "#!/bin/sh\necho start\n");
  EXPECT_EQ(modeOf(root / "scripts/start.sh"), 0755u);
  EXPECT_EQ(modeOf(root / "web/index.html"), 0644u);
  EXPECT_EQ(modeOf(root / "private/key"), 0600u);
  EXPECT_EQ(modeOf(root / "private"), 0750u);
  EXPECT_EQ(fs::read_symlink(root / "current"), "web/index.html");
  EXPECT_EQ(readFile(root / "current"), "<h1>hi</h1>\n");
  EXPECT_EQ(fs::read_symlink(root / "web/up"), "..");
}

std::string withGzip(const char* body, bool gzip) {
  std::string text = body;
  text.replace(text.find("GZ"), 2, gzip ? "True" : "False");
  return text;
}

TEST_F(ExtractTest, TarExtractsFilesModesAndLinks) {
  const auto bundle = makeArchive("b.tar", withGzip(kTarBody, false));
  auto report = extract(bundle, BundleType::Tar, target(), Limits{});
  ASSERT_TRUE(report.ok()) << report.error().message;
  expectCommonTree(target());
  EXPECT_TRUE(fs::equivalent(target() / "copy.html", target() / "web/index.html"));
  EXPECT_EQ(report->files, 4u);
  EXPECT_EQ(report->symlinks, 2u);
  EXPECT_EQ(report->hardlinks, 1u);
  EXPECT_EQ(report->bytes, 13u + 21u + 12u + 6u);
  EXPECT_EQ(report->strippedPrefix, "");
}

TEST_F(ExtractTest, TgzExtractsFilesModesAndLinks) {
  const auto bundle = makeArchive("b.tgz", withGzip(kTarBody, true));
  auto report = extract(bundle, BundleType::Tgz, target(), Limits{});
  ASSERT_TRUE(report.ok()) << report.error().message;
  expectCommonTree(target());
  EXPECT_TRUE(fs::equivalent(target() / "copy.html", target() / "web/index.html"));
  EXPECT_EQ(report->hardlinks, 1u);
}

TEST_F(ExtractTest, ZipExtractsFilesModesAndLinks) {
  // No folder entries for "scripts" or "web": parents must be created anyway.
  const auto bundle = makeArchive("b.zip", R"(
z = Z()
zf(z, 'appspec.yml', b'version: 0.0\n')
zf(z, 'scripts/start.sh', b'#!/bin/sh\necho start\n', 0o755)
zf(z, 'web/index.html', b'<h1>hi</h1>\n')
zd(z, 'private', 0o750)
zf(z, 'private/key', b'secret', 0o600)
zl(z, 'current', 'web/index.html')
zl(z, 'web/up', '..')
z.close())");
  auto report = extract(bundle, BundleType::Zip, target(), Limits{});
  ASSERT_TRUE(report.ok()) << report.error().message;
  expectCommonTree(target());
  EXPECT_EQ(report->files, 4u);
  EXPECT_EQ(report->symlinks, 2u);
}

TEST_F(ExtractTest, EmptyZipExtractsToEmptyFolder) {
  const auto bundle = makeArchive("b.zip", "z = Z(); z.close()");
  auto report = extract(bundle, BundleType::Zip, target(), Limits{});
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_TRUE(fs::is_directory(target()));
  EXPECT_TRUE(fs::is_empty(target()));
}

TEST_F(ExtractTest, DirectoryBundleIsCopiedWithModesAndLinks) {
  const auto source = work() / "src";
  writeFile(source / "appspec.yml", "version: 0.0\n");
  writeFile(source / "scripts/start.sh", "#!/bin/sh\necho start\n", 0755);
  writeFile(source / "web/index.html", "<h1>hi</h1>\n");
  writeFile(source / "private/key", "secret", 0600);
  fs::permissions(source / "private", static_cast<fs::perms>(0750));
  fs::create_symlink("web/index.html", source / "current");
  fs::create_symlink("..", source / "web/up");
  auto report = extract(source, BundleType::Directory, target(), Limits{});
  ASSERT_TRUE(report.ok()) << report.error().message;
  expectCommonTree(target());
  EXPECT_EQ(report->files, 4u);
  EXPECT_EQ(report->symlinks, 2u);
  EXPECT_EQ(report->directories, 3u);
  EXPECT_EQ(readFile(source / "appspec.yml"), "version: 0.0\n");  // the source is left as it was
}

TEST_F(ExtractTest, ExistingEmptyTargetIsFilled) {
  fs::create_directories(target());
  const auto bundle = makeArchive("b.tar", "t = T(); f(t, 'appspec.yml'); t.close()");
  auto report = extract(bundle, BundleType::Tar, target().string() + "/", Limits{});
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_TRUE(fs::exists(target() / "appspec.yml"));
}

TEST_F(ExtractTest, SetuidBitsAreDropped) {
  const auto bundle = makeArchive("b.tar", R"(
t = T(); f(t, 'appspec.yml'); f(t, 'tool', b'x', 0o4755); t.close())");
  auto report = extract(bundle, BundleType::Tar, target(), Limits{});
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(modeOf(target() / "tool"), 0755u);
}

TEST_F(ExtractTest, ExactlyAtTheLimitsIsAccepted) {
  const auto bundle = makeArchive("b.tar", R"(
t = T(); f(t, 'a', b'x' * 1000); f(t, 'b', b'y' * 1000); t.close())");
  Limits limits;
  limits.maxFileBytes = 1000;
  limits.maxTotalBytes = 2000;
  limits.maxEntries = 2;
  auto report = extract(bundle, BundleType::Tar, target(), limits);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->bytes, 2000u);
}

TEST_F(ExtractTest, SymlinkThroughBundleLinkStayingInsideIsAccepted) {
  const auto bundle = makeArchive("b.tar", R"(
t = T(); f(t, 'appspec.yml'); d(t, 'a/b'); sl(t, 'deep', 'a/b'); sl(t, 'ok', 'deep/../..'); t.close())");
  auto report = extract(bundle, BundleType::Tar, target(), Limits{});
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(fs::canonical(target() / "ok"), fs::canonical(target()));
}

TEST_F(ExtractTest, TwoThousandFilesAreAllExtracted) {
  const auto bundle = makeArchive("b.tgz", R"(
t = T(True)
f(t, 'appspec.yml', b'version: 0.0\n')
for i in range(2000): f(t, 'folder%02d/file%04d.txt' % (i % 20, i), b'%d\n' % i)
t.close())");
  auto report = extract(bundle, BundleType::Tgz, target(), Limits{});
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->files, 2001u);
  EXPECT_EQ(report->directories, 20u);
  std::size_t onDisk = 0;
  for (const auto& entry : fs::recursive_directory_iterator(target())) {
    if (entry.is_regular_file()) ++onDisk;
  }
  EXPECT_EQ(onDisk, 2001u);
  EXPECT_EQ(readFile(target() / "folder07/file1507.txt"), "1507\n");
}

}  // namespace
}  // namespace greenlight::bundle::testing
