// FleetManager on a real store: creating and launching a local group, adoption after a server
// restart, lost detection (dead processes, silent agents), restarting and stopping instances.
#include "fleet/fleet_manager.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <set>

#include "common/error_codes.h"
#include "fleet/fleet_manager_fixture.h"

namespace greenlight::fleet {
namespace {

using catalog::InstanceLifecycle;
using testing::readFile;
using testing::waitFor;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// ---- without processes: static instances and presence ----

class FleetManagerTest : public FleetManagerFixture {
 protected:
  catalog::Instance addStaticInstance(const std::string& groupId, const std::string& host,
                                      InstanceLifecycle lifecycle) {
    catalog::Instance request;
    request.groupId = groupId;
    request.provider = catalog::FleetProvider::Static;
    request.hostName = host;
    request.lifecycle = lifecycle;
    catalog::Instance created;
    withCatalog([&](catalog::Catalog& catalog) {
      auto made = catalog.createInstance(request);
      ASSERT_TRUE(made.ok()) << made.error().message;
      created = *made;
    });
    return created;
  }
};

TEST_F(FleetManagerTest, EnsureFleetLeavesStaticGroupsAlone) {
  auto group = createGroup("edge", 0, std::nullopt, catalog::FleetProvider::Static);
  ASSERT_TRUE(manager_->ensureFleet(group.id).ok());
  EXPECT_TRUE(instancesOf(group.id).empty());
  EXPECT_FALSE(std::filesystem::exists(data_ / "fleet" / group.id));
}

TEST_F(FleetManagerTest, EnsureFleetOfAnUnknownGroupIsNotFound) {
  Status ensured = manager_->ensureFleet("dg-000000000000");
  ASSERT_FALSE(ensured.ok());
  EXPECT_EQ(ensured.error().code, "NotFound");
}

TEST_F(FleetManagerTest, AnAgentHeardFromBecomesRunning) {
  auto group = createGroup("edge", 0, std::nullopt, catalog::FleetProvider::Static);
  auto host = addStaticInstance(group.id, "edge-a", InstanceLifecycle::Launching);
  manager_->agentSeen(host.id);
  EXPECT_EQ(instance(host.id).lifecycle, InstanceLifecycle::Running);
  EXPECT_EQ(fleetChanges_, 1);
  manager_->agentSeen(host.id);  // already Running: nothing changes, nothing announced
  EXPECT_EQ(fleetChanges_, 1);
}

TEST_F(FleetManagerTest, AnAgentSilentPastTheTimeoutIsLostAndComesBackWhenHeardFrom) {
  auto group = createGroup("edge", 0, std::nullopt, catalog::FleetProvider::Static);
  auto host = addStaticInstance(group.id, "edge-a", InstanceLifecycle::Launching);
  manager_->agentSeen(host.id);
  clock_.advance(std::chrono::seconds(30));
  ASSERT_TRUE(manager_->check().ok());
  EXPECT_EQ(instance(host.id).lifecycle, InstanceLifecycle::Running);  // exactly at the limit

  clock_.advance(std::chrono::seconds(1));
  int changesBefore = fleetChanges_;
  ASSERT_TRUE(manager_->check().ok());
  auto lost = instance(host.id);
  EXPECT_EQ(lost.lifecycle, InstanceLifecycle::Lost);
  EXPECT_EQ(lost.lifecycleReason, "no word from the agent for 31s (timeout 30s)");
  EXPECT_EQ(fleetChanges_, changesBefore + 1);

  manager_->agentSeen(host.id);
  EXPECT_EQ(instance(host.id).lifecycle, InstanceLifecycle::Running);
}

TEST_F(FleetManagerTest, CheckBringsBackALostAgentHeardFromSince) {
  auto group = createGroup("edge", 0, std::nullopt, catalog::FleetProvider::Static);
  auto host = addStaticInstance(group.id, "edge-a", InstanceLifecycle::Running);
  withCatalog([&](catalog::Catalog& catalog) {
    ASSERT_TRUE(catalog.setInstanceLifecycle(host.id, InstanceLifecycle::Lost, "test").ok());
  });
  presence_->touch(host.id);  // heard from without the manager's fast path
  ASSERT_TRUE(manager_->check().ok());
  EXPECT_EQ(instance(host.id).lifecycle, InstanceLifecycle::Running);
}

TEST_F(FleetManagerTest, AServerRestartGivesEveryAgentAFreshGracePeriod) {
  auto group = createGroup("edge", 0, std::nullopt, catalog::FleetProvider::Static);
  auto host = addStaticInstance(group.id, "edge-a", InstanceLifecycle::Running);
  clock_.advance(std::chrono::minutes(5));  // the server was down for a while
  startServer();
  ASSERT_TRUE(manager_->adoptAll().ok());
  clock_.advance(std::chrono::seconds(29));
  ASSERT_TRUE(manager_->check().ok());
  EXPECT_EQ(instance(host.id).lifecycle, InstanceLifecycle::Running);
  clock_.advance(std::chrono::seconds(2));
  ASSERT_TRUE(manager_->check().ok());
  EXPECT_EQ(instance(host.id).lifecycle, InstanceLifecycle::Lost);
}

TEST_F(FleetManagerTest, OnlyLostLocalInstancesCanBeRestarted) {
  auto group = createGroup("edge", 0, std::nullopt, catalog::FleetProvider::Static);
  auto host = addStaticInstance(group.id, "edge-a", InstanceLifecycle::Lost);
  auto refused = manager_->restartInstance(host.id, alice_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "Conflict");
  EXPECT_TRUE(contains(refused.error().message, "edge-a"));
  auto unknown = manager_->restartInstance("i-000000000000", alice_);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, "NotFound");
}

// ---- with agent processes ----

// ---- blue/green fleet versions, without processes ----

TEST_F(FleetManagerTest, EnsureFleetMakesNoStandingFleetForABlueGreenGroup) {
  auto group = createBlueGreenGroup("web", 2);
  Status ensured = manager_->ensureFleet(group.id);
  ASSERT_TRUE(ensured.ok()) << ensured.error().message;
  EXPECT_TRUE(instancesOf(group.id, true).empty());
  // Its fleet versions' agents enrol with the group's token all the same.
  EXPECT_TRUE(std::filesystem::exists(data_ / "fleet" / group.id / "enrolment.token"));
}

TEST_F(FleetManagerTest, FleetVersionsNeedAKnownLocalBlueGreenGroupAndAName) {
  auto unknown = manager_->provisionFleetVersion("dg-000000000000", "shop-web-v001", 2);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, codes::kNotFound);

  auto fixed = createGroup("fixed", 0, std::nullopt, catalog::FleetProvider::Static);
  auto onStatic = manager_->provisionFleetVersion(fixed.id, "shop-fixed-v001", 2);
  ASSERT_FALSE(onStatic.ok());
  EXPECT_EQ(onStatic.error().code, codes::kConflict);
  EXPECT_TRUE(contains(onStatic.error().message, "needs a local fleet") ||
              contains(onStatic.error().message, "need a local fleet"))
      << onStatic.error().message;

  auto inPlace = createGroup("web", 2);
  auto onInPlace = manager_->provisionFleetVersion(inPlace.id, "shop-web-v001", 2);
  ASSERT_FALSE(onInPlace.ok());
  EXPECT_EQ(onInPlace.error().code, codes::kConflict);
  EXPECT_TRUE(contains(onInPlace.error().message, "blue-green")) << onInPlace.error().message;

  auto blueGreen = createBlueGreenGroup("bg", 2);
  EXPECT_EQ(manager_->provisionFleetVersion(blueGreen.id, "", 2).error().code,
            codes::kInvalidArgument);
  EXPECT_EQ(manager_->provisionFleetVersion(blueGreen.id, "shop-bg-v001", 0).error().code,
            codes::kInvalidArgument);
  EXPECT_EQ(manager_->provisionFleetVersion(blueGreen.id, "../v001", 1).error().code,
            codes::kInvalidArgument);
  EXPECT_TRUE(instancesOf(blueGreen.id, true).empty());
  EXPECT_TRUE(instancesOf(fixed.id, true).empty());
  EXPECT_TRUE(instancesOf(inPlace.id, true).empty());
}

TEST_F(FleetManagerTest, RetiringNothingSucceedsButTheStandingFleetCannotBeRetired) {
  auto group = createBlueGreenGroup("web", 2);
  Status unknownVersion = manager_->retireFleetVersion(group.id, "shop-web-v007", "replaced");
  EXPECT_TRUE(unknownVersion.ok()) << unknownVersion.error().message;
  EXPECT_TRUE(manager_->retireFleetVersion("dg-000000000000", "shop-web-v001", "replaced").ok());
  Status standing = manager_->retireFleetVersion(group.id, "", "replaced");
  ASSERT_FALSE(standing.ok());
  EXPECT_EQ(standing.error().code, codes::kInvalidArgument);
  EXPECT_EQ(fleetChanges_, 0);
}

class FleetManagerIntegration : public FleetManagerFixture {};

TEST_F(FleetManagerIntegration, EnsureFleetCreatesAndLaunchesEachInstanceOnce) {
  auto group = createGroup("web", 3);
  Status ensured = manager_->ensureFleet(group.id);
  ASSERT_TRUE(ensured.ok()) << ensured.error().message;
  EXPECT_GE(fleetChanges_, 1);

  auto instances = instancesOf(group.id);
  ASSERT_EQ(instances.size(), 3u);
  std::set<int> ports;
  std::set<std::string> folders;
  for (int k = 0; k < 3; ++k) {
    const auto& created = instances[static_cast<size_t>(k)];
    EXPECT_EQ(created.ordinal, k);
    EXPECT_EQ(created.hostName, "web-" + std::to_string(k));
    EXPECT_EQ(created.provider, catalog::FleetProvider::Local);
    EXPECT_EQ(created.lifecycle, InstanceLifecycle::Launching);
    EXPECT_GT(created.port, 0);
    ports.insert(created.port);
    EXPECT_EQ(created.rootDir, (data_ / "fleet" / group.id / created.id).string());
    folders.insert(created.rootDir);
    ASSERT_GT(created.pid, 0);
    EXPECT_TRUE(local_->isRunning(created.pid, created.pidStartTime));
    ASSERT_TRUE(agentStarted(created));
    std::string args = readFile(std::filesystem::path(created.rootDir) / "args");
    EXPECT_TRUE(contains(args, "--instance-id\n" + created.id + "\n"));
    EXPECT_TRUE(contains(args, "--host-name\nweb-" + std::to_string(k) + "\n"));
    std::string environment = readFile(std::filesystem::path(created.rootDir) / "env");
    EXPECT_TRUE(contains(environment, "GREENLIGHT_PORT=" + std::to_string(created.port) + "\n"));
  }
  EXPECT_EQ(ports.size(), 3u);
  EXPECT_EQ(folders.size(), 3u);

  // The group's enrolment token: owner-only, and a real enrolment token for this group.
  auto tokenFile = data_ / "fleet" / group.id / "enrolment.token";
  struct stat info {};
  ASSERT_EQ(::stat(tokenFile.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  std::string secret = readFile(tokenFile);
  while (!secret.empty() && secret.back() == '\n') secret.pop_back();
  database_->withConnection([&](store::SqliteDatabase& db) {
    auto principal = auth::TokenStore(db, clock_).authenticate(secret);
    ASSERT_TRUE(principal.ok()) << principal.error().message;
    EXPECT_EQ(principal->role, auth::Role::Enrolment);
    EXPECT_EQ(principal->scope, group.id);
  });

  // Again: nothing new, no second agent, the same token.
  ASSERT_TRUE(manager_->ensureFleet(group.id).ok());
  auto again = instancesOf(group.id);
  ASSERT_EQ(again.size(), 3u);
  for (size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(again[k].id, instances[k].id);
    EXPECT_EQ(again[k].pid, instances[k].pid);
  }
  EXPECT_EQ(readFile(tokenFile), secret + "\n");
}

TEST_F(FleetManagerIntegration, LocalPortsFollowTheBasePortAndAvoidEachOther) {
  auto fixed = createGroup("fixed", 2, 21000);
  auto free = createGroup("free", 2);
  ASSERT_TRUE(manager_->ensureFleet(fixed.id).ok());
  ASSERT_TRUE(manager_->ensureFleet(free.id).ok());
  auto fixedInstances = instancesOf(fixed.id);
  ASSERT_EQ(fixedInstances.size(), 2u);
  EXPECT_EQ(fixedInstances[0].port, 21000);
  EXPECT_EQ(fixedInstances[1].port, 21001);
  std::set<int> ports;
  for (const auto& created : fixedInstances) ports.insert(created.port);
  for (const auto& created : instancesOf(free.id)) ports.insert(created.port);
  EXPECT_EQ(ports.size(), 4u);
}

TEST_F(FleetManagerIntegration, AfterARestartRunningAgentsAreAdoptedAndDeadOnesLost) {
  auto group = createGroup("web", 2);
  ASSERT_TRUE(manager_->ensureFleet(group.id).ok());
  auto before = instancesOf(group.id);
  ASSERT_EQ(before.size(), 2u);
  for (const auto& launched : before) ASSERT_TRUE(agentStarted(launched));
  ::kill(before[1].pid, SIGKILL);
  ASSERT_TRUE(waitFor([&] { return !local_->isRunning(before[1].pid, before[1].pidStartTime); }));

  startServer();  // the server was SIGKILLed: a new manager on the same store
  ASSERT_TRUE(manager_->adoptAll().ok());
  auto after = instancesOf(group.id);
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[0].lifecycle, InstanceLifecycle::Running);
  EXPECT_EQ(after[0].pid, before[0].pid);  // adopted, not launched again
  EXPECT_EQ(after[1].lifecycle, InstanceLifecycle::Lost);
  EXPECT_EQ(after[1].lifecycleReason, "the agent process " + std::to_string(before[1].pid) +
                                          " was gone when the server started");
  EXPECT_EQ(after[1].pid, before[1].pid);  // not relaunched

  // Neither adoption nor a later ensureFleet starts a second agent.
  ASSERT_TRUE(manager_->ensureFleet(group.id).ok());
  auto finally = instancesOf(group.id);
  EXPECT_EQ(finally[0].pid, before[0].pid);
  EXPECT_EQ(finally[1].pid, before[1].pid);
  EXPECT_EQ(finally[1].lifecycle, InstanceLifecycle::Lost);
}

TEST_F(FleetManagerIntegration, AdoptionLaunchesInstancesCommittedButNeverLaunched) {
  auto group = createGroup("web", 1);
  catalog::Instance pending;
  pending.groupId = group.id;
  pending.hostName = "web-0";
  pending.ordinal = 0;
  pending.port = 21500;
  pending.id = "i-0123456789ab";
  pending.rootDir = (data_ / "fleet" / group.id / pending.id).string();
  withCatalog([&](catalog::Catalog& catalog) { ASSERT_TRUE(catalog.createInstance(pending).ok()); });
  ASSERT_TRUE(manager_->adoptAll().ok());
  auto launched = instance(pending.id);
  ASSERT_GT(launched.pid, 0);
  EXPECT_TRUE(local_->isRunning(launched.pid, launched.pidStartTime));
  EXPECT_EQ(instancesOf(group.id).size(), 1u);
}

TEST_F(FleetManagerIntegration, AnAgentLaunchedButNeverRecordedIsNotLaunchedTwice) {
  auto group = createGroup("web", 1);
  catalog::Instance pending;
  pending.groupId = group.id;
  pending.hostName = "web-0";
  pending.port = 21700;
  pending.id = "i-feedfeedfeed";
  pending.rootDir = (data_ / "fleet" / group.id / pending.id).string();
  withCatalog([&](catalog::Catalog& catalog) { ASSERT_TRUE(catalog.createInstance(pending).ok()); });
  // The server launched its agent and was killed before recording the pid.
  auto orphan = local_->launch({pending.id, group.id, "web-0", pending.port, pending.rootDir,
                                "127.0.0.1:7070", data_ / "token"});
  ASSERT_TRUE(orphan.ok());
  ASSERT_TRUE(agentStarted(pending));

  startServer();
  ASSERT_TRUE(manager_->adoptAll().ok());
  auto lost = instance(pending.id);
  EXPECT_EQ(lost.lifecycle, InstanceLifecycle::Lost);
  EXPECT_TRUE(contains(lost.lifecycleReason, "not recorded"));
  EXPECT_EQ(lost.pid, 0);
  auto processes = local_->processesOf(pending.id);
  EXPECT_EQ(processes.size(), 3u);  // the orphan agent, its sleep and its daemon: nothing more

  // Restarting it stops the orphan first.
  auto restarted = manager_->restartInstance(pending.id, alice_);
  ASSERT_TRUE(restarted.ok()) << restarted.error().message;
  EXPECT_FALSE(local_->isRunning(orphan->pid, orphan->startTime));
  EXPECT_TRUE(local_->isRunning(restarted->pid, restarted->pidStartTime));
}

TEST_F(FleetManagerIntegration, AnAgentThatCannotStartIsLostWithTheReasonAndTheServerStillStarts) {
  auto group = createGroup("web", 1);
  agent_ = scripts_ / "missing-agent";
  startServer();
  Status ensured = manager_->ensureFleet(group.id);
  ASSERT_FALSE(ensured.ok());
  EXPECT_EQ(ensured.error().code, kAgentLaunchFailed);
  auto lost = instancesOf(group.id).at(0);
  EXPECT_EQ(lost.lifecycle, InstanceLifecycle::Lost);
  EXPECT_TRUE(contains(lost.lifecycleReason, "the agent could not be started"));
  EXPECT_TRUE(contains(lost.lifecycleReason, "missing-agent"));

  // A row committed but never launched, at a start where agents cannot be started: Lost too,
  // and adoption itself succeeds.
  catalog::Instance pending;
  pending.groupId = createGroup("api", 1).id;
  pending.hostName = "api-0";
  pending.port = 21600;
  pending.id = "i-abcdefabcdef";
  pending.rootDir = (data_ / "fleet" / pending.groupId / pending.id).string();
  withCatalog([&](catalog::Catalog& catalog) { ASSERT_TRUE(catalog.createInstance(pending).ok()); });
  startServer();
  Status adopted = manager_->adoptAll();
  EXPECT_TRUE(adopted.ok()) << adopted.error().message;
  EXPECT_EQ(instance(pending.id).lifecycle, InstanceLifecycle::Lost);
}

TEST_F(FleetManagerIntegration, CheckMarksAKilledAgentLostAndSaysSo) {
  auto group = createGroup("web", 1);
  ASSERT_TRUE(manager_->ensureFleet(group.id).ok());
  auto launched = instancesOf(group.id).at(0);
  ASSERT_TRUE(agentStarted(launched));
  manager_->agentSeen(launched.id);
  ASSERT_EQ(instance(launched.id).lifecycle, InstanceLifecycle::Running);
  ASSERT_TRUE(manager_->check().ok());
  EXPECT_EQ(instance(launched.id).lifecycle, InstanceLifecycle::Running);

  ::kill(launched.pid, SIGKILL);
  ASSERT_TRUE(waitFor([&] { return !local_->isRunning(launched.pid, launched.pidStartTime); }));
  int changesBefore = fleetChanges_;
  ASSERT_TRUE(manager_->check().ok());
  auto lost = instance(launched.id);
  EXPECT_EQ(lost.lifecycle, InstanceLifecycle::Lost);
  EXPECT_EQ(lost.lifecycleReason, "agent process " + std::to_string(launched.pid) + " exited");
  EXPECT_EQ(fleetChanges_, changesBefore + 1);
  ASSERT_TRUE(manager_->check().ok());  // nothing restarts it on its own
  EXPECT_EQ(instance(launched.id).pid, launched.pid);
  EXPECT_EQ(fleetChanges_, changesBefore + 1);
}

TEST_F(FleetManagerIntegration, AnAgentThatNeverCallsInIsLostAfterTheTimeout) {
  auto group = createGroup("web", 1);
  ASSERT_TRUE(manager_->ensureFleet(group.id).ok());
  auto launched = instancesOf(group.id).at(0);
  clock_.advance(std::chrono::seconds(20));
  ASSERT_TRUE(manager_->check().ok());
  EXPECT_EQ(instance(launched.id).lifecycle, InstanceLifecycle::Launching);
  clock_.advance(std::chrono::seconds(15));
  ASSERT_TRUE(manager_->check().ok());
  auto lost = instance(launched.id);
  EXPECT_EQ(lost.lifecycle, InstanceLifecycle::Lost);
  EXPECT_EQ(lost.lifecycleReason, "no word from the agent for 35s (timeout 30s)");
}

TEST_F(FleetManagerIntegration, RestartInstanceLaunchesALostInstanceAgainInItsPlace) {
  auto group = createGroup("web", 1);
  ASSERT_TRUE(manager_->ensureFleet(group.id).ok());
  auto first = instancesOf(group.id).at(0);
  ASSERT_TRUE(agentStarted(first));
  pid_t oldDaemon = readPidFile(std::filesystem::path(first.rootDir) / "daemon.pid");
  ASSERT_GT(oldDaemon, 0);

  auto refused = manager_->restartInstance(first.id, alice_);  // not Lost yet
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "Conflict");

  ::kill(first.pid, SIGKILL);
  ASSERT_TRUE(waitFor([&] { return !local_->isRunning(first.pid, first.pidStartTime); }));
  ASSERT_TRUE(manager_->check().ok());
  ASSERT_EQ(instance(first.id).lifecycle, InstanceLifecycle::Lost);

  std::filesystem::remove(std::filesystem::path(first.rootDir) / "started");
  auto restarted = manager_->restartInstance(first.id, alice_);
  ASSERT_TRUE(restarted.ok()) << restarted.error().message;
  EXPECT_EQ(restarted->id, first.id);
  EXPECT_EQ(restarted->port, first.port);
  EXPECT_EQ(restarted->rootDir, first.rootDir);
  EXPECT_EQ(restarted->lifecycle, InstanceLifecycle::Launching);
  EXPECT_EQ(restarted->lifecycleReason, "restarted by alice");
  EXPECT_NE(restarted->pid, first.pid);
  EXPECT_TRUE(local_->isRunning(restarted->pid, restarted->pidStartTime));
  EXPECT_FALSE(testing::processAlive(oldDaemon));  // the old agent's daemon went first
  ASSERT_TRUE(agentStarted(*restarted));

  auto audit = auditOf("instance:" + first.id);
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].action, "restart-instance");
  EXPECT_EQ(audit[0].principalName, "alice");
}

TEST_F(FleetManagerIntegration, TerminateGroupLeavesNoProcessAndRevokesItsTokens) {
  auto group = createGroup("web", 2);
  ASSERT_TRUE(manager_->ensureFleet(group.id).ok());
  auto instances = instancesOf(group.id);
  std::vector<pid_t> daemons;
  for (const auto& launched : instances) {
    ASSERT_TRUE(agentStarted(launched));
    daemons.push_back(readPidFile(std::filesystem::path(launched.rootDir) / "daemon.pid"));
  }
  auto tokenFile = data_ / "fleet" / group.id / "enrolment.token";
  std::string secret = readFile(tokenFile);
  secret.pop_back();

  Status stopped = manager_->terminateGroup(group.id, alice_);
  ASSERT_TRUE(stopped.ok()) << stopped.error().message;
  EXPECT_TRUE(instancesOf(group.id).empty());
  for (const auto& launched : instancesOf(group.id, true)) {
    EXPECT_EQ(launched.lifecycle, InstanceLifecycle::Terminated);
    EXPECT_EQ(launched.lifecycleReason, "stopped with its group by alice");
    EXPECT_TRUE(local_->processesOf(launched.id).empty());
    EXPECT_FALSE(local_->isRunning(launched.pid, launched.pidStartTime));
  }
  for (pid_t daemon : daemons) EXPECT_FALSE(testing::processAlive(daemon));
  EXPECT_FALSE(std::filesystem::exists(tokenFile));
  database_->withConnection([&](store::SqliteDatabase& db) {
    auto principal = auth::TokenStore(db, clock_).authenticate(secret);
    ASSERT_FALSE(principal.ok());
    EXPECT_EQ(principal.error().code, auth::kTokenRevoked);
  });
  auto audit = auditOf("group:" + group.id);
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].action, "terminate-instances");
  EXPECT_EQ(audit[0].details["instances"].size(), 2u);

  ASSERT_TRUE(manager_->check().ok());  // terminated instances are not watched any more
  for (const auto& launched : instancesOf(group.id, true)) {
    EXPECT_EQ(launched.lifecycle, InstanceLifecycle::Terminated);
  }
}

TEST_F(FleetManagerIntegration, ShrinkingAGroupStopsTheInstancesBeyondItsSize) {
  auto group = createGroup("web", 2);
  ASSERT_TRUE(manager_->ensureFleet(group.id).ok());
  auto instances = instancesOf(group.id);
  ASSERT_EQ(instances.size(), 2u);
  ASSERT_TRUE(agentStarted(instances[1]));
  catalog::GroupSpec smaller = group.spec;
  smaller.fleet.instances = 1;
  withCatalog([&](catalog::Catalog& catalog) { ASSERT_TRUE(catalog.updateGroup(smaller).ok()); });

  ASSERT_TRUE(manager_->ensureFleet(group.id).ok());
  auto remaining = instancesOf(group.id);
  ASSERT_EQ(remaining.size(), 1u);
  EXPECT_EQ(remaining[0].id, instances[0].id);
  auto removed = instance(instances[1].id);
  EXPECT_EQ(removed.lifecycle, InstanceLifecycle::Terminated);
  EXPECT_EQ(removed.lifecycleReason, "the group was resized to 1 instances");
  EXPECT_TRUE(local_->processesOf(removed.id).empty());
  EXPECT_TRUE(local_->isRunning(instances[0].pid, instances[0].pidStartTime));
}

// ---- blue/green fleet versions, with real agents ----

TEST_F(FleetManagerIntegration, ProvisionFleetVersionLaunchesEachInstanceOnce) {
  auto group = createBlueGreenGroup("web", 2);
  auto provisioned = manager_->provisionFleetVersion(group.id, "shop-web-v001", 2);
  ASSERT_TRUE(provisioned.ok()) << provisioned.error().message;
  ASSERT_EQ(provisioned->size(), 2u);
  EXPECT_GE(fleetChanges_, 1);
  std::set<int> ports;
  for (int k = 0; k < 2; ++k) {
    const auto& created = (*provisioned)[static_cast<size_t>(k)];
    EXPECT_EQ(created.ordinal, k);
    EXPECT_EQ(created.fleetVersion, "shop-web-v001");
    EXPECT_EQ(created.hostName, "shop-web-v001-" + std::to_string(k));
    EXPECT_EQ(created.provider, catalog::FleetProvider::Local);
    EXPECT_EQ(created.rootDir, (data_ / "fleet" / group.id / created.id).string());
    EXPECT_GT(created.port, 0);
    ports.insert(created.port);
    ASSERT_GT(created.pid, 0);
    EXPECT_TRUE(local_->isRunning(created.pid, created.pidStartTime));
    ASSERT_TRUE(agentStarted(created));
    std::string args = readFile(std::filesystem::path(created.rootDir) / "args");
    EXPECT_TRUE(contains(args, "--host-name\nshop-web-v001-" + std::to_string(k) + "\n"));
    EXPECT_TRUE(contains(args, "--enrolment-token-file\n" +
                                   (data_ / "fleet" / group.id / "enrolment.token").string()))
        << args;
  }
  EXPECT_EQ(ports.size(), 2u);
  std::vector<size_t> processCounts;
  for (const auto& created : *provisioned) {
    processCounts.push_back(local_->processesOf(created.id).size());
  }

  // Again (a restarted engine asking once more): the same instances, no second agent.
  auto again = manager_->provisionFleetVersion(group.id, "shop-web-v001", 2);
  ASSERT_TRUE(again.ok()) << again.error().message;
  ASSERT_EQ(again->size(), 2u);
  for (size_t k = 0; k < 2; ++k) {
    EXPECT_EQ((*again)[k].id, (*provisioned)[k].id);
    EXPECT_EQ((*again)[k].pid, (*provisioned)[k].pid);
    EXPECT_EQ(local_->processesOf((*again)[k].id).size(), processCounts[k]);
  }
  EXPECT_EQ(instancesOf(group.id, true).size(), 2u);
}

TEST_F(FleetManagerIntegration, FleetVersionsSitSideBySideAndRetireAlone) {
  auto group = createBlueGreenGroup("web", 2, 22000);
  auto blue = manager_->provisionFleetVersion(group.id, "shop-web-v001", 2);
  ASSERT_TRUE(blue.ok()) << blue.error().message;
  auto green = manager_->provisionFleetVersion(group.id, "shop-web-v002", 2);
  ASSERT_TRUE(green.ok()) << green.error().message;
  ASSERT_EQ(blue->size(), 2u);
  ASSERT_EQ(green->size(), 2u);
  // basePort + k for the first, shifted by one fleet's size for the one beside it.
  EXPECT_EQ((*blue)[0].port, 22000);
  EXPECT_EQ((*blue)[1].port, 22001);
  EXPECT_EQ((*green)[0].port, 22002);
  EXPECT_EQ((*green)[1].port, 22003);
  EXPECT_EQ((*green)[0].hostName, "shop-web-v002-0");
  for (const auto& created : *blue) ASSERT_TRUE(agentStarted(created));
  for (const auto& created : *green) ASSERT_TRUE(agentStarted(created));
  for (const auto& created : *blue) EXPECT_TRUE(local_->isRunning(created.pid, created.pidStartTime));

  Status retired = manager_->retireFleetVersion(group.id, "shop-web-v001",
                                                "replaced by shop-web-v002");
  ASSERT_TRUE(retired.ok()) << retired.error().message;
  for (const auto& created : *blue) {
    auto now = instance(created.id);
    EXPECT_EQ(now.lifecycle, InstanceLifecycle::Terminated);
    EXPECT_EQ(now.lifecycleReason, "replaced by shop-web-v002");
    EXPECT_TRUE(local_->processesOf(created.id).empty());
    EXPECT_FALSE(local_->isRunning(created.pid, created.pidStartTime));
  }
  for (const auto& created : *green) {
    auto now = instance(created.id);
    EXPECT_NE(now.lifecycle, InstanceLifecycle::Terminated);
    EXPECT_TRUE(local_->isRunning(created.pid, created.pidStartTime));
    EXPECT_FALSE(local_->processesOf(created.id).empty());
  }
  auto audit = auditOf("group:" + group.id);
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].action, "retire-fleet-version");
  EXPECT_EQ(audit[0].details["fleetVersion"], "shop-web-v001");

  // Again: nothing to do, nothing changed.
  Status retiredAgain = manager_->retireFleetVersion(group.id, "shop-web-v001", "again");
  ASSERT_TRUE(retiredAgain.ok()) << retiredAgain.error().message;
  EXPECT_EQ(instance((*blue)[0].id).lifecycleReason, "replaced by shop-web-v002");
  EXPECT_EQ(auditOf("group:" + group.id).size(), 1u);
  for (const auto& created : *green) EXPECT_TRUE(local_->isRunning(created.pid, created.pidStartTime));

  // The retired fleet's ports are free for the next one.
  auto next = manager_->provisionFleetVersion(group.id, "shop-web-v003", 2);
  ASSERT_TRUE(next.ok()) << next.error().message;
  ASSERT_EQ(next->size(), 2u);
  EXPECT_EQ((*next)[0].port, 22000);
  EXPECT_EQ((*next)[1].port, 22001);
}

TEST_F(FleetManagerIntegration, AFleetVersionsBasePortBlockMovesPastPortsOfLiveInstances) {
  auto other = createGroup("other", 1);
  catalog::Instance holder;  // a live instance of another group on basePort + 1
  holder.groupId = other.id;
  holder.hostName = "other-0";
  holder.port = 23001;
  holder.rootDir = (data_ / "fleet" / other.id / "holder").string();
  withCatalog([&](catalog::Catalog& catalog) {
    auto created = catalog.createInstance(holder);
    ASSERT_TRUE(created.ok()) << created.error().message;
  });
  auto group = createBlueGreenGroup("web", 2, 23000);
  auto provisioned = manager_->provisionFleetVersion(group.id, "shop-web-v001", 2);
  ASSERT_TRUE(provisioned.ok()) << provisioned.error().message;
  ASSERT_EQ(provisioned->size(), 2u);
  EXPECT_EQ((*provisioned)[0].port, 23002);
  EXPECT_EQ((*provisioned)[1].port, 23003);
}

TEST_F(FleetManagerIntegration, TerminateGroupStopsEveryFleetVersion) {
  auto group = createBlueGreenGroup("web", 1);
  auto blue = manager_->provisionFleetVersion(group.id, "shop-web-v001", 1);
  auto green = manager_->provisionFleetVersion(group.id, "shop-web-v002", 1);
  ASSERT_TRUE(blue.ok() && green.ok());
  Status stopped = manager_->terminateGroup(group.id, alice_);
  ASSERT_TRUE(stopped.ok()) << stopped.error().message;
  for (const auto& created : {(*blue)[0], (*green)[0]}) {
    EXPECT_EQ(instance(created.id).lifecycle, InstanceLifecycle::Terminated);
    EXPECT_TRUE(local_->processesOf(created.id).empty());
  }
}

TEST_F(FleetManagerIntegration, AdoptionLaunchesFleetVersionInstancesCommittedButNeverLaunched) {
  auto group = createBlueGreenGroup("web", 1);
  catalog::Instance pending;
  pending.groupId = group.id;
  pending.fleetVersion = "shop-web-v004";
  pending.hostName = "shop-web-v004-0";
  pending.ordinal = 0;
  pending.port = 21600;
  pending.id = "i-0123456789ab";
  pending.rootDir = (data_ / "fleet" / group.id / pending.id).string();
  withCatalog([&](catalog::Catalog& catalog) { ASSERT_TRUE(catalog.createInstance(pending).ok()); });
  startServer();
  Status adopted = manager_->adoptAll();
  ASSERT_TRUE(adopted.ok()) << adopted.error().message;
  auto launched = instance(pending.id);
  ASSERT_GT(launched.pid, 0);
  EXPECT_TRUE(local_->isRunning(launched.pid, launched.pidStartTime));
  ASSERT_TRUE(agentStarted(launched));
  EXPECT_EQ(instancesOf(group.id).size(), 1u);

  // Adopted again after another restart: the same agent, not a second one.
  startServer();
  ASSERT_TRUE(manager_->adoptAll().ok());
  EXPECT_EQ(instance(pending.id).pid, launched.pid);
  auto provisioned = manager_->provisionFleetVersion(group.id, "shop-web-v004", 1);
  ASSERT_TRUE(provisioned.ok()) << provisioned.error().message;
  ASSERT_EQ(provisioned->size(), 1u);
  EXPECT_EQ((*provisioned)[0].id, pending.id);
  EXPECT_EQ((*provisioned)[0].pid, launched.pid);
}

}  // namespace
}  // namespace greenlight::fleet
