// Catalog: applications and deployment configurations, with their refusals.
#include "catalog_test_helpers.h"
#include "common/error_codes.h"
#include "domain/predefined_configs.h"
#include "store/migrations.h"
#include "store/sqlite_transaction.h"

namespace greenlight::catalog {
namespace {

using ApplicationsTest = CatalogTest;
using ConfigsTest = CatalogTest;
using domain::ComputePlatform;

domain::DeploymentConfig hostCount(const std::string& name, int value) {
  return {name, ComputePlatform::Server,
          domain::MinimumHealthyHosts{domain::MinimumHealthyHostsType::HostCount, value}};
}

TEST_F(ApplicationsTest, SchemaIsRecordedUnderTheCatalogComponentAndReapplyingIsHarmless) {
  auto version = store::schemaVersion(database(), "catalog");
  ASSERT_TRUE(version.ok()) << version.error().message;
  EXPECT_GE(*version, 1);
  Status again = migrateCatalogSchema(database(), clock_);
  EXPECT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(*store::schemaVersion(database(), "catalog"), *version);
}

TEST_F(ApplicationsTest, CreateGetListDelete) {
  auto created = catalog().createApplication("shop", ComputePlatform::Server);
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->createdAt, clock_.now());
  ASSERT_TRUE(catalog().createApplication("api", ComputePlatform::Lambda).ok());

  auto found = catalog().getApplication("shop");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(*found, *created);

  auto all = catalog().listApplications();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "api");
  EXPECT_EQ((*all)[0].computePlatform, ComputePlatform::Lambda);
  EXPECT_EQ((*all)[1].name, "shop");

  ASSERT_TRUE(catalog().deleteApplication("api").ok());
  auto gone = catalog().getApplication("api");
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, codes::kNotFound);
  EXPECT_TRUE(contains(gone.error().message, "no application named 'api'")) << gone.error().message;
}

TEST_F(ApplicationsTest, DuplicateNameIsAlreadyExists) {
  ASSERT_TRUE(catalog().createApplication("shop", ComputePlatform::Server).ok());
  auto again = catalog().createApplication("shop", ComputePlatform::Server);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, codes::kAlreadyExists);
  EXPECT_TRUE(contains(again.error().message, "application 'shop' already exists"));
}

TEST_F(ApplicationsTest, BadNamesAreInvalidArgument) {
  for (const std::string& name : {std::string(), std::string("a b"), std::string("x/y"),
                                  std::string(101, 'a')}) {
    auto created = catalog().createApplication(name, ComputePlatform::Server);
    ASSERT_FALSE(created.ok()) << name;
    EXPECT_EQ(created.error().code, codes::kInvalidArgument) << name;
    EXPECT_TRUE(contains(created.error().message, "application name")) << created.error().message;
  }
  EXPECT_TRUE(catalog().createApplication(std::string(100, 'a'), ComputePlatform::Server).ok());
  EXPECT_TRUE(catalog().createApplication("A-z_0.9", ComputePlatform::Server).ok());
}

TEST_F(ApplicationsTest, DeletingAnApplicationWithGroupsIsAConflict) {
  makeGroup("web");
  Status deleted = catalog().deleteApplication("shop");
  ASSERT_FALSE(deleted.ok());
  EXPECT_EQ(deleted.error().code, codes::kConflict);
  EXPECT_TRUE(contains(deleted.error().message, "still has deployment groups 'web'"))
      << deleted.error().message;
  ASSERT_TRUE(catalog().deleteGroup("shop", "web").ok());
  EXPECT_TRUE(catalog().deleteApplication("shop").ok());
}

TEST_F(ApplicationsTest, DeletingAnUnknownApplicationIsNotFound) {
  Status deleted = catalog().deleteApplication("nope");
  ASSERT_FALSE(deleted.ok());
  EXPECT_EQ(deleted.error().code, codes::kNotFound);
}

TEST_F(ApplicationsTest, ChangesJoinTheCallersTransaction) {
  {
    auto transaction = store::Transaction::begin(database());
    ASSERT_TRUE(transaction.ok());
    ASSERT_TRUE(catalog().createApplication("shop", ComputePlatform::Server).ok());
    // Not committed: dropped with the transaction.
  }
  EXPECT_EQ(catalog().getApplication("shop").error().code, codes::kNotFound);
}

TEST_F(ConfigsTest, PredefinedConfigsAreListedFirstAndReadOnly) {
  ASSERT_TRUE(catalog().createConfig(hostCount("two-up", 2)).ok());
  auto all = catalog().listConfigs();
  ASSERT_TRUE(all.ok());
  const auto& predefined = domain::predefinedConfigs();
  ASSERT_EQ(all->size(), predefined.size() + 1);
  EXPECT_EQ((*all)[0].name, "CodeDeployDefault.OneAtATime");
  EXPECT_EQ(all->back().name, "two-up");

  auto half = catalog().getConfig("CodeDeployDefault.HalfAtATime");
  ASSERT_TRUE(half.ok());
  EXPECT_EQ(half->minimumHealthyHosts()->value, 50);

  Status deleted = catalog().deleteConfig("CodeDeployDefault.AllAtOnce");
  ASSERT_FALSE(deleted.ok());
  EXPECT_EQ(deleted.error().code, codes::kConflict);
  EXPECT_TRUE(contains(deleted.error().message, "predefined")) << deleted.error().message;

  auto shadow = catalog().createConfig(hostCount("CodeDeployDefault.AllAtOnce", 1));
  ASSERT_FALSE(shadow.ok());
  EXPECT_EQ(shadow.error().code, codes::kAlreadyExists);
}

TEST_F(ConfigsTest, CustomConfigRoundTripAndDelete) {
  domain::DeploymentConfig config = hostCount("two-up", 2);
  ASSERT_TRUE(catalog().createConfig(config).ok());
  auto found = catalog().getConfig("two-up");
  ASSERT_TRUE(found.ok()) << found.error().message;
  EXPECT_EQ(*found, config);
  auto again = catalog().createConfig(config);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, codes::kAlreadyExists);
  ASSERT_TRUE(catalog().deleteConfig("two-up").ok());
  EXPECT_EQ(catalog().getConfig("two-up").error().code, codes::kNotFound);
}

TEST_F(ConfigsTest, InvalidCustomConfigIsInvalidArgument) {
  auto created = catalog().createConfig(
      {"bad", ComputePlatform::Server,
       domain::MinimumHealthyHosts{domain::MinimumHealthyHostsType::FleetPercent, 100}});
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, codes::kInvalidArgument);
}

TEST_F(ConfigsTest, UnknownConfigSuggestsCloseNames) {
  auto found = catalog().getConfig("CodeDeployDefault.HalfAtTime");
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.error().code, codes::kNotFound);
  EXPECT_TRUE(contains(found.error().message, "did you mean 'CodeDeployDefault.HalfAtATime'"))
      << found.error().message;
}

TEST_F(ConfigsTest, ConfigNamedByAGroupCannotBeDeleted) {
  ASSERT_TRUE(catalog().createConfig(hostCount("two-up", 2)).ok());
  makeGroup("web");
  GroupSpec spec = catalog().getGroup("shop", "web")->spec;
  spec.deploymentConfig = "two-up";
  ASSERT_TRUE(catalog().updateGroup(spec).ok());
  Status deleted = catalog().deleteConfig("two-up");
  ASSERT_FALSE(deleted.ok());
  EXPECT_EQ(deleted.error().code, codes::kConflict);
  EXPECT_TRUE(contains(deleted.error().message, "'shop/web'")) << deleted.error().message;
}

}  // namespace
}  // namespace greenlight::catalog
