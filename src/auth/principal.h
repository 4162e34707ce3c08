// Who is calling: the identity an authenticated token stands for.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "auth/role.h"

namespace greenlight::auth {

struct Principal {
  std::int64_t tokenId = 0;  // 0 only for greenlight itself (systemPrincipal)
  std::string name;
  Role role = Role::Viewer;
  std::optional<std::string> scope;  // the deployment group of an agent or enrolment token
};

// greenlight acting on its own (first-start bootstrap, housekeeping), for the audit log.
Principal systemPrincipal();

}  // namespace greenlight::auth
