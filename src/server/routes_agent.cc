// The agent protocol: enrolment, the command long-poll, heartbeats, event and result reports, and
// the traffic events the server carries out for the agent. Every authenticated agent call counts
// as a sign of life for its instance.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "auth/enrolment.h"
#include "auth/role.h"
#include "catalog/traffic_spec.h"
#include "common/error_codes.h"
#include "server/api_routes.h"
#include "server/api_support.h"
#include "server/event_log.h"
#include "server/long_poll.h"
#include "traffic/traffic_provider.h"

namespace greenlight::server {

namespace {

using nlohmann::json;

// The calling agent (its instance id is its name), allowed `action` on its own group; notes that
// the instance is alive.
Result<auth::Principal> agentCaller(ApiContext& context, const http::HttpRequest& request,
                                    auth::Action action) {
  std::optional<auth::Principal> who = principalOf(request, context.principals);
  if (!who) return Error{"Unauthenticated", "This call needs the agent's token."};
  if (who->role != auth::Role::Agent) {
    return Error{codes::kForbidden, "Token '" + who->name + "' (" +
                                        std::string(auth::roleName(who->role)) +
                                        ") is not an agent's: only agents call /v1/agent/*."};
  }
  if (Status allowed = auth::authorise(*who, action, who->scope.value_or("")); !allowed.ok()) {
    return allowed.error();
  }
  context.presence.touch(who->name);
  if (fleet::FleetManager* fleet = context.fleet.load()) fleet->agentSeen(who->name);
  return *who;
}

Result<engine::EventReport> eventFrom(const json& value) {
  if (!value.is_object()) {
    return Error{codes::kInvalidArgument, "An event report must be a JSON object, not " +
                                              std::string(value.type_name()) + "."};
  }
  engine::EventReport report;
  auto event = stringMember(value, "event");
  auto status = stringMember(value, "status");
  auto startedAt = stringMember(value, "startedAt");
  auto endedAt = stringMember(value, "endedAt");
  auto errorCode = stringMember(value, "errorCode");
  auto message = stringMember(value, "message");
  auto logTail = stringMember(value, "logTail");
  for (const auto* member : {&event, &status, &startedAt, &endedAt, &errorCode, &message, &logTail}) {
    if (!member->ok()) return member->error();
  }
  if (!event->has_value() || !status->has_value()) {
    return Error{codes::kInvalidArgument, "An event report needs 'event' and 'status'."};
  }
  report.event = **event;
  report.status = **status;
  if (startedAt->has_value()) report.startedAt = parseTimestamp(**startedAt);
  if (endedAt->has_value()) report.endedAt = parseTimestamp(**endedAt);
  report.errorCode = errorCode->value_or("");
  report.message = message->value_or("");
  report.logTail = logTail->value_or("");
  return report;
}

// Commands are "<deploymentId>/<instanceId>": an agent reports on its own only.
Status ownsCommand(const auth::Principal& agent, const std::string& commandId) {
  std::string suffix = "/" + agent.name;
  bool own = commandId.size() > suffix.size() &&
             commandId.compare(commandId.size() - suffix.size(), suffix.size(), suffix) == 0;
  if (own) return {};
  return Error{codes::kForbidden, "Agent " + agent.name + " may not report on command '" +
                                      commandId + "': it belongs to another instance."};
}

http::HttpResponse enrol(ApiContext& context, const http::HttpRequest& request) {
  std::optional<auth::Principal> who = principalOf(request, context.principals);
  if (!who) return errorFor(Error{"Unauthenticated", "Enrolment needs the group's enrolment token."});
  std::string groupId = who->scope.value_or("");
  if (Status allowed = auth::authorise(*who, auth::Action::Enrol, groupId); !allowed.ok()) {
    return errorFor(allowed.error());
  }
  Result<json> body = objectBody(request);
  if (!body.ok()) return errorFor(body.error());
  auto hostName = stringMember(*body, "hostName");
  auto instanceId = stringMember(*body, "instanceId");
  if (!hostName.ok()) return errorFor(hostName.error());
  if (!instanceId.ok()) return errorFor(instanceId.error());
  if (!hostName->has_value() || (*hostName)->empty()) {
    return errorFor(Error{codes::kInvalidArgument, "'hostName' is required to enrol."});
  }
  std::map<std::string, std::string> tags;
  if (auto found = body->find("tags"); found != body->end() && !found->is_null()) {
    if (!found->is_object()) {
      return errorFor(Error{codes::kInvalidArgument, "'tags' must be an object of strings."});
    }
    for (const auto& [key, value] : found->items()) {
      if (!value.is_string()) {
        return errorFor(Error{codes::kInvalidArgument, "tag '" + key + "' must be a string."});
      }
      tags[key] = value.get<std::string>();
    }
  }

  // The instance the credential will name: the local one the server made, or the static host's.
  Result<catalog::Instance> instance = auditedChange(
      context, *who, [&](store::SqliteDatabase&, AuditNote& note) -> Result<catalog::Instance> {
        if (instanceId->has_value()) {
          Result<catalog::Instance> found = context.catalog.getInstance(**instanceId);
          if (!found.ok()) return found.error();
          if (found->groupId != groupId) {
            return Error{codes::kForbidden, "Instance " + **instanceId +
                                                " is not in the group this enrolment token is "
                                                "for; use that instance's group's token."};
          }
          return found;
        }
        Result<catalog::DeploymentGroup> group = context.catalog.getGroupById(groupId);
        if (!group.ok()) return group.error();
        if (group->spec.fleet.provider != catalog::FleetProvider::Static) {
          return Error{codes::kInvalidArgument,
                       "Group " + group->spec.application + "/" + group->spec.name +
                           " has a local fleet: its agents are started by the server and enrol "
                           "with their instanceId."};
        }
        auto existing = context.catalog.findInstanceByHost(groupId, **hostName);
        if (!existing.ok()) return existing.error();
        if (existing->has_value()) {
          if (!tags.empty() && (*existing)->tags != tags) {
            if (Status tagged = context.catalog.setInstanceTags((*existing)->id, tags);
                !tagged.ok()) {
              return tagged.error();
            }
            (*existing)->tags = tags;
          }
          return **existing;
        }
        catalog::Instance fresh;
        fresh.groupId = groupId;
        fresh.provider = catalog::FleetProvider::Static;
        fresh.hostName = **hostName;
        fresh.tags = tags;
        Result<catalog::Instance> created = context.catalog.createInstance(fresh);
        if (created.ok()) {
          note = {"create-instance", "instance:" + created->id,
                  {{"group", groupId}, {"hostName", **hostName}}};
        }
        return created;
      });
  if (!instance.ok()) return errorFor(instance.error());
  Result<auth::CreatedToken> credential = context.withStore([&](store::SqliteDatabase&) {
    return auth::enrolAgent(context.tokens, context.audit, *who, instance->id);
  });
  if (!credential.ok()) return errorFor(credential.error());
  context.presence.touch(instance->id);
  if (fleet::FleetManager* fleet = context.fleet.load()) fleet->agentSeen(instance->id);
  logEvent("agent " + instance->id + " (" + **hostName + ") enrolled in group " + groupId);
  return http::jsonResponse(
      {{"instanceId", instance->id}, {"token", credential->secret}, {"groupId", groupId}}, 201);
}

void pollForCommands(ApiContext& context, http::HttpRequest& request,
                     const http::Responder& responder) {
  Result<auth::Principal> agent = agentCaller(context, request, auth::Action::AgentPoll);
  if (!agent.ok()) {
    responder.send(errorFor(agent.error()));
    return;
  }
  auto wait = integerQuery(request, "wait", 0, 3600);
  if (!wait.ok()) {
    responder.send(errorFor(wait.error()));
    return;
  }
  // A parked poll is the agent's only sign of life while it is idle: answer it within half the
  // agent timeout, so the next poll comes before a connected agent would be taken for lost.
  std::chrono::seconds halfTimeout = std::max(
      std::chrono::seconds(1),
      std::chrono::duration_cast<std::chrono::seconds>(context.agentTimeout) / 2);
  std::chrono::seconds waitFor =
      std::min({std::chrono::seconds(wait->value_or(0)), context.maxPollWait, halfTimeout});
  pollCommands(context, agent->name, responder, waitFor);
}

http::HttpResponse heartbeat(ApiContext& context, const http::HttpRequest& request) {
  Result<auth::Principal> agent = agentCaller(context, request, auth::Action::AgentPoll);
  if (!agent.ok()) return errorFor(agent.error());
  Result<json> body = objectBody(request, /*emptyIsObject=*/true);
  if (!body.ok()) return errorFor(body.error());
  return noContent();
}

http::HttpResponse reportEvent(ApiContext& context, const http::HttpRequest& request) {
  Result<auth::Principal> agent = agentCaller(context, request, auth::Action::AgentReport);
  if (!agent.ok()) return errorFor(agent.error());
  std::string commandId = request.pathParam("commandId");
  if (Status own = ownsCommand(*agent, commandId); !own.ok()) return errorFor(own.error());
  Result<json> body = objectBody(request);
  if (!body.ok()) return errorFor(body.error());
  Result<engine::EventReport> report = eventFrom(*body);
  if (!report.ok()) return errorFor(report.error());
  Status reported = context.engine.reportEvent(agent->name, commandId, *report);
  if (!reported.ok()) return errorFor(reported.error());
  return noContent();
}

http::HttpResponse reportResult(ApiContext& context, const http::HttpRequest& request) {
  Result<auth::Principal> agent = agentCaller(context, request, auth::Action::AgentReport);
  if (!agent.ok()) return errorFor(agent.error());
  std::string commandId = request.pathParam("commandId");
  if (Status own = ownsCommand(*agent, commandId); !own.ok()) return errorFor(own.error());
  Result<json> body = objectBody(request);
  if (!body.ok()) return errorFor(body.error());
  auto status = stringMember(*body, "status");
  auto errorCode = stringMember(*body, "errorCode");
  auto message = stringMember(*body, "message");
  for (const auto* member : {&status, &errorCode, &message}) {
    if (!member->ok()) return errorFor(member->error());
  }
  if (!status->has_value() || (**status != "Succeeded" && **status != "Failed")) {
    return errorFor(Error{codes::kInvalidArgument,
                          "'status' must be \"Succeeded\" or \"Failed\" in a command result."});
  }
  engine::ResultReport report;
  report.succeeded = **status == "Succeeded";
  report.errorCode = errorCode->value_or("");
  report.message = message->value_or("");
  if (auto events = body->find("events"); events != body->end() && !events->is_null()) {
    if (!events->is_array()) {
      return errorFor(Error{codes::kInvalidArgument, "'events' must be an array of event reports."});
    }
    for (const json& value : *events) {
      Result<engine::EventReport> event = eventFrom(value);
      if (!event.ok()) return errorFor(event.error());
      report.events.push_back(std::move(*event));
    }
  }
  Status reported = context.engine.reportResult(agent->name, commandId, report);
  if (!reported.ok()) return errorFor(reported.error());
  return noContent();
}

// The traffic events: the server drives the load balancer for the agent, one step per call, and
// answers at once whether the event is done or the agent should ask again. Everything asserted
// here is idempotent, so repeated calls (and a server restarted in between) change nothing more.
constexpr const char* kNoLoadBalancer = "no load balancer: nothing to do";

json trafficAnswer(const char* state, const std::string& detail) {
  return {{"state", state}, {"detail", detail}};
}

std::string plural(long long count, const char* unit) {
  return std::to_string(count) + " " + unit + (count == 1 ? "" : "s");
}

Error balancerFailed(const traffic::Pool& pool, const std::string& doing, const Error& error) {
  return Error{codes::kUnavailable, "The load balancer of " + pool.name + " could not " + doing + ": " +
                                        error.message + " The agent asks again until its timeout."};
}

Result<std::optional<traffic::MemberStatus>> memberStatus(traffic::TrafficProvider& provider,
                                                          const traffic::Pool& pool,
                                                          const std::string& instanceId) {
  Result<std::vector<traffic::MemberStatus>> members = provider.status(pool.id);
  if (!members.ok()) return balancerFailed(pool, "report its members", members.error());
  for (auto& member : *members) {
    if (member.instanceId == instanceId) return std::optional<traffic::MemberStatus>(std::move(member));
  }
  return std::optional<traffic::MemberStatus>();
}

// "GET /health: L7STS 500 (2 of 2 checks failed)"
std::string healthDetail(const traffic::Pool& pool, const traffic::MemberStatus& member) {
  std::string check = member.checkStatus.empty() ? member.status : member.checkStatus;
  std::string detail = "GET " + pool.healthCheck.path + ": " + (check.empty() ? "not checked yet" : check);
  if (!member.checkDetail.empty()) detail += " " + member.checkDetail;
  return detail;
}

// Drains the member (weight 0: no new request) and waits for its requests in flight to end.
Result<json> blockTraffic(traffic::TrafficProvider& provider, const traffic::Pool& pool,
                          const std::string& instanceId) {
  auto member = memberStatus(provider, pool, instanceId);
  if (!member.ok()) return member.error();
  if (!member->has_value()) {
    return trafficAnswer("done", "not registered with the load balancer: nothing to drain");
  }
  Status drained = provider.setWeights(pool.id, {{instanceId, 0}});
  if (!drained.ok() && drained.error().code == codes::kNotFound) {
    return trafficAnswer("done", "not registered with the load balancer: nothing to drain");
  }
  if (!drained.ok()) return balancerFailed(pool, "drain " + instanceId, drained.error());
  member = memberStatus(provider, pool, instanceId);
  if (!member.ok()) return member.error();
  if (!member->has_value() || (*member)->inFlight == 0) {
    return trafficAnswer("done", "drained from " + pool.name + ": no request in flight");
  }
  return trafficAnswer("waiting", plural((*member)->inFlight, "request") + " still in flight");
}

// Adds the member safely (weight 0) and gives it its share once the balancer's check passes.
Result<json> allowTraffic(traffic::TrafficProvider& provider, const traffic::Pool& pool,
                          const catalog::Instance& instance) {
  // Local instances listen on loopback; the member is updated should the port have changed.
  traffic::Member wanted{instance.id, "127.0.0.1", instance.port, instance.fleetVersion};
  if (Status added = provider.addMember(pool.id, wanted); !added.ok()) {
    return balancerFailed(pool, "add " + instance.id, added.error());
  }
  auto member = memberStatus(provider, pool, instance.id);
  if (!member.ok()) return member.error();
  if (!member->has_value()) return trafficAnswer("waiting", "not in the pool " + pool.name + " yet");
  if (!(*member)->healthy) return trafficAnswer("waiting", healthDetail(pool, **member));
  if (Status serving = provider.setWeights(pool.id, {{instance.id, traffic::kServingWeight}});
      !serving.ok()) {
    return balancerFailed(pool, "give " + instance.id + " traffic", serving.error());
  }
  return trafficAnswer("done", "healthy (" + healthDetail(pool, **member) + ") and serving in " +
                                   pool.name + " at weight " +
                                   std::to_string(traffic::kServingWeight));
}

http::HttpResponse controlTraffic(ApiContext& context, const http::HttpRequest& request) {
  Result<auth::Principal> agent = agentCaller(context, request, auth::Action::AgentReport);
  if (!agent.ok()) return errorFor(agent.error());
  std::string commandId = request.pathParam("commandId");
  if (Status own = ownsCommand(*agent, commandId); !own.ok()) return errorFor(own.error());
  Result<json> body = objectBody(request);
  if (!body.ok()) return errorFor(body.error());
  auto event = stringMember(*body, "event");
  if (!event.ok()) return errorFor(event.error());
  if (!event->has_value() || (**event != "BlockTraffic" && **event != "AllowTraffic")) {
    return errorFor(Error{codes::kInvalidArgument,
                          "'event' must be \"BlockTraffic\" or \"AllowTraffic\"."});
  }
  // "<deploymentId>/<instanceId>", the instance being the caller (ownsCommand).
  std::string deploymentId = commandId.substr(0, commandId.size() - agent->name.size() - 1);
  Error unknown{codes::kNotFound, "There is no command '" + commandId + "' for instance " +
                                      agent->name + "."};
  Result<engine::DeploymentView> deployment = context.engine.getDeployment(deploymentId, true);
  if (!deployment.ok()) {
    return errorFor(deployment.error().code == codes::kNotFound ? unknown : deployment.error());
  }
  bool targeted = std::any_of(deployment->targets.begin(), deployment->targets.end(),
                              [&](const engine::TargetView& target) {
                                return target.instanceId == agent->name;
                              });
  if (!targeted) return errorFor(unknown);
  if (deployment->strategy != "in-place" || context.traffic == nullptr) {
    return http::jsonResponse(trafficAnswer("done", kNoLoadBalancer));
  }
  struct Facts {
    catalog::DeploymentGroup group;
    catalog::Instance instance;
  };
  Result<Facts> facts = context.withStore([&](store::SqliteDatabase&) -> Result<Facts> {
    Result<catalog::DeploymentGroup> group = context.catalog.getGroupById(deployment->groupId);
    if (!group.ok()) return group.error();
    Result<catalog::Instance> instance = context.catalog.getInstance(agent->name);
    if (!instance.ok()) return instance.error();
    return Facts{std::move(*group), std::move(*instance)};
  });
  if (!facts.ok()) return errorFor(facts.error());
  auto loadBalancer = catalog::loadBalancerOf(facts->group);
  if (!loadBalancer.ok()) return errorFor(loadBalancer.error());
  if (!loadBalancer->has_value()) return http::jsonResponse(trafficAnswer("done", kNoLoadBalancer));

  traffic::Pool pool = catalog::poolFor(facts->group, **loadBalancer);
  if (Status ensured = context.traffic->ensurePool(pool); !ensured.ok()) {
    return errorFor(balancerFailed(pool, "set up its pool", ensured.error()));
  }
  Result<json> answer = **event == "BlockTraffic"
                            ? blockTraffic(*context.traffic, pool, agent->name)
                            : allowTraffic(*context.traffic, pool, facts->instance);
  if (!answer.ok()) {
    logEvent(**event + " for " + commandId + ": " + answer.error().message);
    return errorFor(answer.error());
  }
  if ((*answer)["state"] == "done") {
    logEvent(**event + " for " + commandId + " done: " + (*answer)["detail"].get<std::string>());
  }
  return http::jsonResponse(*answer);
}

}  // namespace

void addAgentRoutes(RouteTable& routes, ApiContext& context) {
  ApiContext* c = &context;
  routes.add("POST", "/v1/agent/enrol", [c](const http::HttpRequest& r) { return enrol(*c, r); });
  routes.addAsync("GET", "/v1/agent/commands",
                  [c](http::HttpRequest& r, http::Responder responder) {
                    pollForCommands(*c, r, responder);
                  });
  routes.add("POST", "/v1/agent/heartbeat",
             [c](const http::HttpRequest& r) { return heartbeat(*c, r); });
  routes.add("POST", "/v1/agent/commands/{commandId}/events",
             [c](const http::HttpRequest& r) { return reportEvent(*c, r); });
  routes.add("POST", "/v1/agent/commands/{commandId}/result",
             [c](const http::HttpRequest& r) { return reportResult(*c, r); });
  routes.add("POST", "/v1/agent/commands/{commandId}/traffic",
             [c](const http::HttpRequest& r) { return controlTraffic(*c, r); });
}

}  // namespace greenlight::server
