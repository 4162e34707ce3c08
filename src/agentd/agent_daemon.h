// `greenlight agent`: the host side of the control plane. Enrols once with its group's enrolment
// token and keeps its own credential; long-polls for commands; runs each with the lifecycle
// runner after fetching and verifying the bundle; streams every event's status and log tail back;
// retries with backoff whenever the server is away; heartbeats while a hook runs.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "common/result.h"

namespace greenlight::agentd {

struct AgentOptions {
  std::string serverAddress;                 // "127.0.0.1:7070" or "http://host:port"
  std::filesystem::path root;                // deployment root; also holds agent.token (0600)
  std::filesystem::path installRoot = "/";   // prefix of every `files` destination
  std::optional<std::filesystem::path> enrolmentTokenFile;
  std::optional<std::string> enrolmentToken;  // or from GREENLIGHT_ENROLMENT_TOKEN
  std::optional<std::string> instanceId;      // local fleet: the instance the server made
  std::string hostName;                       // default: gethostname()
  std::map<std::string, std::string> tags;    // static fleets select agents by these
  std::chrono::seconds pollWait{20};          // how long the server may hold a poll
  std::chrono::seconds heartbeatInterval{5};
  std::chrono::milliseconds backoffInitial{200};
  std::chrono::milliseconds backoffMax{10000};
  // Makes the agent a child subreaper, so daemons its hooks leave stay in its process tree, and
  // reaps them between commands with waitpid(-1). Turn off only when embedding the agent in a
  // process that waits for children of its own.
  bool adoptOrphans = true;
  // Optional: kept at kAgentWaiting / kAgentWorking for a signal handler (claimExitWhileWaiting).
  std::atomic<int>* activity = nullptr;
};

// What the agent is doing, as kept in AgentOptions::activity.
enum AgentActivity : int { kAgentWaiting = 0, kAgentWorking = 1, kAgentExiting = 2 };

// Async-signal-safe. While the agent only waits (on a long-poll or for the server to come back),
// marks it exiting, so it starts nothing more, and returns true: the caller may end the process at
// once without losing anything (the server resends unfinished commands). Returns false while a
// command runs: then set the stop flag and let the command finish.
bool claimExitWhileWaiting(std::atomic<int>& activity);

// Runs until `stop` becomes true (checked between polls and during backoff) or a fatal error
// (e.g. no credential and no enrolment token, or enrolment refused). A command in progress is
// finished first. Returns the fatal error, or success after a requested stop.
Status runAgent(const AgentOptions& options, const std::atomic<bool>& stop);

}  // namespace greenlight::agentd
