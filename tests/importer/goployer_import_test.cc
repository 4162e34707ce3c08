// The Goployer importer over every manifest of ../shared/corpus/goployer/: each imports, each group
// it makes reads back through the real group-file parser, and the report names what it could not
// honour; plus malformed and foreign files.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

#include "catalog/aws_fleet_spec.h"
#include "catalog/catalog.h"
#include "catalog/group_spec.h"
#include "catalog/traffic_spec.h"
#include "importer/goployer_import.h"

#include <yaml-cpp/yaml.h>

namespace greenlight::importer {
namespace {

namespace fs = std::filesystem;

const fs::path kCorpus = fs::path(GREENLIGHT_SHARED_DIR) / "corpus" / "goployer";

std::string readFile(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<std::string> corpusFiles() {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(kCorpus, error)) {
    if (entry.path().extension() == ".yaml") names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

GoployerImport importCorpus(const std::string& name, const ImportOptions& options = {}) {
  Result<GoployerImport> imported = importGoployer(readFile(kCorpus / name), name, options);
  EXPECT_TRUE(imported.ok()) << name << ": " << (imported.ok() ? "" : imported.error().message);
  return imported.ok() ? *imported : GoployerImport{};
}

const ReportEntry* find(const std::vector<ReportEntry>& entries, const std::string& keyPath) {
  for (const auto& entry : entries) {
    if (entry.keyPath == keyPath) return &entry;
  }
  return nullptr;
}

catalog::DeploymentGroup parsedGroup(const ImportedGroup& group) {
  Result<catalog::GroupSpec> spec = catalog::parseGroupYaml(toYaml(group.spec, "header"), group.fileName);
  EXPECT_TRUE(spec.ok()) << group.fileName << ": " << (spec.ok() ? "" : spec.error().message);
  catalog::DeploymentGroup result;
  result.id = "g-1";
  if (spec.ok()) result.spec = *spec;
  return result;
}

TEST(GoployerCorpus, HoldsTheExpectedFiles) {
  // Ten manifests and metrics.yaml; fewer means the corpus is missing and the tests prove nothing.
  EXPECT_GE(corpusFiles().size(), 10u) << "no corpus at " << kCorpus;
}

class GoployerCorpusFile : public ::testing::TestWithParam<std::string> {};

TEST_P(GoployerCorpusFile, ImportsAndEveryGroupParsesBack) {
  GoployerImport imported = importCorpus(GetParam());
  if (imported.kind == "metrics") {
    EXPECT_TRUE(imported.groups.empty());
    EXPECT_FALSE(imported.mapped.empty()) << "the history storage settings are reported";
    return;
  }
  EXPECT_EQ(imported.kind, "manifest");
  ASSERT_FALSE(imported.groups.empty());
  for (const auto& group : imported.groups) {
    EXPECT_TRUE(group.problems.empty()) << group.fileName << ": " << group.problems;
    catalog::DeploymentGroup parsed = parsedGroup(group);
    EXPECT_EQ(parsed.spec.fleet.provider, catalog::FleetProvider::Aws);
    EXPECT_EQ(parsed.spec.style, catalog::DeploymentStyle::BlueGreen);
    EXPECT_EQ(parsed.spec.application, imported.application);
    Result<catalog::AwsFleetSpec> aws = catalog::awsFleetOf(parsed);
    ASSERT_TRUE(aws.ok()) << aws.error().message;
    EXPECT_EQ(aws->region, group.region);
    // The YAML written and the JSON it came from read the same.
    Result<catalog::GroupSpec> fromJson =
        catalog::groupSpecFromJson(nlohmann::json::parse(group.spec.dump()));
    ASSERT_TRUE(fromJson.ok()) << fromJson.error().message;
    EXPECT_EQ(*fromJson, parsed.spec);
  }
  // Goployer's own bookkeeping keys are never silently dropped.
  bool reportsAccount = false;
  for (const auto& entry : imported.unhonoured) reportsAccount |= entry.keyPath.ends_with(".account");
  EXPECT_TRUE(reportsAccount) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Corpus, GoployerCorpusFile, ::testing::ValuesIn(corpusFiles()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           std::string name = param.param.substr(0, param.param.find('.'));
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(GoployerImport, SpotOptionsLandInTheLaunchTemplate) {
  GoployerImport imported = importCorpus("spot-example.yaml");
  ASSERT_EQ(imported.groups.size(), 1u);
  const ImportedGroup& group = imported.groups[0];
  EXPECT_EQ(imported.application, "hello");
  EXPECT_EQ(group.name, "dev_apnortheast2") << "Goployer's prefix <env>_<region>";
  EXPECT_EQ(group.fileName, "dev_apnortheast2.yaml");
  catalog::AwsFleetSpec aws = catalog::awsFleetOf(parsedGroup(group)).value();
  ASSERT_TRUE(aws.launchTemplate.spotOptions);
  EXPECT_EQ(aws.launchTemplate.spotOptions->maxPrice, "0.3");
  EXPECT_EQ(aws.launchTemplate.spotOptions->blockDurationMinutes, 180);
  EXPECT_EQ(aws.launchTemplate.spotOptions->spotInstanceType, "one-time");
  EXPECT_EQ(aws.launchTemplate.iamInstanceProfile, "app-hello-profile");
  EXPECT_TRUE(aws.launchTemplate.ebsOptimized);
  ASSERT_EQ(aws.launchTemplate.blockDevices.size(), 2u);
  EXPECT_EQ(aws.launchTemplate.blockDevices[1].volumeSize, 500);
  EXPECT_EQ(aws.autoScaling.capacity, (catalog::AwsCapacity{1, 2, 1}));
  EXPECT_EQ(aws.autoScaling.tags.at("project"), "test");
  EXPECT_EQ(aws.autoScaling.tags.at("ansible-tags"), "all");
  EXPECT_EQ(aws.autoScaling.vpc, "vpc-artd_apnortheast2");
  EXPECT_EQ(aws.autoScaling.subnetKind, "public");
  ASSERT_EQ(aws.scalingPolicies.size(), 2u) << "the anchored autoscaling list";
  ASSERT_EQ(aws.scalingAlarms.size(), 2u) << "the anchored alarms list";
  EXPECT_EQ(aws.scalingAlarms[1].actions, std::vector<std::string>{"scale_in"});
  EXPECT_EQ(aws.scalingAlarms[0].periodSeconds, 120);
  auto balancer = catalog::loadBalancerOf(parsedGroup(group)).value();
  ASSERT_TRUE(balancer && balancer->isElbv2());
  EXPECT_EQ(balancer->elbv2->targetGroups, std::vector<std::string>{"hello-artdapne2-ext"});
  const ReportEntry* polling = find(imported.unhonoured, "stacks[0].polling_interval");
  ASSERT_NE(polling, nullptr);
  EXPECT_EQ(polling->value, "30s");
  EXPECT_EQ(polling->line, 46);
  ASSERT_NE(find(imported.unhonoured, "stacks[0].lifecycle_callbacks"), nullptr);
  ASSERT_NE(find(imported.mapped, "stacks[0].instance_market_options"), nullptr);
  ASSERT_NE(find(imported.mapped, "stacks[0].regions[0].healthcheck_target_group"), nullptr);
  ASSERT_NE(find(imported.unhonoured, "userdata"), nullptr) << "the script was not readable";
}

TEST(GoployerImport, MixedInstancesPolicyNumbers) {
  // test_manifest.yaml's artd-mixed stack enables it; mixed-instances-policy-example.yaml does not.
  GoployerImport imported = importCorpus("test_manifest.yaml", {.stack = "artd-mixed", .region = "", .readFile = {}});
  ASSERT_EQ(imported.groups.size(), 1u);
  EXPECT_EQ(imported.groups[0].name, "dev-3_apnortheast2");
  catalog::AwsFleetSpec aws = catalog::awsFleetOf(parsedGroup(imported.groups[0])).value();
  ASSERT_TRUE(aws.autoScaling.mixedInstancesPolicy);
  const auto& policy = *aws.autoScaling.mixedInstancesPolicy;
  EXPECT_EQ(policy.instanceTypes, std::vector<std::string>{"c5.large"});
  EXPECT_EQ(policy.onDemandPercentageAboveBaseCapacity, 20);
  EXPECT_EQ(policy.spotAllocationStrategy, "lowest-price");
  EXPECT_EQ(policy.spotInstancePools, 1);
  EXPECT_EQ(policy.spotMaxPrice, "0.3");
  EXPECT_EQ(aws.autoScaling.tags.at("test-stack"), "artd-mixed");
  for (const auto& entry : imported.unhonoured) {
    EXPECT_TRUE(entry.keyPath.rfind("stacks[1]", 0) == 0 || entry.keyPath.find('[') == std::string::npos ||
                entry.keyPath.rfind("api_test", 0) == 0)
        << "a stack not imported is not reported: " << entry.keyPath;
  }

  GoployerImport disabled = importCorpus("mixed-instances-policy-example.yaml");
  EXPECT_FALSE(catalog::awsFleetOf(parsedGroup(disabled.groups[0])).value().autoScaling.mixedInstancesPolicy);
  const ReportEntry* note = find(disabled.mapped, "stacks[0].mixed_instances_policy");
  ASSERT_NE(note, nullptr);
  EXPECT_NE(note->why.find("enabled: false"), std::string::npos) << note->why;
}

TEST(GoployerImport, RollingUpdateBecomesBatches) {
  GoployerImport imported = importCorpus("rollingupdate-example.yaml");
  ASSERT_EQ(imported.groups.size(), 1u);
  catalog::DeploymentGroup group = parsedGroup(imported.groups[0]);
  catalog::BlueGreenSpec blueGreen = catalog::blueGreenOf(group).value();
  ASSERT_TRUE(blueGreen.rolling);
  EXPECT_EQ(blueGreen.rolling->batchSizePercentage, 30) << "3 instances of 10 at a time";
  const ReportEntry* note = find(imported.mapped, "stacks[0].replacement_type");
  ASSERT_NE(note, nullptr);
  EXPECT_EQ(note->value, "RollingUpdate");
  EXPECT_NE(note->why.find("blueGreen.rolling"), std::string::npos) << note->why;
}

TEST(GoployerImport, DeployOnlyHasNoTrafficSteps) {
  GoployerImport imported = importCorpus("deployonly-example.yaml");
  ASSERT_EQ(imported.groups.size(), 1u);
  catalog::DeploymentGroup group = parsedGroup(imported.groups[0]);
  EXPECT_TRUE(group.spec.loadBalancer.is_null());
  catalog::BlueGreenSpec blueGreen = catalog::blueGreenOf(group).value();
  EXPECT_TRUE(blueGreen.keepOriginalAlive);
  EXPECT_EQ(blueGreen.terminationWaitSeconds, 0);
  const ReportEntry* note = find(imported.mapped, "stacks[0].replacement_type");
  ASSERT_NE(note, nullptr);
  EXPECT_NE(note->why.find("without a load balancer"), std::string::npos) << note->why;
}

TEST(GoployerImport, ApiTestsAndClassicLoadBalancersAreReported) {
  GoployerImport api = importCorpus("api-test-example.yaml");
  const ReportEntry* template_ = find(api.unhonoured, "stacks[0].api_test_template");
  ASSERT_NE(template_, nullptr);
  EXPECT_EQ(template_->value, "api-test-dev");
  EXPECT_EQ(template_->line, 55);
  EXPECT_EQ(template_->column, 24);
  EXPECT_NE(template_->why.find("load test"), std::string::npos);
  ASSERT_NE(find(api.unhonoured, "api_test_templates"), nullptr);
  ASSERT_NE(find(api.unhonoured, "stacks[0].api_test_enabled"), nullptr);

  GoployerImport classic = importCorpus("healthcheck-loadbalancer-example.yaml");
  const ReportEntry* lb = find(classic.unhonoured, "stacks[0].regions[0].healthcheck_load_balancer");
  ASSERT_NE(lb, nullptr);
  EXPECT_EQ(lb->value, "test");
  EXPECT_NE(lb->why.find("Classic Load Balancer"), std::string::npos);
  EXPECT_TRUE(classic.groups[0].spec["loadBalancer"].is_null()) << "no target group: no balancer";
}

TEST(GoployerImport, ScheduledActionsLifecycleHooksAndTerminationDelay) {
  GoployerImport imported = importCorpus("test_manifest.yaml");
  EXPECT_EQ(imported.groups.size(), 7u);
  std::map<std::string, const ImportedGroup*> byStack;
  for (const auto& group : imported.groups) byStack[group.stack] = &group;
  catalog::AwsFleetSpec artd = catalog::awsFleetOf(parsedGroup(*byStack.at("artd"))).value();
  ASSERT_EQ(artd.autoScaling.lifecycleHooks.size(), 1u);
  EXPECT_EQ(artd.autoScaling.lifecycleHooks[0].name, "hello-launch-lifecycle-hook");
  EXPECT_EQ(artd.autoScaling.lifecycleHooks[0].heartbeatTimeoutSeconds, 30);
  EXPECT_EQ(artd.autoScaling.lifecycleHooks[0].defaultResult, "CONTINUE");
  catalog::AwsFleetSpec scheduled = catalog::awsFleetOf(parsedGroup(*byStack.at("artd-with-scheduled-action"))).value();
  ASSERT_EQ(scheduled.scheduledActions.size(), 2u);
  EXPECT_EQ(scheduled.scheduledActions[0].recurrence, "0 9 * * SAT");
  EXPECT_EQ(scheduled.scheduledActions[1].desired, 1);
  catalog::AwsFleetSpec exact = catalog::awsFleetOf(parsedGroup(*byStack.at("artd-with-exact-values"))).value();
  EXPECT_EQ(exact.autoScaling.terminationPolicies, (std::vector<std::string>{"OldestInstance", "Default"}));
  EXPECT_EQ(exact.launchTemplate.blockDevices[0].iops, 100);
  EXPECT_EQ(exact.launchTemplate.iamInstanceProfile, "") << "an empty profile is none";

  // termination_delay_rate steps once per polling_interval, as Goployer does.
  GoployerImport basic = importCorpus("basic-example.yaml");
  catalog::AwsFleetSpec basicFleet = catalog::awsFleetOf(parsedGroup(basic.groups[0])).value();
  EXPECT_EQ(basicFleet.terminationDelayRate, 50);
  EXPECT_EQ(basicFleet.terminationDelayIntervalSeconds, 30);
  const ReportEntry* polling = find(basic.mapped, "stacks[0].polling_interval");
  ASSERT_NE(polling, nullptr);
  EXPECT_NE(polling->why.find("terminationDelayIntervalSeconds: 30"), std::string::npos) << polling->why;
  EXPECT_EQ(find(basic.unhonoured, "stacks[0].polling_interval"), nullptr);
  // Without a termination_delay_rate the interval paces nothing.
  EXPECT_EQ(catalog::awsFleetOf(parsedGroup(*byStack.at("artd"))).value().terminationDelayIntervalSeconds, 60);
  EXPECT_NE(find(imported.unhonoured, "stacks[0].polling_interval"), nullptr);
}

TEST(GoployerImport, UserDataIsReadThroughTheCallerAndUnknownKeysAreReported) {
  std::string manifest = readFile(kCorpus / "deployonly-example.yaml") + "surprise: 1\n";
  ImportOptions options;
  options.readFile = [](const std::string& path) -> std::optional<std::string> {
    if (path == "examples/scripts/userdata.sh") return std::string("#!/bin/bash\necho hi\n");
    return std::nullopt;
  };
  Result<GoployerImport> imported = importGoployer(manifest, "deployonly.yaml", options);
  ASSERT_TRUE(imported.ok()) << imported.error().message;
  catalog::AwsFleetSpec aws = catalog::awsFleetOf(parsedGroup(imported->groups[0])).value();
  EXPECT_EQ(aws.launchTemplate.userData, "#!/bin/bash\necho hi\n");
  ASSERT_NE(find(imported->mapped, "userdata"), nullptr);
  const ReportEntry* surprise = find(imported->unhonoured, "surprise");
  ASSERT_NE(surprise, nullptr);
  EXPECT_NE(surprise->why.find("not a Goployer key"), std::string::npos);
}

TEST(GoployerImport, TimeoutBecomesTheHealthyTimeout) {
  std::string manifest = readFile(kCorpus / "deployonly-example.yaml");
  std::string withTimeout = manifest;
  withTimeout.replace(withTimeout.find("    polling_interval: 30s\n"), 0, "    timeout: 1h30m\n");
  Result<GoployerImport> imported = importGoployer(withTimeout, "deployonly.yaml");
  ASSERT_TRUE(imported.ok()) << imported.error().message;
  EXPECT_EQ(catalog::awsFleetOf(parsedGroup(imported->groups[0])).value().healthyTimeoutSeconds, 5400);
  ASSERT_NE(find(imported->mapped, "stacks[0].timeout"), nullptr);
  for (const char* bad : {".", "99999999999h", "10", "5s"}) {
    std::string broken = manifest;
    broken.replace(broken.find("    polling_interval: 30s\n"), 0, std::string("    timeout: \"") + bad + "\"\n");
    Result<GoployerImport> refused = importGoployer(broken, "deployonly.yaml");
    ASSERT_TRUE(refused.ok()) << bad;
    EXPECT_NE(find(refused->unhonoured, "stacks[0].timeout"), nullptr) << bad;
    EXPECT_EQ(catalog::awsFleetOf(parsedGroup(refused->groups[0])).value().healthyTimeoutSeconds, 3600) << bad;
  }
}

TEST(GoployerImport, MetricsSettingsAreReportedAsHistoryStorage) {
  GoployerImport imported = importCorpus("metrics.yaml");
  EXPECT_EQ(imported.kind, "metrics");
  const ReportEntry* storage = find(imported.mapped, "storage");
  ASSERT_NE(storage, nullptr);
  EXPECT_NE(storage->value.find("dynamodb"), std::string::npos);
  EXPECT_NE(storage->why.find("--aws-history-table goployer-metrics-example"), std::string::npos) << storage->why;
  const ReportEntry* region = find(imported.mapped, "region");
  ASSERT_NE(region, nullptr);
  EXPECT_NE(region->why.find("--aws-region ap-northeast-2"), std::string::npos) << region->why;
  Result<GoployerImport> other = importGoployer("storage: {type: s3, name: x}\n", "m.yaml");
  ASSERT_TRUE(other.ok());
  EXPECT_NE(find(other->unhonoured, "storage"), nullptr) << "only a DynamoDB history is written";
}

TEST(GoployerImport, MalformedAndForeignFilesAreRefused) {
  Result<GoployerImport> broken = importGoployer("name: hello\nstacks:\n  - stack: [a\n", "bad.yaml");
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().code, kInvalidManifest);
  EXPECT_EQ(broken.error().message.rfind("bad.yaml:4:1: not valid YAML", 0), 0u) << broken.error().message;
  Result<GoployerImport> foreign = importGoployer("version: 0.0\nos: linux\n", "appspec.yml");
  ASSERT_FALSE(foreign.ok());
  EXPECT_NE(foreign.error().message.find("not a Goployer manifest: it has no `stacks:` list"), std::string::npos);
  Result<GoployerImport> list = importGoployer("- a\n- b\n", "list.yaml");
  ASSERT_FALSE(list.ok());
  Result<GoployerImport> noStack = importGoployer(readFile(kCorpus / "spot-example.yaml"), "spot.yaml", {.stack = "prod", .region = "", .readFile = {}});
  ASSERT_FALSE(noStack.ok());
  EXPECT_NE(noStack.error().message.find("has no stack named 'prod'; its stacks are artd"), std::string::npos)
      << noStack.error().message;
}

// Every key Goployer reads as a list, given as a mapping or a single value instead: the import
// reports it by its path and goes on (a mapping here once threw from a destructor and aborted).
TEST(GoployerImport, AListGivenAsAnythingElseIsReportedAndTheRestImports) {
  const std::string manifest = readFile(kCorpus / "deployonly-example.yaml");
  struct Case {
    std::string insertBefore;  // a line of the manifest
    std::string line;          // inserted before it
    std::string keyPath;       // reported
    bool groupMade;
  };
  const std::vector<Case> cases = {
      {"stacks:\n", "scheduled_actions: {a: 1, b: 2}\n", "scheduled_actions", true},
      {"stacks:\n", "scheduled_actions: 7\n", "scheduled_actions", true},
      {"    polling_interval: 30s\n", "    autoscaling: {0: x}\n", "stacks[0].autoscaling", true},
      {"    polling_interval: 30s\n", "    alarms: cpu\n", "stacks[0].alarms", true},
      {"    polling_interval: 30s\n", "    block_devices: {device_name: /dev/xvda}\n", "stacks[0].block_devices", true},
  };
  for (const Case& c : cases) {
    std::string edited = manifest;
    std::size_t at = edited.find(c.insertBefore);
    ASSERT_NE(at, std::string::npos) << c.insertBefore;
    edited.insert(at, c.line);
    Result<GoployerImport> imported = importGoployer(edited, "m.yaml");
    ASSERT_TRUE(imported.ok()) << c.line << imported.error().message;
    const ReportEntry* entry = find(imported->unhonoured, c.keyPath);
    ASSERT_NE(entry, nullptr) << c.line;
    EXPECT_NE(entry->why.find("must be a list"), std::string::npos) << entry->why;
    EXPECT_GT(entry->line, 0) << c.line;
    EXPECT_EQ(imported->groups.size(), c.groupMade ? 1u : 0u) << c.line;
  }

  // Regions as a mapping: that stack makes no group, and says why.
  std::string regionsMap = "name: hello\nstacks:\n  - stack: artd\n    regions: {region: eu-west-1}\n";
  Result<GoployerImport> imported = importGoployer(regionsMap, "m.yaml");
  ASSERT_TRUE(imported.ok()) << imported.error().message;
  EXPECT_TRUE(imported->groups.empty());
  const ReportEntry* regions = find(imported->unhonoured, "stacks[0].regions");
  ASSERT_NE(regions, nullptr);
  EXPECT_NE(regions->why.find("makes no group"), std::string::npos) << regions->why;

  // A stack without its `stack:` name is still read (it once came back as "0:0: invalid node").
  Result<GoployerImport> unnamed =
      importGoployer("name: hello\nstacks:\n  - env: dev\n    regions:\n      - region: eu-west-1\n", "m.yaml");
  ASSERT_TRUE(unnamed.ok()) << unnamed.error().message;
  ASSERT_EQ(unnamed->groups.size(), 1u);
  EXPECT_EQ(unnamed->groups[0].name, "dev_euwest1");
}

TEST(GoployerImport, YamlWriterQuotesWhatWouldReadAsAnotherType) {
  nlohmann::ordered_json document = {{"a", "true"}, {"b", "0.3"}, {"c", "plain text"}, {"d", "x: y"},
                                     {"e", "- item"}, {"f", "line\nline\n"}, {"g", nlohmann::ordered_json::array()}};
  std::string yaml = toYaml(document);
  EXPECT_NE(yaml.find("a: \"true\""), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("b: \"0.3\""), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("c: plain text"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("f: |\n  line\n  line\n"), std::string::npos) << yaml;
}

TEST(GoployerImport, EveryInputTheFuzzerFoundNowImportsOrIsReported) {
  // fuzz/regressions/importer/ keeps each input the fuzzer once failed on; the checks are the fuzz
  // target's, so they run here too, under every sanitizer, on every test run.
  const fs::path folder = fs::path(GREENLIGHT_SOURCE_DIR) / "fuzz" / "regressions" / "importer";
  int inputs = 0;
  for (const auto& entry : fs::directory_iterator(folder)) {
    ++inputs;
    SCOPED_TRACE(entry.path().filename().string());
    std::string text = readFile(entry.path());
    Result<GoployerImport> imported = importGoployer(text, "manifest.yaml");
    if (!imported.ok()) {
      EXPECT_EQ(imported.error().message.find("could not be imported"), std::string::npos) << imported.error().message;
      continue;
    }
    for (const auto& group : imported->groups) {
      if (!group.problems.empty()) continue;
      Result<catalog::GroupSpec> spec = catalog::parseGroupYaml(toYaml(group.spec), group.fileName);
      EXPECT_TRUE(spec.ok()) << group.fileName << ": " << spec.error().message;
    }
  }
  EXPECT_GE(inputs, 2);
}

TEST(GoployerImport, YamlWriterReadsBackEveryTextAsItWas) {
  // Multi-line texts the literal block cannot hold as they are (the fuzzer found the NUL: a quoted
  // value running over many lines of a manifest) must be written quoted, and every one read back.
  using namespace std::string_literals;
  const std::vector<std::string> texts = {
      "a\nb"s,        "a\nb\n"s,          "a\nb\n\n"s,     "\nleading newline"s, "  indented\nfirst line"s,
      "\tab\nline"s, "nul\nin\0side"s,  "cr\r\nlf"s,       "bell\a\nx"s,        "del\x7f\nx"s,
      "x\n  y\n \n"s, "# not a comment\n---\n..."s, "tab\tinside\nline"s,
  };
  nlohmann::ordered_json document = nlohmann::ordered_json::object();
  for (std::size_t i = 0; i < texts.size(); ++i) document["k" + std::to_string(i)] = texts[i];
  std::string yaml = toYaml(document);
  YAML::Node read = YAML::Load(yaml);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    EXPECT_EQ(read["k" + std::to_string(i)].as<std::string>(), texts[i]) << "text " << i << " in\n" << yaml;
  }
  EXPECT_NE(yaml.find("k0: |-\n  a\n  b\n"), std::string::npos) << "a plain script stays a literal block:\n" << yaml;
}

TEST(GoployerImport, YamlWriterReadsBackRandomTextsAsKeysValuesAndListItems) {
  // Texts made of YAML's special characters, white space, control characters and multi-byte UTF-8
  // (NEL, line and paragraph separators, a byte order mark): each must read back unchanged wherever
  // the writer puts it. A fixed seed makes every run the same.
  const std::vector<std::string> pieces = {
      "a", "Z", "7", "0x1", ".", " ", "  ", ":", ": ", "#", " #", "\t#", "-", "- ", "?", ",", "[", "]",
      "{", "}", "&", "*", "!", "|", ">", "'", "\"", "%", "@", "`", "<<", "=", "~", "\\", "\t", "\n",
      "\r", std::string(1, '\0'), "\x01", "\x7f", "é", "\xC2\x85", "\xE2\x80\xA8", "\xE2\x80\xA9",
      "\xEF\xBB\xBF", "---", "...", "true", "null", "1e3", "inf", ".nan", "yes"};
  std::mt19937 random(20261207);
  auto randomText = [&] {
    std::string text;
    auto length = std::uniform_int_distribution<int>(0, 6)(random);
    for (int i = 0; i < length; ++i) {
      text += pieces[std::uniform_int_distribution<std::size_t>(0, pieces.size() - 1)(random)];
    }
    return text;
  };
  for (int round = 0; round < 2000; ++round) {
    std::vector<std::string> texts(6);
    for (auto& text : texts) text = randomText();
    nlohmann::ordered_json document = {{"value", texts[0]},
                                       {"list", {texts[1], texts[2]}},
                                       {"map", {{texts[3].empty() ? "k" : texts[3], texts[4]}}},
                                       {"nested", {{{"item", texts[5]}}}}};
    std::string yaml = toYaml(document);
    YAML::Node read;
    ASSERT_NO_THROW(read = YAML::Load(yaml)) << yaml;
    ASSERT_TRUE(read.IsMap()) << yaml;
    EXPECT_EQ(read["value"].as<std::string>(""), texts[0]) << yaml;
    ASSERT_TRUE(read["list"].IsSequence()) << yaml;
    EXPECT_EQ(read["list"][0].as<std::string>(""), texts[1]) << yaml;
    EXPECT_EQ(read["list"][1].as<std::string>(""), texts[2]) << yaml;
    ASSERT_TRUE(read["map"].IsMap()) << yaml;
    ASSERT_EQ(read["map"].size(), 1u) << yaml;
    EXPECT_EQ(read["map"].begin()->first.as<std::string>(""), texts[3].empty() ? "k" : texts[3]) << yaml;
    EXPECT_EQ(read["map"].begin()->second.as<std::string>(""), texts[4]) << yaml;
    EXPECT_EQ(read["nested"][0]["item"].as<std::string>(""), texts[5]) << yaml;
    if (HasFailure()) return;
  }
}

}  // namespace
}  // namespace greenlight::importer
