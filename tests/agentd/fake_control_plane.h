// A stand-in for greenlight's server in the agent's tests: only the agent routes, on greenlight's
// own HttpServer, with commands the test queues. Like the engine, it sends a command again on every
// poll until that command's result arrives. Thread-safe. Header-only: test binaries are built from
// *_test.cc files.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/http_server.h"

namespace greenlight::agentd::testing {

struct ReceivedReport {
  std::string kind;  // "event" or "result"
  std::string commandId;
  nlohmann::json body;
};

// One POST .../traffic the agent sent.
struct TrafficAsk {
  std::string commandId;
  std::string event;  // "BlockTraffic" or "AllowTraffic"
  std::chrono::steady_clock::time_point at;
};

// Answers a traffic ask; `earlier` is how many asks for the same command and event came before.
using TrafficAnswerer = std::function<http::HttpResponse(const TrafficAsk& ask, int earlier)>;

class FakeControlPlane {
 public:
  static constexpr const char* kEnrolmentToken = "glt_enrol_secret";
  static constexpr const char* kGroupId = "g-test";

  FakeControlPlane() : state_(std::make_shared<State>()) {}
  ~FakeControlPlane() { stop(); }

  // Starts listening (on `port`, or an ephemeral one). Returns the address.
  std::string start(uint16_t port = 0) {
    http::HttpServerOptions options;
    options.port = port;
    options.stopGrace = std::chrono::milliseconds(200);
    server_ = std::make_unique<http::HttpServer>(options, router(), authenticator());
    auto started = server_->start();
    if (!started.ok()) throw std::runtime_error(started.error().message);
    port_ = server_->port();
    return address();
  }
  // Stops answering: the port is closed, connecting is refused.
  void stop() {
    if (server_) server_->stop();
    server_.reset();
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->parked.clear();
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  uint16_t port() const { return port_; }

  void addBundle(const std::string& sha256, std::string bytes) {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->bundles[sha256] = std::move(bytes);
  }
  // Queues a command for `instanceId` and wakes its parked poll.
  void queueCommand(const std::string& instanceId, nlohmann::json payload) {
    std::vector<http::Responder> waiting;
    std::vector<nlohmann::json> commands;
    {
      std::lock_guard<std::mutex> lock(state_->mu);
      state_->commands.push_back({instanceId, payload["id"].get<std::string>(), payload});
      commands = state_->pendingFor(instanceId);
      auto parked = state_->parked.find(instanceId);
      if (parked != state_->parked.end()) {
        waiting = std::move(parked->second);
        state_->parked.erase(parked);
      }
    }
    for (auto& responder : waiting) responder.send(http::jsonResponse({{"commands", commands}}));
  }
  // Forgets that the command was answered, so the next poll sends it again (as after a lost
  // answer or a server restart).
  void resend(const std::string& commandId) {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->finished.erase(commandId);
  }
  // Every agent token issued so far is refused from now on (a server whose store was reset).
  void revokeAgentTokens() {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->agentTokens.clear();
  }

  std::vector<ReceivedReport> reports() const {
    std::lock_guard<std::mutex> lock(state_->mu);
    return state_->reports;
  }
  std::vector<ReceivedReport> reportsFor(const std::string& commandId) const {
    std::vector<ReceivedReport> matching;
    for (auto& report : reports()) {
      if (report.commandId == commandId) matching.push_back(report);
    }
    return matching;
  }
  std::vector<nlohmann::json> resultsFor(const std::string& commandId) const {
    std::vector<nlohmann::json> results;
    for (auto& report : reportsFor(commandId)) {
      if (report.kind == "result") results.push_back(report.body);
    }
    return results;
  }
  // How traffic asks are answered; by default {"state": "done", "detail": "no load balancer"}.
  void answerTrafficWith(TrafficAnswerer answerer) {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->trafficAnswerer = std::move(answerer);
  }
  std::vector<TrafficAsk> trafficAsks(const std::string& event = "") const {
    std::lock_guard<std::mutex> lock(state_->mu);
    std::vector<TrafficAsk> asks;
    for (const auto& ask : state_->trafficAsks) {
      if (event.empty() || ask.event == event) asks.push_back(ask);
    }
    return asks;
  }
  // The next `times` enrolments that name an instance are answered 404 (not recorded yet).
  void answerUnknownInstance(int times) {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->unknownEnrolments = times;
  }
  std::vector<nlohmann::json> enrolmentRequests() const {
    std::lock_guard<std::mutex> lock(state_->mu);
    return state_->enrolments;
  }
  int polls() const {
    std::lock_guard<std::mutex> lock(state_->mu);
    return state_->polls;
  }
  int heartbeats() const {
    std::lock_guard<std::mutex> lock(state_->mu);
    return state_->heartbeats;
  }

 private:
  struct Command {
    std::string instanceId;
    std::string id;
    nlohmann::json payload;
  };
  struct State {
    mutable std::mutex mu;
    std::vector<Command> commands;
    std::set<std::string> finished;
    std::map<std::string, std::string> agentTokens;  // token -> instance id
    std::map<std::string, std::string> bundles;
    std::map<std::string, std::vector<http::Responder>> parked;
    std::vector<ReceivedReport> reports;
    std::vector<nlohmann::json> enrolments;
    int unknownEnrolments = 0;  // enrolments naming an instance answered 404 first
    std::vector<TrafficAsk> trafficAsks;
    TrafficAnswerer trafficAnswerer;
    int polls = 0;
    int heartbeats = 0;
    int issued = 0;

    std::vector<nlohmann::json> pendingFor(const std::string& instanceId) const {
      std::vector<nlohmann::json> pending;
      for (const auto& command : commands) {
        if (command.instanceId == instanceId && finished.count(command.id) == 0) pending.push_back(command.payload);
      }
      return pending;
    }
  };

  http::Authenticator authenticator() {
    auto state = state_;
    return [state](const http::HttpRequest& request) {
      auto token = http::bearerToken(request);
      std::lock_guard<std::mutex> lock(state->mu);
      auto found = token ? state->agentTokens.find(*token) : state->agentTokens.end();
      if (found == state->agentTokens.end()) return http::AuthDecision::unauthenticated("unknown agent token");
      return http::AuthDecision::allow(http::Principal{found->second, {"agent"}});
    };
  }

  http::Router router() {
    auto state = state_;
    http::Router router;
    router.add(
        "POST", "/v1/agent/enrol",
        [state](const http::HttpRequest& request) {
          if (http::bearerToken(request).value_or("") != kEnrolmentToken) {
            return http::errorResponse(401, "Unauthenticated", "not this group's enrolment token");
          }
          auto body = http::parseJsonBody(request);
          if (!body.ok()) return http::errorResponse(400, body.error());
          std::lock_guard<std::mutex> lock(state->mu);
          state->enrolments.push_back(*body);
          if (state->unknownEnrolments > 0 && body->contains("instanceId")) {
            --state->unknownEnrolments;
            return http::errorResponse(404, "NotFound", "instance not found");
          }
          std::string instanceId = body->value("instanceId", "i-static-" + body->value("hostName", ""));
          std::string token = "glt_agent_" + std::to_string(++state->issued);
          state->agentTokens[token] = instanceId;
          return http::jsonResponse({{"instanceId", instanceId}, {"token", token}, {"groupId", kGroupId}}, 201);
        },
        http::RouteOptions::publicRoute());
    router.addAsync("GET", "/v1/agent/commands", [state](http::HttpRequest& request, http::Responder responder) {
      std::string instanceId = request.principal->subject;
      auto wait = std::chrono::seconds(std::stoi(request.queryParam("wait").value_or("20")));
      std::lock_guard<std::mutex> lock(state->mu);
      ++state->polls;
      auto pending = state->pendingFor(instanceId);
      if (!pending.empty()) {
        responder.send(http::jsonResponse({{"commands", pending}}));
        return;
      }
      responder.sendAfter(wait, http::jsonResponse({{"commands", nlohmann::json::array()}}));
      state->parked[instanceId].push_back(responder);
    });
    router.add("POST", "/v1/agent/heartbeat", [state](const http::HttpRequest&) {
      std::lock_guard<std::mutex> lock(state->mu);
      ++state->heartbeats;
      return http::HttpResponse{204, "application/json", {}, ""};
    });
    auto report = [state](const std::string& kind) {
      return [state, kind](const http::HttpRequest& request) {
        std::string commandId = request.pathParam("commandId");
        auto body = http::parseJsonBody(request);
        if (!body.ok()) return http::errorResponse(400, body.error());
        std::lock_guard<std::mutex> lock(state->mu);
        bool known = false;
        for (const auto& command : state->commands) {
          if (command.id == commandId && command.instanceId == request.principal->subject) known = true;
        }
        if (!known) return http::errorResponse(404, "NotFound", "no command " + commandId + " for this instance");
        state->reports.push_back({kind, commandId, *body});
        if (kind == "result") state->finished.insert(commandId);
        return http::HttpResponse{204, "application/json", {}, ""};
      };
    };
    router.add("POST", "/v1/agent/commands/{commandId}/events", report("event"));
    router.add("POST", "/v1/agent/commands/{commandId}/result", report("result"));
    router.add("POST", "/v1/agent/commands/{commandId}/traffic", [state](const http::HttpRequest& request) {
      std::string commandId = request.pathParam("commandId");
      auto body = http::parseJsonBody(request);
      if (!body.ok()) return http::errorResponse(400, body.error());
      TrafficAnswerer answerer;
      TrafficAsk ask{commandId, body->value("event", ""), std::chrono::steady_clock::now()};
      int earlier = 0;
      {
        std::lock_guard<std::mutex> lock(state->mu);
        bool known = false;
        for (const auto& command : state->commands) {
          if (command.id == commandId && command.instanceId == request.principal->subject) known = true;
        }
        if (!known) return http::errorResponse(404, "NotFound", "no command " + commandId + " for this instance");
        for (const auto& before : state->trafficAsks) {
          if (before.commandId == commandId && before.event == ask.event) ++earlier;
        }
        state->trafficAsks.push_back(ask);
        answerer = state->trafficAnswerer;
      }
      if (!answerer) return http::jsonResponse({{"state", "done"}, {"detail", "no load balancer"}});
      return answerer(ask, earlier);
    });
    router.add("GET", "/v1/revisions/{sha256}/bundle", [state](const http::HttpRequest& request) {
      std::lock_guard<std::mutex> lock(state->mu);
      auto found = state->bundles.find(request.pathParam("sha256"));
      if (found == state->bundles.end()) return http::errorResponse(404, "NotFound", "no such revision");
      return http::HttpResponse{200, "application/octet-stream", {}, found->second};
    });
    return router;
  }

  std::shared_ptr<State> state_;
  std::unique_ptr<http::HttpServer> server_;
  uint16_t port_ = 0;
};

}  // namespace greenlight::agentd::testing
