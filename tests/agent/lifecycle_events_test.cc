// Event order for in-place deployments, with and without a load balancer, and --events lists.
#include "agent/lifecycle_events.h"

#include <gtest/gtest.h>

namespace greenlight::agent {
namespace {

using Events = std::vector<std::string>;

TEST(LifecycleEvents, WithoutLoadBalancerHasNoTrafficEvents) {
  EXPECT_EQ(defaultEventOrder(false), (Events{"ApplicationStop", "DownloadBundle", "BeforeInstall", "Install",
                                              "AfterInstall", "ApplicationStart", "ValidateService"}));
}

TEST(LifecycleEvents, WithLoadBalancerWrapsTheCoreInTrafficEvents) {
  Events events = defaultEventOrder(true);
  ASSERT_EQ(events.size(), 13U);
  EXPECT_EQ(events.front(), "BeforeBlockTraffic");
  EXPECT_EQ(events[2], "AfterBlockTraffic");
  EXPECT_EQ(events[3], "ApplicationStop");
  EXPECT_EQ(events[9], "ValidateService");
  EXPECT_EQ(events.back(), "AfterAllowTraffic");
}

TEST(LifecycleEvents, PreviousRevisionEvents) {
  EXPECT_TRUE(runsPreviousRevision("ApplicationStop"));
  EXPECT_TRUE(runsPreviousRevision("BeforeBlockTraffic"));
  EXPECT_TRUE(runsPreviousRevision("AfterBlockTraffic"));
  EXPECT_FALSE(runsPreviousRevision("BeforeInstall"));
  EXPECT_TRUE(isBuiltInEvent("DownloadBundle"));
  EXPECT_TRUE(isBuiltInEvent("AllowTraffic"));
  EXPECT_FALSE(isBuiltInEvent("ValidateService"));
}

TEST(LifecycleEvents, ExplicitListGetsDownloadAndInstall) {
  EXPECT_EQ(eventsFromList({"BeforeInstall", "ApplicationStart"}),
            (Events{"DownloadBundle", "BeforeInstall", "Install", "ApplicationStart"}));
  EXPECT_EQ(eventsFromList({"ApplicationStop", "MyCustomEvent"}),
            (Events{"ApplicationStop", "DownloadBundle", "Install", "MyCustomEvent"}));
  EXPECT_EQ(eventsFromList({"ValidateService", "ValidateService"}),
            (Events{"DownloadBundle", "Install", "ValidateService"}));
}

}  // namespace
}  // namespace greenlight::agent
