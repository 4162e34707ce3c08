// The Install event's last step: owner, group, mode, ACLs and SELinux context from the AppSpec's
// `permissions`, applied to the object and the installed paths below it. See file_installer.h.
#include <fcntl.h>
#include <fnmatch.h>
#include <grp.h>
#include <pwd.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <optional>
#include <set>

#include "agent/file_installer.h"
#include "agent/file_paths.h"
#include "agent/permissions_acl.h"

extern char** environ;

namespace greenlight::agent {

namespace {

namespace fs = std::filesystem;
using appspec::Permission;
using appspec::PermissionObjectType;

constexpr const char* kSelinuxEnforceFile = "/sys/fs/selinux/enforce";

std::string describe(const Permission& permission) {
  std::string text = "the permission for " + permission.object;
  if (permission.where.line > 0) text += " (appspec line " + std::to_string(permission.where.line) + ")";
  return text;
}

std::string octal(std::uint32_t mode) {
  char text[16];
  std::snprintf(text, sizeof text, "%04o", mode);
  return text;
}

bool allDigits(const std::string& text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
}

std::size_t lookupBufferSize() {
  long suggested = ::sysconf(_SC_GETPW_R_SIZE_MAX);
  return suggested > 0 ? static_cast<std::size_t>(suggested) * 4 : 65536;
}

Result<uid_t> lookupUser(const std::string& name, const Permission& permission) {
  std::vector<char> buffer(lookupBufferSize());
  struct passwd entry {};
  struct passwd* found = nullptr;
  ::getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found);
  if (found != nullptr) return found->pw_uid;
  if (allDigits(name)) return static_cast<uid_t>(std::stoul(name));
  return Error{"PermissionsFailed", "The owner '" + name + "' of " + describe(permission) +
                                        " is not a user on this host. Create the user (for example in "
                                        "a BeforeInstall hook) or fix the owner in the AppSpec."};
}

Result<gid_t> lookupGroup(const std::string& name, const Permission& permission) {
  std::vector<char> buffer(lookupBufferSize());
  struct group entry {};
  struct group* found = nullptr;
  ::getgrnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found);
  if (found != nullptr) return found->gr_gid;
  if (allDigits(name)) return static_cast<gid_t>(std::stoul(name));
  return Error{"PermissionsFailed", "The group '" + name + "' of " + describe(permission) +
                                        " is not a group on this host. Create the group (for example "
                                        "in a BeforeInstall hook) or fix the group in the AppSpec."};
}

bool typeMatches(const Permission& permission, const struct stat& info) {
  if (permission.types.empty()) return true;
  // A link counts as a file: it is not a folder one can install into.
  PermissionObjectType type = S_ISDIR(info.st_mode) ? PermissionObjectType::Directory : PermissionObjectType::File;
  for (PermissionObjectType wanted : permission.types) {
    if (wanted == type) return true;
  }
  return false;
}

// Patterns match the name; one holding a '/' matches the path below the object instead.
bool globMatches(const std::string& pattern, const std::string& name, const std::string& relativePath) {
  const std::string& subject = pattern.find('/') == std::string::npos ? name : relativePath;
  return ::fnmatch(pattern.c_str(), subject.c_str(), 0) == 0;
}

struct Target {
  std::string hostPath;
  fs::path disk;
  struct stat info {};
};

// The object itself (its type permitting) and the installed paths below it that the pattern,
// except list and types select.
std::vector<Target> selectTargets(const Permission& permission, const std::string& object,
                                  const InstallRecord& installed, const fs::path& installRoot) {
  std::vector<Target> targets;
  std::set<std::string> seen;
  auto consider = [&](const std::string& hostPath, bool isObject) {
    if (seen.count(hostPath) > 0) return;
    Target target{hostPath, onDisk(installRoot, hostPath), {}};
    if (::lstat(target.disk.c_str(), &target.info) != 0) return;
    if (!typeMatches(permission, target.info)) return;
    if (!isObject) {
      std::string relative = object == "/" ? hostPath.substr(1) : hostPath.substr(object.size() + 1);
      std::string name = fs::path(hostPath).filename().string();
      if (!globMatches(permission.pattern, name, relative)) return;
      for (const std::string& except : permission.except) {
        if (globMatches(except, name, relative)) return;
      }
    }
    seen.insert(hostPath);
    targets.push_back(std::move(target));
  };
  consider(object, true);
  for (const std::string& path : installed.paths) {
    if (!isConfinedHostPath(path)) continue;
    std::string hostPath = normalizeHostPath(path);
    if (hostPath != object && isAtOrBelow(hostPath, object)) consider(hostPath, false);
  }
  return targets;
}

// Runs chcon without a shell; returns its combined output on failure.
Status runChcon(const std::vector<std::string>& arguments, const std::string& hostPath, const std::string& where) {
  std::vector<char*> argv;
  for (const std::string& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
  argv.push_back(nullptr);
  int pipeFds[2];
  if (::pipe2(pipeFds, O_CLOEXEC) != 0) {
    return fileError("PermissionsFailed", "Could not start chcon for " + hostPath, errno, "Retry the deployment.");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipeFds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, pipeFds[1], STDERR_FILENO);
  pid_t pid = 0;
  int spawned = ::posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipeFds[1]);
  std::string output;
  if (spawned == 0) {
    char buffer[4096];
    ssize_t n = 0;
    while ((n = ::read(pipeFds[0], buffer, sizeof buffer)) > 0 || (n < 0 && errno == EINTR)) {
      if (n > 0) output.append(buffer, static_cast<std::size_t>(n));
    }
  }
  ::close(pipeFds[0]);
  if (spawned != 0) {
    return fileError("PermissionsFailed", "Could not run chcon to set the SELinux context of " + hostPath +
                         " for " + where, spawned, "Install coreutils' chcon or remove the context.");
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return Status::success();
  while (!output.empty() && output.back() == '\n') output.pop_back();
  return Error{"PermissionsFailed", "chcon could not set the SELinux context of " + hostPath + " for " + where +
                                        ": " + output + ". Check the context's user, type and range."};
}

std::vector<std::string> chconArguments(const appspec::SelinuxContext& context, const fs::path& disk) {
  // -h: change a link itself, never what it points to.
  std::vector<std::string> arguments{"chcon", "-h"};
  if (context.user) arguments.insert(arguments.end(), {"-u", *context.user});
  if (!context.type.empty()) arguments.insert(arguments.end(), {"-t", context.type});
  if (context.range) arguments.insert(arguments.end(), {"-l", *context.range});
  arguments.push_back("--");
  arguments.push_back(disk.string());
  return arguments;
}

struct ResolvedPermission {
  std::optional<uid_t> owner;
  std::optional<gid_t> group;
  AclEntries acls;
};

// Looks everything up before the first path is touched, so a typo fails cleanly.
Result<ResolvedPermission> resolve(const Permission& permission) {
  ResolvedPermission resolved;
  if (!isConfinedHostPath(permission.object)) {
    return Error{"PermissionsFailed", "The object of " + describe(permission) +
                                          " is not an absolute path without '..'. Write it as a full "
                                          "path such as /var/www/app."};
  }
  if (permission.mode && *permission.mode > 07777) {
    return Error{"PermissionsFailed", "The mode " + octal(*permission.mode) + " of " + describe(permission) +
                                          " is not a file mode. Write up to four octal digits, e.g. 0755."};
  }
  if (permission.owner) {
    Result<uid_t> owner = lookupUser(*permission.owner, permission);
    if (!owner) return owner.error();
    resolved.owner = *owner;
  }
  if (permission.group) {
    Result<gid_t> group = lookupGroup(*permission.group, permission);
    if (!group) return group.error();
    resolved.group = *group;
  }
  Result<AclEntries> acls = parseAclEntries(permission.acls, describe(permission));
  if (!acls) return acls.error();
  resolved.acls = std::move(*acls);
  return resolved;
}

Status applyToTarget(const Permission& permission, const ResolvedPermission& resolved, const Target& target,
                     bool selinuxEnabled) {
  const std::string where = describe(permission);
  bool isLink = S_ISLNK(target.info.st_mode);
  if (resolved.owner || resolved.group) {
    uid_t owner = resolved.owner.value_or(static_cast<uid_t>(-1));
    gid_t group = resolved.group.value_or(static_cast<gid_t>(-1));
    if (::lchown(target.disk.c_str(), owner, group) != 0) {
      return fileError("PermissionsFailed", "Could not change the owner of " + target.hostPath + " for " + where,
                       errno, "The agent must run as root to change owners.");
    }
  }
  // Links have no mode or ACL of their own on Linux; changing them would change their target.
  if (permission.mode && !isLink && ::chmod(target.disk.c_str(), *permission.mode) != 0) {
    return fileError("PermissionsFailed", "Could not change the mode of " + target.hostPath + " for " + where,
                     errno, "Check that the agent may change it.");
  }
  if (!resolved.acls.empty() && !isLink) {
    Status set = applyAclEntries(resolved.acls, target.disk, S_ISDIR(target.info.st_mode), target.hostPath, where);
    if (!set) return set;
  }
  if (permission.context && selinuxEnabled) {
    return runChcon(chconArguments(*permission.context, target.disk), target.hostPath, where);
  }
  return Status::success();
}

std::string summary(const Permission& permission) {
  std::string text;
  auto add = [&](const std::string& part) { text += (text.empty() ? "" : ", ") + part; };
  if (permission.owner) add("owner " + *permission.owner);
  if (permission.group) add("group " + *permission.group);
  if (permission.mode) add("mode " + octal(*permission.mode));
  if (!permission.acls.empty()) add(std::to_string(permission.acls.size()) + " ACL entries");
  if (permission.context) add("SELinux type " + permission.context->type);
  return text.empty() ? "nothing to change" : text;
}

}  // namespace

Status applyPermissions(const appspec::AppSpec& spec, const InstallRecord& installed,
                        const std::filesystem::path& installRoot, std::vector<std::string>& log) {
  bool selinuxEnabled = ::access(kSelinuxEnforceFile, F_OK) == 0;
  for (const Permission& permission : spec.permissions) {
    Result<ResolvedPermission> resolved = resolve(permission);
    if (!resolved) return resolved.error();
    std::string object = normalizeHostPath(permission.object);
    std::vector<Target> targets = selectTargets(permission, object, installed, installRoot);
    for (const Target& target : targets) {
      if (Status applied = applyToTarget(permission, *resolved, target, selinuxEnabled); !applied) return applied;
    }
    if (targets.empty()) {
      log.push_back(describe(permission) + " matched no installed path");
      continue;
    }
    log.push_back("applied " + describe(permission) + " to " + std::to_string(targets.size()) +
                  (targets.size() == 1 ? " path: " : " paths: ") + summary(permission));
    if (permission.context && !selinuxEnabled) {
      log.push_back("skipped the SELinux context of " + describe(permission) + ": SELinux is not enabled on this host");
    }
  }
  return Status::success();
}

}  // namespace greenlight::agent
