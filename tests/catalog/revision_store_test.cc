// The revision store: bundles kept once by sha256 after proving they are safe and hold a valid
// AppSpec; hostile or invalid uploads refused with nothing left behind.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "catalog/revision_store.h"
#include "common/error_codes.h"
#include "common/sha256.h"
#include "support/test_support.h"

namespace greenlight::catalog {
namespace {

namespace fs = std::filesystem;
using testing::runCommand;
using testing::writeFile;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

constexpr const char* kAppSpec =
    "version: 0.0\nos: linux\nfiles:\n  - source: app\n    destination: /opt/app\n"
    "hooks:\n  ApplicationStart:\n    - location: scripts/start.sh\n";

// Python's tarfile writes entries no tar command line would (".." paths); `out` is the archive.
constexpr const char* kPythonPrelude = R"PY(
import io, sys, tarfile
out = sys.argv[1]
def f(t, name, data=b'data', mode=0o644):
    ti = tarfile.TarInfo(name); ti.size = len(data); ti.mode = mode
    t.addfile(ti, io.BytesIO(data))
)PY";

class RevisionStoreTest : public ::testing::Test {
 protected:
  RevisionStoreTest() {
    auto opened = RevisionStore::open(work_ / "revisions");
    EXPECT_TRUE(opened.ok()) << opened.error().message;
    if (opened.ok()) store_.emplace(std::move(opened).value());
  }

  // A bundle folder with a valid AppSpec, its script and one app file holding `version`.
  fs::path makeBundleFolder(const std::string& version, const std::string& appspec = kAppSpec) {
    fs::path folder = work_ / ("src-" + version);
    writeFile(folder / "appspec.yml", appspec);
    writeFile(folder / "scripts" / "start.sh", "#!/bin/sh\necho start\n", 0755);
    writeFile(folder / "app" / "index.html", version + "\n");
    return folder;
  }

  // Archives `folder` with tar(1) into a fresh upload path of the store.
  fs::path upload(const fs::path& folder, const std::string& tarFlags = "-czf") {
    fs::path path = store_->temporaryPath();
    auto made = runCommand("tar " + tarFlags + " " + path.string() + " -C " + folder.string() + " .");
    EXPECT_EQ(made.exitCode, 0) << made.output;
    return path;
  }

  fs::path uploadPython(const std::string& body) {
    fs::path path = store_->temporaryPath();
    fs::path script = work_ / "make.py";
    writeFile(script, std::string(kPythonPrelude) + body + "\n");
    auto made = runCommand("python3 " + script.string() + " " + path.string());
    EXPECT_EQ(made.exitCode, 0) << made.output;
    return path;
  }

  // Everything in the store folder, hidden working folders included.
  std::set<std::string> storeContents() const {
    std::set<std::string> names;
    for (const auto& entry : fs::recursive_directory_iterator(store_->folder())) {
      names.insert(fs::relative(entry.path(), store_->folder()).string());
    }
    return names;
  }

  Error expectRefused(const fs::path& uploaded) {
    std::set<std::string> before = storeContents();
    before.erase(fs::relative(uploaded, store_->folder()).string());
    auto ingested = store_->ingest(uploaded);
    EXPECT_FALSE(ingested.ok());
    EXPECT_FALSE(fs::exists(uploaded)) << "the refused upload was left behind";
    EXPECT_EQ(storeContents(), before) << "a refused upload left something in the store";
    return ingested.ok() ? Error{} : ingested.error();
  }

  testing::TempDir work_;
  std::optional<RevisionStore> store_;
};

TEST_F(RevisionStoreTest, OpenMakesAPrivateFolder) {
  auto status = fs::status(store_->folder());
  EXPECT_TRUE(fs::is_directory(status));
  EXPECT_EQ(status.permissions() & fs::perms::all, fs::perms::owner_all);
  EXPECT_EQ(store_->temporaryPath().parent_path(), store_->temporaryPath().parent_path());
  EXPECT_NE(store_->temporaryPath(), store_->temporaryPath());
}

TEST_F(RevisionStoreTest, ValidBundleIsKeptUnderItsSha256) {
  fs::path uploaded = upload(makeBundleFolder("v1"));
  auto expectedSha = sha256File(uploaded);
  ASSERT_TRUE(expectedSha.ok());
  auto size = static_cast<std::int64_t>(fs::file_size(uploaded));

  auto stored = store_->ingest(uploaded);
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  EXPECT_EQ(stored->sha256, *expectedSha);
  EXPECT_EQ(stored->bundleType, "tgz");
  EXPECT_EQ(stored->sizeBytes, size);
  EXPECT_EQ(stored->appspecFilename, "appspec.yml");
  EXPECT_FALSE(stored->alreadyStored);
  EXPECT_FALSE(fs::exists(uploaded));

  auto path = store_->pathFor(stored->sha256);
  ASSERT_TRUE(path.ok()) << path.error().message;
  EXPECT_EQ(*path, store_->folder() / stored->sha256);
  EXPECT_EQ(*sha256File(*path), stored->sha256);
  // Only the bundle remains besides the (empty) working folders.
  EXPECT_EQ(storeContents(), (std::set<std::string>{".incoming", ".scratch", stored->sha256}));
}

TEST_F(RevisionStoreTest, TheSameBytesTwiceAreStoredOnce) {
  fs::path folder = makeBundleFolder("v1");
  fs::path first = upload(folder, "-cf");
  fs::path second = store_->temporaryPath();
  fs::copy_file(first, second);
  auto stored = store_->ingest(first);
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  EXPECT_EQ(stored->bundleType, "tar");
  auto again = store_->ingest(second);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_TRUE(again->alreadyStored);
  EXPECT_EQ(again->sha256, stored->sha256);
  EXPECT_FALSE(fs::exists(second));
  EXPECT_EQ(storeContents().size(), 3u);
}

TEST_F(RevisionStoreTest, ZipBundleWithTheAppSpecInATopFolder) {
  fs::path folder = makeBundleFolder("v2");
  fs::path zipped = work_ / "bundle.zip";  // zip(1) adds .zip to a name without it
  auto made = runCommand("cd " + work_.path().string() + " && zip -qr " + zipped.string() + " " +
                         folder.filename().string());
  ASSERT_EQ(made.exitCode, 0) << made.output;
  fs::path path = store_->temporaryPath();
  fs::rename(zipped, path);
  auto stored = store_->ingest(path);
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  EXPECT_EQ(stored->bundleType, "zip");
  EXPECT_EQ(stored->appspecFilename, "appspec.yml");
}

TEST_F(RevisionStoreTest, PathTraversalIsRefusedAndNothingKept) {
  fs::path uploaded = uploadPython(
      "t = tarfile.open(out, 'w')\n"
      "f(t, 'appspec.yml', b'version: 0.0\\nos: linux\\n')\n"
      "f(t, '../../escaped', b'x')\n"
      "t.close()");
  Error error = expectRefused(uploaded);
  EXPECT_EQ(error.code, codes::kInvalidRevision);
  EXPECT_TRUE(contains(error.message, "BundleUnsafe")) << error.message;
  EXPECT_FALSE(fs::exists(work_ / "escaped"));
  EXPECT_FALSE(fs::exists(store_->folder().parent_path() / "escaped"));
}

TEST_F(RevisionStoreTest, BundleWithoutAppSpecIsRefused) {
  fs::path folder = work_ / "no-appspec";
  writeFile(folder / "app" / "index.html", "hello\n");
  Error error = expectRefused(upload(folder));
  EXPECT_EQ(error.code, codes::kInvalidRevision);
  EXPECT_TRUE(contains(error.message, "no AppSpec file at its root")) << error.message;
  EXPECT_TRUE(contains(error.message, "appspec.yml")) << error.message;
}

TEST_F(RevisionStoreTest, InvalidAppSpecIsRefusedWithItsDiagnostics) {
  fs::path folder = makeBundleFolder("bad", "version: 0.0\nos: linux\nhooks:\n  AfterInstal:\n"
                                            "    - location: scripts/start.sh\n"
                                            "      timeout: soon\n");
  Error error = expectRefused(upload(folder));
  EXPECT_EQ(error.code, codes::kInvalidRevision);
  EXPECT_TRUE(contains(error.message, "appspec.yml is not valid")) << error.message;
  EXPECT_TRUE(contains(error.message, "appspec.yml:6:")) << error.message;
}

TEST_F(RevisionStoreTest, MissingHookScriptIsRefused) {
  fs::path folder = makeBundleFolder("v1");
  fs::remove(folder / "scripts" / "start.sh");
  Error error = expectRefused(upload(folder));
  EXPECT_EQ(error.code, codes::kInvalidRevision);
  EXPECT_TRUE(contains(error.message, "scripts/start.sh")) << error.message;
}

TEST_F(RevisionStoreTest, SomethingThatIsNotAnArchiveIsRefused) {
  fs::path uploaded = store_->temporaryPath();
  writeFile(uploaded, "this is not an archive, just text\n");
  Error error = expectRefused(uploaded);
  EXPECT_EQ(error.code, codes::kInvalidRevision);
  EXPECT_TRUE(contains(error.message, "not a tar, tgz or zip archive")) << error.message;
}

TEST_F(RevisionStoreTest, BundlesOverTheLimitsAreRefused) {
  bundle::Limits tight;
  tight.maxTotalBytes = 1000;
  auto small = RevisionStore::open(work_ / "small", tight);
  ASSERT_TRUE(small.ok());
  fs::path folder = makeBundleFolder("big");
  writeFile(folder / "app" / "big.bin", std::string(5000, 'x'));
  fs::path uploaded = small->temporaryPath();
  ASSERT_EQ(runCommand("tar -czf " + uploaded.string() + " -C " + folder.string() + " .").exitCode, 0);
  auto ingested = small->ingest(uploaded);
  ASSERT_FALSE(ingested.ok());
  EXPECT_EQ(ingested.error().code, codes::kInvalidRevision);
  EXPECT_TRUE(contains(ingested.error().message, "BundleTooLarge")) << ingested.error().message;
  EXPECT_FALSE(fs::exists(uploaded));
}

TEST_F(RevisionStoreTest, UploadsFromOutsideTheStoreAreNotTaken) {
  fs::path outside = work_ / "bundle.tgz";
  fs::path folder = makeBundleFolder("v1");
  ASSERT_EQ(runCommand("tar -czf " + outside.string() + " -C " + folder.string() + " .").exitCode, 0);
  auto ingested = store_->ingest(outside);
  ASSERT_FALSE(ingested.ok());
  EXPECT_EQ(ingested.error().code, codes::kInvalidArgument);
  EXPECT_TRUE(fs::exists(outside)) << "a file outside the store must not be consumed";
}

TEST_F(RevisionStoreTest, PathForUnknownOrMalformedSha) {
  auto unknown = store_->pathFor(std::string(64, 'e'));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, codes::kNotFound);
  auto malformed = store_->pathFor("../../etc/passwd");
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.error().code, codes::kInvalidArgument);
  EXPECT_EQ(store_->pathFor(".incoming").error().code, codes::kInvalidArgument);
}

TEST_F(RevisionStoreTest, ReopeningKeepsStoredBundles) {
  auto stored = store_->ingest(upload(makeBundleFolder("v1")));
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  auto reopened = RevisionStore::open(store_->folder());
  ASSERT_TRUE(reopened.ok());
  EXPECT_TRUE(reopened->pathFor(stored->sha256).ok());
}

TEST_F(RevisionStoreTest, SampleAppIsAValidRevision) {
  fs::path sample = testing::sourceDir() / "examples" / "sample-app";
  auto stored = store_->ingest(upload(sample));
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  EXPECT_EQ(stored->appspecFilename, "appspec.yml");
}

}  // namespace
}  // namespace greenlight::catalog
