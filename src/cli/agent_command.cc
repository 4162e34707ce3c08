// `greenlight agent`: options and signals around agentd::runAgent. SIGTERM/SIGINT ask the agent to
// stop: at once when it is only waiting for the server, after the command in progress otherwise.
#include <CLI/CLI.hpp>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "agentd/agent_daemon.h"
#include "cli/commands.h"

namespace greenlight::cli {

namespace {

struct AgentCommandOptions {
  std::string server;
  std::string root;
  std::string installRoot = "/";
  std::string enrolmentTokenFile;
  std::string enrolmentToken;
  std::string instanceId;
  std::string hostName;
  std::vector<std::string> tags;
  int pollWaitSeconds = 20;
};

std::atomic<bool> stopRequested{false};
std::atomic<int> agentActivity{agentd::kAgentWaiting};

extern "C" void onStopSignal(int) {
  stopRequested.store(true);
  if (agentd::claimExitWhileWaiting(agentActivity)) ::_exit(0);
}

std::string defaultRoot() {
  if (::geteuid() == 0) return "/opt/greenlight/agent-root";
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : "/tmp") + "/.greenlight/agent-root";
}

int runAgentCommand(const AgentCommandOptions& given) {
  agentd::AgentOptions options;
  options.serverAddress = given.server;
  if (options.serverAddress.empty()) {
    const char* fromEnvironment = std::getenv("GREENLIGHT_ADDR");
    if (fromEnvironment != nullptr) options.serverAddress = fromEnvironment;
  }
  if (options.serverAddress.empty()) {
    std::cerr << "greenlight agent: no server address; give --server host:port or set GREENLIGHT_ADDR\n";
    return 2;
  }
  options.root = given.root.empty() ? defaultRoot() : given.root;
  options.installRoot = given.installRoot;
  if (!given.enrolmentTokenFile.empty()) options.enrolmentTokenFile = given.enrolmentTokenFile;
  if (!given.enrolmentToken.empty()) options.enrolmentToken = given.enrolmentToken;
  if (!given.instanceId.empty()) options.instanceId = given.instanceId;
  options.hostName = given.hostName;
  for (const auto& tag : given.tags) {
    auto equals = tag.find('=');
    if (equals == std::string::npos || equals == 0) {
      std::cerr << "greenlight agent: --tag expects KEY=VALUE, got '" << tag << "'\n";
      return 2;
    }
    options.tags[tag.substr(0, equals)] = tag.substr(equals + 1);
  }
  if (given.pollWaitSeconds < 1 || given.pollWaitSeconds > 300) {
    std::cerr << "greenlight agent: --poll-wait must be between 1 and 300 seconds, got " << given.pollWaitSeconds << "\n";
    return 2;
  }
  options.pollWait = std::chrono::seconds(given.pollWaitSeconds);
  options.activity = &agentActivity;

  struct sigaction action {};
  action.sa_handler = onStopSignal;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGTERM, &action, nullptr);
  ::sigaction(SIGINT, &action, nullptr);
  ::signal(SIGPIPE, SIG_IGN);  // hooks get default dispositions back from the process runner

  Status result = agentd::runAgent(options, stopRequested);
  if (!result.ok()) {
    std::cerr << "greenlight agent: " << result.error().code << ": " << result.error().message << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

CommandRunner addAgentCommand(CLI::App& app) {
  auto options = std::make_shared<AgentCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "agent", "Run the host agent: enrol with the server, long-poll for deployments, run their lifecycle hooks");
  command->add_option("--server", options->server, "the server's address, host:port or http://host:port")
      ->envname("GREENLIGHT_ADDR");
  command->add_option("--root", options->root, "deployment root: revisions, records, logs and agent.token");
  command->add_option("--install-root", options->installRoot, "prefix of every `files` destination")
      ->capture_default_str();
  command->add_option("--enrolment-token-file", options->enrolmentTokenFile,
                      "file holding the deployment group's enrolment token (used once, to obtain the agent's own)");
  command->add_option("--enrolment-token", options->enrolmentToken, "the deployment group's enrolment token")
      ->envname("GREENLIGHT_ENROLMENT_TOKEN");
  command->add_option("--instance-id", options->instanceId, "the instance the server made for this agent (local fleet)");
  command->add_option("--host-name", options->hostName, "this host's name as the server shows it (default: hostname)");
  command->add_option("--tag", options->tags, "KEY=VALUE, repeatable: tags static fleets select hosts by");
  command->add_option("--poll-wait", options->pollWaitSeconds, "seconds the server may hold a poll for commands")
      ->capture_default_str();
  return [options] { return runAgentCommand(*options); };
}

}  // namespace greenlight::cli
