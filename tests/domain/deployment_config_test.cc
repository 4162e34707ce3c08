// Predefined configurations, validation of custom ones, and their JSON form.
#include <gtest/gtest.h>

#include "domain/deployment_config_validation.h"
#include "domain/json_parse.h"
#include "domain/predefined_configs.h"

namespace greenlight::domain {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

DeploymentConfig serverConfig(MinimumHealthyHostsType type, int value) {
  return {"fast", ComputePlatform::Server, MinimumHealthyHosts{type, value}};
}

DeploymentConfig lambdaConfig(TrafficRouting routing) {
  return {"gentle", ComputePlatform::Lambda, routing};
}

TEST(PredefinedConfigsTest, HasEveryCodeDeployNameWithItsRule) {
  struct Expected {
    const char* name;
    ComputePlatform platform;
    std::string description;
  };
  const std::vector<Expected> expected = {
      {"CodeDeployDefault.OneAtATime", ComputePlatform::Server, "one instance at a time, all others kept healthy"},
      {"CodeDeployDefault.HalfAtATime", ComputePlatform::Server, "minimum healthy hosts FLEET_PERCENT 50"},
      {"CodeDeployDefault.AllAtOnce", ComputePlatform::Server, "minimum healthy hosts HOST_COUNT 0"},
      {"CodeDeployDefault.LambdaCanary10Percent5Minutes", ComputePlatform::Lambda, "canary 10% then the rest after 5 minutes"},
      {"CodeDeployDefault.LambdaCanary10Percent10Minutes", ComputePlatform::Lambda, "canary 10% then the rest after 10 minutes"},
      {"CodeDeployDefault.LambdaCanary10Percent15Minutes", ComputePlatform::Lambda, "canary 10% then the rest after 15 minutes"},
      {"CodeDeployDefault.LambdaCanary10Percent30Minutes", ComputePlatform::Lambda, "canary 10% then the rest after 30 minutes"},
      {"CodeDeployDefault.LambdaLinear10PercentEvery1Minute", ComputePlatform::Lambda, "10% more every 1 minute"},
      {"CodeDeployDefault.LambdaLinear10PercentEvery2Minutes", ComputePlatform::Lambda, "10% more every 2 minutes"},
      {"CodeDeployDefault.LambdaLinear10PercentEvery3Minutes", ComputePlatform::Lambda, "10% more every 3 minutes"},
      {"CodeDeployDefault.LambdaLinear10PercentEvery10Minutes", ComputePlatform::Lambda, "10% more every 10 minutes"},
      {"CodeDeployDefault.LambdaAllAtOnce", ComputePlatform::Lambda, "all traffic at once"},
      {"CodeDeployDefault.ECSCanary10Percent5Minutes", ComputePlatform::Ecs, "canary 10% then the rest after 5 minutes"},
      {"CodeDeployDefault.ECSCanary10Percent15Minutes", ComputePlatform::Ecs, "canary 10% then the rest after 15 minutes"},
      {"CodeDeployDefault.ECSLinear10PercentEvery1Minutes", ComputePlatform::Ecs, "10% more every 1 minute"},
      {"CodeDeployDefault.ECSLinear10PercentEvery3Minutes", ComputePlatform::Ecs, "10% more every 3 minutes"},
      {"CodeDeployDefault.ECSAllAtOnce", ComputePlatform::Ecs, "all traffic at once"},
  };
  ASSERT_EQ(predefinedConfigs().size(), expected.size());
  for (const auto& e : expected) {
    auto config = findPredefinedConfig(e.name);
    ASSERT_TRUE(config.has_value()) << e.name;
    EXPECT_EQ(config->name, e.name);
    EXPECT_EQ(config->computePlatform, e.platform) << e.name;
    EXPECT_EQ(describe(*config), e.description) << e.name;
  }
  EXPECT_EQ(findPredefinedConfig(kDefaultServerConfigName)->minimumHealthyHosts()->type,
            MinimumHealthyHostsType::MostConcurrency);
}

TEST(PredefinedConfigsTest, LookupIsExact) {
  EXPECT_FALSE(findPredefinedConfig("CodeDeployDefault.oneatatime").has_value());
  EXPECT_FALSE(findPredefinedConfig("OneAtATime").has_value());
  EXPECT_FALSE(findPredefinedConfig("").has_value());
  EXPECT_TRUE(isPredefinedConfigName("CodeDeployDefault.ECSAllAtOnce"));
  EXPECT_FALSE(isPredefinedConfigName("CodeDeployDefault.ECSLinear10PercentEvery1Minute"));
}

DeploymentConfig serverSteps(std::vector<TrafficStep> steps) {
  return DeploymentConfig{"x", ComputePlatform::Server, TrafficRouting{TrafficSteps{std::move(steps)}}};
}

TEST(ConfigValidationTest, AcceptsSensibleCustomConfigs) {
  EXPECT_TRUE(validateCustomConfig(serverSteps({TrafficStep::weight(10), TrafficStep::pause(),
                                                TrafficStep::pause(30), TrafficStep::weight(100)}))
                  .ok());
  // Blue/green server groups shift traffic by a routing.
  EXPECT_TRUE(validateCustomConfig(
                  DeploymentConfig{"x", ComputePlatform::Server, TrafficRouting{TimeBasedCanary{10, 5}}})
                  .ok());
  EXPECT_TRUE(validateCustomConfig(serverConfig(MinimumHealthyHostsType::HostCount, 0)).ok());
  EXPECT_TRUE(validateCustomConfig(serverConfig(MinimumHealthyHostsType::HostCount, 6)).ok());
  EXPECT_TRUE(validateCustomConfig(serverConfig(MinimumHealthyHostsType::FleetPercent, 0)).ok());
  EXPECT_TRUE(validateCustomConfig(serverConfig(MinimumHealthyHostsType::FleetPercent, 99)).ok());
  EXPECT_TRUE(validateCustomConfig(lambdaConfig(TimeBasedCanary{1, 1})).ok());
  EXPECT_TRUE(validateCustomConfig(lambdaConfig(TimeBasedLinear{99, 60})).ok());
  EXPECT_TRUE(validateCustomConfig(lambdaConfig(AllAtOnceTraffic{})).ok());
}

struct InvalidCase {
  const char* label;
  DeploymentConfig config;
  const char* messagePart;
};

void PrintTo(const InvalidCase& c, std::ostream* out) { *out << c.label; }

class ConfigValidationRejects : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(ConfigValidationRejects, WithAMessageSayingWhatToChange) {
  const auto& c = GetParam();
  auto status = validateCustomConfig(c.config);
  ASSERT_FALSE(status.ok()) << c.label;
  EXPECT_EQ(status.error().code, "InvalidDeploymentConfig");
  EXPECT_TRUE(contains(status.error().message, c.messagePart)) << status.error().message;
}

DeploymentConfig named(std::string name) {
  auto config = serverConfig(MinimumHealthyHostsType::HostCount, 1);
  config.name = std::move(name);
  return config;
}

INSTANTIATE_TEST_SUITE_P(
    Rules, ConfigValidationRejects,
    ::testing::Values(
        InvalidCase{"negative host count", serverConfig(MinimumHealthyHostsType::HostCount, -1),
                    "HOST_COUNT is -1; it must be 0 or more"},
        InvalidCase{"fleet percent 100", serverConfig(MinimumHealthyHostsType::FleetPercent, 100),
                    "FLEET_PERCENT is 100; it must be between 0 and 99"},
        InvalidCase{"negative fleet percent", serverConfig(MinimumHealthyHostsType::FleetPercent, -5),
                    "between 0 and 99"},
        InvalidCase{"most concurrency", serverConfig(MinimumHealthyHostsType::MostConcurrency, 1),
                    "reserved for CodeDeployDefault.OneAtATime"},
        InvalidCase{"canary 0%", lambdaConfig(TimeBasedCanary{0, 5}), "canary percent is 0"},
        InvalidCase{"canary 100%", lambdaConfig(TimeBasedCanary{100, 5}), "use AllAtOnce"},
        InvalidCase{"linear 0 minutes", lambdaConfig(TimeBasedLinear{10, 0}),
                    "linear interval is 0 minutes; it must be at least 1 minute"},
        InvalidCase{"empty name", named(""), "needs a name"},
        InvalidCase{"long name", named(std::string(101, 'x')), "101 characters long"},
        InvalidCase{"reserved prefix", named("CodeDeployDefault.Mine"), "reserved"},
        InvalidCase{"no steps", serverSteps({}), "the traffic steps are empty"},
        InvalidCase{"weight over 100", serverSteps({TrafficStep::weight(120)}),
                    "step 1 sets the new fleet's weight to 120%"},
        InvalidCase{"zero-second pause",
                    serverSteps({TrafficStep::weight(10), TrafficStep::pause(0),
                                 TrafficStep::weight(100)}),
                    "step 2 pauses for 0 seconds"},
        InvalidCase{"ends short of 100",
                    serverSteps({TrafficStep::weight(10), TrafficStep::pause(), TrafficStep::weight(50)}),
                    "the last step must send all traffic to the new fleet"},
        InvalidCase{"ends with a pause",
                    serverSteps({TrafficStep::weight(100), TrafficStep::pause()}),
                    "the last step must send all traffic"},
        InvalidCase{"a gate waiting for nothing",
                    serverSteps({TrafficStep::weight(10), TrafficStep::gated(Gate{}), TrafficStep::weight(100)}),
                    "step 2 is a gate that waits for nothing"},
        InvalidCase{"a gate without a deadline",
                    serverSteps({TrafficStep::weight(10), TrafficStep::gated(Gate{true, std::nullopt, 0, GateDeadlineAction::Stop}),
                                 TrafficStep::weight(100)}),
                    "step 2 has a gate deadline of 0 seconds"},
        InvalidCase{"a gate webhook that is not http",
                    serverSteps({TrafficStep::weight(10),
                                 TrafficStep::gated(Gate{false, GateWebhook{"ci:8080/ok", 10, 5}, 3600, GateDeadlineAction::Stop}),
                                 TrafficStep::weight(100)}),
                    "gate webhook url 'ci:8080/ok'; it must be an http:// or https:// URL"},
        InvalidCase{"a gate webhook given too long",
                    serverSteps({TrafficStep::weight(10),
                                 TrafficStep::gated(Gate{false, GateWebhook{"http://ci/ok", 10, 120}, 3600, GateDeadlineAction::Stop}),
                                 TrafficStep::weight(100)}),
                    "timeoutSeconds is from 1 to 60"},
        InvalidCase{"ends with a gate",
                    serverSteps({TrafficStep::weight(100), TrafficStep::gated(Gate{true, std::nullopt, 3600, GateDeadlineAction::Stop})}),
                    "the last step must send all traffic"},
        InvalidCase{"ecs with minimum healthy hosts",
                    DeploymentConfig{"x", ComputePlatform::Ecs,
                                     MinimumHealthyHosts{MinimumHealthyHostsType::HostCount, 1}},
                    "applies to the server platform only"}));

TEST(DeploymentConfigJsonTest, EveryPredefinedConfigRoundTrips) {
  for (const auto& config : predefinedConfigs()) {
    nlohmann::json json = config;
    auto back = parseJson<DeploymentConfig>(nlohmann::json::parse(json.dump()), config.name);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, config) << json.dump();
  }
}

TEST(DeploymentConfigJsonTest, HasTheDocumentedShape) {
  nlohmann::json server = serverConfig(MinimumHealthyHostsType::FleetPercent, 40);
  EXPECT_EQ(server, nlohmann::json::parse(R"({"name": "fast", "computePlatform": "server",
      "minimumHealthyHosts": {"type": "FLEET_PERCENT", "value": 40}})"));
  nlohmann::json lambda = lambdaConfig(TimeBasedLinear{10, 3});
  EXPECT_EQ(lambda, nlohmann::json::parse(R"({"name": "gentle", "computePlatform": "lambda",
      "trafficRouting": {"type": "TimeBasedLinear", "percent": 10, "intervalMinutes": 3}})"));
}

TEST(DeploymentConfigJsonTest, StepsHaveTheDocumentedShapeAndRoundTrip) {
  DeploymentConfig config = serverSteps({TrafficStep::weight(10), TrafficStep::pause(),
                                         TrafficStep::pause(30), TrafficStep::weight(100)});
  nlohmann::json json = config;
  EXPECT_EQ(json, nlohmann::json::parse(R"({"name": "x", "computePlatform": "server",
      "trafficRouting": {"type": "Steps", "steps": [{"setWeight": 10}, {"pause": {}},
                                                    {"pause": {"seconds": 30}}, {"setWeight": 100}]}})"));
  auto back = parseJson<DeploymentConfig>(json, "x");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, config);
  EXPECT_EQ(describe(config), "steps 10%, pause (until continue), pause 30s, 100%");
}

TEST(DeploymentConfigJsonTest, GateStepsHaveTheDocumentedShapeAndRoundTrip) {
  Gate gate{true, GateWebhook{"http://ci:8080/ok", 15, 3}, 7200, GateDeadlineAction::Continue};
  DeploymentConfig config = serverSteps({TrafficStep::weight(10), TrafficStep::gated(gate),
                                         TrafficStep::gated(Gate{true, std::nullopt, 3600, GateDeadlineAction::Stop}), TrafficStep::weight(100)});
  nlohmann::json json = config;
  EXPECT_EQ(json["trafficRouting"]["steps"][1], nlohmann::json::parse(R"(
      {"gate": {"continue": true, "webhook": {"url": "http://ci:8080/ok", "intervalSeconds": 15,
                "timeoutSeconds": 3}, "deadlineSeconds": 7200, "onDeadline": "continue"}})"));
  EXPECT_EQ(json.get<DeploymentConfig>(), config);
  EXPECT_TRUE(validateCustomConfig(config).ok());
  EXPECT_EQ(describe(shiftSteps(config)),
            "10%, gate (continue and 2xx from http://ci:8080/ok, then continue after 2h), "
            "gate (continue, then stop after 1h), 100%");
  // Written by hand: the defaults fill in.
  auto read = parseJson<DeploymentConfig>(nlohmann::json::parse(R"({"name": "x", "computePlatform": "server",
      "trafficRouting": {"type": "Steps", "steps": [{"gate": {"webhook": {"url": "http://ci/ok"}}},
                                                    {"setWeight": 100}]}})"), "x");
  ASSERT_TRUE(read.ok()) << read.error().message;
  const TrafficStep& step = std::get<TrafficSteps>(*read->trafficRouting()).steps[0];
  ASSERT_TRUE(step.isGate());
  EXPECT_FALSE(step.isPause());
  EXPECT_FALSE(step.gate->approval);
  EXPECT_EQ(step.gate->webhook->intervalSeconds, 10);
  EXPECT_EQ(step.gate->webhook->timeoutSeconds, 5);
  EXPECT_EQ(step.gate->deadlineSeconds, 3600);
  EXPECT_EQ(step.gate->onDeadline, GateDeadlineAction::Stop);
}

TEST(DeploymentConfigJsonTest, BadGatesSayWhatIsWrong) {
  for (auto [gate, expected] : std::vector<std::pair<const char*, const char*>>{
           {R"({"continue": true, "approve": true})", "unknown gate key 'approve'"},
           {R"({"onDeadline": "rollback"})", "'onDeadline' is stop or continue, not 'rollback'"},
           {R"({"webhook": "http://ci/ok"})", "'webhook' must be an object with a 'url'"},
           {R"({"webhook": {"intervalSeconds": 5}})", "missing 'url'"},
           {R"(true)", "'gate' must be an object"}}) {
    auto read = parseJson<DeploymentConfig>(
        nlohmann::json{{"name", "x"},
                       {"computePlatform", "server"},
                       {"trafficRouting",
                        {{"type", "Steps"}, {"steps", {{{"gate", nlohmann::json::parse(gate)}}}}}}},
        "x");
    ASSERT_FALSE(read.ok()) << gate;
    EXPECT_NE(read.error().message.find("steps[0]"), std::string::npos) << read.error().message;
    EXPECT_NE(read.error().message.find(expected), std::string::npos) << read.error().message;
  }
}

TEST(DeploymentConfigJsonTest, BadStepsNameTheStep) {
  auto bad = parseJson<DeploymentConfig>(nlohmann::json::parse(R"({"name": "x", "computePlatform": "server",
      "trafficRouting": {"type": "Steps", "steps": [{"setWeight": 10}, {"wait": 5}]}})"), "x");
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(contains(bad.error().message, "steps[1]")) << bad.error().message;
  auto missing = parseJson<DeploymentConfig>(nlohmann::json::parse(R"({"name": "x", "computePlatform": "server",
      "trafficRouting": {"type": "Steps"}})"), "x");
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(contains(missing.error().message, "needs 'steps'")) << missing.error().message;
}

TEST(ShiftStepsTest, ExpandsEveryRouting) {
  auto server = serverConfig(MinimumHealthyHostsType::HostCount, 1);
  EXPECT_EQ(shiftSteps(server), std::vector{TrafficStep::weight(100)});
  DeploymentConfig canary{"c", ComputePlatform::Server, TrafficRouting{TimeBasedCanary{10, 5}}};
  EXPECT_EQ(shiftSteps(canary), (std::vector{TrafficStep::weight(10), TrafficStep::pause(300),
                                             TrafficStep::weight(100)}));
  DeploymentConfig linear{"l", ComputePlatform::Server, TrafficRouting{TimeBasedLinear{25, 1}}};
  EXPECT_EQ(shiftSteps(linear),
            (std::vector{TrafficStep::weight(25), TrafficStep::pause(60), TrafficStep::weight(50),
                         TrafficStep::pause(60), TrafficStep::weight(75), TrafficStep::pause(60),
                         TrafficStep::weight(100)}));
  // 30% steps do not divide 100: the last step moves the rest.
  DeploymentConfig uneven{"u", ComputePlatform::Server, TrafficRouting{TimeBasedLinear{30, 2}}};
  EXPECT_EQ(describe(shiftSteps(uneven)), "30%, pause 2m, 60%, pause 2m, 90%, pause 2m, 100%");
  DeploymentConfig all{"a", ComputePlatform::Server, TrafficRouting{AllAtOnceTraffic{}}};
  EXPECT_EQ(shiftSteps(all), std::vector{TrafficStep::weight(100)});
}

TEST(DeploymentConfigJsonTest, BadDocumentsAreErrorsThatNameTheProblem) {
  struct Bad {
    const char* json;
    const char* messagePart;
  };
  const std::vector<Bad> cases = {
      {R"({"computePlatform": "server", "minimumHealthyHosts": {"type": "HOST_COUNT", "value": 1}})",
       "missing 'name'"},
      {R"({"name": "x", "computePlatform": "mainframe", "minimumHealthyHosts": {"type": "HOST_COUNT", "value": 1}})",
       "unknown compute platform 'mainframe'; expected server, lambda or ecs"},
      {R"({"name": "x", "computePlatform": "server", "minimumHealthyHosts": {"type": "HOSTS", "value": 1}})",
       "unknown minimum healthy hosts type 'HOSTS'"},
      {R"({"name": "x", "computePlatform": "server", "minimumHealthyHosts": {"type": "HOST_COUNT", "value": "one"}})",
       "'value' has the wrong type"},
      {R"({"name": "x", "computePlatform": "server"})", "needs exactly one of"},
      {R"({"name": "x", "computePlatform": "lambda", "trafficRouting": {"type": "Canary"}})",
       "unknown traffic routing type 'Canary'"},
      {R"({"name": "x", "computePlatform": "lambda", "trafficRouting": {"type": "TimeBasedCanary", "percent": 10}})",
       "in 'trafficRouting': missing 'intervalMinutes'"},
      {R"([1, 2])", "expected a JSON object"},
  };
  for (const auto& bad : cases) {
    auto result = parseJson<DeploymentConfig>(nlohmann::json::parse(bad.json), "deployment configuration 'x'");
    ASSERT_FALSE(result.ok()) << bad.json;
    EXPECT_EQ(result.error().code, "InvalidJson");
    EXPECT_TRUE(contains(result.error().message, bad.messagePart)) << result.error().message;
    EXPECT_TRUE(contains(result.error().message, "deployment configuration 'x'"));
  }
}

TEST(MinimumHealthyHostsTypeTest, ParsesAnyCase) {
  EXPECT_EQ(parseMinimumHealthyHostsType("fleet_percent"), MinimumHealthyHostsType::FleetPercent);
  EXPECT_EQ(parseMinimumHealthyHostsType("HOST_COUNT"), MinimumHealthyHostsType::HostCount);
  EXPECT_FALSE(parseMinimumHealthyHostsType("PERCENT").has_value());
  EXPECT_STREQ(toString(MinimumHealthyHostsType::MostConcurrency), "MOST_CONCURRENCY");
}

}  // namespace
}  // namespace greenlight::domain
