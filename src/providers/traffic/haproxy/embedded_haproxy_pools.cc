// The TrafficProvider side of EmbeddedHaproxy: pools change the configuration (and reload),
// members change at runtime and are then written to pools.json, haproxy.cfg and the state file,
// so that a reload or a restart of HAProxy keeps them with their weights and states.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "common/error_codes.h"
#include "providers/traffic/haproxy/config_writer.h"
#include "providers/traffic/haproxy/embedded_haproxy.h"

namespace greenlight::providers::haproxy {
namespace {

// Binding the address ourselves tells "already in use" apart before HAProxy is reloaded (a new
// worker that cannot bind would leave the old one serving only after a long wait).
Status checkFrontendFree(const traffic::Pool& pool) {
  auto colon = pool.frontend.rfind(':');
  std::string host = pool.frontend.substr(0, colon);
  int port = std::atoi(pool.frontend.c_str() + colon + 1);
  if (host.empty() || host == "*") host = "0.0.0.0";
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1) return {};  // a name or IPv6: HAProxy decides
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return {};
  int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
  int bound = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  int saved = errno;
  ::close(fd);
  if (bound == 0) return {};
  return Error{codes::kConflict, "traffic pool " + pool.id + ": its frontend " + pool.frontend +
                                     " cannot be bound (" + std::strerror(saved) +
                                     "); choose a free address and port for the pool's load balancer"};
}

}  // namespace

Result<PoolModel*> EmbeddedHaproxy::poolLocked(const std::string& poolId) {
  if (auto started = requireStartedLocked(); !started.ok()) return started.error();
  auto found = model_.pools.find(poolId);
  if (found == model_.pools.end()) {
    return Error{codes::kNotFound, "traffic pool " + poolId + " is not known to the HAProxy of " +
                                       options_.dir.string() + "; ensurePool creates it"};
  }
  return &found->second;
}

RuntimeSession& EmbeddedHaproxy::sessionFor(const PoolModel& pool) {
  if (!pool.external()) return adminSession_;
  auto& session = externalSessions_[pool.pool.adminSocket];
  if (!session) session = std::make_unique<RuntimeSession>(RuntimeSessionOptions{pool.pool.adminSocket});
  return *session;
}

Status EmbeddedHaproxy::persistLocked(const PoolModel& changed) {
  if (auto saved = saveModel(options_.dir / "pools.json", model_); !saved.ok()) return saved;
  if (changed.external()) return {};
  if (auto written = writeConfigLocked(model_); !written.ok()) return written;
  return dumpServerStateLocked();
}

Status EmbeddedHaproxy::ensurePool(const traffic::Pool& pool) {
  if (auto shape = validatePoolShape(pool); !shape.ok()) return shape;
  std::lock_guard lock(mu_);
  if (auto started = requireStartedLocked(); !started.ok()) return started;
  auto existing = model_.pools.find(pool.id);
  if (existing != model_.pools.end() && existing->second.pool == pool) return {};
  if (pool.frontend.empty()) {
    PoolModel candidate;
    if (existing != model_.pools.end()) candidate.members = existing->second.members;
    candidate.pool = pool;
    BackendRuntime runtime(sessionFor(candidate), pool.backend);
    if (auto servers = runtime.servers(); !servers.ok()) return servers.error();
    const bool wasEmbedded = existing != model_.pools.end() && !existing->second.external();
    ProviderModel previous = model_;
    model_.pools[pool.id] = std::move(candidate);
    if (auto saved = saveModel(options_.dir / "pools.json", model_); !saved.ok()) {
      model_ = std::move(previous);
      return saved;
    }
    if (!wasEmbedded) return {};
    if (auto written = writeConfigLocked(model_); !written.ok()) return written;
    return reloadLocked();
  }
  for (const auto& [id, other] : model_.pools) {
    if (id != pool.id && other.pool.frontend == pool.frontend) {
      return Error{codes::kConflict, "traffic pool " + pool.id + ": its frontend " + pool.frontend +
                                         " is already the frontend of pool " + id + "; give each pool its own port"};
    }
  }
  const bool frontendIsNew = existing == model_.pools.end() || existing->second.pool.frontend != pool.frontend;
  if (frontendIsNew) {
    if (auto free = checkFrontendFree(pool); !free.ok()) return free;
  }
  ProviderModel previous = model_;
  PoolModel& target = model_.pools[pool.id];
  target.pool = pool;
  if (auto written = writeConfigLocked(model_); !written.ok()) {
    model_ = std::move(previous);
    return written;
  }
  if (auto saved = saveModel(options_.dir / "pools.json", model_); !saved.ok()) {
    model_ = std::move(previous);
    (void)writeConfigLocked(model_);
    return saved;
  }
  auto reloaded = reloadLocked();
  if (reloaded.ok()) return {};
  // Back to the configuration the running worker has, so the next reload does not retry this one.
  model_ = std::move(previous);
  (void)saveModel(options_.dir / "pools.json", model_);
  (void)writeConfigLocked(model_);
  return reloaded;
}

Status EmbeddedHaproxy::removePool(const std::string& poolId) {
  std::lock_guard lock(mu_);
  if (auto started = requireStartedLocked(); !started.ok()) return started;
  auto found = model_.pools.find(poolId);
  if (found == model_.pools.end()) return {};
  const bool embedded = !found->second.external();
  model_.pools.erase(found);
  if (auto saved = saveModel(options_.dir / "pools.json", model_); !saved.ok()) return saved;
  if (!embedded) return {};  // the existing HAProxy's backend and servers stay as they are
  if (auto written = writeConfigLocked(model_); !written.ok()) return written;
  return reloadLocked();
}

Status EmbeddedHaproxy::addMember(const std::string& poolId, const traffic::Member& member) {
  if (member.instanceId.empty() ||
      !std::all_of(member.instanceId.begin(), member.instanceId.end(),
                   [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'; })) {
    return Error{codes::kInvalidArgument, "traffic pool " + poolId + ": the instance id \"" + member.instanceId +
                                              "\" cannot be an HAProxy server name (use letters, digits, '-', '_', '.')"};
  }
  if (member.port <= 0 || member.port > 65535 || member.address.empty()) {
    return Error{codes::kInvalidArgument, "traffic pool " + poolId + ": instance " + member.instanceId +
                                              " needs an address and a port between 1 and 65535"};
  }
  std::lock_guard lock(mu_);
  auto pool = poolLocked(poolId);
  if (!pool.ok()) return pool.error();
  PoolModel& model = **pool;
  BackendRuntime runtime(sessionFor(model), model.backendName());
  auto servers = runtime.servers();
  if (!servers.ok()) return servers.error();
  MemberModel* known = model.findMember(member.instanceId);
  auto row = servers->find(member.instanceId);
  if (row == servers->end()) {
    if (auto added = runtime.bringUp(member, model.pool.healthCheck); !added.ok()) return added;
    if (known == nullptr) {
      model.members.push_back(MemberModel{member, 0, AdminState::kDrain});
    } else {
      *known = MemberModel{member, 0, AdminState::kDrain};  // HAProxy lost it: back in safely
    }
    return persistLocked(model);
  }
  auto current = memberStatusFrom(row->second);
  if (current.address != member.address || current.port != member.port) {
    if (auto moved = runtime.setAddress(member); !moved.ok()) return moved;
  }
  if (known == nullptr) {
    // Present in HAProxy but not in the model (an existing HAProxy's own server, or a model
    // restored from an older file): adopt it as HAProxy has it.
    AdminState state = current.adminState == "maint"   ? AdminState::kMaint
                       : current.adminState == "drain" ? AdminState::kDrain
                                                       : AdminState::kReady;
    model.members.push_back(MemberModel{member, current.weight, state});
  } else {
    known->member = member;
  }
  return persistLocked(model);
}

Status EmbeddedHaproxy::setWeights(const std::string& poolId, const std::map<std::string, int>& weights) {
  std::lock_guard lock(mu_);
  auto pool = poolLocked(poolId);
  if (!pool.ok()) return pool.error();
  PoolModel& model = **pool;
  BackendRuntime runtime(sessionFor(model), model.backendName());
  auto servers = runtime.servers();
  if (!servers.ok()) return servers.error();
  std::vector<std::pair<std::string, int>> raises;
  std::vector<std::pair<std::string, int>> reductions;
  for (const auto& [name, weight] : weights) {
    if (weight < 0 || weight > 256) {
      return Error{codes::kInvalidArgument, "traffic pool " + poolId + ": weight " + std::to_string(weight) +
                                                " for instance " + name + " is outside 0..256"};
    }
    auto row = servers->find(name);
    if (row == servers->end() || model.findMember(name) == nullptr) {
      return Error{codes::kNotFound, "traffic pool " + poolId + " has no member " + name +
                                         " in HAProxy's backend " + model.backendName() + "; addMember adds it first"};
    }
    auto current = memberStatusFrom(row->second);
    bool raise = weight > 0 && (current.adminState != "ready" || weight >= current.weight);
    (raise ? raises : reductions).emplace_back(name, weight);
  }
  // Raises first: traffic always has somewhere to go.
  for (const auto& [name, weight] : raises) {
    if (auto set = runtime.setWeight(name, weight); !set.ok()) return set;
    if (auto ready = runtime.setState(name, "ready"); !ready.ok()) return ready;
    *model.findMember(name) = MemberModel{model.findMember(name)->member, weight, AdminState::kReady};
  }
  for (const auto& [name, weight] : reductions) {
    if (weight == 0) {
      if (auto drained = runtime.setState(name, "drain"); !drained.ok()) return drained;
    }
    if (auto set = runtime.setWeight(name, weight); !set.ok()) return set;
    MemberModel* member = model.findMember(name);
    member->weight = weight;
    if (weight == 0) member->adminState = AdminState::kDrain;
  }
  return persistLocked(model);
}

Result<bool> EmbeddedHaproxy::removeMember(const std::string& poolId, const std::string& instanceId) {
  std::lock_guard lock(mu_);
  auto pool = poolLocked(poolId);
  if (!pool.ok()) return pool.error();
  PoolModel& model = **pool;
  BackendRuntime runtime(sessionFor(model), model.backendName());
  auto forget = [&]() -> Result<bool> {
    auto& members = model.members;
    members.erase(std::remove_if(members.begin(), members.end(),
                                 [&](const MemberModel& m) { return m.member.instanceId == instanceId; }),
                  members.end());
    if (auto persisted = persistLocked(model); !persisted.ok()) return persisted.error();
    return true;
  };
  auto servers = runtime.servers();
  if (!servers.ok()) return servers.error();
  auto row = servers->find(instanceId);
  if (row == servers->end()) return forget();
  auto current = memberStatusFrom(row->second);
  if (current.adminState == "ready") {
    if (auto drained = runtime.setState(instanceId, "drain"); !drained.ok()) return drained.error();
    if (auto zero = runtime.setWeight(instanceId, 0); !zero.ok()) return zero.error();
    if (MemberModel* member = model.findMember(instanceId)) *member = MemberModel{member->member, 0, AdminState::kDrain};
    if (auto persisted = persistLocked(model); !persisted.ok()) return persisted.error();
    // Read again: a request may have been dispatched between the read above and the drain.
    servers = runtime.servers();
    if (!servers.ok()) return servers.error();
    row = servers->find(instanceId);
    if (row == servers->end()) return forget();
    current = memberStatusFrom(row->second);
  }
  if (current.inFlight > 0) return false;
  if (current.adminState != "maint") {
    if (auto maint = runtime.setState(instanceId, "maint"); !maint.ok()) return maint.error();
  }
  auto deleted = runtime.remove(instanceId);
  if (!deleted.ok()) return deleted.error();
  if (!*deleted) {
    if (MemberModel* member = model.findMember(instanceId)) *member = MemberModel{member->member, 0, AdminState::kMaint};
    if (auto persisted = persistLocked(model); !persisted.ok()) return persisted.error();
    return false;
  }
  return forget();
}

Result<std::vector<traffic::MemberStatus>> EmbeddedHaproxy::status(const std::string& poolId) {
  std::lock_guard lock(mu_);
  auto pool = poolLocked(poolId);
  if (!pool.ok()) return pool.error();
  BackendRuntime runtime(sessionFor(**pool), (*pool)->backendName());
  auto servers = runtime.servers();
  if (!servers.ok()) return servers.error();
  std::vector<traffic::MemberStatus> members;
  for (const auto& [name, row] : *servers) members.push_back(memberStatusFrom(row));
  return members;
}

}  // namespace greenlight::providers::haproxy
