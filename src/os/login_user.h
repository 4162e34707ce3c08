// The user a hook runs as (`runas` in the AppSpec) and that user's login environment, resolved
// before forking because NSS lookups are not safe between fork and exec.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "common/result.h"

namespace greenlight::os {

struct LoginUser {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
  std::string home;
  std::string shell;
  std::vector<gid_t> supplementaryGroups;  // as initgroups(3) would set them
};

// Looks `name` up in the user database (getpwnam_r) with its groups (getgrouplist).
// Error code "RunasUnknownUser" when there is no such user.
Result<LoginUser> lookUpLoginUser(const std::string& name);

// The environment a hook sees when it runs as `user`: `base` (the deployment's variables) with
// the user's login variables laid over it. "Login environment" here means what a login(1) or
// `su -` session sets before any shell profile runs: HOME, USER, LOGNAME and SHELL from the
// password database and a standard PATH (the sbin directories only for root). Profile scripts
// (/etc/profile, ~/.bashrc) are not sourced: a hook that wants them sources them itself, as it
// would under CodeDeploy.
std::map<std::string, std::string> loginEnvironment(const LoginUser& user,
                                                    std::map<std::string, std::string> base);

}  // namespace greenlight::os
