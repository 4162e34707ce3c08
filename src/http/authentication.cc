// AuthDecision factories and the refusal responses they turn into.
#include "http/authentication.h"

namespace greenlight::http {

AuthDecision AuthDecision::allow(Principal principal) {
  AuthDecision decision;
  decision.principal_ = std::move(principal);
  decision.status_ = 200;
  return decision;
}

AuthDecision AuthDecision::unauthenticated(std::string message) {
  AuthDecision decision;
  decision.status_ = 401;
  decision.message_ = std::move(message);
  return decision;
}

AuthDecision AuthDecision::forbidden(std::string message) {
  AuthDecision decision;
  decision.status_ = 403;
  decision.message_ = std::move(message);
  return decision;
}

HttpResponse AuthDecision::refusal() const {
  if (status_ == 403) return errorResponse(403, "Forbidden", message_);
  HttpResponse response = errorResponse(401, "Unauthenticated", message_);
  response.headers.emplace_back("WWW-Authenticate", "Bearer");
  return response;
}

}  // namespace greenlight::http
