// The dashboard's server side through a real server: its embedded files (types, ETag, CSP), the
// login that turns a token into a session cookie, CSRF on cookie-authenticated changes, roles
// still enforced for a cookie, logout and revocation ending the session.
#include "raw_http.h"
#include "server_fixture.h"

namespace greenlight::server {
namespace {

using nlohmann::json;
using testing::RawResponse;
using testing::rawHttp;

class DashboardApiTest : public ServerFixture {
 protected:
  RawResponse request(const std::string& method, const std::string& path,
                      const std::vector<std::string>& headers = {}, const std::string& body = "") {
    return rawHttp(server_->port(), method, path, headers, body);
  }

  struct Login {
    std::string cookie;     // "greenlight_session=..."
    std::string setCookie;  // the whole Set-Cookie value
    std::string csrf;
    RawResponse response;
  };
  Login login(const std::string& token, const std::vector<std::string>& extraHeaders = {}) {
    std::vector<std::string> headers = {"Content-Type: application/json"};
    headers.insert(headers.end(), extraHeaders.begin(), extraHeaders.end());
    Login result;
    result.response = request("POST", "/v1/session", headers, json{{"token", token}}.dump());
    result.setCookie = result.response.header("Set-Cookie").value_or("");
    result.cookie = result.setCookie.substr(0, result.setCookie.find(';'));
    json body = json::parse(result.response.body, nullptr, false);
    if (body.is_object() && body["csrfToken"].is_string()) result.csrf = body["csrfToken"];
    return result;
  }
};

TEST_F(DashboardApiTest, ThePageAndItsFilesAreServedWithTypesEtagsAndAStrictPolicy) {
  RawResponse page = request("GET", "/");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("<script type=\"module\" src=\"/ui/app.js\">"), std::string::npos);
  std::string policy = page.header("Content-Security-Policy").value_or("");
  EXPECT_NE(policy.find("default-src 'none'"), std::string::npos) << policy;
  EXPECT_NE(policy.find("script-src 'self'"), std::string::npos) << policy;
  EXPECT_NE(policy.find("frame-ancestors 'none'"), std::string::npos) << policy;
  EXPECT_EQ(policy.find("unsafe-inline"), std::string::npos) << policy;
  EXPECT_EQ(page.header("X-Content-Type-Options"), "nosniff");
  std::string etag = page.header("ETag").value_or("");
  ASSERT_GE(etag.size(), 10u);

  RawResponse again = request("GET", "/", {"If-None-Match: " + etag});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_FALSE(again.header("Content-Type").has_value());
  EXPECT_EQ(request("GET", "/", {"If-None-Match: \"stale\""}).status, 200);

  RawResponse script = request("GET", "/ui/app.js");
  ASSERT_EQ(script.status, 200);
  EXPECT_EQ(script.header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_NE(script.body.find("import"), std::string::npos);
  EXPECT_NE(script.header("ETag"), page.header("ETag"));
  RawResponse style = request("GET", "/ui/app.css");
  ASSERT_EQ(style.status, 200);
  EXPECT_EQ(style.header("Content-Type"), "text/css; charset=utf-8");
  RawResponse missing = request("GET", "/ui/nothing.js");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("nothing.js"), std::string::npos);
}

TEST_F(DashboardApiTest, ALoginSetsAnHttpOnlyStrictCookieHoldingASessionNotTheToken) {
  std::string token = tokenFor("deployer");
  Login session = login(token);
  ASSERT_EQ(session.response.status, 201) << session.response.body;
  EXPECT_EQ(session.cookie.rfind("greenlight_session=", 0), 0u) << session.setCookie;
  EXPECT_NE(session.setCookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(session.setCookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_NE(session.setCookie.find("Path=/"), std::string::npos);
  EXPECT_EQ(session.setCookie.find("Secure"), std::string::npos) << "plain HTTP: not Secure";
  EXPECT_EQ(session.setCookie.find(token), std::string::npos) << "the token never goes in a cookie";
  EXPECT_EQ(session.csrf.size(), 64u);
  EXPECT_EQ(session.cookie.find(session.csrf), std::string::npos);

  RawResponse who = request("GET", "/v1/session", {"Cookie: " + session.cookie});
  ASSERT_EQ(who.status, 200) << who.body;
  json body = json::parse(who.body);
  EXPECT_EQ(body["name"], "deployer-user");
  EXPECT_EQ(body["role"], "deployer");
  EXPECT_EQ(body["csrfToken"], session.csrf);
  EXPECT_EQ(request("GET", "/v1/applications", {"Cookie: " + session.cookie}).status, 200);
  EXPECT_EQ(request("GET", "/v1/applications", {"Cookie: greenlight_session=forged"}).status, 401);

  // Behind a TLS-terminating proxy the cookie is Secure.
  Login proxied = login(token, {"X-Forwarded-Proto: https"});
  EXPECT_NE(proxied.setCookie.find("; Secure"), std::string::npos) << proxied.setCookie;
  // Logins are audited.
  Answer audit = call(*admin_, "GET", "/v1/audit?principal=deployer-user");
  ASSERT_EQ(audit.status, 200);
  ASSERT_FALSE(audit.body["entries"].empty());
  EXPECT_EQ(audit.body["entries"][0]["action"], "login");
}

TEST_F(DashboardApiTest, BadTokensAndHostTokensCannotLogIn) {
  Login wrong = login("glt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  EXPECT_EQ(wrong.response.status, 401) << wrong.response.body;
  EXPECT_TRUE(wrong.setCookie.empty());
  createApplication("web");
  createStaticGroup("web", "prod");
  Answer enrolment = call(*admin_, "POST", "/v1/applications/web/groups/prod/enrolment-tokens");
  ASSERT_EQ(enrolment.status, 201);
  Login host = login(enrolment.body["token"]);
  EXPECT_EQ(host.response.status, 403) << host.response.body;
  EXPECT_TRUE(host.setCookie.empty());
}

TEST_F(DashboardApiTest, AChangeByCookieNeedsTheSessionsCsrfToken) {
  Login admin = login(adminToken());
  ASSERT_EQ(admin.response.status, 201);
  std::vector<std::string> headers = {"Cookie: " + admin.cookie, "Content-Type: application/json"};
  std::string app = json{{"name", "web"}, {"computePlatform", "server"}}.dump();

  RawResponse forged = request("POST", "/v1/applications", headers, app);
  EXPECT_EQ(forged.status, 403) << forged.body;
  EXPECT_NE(forged.body.find("X-CSRF-Token"), std::string::npos) << forged.body;
  headers.push_back("X-CSRF-Token: " + std::string(64, '0'));
  EXPECT_EQ(request("POST", "/v1/applications", headers, app).status, 403);
  EXPECT_EQ(call(*admin_, "GET", "/v1/applications/web").status, 404) << "nothing was created";

  headers.back() = "X-CSRF-Token: " + admin.csrf;
  RawResponse created = request("POST", "/v1/applications", headers, app);
  EXPECT_EQ(created.status, 201) << created.body;
  // A bearer token needs no CSRF token: a browser cannot be made to send one.
  EXPECT_EQ(call(*admin_, "DELETE", "/v1/applications/web").status, 204);
}

TEST_F(DashboardApiTest, AViewersCookieIsRefusedEveryAction) {
  createApplication("web");
  Login viewer = login(tokenFor("viewer"));
  ASSERT_EQ(viewer.response.status, 201);
  std::vector<std::string> headers = {"Cookie: " + viewer.cookie, "X-CSRF-Token: " + viewer.csrf,
                                      "Content-Type: application/json"};
  EXPECT_EQ(request("GET", "/v1/applications/web", headers).status, 200);
  RawResponse stop = request("POST", "/v1/deployments/d-ANY000000/stop", headers, "{\"rollback\":true}");
  EXPECT_EQ(stop.status, 403) << stop.body;
  EXPECT_NE(stop.body.find("Forbidden"), std::string::npos) << stop.body;
  RawResponse rollback = request("POST", "/v1/applications/web/groups/prod/rollback", headers, "{}");
  EXPECT_EQ(rollback.status, 403) << rollback.body;
}

TEST_F(DashboardApiTest, LogoutAndRevocationEndTheSession) {
  Login first = login(tokenFor("deployer"));
  ASSERT_EQ(first.response.status, 201);
  EXPECT_EQ(request("DELETE", "/v1/session", {"Cookie: " + first.cookie}).status, 403)
      << "logout by cookie needs the CSRF token too";
  RawResponse out =
      request("DELETE", "/v1/session", {"Cookie: " + first.cookie, "X-CSRF-Token: " + first.csrf});
  EXPECT_EQ(out.status, 204) << out.body;
  std::string cleared = out.header("Set-Cookie").value_or("");
  EXPECT_NE(cleared.find("greenlight_session=;"), std::string::npos) << cleared;
  EXPECT_NE(cleared.find("Max-Age=0"), std::string::npos) << cleared;
  EXPECT_EQ(request("GET", "/v1/session", {"Cookie: " + first.cookie}).status, 401);

  std::string token = tokenFor("viewer");
  Login second = login(token);
  ASSERT_EQ(second.response.status, 201);
  EXPECT_EQ(request("GET", "/v1/session", {"Cookie: " + second.cookie}).status, 200);
  Answer tokens = call(*admin_, "GET", "/v1/tokens");
  std::int64_t id = 0;
  for (const json& each : tokens.body["tokens"]) {
    if (each["name"] == "viewer-user") id = each["id"];
  }
  ASSERT_NE(id, 0);
  EXPECT_EQ(call(*admin_, "DELETE", "/v1/tokens/" + std::to_string(id)).status, 204);
  RawResponse after = request("GET", "/v1/applications", {"Cookie: " + second.cookie});
  EXPECT_EQ(after.status, 401) << "a revoked token's session ends with it";
  EXPECT_NE(after.body.find("no longer valid"), std::string::npos) << after.body;
}

}  // namespace
}  // namespace greenlight::server
