// `greenlight local`: the lifecycle runner on this machine, with no server (like codedeploy-local).
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>

#include "agent/lifecycle_runner.h"
#include "cli/commands.h"
#include "cli/terminal.h"

namespace greenlight::cli {

namespace {

struct LocalOptions {
  std::string bundle = ".";
  std::string type;
  std::string root;
  std::vector<std::string> events;
  std::string fileExistsBehavior;
  std::string applicationName = "default-local-application";
  std::string deploymentGroupName = "default-local-deployment-group";
  std::string deploymentGroupId;
  std::string deploymentId;
  std::string appspecFilename;
  std::string installRoot = "/";
  std::string sha256;
  bool ignoreApplicationStopFailures = false;
  bool withLoadBalancer = false;
  std::size_t keepRevisions = 5;
  std::uint64_t maxBundleBytes = 4ULL << 30;
  std::uint64_t maxFiles = 100000;
  std::vector<std::string> environment;
  std::string output = "text";
};

std::string defaultRoot() {
  if (::geteuid() == 0) return "/opt/greenlight/deployment-root";
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : "/tmp") + "/.greenlight/deployment-root";
}

// Prints the lifecycle as it happens; in JSON mode the same lines go to stderr.
class ProgressPrinter final : public agent::LifecycleObserver {
 public:
  ProgressPrinter(std::ostream& out, bool color) : out_(out), style_(color) {}

  void onInterruptedDeploymentRecovered(const agent::DeploymentRecord& record) override {
    out_ << style_.red("!") << " previous deployment " << record.deploymentId << " was interrupted: " << record.message
         << "\n  recorded as " << style_.bold("FailedAfterRestart") << "\n";
  }
  void onDeploymentStarted(const agent::DeploymentRecord& record) override {
    out_ << style_.bold("greenlight local") << "  deployment " << style_.bold(record.deploymentId) << "  application "
         << record.applicationName << "  group " << record.deploymentGroupName << "\n";
    if (!record.previousDeploymentId.empty()) out_ << "  replaces " << record.previousDeploymentId << "\n";
  }
  // Events without scripts show only their result line; a script gets a line as it starts, so a
  // long-running hook is visible while it runs.
  void onScriptStarted(const agent::EventRecord& event, const appspec::HookScript& script) override {
    out_ << "  " << style_.cyan("▶ " + padRight(event.name, 18)) << style_.dim("$ " + script.location +
                                                                                (script.runas ? " (as " + *script.runas + ")" : ""))
         << "\n";
    out_.flush();
  }
  void onOutput(const agent::EventRecord&, std::string_view chunk) override {
    for (char c : chunk) {
      if (atLineStart_) out_ << "      " << style_.dim("│ ");
      out_ << c;
      atLineStart_ = c == '\n';
    }
    out_.flush();
  }
  void onEventFinished(const agent::DeploymentRecord&, const agent::EventRecord& event) override {
    if (!atLineStart_) {
      out_ << "\n";
      atLineStart_ = true;
    }
    std::string status = padRight(agent::toString(event.status), 10);
    std::string shown = event.status == agent::EventStatus::Succeeded ? style_.green(status)
                        : event.status == agent::EventStatus::Failed  ? style_.red(status)
                                                                     : style_.dim(status);
    out_ << "  " << padRight(event.name, 20) << shown << " " << formatDuration(event.durationMs());
    if (event.failureIgnored) out_ << "  (failure ignored)";
    out_ << "\n";
    for (const auto& note : event.notes) out_ << "      " << style_.dim("· " + note) << "\n";
    if (event.status == agent::EventStatus::Failed) {
      out_ << "      " << style_.red(event.errorCode) << ": " << event.message << "\n";
    } else if (event.status == agent::EventStatus::Skipped && !event.message.empty()) {
      out_ << "      " << style_.dim(event.message) << "\n";
    }
    out_.flush();
  }

 private:
  std::ostream& out_;
  Style style_;
  bool atLineStart_ = true;
};

void printSummary(std::ostream& out, const agent::DeploymentRecord& record, bool color) {
  Style style(color);
  if (record.status == agent::DeploymentStatus::Succeeded) {
    out << style.green("✔ deployment " + record.deploymentId + " succeeded") << " in " << formatDuration(record.durationMs())
        << "\n";
    return;
  }
  out << style.red("✘ deployment " + record.deploymentId + " failed") << " after " << formatDuration(record.durationMs())
      << ": " << record.errorCode << "\n  " << record.message << "\n";
  for (const auto& event : record.events) {
    if (event.status == agent::EventStatus::Failed && !event.failureIgnored && !event.logTail.empty()) {
      out << "  last output of " << event.name << ":\n";
      std::istringstream lines(event.logTail);
      for (std::string line; std::getline(lines, line);) out << "    " << line << "\n";
    }
  }
}

int runLocal(const LocalOptions& options) {
  bool json = options.output == "json";
  std::ostream& progress = json ? std::cerr : std::cout;
  bool color = !json && ::isatty(STDOUT_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr;

  agent::LifecycleRequest request;
  request.bundle = options.bundle;
  for (const auto& assignment : options.environment) {
    auto equals = assignment.find('=');
    if (equals == std::string::npos || equals == 0) {
      std::cerr << "greenlight local: --env expects NAME=VALUE, got '" << assignment << "'\n";
      return 2;
    }
    request.environment[assignment.substr(0, equals)] = assignment.substr(equals + 1);
  }
  std::error_code missing;
  if (!std::filesystem::exists(request.bundle, missing)) {
    std::cerr << "greenlight local: there is no bundle at " << options.bundle
              << "; give a tar, tgz or zip archive or a folder holding an appspec.yml with --bundle\n";
    return 2;
  }
  if (options.type.empty()) {
    auto detected = bundle::detectBundleType(request.bundle);
    if (!detected.ok()) {
      std::cerr << "greenlight local: " << detected.error().message << "\n  give the type with --type tar|tgz|zip|directory\n";
      return 2;
    }
    request.bundleType = *detected;
  } else {
    request.bundleType = *bundle::parseBundleType(options.type);
  }
  if (!options.fileExistsBehavior.empty()) {
    request.fileExistsBehavior = appspec::parseFileExistsBehavior(options.fileExistsBehavior);
  }
  request.events = options.events;
  request.applicationName = options.applicationName;
  request.deploymentGroupName = options.deploymentGroupName;
  request.deploymentGroupId = options.deploymentGroupId;
  request.deploymentId = options.deploymentId;
  request.appspecFilename = options.appspecFilename;
  request.installRoot = options.installRoot;
  request.expectedSha256 = options.sha256;
  request.ignoreApplicationStopFailures = options.ignoreApplicationStopFailures;
  request.withLoadBalancer = options.withLoadBalancer;
  request.revisionsToKeep = options.keepRevisions;
  request.limits.maxTotalBytes = options.maxBundleBytes;
  request.limits.maxFileBytes = std::min(request.limits.maxFileBytes, options.maxBundleBytes);
  request.limits.maxEntries = options.maxFiles;

  agent::DeploymentRoot root(options.root.empty() ? defaultRoot() : options.root);
  if (auto locked = root.lock(); !locked.ok()) {
    std::cerr << "greenlight local: " << locked.error().message << "\n";
    return 3;
  }
  os::PosixProcessRunner processes;
  SystemClock clock;
  agent::LifecycleRunner runner(root, processes, clock);
  ProgressPrinter printer(progress, color);
  auto interrupted = runner.recoverInterrupted(printer);
  agent::DeploymentRecord record = runner.run(request, printer);
  if (json) {
    nlohmann::json output = agent::toJson(record);
    output["deploymentRoot"] = root.path().string();
    if (interrupted) output["recoveredInterruptedDeployment"] = agent::toJson(*interrupted);
    std::cout << output.dump(2) << "\n";
  } else {
    printSummary(std::cout, record, color);
  }
  return record.status == agent::DeploymentStatus::Succeeded ? 0 : 1;
}

}  // namespace

CommandRunner addLocalCommand(CLI::App& app) {
  auto options = std::make_shared<LocalOptions>();
  CLI::App* local = app.add_subcommand("local", "Run an AppSpec lifecycle on this machine, without a server");
  local->add_option("-l,--bundle", options->bundle, "Revision bundle: an archive or a folder (default: .)");
  local->add_option("-t,--type", options->type, "Bundle type: tar|tgz|zip|directory (default: detected)")
      ->check(CLI::IsMember({"tar", "tgz", "tar.gz", "zip", "directory", "dir"}));
  local->add_option("--root", options->root,
                    "Deployment root folder (default /opt/greenlight/deployment-root as root, ~/.greenlight/deployment-root otherwise)");
  local->add_option("-e,--events", options->events, "Lifecycle events to run, in order (comma-separated)")->delimiter(',');
  local->add_option("--file-exists-behavior", options->fileExistsBehavior,
                    "What to do with files already present that the last deployment did not install: DISALLOW|OVERWRITE|RETAIN "
                    "(the AppSpec's file_exists_behavior wins)")
      ->check(CLI::IsMember({"DISALLOW", "OVERWRITE", "RETAIN"}, CLI::ignore_case));
  local->add_option("-a,--application-name", options->applicationName, "Application name given to the hooks");
  local->add_option("-g,--deployment-group-name", options->deploymentGroupName, "Deployment group name given to the hooks");
  local->add_option("--deployment-group-id", options->deploymentGroupId, "Deployment group id (default: from the name)");
  local->add_option("--deployment-id", options->deploymentId, "Deployment id (default: a new d-XXXXXXXXX)");
  local->add_option("-A,--appspec-filename", options->appspecFilename,
                    "AppSpec file name at the bundle root (default: appspec.yml, appspec.yaml, appspec.json)");
  local->add_option("--install-root", options->installRoot,
                    "Resolve every files destination and permissions object under this folder (default /)");
  local->add_option("--sha256", options->sha256, "Refuse the bundle unless its sha256 is this");
  local->add_flag("--ignore-application-stop-failures", options->ignoreApplicationStopFailures,
                  "Go on when the last revision's ApplicationStop/BeforeBlockTraffic/AfterBlockTraffic fails");
  local->add_flag("--with-load-balancer", options->withLoadBalancer, "Include the traffic events (Block/AllowTraffic)");
  local->add_option("--keep-revisions", options->keepRevisions, "Revisions kept per group on disk (default 5)")
      ->check(CLI::Range(1, 1000));
  local->add_option("--max-bundle-size", options->maxBundleBytes, "Largest total bundle content in bytes (default 4 GiB)");
  local->add_option("--max-files", options->maxFiles, "Most entries a bundle may hold (default 100000)");
  local->add_option("--env", options->environment, "NAME=VALUE added to every hook's environment (repeatable)");
  local->add_option("-o,--output", options->output, "text|json")->check(CLI::IsMember({"text", "json"}));
  return [options] { return runLocal(*options); };
}

}  // namespace greenlight::cli
