// The agent's folder on a host: per deployment group, the revisions it deployed (bounded), which
// one last succeeded, what the last install put on disk, and the ongoing-deployment marker that
// turns a crash mid-hook into FailedAfterRestart on the next start.
//
// Layout:
//   <root>/ongoing-deployment.json
//   <root>/<group-id>/last-successful-install          (a deployment id)
//   <root>/<group-id>/most-recent-install              (a deployment id)
//   <root>/<group-id>/install-record                   (the cleanup list)
//   <root>/<group-id>/<deployment-id>/deployment-archive/   (the extracted bundle, kept once)
//   <root>/<group-id>/<deployment-id>/deployment.json       (the DeploymentRecord)
//   <root>/<group-id>/<deployment-id>/logs/scripts.log      (all hook output, capped)
#pragma once

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <sys/types.h>
#include <vector>

#include "agent/deployment_record.h"
#include "common/result.h"

namespace greenlight::agent {

// A deployment in flight on this root; written before each hook starts.
struct OngoingDeployment {
  std::string deploymentId;
  std::string deploymentGroupId;
  std::string event;
  pid_t agentPid = 0;
  pid_t processGroup = 0;                    // the running hook's group, 0 between hooks
  unsigned long long processGroupStart = 0;  // its leader's start time, to detect pid reuse
};

// Not thread-safe; one runner uses a root at a time (enforced by lock()).
class DeploymentRoot {
 public:
  explicit DeploymentRoot(std::filesystem::path root);
  ~DeploymentRoot();
  DeploymentRoot(const DeploymentRoot&) = delete;
  DeploymentRoot& operator=(const DeploymentRoot&) = delete;

  const std::filesystem::path& path() const { return root_; }
  std::filesystem::path groupDir(const std::string& groupId) const;
  std::filesystem::path deploymentDir(const std::string& groupId, const std::string& deploymentId) const;
  std::filesystem::path archiveDir(const std::string& groupId, const std::string& deploymentId) const;
  std::filesystem::path recordFile(const std::string& groupId, const std::string& deploymentId) const;
  std::filesystem::path scriptLog(const std::string& groupId, const std::string& deploymentId) const;
  std::filesystem::path installRecordFile(const std::string& groupId) const;

  // Takes an exclusive lock on the root for this process's lifetime (flock on <root>/.lock).
  // Error "RootBusy" when another deployment holds it.
  Status lock();

  std::optional<std::string> lastSuccessful(const std::string& groupId) const;
  std::optional<std::string> mostRecent(const std::string& groupId) const;
  Status setLastSuccessful(const std::string& groupId, const std::string& deploymentId);
  Status setMostRecent(const std::string& groupId, const std::string& deploymentId);

  Status writeRecord(const DeploymentRecord& record);
  Result<DeploymentRecord> readRecord(const std::string& groupId, const std::string& deploymentId) const;

  Status writeOngoing(const OngoingDeployment& ongoing);
  std::optional<OngoingDeployment> readOngoing() const;
  Status clearOngoing();

  // Deletes the oldest deployment folders of the group beyond `keep`, never one in `protect`
  // (the last successful and the current one). Returns the ids removed.
  std::vector<std::string> prune(const std::string& groupId, std::size_t keep, const std::set<std::string>& protect);
  // Deployment ids present for the group, oldest first.
  std::vector<std::string> deployments(const std::string& groupId) const;

 private:
  Status writeGroupFile(const std::string& groupId, const std::string& name, const std::string& content);

  std::filesystem::path root_;
  int lockFd_ = -1;
};

// Ids become folder names: only [A-Za-z0-9._-], other characters become '-'.
std::string sanitizeId(const std::string& text);
// A CodeDeploy-shaped id: "d-" and nine characters [A-Z0-9].
std::string newDeploymentId();

}  // namespace greenlight::agent
