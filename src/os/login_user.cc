// Password and group database lookups for `runas`.
#include "os/login_user.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>

namespace greenlight::os {
namespace {

constexpr const char* kRootPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
constexpr const char* kUserPath = "/usr/local/bin:/usr/bin:/bin";

Result<std::vector<gid_t>> groupsOf(const std::string& name, gid_t primaryGroup) {
  std::vector<gid_t> groups(64);
  for (int attempt = 0; attempt < 8; ++attempt) {
    int count = static_cast<int>(groups.size());
    if (::getgrouplist(name.c_str(), primaryGroup, groups.data(), &count) >= 0) {
      groups.resize(static_cast<size_t>(count));
      return groups;
    }
    // Too small: count now holds the number needed.
    groups.resize(static_cast<size_t>(count) > groups.size() ? static_cast<size_t>(count)
                                                             : groups.size() * 2);
  }
  return Error{"RunasGroupsUnreadable",
               "could not read the groups of user '" + name +
                   "' (runas in the AppSpec); check /etc/group and nsswitch.conf on this instance"};
}

}  // namespace

Result<LoginUser> lookUpLoginUser(const std::string& name) {
  long suggested = ::sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buffer(suggested > 0 ? static_cast<size_t>(suggested) : 16384);
  passwd entry{};
  passwd* found = nullptr;
  int rc = 0;
  while ((rc = ::getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found)) ==
             ERANGE &&
         buffer.size() < (1U << 20)) {
    buffer.resize(buffer.size() * 2);
  }
  if (rc != 0 && rc != ENOENT && rc != ESRCH) {
    return errnoError("RunasLookupFailed",
                      "could not look up user '" + name + "' (runas in the AppSpec)", rc);
  }
  if (found == nullptr) {
    return Error{"RunasUnknownUser", "no such user '" + name +
                                         "' (runas in the AppSpec); create the user on this "
                                         "instance or correct runas"};
  }
  LoginUser user;
  user.name = entry.pw_name;
  user.uid = entry.pw_uid;
  user.gid = entry.pw_gid;
  user.home = entry.pw_dir != nullptr ? entry.pw_dir : "";
  user.shell = entry.pw_shell != nullptr && entry.pw_shell[0] != '\0' ? entry.pw_shell : "/bin/sh";
  auto groups = groupsOf(user.name, user.gid);
  if (!groups) return groups.error();
  user.supplementaryGroups = std::move(groups.value());
  return user;
}

std::map<std::string, std::string> loginEnvironment(const LoginUser& user,
                                                    std::map<std::string, std::string> base) {
  base["HOME"] = user.home;
  base["USER"] = user.name;
  base["LOGNAME"] = user.name;
  base["SHELL"] = user.shell;
  base["PATH"] = user.uid == 0 ? kRootPath : kUserPath;
  return base;
}

}  // namespace greenlight::os
