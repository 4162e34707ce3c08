// The whole role/action matrix, pinned cell by cell, and the scope rule of host tokens.
#include "auth/authorisation.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace greenlight::auth {
namespace {

// Every (role, action) pair that is allowed; any pair not listed must be refused.
const std::map<Role, std::set<Action>>& expectedMatrix() {
  static const std::map<Role, std::set<Action>> matrix = {
      {Role::Viewer, {Action::Read}},
      {Role::Deployer,
       {Action::Read, Action::Deploy, Action::Stop, Action::Rollback, Action::Continue,
        Action::PushRevision}},
      {Role::Admin,
       {Action::Read, Action::Deploy, Action::Stop, Action::Rollback, Action::Continue,
        Action::PushRevision, Action::ManageApps, Action::ManageGroups, Action::ManageConfigs,
        Action::ManageTokens}},
      {Role::Agent, {Action::AgentPoll, Action::AgentReport}},
      {Role::Enrolment, {Action::Enrol}},
  };
  return matrix;
}

TEST(AuthorisationTest, EveryRoleAndActionPairMatchesTheMatrix) {
  int cells = 0;
  for (Role role : kAllRoles) {
    const std::set<Action>& allowed = expectedMatrix().at(role);
    for (Action action : kAllActions) {
      EXPECT_EQ(isAllowed(role, action), allowed.count(action) == 1)
          << roleName(role) << " / " << actionName(action);
      ++cells;
    }
  }
  EXPECT_EQ(cells, 5 * 13);
}

TEST(AuthorisationTest, NamesRoundTripAndUnknownNamesAreRefused) {
  for (Role role : kAllRoles) EXPECT_EQ(parseRole(roleName(role)), role);
  for (Action action : kAllActions) EXPECT_EQ(parseAction(actionName(action)), action);
  EXPECT_EQ(parseRole("root"), std::nullopt);
  EXPECT_EQ(parseRole("Admin"), std::nullopt);
  EXPECT_EQ(parseAction("delete-everything"), std::nullopt);
  EXPECT_EQ(actionName(Action::ManageTokens), "manage-tokens");
  EXPECT_EQ(actionName(Action::AgentPoll), "agent-poll");
}

TEST(AuthorisationTest, PeopleAreNotBoundToAScope) {
  Principal deployer{3, "ci", Role::Deployer, std::nullopt};
  EXPECT_TRUE(authorise(deployer, Action::Deploy, "web-production").ok());
  EXPECT_TRUE(authorise(deployer, Action::Read).ok());
  Status refused = authorise(deployer, Action::ManageTokens);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "Forbidden");
  EXPECT_NE(refused.error().message.find("token 'ci' (deployer) may not manage-tokens"),
            std::string::npos)
      << refused.error().message;
}

TEST(AuthorisationTest, AnAgentActsOnlyForItsOwnGroup) {
  Principal agent{7, "host-1", Role::Agent, "web-production"};
  EXPECT_TRUE(authorise(agent, Action::AgentPoll, "web-production").ok());
  EXPECT_TRUE(authorise(agent, Action::AgentReport, "web-production").ok());
  EXPECT_FALSE(authorise(agent, Action::AgentPoll, "web-staging").ok());
  EXPECT_FALSE(authorise(agent, Action::AgentPoll).ok());  // no group named: refused
  EXPECT_FALSE(authorise(agent, Action::Read, "web-production").ok());
  EXPECT_FALSE(authorise(agent, Action::Enrol, "web-production").ok());
  Status other = authorise(agent, Action::AgentReport, "db");
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.error().message.find("'web-production'"), std::string::npos);
  EXPECT_NE(other.error().message.find("not for 'db'"), std::string::npos);
}

TEST(AuthorisationTest, AnEnrolmentTokenOnlyEnrolsIntoItsGroup) {
  Principal enrolment{8, "web enrolment", Role::Enrolment, "web-production"};
  EXPECT_TRUE(authorise(enrolment, Action::Enrol, "web-production").ok());
  EXPECT_FALSE(authorise(enrolment, Action::Enrol, "web-staging").ok());
  EXPECT_FALSE(authorise(enrolment, Action::AgentPoll, "web-production").ok());
  // A scoped role without a scope (which TokenStore never creates) is refused, not trusted.
  Principal unscoped{9, "odd", Role::Enrolment, std::nullopt};
  EXPECT_FALSE(authorise(unscoped, Action::Enrol, "").ok());
}

}  // namespace
}  // namespace greenlight::auth
