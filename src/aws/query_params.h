// The parameters of a Query-protocol call (autoscaling, elasticloadbalancing, monitoring, ec2,
// iam) as an ordered list of key/value pairs, with helpers for the list shapes those APIs use.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace greenlight::aws {

using QueryFields = std::vector<std::pair<std::string, std::string>>;

// A value type; not thread-safe while being built.
class QueryParams {
 public:
  QueryParams& add(std::string key, std::string value);
  // Query lists: Prefix.member.1=a, Prefix.member.2=b (AutoScalingGroupNames.member.N).
  QueryParams& addMembers(std::string_view prefix, const std::vector<std::string>& values);
  // Lists of structures: Prefix.member.N.Key=..., Prefix.member.N.Value=... (Tags.member.N).
  QueryParams& addMemberStructs(std::string_view prefix, const std::vector<QueryFields>& items);
  // EC2 lists: Prefix.1=a, Prefix.2=b (InstanceId.N), and EC2 structures Prefix.N.Field=...
  QueryParams& addIndexed(std::string_view prefix, const std::vector<std::string>& values);
  QueryParams& addIndexedStructs(std::string_view prefix, const std::vector<QueryFields>& items);
  // EC2 filters, numbered in the order added: Filter.N.Name=name, Filter.N.Value.M=value.
  QueryParams& addFilter(std::string_view name, const std::vector<std::string>& values);

  const QueryFields& fields() const { return fields_; }
  // The form body "k=v&k=v" in insertion order, AWS percent-encoded (space is %20, '/' is %2F).
  std::string encode() const;

 private:
  QueryFields fields_;
  int filters_ = 0;
};

}  // namespace greenlight::aws
