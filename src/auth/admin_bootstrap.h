// The first admin token: made at the first start and written to DATA/admin.token (mode 0600) for
// the operator to pick up; never made twice or rewritten behind the operator's back.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "auth/audit_log.h"
#include "auth/token_store.h"
#include "common/result.h"

namespace greenlight::auth {

inline constexpr const char* kAdminTokenFileName = "admin.token";

enum class AdminTokenState {
  Created,         // first start: a new admin token was written to the file
  AlreadyPresent,  // an admin token was made before and the file is there; nothing done
  FileMissing,     // an admin token was made before but the file is gone; nothing done
};

struct AdminBootstrapOutcome {
  AdminTokenState state = AdminTokenState::AlreadyPresent;
  std::filesystem::path file;
  std::optional<std::int64_t> createdTokenId;
  std::string notice;  // for the server's log; empty when there is nothing to tell
};

// Call at every start, after migrateAuthSchema. When no admin token was ever created, creates one
// (audited as greenlight's own action) and writes its secret to dataDir/admin.token, created with
// O_EXCL and mode 0600 and fsynced, all before the token's transaction commits: a crash leaves
// either nothing or a file naming an uncommitted token (reported as AdminTokenFileStale at the
// next start), never a committed admin nobody holds. Otherwise changes nothing and says, in
// `notice`, what the operator should know (file missing, file readable by others).
Result<AdminBootstrapOutcome> ensureAdminToken(const std::filesystem::path& dataDir,
                                               TokenStore& tokens, AuditLog& audit);

// Recovery when admin.token is gone and no admin credential is held: creates another admin token
// and writes it to dataDir/admin.token. Refuses when that file exists. Meant for a local command
// run by someone who can already read the data folder, which is the trust admin.token assumes.
Result<AdminBootstrapOutcome> mintAdminToken(const std::filesystem::path& dataDir,
                                             TokenStore& tokens, AuditLog& audit);

}  // namespace greenlight::auth
