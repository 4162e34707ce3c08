// GET /metrics: the server's Prometheus metrics. Public like /v1/health (scrapers carry no
// token); it gives counts and route patterns only, never a name, an id or a revision.
#include <array>

#include "server/api_routes.h"
#include "server/error_mapping.h"
#include "server/metrics.h"

namespace greenlight::server {

namespace {

constexpr std::array kDeploymentStatuses = {
    domain::DeploymentStatus::Created,   domain::DeploymentStatus::Queued,
    domain::DeploymentStatus::InProgress, domain::DeploymentStatus::Baking,
    domain::DeploymentStatus::Ready,     domain::DeploymentStatus::Succeeded,
    domain::DeploymentStatus::Failed,    domain::DeploymentStatus::Stopped};

constexpr std::array kInstanceLifecycles = {
    catalog::InstanceLifecycle::Launching, catalog::InstanceLifecycle::Running,
    catalog::InstanceLifecycle::Lost, catalog::InstanceLifecycle::Terminated};

// Read at scrape time: two aggregate queries on the deployments, one on the instances, and the
// in-memory registries. Nothing is cached, so a scrape always agrees with the API.
Result<metrics::Snapshot> takeSnapshot(ApiContext& context) {
  // The engine takes the connection itself: outside withStore.
  Result<engine::DeploymentStatistics> deployments = context.engine.deploymentStatistics();
  if (!deployments.ok()) return deployments.error();
  auto instances = context.withStore(
      [&](store::SqliteDatabase&) { return context.catalog.countInstancesByLifecycle(); });
  if (!instances.ok()) return instances.error();

  metrics::Snapshot snapshot;
  for (domain::DeploymentStatus status : kDeploymentStatuses) {
    auto found = deployments->byStatus.find(status);
    snapshot.deploymentsByStatus[toString(status)] =
        found == deployments->byStatus.end() ? 0 : found->second;
  }
  for (const engine::DeploymentStatistics::Finished& finished : deployments->finished) {
    snapshot.finishedDeployments.push_back(metrics::Snapshot::Finished{
        finished.strategy, toString(finished.status), finished.count, finished.totalSeconds});
  }
  for (catalog::InstanceLifecycle lifecycle : kInstanceLifecycles) {
    auto found = instances->find(lifecycle);
    snapshot.instancesByState[catalog::toString(lifecycle)] =
        found == instances->end() ? 0 : found->second;
  }
  snapshot.agentConnections =
      static_cast<std::int64_t>(context.presence.countSeenWithin(context.agentTimeout));
  snapshot.agentPollsWaiting = static_cast<std::int64_t>(context.agentPolls.waitingCount());
  snapshot.deploymentWatchersWaiting = static_cast<std::int64_t>(context.watchers.waitingCount());
  return snapshot;
}

http::HttpResponse scrape(ApiContext& context) {
  Result<metrics::Snapshot> snapshot = takeSnapshot(context);
  if (!snapshot.ok()) return errorFor(snapshot.error());
  metrics::TextWriter writer;
  metrics::writeSnapshot(writer, *snapshot);
  context.requestMetrics.write(writer);
  http::HttpResponse response;
  response.contentType = std::string(metrics::kContentType);
  response.body = writer.text();
  return response;
}

}  // namespace

void addMetricsRoutes(RouteTable& routes, ApiContext& context) {
  routes.add(
      "GET", "/metrics", [&context](const http::HttpRequest&) { return scrape(context); },
      http::RouteOptions::publicRoute());
}

}  // namespace greenlight::server
