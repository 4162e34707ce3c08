// What the API's handlers reach: the store and the modules working on it, the long-poll
// registries and the limits. Owned by the server; every member outlives the HTTP server.
#pragma once

#include <atomic>
#include <chrono>

#include "auth/audit_log.h"
#include "auth/token_store.h"
#include "catalog/catalog.h"
#include "catalog/revision_store.h"
#include "common/clock.h"
#include "engine/engine.h"
#include "fleet/fleet_manager.h"
#include "server/authentication_hook.h"
#include "server/deployment_events.h"
#include "server/metrics.h"
#include "server/parking_lot.h"
#include "server/provider_support.h"
#include "server/sessions.h"
#include "store/sqlite_serialized.h"
#include "traffic/traffic_provider.h"

namespace greenlight::server {

struct ApiContext {
  store::SerializedSqliteDatabase& database;
  const Clock& clock;
  // Both use the connection `database` serialises: call them inside withStore only.
  catalog::Catalog& catalog;
  auth::TokenStore& tokens;
  auth::AuditLog& audit;
  // The engine and the fleet manager take the connection themselves: never call them from inside
  // withStore (its mutex is not recursive).
  engine::Engine& engine;
  catalog::RevisionStore& revisions;
  fleet::AgentPresence& presence;
  // Set once the fleet is adopted; until then requests that need it are answered 503.
  std::atomic<fleet::FleetManager*> fleet{nullptr};
  AuthenticatedPrincipals& principals;
  ParkingLot& agentPolls;  // by instance id
  ParkingLot& watchers;    // by deployment id
  std::chrono::milliseconds agentTimeout{30000};
  std::chrono::seconds maxPollWait{30};
  // The load balancer of groups with `loadBalancer: {provider: haproxy}`; null when none is set up
  // (then traffic events have nothing to do).
  traffic::TrafficProvider* traffic = nullptr;
  SessionStore& sessions;                 // the dashboard's logins
  DeploymentEventHub& deploymentEvents;   // GET /v1/deployments/{id}/events
  // Session cookies carry Secure (the server is reached over TLS, e.g. through a proxy).
  bool secureCookies = false;
  // The providers set up on this server; a group needing another is refused when saved.
  ProviderSupport providers{};
  // Filled by the HTTP core's report of every answered request, read by GET /metrics.
  metrics::RequestMetrics requestMetrics{};
  // Every group's compute provider (set once the server has started): a deleted aws group's
  // versions are removed from AWS through it.
  std::atomic<fleet::ComputeProvider*> compute{nullptr};

  template <typename Work>
  decltype(auto) withStore(Work&& work) {
    return database.withConnection(std::forward<Work>(work));
  }
};

}  // namespace greenlight::server
