// The signer beyond the suite: what it adds for session tokens and S3, and its encoders.
#include <gtest/gtest.h>

#include "aws/sigv4.h"
#include "common/sha256.h"

namespace greenlight::aws {
namespace {

SigningParams params(std::string service) {
  SigningParams signing;
  signing.credentials = {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
  signing.region = "eu-west-1";
  signing.service = std::move(service);
  signing.time = std::chrono::system_clock::from_time_t(1440938160);  // 2015-08-30T12:36:00Z
  return signing;
}

std::string added(const SignedRequest& signed_, const std::string& name) {
  for (const auto& [key, value] : signed_.addedHeaders)
    if (key == name) return value;
  return "<absent>";
}

TEST(SigV4, AddsTheDateFromTheClockWhenTheRequestHasNone) {
  SignedRequest signed_ = signRequest({"GET", "/", "", {{"Host", "example.com"}}, ""}, params("ec2"));
  EXPECT_EQ(added(signed_, "X-Amz-Date"), "20150830T123600Z");
  EXPECT_NE(signed_.canonicalRequest.find("x-amz-date:20150830T123600Z\n"), std::string::npos);
  EXPECT_NE(signed_.authorization.find("Credential=AKIDEXAMPLE/20150830/eu-west-1/ec2/aws4_request"),
            std::string::npos);
}

TEST(SigV4, SignsTheSessionTokenAsXAmzSecurityToken) {
  SigningParams signing = params("autoscaling");
  signing.credentials.sessionToken = "token/with+chars";
  SignedRequest signed_ = signRequest({"POST", "/", "", {{"Host", "example.com"}}, "Action=X"}, signing);
  EXPECT_EQ(added(signed_, "X-Amz-Security-Token"), "token/with+chars");
  EXPECT_NE(signed_.authorization.find("SignedHeaders=host;x-amz-date;x-amz-security-token,"), std::string::npos);
}

TEST(SigV4, S3SignsTheBodyHashHeaderAndKeepsThePathAsGiven) {
  SigningParams signing = params("s3");
  signing.normalizePath = false;
  signing.addContentSha256 = true;
  SignedRequest signed_ = signRequest({"PUT", "/bucket/a//b/../c d", "", {{"Host", "s3"}}, "bytes"}, signing);
  EXPECT_EQ(added(signed_, "x-amz-content-sha256"), sha256Hex("bytes"));
  EXPECT_EQ(signed_.canonicalRequest.substr(0, signed_.canonicalRequest.find('\n', 4)), "PUT\n/bucket/a//b/../c%20d");
  EXPECT_NE(signed_.authorization.find("x-amz-content-sha256"), std::string::npos);

  signing.unsignedPayload = true;
  SignedRequest unsignedBody = signRequest({"PUT", "/bucket/k", "", {{"Host", "s3"}}, "bytes"}, signing);
  EXPECT_EQ(added(unsignedBody, "x-amz-content-sha256"), "UNSIGNED-PAYLOAD");
  EXPECT_TRUE(unsignedBody.canonicalRequest.ends_with("\nUNSIGNED-PAYLOAD"));
}

TEST(SigV4, AnotherSecretGivesAnotherSignature) {
  SigningParams wrong = params("ec2");
  wrong.credentials.secretAccessKey = "not-the-secret";
  SigningRequest request{"GET", "/", "", {{"Host", "example.com"}}, ""};
  EXPECT_NE(signRequest(request, params("ec2")).signature, signRequest(request, wrong).signature);
  EXPECT_EQ(signRequest(request, params("ec2")).signature.size(), 64u);
}

TEST(SigV4, EncodesAndNormalisesPaths) {
  EXPECT_EQ(uriEncode("a b/c~d+é"), "a%20b%2Fc~d%2B%C3%A9");
  EXPECT_EQ(uriEncodePath("/a b/c"), "/a%20b/c");
  EXPECT_EQ(uriDecode("a%20b%2fc+d"), "a b/c+d");
  EXPECT_EQ(uriDecode("100%zz"), "100%zz");
  EXPECT_EQ(normalizePath("//a/./b/../c//"), "/a/c/");
  EXPECT_EQ(normalizePath("/a/b/../.."), "/");
  EXPECT_EQ(normalizePath(""), "/");
}

}  // namespace
}  // namespace greenlight::aws
