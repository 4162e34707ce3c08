// The credential chain with an injected environment and temporary shared files (never $HOME).
#include <gtest/gtest.h>

#include <map>

#include "aws/credentials.h"
#include "support/test_support.h"

namespace greenlight::aws {
namespace {

using greenlight::testing::TempDir;
using greenlight::testing::writeFile;

class CredentialChain : public ::testing::Test {
 protected:
  void SetUp() override {
    environment_["HOME"] = (folder_ / "home").string();  // an empty home: no ~/.aws
    environment_["AWS_SHARED_CREDENTIALS_FILE"] = (folder_ / "credentials").string();
    environment_["AWS_CONFIG_FILE"] = (folder_ / "config").string();
  }
  Result<ResolvedConfig> resolve(ClientConfig config = {}) {
    return resolveAwsConfig(config, [this](std::string_view name) -> std::optional<std::string> {
      auto found = environment_.find(std::string(name));
      if (found == environment_.end()) return std::nullopt;
      return found->second;
    });
  }
  void setEnvironmentKeys() {
    environment_["AWS_ACCESS_KEY_ID"] = "K";
    environment_["AWS_SECRET_ACCESS_KEY"] = "S";
  }
  void writeCredentials(const std::string& text) { writeFile(folder_ / "credentials", text); }
  void writeConfig(const std::string& text) { writeFile(folder_ / "config", text); }

  TempDir folder_;
  std::map<std::string, std::string> environment_;
};

TEST_F(CredentialChain, ExplicitCredentialsWinOverEnvironmentAndFiles) {
  environment_["AWS_ACCESS_KEY_ID"] = "ENVKEY";
  environment_["AWS_SECRET_ACCESS_KEY"] = "envsecret";
  writeCredentials("[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = filesecret\n");
  ClientConfig config;
  config.region = "eu-west-1";
  config.credentials = {"EXPLICIT", "explicitsecret", ""};
  auto resolved = resolve(config);
  ASSERT_TRUE(resolved.ok()) << resolved.error().message;
  EXPECT_EQ(resolved->credentials.accessKeyId, "EXPLICIT");
  EXPECT_EQ(resolved->credentialsSource, "the configuration");
}

TEST_F(CredentialChain, EnvironmentWinsOverTheSharedFiles) {
  environment_["AWS_ACCESS_KEY_ID"] = "ENVKEY";
  environment_["AWS_SECRET_ACCESS_KEY"] = "envsecret";
  environment_["AWS_SESSION_TOKEN"] = "envtoken";
  environment_["AWS_REGION"] = "ap-south-1";
  writeCredentials("[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = filesecret\n");
  auto resolved = resolve();
  ASSERT_TRUE(resolved.ok()) << resolved.error().message;
  EXPECT_EQ(resolved->credentials.accessKeyId, "ENVKEY");
  EXPECT_EQ(resolved->credentials.sessionToken, "envtoken");
  EXPECT_EQ(resolved->config.region, "ap-south-1");
  EXPECT_EQ(resolved->regionSource, "AWS_REGION");
}

TEST_F(CredentialChain, ReadsTheDefaultProfileFromTheFiles) {
  writeCredentials("# comment\n[other]\naws_access_key_id = OTHER\naws_secret_access_key = o\n"
                   "[default]\naws_access_key_id=FILEKEY  \naws_secret_access_key = file=secret\n"
                   "s3 =\n  max_concurrent_requests = 2\n");
  writeConfig("[default]\nregion = eu-central-1\n");
  auto resolved = resolve();
  ASSERT_TRUE(resolved.ok()) << resolved.error().message;
  EXPECT_EQ(resolved->credentials.accessKeyId, "FILEKEY");
  EXPECT_EQ(resolved->credentials.secretAccessKey, "file=secret");
  EXPECT_EQ(resolved->config.region, "eu-central-1");
  EXPECT_NE(resolved->credentialsSource.find((folder_ / "credentials").string()), std::string::npos);
}

TEST_F(CredentialChain, NamedProfileUsesProfileSectionsOfTheConfigFile) {
  environment_["AWS_PROFILE"] = "deploy";
  writeConfig("[default]\nregion = us-east-1\n[profile deploy]\nregion = eu-west-3\n"
              "aws_access_key_id = CFGKEY\naws_secret_access_key = cfgsecret\nendpoint_url = http://localhost:9\n");
  auto resolved = resolve();
  ASSERT_TRUE(resolved.ok()) << resolved.error().message;
  EXPECT_EQ(resolved->credentials.accessKeyId, "CFGKEY");
  EXPECT_EQ(resolved->config.region, "eu-west-3");
  EXPECT_EQ(resolved->config.endpointUrl, "http://localhost:9");
}

TEST_F(CredentialChain, AnExplicitProfileWinsOverEnvironmentKeys) {
  environment_["AWS_ACCESS_KEY_ID"] = "ENVKEY";
  environment_["AWS_SECRET_ACCESS_KEY"] = "envsecret";
  writeCredentials("[ci]\naws_access_key_id = CIKEY\naws_secret_access_key = cisecret\n");
  ClientConfig config;
  config.profile = "ci";
  config.region = "us-west-2";
  auto resolved = resolve(config);
  ASSERT_TRUE(resolved.ok()) << resolved.error().message;
  EXPECT_EQ(resolved->credentials.accessKeyId, "CIKEY");
}

TEST_F(CredentialChain, RegionPrecedenceIsConfigThenAwsRegionThenDefaultRegionThenProfile) {
  setEnvironmentKeys();
  writeConfig("[default]\nregion = from-file\n");
  EXPECT_EQ(resolve()->config.region, "from-file");
  environment_["AWS_DEFAULT_REGION"] = "from-default";
  EXPECT_EQ(resolve()->config.region, "from-default");
  environment_["AWS_REGION"] = "from-region";
  EXPECT_EQ(resolve()->config.region, "from-region");
  ClientConfig config;
  config.region = "from-config";
  EXPECT_EQ(resolve(config)->config.region, "from-config");
}

TEST_F(CredentialChain, EndpointComesFromConfigThenAwsEndpointUrl) {
  setEnvironmentKeys();
  environment_["AWS_REGION"] = "us-east-1";
  EXPECT_EQ(resolve()->config.endpointUrl, "");
  environment_["AWS_ENDPOINT_URL"] = "http://127.0.0.1:5000";
  EXPECT_EQ(resolve()->config.endpointUrl, "http://127.0.0.1:5000");
  ClientConfig config;
  config.endpointUrl = "http://moto:1";
  EXPECT_EQ(resolve(config)->config.endpointUrl, "http://moto:1");
}

TEST_F(CredentialChain, MissingCredentialsNameEveryPlaceLooked) {
  environment_["AWS_REGION"] = "us-east-1";
  auto resolved = resolve();
  ASSERT_FALSE(resolved.ok());
  const std::string& message = resolved.error().message;
  EXPECT_EQ(resolved.error().code, "AwsConfig");
  EXPECT_NE(message.find("AWS_ACCESS_KEY_ID"), std::string::npos) << message;
  EXPECT_NE(message.find((folder_ / "credentials").string() + " (no such file)"), std::string::npos) << message;
  EXPECT_NE(message.find((folder_ / "config").string()), std::string::npos) << message;
  EXPECT_NE(message.find("explicit"), std::string::npos) << message;
}

TEST_F(CredentialChain, AKeyWithoutItsSecretIsMissingCredentials) {
  environment_["AWS_REGION"] = "us-east-1";
  environment_["AWS_ACCESS_KEY_ID"] = "ONLYKEY";
  EXPECT_FALSE(resolve().ok());
}

TEST_F(CredentialChain, MissingRegionIsAnErrorNamingWhereToSetIt) {
  setEnvironmentKeys();
  auto resolved = resolve();
  ASSERT_FALSE(resolved.ok());
  EXPECT_NE(resolved.error().message.find("AWS_REGION"), std::string::npos) << resolved.error().message;
  EXPECT_NE(resolved.error().message.find("AWS_DEFAULT_REGION"), std::string::npos);
}

TEST_F(CredentialChain, AnUnknownNamedProfileIsAnError) {
  environment_["AWS_PROFILE"] = "nope";
  setEnvironmentKeys();
  writeCredentials("[default]\naws_access_key_id = A\naws_secret_access_key = B\n");
  auto resolved = resolve();
  ASSERT_FALSE(resolved.ok());
  EXPECT_NE(resolved.error().message.find("profile 'nope'"), std::string::npos) << resolved.error().message;
  EXPECT_NE(resolved.error().message.find("AWS_PROFILE"), std::string::npos);
}

TEST_F(CredentialChain, HomeFilesAreTheDefaultPlaces) {
  environment_.erase("AWS_SHARED_CREDENTIALS_FILE");
  environment_.erase("AWS_CONFIG_FILE");
  writeFile(folder_ / "home/.aws/credentials", "[default]\naws_access_key_id = HOMEKEY\naws_secret_access_key = h\n");
  writeFile(folder_ / "home/.aws/config", "[default]\nregion = sa-east-1\n");
  auto resolved = resolve();
  ASSERT_TRUE(resolved.ok()) << resolved.error().message;
  EXPECT_EQ(resolved->credentials.accessKeyId, "HOMEKEY");
  EXPECT_EQ(resolved->config.region, "sa-east-1");
}

TEST(IniSection, AbsentSectionIsNullopt) {
  EXPECT_FALSE(iniSection("[a]\nx = 1\n", "b").has_value());
  auto section = iniSection("[a]\nx = 1\n[b]\n[a]\ny = 2\n", "a");
  ASSERT_TRUE(section.has_value());
  EXPECT_EQ(section->size(), 2u);  // a section named twice is merged
}

}  // namespace
}  // namespace greenlight::aws
