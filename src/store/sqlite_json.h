// JSON documents in TEXT columns: bound from and read into nlohmann::json, with failures as values.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "common/result.h"
#include "store/sqlite_statement.h"

namespace greenlight::store {

// Binds the compact text of `document`; a string that is not valid UTF-8 is refused.
Status bindJson(SqliteStatement& statement, int index, const nlohmann::json& document);
// Parses a TEXT column; NULL, another storage class or text that is not JSON is an error.
Result<nlohmann::json> readJson(const SqliteStatement& statement, int column);
// As readJson, but NULL reads as no document.
Result<std::optional<nlohmann::json>> readOptionalJson(const SqliteStatement& statement,
                                                       int column);

}  // namespace greenlight::store
