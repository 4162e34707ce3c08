// The roles a token can carry, and their names as stored and shown.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace greenlight::auth {

// Admin, Deployer and Viewer are people (or their scripts); Agent is one host's own credential;
// Enrolment is a group's token that hosts present once to obtain their Agent credential.
enum class Role { Admin, Deployer, Viewer, Agent, Enrolment };

inline constexpr Role kAllRoles[] = {Role::Admin, Role::Deployer, Role::Viewer, Role::Agent,
                                     Role::Enrolment};

// "admin", "deployer", "viewer", "agent", "enrolment".
std::string_view roleName(Role role);
// The role with that name, or nothing.
std::optional<Role> parseRole(std::string_view name);
// Agent and enrolment tokens act for one deployment group only, so they must name it.
bool roleRequiresScope(Role role);

}  // namespace greenlight::auth
