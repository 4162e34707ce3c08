// Lending and returning cached statements.
#include "store/sqlite_statement_cache.h"

namespace greenlight::store {

CachedStatement::~CachedStatement() {
  if (statement_ != nullptr) cache_->giveBack(std::move(statement_));
}

std::unique_ptr<SqliteStatement> SqliteStatementCache::take(const std::string& sql) {
  auto found = idle_.find(sql);
  if (found == idle_.end()) return nullptr;
  std::unique_ptr<SqliteStatement> statement = std::move(found->second);
  idle_.erase(found);
  return statement;
}

void SqliteStatementCache::giveBack(std::unique_ptr<SqliteStatement> statement) {
  // A statement left mid-read would keep its read transaction open; reset it before keeping it.
  statement->reset();
  (void)statement->clearBindings();  // cannot fail on a reset statement
  if (idle_.size() >= kCapacity || idle_.contains(statement->sql())) return;
  std::string sql = statement->sql();
  idle_.emplace(std::move(sql), std::move(statement));
}

}  // namespace greenlight::store
