// Parsing HAProxy's `show stat` CSV by its header line ("# pxname,svname,..."), never by column
// position: columns are added between versions.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "traffic/traffic_provider.h"

namespace greenlight::providers::haproxy {

// One line of `show stat`: a frontend, a backend or a server, with every column by name.
struct StatRow {
  std::map<std::string, std::string> fields;

  const std::string& proxy() const { return get("pxname"); }
  const std::string& service() const { return get("svname"); }  // FRONTEND, BACKEND or a server
  bool isServer() const { return service() != "FRONTEND" && service() != "BACKEND"; }
  // Empty when the column is absent or empty.
  const std::string& get(const std::string& column) const;
  // 0 when absent, empty or not a number.
  std::uint64_t number(const std::string& column) const;
};

// REQUIRES nothing of `csv`: an Error names what is missing (e.g. HAProxy answered an error).
Result<std::vector<StatRow>> parseShowStat(const std::string& csv);

// A server row as the provider's MemberStatus.
traffic::MemberStatus memberStatusFrom(const StatRow& server);

}  // namespace greenlight::providers::haproxy
