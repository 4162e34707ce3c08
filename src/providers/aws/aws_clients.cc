#include "providers/aws/aws_clients.h"

namespace greenlight::providers::aws {

AwsClients::AwsClients(greenlight::aws::ClientConfig base,
                       greenlight::aws::AwsClientDependencies dependencies)
    : base_(std::move(base)), dependencies_(std::move(dependencies)) {}

Result<greenlight::aws::AwsClient*> AwsClients::forRegion(const std::string& region) {
  std::lock_guard lock(mutex_);
  auto found = clients_.find(region);
  if (found != clients_.end()) return found->second.get();
  greenlight::aws::ClientConfig config = base_;
  if (!region.empty()) config.region = region;
  auto made = greenlight::aws::AwsClient::create(config, dependencies_);
  if (!made.ok()) return made.error();
  greenlight::aws::AwsClient* client = made->get();
  clients_.emplace(region, std::move(*made));
  return client;
}

}  // namespace greenlight::providers::aws
