// Shares one store connection between threads by letting one thread at a time use it.
#pragma once

#include <memory>
#include <mutex>
#include <utility>

#include "store/sqlite_database.h"

namespace greenlight::store {

// Thread-safe. withConnection runs `work` with the connection while holding a mutex, so every
// statement, read and transaction inside `work` is serialised with other threads' work. `work`
// must not keep the connection, its statements or a Transaction beyond its own return, and must
// not call withConnection again (the mutex is not recursive).
class SerializedSqliteDatabase {
 public:
  explicit SerializedSqliteDatabase(std::unique_ptr<SqliteDatabase> database)
      : database_(std::move(database)) {}
  SerializedSqliteDatabase(const SerializedSqliteDatabase&) = delete;
  SerializedSqliteDatabase& operator=(const SerializedSqliteDatabase&) = delete;

  template <typename Work>
  decltype(auto) withConnection(Work&& work) {
    std::lock_guard lock(mutex_);
    return std::forward<Work>(work)(*database_);
  }

 private:
  std::mutex mutex_;
  std::unique_ptr<SqliteDatabase> database_;  // GUARDED_BY(mutex_)
};

}  // namespace greenlight::store
