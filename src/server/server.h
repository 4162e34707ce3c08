// `greenlight server`: the control plane in one process. Opens the store in the data folder,
// migrates it, makes the first admin token, adopts the local fleet, starts the engine, and serves
// the JSON API (docs/openapi.yaml) on an asynchronous HTTP core.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "server/route_table.h"
#include "traffic/traffic_provider.h"

namespace greenlight::server {

struct ServerOptions {
  std::filesystem::path dataDir;
  std::string listenHost = "127.0.0.1";
  std::uint16_t listenPort = 7070;  // 0: ephemeral (tests)
  int threads = 2;
  std::filesystem::path agentBinary;  // the greenlight binary the local fleet starts agents with
  std::chrono::milliseconds agentTimeout{30000};
  std::chrono::seconds maxPollWait{30};
  // The load balancer of groups with `loadBalancer: {provider: haproxy}`: by default an HAProxy
  // greenlight runs itself from dataDir/haproxy (`haproxyBinary`). Tests may inject another
  // provider instead (not owned; outlives the server).
  traffic::TrafficProvider* traffic = nullptr;
  std::string haproxyBinary = "haproxy";
  // HOST:PORT where the embedded HAProxy serves its Prometheus exporter ("" none): per-server
  // counters a Prometheus server can scrape for `analysis` queries.
  std::string haproxyMetricsListen;
  // The dashboard's session cookie is marked Secure (browsers then send it over HTTPS only): set
  // it when users reach the server through a TLS-terminating proxy. A request that arrives with
  // "X-Forwarded-Proto: https" gets a Secure cookie either way.
  bool secureCookies = false;
  // AWS access: aws fleets, aws-elbv2 load balancers, cloudwatch alarm checks, the S3 revision
  // store and the DynamoDB history. Off unless `enabled`; credentials come from the standard chain.
  struct Aws {
    bool enabled = false;
    std::string region;       // the default region ("" : AWS_REGION, the profile's)
    std::string endpointUrl;  // another endpoint (moto_server in tests); "" for AWS
    std::string profile;
    std::string agentServerUrl;  // where agents on EC2 reach this server (their user data)
    std::string agentUrl;        // where their user data downloads greenlight ("" : in the AMI)
    std::string revisionBucket;  // S3 bucket every revision is also kept in ("" none)
    std::string historyTable;    // DynamoDB table of aws fleet versions ("" none)
  } aws;
};

class Server {
 public:
  static Result<std::unique_ptr<Server>> create(const ServerOptions& options);
  ~Server();
  // Binds, starts the engine and the fleet; writes dataDir/server.addr ("host:port") once
  // listening so scripts and tests can find an ephemeral port.
  Status start();
  void stop();
  std::uint16_t port() const;
  // Every (method, pattern) the API serves, for checking docs/openapi.yaml against it.
  const std::vector<RouteInfo>& routes() const;

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace greenlight::server
