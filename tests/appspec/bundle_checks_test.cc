// Checks of an AppSpec against its bundle's files, and finding the AppSpec in a bundle.
#include <gtest/gtest.h>

#include "appspec/bundle_checks.h"
#include "appspec/parser.h"
#include "appspec_test_helpers.h"
#include "support/test_support.h"

namespace greenlight::appspec {
namespace {

using greenlight::testing::TempDir;
using greenlight::testing::writeFile;
using testing::dump;

AppSpec parsed(const std::string& text) {
  ParseResult result = testing::parseServer(text);
  EXPECT_TRUE(result.ok()) << dump(result);
  return result.spec.value_or(AppSpec{});
}

const Diagnostic* findIn(const std::vector<Diagnostic>& diagnostics, const std::string& key, Severity severity) {
  for (const Diagnostic& diagnostic : diagnostics) {
    if (diagnostic.key == key && diagnostic.severity == severity) return &diagnostic;
  }
  return nullptr;
}

const char* kSpec =
    "version: 0.0\n"
    "os: linux\n"
    "files:\n"
    "  - source: app\n"
    "    destination: /opt/app\n"
    "  - source: /\n"
    "    destination: /opt/all\n"
    "hooks:\n"
    "  AfterInstall:\n"
    "    - location: scripts/ready.sh\n"
    "    - location: scripts/plain.sh\n"
    "    - location: scripts/missing.sh\n"
    "    - location: /scripts/ready.sh\n";

TEST(BundleChecks, ReportsMissingAndNonExecutableScriptsAndSlashes) {
  TempDir bundle;
  writeFile(bundle / "app/index.html", "hi");
  writeFile(bundle / "scripts/ready.sh", "#!/bin/sh\n", 0755);
  writeFile(bundle / "scripts/plain.sh", "#!/bin/sh\n", 0644);
  std::vector<Diagnostic> diagnostics = checkAgainstBundle(parsed(kSpec), bundle.path(), "bundle/appspec.yml");

  const Diagnostic* missing = findIn(diagnostics, "hooks.AfterInstall[2].location", Severity::Error);
  ASSERT_NE(missing, nullptr) << dump(diagnostics);
  EXPECT_EQ(missing->file, "bundle/appspec.yml");
  EXPECT_EQ(missing->line, 12);
  EXPECT_NE(missing->message.find("scripts/missing.sh"), std::string::npos);

  const Diagnostic* plain = findIn(diagnostics, "hooks.AfterInstall[1].location", Severity::Warning);
  ASSERT_NE(plain, nullptr) << dump(diagnostics);
  EXPECT_NE(plain->message.find("greenlight adds +x"), std::string::npos);

  const Diagnostic* slash = findIn(diagnostics, "hooks.AfterInstall[3].location", Severity::Warning);
  ASSERT_NE(slash, nullptr) << dump(diagnostics);
  EXPECT_NE(slash->message.find("resolved inside the bundle"), std::string::npos);
  EXPECT_EQ(findIn(diagnostics, "hooks.AfterInstall[3].location", Severity::Error), nullptr);

  EXPECT_EQ(findIn(diagnostics, "hooks.AfterInstall[0].location", Severity::Warning), nullptr);
  EXPECT_EQ(findIn(diagnostics, "files[0].source", Severity::Error), nullptr);
  EXPECT_EQ(diagnostics.size(), 3u) << dump(diagnostics);
}

TEST(BundleChecks, MissingFilesSourceIsAnError) {
  TempDir bundle;
  std::vector<Diagnostic> diagnostics = checkAgainstBundle(
      parsed("version: 0.0\nos: linux\nfiles:\n  - source: build/out\n    destination: /opt\n"), bundle.path(),
      "appspec.yml");
  const Diagnostic* error = findIn(diagnostics, "files[0].source", Severity::Error);
  ASSERT_NE(error, nullptr) << dump(diagnostics);
  EXPECT_EQ(error->line, 4);
}

TEST(BundleChecks, PathsEscapingTheBundleAreErrors) {
  TempDir bundle;
  std::vector<Diagnostic> diagnostics = checkAgainstBundle(
      parsed("version: 0.0\nos: linux\nhooks:\n  AfterInstall:\n    - location: ../outside.sh\n"), bundle.path(),
      "appspec.yml");
  const Diagnostic* error = findIn(diagnostics, "hooks.AfterInstall[0].location", Severity::Error);
  ASSERT_NE(error, nullptr) << dump(diagnostics);
  EXPECT_NE(error->message.find("outside the bundle"), std::string::npos);
}

TEST(BundleChecks, WindowsBackslashLocationsResolveInsideTheBundle) {
  TempDir bundle;
  writeFile(bundle / "scripts/install.bat", "@echo off\n", 0644);
  std::vector<Diagnostic> diagnostics = checkAgainstBundle(
      parsed("version: 0.0\nos: windows\nhooks:\n  BeforeInstall:\n    - location: scripts\\install.bat\n"),
      bundle.path(), "appspec.yml");
  EXPECT_TRUE(diagnostics.empty()) << dump(diagnostics);  // no executable bit on Windows
}

TEST(FindAppSpec, PrefersTheDefaultNamesInOrder) {
  TempDir bundle;
  writeFile(bundle / "appspec.yaml", "version: 0.0\n");
  writeFile(bundle / "appspec.json", "{}");
  Result<std::filesystem::path> found = findAppSpec(bundle.path(), "");
  ASSERT_TRUE(found.ok()) << found.error().message;
  EXPECT_EQ(found->filename(), "appspec.yaml");
  writeFile(bundle / "appspec.yml", "version: 0.0\n");
  EXPECT_EQ(findAppSpec(bundle.path(), "")->filename(), "appspec.yml");
}

TEST(FindAppSpec, UsesACustomName) {
  TempDir bundle;
  writeFile(bundle / "deploy/appspec-prod.yml", "version: 0.0\n");
  writeFile(bundle / "appspec.yml", "version: 0.0\n");
  Result<std::filesystem::path> found = findAppSpec(bundle.path(), "deploy/appspec-prod.yml");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(*found, bundle / "deploy/appspec-prod.yml");
  Result<std::filesystem::path> missing = findAppSpec(bundle.path(), "other.yml");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "AppSpecMissing");
  EXPECT_NE(missing.error().message.find("other.yml"), std::string::npos);
  EXPECT_FALSE(findAppSpec(bundle.path(), "../appspec.yml").ok());
}

TEST(FindAppSpec, MissingAppSpecNamesWhatWasTriedAndSpotsCaseSlips) {
  TempDir bundle;
  writeFile(bundle / "AppSpec.yml", "version: 0.0\n");
  Result<std::filesystem::path> found = findAppSpec(bundle.path(), "");
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.error().code, "AppSpecMissing");
  EXPECT_NE(found.error().message.find("appspec.yml, appspec.yaml, appspec.json"), std::string::npos);
  EXPECT_NE(found.error().message.find("found 'AppSpec.yml'"), std::string::npos);
}

}  // namespace
}  // namespace greenlight::appspec
