// Automatic judgement of a shift (catalog/analysis_spec.h): while a blue/green shift pauses with
// the new fleet taking part of the traffic, its checks are measured every `intervalSeconds` over
// the window since the pause began, and once more when the pause ends. A failed measurement beyond
// `failureLimit` fails the deployment (it rolls back); checks that cannot be measured more than
// `consecutiveErrorLimit` times in a row count as a failure; a window that ends inconclusive
// waits for `greenlight continue` (or `stop`).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/analysis_spec.h"
#include "common/clock.h"
#include "traffic/traffic_provider.h"

namespace greenlight::engine {

namespace verdicts {
inline constexpr const char* kPending = "Pending";        // not enough data yet; not a measurement
inline constexpr const char* kPassed = "Passed";
inline constexpr const char* kFailed = "Failed";
inline constexpr const char* kInconclusive = "Inconclusive";
inline constexpr const char* kError = "Error";            // could not be measured
}  // namespace verdicts

// One check's latest measurement, with the numbers it was judged on.
struct CheckResult {
  std::string name;
  std::string kind;     // "loadBalancer", "webhook"
  std::string verdict;  // verdicts::*
  std::string summary;  // for people: "new fleet 9.8% 5xx of 512 requests (limit 2%); old 0.0% of 4,610"
  nlohmann::json numbers = nlohmann::json::object();
  bool operator==(const CheckResult&) const = default;
};

nlohmann::json toJson(const CheckResult& result);
CheckResult checkResultFromJson(const nlohmann::json& json);

struct MemberCounters {
  std::uint64_t requests = 0;
  std::uint64_t errors5xx = 0;
  bool operator==(const MemberCounters&) const = default;
};

// One pause's analysis (a window), kept in the blue/green state.
struct AnalysisWindow {
  int stepIndex = -1;                               // the pause step it belongs to
  int trafficPercent = 0;                           // the new fleet's share during it
  std::optional<WallTime> startedAt;
  std::map<std::string, MemberCounters> baseline;   // the balancer's counters when it opened
  std::optional<WallTime> lastMeasuredAt;
  int measurements = 0;
  int failures = 0;
  int consecutiveErrors = 0;
  std::vector<CheckResult> results;                 // the latest per check
  std::string verdict = "Running";                  // Running | Passed | Failed | Inconclusive | Continued
  bool waiting = false;                             // inconclusive: waits for continue or stop
  std::optional<WallTime> waitingSince;
  bool operator==(const AnalysisWindow&) const = default;
};

nlohmann::json toJson(const AnalysisWindow& window);
AnalysisWindow analysisWindowFromJson(const nlohmann::json& json);  // tolerant: defaults

// The balancer's counters of a set of members over a window.
struct FleetWindow {
  std::uint64_t requests = 0;
  std::uint64_t errors5xx = 0;
  double responseTimeMs = 0;  // request-weighted average of the members' rtime
  int members = 0;
  double errorRatePercent() const {
    return requests == 0 ? 0 : 100.0 * static_cast<double>(errors5xx) / static_cast<double>(requests);
  }
};

std::map<std::string, MemberCounters> countersOf(const std::vector<traffic::MemberStatus>& members);
// Counts since `baseline` for the members named in `ids`. A counter below its baseline (the
// balancer restarted and counts from zero) counts from zero.
FleetWindow windowOf(const std::vector<traffic::MemberStatus>& members,
                     const std::vector<std::string>& ids,
                     const std::map<std::string, MemberCounters>& baseline);

// Judges the load-balancer check. `final` is the measurement that ends the window: too few
// requests then follows the check's noData policy (before, it is Pending).
CheckResult judgeLoadBalancer(const catalog::CheckSpec& check, const FleetWindow& candidate,
                              const FleetWindow& baseline, bool final);

// POSTs `context` (JSON) to the check's URL: 2xx Passed, another status Failed, no answer Error.
CheckResult measureWebhook(const catalog::CheckSpec& check, const nlohmann::json& context);

// Fills a Prometheus query's {{name}} placeholders from `values` (see catalog/analysis_spec.h).
std::string expandQuery(const std::string& query, const std::map<std::string, std::string>& values);
// Runs the check's query (placeholders filled) against its Prometheus server and judges every
// series it answers: failureCondition holding fails, successCondition holding passes, neither is
// inconclusive (without failureCondition: not success fails). No series, or NaN, follows noData
// (Pending before the final measurement); an unreachable server or a refused query is Error.
CheckResult measurePrometheus(const catalog::CheckSpec& check,
                              const std::map<std::string, std::string>& values, bool final);

// One round of a group's alarms (prometheus and webhook checks): each result, and "name: summary"
// lists of those in alarm (Failed) and of those that could not be read (Error).
struct AlarmRound {
  std::vector<CheckResult> results;
  std::string fired;
  std::string unreadable;
};
// Reads a `cloudwatch` check (the server's AWS access); without one such checks are Errors.
using CloudWatchReader = std::function<CheckResult(const catalog::CheckSpec& check)>;
AlarmRound measureAlarms(const catalog::AlarmsSpec& alarms,
                         const std::map<std::string, std::string>& values,
                         const nlohmann::json& context,
                         const CloudWatchReader& cloudwatch = {});

// Folds one round of results into the window's counts. Returns the failure message when the
// analysis has failed (failures beyond failureLimit, or errors beyond consecutiveErrorLimit).
std::optional<std::string> recordMeasurement(AnalysisWindow& window, std::vector<CheckResult> results,
                                             const catalog::AnalysisSpec& spec, WallTime now);

// The verdict of a window's final round: Passed when every check passed, else Inconclusive
// (a failure is reported by recordMeasurement first).
std::string finalVerdict(const AnalysisWindow& window);

// "errors: new fleet 9.8% 5xx of 512 requests (limit 2%); smoke: HTTP 503", for messages.
std::string describeResults(const std::vector<CheckResult>& results);

}  // namespace greenlight::engine
