// Turns a Goployer manifest into greenlight deployment groups: one group per stack and region
// (an `aws` fleet, an `aws-elbv2` load balancer when it names target groups), with a report of
// every key that could not be honoured and of those honoured in another form. Pure: text in,
// groups and report out; reading user-data files is left to the caller (`readFile`).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace greenlight::importer {

// Error code of a file that is not YAML, or not a Goployer manifest.
inline constexpr const char* kInvalidManifest = "InvalidManifest";

// One key of the manifest, with what became of it.
struct ReportEntry {
  std::string keyPath;  // "stacks[0].regions[0].healthcheck_load_balancer"
  int line = 0;         // 1-based; 0 when unknown
  int column = 0;
  std::string value;    // as written, shortened ("test", "[c5.large, c5.xlarge]")
  std::string why;      // what greenlight does instead, or why it cannot
  bool operator==(const ReportEntry&) const = default;
};

struct ImportedGroup {
  std::string stack;
  std::string region;
  std::string name;        // the group's name: Goployer's prefix `<env>_<region without dashes>`
  std::string fileName;    // "<name>.yaml"
  nlohmann::ordered_json spec;  // the group file's content, keys in reading order
  std::string problems;    // "" when the group parses back; else the parser's message
};

struct GoployerImport {
  std::string application;  // the manifest's `name`; "" for a metrics.yaml
  std::string kind;         // "manifest" or "metrics"
  std::vector<ImportedGroup> groups;
  std::vector<ReportEntry> unhonoured;  // keys with no equivalent: dropped, with why
  std::vector<ReportEntry> mapped;      // keys honoured in another form: what they became
};

struct ImportOptions {
  std::string stack;   // only this stack ("" every stack)
  std::string region;  // only this region ("" every region)
  // Reads a `userdata: {type: local, path: ...}` script; none when it cannot be read.
  std::function<std::optional<std::string>(const std::string& path)> readFile;
};

// Error kInvalidManifest for malformed YAML ("hello.yaml:3:5: ...") or a file that is not a
// Goployer manifest (nor its metrics.yaml), or for a --stack/--region that selects nothing.
Result<GoployerImport> importGoployer(std::string_view text, std::string_view sourceName,
                                      const ImportOptions& options = {});

// {"application": {...}, "groups": [{name, stack, region, file, spec, problems}],
//  "unhonoured": [{key, line, column, value, why}], "mapped": [...]}
nlohmann::ordered_json toJson(const GoployerImport& imported);

// A group spec as a YAML document that the group-file parser reads back to the same spec
// (strings that would read as numbers or booleans are quoted).
std::string toYaml(const nlohmann::ordered_json& document, const std::string& headerComment = "");

}  // namespace greenlight::importer
