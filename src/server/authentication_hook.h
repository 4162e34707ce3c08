// The HTTP core's authentication hook for the API: a bearer token checked against the token
// store, or the dashboard's session cookie (sessions.h) whose token is checked again by id,
// answered as an http::Principal (subject = the token's name, roles = [its role]). The full
// auth::Principal (token id, scope) is kept for the handlers, which authorise and audit with it.
// A state-changing request authenticated by cookie must carry the session's CSRF token.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "auth/principal.h"
#include "auth/token_store.h"
#include "http/authentication.h"
#include "server/sessions.h"
#include "store/sqlite_serialized.h"

namespace greenlight::server {

// Principals authenticated so far, by the sha256 of their secret (or of their session id). What a token stands for never
// changes, and the hook checks the store (revocation, expiry) on every request before a handler
// runs, so an entry here only saves the handler a second look-up. Thread-safe.
class AuthenticatedPrincipals {
 public:
  void remember(const std::string& secretHash, const auth::Principal& principal);
  std::optional<auth::Principal> find(const std::string& secretHash) const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, auth::Principal> bySecretHash_;  // GUARDED_BY(mutex_)
};

// REQUIRES: `tokens` uses the connection `database` serialises; all outlive the hook.
http::Authenticator makeAuthenticator(store::SerializedSqliteDatabase& database,
                                      auth::TokenStore& tokens,
                                      AuthenticatedPrincipals& principals, SessionStore& sessions);

// The auth::Principal of an authenticated request (the hook ran for it). Empty for a public route.
std::optional<auth::Principal> principalOf(const http::HttpRequest& request,
                                           const AuthenticatedPrincipals& principals);

}  // namespace greenlight::server
