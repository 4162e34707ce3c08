// Internal to the catalog module: the helpers its files share — random ids, name checks, error
// builders, first-error folding over column reads, and a write scope that joins the caller's
// transaction or opens its own.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error_codes.h"
#include "common/result.h"
#include "store/sqlite_database.h"
#include "store/sqlite_transaction.h"

namespace greenlight::catalog::detail {

// `prefix` + 2*`bytes` lower-case hex from OpenSSL's RAND_bytes ("dg-1a2b3c4d5e6f").
Result<std::string> randomId(std::string_view prefix, std::size_t bytes = 6);

// Names of applications, groups and configurations: [A-Za-z0-9._-], 1..100 characters.
// Returns the problem ("must be ..."), or nullopt when the name is fine.
std::optional<std::string> nameProblem(std::string_view name);
// As above but as a ready Error with code InvalidArgument naming `what` ("application name").
Status checkName(std::string_view what, std::string_view name);

bool isLowerHex(std::string_view text);

// "'a', 'b' or 'c'" for messages; "none" when empty.
std::string quotedList(const std::vector<std::string>& items, std::size_t limit = 10);
// The names among `candidates` close to `word` (typos first), for "did you mean" hints.
std::vector<std::string> closeNames(std::string_view word, const std::vector<std::string>& candidates);

inline Error notFound(std::string message) { return Error{codes::kNotFound, std::move(message)}; }
inline Error alreadyExists(std::string message) {
  return Error{codes::kAlreadyExists, std::move(message)};
}
inline Error conflict(std::string message) { return Error{codes::kConflict, std::move(message)}; }
inline Error invalidArgument(std::string message) {
  return Error{codes::kInvalidArgument, std::move(message)};
}

template <typename... Results>
const Error* firstError(const Results&... results) {
  const Error* found = nullptr;
  ((found = found != nullptr ? found : (results.ok() ? nullptr : &results.error())), ...);
  return found;
}

// Runs `sql` with `values` and reads every row with `reader` (const SqliteStatement& -> Result<Row>).
template <typename Row, typename Reader, typename... Values>
Result<std::vector<Row>> queryAll(store::SqliteDatabase& database, const std::string& sql,
                                  Reader&& reader, const Values&... values) {
  Result<store::CachedStatement> statement = database.prepare(sql);
  if (!statement.ok()) return statement.error();
  if (Status bound = (*statement)->bindAll(values...); !bound.ok()) return bound.error();
  std::vector<Row> rows;
  while (true) {
    Result<bool> more = (*statement)->step();
    if (!more.ok()) return more.error();
    if (!*more) break;
    Result<Row> row = reader(**statement);
    if (!row.ok()) return row.error();
    rows.push_back(std::move(row).value());
  }
  return rows;
}

// The first row of `sql`, or nullopt when there is none.
template <typename Row, typename Reader, typename... Values>
Result<std::optional<Row>> queryFirst(store::SqliteDatabase& database, const std::string& sql,
                                      Reader&& reader, const Values&... values) {
  Result<store::CachedStatement> statement = database.prepare(sql);
  if (!statement.ok()) return statement.error();
  if (Status bound = (*statement)->bindAll(values...); !bound.ok()) return bound.error();
  Result<bool> found = (*statement)->step();
  if (!found.ok()) return found.error();
  if (!*found) return std::optional<Row>();
  Result<Row> row = reader(**statement);
  (*statement)->reset();
  if (!row.ok()) return row.error();
  return std::optional<Row>(std::move(row).value());
}

// A change made of several statements: inside the caller's open transaction it simply joins it
// (the caller commits, with its audit entry); otherwise it opens and commits its own.
class WriteScope {
 public:
  static Result<WriteScope> begin(store::SqliteDatabase& database);
  Status commit();

 private:
  explicit WriteScope(std::optional<store::Transaction> own) : own_(std::move(own)) {}
  std::optional<store::Transaction> own_;
};

}  // namespace greenlight::catalog::detail
