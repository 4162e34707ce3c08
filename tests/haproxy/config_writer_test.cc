// Generation of haproxy.cfg from the model (pure) and its check by a real `haproxy -c`.
#include "providers/traffic/haproxy/config_writer.h"

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace greenlight::providers::haproxy {
namespace {

ProviderModel sampleModel() {
  ProviderModel model;
  PoolModel web;
  web.pool.id = "g1";
  web.pool.name = "shop/web";
  web.pool.frontend = "127.0.0.1:18080";
  web.pool.healthCheck.path = "/ready";
  web.pool.healthCheck.intervalMs = 500;
  web.pool.healthCheck.timeoutMs = 800;
  web.pool.healthCheck.healthyThreshold = 3;
  web.pool.healthCheck.unhealthyThreshold = 2;
  web.members.push_back({{"i-blue", "127.0.0.1", 9001, ""}, 90, AdminState::kReady});
  web.members.push_back({{"i-green", "127.0.0.1", 9002, ""}, 10, AdminState::kDrain});
  web.members.push_back({{"i-old", "127.0.0.1", 9003, ""}, 0, AdminState::kMaint});
  model.pools.emplace("g1", web);
  PoolModel external;
  external.pool.id = "ext";
  external.pool.adminSocket = "/run/haproxy/admin.sock";
  external.pool.backend = "app";
  external.members.push_back({{"i-ext", "127.0.0.1", 9100, ""}, 100, AdminState::kReady});
  model.pools.emplace("ext", external);
  return model;
}

const ConfigPaths kPaths{"/var/lib/gl/haproxy/admin.sock", "/var/lib/gl/haproxy/server-state"};

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

TEST(ConfigWriter, GlobalAndDefaultsAreTheMeasuredOnes) {
  std::string config = generateConfig(ProviderModel{}, kPaths);
  EXPECT_TRUE(contains(config, "    master-worker\n"));
  EXPECT_TRUE(contains(config, "stats socket /var/lib/gl/haproxy/admin.sock mode 600 level admin expose-fd listeners\n"));
  EXPECT_TRUE(contains(config, "server-state-file /var/lib/gl/haproxy/server-state\n"));
  EXPECT_TRUE(contains(config, "load-server-state-from-file global\n"));
  EXPECT_TRUE(contains(config, "option idle-close-on-response\n"));
  EXPECT_TRUE(contains(config, "timeout connect 1s\n"));
  EXPECT_FALSE(contains(config, "frontend"));
  EXPECT_FALSE(contains(config, "shutdown-sessions"));
}

TEST(ConfigWriter, OneFrontendAndBackendPerEmbeddedPool) {
  std::string config = generateConfig(sampleModel(), kPaths);
  EXPECT_TRUE(contains(config, "frontend fe_g1\n    bind 127.0.0.1:18080\n    default_backend be_g1\n"));
  EXPECT_TRUE(contains(config, "backend be_g1\n    balance roundrobin\n    option httpchk GET /ready\n"
                               "    http-check expect status 200\n    timeout check 800ms\n"));
  EXPECT_TRUE(contains(config, "option redispatch 1\n"));
  EXPECT_TRUE(contains(config, "retry-on conn-failure empty-response response-timeout 502 503 504\n"));
  EXPECT_TRUE(contains(config, "http-request disable-l7-retry if !METH_GET !METH_HEAD\n"));
  // An existing HAProxy's backend is never written into ours.
  EXPECT_FALSE(contains(config, "be_ext"));
  EXPECT_FALSE(contains(config, "i-ext"));
}

TEST(ConfigWriter, ServersCarryWeightAndAdminState) {
  std::string config = generateConfig(sampleModel(), kPaths);
  EXPECT_TRUE(contains(config, "    server i-blue 127.0.0.1:9001 check inter 500ms fastinter 200ms downinter 1000ms "
                               "fall 2 rise 3 weight 90 pool-max-conn -1 pool-purge-delay 5s\n"));
  EXPECT_TRUE(contains(config, "    server i-green 127.0.0.1:9002 check inter 500ms fastinter 200ms downinter 1000ms "
                               "fall 2 rise 3 weight 0 pool-max-conn -1 pool-purge-delay 5s\n"));
  EXPECT_TRUE(contains(config, "    server i-old 127.0.0.1:9003 check inter 500ms fastinter 200ms downinter 1000ms "
                               "fall 2 rise 3 weight 0 pool-max-conn -1 pool-purge-delay 5s disabled\n"));
}

TEST(ConfigWriter, GenerationIsDeterministic) {
  EXPECT_EQ(generateConfig(sampleModel(), kPaths), generateConfig(sampleModel(), kPaths));
}

TEST(ConfigWriter, PoolShapesHaproxyWouldMisreadAreRefused) {
  traffic::Pool pool;
  pool.id = "g1";
  pool.frontend = "127.0.0.1:8080";
  EXPECT_TRUE(validatePoolShape(pool).ok());
  auto badPath = pool;
  badPath.healthCheck.path = "health check";
  auto refused = validatePoolShape(badPath);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("health check path"), std::string::npos);
  auto badId = pool;
  badId.id = "G 1";
  EXPECT_FALSE(validatePoolShape(badId).ok());
  auto noPort = pool;
  noPort.frontend = "127.0.0.1";
  EXPECT_FALSE(validatePoolShape(noPort).ok());
  traffic::Pool existing;
  existing.id = "ext";
  EXPECT_FALSE(validatePoolShape(existing).ok());  // neither a frontend nor a socket
  existing.adminSocket = "/run/haproxy/admin.sock";
  existing.backend = "app";
  EXPECT_TRUE(validatePoolShape(existing).ok());
}

TEST(ConfigWriterIntegration, HaproxyAcceptsTheGeneratedFiles) {
  testing::TempDir dir;
  ConfigPaths paths{dir / "admin.sock", dir / "server-state"};
  EXPECT_TRUE(installCheckedConfig("haproxy", dir / "empty.cfg", generateConfig(ProviderModel{}, paths)).ok());
  auto full = installCheckedConfig("haproxy", dir / "full.cfg", generateConfig(sampleModel(), paths));
  EXPECT_TRUE(full.ok()) << full.error().message;
}

TEST(ConfigWriterIntegration, ARefusedFileNeverReplacesTheCurrentOne) {
  testing::TempDir dir;
  ConfigPaths paths{dir / "admin.sock", dir / "server-state"};
  std::string good = generateConfig(sampleModel(), paths);
  ASSERT_TRUE(installCheckedConfig("haproxy", dir / "haproxy.cfg", good).ok());
  auto model = sampleModel();
  model.pools.at("g1").pool.frontend = "127.0.0.1:99999";
  auto refused = installCheckedConfig("haproxy", dir / "haproxy.cfg", generateConfig(model, paths));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("haproxy -c refused the generated configuration"), std::string::npos);
  EXPECT_NE(refused.error().message.find("99999"), std::string::npos) << refused.error().message;
  EXPECT_EQ(testing::readFile(dir / "haproxy.cfg"), good);
}

}  // namespace
}  // namespace greenlight::providers::haproxy
