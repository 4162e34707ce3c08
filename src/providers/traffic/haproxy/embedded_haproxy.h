// greenlight's HAProxy: a master-worker HAProxy run from its own folder, configured from the
// pools greenlight asserts, changed at runtime through a persistent stats-socket session.
//
// The folder (EmbeddedHaproxyOptions::dir) holds haproxy.cfg (generated, checked with haproxy -c
// before it replaces the previous one), admin.sock (stats socket, level admin), master.sock,
// server-state (dumped after every runtime change), haproxy.pid (the master's), haproxy.log
// (HAProxy's stdio) and pools.json (the model: every pool, member, weight and admin state).
// HAProxy is started detached and outlives greenlight; the next `start()` adopts it.
//
// Pools with a `frontend` are served by this HAProxy. A pool without a frontend but with
// `adminSocket` and `backend` is a backend of an existing HAProxy (the operator's): its members
// are managed through that socket with `add server`/`del server` and never appear in our
// configuration; the operator's own reloads of that HAProxy drop them (greenlight's next
// `addMember` adds them back, safely drained).
//
// Thread-safe: one mutex around the model and the sessions.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/result.h"
#include "providers/traffic/haproxy/backend_runtime.h"
#include "providers/traffic/haproxy/pool_model.h"
#include "providers/traffic/haproxy/runtime_session.h"
#include "traffic/traffic_provider.h"

namespace greenlight::providers::haproxy {

struct EmbeddedHaproxyOptions {
  std::filesystem::path dir;       // e.g. <data>/haproxy; created if missing
  std::string binary = "haproxy";  // looked up in PATH unless a path
  std::chrono::milliseconds startTimeout = std::chrono::seconds(10);   // until the admin socket answers
  std::chrono::milliseconds reloadTimeout = std::chrono::seconds(10);  // until the new worker answers
  std::chrono::milliseconds stopTimeout = std::chrono::seconds(10);    // SIGTERM, then SIGKILL
  // HOST:PORT where HAProxy serves its Prometheus exporter (/metrics); empty: not served.
  std::string metricsListen = "";
  // Where the provider tells an operator what it did on its own (a restart by supervise()).
  // Default: standard error.
  std::function<void(const std::string&)> log = nullptr;
};

class EmbeddedHaproxy : public traffic::TrafficProvider {
 public:
  // Reads pools.json; starts nothing (call start()).
  static Result<std::unique_ptr<EmbeddedHaproxy>> open(EmbeddedHaproxyOptions options);
  // Leaves HAProxy running: it serves while greenlight restarts.
  ~EmbeddedHaproxy() override;

  // Adopts the HAProxy already running from this folder (pid file + master socket answering) or
  // starts one from the model, then waits until the admin socket answers.
  Status start();
  // Call periodically (every second): restarts HAProxy from the configuration when its master is
  // gone, and says so through options.log. Success when HAProxy runs (again).
  Status supervise();
  // Checks the configuration, dumps the server state, reloads through the master socket and
  // waits for the new worker. A refused configuration leaves the old worker serving.
  Status reload();
  // Stops the HAProxy of this folder (started or adopted) and waits until it is gone.
  Status shutdown();

  // TrafficProvider. REQUIRES: start() succeeded (otherwise Unavailable).
  Status ensurePool(const traffic::Pool& pool) override;
  Status removePool(const std::string& poolId) override;
  Status addMember(const std::string& poolId, const traffic::Member& member) override;
  Status setWeights(const std::string& poolId, const std::map<std::string, int>& weights) override;
  Result<bool> removeMember(const std::string& poolId, const std::string& instanceId) override;
  Result<std::vector<traffic::MemberStatus>> status(const std::string& poolId) override;

  // The master's pid (0 when none runs); whether start() adopted it; how many times supervise()
  // restarted it.
  int masterPid() const;
  bool adopted() const;
  int restarts() const;
  const std::filesystem::path& dir() const { return options_.dir; }
  std::filesystem::path configFile() const { return options_.dir / "haproxy.cfg"; }
  std::filesystem::path adminSocket() const { return options_.dir / "admin.sock"; }

 private:
  EmbeddedHaproxy(EmbeddedHaproxyOptions options, ProviderModel model);

  Status startLocked();
  Status reloadLocked();
  bool masterAnswersLocked();
  Status waitForWorkerLocked(int previousWorkerPid, std::chrono::milliseconds timeout,
                             const std::string& frontendExpected);
  Result<int> workerPidLocked();
  Status writeConfigLocked(const ProviderModel& model);
  Status dumpServerStateLocked();
  // After a runtime change: pools.json, haproxy.cfg (embedded pools) and the server state.
  Status persistLocked(const PoolModel& changed);
  Result<PoolModel*> poolLocked(const std::string& poolId);
  RuntimeSession& sessionFor(const PoolModel& pool);
  Status requireStartedLocked() const;
  void say(const std::string& message) const;

  EmbeddedHaproxyOptions options_;
  mutable std::mutex mu_;
  ProviderModel model_;                                                     // GUARDED_BY(mu_)
  RuntimeSession adminSession_;                                             // GUARDED_BY(mu_)
  std::map<std::string, std::unique_ptr<RuntimeSession>> externalSessions_;  // GUARDED_BY(mu_), by socket
  bool started_ = false;                                                    // GUARDED_BY(mu_)
  bool adopted_ = false;                                                    // GUARDED_BY(mu_)
  int restarts_ = 0;                                                        // GUARDED_BY(mu_)
};

}  // namespace greenlight::providers::haproxy
