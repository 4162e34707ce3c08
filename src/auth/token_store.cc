// Token rows: creation, lookup by hash, listing and revocation.
#include "auth/token_store.h"

#include <chrono>

#include "auth/token_secret.h"

namespace greenlight::auth {
namespace {

constexpr const char* kColumns =
    "id, name, role, scope, created_at, expires_at, revoked_at, last_used_at, secret_sha256";
constexpr auto kLastUseResolution = std::chrono::minutes(1);

std::optional<WallTime> optionalTime(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  return parseTimestamp(*text);
}

std::optional<std::string> optionalText(const std::optional<WallTime>& time) {
  if (!time) return std::nullopt;
  return formatTimestamp(*time);
}

template <typename... Results>
const Error* firstError(const Results&... results) {
  const Error* found = nullptr;
  ((found = found != nullptr ? found : (results.ok() ? nullptr : &results.error())), ...);
  return found;
}

struct TokenRow {
  TokenInfo info;
  std::string secretHash;
};

Result<TokenRow> readRow(const store::SqliteStatement& row) {
  auto id = row.read<std::int64_t>(0);
  auto name = row.read<std::string>(1);
  auto role = row.read<std::string>(2);
  auto scope = row.read<std::optional<std::string>>(3);
  auto createdAt = row.read<std::string>(4);
  auto expiresAt = row.read<std::optional<std::string>>(5);
  auto revokedAt = row.read<std::optional<std::string>>(6);
  auto lastUsedAt = row.read<std::optional<std::string>>(7);
  auto hash = row.read<std::string>(8);
  if (const Error* error = firstError(id, name, role, scope, createdAt, expiresAt, revokedAt,
                                      lastUsedAt, hash)) {
    return *error;
  }
  std::optional<Role> parsedRole = parseRole(*role);
  if (!parsedRole) {
    return Error{"StoreSchemaMismatch", "token " + std::to_string(*id) + " has role '" + *role +
                                            "', which this greenlight does not know; upgrade "
                                            "greenlight or revoke the token"};
  }
  return TokenRow{TokenInfo{*id, *name, *parsedRole, *scope, parseTimestamp(*createdAt),
                            optionalTime(*expiresAt), optionalTime(*revokedAt),
                            optionalTime(*lastUsedAt)},
                  *hash};
}

// Names and scopes are shown to operators and written to logs: printable, one line, bounded.
Status checkLabel(std::string_view what, const std::string& value) {
  bool printable = true;
  for (char c : value) printable = printable && static_cast<unsigned char>(c) >= 0x20 && c != 0x7f;
  if (!value.empty() && value.size() <= 200 && printable) return Status::success();
  return Error{kTokenInvalid, "token " + std::string(what) +
                                  " must be 1 to 200 printable characters on one line"};
}

Status checkRequest(const NewToken& request, WallTime now) {
  if (Status named = checkLabel("name", request.name); !named.ok()) return named;
  std::string role(roleName(request.role));
  if (roleRequiresScope(request.role) && !request.scope) {
    return Error{kTokenInvalid, "a token with role " + role + " must name the deployment group "
                                    "it acts for (its scope)"};
  }
  if (!roleRequiresScope(request.role) && request.scope) {
    return Error{kTokenInvalid, "a token with role " + role + " cannot have a scope; scopes "
                                    "are for agent and enrolment tokens"};
  }
  if (request.scope) {
    if (Status scoped = checkLabel("scope", *request.scope); !scoped.ok()) return scoped;
  }
  if (request.expiresAt && *request.expiresAt <= now) {
    return Error{kTokenInvalid, "token '" + request.name + "' would expire at " +
                                    formatTimestamp(*request.expiresAt) +
                                    ", which is not in the future"};
  }
  return Status::success();
}

}  // namespace

Result<CreatedToken> TokenStore::create(const NewToken& request) {
  WallTime now = clock_.now();
  if (Status valid = checkRequest(request, now); !valid.ok()) return valid.error();
  Result<std::string> secret = generateTokenSecret();
  if (!secret.ok()) return secret.error();
  Status inserted = database_.run(
      "INSERT INTO api_tokens (name, role, scope, secret_sha256, created_at, expires_at)"
      " VALUES (?, ?, ?, ?, ?, ?)",
      request.name, roleName(request.role), request.scope, tokenSecretHash(*secret),
      formatTimestamp(now), optionalText(request.expiresAt));
  if (!inserted.ok()) return inserted.error();
  Result<TokenInfo> created = find(database_.lastInsertRowId());
  if (!created.ok()) return created.error();
  return CreatedToken{std::move(created).value(), std::move(secret).value()};
}

Result<Principal> TokenStore::authenticate(std::string_view secret) {
  if (!looksLikeTokenSecret(secret)) {
    return Error{kTokenMalformed, "the token presented is not a greenlight token (those start "
                                  "with glt_ and are 47 characters long); check that it was "
                                  "copied whole"};
  }
  // The lookup is by the secret's sha256: how long it takes depends on the hash, which an
  // attacker cannot steer towards a stored one, so timing reveals nothing about stored secrets.
  // The final comparison is constant-time all the same.
  std::string hash = tokenSecretHash(secret);
  Result<store::CachedStatement> select = database_.prepare(
      std::string("SELECT ") + kColumns + " FROM api_tokens WHERE secret_sha256 = ?");
  if (!select.ok()) return select.error();
  if (Status bound = (*select)->bindAll(hash); !bound.ok()) return bound.error();
  Result<bool> found = (*select)->step();
  if (!found.ok()) return found.error();
  Error unknown{kTokenUnknown, "the token presented is not known to this greenlight server; "
                              "ask an admin for a new token"};
  if (!*found) return unknown;
  Result<TokenRow> row = readRow(**select);
  if (!row.ok()) return row.error();
  if (!hashesEqual(row->secretHash, hash)) return unknown;
  (*select)->reset();
  const TokenInfo& token = row->info;
  std::string which = "token '" + token.name + "' (id " + std::to_string(token.id) + ")";
  if (token.revokedAt) {
    return Error{kTokenRevoked, which + " was revoked at " + formatTimestamp(*token.revokedAt) +
                                    "; ask an admin for a new token"};
  }
  WallTime now = clock_.now();
  if (token.expiresAt && *token.expiresAt <= now) {
    return Error{kTokenExpired, which + " expired at " + formatTimestamp(*token.expiresAt) +
                                    "; ask an admin for a new token"};
  }
  if (Status used = recordUse(token, now); !used.ok()) return used.error();
  return Principal{token.id, token.name, token.role, token.scope};
}

Status TokenStore::recordUse(const TokenInfo& token, WallTime now) {
  if (token.lastUsedAt && now - *token.lastUsedAt < kLastUseResolution) {
    return Status::success();
  }
  return database_.run("UPDATE api_tokens SET last_used_at = ? WHERE id = ?",
                       formatTimestamp(now), token.id);
}

Result<std::vector<TokenInfo>> TokenStore::list() {
  Result<store::CachedStatement> select =
      database_.prepare(std::string("SELECT ") + kColumns + " FROM api_tokens ORDER BY id");
  if (!select.ok()) return select.error();
  std::vector<TokenInfo> tokens;
  while (true) {
    Result<bool> more = (*select)->step();
    if (!more.ok()) return more.error();
    if (!*more) break;
    Result<TokenRow> row = readRow(**select);
    if (!row.ok()) return row.error();
    tokens.push_back(std::move(row->info));
  }
  return tokens;
}

Result<TokenInfo> TokenStore::find(std::int64_t id) {
  Result<store::CachedStatement> select =
      database_.prepare(std::string("SELECT ") + kColumns + " FROM api_tokens WHERE id = ?");
  if (!select.ok()) return select.error();
  if (Status bound = (*select)->bindAll(id); !bound.ok()) return bound.error();
  Result<bool> found = (*select)->step();
  if (!found.ok()) return found.error();
  if (!*found) {
    return Error{kTokenNotFound, "there is no token with id " + std::to_string(id) +
                                     "; list the tokens to see their ids"};
  }
  Result<TokenRow> row = readRow(**select);
  if (!row.ok()) return row.error();
  return std::move(row->info);
}

Status TokenStore::revoke(std::int64_t id) {
  Result<TokenInfo> token = find(id);
  if (!token.ok()) return token.error();
  if (token->revokedAt) return Status::success();
  return database_.run("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                       formatTimestamp(clock_.now()), id);
}

Result<std::vector<std::int64_t>> TokenStore::revokeActive(Role role, const std::string& scope,
                                                           const std::string& name) {
  std::vector<std::int64_t> ids;
  {
    Result<store::CachedStatement> select = database_.prepare(
        "SELECT id FROM api_tokens"
        " WHERE role = ? AND scope = ? AND name = ? AND revoked_at IS NULL ORDER BY id");
    if (!select.ok()) return select.error();
    if (Status bound = (*select)->bindAll(roleName(role), scope, name); !bound.ok()) {
      return bound.error();
    }
    while (true) {
      Result<bool> more = (*select)->step();
      if (!more.ok()) return more.error();
      if (!*more) break;
      Result<std::int64_t> id = (*select)->read<std::int64_t>(0);
      if (!id.ok()) return id.error();
      ids.push_back(*id);
    }
  }
  std::string now = formatTimestamp(clock_.now());
  for (std::int64_t id : ids) {
    if (Status revoked = database_.run("UPDATE api_tokens SET revoked_at = ? WHERE id = ?", now, id);
        !revoked.ok()) {
      return revoked.error();
    }
  }
  return ids;
}

Result<bool> TokenStore::anyWithRole(Role role) {
  Result<store::CachedStatement> select =
      database_.prepare("SELECT EXISTS (SELECT 1 FROM api_tokens WHERE role = ?)");
  if (!select.ok()) return select.error();
  if (Status bound = (*select)->bindAll(roleName(role)); !bound.ok()) return bound.error();
  Result<bool> row = (*select)->step();
  if (!row.ok()) return row.error();
  return (*select)->read<bool>(0);
}

}  // namespace greenlight::auth
