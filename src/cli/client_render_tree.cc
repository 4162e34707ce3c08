// The deployment tree of the live terminal view: nodes built from the deployment's JSON, then
// drawn with their branches and cut to the terminal's width.
#include "cli/client_render_tree.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <optional>

#include "cli/client_output.h"
#include "cli/client_render_blue_green.h"
#include "cli/terminal.h"

namespace greenlight::cli {

namespace {

constexpr int kBarCells = 10;

// What a node's symbol says.
enum class Mark { Done, Failed, Running, Pending, Waiting, Stopped, Unknown, Skipped, Info };

struct Node {
  Mark mark = Mark::Info;
  std::string text;
  std::vector<Node> children;
};

class Drawing {
 public:
  explicit Drawing(const TreeOptions& options) : options_(options), style_(options.colour) {}

  std::string symbol(Mark mark) const {
    const bool u = options_.unicode;
    switch (mark) {
      case Mark::Done: return style_.green(u ? "\u2714" : "+");
      case Mark::Failed: return style_.red(u ? "\u2716" : "x");
      case Mark::Running: return style_.cyan(u ? "\u27f3" : "~");
      case Mark::Pending: return style_.dim(u ? "\u25cc" : "o");
      case Mark::Waiting: return style_.yellow(u ? "\u2016" : "=");
      case Mark::Stopped: return style_.yellow(u ? "\u25a0" : "#");
      case Mark::Unknown: return style_.yellow("?");
      case Mark::Skipped: return style_.dim("-");
      case Mark::Info: return style_.dim(u ? "\u2022" : "*");
    }
    return "";
  }

  std::string status(const std::string& text, Mark mark) const {
    if (mark == Mark::Done) return style_.green(text);
    if (mark == Mark::Failed) return style_.red(text);
    if (mark == Mark::Stopped || mark == Mark::Unknown || mark == Mark::Waiting) return style_.yellow(text);
    if (mark == Mark::Running) return style_.cyan(text);
    return text;
  }

  std::string bold(const std::string& text) const { return style_.bold(text); }

  // The share as a bar of kBarCells: filled for the share, light for the rest; a share that is
  // not zero keeps one cell, so 1% still shows.
  std::string bar(double percent) const {
    int filled = static_cast<int>(std::lround(percent / 100 * kBarCells));
    if (percent > 0) filled = std::max(filled, 1);
    if (percent < 100) filled = std::min(filled, kBarCells - 1);
    filled = std::clamp(filled, 0, kBarCells);
    std::string text = options_.unicode ? "\u2595" : "[";
    for (int cell = 0; cell < kBarCells; ++cell) {
      text += cell < filled ? (options_.unicode ? "\u2588" : "#") : (options_.unicode ? "\u2591" : ".");
    }
    return text + (options_.unicode ? "\u258f" : "]");
  }

  void draw(const Node& node, const std::string& prefix, const std::string& branch, std::vector<std::string>& lines) const {
    lines.push_back(fitToWidth(prefix + branch + symbol(node.mark) + " " + node.text, options_.width, options_.unicode));
    std::string inner = prefix;
    if (!branch.empty()) inner += branch == lastBranch() ? "    " : (options_.unicode ? "\u2502   " : "|   ");
    for (std::size_t i = 0; i < node.children.size(); ++i) {
      bool last = i + 1 == node.children.size();
      draw(node.children[i], inner, last ? lastBranch() : middleBranch(), lines);
    }
  }

 private:
  std::string middleBranch() const { return options_.unicode ? "\u251c\u2500\u2500 " : "|-- "; }
  std::string lastBranch() const { return options_.unicode ? "\u2514\u2500\u2500 " : "`-- "; }

  const TreeOptions& options_;
  Style style_;
};

Mark markOfStatus(const std::string& status) {
  if (status == "Succeeded" || status == "Ready") return Mark::Done;
  if (status == "Failed") return Mark::Failed;
  if (status == "InProgress" || status == "Baking") return Mark::Running;
  if (status == "Stopped") return Mark::Stopped;
  if (status == "Unknown") return Mark::Unknown;
  if (status == "Skipped") return Mark::Skipped;
  return Mark::Pending;
}

std::string firstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

const nlohmann::json& memberObject(const nlohmann::json& object, const char* key) {
  static const nlohmann::json kNull;
  if (!object.is_object()) return kNull;
  auto found = object.find(key);
  return found != object.end() && found->is_object() ? *found : kNull;
}

std::string joined(const std::vector<std::string>& parts) {
  std::string text;
  for (const auto& part : parts) {
    if (!part.empty()) text += (text.empty() ? "" : "  ") + part;
  }
  return text;
}

class TreeBuilder {
 public:
  TreeBuilder(const nlohmann::json& deployment, const nlohmann::json& groupInstances, WallTime now,
              const Drawing& drawing)
      : deployment_(deployment), now_(now), drawing_(drawing), id_(textOf(deployment, "id")) {
    for (const auto& instance : arrayOf(groupInstances, "instances")) known_[textOf(instance, "id")] = &instance;
    groupInstances_ = &arrayOf(groupInstances, "instances");
  }

  // Folds the quiet instances (see addInstances).
  void setCompact(bool compact) { compact_ = compact; }

  Node build() const {
    std::string status = textOf(deployment_, "status");
    Node root{markOfStatus(status), header(status), {}};
    const auto& blueGreen = memberObject(deployment_, "blueGreen");
    if (Node wait = waitedOn(blueGreen); !wait.text.empty()) root.children.push_back(std::move(wait));
    if (Node analysis = latestAnalysis(blueGreen); !analysis.text.empty()) root.children.push_back(std::move(analysis));
    for (const auto& alarm : arrayOf(blueGreen, "alarms")) {
      if (textOf(alarm, "verdict") != "Failed") continue;
      root.children.push_back({Mark::Failed, "alarm " + textOf(alarm, "name") + " IN ALARM: " + textOf(alarm, "summary"), {}});
    }
    if (std::string message = textOf(deployment_, "errorMessage"); !message.empty()) {
      std::string code = textOf(deployment_, "errorCode");
      root.children.push_back({Mark::Failed, drawing_.status((code.empty() ? "" : code + ": ") + firstLine(message), Mark::Failed), {}});
    }
    if (blueGreen.is_null()) {
      std::vector<Node> instances;
      for (const auto& target : arrayOf(deployment_, "targets")) instances.push_back(targetNode(target));
      addInstances(root.children, std::move(instances));
    } else {
      for (auto& fleet : fleetNodes(blueGreen)) root.children.push_back(std::move(fleet));
    }
    return root;
  }

 private:
  std::string header(const std::string& status) const {
    std::string statusText = drawing_.status(status, markOfStatus(status));
    if (flagOf(deployment_, "stopRequested") && !isFinal(status)) statusText += " (stop requested)";
    std::string progress;
    if (const auto& counts = memberObject(deployment_, "counts"); !counts.is_null()) {
      long long total = 0;
      for (const char* key : {"pending", "inProgress", "succeeded", "failed", "skipped", "unknown", "ready"}) {
        total += numberOf(counts, key).value_or(0);
      }
      long long done = numberOf(counts, "succeeded").value_or(0) + numberOf(counts, "ready").value_or(0);
      if (total > 0) progress = std::to_string(done) + "/" + std::to_string(total) + " instances";
    }
    const auto& blueGreen = memberObject(deployment_, "blueGreen");
    std::string strategy = blueGreen.is_null() ? "in-place" : "blue/green";
    if (!memberObject(blueGreen, "rolling").is_null()) strategy += " rolling";
    if (flagOf(blueGreen, "switchBack")) strategy += " switch back";
    if (std::string phase = textOf(blueGreen, "phase"); !phase.empty() && phase != "Done") strategy += " (" + phase + ")";
    if (std::string config = textOf(deployment_, "configName"); !config.empty()) strategy += " " + config;
    auto elapsed = elapsedMilliseconds(deployment_, now_);
    std::string rollbackOf = textOf(deployment_, "rollbackOf");
    std::string application = textOf(deployment_, "application");
    std::string revision = textOf(deployment_, "revision");
    return joined({drawing_.bold(id_), application.empty() ? "" : application + "/" + textOf(deployment_, "groupName"),
                   revision.empty() ? "" : "revision " + shortSha(revision), statusText,
                   elapsed ? roughDuration(*elapsed) : "", progress, strategy,
                   rollbackOf.empty() ? "" : "rollback of " + rollbackOf});
  }

  static bool isFinal(const std::string& status) {
    return status == "Succeeded" || status == "Failed" || status == "Stopped";
  }

  std::string untilText(const std::string& until) const {
    if (until.empty()) return "";
    std::string text = "until " + timeOfDay(until);
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(parseTimestamp(until) - now_).count();
    if (left > 0) text += " (" + roughDuration(left + 999) + " left)";
    return text;
  }

  // The step carried out or waited on, or what the deployment waits for outside its steps.
  Node waitedOn(const nlohmann::json& blueGreen) const {
    std::string command = "`greenlight continue " + id_ + "`";
    if (isFinal(textOf(deployment_, "status"))) return {};
    const auto& inPlace = memberObject(deployment_, "inPlace");
    if (std::string waiting = textOf(inPlace, "waitingFor"); !waiting.empty()) {
      return {Mark::Waiting, "waiting for " + waiting + "; run " + command, {}};
    }
    std::string waiting = textOf(blueGreen, "waitingFor");
    std::string until = untilText(textOf(blueGreen, "waitUntil"));
    const auto& steps = arrayOf(blueGreen, "steps");
    if (textOf(blueGreen, "phase") != "Shifting" || steps.empty()) {
      if (waiting.empty()) return {};
      std::string text = "waiting for " + waiting + (until.empty() ? "" : " " + until);
      if (waiting.find("greenlight continue") != std::string::npos) text += "; run " + command;
      return {Mark::Waiting, text, {}};
    }
    long long count = static_cast<long long>(steps.size());
    long long index = std::clamp(numberOf(blueGreen, "stepIndex").value_or(0), 0LL, count - 1);
    const auto& step = steps[static_cast<std::size_t>(index)];
    std::string text = "step " + std::to_string(index + 1) + "/" + std::to_string(count) + ": ";
    if (const auto& pause = memberObject(step, "pause"); !pause.is_null()) {
      if (auto seconds = numberOf(pause, "seconds")) {
        return {Mark::Waiting, text + "pause " + roughDuration(*seconds * 1000) + (until.empty() ? "" : ", " + until), {}};
      }
      return {Mark::Waiting, text + "pause, waiting for " + command, {}};
    }
    if (!memberObject(step, "gate").is_null()) {
      std::size_t colon = waiting.find("): ");
      Node gate{Mark::Waiting, text + "gate, waiting for " + (colon == std::string::npos ? waiting : waiting.substr(colon + 3)) +
                                   (until.empty() ? "" : " " + until), {}};
      const auto& gates = arrayOf(blueGreen, "gates");
      if (!gates.empty()) {
        const auto& webhook = memberObject(gates.back(), "webhook");
        if (!webhook.is_null()) {
          std::string verdict = textOf(webhook, "verdict");
          gate.children.push_back({verdict == "Passed" ? Mark::Done : Mark::Pending,
                                   "webhook " + verdict + ": " + textOf(webhook, "summary") + " (" +
                                       textOf(gates.back(), "checks") + " checks)", {}});
        }
      }
      return gate;
    }
    std::string weight = textOf(step, "setWeight");
    if (weight.empty()) weight = textOf(blueGreen, "trafficPercent");
    return {Mark::Running, text + "set weight " + weight + "% on " + textOf(blueGreen, "fleetVersion"), {}};
  }

  // The latest analysis window, with the numbers each check was judged on.
  Node latestAnalysis(const nlohmann::json& blueGreen) const {
    const auto& inPlace = memberObject(deployment_, "inPlace");
    const auto& analyses = arrayOf(blueGreen.is_null() ? inPlace : blueGreen, "analyses");
    if (analyses.empty()) return {};
    const auto& window = analyses.back();
    std::string verdict = textOf(window, "verdict");
    Mark mark = verdict == "Passed" || verdict == "Continued" ? Mark::Done
                : verdict == "Failed"                         ? Mark::Failed
                : verdict == "Inconclusive"                   ? Mark::Waiting
                                                              : Mark::Running;
    std::string where = blueGreen.is_null()
                            ? "after " + textOf(window, "stepIndex") + " instances"
                            : "step " + std::to_string(numberOf(window, "stepIndex").value_or(0) + 1);
    Node node{mark, "analysis (" + where + ", " + textOf(window, "trafficPercent") + "% on the new " +
                        (blueGreen.is_null() ? "revision" : "fleet") + "): " + drawing_.status(verdict, mark) + ", " +
                        textOf(window, "measurements") + " measurements, " + textOf(window, "failures") + " failed",
              {}};
    for (const auto& result : arrayOf(window, "results")) {
      std::string resultVerdict = textOf(result, "verdict");
      node.children.push_back({markOfStatus(resultVerdict == "Passed" ? "Succeeded" : resultVerdict),
                               textOf(result, "name") + " " + resultVerdict + ": " + textOf(result, "summary"), {}});
    }
    return node;
  }

  std::string health(const std::string& instanceId) const {
    auto found = known_.find(instanceId);
    if (found == known_.end()) return "";
    std::string lifecycle = textOf(*found->second, "lifecycle");
    if (lifecycle != "Running") return lifecycle;
    return flagOf(*found->second, "online") ? "online" : "offline";
  }

  static std::string address(const nlohmann::json& instance) {
    std::string host = textOf(instance, "hostName");
    auto port = numberOf(instance, "port");
    return port && *port > 0 ? host + ":" + std::to_string(*port) : host;
  }

  // From the first event's start to the last one's end (or now while one runs): a target's own
  // times may be set only when it is handed out and judged.
  std::optional<long long> targetElapsed(const nlohmann::json& target) const {
    std::string first, last;
    bool running = false;
    for (const auto& event : arrayOf(target, "events")) {
      std::string started = textOf(event, "startedAt");
      if (started.empty()) continue;
      if (first.empty()) first = started;
      std::string ended = textOf(event, "endedAt");
      running = ended.empty();
      if (!running) last = ended;
    }
    if (first.empty()) return elapsedMilliseconds(target, now_);
    WallTime end = running || last.empty() ? now_ : parseTimestamp(last);
    return std::max<long long>(0, std::chrono::duration_cast<std::chrono::milliseconds>(end - parseTimestamp(first)).count());
  }

  Node targetNode(const nlohmann::json& target) const {
    std::string status = textOf(target, "status");
    Mark mark = markOfStatus(status);
    std::string instanceId = textOf(target, "instanceId");
    auto elapsed = targetElapsed(target);
    Node node{mark, joined({instanceId + " " + address(target), health(instanceId), drawing_.status(status, mark),
                            elapsed ? roughDuration(*elapsed) : ""}),
              {}};
    if (mark == Mark::Failed || mark == Mark::Unknown) {
      const nlohmann::json* failed = nullptr;
      for (const auto& event : arrayOf(target, "events")) {
        if (textOf(event, "status") == "Failed" && failed == nullptr) failed = &event;
      }
      std::string code = failed ? textOf(*failed, "errorCode") : "";
      if (code.empty()) code = textOf(target, "errorCode");
      std::string message = failed ? textOf(*failed, "message") : "";
      if (message.empty()) message = textOf(target, "message");
      std::string event = failed ? textOf(*failed, "event") : textOf(target, "currentEvent");
      if (!event.empty() || !code.empty() || !message.empty()) {
        node.children.push_back({Mark::Failed, joined({event, code.empty() ? "" : drawing_.status(code, Mark::Failed), firstLine(message)}), {}});
      }
    } else if (mark == Mark::Running) {
      std::string current = textOf(target, "currentEvent");
      for (const auto& event : arrayOf(target, "events")) {
        if (textOf(event, "event") != current || current.empty()) continue;
        auto running = elapsedMilliseconds(event, now_);
        node.children.push_back({Mark::Running, joined({current, running ? "running " + roughDuration(*running) : ""}), {}});
      }
    }
    return node;
  }

  Node groupInstanceNode(const nlohmann::json& instance) const {
    std::string lifecycle = textOf(instance, "lifecycle");
    bool online = flagOf(instance, "online");
    Mark mark = lifecycle == "Running" ? (online ? Mark::Done : Mark::Unknown)
                : lifecycle == "Lost"  ? Mark::Failed
                                       : Mark::Pending;
    return {mark, joined({textOf(instance, "id") + " " + address(instance), online ? "online" : "offline", lifecycle}), {}};
  }

  // The fleets in the order of the split: the older ones (with traffic, or the previous one),
  // then the fleet this deployment makes.
  std::vector<Node> fleetNodes(const nlohmann::json& blueGreen) const {
    std::string newFleet = textOf(blueGreen, "fleetVersion");
    std::string previous = textOf(blueGreen, "previousFleetVersion");
    std::map<std::string, const nlohmann::json*> shares;
    std::vector<std::string> older;
    for (const auto& entry : arrayOf(blueGreen, "traffic")) {
      std::string fleet = textOf(entry, "fleetVersion");
      shares[fleet] = &entry;
      double percent = entry.is_object() && entry.contains("percent") && entry["percent"].is_number()
                           ? entry["percent"].get<double>()
                           : 0;
      if (fleet != newFleet && (percent > 0 || fleet == previous)) older.push_back(fleet);
    }
    if (!previous.empty() && std::find(older.begin(), older.end(), previous) == older.end()) older.push_back(previous);
    std::vector<Node> nodes;
    for (const auto& fleet : older) nodes.push_back(fleetNode(fleet, false, shares[fleet], blueGreen));
    if (!newFleet.empty()) nodes.push_back(fleetNode(newFleet, true, shares[newFleet], blueGreen));
    return nodes;
  }

  Node fleetNode(const std::string& fleet, bool isNew, const nlohmann::json* share, const nlohmann::json& blueGreen) const {
    double percent = 0;
    if (share && share->contains("percent") && (*share)["percent"].is_number()) percent = (*share)["percent"].get<double>();
    std::string status = textOf(deployment_, "status");
    bool switchBack = flagOf(blueGreen, "switchBack");
    std::string role;
    if (isNew) {
      role = switchBack ? "restored" : (status == "Succeeded" && percent > 0 ? "serving" : "new");
    } else {
      role = percent > 0 ? "serving" : (switchBack ? "drained" : "old");
    }
    std::string revision;
    std::vector<Node> children;
    std::vector<Node> instances;
    if (isNew && !switchBack) {
      revision = textOf(deployment_, "revision");
      for (const auto& target : arrayOf(deployment_, "targets")) instances.push_back(targetNode(target));
    } else {
      for (const auto& instance : *groupInstances_) {
        if (textOf(instance, "fleetVersion") != fleet || textOf(instance, "lifecycle") == "Terminated") continue;
        if (revision.empty()) revision = textOf(instance, "currentRevision");
        instances.push_back(groupInstanceNode(instance));
      }
      if (isNew && instances.empty()) {
        for (const auto& target : arrayOf(deployment_, "targets")) instances.push_back(targetNode(target));
      }
    }
    addInstances(children, std::move(instances));
    std::string healthy;
    if (share && numberOf(*share, "instances")) {
      healthy = textOf(*share, "healthy") + "/" + textOf(*share, "instances") + " healthy";
    }
    Mark mark = isNew ? markOfStatus(status) : (percent > 0 ? Mark::Done : Mark::Pending);
    if (isNew && status == "Succeeded" && role != "serving") mark = Mark::Done;
    std::string shareText = share ? percentText(percent) + " " + drawing_.bar(percent) : "";
    Node node{mark, joined({drawing_.bold(fleet), revision.empty() ? "" : "revision " + shortSha(revision), shareText,
                            role, healthy}),
              std::move(children)};
    if (const auto& rolling = memberObject(blueGreen, "rolling"); isNew && !rolling.is_null()) {
      std::string leftOut;
      for (const auto& id : arrayOf(rolling, "leftOut")) leftOut += (leftOut.empty() ? "" : ", ") + (id.is_string() ? id.get<std::string>() : id.dump());
      node.children.insert(node.children.begin(),
                           Node{Mark::Info, "rolling: " + textOf(rolling, "batches") + " batches of " +
                                                textOf(rolling, "batchSize") + " for a fleet of " + textOf(rolling, "fleetSize") +
                                                (leftOut.empty() ? "" : "; left out: " + leftOut), {}});
    }
    return node;
  }

  // The instances under a node; when compact, those with nothing to tell (done, pending,
  // skipped) become one line that counts them, so the ones running or failed stay in sight.
  void addInstances(std::vector<Node>& into, std::vector<Node> instances) const {
    if (!compact_) {
      for (auto& instance : instances) into.push_back(std::move(instance));
      return;
    }
    std::size_t done = 0, pending = 0, skipped = 0;
    for (auto& instance : instances) {
      if (instance.mark == Mark::Done) {
        ++done;
      } else if (instance.mark == Mark::Pending) {
        ++pending;
      } else if (instance.mark == Mark::Skipped) {
        ++skipped;
      } else {
        into.push_back(std::move(instance));
      }
    }
    if (done + pending + skipped == 0) return;
    std::vector<std::string> counts;
    if (done > 0) counts.push_back(drawing_.symbol(Mark::Done) + " " + std::to_string(done) + " done");
    if (pending > 0) counts.push_back(drawing_.symbol(Mark::Pending) + " " + std::to_string(pending) + " pending");
    if (skipped > 0) counts.push_back(drawing_.symbol(Mark::Skipped) + " " + std::to_string(skipped) + " skipped");
    std::string text;
    for (const auto& count : counts) text += (text.empty() ? "" : ", ") + count;
    into.push_back({Mark::Info, text + " (folded to fit the terminal)", {}});
  }

  const nlohmann::json& deployment_;
  WallTime now_;
  const Drawing& drawing_;
  std::string id_;
  std::map<std::string, const nlohmann::json*> known_;
  const nlohmann::json* groupInstances_ = nullptr;
  bool compact_ = false;
};

}  // namespace

std::vector<std::string> renderDeploymentTree(const nlohmann::json& deployment, const nlohmann::json& groupInstances,
                                              WallTime now, const TreeOptions& options) {
  Drawing drawing(options);
  TreeBuilder builder(deployment, groupInstances, now, drawing);
  std::vector<std::string> lines;
  drawing.draw(builder.build(), "", "", lines);
  if (options.maxLines == 0 || lines.size() <= options.maxLines) return lines;
  builder.setCompact(true);
  lines.clear();
  drawing.draw(builder.build(), "", "", lines);
  return lines;
}

std::vector<std::string> fitToHeight(std::vector<std::string> lines, std::size_t rows, bool unicode) {
  if (rows == 0 || lines.size() <= rows) return lines;
  std::size_t hidden = lines.size() - (rows - 1);
  lines.resize(rows - 1);
  lines.push_back(std::string(unicode ? "\u2026 " : "... ") + std::to_string(hidden) +
                  " more lines (a taller terminal shows them)");
  return lines;
}

}  // namespace greenlight::cli
