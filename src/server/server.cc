// Wiring of the control plane: the store and its schema, the first admin token, the revision
// store, the engine with its long-poll wake-ups, the local fleet and its periodic check, and the
// HTTP API in front of them.
#include "server/server.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "auth/admin_bootstrap.h"
#include "auth/audit_log.h"
#include "auth/auth_schema.h"
#include "auth/token_store.h"
#include "catalog/aws_fleet_spec.h"
#include "catalog/catalog.h"
#include "catalog/revision_store.h"
#include "common/error_codes.h"
#include "common/files.h"
#include "engine/engine.h"
#include "fleet/fleet_manager.h"
#include "fleet/local_fleet.h"
#include "http/http_server.h"
#include "notify/notification_store.h"
#include "notify/notifier.h"
#include "notify/webhook_sender.h"
#include "providers/aws/asg_fleet.h"
#include "providers/aws/cloudwatch_alarms.h"
#include "providers/aws/elbv2_traffic.h"
#include "providers/aws/s3_revisions.h"
#include "server/api_context.h"
#include "server/api_routes.h"
#include "server/authentication_hook.h"
#include "server/event_log.h"
#include "server/lazy_traffic_provider.h"
#include "server/long_poll.h"
#include "server/parking_lot.h"
#include "server/provider_router.h"
#include "server/wake_queue.h"
#include "store/sqlite_database.h"
#include "store/sqlite_serialized.h"

namespace greenlight::server {

namespace {

inline constexpr const char* kAddressFileName = "server.addr";

Error startupError(const std::string& what, const Error& cause) {
  return Error{cause.code, what + ": " + cause.message};
}

// Where local agents reach the server: a wildcard listen address is reached on loopback.
std::string advertisedAddress(const std::string& host, std::uint16_t port) {
  std::string reachable = (host.empty() || host == "0.0.0.0" || host == "::") ? "127.0.0.1" : host;
  if (reachable.find(':') != std::string::npos) reachable = "[" + reachable + "]";
  return reachable + ":" + std::to_string(port);
}

}  // namespace

struct Server::Impl {
  ServerOptions options;
  SystemClock clock;
  store::SqliteDatabase* connection = nullptr;  // owned by `database`
  std::unique_ptr<store::SerializedSqliteDatabase> database;
  std::unique_ptr<auth::TokenStore> tokens;
  auth::AuditLog audit{clock};
  std::unique_ptr<catalog::Catalog> catalog;
  std::optional<catalog::RevisionStore> revisions;
  fleet::AgentPresence presence{clock};
  AuthenticatedPrincipals principals;
  SessionStore sessions{clock};
  std::unique_ptr<DeploymentEventHub> deploymentEvents;
  ParkingLot agentPolls;
  ParkingLot watchers;
  WakeQueue wakeQueue;
  std::unique_ptr<engine::Engine> engine;
  std::unique_ptr<notify::CurlWebhookSender> webhookSender;
  std::unique_ptr<notify::Notifier> notifier;  // set before the engine can call its hooks
  std::unique_ptr<fleet::LocalFleet> localFleet;
  std::unique_ptr<LazyTrafficProvider> embeddedTraffic;  // unless a provider was injected
  // AWS (with options.aws.enabled): the clients, the aws fleet and the aws-elbv2 balancer.
  std::unique_ptr<providers::aws::AwsClients> awsClients;
  std::unique_ptr<providers::aws::Elbv2TrafficProvider> elbv2;
  std::unique_ptr<providers::aws::AwsComputeProvider> awsCompute;
  std::unique_ptr<ProviderRouter> router;  // what the engine and the routes see
  std::unique_ptr<ApiContext> context;
  std::vector<RouteInfo> routes;
  std::unique_ptr<http::HttpServer> http;
  std::unique_ptr<fleet::FleetManager> fleetManager;

  std::mutex checkMutex;
  std::condition_variable checkWake;
  bool stopping = false;  // GUARDED_BY(checkMutex)
  std::thread checker;
  bool started = false;
  bool stopped = false;

  Status open();
  Status openAws();
  Status start();
  void stop();
  void checkLoop();
  engine::EngineHooks hooks();
};

engine::EngineHooks Server::Impl::hooks() {
  engine::EngineHooks engineHooks;
  // The hooks run right after a commit on the engine's or a handler's thread: only post here.
  engineHooks.commandQueued = [this](const std::string& instanceId) {
    if (!agentPolls.has(instanceId)) return;
    wakeQueue.post([this, instanceId] { answerAgentPolls(*context, instanceId); });
  };
  engineHooks.passFailed = [](const std::string& message) { logEvent("engine: " + message); };
  engineHooks.deploymentChanged = [this](const std::string& deploymentId) {
    notifier->deploymentChanged(deploymentId);  // queues the id: never waits for a webhook
    deploymentEvents->changed(deploymentId);    // marks it for the live pages' thread
    if (!watchers.has(deploymentId)) return;
    wakeQueue.post([this, deploymentId] { answerWatchers(*context, deploymentId); });
  };
  return engineHooks;
}

Status Server::Impl::open() {
  if (options.dataDir.empty()) {
    return Error{codes::kInvalidArgument, "No data folder given: pass --data DIR."};
  }
  auto opened = store::SqliteDatabase::openInDataFolder(options.dataDir);
  if (!opened.ok()) {
    return startupError("Cannot use the data folder " + options.dataDir.string(), opened.error());
  }
  connection = opened->get();
  if (Status migrated = auth::migrateAuthSchema(*connection, clock); !migrated.ok()) {
    return startupError("Cannot bring the store's auth tables up to date", migrated.error());
  }
  if (Status migrated = catalog::migrateCatalogSchema(*connection, clock); !migrated.ok()) {
    return startupError("Cannot bring the store's catalog tables up to date", migrated.error());
  }
  if (Status migrated = engine::migrateEngineSchema(*connection, clock); !migrated.ok()) {
    return startupError("Cannot bring the store's engine tables up to date", migrated.error());
  }
  if (Status migrated = notify::migrateNotifySchema(*connection, clock); !migrated.ok()) {
    return startupError("Cannot bring the store's notification tables up to date", migrated.error());
  }
  database = std::make_unique<store::SerializedSqliteDatabase>(std::move(*opened));
  tokens = std::make_unique<auth::TokenStore>(*connection, clock);
  catalog = std::make_unique<catalog::Catalog>(*connection, clock);

  auto admin = auth::ensureAdminToken(options.dataDir, *tokens, audit);
  if (!admin.ok()) return startupError("Cannot set up the first admin token", admin.error());
  if (!admin->notice.empty()) logEvent(admin->notice);

  auto revisionStore = catalog::RevisionStore::open(options.dataDir / "revisions");
  if (!revisionStore.ok()) {
    return startupError("Cannot open the revision store", revisionStore.error());
  }
  revisions.emplace(std::move(*revisionStore));

  deploymentEvents = std::make_unique<DeploymentEventHub>(
      [this](const std::string& id) { return engine->getDeployment(id, /*withTargets=*/true); });
  engine = std::make_unique<engine::Engine>(*database, clock, audit, hooks());
  webhookSender = std::make_unique<notify::CurlWebhookSender>();
  notify::NotifierOptions notifierOptions;
  notifierOptions.log = [](const std::string& line) { logEvent(line); };
  notifier = std::make_unique<notify::Notifier>(
      *database, clock,
      [this](const std::string& id) { return engine->getDeployment(id, /*withTargets=*/true); },
      *webhookSender, notifierOptions);
  localFleet = std::make_unique<fleet::LocalFleet>(fleet::LocalFleetOptions{options.agentBinary});
  traffic::TrafficProvider* traffic = options.traffic;
  if (traffic == nullptr) {
    embeddedTraffic =
        std::make_unique<LazyTrafficProvider>(options.dataDir / "haproxy", options.haproxyBinary,
                                              options.haproxyMetricsListen);
    traffic = embeddedTraffic.get();
  }
  if (Status aws = openAws(); !aws.ok()) return aws;
  router = std::make_unique<ProviderRouter>(*database, clock, nullptr, nullptr, traffic, elbv2.get());
  // Braces, not make_unique: the context holds an atomic, so it is built in place.
  context.reset(new ApiContext{*database, clock, *catalog, *tokens, audit, *engine, *revisions,
                               presence, {nullptr}, principals, agentPolls, watchers,
                               options.agentTimeout, options.maxPollWait, router.get(), sessions,
                               *deploymentEvents, options.secureCookies});
  context->providers = {awsClients != nullptr, awsClients != nullptr, awsClients != nullptr};
  RouteTable table;
  addApiRoutes(table, *context);
  routes = table.routes();
  http::HttpServerOptions httpOptions;
  httpOptions.host = options.listenHost;
  httpOptions.port = options.listenPort;
  httpOptions.threads = options.threads;
  httpOptions.onAnswered = [this](const http::AnsweredRequest& answered) {
    context->requestMetrics.record(answered.method, answered.routePattern, answered.status,
                                   std::chrono::duration<double>(answered.duration).count());
  };
  http = std::make_unique<http::HttpServer>(httpOptions, table.takeRouter(),
                                            makeAuthenticator(*database, *tokens, principals, sessions));
  return {};
}

// AWS access, when configured: the credentials are resolved now, so a server that cannot reach AWS
// says so at start rather than at its first deployment.
Status Server::Impl::openAws() {
  if (!options.aws.enabled) return {};
  aws::ClientConfig config;
  config.region = options.aws.region;
  config.endpointUrl = options.aws.endpointUrl;
  config.profile = options.aws.profile;
  awsClients = std::make_unique<providers::aws::AwsClients>(config);
  auto client = awsClients->forRegion("");
  if (!client.ok()) return startupError("Cannot set up AWS access", client.error());
  logEvent("AWS: region " + (*client)->region() + ", credentials from " + (*client)->credentialsSource() +
           ((*client)->endpointUrl().empty() ? "" : ", endpoint " + (*client)->endpointUrl()));
  elbv2 = std::make_unique<providers::aws::Elbv2TrafficProvider>(
      *awsClients, [this](const std::string& groupId) -> Result<catalog::Elbv2Spec> {
        auto group = database->withConnection([&](store::SqliteDatabase& db) {
          return catalog::Catalog(db, clock).getGroupById(groupId);
        });
        if (!group.ok()) return group.error();
        auto balancer = catalog::loadBalancerOf(*group);
        if (!balancer.ok()) return balancer.error();
        if (!*balancer || !(*balancer)->isElbv2()) {
          return Error{codes::kConflict, "group " + group->spec.application + "/" + group->spec.name +
                                             " has no aws-elbv2 load balancer"};
        }
        catalog::Elbv2Spec spec = *(*balancer)->elbv2;
        if (spec.region.empty()) {
          auto fleet = catalog::awsFleetOf(*group);
          if (fleet.ok()) spec.region = fleet->region;
        }
        return spec;
      });
  if (!options.aws.revisionBucket.empty()) {
    revisions->setMirror(std::make_shared<providers::aws::S3RevisionMirror>(*awsClients, options.aws.revisionBucket));
    logEvent("AWS: revisions are also kept in s3://" + options.aws.revisionBucket + "/revisions/");
  }
  engine->setCloudWatchReader([this](const catalog::DeploymentGroup& group, const catalog::CheckSpec& check) {
    catalog::CheckSpec filled = check;
    if (filled.cloudwatch && filled.cloudwatch->region.empty()) {
      auto fleet = catalog::awsFleetOf(group);
      if (fleet.ok()) filled.cloudwatch->region = fleet->region;
    }
    return providers::aws::readCloudWatchAlarms(*awsClients, filled);
  });
  return {};
}

// The HTTP server binds first because local agents must be told the port, which may be
// ephemeral; until the fleet is adopted, calls that need it are answered 503 and agents retry.
Status Server::Impl::start() {
  if (started) return Error{codes::kConflict, "The server was already started."};
  started = true;
  if (Status listening = http->start(); !listening.ok()) {
    return startupError("Cannot listen on " + options.listenHost + ":" +
                            std::to_string(options.listenPort) +
                            " (is another server using the port?)",
                        listening.error());
  }
  std::string address = advertisedAddress(options.listenHost, http->port());
  fleetManager = std::make_unique<fleet::FleetManager>(
      *database, clock, audit, *localFleet, presence,
      fleet::FleetManagerOptions{options.dataDir, address, options.agentTimeout},
      [this] { engine->wake(); });
  if (Status adopted = fleetManager->adoptAll(); !adopted.ok()) {
    http->stop();
    return startupError("Cannot adopt the local fleet", adopted.error());
  }
  context->fleet.store(fleetManager.get());
  // HAProxy outlives the server: adopt the one serving the groups (or start it again) before
  // deployments resume. A failure is the load-balanced groups' problem, not every group's.
  if (embeddedTraffic) {
    if (Status balanced = embeddedTraffic->startIfConfigured(); !balanced.ok()) {
      logEvent("load balancer: " + balanced.error().message);
    }
  }
  if (awsClients) {
    providers::aws::AwsFleetOptions fleetOptions;
    fleetOptions.serverUrl = options.aws.agentServerUrl.empty() ? "http://" + address : options.aws.agentServerUrl;
    fleetOptions.agentUrl = options.aws.agentUrl;
    if (!options.aws.historyTable.empty()) {
      fleetOptions.history = std::make_shared<providers::aws::DynamoDbFleetHistory>(
          *awsClients, options.aws.historyTable, clock);
      logEvent("AWS: fleet version history goes to DynamoDB table " + options.aws.historyTable);
    }
    fleetOptions.log = [](const std::string& line) { logEvent(line); };
    awsCompute = std::make_unique<providers::aws::AwsComputeProvider>(
        *database, clock, *awsClients,
        [this](const std::string& groupId) { return fleetManager->enrolmentTokenFile(groupId); },
        fleetOptions);
  }
  router->setComputeProviders(fleetManager.get(), awsCompute.get());
  context->compute.store(router.get());
  engine->setProviders(router.get(), router.get());
  notifier->start();  // first looks at what a previous run had not notified
  engine->start();
  checker = std::thread([this] { checkLoop(); });
  std::string listening = options.listenHost + ":" + std::to_string(http->port());
  if (Status written = writeFileAtomically(options.dataDir / kAddressFileName, listening + "\n");
      !written.ok()) {
    logEvent("could not write " + (options.dataDir / kAddressFileName).string() + ": " +
             written.error().message);
  }
  logEvent("greenlight server listening on " + listening + ", data in " +
           options.dataDir.string());
  return {};
}

void Server::Impl::checkLoop() {
  std::unique_lock lock(checkMutex);
  while (!stopping) {
    checkWake.wait_for(lock, std::chrono::seconds(1), [this] { return stopping; });
    if (stopping) break;
    lock.unlock();
    if (Status checked = fleetManager->check(); !checked.ok()) {
      logEvent("fleet check failed: " + checked.error().message);
    }
    if (embeddedTraffic) {
      if (Status supervised = embeddedTraffic->supervise(); !supervised.ok()) {
        logEvent("load balancer: " + supervised.error().message);
      }
    }
    agentPolls.sweep();
    watchers.sweep();
    lock.lock();
  }
}

// Local agents are left running: they outlive the server and are adopted at its next start.
void Server::Impl::stop() {
  if (stopped) return;
  stopped = true;
  {
    std::lock_guard lock(checkMutex);
    stopping = true;
  }
  checkWake.notify_all();
  if (checker.joinable()) checker.join();
  if (http) http->stop();
  if (deploymentEvents) deploymentEvents->stop();  // before the engine its reads go through
  if (engine) engine->stop();
  if (notifier) notifier->stop();  // after the engine: nothing queues ids any more
  wakeQueue.stop();
  if (started) logEvent("greenlight server stopped");
}

Result<std::unique_ptr<Server>> Server::create(const ServerOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  if (Status opened = impl->open(); !opened.ok()) return opened.error();
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  if (impl_) impl_->stop();
}

Status Server::start() { return impl_->start(); }

void Server::stop() { impl_->stop(); }

std::uint16_t Server::port() const { return impl_->http->port(); }

const std::vector<RouteInfo>& Server::routes() const { return impl_->routes; }

}  // namespace greenlight::server
