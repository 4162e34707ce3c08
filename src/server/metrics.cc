// The text exposition format 0.0.4 (https://prometheus.io/docs/instrumenting/exposition_formats/):
// `name{label="value",…} value` lines under `# HELP` and `# TYPE`.
#include "server/metrics.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <system_error>

namespace greenlight::server::metrics {

namespace {

// The methods the API serves or a client plausibly sends; anything else is one label value.
std::string methodLabel(std::string_view method) {
  static constexpr std::array<std::string_view, 7> kKnown = {"GET",    "HEAD",  "POST",   "PUT",
                                                             "DELETE", "PATCH", "OPTIONS"};
  if (std::find(kKnown.begin(), kKnown.end(), method) != kKnown.end()) return std::string(method);
  return "other";
}

std::string codeClass(int status) {
  if (status < 100 || status > 599) return "other";
  return std::to_string(status / 100) + "xx";
}

}  // namespace

std::string escapeLabelValue(std::string_view value) {
  std::string escaped;
  escaped.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      escaped += "\\\\";
    } else if (c == '"') {
      escaped += "\\\"";
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

std::string escapeHelp(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      escaped += "\\\\";
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

std::string formatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  std::array<char, 32> buffer{};
  auto [end, error] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  if (error != std::errc{}) return "NaN";  // cannot happen: 32 characters hold any double
  return std::string(buffer.data(), end);
}

void TextWriter::family(std::string_view name, std::string_view type, std::string_view help) {
  text_.append("# HELP ").append(name).append(" ").append(escapeHelp(help)).append("\n");
  text_.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void TextWriter::sample(std::string_view name, const Labels& labels, double value) {
  text_.append(name);
  if (!labels.empty()) {
    text_ += '{';
    bool first = true;
    for (const auto& [label, labelValue] : labels) {
      if (!first) text_ += ',';
      first = false;
      text_.append(label).append("=\"").append(escapeLabelValue(labelValue)).append("\"");
    }
    text_ += '}';
  }
  text_.append(" ").append(formatValue(value)).append("\n");
}

Histogram::Histogram(std::vector<double> upperBounds)
    : upperBounds_(std::move(upperBounds)), inBucket_(upperBounds_.size() + 1, 0) {}

void Histogram::observe(double value) {
  // The first bucket whose upper bound is >= value (buckets are "less than or equal").
  auto bucket = std::lower_bound(upperBounds_.begin(), upperBounds_.end(), value);
  ++inBucket_[static_cast<std::size_t>(bucket - upperBounds_.begin())];
  sum_ += value;
  ++count_;
}

void Histogram::write(TextWriter& writer, std::string_view name, const Labels& labels) const {
  std::string bucketName = std::string(name) + "_bucket";
  Labels withBound = labels;
  withBound.emplace_back("le", "");
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= upperBounds_.size(); ++i) {
    cumulative += inBucket_[i];
    withBound.back().second =
        i < upperBounds_.size() ? formatValue(upperBounds_[i]) : std::string("+Inf");
    writer.sample(bucketName, withBound, static_cast<double>(cumulative));
  }
  writer.sample(std::string(name) + "_sum", labels, sum_);
  writer.sample(std::string(name) + "_count", labels, static_cast<double>(count_));
}

const std::vector<double>& RequestMetrics::buckets() {
  static const std::vector<double> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                               0.5,   1,    2.5,   5,    10};
  return kBuckets;
}

void RequestMetrics::record(std::string_view method, std::string_view routePattern, int status,
                            double seconds) {
  Key key{methodLabel(method), routePattern.empty() ? "unmatched" : std::string(routePattern),
          codeClass(status)};
  std::lock_guard lock(mutex_);
  auto found = byKey_.find(key);
  if (found == byKey_.end()) found = byKey_.emplace(std::move(key), Histogram(buckets())).first;
  found->second.observe(seconds);
}

void RequestMetrics::write(TextWriter& writer) const {
  writer.family(kName, "histogram",
                "Time from an API request's headers being read to its answer being ready, by "
                "method, route pattern and status class (long-polls include their wait).");
  std::lock_guard lock(mutex_);
  for (const auto& [key, histogram] : byKey_) {
    histogram.write(writer, kName, {{"method", key.method}, {"route", key.route}, {"code", key.code}});
  }
}

void writeSnapshot(TextWriter& writer, const Snapshot& snapshot) {
  writer.family("greenlight_deployments", "gauge", "Deployments in the store, by status.");
  for (const auto& [status, count] : snapshot.deploymentsByStatus) {
    writer.sample("greenlight_deployments", {{"status", status}}, static_cast<double>(count));
  }

  writer.family("greenlight_deployment_duration_seconds", "summary",
                "Time from start to end of the deployments that ran and finished, by strategy "
                "and final status (read from the store: it survives restarts).");
  for (const Snapshot::Finished& finished : snapshot.finishedDeployments) {
    Labels labels = {{"strategy", finished.strategy}, {"status", finished.status}};
    writer.sample("greenlight_deployment_duration_seconds_sum", labels, finished.totalSeconds);
    writer.sample("greenlight_deployment_duration_seconds_count", labels,
                  static_cast<double>(finished.count));
  }

  writer.family("greenlight_instances", "gauge",
                "Instances in the store, by lifecycle (Terminated ones are kept for history).");
  for (const auto& [state, count] : snapshot.instancesByState) {
    writer.sample("greenlight_instances", {{"state", state}}, static_cast<double>(count));
  }

  writer.family("greenlight_agent_connections", "gauge",
                "Agents heard from within the agent timeout (what the instances API calls online).");
  writer.sample("greenlight_agent_connections", {},
                static_cast<double>(snapshot.agentConnections));

  writer.family("greenlight_agent_polls_waiting", "gauge",
                "Agents' command long-polls parked on the server now.");
  writer.sample("greenlight_agent_polls_waiting", {},
                static_cast<double>(snapshot.agentPollsWaiting));

  writer.family("greenlight_deployment_watchers", "gauge",
                "Deployment watch long-polls parked on the server now.");
  writer.sample("greenlight_deployment_watchers", {},
                static_cast<double>(snapshot.deploymentWatchersWaiting));
}

}  // namespace greenlight::server::metrics
