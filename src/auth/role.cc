// Role names.
#include "auth/role.h"

namespace greenlight::auth {

std::string_view roleName(Role role) {
  switch (role) {
    case Role::Admin: return "admin";
    case Role::Deployer: return "deployer";
    case Role::Viewer: return "viewer";
    case Role::Agent: return "agent";
    case Role::Enrolment: return "enrolment";
  }
  return "unknown";
}

std::optional<Role> parseRole(std::string_view name) {
  for (Role role : kAllRoles) {
    if (roleName(role) == name) return role;
  }
  return std::nullopt;
}

bool roleRequiresScope(Role role) { return role == Role::Agent || role == Role::Enrolment; }

}  // namespace greenlight::auth
