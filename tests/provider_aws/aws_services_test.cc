// CloudWatch alarms as alarm checks, and the S3 revision store, against moto.
#include <fstream>

#include "aws_provider_fixture.h"
#include "bundle/bundle.h"
#include "catalog/revision_store.h"
#include "common/error_codes.h"
#include "provider_aws/moto_resources.h"
#include "providers/aws/cloudwatch_alarms.h"
#include "providers/aws/s3_revisions.h"

namespace greenlight::testing {
namespace {

class CloudWatchAlarmsIntegration : public AwsProviderFixture {
 protected:
  void putAlarm(const std::string& name) { testing::putAlarm(client(), name); }
  catalog::CheckSpec check(std::vector<std::string> names) {
    catalog::CheckSpec spec;
    spec.name = "errors";
    spec.cloudwatch = catalog::CloudWatchCheckSpec{std::move(names), "us-east-1"};
    return spec;
  }
};

TEST_F(CloudWatchAlarmsIntegration, AnAlarmInStateAlarmFailsTheCheck) {
  putAlarm("hello-5xx");
  putAlarm("hello-latency");
  engine::CheckResult quiet = providers::aws::readCloudWatchAlarms(*clients_, check({"hello-5xx", "hello-latency"}));
  EXPECT_EQ(quiet.verdict, engine::verdicts::kPassed) << quiet.summary;
  aws::QueryParams set;
  set.add("AlarmName", "hello-5xx");
  set.add("StateValue", "ALARM");
  set.add("StateReason", "forced by the test");
  cloudWatch("SetAlarmState", set);
  engine::CheckResult firing = providers::aws::readCloudWatchAlarms(*clients_, check({"hello-5xx", "hello-latency"}));
  EXPECT_EQ(firing.verdict, engine::verdicts::kFailed);
  EXPECT_NE(firing.summary.find("hello-5xx (forced by the test)"), std::string::npos) << firing.summary;
  EXPECT_EQ(firing.summary.find("hello-latency"), std::string::npos) << firing.summary;
}

TEST_F(CloudWatchAlarmsIntegration, AnAlarmThatDoesNotExistCannotBeRead) {
  engine::CheckResult missing = providers::aws::readCloudWatchAlarms(*clients_, check({"no-such-alarm"}));
  EXPECT_EQ(missing.verdict, engine::verdicts::kError);
  EXPECT_NE(missing.summary.find("no such CloudWatch alarm in us-east-1: no-such-alarm"), std::string::npos) << missing.summary;
}

class S3RevisionsIntegration : public AwsProviderFixture {
 protected:
  // A tar bundle with a valid AppSpec, in the store's incoming folder.
  std::filesystem::path upload(catalog::RevisionStore& store, const std::string& marker) {
    TempDir source;
    writeFile(source / "appspec.yml", "version: 0.0\nos: linux\nfiles:\n  - source: app\n    destination: /srv/app\n");
    writeFile(source / "app/VERSION", marker + "\n");
    std::filesystem::path into = store.temporaryPath();
    CommandResult packed = runCommand("tar -cf '" + into.string() + "' -C '" + source.path().string() + "' .");
    EXPECT_EQ(packed.exitCode, 0) << packed.output;
    return into;
  }
};

TEST_F(S3RevisionsIntegration, EveryKeptBundleIsInTheBucketAndANewServerFetchesItFromThere) {
  auto mirror = std::make_shared<providers::aws::S3RevisionMirror>(*clients_, "greenlight-revisions");
  TempDir firstFolder;
  auto first = catalog::RevisionStore::open(firstFolder / "revisions");
  ASSERT_TRUE(first.ok()) << first.error().message;
  first->setMirror(mirror);
  auto stored = first->ingest(upload(*first, "1"));
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  auto object = client().s3Head("greenlight-revisions", "revisions/" + stored->sha256);
  ASSERT_TRUE(object.ok()) << object.error().message;
  ASSERT_TRUE(object->has_value()) << "the bucket was made and holds the bundle";
  EXPECT_EQ((*object)->size, stored->sizeBytes);

  // A server on an empty disk: the bundle comes back from S3, checked against its sha256.
  TempDir secondFolder;
  auto second = catalog::RevisionStore::open(secondFolder / "revisions");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->pathFor(stored->sha256).error().code, codes::kNotFound) << "no mirror, no bundle";
  second->setMirror(mirror);
  auto fetched = second->pathFor(stored->sha256);
  ASSERT_TRUE(fetched.ok()) << fetched.error().message;
  EXPECT_EQ(readFile(*fetched), readFile(firstFolder / "revisions" / stored->sha256));
  auto contents = second->contents(stored->sha256, "appspec.yml");
  ASSERT_TRUE(contents.ok()) << contents.error().message;

  // A bundle S3 does not hold either is still NotFound, saying where it looked.
  std::string absent(64, 'a');
  auto missing = second->pathFor(absent);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, codes::kNotFound);
}

TEST_F(S3RevisionsIntegration, AnUploadS3RefusesFailsAndTheSameUploadAgainRetries) {
  // S3 not answering (nothing listens on the endpoint): the mirror's put fails, the local copy stays.
  aws::ClientConfig down = clients_->base();
  down.endpointUrl = "http://127.0.0.1:" + std::to_string(freePort());
  down.maxAttempts = 1;
  providers::aws::AwsClients unreachable(down);
  auto refusing = std::make_shared<providers::aws::S3RevisionMirror>(unreachable, "greenlight-revisions");
  TempDir folder;
  auto store = catalog::RevisionStore::open(folder / "revisions");
  ASSERT_TRUE(store.ok());
  store->setMirror(refusing);
  auto refused = store->ingest(upload(*store, "2"));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("stored on the server but not in s3://greenlight-revisions/revisions/"),
            std::string::npos)
      << refused.error().message;
  store->setMirror(std::make_shared<providers::aws::S3RevisionMirror>(*clients_, "greenlight-revisions"));
  auto retried = store->ingest(upload(*store, "2"));
  ASSERT_TRUE(retried.ok()) << retried.error().message;
  EXPECT_TRUE(retried->alreadyStored);
  auto object = client().s3Head("greenlight-revisions", "revisions/" + retried->sha256);
  ASSERT_TRUE(object.ok() && object->has_value());
}

}  // namespace
}  // namespace greenlight::testing
