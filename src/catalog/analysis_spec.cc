// Reading a group's analysis section, with key paths in every problem.
#include "catalog/analysis_spec.h"

#include <cmath>
#include <cstdlib>
#include <set>
#include <sstream>

#include "catalog/section_reader.h"

namespace greenlight::catalog {
namespace {

using nlohmann::json;
using detail::SectionReader;

bool readNoData(SectionReader& reader, NoDataPolicy& into) {
  const json* noData = reader.member("noData");
  if (noData == nullptr) return true;
  std::string text = noData->is_string() ? noData->get<std::string>() : "";
  if (text == "pass") into = NoDataPolicy::Pass;
  else if (text == "fail") into = NoDataPolicy::Fail;
  else if (text == "inconclusive") into = NoDataPolicy::Inconclusive;
  else {
    reader.problem("noData", "must be 'pass', 'fail' or 'inconclusive', not " + noData->dump());
    return false;
  }
  return true;
}

void readUrl(SectionReader& reader, const char* key, std::string& into, const char* what) {
  reader.text(key, into);
  if (into.rfind("http://", 0) != 0 && into.rfind("https://", 0) != 0) {
    reader.problem(key, into.empty() ? std::string("missing; give ") + what + "'s http:// or https:// URL"
                                     : "must start with http:// or https://, not '" + into + "'");
  }
}

void readLoadBalancerCheck(const json& section, const std::string& path,
                           std::vector<TrafficSpecProblem>& problems, LoadBalancerCheckSpec& spec) {
  SectionReader reader(section, path, problems,
                       {"maxErrorRatePercent", "maxErrorRateIncreasePercent", "maxResponseTimeMs",
                        "maxResponseTimeIncreasePercent", "minRequests", "noData"});
  if (!reader.ok()) return;
  auto optional = [&](const char* key, std::optional<double>& into, double high) {
    if (reader.member(key) == nullptr) return;
    double value = 0;
    reader.decimal(key, value, 0, high);
    if (reader.member(key)->is_number()) into = value;
  };
  optional("maxErrorRatePercent", spec.maxErrorRatePercent, 100);
  optional("maxErrorRateIncreasePercent", spec.maxErrorRateIncreasePercent, 100);
  optional("maxResponseTimeMs", spec.maxResponseTimeMs, 3600000);
  optional("maxResponseTimeIncreasePercent", spec.maxResponseTimeIncreasePercent, 100000);
  reader.whole("minRequests", spec.minRequests, 1, 100000000);
  readNoData(reader, spec.noData);
  if (!spec.maxErrorRatePercent && !spec.maxErrorRateIncreasePercent && !spec.maxResponseTimeMs &&
      !spec.maxResponseTimeIncreasePercent) {
    reader.problem("", "sets no threshold; give at least one of maxErrorRatePercent, "
                       "maxErrorRateIncreasePercent, maxResponseTimeMs, "
                       "maxResponseTimeIncreasePercent");
  }
}

void readWebhookCheck(const json& section, const std::string& path,
                      std::vector<TrafficSpecProblem>& problems, WebhookCheckSpec& spec) {
  SectionReader reader(section, path, problems, {"url", "timeoutSeconds"});
  if (!reader.ok()) return;
  readUrl(reader, "url", spec.url, "the check");
  reader.whole("timeoutSeconds", spec.timeoutSeconds, 1, 60);
}

void readPrometheusCheck(const json& section, const std::string& path,
                         std::vector<TrafficSpecProblem>& problems, PrometheusCheckSpec& spec) {
  SectionReader reader(section, path, problems,
                       {"address", "query", "successCondition", "failureCondition", "noData",
                        "timeoutSeconds"});
  if (!reader.ok()) return;
  readUrl(reader, "address", spec.address, "the Prometheus server");
  reader.text("query", spec.query);
  if (spec.query.empty()) reader.problem("query", "missing; give the PromQL query whose result is judged");
  auto condition = [&](const char* key, std::optional<Condition>& into) {
    std::string text;
    reader.text(key, text);
    if (text.empty()) return;
    into = parseCondition(text);
    if (!into) {
      reader.problem(key, "must read `result OP NUMBER` with OP one of < <= > >= == !=, e.g. "
                          "`result <= 0.02`, not '" + text + "'");
    }
  };
  condition("successCondition", spec.successCondition);
  condition("failureCondition", spec.failureCondition);
  if (reader.member("successCondition") == nullptr) {
    reader.problem("successCondition", "missing; say when the result passes, e.g. `result <= 0.02`");
  }
  readNoData(reader, spec.noData);
  reader.whole("timeoutSeconds", spec.timeoutSeconds, 1, 60);
}

void readCloudWatchCheck(const json& section, const std::string& path,
                         std::vector<TrafficSpecProblem>& problems, CloudWatchCheckSpec& spec) {
  SectionReader reader(section, path, problems, {"alarmNames", "region"});
  if (!reader.ok()) return;
  reader.textList("alarmNames", spec.alarmNames);
  if (spec.alarmNames.empty()) {
    reader.problem("alarmNames", "missing; list the CloudWatch alarms to watch, e.g. `alarmNames: [hello-5xx]`");
  }
  for (std::size_t i = 0; i < spec.alarmNames.size(); ++i) {
    if (spec.alarmNames[i].size() > 255) {
      reader.problem("alarmNames[" + std::to_string(i) + "]", "is longer than CloudWatch's 255 characters");
    }
  }
  reader.text("region", spec.region);
}

// The `checks:` list of `section` (analysis or alarms). Alarms have no balancer window to judge.
std::vector<CheckSpec> readChecks(SectionReader& reader, const std::string& section,
                                  std::vector<TrafficSpecProblem>& problems, bool allowLoadBalancer) {
  std::vector<CheckSpec> list;
  const json* checks = reader.member("checks");
  if (checks == nullptr) {
    reader.problem("checks", "missing; list at least one check (" +
                                 std::string(allowLoadBalancer ? "loadBalancer:, prometheus: or webhook:"
                                                               : "prometheus:, webhook: or cloudwatch:") + ")");
    return list;
  }
  if (!checks->is_array()) {
    reader.problem("checks", std::string("must be a list of checks, not ") + checks->type_name());
    return list;
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < checks->size(); ++i) {
    const std::string path = section + ".checks[" + std::to_string(i) + "]";
    SectionReader item((*checks)[i], path, problems,
                       {"name", "loadBalancer", "webhook", "prometheus", "cloudwatch"});
    if (!item.ok()) continue;
    CheckSpec check;
    item.text("name", check.name);
    if (check.name.empty()) check.name = "check-" + std::to_string(i + 1);
    if (!names.insert(check.name).second) {
      item.problem("name", "'" + check.name + "' names another check too; give each its own name");
    }
    const json* loadBalancer = item.member("loadBalancer");
    const json* webhook = item.member("webhook");
    const json* prometheus = item.member("prometheus");
    const json* cloudwatch = item.member("cloudwatch");
    int kinds = (loadBalancer != nullptr) + (webhook != nullptr) + (prometheus != nullptr) +
                (cloudwatch != nullptr);
    if (kinds != 1) {
      item.problem("", "give exactly one kind of check: `loadBalancer:` (the balancer's counters), "
                       "`webhook:` (a POST that passes with 2xx), `prometheus:` (a query) or, "
                       "among alarms, `cloudwatch:` (CloudWatch alarms)");
      continue;
    }
    if (cloudwatch != nullptr && allowLoadBalancer) {
      item.problem("cloudwatch", "is an alarm: CloudWatch alarms are watched for the whole "
                                 "deployment under `alarms:`; move this check there");
      continue;
    }
    if (loadBalancer != nullptr && !allowLoadBalancer) {
      item.problem("loadBalancer", "is not an alarm: the balancer's counters are judged between "
                                   "the steps of a shift, under `analysis:`; alarms are "
                                   "`prometheus:`, `webhook:` or `cloudwatch:` checks");
      continue;
    }
    if (loadBalancer != nullptr) {
      check.loadBalancer.emplace();
      readLoadBalancerCheck(*loadBalancer, path + ".loadBalancer", problems, *check.loadBalancer);
    } else if (cloudwatch != nullptr) {
      check.cloudwatch.emplace();
      readCloudWatchCheck(*cloudwatch, path + ".cloudwatch", problems, *check.cloudwatch);
    } else if (prometheus != nullptr) {
      check.prometheus.emplace();
      readPrometheusCheck(*prometheus, path + ".prometheus", problems, *check.prometheus);
    } else {
      check.webhook.emplace();
      readWebhookCheck(*webhook, path + ".webhook", problems, *check.webhook);
    }
    list.push_back(std::move(check));
  }
  if (checks->empty()) {
    reader.problem("checks", "is empty; list at least one check or remove `" + section + ":`");
  }
  return list;
}

}  // namespace

bool Condition::holds(double result) const {
  if (op == "<") return result < value;
  if (op == "<=") return result <= value;
  if (op == ">") return result > value;
  if (op == ">=") return result >= value;
  if (op == "==") return result == value;
  if (op == "!=") return result != value;
  return false;
}

std::string Condition::text() const {
  std::ostringstream out;
  out << "result " << op << " " << value;
  return out.str();
}

std::optional<Condition> parseCondition(const std::string& text) {
  std::istringstream in(text);
  std::string subject, op, number, rest;
  in >> subject >> op >> number;
  if (subject != "result" || number.empty() || (in >> rest)) return std::nullopt;
  static const std::set<std::string> ops = {"<", "<=", ">", ">=", "==", "!="};
  if (ops.count(op) == 0) return std::nullopt;
  char* end = nullptr;
  double value = std::strtod(number.c_str(), &end);
  if (end == number.c_str() || *end != '\0' || !std::isfinite(value)) return std::nullopt;
  return Condition{op, value};
}

const char* toString(NoDataPolicy policy) {
  switch (policy) {
    case NoDataPolicy::Pass: return "pass";
    case NoDataPolicy::Fail: return "fail";
    case NoDataPolicy::Inconclusive: return "inconclusive";
  }
  return "inconclusive";
}

AnalysisSpec readAnalysisSpec(const json& section, std::vector<TrafficSpecProblem>& problems) {
  AnalysisSpec spec;
  if (section.is_null()) return spec;
  SectionReader reader(section, "analysis", problems,
                       {"checks", "intervalSeconds", "failureLimit", "consecutiveErrorLimit",
                        "inconclusiveTimeoutSeconds", "batchSeconds"});
  if (!reader.ok()) return spec;
  reader.whole("intervalSeconds", spec.intervalSeconds, 1, 3600);
  reader.whole("failureLimit", spec.failureLimit, 0, 1000);
  reader.whole("consecutiveErrorLimit", spec.consecutiveErrorLimit, 0, 1000);
  reader.whole("inconclusiveTimeoutSeconds", spec.inconclusiveTimeoutSeconds, 1, 172800);
  reader.whole("batchSeconds", spec.batchSeconds, 1, 86400);
  spec.checks = readChecks(reader, "analysis", problems, true);
  return spec;
}

AlarmsSpec readAlarmsSpec(const json& section, std::vector<TrafficSpecProblem>& problems) {
  AlarmsSpec spec;
  if (section.is_null()) return spec;
  SectionReader reader(section, "alarms", problems, {"checks", "intervalSeconds", "ignoreReadFailures"});
  if (!reader.ok()) return spec;
  reader.whole("intervalSeconds", spec.intervalSeconds, 1, 3600);
  reader.flag("ignoreReadFailures", spec.ignoreReadFailures);
  spec.checks = readChecks(reader, "alarms", problems, false);
  return spec;
}

Result<AlarmsSpec> alarmsOf(const DeploymentGroup& group) {
  std::vector<TrafficSpecProblem> problems;
  AlarmsSpec spec = readAlarmsSpec(group.spec.alarms, problems);
  if (!problems.empty()) return detail::storedSectionError(problems, group);
  return spec;
}

Result<AnalysisSpec> analysisOf(const DeploymentGroup& group) {
  std::vector<TrafficSpecProblem> problems;
  AnalysisSpec spec = readAnalysisSpec(group.spec.analysis, problems);
  if (!problems.empty()) return detail::storedSectionError(problems, group);
  return spec;
}

}  // namespace greenlight::catalog
