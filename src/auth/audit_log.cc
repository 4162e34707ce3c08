// Appending and reading audit entries.
#include "auth/audit_log.h"

#include "store/sqlite_json.h"

namespace greenlight::auth {
namespace {

constexpr int kMaxListLimit = 1000;

// One statement for every combination of filters: a NULL parameter switches its filter off, so
// the SQL text stays constant (and cached) and values are always bound, never spliced.
constexpr const char* kListSql =
    "SELECT id, at, actor_token_id, actor_name, actor_role, action, target, details"
    " FROM audit_log"
    " WHERE (?1 IS NULL OR at >= ?1) AND (?2 IS NULL OR target = ?2)"
    " AND (?3 IS NULL OR actor_name = ?3)"
    " ORDER BY id DESC LIMIT ?4";

Result<AuditEntry> readEntry(const store::SqliteStatement& row) {
  auto id = row.read<std::int64_t>(0);
  if (!id.ok()) return id.error();
  auto at = row.read<std::string>(1);
  if (!at.ok()) return at.error();
  auto tokenId = row.read<std::optional<std::int64_t>>(2);
  if (!tokenId.ok()) return tokenId.error();
  auto name = row.read<std::string>(3);
  if (!name.ok()) return name.error();
  auto role = row.read<std::string>(4);
  if (!role.ok()) return role.error();
  auto action = row.read<std::string>(5);
  if (!action.ok()) return action.error();
  auto target = row.read<std::string>(6);
  if (!target.ok()) return target.error();
  auto details = store::readJson(row, 7);
  if (!details.ok()) return details.error();
  return AuditEntry{*id,     parseTimestamp(*at), *tokenId, *name, *role,
                    *action, *target,             *details};
}

}  // namespace

Result<std::int64_t> AuditLog::record(store::SqliteDatabase& database, const Principal& principal,
                                      std::string_view action, std::string_view target,
                                      const nlohmann::json& details) {
  if (!database.inTransaction()) {
    return store::storeError(store::kStoreMisuse, database.context(),
                             "an audit entry for '" + std::string(action) + "' on '" +
                                 std::string(target) + "' was written outside a transaction",
                             "record it inside the transaction that makes the change (a bug in "
                             "greenlight; please report it)");
  }
  if (!details.is_object()) {
    return Error{store::kStoreMisuse, "audit details for '" + std::string(action) +
                                          "' must be a JSON object (a bug in greenlight; please "
                                          "report it)"};
  }
  Result<store::CachedStatement> insert = database.prepare(
      "INSERT INTO audit_log (at, actor_token_id, actor_name, actor_role, action, target, details)"
      " VALUES (?, ?, ?, ?, ?, ?, ?)");
  if (!insert.ok()) return insert.error();
  std::optional<std::int64_t> tokenId;
  if (principal.tokenId != 0) tokenId = principal.tokenId;
  Status bound = (*insert)->bindAll(formatTimestamp(clock_.now()), tokenId, principal.name,
                                    roleName(principal.role), action, target, std::nullopt);
  if (bound.ok()) bound = store::bindJson(**insert, 7, details);
  if (!bound.ok()) return bound.error();
  if (Status ran = (*insert)->run(); !ran.ok()) return ran.error();
  return database.lastInsertRowId();
}

Result<std::vector<AuditEntry>> AuditLog::list(store::SqliteDatabase& database,
                                               const AuditFilter& filter) {
  if (filter.limit < 1 || filter.limit > kMaxListLimit) {
    return Error{"InvalidArgument", "an audit listing takes a limit from 1 to " +
                                        std::to_string(kMaxListLimit) + ", not " +
                                        std::to_string(filter.limit)};
  }
  Result<store::CachedStatement> select = database.prepare(kListSql);
  if (!select.ok()) return select.error();
  std::optional<std::string> since;
  if (filter.since) since = formatTimestamp(*filter.since);
  Status bound = (*select)->bindAll(since, filter.target, filter.principalName, filter.limit);
  if (!bound.ok()) return bound.error();
  std::vector<AuditEntry> entries;
  while (true) {
    Result<bool> more = (*select)->step();
    if (!more.ok()) return more.error();
    if (!*more) break;
    Result<AuditEntry> entry = readEntry(**select);
    if (!entry.ok()) return entry.error();
    entries.push_back(std::move(entry).value());
  }
  return entries;
}

}  // namespace greenlight::auth
