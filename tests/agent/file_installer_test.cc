// Tests for the Install event's file work: copying under each file_exists_behavior, cleanup of
// the previous install, and the cleanup list on disk.
#include "agent/file_installer.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "support/test_support.h"

namespace greenlight::agent {
namespace {

namespace fs = std::filesystem;
using appspec::AppSpec;
using appspec::FileExistsBehavior;
using appspec::FileMapping;
using greenlight::testing::readFile;
using greenlight::testing::TempDir;
using greenlight::testing::writeFile;

bool contains(const std::vector<std::string>& lines, const std::string& needle) {
  return greenlight::testing::anyLineContains(lines, needle);
}

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

bool pathExists(const fs::path& path) {
  struct stat info {};
  return ::lstat(path.c_str(), &info) == 0;
}

mode_t modeOf(const fs::path& path) {
  struct stat info {};
  EXPECT_EQ(::lstat(path.c_str(), &info), 0) << path;
  return info.st_mode & 07777;
}

bool isLink(const fs::path& path) {
  struct stat info {};
  return ::lstat(path.c_str(), &info) == 0 && S_ISLNK(info.st_mode);
}

class FileInstallerTest : public ::testing::Test {
 protected:
  fs::path bundle() const { return temp_.path() / "bundle"; }
  fs::path root() const { return temp_.path() / "root"; }
  fs::path host(const std::string& hostPath) const { return root() / hostPath.substr(1); }

  AppSpec specWith(std::vector<FileMapping> files) const {
    AppSpec spec;
    spec.version = "0.0";
    spec.os = "linux";
    spec.files = std::move(files);
    return spec;
  }

  Result<InstallRecord> install(const AppSpec& spec,
                                FileExistsBehavior behavior = FileExistsBehavior::Disallow) {
    InstallOptions options;
    options.archiveRoot = bundle();
    options.installRoot = root();
    options.fileExistsBehavior = behavior;
    return installFiles(spec, options, log_);
  }

  TempDir temp_;
  std::vector<std::string> log_;
};

TEST_F(FileInstallerTest, FileSourceGoesToDestinationSlashBasename) {
  writeFile(bundle() / "config/app.conf", "port=80\n");
  auto record = install(specWith({{"config/app.conf", "/etc/app", {}}}));
  ASSERT_TRUE(record.ok()) << record.error().message;
  EXPECT_EQ(readFile(host("/etc/app/app.conf")), "port=80\n");
  EXPECT_EQ(record->paths, (std::vector<std::string>{"/etc", "/etc/app", "/etc/app/app.conf"}));
  EXPECT_TRUE(contains(log_, "installed 1 file, 2 directories into /etc/app")) << joined(log_);
}

TEST_F(FileInstallerTest, DirectorySourceContentsGoBelowDestinationRecursively) {
  writeFile(bundle() / "site/index.html", "<h1>hi</h1>");
  writeFile(bundle() / "site/css/main.css", "body{}");
  writeFile(bundle() / "other.txt", "not copied");
  std::filesystem::create_directories(root() / "var");  // pre-existing: not recorded
  auto record = install(specWith({{"site", "/var/www", {}}}));
  ASSERT_TRUE(record.ok()) << record.error().message;
  EXPECT_EQ(readFile(host("/var/www/index.html")), "<h1>hi</h1>");
  EXPECT_EQ(readFile(host("/var/www/css/main.css")), "body{}");
  EXPECT_FALSE(pathExists(host("/var/www/other.txt")));
  EXPECT_FALSE(pathExists(host("/var/www/site")));
  EXPECT_EQ(record->paths, (std::vector<std::string>{"/var/www", "/var/www/css", "/var/www/css/main.css",
                                                     "/var/www/index.html"}));
}

TEST_F(FileInstallerTest, SlashEmptyAndLeadingSlashSourcesAreRelativeToTheBundle) {
  writeFile(bundle() / "appspec.yml", "version: 0.0\n");
  writeFile(bundle() / "bin/run", "#!/bin/sh\n", 0755);
  auto record = install(specWith({{"/", "/opt/all", {}}, {"", "/opt/empty", {}}, {"/bin/run", "/opt/one", {}}}));
  ASSERT_TRUE(record.ok()) << record.error().message;
  EXPECT_TRUE(pathExists(host("/opt/all/appspec.yml")));
  EXPECT_TRUE(pathExists(host("/opt/all/bin/run")));
  EXPECT_TRUE(pathExists(host("/opt/empty/bin/run")));
  EXPECT_TRUE(pathExists(host("/opt/one/run")));
  EXPECT_FALSE(pathExists(host("/opt/one/bin")));
}

TEST_F(FileInstallerTest, SourceEscapingTheBundleIsInvalidAndCopiesNothing) {
  writeFile(temp_.path() / "secret.txt", "secret");
  writeFile(bundle() / "ok.txt", "ok");
  auto record = install(specWith({{"ok.txt", "/srv", {}}, {"../secret.txt", "/srv", {3, 5}}}));
  ASSERT_FALSE(record.ok());
  EXPECT_EQ(record.error().code, "InvalidAppSpec");
  EXPECT_NE(record.error().message.find("../secret.txt"), std::string::npos);
  EXPECT_NE(record.error().message.find("line 3"), std::string::npos);
  EXPECT_FALSE(pathExists(host("/srv")));
}

TEST_F(FileInstallerTest, SourceThroughABundleLinkLeavingTheBundleIsInvalid) {
  writeFile(temp_.path() / "outside/secret.txt", "secret");
  fs::create_directories(bundle());
  fs::create_directory_symlink(temp_.path() / "outside", bundle() / "out");
  auto record = install(specWith({{"out/secret.txt", "/srv", {}}}));
  ASSERT_FALSE(record.ok());
  EXPECT_EQ(record.error().code, "InvalidAppSpec");
  EXPECT_FALSE(pathExists(host("/srv/secret.txt")));
}

TEST_F(FileInstallerTest, MissingSourceAndRelativeDestinationAreInvalid) {
  writeFile(bundle() / "a.txt", "a");
  auto missing = install(specWith({{"nope.txt", "/srv", {}}}));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "InvalidAppSpec");
  EXPECT_NE(missing.error().message.find("nope.txt"), std::string::npos);

  for (const char* destination : {"srv/app", "/srv/../etc"}) {
    auto bad = install(specWith({{"a.txt", destination, {}}}));
    ASSERT_FALSE(bad.ok()) << destination;
    EXPECT_EQ(bad.error().code, "InvalidAppSpec");
  }
  EXPECT_FALSE(pathExists(host("/srv")));
  EXPECT_FALSE(pathExists(host("/etc")));
}

TEST_F(FileInstallerTest, TwoSourcesForOnePathAreInvalid) {
  writeFile(bundle() / "a/x.txt", "a");
  writeFile(bundle() / "b/x.txt", "b");
  auto record = install(specWith({{"a/x.txt", "/srv", {4, 5}}, {"b/x.txt", "/srv", {6, 5}}}));
  ASSERT_FALSE(record.ok());
  EXPECT_EQ(record.error().code, "InvalidAppSpec");
  EXPECT_NE(record.error().message.find("/srv/x.txt"), std::string::npos);
  EXPECT_FALSE(pathExists(host("/srv")));
}

TEST_F(FileInstallerTest, ModesAndTheExecBitAreKeptWithoutSetIdBits) {
  writeFile(bundle() / "bin/start.sh", "#!/bin/sh\n", 0755);
  writeFile(bundle() / "bin/secret.conf", "x", 0640);
  writeFile(bundle() / "bin/suid", "x", 04755);
  ::chmod((bundle() / "bin").c_str(), 0750);
  auto record = install(specWith({{"bin", "/opt/app/bin", {}}}));
  ASSERT_TRUE(record.ok()) << record.error().message;
  EXPECT_EQ(modeOf(host("/opt/app/bin/start.sh")), 0755u);
  EXPECT_EQ(modeOf(host("/opt/app/bin/secret.conf")), 0640u);
  EXPECT_EQ(modeOf(host("/opt/app/bin/suid")), 0755u);
  EXPECT_EQ(modeOf(host("/opt/app")), 0755u);  // a destination parent, not from the bundle
}

TEST_F(FileInstallerTest, BundleFolderModesAreKept) {
  writeFile(bundle() / "site/private/key", "k", 0600);
  ::chmod((bundle() / "site/private").c_str(), 0700);
  auto record = install(specWith({{"site", "/srv/site", {}}}));
  ASSERT_TRUE(record.ok()) << record.error().message;
  EXPECT_EQ(modeOf(host("/srv/site/private")), 0700u);
}

TEST_F(FileInstallerTest, SymlinksAreInstalledAsLinksNotFollowed) {
  writeFile(bundle() / "releases/1/app", "v1");
  fs::create_directories(bundle());
  fs::create_directory_symlink("releases/1", bundle() / "current");
  fs::create_symlink("/etc/hostname", bundle() / "hostname");
  auto record = install(specWith({{"/", "/opt/app", {}}}));
  ASSERT_TRUE(record.ok()) << record.error().message;
  ASSERT_TRUE(isLink(host("/opt/app/current")));
  EXPECT_EQ(fs::read_symlink(host("/opt/app/current")), "releases/1");
  ASSERT_TRUE(isLink(host("/opt/app/hostname")));
  EXPECT_EQ(fs::read_symlink(host("/opt/app/hostname")), "/etc/hostname");
  EXPECT_NE(std::find(record->paths.begin(), record->paths.end(), "/opt/app/current"), record->paths.end());
  EXPECT_TRUE(contains(log_, "1 file, 2 links"));
}

TEST_F(FileInstallerTest, DisallowRefusesAnExistingFileAndCopiesNothing) {
  writeFile(bundle() / "site/a.txt", "new a");
  writeFile(bundle() / "site/b.txt", "new b");
  writeFile(bundle() / "site/sub/c.txt", "new c");
  writeFile(host("/var/www/b.txt"), "host b");
  auto record = install(specWith({{"site", "/var/www", {}}}));  // DISALLOW is the default
  ASSERT_FALSE(record.ok());
  const Error& error = record.error();
  EXPECT_EQ(error.code, "FileExists");
  for (const char* needle : {"/var/www/b.txt", "already exists", "DISALLOW", "OVERWRITE", "RETAIN",
                             "file_exists_behavior", "--file-exists-behavior"}) {
    EXPECT_NE(error.message.find(needle), std::string::npos) << needle << " in " << error.message;
  }
  EXPECT_FALSE(pathExists(host("/var/www/a.txt")));
  EXPECT_FALSE(pathExists(host("/var/www/sub")));
  EXPECT_EQ(readFile(host("/var/www/b.txt")), "host b");
}

TEST_F(FileInstallerTest, DisallowListsEveryConflict) {
  writeFile(bundle() / "site/a.txt", "a");
  writeFile(bundle() / "site/b.txt", "b");
  writeFile(host("/var/www/a.txt"), "host");
  writeFile(host("/var/www/b.txt"), "host");
  auto record = install(specWith({{"site", "/var/www", {}}}));
  ASSERT_FALSE(record.ok());
  EXPECT_NE(record.error().message.find("/var/www/a.txt, /var/www/b.txt"), std::string::npos)
      << record.error().message;
}

TEST_F(FileInstallerTest, OverwriteReplacesContentAndRecordsTheFile) {
  writeFile(bundle() / "site/b.txt", "new b");
  writeFile(host("/var/www/b.txt"), "host b");
  auto record = install(specWith({{"site", "/var/www", {}}}), FileExistsBehavior::Overwrite);
  ASSERT_TRUE(record.ok()) << record.error().message;
  EXPECT_EQ(readFile(host("/var/www/b.txt")), "new b");
  EXPECT_EQ(record->paths, (std::vector<std::string>{"/var/www/b.txt"}));
  EXPECT_TRUE(contains(log_, "replaced existing /var/www/b.txt (file_exists_behavior OVERWRITE)"));
  for (const auto& entry : fs::directory_iterator(host("/var/www"))) {
    EXPECT_EQ(entry.path().filename().string().find(".greenlight-"), std::string::npos) << entry.path();
  }
}

TEST_F(FileInstallerTest, OverwriteReplacesAHostLinkInsteadOfWritingThroughIt) {
  writeFile(bundle() / "site/b.txt", "new b");
  writeFile(temp_.path() / "elsewhere.txt", "precious");
  fs::create_directories(host("/var/www"));
  fs::create_symlink(temp_.path() / "elsewhere.txt", host("/var/www/b.txt"));
  auto record = install(specWith({{"site", "/var/www", {}}}), FileExistsBehavior::Overwrite);
  ASSERT_TRUE(record.ok()) << record.error().message;
  EXPECT_FALSE(isLink(host("/var/www/b.txt")));
  EXPECT_EQ(readFile(host("/var/www/b.txt")), "new b");
  EXPECT_EQ(readFile(temp_.path() / "elsewhere.txt"), "precious");
}

TEST_F(FileInstallerTest, AppSpecBehaviorWinsOverTheDeploymentOption) {
  writeFile(bundle() / "site/b.txt", "new b");
  writeFile(host("/var/www/b.txt"), "host b");
  AppSpec spec = specWith({{"site", "/var/www", {}}});
  spec.fileExistsBehavior = FileExistsBehavior::Retain;
  auto record = install(spec, FileExistsBehavior::Overwrite);
  ASSERT_TRUE(record.ok()) << record.error().message;
  EXPECT_EQ(readFile(host("/var/www/b.txt")), "host b");
}

TEST_F(FileInstallerTest, RetainKeepsTheHostFileAndDoesNotRecordIt) {
  writeFile(bundle() / "site/a.txt", "new a");
  writeFile(bundle() / "site/b.txt", "new b");
  writeFile(host("/var/www/b.txt"), "host b");
  auto record = install(specWith({{"site", "/var/www", {}}}), FileExistsBehavior::Retain);
  ASSERT_TRUE(record.ok()) << record.error().message;
  EXPECT_EQ(readFile(host("/var/www/b.txt")), "host b");
  EXPECT_EQ(readFile(host("/var/www/a.txt")), "new a");
  EXPECT_EQ(record->paths, (std::vector<std::string>{"/var/www/a.txt"}));
  EXPECT_TRUE(contains(log_, "kept existing /var/www/b.txt (file_exists_behavior RETAIN)"));
}

TEST_F(FileInstallerTest, AHostFolderWhereTheRevisionHasAFileFailsUnderEveryBehavior) {
  writeFile(bundle() / "site/data", "file");
  fs::create_directories(host("/var/www/data"));
  for (FileExistsBehavior behavior :
       {FileExistsBehavior::Disallow, FileExistsBehavior::Overwrite, FileExistsBehavior::Retain}) {
    auto record = install(specWith({{"site", "/var/www", {}}}), behavior);
    ASSERT_FALSE(record.ok());
    EXPECT_EQ(record.error().code, "FileExists");
    EXPECT_NE(record.error().message.find("/var/www/data"), std::string::npos);
    EXPECT_TRUE(fs::is_directory(host("/var/www/data")));
  }
}

TEST_F(FileInstallerTest, OverwriteReplacesAHostFileWhereTheRevisionHasAFolder) {
  writeFile(bundle() / "site/conf/a.conf", "a");
  writeFile(host("/var/www/conf"), "was a file");
  auto record = install(specWith({{"site", "/var/www", {}}}), FileExistsBehavior::Overwrite);
  ASSERT_TRUE(record.ok()) << record.error().message;
  EXPECT_EQ(readFile(host("/var/www/conf/a.conf")), "a");
  EXPECT_EQ(record->paths, (std::vector<std::string>{"/var/www/conf", "/var/www/conf/a.conf"}));
}

TEST_F(FileInstallerTest, AHostLinkToAFolderInsideTheRootIsUsedAsThatFolder) {
  writeFile(bundle() / "site/a.txt", "a");
  fs::create_directories(host("/data/app"));
  fs::create_directories(host("/opt"));
  fs::create_directory_symlink(host("/data/app"), host("/opt/app"));
  auto record = install(specWith({{"site", "/opt/app", {}}}));
  ASSERT_TRUE(record.ok()) << record.error().message;
  EXPECT_EQ(readFile(host("/data/app/a.txt")), "a");
  EXPECT_EQ(record->paths, (std::vector<std::string>{"/opt/app/a.txt"}));
}

TEST_F(FileInstallerTest, AHostLinkToAFolderOutsideTheRootIsRefused) {
  writeFile(bundle() / "site/a.txt", "a");
  fs::create_directories(temp_.path() / "outside");
  fs::create_directories(host("/opt"));
  fs::create_directory_symlink(temp_.path() / "outside", host("/opt/app"));
  auto record = install(specWith({{"site", "/opt/app", {}}}), FileExistsBehavior::Overwrite);
  ASSERT_FALSE(record.ok());
  EXPECT_NE(record.error().message.find("/opt/app"), std::string::npos);
  EXPECT_FALSE(pathExists(temp_.path() / "outside/a.txt"));
}

TEST_F(FileInstallerTest, SpecialFilesInTheBundleAreRefusedBeforeCopying) {
  writeFile(bundle() / "site/a.txt", "a");
  ASSERT_EQ(::mkfifo((bundle() / "site/pipe").c_str(), 0644), 0);
  auto record = install(specWith({{"site", "/srv", {}}}));
  ASSERT_FALSE(record.ok());
  EXPECT_EQ(record.error().code, "BundleUnsafe");
  EXPECT_FALSE(pathExists(host("/srv")));
}

TEST_F(FileInstallerTest, RedeployRemovesThePreviousInstallSoTheSameFilesDoNotConflict) {
  writeFile(bundle() / "site/index.html", "v1");
  writeFile(bundle() / "site/old.html", "only in v1");
  writeFile(bundle() / "site/v1only/page.html", "v1 page");
  auto first = install(specWith({{"site", "/var/www", {}}}));
  ASSERT_TRUE(first.ok()) << first.error().message;
  fs::path recordFile = temp_.path() / "cleanup";
  ASSERT_TRUE(writeInstallRecord(*first, recordFile).ok());

  fs::remove_all(bundle());
  writeFile(bundle() / "site/index.html", "v2");
  auto previous = readInstallRecord(recordFile);
  ASSERT_TRUE(previous.ok());
  ASSERT_TRUE(removePreviousInstall(*previous, root(), log_).ok());
  auto second = install(specWith({{"site", "/var/www", {}}}));  // DISALLOW
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(readFile(host("/var/www/index.html")), "v2");
  EXPECT_FALSE(pathExists(host("/var/www/old.html")));
  EXPECT_FALSE(pathExists(host("/var/www/v1only")));
  EXPECT_TRUE(contains(log_, "removed 3 files and 3 folders installed by the previous deployment"))
      << joined(log_);
}

TEST_F(FileInstallerTest, RedeployWithoutTheRecordHitsFileExists) {
  writeFile(bundle() / "site/index.html", "v1");
  ASSERT_TRUE(install(specWith({{"site", "/var/www", {}}})).ok());
  auto second = install(specWith({{"site", "/var/www", {}}}));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, "FileExists");
}

TEST_F(FileInstallerTest, CleanupRemovesEmptyCreatedFoldersDeepestFirstButKeepsOthers) {
  writeFile(host("/srv/keep/user.txt"), "not ours");
  writeFile(host("/srv/keep/ours.txt"), "ours");
  writeFile(host("/srv/gone/a/b/ours.txt"), "ours");
  writeFile(host("/preexisting/ours.txt"), "ours");
  InstallRecord record{{"/srv", "/srv/keep", "/srv/keep/ours.txt", "/srv/gone", "/srv/gone/a",
                        "/srv/gone/a/b", "/srv/gone/a/b/ours.txt", "/preexisting/ours.txt"}};
  ASSERT_TRUE(removePreviousInstall(record, root(), log_).ok());
  EXPECT_FALSE(pathExists(host("/srv/gone")));
  EXPECT_FALSE(pathExists(host("/srv/keep/ours.txt")));
  EXPECT_EQ(readFile(host("/srv/keep/user.txt")), "not ours");
  EXPECT_TRUE(fs::is_directory(host("/preexisting")));  // not in the record
  EXPECT_FALSE(pathExists(host("/preexisting/ours.txt")));
  EXPECT_TRUE(contains(log_, "kept folder /srv/keep"));
  EXPECT_TRUE(contains(log_, "kept folder /srv:"));
}

TEST_F(FileInstallerTest, CleanupRemovesLinksWithoutFollowingThem) {
  writeFile(temp_.path() / "outside/precious.txt", "precious");
  fs::create_directories(host("/srv"));
  fs::create_directory_symlink(temp_.path() / "outside", host("/srv/dirlink"));
  fs::create_symlink(temp_.path() / "outside/precious.txt", host("/srv/filelink"));
  InstallRecord record{{"/srv/dirlink", "/srv/filelink"}};
  ASSERT_TRUE(removePreviousInstall(record, root(), log_).ok());
  EXPECT_FALSE(pathExists(host("/srv/dirlink")));
  EXPECT_FALSE(pathExists(host("/srv/filelink")));
  EXPECT_EQ(readFile(temp_.path() / "outside/precious.txt"), "precious");
}

TEST_F(FileInstallerTest, CleanupRefusesACorruptedRecordBeforeRemovingAnything) {
  writeFile(host("/srv/a.txt"), "a");
  writeFile(temp_.path() / "victim.txt", "victim");
  for (const char* bad : {"../victim.txt", "/srv/../../victim.txt", "srv/a.txt", "/", ""}) {
    InstallRecord record{{"/srv/a.txt", std::string(bad)}};
    Status status = removePreviousInstall(record, root(), log_);
    ASSERT_FALSE(status.ok()) << bad;
    EXPECT_EQ(status.error().code, "InstallRecordCorrupt");
    EXPECT_NE(status.error().message.find("entry 2"), std::string::npos);
    EXPECT_TRUE(pathExists(host("/srv/a.txt"))) << bad;
    EXPECT_TRUE(pathExists(temp_.path() / "victim.txt")) << bad;
  }
}

TEST_F(FileInstallerTest, CleanupToleratesMissingEntries) {
  InstallRecord record{{"/srv", "/srv/gone.txt", "/nowhere/at/all"}};
  ASSERT_TRUE(removePreviousInstall(record, root(), log_).ok());
  EXPECT_TRUE(contains(log_, "(3 were already gone)"));
}

TEST_F(FileInstallerTest, RecordRoundTripsAndAMissingFileIsEmpty) {
  fs::path file = temp_.path() / "state/cleanup";
  auto missing = readInstallRecord(file);
  ASSERT_TRUE(missing.ok());
  EXPECT_TRUE(missing->paths.empty());

  InstallRecord record{{"/var/www", "/var/www/a b.txt", "/var/www/ünïcode"}};
  ASSERT_TRUE(writeInstallRecord(record, file).ok());
  EXPECT_EQ(readFile(file), "/var/www\n/var/www/a b.txt\n/var/www/ünïcode\n");
  ASSERT_TRUE(writeInstallRecord(InstallRecord{{"/srv/x"}}, file).ok());
  auto read = readInstallRecord(file);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->paths, (std::vector<std::string>{"/srv/x"}));
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(file.parent_path())) ++entries;
  EXPECT_EQ(entries, 1u);  // no temporary left behind
}

TEST_F(FileInstallerTest, RecordRefusesAPathWithALineBreak) {
  Status status = writeInstallRecord(InstallRecord{{"/srv/a\nb"}}, temp_.path() / "cleanup");
  ASSERT_FALSE(status.ok());
  EXPECT_FALSE(pathExists(temp_.path() / "cleanup"));
}

}  // namespace
}  // namespace greenlight::agent
