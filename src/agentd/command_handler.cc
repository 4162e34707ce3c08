// One command, from payload to acknowledged result.
#include "agentd/command_handler.h"

#include <optional>

#include "agentd/agent_reports.h"
#include "agentd/heartbeat.h"
#include "agentd/server_traffic_control.h"
#include "appspec/appspec.h"
#include "bundle/bundle.h"

namespace greenlight::agentd {

namespace {

// Streams the lifecycle's progress to the server without blocking the hooks.
class ReportingObserver final : public agent::LifecycleObserver {
 public:
  ReportingObserver(ReportOutbox& outbox, std::string commandId) : outbox_(outbox), commandId_(std::move(commandId)) {}
  void onEventStarted(const agent::DeploymentRecord&, const agent::EventRecord& event) override {
    outbox_.queueEvent(commandId_, eventReport(event));
  }
  void onEventFinished(const agent::DeploymentRecord&, const agent::EventRecord& event) override {
    outbox_.queueEvent(commandId_, eventReport(event));
  }

 private:
  ReportOutbox& outbox_;
  std::string commandId_;
};

std::string stringField(const nlohmann::json& object, const char* key) {
  if (!object.is_object() || !object.contains(key) || !object[key].is_string()) return {};
  return object[key].get<std::string>();
}

// A failure before the lifecycle could start (no bundle), shaped as the runner's records are.
agent::DeploymentRecord failedBeforeStart(const std::string& deploymentId, const Error& error) {
  auto now = std::chrono::system_clock::now();
  agent::EventRecord download;
  download.name = "DownloadBundle";
  download.status = agent::EventStatus::Failed;
  download.start = now;
  download.end = now;
  download.errorCode = error.code;
  download.message = error.message;
  agent::DeploymentRecord record;
  record.deploymentId = deploymentId;
  record.status = agent::DeploymentStatus::Failed;
  record.errorCode = error.code;
  record.message = "DownloadBundle failed: " + error.message;
  record.start = now;
  record.end = now;
  record.events.push_back(std::move(download));
  return record;
}

}  // namespace

CommandHandler::CommandHandler(const AgentOptions& options, agent::DeploymentRoot& root,
                               agent::LifecycleRunner& runner, ReportOutbox& outbox, ServerClient& client,
                               CredentialKeeper& credentials, ServerHealth& health, AgentLog& log)
    : options_(options),
      root_(root),
      runner_(runner),
      outbox_(outbox),
      client_(client),
      credentials_(credentials),
      health_(health),
      log_(log),
      bundles_(root.path() / "bundles") {}

Status CommandHandler::recoverInterrupted() {
  agent::LifecycleObserver quiet;
  auto recovered = runner_.recoverInterrupted(quiet);
  if (!recovered) return Status::success();
  log_.line("deployment " + recovered->deploymentId + " was interrupted by a restart of this agent: " + recovered->message);
  if (recovered->deploymentId.empty()) return Status::success();
  deliverResult(recovered->deploymentId + "/" + credentials_.current().instanceId, *recovered);
  return Status::success();
}

void CommandHandler::deliverResult(const std::string& commandId, const agent::DeploymentRecord& record) {
  outbox_.queueResult(commandId, resultReport(record));
  if (outbox_.drain()) {
    log_.line("reported " + std::string(agent::toString(record.status)) + " for " + commandId);
  }
}

Status CommandHandler::handle(const nlohmann::json& command) {
  std::string commandId = stringField(command, "id");
  std::string deploymentId = stringField(command, "deploymentId");
  if (commandId.empty() || deploymentId.empty()) {
    log_.line("ignored a command without an id or deploymentId from the server: " + command.dump().substr(0, 300));
    return Status::success();
  }
  std::string groupName = stringField(command, "deploymentGroupName");
  std::string groupId = stringField(command, "deploymentGroupId");
  if (groupId.empty()) groupId = agent::sanitizeId(groupName);

  // A resent command (lost answer, server restart): the deployment already ran here, so the
  // recorded result is reported again and nothing runs twice.
  if (auto existing = root_.readRecord(groupId, deploymentId);
      existing.ok() && existing->status != agent::DeploymentStatus::InProgress) {
    log_.line("deployment " + deploymentId + " already ran on this host (" + agent::toString(existing->status) +
              "); reporting its result again");
    deliverResult(commandId, *existing);
    return Status::success();
  }

  Heartbeat heartbeat(options_, credentials_, health_, commandId);
  const nlohmann::json revision = command.value("revision", nlohmann::json::object());
  std::string sha256 = stringField(revision, "sha256");
  std::string url = stringField(revision, "url");
  if (url.empty() || url.front() != '/') url = "/v1/revisions/" + sha256 + "/bundle";
  log_.line("deployment " + deploymentId + ": fetching revision " + sha256);
  auto bundle = bundles_.fetch(client_, sha256, url);
  if (!bundle.ok()) {
    if (bundle.error().code == "Stopped" || bundle.error().code == "CredentialRefused" ||
        bundle.error().code == "NoEnrolmentToken" || bundle.error().code == "EnrolmentRefused") {
      return bundle.error();
    }
    log_.line("deployment " + deploymentId + " failed before it started: " + bundle.error().message);
    deliverResult(commandId, failedBeforeStart(deploymentId, bundle.error()));
    return Status::success();
  }

  agent::LifecycleRequest request;
  request.bundle = *bundle;
  auto type = bundle::parseBundleType(stringField(revision, "bundleType"));
  if (!type) {
    auto detected = bundle::detectBundleType(*bundle);
    type = detected.ok() ? *detected : bundle::BundleType::Tar;
  }
  request.bundleType = *type;
  request.expectedSha256 = sha256;  // checked again by the runner before extracting
  request.applicationName = stringField(command, "applicationName");
  request.deploymentGroupName = groupName;
  request.deploymentGroupId = groupId;
  request.deploymentId = deploymentId;
  request.appspecFilename = stringField(command, "appspecFilename");
  request.fileExistsBehavior = appspec::parseFileExistsBehavior(stringField(command, "fileExistsBehavior"));
  request.ignoreApplicationStopFailures = command.value("ignoreApplicationStopFailures", false);
  request.installRoot = options_.installRoot;
  if (command.contains("environment") && command["environment"].is_object()) {
    for (const auto& [name, value] : command["environment"].items()) {
      if (value.is_string()) request.environment[name] = value.get<std::string>();
    }
  }
  if (command.contains("revisionsToKeep") && command["revisionsToKeep"].is_number_unsigned()) {
    request.revisionsToKeep = std::max<std::size_t>(1, command["revisionsToKeep"].get<std::size_t>());
  }

  // Behind a load balancer: the traffic events run, carried out by the server.
  std::optional<ServerTrafficControl> traffic;
  if (auto timeouts = trafficTimeoutsOf(command)) {
    traffic.emplace(client_, options_, log_, commandId, *timeouts);
    request.withLoadBalancer = true;
    request.traffic = &*traffic;
  }

  log_.line("deployment " + deploymentId + ": running the lifecycle (command " + commandId + ")");
  ReportingObserver observer(outbox_, commandId);
  agent::DeploymentRecord record = runner_.run(request, observer);
  log_.line("deployment " + deploymentId + " " + agent::toString(record.status) +
            (record.errorCode.empty() ? "" : ": " + record.message));
  deliverResult(commandId, record);
  bundles_.prune(std::max<std::size_t>(request.revisionsToKeep, 2), sha256);
  return Status::success();
}

}  // namespace greenlight::agentd
