// SessionStore and the cookie helpers, on a clock the test moves: ids and CSRF tokens are fresh
// and distinct, sessions expire, the oldest goes beyond the limit, cookies parse and format.
#include <gtest/gtest.h>

#include "server/sessions.h"

namespace greenlight::server {
namespace {

class SteppedClock final : public Clock {
 public:
  WallTime now() const override { return now_; }
  void advance(std::chrono::seconds by) { now_ += by; }

 private:
  WallTime now_ = parseTimestamp("2026-12-01T10:00:00.000Z");
};

auth::Principal person(const std::string& name) {
  return auth::Principal{7, name, auth::Role::Deployer, std::nullopt};
}

TEST(SessionStoreTest, SessionsHaveFreshDistinctSecretsAndExpire) {
  SteppedClock clock;
  SessionStore sessions(clock, std::chrono::hours(1));
  Result<Session> a = sessions.create(person("ana"));
  Result<Session> b = sessions.create(person("ana"));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->id.size(), 64u);
  EXPECT_EQ(a->csrfToken.size(), 64u);
  EXPECT_NE(a->id, b->id);
  EXPECT_NE(a->id, a->csrfToken);
  ASSERT_TRUE(sessions.find(a->id).has_value());
  EXPECT_EQ(sessions.find(a->id)->principal.name, "ana");
  EXPECT_FALSE(sessions.find(a->id.substr(1)).has_value());
  clock.advance(std::chrono::minutes(59));
  EXPECT_TRUE(sessions.find(a->id).has_value());
  clock.advance(std::chrono::minutes(2));
  EXPECT_FALSE(sessions.find(a->id).has_value());
  sessions.remove(b->id);
  EXPECT_EQ(sessions.size(), 0u);
}

TEST(SessionStoreTest, BeyondTheLimitTheOldestSessionGoes) {
  SteppedClock clock;
  SessionStore sessions(clock, std::chrono::hours(1), 2);
  Result<Session> first = sessions.create(person("a"));
  clock.advance(std::chrono::seconds(1));
  Result<Session> second = sessions.create(person("b"));
  clock.advance(std::chrono::seconds(1));
  Result<Session> third = sessions.create(person("c"));
  EXPECT_FALSE(sessions.find(first->id).has_value());
  EXPECT_TRUE(sessions.find(second->id).has_value());
  EXPECT_TRUE(sessions.find(third->id).has_value());
}

TEST(SessionCookieTest, TheSessionCookieIsFoundAmongOthers) {
  http::HttpRequest request;
  request.headers = {{"cookie", "theme=dark; greenlight_session=abc123 ; other=1"}};
  EXPECT_EQ(sessionCookieOf(request), "abc123");
  request.headers = {{"Cookie", "greenlight_sessionx=no"}, {"Cookie", "a=b"}};
  EXPECT_FALSE(sessionCookieOf(request).has_value());
  request.headers = {{"Cookie", "greenlight_session="}};
  EXPECT_FALSE(sessionCookieOf(request).has_value());
}

TEST(SessionCookieTest, CookiesAreHttpOnlyStrictAndSecureWhenAsked) {
  Session session;
  session.id = "feed";
  std::string plain = sessionCookieHeader(session, std::chrono::seconds(60), false);
  EXPECT_EQ(plain, "greenlight_session=feed; Path=/; Max-Age=60; HttpOnly; SameSite=Strict");
  EXPECT_NE(sessionCookieHeader(session, std::chrono::seconds(60), true).find("; Secure"),
            std::string::npos);
  EXPECT_NE(clearedSessionCookieHeader(false).find("Max-Age=0"), std::string::npos);
  EXPECT_TRUE(isSafeMethod("GET"));
  EXPECT_FALSE(isSafeMethod("POST"));
  EXPECT_FALSE(isSafeMethod("DELETE"));
}

}  // namespace
}  // namespace greenlight::server
