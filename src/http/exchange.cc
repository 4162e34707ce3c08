// Phase transitions of an exchange; every effect is posted to the connection's strand.
#include "http/exchange.h"

#include "http/http_connection.h"

namespace greenlight::http::detail {

bool Exchange::postToConnection(std::function<void(HttpConnection&)> action) {
  // The connection is locked and posted to under mu_, so that once markClosed() has run (the
  // server's last step before destroying its io_context) no handle can reach the connection.
  auto connection = connection_.lock();
  if (!connection) return false;
  connection->post([connection, action = std::move(action)] { action(*connection); });
  return true;
}

bool Exchange::answer(HttpResponse response) {
  std::lock_guard lock(mu_);
  if (phase_ != Phase::Waiting) return false;
  phase_ = Phase::Answered;
  return postToConnection([self = shared_from_this(), response = std::move(response)](
                              HttpConnection& connection) mutable {
    connection.deliver(self, std::move(response));
  });
}

bool Exchange::startStream() {
  std::lock_guard lock(mu_);
  if (phase_ != Phase::Waiting) return false;
  phase_ = Phase::Streaming;
  return postToConnection([self = shared_from_this()](HttpConnection& connection) {
    connection.beginStream(self);
  });
}

bool Exchange::queueStreamBytes(std::string bytes) {
  std::lock_guard lock(mu_);
  if (phase_ != Phase::Streaming) return false;
  return postToConnection(
      [self = shared_from_this(), bytes = std::move(bytes)](HttpConnection& connection) mutable {
        connection.queueStreamBytes(self, std::move(bytes));
      });
}

void Exchange::finishStream() {
  std::lock_guard lock(mu_);
  if (phase_ != Phase::Streaming) return;
  phase_ = Phase::Finished;
  postToConnection([self = shared_from_this()](HttpConnection& connection) {
    connection.endStream(self);
  });
}

void Exchange::armTimeout(std::chrono::milliseconds timeout, HttpResponse fallback) {
  std::lock_guard lock(mu_);
  if (phase_ != Phase::Waiting) return;
  postToConnection([self = shared_from_this(), timeout, fallback = std::move(fallback)](
                       HttpConnection& connection) mutable {
    connection.armTimeout(self, timeout, std::move(fallback));
  });
}

bool Exchange::addCloseCallback(std::function<void()> callback) {
  std::lock_guard lock(mu_);
  if (phase_ == Phase::Closed) return false;
  closeCallbacks_.push_back(std::move(callback));
  return true;
}

Exchange::Phase Exchange::phase() const {
  std::lock_guard lock(mu_);
  return phase_;
}

std::vector<std::function<void()>> Exchange::markClosed() {
  std::lock_guard lock(mu_);
  bool interrupted = phase_ == Phase::Waiting || phase_ == Phase::Streaming;
  phase_ = Phase::Closed;
  connection_.reset();
  std::vector<std::function<void()>> callbacks;
  if (interrupted) callbacks.swap(closeCallbacks_);
  closeCallbacks_.clear();
  return callbacks;
}

}  // namespace greenlight::http::detail
