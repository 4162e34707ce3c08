// What the AWS tests make in moto before greenlight runs: target groups, a load balancer with its
// listener, a CloudWatch alarm. Each call fails the test when moto refuses it.
#pragma once

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "aws/aws_client.h"
#include "aws/query_params.h"
#include "aws/xml.h"

namespace greenlight::testing {

inline aws::Xml motoCall(aws::AwsClient& client, const char* service, const char* version, const char* action,
                         const aws::QueryParams& params = {}) {
  auto answer = client.query(service, version, action, params);
  EXPECT_TRUE(answer.ok()) << action << ": " << answer.error().message;
  return answer.ok() ? *answer : aws::Xml();
}

// An HTTP:80 target group in `vpc`; its ARN.
inline std::string createTargetGroup(aws::AwsClient& client, const std::string& name, const std::string& vpc) {
  aws::QueryParams params;
  params.add("Name", name);
  params.add("Protocol", "HTTP");
  params.add("Port", "80");
  params.add("VpcId", vpc);
  auto groups = motoCall(client, "elasticloadbalancing", "2015-12-01", "CreateTargetGroup", params).list("TargetGroups");
  return groups.empty() ? "" : groups[0].text("TargetGroupArn");
}

// A load balancer over the first two `subnets` with an HTTP:80 listener whose default action is a
// forward with `forward` (the fields after "DefaultActions.member.1.", e.g. {"TargetGroupArn", arn});
// the listener's ARN.
inline std::string createListener(aws::AwsClient& client, const std::string& name,
                                  const std::vector<std::string>& subnets, const aws::QueryFields& forward) {
  aws::QueryParams lb;
  lb.add("Name", name);
  lb.addMembers("Subnets", {subnets.at(0), subnets.at(1)});
  auto balancers = motoCall(client, "elasticloadbalancing", "2015-12-01", "CreateLoadBalancer", lb).list("LoadBalancers");
  aws::QueryParams listener;
  listener.add("LoadBalancerArn", balancers.empty() ? "" : balancers[0].text("LoadBalancerArn"));
  listener.add("Protocol", "HTTP");
  listener.add("Port", "80");
  listener.add("DefaultActions.member.1.Type", "forward");
  for (const auto& [key, value] : forward) listener.add("DefaultActions.member.1." + key, value);
  auto listeners = motoCall(client, "elasticloadbalancing", "2015-12-01", "CreateListener", listener).list("Listeners");
  return listeners.empty() ? "" : listeners[0].text("ListenerArn");
}

// An ELB 5xx alarm named `name` (state OK until forced).
inline void putAlarm(aws::AwsClient& client, const std::string& name) {
  aws::QueryParams params;
  params.add("AlarmName", name);
  params.add("Namespace", "AWS/ApplicationELB");
  params.add("MetricName", "HTTPCode_Target_5XX_Count");
  params.add("Statistic", "Sum");
  params.add("ComparisonOperator", "GreaterThanThreshold");
  params.add("Threshold", "5");
  params.add("Period", "60");
  params.add("EvaluationPeriods", "1");
  motoCall(client, "monitoring", "2010-08-01", "PutMetricAlarm", params);
}

}  // namespace greenlight::testing
