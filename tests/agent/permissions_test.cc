// Tests for applyPermissions: which paths a permission selects (object, pattern, except, type) and
// what it changes (mode, owner, group, ACLs, SELinux context).
#include <acl/libacl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/acl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "agent/file_installer.h"
#include "support/test_support.h"

namespace greenlight::agent {
namespace {

namespace fs = std::filesystem;
using appspec::AppSpec;
using appspec::Permission;
using appspec::PermissionObjectType;
using greenlight::testing::readFile;
using greenlight::testing::TempDir;
using greenlight::testing::writeFile;

bool contains(const std::vector<std::string>& lines, const std::string& needle) {
  return greenlight::testing::anyLineContains(lines, needle);
}

struct stat statOf(const fs::path& path) {
  struct stat info {};
  EXPECT_EQ(::lstat(path.c_str(), &info), 0) << path;
  return info;
}

mode_t modeOf(const fs::path& path) { return statOf(path).st_mode & 07777; }

std::string aclText(const fs::path& path, acl_type_t type) {
  acl_t acl = acl_get_file(path.c_str(), type);
  if (acl == nullptr) return "";
  char* text = acl_to_text(acl, nullptr);
  std::string result = text != nullptr ? text : "";
  acl_free(text);
  acl_free(acl);
  return result;
}

// True when the filesystem holding `folder` stores extended ACL entries.
bool supportsAcls(const fs::path& folder) {
  fs::path probe = folder / "acl-probe";
  writeFile(probe, "");
  acl_t acl = acl_from_text("u::rw-,u:0:r--,g::r--,m::r--,o::r--");
  bool supported = acl != nullptr && acl_set_file(probe.c_str(), ACL_TYPE_ACCESS, acl) == 0;
  if (acl != nullptr) acl_free(acl);
  fs::remove(probe);
  return supported;
}

class PermissionsTest : public ::testing::Test {
 protected:
  // An installed tree like the one installFiles records for `site` -> /var/www.
  void SetUp() override {
    writeFile(host("/var/www/index.html"), "<h1/>", 0644);
    writeFile(host("/var/www/app.js"), "js", 0644);
    writeFile(host("/var/www/debug.log"), "log", 0644);
    writeFile(host("/var/www/sub/page.html"), "page", 0644);
    writeFile(host("/var/www/not-installed.html"), "host's own", 0644);  // not in the record
    ::chmod(host("/var/www").c_str(), 0755);
    ::chmod(host("/var/www/sub").c_str(), 0755);
    installed_.paths = {"/var/www", "/var/www/app.js", "/var/www/debug.log", "/var/www/index.html",
                        "/var/www/sub", "/var/www/sub/page.html"};
  }

  fs::path root() const { return temp_.path() / "root"; }
  fs::path host(const std::string& hostPath) const { return root() / hostPath.substr(1); }

  Status apply(std::vector<Permission> permissions) {
    AppSpec spec;
    spec.permissions = std::move(permissions);
    return applyPermissions(spec, installed_, root(), log_);
  }

  static Permission permission(const std::string& object) {
    Permission result;
    result.object = object;
    result.where.line = 12;
    return result;
  }

  TempDir temp_;
  InstallRecord installed_;
  std::vector<std::string> log_;
};

TEST_F(PermissionsTest, PatternSelectsInstalledNamesBelowTheObject) {
  Permission html = permission("/var/www");
  html.pattern = "*.html";
  html.mode = 0600;
  html.types = {PermissionObjectType::File};
  ASSERT_TRUE(apply({html}).ok());
  EXPECT_EQ(modeOf(host("/var/www/index.html")), 0600u);
  EXPECT_EQ(modeOf(host("/var/www/sub/page.html")), 0600u);
  EXPECT_EQ(modeOf(host("/var/www/app.js")), 0644u);
  EXPECT_EQ(modeOf(host("/var/www/not-installed.html")), 0644u);  // not installed by us
  EXPECT_EQ(modeOf(host("/var/www")), 0755u);                     // type file excludes the folder
  EXPECT_TRUE(contains(log_, "to 2 paths: mode 0600"));
}

TEST_F(PermissionsTest, ExceptPatternsAreLeftAlone) {
  Permission all = permission("/var/www");
  all.mode = 0640;
  all.except = {"*.log", "sub/*"};
  all.types = {PermissionObjectType::File};
  ASSERT_TRUE(apply({all}).ok());
  EXPECT_EQ(modeOf(host("/var/www/index.html")), 0640u);
  EXPECT_EQ(modeOf(host("/var/www/app.js")), 0640u);
  EXPECT_EQ(modeOf(host("/var/www/debug.log")), 0644u);
  EXPECT_EQ(modeOf(host("/var/www/sub/page.html")), 0644u);
}

TEST_F(PermissionsTest, DirectoryTypeChangesTheObjectAndFoldersOnly) {
  Permission folders = permission("/var/www");
  folders.mode = 0750;
  folders.types = {PermissionObjectType::Directory};
  ASSERT_TRUE(apply({folders}).ok());
  EXPECT_EQ(modeOf(host("/var/www")), 0750u);
  EXPECT_EQ(modeOf(host("/var/www/sub")), 0750u);
  EXPECT_EQ(modeOf(host("/var/www/index.html")), 0644u);
}

TEST_F(PermissionsTest, NoTypeMeansFilesAndFoldersIncludingTheObject) {
  Permission everything = permission("/var/www/");
  everything.mode = 0700;
  ASSERT_TRUE(apply({everything}).ok());
  EXPECT_EQ(modeOf(host("/var/www")), 0700u);
  EXPECT_EQ(modeOf(host("/var/www/sub")), 0700u);
  EXPECT_EQ(modeOf(host("/var/www/debug.log")), 0700u);
  EXPECT_EQ(modeOf(host("/var/www/not-installed.html")), 0644u);
}

TEST_F(PermissionsTest, AFileObjectIsChangedItself) {
  Permission one = permission("/var/www/app.js");
  one.mode = 04711;
  one.types = {PermissionObjectType::File};
  ASSERT_TRUE(apply({one}).ok());
  EXPECT_EQ(modeOf(host("/var/www/app.js")), 04711u);
  EXPECT_EQ(modeOf(host("/var/www/index.html")), 0644u);
}

TEST_F(PermissionsTest, LinksAreNeverFollowed) {
  writeFile(temp_.path() / "outside.txt", "precious", 0644);
  fs::create_symlink(temp_.path() / "outside.txt", host("/var/www/link"));
  installed_.paths.push_back("/var/www/link");
  Permission all = permission("/var/www");
  all.mode = 0600;
  all.types = {PermissionObjectType::File};
  if (::geteuid() == 0) all.owner = "nobody";
  Status status = apply({all});
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(modeOf(temp_.path() / "outside.txt"), 0644u);
  EXPECT_EQ(statOf(temp_.path() / "outside.txt").st_uid, ::geteuid());
  EXPECT_EQ(modeOf(host("/var/www/index.html")), 0600u);
}

TEST_F(PermissionsTest, OwnerAndGroupAreApplied) {
  if (::geteuid() != 0) GTEST_SKIP() << "changing owners needs root";
  struct passwd* nobody = ::getpwnam("nobody");
  struct group* nogroup = ::getgrnam("nogroup");
  if (nobody == nullptr || nogroup == nullptr) GTEST_SKIP() << "no nobody/nogroup on this host";
  uid_t nobodyUid = nobody->pw_uid;
  gid_t nogroupGid = nogroup->gr_gid;
  Permission owned = permission("/var/www");
  owned.owner = "nobody";
  owned.group = "nogroup";
  owned.pattern = "*.html";
  ASSERT_TRUE(apply({owned}).ok());
  EXPECT_EQ(statOf(host("/var/www/index.html")).st_uid, nobodyUid);
  EXPECT_EQ(statOf(host("/var/www/index.html")).st_gid, nogroupGid);
  EXPECT_EQ(statOf(host("/var/www")).st_uid, nobodyUid);  // the object itself: no type given
  EXPECT_EQ(statOf(host("/var/www/app.js")).st_uid, 0u);
}

TEST_F(PermissionsTest, AnUnknownOwnerFailsNamingItAndChangesNothing) {
  Permission ghost = permission("/var/www");
  ghost.owner = "greenlight-no-such-user";
  ghost.mode = 0600;
  Status status = apply({ghost});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, "PermissionsFailed");
  EXPECT_NE(status.error().message.find("greenlight-no-such-user"), std::string::npos);
  EXPECT_NE(status.error().message.find("appspec line 12"), std::string::npos);
  EXPECT_EQ(modeOf(host("/var/www/index.html")), 0644u);
}

TEST_F(PermissionsTest, AnUnknownGroupFailsNamingIt) {
  Permission ghost = permission("/var/www");
  ghost.group = "greenlight-no-such-group";
  Status status = apply({ghost});
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("greenlight-no-such-group"), std::string::npos);
}

TEST_F(PermissionsTest, AnObjectOutsideTheHostTreeIsRefused) {
  Permission escape = permission("/var/../../etc");
  escape.mode = 0777;
  Status status = apply({escape});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, "PermissionsFailed");
}

TEST_F(PermissionsTest, AclEntriesAreAddedWithAMaskAndDefaultsOnFolders) {
  if (!supportsAcls(temp_.path())) GTEST_SKIP() << "the temporary folder's filesystem has no ACLs";
  Permission acls = permission("/var/www");
  acls.acls = {"u:nobody:rw", "g:nogroup:r", "d:u:nobody:rwx"};
  Status status = apply({acls});
  ASSERT_TRUE(status.ok()) << status.error().message;
  std::string file = aclText(host("/var/www/index.html"), ACL_TYPE_ACCESS);
  EXPECT_NE(file.find("user:nobody:rw-"), std::string::npos) << file;
  EXPECT_NE(file.find("group:nogroup:r--"), std::string::npos) << file;
  EXPECT_NE(file.find("mask::rw-"), std::string::npos) << file;
  EXPECT_NE(file.find("user::rw-"), std::string::npos) << file;  // existing entries kept
  std::string folderDefault = aclText(host("/var/www/sub"), ACL_TYPE_DEFAULT);
  EXPECT_NE(folderDefault.find("user:nobody:rwx"), std::string::npos) << folderDefault;
  EXPECT_NE(folderDefault.find("user::rwx"), std::string::npos) << folderDefault;  // seeded
  EXPECT_EQ(aclText(host("/var/www/index.html"), ACL_TYPE_DEFAULT), "");  // files have none
}

TEST_F(PermissionsTest, AclEntriesReplaceAnEntryWithTheSameQualifier) {
  if (!supportsAcls(temp_.path())) GTEST_SKIP() << "the temporary folder's filesystem has no ACLs";
  Permission first = permission("/var/www/app.js");
  first.acls = {"u:nobody:rwx"};
  Permission second = permission("/var/www/app.js");
  second.acls = {"user:nobody:r--"};
  ASSERT_TRUE(apply({first, second}).ok());
  std::string text = aclText(host("/var/www/app.js"), ACL_TYPE_ACCESS);
  EXPECT_NE(text.find("user:nobody:r--"), std::string::npos) << text;
  EXPECT_EQ(text.find("user:nobody:rwx"), std::string::npos) << text;
}

TEST_F(PermissionsTest, AnInvalidAclEntryFailsNamingIt) {
  Permission bad = permission("/var/www");
  bad.acls = {"u:nobody:rw", "x:whatever:rwz"};
  bad.mode = 0600;
  Status status = apply({bad});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, "PermissionsFailed");
  EXPECT_NE(status.error().message.find("x:whatever:rwz"), std::string::npos);
  EXPECT_NE(status.error().message.find("appspec line 12"), std::string::npos);
  EXPECT_EQ(modeOf(host("/var/www/index.html")), 0644u);  // checked before anything changed
}

TEST_F(PermissionsTest, SelinuxContextIsSkippedWithALogLineWhenSelinuxIsOff) {
  if (::access("/sys/fs/selinux/enforce", F_OK) == 0) GTEST_SKIP() << "SELinux is enabled here";
  Permission labelled = permission("/var/www");
  labelled.context = appspec::SelinuxContext{"system_u", "httpd_sys_content_t", "s0"};
  ASSERT_TRUE(apply({labelled}).ok());
  EXPECT_TRUE(contains(log_, "skipped the SELinux context of the permission for /var/www (appspec line 12)"));
}

TEST_F(PermissionsTest, APermissionMatchingNothingIsLogged) {
  Permission none = permission("/opt/absent");
  none.mode = 0600;
  ASSERT_TRUE(apply({none}).ok());
  EXPECT_TRUE(contains(log_, "matched no installed path"));
}

}  // namespace
}  // namespace greenlight::agent
