// One request's shared state between its connection (which lives on a strand) and the Responder
// and EventStream handles given to handlers (used from any thread). Internal to the http module.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "http/http_message.h"

namespace greenlight::http::detail {

class HttpConnection;

class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  enum class Phase { Waiting, Answered, Streaming, Finished, Closed };

  explicit Exchange(std::weak_ptr<HttpConnection> connection)
      : connection_(std::move(connection)) {}
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;

  // Handle side (any thread). Each returns false when the phase does not allow it.
  bool answer(HttpResponse response);
  bool startStream();
  bool queueStreamBytes(std::string bytes);
  void finishStream();
  void armTimeout(std::chrono::milliseconds timeout, HttpResponse fallback);
  // False (callback dropped) once the connection has closed.
  bool addCloseCallback(std::function<void()> callback);
  Phase phase() const;

  // Connection side: the client or the server closed the connection. Returns the close callbacks
  // to run (outside any lock) if the exchange was still waiting or streaming. After this the
  // exchange never reaches its connection again.
  std::vector<std::function<void()>> markClosed();

 private:
  // Runs `action` on the connection's strand. REQUIRES: mu_ held.
  bool postToConnection(std::function<void(HttpConnection&)> action);

  mutable std::mutex mu_;
  std::weak_ptr<HttpConnection> connection_;   // GUARDED_BY(mu_)
  Phase phase_ = Phase::Waiting;               // GUARDED_BY(mu_)
  std::vector<std::function<void()>> closeCallbacks_;  // GUARDED_BY(mu_)
};

}  // namespace greenlight::http::detail
