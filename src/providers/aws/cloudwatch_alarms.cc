#include "providers/aws/cloudwatch_alarms.h"

#include <set>

#include "aws/query_params.h"
#include "aws/xml.h"

namespace greenlight::providers::aws {

engine::CheckResult readCloudWatchAlarms(AwsClients& clients, const catalog::CheckSpec& check) {
  engine::CheckResult result;
  result.name = check.name;
  result.kind = "cloudwatch";
  if (!check.cloudwatch) {
    result.verdict = engine::verdicts::kError;
    result.summary = "not a cloudwatch check";
    return result;
  }
  const catalog::CloudWatchCheckSpec& spec = *check.cloudwatch;
  auto client = clients.forRegion(spec.region);
  if (!client.ok()) {
    result.verdict = engine::verdicts::kError;
    result.summary = client.error().message;
    return result;
  }
  greenlight::aws::QueryParams params;
  params.addMembers("AlarmNames", spec.alarmNames);
  auto answer = (*client)->query("monitoring", "2010-08-01", "DescribeAlarms", params);
  if (!answer.ok()) {
    result.verdict = engine::verdicts::kError;
    result.summary = "cannot read CloudWatch alarms: " + answer.error().message;
    return result;
  }
  std::set<std::string> missing(spec.alarmNames.begin(), spec.alarmNames.end());
  std::string firing;
  nlohmann::json states = nlohmann::json::object();
  for (const auto& alarm : answer->list("MetricAlarms")) {
    const std::string name = alarm.text("AlarmName");
    const std::string state = alarm.text("StateValue");
    missing.erase(name);
    states[name] = state;
    if (state == "ALARM") {
      firing += (firing.empty() ? "" : ", ") + name + " (" + alarm.text("StateReason") + ")";
    }
  }
  result.numbers = {{"states", states}};
  if (!firing.empty()) {
    result.verdict = engine::verdicts::kFailed;
    result.summary = "in ALARM: " + firing;
  } else if (!missing.empty()) {
    std::string names;
    for (const auto& name : missing) names += (names.empty() ? "" : ", ") + name;
    result.verdict = engine::verdicts::kError;
    result.summary = "no such CloudWatch alarm in " + (*client)->region() + ": " + names;
  } else {
    result.verdict = engine::verdicts::kPassed;
    result.summary = "no alarm in ALARM (" + std::to_string(spec.alarmNames.size()) + " watched)";
  }
  return result;
}

}  // namespace greenlight::providers::aws
