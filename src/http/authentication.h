// The authentication hook: the server asks it about every request to a non-public route, before
// routing to the handler and before reading the body. The token model lives elsewhere.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "http/http_message.h"

namespace greenlight::http {

// Either a principal (go on) or a refusal: 401 (who are you?) or 403 (not allowed).
class AuthDecision {
 public:
  static AuthDecision allow(Principal principal);
  static AuthDecision unauthenticated(std::string message);
  static AuthDecision forbidden(std::string message);

  bool allowed() const { return principal_.has_value(); }
  // REQUIRES: allowed()
  const Principal& principal() const { return *principal_; }
  // REQUIRES: !allowed(). A JSON error, with WWW-Authenticate on 401.
  HttpResponse refusal() const;

 private:
  std::optional<Principal> principal_;
  int status_ = 401;
  std::string message_;
};

// Called on a server thread, concurrently for different connections, so it must be thread-safe
// and should not block. The request has its method, path, query and headers; the body has not
// been read yet (so an unauthenticated client cannot make the server read a large upload).
using Authenticator = std::function<AuthDecision(const HttpRequest&)>;

}  // namespace greenlight::http
