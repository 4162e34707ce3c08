// Converting JSON columns, catching nlohmann's exceptions at the boundary.
#include "store/sqlite_json.h"

#include <exception>
#include <string>

namespace greenlight::store {

Status bindJson(SqliteStatement& statement, int index, const nlohmann::json& document) {
  std::string text;
  try {
    text = document.dump();
  } catch (const nlohmann::json::exception& error) {
    return Error{kStoreMisuse, "cannot store a JSON document in parameter " +
                                   std::to_string(index) + " of `" + statement.sql() +
                                   "`: " + error.what() + "; the document must be valid UTF-8"};
  }
  return statement.bind(index, std::string_view(text));
}

Result<nlohmann::json> readJson(const SqliteStatement& statement, int column) {
  Result<std::string> text = statement.read<std::string>(column);
  if (!text.ok()) return text.error();
  nlohmann::json document = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) {
    return Error{kStoreSchemaMismatch,
                 "column " + std::to_string(column) + " of `" + statement.sql() +
                     "` does not hold valid JSON (it starts with '" + text->substr(0, 40) +
                     "'); the store was changed outside greenlight or is damaged: restore it "
                     "from a backup"};
  }
  return document;
}

Result<std::optional<nlohmann::json>> readOptionalJson(const SqliteStatement& statement,
                                                       int column) {
  Result<bool> null = statement.isNull(column);
  if (!null.ok()) return null.error();
  if (*null) return std::optional<nlohmann::json>();
  Result<nlohmann::json> document = readJson(statement, column);
  if (!document.ok()) return document.error();
  return std::optional<nlohmann::json>(std::move(document).value());
}

}  // namespace greenlight::store
