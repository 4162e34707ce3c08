// AgentPresence: the in-memory record of when each agent was last heard from.
#include "fleet/fleet_manager.h"

namespace greenlight::fleet {

void AgentPresence::touch(const std::string& instanceId) {
  WallTime now = clock_.now();
  std::lock_guard lock(mutex_);
  lastSeen_[instanceId] = now;
}

WallTime AgentPresence::lastSeen(const std::string& instanceId) const {
  std::lock_guard lock(mutex_);
  auto found = lastSeen_.find(instanceId);
  return found == lastSeen_.end() ? startedAt_ : found->second;
}

bool AgentPresence::everSeen(const std::string& instanceId) const {
  std::lock_guard lock(mutex_);
  return lastSeen_.count(instanceId) != 0;
}

std::size_t AgentPresence::countSeenWithin(std::chrono::milliseconds timeout) const {
  WallTime now = clock_.now();
  std::lock_guard lock(mutex_);
  std::size_t count = 0;
  for (const auto& [instanceId, seen] : lastSeen_) {
    if (now - seen < timeout) ++count;
  }
  return count;
}

}  // namespace greenlight::fleet
