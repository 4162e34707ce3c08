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
};

// Runs until `stop` becomes true (checked between polls and during backoff) or a fatal error
// (e.g. no credential and no enrolment token, or enrolment refused). A command in progress is
// finished first. Returns the fatal error, or success after a requested stop.
Status runAgent(const AgentOptions& options, const std::atomic<bool>& stop);

}  // namespace greenlight::agentd
