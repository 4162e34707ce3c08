// Real HAProxy, real backends, real HTTP: safe bring-up, exact splits, drain-and-remove.
#include <atomic>
#include <thread>

#include "haproxy/haproxy_fixture.h"

namespace greenlight::providers::haproxy {
namespace {

using testing_support::Backend;
using testing_support::HaproxyIntegration;
using testing_support::sendRequests;

TEST_F(HaproxyIntegration, NoRequestBeforeWeightsNorWhileTheCheckFails) {
  Backend serving("blue");
  Backend added("green");
  Backend failing("sick", 500);
  auto pool = makePool("web");
  bringIn(pool, {&serving}, {{"blue", 100}});

  // Added and healthy, but no weight yet: not one request.
  ASSERT_TRUE(haproxy_->addMember(pool.id, added.member()).ok());
  auto during = sendRequests(pool.frontend, 50);
  ASSERT_TRUE(waitHealthy(pool.id, "green"));
  auto after = sendRequests(pool.frontend, 50);
  EXPECT_EQ(during.failures + after.failures, 0) << during.lastFailure << after.lastFailure;
  EXPECT_EQ(during.byBody["blue"] + after.byBody["blue"], 100);
  EXPECT_EQ(added.requests(), 0);
  auto drained = member(pool.id, "green");
  ASSERT_TRUE(drained);
  EXPECT_EQ(drained->adminState, "drain");
  EXPECT_EQ(drained->weight, 0);

  // A failing /health gets nothing even at weight 100, set before any check ran.
  ASSERT_TRUE(haproxy_->addMember(pool.id, failing.member()).ok());
  auto set = haproxy_->setWeights(pool.id, {{"sick", 100}});
  ASSERT_TRUE(set.ok()) << set.error().message;
  auto meanwhile = sendRequests(pool.frontend, 100);
  ASSERT_TRUE(testing::waitFor([&] {
    auto sick = member(pool.id, "sick");
    return sick && sick->checkStatus == "L7STS";
  }, std::chrono::seconds(10)));
  auto later = sendRequests(pool.frontend, 100);
  EXPECT_EQ(failing.requests(), 0);
  EXPECT_EQ(meanwhile.failures + later.failures, 0) << meanwhile.lastFailure << later.lastFailure;
  EXPECT_EQ(meanwhile.byBody["blue"] + later.byBody["blue"], 200);
  auto sick = member(pool.id, "sick");
  ASSERT_TRUE(sick);
  EXPECT_FALSE(sick->healthy);
  EXPECT_EQ(sick->weight, 100);
  EXPECT_NE(sick->checkDetail.find("500"), std::string::npos) << sick->checkDetail;
}

TEST_F(HaproxyIntegration, NinetyTenIsExact) {
  Backend blue("blue");
  Backend green("green");
  auto pool = makePool("split");
  bringIn(pool, {&blue, &green}, {{"blue", 90}, {"green", 10}});
  auto tally = sendRequests(pool.frontend, 1000);
  EXPECT_EQ(tally.failures, 0) << tally.lastFailure;
  EXPECT_NEAR(tally.byBody["blue"], 900, 30);
  EXPECT_NEAR(tally.byBody["green"], 100, 30);
  // Idempotent: the same weights again change nothing.
  ASSERT_TRUE(haproxy_->setWeights(pool.id, {{"blue", 90}, {"green", 10}}).ok());
  ASSERT_TRUE(haproxy_->addMember(pool.id, blue.member()).ok());
  auto status = member(pool.id, "blue");
  ASSERT_TRUE(status);
  EXPECT_EQ(status->weight, 90);
  EXPECT_EQ(status->adminState, "ready");
}

TEST_F(HaproxyIntegration, ShiftingAllTrafficNeverGoesThroughZero) {
  Backend blue("blue");
  Backend green("green");
  auto pool = makePool("shift");
  bringIn(pool, {&blue, &green}, {{"blue", 100}});
  ASSERT_TRUE(haproxy_->setWeights(pool.id, {{"blue", 0}, {"green", 100}}).ok());
  auto tally = sendRequests(pool.frontend, 40);
  EXPECT_EQ(tally.failures, 0) << tally.lastFailure;
  EXPECT_EQ(tally.byBody["green"], 40);
  auto unknown = haproxy_->setWeights(pool.id, {{"nobody", 10}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, "NotFound");
  EXPECT_NE(unknown.error().message.find("nobody"), std::string::npos);
}

TEST_F(HaproxyIntegration, DrainAndRemoveWaitsForTheSlowRequest) {
  Backend blue("blue");
  Backend green("green");
  auto pool = makePool("retire");
  bringIn(pool, {&blue, &green}, {{"blue", 100}});

  std::atomic<bool> slowDone{false};
  long slowStatus = 0;
  std::string slowBody;
  std::thread slow([&] {
    http::HttpClient client(testing_support::clientOptions(pool.frontend, std::chrono::seconds(20)));
    auto response = client.get("/slow?ms=1500");
    if (response.ok()) {
      slowStatus = response->status;
      slowBody = response->body;
    }
    slowDone = true;
  });
  ASSERT_TRUE(testing::waitFor([&] {
    auto status = member(pool.id, "blue");
    return status && status->inFlight == 1;
  }, std::chrono::seconds(5)));
  ASSERT_TRUE(haproxy_->setWeights(pool.id, {{"green", 100}}).ok());

  int notYet = 0;
  bool gone = false;
  bool goneBeforeTheRequestEnded = false;
  ASSERT_TRUE(testing::waitFor([&] {
    bool wasDone = slowDone;
    auto removed = haproxy_->removeMember(pool.id, "blue");
    if (!removed.ok()) {
      ADD_FAILURE() << removed.error().message;
      return true;
    }
    if (!*removed) ++notYet;
    if (*removed && !wasDone) goneBeforeTheRequestEnded = !slowDone;
    gone = *removed;
    return gone;
  }, std::chrono::seconds(15)));
  slow.join();
  EXPECT_TRUE(gone);
  EXPECT_GT(notYet, 0);
  EXPECT_FALSE(goneBeforeTheRequestEnded);
  EXPECT_EQ(slowStatus, 200);
  EXPECT_EQ(slowBody, "blue");
  EXPECT_FALSE(member(pool.id, "blue"));
  auto again = haproxy_->removeMember(pool.id, "blue");  // already gone: still true
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(*again);
  auto tally = sendRequests(pool.frontend, 20);
  EXPECT_EQ(tally.byBody["green"], 20);
  EXPECT_EQ(testing::readFile(haproxy_->configFile()).find("server blue "), std::string::npos);
}

}  // namespace
}  // namespace greenlight::providers::haproxy
