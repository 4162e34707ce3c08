// Token secrets: shape, randomness, hashing.
#include "auth/token_secret.h"

#include <gtest/gtest.h>

#include <set>

namespace greenlight::auth {
namespace {

TEST(TokenSecretTest, IsPrefixedBase64UrlOf32Bytes) {
  auto secret = generateTokenSecret();
  ASSERT_TRUE(secret.ok());
  EXPECT_EQ(secret->size(), 47u);
  EXPECT_EQ(secret->substr(0, 4), "glt_");
  EXPECT_EQ(secret->find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 4),
            std::string::npos);
  EXPECT_TRUE(looksLikeTokenSecret(*secret));
}

TEST(TokenSecretTest, EverySecretIsDifferent) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    auto secret = generateTokenSecret();
    ASSERT_TRUE(secret.ok());
    EXPECT_TRUE(seen.insert(*secret).second);
  }
}

TEST(TokenSecretTest, RecognisesOnlyTheShapeOfASecret) {
  std::string valid = "glt_" + std::string(43, 'A');
  EXPECT_TRUE(looksLikeTokenSecret(valid));
  EXPECT_FALSE(looksLikeTokenSecret(""));
  EXPECT_FALSE(looksLikeTokenSecret(valid.substr(0, 46)));
  EXPECT_FALSE(looksLikeTokenSecret(valid + "A"));
  EXPECT_FALSE(looksLikeTokenSecret("glx_" + std::string(43, 'A')));
  EXPECT_FALSE(looksLikeTokenSecret("glt_" + std::string(42, 'A') + "="));
  EXPECT_FALSE(looksLikeTokenSecret("glt_" + std::string(42, 'A') + "+"));
}

TEST(TokenSecretTest, HashIsTheSha256OfTheWholeSecret) {
  // sha256("abc")
  EXPECT_EQ(tokenSecretHash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(hashesEqual(tokenSecretHash("x"), tokenSecretHash("x")));
  EXPECT_FALSE(hashesEqual(tokenSecretHash("x"), tokenSecretHash("y")));
  EXPECT_FALSE(hashesEqual("ab", "abc"));
}

}  // namespace
}  // namespace greenlight::auth
