// Group specs from YAML and JSON: the happy path, round trips, and each invalid case reported with
// its line, column and key path.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <iterator>

#include "catalog/group_spec.h"
#include "catalog/traffic_spec.h"
#include "common/error_codes.h"

namespace greenlight::catalog {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string readFileOrEmpty(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string yamlError(const std::string& yaml, std::string_view fallback = "shop") {
  Result<GroupSpec> spec = parseGroupYaml(yaml, "web.yaml", fallback);
  EXPECT_FALSE(spec.ok()) << yaml;
  if (spec.ok()) return "";
  EXPECT_EQ(spec.error().code, codes::kInvalidGroupSpec);
  return spec.error().message;
}

TEST(GroupSpecYaml, ReadsEveryKey) {
  Result<GroupSpec> spec = parseGroupYaml(
      "application: shop\n"
      "name: web\n"
      "fleet: {provider: local, instances: 4, basePort: 18080}\n"
      "deploymentConfig: CodeDeployDefault.HalfAtATime\n"
      "deploymentStyle: in-place\n"
      "loadBalancer: {provider: none}\n"
      "autoRollback: {enabled: true, events: [DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_REQUEST]}\n"
      "environment: {APP_ENV: production, WORKERS: 4}\n"
      "revisionsToKeep: 3\n"
      "ignoreApplicationStopFailures: yes\n"
      "fileExistsBehavior: overwrite\n",
      "web.yaml");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_EQ(spec->application, "shop");
  EXPECT_EQ(spec->name, "web");
  EXPECT_EQ(spec->fleet.provider, FleetProvider::Local);
  EXPECT_EQ(spec->fleet.instances, 4);
  EXPECT_EQ(spec->fleet.basePort, 18080);
  EXPECT_EQ(spec->deploymentConfig, "CodeDeployDefault.HalfAtATime");
  EXPECT_EQ(spec->style, DeploymentStyle::InPlace);
  EXPECT_EQ(spec->loadBalancer, nlohmann::json({{"provider", "none"}}));
  EXPECT_TRUE(spec->autoRollback.enabled);
  EXPECT_TRUE(spec->autoRollback.onFailure());
  EXPECT_TRUE(spec->autoRollback.onStopRequest());
  EXPECT_EQ(spec->environment.at("APP_ENV"), "production");
  EXPECT_EQ(spec->environment.at("WORKERS"), "4");
  EXPECT_EQ(spec->revisionsToKeep, 3);
  EXPECT_TRUE(spec->ignoreApplicationStopFailures);
  EXPECT_EQ(spec->fileExistsBehavior, "OVERWRITE");
}

TEST(GroupSpecYaml, DefaultsAndApplicationFromTheRequest) {
  Result<GroupSpec> spec = parseGroupYaml("name: web\nfleet:\n  instances: 2\n", "web.yaml", "shop");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_EQ(spec->application, "shop");
  EXPECT_EQ(spec->fleet.provider, FleetProvider::Local);
  EXPECT_EQ(spec->deploymentConfig, "CodeDeployDefault.OneAtATime");
  EXPECT_FALSE(spec->autoRollback.onFailure());
  EXPECT_EQ(spec->revisionsToKeep, 5);
  EXPECT_EQ(spec->fileExistsBehavior, "DISALLOW");
}

TEST(GroupSpecYaml, StaticFleetWithTags) {
  Result<GroupSpec> spec = parseGroupYaml(
      "name: db\nfleet:\n  provider: static\n  tags:\n    role: db\n    zone: a\n", "db.yaml", "shop");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_EQ(spec->fleet.provider, FleetProvider::Static);
  EXPECT_EQ(spec->fleet.tags, (std::map<std::string, std::string>{{"role", "db"}, {"zone", "a"}}));
}

TEST(GroupSpecYaml, EnabledRollbackWithoutEventsRollsBackOnFailure) {
  Result<GroupSpec> spec = parseGroupYaml(
      "name: web\nfleet: {instances: 1}\nautoRollback: {enabled: true}\n", "web.yaml", "shop");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_TRUE(spec->autoRollback.onFailure());
  EXPECT_FALSE(spec->autoRollback.onStopRequest());
}

TEST(GroupSpecYaml, InstancesThatAreNotANumberNamesLineColumnAndKey) {
  std::string message = yamlError(
      "application: shop\n"
      "name: web\n"
      "fleet:\n"
      "  instances: four\n");
  EXPECT_EQ(message, "web.yaml:4:14: fleet.instances: must be a whole number from 1 to 1000, "
                     "not \"four\"");
}

TEST(GroupSpecYaml, InstancesOutOfRange) {
  std::string message = yamlError("name: web\nfleet:\n  instances: 0\n");
  EXPECT_TRUE(contains(message, "web.yaml:3:14: fleet.instances: must be a whole number from 1 "
                                "to 1000, not 0")) << message;
  message = yamlError("name: web\nfleet:\n  instances: 1001\n");
  EXPECT_TRUE(contains(message, "web.yaml:3:14: fleet.instances:")) << message;
}

TEST(GroupSpecYaml, UnknownKeySuggestsTheClosest) {
  std::string message = yamlError(
      "name: web\n"
      "fleet: {instances: 2}\n"
      "deploymentConfg: CodeDeployDefault.AllAtOnce\n");
  EXPECT_EQ(message, "web.yaml:3:1: deploymentConfg: unknown key (did you mean "
                     "'deploymentConfig'?)");
}

TEST(GroupSpecYaml, UnknownNestedKeyWithoutCloseMatchListsTheKeys) {
  std::string message = yamlError("name: web\nfleet:\n  instances: 2\n  color: blue\n");
  EXPECT_TRUE(contains(message, "web.yaml:4:3: fleet.color: unknown key; fleet has provider, "
                                "instances, basePort, tags and aws")) << message;
}

TEST(GroupSpecYaml, EveryProblemOnItsOwnLineInFileOrder) {
  std::string message = yamlError(
      "name: web/1\n"
      "fleet: {provider: lokal, instances: 2}\n"
      "revisionsToKeep: 0\n"
      "fileExistsBehavior: replace\n");
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= message.size()) {
    std::size_t end = message.find('\n', start);
    if (end == std::string::npos) end = message.size();
    lines.push_back(message.substr(start, end - start));
    start = end + 1;
  }
  ASSERT_EQ(lines.size(), 4u) << message;
  EXPECT_TRUE(contains(lines[0], "web.yaml:1:7: name: the group name may hold only")) << lines[0];
  EXPECT_TRUE(contains(lines[1], "web.yaml:2:19: fleet.provider: must be local, static or aws, not "
                                 "'lokal' (did you mean 'local'?)")) << lines[1];
  EXPECT_TRUE(contains(lines[2], "web.yaml:3:18: revisionsToKeep: must be a whole number from 1 "
                                 "to 100, not 0")) << lines[2];
  EXPECT_TRUE(contains(lines[3], "web.yaml:4:21: fileExistsBehavior: must be DISALLOW, OVERWRITE "
                                 "or RETAIN, not 'REPLACE'")) << lines[3];
}

TEST(GroupSpecYaml, MissingNameAndFleet) {
  std::string message = yamlError("deploymentConfig: CodeDeployDefault.AllAtOnce\n");
  EXPECT_TRUE(contains(message, "name: missing")) << message;
  EXPECT_TRUE(contains(message, "fleet: missing")) << message;
  // Nothing more about the fleet than that it is missing.
  EXPECT_FALSE(contains(message, "fleet.instances")) << message;
}

TEST(GroupSpecYaml, MissingApplicationWithoutFallback) {
  std::string message = yamlError("name: web\nfleet: {instances: 1}\n", "");
  EXPECT_TRUE(contains(message, "application: missing")) << message;
}

TEST(GroupSpecYaml, ApplicationDisagreeingWithTheRequest) {
  std::string message = yamlError("application: other\nname: web\nfleet: {instances: 1}\n");
  EXPECT_TRUE(contains(message, "web.yaml:1:14: application: says 'other' but the group is being "
                                "created in application 'shop'")) << message;
}

TEST(GroupSpecYaml, BlueGreenNeedsALoadBalancer) {
  std::string message = yamlError("name: web\nfleet: {instances: 1}\ndeploymentStyle: blue-green\n");
  EXPECT_TRUE(contains(message, "web.yaml:3:18: deploymentStyle: blue-green needs a load "
                                "balancer")) << message;
}

TEST(GroupSpecYaml, BlueGreenWithALoadBalancerIsAccepted) {
  Result<GroupSpec> spec = parseGroupYaml(
      "name: web\nfleet: {instances: 2}\ndeploymentStyle: blue-green\n"
      "loadBalancer: {provider: haproxy, listen: 127.0.0.1:8080}\n",
      "web.yaml", "shop");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_EQ(spec->style, DeploymentStyle::BlueGreen);
  EXPECT_EQ(spec->fleet.instances, 2);
}

TEST(GroupSpecYaml, BlueGreenWithoutAnyLoadBalancerIsRefusedNamingIt) {
  std::string message = yamlError(
      "name: web\nfleet: {instances: 1}\ndeploymentStyle: blue-green\n"
      "loadBalancer: {provider: none}\n");
  EXPECT_TRUE(contains(message, "deploymentStyle: blue-green needs a load balancer")) << message;
  EXPECT_TRUE(contains(message, "loadBalancer")) << message;
}

TEST(GroupSpecYaml, BlueGreenOnAStaticFleetIsRefusedNamingTheProvider) {
  std::string message = yamlError(
      "name: web\nfleet: {provider: static, tags: {role: web}}\ndeploymentStyle: blue-green\n"
      "loadBalancer: {provider: haproxy, listen: 127.0.0.1:8080}\n");
  EXPECT_TRUE(contains(message, "fleet.provider")) << message;
  EXPECT_TRUE(contains(message, "a static fleet cannot do")) << message;
}

TEST(GroupSpecYaml, StaticFleetRefusesLocalKeys) {
  std::string message =
      yamlError("name: web\nfleet:\n  provider: static\n  instances: 3\n  basePort: 9000\n");
  EXPECT_TRUE(contains(message, "web.yaml:4:14: fleet.instances: does not apply to a static "
                                "fleet")) << message;
  EXPECT_TRUE(contains(message, "web.yaml:5:13: fleet.basePort: does not apply")) << message;
}

TEST(GroupSpecYaml, BasePortMustLeaveRoomForEveryInstance) {
  std::string message = yamlError("name: web\nfleet: {instances: 10, basePort: 65530}\n");
  EXPECT_TRUE(contains(message, "fleet.basePort: gives the last of 10 instances port 65539"))
      << message;
}

TEST(GroupSpecYaml, RollbackEventsAreChecked) {
  std::string message = yamlError(
      "name: web\nfleet: {instances: 1}\nautoRollback:\n  enabled: maybe\n"
      "  events: [DEPLOYMENT_FAILUR]\n");
  EXPECT_TRUE(contains(message, "web.yaml:4:12: autoRollback.enabled: must be true or false, not "
                                "\"maybe\"")) << message;
  EXPECT_TRUE(contains(message, "web.yaml:5:12: autoRollback.events[0]: 'DEPLOYMENT_FAILUR' is "
                                "not a rollback event")) << message;
  EXPECT_TRUE(contains(message, "did you mean 'DEPLOYMENT_FAILURE'?")) << message;
}

TEST(GroupSpecYaml, EnvironmentNamesAreChecked) {
  std::string message = yamlError(
      "name: web\nfleet: {instances: 1}\nenvironment:\n  1BAD: x\n  DEPLOYMENT_ID: y\n"
      "  nested: {a: b}\n");
  EXPECT_TRUE(contains(message, "web.yaml:4:3: environment.1BAD: '1BAD' is not an environment "
                                "variable name")) << message;
  EXPECT_TRUE(contains(message, "web.yaml:5:3: environment.DEPLOYMENT_ID: is set by greenlight"))
      << message;
  EXPECT_TRUE(contains(message, "web.yaml:6:11: environment.nested: must be a single value, not a "
                                "mapping")) << message;
}

TEST(GroupSpecYaml, DuplicateKeysAreRefused) {
  std::string message = yamlError("name: web\nfleet: {instances: 1}\nname: api\n");
  EXPECT_TRUE(contains(message, "web.yaml:3:1: name: appears twice")) << message;
}

TEST(GroupSpecYaml, SyntaxErrorsHaveTheirLine) {
  std::string message = yamlError("name: web\nfleet: {instances: 1\n");
  EXPECT_TRUE(contains(message, "web.yaml:")) << message;
  EXPECT_TRUE(contains(message, "not valid YAML")) << message;
}

TEST(GroupSpecYaml, EmptyAndNonMappingDocuments) {
  EXPECT_TRUE(contains(yamlError(""), "the group spec is empty"));
  EXPECT_TRUE(contains(yamlError("- name: web\n"), "a group spec is a mapping of keys"));
}

TEST(GroupSpecYaml, HaproxyLoadBalancerNeedsAnAddress) {
  std::string message =
      yamlError("name: web\nfleet: {instances: 1}\nloadBalancer: {provider: haproxy}\n");
  EXPECT_TRUE(contains(message, "web.yaml:3:15: loadBalancer.listen: missing")) << message;
}

TEST(GroupSpecYaml, HaproxyLoadBalancerIsReadWithItsHealthCheck) {
  auto spec = parseGroupYaml(
      "name: web\nfleet: {instances: 2}\nloadBalancer:\n  provider: haproxy\n"
      "  listen: 127.0.0.1:18500\n  healthCheck: {path: /healthz, intervalMs: 300}\n"
      "  drainTimeoutSeconds: 5\n",
      "web.yaml", "shop");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  std::vector<TrafficSpecProblem> problems;
  auto loadBalancer = readLoadBalancerSpec(spec->loadBalancer, problems);
  ASSERT_TRUE(problems.empty());
  ASSERT_TRUE(loadBalancer.has_value());
  EXPECT_EQ(loadBalancer->listen, "127.0.0.1:18500");
  EXPECT_EQ(loadBalancer->healthCheck.path, "/healthz");
  EXPECT_EQ(loadBalancer->healthCheck.intervalMs, 300);
  EXPECT_EQ(loadBalancer->healthCheck.healthyThreshold, 2);  // the default
  EXPECT_EQ(loadBalancer->drainTimeoutSeconds, 5);
}

TEST(GroupSpecYaml, LoadBalancerProblemsNameTheKey) {
  std::string message = yamlError(
      "name: web\nfleet: {instances: 1}\nloadBalancer:\n  provider: haproxy\n"
      "  listen: localhost\n  healthCheck: {path: health, intervalMs: 5, retries: 3}\n");
  EXPECT_TRUE(contains(message, "loadBalancer.listen: must be HOST:PORT")) << message;
  EXPECT_TRUE(contains(message, "loadBalancer.healthCheck.path: must be a URL path")) << message;
  EXPECT_TRUE(contains(message, "loadBalancer.healthCheck.intervalMs: must be a whole number "
                                "from 100")) << message;
  EXPECT_TRUE(contains(message, "loadBalancer.healthCheck.retries: unknown key")) << message;
}

TEST(GroupSpecYaml, LoadBalancerNoneIsNoLoadBalancer) {
  auto spec = parseGroupYaml("name: web\nfleet: {instances: 1}\nloadBalancer: {provider: none}\n",
                             "web.yaml", "shop");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  std::vector<TrafficSpecProblem> problems;
  EXPECT_FALSE(readLoadBalancerSpec(spec->loadBalancer, problems).has_value());
  EXPECT_TRUE(problems.empty());
}

TEST(GroupSpecYaml, UnknownLoadBalancerProviderIsRefused) {
  std::string message =
      yamlError("name: web\nfleet: {instances: 1}\nloadBalancer: {provider: nginx}\n");
  EXPECT_TRUE(contains(message, "loadBalancer.provider: must be 'haproxy', 'aws-elbv2' or 'none', "
                                "not 'nginx'")) << message;
}

TEST(GroupSpecYaml, BlueGreenSectionOnlyWithTheBlueGreenStyle) {
  std::string message =
      yamlError("name: web\nfleet: {instances: 1}\nblueGreen: {terminationWaitSeconds: 5}\n");
  EXPECT_TRUE(contains(message, "blueGreen: only applies with `deploymentStyle: blue-green`"))
      << message;
  std::vector<TrafficSpecProblem> problems;
  BlueGreenSpec read = readBlueGreenSpec(
      nlohmann::json{{"readyAction", "wait"}, {"originalFleetAction", "keep-alive"},
                     {"terminationWaitSeconds", 7}, {"maxRemainingFleets", "two"}},
      problems);
  EXPECT_TRUE(read.waitForReady);
  EXPECT_TRUE(read.keepOriginalAlive);
  EXPECT_EQ(read.terminationWaitSeconds, 7);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].keyPath, "blueGreen.maxRemainingFleets");
}

TEST(GroupSpecYaml, RollingReplaceHasDefaultsAndNamesItsBadKeys) {
  std::vector<TrafficSpecProblem> problems;
  BlueGreenSpec read = readBlueGreenSpec(nlohmann::json{{"rolling", {{"batchSizePercentage", 50}}}}, problems);
  EXPECT_TRUE(problems.empty());
  ASSERT_TRUE(read.rolling.has_value());
  EXPECT_EQ(read.rolling->batchSizePercentage, 50);
  EXPECT_EQ(read.rolling->gracePeriodSeconds, 300);
  EXPECT_EQ(read.rolling->batchMinHealthyPercentage, 100);
  EXPECT_EQ(read.rolling->pauseSeconds, 0);
  EXPECT_FALSE(readBlueGreenSpec(nlohmann::json::object(), problems).rolling.has_value());
  read = readBlueGreenSpec(
      nlohmann::json{{"rolling", {{"batchSizePercentage", 0}, {"batchMinHealthy", 50}}}}, problems);
  ASSERT_EQ(problems.size(), 2u);
  std::set<std::string> paths = {problems[0].keyPath, problems[1].keyPath};
  EXPECT_TRUE(paths.count("blueGreen.rolling.batchSizePercentage")) << problems[0].keyPath << " " << problems[1].keyPath;
  EXPECT_TRUE(paths.count("blueGreen.rolling.batchMinHealthy")) << problems[0].keyPath << " " << problems[1].keyPath;
  problems.clear();
  (void)readBlueGreenSpec(nlohmann::json{{"rolling", 25}}, problems);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].keyPath, "blueGreen.rolling");
}

TEST(GroupSpecYaml, DeeplyNestedInputIsRefusedNotCrashed) {
  std::string deep = "name: web\nfleet: {instances: 1}\nloadBalancer: " + std::string(500, '[') +
                     std::string(500, ']') + "\n";
  EXPECT_FALSE(parseGroupYaml(deep, "web.yaml", "shop").ok());
}

TEST(GroupSpecYaml, HostileInputIsAnErrorNeverACrash) {
  const std::vector<std::string> inputs = {
      std::string("name: web\0fleet: x", 18), "\t\tname: web\n", "name: [web\n", "? [a, b]\n: c\n",
      "name: &a web\nfleet: *a\n", "name: *undefined\n", "\xff\xfe\x00garbage", "{{{{",
      "name: web\nfleet: {instances: 99999999999999999999}\n", "name: !!binary aGVsbG8=\n",
      "- - - -\n", ": :\n", "name: web\nfleet: {instances: -1}\n"};
  for (const std::string& input : inputs) {
    Result<GroupSpec> spec = parseGroupYaml(input, "x.yaml", "shop");
    EXPECT_FALSE(spec.ok()) << input;
    if (!spec.ok()) {
      EXPECT_EQ(spec.error().code, codes::kInvalidGroupSpec) << input;
      EXPECT_FALSE(spec.error().message.empty());
    }
  }
}

TEST(GroupSpecJson, RoundTripsThroughToJson) {
  GroupSpec spec;
  spec.application = "shop";
  spec.name = "web";
  spec.fleet.instances = 3;
  spec.fleet.basePort = 20000;
  spec.deploymentConfig = "CodeDeployDefault.AllAtOnce";
  spec.autoRollback = {true, {kRollbackOnFailure}};
  spec.environment = {{"A", "1"}};
  spec.revisionsToKeep = 2;
  spec.ignoreApplicationStopFailures = true;
  spec.fileExistsBehavior = "RETAIN";
  Result<GroupSpec> back = groupSpecFromJson(toJson(spec));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, spec);

  GroupSpec staticSpec;
  staticSpec.application = "shop";
  staticSpec.name = "db";
  staticSpec.fleet.provider = FleetProvider::Static;
  staticSpec.fleet.tags = {{"role", "db"}};
  Result<GroupSpec> staticBack = groupSpecFromJson(toJson(staticSpec));
  ASSERT_TRUE(staticBack.ok()) << staticBack.error().message;
  EXPECT_EQ(*staticBack, staticSpec);
}

TEST(GroupSpecJson, ProblemsNameTheKeyPath) {
  nlohmann::json body = {{"name", "web"},
                         {"fleet", {{"provider", "local"}, {"instances", "4"}}},
                         {"revisionsToKeep", true},
                         {"fileExistsBehaviour", "OVERWRITE"}};
  Result<GroupSpec> spec = groupSpecFromJson(body, "shop");
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.error().code, codes::kInvalidGroupSpec);
  const std::string& message = spec.error().message;
  EXPECT_TRUE(contains(message, "fileExistsBehaviour: unknown key (did you mean "
                                "'fileExistsBehavior'?)")) << message;
  EXPECT_TRUE(contains(message, "revisionsToKeep: must be a whole number from 1 to 100, not "
                                "\"true\"")) << message;
  // A JSON string holding digits is still read as a number of instances.
  EXPECT_FALSE(contains(message, "fleet.instances")) << message;
}

TEST(GroupSpecJson, NonObjectBodyIsRefused) {
  Result<GroupSpec> spec = groupSpecFromJson(nlohmann::json::array({1, 2}), "shop");
  ASSERT_FALSE(spec.ok());
  EXPECT_TRUE(contains(spec.error().message, "a group spec is a mapping of keys"));
}

TEST(GroupSpecJson, NumbersThatAreNotWholeAreRefused) {
  Result<GroupSpec> spec =
      groupSpecFromJson({{"name", "web"}, {"fleet", {{"instances", 2.5}}}}, "shop");
  ASSERT_FALSE(spec.ok());
  EXPECT_TRUE(contains(spec.error().message, "fleet.instances: must be a whole number from 1 to "
                                             "1000, not \"2.5\"")) << spec.error().message;
}

TEST(GroupSpecYaml, AnalysisIsReadWithTheLineOfEveryProblem) {
  std::string message = yamlError(
      "name: web\nfleet: {instances: 2}\ndeploymentStyle: blue-green\n"
      "loadBalancer: {provider: haproxy, listen: 127.0.0.1:8080}\n"
      "analysis:\n"
      "  checks:\n"
      "    - name: errors\n"
      "      loadBalancer: {maxErrorRatePercent: 150}\n");
  EXPECT_TRUE(contains(message, "web.yaml:8:43: analysis.checks[0].loadBalancer.maxErrorRatePercent: "
                                "must be a number from 0 to 100, not 150"))
      << message;
  Result<GroupSpec> spec = parseGroupYaml(
      "name: web\nfleet: {instances: 2}\ndeploymentStyle: blue-green\n"
      "loadBalancer: {provider: haproxy, listen: 127.0.0.1:8080}\n"
      "analysis: {checks: [{name: errors, loadBalancer: {maxErrorRatePercent: 1}}]}\n",
      "web.yaml", "shop");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_EQ(spec->analysis["checks"][0]["loadBalancer"]["maxErrorRatePercent"], 1);
  EXPECT_EQ(toJson(*spec)["analysis"], spec->analysis) << "kept verbatim, written back as read";
}

TEST(GroupSpecYaml, InPlaceAnalysisNeedsALoadBalancerForItsBalancerChecks) {
  std::string message = yamlError(
      "name: web\nfleet: {instances: 1}\n"
      "analysis: {checks: [{name: smoke, webhook: {url: 'http://127.0.0.1:9/x'}},"
      " {name: errors, loadBalancer: {maxErrorRatePercent: 1}}]}\n");
  EXPECT_TRUE(contains(message, "analysis.checks[1].loadBalancer: compares the balancer's counters"))
      << message;
  EXPECT_FALSE(contains(message, "checks[0]")) << message;
  Result<GroupSpec> withBalancer = parseGroupYaml(
      "name: web\nfleet: {instances: 3}\n"
      "loadBalancer: {provider: haproxy, listen: 127.0.0.1:8080}\n"
      "analysis: {batchSeconds: 20, checks: [{name: errors, loadBalancer: {maxErrorRatePercent: 1}}]}\n",
      "web.yaml", "shop");
  ASSERT_TRUE(withBalancer.ok()) << withBalancer.error().message;
  Result<GroupSpec> webhookOnly = parseGroupYaml(
      "name: web\nfleet: {instances: 3}\n"
      "analysis: {checks: [{name: smoke, webhook: {url: 'http://127.0.0.1:9/x'}}]}\n",
      "web.yaml", "shop");
  ASSERT_TRUE(webhookOnly.ok()) << webhookOnly.error().message;
  EXPECT_TRUE(contains(yamlError("name: web\nfleet: {instances: 1}\n"
                                 "analysis: {batchSeconds: 0, checks: [{name: smoke, webhook: "
                                 "{url: 'http://127.0.0.1:9/x'}}]}\n"),
                       "analysis.batchSeconds"));
}

TEST(GroupSpecYaml, AGroupWithEverySectionReadsAndRoundTrips) {
  std::string text = readFileOrEmpty(std::string(GREENLIGHT_SOURCE_DIR) + "/tests/catalog/group-full.yaml");
  ASSERT_FALSE(text.empty());
  Result<GroupSpec> spec = parseGroupYaml(text, "group-full.yaml");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_EQ(spec->alarms["checks"][0]["name"], "slo");
  Result<GroupSpec> again = groupSpecFromJson(toJson(*spec));
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(*again, *spec);
}

}  // namespace
}  // namespace greenlight::catalog
