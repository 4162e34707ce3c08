// aws-elbv2: target group registration, draining and weighted forward actions.
#include "providers/aws/elbv2_traffic.h"

#include <algorithm>
#include <cmath>

#include "aws/aws_error.h"
#include "aws/query_params.h"
#include "aws/xml.h"
#include "common/error_codes.h"

namespace greenlight::providers::aws {

using greenlight::aws::AwsClient;
using greenlight::aws::QueryParams;
using greenlight::aws::Xml;

namespace {

constexpr const char* kElbVersion = "2015-12-01";
constexpr int kMaxForwardWeight = 999;

struct Target {
  std::string id;
  int port = 0;
  std::string state;  // initial | healthy | unhealthy | unused | draining | unavailable
  std::string reason;
  std::string description;
};

struct TargetGroupView {
  std::string arn;
  std::vector<Target> targets;
  int forwardWeight = 0;  // the listener's weight for it (listener mode)
  std::optional<int> memberWeight;  // its greenlight:member-weight tag
  std::string fleetVersion;         // its greenlight:fleet-version tag: whose members it holds
  int serving() const {
    return static_cast<int>(std::count_if(targets.begin(), targets.end(),
                                          [](const Target& t) { return t.state != "draining"; }));
  }
  const Target* find(const std::string& id) const {
    for (const auto& target : targets) {
      if (target.id == id) return &target;
    }
    return nullptr;
  }
};

Error elbError(const Error& error, const std::string& what) {
  return Error{error.code, what + ": " + error.message};
}

std::string shortName(const std::string& arn) {
  // arn:aws:elasticloadbalancing:region:account:targetgroup/name/id -> name
  auto slash = arn.find("targetgroup/");
  if (slash == std::string::npos) return arn;
  std::string rest = arn.substr(slash + 12);
  return rest.substr(0, rest.find('/'));
}

// Sets one tag of a target group (greenlight's bookkeeping lives on the load balancer).
Status tagTargetGroup(AwsClient& client, const std::string& arn, const char* key, const std::string& value) {
  QueryParams params;
  params.addMembers("ResourceArns", {arn});
  params.add("Tags.member.1.Key", key);
  params.add("Tags.member.1.Value", value);
  auto tagged = client.query("elasticloadbalancing", kElbVersion, "AddTags", params);
  if (!tagged.ok()) return elbError(tagged.error(), "cannot tag target group " + shortName(arn));
  return Status::success();
}

// Deregisters a target (ELB drains it); `what` says why, for the error.
Status deregister(AwsClient& client, const std::string& arn, const Target& target, const std::string& what) {
  QueryParams params;
  params.add("TargetGroupArn", arn);
  params.add("Targets.member.1.Id", target.id);
  if (target.port > 0) params.add("Targets.member.1.Port", std::to_string(target.port));
  auto removed = client.query("elasticloadbalancing", kElbVersion, "DeregisterTargets", params);
  if (!removed.ok()) {
    return elbError(removed.error(), "cannot " + what + " " + target.id + " from target group " + shortName(arn));
  }
  return Status::success();
}

}  // namespace

Result<std::vector<std::string>> targetGroupArns(AwsClient& client, const std::vector<std::string>& namesOrArns) {
  std::vector<std::string> names;
  for (const auto& entry : namesOrArns) {
    if (entry.rfind("arn:", 0) != 0) names.push_back(entry);
  }
  std::map<std::string, std::string> arnOf;
  if (!names.empty()) {
    QueryParams params;
    params.addMembers("Names", names);
    auto found = client.query("elasticloadbalancing", kElbVersion, "DescribeTargetGroups", params);
    if (!found.ok()) {
      if (greenlight::aws::isAwsError(found.error(), "TargetGroupNotFound") ||
          greenlight::aws::isAwsError(found.error(), "TargetGroupNotFoundException")) {
        return Error{codes::kNotFound, "a target group of " + [&] {
                                         std::string joined;
                                         for (const auto& n : names) joined += (joined.empty() ? "" : ", ") + n;
                                         return joined;
                                       }() + " does not exist in " + client.region() + ": " + found.error().message};
      }
      return elbError(found.error(), "cannot look up target groups");
    }
    for (const Xml& group : found->list("TargetGroups")) arnOf[group.text("TargetGroupName")] = group.text("TargetGroupArn");
  }
  std::vector<std::string> arns;
  for (const auto& entry : namesOrArns) {
    if (entry.rfind("arn:", 0) == 0) {
      arns.push_back(entry);
      continue;
    }
    auto found = arnOf.find(entry);
    if (found == arnOf.end()) {
      return Error{codes::kNotFound, "target group " + entry + " does not exist in " + client.region()};
    }
    arns.push_back(found->second);
  }
  return arns;
}

struct Elbv2TrafficProvider::Pool {
  std::string id;
  catalog::Elbv2Spec spec;
  AwsClient* client = nullptr;
  std::vector<TargetGroupView> groups;
  bool listener() const { return !spec.listenerArn.empty(); }
};

Elbv2TrafficProvider::Elbv2TrafficProvider(AwsClients& clients, Elbv2Lookup lookup)
    : clients_(clients), lookup_(std::move(lookup)) {}

Result<Elbv2TrafficProvider::Pool> Elbv2TrafficProvider::open(const std::string& poolId) {
  auto spec = lookup_(poolId);
  if (!spec.ok()) return spec.error();
  auto client = clients_.forRegion(spec->region);
  if (!client.ok()) return client.error();
  Pool pool{poolId, *spec, *client, {}};
  auto arns = targetGroupArns(*pool.client, spec->targetGroups);
  if (!arns.ok()) return arns.error();
  pool.spec.targetGroups = *arns;
  for (const auto& arn : pool.spec.targetGroups) {
    TargetGroupView view{arn, {}, 0, std::nullopt, ""};
    QueryParams params;
    params.add("TargetGroupArn", arn);
    auto health = pool.client->query("elasticloadbalancing", kElbVersion, "DescribeTargetHealth", params);
    if (!health.ok()) return elbError(health.error(), "cannot read target group " + shortName(arn));
    for (const Xml& description : health->list("TargetHealthDescriptions")) {
      Target target;
      target.id = description.text("Target/Id");
      target.port = std::atoi(description.text("Target/Port").c_str());
      target.state = description.text("TargetHealth/State");
      target.reason = description.text("TargetHealth/Reason");
      target.description = description.text("TargetHealth/Description");
      view.targets.push_back(std::move(target));
    }
    pool.groups.push_back(std::move(view));
  }
  if (pool.listener()) {
    QueryParams tags;
    tags.addMembers("ResourceArns", pool.spec.targetGroups);
    auto described = pool.client->query("elasticloadbalancing", kElbVersion, "DescribeTags", tags);
    if (!described.ok()) return elbError(described.error(), "cannot read the target groups' tags");
    for (const Xml& description : described->list("TagDescriptions")) {
      for (auto& group : pool.groups) {
        if (group.arn != description.text("ResourceArn")) continue;
        for (const Xml& tag : description.list("Tags")) {
          if (tag.text("Key") == kTagMemberWeight) group.memberWeight = std::atoi(tag.text("Value").c_str());
          if (tag.text("Key") == kTagFleetVersion) group.fleetVersion = tag.text("Value");
        }
      }
    }
    std::vector<Xml> actions;
    if (!spec->listenerRuleArn.empty()) {
      QueryParams params;
      params.addMembers("RuleArns", {spec->listenerRuleArn});
      auto rules = pool.client->query("elasticloadbalancing", kElbVersion, "DescribeRules", params);
      if (!rules.ok()) return elbError(rules.error(), "cannot read listener rule " + spec->listenerRuleArn);
      for (const Xml& rule : rules->list("Rules")) actions = rule.list("Actions");
    } else {
      QueryParams params;
      params.addMembers("ListenerArns", {spec->listenerArn});
      auto listeners = pool.client->query("elasticloadbalancing", kElbVersion, "DescribeListeners", params);
      if (!listeners.ok()) return elbError(listeners.error(), "cannot read listener " + spec->listenerArn);
      for (const Xml& listener : listeners->list("Listeners")) actions = listener.list("DefaultActions");
    }
    for (const Xml& action : actions) {
      if (action.text("Type") != "forward") continue;
      auto weighted = action.at("ForwardConfig").list("TargetGroups");
      for (const Xml& entry : weighted) {
        for (auto& group : pool.groups) {
          if (group.arn == entry.text("TargetGroupArn")) {
            group.forwardWeight = entry.text("Weight").empty() ? 1 : std::atoi(entry.text("Weight").c_str());
          }
        }
      }
      if (weighted.empty()) {  // a plain forward to one target group
        for (auto& group : pool.groups) {
          if (group.arn == action.text("TargetGroupArn")) group.forwardWeight = 1;
        }
      }
    }
  }
  return pool;
}

Status Elbv2TrafficProvider::ensurePool(const traffic::Pool& pool) {
  auto opened = open(pool.id);  // reading every target group (and the listener) proves they exist
  if (!opened.ok()) return opened.error();
  return Status::success();
}

Status Elbv2TrafficProvider::removePool(const std::string& poolId) {
  std::lock_guard lock(mutex_);
  remembered_.erase(poolId);
  return Status::success();
}

Status Elbv2TrafficProvider::addMember(const std::string& poolId, const traffic::Member& member) {
  std::lock_guard lock(mutex_);
  auto pool = open(poolId);
  if (!pool.ok()) return pool.error();
  std::vector<const TargetGroupView*> into;
  if (pool->listener()) {
    for (const auto& group : pool->groups) {
      const Target* target = group.find(member.instanceId);
      if (target != nullptr && target->state != "draining") return Status::success();
    }
    // A later batch of a fleet version joins the target group already holding that version;
    // else the target group the listener sends nothing to (of two such, the emptier).
    const TargetGroupView* idle = nullptr;
    for (const auto& group : pool->groups) {
      if (!member.fleetVersion.empty() && group.fleetVersion == member.fleetVersion && group.serving() > 0) {
        idle = &group;
        break;
      }
    }
    for (const auto& group : pool->groups) {
      if (idle != nullptr) break;
      if (group.forwardWeight != 0) continue;
      if (idle == nullptr || group.serving() < idle->serving()) idle = &group;
    }
    if (idle != nullptr && !member.fleetVersion.empty() && idle->fleetVersion != member.fleetVersion) {
      if (Status tagged = tagTargetGroup(*pool->client, idle->arn, kTagFleetVersion, member.fleetVersion);
          !tagged.ok()) {
        return tagged;
      }
    }
    if (idle == nullptr) {
      return Error{codes::kConflict,
                   "both target groups of listener " + pool->spec.listenerArn +
                       " receive traffic, so there is none to hold a new fleet version at weight "
                       "0; wait for the shift under way to end (or set one target group's weight "
                       "to 0)"};
    }
    into.push_back(idle);
  } else {
    for (const auto& group : pool->groups) into.push_back(&group);
    remembered_[poolId].try_emplace(member.instanceId, 0);
  }
  for (const TargetGroupView* group : into) {
    QueryParams params;
    params.add("TargetGroupArn", group->arn);
    params.add("Targets.member.1.Id", member.instanceId);
    if (member.port > 0) params.add("Targets.member.1.Port", std::to_string(member.port));
    auto registered = pool->client->query("elasticloadbalancing", kElbVersion, "RegisterTargets", params);
    if (!registered.ok()) {
      return elbError(registered.error(), "cannot register " + member.instanceId + " in target group " +
                                              shortName(group->arn));
    }
  }
  return Status::success();
}

Status Elbv2TrafficProvider::setWeights(const std::string& poolId, const std::map<std::string, int>& weights) {
  std::lock_guard lock(mutex_);
  auto pool = open(poolId);
  if (!pool.ok()) return pool.error();
  if (!pool->listener()) {
    for (const auto& [member, weight] : weights) {
      bool known = std::any_of(pool->groups.begin(), pool->groups.end(),
                               [&](const TargetGroupView& g) { return g.find(member) != nullptr; });
      if (!known) return Error{codes::kNotFound, member + " is not registered in the pool's target groups"};
      remembered_[poolId][member] = std::clamp(weight, 0, 256);
    }
    return Status::success();
  }
  // A member at 0 beside members above 0 in its target group (a rolling replace drains the old
  // fleet a batch at a time) is deregistered: ELB cannot weight it apart from the others.
  std::vector<std::vector<std::string>> drained(pool->groups.size());
  for (std::size_t g = 0; g < pool->groups.size(); ++g) {
    bool above = false;
    for (const auto& [member, weight] : weights) {
      const Target* target = pool->groups[g].find(member);
      if (target != nullptr && target->state != "draining" && weight > 0) above = true;
    }
    if (!above) continue;
    for (const auto& [member, weight] : weights) {
      const Target* target = pool->groups[g].find(member);
      if (target != nullptr && target->state != "draining" && weight == 0) drained[g].push_back(member);
    }
  }
  std::vector<std::optional<int>> wanted(pool->groups.size());
  for (const auto& [member, weight] : weights) {
    bool found = false;
    for (std::size_t g = 0; g < pool->groups.size(); ++g) {
      const Target* target = pool->groups[g].find(member);
      if (target == nullptr || target->state == "draining") continue;
      found = true;
      if (std::find(drained[g].begin(), drained[g].end(), member) != drained[g].end()) continue;
      if (wanted[g] && *wanted[g] != weight) {
        return Error{codes::kInvalidArgument,
                     "ELB weights whole target groups: " + member + " cannot have weight " +
                         std::to_string(weight) + " beside weight " + std::to_string(*wanted[g]) +
                         " in target group " + shortName(pool->groups[g].arn)};
      }
      wanted[g] = std::clamp(weight, 0, 256);
    }
    if (!found) return Error{codes::kNotFound, member + " is not registered in the pool's target groups"};
  }
  for (std::size_t g = 0; g < pool->groups.size(); ++g) {
    for (const auto& member : drained[g]) {
      if (Status removed = deregister(*pool->client, pool->groups[g].arn, *pool->groups[g].find(member), "drain");
          !removed.ok()) {
        return removed;
      }
    }
  }
  std::vector<long long> forward(pool->groups.size());
  for (std::size_t g = 0; g < pool->groups.size(); ++g) {
    const long long members = pool->groups[g].serving() - static_cast<long long>(drained[g].size());
    forward[g] = wanted[g] ? static_cast<long long>(*wanted[g]) * members : pool->groups[g].forwardWeight;
  }
  // A target group with no member left gets no request (ELB would answer 503 for its share),
  // unless every one is empty (then the listener is left as it is).
  auto left = [&](std::size_t g) {
    return pool->groups[g].serving() - static_cast<int>(drained[g].size());
  };
  bool anyServing = false;
  for (std::size_t g = 0; g < pool->groups.size(); ++g) anyServing = anyServing || left(g) > 0;
  if (anyServing) {
    for (std::size_t g = 0; g < pool->groups.size(); ++g) {
      if (left(g) == 0) forward[g] = 0;
    }
  }
  long long largest = *std::max_element(forward.begin(), forward.end());
  if (largest > kMaxForwardWeight) {
    for (auto& weight : forward) {
      if (weight == 0) continue;
      weight = std::max(1LL, std::llround(static_cast<double>(weight) * kMaxForwardWeight /
                                          static_cast<double>(largest)));
    }
  }
  // The member weights first, then the split: status() reads them together.
  for (std::size_t g = 0; g < pool->groups.size(); ++g) {
    if (!wanted[g] || pool->groups[g].memberWeight == wanted[g]) continue;
    if (Status tagged = tagTargetGroup(*pool->client, pool->groups[g].arn, kTagMemberWeight, std::to_string(*wanted[g]));
        !tagged.ok()) {
      return tagged;
    }
  }
  QueryParams params;
  const bool rule = !pool->spec.listenerRuleArn.empty();
  const std::string prefix = rule ? "Actions.member.1." : "DefaultActions.member.1.";
  if (rule) {
    params.add("RuleArn", pool->spec.listenerRuleArn);
  } else {
    params.add("ListenerArn", pool->spec.listenerArn);
  }
  params.add(prefix + "Type", "forward");
  for (std::size_t g = 0; g < pool->groups.size(); ++g) {
    const std::string entry = prefix + "ForwardConfig.TargetGroups.member." + std::to_string(g + 1) + ".";
    params.add(entry + "TargetGroupArn", pool->groups[g].arn);
    params.add(entry + "Weight", std::to_string(forward[g]));
  }
  auto modified = pool->client->query("elasticloadbalancing", kElbVersion,
                                       rule ? "ModifyRule" : "ModifyListener", params);
  if (!modified.ok()) {
    return elbError(modified.error(), std::string("cannot set the weights of ") +
                                          (rule ? "listener rule " + pool->spec.listenerRuleArn
                                                : "listener " + pool->spec.listenerArn));
  }
  return Status::success();
}

Result<bool> Elbv2TrafficProvider::removeMember(const std::string& poolId, const std::string& instanceId) {
  std::lock_guard lock(mutex_);
  auto pool = open(poolId);
  if (!pool.ok()) return pool.error();
  bool present = false;
  for (const auto& group : pool->groups) {
    const Target* target = group.find(instanceId);
    if (target == nullptr) continue;
    present = true;
    if (target->state == "draining") continue;
    if (Status removed = deregister(*pool->client, group.arn, *target, "deregister"); !removed.ok()) return removed.error();
  }
  if (!present) {
    remembered_[poolId].erase(instanceId);
    return true;
  }
  auto after = open(poolId);
  if (!after.ok()) return after.error();
  for (const auto& group : after->groups) {
    if (group.find(instanceId) != nullptr) return false;  // draining: ask again
  }
  remembered_[poolId].erase(instanceId);
  return true;
}

Result<std::vector<traffic::MemberStatus>> Elbv2TrafficProvider::status(const std::string& poolId) {
  std::lock_guard lock(mutex_);
  auto pool = open(poolId);
  if (!pool.ok()) return pool.error();
  std::vector<traffic::MemberStatus> members;
  std::map<std::string, std::size_t> seen;
  for (const auto& group : pool->groups) {
    for (const auto& target : group.targets) {
      int weight = 0;
      if (pool->listener()) {
        if (target.state != "draining" && group.forwardWeight > 0) {
          weight = group.memberWeight.value_or(std::max(1, group.forwardWeight / std::max(1, group.serving())));
        }
      } else {
        auto& remembered = remembered_[poolId];
        auto found = remembered.find(target.id);
        weight = found == remembered.end() ? 0 : found->second;
      }
      const bool healthy = target.state == "healthy";
      auto already = seen.find(target.id);
      if (already != seen.end()) {  // without a listener: in several target groups, healthy in all
        traffic::MemberStatus& member = members[already->second];
        if (!healthy && member.healthy) {
          member.healthy = false;
          member.status = "DOWN";
          member.checkStatus = target.state;
          member.checkDetail = shortName(group.arn) + ": " + target.reason + " " + target.description;
        }
        continue;
      }
      traffic::MemberStatus member;
      member.instanceId = target.id;
      member.port = target.port;
      member.weight = weight;
      member.adminState = target.state == "draining" || weight == 0 ? "drain" : "ready";
      member.healthy = healthy;
      member.status = target.state == "draining" ? "DRAIN" : healthy ? (weight > 0 ? "UP" : "NOLB") : "DOWN";
      member.checkStatus = target.state;
      member.checkDetail = shortName(group.arn) + ": " + target.state +
                           (target.reason.empty() ? "" : " (" + target.reason + ")") +
                           (target.description.empty() ? "" : " " + target.description);
      seen[target.id] = members.size();
      members.push_back(std::move(member));
    }
  }
  return members;
}

}  // namespace greenlight::providers::aws
