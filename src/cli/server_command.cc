// `greenlight server`: runs the control plane until SIGTERM or SIGINT. The signals are blocked
// before any thread starts, so every thread inherits the mask and the main thread alone takes
// them with sigwait, then stops the server in order.
#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "cli/commands.h"
#include "server/event_log.h"
#include "server/server.h"

namespace greenlight::cli {

namespace {

struct ServerArguments {
  std::string dataDir;
  std::string listen = "127.0.0.1:7070";
  int threads = 2;
  int agentTimeoutSeconds = 30;
  std::string haproxyMetrics;  // HOST:PORT, or empty
  bool secureCookies = false;
  server::ServerOptions::Aws aws;
};

// "HOST:PORT" (or "[v6]:PORT"); nullopt when the port is not 0..65535.
std::optional<std::pair<std::string, std::uint16_t>> parseListen(const std::string& text) {
  std::size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 == text.size()) return std::nullopt;
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  std::string portText = text.substr(colon + 1);
  if (portText.find_first_not_of("0123456789") != std::string::npos || portText.size() > 5) {
    return std::nullopt;
  }
  unsigned long port = std::stoul(portText);
  if (port > 65535) return std::nullopt;
  if (host.empty()) host = "0.0.0.0";
  return std::make_pair(host, static_cast<std::uint16_t>(port));
}

int runServer(const ServerArguments& arguments) {
  auto listen = parseListen(arguments.listen);
  if (!listen) {
    std::cerr << "greenlight server: --listen must be HOST:PORT with a port from 0 to 65535, not '"
              << arguments.listen << "'.\n";
    return 2;
  }
  if (!arguments.haproxyMetrics.empty()) {
    auto metrics = parseListen(arguments.haproxyMetrics);
    if (!metrics || metrics->second == 0) {
      std::cerr << "greenlight server: --haproxy-metrics must be HOST:PORT with a port from 1 to "
                   "65535, not '" << arguments.haproxyMetrics << "'.\n";
      return 2;
    }
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  server::ServerOptions options;
  options.dataDir = std::filesystem::absolute(arguments.dataDir);
  options.listenHost = listen->first;
  options.listenPort = listen->second;
  options.threads = arguments.threads;
  options.agentBinary = std::filesystem::read_symlink("/proc/self/exe");
  options.agentTimeout = std::chrono::seconds(arguments.agentTimeoutSeconds);
  options.haproxyMetricsListen = arguments.haproxyMetrics;
  options.secureCookies = arguments.secureCookies;
  options.aws = arguments.aws;
  options.aws.enabled = !arguments.aws.region.empty() || !arguments.aws.endpointUrl.empty() ||
                        !arguments.aws.profile.empty();

  auto created = server::Server::create(options);
  if (!created.ok()) {
    std::cerr << "greenlight server: " << created.error().message << "\n";
    return 1;
  }
  std::unique_ptr<server::Server> instance = std::move(*created);
  if (Status started = instance->start(); !started.ok()) {
    std::cerr << "greenlight server: " << started.error().message << "\n";
    return 1;
  }
  int received = 0;
  sigwait(&signals, &received);
  server::logEvent(std::string("received ") + (received == SIGINT ? "SIGINT" : "SIGTERM") +
                   ", stopping (local agents keep running and are adopted at the next start)");
  instance->stop();
  return 0;
}

}  // namespace

CommandRunner addServerCommand(CLI::App& app) {
  auto arguments = std::make_shared<ServerArguments>();
  CLI::App* command = app.add_subcommand(
      "server", "Run the control plane: the API, the deployment engine and the local fleet");
  command->add_option("--data", arguments->dataDir,
                      "Data folder: the store, revisions, local instances, admin.token")
      ->required();
  command->add_option("--listen", arguments->listen, "Address to serve the API on, HOST:PORT")
      ->capture_default_str();
  command->add_option("--threads", arguments->threads, "HTTP threads")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  command->add_option("--agent-timeout", arguments->agentTimeoutSeconds,
                      "Seconds an agent may stay silent before its instance is Lost")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  command->add_option("--haproxy-metrics", arguments->haproxyMetrics,
                      "HOST:PORT where the embedded HAProxy serves its Prometheus exporter "
                      "(/metrics), for analysis queries; default: not served");
  command->add_flag("--secure-cookies", arguments->secureCookies,
                    "Mark the dashboard's session cookie Secure (HTTPS only): set it when users "
                    "reach the server through a TLS-terminating proxy");
  // AWS: any of --aws-region, --aws-endpoint-url, --aws-profile turns it on.
  command->add_option("--aws-region", arguments->aws.region,
                      "Run AWS groups (aws fleets, aws-elbv2, cloudwatch checks) with this default "
                      "region; credentials come from the environment, a profile or ~/.aws");
  command->add_option("--aws-profile", arguments->aws.profile, "The AWS profile to use");
  command->add_option("--aws-endpoint-url", arguments->aws.endpointUrl,
                      "Send every AWS call to this endpoint (moto_server, LocalStack) instead of AWS");
  command->add_option("--aws-agent-server-url", arguments->aws.agentServerUrl,
                      "Where agents on EC2 reach this server (written into their user data); "
                      "default: http:// and the listen address");
  command->add_option("--aws-agent-url", arguments->aws.agentUrl,
                      "Where EC2 instances download the greenlight binary from; default: the AMI "
                      "has /usr/local/bin/greenlight");
  command->add_option("--aws-revision-bucket", arguments->aws.revisionBucket,
                      "Also keep every revision in this S3 bucket (made when missing)");
  command->add_option("--aws-history-table", arguments->aws.historyTable,
                      "Record every aws fleet version (creating, deployed, terminated) in this "
                      "DynamoDB table (made when missing)");
  return [arguments] { return runServer(*arguments); };
}

}  // namespace greenlight::cli
