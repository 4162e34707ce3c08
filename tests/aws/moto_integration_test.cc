// The client against a real moto_server: Query (autoscaling, ec2), JSON (DynamoDB) and S3 calls,
// AWS errors with their code, and signature checking with the right and a wrong secret.
#include <gtest/gtest.h>

#include <cstdlib>

#include "aws/aws_client.h"
#include "support/moto_server.h"
#include "support/test_support.h"

namespace greenlight::aws {
namespace {

using greenlight::testing::MotoServer;
using greenlight::testing::MotoTest;

class AwsClientIntegration : public MotoTest {};

TEST_F(AwsClientIntegration, QueryCallsCreateAndDescribeAnAutoScalingGroup) {
  auto vpcs = client().query("ec2", "2016-11-15", "DescribeVpcs", QueryParams().addFilter("isDefault", {"true"}));
  ASSERT_TRUE(vpcs.ok()) << vpcs.error().message;
  auto items = vpcs->list("vpcSet");
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].text("vpcId").rfind("vpc-", 0), 0u) << items[0].text("vpcId");

  QueryParams launchTemplate;
  launchTemplate.add("LaunchTemplateName", "hello-v001").add("LaunchTemplateData.ImageId", "ami-12345678")
      .add("LaunchTemplateData.InstanceType", "t3.micro");
  auto created = client().query("ec2", "2016-11-15", "CreateLaunchTemplate", launchTemplate);
  ASSERT_TRUE(created.ok()) << created.error().message;
  std::string templateId = created->text("launchTemplate/launchTemplateId");
  ASSERT_FALSE(templateId.empty());

  QueryParams group;
  group.add("AutoScalingGroupName", "hello-v001").add("LaunchTemplate.LaunchTemplateId", templateId)
      .add("MinSize", "1").add("MaxSize", "2").add("DesiredCapacity", "1")
      .addMembers("AvailabilityZones", {"us-east-1a"})
      .addMemberStructs("Tags", {{{"Key", "greenlight:group"}, {"Value", "hello"}, {"PropagateAtLaunch", "true"}}});
  auto made = client().query("autoscaling", "2011-01-01", "CreateAutoScalingGroup", group);
  ASSERT_TRUE(made.ok()) << made.error().message;

  auto described = client().query("autoscaling", "2011-01-01", "DescribeAutoScalingGroups",
                                  QueryParams().addMembers("AutoScalingGroupNames", {"hello-v001"}));
  ASSERT_TRUE(described.ok()) << described.error().message;
  auto groups = described->list("AutoScalingGroups");
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].text("AutoScalingGroupName"), "hello-v001");
  EXPECT_EQ(groups[0].text("LaunchTemplate/LaunchTemplateId"), templateId);
  EXPECT_EQ(groups[0].list("Instances").size(), 1u);
  EXPECT_EQ(groups[0].list("Tags")[0].text("Value"), "hello");
}

TEST_F(AwsClientIntegration, AnAwsErrorCarriesItsCodeMessageStatusAndRequestId) {
  auto deleted = client().query("autoscaling", "2011-01-01", "DeleteAutoScalingGroup",
                                QueryParams().add("AutoScalingGroupName", "no-such-group"));
  ASSERT_FALSE(deleted.ok());
  EXPECT_TRUE(isAwsError(deleted.error(), "ValidationError")) << deleted.error().code;
  const std::string& message = deleted.error().message;
  EXPECT_NE(message.find("autoscaling DeleteAutoScalingGroup failed: ValidationError: "), std::string::npos) << message;
  EXPECT_NE(message.find("no-such-group"), std::string::npos) << message;
  EXPECT_NE(message.find("HTTP 400, request id "), std::string::npos) << message;
  EXPECT_NE(message.find(moto().endpoint()), std::string::npos) << message;
}

TEST_F(AwsClientIntegration, AnActionMotoDoesNotImplementIsUnsupported) {
  auto completed = client().query("autoscaling", "2011-01-01", "CompleteLifecycleAction",
                                  QueryParams().add("LifecycleHookName", "h").add("AutoScalingGroupName", "g")
                                      .add("LifecycleActionResult", "CONTINUE"));
  ASSERT_FALSE(completed.ok());
  EXPECT_EQ(completed.error().code, kAwsUnsupported) << completed.error().message;
}

TEST_F(AwsClientIntegration, JsonCallsCreateATableAndPutAndGetAnItem) {
  const std::string target = "DynamoDB_20120810";
  auto table = client().json("dynamodb", target, "CreateTable",
                             {{"TableName", "history"},
                              {"AttributeDefinitions", {{{"AttributeName", "id"}, {"AttributeType", "S"}}}},
                              {"KeySchema", {{{"AttributeName", "id"}, {"KeyType", "HASH"}}}},
                              {"BillingMode", "PAY_PER_REQUEST"}});
  ASSERT_TRUE(table.ok()) << table.error().message;
  EXPECT_EQ((*table)["TableDescription"]["TableName"], "history");

  nlohmann::json item = {{"id", {{"S", "hello-v002"}}}, {"status", {{"S", "deployed"}}}};
  auto put = client().json("dynamodb", target, "PutItem", {{"TableName", "history"}, {"Item", item}});
  ASSERT_TRUE(put.ok()) << put.error().message;
  auto got = client().json("dynamodb", target, "GetItem",
                           {{"TableName", "history"}, {"Key", {{"id", {{"S", "hello-v002"}}}}}});
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ((*got)["Item"]["status"]["S"], "deployed");

  auto again = client().json("dynamodb", target, "PutItem",
                             {{"TableName", "history"}, {"Item", item}, {"ConditionExpression", "attribute_not_exists(id)"}});
  ASSERT_FALSE(again.ok());
  EXPECT_TRUE(isAwsError(again.error(), "ConditionalCheckFailedException")) << again.error().message;
  auto missing = client().json("dynamodb", target, "DescribeTable", {{"TableName", "nope"}});
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(isAwsError(missing.error(), "ResourceNotFoundException")) << missing.error().message;
}

TEST_F(AwsClientIntegration, S3PutGetListHeadDeleteRoundTrip) {
  ASSERT_TRUE(client().s3CreateBucket("revisions").ok());
  std::string bytes("bundle\0bytes\xff", 13);
  const std::string key = "hello/rev 1/bundle.tar.gz";
  Status put = client().s3Put("revisions", key, bytes, "application/gzip");
  ASSERT_TRUE(put.ok()) << put.error().message;

  auto got = client().s3Get("revisions", key);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->body, bytes);
  EXPECT_EQ(got->contentType, "application/gzip");
  EXPECT_FALSE(got->etag.empty());

  auto head = client().s3Head("revisions", key);
  ASSERT_TRUE(head.ok()) << head.error().message;
  ASSERT_TRUE(head->has_value());
  EXPECT_EQ((*head)->size, 13);

  ASSERT_TRUE(client().s3Put("revisions", "hello/rev 2/bundle.tar.gz", "two").ok());
  ASSERT_TRUE(client().s3Put("revisions", "other/x", "x").ok());
  auto listed = client().s3List("revisions", "hello/");
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  ASSERT_EQ(listed->objects.size(), 2u);
  EXPECT_EQ(listed->objects[0].key, key);
  auto firstPage = client().s3List("revisions", "", "", "", 1);
  ASSERT_TRUE(firstPage.ok()) << firstPage.error().message;
  EXPECT_EQ(firstPage->objects.size(), 1u);
  EXPECT_FALSE(firstPage->nextContinuationToken.empty());
  auto nextPage = client().s3List("revisions", "", firstPage->nextContinuationToken, "", 1);
  ASSERT_TRUE(nextPage.ok()) << nextPage.error().message;
  ASSERT_EQ(nextPage->objects.size(), 1u);
  EXPECT_NE(nextPage->objects[0].key, firstPage->objects[0].key);

  ASSERT_TRUE(client().s3Delete("revisions", key).ok());
  auto gone = client().s3Head("revisions", key);
  ASSERT_TRUE(gone.ok()) << gone.error().message;
  EXPECT_FALSE(gone->has_value());
  auto missing = client().s3Get("revisions", key);
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(isAwsError(missing.error(), "NoSuchKey")) << missing.error().message;
  auto noBucket = client().s3Get("no-such-bucket", "k");
  ASSERT_FALSE(noBucket.ok());
  EXPECT_TRUE(isAwsError(noBucket.error(), "NoSuchBucket")) << noBucket.error().message;
}

TEST_F(AwsClientIntegration, ResetForgetsEverything) {
  ASSERT_TRUE(client().s3CreateBucket("kept").ok());
  ASSERT_TRUE(moto().reset().ok());
  auto listed = client().s3List("kept");
  ASSERT_FALSE(listed.ok());
  EXPECT_TRUE(isAwsError(listed.error(), "NoSuchBucket")) << listed.error().message;
}

// moto checks signatures after INITIAL_NO_AUTH_ACTION_COUNT requests, against its IAM users' keys.
// The three free requests create a user, its access key and a policy allowing everything.
class AwsSignatureIntegration : public ::testing::Test {
 protected:
  static constexpr const char* kIamVersion = "2010-05-08";
  std::unique_ptr<AwsClient> clientWith(const MotoServer& server, const Credentials& credentials) {
    auto created = AwsClient::create(server.clientConfig(credentials));
    EXPECT_TRUE(created.ok());
    return std::move(created).value();
  }
};

TEST_F(AwsSignatureIntegration, TheRightSecretIsAcceptedAndAWrongOneRefused) {
  MotoServer server(std::map<std::string, std::string>{{"INITIAL_NO_AUTH_ACTION_COUNT", "3"}});
  ASSERT_TRUE(server.ok()) << server.error();
  auto admin = clientWith(server, {"AKIDBOOTSTRAP", "bootstrap", ""});
  ASSERT_TRUE(admin->query("iam", kIamVersion, "CreateUser", QueryParams().add("UserName", "greenlight")).ok());
  auto key = admin->query("iam", kIamVersion, "CreateAccessKey", QueryParams().add("UserName", "greenlight"));
  ASSERT_TRUE(key.ok()) << key.error().message;
  Credentials right{key->text("AccessKey/AccessKeyId"), key->text("AccessKey/SecretAccessKey"), ""};
  ASSERT_FALSE(right.accessKeyId.empty());
  auto policy = admin->query("iam", kIamVersion, "PutUserPolicy",
                             QueryParams().add("UserName", "greenlight").add("PolicyName", "all").add(
                                 "PolicyDocument",
                                 R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})"));
  ASSERT_TRUE(policy.ok()) << policy.error().message;

  auto good = clientWith(server, right);
  auto groups = good->query("autoscaling", "2011-01-01", "DescribeAutoScalingGroups", {});
  EXPECT_TRUE(groups.ok()) << groups.error().message;
  auto tables = good->json("dynamodb", "DynamoDB_20120810", "ListTables", nlohmann::json::object());
  EXPECT_TRUE(tables.ok()) << tables.error().message;
  auto vpcs = good->query("ec2", "2016-11-15", "DescribeVpcs", {});
  EXPECT_TRUE(vpcs.ok()) << vpcs.error().message;
  Status bucket = good->s3CreateBucket("signed");
  ASSERT_TRUE(bucket.ok()) << bucket.error().message;
  Status put = good->s3Put("signed", "a b/c", "bytes");
  EXPECT_TRUE(put.ok()) << put.error().message;

  auto bad = clientWith(server, {right.accessKeyId, right.secretAccessKey + "x", ""});
  auto refused = bad->query("autoscaling", "2011-01-01", "DescribeAutoScalingGroups", {});
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(isAwsError(refused.error(), "SignatureDoesNotMatch")) << refused.error().message;
  EXPECT_NE(refused.error().message.find("HTTP 403"), std::string::npos) << refused.error().message;
  auto refusedJson = bad->json("dynamodb", "DynamoDB_20120810", "ListTables", nlohmann::json::object());
  ASSERT_FALSE(refusedJson.ok());
  EXPECT_TRUE(isAwsError(refusedJson.error(), "SignatureDoesNotMatch")) << refusedJson.error().message;
  auto refusedS3 = bad->s3Get("signed", "a b/c");
  ASSERT_FALSE(refusedS3.ok());
  EXPECT_TRUE(isAwsError(refusedS3.error(), "SignatureDoesNotMatch")) << refusedS3.error().message;

  auto unknown = clientWith(server, {"AKIDUNKNOWN0000000000", "whatever", ""});
  auto unknownKey = unknown->query("autoscaling", "2011-01-01", "DescribeAutoScalingGroups", {});
  ASSERT_FALSE(unknownKey.ok());
  EXPECT_TRUE(isAwsError(unknownKey.error(), "InvalidClientTokenId")) << unknownKey.error().message;
}

TEST(CurlTransport, NothingListeningIsUnreachableAfterEveryAttempt) {
  ResolvedConfig resolved;
  resolved.config.region = "us-east-1";
  resolved.config.endpointUrl = "http://127.0.0.1:" + std::to_string(greenlight::testing::freePort());
  resolved.config.maxAttempts = 2;
  resolved.credentials = {"AKID", "secret", ""};
  int sleeps = 0;
  AwsClientDependencies dependencies;
  dependencies.sleep = [&sleeps](std::chrono::milliseconds) { ++sleeps; };
  auto aws = AwsClient::create(resolved, dependencies);
  ASSERT_TRUE(aws.ok());
  auto result = (*aws)->query("ec2", "2016-11-15", "DescribeVpcs", {});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, kAwsUnreachable) << result.error().message;
  EXPECT_EQ(sleeps, 1);
}

}  // namespace
}  // namespace greenlight::aws

namespace greenlight::testing {
namespace {

TEST(MotoServerFixture, WithoutMotoServerOnPathItFailsSayingHowToInstall) {
  std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
  TempDir empty;
  ::setenv("PATH", empty.path().c_str(), 1);
  MotoServer server;
  ::setenv("PATH", path.c_str(), 1);
  ASSERT_FALSE(server.ok());
  EXPECT_NE(server.error().find("pip install 'moto[server]'"), std::string::npos) << server.error();
  EXPECT_FALSE(server.reset().ok());
}

}  // namespace
}  // namespace greenlight::testing
