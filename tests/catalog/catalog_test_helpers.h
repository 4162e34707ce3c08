// Shared by the catalog tests: a clock moved by hand and a fresh store with the catalog schema.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <string>

#include "catalog/catalog.h"
#include "common/clock.h"
#include "store/sqlite_database.h"
#include "support/test_support.h"

namespace greenlight::catalog {

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

// A store in a fresh folder with the catalog schema applied, and a Catalog over it.
class CatalogTest : public ::testing::Test {
 protected:
  CatalogTest() {
    // Commits need not survive a power cut here; skipping the fsyncs keeps the tests quick.
    store::SqliteOptions options;
    options.synchronous = store::SqliteSynchronous::Normal;
    auto opened = store::SqliteDatabase::openInDataFolder(folder_.path(), options);
    if (!opened.ok()) {
      ADD_FAILURE() << opened.error().message;
      return;
    }
    database_ = std::move(opened).value();
    Status migrated = migrateCatalogSchema(*database_, clock_);
    if (!migrated.ok()) ADD_FAILURE() << migrated.error().message;
    catalog_ = std::make_unique<Catalog>(*database_, clock_);
  }

  Catalog& catalog() { return *catalog_; }
  store::SqliteDatabase& database() { return *database_; }

  // An application "shop" and a local group "web" of `instances`, failing the test otherwise.
  DeploymentGroup makeGroup(const std::string& name = "web", int instances = 2) {
    if (!catalog().getApplication("shop").ok()) {
      auto app = catalog().createApplication("shop", domain::ComputePlatform::Server);
      EXPECT_TRUE(app.ok()) << app.error().message;
    }
    GroupSpec spec;
    spec.application = "shop";
    spec.name = name;
    spec.fleet.instances = instances;
    auto group = catalog().createGroup(spec);
    EXPECT_TRUE(group.ok()) << group.error().message;
    return group.ok() ? *group : DeploymentGroup{};
  }

  ManualClock clock_{"2026-03-01T10:00:00.000Z"};

 private:
  testing::TempDir folder_;
  std::unique_ptr<store::SqliteDatabase> database_;
  std::unique_ptr<Catalog> catalog_;
};

}  // namespace greenlight::catalog
