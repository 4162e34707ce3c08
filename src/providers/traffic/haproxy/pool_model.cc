// pools.json: version 1, pools by id, members in order. Unknown fields are ignored so that a
// newer greenlight's file stays readable by this one.
#include "providers/traffic/haproxy/pool_model.h"

#include <system_error>

#include <nlohmann/json.hpp>

#include "common/error_codes.h"
#include "common/files.h"

namespace greenlight::providers::haproxy {
namespace {

using nlohmann::json;

AdminState adminStateFromName(const std::string& name) {
  if (name == "ready") return AdminState::kReady;
  if (name == "maint") return AdminState::kMaint;
  return AdminState::kDrain;
}

}  // namespace

const char* adminStateName(AdminState state) {
  switch (state) {
    case AdminState::kReady: return "ready";
    case AdminState::kDrain: return "drain";
    case AdminState::kMaint: return "maint";
  }
  return "drain";
}

std::string backendNameFor(const std::string& poolId) { return "be_" + poolId; }
std::string frontendNameFor(const std::string& poolId) { return "fe_" + poolId; }

std::string PoolModel::backendName() const {
  return external() ? pool.backend : backendNameFor(pool.id);
}

MemberModel* PoolModel::findMember(const std::string& instanceId) {
  for (auto& member : members) {
    if (member.member.instanceId == instanceId) return &member;
  }
  return nullptr;
}

std::string serializeModel(const ProviderModel& model) {
  json pools = json::array();
  for (const auto& [id, pool] : model.pools) {
    json members = json::array();
    for (const auto& member : pool.members) {
      members.push_back({{"instanceId", member.member.instanceId},
                         {"address", member.member.address},
                         {"port", member.member.port},
                         {"weight", member.weight},
                         {"adminState", adminStateName(member.adminState)}});
    }
    const auto& check = pool.pool.healthCheck;
    pools.push_back({{"id", pool.pool.id},
                     {"name", pool.pool.name},
                     {"frontend", pool.pool.frontend},
                     {"adminSocket", pool.pool.adminSocket},
                     {"backend", pool.pool.backend},
                     {"healthCheck",
                      {{"path", check.path},
                       {"intervalMs", check.intervalMs},
                       {"timeoutMs", check.timeoutMs},
                       {"healthyThreshold", check.healthyThreshold},
                       {"unhealthyThreshold", check.unhealthyThreshold}}},
                     {"members", members}});
  }
  return json{{"version", 1}, {"pools", pools}}.dump(2) + "\n";
}

Result<ProviderModel> parseModel(const std::string& text, const std::string& origin) {
  try {
    json document = json::parse(text);
    ProviderModel model;
    for (const auto& entry : document.at("pools")) {
      PoolModel pool;
      pool.pool.id = entry.at("id").get<std::string>();
      pool.pool.name = entry.value("name", "");
      pool.pool.frontend = entry.value("frontend", "");
      pool.pool.adminSocket = entry.value("adminSocket", "");
      pool.pool.backend = entry.value("backend", "");
      if (entry.contains("healthCheck")) {
        const auto& check = entry.at("healthCheck");
        pool.pool.healthCheck.path = check.value("path", "/health");
        pool.pool.healthCheck.intervalMs = check.value("intervalMs", 500);
        pool.pool.healthCheck.timeoutMs = check.value("timeoutMs", 1000);
        pool.pool.healthCheck.healthyThreshold = check.value("healthyThreshold", 2);
        pool.pool.healthCheck.unhealthyThreshold = check.value("unhealthyThreshold", 2);
      }
      for (const auto& item : entry.value("members", json::array())) {
        MemberModel member;
        member.member.instanceId = item.at("instanceId").get<std::string>();
        member.member.address = item.value("address", "127.0.0.1");
        member.member.port = item.value("port", 0);
        member.weight = item.value("weight", 0);
        member.adminState = adminStateFromName(item.value("adminState", "drain"));
        pool.members.push_back(std::move(member));
      }
      std::string id = pool.pool.id;
      model.pools.emplace(std::move(id), std::move(pool));
    }
    return model;
  } catch (const json::exception& error) {
    return Error{codes::kInternal, "the traffic pool file " + origin + " is not valid (" + error.what() +
                                       "); restore it from a backup or remove it and let greenlight assert its "
                                       "pools again"};
  }
}

Status saveModel(const std::filesystem::path& file, const ProviderModel& model) {
  return writeFileAtomically(file, serializeModel(model));
}

Result<ProviderModel> loadModel(const std::filesystem::path& file) {
  std::error_code error;
  if (!std::filesystem::exists(file, error)) return ProviderModel{};
  auto text = readWholeFile(file);
  if (!text.ok()) return text.error();
  return parseModel(*text, file.string());
}

}  // namespace greenlight::providers::haproxy
