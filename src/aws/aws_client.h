// greenlight's one AWS client, shared by every AWS provider: SigV4-signed calls in the Query/XML
// protocol (autoscaling, elasticloadbalancing, monitoring, ec2, iam), the JSON protocol
// (dynamodb, ecs, codedeploy) and S3's REST API (path-style), with retries on throttling, 5xx
// and network failures, and errors that carry the AWS code (see aws_error.h).
//
//   auto client = aws::AwsClient::create(aws::ClientConfig{.region = "eu-west-1"});
//   if (!client.ok()) return client.error();          // names every place credentials were looked for
//   aws::QueryParams params;
//   params.addMembers("AutoScalingGroupNames", {"hello-v001"});
//   auto groups = (*client)->query("autoscaling", "2011-01-01", "DescribeAutoScalingGroups", params);
//   for (const aws::Xml& group : groups->list("AutoScalingGroups")) group.text("AutoScalingGroupName");
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "aws/aws_error.h"
#include "aws/credentials.h"
#include "aws/query_params.h"
#include "aws/retry.h"
#include "aws/transport.h"
#include "aws/xml.h"
#include "common/clock.h"
#include "common/result.h"

namespace greenlight::aws {

// The seams a test replaces; every null member takes the real thing.
struct AwsClientDependencies {
  std::shared_ptr<Transport> transport;                  // null: libcurl with the config's timeouts
  std::function<void(std::chrono::milliseconds)> sleep;  // null: std::this_thread::sleep_for
  std::function<double()> random;                        // uniform in [0, 1) for jitter; null: a PRNG
  std::shared_ptr<const Clock> clock;                    // the signing time; null: the system clock
  EnvironmentLookup environment;                         // the chain's environment; null: the process's
};

struct S3Object {
  std::string body;
  std::string etag;
  std::string contentType;
};

struct S3ObjectSummary {
  std::string key;
  long long size = 0;
  std::string etag;
  std::string lastModified;  // as S3 writes it: 2026-12-07T09:58:50.000Z
};

// One page of ListObjectsV2; pass nextContinuationToken back for the next.
struct S3Listing {
  std::vector<S3ObjectSummary> objects;
  std::vector<std::string> commonPrefixes;  // with a delimiter
  std::string nextContinuationToken;        // empty on the last page
};

// Thread-safe: one client serves every thread and every service of one region and account.
// Each call signs with the resolved credentials at the clock's time, and retries up to
// config.maxAttempts times with backoff (RetryPolicy) when the failure is retryable.
class AwsClient {
 public:
  // Resolves `config` through the credential chain (resolveAwsConfig); fails with "AwsConfig"
  // when credentials, the region or a valid endpoint cannot be found.
  static Result<std::unique_ptr<AwsClient>> create(const ClientConfig& config, AwsClientDependencies dependencies = {});
  // With configuration already resolved (no environment read).
  static Result<std::unique_ptr<AwsClient>> create(ResolvedConfig resolved, AwsClientDependencies dependencies = {});
  ~AwsClient();
  AwsClient(const AwsClient&) = delete;
  AwsClient& operator=(const AwsClient&) = delete;

  // A Query-protocol call: POST Action=<action>&Version=<version>&<params>. Returns the
  // <ActionResult> element when the answer has one (autoscaling, elbv2, monitoring, iam), else the
  // answer's root element (ec2: <DescribeVpcsResponse> holding <vpcSet>).
  Result<Xml> query(std::string_view service, std::string_view version, std::string_view action,
                    const QueryParams& params);

  // A JSON-protocol call: POST with X-Amz-Target: <targetPrefix>.<operation>, e.g.
  // json("dynamodb", "DynamoDB_20120810", "PutItem", item). `jsonVersion` is "1.0" (DynamoDB)
  // or "1.1" (ECS, CodeDeploy). Returns the answer's JSON ({} for an empty body).
  Result<nlohmann::json> json(std::string_view service, std::string_view targetPrefix, std::string_view operation,
                              const nlohmann::json& body, std::string_view jsonVersion = "1.0");

  // S3 (path-style: <endpoint>/<bucket>/<key>). A missing key is Aws.NoSuchKey (s3Get) or
  // nullopt (s3Head); a missing bucket Aws.NoSuchBucket.
  Status s3CreateBucket(std::string_view bucket);
  Status s3Put(std::string_view bucket, std::string_view key, std::string_view bytes,
               std::string_view contentType = "application/octet-stream");
  Result<S3Object> s3Get(std::string_view bucket, std::string_view key);
  Result<std::optional<S3ObjectSummary>> s3Head(std::string_view bucket, std::string_view key);
  Status s3Delete(std::string_view bucket, std::string_view key);
  Result<S3Listing> s3List(std::string_view bucket, std::string_view prefix = {},
                           std::string_view continuationToken = {}, std::string_view delimiter = {},
                           int maxKeys = 1000);

  const std::string& region() const { return resolved_.config.region; }
  // Where the calls go: the override URL, or "" for real AWS.
  const std::string& endpointUrl() const { return resolved_.config.endpointUrl; }
  const std::string& credentialsSource() const { return resolved_.credentialsSource; }

 private:
  struct Call;
  AwsClient(ResolvedConfig resolved, AwsClientDependencies dependencies);
  Result<HttpResponse> send(const Call& call);
  Result<HttpResponse> attempt(const Call& call);
  double nextRandom();

  ResolvedConfig resolved_;
  AwsClientDependencies dependencies_;
  RetryPolicy retry_;
  std::mutex randomMutex_;
  std::mt19937_64 randomEngine_;  // GUARDED_BY(randomMutex_), when dependencies_.random is null
};

}  // namespace greenlight::aws
