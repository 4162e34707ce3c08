// API tokens in the store: created with a role (and a deployment group for host tokens), shown
// once, kept only as a sha256, authenticated back to a Principal, listed without secrets, revoked.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/principal.h"
#include "auth/role.h"
#include "common/clock.h"
#include "common/result.h"
#include "store/sqlite_database.h"

namespace greenlight::auth {

// Stable Error::code tokens of authenticate(), for the HTTP layer to answer 401 with.
inline constexpr const char* kTokenMalformed = "TokenMalformed";
inline constexpr const char* kTokenUnknown = "TokenUnknown";
inline constexpr const char* kTokenRevoked = "TokenRevoked";
inline constexpr const char* kTokenExpired = "TokenExpired";
// From create() and revoke().
inline constexpr const char* kTokenInvalid = "TokenInvalid";
inline constexpr const char* kTokenNotFound = "TokenNotFound";

struct NewToken {
  std::string name;                   // for people: who holds it; for agents: the host
  Role role = Role::Viewer;
  std::optional<std::string> scope;   // required for agent and enrolment tokens, refused otherwise
  std::optional<WallTime> expiresAt;  // none: valid until revoked
};

// What may be shown about a token: never its secret nor its hash.
struct TokenInfo {
  std::int64_t id = 0;
  std::string name;
  Role role = Role::Viewer;
  std::optional<std::string> scope;
  WallTime createdAt;
  std::optional<WallTime> expiresAt;
  std::optional<WallTime> revokedAt;
  std::optional<WallTime> lastUsedAt;
};

struct CreatedToken {
  TokenInfo token;
  std::string secret;  // the only time it exists outside its holder's hands
};

// Not thread-safe, like the connection it uses (share through SerializedSqliteDatabase).
// Statements join the connection's open transaction when there is one, so a token change and its
// audit entry can commit together. REQUIRES: the auth schema is migrated; `database` and `clock`
// outlive the store.
class TokenStore {
 public:
  TokenStore(store::SqliteDatabase& database, const Clock& clock)
      : database_(database), clock_(clock) {}
  TokenStore(const TokenStore&) = delete;
  TokenStore& operator=(const TokenStore&) = delete;

  Result<CreatedToken> create(const NewToken& request);
  // The principal a secret stands for; kTokenMalformed / kTokenUnknown / kTokenRevoked /
  // kTokenExpired otherwise. Records the time of use (to the minute, so a busy agent does not
  // cost a write per call).
  Result<Principal> authenticate(std::string_view secret);
  // Every token, revoked and expired ones included, by id.
  Result<std::vector<TokenInfo>> list();
  Result<TokenInfo> find(std::int64_t id);
  // Revoking a revoked token keeps its first revocation time and succeeds.
  Status revoke(std::int64_t id);
  // Revokes every unrevoked token with exactly this role, scope and name; returns the ids revoked.
  Result<std::vector<std::int64_t>> revokeActive(Role role, const std::string& scope,
                                                 const std::string& name);
  // True when any token with `role` was ever created (revoked or expired ones included).
  Result<bool> anyWithRole(Role role);

  store::SqliteDatabase& database() { return database_; }
  const Clock& clock() const { return clock_; }

 private:
  Status recordUse(const TokenInfo& token, WallTime now);

  store::SqliteDatabase& database_;
  const Clock& clock_;
};

}  // namespace greenlight::auth
