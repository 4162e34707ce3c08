// wrk in the background (a child process writing to a file) and libcurl for sampling versions;
// see load_generator.h.
#include "support/load_generator.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <vector>

#include "support/test_support.h"

namespace greenlight::testing {
namespace {

constexpr std::string_view kLoadLinePrefix = "GREENLIGHT-LOAD ";

// The body's version: the text of <span id="version">…</span>, if any.
std::string versionIn(std::string_view body) {
  static constexpr std::string_view open = "<span id=\"version\">";
  auto begin = body.find(open);
  if (begin == std::string_view::npos) return "";
  begin += open.size();
  auto end = body.find("</span>", begin);
  if (end == std::string_view::npos) return "";
  return std::string(body.substr(begin, end - begin));
}

// "1.31ms" -> 1310 µs; wrk prints us, ms, s, m and h.
bool parseDuration(const std::string& number, const std::string& unit, std::chrono::microseconds& out) {
  double value = std::strtod(number.c_str(), nullptr);
  double scale = unit == "us" ? 1 : unit == "ms" ? 1e3 : unit == "s" ? 1e6 : unit == "m" ? 60e6 : unit == "h" ? 3600e6 : -1;
  if (scale < 0) return false;
  out = std::chrono::microseconds(static_cast<long long>(value * scale + 0.5));
  return true;
}

Error loadError(const std::string& message) { return Error{"LoadGeneratorFailed", message}; }

std::string findProgram(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream folders(path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin");
  std::string folder;
  while (std::getline(folders, folder, ':')) {
    std::filesystem::path candidate = std::filesystem::path(folder) / name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return "";
}

}  // namespace

std::string LoadReport::summary() const {
  std::ostringstream out;
  out << requests << " requests, " << non2xx << " non-2xx, socket errors connect " << socketErrors.connect << " read "
      << socketErrors.read << " write " << socketErrors.write << " timeout " << socketErrors.timeout << "; versions";
  for (const auto& [version, count] : versions) out << " " << version << "=" << count;
  if (unversioned > 0) out << " (none)=" << unversioned;
  out << "; statuses";
  for (const auto& [statusClass, count] : statusClasses) out << " " << statusClass << "=" << count;
  out << "; " << requestsPerSecond << " req/s, p50 " << latencyP50.count() << " us, p99 " << latencyP99.count()
      << " us over " << duration.count() / 1000 << " ms";
  return out.str();
}

Result<LoadReport> parseWrkOutput(std::string_view output) {
  LoadReport report;
  bool sawTotal = false, sawP50 = false, sawP99 = false, sawRate = false;
  std::string loadLine;

  static const std::regex total(R"(^\s*(\d+) requests in ([0-9.]+)(us|ms|s|m|h),)");
  static const std::regex socketErrors(R"(Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+))");
  static const std::regex percentile(R"(^\s*(50|99)(?:\.0+)?%\s+([0-9.]+)(us|ms|s|m|h)\s*$)");
  static const std::regex rate(R"(^Requests/sec:\s+([0-9.]+))");

  std::istringstream lines{std::string(output)};
  std::string line;
  std::smatch match;
  while (std::getline(lines, line)) {
    if (line.rfind(kLoadLinePrefix, 0) == 0) {
      loadLine = line.substr(kLoadLinePrefix.size());
    } else if (std::regex_search(line, match, total)) {
      report.requests = std::stoll(match[1]);
      sawTotal = parseDuration(match[2], match[3], report.duration);
    } else if (std::regex_search(line, match, socketErrors)) {
      report.socketErrors = {std::stoll(match[1]), std::stoll(match[2]), std::stoll(match[3]), std::stoll(match[4])};
    } else if (std::regex_search(line, match, percentile)) {
      bool& saw = match[1] == "50" ? sawP50 : sawP99;
      saw = parseDuration(match[2], match[3], match[1] == "50" ? report.latencyP50 : report.latencyP99);
    } else if (std::regex_search(line, match, rate)) {
      report.requestsPerSecond = std::strtod(match[1].str().c_str(), nullptr);
      sawRate = true;
    }
  }
  if (!sawTotal || !sawRate) return loadError("wrk printed no summary (\"N requests in …\", \"Requests/sec:\"); its output: " + std::string(output));
  if (!sawP50 || !sawP99) return loadError("wrk printed no latency distribution (was --latency passed?); its output: " + std::string(output));
  if (loadLine.empty()) return loadError("the load script printed no GREENLIGHT-LOAD line from done(); wrk's output: " + std::string(output));

  try {
    auto counts = nlohmann::json::parse(loadLine);
    for (const auto& [version, count] : counts.at("versions").items()) report.versions[version] = count.get<long long>();
    report.unversioned = counts.at("unversioned").get<long long>();
    if (auto failed = counts.find("failedVersions"); failed != counts.end()) {
      for (const auto& [version, count] : failed->items()) report.failedVersions[version] = count.get<long long>();
    }
    report.sent = counts.at("sent").get<long long>();
    long long counted = 0;
    for (const auto& [statusClass, count] : counts.at("statuses").items()) {
      report.statusClasses[statusClass] = count.get<long long>();
      counted += count.get<long long>();
      if (statusClass != "2xx") report.non2xx += count.get<long long>();
    }
    // Every response wrk counted must have reached the script, or the per-version counts lie.
    if (counted != report.requests || counts.at("requests").get<long long>() != report.requests) {
      return loadError("the load script counted " + std::to_string(counted) + " responses but wrk " +
                       std::to_string(report.requests) + "; wrk's output: " + std::string(output));
    }
  } catch (const nlohmann::json::exception& error) {
    return loadError(std::string("unreadable GREENLIGHT-LOAD line (") + error.what() + "): " + loadLine);
  }
  return report;
}

std::string wrkScript(int delayMs) {
  std::string script = "local delay_ms = " + std::to_string(delayMs) + "\n";
  script += R"lua(
-- Counts responses per served version and per status class; done() prints the sums over threads.
local threads = {}

-- wrk's own resolve() drops addresses that refuse a probe connection and then exits; keeping them
-- lets a refused port count as socket errors, like a proxy that goes away during a run.
function wrk.resolve(host, service)
  wrk.addrs = wrk.lookup(host, service)
end

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  versions, statuses, unversioned, sent, failed = {}, {}, 0, 0, {}
  request_text = wrk.format()
end

-- Counting what is sent tells a server that stopped answering (wrk counts no error for a request
-- that never gets a response) from one that is merely slow.
function request()
  sent = sent + 1
  return request_text
end

if delay_ms > 0 then
  function delay() return delay_ms end
end

function response(status, headers, body)
  local class = string.format("%dxx", math.floor(status / 100))
  statuses[class] = (statuses[class] or 0) + 1
  local version = body and body:match('<span id="version">([%w%.%-_]+)</span>')
  if version then
    versions[version] = (versions[version] or 0) + 1
  else
    unversioned = unversioned + 1
  end
  if status < 200 or status > 299 then
    local key = version or "(none)"
    failed[key] = (failed[key] or 0) + 1
  end
end

local function add(into, from)
  for key, count in pairs(from or {}) do into[key] = (into[key] or 0) + count end
end

local function object(counts)
  local parts = {}
  for key, count in pairs(counts) do parts[#parts + 1] = string.format('"%s":%d', key, count) end
  return "{" .. table.concat(parts, ",") .. "}"
end

function done(summary, latency, requests)
  local all_versions, all_statuses, all_unversioned, all_sent, all_failed = {}, {}, 0, 0, {}
  for _, thread in ipairs(threads) do
    add(all_versions, thread:get("versions"))
    add(all_statuses, thread:get("statuses"))
    add(all_failed, thread:get("failed"))
    all_unversioned = all_unversioned + (thread:get("unversioned") or 0)
    all_sent = all_sent + (thread:get("sent") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'GREENLIGHT-LOAD {"requests":%d,"sent":%d,"versions":%s,"unversioned":%d,"statuses":%s,"failedVersions":%s,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d,"status":%d},"duration_us":%d}\n',
    summary.requests, all_sent, object(all_versions), all_unversioned, object(all_statuses), object(all_failed),
    e.connect, e.read, e.write, e.timeout, e.status, summary.duration))
end
)lua";
  return script;
}

LoadGenerator::LoadGenerator(LoadOptions options) : options_(std::move(options)) {}

LoadGenerator::~LoadGenerator() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

Status LoadGenerator::start() {
  if (pid_ > 0 || dir_ != nullptr) return loadError("LoadGenerator::start called twice");
  std::string stdbuf = findProgram("stdbuf"), wrk = findProgram("wrk");
  if (wrk.empty()) return loadError("wrk is not installed (apt-get install wrk; scripts/install-deps.sh lists it)");
  if (stdbuf.empty()) return loadError("stdbuf (coreutils) is not installed");
  if (options_.threads < 1 || options_.connections < options_.threads) {
    return loadError("wrk needs at least one thread and at least as many connections as threads");
  }
  dir_ = std::make_unique<TempDir>();
  int delayMs = options_.requestsPerSecond > 0 ? std::max(1, options_.connections * 1000 / options_.requestsPerSecond) : 0;
  writeFile(*dir_ / "load.lua", wrkScript(delayMs));

  // stdbuf -oL: wrk's "Running" line must reach the file at once, to tell when the run has begun.
  std::vector<std::string> arguments = {
      stdbuf, "-oL", wrk, "--latency",
      "-t", std::to_string(options_.threads),
      "-c", std::to_string(options_.connections),
      "-d", std::to_string(options_.duration.count()) + "s",
      "--timeout", std::to_string(options_.timeout.count()) + "s",
      "-s", (*dir_ / "load.lua").string(),
      options_.url};
  std::vector<char*> argv;
  for (auto& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  std::string outputPath = (*dir_ / "wrk.out").string();
  pid_t parent = ::getpid();

  pid_t pid = ::fork();
  if (pid < 0) return errnoError("LoadGeneratorFailed", "fork for wrk", errno);
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    int fd = ::open(outputPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) ::_exit(127);
    ::dup2(fd, STDOUT_FILENO);
    ::dup2(fd, STDERR_FILENO);
    ::close(fd);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  pid_ = pid;

  bool begun = waitFor([&] { return output().find("Running ") != std::string::npos || !running(); },
                       std::chrono::seconds(10));
  if (!begun || !running()) {
    std::string seen = output();
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
    return loadError("wrk did not start against " + options_.url + ": " + (seen.empty() ? "no output" : seen));
  }
  return Status::success();
}

bool LoadGenerator::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  pid_t reaped = ::waitpid(pid_, &status, WNOHANG);
  if (reaped == 0) return true;
  exitStatus_ = reaped == pid_ ? status : -1;
  pid_ = -1;
  return false;
}

std::string LoadGenerator::output() const { return dir_ != nullptr ? readFile(*dir_ / "wrk.out") : ""; }

Result<LoadReport> LoadGenerator::stop() {
  if (dir_ == nullptr) return loadError("LoadGenerator::stop without a started run");
  if (running()) ::kill(pid_, SIGINT);  // wrk's handler ends the run; the summary and done() follow
  return finish(std::chrono::seconds(10));
}

Result<LoadReport> LoadGenerator::wait() {
  if (dir_ == nullptr) return loadError("LoadGenerator::wait without a started run");
  return finish(std::chrono::duration_cast<std::chrono::milliseconds>(options_.duration) + std::chrono::seconds(10));
}

Result<LoadReport> LoadGenerator::finish(std::chrono::milliseconds deadline) {
  if (!waitFor([&] { return !running(); }, deadline)) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
    return loadError("wrk against " + options_.url + " did not end within " + std::to_string(deadline.count()) +
                     " ms and was killed; its output: " + output());
  }
  if (!WIFEXITED(exitStatus_) || WEXITSTATUS(exitStatus_) != 0) {
    std::string how = WIFSIGNALED(exitStatus_) ? "was killed by signal " + std::to_string(WTERMSIG(exitStatus_))
                                                : "exited with " + std::to_string(WEXITSTATUS(exitStatus_));
    return loadError("wrk against " + options_.url + " " + how + "; its output: " + output());
  }
  return parseWrkOutput(output());
}

namespace {

size_t appendBody(char* data, size_t size, size_t count, void* body) {
  static_cast<std::string*>(body)->append(data, size * count);
  return size * count;
}

}  // namespace

VersionSample sampleVersions(const std::string& url, int n, std::chrono::milliseconds timeout) {
  static std::once_flag curlInitialised;
  std::call_once(curlInitialised, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  VersionSample sample;
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) {
    sample.failures = n;
    sample.lastError = "curl_easy_init failed";
    return sample;
  }
  std::string body;
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, appendBody);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
  for (int i = 0; i < n; ++i) {
    body.clear();
    CURLcode code = curl_easy_perform(curl.get());  // the same handle reuses its connection
    long connects = 0;
    curl_easy_getinfo(curl.get(), CURLINFO_NUM_CONNECTS, &connects);
    sample.connections += static_cast<int>(connects);
    if (code != CURLE_OK) {
      ++sample.failures;
      sample.lastError = std::string("request ") + std::to_string(i + 1) + ": " + curl_easy_strerror(code);
      continue;
    }
    long status = 0;
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
    if (status < 200 || status > 299) {
      ++sample.failures;
      sample.lastError = "request " + std::to_string(i + 1) + ": HTTP " + std::to_string(status);
      continue;
    }
    std::string version = versionIn(body);
    if (version.empty()) {
      ++sample.unversioned;
    } else {
      ++sample.versions[version];
    }
  }
  return sample;
}

}  // namespace greenlight::testing
