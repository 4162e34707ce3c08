// Dashboard sessions: a browser logs in once with an API token and then holds a random session id
// in an HttpOnly cookie. The server keeps id -> principal (token id, name, role), never the token
// itself, and re-checks that token's revocation and expiry on every request (see
// authentication_hook.cc); a session also carries the CSRF token its page must echo in a header
// on every state-changing request.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "auth/principal.h"
#include "common/clock.h"
#include "common/result.h"
#include "http/http_message.h"

namespace greenlight::server {

inline constexpr std::string_view kSessionCookie = "greenlight_session";
inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";

struct Session {
  std::string id;         // 64 hex characters from the CSPRNG: the cookie's value
  auth::Principal principal;
  std::string csrfToken;  // 64 hex characters, distinct from the id
  WallTime createdAt{};
  WallTime expiresAt{};
};

// In memory: a restart of the server logs every browser out (they log in again with their
// token). Thread-safe.
class SessionStore {
 public:
  explicit SessionStore(const Clock& clock,
                        std::chrono::seconds lifetime = std::chrono::hours(12),
                        std::size_t limit = 10000)
      : clock_(clock), lifetime_(lifetime), limit_(limit) {}
  SessionStore(const SessionStore&) = delete;
  SessionStore& operator=(const SessionStore&) = delete;

  // A new session for `principal`; the oldest is dropped beyond `limit`. Fails only when the
  // CSPRNG does.
  Result<Session> create(const auth::Principal& principal);
  // The live session with this id; an expired one is forgotten and not returned.
  std::optional<Session> find(std::string_view id);
  void remove(std::string_view id);
  std::size_t size() const;
  std::chrono::seconds lifetime() const { return lifetime_; }

 private:
  const Clock& clock_;
  const std::chrono::seconds lifetime_;
  const std::size_t limit_;
  mutable std::mutex mutex_;
  // By the sha256 of the id, so the map's comparisons never run on the secret itself.
  std::map<std::string, Session> byIdHash_;  // GUARDED_BY(mutex_)
};

// The session cookie's value in the request's Cookie header(s), if any.
std::optional<std::string> sessionCookieOf(const http::HttpRequest& request);
// Set-Cookie values: the session (HttpOnly, SameSite=Strict, Path=/, Max-Age, and Secure when
// `secure`), and the one that clears it.
std::string sessionCookieHeader(const Session& session, std::chrono::seconds maxAge, bool secure);
std::string clearedSessionCookieHeader(bool secure);
// Methods that change nothing (GET, HEAD, OPTIONS) need no CSRF token.
bool isSafeMethod(std::string_view method);

}  // namespace greenlight::server
