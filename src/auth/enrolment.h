// Agent enrolment: a host presents its deployment group's enrolment token once and receives its
// own agent credential for that group, which it uses from then on.
#pragma once

#include <string>

#include "auth/audit_log.h"
#include "auth/principal.h"
#include "auth/token_store.h"
#include "common/result.h"

namespace greenlight::auth {

// REQUIRES: `enrolment` was authenticated from the token the host presented; no transaction is
// open on the store's connection. Refuses (Forbidden) a principal that may not enrol. In one
// transaction: revokes any credential an earlier enrolment gave a host of that name in that group
// (a reinstalled host replaces its old identity), creates an agent token named `hostName` scoped
// to the enrolment token's group, and records "enrol-agent" in the audit log.
Result<CreatedToken> enrolAgent(TokenStore& tokens, AuditLog& audit, const Principal& enrolment,
                                const std::string& hostName);

}  // namespace greenlight::auth
