// What each role may do: the explicit list of API actions and one pure decision over it, so the
// whole role/action matrix is in one place and pinned by a table test.
#pragma once

#include <optional>
#include <string_view>

#include "auth/principal.h"
#include "auth/role.h"
#include "common/result.h"

namespace greenlight::auth {

enum class Action {
  Read,            // see applications, groups, deployments, instances, the audit log
  Deploy,          // start a deployment
  Stop,            // stop a running deployment
  Rollback,        // roll a deployment back
  Continue,        // let a paused (blue/green, canary) deployment go on
  PushRevision,    // upload or register a revision
  ManageApps,      // create, change, delete applications
  ManageGroups,    // create, change, delete deployment groups
  ManageConfigs,   // create, change, delete deployment configurations
  ManageTokens,    // create, list, revoke tokens
  AgentPoll,       // a host asks for its next commands
  AgentReport,     // a host reports lifecycle events and results
  Enrol,           // a host exchanges its group's enrolment token for its own credential
};

inline constexpr Action kAllActions[] = {
    Action::Read,         Action::Deploy,       Action::Stop,          Action::Rollback,
    Action::Continue,     Action::PushRevision, Action::ManageApps,    Action::ManageGroups,
    Action::ManageConfigs, Action::ManageTokens, Action::AgentPoll,    Action::AgentReport,
    Action::Enrol};

// "read", "deploy", "manage-tokens", "agent-poll", ...
std::string_view actionName(Action action);
std::optional<Action> parseAction(std::string_view name);

// Pure. People: a viewer reads; a deployer also deploys, stops, rolls back, continues and pushes
// revisions; an admin does every operator action, tokens included. Hosts: an agent only polls
// and reports, an enrolment token only enrols. No person's role includes the host actions: those
// identify a host, and a person's token is not one (an admin makes host credentials through
// manage-tokens instead).
bool isAllowed(Role role, Action action);

// isAllowed, plus the scope rule: an agent or enrolment token acts only on its own deployment
// group, so `resourceScope` (the group the call is about) must be given and equal its scope.
// A refusal is a "Forbidden" Error saying which token, which action and why.
Status authorise(const Principal& principal, Action action,
                 std::optional<std::string_view> resourceScope = std::nullopt);

}  // namespace greenlight::auth
