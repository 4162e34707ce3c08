// What `greenlight rollback` offers when no revision is named: the recent good revisions from the
// group's history (never the deployment being undone), how they are listed, and reading a pick.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli/client_rollback_choice.h"

namespace greenlight::cli {
namespace {

using nlohmann::json;

json deployment(const std::string& id, const std::string& status, const std::string& revision, const std::string& ended,
                long long durationMs, const std::string& by = "admin") {
  return json{{"id", id},         {"status", status},       {"revision", revision},
              {"endedAt", ended}, {"durationMs", durationMs}, {"createdBy", by},
              {"createdAt", ended}};
}

// Newest first, as GET /v1/deployments answers.
json history() {
  return json{{"deployments",
               json::array({deployment("d-5", "Succeeded", "eeee000000000000", "2026-12-03T10:05:00.000Z", 1000),
                            deployment("d-4", "Failed", "dddd000000000000", "2026-12-03T10:04:00.000Z", 2000),
                            deployment("d-3", "Succeeded", "cccc000000000000", "2026-12-03T10:03:00.000Z", 3200, "ci"),
                            deployment("d-2", "Succeeded", "bbbb000000000000", "2026-12-03T10:02:00.000Z", 61000),
                            deployment("d-1", "Succeeded", "cccc000000000000", "2026-12-03T10:01:00.000Z", 4000)})}};
}

TEST(ClientRollbackChoiceTest, OffersOlderSucceededRevisionsOnceNewestFirstNeverTheOneUndone) {
  auto choices = rollbackChoices(history(), 10);
  ASSERT_EQ(choices.size(), 2u);
  EXPECT_EQ(choices[0].revision, "cccc000000000000") << "the last good one, as the server would pick";
  EXPECT_EQ(choices[0].deploymentId, "d-3");
  EXPECT_EQ(choices[0].createdBy, "ci");
  EXPECT_EQ(choices[0].durationMs, 3200);
  EXPECT_EQ(choices[1].revision, "bbbb000000000000");
  EXPECT_EQ(rollbackChoices(history(), 1).size(), 1u);
  EXPECT_TRUE(rollbackChoices(json{{"deployments", json::array({history()["deployments"][0]})}}, 10).empty())
      << "a group's only deployment has nothing before it";
}

TEST(ClientRollbackChoiceTest, ListShowsWhenHowLongAndByWhomWithTheDefaultMarked) {
  std::string text = renderRollbackChoices(rollbackChoices(history(), 10), parseTimestamp("2026-12-03T10:08:00.000Z"));
  EXPECT_EQ(text,
            "    REVISION      DEPLOYED                         TOOK    BY     DEPLOYMENT\n"
            "1)  cccc00000000  2026-12-03 10:03:00 (5m00s ago)  3.200s  ci     d-3         (default: the last good one)\n"
            "2)  bbbb00000000  2026-12-03 10:02:00 (6m00s ago)  1m01s   admin  d-2\n");
  EXPECT_EQ(describeRollbackChoice(rollbackChoices(history(), 10)[0], true),
            "Rolling back to the last good revision cccc00000000 (deployed 2026-12-03 10:03:00 by ci in d-3).\n");
}

TEST(ClientRollbackChoiceTest, AnswerIsEnterForTheDefaultOrANumberInTheList) {
  EXPECT_EQ(parseRollbackAnswer("", 3), 0u);
  EXPECT_EQ(parseRollbackAnswer(" 2 \r", 3), 1u);
  EXPECT_EQ(parseRollbackAnswer("3", 3), 2u);
  EXPECT_EQ(parseRollbackAnswer("4", 3), std::nullopt);
  EXPECT_EQ(parseRollbackAnswer("0", 3), std::nullopt);
  EXPECT_EQ(parseRollbackAnswer("two", 3), std::nullopt);
  EXPECT_EQ(parseRollbackAnswer("99999999999", 3), std::nullopt);
  EXPECT_EQ(parseRollbackAnswer("", 0), std::nullopt);
}

}  // namespace
}  // namespace greenlight::cli
