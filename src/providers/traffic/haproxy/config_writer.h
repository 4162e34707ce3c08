// haproxy.cfg generated from the model: the global and defaults sections measured to give zero
// failed requests (shared/reference/haproxy-runtime.md), one frontend and one backend per
// embedded pool, one static server line per member carrying its weight and admin state.
#pragma once

#include <filesystem>
#include <string>

#include "common/result.h"
#include "providers/traffic/haproxy/pool_model.h"
#include "traffic/traffic_provider.h"

namespace greenlight::providers::haproxy {

struct ConfigPaths {
  std::filesystem::path adminSocket;
  std::filesystem::path serverStateFile;
  std::string metricsListen = "";  // HOST:PORT: HAProxy's own Prometheus exporter at /metrics; "" none
};

// Pure: the same model gives the same text. External pools are left out.
std::string generateConfig(const ProviderModel& model, const ConfigPaths& paths);

// The check options of a server (static line or `add server`): check inter fastinter downinter
// fall rise, from the pool's health check.
std::string checkOptions(const traffic::HealthCheck& check);

// Returns an Error naming what is wrong for inputs haproxy would reject or misread (ids, paths
// with spaces, addresses without a port), before haproxy is asked.
Status validatePoolShape(const traffic::Pool& pool);

// Runs `binary -c -f file`; an Error carries haproxy's own output.
Status checkConfigFile(const std::string& binary, const std::filesystem::path& file);

// Writes `text` to `target`.new, has haproxy check it, then renames it over `target` (fsynced).
// A refused file never replaces the current one.
Status installCheckedConfig(const std::string& binary, const std::filesystem::path& target, const std::string& text);

}  // namespace greenlight::providers::haproxy
