// The DynamoDB history of an aws group's fleet versions, in Goployer's record shape, one item per
// fleet version (the Auto Scaling group's name):
//   identifier (hash key), status (creating | deployed | terminated), start_date,
//   deployed_date, terminated_date (ISO 8601 UTC), uptime (seconds from deployed to terminated),
//   plus application, group (greenlight's names) and region.
// The table is made on first use when missing (on-demand billing).
#pragma once

#include <mutex>
#include <string>

#include "common/clock.h"
#include "providers/aws/aws_clients.h"

namespace greenlight::providers::aws {

struct FleetVersionRecord {
  std::string identifier;  // the fleet version
  std::string application;
  std::string group;
  std::string region;
};

// Thread-safe. Every write is conditional, so calling again changes nothing.
class DynamoDbFleetHistory {
 public:
  DynamoDbFleetHistory(AwsClients& clients, std::string table, const Clock& clock);

  Status creating(const FleetVersionRecord& record);
  Status deployed(const FleetVersionRecord& record);
  Status terminated(const FleetVersionRecord& record);

  const std::string& table() const { return table_; }

 private:
  Status ensureTable(greenlight::aws::AwsClient& client);
  std::string now() const;

  AwsClients& clients_;
  std::string table_;
  const Clock& clock_;
  std::mutex mutex_;
  bool tableReady_ = false;  // GUARDED_BY(mutex_)
};

}  // namespace greenlight::providers::aws
