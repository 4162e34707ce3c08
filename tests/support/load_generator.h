// Load for tests and benchmarks: `LoadGenerator` runs wrk in the background and reports what it
// counted (failures, responses per served version, latency); `sampleVersions` asks one keep-alive
// connection n times which version answers, to check a traffic split at one step.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

namespace greenlight::testing {

class TempDir;

struct LoadOptions {
  std::string url;                                    // e.g. http://127.0.0.1:8080/
  std::chrono::seconds duration{30};                  // wrk -d: the run's upper bound; stop() ends it sooner
  int threads = 2;                                    // wrk -t
  int connections = 8;                                // wrk -c, at least `threads`
  std::chrono::seconds timeout{2};                    // wrk --timeout: a slower response counts as a timeout
  int requestsPerSecond = 0;                          // 0: as fast as possible; else each connection waits
                                                      // connections*1000/rate ms between requests (a little
                                                      // under this rate, since latency adds to each wait)
};

struct SocketErrors {
  long long connect = 0;
  long long read = 0;   // includes connections closed with no response
  long long write = 0;  // wrk counts a refused connection here
  long long timeout = 0;
  long long total() const { return connect + read + write + timeout; }
};

struct LoadReport {
  long long requests = 0;   // responses received, whatever their status
  long long sent = 0;       // requests written, including those that met a socket error
  long long non2xx = 0;     // responses whose status is not 2xx
  SocketErrors socketErrors;
  std::map<std::string, long long> versions;  // responses per <span id="version">VERSION</span> in the body
  long long unversioned = 0;                  // responses without one (e.g. a proxy's 503 page)
  std::map<std::string, long long> failedVersions;  // non-2xx responses per version ("(none)": unversioned)
  std::map<std::string, long long> statusClasses;  // "2xx" -> count, "5xx" -> count …
  double requestsPerSecond = 0;
  std::chrono::microseconds latencyP50{0};
  std::chrono::microseconds latencyP99{0};
  std::chrono::microseconds duration{0};     // as wrk measured it

  long long failures() const { return non2xx + socketErrors.total(); }
  // Requests written but never answered: lost to a socket error, or still waiting when the run
  // ended. wrk counts no error for a request that never gets a response, so up to `connections` is
  // normal at the end of a run, more means requests were lost, and all of them a server that hangs.
  long long unanswered() const { return sent > requests ? sent - requests : 0; }
  // One line for assertion messages: requests, failures by kind, versions, latency.
  std::string summary() const;
};

// Reads wrk's text output (with --latency) and the GREENLIGHT-LOAD line the generated script prints
// from done(). Fails when either part is missing (wrk died, or a run without our script).
Result<LoadReport> parseWrkOutput(std::string_view output);

// The Lua script wrk runs: counts responses per version and per status class in every thread and
// prints them, summed over threads, as one `GREENLIGHT-LOAD {json}` line. `delayMs` > 0 makes each
// connection wait that long before each request. It also makes wrk start against a port that
// refuses connections (which then count as socket errors) instead of exiting at once.
std::string wrkScript(int delayMs);

// One wrk run. Not thread-safe: call start() and stop()/wait() from one thread, which must live
// through the run (wrk is SIGKILLed when the thread that started it exits, so a crashed test leaves no
// load behind).
class LoadGenerator {
 public:
  explicit LoadGenerator(LoadOptions options);
  ~LoadGenerator();  // a run still going is killed and reaped
  LoadGenerator(const LoadGenerator&) = delete;
  LoadGenerator& operator=(const LoadGenerator&) = delete;

  // Starts wrk and returns once it is sending requests (its "Running" line is out), so whatever the
  // test does next happens under load. Fails when wrk or stdbuf is missing or wrk exits at once.
  // REQUIRES: not started yet.
  [[nodiscard]] Status start();
  // Ends the run early: wrk stops on SIGINT within about 0.1 s and still prints its summary.
  // REQUIRES: start() succeeded.
  [[nodiscard]] Result<LoadReport> stop();
  // Waits for the run to end by itself (options.duration).
  // REQUIRES: start() succeeded.
  [[nodiscard]] Result<LoadReport> wait();

  bool running();
  // wrk's output so far (stdout and stderr), for failure messages.
  std::string output() const;

 private:
  Result<LoadReport> finish(std::chrono::milliseconds deadline);

  LoadOptions options_;
  std::unique_ptr<TempDir> dir_;  // the script and wrk's output
  pid_t pid_ = -1;                // wrk (under stdbuf) until it is reaped
  int exitStatus_ = 0;            // waitpid's status once reaped
};

struct VersionSample {
  std::map<std::string, int> versions;  // 2xx responses per served version
  int unversioned = 0;                  // 2xx responses without a version span
  int failures = 0;                     // transport errors and non-2xx responses
  int connections = 0;                  // connections opened (1 when keep-alive held throughout)
  std::string lastError;                // the last failure, for messages
};

// n sequential GETs of `url` on one keep-alive connection (libcurl), each bounded by `timeout`.
VersionSample sampleVersions(const std::string& url, int n,
                             std::chrono::milliseconds timeout = std::chrono::seconds(2));

}  // namespace greenlight::testing
