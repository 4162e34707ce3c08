// The role/action matrix and the scope rule.
#include "auth/authorisation.h"

#include <string>

namespace greenlight::auth {

std::string_view actionName(Action action) {
  switch (action) {
    case Action::Read: return "read";
    case Action::Deploy: return "deploy";
    case Action::Stop: return "stop";
    case Action::Rollback: return "rollback";
    case Action::Continue: return "continue";
    case Action::PushRevision: return "push-revision";
    case Action::ManageApps: return "manage-apps";
    case Action::ManageGroups: return "manage-groups";
    case Action::ManageConfigs: return "manage-configs";
    case Action::ManageTokens: return "manage-tokens";
    case Action::AgentPoll: return "agent-poll";
    case Action::AgentReport: return "agent-report";
    case Action::Enrol: return "enrol";
  }
  return "unknown";
}

std::optional<Action> parseAction(std::string_view name) {
  for (Action action : kAllActions) {
    if (actionName(action) == name) return action;
  }
  return std::nullopt;
}

namespace {

bool isHostAction(Action action) {
  return action == Action::AgentPoll || action == Action::AgentReport || action == Action::Enrol;
}

bool isDeployerAction(Action action) {
  return action == Action::Read || action == Action::Deploy || action == Action::Stop ||
         action == Action::Rollback || action == Action::Continue ||
         action == Action::PushRevision;
}

}  // namespace

bool isAllowed(Role role, Action action) {
  switch (role) {
    case Role::Admin: return !isHostAction(action);
    case Role::Deployer: return isDeployerAction(action);
    case Role::Viewer: return action == Action::Read;
    case Role::Agent: return action == Action::AgentPoll || action == Action::AgentReport;
    case Role::Enrolment: return action == Action::Enrol;
  }
  return false;
}

Status authorise(const Principal& principal, Action action,
                 std::optional<std::string_view> resourceScope) {
  std::string who = "token '" + principal.name + "' (" + std::string(roleName(principal.role)) +
                    ")";
  if (!isAllowed(principal.role, action)) {
    return Error{"Forbidden", who + " may not " + std::string(actionName(action)) +
                                  "; ask an admin for a token with a role that allows it"};
  }
  if (!roleRequiresScope(principal.role)) return Status::success();
  // A scoped token without a scope cannot be created; refuse rather than assume anything.
  if (!principal.scope || !resourceScope || *resourceScope != *principal.scope) {
    return Error{"Forbidden",
                 who + " belongs to deployment group '" + principal.scope.value_or("") +
                     "' and may " + std::string(actionName(action)) + " only there, not for '" +
                     std::string(resourceScope.value_or("")) + "'"};
  }
  return Status::success();
}

}  // namespace greenlight::auth
