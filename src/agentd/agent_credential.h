// The agent's own credential: kept in ROOT/agent.token (0600) with the instance id and group it
// was issued for; obtained by enrolling with the group's enrolment token when missing, and again
// when the server stops accepting it (revoked, or the server's store was reset).
#pragma once

#include <atomic>
#include <mutex>
#include <optional>
#include <string>

#include "agentd/agent_daemon.h"
#include "agentd/agent_log.h"
#include "agentd/retry.h"
#include "common/result.h"

namespace greenlight::agentd {

struct AgentCredential {
  std::string token;
  std::string instanceId;
  std::string groupId;
};

// Thread-safe: any agent thread refused with 401 may ask for a renewal; one enrolment serves all.
class CredentialKeeper {
 public:
  CredentialKeeper(const AgentOptions& options, AgentLog& log, ServerHealth& health, const std::atomic<bool>& stop);
  CredentialKeeper(const CredentialKeeper&) = delete;
  CredentialKeeper& operator=(const CredentialKeeper&) = delete;

  // Loads ROOT/agent.token, or enrols when there is none (retrying while the server is away).
  // Errors: "Stopped", "NoEnrolmentToken", "EnrolmentRefused", "IoError".
  Status obtain();
  AgentCredential current() const;
  // After the server answered 401 to `refusedToken`: enrols again, unless another thread already
  // replaced that token. Same errors as obtain().
  Status renewAfterRefusal(const std::string& refusedToken);

  std::filesystem::path tokenFile() const { return options_.root / "agent.token"; }

 private:
  Status enrol();  // REQUIRES: enrolMu_ held
  // From the options, the token file, then GREENLIGHT_ENROLMENT_TOKEN; with where it came from.
  std::optional<std::pair<std::string, std::string>> enrolmentToken() const;

  const AgentOptions& options_;
  AgentLog& log_;
  ServerHealth& health_;
  const std::atomic<bool>& stop_;
  std::mutex enrolMu_;  // one enrolment at a time
  mutable std::mutex mu_;
  AgentCredential credential_;  // GUARDED_BY(mu_)
};

// Writes `content` to `path` with mode 0600 through a temporary file and a rename.
Status writePrivateFile(const std::filesystem::path& path, const std::string& content);

}  // namespace greenlight::agentd
