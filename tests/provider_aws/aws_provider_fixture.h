// The AWS providers against a real moto_server (reset before each test) and a real store in a
// temporary data folder holding application "hello"; groups are created from YAML as users write
// them. Helpers read back what reached moto.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "auth/auth_schema.h"
#include "aws/query_params.h"
#include "aws/xml.h"
#include "catalog/catalog.h"
#include "catalog/group_spec.h"
#include "common/clock.h"
#include "providers/aws/aws_clients.h"
#include "store/sqlite_database.h"
#include "store/sqlite_serialized.h"
#include "provider_aws/moto_resources.h"
#include "support/moto_server.h"
#include "support/test_support.h"

namespace greenlight::testing {

class AwsProviderFixture : public MotoTest {
 protected:
  void SetUp() override {
    MotoTest::SetUp();
    if (HasFatalFailure()) return;
    auto opened = store::SqliteDatabase::openInDataFolder(data_.path());
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    ASSERT_TRUE(auth::migrateAuthSchema(**opened, clock_).ok());
    ASSERT_TRUE(catalog::migrateCatalogSchema(**opened, clock_).ok());
    database_ = std::make_unique<store::SerializedSqliteDatabase>(std::move(opened).value());
    database_->withConnection([&](store::SqliteDatabase& db) {
      ASSERT_TRUE(catalog::Catalog(db, clock_).createApplication("hello", domain::ComputePlatform::Server).ok());
    });
    aws::ResolvedConfig resolved = moto().clientConfig();
    aws::ClientConfig config = resolved.config;
    config.credentials = resolved.credentials;
    clients_ = std::make_unique<providers::aws::AwsClients>(config);
    auto subnets = client().query("ec2", "2016-11-15", "DescribeSubnets", {});
    ASSERT_TRUE(subnets.ok()) << subnets.error().message;
    for (const aws::Xml& subnet : subnets->list("subnetSet")) {
      subnets_.push_back(subnet.text("subnetId"));
      vpc_ = subnet.text("vpcId");
    }
    ASSERT_GE(subnets_.size(), 2u);
  }

  // Creates group `name` of application hello from the YAML body (without its name line).
  catalog::DeploymentGroup createGroup(const std::string& name, const std::string& yaml) {
    auto spec = catalog::parseGroupYaml("name: " + name + "\n" + yaml, name + ".yaml", "hello");
    EXPECT_TRUE(spec.ok()) << spec.error().message;
    if (!spec.ok()) return {};
    return database_->withConnection([&](store::SqliteDatabase& db) {
      auto created = catalog::Catalog(db, clock_).createGroup(*spec);
      EXPECT_TRUE(created.ok()) << created.error().message;
      return created.ok() ? *created : catalog::DeploymentGroup{};
    });
  }

  aws::Xml call(const char* service, const char* version, const char* action,
                const aws::QueryParams& params = {}) {
    return motoCall(client(), service, version, action, params);
  }
  aws::Xml autoScaling(const char* action, const aws::QueryParams& params = {}) {
    return call("autoscaling", "2011-01-01", action, params);
  }
  aws::Xml ec2(const char* action, const aws::QueryParams& params = {}) {
    return call("ec2", "2016-11-15", action, params);
  }
  aws::Xml elb(const char* action, const aws::QueryParams& params = {}) {
    return call("elasticloadbalancing", "2015-12-01", action, params);
  }
  aws::Xml cloudWatch(const char* action, const aws::QueryParams& params = {}) {
    return call("monitoring", "2010-08-01", action, params);
  }

  // The Auto Scaling group so named, or an empty view.
  aws::Xml asg(const std::string& name) {
    aws::QueryParams params;
    params.addMembers("AutoScalingGroupNames", {name});
    for (const aws::Xml& group : autoScaling("DescribeAutoScalingGroups", params).list("AutoScalingGroups")) {
      if (group.text("AutoScalingGroupName") == name) return group;
    }
    return {};
  }
  std::vector<std::string> launchTemplates() {
    std::vector<std::string> names;
    for (const aws::Xml& lt : ec2("DescribeLaunchTemplates").list("launchTemplates")) {
      names.push_back(lt.text("launchTemplateName"));
    }
    return names;
  }
  std::vector<std::string> alarms() {
    std::vector<std::string> names;
    for (const aws::Xml& alarm : cloudWatch("DescribeAlarms").list("MetricAlarms")) {
      names.push_back(alarm.text("AlarmName"));
    }
    return names;
  }

  std::vector<catalog::Instance> fleet(const std::string& groupId, const std::string& fleetVersion) {
    return database_->withConnection([&](store::SqliteDatabase& db) {
      auto listed = catalog::Catalog(db, clock_).listFleetVersion(groupId, fleetVersion);
      EXPECT_TRUE(listed.ok());
      return listed.ok() ? *listed : std::vector<catalog::Instance>{};
    });
  }

  TempDir data_;
  SystemClock clock_;
  std::unique_ptr<store::SerializedSqliteDatabase> database_;
  std::unique_ptr<providers::aws::AwsClients> clients_;
  std::vector<std::string> subnets_;
  std::string vpc_;
};

}  // namespace greenlight::testing
