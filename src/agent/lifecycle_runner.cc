// The lifecycle runner: one deployment of one revision on this host, event by event.
#include "agent/lifecycle_runner.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <set>

#include "agent/file_installer.h"
#include "agent/lifecycle_events.h"
#include "appspec/bundle_checks.h"
#include "appspec/parser.h"
#include "common/files.h"

namespace greenlight::agent {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kLogTailBytes = 4096;

void appendTail(std::string& tail, std::string_view chunk) {
  tail.append(chunk);
  if (tail.size() > kLogTailBytes) tail.erase(0, tail.size() - kLogTailBytes);
}

std::string seconds(std::chrono::seconds value) { return std::to_string(value.count()); }

bool userExists(const std::string& name) {
  passwd entry{};
  passwd* found = nullptr;
  std::vector<char> buffer(16384);
  return ::getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr;
}

// Resolves a hook location inside the archive; nullopt when it would leave it.
std::optional<fs::path> scriptPath(const fs::path& archive, const std::string& location) {
  std::string relative = location;
  while (!relative.empty() && relative.front() == '/') relative.erase(0, 1);
  fs::path candidate = (archive / relative).lexically_normal();
  auto rel = candidate.lexically_relative(archive);
  if (rel.empty() || *rel.begin() == "..") return std::nullopt;
  return candidate;
}

// Loads and parses the AppSpec of an extracted revision.
Result<appspec::AppSpec> loadAppSpec(const fs::path& archive, const std::string& appspecName,
                                     std::string* foundName) {
  auto file = appspec::findAppSpec(archive, appspecName);
  if (!file.ok()) return file.error();
  auto text = readWholeFile(*file);
  if (!text.ok()) return text.error();
  std::string name = file->lexically_relative(archive).string();
  if (foundName != nullptr) *foundName = name;
  appspec::ParseOptions options;
  options.expectedPlatform = appspec::Platform::Server;
  auto parsed = appspec::parse(*text, name, options);
  if (!parsed.ok()) {
    std::string message = "the AppSpec " + name + " is invalid:";
    for (const auto& diagnostic : parsed.diagnostics) {
      if (diagnostic.severity == appspec::Severity::Error) message += "\n  " + appspec::format(diagnostic);
    }
    message += "\nrun `greenlight validate` on the bundle for every problem with a hint";
    return Error{"InvalidAppSpec", message};
  }
  return std::move(*parsed.spec);
}

}  // namespace

// State of one run; lives for the duration of LifecycleRunner::run.
class LifecycleRunner::Deployment {
 public:
  Deployment(LifecycleRunner& runner, const LifecycleRequest& request, LifecycleObserver& observer)
      : runner_(runner), request_(request), observer_(observer) {}

  DeploymentRecord run();

 private:
  void startEvent(EventRecord& event);
  void finishEvent(EventRecord& event, EventStatus status, std::string errorCode = {}, std::string message = {});
  bool runEvent(EventRecord& event);
  bool downloadBundle(EventRecord& event);
  bool install(EventRecord& event);
  bool controlTraffic(EventRecord& event, TrafficEvent which);
  bool runPreviousRevisionHook(EventRecord& event);
  bool runScripts(EventRecord& event, const appspec::AppSpec& spec, const fs::path& archive);
  bool runScript(EventRecord& event, const appspec::HookScript& script, const fs::path& archive);
  std::map<std::string, std::string> hookEnvironment(const std::string& event, const fs::path& archive) const;
  void appendScriptLog(std::string_view text);
  void persist();

  LifecycleRunner& runner_;
  const LifecycleRequest& request_;
  LifecycleObserver& observer_;
  DeploymentRecord record_;
  std::optional<appspec::AppSpec> spec_;
  fs::path archive_;
  std::optional<std::string> previousId_;
  std::ofstream scriptLog_;
  std::size_t scriptLogBytes_ = 0;
};

LifecycleRunner::LifecycleRunner(DeploymentRoot& root, os::ProcessRunner& processes, const Clock& clock)
    : root_(root), processes_(processes), clock_(clock) {}

DeploymentRecord LifecycleRunner::run(const LifecycleRequest& request, LifecycleObserver& observer) {
  Deployment deployment(*this, request, observer);
  return deployment.run();
}

std::optional<DeploymentRecord> LifecycleRunner::recoverInterrupted(LifecycleObserver& observer) {
  auto ongoing = root_.readOngoing();
  if (!ongoing) return std::nullopt;
  // Whatever the dead run's hook left running is stopped first: a hung hook must not outlive it.
  if (ongoing->processGroup > 0) {
    auto started = os::processStartTime(ongoing->processGroup);
    bool leaderIsOurs = started && *started == ongoing->processGroupStart;
    // A live leader with another start time is a reused pid; a dead leader leaves only members
    // of the old group, whose id cannot be reused while they live.
    if (leaderIsOurs || !started) os::killProcessTree(ongoing->processGroup, std::chrono::milliseconds(2000));
  }
  DeploymentRecord record;
  auto existing = root_.readRecord(ongoing->deploymentGroupId, ongoing->deploymentId);
  if (existing.ok()) {
    record = std::move(*existing);
  } else {
    record.deploymentId = ongoing->deploymentId;
    record.deploymentGroupId = ongoing->deploymentGroupId;
  }
  std::string where = ongoing->event.empty() ? std::string("between events") : "during " + ongoing->event;
  std::string message = "greenlight stopped " + where + " (the agent or the host restarted) and marked the deployment failed on restart; "
                        "what was left of the hook was killed. Deploy again to continue.";
  EventRecord* event = ongoing->event.empty() ? nullptr : record.event(ongoing->event);
  if (event == nullptr && !ongoing->event.empty()) {
    record.events.push_back(EventRecord{});
    event = &record.events.back();
    event->name = ongoing->event;
  }
  if (event != nullptr) {
    event->status = EventStatus::Failed;
    event->errorCode = "FailedAfterRestart";
    event->message = message;
    event->end = clock_.now();
  }
  for (auto& other : record.events) {
    if (other.status == EventStatus::InProgress) other.status = EventStatus::Failed;
  }
  record.status = DeploymentStatus::Failed;
  record.errorCode = "FailedAfterRestart";
  record.message = message;
  record.end = clock_.now();
  if (!record.deploymentId.empty() && !record.deploymentGroupId.empty()) (void)root_.writeRecord(record);
  (void)root_.clearOngoing();
  observer.onInterruptedDeploymentRecovered(record);
  return record;
}

DeploymentRecord LifecycleRunner::Deployment::run() {
  record_.deploymentId = request_.deploymentId.empty() ? newDeploymentId() : request_.deploymentId;
  record_.applicationName = request_.applicationName;
  record_.deploymentGroupName = request_.deploymentGroupName;
  record_.deploymentGroupId =
      request_.deploymentGroupId.empty() ? sanitizeId(request_.deploymentGroupName) : request_.deploymentGroupId;
  record_.bundle = request_.bundle.string();
  record_.bundleType = bundle::toString(request_.bundleType);
  record_.start = runner_.clock_.now();
  std::vector<std::string> events =
      request_.events.empty() ? defaultEventOrder(request_.withLoadBalancer) : eventsFromList(request_.events);
  for (const auto& name : events) {
    EventRecord event;
    event.name = name;
    record_.events.push_back(std::move(event));
  }
  previousId_ = runner_.root_.lastSuccessful(record_.deploymentGroupId);
  if (previousId_ == record_.deploymentId) previousId_.reset();
  record_.previousDeploymentId = previousId_.value_or("");
  archive_ = runner_.root_.archiveDir(record_.deploymentGroupId, record_.deploymentId);

  std::error_code error;
  fs::create_directories(runner_.root_.scriptLog(record_.deploymentGroupId, record_.deploymentId).parent_path(), error);
  scriptLog_.open(runner_.root_.scriptLog(record_.deploymentGroupId, record_.deploymentId), std::ios::app);
  persist();
  (void)runner_.root_.setMostRecent(record_.deploymentGroupId, record_.deploymentId);
  (void)runner_.root_.writeOngoing({record_.deploymentId, record_.deploymentGroupId, "", ::getpid(), 0, 0});
  observer_.onDeploymentStarted(record_);

  bool succeeded = true;
  for (auto& event : record_.events) {
    if (!succeeded) break;
    succeeded = runEvent(event);
  }
  record_.end = runner_.clock_.now();
  if (succeeded) {
    record_.status = DeploymentStatus::Succeeded;
    (void)runner_.root_.setLastSuccessful(record_.deploymentGroupId, record_.deploymentId);
  } else {
    record_.status = DeploymentStatus::Failed;
    for (const auto& event : record_.events) {
      if (event.status == EventStatus::Failed && !event.failureIgnored) {
        record_.errorCode = event.errorCode;
        record_.message = event.name + " failed: " + event.message;
        break;
      }
    }
  }
  persist();
  std::set<std::string> protect = {record_.deploymentId};
  if (auto last = runner_.root_.lastSuccessful(record_.deploymentGroupId)) protect.insert(*last);
  runner_.root_.prune(record_.deploymentGroupId, request_.revisionsToKeep, protect);
  (void)runner_.root_.clearOngoing();
  return record_;
}

void LifecycleRunner::Deployment::persist() { (void)runner_.root_.writeRecord(record_); }

void LifecycleRunner::Deployment::startEvent(EventRecord& event) {
  event.status = EventStatus::InProgress;
  event.start = runner_.clock_.now();
  (void)runner_.root_.writeOngoing({record_.deploymentId, record_.deploymentGroupId, event.name, ::getpid(), 0, 0});
  persist();
  observer_.onEventStarted(record_, event);
}

void LifecycleRunner::Deployment::finishEvent(EventRecord& event, EventStatus status, std::string errorCode,
                                              std::string message) {
  event.status = status;
  event.end = runner_.clock_.now();
  if (!errorCode.empty()) event.errorCode = std::move(errorCode);
  if (!message.empty()) event.message = std::move(message);
  persist();
  observer_.onEventFinished(record_, event);
}

bool LifecycleRunner::Deployment::runEvent(EventRecord& event) {
  startEvent(event);
  if (event.name == "DownloadBundle") return downloadBundle(event);
  if (event.name == "Install") return install(event);
  if (event.name == "BlockTraffic") return controlTraffic(event, TrafficEvent::Block);
  if (event.name == "AllowTraffic") return controlTraffic(event, TrafficEvent::Allow);
  if (runsPreviousRevision(event.name)) return runPreviousRevisionHook(event);
  if (!spec_) {
    finishEvent(event, EventStatus::Failed, "UnknownError",
                "the revision is not downloaded yet; " + event.name + " must come after DownloadBundle in --events");
    return false;
  }
  const appspec::ServerHook* hook = spec_->hook(event.name);
  if (hook == nullptr || hook->scripts.empty()) {
    finishEvent(event, EventStatus::Skipped, {}, "the AppSpec has no scripts for this event");
    return true;
  }
  bool ok = runScripts(event, *spec_, archive_);
  finishEvent(event, ok ? EventStatus::Succeeded : EventStatus::Failed);
  return ok;
}

bool LifecycleRunner::Deployment::runPreviousRevisionHook(EventRecord& event) {
  if (!previousId_) {
    finishEvent(event, EventStatus::Skipped, {}, "no earlier successful revision on this host");
    return true;
  }
  auto failOrIgnore = [&](const std::string& code, const std::string& message) {
    if (request_.ignoreApplicationStopFailures) {
      event.failureIgnored = true;
      event.notes.push_back("failure ignored (ignore-application-stop-failures)");
      finishEvent(event, EventStatus::Failed, code, message);
      return true;
    }
    finishEvent(event, EventStatus::Failed, code,
                message + "\nThis runs the last successful revision's (" + *previousId_ +
                    ") scripts; if they are broken, deploy with --ignore-application-stop-failures to go past them.");
    return false;
  };
  fs::path previousArchive = runner_.root_.archiveDir(record_.deploymentGroupId, *previousId_);
  auto previousRecord = runner_.root_.readRecord(record_.deploymentGroupId, *previousId_);
  std::string previousName = previousRecord.ok() ? previousRecord->appspecFile : std::string();
  auto previousSpec = loadAppSpec(previousArchive, previousName, nullptr);
  if (!previousSpec.ok()) {
    return failOrIgnore("UnknownError", "cannot read the last successful revision " + *previousId_ + " at " +
                                            previousArchive.string() + ": " + previousSpec.error().message);
  }
  const appspec::ServerHook* hook = previousSpec->hook(event.name);
  if (hook == nullptr || hook->scripts.empty()) {
    finishEvent(event, EventStatus::Skipped, {}, "the last successful revision has no scripts for this event");
    return true;
  }
  event.notes.push_back("ran the scripts of the last successful revision " + *previousId_);
  if (runScripts(event, *previousSpec, previousArchive)) {
    finishEvent(event, EventStatus::Succeeded);
    return true;
  }
  return failOrIgnore(event.errorCode, event.message);
}

bool LifecycleRunner::Deployment::controlTraffic(EventRecord& event, TrafficEvent which) {
  if (request_.traffic == nullptr) {
    finishEvent(event, EventStatus::Succeeded, {}, "no load balancer is controlled from this host; nothing to do");
    return true;
  }
  Result<std::string> done = request_.traffic->carryOut(which);
  if (done.ok()) {
    finishEvent(event, EventStatus::Succeeded, {}, *done);
    return true;
  }
  std::string what = which == TrafficEvent::Block
                         ? "the instance could not be deregistered from the load balancer: "
                         : "the instance could not be registered with the load balancer and pass its health check: ";
  finishEvent(event, EventStatus::Failed, kTrafficControlFailed, what + done.error().message);
  return false;
}

bool LifecycleRunner::Deployment::downloadBundle(EventRecord& event) {
  auto digest = bundle::digest(request_.bundle, request_.bundleType);
  if (!digest.ok()) {
    finishEvent(event, EventStatus::Failed, digest.error().code, digest.error().message);
    return false;
  }
  record_.bundleSha256 = *digest;
  if (!request_.expectedSha256.empty() && request_.expectedSha256 != *digest) {
    finishEvent(event, EventStatus::Failed, "BundleChecksumMismatch",
                "the bundle's sha256 is " + *digest + " but " + request_.expectedSha256 +
                    " was expected; the bundle was changed or corrupted after it was registered. Nothing was extracted.");
    return false;
  }
  std::error_code ignored;
  fs::remove_all(archive_, ignored);  // a retried deployment id starts from a clean archive
  auto report = bundle::extract(request_.bundle, request_.bundleType, archive_, request_.limits, request_.appspecFilename);
  if (!report.ok()) {
    finishEvent(event, EventStatus::Failed, report.error().code, report.error().message);
    return false;
  }
  event.notes.push_back(std::to_string(report->files) + " files, " + std::to_string(report->bytes) + " bytes" +
                        (report->strippedPrefix.empty() ? "" : ", top-level folder '" + report->strippedPrefix + "' stripped"));
  std::string appspecName;
  auto spec = loadAppSpec(archive_, request_.appspecFilename, &appspecName);
  if (!spec.ok()) {
    finishEvent(event, EventStatus::Failed, spec.error().code, spec.error().message);
    return false;
  }
  record_.appspecFile = appspecName;
  // Problems found now fail the deployment before any script of the new revision runs.
  std::string missing;
  for (const auto& diagnostic : appspec::checkAgainstBundle(*spec, archive_, appspecName)) {
    if (diagnostic.severity == appspec::Severity::Error) {
      missing += "\n  " + appspec::format(diagnostic);
    } else {
      event.notes.push_back(appspec::format(diagnostic));
    }
  }
  if (!missing.empty()) {
    finishEvent(event, EventStatus::Failed, "ScriptMissing", "the revision does not hold what its AppSpec names:" + missing);
    return false;
  }
  // A runas user missing on this host would fail mid-deployment, after files were replaced.
  for (const auto& hook : spec->hooks) {
    for (const auto& script : hook.scripts) {
      if (script.runas && !userExists(*script.runas)) {
        finishEvent(event, EventStatus::Failed, "UnknownError",
                    "hook " + hook.event + " (" + script.location + ", appspec line " + std::to_string(script.where.line) +
                        ") runs as '" + *script.runas + "', but there is no such user on this host; create the user or "
                        "correct runas. Nothing was installed.");
        return false;
      }
    }
  }
  spec_ = std::move(*spec);
  finishEvent(event, EventStatus::Succeeded);
  return true;
}

bool LifecycleRunner::Deployment::install(EventRecord& event) {
  if (!spec_) {
    finishEvent(event, EventStatus::Failed, "UnknownError", "Install needs DownloadBundle first");
    return false;
  }
  std::vector<std::string> log;
  fs::path recordFile = runner_.root_.installRecordFile(record_.deploymentGroupId);
  auto previous = readInstallRecord(recordFile);
  if (!previous.ok()) {
    finishEvent(event, EventStatus::Failed, previous.error().code, previous.error().message);
    return false;
  }
  auto fail = [&](const Error& error) {
    event.notes.insert(event.notes.end(), log.begin(), log.end());
    finishEvent(event, EventStatus::Failed, error.code, error.message);
    return false;
  };
  if (auto removed = removePreviousInstall(*previous, request_.installRoot, log); !removed.ok()) return fail(removed.error());
  // What the previous deployment installed is gone now; the record must say so before the copy.
  if (auto cleared = writeInstallRecord({}, recordFile); !cleared.ok()) return fail(cleared.error());
  InstallOptions options;
  options.archiveRoot = archive_;
  options.installRoot = request_.installRoot;
  options.fileExistsBehavior = spec_->fileExistsBehavior.value_or(
      request_.fileExistsBehavior.value_or(appspec::FileExistsBehavior::Disallow));
  auto installed = installFiles(*spec_, options, log);
  if (!installed.ok()) return fail(installed.error());
  if (auto written = writeInstallRecord(*installed, recordFile); !written.ok()) return fail(written.error());
  if (auto applied = applyPermissions(*spec_, *installed, request_.installRoot, log); !applied.ok()) {
    return fail(applied.error());
  }
  event.notes.insert(event.notes.end(), log.begin(), log.end());
  finishEvent(event, EventStatus::Succeeded);
  return true;
}

bool LifecycleRunner::Deployment::runScripts(EventRecord& event, const appspec::AppSpec& spec, const fs::path& archive) {
  const appspec::ServerHook* hook = spec.hook(event.name);
  if (hook == nullptr) return true;
  for (const auto& script : hook->scripts) {
    if (!runScript(event, script, archive)) return false;
  }
  return true;
}

std::map<std::string, std::string> LifecycleRunner::Deployment::hookEnvironment(const std::string& event,
                                                                                const fs::path& archive) const {
  std::map<std::string, std::string> environment;
  for (char** entry = ::environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    auto equals = text.find('=');
    if (equals != std::string_view::npos) environment[std::string(text.substr(0, equals))] = std::string(text.substr(equals + 1));
  }
  for (const auto& [key, value] : request_.environment) environment[key] = value;
  environment["LIFECYCLE_EVENT"] = event;
  environment["DEPLOYMENT_ID"] = record_.deploymentId;
  environment["APPLICATION_NAME"] = record_.applicationName;
  environment["DEPLOYMENT_GROUP_NAME"] = record_.deploymentGroupName;
  environment["DEPLOYMENT_GROUP_ID"] = record_.deploymentGroupId;
  environment["GREENLIGHT_ARCHIVE_DIR"] = archive.string();
  environment["GREENLIGHT_INSTALL_ROOT"] = request_.installRoot.string();
  environment["GREENLIGHT_DEPLOYMENT_ROOT"] = runner_.root_.path().string();
  return environment;
}

void LifecycleRunner::Deployment::appendScriptLog(std::string_view text) {
  if (!scriptLog_ || scriptLogBytes_ >= request_.scriptLogLimitBytes) return;
  std::size_t room = request_.scriptLogLimitBytes - scriptLogBytes_;
  if (text.size() > room) {
    scriptLog_ << text.substr(0, room) << "\n[greenlight: scripts.log reached its limit; later output is only in the event tails]\n";
    scriptLogBytes_ = request_.scriptLogLimitBytes;
  } else {
    scriptLog_ << text;
    scriptLogBytes_ += text.size();
  }
  scriptLog_.flush();
}

bool LifecycleRunner::Deployment::runScript(EventRecord& event, const appspec::HookScript& script, const fs::path& archive) {
  ScriptRecord scriptRecord;
  scriptRecord.location = script.location;
  scriptRecord.runas = script.runas;
  std::string user = script.runas.value_or("the agent's user");
  auto fail = [&](const std::string& code, const std::string& message) {
    scriptRecord.errorCode = code;
    event.scripts.push_back(scriptRecord);
    event.errorCode = code;
    event.message = message;
    return false;
  };
  auto path = scriptPath(archive, script.location);
  struct stat info {};
  if (!path || ::stat(path->c_str(), &info) != 0 || !S_ISREG(info.st_mode)) {
    return fail("ScriptMissing", "Script does not exist at specified location: " + script.location +
                                     " (looked for " + (path ? path->string() : archive.string() + "/" + script.location) +
                                     "); the location is relative to the root of the revision");
  }
  if ((info.st_mode & S_IXUSR) == 0) {
    // The CodeDeploy agent makes such scripts executable (zip bundles often lose the bit).
    if (::chmod(path->c_str(), info.st_mode | S_IXUSR | S_IXGRP | S_IXOTH) != 0) {
      return fail("ScriptNotExecutable", "Script at specified location: " + script.location +
                                             " is not executable and could not be made executable; set its executable bit in the bundle");
    }
    event.notes.push_back(script.location + " was not executable; greenlight made it executable");
  }
  observer_.onScriptStarted(event, script);
  appendScriptLog("[" + formatTimestamp(runner_.clock_.now()) + "] " + event.name + " " + script.location + "\n");

  os::ProcessSpec spec;
  spec.argv = {path->string()};
  spec.environment = hookEnvironment(event.name, archive);
  spec.workingDirectory = archive.string();
  spec.runas = script.runas;
  spec.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(script.timeout);
  spec.killGrace = request_.killGrace;
  spec.tailBytes = kLogTailBytes;
  auto onOutput = [&](std::string_view chunk) {
    appendTail(event.logTail, chunk);
    appendScriptLog(chunk);
    observer_.onOutput(event, chunk);
  };
  auto onStarted = [&](pid_t group) {
    (void)runner_.root_.writeOngoing({record_.deploymentId, record_.deploymentGroupId, event.name, ::getpid(), group,
                                      os::processStartTime(group).value_or(0)});
  };
  os::ProcessResult result = runner_.processes_.run(spec, onOutput, onStarted);
  if (result.outcome == os::ProcessOutcome::SpawnFailed && result.spawnErrno == ENOEXEC) {
    // No interpreter line: run it with /bin/sh, as execvp and the CodeDeploy agent do.
    spec.argv = {"/bin/sh", path->string()};
    result = runner_.processes_.run(spec, onOutput, onStarted);
  }
  scriptRecord.exitCode = result.exitCode;
  scriptRecord.durationMs = result.duration.count();
  scriptRecord.outputsLeftOpen = result.outputsLeftOpen;
  event.exitCode = result.exitCode;
  if (result.outputsLeftOpen) {
    std::string pids;
    for (pid_t pid : result.leftOpenBy) pids += (pids.empty() ? "" : ", ") + std::to_string(pid);
    event.notes.push_back("OutputsLeftOpen: " + script.location + " exited but a background process" +
                          (pids.empty() ? "" : " (pid " + pids + ")") +
                          " still holds its stdout/stderr; greenlight did not wait for it. Redirect a daemon's output "
                          "(e.g. `cmd > /var/log/app.log 2>&1 &`) to keep its logs.");
  }
  switch (result.outcome) {
    case os::ProcessOutcome::SpawnFailed:
      return fail(result.spawnErrno == EACCES ? "ScriptNotExecutable" : "UnknownError",
                  "Script at specified location: " + script.location + " could not be started as " + user + ": " + result.error);
    case os::ProcessOutcome::TimedOut:
      return fail("ScriptTimedOut", "Script at specified location: " + script.location + " failed to complete in " +
                                        seconds(script.timeout) + " seconds; greenlight killed its whole process tree");
    case os::ProcessOutcome::Signaled:
      return fail("ScriptFailed", "Script at specified location: " + script.location + " run as " + user +
                                      " was killed by signal " + std::to_string(result.signal));
    case os::ProcessOutcome::Exited:
      if (result.exitCode != 0) {
        return fail("ScriptFailed", "Script at specified location: " + script.location + " run as " + user +
                                        " failed with exit code " + std::to_string(result.exitCode));
      }
      break;
  }
  event.scripts.push_back(scriptRecord);
  return true;
}

}  // namespace greenlight::agent
