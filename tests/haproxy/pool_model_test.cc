// pools.json round trips every pool, member, weight and admin state.
#include "providers/traffic/haproxy/pool_model.h"

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace greenlight::providers::haproxy {
namespace {

TEST(PoolModel, RoundTripsThroughTheFile) {
  testing::TempDir dir;
  ProviderModel model;
  PoolModel pool;
  pool.pool.id = "g1";
  pool.pool.name = "shop/web";
  pool.pool.frontend = "127.0.0.1:18080";
  pool.pool.healthCheck.path = "/ready";
  pool.pool.healthCheck.intervalMs = 250;
  pool.members.push_back({{"i-1", "127.0.0.1", 9001, ""}, 90, AdminState::kReady});
  pool.members.push_back({{"i-2", "10.0.0.2", 9002, ""}, 0, AdminState::kMaint});
  model.pools.emplace("g1", pool);
  ASSERT_TRUE(saveModel(dir / "pools.json", model).ok());
  auto loaded = loadModel(dir / "pools.json");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  ASSERT_EQ(loaded->pools.size(), 1u);
  const auto& back = loaded->pools.at("g1");
  EXPECT_EQ(back.pool, pool.pool);
  ASSERT_EQ(back.members.size(), 2u);
  EXPECT_EQ(back.members[0].member.instanceId, "i-1");
  EXPECT_EQ(back.members[0].weight, 90);
  EXPECT_EQ(back.members[0].adminState, AdminState::kReady);
  EXPECT_EQ(back.members[1].member.address, "10.0.0.2");
  EXPECT_EQ(back.members[1].adminState, AdminState::kMaint);
  EXPECT_EQ(back.backendName(), "be_g1");
}

TEST(PoolModel, MissingFileIsEmptyAndBadFileIsAnError) {
  testing::TempDir dir;
  auto empty = loadModel(dir / "pools.json");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->pools.empty());
  testing::writeFile(dir / "pools.json", "{\"pools\": [ {\"name\": 1} ]");
  auto bad = loadModel(dir / "pools.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find((dir / "pools.json").string()), std::string::npos);
}

}  // namespace
}  // namespace greenlight::providers::haproxy
