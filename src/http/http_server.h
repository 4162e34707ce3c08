// greenlight's HTTP/1.1 server: one io_context run by a few threads holds thousands of idle
// connections (long-polling agents, event streams) without a thread per request.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "http/authentication.h"
#include "http/router.h"

namespace greenlight::http {

// One request the server answered, as told to HttpServerOptions::onAnswered (metrics).
struct AnsweredRequest {
  std::string_view method;        // as the client sent it; empty when the request was unreadable
  std::string_view routePattern;  // the route it matched ("/v1/deployments/{id}"); empty if none
  int status = 0;                 // for an event stream: 200, when the stream starts
  // From the request's headers having been read to its answer being ready to write (so a
  // long-poll includes its wait; an event stream counts until it starts).
  std::chrono::steady_clock::duration duration{};
};

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0: an ephemeral port, see HttpServer::port()
  int threads = 2;
  size_t headerLimit = 16 * 1024;
  size_t bodyLimit = 64 * 1024 * 1024;  // per route: RouteOptions::bodyLimit
  // Waiting for (the headers of) the next request on an idle keep-alive connection.
  std::chrono::milliseconds idleTimeout = std::chrono::seconds(75);
  // Reading a request body once its headers are in.
  std::chrono::milliseconds bodyTimeout = std::chrono::minutes(5);
  // Writing a response or one batch of events to a slow client.
  std::chrono::milliseconds writeTimeout = std::chrono::seconds(60);
  // A comment is sent on idle event streams this often.
  std::chrono::milliseconds eventStreamKeepAlive = std::chrono::seconds(15);
  // Events queued for a client that does not read are capped; beyond it the stream is closed.
  size_t eventStreamBacklogLimit = 8 * 1024 * 1024;
  // stop() waits this long for connections to wind down before abandoning their work.
  std::chrono::milliseconds stopGrace = std::chrono::seconds(2);
  // Called once per answered request, on a server thread, before the answer is written (so a
  // client that has its answer knows it was counted). Must be thread-safe and quick. A request
  // whose client left before it was answered is not reported.
  std::function<void(const AnsweredRequest&)> onAnswered;
};

// Not copyable. start() and stop() are called from one controlling thread; port(),
// connectionCount() are thread-safe. Handlers and the authenticator run on server threads.
class HttpServer {
 public:
  // `authenticate` may be empty only if every route is public; a non-public route with no
  // authenticator is refused with 401.
  HttpServer(HttpServerOptions options, Router router, Authenticator authenticate);
  ~HttpServer();  // stop()s
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens, then starts the threads. REQUIRES: called once.
  Status start();
  // Closes the listener and every connection (parked requests and streams see onClose), then
  // joins the threads. Idempotent. REQUIRES: not called from a handler (it joins their threads).
  void stop();

  // The bound port (useful with port 0). REQUIRES: start() succeeded.
  uint16_t port() const;
  // Connections currently open.
  size_t connectionCount() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace greenlight::http
