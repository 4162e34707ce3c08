// /v1/session: the dashboard's login (an API token in, a session cookie out), who is logged in
// with the CSRF token the page must send back, and logout. Logins and logouts are audited.
#include <nlohmann/json.hpp>

#include "auth/role.h"
#include "common/error_codes.h"
#include "server/api_routes.h"
#include "server/api_support.h"
#include "server/event_log.h"

namespace greenlight::server {

namespace {

using nlohmann::json;

bool wantsSecureCookie(const ApiContext& context, const http::HttpRequest& request) {
  return context.secureCookies || request.header("X-Forwarded-Proto").value_or("") == "https";
}

json sessionJson(const auth::Principal& principal, const std::optional<Session>& session) {
  json value = {{"name", principal.name},
                {"role", std::string(auth::roleName(principal.role))},
                {"csrfToken", nullptr},
                {"expiresAt", nullptr}};
  if (session) {
    value["csrfToken"] = session->csrfToken;
    value["expiresAt"] = formatTimestamp(session->expiresAt);
  }
  return value;
}

Status recordAudit(ApiContext& context, const auth::Principal& who, const std::string& action) {
  return auditedChange(context, who, [&](store::SqliteDatabase&, AuditNote& note) -> Status {
    note = {action, "session:" + who.name, json::object()};
    return {};
  });
}

http::HttpResponse logIn(ApiContext& context, const http::HttpRequest& request) {
  Result<json> body = objectBody(request);
  if (!body.ok()) return errorFor(body.error());
  auto token = stringMember(*body, "token");
  if (!token.ok()) return errorFor(token.error());
  if (!token->has_value() || (*token)->empty()) {
    return errorFor(Error{codes::kInvalidArgument,
                          "'token' is missing: send {\"token\": \"glt_...\"}, an API token (the "
                          "first admin token is in the server's data folder, admin.token)."});
  }
  std::string secret = **token;
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == ' ')) secret.pop_back();
  while (!secret.empty() && secret.front() == ' ') secret.erase(secret.begin());
  Result<auth::Principal> who =
      context.withStore([&](store::SqliteDatabase&) { return context.tokens.authenticate(secret); });
  if (!who.ok()) return errorFor(who.error());
  if (who->role == auth::Role::Agent || who->role == auth::Role::Enrolment) {
    return errorFor(Error{codes::kForbidden,
                          "Token '" + who->name + "' identifies a host (" +
                              std::string(auth::roleName(who->role)) +
                              "), not a person: log in to the dashboard with an admin, deployer or "
                              "viewer token."});
  }
  Result<Session> session = context.sessions.create(*who);
  if (!session.ok()) return errorFor(session.error());
  if (Status audited = recordAudit(context, *who, "login"); !audited.ok()) {
    context.sessions.remove(session->id);
    return errorFor(audited.error());
  }
  logEvent("dashboard login by " + who->name + " (" + std::string(auth::roleName(who->role)) +
           ")");
  http::HttpResponse response = http::jsonResponse(sessionJson(*who, *session), 201);
  response.headers.emplace_back(
      "Set-Cookie", sessionCookieHeader(*session, context.sessions.lifetime(),
                                        wantsSecureCookie(context, request)));
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

// The session behind the request's cookie (none for a bearer-token caller).
std::optional<Session> sessionOf(ApiContext& context, const http::HttpRequest& request) {
  if (http::bearerToken(request)) return std::nullopt;
  std::optional<std::string> cookie = sessionCookieOf(request);
  if (!cookie) return std::nullopt;
  return context.sessions.find(*cookie);
}

http::HttpResponse whoAmI(ApiContext& context, const http::HttpRequest& request) {
  Result<auth::Principal> who = authorised(context, request, auth::Action::Read);
  if (!who.ok()) return errorFor(who.error());
  http::HttpResponse response = http::jsonResponse(sessionJson(*who, sessionOf(context, request)));
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

http::HttpResponse logOut(ApiContext& context, const http::HttpRequest& request) {
  std::optional<auth::Principal> who = principalOf(request, context.principals);
  if (!who) return errorFor(Error{"Unauthenticated", "Nobody is logged in."});
  std::optional<Session> session = sessionOf(context, request);
  if (!session) {
    return errorFor(Error{codes::kInvalidArgument,
                          "There is no dashboard session to end: this request carries no session "
                          "cookie (a bearer token is revoked with DELETE /v1/tokens/{id})."});
  }
  context.sessions.remove(session->id);
  if (Status audited = recordAudit(context, *who, "logout"); !audited.ok()) {
    logEvent("could not audit the logout of " + who->name + ": " + audited.error().message);
  }
  http::HttpResponse response = noContent();
  response.headers.emplace_back("Set-Cookie",
                                clearedSessionCookieHeader(wantsSecureCookie(context, request)));
  return response;
}

}  // namespace

void addSessionRoutes(RouteTable& routes, ApiContext& context) {
  ApiContext* c = &context;
  routes.add(
      "POST", "/v1/session", [c](const http::HttpRequest& r) { return logIn(*c, r); },
      http::RouteOptions::publicRoute());
  routes.add("GET", "/v1/session", [c](const http::HttpRequest& r) { return whoAmI(*c, r); });
  routes.add("DELETE", "/v1/session", [c](const http::HttpRequest& r) { return logOut(*c, r); });
}

}  // namespace greenlight::server
