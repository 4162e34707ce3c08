// The server's AWS access: one client per region, made on first use from the server's settings
// (endpoint URL, profile, credentials), shared by every AWS provider.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "aws/aws_client.h"
#include "aws/credentials.h"
#include "common/result.h"

namespace greenlight::providers::aws {

// Thread-safe. Clients live as long as this object.
class AwsClients {
 public:
  // `base`: what every client is made with; its region is the default for an empty one.
  explicit AwsClients(greenlight::aws::ClientConfig base,
                      greenlight::aws::AwsClientDependencies dependencies = {});
  // The client of `region` ("" = the default region). AwsConfig when credentials cannot be found.
  Result<greenlight::aws::AwsClient*> forRegion(const std::string& region);
  const greenlight::aws::ClientConfig& base() const { return base_; }

 private:
  greenlight::aws::ClientConfig base_;
  greenlight::aws::AwsClientDependencies dependencies_;
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<greenlight::aws::AwsClient>> clients_;  // GUARDED_BY(mutex_)
};

// Tag keys greenlight puts on what it makes, so it finds its own resources by tag, never by name.
inline constexpr const char* kTagManaged = "greenlight:managed";       // "true"
inline constexpr const char* kTagGroup = "greenlight:group";           // the deployment group id
inline constexpr const char* kTagFleetVersion = "greenlight:fleet-version";

}  // namespace greenlight::providers::aws
