// The HAProxy process of the folder: adopt or start, supervise, reload, stop. Every wait polls a
// socket or a process with a deadline.
#include "providers/traffic/haproxy/embedded_haproxy.h"

#include <signal.h>

#include <fstream>
#include <iostream>
#include <system_error>
#include <thread>

#include "common/error_codes.h"
#include "common/files.h"
#include "providers/traffic/haproxy/config_writer.h"
#include "providers/traffic/haproxy/haproxy_process.h"

namespace greenlight::providers::haproxy {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPollInterval = std::chrono::milliseconds(10);

ProcessPaths processPaths(const std::filesystem::path& dir) {
  return ProcessPaths{dir / "haproxy.cfg", dir / "master.sock", dir / "haproxy.pid", dir / "haproxy.log"};
}

// True when /proc says `pid` runs haproxy on this folder's configuration (so a reused pid is
// never signalled).
bool runsOurConfig(int pid, const std::filesystem::path& config) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline");
  std::string commandLine((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return commandLine.find(config.string()) != std::string::npos;
}

std::string withLog(const std::string& message, const std::filesystem::path& logFile) {
  std::string tail = logTail(logFile);
  if (tail.empty()) return message;
  return message + "; the end of " + logFile.string() + " says:\n" + tail;
}

}  // namespace

Result<std::unique_ptr<EmbeddedHaproxy>> EmbeddedHaproxy::open(EmbeddedHaproxyOptions options) {
  std::error_code error;
  std::filesystem::create_directories(options.dir, error);
  if (error) {
    return Error{codes::kInternal, "cannot create the HAProxy folder " + options.dir.string() + ": " +
                                       error.message() + "; check the data folder's permissions"};
  }
  auto model = loadModel(options.dir / "pools.json");
  if (!model.ok()) return model.error();
  return std::unique_ptr<EmbeddedHaproxy>(new EmbeddedHaproxy(std::move(options), std::move(model.value())));
}

EmbeddedHaproxy::EmbeddedHaproxy(EmbeddedHaproxyOptions options, ProviderModel model)
    : options_(std::move(options)),
      model_(std::move(model)),
      adminSession_(RuntimeSessionOptions{options_.dir / "admin.sock"}) {}

EmbeddedHaproxy::~EmbeddedHaproxy() = default;

void EmbeddedHaproxy::say(const std::string& message) const {
  if (options_.log) {
    options_.log(message);
  } else {
    std::cerr << "greenlight haproxy: " << message << "\n";
  }
}

int EmbeddedHaproxy::masterPid() const {
  int pid = readPidFile(options_.dir / "haproxy.pid");
  return processAlive(pid) ? pid : 0;
}

bool EmbeddedHaproxy::adopted() const {
  std::lock_guard lock(mu_);
  return adopted_;
}

int EmbeddedHaproxy::restarts() const {
  std::lock_guard lock(mu_);
  return restarts_;
}

Status EmbeddedHaproxy::requireStartedLocked() const {
  if (started_) return {};
  return Error{codes::kUnavailable, "the embedded HAProxy of " + options_.dir.string() +
                                        " is not started; greenlight calls start() when the server starts"};
}

bool EmbeddedHaproxy::masterAnswersLocked() {
  int pid = readPidFile(options_.dir / "haproxy.pid");
  if (!processAlive(pid)) return false;
  auto processes = oneShotCommand(options_.dir / "master.sock", "show proc", std::chrono::seconds(2));
  return processes.ok() && processes->find("master") != std::string::npos;
}

Result<int> EmbeddedHaproxy::workerPidLocked() {
  auto info = adminSession_.execute("show info");
  if (!info.ok()) return info.error();
  auto at = info->find("\nPid: ");
  if (at == std::string::npos) {
    return Error{codes::kInternal, "HAProxy's `show info` on " + adminSocket().string() + " has no Pid line"};
  }
  return std::atoi(info->c_str() + at + 6);
}

Status EmbeddedHaproxy::writeConfigLocked(const ProviderModel& model) {
  ConfigPaths paths{adminSocket(), options_.dir / "server-state", options_.metricsListen};
  std::string text = generateConfig(model, paths);
  auto current = readWholeFile(configFile());
  if (current.ok() && *current == text) return {};  // already checked when it was installed
  return installCheckedConfig(options_.binary, configFile(), text);
}

Status EmbeddedHaproxy::dumpServerStateLocked() {
  auto state = adminSession_.execute("show servers state");
  if (!state.ok()) return state.error();
  if (state->rfind("1\n", 0) != 0) {
    return Error{codes::kInternal, "HAProxy answered `show servers state` on " + adminSocket().string() +
                                       " with \"" + state->substr(0, 200) + "\""};
  }
  return writeFileAtomically(options_.dir / "server-state", *state);
}

Status EmbeddedHaproxy::start() {
  std::lock_guard lock(mu_);
  return startLocked();
}

Status EmbeddedHaproxy::startLocked() {
  const ProcessPaths paths = processPaths(options_.dir);
  // A master of ours that is alive but slow to answer is waited for, never killed on sight: it
  // may be serving every pool.
  int runningPid = readPidFile(paths.pidFile);
  bool ours = processAlive(runningPid) && runsOurConfig(runningPid, paths.config);
  auto adoptDeadline = Clock::now() + (ours ? options_.startTimeout : std::chrono::milliseconds(0));
  while (ours && !masterAnswersLocked() && Clock::now() < adoptDeadline) std::this_thread::sleep_for(kPollInterval);
  if (masterAnswersLocked()) {
    adopted_ = true;
    started_ = true;
    adminSession_.disconnect();
    return waitForWorkerLocked(0, options_.startTimeout, "");
  }
  // A master that no longer answers, or workers it left behind, would hold the frontends.
  int stalePid = readPidFile(paths.pidFile);
  if (stalePid > 1 && processGroupAlive(stalePid) && (!processAlive(stalePid) || runsOurConfig(stalePid, paths.config))) {
    ::kill(-stalePid, SIGKILL);
    auto deadline = Clock::now() + options_.stopTimeout;
    while (processGroupAlive(stalePid) && Clock::now() < deadline) std::this_thread::sleep_for(kPollInterval);
  }
  if (auto written = writeConfigLocked(model_); !written.ok()) return written;
  std::error_code ignored;
  std::filesystem::remove(paths.pidFile, ignored);
  if (auto launched = launchDetached(options_.binary, paths); !launched.ok()) return launched;
  adopted_ = false;
  adminSession_.disconnect();
  started_ = true;
  if (auto ready = waitForWorkerLocked(0, options_.startTimeout, ""); !ready.ok()) {
    started_ = false;
    return Error{codes::kUnavailable,
                 withLog("HAProxy started from " + paths.config.string() + " did not answer on " +
                             adminSocket().string() + " within " + std::to_string(options_.startTimeout.count()) +
                             " ms (" + ready.error().message + ")",
                         paths.logFile)};
  }
  return {};
}

Status EmbeddedHaproxy::waitForWorkerLocked(int previousWorkerPid, std::chrono::milliseconds timeout,
                                            const std::string& frontendExpected) {
  auto deadline = Clock::now() + timeout;
  Error last{codes::kUnavailable, "no answer yet"};
  for (;;) {
    auto pid = workerPidLocked();
    if (pid.ok() && *pid != previousWorkerPid) {
      if (frontendExpected.empty()) return {};
      auto stat = adminSession_.execute("show stat");
      if (stat.ok() && stat->find("\n" + frontendExpected + ",FRONTEND,") != std::string::npos) return {};
      last = Error{codes::kUnavailable, "the new worker has no frontend " + frontendExpected};
    } else if (!pid.ok()) {
      last = pid.error();
    } else {
      last = Error{codes::kUnavailable, "the previous worker (pid " + std::to_string(previousWorkerPid) +
                                            ") still answers"};
    }
    if (Clock::now() >= deadline) return last;
    adminSession_.disconnect();
    std::this_thread::sleep_for(kPollInterval);
  }
}

Status EmbeddedHaproxy::supervise() {
  std::lock_guard lock(mu_);
  if (!started_) return requireStartedLocked();
  int pid = readPidFile(options_.dir / "haproxy.pid");
  if (processAlive(pid)) return {};
  say("HAProxy (master pid " + std::to_string(pid) + ") of " + options_.dir.string() +
      " is gone; starting it again from " + configFile().string());
  if (auto restarted = startLocked(); !restarted.ok()) {
    say("HAProxy could not be restarted: " + restarted.error().message);
    return restarted;
  }
  ++restarts_;
  say("HAProxy restarted (master pid " + std::to_string(readPidFile(options_.dir / "haproxy.pid")) + ")");
  return {};
}

Status EmbeddedHaproxy::reload() {
  std::lock_guard lock(mu_);
  if (auto started = requireStartedLocked(); !started.ok()) return started;
  if (auto written = writeConfigLocked(model_); !written.ok()) return written;
  return reloadLocked();
}

Status EmbeddedHaproxy::reloadLocked() {
  auto previous = workerPidLocked();
  if (!previous.ok()) return previous.error();
  // Runtime changes survive the reload only through the state file.
  if (auto dumped = dumpServerStateLocked(); !dumped.ok()) return dumped;
  // The master re-executes itself on every reload and its socket refuses connections until it
  // is back: a reload right after another one waits for it (two seconds at most).
  auto sent = oneShotCommand(options_.dir / "master.sock", "reload");
  for (int attempt = 0; !sent.ok() && attempt < 20; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    sent = oneShotCommand(options_.dir / "master.sock", "reload");
  }
  if (!sent.ok()) return sent.error();
  adminSession_.disconnect();
  // The new worker must answer and serve every embedded frontend of the model.
  for (const auto& [id, pool] : model_.pools) {
    if (pool.external()) continue;
    auto ready = waitForWorkerLocked(*previous, options_.reloadTimeout, frontendNameFor(id));
    if (!ready.ok()) {
      return Error{codes::kUnavailable,
                   withLog("HAProxy did not load " + configFile().string() + " within " +
                               std::to_string(options_.reloadTimeout.count()) + " ms (" + ready.error().message +
                               "); the previous worker keeps serving",
                           options_.dir / "haproxy.log")};
    }
  }
  auto ready = waitForWorkerLocked(*previous, options_.reloadTimeout, "");
  if (!ready.ok()) {
    return Error{codes::kUnavailable, withLog("HAProxy did not load " + configFile().string() + " (" +
                                                  ready.error().message + "); the previous worker keeps serving",
                                              options_.dir / "haproxy.log")};
  }
  return {};
}

Status EmbeddedHaproxy::shutdown() {
  std::lock_guard lock(mu_);
  adminSession_.disconnect();
  started_ = false;
  int pid = readPidFile(options_.dir / "haproxy.pid");
  if (!processAlive(pid) && !processGroupAlive(pid)) return {};
  if (!runsOurConfig(pid, configFile()) && processAlive(pid)) {
    return Error{codes::kConflict, "the pid file " + (options_.dir / "haproxy.pid").string() + " names pid " +
                                       std::to_string(pid) + ", which is not this folder's HAProxy; remove the "
                                                             "stale pid file"};
  }
  // The master leads its process group; its workers (and any it left behind) are in it.
  auto gone = [pid] { return !processAlive(pid) && !processGroupAlive(pid); };
  auto signalAll = [pid](int signal) {
    ::kill(pid, signal);
    ::kill(-pid, signal);
  };
  signalAll(SIGTERM);
  auto deadline = Clock::now() + options_.stopTimeout;
  while (!gone() && Clock::now() < deadline) std::this_thread::sleep_for(kPollInterval);
  if (!gone()) {
    signalAll(SIGKILL);
    deadline = Clock::now() + options_.stopTimeout;
    while (!gone() && Clock::now() < deadline) std::this_thread::sleep_for(kPollInterval);
  }
  if (!gone()) {
    return Error{codes::kInternal, "HAProxy (process group " + std::to_string(pid) + ") of " + options_.dir.string() +
                                       " survived SIGKILL; check `ps -g " + std::to_string(pid) + "`"};
  }
  std::error_code ignored;
  std::filesystem::remove(options_.dir / "haproxy.pid", ignored);
  return {};
}

}  // namespace greenlight::providers::haproxy
