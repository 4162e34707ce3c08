// Runs one command from the server: reports a deployment this host already finished instead of
// running it again; otherwise fetches and verifies the bundle, runs the lifecycle while streaming
// event reports and heartbeats, and waits until the result is delivered.
#pragma once

#include <nlohmann/json.hpp>

#include "agent/deployment_root.h"
#include "agent/lifecycle_runner.h"
#include "agentd/agent_credential.h"
#include "agentd/agent_daemon.h"
#include "agentd/bundle_cache.h"
#include "agentd/report_outbox.h"
#include "agentd/server_client.h"

namespace greenlight::agentd {

// Used on the agent's main thread only.
class CommandHandler {
 public:
  CommandHandler(const AgentOptions& options, agent::DeploymentRoot& root, agent::LifecycleRunner& runner,
                 ReportOutbox& outbox, ServerClient& client, CredentialKeeper& credentials, ServerHealth& health,
                 AgentLog& log);

  // If the agent died mid-deployment, records it FailedAfterRestart and reports that result for
  // the command "<deploymentId>/<instanceId>" (a server that no longer knows it is ignored).
  Status recoverInterrupted();
  // Errors are fatal ones (e.g. the credential refused) or "Stopped"; a failed deployment is a
  // result reported to the server, not an error.
  Status handle(const nlohmann::json& command);

 private:
  // Queues the result and waits until it is delivered (or the agent stops).
  void deliverResult(const std::string& commandId, const agent::DeploymentRecord& record);

  const AgentOptions& options_;
  agent::DeploymentRoot& root_;
  agent::LifecycleRunner& runner_;
  ReportOutbox& outbox_;
  ServerClient& client_;
  CredentialKeeper& credentials_;
  ServerHealth& health_;
  AgentLog& log_;
  BundleCache bundles_;
};

}  // namespace greenlight::agentd
