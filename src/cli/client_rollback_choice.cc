// The recent good revisions a rollback can go back to, shown as a numbered list.
#include "cli/client_rollback_choice.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <set>

#include "cli/client_output.h"
#include "cli/terminal.h"

namespace greenlight::cli {

std::vector<RollbackChoice> rollbackChoices(const nlohmann::json& history, std::size_t limit) {
  std::vector<RollbackChoice> choices;
  const auto& deployments = history.is_array() ? history : arrayOf(history, "deployments");
  std::set<std::string> seen;
  // The newest deployment is what a rollback undoes, whatever its status: never offered.
  for (std::size_t i = 1; i < deployments.size() && choices.size() < limit; ++i) {
    const auto& deployment = deployments[i];
    if (textOf(deployment, "status") != "Succeeded") continue;
    std::string revision = textOf(deployment, "revision");
    if (revision.empty() || !seen.insert(revision).second) continue;
    RollbackChoice choice;
    choice.revision = revision;
    choice.deploymentId = textOf(deployment, "id");
    choice.endedAt = textOf(deployment, "endedAt");
    if (choice.endedAt.empty()) choice.endedAt = textOf(deployment, "createdAt");
    choice.durationMs = elapsedMilliseconds(deployment, WallTime{});
    if (textOf(deployment, "endedAt").empty() && !numberOf(deployment, "durationMs")) choice.durationMs.reset();
    choice.createdBy = textOf(deployment, "createdBy");
    choices.push_back(std::move(choice));
  }
  return choices;
}

std::string renderRollbackChoices(const std::vector<RollbackChoice>& choices, WallTime now) {
  Table table({"", "REVISION", "DEPLOYED", "TOOK", "BY", "DEPLOYMENT", ""});
  for (std::size_t i = 0; i < choices.size(); ++i) {
    const auto& choice = choices[i];
    std::string when = shortTime(choice.endedAt);
    if (!choice.endedAt.empty() && now != WallTime{}) {
      auto ago = std::chrono::duration_cast<std::chrono::milliseconds>(now - parseTimestamp(choice.endedAt)).count();
      if (ago >= 0) when += " (" + roughDuration(ago) + " ago)";
    }
    table.addRow({std::to_string(i + 1) + ")", shortSha(choice.revision), when,
                  choice.durationMs ? formatDuration(*choice.durationMs) : "-",
                  choice.createdBy.empty() ? "-" : choice.createdBy, choice.deploymentId,
                  i == 0 ? "(default: the last good one)" : ""});
  }
  return table.render();
}

std::string describeRollbackChoice(const RollbackChoice& choice, bool lastGood) {
  std::string text = std::string(lastGood ? "Rolling back to the last good revision " : "Rolling back to revision ") +
                     shortSha(choice.revision) + " (deployed " + shortTime(choice.endedAt);
  if (!choice.createdBy.empty()) text += " by " + choice.createdBy;
  return text + " in " + choice.deploymentId + ").\n";
}

std::optional<std::size_t> parseRollbackAnswer(const std::string& answer, std::size_t count) {
  std::string trimmed = answer;
  trimmed.erase(std::remove_if(trimmed.begin(), trimmed.end(), [](unsigned char c) { return std::isspace(c); }),
                trimmed.end());
  if (trimmed.empty()) return count > 0 ? std::optional<std::size_t>(0) : std::nullopt;
  if (trimmed.size() > 4 || !std::all_of(trimmed.begin(), trimmed.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return std::nullopt;
  }
  std::size_t number = std::stoul(trimmed);
  if (number < 1 || number > count) return std::nullopt;
  return number - 1;
}

}  // namespace greenlight::cli
