// The HTTP seam under the AWS client: one request in, one complete response out. Injected so
// retries and error handling are tested without a network; libcurl in production.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "aws/sigv4.h"
#include "common/result.h"

namespace greenlight::aws {

struct HttpRequest {
  std::string method;  // GET, PUT, POST, HEAD, DELETE
  std::string url;     // absolute, already encoded: "https://host[:port]/path?query"
  Headers headers;     // sent as given (the signer's Host included)
  std::string body;
};

struct HttpResponse {
  long status = 0;
  Headers headers;  // names lowercased
  std::string body;
  // The first header so named (case-insensitive), "" when absent.
  std::string header(std::string_view name) const;
};

// Implementations must be thread-safe: one client serves every thread.
class Transport {
 public:
  virtual ~Transport() = default;
  Transport() = default;
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  // Any HTTP status is a response. An Error (code "AwsUnreachable") means no complete response
  // arrived: refused, reset, timed out, or a name that does not resolve.
  virtual Result<HttpResponse> send(const HttpRequest& request) = 0;
};

// libcurl, with a small pool of reusable handles (connections kept alive where the peer allows).
std::unique_ptr<Transport> makeCurlTransport(std::chrono::milliseconds connectTimeout,
                                             std::chrono::milliseconds requestTimeout);

}  // namespace greenlight::aws
