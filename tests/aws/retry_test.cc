// Retries through the injected transport and sleep: which failures retry, the backoff bounds,
// and giving up after maxAttempts — no network, no sleeping.
#include <gtest/gtest.h>

#include <atomic>
#include <deque>
#include <mutex>
#include <thread>

#include "aws/aws_client.h"

namespace greenlight::aws {
namespace {

// Answers from a script, recording every request.
class ScriptedTransport final : public Transport {
 public:
  void answer(long status, std::string body) { script_.push_back(HttpResponse{status, {}, std::move(body)}); }
  void fail() { script_.push_back(Error{kAwsUnreachable, "connection refused"}); }
  Result<HttpResponse> send(const HttpRequest& request) override {
    std::lock_guard lock(mutex_);
    requests.push_back(request);
    if (script_.empty()) return HttpResponse{200, {}, "<OkResponse><OkResult/></OkResponse>"};
    Result<HttpResponse> next = script_.front();
    script_.pop_front();
    return next;
  }
  std::vector<HttpRequest> requests;

 private:
  std::mutex mutex_;
  std::deque<Result<HttpResponse>> script_;
};

constexpr const char* kThrottled =
    "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>";

class Retries : public ::testing::Test {
 protected:
  std::unique_ptr<AwsClient> client(int maxAttempts = 4, double random = 0.5) {
    ResolvedConfig resolved;
    resolved.config.region = "us-east-1";
    resolved.config.endpointUrl = "http://127.0.0.1:9";
    resolved.config.maxAttempts = maxAttempts;
    resolved.config.retryBaseDelay = std::chrono::milliseconds(100);
    resolved.config.retryMaxDelay = std::chrono::milliseconds(1000);
    resolved.credentials = {"AKID", "secret", ""};
    AwsClientDependencies dependencies;
    dependencies.transport = transport_;
    dependencies.sleep = [this](std::chrono::milliseconds delay) { sleeps_.push_back(delay); };
    dependencies.random = [random] { return random; };
    auto created = AwsClient::create(resolved, dependencies);
    EXPECT_TRUE(created.ok());
    return std::move(created).value();
  }
  Result<Xml> call(AwsClient& aws) { return aws.query("autoscaling", "2011-01-01", "DescribeAutoScalingGroups", {}); }

  std::shared_ptr<ScriptedTransport> transport_ = std::make_shared<ScriptedTransport>();
  std::vector<std::chrono::milliseconds> sleeps_;
};

TEST_F(Retries, ThrottlingIsRetriedWithGrowingJitteredDelays) {
  transport_->answer(400, kThrottled);
  transport_->answer(400, kThrottled);
  auto aws = client(4, 0.5);
  auto result = call(*aws);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(transport_->requests.size(), 3u);
  std::vector<std::chrono::milliseconds> expected = {std::chrono::milliseconds(50), std::chrono::milliseconds(100)};
  EXPECT_EQ(sleeps_, expected);  // half of 100 ms, then half of 200 ms
}

TEST_F(Retries, EveryThrottlingCodeAnd5xxAndNetworkFailuresRetry) {
  for (const char* code : {"Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException",
                           "ProvisionedThroughputExceededException", "SlowDown"}) {
    EXPECT_TRUE(isRetryable(AwsError{code, "", 400, ""})) << code;
  }
  EXPECT_TRUE(isRetryable(AwsError{"InternalFailure", "", 500, ""}));
  EXPECT_TRUE(isRetryable(AwsError{"HTTP503", "", 503, ""}));
  EXPECT_TRUE(isRetryable(Error{kAwsUnreachable, "refused"}));
  EXPECT_FALSE(isRetryable(AwsError{"ValidationError", "", 400, ""}));
  EXPECT_FALSE(isRetryable(AwsError{"AccessDenied", "", 403, ""}));
  EXPECT_FALSE(isRetryable(Error{kAwsConfig, "no region"}));

  transport_->fail();
  transport_->answer(503, "");
  transport_->answer(500, "<ErrorResponse><Error><Code>InternalFailure</Code></Error></ErrorResponse>");
  auto aws = client(4);
  EXPECT_TRUE(call(*aws).ok());
  EXPECT_EQ(transport_->requests.size(), 4u);
}

TEST_F(Retries, OtherClientErrorsAreNeverRetried) {
  transport_->answer(400, "<ErrorResponse><Error><Code>ValidationError</Code><Message>bad</Message></Error>"
                          "</ErrorResponse>");
  auto aws = client(5);
  auto result = call(*aws);
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(isAwsError(result.error(), "ValidationError"));
  EXPECT_EQ(transport_->requests.size(), 1u);
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(Retries, AnHtmlPageIsUnsupportedAndNotRetried) {
  transport_->answer(500, "<!doctype html>\n<html lang=en><title>500 Internal Server Error</title>");
  auto aws = client(5);
  auto result = call(*aws);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, kAwsUnsupported);
  EXPECT_NE(result.error().message.find("DescribeAutoScalingGroups is not supported by http://127.0.0.1:9"),
            std::string::npos) << result.error().message;
  EXPECT_EQ(transport_->requests.size(), 1u);
}

TEST_F(Retries, GivesUpAfterMaxAttemptsWithTheLastErrorAndTheCount) {
  for (int i = 0; i < 10; ++i) transport_->answer(400, kThrottled);
  auto aws = client(3);
  auto result = call(*aws);
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(isAwsError(result.error(), "Throttling"));
  EXPECT_NE(result.error().message.find("after 3 attempts"), std::string::npos) << result.error().message;
  EXPECT_EQ(transport_->requests.size(), 3u);
  EXPECT_EQ(sleeps_.size(), 2u);
}

TEST_F(Retries, NetworkFailureMessageSaysWhatWasTried) {
  for (int i = 0; i < 3; ++i) transport_->fail();
  auto aws = client(2);
  auto result = call(*aws);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, kAwsUnreachable);
  EXPECT_NE(result.error().message.find("autoscaling DescribeAutoScalingGroups failed after 2 attempts"),
            std::string::npos) << result.error().message;
}

TEST_F(Retries, OneClientServesManyThreads) {
  auto aws = client(1);
  std::vector<std::thread> threads;
  std::atomic<int> succeeded{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i)
        if (call(*aws).ok()) ++succeeded;
    });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(succeeded.load(), 100);
  EXPECT_EQ(transport_->requests.size(), 100u);
}

TEST(Backoff, IsCappedAndFullyJittered) {
  RetryPolicy policy{10, std::chrono::milliseconds(100), std::chrono::milliseconds(1000)};
  EXPECT_EQ(backoffDelay(policy, 1, 0.999).count(), 99);
  EXPECT_EQ(backoffDelay(policy, 2, 0.999).count(), 199);
  EXPECT_EQ(backoffDelay(policy, 4, 0.999).count(), 799);
  EXPECT_EQ(backoffDelay(policy, 5, 0.999).count(), 999);   // capped at maxDelay
  EXPECT_EQ(backoffDelay(policy, 60, 0.999).count(), 999);  // no overflow however many failures
  EXPECT_EQ(backoffDelay(policy, 3, 0.0).count(), 0);       // full jitter reaches zero
}

TEST_F(Retries, RequestsAreSignedFormPostsToTheEndpoint) {
  auto aws = client(1);
  QueryParams params;
  params.addMembers("AutoScalingGroupNames", {"hello-v001"});
  auto result = aws->query("autoscaling", "2011-01-01", "DescribeAutoScalingGroups", params);
  ASSERT_EQ(transport_->requests.size(), 1u);
  const HttpRequest& sent = transport_->requests[0];
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.url, "http://127.0.0.1:9/");
  EXPECT_EQ(sent.body, "Action=DescribeAutoScalingGroups&Version=2011-01-01&AutoScalingGroupNames.member.1=hello-v001");
  bool signedForAutoscaling = false;
  for (const auto& [name, value] : sent.headers)
    if (name == "Authorization") signedForAutoscaling = value.find("/us-east-1/autoscaling/aws4_request") != std::string::npos;
  EXPECT_TRUE(signedForAutoscaling);
}

}  // namespace
}  // namespace greenlight::aws
