// The server's Prometheus metrics: a writer of the text exposition format 0.0.4, a fixed-bucket
// histogram, and the registry of API request durations the HTTP core reports into. What is read
// from the store at scrape time is gathered by routes_metrics.cc and only written here.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace greenlight::server::metrics {

inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

using Labels = std::vector<std::pair<std::string, std::string>>;

// A label value as the format wants it: backslash, double quote and line feed escaped.
std::string escapeLabelValue(std::string_view value);
// HELP text: backslash and line feed escaped.
std::string escapeHelp(std::string_view text);
// The shortest text that reads back as `value` ("0.005", "3", "1e+21"); "+Inf", "-Inf", "NaN".
std::string formatValue(double value);

// One exposition, built in order: a family's HELP and TYPE, then its samples, then the next
// family (the format wants a family's samples together). Label names are ours, never escaped.
class TextWriter {
 public:
  // `type`: "gauge", "counter", "histogram" or "summary".
  void family(std::string_view name, std::string_view type, std::string_view help);
  void sample(std::string_view name, const Labels& labels, double value);
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

// Observations counted in fixed buckets, with their sum. Not thread-safe.
class Histogram {
 public:
  // REQUIRES: `upperBounds` ascending and finite; the +Inf bucket is implied.
  explicit Histogram(std::vector<double> upperBounds);
  void observe(double value);
  // <name>_bucket{labels…, le="…"} cumulative, the last le="+Inf" equal to the count, then
  // <name>_sum and <name>_count.
  void write(TextWriter& writer, std::string_view name, const Labels& labels) const;
  std::uint64_t count() const { return count_; }
  double sum() const { return sum_; }

 private:
  std::vector<double> upperBounds_;
  std::vector<std::uint64_t> inBucket_;  // not cumulative; one more than bounds, for +Inf
  double sum_ = 0;
  std::uint64_t count_ = 0;
};

// greenlight_api_request_duration_seconds by method, route pattern and status class. The labels
// stay bounded whatever clients send: the route is the pattern that matched ("unmatched" when
// none did), a method the API does not know is "other", the code is "2xx" … "5xx". Thread-safe.
class RequestMetrics {
 public:
  static constexpr std::string_view kName = "greenlight_api_request_duration_seconds";
  static const std::vector<double>& buckets();  // 0.005 … 10 seconds

  // `routePattern` empty: no route matched.
  void record(std::string_view method, std::string_view routePattern, int status,
              double seconds);
  void write(TextWriter& writer) const;  // the family, even before the first request

 private:
  struct Key {
    std::string method, route, code;
    auto operator<=>(const Key&) const = default;
  };
  mutable std::mutex mutex_;
  std::map<Key, Histogram> byKey_;  // GUARDED_BY(mutex_)
};

// What the store, the agents' presence and the long-poll registries held at scrape time.
struct Snapshot {
  std::map<std::string, std::int64_t> deploymentsByStatus;  // every status, zeros included
  struct Finished {
    std::string strategy, status;
    std::int64_t count = 0;
    double totalSeconds = 0;
  };
  std::vector<Finished> finishedDeployments;
  std::map<std::string, std::int64_t> instancesByState;  // every lifecycle, zeros included
  std::int64_t agentConnections = 0;                     // heard from within the agent timeout
  std::int64_t agentPollsWaiting = 0;
  std::int64_t deploymentWatchersWaiting = 0;
};

// greenlight_deployments, greenlight_deployment_duration_seconds, greenlight_instances,
// greenlight_agent_connections, greenlight_agent_polls_waiting, greenlight_deployment_watchers.
void writeSnapshot(TextWriter& writer, const Snapshot& snapshot);

}  // namespace greenlight::server::metrics
