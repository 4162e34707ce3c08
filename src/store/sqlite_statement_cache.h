// Keeps prepared statements by SQL text so that hot statements are compiled once per connection.
// A statement is lent out while in use, so two live uses of the same SQL never share one.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>

#include "store/sqlite_statement.h"

namespace greenlight::store {

class SqliteStatementCache;

// A statement borrowed from the cache; handed back (reset, bindings cleared) when it dies.
// REQUIRES: does not outlive the SqliteDatabase it came from.
class CachedStatement {
 public:
  CachedStatement(SqliteStatementCache& cache, std::unique_ptr<SqliteStatement> statement)
      : cache_(&cache), statement_(std::move(statement)) {}
  ~CachedStatement();
  CachedStatement(CachedStatement&&) noexcept = default;
  CachedStatement& operator=(CachedStatement&&) = delete;

  SqliteStatement& operator*() const { return *statement_; }
  SqliteStatement* operator->() const { return statement_.get(); }

 private:
  SqliteStatementCache* cache_;
  std::unique_ptr<SqliteStatement> statement_;
};

// Keyed by the exact SQL text: build SQL from constants and bind the values, never splice data
// into it (that would be unsafe and would also fill the cache). Bounded all the same.
class SqliteStatementCache {
 public:
  static constexpr std::size_t kCapacity = 256;

  // A cached idle statement for `sql`, or nullptr.
  std::unique_ptr<SqliteStatement> take(const std::string& sql);
  // Keeps `statement` for the next take() unless one is already kept or the cache is full.
  void giveBack(std::unique_ptr<SqliteStatement> statement);
  std::size_t size() const { return idle_.size(); }
  void clear() { idle_.clear(); }

 private:
  std::unordered_map<std::string, std::unique_ptr<SqliteStatement>> idle_;
};

}  // namespace greenlight::store
