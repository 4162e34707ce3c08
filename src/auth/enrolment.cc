// Exchanging an enrolment token for an agent credential.
#include "auth/enrolment.h"

#include "auth/authorisation.h"
#include "store/sqlite_transaction.h"

namespace greenlight::auth {

Result<CreatedToken> enrolAgent(TokenStore& tokens, AuditLog& audit, const Principal& enrolment,
                                const std::string& hostName) {
  if (Status allowed = authorise(enrolment, Action::Enrol, enrolment.scope); !allowed.ok()) {
    return allowed.error();
  }
  const std::string& group = *enrolment.scope;  // authorise refuses a scoped role without one
  auto transaction = store::Transaction::begin(tokens.database());
  if (!transaction.ok()) return transaction.error();
  auto replaced = tokens.revokeActive(Role::Agent, group, hostName);
  if (!replaced.ok()) return replaced.error();
  auto created = tokens.create({hostName, Role::Agent, group, std::nullopt});
  if (!created.ok()) return created.error();
  auto audited = audit.record(tokens.database(), enrolment, "enrol-agent",
                              "token:" + std::to_string(created->token.id),
                              {{"host", hostName}, {"group", group}, {"replaced", *replaced}});
  if (!audited.ok()) return audited.error();
  if (Status committed = transaction->commit(); !committed.ok()) return committed.error();
  return created;
}

}  // namespace greenlight::auth
