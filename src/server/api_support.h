// Helpers every resource's handlers share: who is calling and may they, reading JSON bodies and
// query parameters with messages that name the field, and making a change together with its
// audit entry in one transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "auth/authorisation.h"
#include "auth/principal.h"
#include "common/result.h"
#include "http/http_message.h"
#include "server/api_context.h"
#include "store/sqlite_transaction.h"

namespace greenlight::server {

// The caller, if allowed to do `action` (on the deployment group `scope`, for host tokens).
Result<auth::Principal> authorised(const ApiContext& context, const http::HttpRequest& request,
                                   auth::Action action,
                                   std::optional<std::string_view> scope = std::nullopt);

// The body as a JSON object (MalformedJson with where the parser stopped, or InvalidArgument when
// it is not an object). An empty body reads as {} when `emptyIsObject`.
Result<nlohmann::json> objectBody(const http::HttpRequest& request, bool emptyIsObject = false);

// Optional members of a JSON object, with a message naming the member when its type is wrong.
Result<std::optional<std::string>> stringMember(const nlohmann::json& object, const char* key);
Result<std::optional<bool>> boolMember(const nlohmann::json& object, const char* key);

// An optional whole-number query parameter within [minimum, maximum].
Result<std::optional<std::int64_t>> integerQuery(const http::HttpRequest& request,
                                                 const char* name, std::int64_t minimum,
                                                 std::int64_t maximum);

// The fleet manager, or Unavailable while the server is still starting.
Result<fleet::FleetManager*> fleetOf(const ApiContext& context);

// What goes into the audit log for one change; `action` empty: nothing to record.
struct AuditNote {
  std::string action;
  std::string target;
  nlohmann::json details = nlohmann::json::object();
};

// Runs `change(db, note)` in a transaction on the store's connection and records `note` as done by
// `who` in the same transaction: the change and its audit entry commit or vanish together.
template <typename Change>
auto auditedChange(ApiContext& context, const auth::Principal& who, Change&& change)
    -> decltype(change(std::declval<store::SqliteDatabase&>(), std::declval<AuditNote&>())) {
  return context.withStore([&](store::SqliteDatabase& database)
                               -> decltype(change(database, std::declval<AuditNote&>())) {
    Result<store::Transaction> transaction = store::Transaction::begin(database);
    if (!transaction.ok()) return transaction.error();
    AuditNote note;
    auto outcome = change(database, note);
    if (!outcome.ok()) return outcome;  // rolled back when `transaction` dies
    if (!note.action.empty()) {
      Result<std::int64_t> recorded =
          context.audit.record(database, who, note.action, note.target, note.details);
      if (!recorded.ok()) return recorded.error();
    }
    if (Status committed = transaction->commit(); !committed.ok()) return committed.error();
    return outcome;
  });
}

// 200 (or `status`) with `value`, or the error's status.
template <typename T, typename ToJson>
http::HttpResponse answer(const Result<T>& result, ToJson&& toJson, int status = 200);

http::HttpResponse noContent();

}  // namespace greenlight::server

#include "server/error_mapping.h"

namespace greenlight::server {

template <typename T, typename ToJson>
http::HttpResponse answer(const Result<T>& result, ToJson&& toJson, int status) {
  if (!result.ok()) return errorFor(result.error());
  return http::jsonResponse(toJson(result.value()), status);
}

}  // namespace greenlight::server
