// AwsClient: signing, sending with retries, and the Query and JSON protocols (S3 in aws_client_s3.cc).
#include "aws/aws_client.h"

#include <algorithm>
#include <thread>

#include "aws/aws_client_call.h"
#include "aws/endpoints.h"

namespace greenlight::aws {

Result<std::unique_ptr<AwsClient>> AwsClient::create(const ClientConfig& config, AwsClientDependencies dependencies) {
  auto resolved = resolveAwsConfig(config, dependencies.environment ? dependencies.environment : processEnvironment());
  if (!resolved.ok()) return resolved.error();
  return create(std::move(resolved).value(), std::move(dependencies));
}

Result<std::unique_ptr<AwsClient>> AwsClient::create(ResolvedConfig resolved, AwsClientDependencies dependencies) {
  if (resolved.config.region.empty()) return Error{kAwsConfig, "the AWS client needs a region: set AWS_REGION"};
  if (resolved.credentials.accessKeyId.empty() || resolved.credentials.secretAccessKey.empty())
    return Error{kAwsConfig, "the AWS client needs an access key id and a secret access key"};
  if (!resolved.config.endpointUrl.empty()) {
    auto endpoint = endpointFor("s3", resolved.config.region, resolved.config.endpointUrl);
    if (!endpoint.ok()) return endpoint.error();
  }
  if (!dependencies.transport)
    dependencies.transport = makeCurlTransport(resolved.config.connectTimeout, resolved.config.requestTimeout);
  if (!dependencies.sleep) dependencies.sleep = [](std::chrono::milliseconds delay) { std::this_thread::sleep_for(delay); };
  if (!dependencies.clock) dependencies.clock = std::make_shared<SystemClock>();
  return std::unique_ptr<AwsClient>(new AwsClient(std::move(resolved), std::move(dependencies)));
}

AwsClient::AwsClient(ResolvedConfig resolved, AwsClientDependencies dependencies)
    : resolved_(std::move(resolved)),
      dependencies_(std::move(dependencies)),
      retry_{std::max(1, resolved_.config.maxAttempts), resolved_.config.retryBaseDelay, resolved_.config.retryMaxDelay},
      randomEngine_(std::random_device{}()) {}

AwsClient::~AwsClient() = default;

double AwsClient::nextRandom() {
  if (dependencies_.random) return dependencies_.random();
  std::lock_guard lock(randomMutex_);
  return std::uniform_real_distribution<double>(0.0, 1.0)(randomEngine_);
}

Result<HttpResponse> AwsClient::attempt(const Call& call) {
  auto endpoint = endpointFor(call.service, resolved_.config.region, resolved_.config.endpointUrl);
  if (!endpoint.ok()) return endpoint.error();
  SigningRequest request{call.method, call.path, call.query, {{"Host", endpoint->host}}, call.body};
  request.headers.insert(request.headers.end(), call.headers.begin(), call.headers.end());
  SigningParams params{resolved_.credentials, signingRegion(call.service, resolved_.config.region), call.service,
                       dependencies_.clock->now(), call.protocol != Protocol::RestXml,
                       call.protocol == Protocol::RestXml, false};
  SignedRequest signed_ = signRequest(request, params);
  HttpRequest http{call.method, endpoint->url() + uriEncodePath(call.path) + (call.query.empty() ? "" : "?" + call.query),
                   std::move(request.headers), call.body};
  http.headers.insert(http.headers.end(), signed_.addedHeaders.begin(), signed_.addedHeaders.end());
  http.headers.emplace_back("Authorization", signed_.authorization);
  return dependencies_.transport->send(http);
}

Result<HttpResponse> AwsClient::send(const Call& call) {
  std::string where = resolved_.config.endpointUrl.empty()
                          ? defaultEndpointUrl(call.service, resolved_.config.region)
                          : resolved_.config.endpointUrl;
  for (int attemptNumber = 1;; ++attemptNumber) {
    bool last = attemptNumber >= retry_.maxAttempts;
    std::string tries = attemptNumber > 1 ? " after " + std::to_string(attemptNumber) + " attempts" : "";
    auto response = attempt(call);
    if (!response.ok()) {
      if (!isRetryable(response.error()) || last)
        return Error{response.error().code,
                     call.service + " " + call.action + " failed" + tries + ": " + response.error().message};
    } else if (response->status >= 200 && response->status < 300) {
      return response;
    } else if (isHtmlAnswer(*response)) {
      return Error{kAwsUnsupported, call.service + " " + call.action + " is not supported by " + where +
                                        ": it answered HTTP " + std::to_string(response->status) +
                                        " with an HTML page (moto_server does so for actions it does not implement)"};
    } else {
      AwsError error = parseAwsError(call.protocol, *response).value_or(AwsError{});
      if (!isRetryable(error) || last) {
        Error failure = toError(error, call.service, call.action);
        failure.message += " at " + where + tries;
        return failure;
      }
    }
    dependencies_.sleep(backoffDelay(retry_, attemptNumber, nextRandom()));
  }
}

Result<Xml> AwsClient::query(std::string_view service, std::string_view version, std::string_view action,
                             const QueryParams& params) {
  Call call{std::string(service), std::string(action), Protocol::Query, "POST"};
  call.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  call.body = "Action=" + uriEncode(action) + "&Version=" + uriEncode(version);
  if (std::string rest = params.encode(); !rest.empty()) call.body += "&" + rest;
  auto response = send(call);
  if (!response.ok()) return response.error();
  auto xml = Xml::parse(response->body);
  if (!xml.ok())
    return Error{kAwsBadResponse, call.service + " " + call.action + " answered HTTP " +
                                      std::to_string(response->status) + " with a body that is not XML: " +
                                      xml.error().message};
  Xml result = xml->child(std::string(action) + "Result");
  return result ? result : *xml;
}

Result<nlohmann::json> AwsClient::json(std::string_view service, std::string_view targetPrefix,
                                       std::string_view operation, const nlohmann::json& body,
                                       std::string_view jsonVersion) {
  Call call{std::string(service), std::string(operation), Protocol::Json, "POST"};
  call.headers = {{"Content-Type", "application/x-amz-json-" + std::string(jsonVersion)},
                  {"X-Amz-Target", std::string(targetPrefix) + "." + std::string(operation)}};
  call.body = body.dump();
  auto response = send(call);
  if (!response.ok()) return response.error();
  if (response->body.empty()) return nlohmann::json::object();
  auto answer = nlohmann::json::parse(response->body, nullptr, false);
  if (answer.is_discarded())
    return Error{kAwsBadResponse, call.service + " " + call.action + " answered HTTP " +
                                      std::to_string(response->status) + " with a body that is not JSON"};
  return answer;
}

}  // namespace greenlight::aws
