// Bearer token → token store → principal, or session cookie → session → its token still valid →
// principal; every refusal says why and what to do.
#include "server/authentication_hook.h"

#include <string>

#include "auth/role.h"
#include "auth/token_secret.h"
#include "common/sha256.h"

namespace greenlight::server {

namespace {

// Where a session's principal is remembered in AuthenticatedPrincipals.
std::string sessionKey(std::string_view sessionId) { return "session:" + sha256Hex(sessionId); }

http::Principal httpPrincipal(const auth::Principal& principal) {
  return http::Principal{principal.name, {std::string(auth::roleName(principal.role))}};
}

http::AuthDecision authenticateSession(store::SerializedSqliteDatabase& database,
                                       auth::TokenStore& tokens,
                                       AuthenticatedPrincipals& principals, SessionStore& sessions,
                                       const http::HttpRequest& request,
                                       const std::string& sessionId) {
  std::optional<Session> session = sessions.find(sessionId);
  if (!session) {
    return http::AuthDecision::unauthenticated(
        "Your dashboard session has ended (logged out, expired, or the server restarted): log in "
        "again with your API token.");
  }
  // The token may have been revoked or have expired since the login: the session ends with it.
  Result<auth::TokenInfo> token = database.withConnection(
      [&](store::SqliteDatabase&) { return tokens.find(session->principal.tokenId); });
  bool expired = token.ok() && token->expiresAt && *token->expiresAt <= tokens.clock().now();
  if (!token.ok() || token->revokedAt || expired) {
    sessions.remove(sessionId);
    return http::AuthDecision::unauthenticated(
        "The token this dashboard session was opened with is no longer valid (revoked or "
        "expired): log in again with a valid token.");
  }
  if (!isSafeMethod(request.method)) {
    std::optional<std::string> sent = request.header(kCsrfHeader);
    if (!sent || !auth::hashesEqual(*sent, session->csrfToken)) {
      return http::AuthDecision::forbidden(
          std::string("A ") + request.method + " made with the dashboard's session cookie must " +
          "carry the session's CSRF token in the " + std::string(kCsrfHeader) +
          " header (GET /v1/session gives it); this one did not, so it was refused.");
    }
  }
  principals.remember(sessionKey(sessionId), session->principal);
  return http::AuthDecision::allow(httpPrincipal(session->principal));
}

}  // namespace

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
                                      AuthenticatedPrincipals& principals, SessionStore& sessions) {
  return [&database, &tokens, &principals, &sessions](const http::HttpRequest& request) {
    std::optional<std::string> secret = http::bearerToken(request);
    if (!secret) {
      if (std::optional<std::string> cookie = sessionCookieOf(request)) {
        return authenticateSession(database, tokens, principals, sessions, request, *cookie);
      }
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
    return http::AuthDecision::allow(httpPrincipal(*principal));
  };
}

std::optional<auth::Principal> principalOf(const http::HttpRequest& request,
                                           const AuthenticatedPrincipals& principals) {
  if (!request.principal) return std::nullopt;
  if (std::optional<std::string> secret = http::bearerToken(request)) {
    return principals.find(auth::tokenSecretHash(*secret));
  }
  if (std::optional<std::string> cookie = sessionCookieOf(request)) {
    return principals.find(sessionKey(*cookie));
  }
  return std::nullopt;
}

}  // namespace greenlight::server
