// Session ids and CSRF tokens from OpenSSL's CSPRNG, kept in memory by the id's sha256; cookie
// parsing and formatting.
#include "server/sessions.h"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "common/error_codes.h"
#include "common/sha256.h"

namespace greenlight::server {

namespace {

Result<std::string> randomHex() {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return Error{codes::kInternal,
                 "Cannot draw random bytes for a session (OpenSSL's CSPRNG is not seeded); check "
                 "the server's /dev/urandom."};
  }
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char byte : bytes) {
    hex += kDigits[byte >> 4];
    hex += kDigits[byte & 0xf];
  }
  return hex;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

}  // namespace

Result<Session> SessionStore::create(const auth::Principal& principal) {
  Result<std::string> id = randomHex();
  if (!id.ok()) return id.error();
  Result<std::string> csrf = randomHex();
  if (!csrf.ok()) return csrf.error();
  Session session{*id, principal, *csrf, clock_.now(), clock_.now() + lifetime_};
  std::lock_guard lock(mutex_);
  while (byIdHash_.size() >= limit_) {
    auto oldest = byIdHash_.begin();
    for (auto it = byIdHash_.begin(); it != byIdHash_.end(); ++it) {
      if (it->second.createdAt < oldest->second.createdAt) oldest = it;
    }
    byIdHash_.erase(oldest);
  }
  byIdHash_.emplace(sha256Hex(session.id), session);
  return session;
}

std::optional<Session> SessionStore::find(std::string_view id) {
  std::string key = sha256Hex(id);
  std::lock_guard lock(mutex_);
  auto found = byIdHash_.find(key);
  if (found == byIdHash_.end()) return std::nullopt;
  if (found->second.expiresAt <= clock_.now()) {
    byIdHash_.erase(found);
    return std::nullopt;
  }
  return found->second;
}

void SessionStore::remove(std::string_view id) {
  std::string key = sha256Hex(id);
  std::lock_guard lock(mutex_);
  byIdHash_.erase(key);
}

std::size_t SessionStore::size() const {
  std::lock_guard lock(mutex_);
  return byIdHash_.size();
}

std::optional<std::string> sessionCookieOf(const http::HttpRequest& request) {
  for (const auto& [name, value] : request.headers) {
    if (name.size() != 6 || (name[0] != 'C' && name[0] != 'c') ||
        !std::equal(name.begin() + 1, name.end(), "ookie",
                    [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; })) {
      continue;
    }
    std::string_view rest = value;
    while (!rest.empty()) {
      std::size_t semicolon = rest.find(';');
      std::string_view pair = trim(rest.substr(0, semicolon));
      rest = semicolon == std::string_view::npos ? std::string_view{} : rest.substr(semicolon + 1);
      std::size_t equals = pair.find('=');
      if (equals == std::string_view::npos) continue;
      if (trim(pair.substr(0, equals)) == kSessionCookie) {
        std::string_view cookie = trim(pair.substr(equals + 1));
        if (!cookie.empty()) return std::string(cookie);
      }
    }
  }
  return std::nullopt;
}

std::string sessionCookieHeader(const Session& session, std::chrono::seconds maxAge, bool secure) {
  return std::string(kSessionCookie) + "=" + session.id + "; Path=/; Max-Age=" +
         std::to_string(maxAge.count()) + "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
}

std::string clearedSessionCookieHeader(bool secure) {
  return std::string(kSessionCookie) + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" +
         (secure ? "; Secure" : "");
}

bool isSafeMethod(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS";
}

}  // namespace greenlight::server
