// What every connection of one server shares: the options, routes, authenticator and the registry
// of live connections that stop() walks. Internal to the http module.
#pragma once

#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "http/authentication.h"
#include "http/http_server.h"
#include "http/router.h"

namespace greenlight::http::detail {

class HttpConnection;

struct ServerCore {
  ServerCore(HttpServerOptions serverOptions, Router serverRouter, Authenticator authenticator)
      : options(std::move(serverOptions)),
        router(std::move(serverRouter)),
        authenticate(std::move(authenticator)) {}

  const HttpServerOptions options;
  const Router router;
  const Authenticator authenticate;

  // Registers a new connection; false once the server is stopping (the caller closes it).
  bool enroll(HttpConnection* raw, std::weak_ptr<HttpConnection> connection) {
    std::lock_guard lock(mu);
    connections.emplace(raw, std::move(connection));
    return !stopping;
  }
  void forget(HttpConnection* raw) {
    std::lock_guard lock(mu);
    connections.erase(raw);
  }
  // Marks the server as stopping and returns the connections alive at that moment.
  std::vector<std::shared_ptr<HttpConnection>> beginStopping() {
    std::lock_guard lock(mu);
    stopping = true;
    return liveLocked();
  }
  std::vector<std::shared_ptr<HttpConnection>> live() {
    std::lock_guard lock(mu);
    return liveLocked();
  }
  size_t count() {
    std::lock_guard lock(mu);
    return connections.size();
  }

 private:
  std::vector<std::shared_ptr<HttpConnection>> liveLocked() {
    std::vector<std::shared_ptr<HttpConnection>> result;
    for (auto& [raw, weak] : connections) {
      if (auto connection = weak.lock()) result.push_back(std::move(connection));
    }
    return result;
  }

  std::mutex mu;
  std::unordered_map<HttpConnection*, std::weak_ptr<HttpConnection>> connections;  // GUARDED_BY(mu)
  bool stopping = false;                                                           // GUARDED_BY(mu)
};

}  // namespace greenlight::http::detail
