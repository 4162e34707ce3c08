// Beginning, committing and rolling back store transactions.
#include "store/sqlite_transaction.h"

#include <sqlite3.h>

namespace greenlight::store {

Result<Transaction> Transaction::begin(SqliteDatabase& database) {
  if (database.inTransaction()) {
    return storeError(kStoreMisuse, database.context(),
                      "a transaction was begun while another is open on the same connection",
                      "nested transactions are not supported: do this work inside the open "
                      "transaction, or after it ends (this is a bug in greenlight)");
  }
  if (Status begun = database.run("BEGIN IMMEDIATE"); !begun.ok()) return begun.error();
  database.transactionOpen_ = true;
  return Transaction(database);
}

Transaction::Transaction(Transaction&& other) noexcept : database_(other.database_) {
  other.database_ = nullptr;
}

Transaction::~Transaction() {
  // Nothing to report to from a destructor; a failed rollback still ends the transaction when
  // the connection closes, and the next begin() would say the connection is busy.
  if (open()) (void)rollback();
}

void Transaction::finish() {
  database_->transactionOpen_ = false;
  database_ = nullptr;
}

Status Transaction::commit() {
  if (!open()) {
    return Error{kStoreMisuse,
                 "commit() called on a transaction that already ended (a bug in "
                 "greenlight); please report it"};
  }
  Status committed = database_->run("COMMIT");
  // Some failures (a full disk, an I/O error) make SQLite roll back by itself; then we are done.
  // Others (a busy lock) leave the transaction open: the destructor rolls it back.
  if (committed.ok() || sqlite3_get_autocommit(database_->connection_) != 0) finish();
  return committed;
}

Status Transaction::rollback() {
  if (!open()) return Status::success();
  Status rolledBack = Status::success();
  if (sqlite3_get_autocommit(database_->connection_) == 0) rolledBack = database_->run("ROLLBACK");
  finish();
  return rolledBack;
}

}  // namespace greenlight::store
