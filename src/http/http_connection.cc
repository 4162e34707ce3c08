// The per-connection state machine: Reading -> Handling -> Writing (or Streaming) -> Reading ...
// While a handler holds the request (long-poll) a read stays pending so a disconnect is noticed.
#include "http/http_connection.h"

#include <cstdio>
#include <exception>
#include <limits>

#include "http/url_codec.h"

namespace greenlight::http::detail {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace bhttp = boost::beast::http;

namespace {

// Bytes a client may send ahead (pipelining) while its previous request is still being handled.
constexpr size_t kPipelinedBytesLimit = 64 * 1024;
// After refusing a request whose body was not read, how much of that body is read and dropped so
// the client sees the answer instead of a reset.
constexpr size_t kLingeringDrainLimit = 8 * 1024 * 1024;
constexpr auto kLingeringDrainTimeout = std::chrono::seconds(2);

// True for parse errors (answered with 400), false for the connection ending or timing out.
bool isMalformedRequest(beast::error_code error) {
  return error.category() == bhttp::make_error_code(bhttp::error::end_of_stream).category() &&
         error != bhttp::error::end_of_stream && error != bhttp::error::partial_message;
}

std::string describe(const HttpRequest& request) { return request.method + " " + request.path; }

}  // namespace

HttpConnection::HttpConnection(net::ip::tcp::socket socket, ServerCore& core)
    : core_(core),
      stream_(std::move(socket)),
      exchangeTimer_(stream_.get_executor()),
      streamKeepAliveTimer_(stream_.get_executor()) {
  beast::error_code error;
  auto endpoint = stream_.socket().remote_endpoint(error);
  if (!error) remoteAddress_ = endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

HttpConnection::~HttpConnection() { core_.forget(this); }

void HttpConnection::start() {
  bool accepted = core_.enroll(this, weak_from_this());
  net::dispatch(stream_.get_executor(), [self = shared_from_this(), accepted] {
    if (accepted) {
      self->readHeader();
    } else {
      self->close();
    }
  });
}

void HttpConnection::post(std::function<void()> work) {
  net::post(stream_.get_executor(), std::move(work));
}

void HttpConnection::closeFromServer() {
  post([self = shared_from_this()] { self->close(); });
}

void HttpConnection::detachExchange() {
  if (!exchange_) return;
  for (auto& callback : exchange_->markClosed()) callback();
}

void HttpConnection::readHeader() {
  state_ = State::Reading;
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(core_.options.headerLimit));
  // The route decides the body limit once the headers are in (see onHeader).
  parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
  stream_.expires_after(core_.options.idleTimeout);
  bhttp::async_read_header(stream_, buffer_, *parser_,
                           [self = shared_from_this()](beast::error_code error, size_t) {
                             self->onHeader(error);
                           });
}

void HttpConnection::onHeader(beast::error_code error) {
  if (state_ == State::Closed) return;
  requestStarted_ = std::chrono::steady_clock::now();
  if (error == bhttp::error::header_limit || (error && isMalformedRequest(error))) {
    // Reported as a request of no method and no route: what was read cannot be trusted.
    request_ = HttpRequest{};
    route_ = matchedRoute_ = nullptr;
  }
  if (error == bhttp::error::header_limit) {
    keepAlive_ = false;
    writeResponse(errorResponse(431, "RequestHeadersTooLarge",
                                "the request headers are over the server's limit of " +
                                    std::to_string(core_.options.headerLimit) + " bytes"),
                  false, true);
    return;
  }
  if (error) {
    // A client closing an idle keep-alive connection, a timeout or a reset: nothing to answer.
    if (!isMalformedRequest(error)) return close();
    keepAlive_ = false;
    writeResponse(errorResponse(400, "MalformedRequest",
                                "the request is not valid HTTP/1.1: " + error.message()),
                  false, true);
    return;
  }
  if (!fillRequestFromHeader()) return;
  admit();
}

void HttpConnection::admit() {
  RouteMatch match = core_.router.match(request_.method, request_.target.substr(
                                                             0, request_.target.find('?')));
  matchedRoute_ = match.route;
  if (match.malformedPath) {
    return respondEarly(errorResponse(400, "MalformedRequest",
                                      "the request path has a malformed %-escape: " +
                                          request_.target));
  }
  bool isPublic = match.route && match.route->options.isPublic;
  if (!isPublic && core_.authenticate) {
    std::optional<AuthDecision> decision;
    try {
      decision = core_.authenticate(request_);
    } catch (const std::exception& failure) {
      return respondEarly(errorResponse(500, "InternalError",
                                        std::string("authentication failed unexpectedly: ") +
                                            failure.what()));
    }
    if (!decision->allowed()) return respondEarly(decision->refusal());
    request_.principal = decision->principal();
  } else if (!isPublic && match.route) {
    return respondEarly(AuthDecision::unauthenticated(
                            "this server has no authentication configured for " +
                            describe(request_))
                            .refusal());
  }
  if (!match.route) {
    if (match.allowedMethods.empty()) {
      return respondEarly(errorResponse(404, "NotFound", "no such API endpoint: " + request_.path));
    }
    std::string allowed;
    for (const auto& method : match.allowedMethods) allowed += (allowed.empty() ? "" : ", ") + method;
    HttpResponse response = errorResponse(
        405, "MethodNotAllowed",
        request_.method + " is not supported on " + request_.path + "; use " + allowed);
    response.headers.emplace_back("Allow", allowed);
    return respondEarly(std::move(response));
  }
  route_ = match.route;
  request_.pathParams = std::move(match.pathParams);

  size_t bodyLimit = route_->options.bodyLimit.value_or(core_.options.bodyLimit);
  auto length = parser_->content_length();
  if (length && *length > bodyLimit) {
    return respondEarly(errorResponse(
        413, "PayloadTooLarge",
        "the request body is " + std::to_string(*length) + " bytes, over the limit of " +
            std::to_string(bodyLimit) + " bytes for " + describe(request_)));
  }
  parser_->body_limit(bodyLimit);
  if (parser_->is_done()) return dispatch();

  auto expect = request_.header("Expect");
  if (expect && beast::iequals(*expect, "100-continue")) {
    interimResponse_ = "HTTP/1.1 100 Continue\r\n\r\n";
    stream_.expires_after(core_.options.writeTimeout);
    net::async_write(stream_, net::buffer(interimResponse_),
                     [self = shared_from_this()](beast::error_code writeError, size_t) {
                       if (self->state_ == State::Closed) return;
                       if (writeError) return self->close();
                       self->readBody();
                     });
    return;
  }
  readBody();
}

bool HttpConnection::fillRequestFromHeader() {
  const auto& header = parser_->get();
  request_ = HttpRequest{};
  route_ = matchedRoute_ = nullptr;
  request_.method = std::string(header.method_string());
  request_.target = std::string(header.target());
  request_.remoteAddress = remoteAddress_;
  keepAlive_ = header.keep_alive();
  for (const auto& field : header) {
    request_.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  auto questionMark = request_.target.find('?');
  std::string_view rawPath = std::string_view(request_.target).substr(0, questionMark);
  request_.path = percentDecode(rawPath).value_or(std::string(rawPath));
  if (questionMark != std::string::npos) {
    auto query = parseQueryString(std::string_view(request_.target).substr(questionMark + 1));
    if (!query) {
      respondEarly(errorResponse(400, "MalformedRequest",
                                 "the query string has a malformed %-escape: " + request_.target));
      return false;
    }
    request_.query = std::move(*query);
  }
  return true;
}

void HttpConnection::readBody() {
  stream_.expires_after(core_.options.bodyTimeout);
  bhttp::async_read(stream_, buffer_, *parser_,
                    [self = shared_from_this()](beast::error_code error, size_t) {
                      self->onBody(error);
                    });
}

void HttpConnection::onBody(beast::error_code error) {
  if (state_ == State::Closed) return;
  if (error == bhttp::error::body_limit) {
    size_t limit = route_->options.bodyLimit.value_or(core_.options.bodyLimit);
    return respondEarly(errorResponse(413, "PayloadTooLarge",
                                      "the request body is over the limit of " +
                                          std::to_string(limit) + " bytes for " +
                                          describe(request_)));
  }
  if (error) return close();
  request_.body = std::move(parser_->get().body());
  dispatch();
}

void HttpConnection::dispatch() {
  state_ = State::Handling;
  parser_.reset();
  exchange_ = std::make_shared<Exchange>(weak_from_this());
  Responder responder(exchange_);
  try {
    route_->handler(request_, responder);
  } catch (const std::exception& failure) {
    responder.send(errorResponse(500, "InternalError",
                                 "the server failed while handling " + describe(request_) + ": " +
                                     failure.what()));
  }
  auto phase = exchange_->phase();
  if (phase == Exchange::Phase::Waiting || phase == Exchange::Phase::Streaming) {
    watchForDisconnect();
  }
}

void HttpConnection::watchForDisconnect() {
  if (watching_ || state_ == State::Closed || buffer_.size() >= kPipelinedBytesLimit) return;
  watching_ = true;
  // Thousands of connections may sit here: keep only a small buffer while they wait.
  if (buffer_.size() == 0) buffer_.shrink_to_fit();
  stream_.expires_never();
  stream_.async_read_some(buffer_.prepare(512),
                          [self = shared_from_this()](beast::error_code error, size_t bytes) {
                            self->onWatch(error, bytes);
                          });
}

void HttpConnection::onWatch(beast::error_code error, size_t bytes) {
  watching_ = false;
  if (!error) buffer_.commit(bytes);
  if (state_ == State::Closed) return;
  if (error && error != net::error::operation_aborted) return close();  // the client has gone
  if (readAfterWatchEnds_) {
    readAfterWatchEnds_ = false;
    return readHeader();
  }
  if (state_ == State::Handling || state_ == State::Streaming) watchForDisconnect();
}

void HttpConnection::respondEarly(HttpResponse response) {
  bool bodyPending = parser_ && !parser_->is_done();
  writeResponse(std::move(response), keepAlive_ && !bodyPending, bodyPending);
}

void HttpConnection::deliver(const std::shared_ptr<Exchange>& exchange, HttpResponse response) {
  if (state_ == State::Closed || exchange != exchange_) return;
  exchangeTimer_.cancel();
  writeResponse(std::move(response), keepAlive_, false);
}

void HttpConnection::reportAnswered(int status) {
  if (!core_.options.onAnswered) return;
  AnsweredRequest answered;
  answered.method = request_.method;
  if (matchedRoute_) answered.routePattern = matchedRoute_->pattern;
  answered.status = status;
  answered.duration = std::chrono::steady_clock::now() - requestStarted_;
  try {
    core_.options.onAnswered(answered);
  } catch (const std::exception& failure) {
    std::fprintf(stderr, "greenlight: recording %s failed: %s\n", describe(request_).c_str(),
                 failure.what());
  }
}

void HttpConnection::writeResponse(HttpResponse response, bool keepAlive, bool bodyPending) {
  reportAnswered(response.status);
  state_ = State::Writing;
  response_ = std::make_unique<bhttp::response<bhttp::string_body>>();
  response_->version(11);
  response_->result(static_cast<unsigned>(response.status));
  // No type for an empty 204 or for a 304 (which describes the cached body, sent without one).
  if (!response.contentType.empty() && (!response.body.empty() || response.status != 204)) {
    response_->set(bhttp::field::content_type, response.contentType);
  }
  for (auto& [name, value] : response.headers) response_->insert(name, value);
  response_->body() = std::move(response.body);
  response_->keep_alive(keepAlive);
  response_->prepare_payload();
  stream_.expires_after(core_.options.writeTimeout);
  bhttp::async_write(stream_, *response_,
                     [self = shared_from_this(), keepAlive, bodyPending](beast::error_code error,
                                                                         size_t) {
                       self->onResponseWritten(error, keepAlive, bodyPending);
                     });
}

void HttpConnection::onResponseWritten(beast::error_code error, bool keepAlive,
                                       bool bodyPending) {
  response_.reset();
  if (state_ == State::Closed) return;
  if (error) return close();
  if (bodyPending) return lingeringClose();
  if (!keepAlive) {
    beast::error_code ignored;
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
    return close();
  }
  readNextRequest();
}

void HttpConnection::readNextRequest() {
  state_ = State::Reading;
  exchange_.reset();
  if (watching_) {
    // The disconnect watch holds the read side; cancel it and go on once it has returned.
    readAfterWatchEnds_ = true;
    beast::error_code ignored;
    stream_.socket().cancel(ignored);
    return;
  }
  readHeader();
}

void HttpConnection::armTimeout(const std::shared_ptr<Exchange>& exchange,
                                std::chrono::milliseconds timeout, HttpResponse fallback) {
  if (state_ != State::Handling || exchange != exchange_) return;
  exchangeTimer_.expires_after(timeout);
  exchangeTimer_.async_wait([exchange, fallback = std::move(fallback)](beast::error_code error) {
    if (!error) exchange->answer(fallback);
  });
}

void HttpConnection::lingeringClose() {
  state_ = State::Closing;
  beast::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  buffer_.clear();
  drainThenClose(0);
}

void HttpConnection::drainThenClose(size_t drained) {
  stream_.expires_after(kLingeringDrainTimeout);
  stream_.async_read_some(buffer_.prepare(64 * 1024),
                          [self = shared_from_this(), drained](beast::error_code error,
                                                               size_t bytes) {
                            if (self->state_ == State::Closed) return;
                            self->buffer_.clear();
                            if (error || drained + bytes > kLingeringDrainLimit) return self->close();
                            self->drainThenClose(drained + bytes);
                          });
}

void HttpConnection::close() {
  if (state_ == State::Closed) return;
  state_ = State::Closed;
  exchangeTimer_.cancel();
  streamKeepAliveTimer_.cancel();
  beast::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
  if (!exchange_) return;
  for (auto& callback : exchange_->markClosed()) {
    try {
      callback();
    } catch (const std::exception& failure) {
      std::fprintf(stderr, "greenlight: a close callback for %s failed: %s\n",
                   remoteAddress_.c_str(), failure.what());
    }
  }
}

}  // namespace greenlight::http::detail
