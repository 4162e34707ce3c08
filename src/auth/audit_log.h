// The audit log: who changed what, when, appended in the same transaction as the change so that
// the two commit or vanish together; read back newest first with filters.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/principal.h"
#include "common/clock.h"
#include "common/result.h"
#include "store/sqlite_database.h"

namespace greenlight::auth {

struct AuditEntry {
  std::int64_t id = 0;                // increases with every entry
  WallTime at;
  std::optional<std::int64_t> tokenId;  // none: greenlight itself
  std::string principalName;          // copied, so the entry reads the same after revocation
  std::string principalRole;
  std::string action;                 // e.g. "create-token", "deploy", "delete-application"
  std::string target;                 // e.g. "token:12", "application:web"
  nlohmann::json details;             // an object
};

struct AuditFilter {
  std::optional<WallTime> since;            // entries at or after this time
  std::optional<std::string> target;        // exactly this target
  std::optional<std::string> principalName; // made by this principal
  int limit = 100;                          // 1..1000
};

// Stateless apart from its clock; the connection is passed to each call so that entries land in
// the caller's transaction. Not thread-safe beyond what the connection allows.
class AuditLog {
 public:
  explicit AuditLog(const Clock& clock) : clock_(clock) {}
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // REQUIRES: a transaction is open on `database` (the one making the change); refused with
  // StoreMisuse otherwise, since an entry committed apart from its change could outlive it or be
  // missing for it. `details` must be a JSON object. Returns the entry's id.
  Result<std::int64_t> record(store::SqliteDatabase& database, const Principal& principal,
                              std::string_view action, std::string_view target,
                              const nlohmann::json& details = nlohmann::json::object());

  // Newest first.
  Result<std::vector<AuditEntry>> list(store::SqliteDatabase& database,
                                       const AuditFilter& filter = {});

 private:
  const Clock& clock_;
};

}  // namespace greenlight::auth
