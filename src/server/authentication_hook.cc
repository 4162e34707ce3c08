// Bearer token → token store → principal; every refusal says why and what to do.
#include "server/authentication_hook.h"

#include <string>

#include "auth/role.h"
#include "auth/token_secret.h"

namespace greenlight::server {

void AuthenticatedPrincipals::remember(const std::string& secretHash,
                                       const auth::Principal& principal) {
  std::lock_guard lock(mutex_);
  bySecretHash_.insert_or_assign(secretHash, principal);
}

std::optional<auth::Principal> AuthenticatedPrincipals::find(const std::string& secretHash) const {
  std::lock_guard lock(mutex_);
  auto found = bySecretHash_.find(secretHash);
  if (found == bySecretHash_.end()) return std::nullopt;
  return found->second;
}

http::Authenticator makeAuthenticator(store::SerializedSqliteDatabase& database,
                                      auth::TokenStore& tokens,
                                      AuthenticatedPrincipals& principals) {
  return [&database, &tokens, &principals](const http::HttpRequest& request) {
    std::optional<std::string> secret = http::bearerToken(request);
    if (!secret) {
      return http::AuthDecision::unauthenticated(
          "No API token was sent. Send 'Authorization: Bearer <token>' (the first admin token is "
          "in the server's data folder, admin.token).");
    }
    Result<auth::Principal> principal = database.withConnection(
        [&](store::SqliteDatabase&) { return tokens.authenticate(*secret); });
    if (!principal.ok()) {
      return http::AuthDecision::unauthenticated(principal.error().code + ": " +
                                                 principal.error().message);
    }
    principals.remember(auth::tokenSecretHash(*secret), *principal);
    return http::AuthDecision::allow(
        http::Principal{principal->name, {std::string(auth::roleName(principal->role))}});
  };
}

std::optional<auth::Principal> principalOf(const http::HttpRequest& request,
                                           const AuthenticatedPrincipals& principals) {
  std::optional<std::string> secret = http::bearerToken(request);
  if (!secret || !request.principal) return std::nullopt;
  return principals.find(auth::tokenSecretHash(*secret));
}

}  // namespace greenlight::server
