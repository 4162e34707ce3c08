// Tokens (admin: create, list, revoke) and the audit log (readers).
#include <nlohmann/json.hpp>

#include "auth/role.h"
#include "common/error_codes.h"
#include "server/api_routes.h"
#include "server/api_support.h"
#include "server/event_log.h"

namespace greenlight::server {

namespace {

using nlohmann::json;

json optionalTime(const std::optional<WallTime>& time) {
  return time ? json(formatTimestamp(*time)) : json(nullptr);
}

json tokenJson(const auth::TokenInfo& token) {
  return {{"id", token.id},
          {"name", token.name},
          {"role", std::string(auth::roleName(token.role))},
          {"scope", token.scope ? json(*token.scope) : json(nullptr)},
          {"createdAt", formatTimestamp(token.createdAt)},
          {"expiresAt", optionalTime(token.expiresAt)},
          {"revokedAt", optionalTime(token.revokedAt)},
          {"lastUsedAt", optionalTime(token.lastUsedAt)}};
}

json auditJson(const auth::AuditEntry& entry) {
  return {{"id", entry.id},
          {"at", formatTimestamp(entry.at)},
          {"tokenId", entry.tokenId ? json(*entry.tokenId) : json(nullptr)},
          {"principal", entry.principalName},
          {"role", entry.principalRole},
          {"action", entry.action},
          {"target", entry.target},
          {"details", entry.details}};
}

Result<std::optional<WallTime>> timeMember(const json& body, const char* key) {
  auto text = stringMember(body, key);
  if (!text.ok()) return text.error();
  if (!text->has_value()) return std::optional<WallTime>{};
  WallTime time = parseTimestamp(**text);
  if (time == WallTime{}) {
    return Error{codes::kInvalidArgument, std::string("'") + key +
                                              "' must be an RFC 3339 UTC time such as "
                                              "2026-12-31T23:59:59.000Z, not '" + **text + "'."};
  }
  return std::optional<WallTime>{time};
}

http::HttpResponse createToken(ApiContext& context, const http::HttpRequest& request) {
  Result<auth::Principal> who = authorised(context, request, auth::Action::ManageTokens);
  if (!who.ok()) return errorFor(who.error());
  Result<json> body = objectBody(request);
  if (!body.ok()) return errorFor(body.error());
  auto name = stringMember(*body, "name");
  auto roleText = stringMember(*body, "role");
  auto scope = stringMember(*body, "scope");
  auto expiresAt = timeMember(*body, "expiresAt");
  if (!name.ok()) return errorFor(name.error());
  if (!roleText.ok()) return errorFor(roleText.error());
  if (!scope.ok()) return errorFor(scope.error());
  if (!expiresAt.ok()) return errorFor(expiresAt.error());
  if (!name->has_value() || !roleText->has_value()) {
    return errorFor(Error{codes::kInvalidArgument,
                          "'name' and 'role' are required: send {\"name\": \"ci\", \"role\": "
                          "\"deployer\"} (roles: admin, deployer, viewer)."});
  }
  std::optional<auth::Role> role = auth::parseRole(**roleText);
  if (!role) {
    return errorFor(Error{codes::kInvalidArgument, "'role' must be admin, deployer or viewer, not '" +
                                                       **roleText + "'."});
  }
  auth::NewToken wanted{**name, *role, *scope, *expiresAt};
  Result<auth::CreatedToken> created = auditedChange(
      context, *who, [&](store::SqliteDatabase&, AuditNote& note) -> Result<auth::CreatedToken> {
        Result<auth::CreatedToken> token = context.tokens.create(wanted);
        if (token.ok()) {
          note = {"create-token", "token:" + std::to_string(token->token.id),
                  {{"name", wanted.name}, {"role", **roleText}}};
        }
        return token;
      });
  if (!created.ok()) return errorFor(created.error());
  logEvent("token " + std::to_string(created->token.id) + " (" + wanted.name + ", " + **roleText +
           ") created by " + who->name);
  json value = tokenJson(created->token);
  value["token"] = created->secret;
  return http::jsonResponse(value, 201);
}

http::HttpResponse listTokens(ApiContext& context, const http::HttpRequest& request) {
  Result<auth::Principal> who = authorised(context, request, auth::Action::ManageTokens);
  if (!who.ok()) return errorFor(who.error());
  auto listed = context.withStore([&](store::SqliteDatabase&) { return context.tokens.list(); });
  return answer(listed, [](const std::vector<auth::TokenInfo>& tokens) {
    json items = json::array();
    for (const auto& token : tokens) items.push_back(tokenJson(token));
    return json{{"tokens", items}};
  });
}

http::HttpResponse revokeToken(ApiContext& context, const http::HttpRequest& request) {
  Result<auth::Principal> who = authorised(context, request, auth::Action::ManageTokens);
  if (!who.ok()) return errorFor(who.error());
  std::string text = request.pathParam("id");
  std::int64_t id = 0;
  try {
    size_t used = 0;
    id = std::stoll(text, &used);
    if (used != text.size()) throw std::invalid_argument(text);
  } catch (const std::exception&) {
    return errorFor(Error{codes::kInvalidArgument,
                          "Token id must be a number (see GET /v1/tokens), not '" + text + "'."});
  }
  Status revoked = auditedChange(context, *who, [&](store::SqliteDatabase&, AuditNote& note) {
    note = {"revoke-token", "token:" + text, json::object()};
    return context.tokens.revoke(id);
  });
  if (!revoked.ok()) return errorFor(revoked.error());
  logEvent("token " + text + " revoked by " + who->name);
  return noContent();
}

http::HttpResponse listAudit(ApiContext& context, const http::HttpRequest& request) {
  Result<auth::Principal> who = authorised(context, request, auth::Action::Read);
  if (!who.ok()) return errorFor(who.error());
  auth::AuditFilter filter;
  if (auto target = request.queryParam("target"); target && !target->empty()) filter.target = target;
  if (auto principal = request.queryParam("principal"); principal && !principal->empty()) {
    filter.principalName = principal;
  }
  if (auto since = request.queryParam("since"); since && !since->empty()) {
    filter.since = parseTimestamp(*since);
    if (*filter.since == WallTime{}) {
      return errorFor(Error{codes::kInvalidArgument,
                            "Query parameter 'since' must be an RFC 3339 UTC time such as "
                            "2026-01-31T00:00:00.000Z, not '" + *since + "'."});
    }
  }
  auto limit = integerQuery(request, "limit", 1, 1000);
  if (!limit.ok()) return errorFor(limit.error());
  if (limit->has_value()) filter.limit = static_cast<int>(**limit);
  auto entries = context.withStore(
      [&](store::SqliteDatabase& database) { return context.audit.list(database, filter); });
  return answer(entries, [](const std::vector<auth::AuditEntry>& list) {
    json items = json::array();
    for (const auto& entry : list) items.push_back(auditJson(entry));
    return json{{"entries", items}};
  });
}

}  // namespace

void addTokenAndAuditRoutes(RouteTable& routes, ApiContext& context) {
  ApiContext* c = &context;
  routes.add("POST", "/v1/tokens", [c](const http::HttpRequest& r) { return createToken(*c, r); });
  routes.add("GET", "/v1/tokens", [c](const http::HttpRequest& r) { return listTokens(*c, r); });
  routes.add("DELETE", "/v1/tokens/{id}",
             [c](const http::HttpRequest& r) { return revokeToken(*c, r); });
  routes.add("GET", "/v1/audit", [c](const http::HttpRequest& r) { return listAudit(*c, r); });
}

}  // namespace greenlight::server
