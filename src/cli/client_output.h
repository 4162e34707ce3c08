// Output shared by the client verbs: plain-text tables, reading JSON fields leniently, short
// forms of shas and times, and the options every verb takes (--output, --token-file).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"

namespace greenlight::cli {

struct CommonClientOptions {
  std::string output = "text";  // text | json
  std::string tokenFile;
  bool json() const { return output == "json"; }
};

// Columns padded to their widest cell, two spaces apart; the last column is not padded.
class Table {
 public:
  explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  void addRow(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  bool empty() const { return rows_.empty(); }
  std::string render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// The field as text: strings as they are, numbers and booleans printed, null or missing as "".
std::string textOf(const nlohmann::json& object, const char* key);
std::optional<long long> numberOf(const nlohmann::json& object, const char* key);
bool flagOf(const nlohmann::json& object, const char* key);
// `object[key]` when it is an array, else an empty array (so loops need no checks).
const nlohmann::json& arrayOf(const nlohmann::json& object, const char* key);

// The first 12 hex digits, as the revisions are shown.
std::string shortSha(const std::string& sha256);
// "2026-11-22T02:18:10.123Z" -> "2026-11-22 02:18:10"; "" stays "".
std::string shortTime(const std::string& timestamp);
// Milliseconds between the object's startedAt and endedAt (or `now` while it runs); its
// durationMs when present. nullopt when it has not started.
std::optional<long long> elapsedMilliseconds(const nlohmann::json& object, WallTime now);
// formatDuration of the above, or "-".
std::string elapsedText(const nlohmann::json& object, WallTime now);

// The first `count` lines of `text`, and a note of how many were left out.
std::vector<std::string> firstLines(const std::string& text, std::size_t count);

}  // namespace greenlight::cli
