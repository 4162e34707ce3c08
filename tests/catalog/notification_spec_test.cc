// The notifications section of a group spec: read from YAML and JSON, kept verbatim, and each
// mistake reported with its line, column and key path, saying what to write instead.
#include <gtest/gtest.h>

#include "catalog/catalog.h"
#include "catalog/group_spec.h"
#include "catalog/notification_spec.h"
#include "common/error_codes.h"

namespace greenlight::catalog {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

const std::string kHead = "name: web\nfleet: {provider: local, instances: 2}\n";

std::string yamlError(const std::string& notifications) {
  Result<GroupSpec> spec = parseGroupYaml(kHead + notifications, "web.yaml", "shop");
  EXPECT_FALSE(spec.ok()) << notifications;
  if (spec.ok()) return "";
  EXPECT_EQ(spec.error().code, codes::kInvalidGroupSpec);
  return spec.error().message;
}

TEST(NotificationSpec, ReadsEveryKeyAndKeepsTheSectionVerbatim) {
  Result<GroupSpec> spec = parseGroupYaml(kHead +
                                              "notifications:\n"
                                              "  - name: ops\n"
                                              "    url: http://127.0.0.1:9000/hook\n"
                                              "    events: [DeploymentStart, DeploymentFailure]\n"
                                              "    format: slack\n"
                                              "    secretEnv: GREENLIGHT_HOOK_SECRET\n"
                                              "    timeoutSeconds: 5\n"
                                              "    maxAttempts: 3\n"
                                              "  - {name: audit, url: 'https://audit.example/in'}\n",
                                          "web.yaml", "shop");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_EQ(toJson(*spec)["notifications"], spec->notifications) << "written back as read";
  std::vector<TrafficSpecProblem> problems;
  std::vector<NotificationTargetSpec> targets = readNotificationsSpec(spec->notifications, problems);
  ASSERT_TRUE(problems.empty());
  ASSERT_EQ(targets.size(), 2u);
  EXPECT_EQ(targets[0].name, "ops");
  EXPECT_EQ(targets[0].url, "http://127.0.0.1:9000/hook");
  EXPECT_EQ(targets[0].events, (std::vector<std::string>{"DeploymentStart", "DeploymentFailure"}));
  EXPECT_EQ(targets[0].format, NotificationFormat::Slack);
  EXPECT_EQ(targets[0].secretEnv, "GREENLIGHT_HOOK_SECRET");
  EXPECT_EQ(targets[0].timeoutSeconds, 5);
  EXPECT_EQ(targets[0].maxAttempts, 3);
  EXPECT_TRUE(targets[0].wants("DeploymentFailure"));
  EXPECT_FALSE(targets[0].wants("InstanceStart"));
  // Defaults: every event, JSON, unsigned, 10 s, 10 attempts.
  EXPECT_TRUE(targets[1].events.empty());
  EXPECT_TRUE(targets[1].wants("StepStarted"));
  EXPECT_EQ(targets[1].format, NotificationFormat::Json);
  EXPECT_EQ(targets[1].secretEnv, "");
  EXPECT_EQ(targets[1].timeoutSeconds, 10);
  EXPECT_EQ(targets[1].maxAttempts, 10);
}

TEST(NotificationSpec, AnUnknownEventIsNamedWithItsPlaceAndTheClosestName) {
  std::string message = yamlError(
      "notifications:\n"
      "  - name: ops\n"
      "    url: http://127.0.0.1:9000/hook\n"
      "    events: [DeploymentStart, DeploymentSucess]\n");
  EXPECT_TRUE(contains(message, "web.yaml:6:31: notifications[0].events[1]: 'DeploymentSucess' is "
                                "not an event (did you mean 'DeploymentSuccess'?)"))
      << message;
}

TEST(NotificationSpec, EachMistakeIsReportedWithItsKeyPath) {
  std::string message = yamlError(
      "notifications:\n"
      "  - name: ops\n"
      "    url: ftp://127.0.0.1/hook\n"
      "    format: xml\n"
      "    secretEnv: 'my secret'\n"
      "    timeoutSeconds: 0\n"
      "    retries: 3\n"
      "  - url: http://127.0.0.1:9000/hook\n"
      "    events: []\n"
      "  - {name: ops}\n");
  EXPECT_TRUE(contains(message, "notifications[0].url: must start with http:// or https://, not "
                                "'ftp://127.0.0.1/hook'"))
      << message;
  EXPECT_TRUE(contains(message, "notifications[0].format: must be 'json' or 'slack', not \"xml\""))
      << message;
  EXPECT_TRUE(contains(message, "notifications[0].secretEnv: must name an environment variable"))
      << message;
  EXPECT_TRUE(contains(message, "notifications[0].timeoutSeconds: must be a whole number from 1 to 60"))
      << message;
  EXPECT_TRUE(contains(message, "notifications[0].retries: unknown key; the known keys are name, url, "
                                "events, format, secretEnv, timeoutSeconds, maxAttempts"))
      << message;
  EXPECT_TRUE(contains(message, "notifications[1].name: missing; name the webhook")) << message;
  EXPECT_TRUE(contains(message, "notifications[1].events: is empty")) << message;
  EXPECT_TRUE(contains(message, "notifications[2].url: missing; give the webhook's http:// or "
                                "https:// URL"))
      << message;
  EXPECT_TRUE(contains(message, "notifications[2].name: 'ops' names another webhook too")) << message;
  // Every problem has its line: the first is on the url's.
  EXPECT_TRUE(contains(message, "web.yaml:5:10: notifications[0].url")) << message;
}

TEST(NotificationSpec, TheSectionIsAList) {
  std::string message = yamlError("notifications: {name: ops, url: 'http://127.0.0.1:9000/hook'}\n");
  EXPECT_TRUE(contains(message, "notifications: must be a list of webhooks (each with name: and url:), "
                                "not object"))
      << message;
}

TEST(NotificationSpec, JsonGroupsAreCheckedTheSameWay) {
  nlohmann::json group = {{"name", "web"},
                          {"fleet", {{"provider", "local"}, {"instances", 1}}},
                          {"notifications", {{{"name", "a b"}, {"url", "http://x/h"}, {"maxAttempts", 99}}}}};
  Result<GroupSpec> spec = groupSpecFromJson(group, "shop");
  ASSERT_FALSE(spec.ok());
  EXPECT_TRUE(contains(spec.error().message, "notifications[0].name: must be 1 to 64 of letters"))
      << spec.error().message;
  EXPECT_TRUE(contains(spec.error().message, "notifications[0].maxAttempts: must be a whole number "
                                             "from 1 to 50, not 99"))
      << spec.error().message;
}

TEST(NotificationSpec, AStoredGroupThatNoLongerReadsIsAnError) {
  DeploymentGroup group;
  group.spec.application = "shop";
  group.spec.name = "web";
  group.spec.notifications = nlohmann::json::array({{{"name", "ops"}}});
  Result<std::vector<NotificationTargetSpec>> targets = notificationsOf(group);
  ASSERT_FALSE(targets.ok());
  EXPECT_EQ(targets.error().code, codes::kInvalidGroupSpec);
  EXPECT_TRUE(contains(targets.error().message, "shop/web")) << targets.error().message;
  group.spec.notifications = nullptr;
  ASSERT_TRUE(notificationsOf(group).ok());
  EXPECT_TRUE(notificationsOf(group)->empty());
}

}  // namespace
}  // namespace greenlight::catalog
