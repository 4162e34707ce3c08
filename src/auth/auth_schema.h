// The auth component's tables in the store (tokens, audit log) and the migrations that make them.
#pragma once

#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "store/migrations.h"
#include "store/sqlite_database.h"

namespace greenlight::auth {

inline constexpr const char* kAuthComponent = "auth";

// In order; released entries are never edited, only followed.
const std::vector<store::Migration>& authMigrations();

// Brings the auth tables up to date; call once at start before using TokenStore or AuditLog.
Status migrateAuthSchema(store::SqliteDatabase& database, const Clock& clock);

}  // namespace greenlight::auth
