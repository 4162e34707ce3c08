// Measuring and judging a shift's checks (see analysis.h).
#include "engine/analysis.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "http/http_client.h"
#include "http/url_codec.h"

namespace greenlight::engine {
namespace {

std::optional<WallTime> timeFrom(const nlohmann::json& json, const char* key) {
  auto found = json.find(key);
  if (found == json.end() || !found->is_string()) return std::nullopt;
  return parseTimestamp(found->get<std::string>());
}

nlohmann::json timeOrNull(const std::optional<WallTime>& time) {
  return time ? nlohmann::json(formatTimestamp(*time)) : nlohmann::json(nullptr);
}

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string percent(double value) {
  std::string text = fixed(value, 2);
  text.erase(text.find_last_not_of('0') + 1);
  if (text.back() == '.') text.pop_back();
  return text + "%";
}

CheckResult resultOf(const catalog::CheckSpec& check, const char* verdict, std::string summary) {
  return {check.name, check.kind(), verdict, std::move(summary), nlohmann::json::object()};
}

}  // namespace

nlohmann::json toJson(const CheckResult& result) {
  return {{"name", result.name},
          {"kind", result.kind},
          {"verdict", result.verdict},
          {"summary", result.summary},
          {"numbers", result.numbers}};
}

CheckResult checkResultFromJson(const nlohmann::json& entry) {
  if (!entry.is_object()) return {};
  return {entry.value("name", std::string()), entry.value("kind", std::string()),
          entry.value("verdict", std::string()), entry.value("summary", std::string()),
          entry.value("numbers", nlohmann::json::object())};
}

nlohmann::json toJson(const AnalysisWindow& window) {
  nlohmann::json baseline = nlohmann::json::object();
  for (const auto& [id, counters] : window.baseline) {
    baseline[id] = {{"requests", counters.requests}, {"errors5xx", counters.errors5xx}};
  }
  nlohmann::json results = nlohmann::json::array();
  for (const auto& result : window.results) results.push_back(toJson(result));
  return {{"stepIndex", window.stepIndex},
          {"trafficPercent", window.trafficPercent},
          {"startedAt", timeOrNull(window.startedAt)},
          {"baseline", baseline},
          {"lastMeasuredAt", timeOrNull(window.lastMeasuredAt)},
          {"measurements", window.measurements},
          {"failures", window.failures},
          {"consecutiveErrors", window.consecutiveErrors},
          {"results", results},
          {"verdict", window.verdict},
          {"waiting", window.waiting},
          {"waitingSince", timeOrNull(window.waitingSince)}};
}

AnalysisWindow analysisWindowFromJson(const nlohmann::json& json) {
  AnalysisWindow window;
  if (!json.is_object()) return window;
  window.stepIndex = json.value("stepIndex", -1);
  window.trafficPercent = json.value("trafficPercent", 0);
  window.startedAt = timeFrom(json, "startedAt");
  if (auto baseline = json.find("baseline"); baseline != json.end() && baseline->is_object()) {
    for (const auto& [id, counters] : baseline->items()) {
      if (!counters.is_object()) continue;
      window.baseline[id] = {counters.value("requests", std::uint64_t{0}),
                             counters.value("errors5xx", std::uint64_t{0})};
    }
  }
  window.lastMeasuredAt = timeFrom(json, "lastMeasuredAt");
  window.measurements = json.value("measurements", 0);
  window.failures = json.value("failures", 0);
  window.consecutiveErrors = json.value("consecutiveErrors", 0);
  if (auto results = json.find("results"); results != json.end() && results->is_array()) {
    for (const auto& entry : *results) {
      if (entry.is_object()) window.results.push_back(checkResultFromJson(entry));
    }
  }
  window.verdict = json.value("verdict", std::string("Running"));
  window.waiting = json.value("waiting", false);
  window.waitingSince = timeFrom(json, "waitingSince");
  return window;
}

std::map<std::string, MemberCounters> countersOf(const std::vector<traffic::MemberStatus>& members) {
  std::map<std::string, MemberCounters> counters;
  for (const auto& member : members) {
    counters[member.instanceId] = {member.totalRequests, member.responses5xx};
  }
  return counters;
}

FleetWindow windowOf(const std::vector<traffic::MemberStatus>& members,
                     const std::vector<std::string>& ids,
                     const std::map<std::string, MemberCounters>& baseline) {
  FleetWindow window;
  double weightedTime = 0;
  for (const auto& member : members) {
    if (std::find(ids.begin(), ids.end(), member.instanceId) == ids.end()) continue;
    MemberCounters start;
    if (auto found = baseline.find(member.instanceId); found != baseline.end()) start = found->second;
    bool restarted = member.totalRequests < start.requests || member.responses5xx < start.errors5xx;
    if (restarted) start = {};
    std::uint64_t requests = member.totalRequests - start.requests;
    window.requests += requests;
    window.errors5xx += member.responses5xx - start.errors5xx;
    weightedTime += static_cast<double>(requests) * member.responseTimeMs;
    window.members += 1;
  }
  if (window.requests > 0) window.responseTimeMs = weightedTime / static_cast<double>(window.requests);
  return window;
}

CheckResult judgeLoadBalancer(const catalog::CheckSpec& check, const FleetWindow& candidate,
                              const FleetWindow& baseline, bool final) {
  const catalog::LoadBalancerCheckSpec& spec = *check.loadBalancer;
  nlohmann::json numbers = {{"newRequests", candidate.requests},
                            {"new5xx", candidate.errors5xx},
                            {"newErrorRatePercent", candidate.errorRatePercent()},
                            {"newResponseTimeMs", candidate.responseTimeMs},
                            {"oldRequests", baseline.requests},
                            {"old5xx", baseline.errors5xx},
                            {"oldErrorRatePercent", baseline.errorRatePercent()},
                            {"oldResponseTimeMs", baseline.responseTimeMs},
                            {"minRequests", spec.minRequests}};
  std::string observed = "new fleet " + percent(candidate.errorRatePercent()) + " 5xx of " +
                         std::to_string(candidate.requests) + " requests, " +
                         fixed(candidate.responseTimeMs, 0) + " ms; old fleet " +
                         percent(baseline.errorRatePercent()) + " of " +
                         std::to_string(baseline.requests) + ", " +
                         fixed(baseline.responseTimeMs, 0) + " ms";
  if (candidate.requests < static_cast<std::uint64_t>(spec.minRequests)) {
    std::string why = "only " + std::to_string(candidate.requests) +
                      " requests reached the new fleet (minRequests " +
                      std::to_string(spec.minRequests) + ")";
    const char* verdict = !final                                            ? verdicts::kPending
                          : spec.noData == catalog::NoDataPolicy::Pass      ? verdicts::kPassed
                          : spec.noData == catalog::NoDataPolicy::Fail      ? verdicts::kFailed
                                                                            : verdicts::kInconclusive;
    if (final) why += "; noData: " + std::string(catalog::toString(spec.noData));
    CheckResult result = resultOf(check, verdict, why);
    result.numbers = numbers;
    return result;
  }
  std::vector<std::string> broken;
  double rate = candidate.errorRatePercent();
  if (spec.maxErrorRatePercent && rate > *spec.maxErrorRatePercent) {
    broken.push_back("5xx rate " + percent(rate) + " is above maxErrorRatePercent " +
                     percent(*spec.maxErrorRatePercent));
  }
  if (spec.maxErrorRateIncreasePercent && rate - baseline.errorRatePercent() > *spec.maxErrorRateIncreasePercent) {
    broken.push_back("5xx rate " + percent(rate) + " is more than " +
                     percent(*spec.maxErrorRateIncreasePercent) + " points above the old fleet's " +
                     percent(baseline.errorRatePercent()));
  }
  if (spec.maxResponseTimeMs && candidate.responseTimeMs > *spec.maxResponseTimeMs) {
    broken.push_back("response time " + fixed(candidate.responseTimeMs, 0) +
                     " ms is above maxResponseTimeMs " + fixed(*spec.maxResponseTimeMs, 0));
  }
  if (spec.maxResponseTimeIncreasePercent && baseline.requests > 0 && baseline.responseTimeMs > 0 &&
      candidate.responseTimeMs >
          baseline.responseTimeMs * (1 + *spec.maxResponseTimeIncreasePercent / 100)) {
    broken.push_back("response time " + fixed(candidate.responseTimeMs, 0) + " ms is more than " +
                     percent(*spec.maxResponseTimeIncreasePercent) + " above the old fleet's " +
                     fixed(baseline.responseTimeMs, 0) + " ms");
  }
  CheckResult result = resultOf(check, broken.empty() ? verdicts::kPassed : verdicts::kFailed,
                                observed);
  for (const auto& reason : broken) result.summary += "; " + reason;
  result.numbers = numbers;
  return result;
}

CheckResult measureWebhook(const catalog::CheckSpec& check, const nlohmann::json& context) {
  if (!check.webhook) {
    // A kind this server cannot read (a group saved by a newer server): unread, never passed.
    return resultOf(check, verdicts::kError,
                    std::string("this server cannot read ") + check.kind() + " checks");
  }
  const catalog::WebhookCheckSpec& spec = *check.webhook;
  // http://host:port/path?query -> base and path.
  std::size_t scheme = spec.url.find("://");
  std::size_t slash = spec.url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  std::string base = slash == std::string::npos ? spec.url : spec.url.substr(0, slash);
  std::string path = slash == std::string::npos ? "/" : spec.url.substr(slash);
  http::HttpClientOptions options;
  options.address = base;
  options.connectTimeout = std::chrono::seconds(spec.timeoutSeconds);
  options.totalTimeout = std::chrono::seconds(spec.timeoutSeconds);
  options.addressSetting = "webhook.url of check " + check.name;
  options.peerName = "the webhook";
  http::HttpClient client(options);
  auto answer = client.post(path, context);
  if (!answer.ok()) {
    return resultOf(check, verdicts::kError, "POST " + spec.url + ": " + answer.error().message);
  }
  std::string body = answer->body.substr(0, 200);
  while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.pop_back();
  CheckResult result = resultOf(check, answer->ok() ? verdicts::kPassed : verdicts::kFailed,
                                "POST " + spec.url + ": HTTP " + std::to_string(answer->status) +
                                    (body.empty() ? "" : " " + body));
  result.numbers = {{"status", answer->status}};
  return result;
}

std::string expandQuery(const std::string& query, const std::map<std::string, std::string>& values) {
  std::string expanded;
  std::size_t at = 0;
  while (true) {
    std::size_t open = query.find("{{", at);
    std::size_t close = open == std::string::npos ? open : query.find("}}", open + 2);
    if (close == std::string::npos) break;
    std::string name = query.substr(open + 2, close - open - 2);
    while (!name.empty() && name.front() == ' ') name.erase(0, 1);
    while (!name.empty() && name.back() == ' ') name.pop_back();
    auto value = values.find(name);
    expanded += query.substr(at, open - at);
    expanded += value == values.end() ? query.substr(open, close + 2 - open) : value->second;
    at = close + 2;
  }
  return expanded + query.substr(at);
}

CheckResult measurePrometheus(const catalog::CheckSpec& check,
                              const std::map<std::string, std::string>& values, bool final) {
  const catalog::PrometheusCheckSpec& spec = *check.prometheus;
  std::string query = expandQuery(spec.query, values);
  http::HttpClientOptions options;
  options.address = spec.address;
  options.connectTimeout = std::chrono::seconds(spec.timeoutSeconds);
  options.totalTimeout = std::chrono::seconds(spec.timeoutSeconds);
  options.addressSetting = "prometheus.address of check " + check.name;
  options.peerName = "the Prometheus server";
  http::HttpClient client(options);
  auto answer = client.get("/api/v1/query?query=" + http::percentEncode(query));
  std::string where = "Prometheus " + spec.address;
  if (!answer.ok()) return resultOf(check, verdicts::kError, where + ": " + answer.error().message);
  auto body = nlohmann::json::parse(answer->body, nullptr, false);
  if (!answer->ok() || !body.is_object() || body.value("status", "") != "success") {
    std::string why = body.is_object() ? body.value("error", std::string()) : std::string();
    return resultOf(check, verdicts::kError,
                    where + " answered HTTP " + std::to_string(answer->status) +
                        (why.empty() ? std::string() : ": " + why) + " for the query " + query);
  }
  // Every sample: a vector's series, or a scalar.
  std::vector<double> samples;
  const nlohmann::json& data = body["data"];
  auto sampleOf = [&](const nlohmann::json& pair) {
    if (pair.is_array() && pair.size() == 2 && pair[1].is_string()) {
      samples.push_back(std::strtod(pair[1].get<std::string>().c_str(), nullptr));
    }
  };
  if (data.value("resultType", "") == "scalar") {
    sampleOf(data["result"]);
  } else if (data.contains("result") && data["result"].is_array()) {
    for (const auto& series : data["result"]) {
      if (series.is_object() && series.contains("value")) sampleOf(series["value"]);
    }
  }
  samples.erase(std::remove_if(samples.begin(), samples.end(), [](double v) { return std::isnan(v); }),
                samples.end());
  CheckResult result = resultOf(check, verdicts::kPassed, "");
  result.numbers = {{"query", query}, {"results", samples}};
  if (samples.empty()) {
    result.verdict = !final                                          ? verdicts::kPending
                     : spec.noData == catalog::NoDataPolicy::Pass    ? verdicts::kPassed
                     : spec.noData == catalog::NoDataPolicy::Fail    ? verdicts::kFailed
                                                                     : verdicts::kInconclusive;
    result.summary = "the query returned no data" +
                     (final ? "; noData: " + std::string(catalog::toString(spec.noData)) : std::string());
    return result;
  }
  std::string shown;
  bool anyFailed = false, allPassed = true;
  for (double sample : samples) {
    shown += (shown.empty() ? "" : ", ") + fixed(sample, 4);
    bool failed = spec.failureCondition ? spec.failureCondition->holds(sample)
                                        : !spec.successCondition->holds(sample);
    bool success = !failed && spec.successCondition->holds(sample);
    anyFailed = anyFailed || failed;
    allPassed = allPassed && success;
  }
  result.verdict = anyFailed ? verdicts::kFailed : allPassed ? verdicts::kPassed : verdicts::kInconclusive;
  result.summary = "result " + shown + " (success: " + spec.successCondition->text() +
                   (spec.failureCondition ? ", failure: " + spec.failureCondition->text() : std::string()) + ")";
  return result;
}

AlarmRound measureAlarms(const catalog::AlarmsSpec& alarms,
                         const std::map<std::string, std::string>& values,
                         const nlohmann::json& context,
                         const CloudWatchReader& cloudwatch) {
  AlarmRound round;
  for (const auto& check : alarms.checks) {
    CheckResult result;
    if (check.cloudwatch) {
      if (cloudwatch) {
        result = cloudwatch(check);
      } else {
        result.name = check.name;
        result.kind = "cloudwatch";
        result.verdict = verdicts::kError;
        result.summary = "this server has no AWS access to read CloudWatch alarms (start it with --aws-region)";
      }
    } else {
      result = check.prometheus ? measurePrometheus(check, values, false) : measureWebhook(check, context);
    }
    std::string line = result.name + ": " + result.summary;
    if (result.verdict == verdicts::kFailed) round.fired += (round.fired.empty() ? "" : "; ") + line;
    if (result.verdict == verdicts::kError) {
      round.unreadable += (round.unreadable.empty() ? "" : "; ") + line;
    }
    round.results.push_back(std::move(result));
  }
  return round;
}

std::optional<std::string> recordMeasurement(AnalysisWindow& window, std::vector<CheckResult> results,
                                             const catalog::AnalysisSpec& spec, WallTime now) {
  window.lastMeasuredAt = now;
  bool measured = false;
  bool failed = false;
  bool error = false;
  for (const auto& result : results) {
    if (result.verdict == verdicts::kFailed) failed = true;
    if (result.verdict == verdicts::kError) error = true;
    if (result.verdict != verdicts::kPending) measured = true;
  }
  window.results = std::move(results);
  if (!measured) return std::nullopt;
  window.measurements += 1;
  if (failed) window.failures += 1;
  window.consecutiveErrors = error ? window.consecutiveErrors + 1 : 0;
  if (window.failures > spec.failureLimit) {
    window.verdict = verdicts::kFailed;
    return "Analysis failed (" + std::to_string(window.failures) + " failed measurement" +
           (window.failures == 1 ? "" : "s") + ", failureLimit " +
           std::to_string(spec.failureLimit) + "): " + describeResults(window.results) + ".";
  }
  if (window.consecutiveErrors > spec.consecutiveErrorLimit) {
    window.verdict = verdicts::kFailed;
    return "Analysis could not measure its checks " + std::to_string(window.consecutiveErrors) +
           " times in a row (consecutiveErrorLimit " + std::to_string(spec.consecutiveErrorLimit) +
           "): " + describeResults(window.results) + ".";
  }
  return std::nullopt;
}

std::string finalVerdict(const AnalysisWindow& window) {
  for (const auto& result : window.results) {
    if (result.verdict != verdicts::kPassed) return verdicts::kInconclusive;
  }
  return verdicts::kPassed;
}

std::string describeResults(const std::vector<CheckResult>& results) {
  std::string text;
  for (const auto& result : results) {
    text += (text.empty() ? "" : "; ") + result.name + " " + result.verdict + ": " + result.summary;
  }
  return text;
}

}  // namespace greenlight::engine
