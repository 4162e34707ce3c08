// `greenlight validate` on files, folders, archives and the real-world corpus.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/test_support.h"

namespace greenlight {
namespace {

namespace fs = std::filesystem;
using testing::runCommand;
using testing::TempDir;
using testing::writeFile;

std::string validate(const std::string& arguments) {
  return "'" + testing::greenlightBinary().string() + "' validate " + arguments;
}

TEST(ValidateCommand, SampleAppIsClean) {
  auto result = runCommand(validate("'" + (testing::sourceDir() / "examples/sample-app").string() + "'"));
  EXPECT_EQ(result.exitCode, 0) << result.output;
  EXPECT_NE(result.output.find("0 errors"), std::string::npos) << result.output;
}

TEST(ValidateCommand, ProblemsNameFileLineAndKeyAndFailTheExitCode) {
  TempDir dir;
  writeFile(dir / "bundle/appspec.yml",
            "version: 0.0\nos: linux\nfiles:\n  - source: app\n    destination: relative/path\nhooks:\n"
            "  AfterInstall:\n    - location: scripts/missing.sh\n");
  fs::create_directories(dir / "bundle/app");
  auto result = runCommand(validate("'" + (dir / "bundle").string() + "' --output json"));
  EXPECT_EQ(result.exitCode, 1) << result.output;
  auto json = nlohmann::json::parse(result.output);
  EXPECT_FALSE(json["valid"].get<bool>());
  bool destination = false;
  bool missing = false;
  for (const auto& diagnostic : json["diagnostics"]) {
    std::string message = diagnostic.dump();
    if (diagnostic["line"] == 5 && message.find("destination") != std::string::npos) destination = true;
    if (message.find("scripts/missing.sh") != std::string::npos) missing = true;
  }
  EXPECT_TRUE(destination) << result.output;
  EXPECT_TRUE(missing) << result.output;
}

TEST(ValidateCommand, ArchivesAreCheckedWithoutRunningAnything) {
  TempDir dir;
  writeFile(dir / "app/appspec.yml", "version: 0.0\nos: linux\nhooks:\n  AfterInstall:\n    - location: run.sh\n");
  writeFile(dir / "app/run.sh", "#!/bin/sh\ntouch '" + (dir / "ran").string() + "'\n", 0755);
  ASSERT_EQ(runCommand("cd '" + dir.path().string() + "' && tar -czf app.tgz app && zip -qr app.zip app").exitCode, 0);
  EXPECT_EQ(runCommand(validate("'" + (dir / "app.tgz").string() + "'")).exitCode, 0);
  EXPECT_EQ(runCommand(validate("'" + (dir / "app.zip").string() + "'")).exitCode, 0);
  EXPECT_FALSE(fs::exists(dir / "ran"));
}

TEST(ValidateCommand, MissingPathIsAClearError) {
  auto result = runCommand(validate("/nonexistent/appspec.yml"));
  EXPECT_EQ(result.exitCode, 1);
  EXPECT_NE(result.output.find("no such file"), std::string::npos) << result.output;
}

// Every corpus file through the binary: valid ones exit 0, suspect-invalid ones never crash
// (exit 0 with warnings or 1 with errors; the library-level corpus test pins which).
TEST(ValidateCommandIntegration, WholeCorpusThroughTheBinary) {
  fs::path corpus = testing::sharedDir() / "corpus/appspec";
  std::ifstream sources(corpus / "SOURCES.tsv");
  ASSERT_TRUE(sources) << "missing " << corpus;
  std::string line;
  std::getline(sources, line);
  int files = 0;
  while (std::getline(sources, line)) {
    std::istringstream fields(line);
    std::string file, repo, path, commit, platform, notes;
    std::getline(fields, file, '\t');
    std::getline(fields, repo, '\t');
    std::getline(fields, path, '\t');
    std::getline(fields, commit, '\t');
    std::getline(fields, platform, '\t');
    std::getline(fields, notes, '\t');
    auto result = runCommand(validate("'" + (corpus / file).string() + "'"));
    bool suspect = notes.rfind("suspect-invalid", 0) == 0;
    if (suspect) {
      EXPECT_TRUE(result.exitCode == 0 || result.exitCode == 1) << file << " crashed: " << result.output;
    } else {
      EXPECT_EQ(result.exitCode, 0) << file << ": " << result.output;
    }
    ++files;
  }
  EXPECT_EQ(files, 122);
}

}  // namespace
}  // namespace greenlight
