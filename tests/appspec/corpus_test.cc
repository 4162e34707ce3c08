// Walks the whole AppSpec corpus of real-world files: every file not marked suspect-invalid must
// pass (warnings allowed), every suspect-invalid one must get a clear error, none may crash.
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "appspec/parser.h"
#include "appspec_test_helpers.h"
#include "support/test_support.h"

namespace greenlight::appspec {
namespace {

using testing::dump;

struct CorpusEntry {
  std::string file;
  std::string platform;  // server | lambda | ecs
  std::string notes;
  bool suspect = false;
};

std::filesystem::path corpusDir() { return greenlight::testing::sharedDir() / "corpus" / "appspec"; }

std::vector<CorpusEntry> readSources() {
  std::ifstream in(corpusDir() / "SOURCES.tsv");
  std::vector<CorpusEntry> entries;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<std::string> fields;
    std::stringstream stream(line);
    for (std::string field; std::getline(stream, field, '\t');) fields.push_back(field);
    if (fields.size() < 6) continue;
    CorpusEntry entry{fields[0], fields[4], fields[5]};
    entry.suspect = entry.notes.rfind("suspect-invalid:", 0) == 0;
    entries.push_back(entry);
  }
  return entries;
}

// Suspect-invalid files that CodeDeploy itself accepts; greenlight warns (with the exact keys
// below) and does not fail them.
const std::map<std::string, std::vector<std::string>> kAcceptedWithWarnings = {
    // Unknown Properties (TrafficRoutingConfig, TargetGroups) are ignored by CodeDeploy's ECS
    // deployments — traffic routing belongs to the deployment group — so the file deploys.
    {"025-ecs.yml",
     {"Resources[0].TargetService.Properties.TrafficRoutingConfig", "Resources[0].TargetService.Properties.TargetGroups"}},
    // The agent ignores the unknown top-level 'file' key and never runs the misspelled
    // 'ApplicatiionStart' event: the deployment succeeds and does nothing useful. Both are
    // warnings with "did you mean" so `greenlight validate` points at the typos.
    {"111-server.yml", {"file", "hooks.ApplicatiionStart"}},
};

// The key of an error each remaining suspect-invalid file must get: the problem the corpus notes
// describe, so a regression that fails these files for some other reason is caught.
const std::map<std::string, std::string> kExpectedErrorKey = {
    {"002-lambda.yml", "version"},
    {"004-lambda.yml", "version"},
    {"005-lambda.yml", "Resources[0].myLambdaFunction.Properties.CurrentVersion"},
    {"007-lambda.yml", ""},  // YAML syntax error: not tied to a key
    {"008-lambda.yml", "Hooks[0].LifeCycleEvent"},
    {"011-lambda.yml", "Hooks"},
    {"012-lambda.yml", "Resources[0].podinfo-lambda.Properties.CurrentVersion"},
    {"014-lambda.yml", "Resources[0].PaymentApiFunction.Properties.CurrentVersion"},
    {"016-lambda.yml", ""},
    {"029-ecs.yml", "version"},
    {"031-ecs.yml", "version"},
    {"032-ecs.json", "Resources[0].TargetService.Properties.LoadBalancerInfo.ContainerPort"},
    {"033-ecs.json", "version"},
    {"036-ecs.json", "version"},
    {"040-server.yml", "permissions[0].acls"},
    {"041-server.yml", "permissions[0].context.range"},
    {"044-server.yml", ""},
    {"045-server.yml", "hooks.BeforeInstall[0].location"},
    {"058-server.yml", "version"},
    // Named .json but YAML inside: an error, because CodeDeploy parses a .json AppSpec as JSON.
    {"067-ecs.json", ""},
    {"069-server.json", "version"},
    {"071-ecs.json", "Hooks[0].BeforeInstall"},
    {"072-server.yml", ""},
    {"075-server.yml", "version"},
    {"076-server.yml", ""},
    {"079-server.yml", ""},
    {"082-server.yml", "hooks.ApplicationStop"},
    {"087-server.yml", "version"},
    {"095-server.yml", ""},
    {"096-server.yml", "version"},
    {"097-server.yml", "version"},
    {"101-server.yml", ""},
    {"107-server.json", "permissions[0].except"},
    {"108-server.yml", "hooks.ApplicationStop[1].timeout"},
    // A stray backslash moves AfterInstall out of hooks: greenlight makes that an error even
    // though the agent would silently skip the event, because the script would never run.
    {"109-server.yml", "\\   AfterInstall"},
    {"112-server.yml", "runas"},
    {"113-server.yml", "os"},
};

std::string readCorpusFile(const std::string& name) {
  std::ifstream in(corpusDir() / name, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Platform platformNamed(const std::string& name) {
  if (name == "lambda") return Platform::Lambda;
  if (name == "ecs") return Platform::Ecs;
  return Platform::Server;
}

TEST(AppSpecCorpus, ListsEveryFileOfTheCorpus) {
  std::vector<CorpusEntry> entries = readSources();
  ASSERT_EQ(entries.size(), 122u) << "SOURCES.tsv not found or changed under " << corpusDir();
  std::set<std::string> listed;
  for (const CorpusEntry& entry : entries) {
    listed.insert(entry.file);
    EXPECT_TRUE(std::filesystem::exists(corpusDir() / entry.file)) << entry.file;
  }
  for (const auto& [file, keys] : kAcceptedWithWarnings) EXPECT_TRUE(listed.count(file)) << file;
  for (const auto& [file, key] : kExpectedErrorKey) EXPECT_TRUE(listed.count(file)) << file;
}

TEST(AppSpecCorpus, EveryFileGetsTheExpectedVerdict) {
  int passed = 0;
  int rejected = 0;
  for (const CorpusEntry& entry : readSources()) {
    SCOPED_TRACE(entry.file + " — " + entry.notes);
    ParseOptions options;
    if (entry.platform == "server") options.expectedPlatform = Platform::Server;
    ParseResult result = parse(readCorpusFile(entry.file), entry.file, options);

    for (const Diagnostic& diagnostic : result.diagnostics) {
      EXPECT_EQ(diagnostic.file, entry.file);
      // Every problem in this corpus is tied to a line of its file.
      EXPECT_GT(diagnostic.line, 0) << format(diagnostic);
      EXPECT_FALSE(diagnostic.message.empty());
    }

    auto accepted = kAcceptedWithWarnings.find(entry.file);
    if (!entry.suspect || accepted != kAcceptedWithWarnings.end()) {
      ASSERT_FALSE(hasErrors(result.diagnostics)) << dump(result);
      ASSERT_TRUE(result.ok());
      if (entry.platform != "server" || !entry.suspect) {
        EXPECT_EQ(result.spec->platform, platformNamed(entry.platform));
      }
      EXPECT_EQ(result.spec->version, "0.0");
      if (accepted != kAcceptedWithWarnings.end()) {
        for (const std::string& key : accepted->second) {
          EXPECT_NE(testing::find(result, key, Severity::Warning), nullptr) << "no warning for " << key << "\n"
                                                                           << dump(result);
        }
      }
      ++passed;
      continue;
    }
    EXPECT_FALSE(result.ok());
    ASSERT_TRUE(hasErrors(result.diagnostics)) << "suspect-invalid file passed:\n" << dump(result);
    auto expected = kExpectedErrorKey.find(entry.file);
    ASSERT_NE(expected, kExpectedErrorKey.end()) << "add the expected error key for this file";
    EXPECT_NE(testing::find(result, expected->second), nullptr)
        << "no error for key '" << expected->second << "'\n" << dump(result);
    ++rejected;
  }
  EXPECT_EQ(passed + rejected, 122);
  EXPECT_EQ(rejected, static_cast<int>(kExpectedErrorKey.size()));
}

}  // namespace
}  // namespace greenlight::appspec
