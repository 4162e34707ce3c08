// Service endpoints and their parsing.
#include "aws/endpoints.h"

namespace greenlight::aws {

std::string defaultEndpointUrl(std::string_view service, std::string_view region) {
  std::string suffix = region.rfind("cn-", 0) == 0 ? "amazonaws.com.cn" : "amazonaws.com";
  if (service == "iam") return "https://iam." + suffix;
  return "https://" + std::string(service) + "." + std::string(region) + "." + suffix;
}

Result<Endpoint> endpointFor(std::string_view service, std::string_view region, std::string_view overrideUrl) {
  std::string url = overrideUrl.empty() ? defaultEndpointUrl(service, region) : std::string(overrideUrl);
  size_t schemeEnd = url.find("://");
  std::string scheme = schemeEnd == std::string::npos ? "" : url.substr(0, schemeEnd);
  std::string host = schemeEnd == std::string::npos ? "" : url.substr(schemeEnd + 3);
  while (!host.empty() && host.back() == '/') host.pop_back();
  if ((scheme != "http" && scheme != "https") || host.empty() || host.find_first_of("/?# ") != std::string::npos)
    return Error{"AwsConfig", "the AWS endpoint URL '" + url +
                                  "' is not of the form http(s)://host[:port]: fix endpointUrl or AWS_ENDPOINT_URL"};
  return Endpoint{scheme, host};
}

std::string signingRegion(std::string_view service, std::string_view region) {
  if (service == "iam") return region.rfind("cn-", 0) == 0 ? "cn-north-1" : "us-east-1";
  return std::string(region);
}

}  // namespace greenlight::aws
