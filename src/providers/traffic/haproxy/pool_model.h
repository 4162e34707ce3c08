// What greenlight wants HAProxy to hold: every pool with its members, weights and admin states.
// Kept in pools.json so that a new HAProxy process (reload, restart) and a restarted greenlight
// both start from the whole picture.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "traffic/traffic_provider.h"

namespace greenlight::providers::haproxy {

enum class AdminState { kReady, kDrain, kMaint };
const char* adminStateName(AdminState state);  // "ready", "drain", "maint"

struct MemberModel {
  traffic::Member member;
  int weight = 0;
  AdminState adminState = AdminState::kDrain;
};

struct PoolModel {
  traffic::Pool pool;
  std::vector<MemberModel> members;  // in the order they were added

  // An existing HAProxy's backend (managed through its own socket, never in our configuration).
  bool external() const { return pool.frontend.empty(); }
  std::string backendName() const;  // be_<id>, or the existing backend's own name
  MemberModel* findMember(const std::string& instanceId);
};

struct ProviderModel {
  std::map<std::string, PoolModel> pools;  // by pool id
};

std::string backendNameFor(const std::string& poolId);   // "be_<poolid>"
std::string frontendNameFor(const std::string& poolId);  // "fe_<poolid>"

std::string serializeModel(const ProviderModel& model);
// `origin` names the file in messages.
Result<ProviderModel> parseModel(const std::string& text, const std::string& origin);

// Atomic and fsynced. A missing file is an empty model.
Status saveModel(const std::filesystem::path& file, const ProviderModel& model);
Result<ProviderModel> loadModel(const std::filesystem::path& file);

}  // namespace greenlight::providers::haproxy
