// Plain-text tables and lenient JSON field access for the client verbs.
#include "cli/client_output.h"

#include <algorithm>
#include <sstream>

#include "cli/terminal.h"

namespace greenlight::cli {

std::string Table::render() const {
  std::vector<std::size_t> widths(headers_.size(), 0);
  auto measure = [&widths](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], cells[i].size());
    }
  };
  measure(headers_);
  for (const auto& row : rows_) measure(row);
  auto line = [&widths](const std::vector<std::string>& cells) {
    std::string text;
    for (std::size_t i = 0; i < widths.size(); ++i) {
      std::string cell = i < cells.size() ? cells[i] : "";
      bool last = i + 1 == widths.size();
      text += last ? cell : padRight(cell, widths[i] + 2);
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    return text + "\n";
  };
  std::string out = line(headers_);
  for (const auto& row : rows_) out += line(row);
  return out;
}

std::string textOf(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return "";
  auto found = object.find(key);
  if (found == object.end() || found->is_null()) return "";
  if (found->is_string()) return found->get<std::string>();
  if (found->is_boolean()) return found->get<bool>() ? "yes" : "no";
  return found->dump();
}

std::optional<long long> numberOf(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return std::nullopt;
  auto found = object.find(key);
  if (found == object.end() || !found->is_number()) return std::nullopt;
  return found->get<long long>();
}

bool flagOf(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return false;
  auto found = object.find(key);
  return found != object.end() && found->is_boolean() && found->get<bool>();
}

const nlohmann::json& arrayOf(const nlohmann::json& object, const char* key) {
  static const nlohmann::json kEmpty = nlohmann::json::array();
  if (!object.is_object()) return kEmpty;
  auto found = object.find(key);
  return found != object.end() && found->is_array() ? *found : kEmpty;
}

std::string shortSha(const std::string& sha256) { return sha256.substr(0, 12); }

std::string shortTime(const std::string& timestamp) {
  if (timestamp.size() < 19) return timestamp;
  std::string text = timestamp.substr(0, 19);
  if (text[10] == 'T') text[10] = ' ';
  return text;
}

std::optional<long long> elapsedMilliseconds(const nlohmann::json& object, WallTime now) {
  if (auto duration = numberOf(object, "durationMs")) return duration;
  std::string started = textOf(object, "startedAt");
  if (started.empty()) return std::nullopt;
  std::string ended = textOf(object, "endedAt");
  WallTime end = ended.empty() ? now : parseTimestamp(ended);
  auto milliseconds =
      std::chrono::duration_cast<std::chrono::milliseconds>(end - parseTimestamp(started)).count();
  return std::max<long long>(0, milliseconds);
}

std::string elapsedText(const nlohmann::json& object, WallTime now) {
  auto milliseconds = elapsedMilliseconds(object, now);
  return milliseconds ? formatDuration(*milliseconds) : "-";
}

std::vector<std::string> firstLines(const std::string& text, std::size_t count) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  std::string line;
  std::size_t total = 0;
  while (std::getline(stream, line)) {
    ++total;
    if (lines.size() < count) lines.push_back(line);
  }
  while (!lines.empty() && lines.back().empty() && total == lines.size()) {
    lines.pop_back();
    --total;
  }
  if (total > lines.size()) {
    lines.push_back("… (" + std::to_string(total - lines.size()) + " more lines)");
  }
  return lines;
}

}  // namespace greenlight::cli
