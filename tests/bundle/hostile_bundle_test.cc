// Hostile bundles: every one must be refused with the right code before a single byte is written.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "bundle/bundle.h"
#include "bundle_fixture.h"

namespace greenlight::bundle::testing {
namespace {

using HostileBundleTest = BundleFixture;

// Both headers of "bomb" claim 10 bytes; the deflated data holds 2,000,000, more than libarchive
// decompresses in one block, so greenlight's own count of written bytes must stop it.
constexpr const char* kLyingZip = R"(
import struct
z = Z(); zf(z, 'appspec.yml'); zf(z, 'bomb', b'z' * 2000000); z.close()
data = bytearray(open(out, 'rb').read())
for signature, offset in ((b'PK\x03\x04', 22), (b'PK\x01\x02', 24)):
    start = 0
    while True:
        at = data.find(signature, start)
        if at < 0: break
        if struct.unpack_from('<I', data, at + offset)[0] == 2000000:
            struct.pack_into('<I', data, at + offset, 10)
        start = at + 4
open(out, 'wb').write(data))";

TEST_F(HostileBundleTest, DotDotEntryIsRefused) {
  const auto bundle = makeArchive("b.tar", R"(
t = T(); f(t, 'appspec.yml'); f(t, '../../evil', b'x'); t.close())");
  const auto error = expectRefused(bundle, BundleType::Tar, "BundleUnsafe");
  EXPECT_NE(error.message.find("\"../../evil\""), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("\"..\""), std::string::npos) << error.message;
}

TEST_F(HostileBundleTest, DotDotInTheMiddleIsRefused) {
  const auto bundle = makeArchive("b.tgz", R"(
t = T(True); f(t, 'appspec.yml'); f(t, 'a/../../../evil', b'x'); t.close())");
  expectRefused(bundle, BundleType::Tgz, "BundleUnsafe");
}

TEST_F(HostileBundleTest, AbsolutePathIsRefused) {
  const auto bundle = makeArchive("b.tar", R"(
t = T(); f(t, 'appspec.yml'); f(t, outside + '/absolute-evil', b'x'); t.close())");
  const auto error = expectRefused(bundle, BundleType::Tar, "BundleUnsafe");
  EXPECT_NE(error.message.find("absolute"), std::string::npos) << error.message;
}

TEST_F(HostileBundleTest, SymlinkToAbsoluteFolderIsRefused) {
  const auto bundle = makeArchive("b.tar", R"(
t = T(); f(t, 'appspec.yml'); sl(t, 'link', '/etc'); t.close())");
  const auto error = expectRefused(bundle, BundleType::Tar, "BundleUnsafe");
  EXPECT_NE(error.message.find("\"link\""), std::string::npos) << error.message;
}

TEST_F(HostileBundleTest, SymlinkUpwardsIsRefused) {
  const auto bundle = makeArchive("b.tar", R"(
t = T(); f(t, 'appspec.yml'); sl(t, 'link', '../..'); t.close())");
  expectRefused(bundle, BundleType::Tar, "BundleUnsafe");
}

TEST_F(HostileBundleTest, NestedSymlinkUpwardsIsRefused) {
  const auto bundle = makeArchive("b.tar", R"(
t = T(); f(t, 'appspec.yml'); d(t, 'a'); sl(t, 'a/link', '../../outside/sentinel.txt'); t.close())");
  expectRefused(bundle, BundleType::Tar, "BundleUnsafe");
}

TEST_F(HostileBundleTest, SymlinkChainThatEscapesIsRefused) {
  // Each link alone looks harmless lexically; followed as the kernel does, "s/.." leaves the target.
  const auto bundle = makeArchive("b.tar", R"(
t = T(); f(t, 'appspec.yml'); sl(t, 's', '.'); sl(t, 'escape', 's/../outside'); t.close())");
  expectRefused(bundle, BundleType::Tar, "BundleUnsafe");
}

TEST_F(HostileBundleTest, SymlinkLoopIsRefused) {
  const auto bundle = makeArchive("b.tar", R"(
t = T(); f(t, 'appspec.yml'); sl(t, 'a', 'b'); sl(t, 'b', 'a'); sl(t, 'c', 'a/x'); t.close())");
  expectRefused(bundle, BundleType::Tar, "BundleUnsafe");
}

TEST_F(HostileBundleTest, FileWrittenThroughOutwardSymlinkIsRefused) {
  const auto bundle = makeArchive("b.tar", R"(
t = T(); f(t, 'appspec.yml'); sl(t, 'link', outside); f(t, 'link/planted', b'x'); t.close())");
  expectRefused(bundle, BundleType::Tar, "BundleUnsafe");
  EXPECT_FALSE(fs::exists(outside() / "planted"));
}

TEST_F(HostileBundleTest, FileWrittenThroughInwardSymlinkIsRefused) {
  const auto bundle = makeArchive("b.tar", R"(
t = T(); f(t, 'appspec.yml'); d(t, 'real'); sl(t, 'link', 'real'); f(t, 'link/file', b'x'); t.close())");
  const auto error = expectRefused(bundle, BundleType::Tar, "BundleUnsafe");
  EXPECT_NE(error.message.find("through the symlink \"link\""), std::string::npos) << error.message;
}

TEST_F(HostileBundleTest, HardLinkOutsideIsRefused) {
  const auto bundle = makeArchive("b.tar", R"(
t = T(); f(t, 'appspec.yml'); hl(t, 'h', '../../outside/sentinel.txt'); t.close())");
  expectRefused(bundle, BundleType::Tar, "BundleUnsafe");
}

TEST_F(HostileBundleTest, HardLinkToAbsolutePathIsRefused) {
  const auto bundle = makeArchive("b.tar", R"(
t = T(); f(t, 'appspec.yml'); hl(t, 'h', outside + '/sentinel.txt'); t.close())");
  expectRefused(bundle, BundleType::Tar, "BundleUnsafe");
}

TEST_F(HostileBundleTest, HardLinkToMissingEntryIsRefused) {
  // A hard link to a name the bundle never wrote would link whatever is there at extraction time.
  const auto bundle = makeArchive("b.tar", R"(
t = T(); f(t, 'appspec.yml'); hl(t, 'h', 'not-in-bundle'); t.close())");
  expectRefused(bundle, BundleType::Tar, "BundleUnsafe");
}

TEST_F(HostileBundleTest, CharacterDeviceIsRefused) {
  const auto bundle = makeArchive("b.tar", R"(
t = T(); f(t, 'appspec.yml'); special(t, 'null', tarfile.CHRTYPE); t.close())");
  const auto error = expectRefused(bundle, BundleType::Tar, "BundleUnsafe");
  EXPECT_NE(error.message.find("character device"), std::string::npos) << error.message;
}

TEST_F(HostileBundleTest, FifoIsRefused) {
  const auto bundle = makeArchive("b.tar", R"(
t = T(); f(t, 'appspec.yml'); special(t, 'pipe', tarfile.FIFOTYPE); t.close())");
  expectRefused(bundle, BundleType::Tar, "BundleUnsafe");
}

TEST_F(HostileBundleTest, DuplicateEntryIsRefused) {
  const auto bundle = makeArchive("b.tar", R"(
t = T(); f(t, 'appspec.yml'); f(t, 'x', b'1'); f(t, './x', b'2'); t.close())");
  expectRefused(bundle, BundleType::Tar, "BundleUnsafe");
}

TEST_F(HostileBundleTest, TooManyEntriesIsRefused) {
  const auto bundle = makeArchive("b.tgz", R"(
t = T(True)
for i in range(20): f(t, 'f%d' % i)
t.close())");
  Limits limits;
  limits.maxEntries = 10;
  const auto error = expectRefused(bundle, BundleType::Tgz, "BundleTooLarge", limits);
  EXPECT_NE(error.message.find("10"), std::string::npos) << error.message;
}

TEST_F(HostileBundleTest, FileOverPerFileLimitIsRefused) {
  const auto bundle = makeArchive("b.tar", R"(
t = T(); f(t, 'appspec.yml'); f(t, 'big.bin', b'x' * 2000); t.close())");
  Limits limits;
  limits.maxFileBytes = 1000;
  const auto error = expectRefused(bundle, BundleType::Tar, "BundleTooLarge", limits);
  EXPECT_NE(error.message.find("big.bin"), std::string::npos) << error.message;
}

TEST_F(HostileBundleTest, TotalOverLimitIsRefused) {
  const auto bundle = makeArchive("b.zip", R"(
z = Z()
for i in range(5): zf(z, 'part%d' % i, b'y' * 600)
z.close())");
  Limits limits;
  limits.maxFileBytes = 1000;
  limits.maxTotalBytes = 2000;
  expectRefused(bundle, BundleType::Zip, "BundleTooLarge", limits);
}

TEST_F(HostileBundleTest, PathOverLengthLimitIsRefused) {
  const auto bundle = makeArchive("b.tar", R"(
t = T(); f(t, 'appspec.yml'); f(t, 'd/' * 100 + 'file'); t.close())");
  Limits limits;
  limits.maxPathLength = 100;
  expectRefused(bundle, BundleType::Tar, "BundleTooLarge", limits);
}

TEST_F(HostileBundleTest, ZipThatLiesAboutSizesIsStoppedByRealBytes) {
  // The good file written first must be removed again too.
  const auto bundle = makeArchive("b.zip", kLyingZip);
  Limits limits;
  limits.maxFileBytes = 1000;
  const auto before = snapshot(work());
  auto result = extract(bundle, BundleType::Zip, target(), limits);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "BundleTooLarge") << result.error().message;
  EXPECT_NE(result.error().message.find("\"bomb\""), std::string::npos) << result.error().message;
  EXPECT_FALSE(fs::exists(work() / "deploy"));
  EXPECT_EQ(snapshot(work()), before);
}

TEST_F(HostileBundleTest, ZipDotDotEntryIsRefused) {
  const auto bundle = makeArchive("b.zip", R"(
z = Z(); zf(z, 'appspec.yml'); zf(z, '../../evil', b'x'); z.close())");
  expectRefused(bundle, BundleType::Zip, "BundleUnsafe");
}

TEST_F(HostileBundleTest, ZipOutwardSymlinkIsRefused) {
  const auto bundle = makeArchive("b.zip", R"(
z = Z(); zf(z, 'appspec.yml'); zl(z, 'link', '../../outside'); zf(z, 'link/planted', b'x'); z.close())");
  expectRefused(bundle, BundleType::Zip, "BundleUnsafe");
}

TEST_F(HostileBundleTest, GarbageIsCorrupt) {
  const auto bundle = work() / "garbage.tgz";
  greenlight::testing::writeFile(bundle, std::string("\x1f\x8b this is not gzip at all", 26));
  expectRefused(bundle, BundleType::Tgz, "BundleCorrupt");
}

TEST_F(HostileBundleTest, TruncatedArchiveIsCorruptAndLeavesNothing) {
  const auto bundle = makeArchive("b.tgz", R"(
import random
random.seed(7)
t = T(True); f(t, 'appspec.yml')
for i in range(50): f(t, 'f%d' % i, bytes(random.getrandbits(8) for _ in range(4000)))
t.close()
data = open(out, 'rb').read()
open(out, 'wb').write(data[:len(data) // 2]))");
  expectRefused(bundle, BundleType::Tgz, "BundleCorrupt");
}

TEST_F(HostileBundleTest, DirectoryBundleWithOutwardSymlinkIsRefused) {
  const auto source = work() / "src";
  greenlight::testing::writeFile(source / "appspec.yml", "version: 0.0\n");
  fs::create_symlink("../outside/sentinel.txt", source / "leak");
  expectRefused(source, BundleType::Directory, "BundleUnsafe");
}

TEST_F(HostileBundleTest, DirectoryBundleWithAbsoluteSymlinkIsRefused) {
  const auto source = work() / "src";
  greenlight::testing::writeFile(source / "appspec.yml", "version: 0.0\n");
  fs::create_symlink("/etc", source / "etc");
  expectRefused(source, BundleType::Directory, "BundleUnsafe");
}

TEST_F(HostileBundleTest, DirectoryBundleWithFifoIsRefused) {
  const auto source = work() / "src";
  greenlight::testing::writeFile(source / "appspec.yml", "version: 0.0\n");
  ASSERT_EQ(::mkfifo((source / "pipe").c_str(), 0644), 0);
  const auto error = expectRefused(source, BundleType::Directory, "BundleUnsafe");
  EXPECT_NE(error.message.find("FIFO"), std::string::npos) << error.message;
}

TEST_F(HostileBundleTest, DirectoryBundleOverEntryLimitIsRefused) {
  const auto source = work() / "src";
  for (int i = 0; i < 12; ++i) greenlight::testing::writeFile(source / ("f" + std::to_string(i)), "x");
  Limits limits;
  limits.maxEntries = 10;
  expectRefused(source, BundleType::Directory, "BundleTooLarge", limits);
}

TEST_F(HostileBundleTest, NonEmptyTargetIsRefusedAndLeftAlone) {
  const auto bundle = makeArchive("b.tar", R"(
t = T(); f(t, 'appspec.yml'); t.close())");
  greenlight::testing::writeFile(target() / "previous.txt", "old");
  auto result = extract(bundle, BundleType::Tar, target(), Limits{});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "IoError");
  EXPECT_EQ(greenlight::testing::readFile(target() / "previous.txt"), "old");
  EXPECT_FALSE(fs::exists(target() / "appspec.yml"));
}

TEST_F(HostileBundleTest, EmptyExistingTargetIsKeptButEmptiedOnFailure) {
  fs::create_directories(target());
  const auto bundle = makeArchive("b.zip", kLyingZip);
  Limits limits;
  limits.maxFileBytes = 1000;
  auto result = extract(bundle, BundleType::Zip, target(), limits);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "BundleTooLarge");
  EXPECT_TRUE(fs::is_directory(target()));
  EXPECT_TRUE(fs::is_empty(target()));
}

}  // namespace
}  // namespace greenlight::bundle::testing
