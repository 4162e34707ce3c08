// `show stat` rows and what they mean for a member: admin state from the status column
// (DRAIN, MAINT), health from the status and the last check.
#include "providers/traffic/haproxy/stat_table.h"

#include <charconv>
#include <sstream>

#include "common/error_codes.h"

namespace greenlight::providers::haproxy {
namespace {

std::vector<std::string> splitCsvLine(const std::string& line) {
  // HAProxy's CSV quotes nothing except fields holding commas or quotes (check_desc can).
  std::vector<std::string> fields;
  std::string current;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        current += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        current += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(current));
      current.clear();
    } else {
      current += c;
    }
  }
  fields.push_back(std::move(current));
  return fields;
}

bool startsWith(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

// "* L7OK" while a check runs: the star is not part of the status.
std::string cleanCheckStatus(std::string status) {
  if (startsWith(status, "* ")) status.erase(0, 2);
  return status;
}

}  // namespace

const std::string& StatRow::get(const std::string& column) const {
  static const std::string kEmpty;
  auto found = fields.find(column);
  return found == fields.end() ? kEmpty : found->second;
}

std::uint64_t StatRow::number(const std::string& column) const {
  const std::string& text = get(column);
  std::uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() ? value : 0;
}

Result<std::vector<StatRow>> parseShowStat(const std::string& csv) {
  std::istringstream lines(csv);
  std::string line;
  std::vector<std::string> header;
  std::vector<StatRow> rows;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (header.empty()) {
      if (!startsWith(line, "# ")) {
        return Error{codes::kInternal, "HAProxy answered `show stat` with \"" + line.substr(0, 200) +
                                           "\" instead of its CSV header; check that the socket is a stats socket"};
      }
      header = splitCsvLine(line.substr(2));
      continue;
    }
    auto values = splitCsvLine(line);
    StatRow row;
    for (std::size_t i = 0; i < header.size() && i < values.size(); ++i) {
      if (!header[i].empty()) row.fields.emplace(header[i], std::move(values[i]));
    }
    rows.push_back(std::move(row));
  }
  if (header.empty()) {
    return Error{codes::kInternal, "HAProxy answered `show stat` without a CSV header; check that the socket is a "
                                   "stats socket of HAProxy 2.x"};
  }
  return rows;
}

traffic::MemberStatus memberStatusFrom(const StatRow& server) {
  traffic::MemberStatus member;
  member.instanceId = server.service();
  const std::string& address = server.get("addr");
  if (auto colon = address.rfind(':'); colon != std::string::npos) {
    member.address = address.substr(0, colon);
    member.port = std::atoi(address.c_str() + colon + 1);
  } else {
    member.address = address;
  }
  member.weight = static_cast<int>(server.number("weight"));
  member.status = server.get("status");
  member.checkStatus = cleanCheckStatus(server.get("check_status"));
  if (startsWith(member.status, "MAINT")) {
    member.adminState = "maint";
  } else if (startsWith(member.status, "DRAIN")) {
    member.adminState = "drain";
  } else {
    member.adminState = "ready";
  }
  bool checkPasses = member.checkStatus.size() == 4 && member.checkStatus[0] == 'L' &&
                     member.checkStatus.compare(2, 2, "OK") == 0;  // L4OK, L6OK, L7OK
  // "UP 1/2" is UP on its way down: still serving, still healthy until `fall` is reached.
  bool up = startsWith(member.status, "UP") || member.status == "DRAIN" || member.status == "NOLB";
  member.healthy = up && checkPasses;
  const std::string& description = server.get("check_desc");
  const std::string& lastCheck = server.get("last_chk");
  member.checkDetail = description;
  if (!lastCheck.empty()) member.checkDetail += (description.empty() ? "" : ": ") + lastCheck;
  if (const std::string& code = server.get("check_code"); !code.empty()) member.checkDetail += " (" + code + ")";
  member.inFlight = static_cast<int>(server.number("scur") + server.number("qcur"));
  member.totalRequests = server.number("stot");
  member.responses5xx = server.number("hrsp_5xx");
  member.responseTimeMs = static_cast<int>(server.number("rtime"));
  return member;
}

}  // namespace greenlight::providers::haproxy
