// Error code to HTTP status, in one table.
#include "server/error_mapping.h"

#include <array>
#include <utility>

#include "auth/token_store.h"
#include "common/error_codes.h"
#include "store/sqlite_error.h"

namespace greenlight::server {

namespace {

bool startsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

int httpStatusFor(std::string_view code) {
  static const std::array<std::pair<std::string_view, int>, 21> kExact{{
      {codes::kNotFound, 404},
      {auth::kTokenNotFound, 404},
      {codes::kAlreadyExists, 409},
      {codes::kConflict, 409},
      {codes::kInvalidArgument, 400},
      {codes::kInvalidGroupSpec, 400},
      {"MalformedJson", 400},
      {"InvalidJson", 400},
      {auth::kTokenInvalid, 400},
      {codes::kInvalidRevision, 422},
      {codes::kProviderNotConfigured, 422},
      {"AppSpecMissing", 422},
      {codes::kForbidden, 403},
      {auth::kTokenMalformed, 401},
      {auth::kTokenUnknown, 401},
      {auth::kTokenRevoked, 401},
      {auth::kTokenExpired, 401},
      {"Unauthenticated", 401},
      {codes::kUnavailable, 503},
      {store::kStoreBusy, 503},
      {codes::kInternal, 500},
  }};
  for (const auto& [known, status] : kExact) {
    if (code == known) return status;
  }
  // A bundle that cannot be read or is unsafe is the upload's fault, like a missing AppSpec.
  if (startsWith(code, "Bundle")) return 422;
  // Validation codes of the domain (InvalidDeploymentConfig, ...) are the request's fault.
  if (startsWith(code, "Invalid")) return 400;
  return 500;
}

http::HttpResponse errorFor(const Error& error) {
  return http::errorResponse(httpStatusFor(error.code), error);
}

}  // namespace greenlight::server
