// BlockTraffic and AllowTraffic through the server, within the command's timeouts.
#include "agentd/server_traffic_control.h"

#include <algorithm>
#include <thread>

#include "agentd/retry.h"

namespace greenlight::agentd {

namespace {

using Clock = std::chrono::steady_clock;

bool endsTheAgent(const std::string& code) {
  return code == "Stopped" || code == "CredentialRefused" || code == "NoEnrolmentToken" || code == "EnrolmentRefused";
}

std::optional<std::chrono::seconds> secondsMember(const nlohmann::json& object, const char* key) {
  if (!object.contains(key) || !object[key].is_number_integer()) return std::nullopt;
  return std::chrono::seconds(std::max<long long>(0, object[key].get<long long>()));
}

std::string plural(long long count, const char* unit) {
  return std::to_string(count) + " " + unit + (count == 1 ? "" : "s");
}

}  // namespace

std::optional<TrafficTimeouts> trafficTimeoutsOf(const nlohmann::json& command) {
  if (!command.is_object() || !command.contains("loadBalancer") || !command["loadBalancer"].is_object()) {
    return std::nullopt;
  }
  const nlohmann::json& section = command["loadBalancer"];
  TrafficTimeouts timeouts;
  timeouts.block = secondsMember(section, "blockTimeoutSeconds").value_or(timeouts.block);
  timeouts.allow = secondsMember(section, "allowTimeoutSeconds").value_or(timeouts.allow);
  return timeouts;
}

ServerTrafficControl::ServerTrafficControl(ServerClient& client, const AgentOptions& options, AgentLog& log,
                                           std::string commandId, TrafficTimeouts timeouts)
    : client_(client), options_(options), log_(log), commandId_(std::move(commandId)), timeouts_(timeouts) {}

Result<std::string> ServerTrafficControl::carryOut(agent::TrafficEvent event) {
  const std::string name(agent::eventName(event));
  const bool blocking = event == agent::TrafficEvent::Block;
  const std::chrono::seconds limit = blocking ? timeouts_.block : timeouts_.allow;
  const std::string path = commandPath(commandId_, "traffic");
  const nlohmann::json body = {{"event", name}};
  const Clock::time_point deadline = Clock::now() + limit;
  Backoff backoff(options_.backoffInitial, options_.backoffMax);
  std::string lastDetail;   // the server's last "waiting" detail
  std::string lastProblem;  // why the last attempt got no usable answer
  bool answered = false;

  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    auto requestTimeout = std::clamp(left, std::chrono::milliseconds(1000), std::chrono::milliseconds(10000));
    auto answer = client_.callOnce("POST", path, body, requestTimeout);
    std::chrono::milliseconds pause = kTrafficPollInterval;
    if (!answer.ok()) {
      if (endsTheAgent(answer.error().code)) return answer.error();
      lastProblem = answer.error().message;
      pause = backoff.next();
    } else if (answer->status >= 500) {
      lastProblem = "the server at " + options_.serverAddress + " fails (HTTP " + std::to_string(answer->status) +
                    "): " + answer->toError().message;
      pause = backoff.next();
    } else if (!answer->ok()) {
      return Error{answer->toError().code, "the server refused " + name + " for command " + commandId_ + " (HTTP " +
                                               std::to_string(answer->status) + "): " + answer->toError().message};
    } else {
      auto parsed = answer->json();
      std::string state = parsed.ok() && parsed->is_object() ? parsed->value("state", "") : "";
      std::string detail = parsed.ok() && parsed->is_object() ? parsed->value("detail", "") : "";
      if (state == "done") return detail.empty() ? std::string("done") : detail;
      if (state != "waiting") {
        return Error{"InvalidAnswer", "the server answered " + name + " for command " + commandId_ +
                                          " with neither state \"done\" nor \"waiting\": " + answer->body.substr(0, 300)};
      }
      if (!answered || detail != lastDetail) log_.line(name + " for " + commandId_ + ": waiting: " + detail);
      answered = true;
      lastDetail = detail;
      lastProblem.clear();
      backoff.reset();
    }
    Clock::time_point now = Clock::now();
    if (now >= deadline) break;
    // One last attempt at the deadline itself.
    std::this_thread::sleep_until(std::min(now + pause, deadline));
  }

  const std::string waited = plural(limit.count(), "second");
  if (!answered) {
    return Error{"ServerUnreachable",
                 "the server could not be asked to carry out " + name + " within " + waited + " (" +
                     (blocking ? "loadBalancer.drainTimeoutSeconds" : "loadBalancer.startGracePeriodSeconds") +
                     "): " + lastProblem + ". Check that the server at " + options_.serverAddress +
                     " is up and reachable from this host, then deploy again."};
  }
  std::string unreachable = lastProblem.empty() ? "" : " (the server could not be asked again: " + lastProblem + ")";
  if (blocking) {
    std::string note = "the drain timeout of " + waited + " (loadBalancer.drainTimeoutSeconds) passed with " +
                       lastDetail + unreachable +
                       "; went on, as CodeDeploy does after its deregistration delay: the instance takes no new "
                       "request, and those requests may be cut short when the application stops";
    log_.line(name + " for " + commandId_ + ": " + note);
    return note;
  }
  return Error{"HealthCheckTimedOut",
               "the load balancer's health check did not pass within " + waited +
                   " (loadBalancer.startGracePeriodSeconds); last seen: " + lastDetail + unreachable +
                   ". The instance gets no traffic; make the health check pass (or ValidateService check the same "
                   "thing) or raise startGracePeriodSeconds, then deploy again."};
}

}  // namespace greenlight::agentd
