// The agent's deployment folder; see deployment_root.h for the layout.
#include "agent/deployment_root.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <random>

#include "common/files.h"

namespace greenlight::agent {

namespace fs = std::filesystem;

namespace {

std::optional<std::string> readId(const fs::path& file) {
  auto content = readWholeFile(file);
  if (!content.ok()) return std::nullopt;
  std::string id = *content;
  while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.pop_back();
  if (id.empty()) return std::nullopt;
  return id;
}

}  // namespace

DeploymentRoot::DeploymentRoot(fs::path root) : root_(std::move(root)) {}

DeploymentRoot::~DeploymentRoot() {
  if (lockFd_ >= 0) ::close(lockFd_);
}

fs::path DeploymentRoot::groupDir(const std::string& groupId) const { return root_ / sanitizeId(groupId); }
fs::path DeploymentRoot::deploymentDir(const std::string& groupId, const std::string& deploymentId) const {
  return groupDir(groupId) / sanitizeId(deploymentId);
}
fs::path DeploymentRoot::archiveDir(const std::string& groupId, const std::string& deploymentId) const {
  return deploymentDir(groupId, deploymentId) / "deployment-archive";
}
fs::path DeploymentRoot::recordFile(const std::string& groupId, const std::string& deploymentId) const {
  return deploymentDir(groupId, deploymentId) / "deployment.json";
}
fs::path DeploymentRoot::scriptLog(const std::string& groupId, const std::string& deploymentId) const {
  return deploymentDir(groupId, deploymentId) / "logs" / "scripts.log";
}
fs::path DeploymentRoot::installRecordFile(const std::string& groupId) const {
  return groupDir(groupId) / "install-record";
}

Status DeploymentRoot::lock() {
  std::error_code error;
  fs::create_directories(root_, error);
  if (error) return Error{"IoError", "cannot create the deployment root " + root_.string() + ": " + error.message()};
  fs::path lockFile = root_ / ".lock";
  lockFd_ = ::open(lockFile.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lockFd_ < 0) return errnoError("IoError", "cannot open " + lockFile.string(), errno);
  if (::flock(lockFd_, LOCK_EX | LOCK_NB) != 0) {
    return Error{"RootBusy", "another greenlight deployment is running on " + root_.string() +
                                 "; wait for it to finish (only one deployment runs on a root at a time)"};
  }
  return Status::success();
}

std::optional<std::string> DeploymentRoot::lastSuccessful(const std::string& groupId) const {
  return readId(groupDir(groupId) / "last-successful-install");
}

std::optional<std::string> DeploymentRoot::mostRecent(const std::string& groupId) const {
  return readId(groupDir(groupId) / "most-recent-install");
}

Status DeploymentRoot::setLastSuccessful(const std::string& groupId, const std::string& deploymentId) {
  return writeGroupFile(groupId, "last-successful-install", deploymentId + "\n");
}

Status DeploymentRoot::setMostRecent(const std::string& groupId, const std::string& deploymentId) {
  return writeGroupFile(groupId, "most-recent-install", deploymentId + "\n");
}

Status DeploymentRoot::writeGroupFile(const std::string& groupId, const std::string& name, const std::string& content) {
  std::error_code error;
  fs::create_directories(groupDir(groupId), error);
  if (error) return Error{"IoError", "cannot create " + groupDir(groupId).string() + ": " + error.message()};
  return writeFileAtomically(groupDir(groupId) / name, content);
}

Status DeploymentRoot::writeRecord(const DeploymentRecord& record) {
  fs::path file = recordFile(record.deploymentGroupId, record.deploymentId);
  std::error_code error;
  fs::create_directories(file.parent_path(), error);
  if (error) return Error{"IoError", "cannot create " + file.parent_path().string() + ": " + error.message()};
  return writeFileAtomically(file, toJson(record).dump(2) + "\n");
}

Result<DeploymentRecord> DeploymentRoot::readRecord(const std::string& groupId, const std::string& deploymentId) const {
  auto content = readWholeFile(recordFile(groupId, deploymentId));
  if (!content.ok()) return content.error();
  auto json = nlohmann::json::parse(*content, nullptr, false);
  if (json.is_discarded()) {
    return Error{"IoError", "the record " + recordFile(groupId, deploymentId).string() + " is not valid JSON"};
  }
  return deploymentRecordFromJson(json);
}

Status DeploymentRoot::writeOngoing(const OngoingDeployment& ongoing) {
  nlohmann::json json = {{"deploymentId", ongoing.deploymentId},
                         {"deploymentGroupId", ongoing.deploymentGroupId},
                         {"event", ongoing.event},
                         {"agentPid", ongoing.agentPid},
                         {"processGroup", ongoing.processGroup},
                         {"processGroupStart", ongoing.processGroupStart}};
  return writeFileAtomically(root_ / "ongoing-deployment.json", json.dump() + "\n");
}

std::optional<OngoingDeployment> DeploymentRoot::readOngoing() const {
  auto content = readWholeFile(root_ / "ongoing-deployment.json");
  if (!content.ok()) return std::nullopt;
  auto json = nlohmann::json::parse(*content, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return OngoingDeployment{};  // present but torn: still a crash
  OngoingDeployment ongoing;
  ongoing.deploymentId = json.value("deploymentId", "");
  ongoing.deploymentGroupId = json.value("deploymentGroupId", "");
  ongoing.event = json.value("event", "");
  ongoing.agentPid = json.value("agentPid", 0);
  ongoing.processGroup = json.value("processGroup", 0);
  ongoing.processGroupStart = json.value("processGroupStart", 0ULL);
  return ongoing;
}

Status DeploymentRoot::clearOngoing() {
  std::error_code error;
  fs::remove(root_ / "ongoing-deployment.json", error);
  if (error) return Error{"IoError", "cannot remove " + (root_ / "ongoing-deployment.json").string() + ": " + error.message()};
  return Status::success();
}

std::vector<std::string> DeploymentRoot::deployments(const std::string& groupId) const {
  struct Entry {
    std::string id;
    WallTime started;
  };
  std::vector<Entry> entries;
  std::error_code error;
  for (const auto& item : fs::directory_iterator(groupDir(groupId), error)) {
    if (!item.is_directory()) continue;
    std::string id = item.path().filename().string();
    auto record = readRecord(groupId, id);
    WallTime started{};
    if (record.ok() && record->start) {
      started = *record->start;
    } else {
      auto written = fs::last_write_time(item.path(), error);
      started = std::chrono::file_clock::to_sys(written);
    }
    entries.push_back({id, started});
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.started != b.started ? a.started < b.started : a.id < b.id;
  });
  std::vector<std::string> ids;
  for (auto& entry : entries) ids.push_back(std::move(entry.id));
  return ids;
}

std::vector<std::string> DeploymentRoot::prune(const std::string& groupId, std::size_t keep,
                                               const std::set<std::string>& protect) {
  std::vector<std::string> ids = deployments(groupId);
  std::vector<std::string> removed;
  std::size_t remaining = ids.size();
  for (const auto& id : ids) {
    if (remaining <= keep) break;
    if (protect.count(id) != 0) continue;
    std::error_code error;
    fs::remove_all(deploymentDir(groupId, id), error);
    if (!error) {
      removed.push_back(id);
      --remaining;
    }
  }
  return removed;
}

std::string sanitizeId(const std::string& text) {
  std::string id;
  for (char c : text) {
    bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                   c == '-';
    id.push_back(allowed ? c : '-');
  }
  if (id.empty() || id == "." || id == "..") id = "_" + id;
  return id;
}

std::string newDeploymentId() {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::random_device device;
  std::uniform_int_distribution<int> pick(0, static_cast<int>(sizeof kAlphabet) - 2);
  std::string id = "d-";
  for (int i = 0; i < 9; ++i) id.push_back(kAlphabet[pick(device)]);
  return id;
}

}  // namespace greenlight::agent
