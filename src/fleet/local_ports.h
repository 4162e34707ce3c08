// Choosing the port a local instance's hooks get (GREENLIGHT_PORT): the group's basePort+k, or a
// port free on 127.0.0.1 that no other instance was given.
#pragma once

#include <optional>
#include <set>

#include "common/result.h"

namespace greenlight::fleet {

// REQUIRES: basePort, when given, is 1..65535. `taken`: ports already given to other instances.
Result<int> choosePort(const std::optional<int>& basePort, int ordinal, const std::set<int>& taken);

}  // namespace greenlight::fleet
