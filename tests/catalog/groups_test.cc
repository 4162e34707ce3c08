// Catalog: deployment groups, created from specs, checked against applications and configurations.
#include <set>

#include "catalog_test_helpers.h"
#include "common/error_codes.h"

namespace greenlight::catalog {
namespace {

using GroupsTest = CatalogTest;
using domain::ComputePlatform;

class GroupsWithApp : public CatalogTest {
 protected:
  GroupsWithApp() { EXPECT_TRUE(catalog().createApplication("shop", ComputePlatform::Server).ok()); }

  static GroupSpec spec(const std::string& name) {
    GroupSpec result;
    result.application = "shop";
    result.name = name;
    result.fleet.instances = 3;
    return result;
  }
};

TEST_F(GroupsWithApp, CreateGetByNameAndIdListUpdateDelete) {
  auto created = catalog().createGroup(spec("web"));
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->id.size(), 15u);
  EXPECT_EQ(created->id.rfind("dg-", 0), 0u);
  EXPECT_EQ(created->createdAt, clock_.now());

  auto byName = catalog().getGroup("shop", "web");
  ASSERT_TRUE(byName.ok());
  EXPECT_EQ(byName->id, created->id);
  EXPECT_EQ(byName->spec, spec("web"));
  auto byId = catalog().getGroupById(created->id);
  ASSERT_TRUE(byId.ok());
  EXPECT_EQ(byId->spec.name, "web");

  ASSERT_TRUE(catalog().createGroup(spec("api")).ok());
  auto listed = catalog().listGroups(std::string("shop"));
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].spec.name, "api");
  EXPECT_EQ(catalog().listGroups(std::nullopt)->size(), 2u);

  clock_.advance(std::chrono::seconds(5));
  GroupSpec changed = spec("web");
  changed.fleet.instances = 5;
  changed.deploymentConfig = "CodeDeployDefault.AllAtOnce";
  auto updated = catalog().updateGroup(changed);
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  EXPECT_EQ(updated->id, created->id);
  EXPECT_EQ(updated->createdAt, created->createdAt);
  EXPECT_EQ(updated->updatedAt, clock_.now());
  EXPECT_EQ(catalog().getGroup("shop", "web")->spec.fleet.instances, 5);

  ASSERT_TRUE(catalog().deleteGroup("shop", "web").ok());
  auto gone = catalog().getGroup("shop", "web");
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, codes::kNotFound);
  EXPECT_TRUE(contains(gone.error().message, "no deployment group named 'web'"));
  EXPECT_EQ(catalog().getGroupById(created->id).error().code, codes::kNotFound);
}

TEST_F(GroupsWithApp, IdsAreDistinct) {
  std::set<std::string> ids;
  for (int i = 0; i < 20; ++i) ids.insert(catalog().createGroup(spec("g" + std::to_string(i)))->id);
  EXPECT_EQ(ids.size(), 20u);
}

TEST_F(GroupsWithApp, DuplicateGroupIsAlreadyExists) {
  ASSERT_TRUE(catalog().createGroup(spec("web")).ok());
  auto again = catalog().createGroup(spec("web"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, codes::kAlreadyExists);
  EXPECT_TRUE(contains(again.error().message, "already has a deployment group named 'web'"));
}

TEST_F(GroupsTest, UnknownApplicationIsNotFound) {
  GroupSpec orphan;
  orphan.application = "ghost";
  orphan.name = "web";
  orphan.fleet.instances = 1;
  auto created = catalog().createGroup(orphan);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, codes::kNotFound);
  EXPECT_TRUE(contains(created.error().message, "'ghost'"));
  EXPECT_EQ(catalog().listGroups(std::string("ghost")).error().code, codes::kNotFound);
}

TEST_F(GroupsWithApp, UnknownConfigIsAnInvalidSpecListingCloseNames) {
  GroupSpec typo = spec("web");
  typo.deploymentConfig = "CodeDeployDefault.AllAtOnse";
  auto created = catalog().createGroup(typo);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, codes::kInvalidGroupSpec);
  EXPECT_TRUE(contains(created.error().message, "deploymentConfig: there is no deployment "
                                                "configuration named 'CodeDeployDefault.AllAtOnse'"))
      << created.error().message;
  EXPECT_TRUE(contains(created.error().message, "did you mean 'CodeDeployDefault.AllAtOnce'"))
      << created.error().message;

  ASSERT_TRUE(catalog().createGroup(spec("web")).ok());
  auto updated = catalog().updateGroup(typo);
  ASSERT_FALSE(updated.ok());
  EXPECT_EQ(updated.error().code, codes::kInvalidGroupSpec);
}

TEST_F(GroupsWithApp, ConfigOfAnotherPlatformIsRefused) {
  GroupSpec lambda = spec("web");
  lambda.deploymentConfig = "CodeDeployDefault.LambdaAllAtOnce";
  auto created = catalog().createGroup(lambda);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, codes::kInvalidGroupSpec);
  EXPECT_TRUE(contains(created.error().message, "is for the lambda platform"))
      << created.error().message;
}

TEST_F(GroupsWithApp, SpecsBuiltInCodeAreValidatedToo) {
  GroupSpec blueGreen = spec("web");
  blueGreen.style = DeploymentStyle::BlueGreen;
  auto created = catalog().createGroup(blueGreen);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, codes::kInvalidGroupSpec);
  EXPECT_EQ(created.error().message,
            "deploymentStyle: blue-green needs a load balancer to move traffic between fleets; "
            "add `loadBalancer: {provider: haproxy, listen: 127.0.0.1:8080}`");

  GroupSpec empty = spec("web");
  empty.fleet.instances = 0;
  EXPECT_EQ(catalog().createGroup(empty).error().code, codes::kInvalidGroupSpec);
}

TEST_F(GroupsWithApp, TheStyleChangesOnlyWhileTheGroupHasNoInstance) {
  auto created = catalog().createGroup(spec("web"));
  ASSERT_TRUE(created.ok()) << created.error().message;
  GroupSpec blueGreen = spec("web");
  blueGreen.style = DeploymentStyle::BlueGreen;
  blueGreen.loadBalancer = {{"provider", "haproxy"}, {"listen", "127.0.0.1:18111"}};
  Instance instance;
  instance.groupId = created->id;
  instance.hostName = "web-0";
  ASSERT_TRUE(catalog().createInstance(instance).ok());
  auto refused = catalog().updateGroup(blueGreen);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, codes::kConflict);
  EXPECT_NE(refused.error().message.find("deploymentStyle can change only while it has none"),
            std::string::npos)
      << refused.error().message;
  EXPECT_EQ(catalog().getGroup("shop", "web")->spec.style, DeploymentStyle::InPlace);
  auto listed = catalog().listInstances(created->id);
  ASSERT_TRUE(listed.ok());
  ASSERT_TRUE(catalog().setInstanceLifecycle(listed->front().id, InstanceLifecycle::Terminated, "gone").ok());
  auto changed = catalog().updateGroup(blueGreen);
  ASSERT_TRUE(changed.ok()) << changed.error().message;
  EXPECT_EQ(changed->spec.style, DeploymentStyle::BlueGreen);
}

TEST_F(GroupsWithApp, UpdatingAnUnknownGroupIsNotFound) {
  auto updated = catalog().updateGroup(spec("web"));
  ASSERT_FALSE(updated.ok());
  EXPECT_EQ(updated.error().code, codes::kNotFound);
}

TEST_F(GroupsWithApp, SampleGroupFileCreatesAGroup) {
  auto text = testing::readFile(testing::sourceDir() / "examples" / "sample-group.yaml");
  auto parsed = parseGroupYaml(text, "sample-group.yaml", "shop");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  auto created = catalog().createGroup(*parsed);
  ASSERT_TRUE(created.ok()) << created.error().message;
  nlohmann::json json = toJson(*created);
  EXPECT_EQ(json["id"], created->id);
  EXPECT_EQ(json["name"], "web");
  EXPECT_EQ(json["fleet"]["instances"], 4);
  EXPECT_EQ(json["deploymentConfig"], "CodeDeployDefault.AllAtOnce");
  EXPECT_EQ(json["deploymentStyle"], "blue-green");
  EXPECT_EQ(json["loadBalancer"]["listen"], "127.0.0.1:8080");
  EXPECT_EQ(json["createdAt"], "2026-03-01T10:00:00.000Z");
  EXPECT_EQ(json["autoRollback"]["enabled"], true);
}

TEST_F(GroupsWithApp, GroupsStoredUnderOlderRulesStayReadable) {
  auto created = catalog().createGroup(spec("web"));
  ASSERT_TRUE(created.ok());
  // As if an older greenlight had allowed keeping 500 revisions.
  ASSERT_TRUE(database()
                  .run("UPDATE deployment_groups SET spec = json_set(spec, '$.revisionsToKeep', 500)")
                  .ok());
  auto read = catalog().getGroup("shop", "web");
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->spec.revisionsToKeep, 500);
  // Changing it applies today's rules.
  auto updated = catalog().updateGroup(read->spec);
  ASSERT_FALSE(updated.ok());
  EXPECT_EQ(updated.error().code, codes::kInvalidGroupSpec);
  EXPECT_TRUE(contains(updated.error().message, "revisionsToKeep")) << updated.error().message;
}

}  // namespace
}  // namespace greenlight::catalog
