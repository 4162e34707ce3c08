#include "providers/aws/fleet_history.h"

#include <chrono>

#include "aws/aws_error.h"

namespace greenlight::providers::aws {

using nlohmann::json;

namespace {
constexpr const char* kDynamo = "DynamoDB_20120810";

json text(const std::string& value) { return {{"S", value}}; }

bool conditionFailed(const Status& status) {
  return !status.ok() && greenlight::aws::isAwsError(status.error(), "ConditionalCheckFailedException");
}

Status call(greenlight::aws::AwsClient& client, const char* operation, const json& body) {
  auto answer = client.json("dynamodb", kDynamo, operation, body);
  if (!answer.ok()) return answer.error();
  return Status::success();
}
}  // namespace

DynamoDbFleetHistory::DynamoDbFleetHistory(AwsClients& clients, std::string table, const Clock& clock)
    : clients_(clients), table_(std::move(table)), clock_(clock) {}

std::string DynamoDbFleetHistory::now() const { return formatTimestamp(clock_.now()); }

Status DynamoDbFleetHistory::ensureTable(greenlight::aws::AwsClient& client) {
  std::lock_guard lock(mutex_);
  if (tableReady_) return Status::success();
  auto described = client.json("dynamodb", kDynamo, "DescribeTable", {{"TableName", table_}});
  if (!described.ok()) {
    if (!greenlight::aws::isAwsError(described.error(), "ResourceNotFoundException")) return described.error();
    auto made = client.json("dynamodb", kDynamo, "CreateTable",
                            {{"TableName", table_},
                             {"AttributeDefinitions", json::array({{{"AttributeName", "identifier"}, {"AttributeType", "S"}}})},
                             {"KeySchema", json::array({{{"AttributeName", "identifier"}, {"KeyType", "HASH"}}})},
                             {"BillingMode", "PAY_PER_REQUEST"}});
    if (!made.ok() && !greenlight::aws::isAwsError(made.error(), "ResourceInUseException")) {
      return Error{made.error().code, "cannot create the history table " + table_ + ": " + made.error().message};
    }
  }
  tableReady_ = true;
  return Status::success();
}

Status DynamoDbFleetHistory::creating(const FleetVersionRecord& record) {
  auto client = clients_.forRegion(record.region);
  if (!client.ok()) return client.error();
  if (Status ready = ensureTable(**client); !ready.ok()) return ready;
  Status put = call(**client, "PutItem",
                    {{"TableName", table_},
                     {"Item", {{"identifier", text(record.identifier)},
                               {"status", text("creating")},
                               {"start_date", text(now())},
                               {"application", text(record.application)},
                               {"group", text(record.group)},
                               {"region", text(record.region)}}},
                     {"ConditionExpression", "attribute_not_exists(identifier)"}});
  return conditionFailed(put) ? Status::success() : put;
}

Status DynamoDbFleetHistory::deployed(const FleetVersionRecord& record) {
  auto client = clients_.forRegion(record.region);
  if (!client.ok()) return client.error();
  if (Status ready = ensureTable(**client); !ready.ok()) return ready;
  Status updated = call(**client, "UpdateItem",
                        {{"TableName", table_},
                         {"Key", {{"identifier", text(record.identifier)}}},
                         {"UpdateExpression", "SET #status = :deployed, deployed_date = :now"},
                         {"ConditionExpression", "attribute_not_exists(#status) OR #status = :creating"},
                         {"ExpressionAttributeNames", {{"#status", "status"}}},
                         {"ExpressionAttributeValues", {{":deployed", text("deployed")},
                                                        {":creating", text("creating")},
                                                        {":now", text(now())}}}});
  return conditionFailed(updated) ? Status::success() : updated;
}

Status DynamoDbFleetHistory::terminated(const FleetVersionRecord& record) {
  auto client = clients_.forRegion(record.region);
  if (!client.ok()) return client.error();
  if (Status ready = ensureTable(**client); !ready.ok()) return ready;
  auto item = (*client)->json("dynamodb", kDynamo, "GetItem",
                              {{"TableName", table_},
                               {"Key", {{"identifier", text(record.identifier)}}},
                               {"ConsistentRead", true}});
  if (!item.ok()) return item.error();
  const WallTime end = clock_.now();
  long long uptime = 0;
  if (item->contains("Item")) {
    const json& found = (*item)["Item"];
    if (found.contains("deployed_date")) {
      WallTime deployedAt = parseTimestamp(found["deployed_date"].value("S", ""));
      uptime = std::max(0LL, static_cast<long long>(std::chrono::duration_cast<std::chrono::seconds>(end - deployedAt).count()));
    }
  }
  Status updated = call(**client, "UpdateItem",
                        {{"TableName", table_},
                         {"Key", {{"identifier", text(record.identifier)}}},
                         {"UpdateExpression",
                          "SET #status = :terminated, terminated_date = :now, uptime = :uptime, "
                          "application = :application, #group = :group, #region = :region"},
                         {"ConditionExpression", "attribute_not_exists(#status) OR #status <> :terminated"},
                         {"ExpressionAttributeNames", {{"#status", "status"}, {"#group", "group"}, {"#region", "region"}}},
                         {"ExpressionAttributeValues", {{":terminated", text("terminated")},
                                                        {":now", text(formatTimestamp(end))},
                                                        {":uptime", {{"N", std::to_string(uptime)}}},
                                                        {":application", text(record.application)},
                                                        {":group", text(record.group)},
                                                        {":region", text(record.region)}}}});
  return conditionFailed(updated) ? Status::success() : updated;
}

}  // namespace greenlight::providers::aws
