// The judgement between in-place batches (a webhook check answered by a real HTTP server): with a
// group analysis the deployment goes a whole batch at a time, each finished batch judged for
// batchSeconds before the next starts; a failed check fails the deployment and rolls it back, an
// inconclusive one waits for `greenlight continue`.
#include "engine/engine_test_fixture.h"
#include "support/check_receiver.h"

namespace greenlight::engine {
namespace {

class InPlaceAnalysisTest : public EngineTest {
 protected:
  // Three instances one at a time, v1 deployed; v2 started, its first batch finished.
  void firstBatchOfV2() {
    analysis_ = {{"intervalSeconds", 5},
                 {"batchSeconds", 10},
                 {"checks", nlohmann::json::array({{{"name", "smoke"},
                                                    {"webhook", {{"url", receiver_.url()}, {"timeoutSeconds", 1}}}}})}};
    rollbackEvents_ = {catalog::kRollbackOnFailure};
    makeGroup(3, "CodeDeployDefault.OneAtATime", true);
    std::string first = deploy(addRevision('a')).id;
    reconcile();
    // The first deploy is judged too: every batch passes its window.
    for (int batch = 0; batch < 3 && !domain::isFinal(get(first).status); ++batch) {
      runToEnd(first);
      endWindow();
    }
    ASSERT_EQ(get(first).status, domain::DeploymentStatus::Succeeded) << get(first).errorMessage;
    id_ = deploy(addRevision('b')).id;
    reconcile();
    std::vector<std::string> flight = inProgress(id_);
    ASSERT_EQ(flight.size(), 1u);
    runAgent(flight.front());
    reconcile();
  }
  // Advances past the window (every measurement taken) and reconciles.
  void endWindow() {
    for (int i = 0; i < 2; ++i) {
      clock_.advance(std::chrono::seconds(5));
      reconcile();
    }
  }
  testing::CheckReceiver receiver_;
  std::string id_;
};

TEST_F(InPlaceAnalysisTest, EachBatchIsJudgedBeforeTheNextStarts) {
  firstBatchOfV2();
  EXPECT_TRUE(inProgress(id_).empty()) << "the next batch waits for the judgement";
  DeploymentView held = get(id_);
  ASSERT_TRUE(held.inPlace.is_object()) << held.inPlace.dump();
  ASSERT_EQ(held.inPlace["analyses"].size(), 1u);
  EXPECT_EQ(held.inPlace["analyses"][0]["stepIndex"], 1) << "after 1 instance";
  EXPECT_EQ(held.inPlace["analyses"][0]["verdict"], "Running");
  EXPECT_FALSE(held.inPlace["analyses"][0].contains("baseline"));
  std::size_t calls = receiver_.bodies().size();
  clock_.advance(std::chrono::seconds(5));
  reconcile();
  EXPECT_TRUE(inProgress(id_).empty()) << "batchSeconds is 10";
  ASSERT_GT(receiver_.bodies().size(), calls);
  EXPECT_EQ(receiver_.bodies().back()["deploymentId"], id_);
  EXPECT_EQ(receiver_.bodies().back()["instancesDeployed"], 1);
  clock_.advance(std::chrono::seconds(5));
  reconcile();
  ASSERT_EQ(inProgress(id_).size(), 1u) << get(id_).inPlace.dump();
  EXPECT_EQ(get(id_).inPlace["analyses"][0]["verdict"], "Passed");
  runAgent(inProgress(id_).front());
  reconcile();
  EXPECT_TRUE(inProgress(id_).empty()) << "judged again after the second batch";
  endWindow();
  ASSERT_EQ(inProgress(id_).size(), 1u);
  runAgent(inProgress(id_).front());
  reconcile();
  DeploymentView done = get(id_);
  EXPECT_EQ(done.status, domain::DeploymentStatus::Succeeded) << done.errorMessage;
  EXPECT_EQ(done.inPlace["analyses"].size(), 2u) << "no judgement after the last batch";
}

TEST_F(InPlaceAnalysisTest, AFailedCheckFailsTheDeploymentAndRollsItBack) {
  firstBatchOfV2();
  receiver_.answer(500);
  clock_.advance(std::chrono::seconds(5));
  reconcile();
  DeploymentView failed = get(id_);
  EXPECT_EQ(failed.status, domain::DeploymentStatus::Failed);
  EXPECT_EQ(failed.errorCode, "AnalysisFailed");
  EXPECT_TRUE(contains(failed.errorMessage, "The analysis after 1 of 3 instances deployed failed"))
      << failed.errorMessage;
  EXPECT_TRUE(contains(failed.errorMessage, "HTTP 500")) << failed.errorMessage;
  EXPECT_EQ(failed.counts.skipped, 2) << "the other batches never start";
  ASSERT_TRUE(failed.rolledBackBy.has_value()) << failed.errorMessage;
  EXPECT_EQ(get(*failed.rolledBackBy).revision, std::string(64, 'a'));
  EXPECT_EQ(failed.inPlace["analyses"][0]["results"][0]["verdict"], "Failed");
}

TEST_F(InPlaceAnalysisTest, AnInconclusiveJudgementWaitsForContinue) {
  firstBatchOfV2();
  receiver_.stop();  // unreadable, within consecutiveErrorLimit: inconclusive at the end
  endWindow();
  DeploymentView waiting = get(id_);
  EXPECT_EQ(waiting.status, domain::DeploymentStatus::InProgress) << waiting.errorMessage;
  EXPECT_TRUE(inProgress(id_).empty());
  EXPECT_TRUE(contains(waiting.inPlace["waitingFor"].get<std::string>(), "greenlight continue"))
      << waiting.inPlace.dump();
  clock_.advance(std::chrono::seconds(600));
  reconcile();
  EXPECT_TRUE(inProgress(id_).empty()) << "it waits for a person";
  Result<DeploymentView> continued = engine_->continueDeployment(id_, principal_);
  ASSERT_TRUE(continued.ok()) << continued.error().message;
  reconcile();
  EXPECT_EQ(inProgress(id_).size(), 1u) << get(id_).inPlace.dump();
  EXPECT_EQ(get(id_).inPlace["analyses"][0]["verdict"], "Continued");
  Result<DeploymentView> again = engine_->continueDeployment(id_, principal_);
  ASSERT_FALSE(again.ok()) << "a batch in flight waits for nothing";
  EXPECT_TRUE(contains(again.error().message, "not between batches")) << again.error().message;
}

}  // namespace
}  // namespace greenlight::engine
