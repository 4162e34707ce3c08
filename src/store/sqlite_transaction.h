// A write transaction as an object: begun with BEGIN IMMEDIATE, committed explicitly, rolled back
// when it dies uncommitted (an early return, an error, an exception).
#pragma once

#include "common/result.h"
#include "store/sqlite_database.h"

namespace greenlight::store {

// One at a time per connection: beginning a second while one is open is refused with
// StoreMisuse rather than nested, because an inner "commit" that does not commit would break the
// promise that a committed transition is on disk.
// REQUIRES: does not outlive its database; used on the database's thread.
class Transaction {
 public:
  // BEGIN IMMEDIATE takes the write lock at once, so a conflict with another writer shows up
  // here (waiting up to the busy timeout, then StoreBusy) and never halfway through the work.
  static Result<Transaction> begin(SqliteDatabase& database);
  ~Transaction();
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // When this returns success, the transaction is durable (per SqliteOptions::synchronous).
  // On failure the transaction is rolled back (now, or when this object dies).
  Status commit();
  // Undoes the work now; the object is finished afterwards either way.
  Status rollback();
  bool open() const { return database_ != nullptr; }

 private:
  explicit Transaction(SqliteDatabase& database) : database_(&database) {}
  void finish();

  SqliteDatabase* database_;  // null once committed or rolled back
};

}  // namespace greenlight::store
