// Where each AWS service answers: its real host name for a region, or one explicit endpoint URL
// (a test's moto_server, a VPC endpoint) that takes every service.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace greenlight::aws {

// An endpoint split for building URLs and the signed Host header.
struct Endpoint {
  std::string scheme;  // "https" or "http"
  std::string host;    // "autoscaling.eu-west-1.amazonaws.com" or "127.0.0.1:5000" (port when given)
  std::string url() const { return scheme + "://" + host; }
};

// The real endpoint: https://<service>.<region>.amazonaws.com for autoscaling, ec2, dynamodb,
// elasticloadbalancing, monitoring, s3 ("amazonaws.com.cn" in cn-* regions); IAM is global
// (https://iam.amazonaws.com).
std::string defaultEndpointUrl(std::string_view service, std::string_view region);

// `overrideUrl` when not empty (every service at one place, as moto_server serves them all), else
// the default. Code "AwsConfig" when the URL is not http(s)://host[:port][/].
Result<Endpoint> endpointFor(std::string_view service, std::string_view region, std::string_view overrideUrl);

// The region a request is signed for: the client's, except IAM (signed for us-east-1).
std::string signingRegion(std::string_view service, std::string_view region);

}  // namespace greenlight::aws
