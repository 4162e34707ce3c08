// Shared by the auth tests: a clock the test moves by hand, and a fresh store with the auth
// schema applied.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <string>

#include "auth/auth_schema.h"
#include "common/clock.h"
#include "store/sqlite_database.h"
#include "store/store_test_helpers.h"
#include "support/test_support.h"

namespace greenlight::auth {

class ManualClock final : public Clock {
 public:
  explicit ManualClock(const std::string& start) : time_(parseTimestamp(start)) {}
  WallTime now() const override {
    std::lock_guard lock(mutex_);
    return time_;
  }
  void advance(std::chrono::milliseconds by) {
    std::lock_guard lock(mutex_);
    time_ += by;
  }

 private:
  mutable std::mutex mutex_;
  WallTime time_;  // GUARDED_BY(mutex_)
};

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Opens a store in `folder` and applies the auth migrations; fails the test if it cannot.
inline std::unique_ptr<store::SqliteDatabase> openAuthStore(const std::filesystem::path& folder,
                                                            const Clock& clock) {
  auto database = store::SqliteDatabase::openInDataFolder(folder);
  if (!database.ok()) {
    ADD_FAILURE() << database.error().message;
    return nullptr;
  }
  Status migrated = migrateAuthSchema(**database, clock);
  if (!migrated.ok()) ADD_FAILURE() << migrated.error().message;
  return std::move(database).value();
}

// The first column of the first row of a query: the store tests' helper.
using store::queryOne;

}  // namespace greenlight::auth
