// Where the client finds the server and its token; how it names API paths; how it packs folders.
#include <gtest/gtest.h>

#include <archive.h>
#include <archive_entry.h>

#include <map>

#include "cli/client_api.h"
#include "cli/client_bundle_pack.h"
#include "support/test_support.h"

namespace greenlight::cli {
namespace {

using testing::TempDir;
using testing::writeFile;

EnvironmentLookup fakeEnvironment(std::map<std::string, std::string> values) {
  return [values](const std::string& name) -> std::optional<std::string> {
    auto found = values.find(name);
    if (found == values.end()) return std::nullopt;
    return found->second;
  };
}

TEST(ClientSettingsTest, DefaultsToTheLocalServerAndTakesTheTokenFromTheEnvironment) {
  auto settings = resolveClientSettings("", fakeEnvironment({{"GREENLIGHT_TOKEN", " glt_abc\n"}}));
  ASSERT_TRUE(settings.ok()) << settings.error().message;
  EXPECT_EQ(settings->address, "127.0.0.1:7070");
  EXPECT_EQ(settings->token, "glt_abc");
}

TEST(ClientSettingsTest, AddressFromGreenlightAddr) {
  auto settings = resolveClientSettings(
      "", fakeEnvironment({{"GREENLIGHT_ADDR", "10.0.0.5:9000"}, {"GREENLIGHT_TOKEN", "glt_x"}}));
  ASSERT_TRUE(settings.ok());
  EXPECT_EQ(settings->address, "10.0.0.5:9000");
}

TEST(ClientSettingsTest, MissingTokenSaysHowToSetIt) {
  auto settings = resolveClientSettings("", fakeEnvironment({}));
  ASSERT_FALSE(settings.ok());
  EXPECT_EQ(settings.error().code, "TokenMissing");
  EXPECT_NE(settings.error().message.find("GREENLIGHT_TOKEN"), std::string::npos);
  EXPECT_NE(settings.error().message.find("--token-file"), std::string::npos);
}

TEST(ClientSettingsTest, TokenFileOptionWinsOverTheEnvironment) {
  TempDir dir;
  writeFile(dir / "token", "glt_from_file\n", 0600);
  auto settings = resolveClientSettings((dir / "token").string(), fakeEnvironment({{"GREENLIGHT_TOKEN", "glt_env"}}));
  ASSERT_TRUE(settings.ok()) << settings.error().message;
  EXPECT_EQ(settings->token, "glt_from_file");
}

TEST(ClientSettingsTest, TokenFileFromTheEnvironmentWhenNoTokenIsSet) {
  TempDir dir;
  writeFile(dir / "token", "glt_env_file", 0600);
  auto settings = resolveClientSettings("", fakeEnvironment({{"GREENLIGHT_TOKEN_FILE", (dir / "token").string()}}));
  ASSERT_TRUE(settings.ok()) << settings.error().message;
  EXPECT_EQ(settings->token, "glt_env_file");
}

TEST(ClientSettingsTest, UnreadableOrEmptyTokenFileIsNamed) {
  TempDir dir;
  auto missing = resolveClientSettings((dir / "nope").string(), fakeEnvironment({}));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find((dir / "nope").string()), std::string::npos);
  writeFile(dir / "empty", "  \n");
  auto empty = resolveClientSettings("", fakeEnvironment({{"GREENLIGHT_TOKEN_FILE", (dir / "empty").string()}}));
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message.find("is empty"), std::string::npos);
}

TEST(ClientSettingsTest, PathsAndQueriesArePercentEncoded) {
  EXPECT_EQ(apiPath({"applications", "my app", "groups"}), "/v1/applications/my%20app/groups");
  EXPECT_EQ(queryString({{"description", "v2 & more"}, {"empty", ""}, {"limit", "5"}}),
            "?description=v2%20%26%20more&limit=5");
  EXPECT_EQ(queryString({{"empty", ""}}), "");
}

std::vector<std::string> archiveEntries(const std::filesystem::path& file) {
  std::vector<std::string> names;
  archive* reader = archive_read_new();
  archive_read_support_filter_all(reader);
  archive_read_support_format_all(reader);
  EXPECT_EQ(archive_read_open_filename(reader, file.c_str(), 16384), ARCHIVE_OK);
  archive_entry* entry = nullptr;
  while (archive_read_next_header(reader, &entry) == ARCHIVE_OK) names.emplace_back(archive_entry_pathname(entry));
  archive_read_free(reader);
  return names;
}

TEST(ClientBundlePackTest, PacksRelativeSortedEntriesReproducibly) {
  TempDir dir;
  writeFile(dir / "bundle/appspec.yml", "version: 0.0\nos: linux\n");
  writeFile(dir / "bundle/scripts/start.sh", "#!/bin/sh\n", 0755);
  writeFile(dir / "bundle/app/index.html", "v1\n");
  ASSERT_TRUE(packFolderAsTgz(dir / "bundle", dir / "one.tgz").ok());
  auto names = archiveEntries(dir / "one.tgz");
  std::vector<std::string> expected = {"app/", "app/index.html", "appspec.yml", "scripts/", "scripts/start.sh"};
  EXPECT_EQ(names, expected);
  ASSERT_TRUE(packFolderAsTgz(dir / "bundle", dir / "two.tgz").ok());
  EXPECT_EQ(testing::readFile(dir / "one.tgz"), testing::readFile(dir / "two.tgz"))
      << "the same folder packs to the same bytes, so it is the same revision";
  writeFile(dir / "bundle/app/index.html", "v2\n");
  ASSERT_TRUE(packFolderAsTgz(dir / "bundle", dir / "three.tgz").ok());
  EXPECT_NE(testing::readFile(dir / "one.tgz"), testing::readFile(dir / "three.tgz"));
}

TEST(ClientBundlePackTest, RefusesAMissingFolder) {
  TempDir dir;
  Status status = packFolderAsTgz(dir / "absent", dir / "out.tgz");
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("absent"), std::string::npos);
}

TEST(ClientBundlePackTest, BundleTypeFromTheFileName) {
  EXPECT_EQ(*bundleTypeOfFileName("a/b.tar.gz"), "tgz");
  EXPECT_EQ(*bundleTypeOfFileName("b.tgz"), "tgz");
  EXPECT_EQ(*bundleTypeOfFileName("b.tar"), "tar");
  EXPECT_EQ(*bundleTypeOfFileName("b.zip"), "zip");
  auto other = bundleTypeOfFileName("b.rar");
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.error().message.find(".tgz"), std::string::npos);
}

}  // namespace
}  // namespace greenlight::cli
