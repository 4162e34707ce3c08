// runAgent: credential, recovery of an interrupted deployment, then the poll loop.
#include "agentd/agent_daemon.h"

#include <unistd.h>

#include <filesystem>

#include "agent/deployment_root.h"
#include "agent/lifecycle_runner.h"
#include "agentd/agent_credential.h"
#include "agentd/agent_log.h"
#include "agentd/child_reaper.h"
#include "agentd/command_handler.h"
#include "agentd/report_outbox.h"
#include "agentd/retry.h"
#include "agentd/server_client.h"
#include "os/process_runner.h"

namespace greenlight::agentd {

namespace {

std::string localHostName() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

bool isFatal(const Error& error) { return error.code != "Stopped"; }

// Marks the agent busy; false when a signal handler already claimed the exit.
bool beginWork(std::atomic<int>* activity) {
  if (activity == nullptr) return true;
  int expected = kAgentWaiting;
  return activity->compare_exchange_strong(expected, kAgentWorking);
}

void endWork(std::atomic<int>* activity) {
  if (activity == nullptr) return;
  int expected = kAgentWorking;
  activity->compare_exchange_strong(expected, kAgentWaiting);
}

}  // namespace

bool claimExitWhileWaiting(std::atomic<int>& activity) {
  int expected = kAgentWaiting;
  return activity.compare_exchange_strong(expected, kAgentExiting) || expected == kAgentExiting;
}

Status runAgent(const AgentOptions& given, const std::atomic<bool>& stop) {
  AgentOptions options = given;
  if (options.hostName.empty()) options.hostName = localHostName();
  if (options.serverAddress.empty()) {
    return Error{"InvalidArgument", "no server address; give --server host:port or set GREENLIGHT_ADDR"};
  }
  if (options.root.empty()) return Error{"InvalidArgument", "no deployment root; give --root"};
  std::error_code error;
  std::filesystem::create_directories(options.root, error);
  if (error) {
    return Error{"IoError", "cannot create the agent's deployment root " + options.root.string() + ": " + error.message()};
  }
  AgentLog log;
  agent::DeploymentRoot root(options.root);
  if (auto locked = root.lock(); !locked.ok()) {
    return Error{locked.error().code, locked.error().message +
                                          " (only one greenlight agent or `greenlight local` may use a deployment root "
                                          "at a time; stop the other one or give this agent its own --root)"};
  }
  if (options.adoptOrphans && !becomeChildSubreaper()) {
    log.line("warning: cannot become a child subreaper; daemons started by hooks will be adopted by init");
  }

  ServerHealth health(log, options.serverAddress);
  CredentialKeeper credentials(options, log, health, stop);
  if (auto obtained = credentials.obtain(); !obtained.ok()) {
    return isFatal(obtained.error()) ? obtained : Status::success();
  }
  log.line("agent of instance " + credentials.current().instanceId + " running; root " + options.root.string() +
           ", install root " + options.installRoot.string());

  os::PosixProcessRunner processes;
  SystemClock clock;
  agent::LifecycleRunner runner(root, processes, clock);
  ReportOutbox outbox(options, credentials, health, log, stop);
  ServerClient client(options, credentials, health, stop);
  CommandHandler handler(options, root, runner, outbox, client, credentials, health, log);

  if (auto recovered = handler.recoverInterrupted(); !recovered.ok()) {
    return isFatal(recovered.error()) ? recovered : Status::success();
  }

  auto pollTimeout = std::chrono::duration_cast<std::chrono::milliseconds>(options.pollWait) + std::chrono::seconds(15);
  std::string pollPath = "/v1/agent/commands?wait=" + std::to_string(options.pollWait.count());
  Backoff refusedBackoff(options.backoffInitial, options.backoffMax);
  std::string lastRefusal;
  while (!stop.load()) {
    if (options.adoptOrphans) reapExitedChildren();
    auto answer = client.call("GET", pollPath, std::nullopt, pollTimeout);
    if (!answer.ok()) {
      if (!isFatal(answer.error())) break;
      return answer.error();
    }
    auto json = answer->ok() ? answer->json() : Result<nlohmann::json>(answer->toError());
    if (!json.ok() || !json->is_object() || !json->contains("commands") || !(*json)["commands"].is_array()) {
      // A 4xx will not change by asking faster; say so once and keep trying slowly.
      std::string refusal = "the server at " + options.serverAddress + " did not give commands (HTTP " +
                            std::to_string(answer->status) + "): " + (json.ok() ? "no command list" : json.error().message);
      if (refusal != lastRefusal) log.line(refusal + "; asking again with backoff");
      lastRefusal = refusal;
      if (!sleepUnlessStopped(refusedBackoff.next(), stop)) break;
      continue;
    }
    lastRefusal.clear();
    refusedBackoff.reset();
    for (const auto& command : (*json)["commands"]) {
      if (stop.load()) break;
      if (!beginWork(options.activity)) return Status::success();  // a signal handler is ending the process
      Status handled = handler.handle(command);
      endWork(options.activity);
      if (options.adoptOrphans) reapExitedChildren();
      if (!handled.ok()) {
        if (!isFatal(handled.error())) break;
        return handled;
      }
    }
  }
  log.line("stopping as asked");
  return Status::success();
}

}  // namespace greenlight::agentd
