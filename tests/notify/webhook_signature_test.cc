// The signature against vectors computed independently:
//   printf '%s' BODY | openssl dgst -sha256 -hmac KEY
#include "notify/webhook_signature.h"

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace greenlight::notify {
namespace {

TEST(WebhookSignature, MatchesOpensslOnKnownVectors) {
  EXPECT_EQ(hmacSha256Hex("key", "The quick brown fox jumps over the lazy dog"),
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
  EXPECT_EQ(signatureFor("It is a secret", R"({"event":"DeploymentStart","sequence":1})"),
            "sha256=37c6e1f3d71d39bf5d1d185b757f1707958a588897c7787c11cea48a78ff42de");
  EXPECT_EQ(hmacSha256Hex("", ""), "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(WebhookSignature, CoversEveryByteOfTheBody) {
  std::string body = R"({"event":"DeploymentSuccess"})";
  EXPECT_NE(signatureFor("k", body), signatureFor("k", body + " "));
  EXPECT_NE(signatureFor("k", body), signatureFor("K", body));
}

TEST(WebhookSignature, AgreesWithTheOpensslCommandOnABodyWithNewlinesAndUnicode) {
  testing::TempDir folder;
  std::string body = "{\"text\":\"greenlight: d\\u00e9ploiement \xc3\xa9\\nfini\"}\n";
  testing::writeFile(folder / "body.json", body);
  auto computed = testing::runCommand("openssl dgst -sha256 -hmac 's3cr3t' < '" +
                                      (folder / "body.json").string() + "'");
  ASSERT_EQ(computed.exitCode, 0) << computed.output;
  EXPECT_NE(computed.output.find(hmacSha256Hex("s3cr3t", body)), std::string::npos) << computed.output;
}

}  // namespace
}  // namespace greenlight::notify
