// Catalog: instances of a group, their lifecycle and the outcome of their deployments.
#include "catalog_test_helpers.h"
#include "common/error_codes.h"
#include "store/migrations.h"

namespace greenlight::catalog {
namespace {

class InstancesTest : public CatalogTest {
 protected:
  InstancesTest() : group_(makeGroup("web", 2)) {}

  Instance local(int ordinal) {
    Instance instance;
    instance.groupId = group_.id;
    instance.hostName = "web-" + std::to_string(ordinal);
    instance.ordinal = ordinal;
    instance.port = 18080 + ordinal;
    instance.rootDir = "/data/fleet/" + group_.id;
    return instance;
  }

  DeploymentGroup group_;
};

TEST_F(InstancesTest, CreateGeneratesAnIdAndReadsBackEveryField) {
  Instance request = local(1);
  request.tags = {{"role", "web"}};
  auto created = catalog().createInstance(request);
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->id.size(), 14u);
  EXPECT_EQ(created->id.rfind("i-", 0), 0u);
  auto found = catalog().getInstance(created->id);
  ASSERT_TRUE(found.ok()) << found.error().message;
  EXPECT_EQ(found->groupId, group_.id);
  EXPECT_EQ(found->provider, FleetProvider::Local);
  EXPECT_EQ(found->hostName, "web-1");
  EXPECT_EQ(found->ordinal, 1);
  EXPECT_EQ(found->port, 18081);
  EXPECT_EQ(found->tags.at("role"), "web");
  EXPECT_EQ(found->lifecycle, InstanceLifecycle::Launching);
  EXPECT_FALSE(found->currentRevision.has_value());
  EXPECT_FALSE(found->lastDeploymentFailed);
  EXPECT_EQ(found->rootDir, request.rootDir);
  EXPECT_EQ(found->createdAt, clock_.now());
  EXPECT_FALSE(found->lastSeenAt.has_value());
}

TEST_F(InstancesTest, GivenIdsAreKeptAndDuplicatesRefused) {
  Instance request = local(0);
  request.id = "i-0123456789ab";
  ASSERT_TRUE(catalog().createInstance(request).ok());
  auto again = catalog().createInstance(request);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, codes::kAlreadyExists);
  request.id = "i-../etc";
  EXPECT_EQ(catalog().createInstance(request).error().code, codes::kInvalidArgument);
}

TEST_F(InstancesTest, UnknownGroupIsNotFound) {
  Instance request = local(0);
  request.groupId = "dg-000000000000";
  EXPECT_EQ(catalog().createInstance(request).error().code, codes::kNotFound);
}

TEST_F(InstancesTest, ListedByOrdinalWithoutTerminatedUnlessAsked) {
  auto second = catalog().createInstance(local(1));
  auto first = catalog().createInstance(local(0));
  auto third = catalog().createInstance(local(2));
  ASSERT_TRUE(first.ok() && second.ok() && third.ok());
  ASSERT_TRUE(catalog().setInstanceLifecycle(third->id, InstanceLifecycle::Terminated,
                                             "fleet scaled down").ok());
  auto live = catalog().listInstances(group_.id);
  ASSERT_TRUE(live.ok());
  ASSERT_EQ(live->size(), 2u);
  EXPECT_EQ((*live)[0].id, first->id);
  EXPECT_EQ((*live)[1].id, second->id);
  EXPECT_EQ(catalog().listInstances(group_.id, true)->size(), 3u);
  EXPECT_EQ(catalog().listAllInstances()->size(), 2u);
  EXPECT_EQ(catalog().listAllInstances(true)->size(), 3u);
}

TEST_F(InstancesTest, LifecycleChangesKeepTheReasonAndWhenRunningWasSeen) {
  auto created = catalog().createInstance(local(0));
  ASSERT_TRUE(created.ok());
  clock_.advance(std::chrono::seconds(3));
  ASSERT_TRUE(catalog().setInstanceLifecycle(created->id, InstanceLifecycle::Running, "").ok());
  auto running = catalog().getInstance(created->id);
  EXPECT_EQ(running->lifecycle, InstanceLifecycle::Running);
  EXPECT_EQ(running->lastSeenAt, clock_.now());

  WallTime seen = clock_.now();
  clock_.advance(std::chrono::seconds(30));
  ASSERT_TRUE(catalog().setInstanceLifecycle(created->id, InstanceLifecycle::Lost,
                                             "agent process 4242 exited with status 9").ok());
  auto lost = catalog().getInstance(created->id);
  EXPECT_EQ(lost->lifecycle, InstanceLifecycle::Lost);
  EXPECT_EQ(lost->lifecycleReason, "agent process 4242 exited with status 9");
  EXPECT_EQ(lost->lastSeenAt, seen);

  ASSERT_TRUE(catalog().setInstanceLifecycle(created->id, InstanceLifecycle::Running, "").ok());
  ASSERT_TRUE(catalog().setInstanceLifecycle(created->id, InstanceLifecycle::Terminated,
                                             "group deleted").ok());
  Status revived = catalog().setInstanceLifecycle(created->id, InstanceLifecycle::Running, "");
  ASSERT_FALSE(revived.ok());
  EXPECT_EQ(revived.error().code, codes::kConflict);
  EXPECT_TRUE(contains(revived.error().message, "was terminated (group deleted)"))
      << revived.error().message;
}

TEST_F(InstancesTest, ProcessTagsAndTouch) {
  auto created = catalog().createInstance(local(0));
  ASSERT_TRUE(created.ok());
  ASSERT_TRUE(catalog().setInstanceProcess(created->id, 4242, 987654321ULL).ok());
  ASSERT_TRUE(catalog().setInstanceTags(created->id, {{"zone", "b"}}).ok());
  WallTime seen = clock_.now() + std::chrono::seconds(7);
  ASSERT_TRUE(catalog().touchInstance(created->id, seen).ok());
  auto found = catalog().getInstance(created->id);
  EXPECT_EQ(found->pid, 4242);
  EXPECT_EQ(found->pidStartTime, 987654321ULL);
  EXPECT_EQ(found->tags, (std::map<std::string, std::string>{{"zone", "b"}}));
  EXPECT_EQ(found->lastSeenAt, seen);
}

TEST_F(InstancesTest, UpdatesOfUnknownInstancesAreNotFound) {
  EXPECT_EQ(catalog().getInstance("i-nothere").error().code, codes::kNotFound);
  EXPECT_EQ(catalog().setInstanceLifecycle("i-nothere", InstanceLifecycle::Lost, "x").error().code,
            codes::kNotFound);
  EXPECT_EQ(catalog().setInstanceProcess("i-nothere", 1, 1).error().code, codes::kNotFound);
  EXPECT_EQ(catalog().setInstanceTags("i-nothere", {}).error().code, codes::kNotFound);
  EXPECT_EQ(catalog().touchInstance("i-nothere", clock_.now()).error().code, codes::kNotFound);
  EXPECT_EQ(catalog().recordInstanceDeployment("i-nothere", "d-1", "abc", true).error().code,
            codes::kNotFound);
}

TEST_F(InstancesTest, RecordedDeploymentsSetRevisionAndHealth) {
  auto created = catalog().createInstance(local(0));
  ASSERT_TRUE(created.ok());
  const std::string v1(64, '1');
  const std::string v2(64, '2');
  ASSERT_TRUE(catalog().recordInstanceDeployment(created->id, "d-1", v1, true).ok());
  auto afterFirst = catalog().getInstance(created->id);
  EXPECT_EQ(afterFirst->currentRevision, v1);
  EXPECT_FALSE(afterFirst->lastDeploymentFailed);
  EXPECT_EQ(afterFirst->lastDeploymentId, "d-1");

  ASSERT_TRUE(catalog().recordInstanceDeployment(created->id, "d-2", v2, false).ok());
  auto afterFailure = catalog().getInstance(created->id);
  EXPECT_EQ(afterFailure->currentRevision, v1);  // the failed revision is not current
  EXPECT_TRUE(afterFailure->lastDeploymentFailed);
  EXPECT_EQ(afterFailure->lastDeploymentId, "d-2");

  ASSERT_TRUE(catalog().recordInstanceDeployment(created->id, "d-3", v2, true).ok());
  auto recovered = catalog().getInstance(created->id);
  EXPECT_EQ(recovered->currentRevision, v2);
  EXPECT_FALSE(recovered->lastDeploymentFailed);

  EXPECT_EQ(catalog().recordInstanceDeployment(created->id, "d-4", "", true).error().code,
            codes::kInvalidArgument);
}

TEST_F(InstancesTest, StaticInstancesAreFoundByHostUnlessTerminated) {
  Instance request;
  request.groupId = group_.id;
  request.provider = FleetProvider::Static;
  request.hostName = "db1.example.com";
  auto created = catalog().createInstance(request);
  ASSERT_TRUE(created.ok());
  auto found = catalog().findInstanceByHost(group_.id, "db1.example.com");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, created->id);
  EXPECT_EQ((*found)->provider, FleetProvider::Static);
  EXPECT_FALSE(catalog().findInstanceByHost(group_.id, "db2.example.com")->has_value());
  ASSERT_TRUE(catalog().setInstanceLifecycle(created->id, InstanceLifecycle::Terminated, "gone").ok());
  EXPECT_FALSE(catalog().findInstanceByHost(group_.id, "db1.example.com")->has_value());
}

TEST_F(InstancesTest, InstancesOutliveTheirGroupForHistory) {
  auto created = catalog().createInstance(local(0));
  ASSERT_TRUE(created.ok());
  ASSERT_TRUE(catalog().setInstanceLifecycle(created->id, InstanceLifecycle::Terminated,
                                             "group deleted").ok());
  ASSERT_TRUE(catalog().deleteGroup("shop", "web").ok());
  EXPECT_TRUE(catalog().getInstance(created->id).ok());
}

TEST_F(InstancesTest, JsonShowsLifecycleAndRevision) {
  auto created = catalog().createInstance(local(0));
  ASSERT_TRUE(created.ok());
  ASSERT_TRUE(catalog().recordInstanceDeployment(created->id, "d-1", std::string(64, 'a'), true).ok());
  nlohmann::json json = toJson(*catalog().getInstance(created->id));
  EXPECT_EQ(json["id"], created->id);
  EXPECT_EQ(json["groupId"], group_.id);
  EXPECT_EQ(json["provider"], "local");
  EXPECT_EQ(json["lifecycle"], "Launching");
  EXPECT_EQ(json["currentRevision"], std::string(64, 'a'));
  EXPECT_EQ(json["lastSeenAt"], nullptr);
  EXPECT_EQ(json["port"], 18080);
  EXPECT_EQ(json["fleetVersion"], "");
  EXPECT_EQ(parseInstanceLifecycle("lost"), InstanceLifecycle::Lost);
  EXPECT_FALSE(parseInstanceLifecycle("Sleeping").has_value());
}

TEST_F(InstancesTest, FleetVersionRoundTripsAndListsOnlyItsOwnInstances) {
  Instance standing = local(0);
  ASSERT_TRUE(catalog().createInstance(standing).ok());
  std::vector<std::string> v001Ids;
  for (int ordinal : {1, 0}) {
    Instance request = local(ordinal);
    request.fleetVersion = "shop-web-v001";
    request.hostName = "shop-web-v001-" + std::to_string(ordinal);
    auto created = catalog().createInstance(request);
    ASSERT_TRUE(created.ok()) << created.error().message;
    v001Ids.insert(v001Ids.begin(), created->id);
  }
  Instance other = local(0);
  other.fleetVersion = "shop-web-v002";
  other.hostName = "shop-web-v002-0";
  ASSERT_TRUE(catalog().createInstance(other).ok());

  auto found = catalog().getInstance(v001Ids[0]);
  ASSERT_TRUE(found.ok()) << found.error().message;
  EXPECT_EQ(found->fleetVersion, "shop-web-v001");
  EXPECT_EQ(toJson(*found)["fleetVersion"], "shop-web-v001");

  auto v001 = catalog().listFleetVersion(group_.id, "shop-web-v001");
  ASSERT_TRUE(v001.ok()) << v001.error().message;
  ASSERT_EQ(v001->size(), 2u);
  EXPECT_EQ((*v001)[0].id, v001Ids[0]);
  EXPECT_EQ((*v001)[0].ordinal, 0);
  EXPECT_EQ((*v001)[1].id, v001Ids[1]);
  auto none = catalog().listFleetVersion(group_.id, "");
  ASSERT_TRUE(none.ok());
  ASSERT_EQ(none->size(), 1u);
  EXPECT_EQ((*none)[0].fleetVersion, "");

  ASSERT_TRUE(catalog()
                  .setInstanceLifecycle(v001Ids[1], InstanceLifecycle::Terminated, "retired")
                  .ok());
  EXPECT_EQ(catalog().listFleetVersion(group_.id, "shop-web-v001")->size(), 1u);
  EXPECT_EQ(catalog().listFleetVersion(group_.id, "shop-web-v001", true)->size(), 2u);
  EXPECT_TRUE(catalog().listFleetVersion(group_.id, "shop-web-v009")->empty());

  Instance bad = local(0);
  bad.fleetVersion = "../v1";
  EXPECT_EQ(catalog().createInstance(bad).error().code, codes::kInvalidArgument);
}

TEST_F(InstancesTest, MigratingAnOlderStoreKeepsItsInstancesInNoFleetVersion) {
  auto created = catalog().createInstance(local(1));
  ASSERT_TRUE(created.ok()) << created.error().message;
  // Take the store back to catalog version 1, as a store written by an older greenlight.
  ASSERT_TRUE(database()
                  .execute("DROP INDEX instances_by_fleet_version;"
                           "ALTER TABLE instances DROP COLUMN fleet_version;"
                           "DELETE FROM schema_migrations WHERE component = 'catalog' AND "
                           "version = 2;")
                  .ok());
  ASSERT_EQ(*store::schemaVersion(database(), "catalog"), 1);

  Status migrated = migrateCatalogSchema(database(), clock_);
  ASSERT_TRUE(migrated.ok()) << migrated.error().message;
  EXPECT_EQ(*store::schemaVersion(database(), "catalog"), 2);
  auto found = catalog().getInstance(created->id);
  ASSERT_TRUE(found.ok()) << found.error().message;
  EXPECT_EQ(found->fleetVersion, "");
  EXPECT_EQ(found->hostName, "web-1");
  EXPECT_EQ(found->port, 18081);
  EXPECT_EQ(catalog().listFleetVersion(group_.id, "")->size(), 1u);
}

}  // namespace
}  // namespace greenlight::catalog
