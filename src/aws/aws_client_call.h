// One AWS call before signing; internal to the client's .cc files.
#pragma once

#include <string>
#include <utility>

#include "aws/aws_client.h"

namespace greenlight::aws {

struct AwsClient::Call {
  Call(std::string service_, std::string action_, Protocol protocol_, std::string method_, std::string path_ = "/")
      : service(std::move(service_)), action(std::move(action_)), protocol(protocol_),
        method(std::move(method_)), path(std::move(path_)) {}

  std::string service;  // the signing name and endpoint ("autoscaling", "s3")
  std::string action;   // for messages ("DescribeAutoScalingGroups", "PutObject")
  Protocol protocol = Protocol::Query;
  std::string method;
  std::string path = "/";  // raw (decoded); the signer and the URL encode it the same way
  std::string query;       // already encoded: k=v&k=v
  Headers headers;         // besides Host and the signer's
  std::string body;
};

}  // namespace greenlight::aws
