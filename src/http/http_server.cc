// Listener, threads and shutdown of HttpServer; connections do the rest (http_connection.cc).
#include "http/http_server.h"

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "http/http_connection.h"
#include "http/server_core.h"

namespace greenlight::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;

struct HttpServer::Impl {
  Impl(HttpServerOptions options, Router router, Authenticator authenticate)
      : core(std::move(options), std::move(router), std::move(authenticate)),
        context(core.options.threads) {}

  void acceptNext();
  void runThread();

  // Declared first so that it outlives the io_context: connections destroyed with the
  // io_context's pending handlers still unregister from it.
  detail::ServerCore core;
  net::io_context context;
  net::strand<net::io_context::executor_type> acceptorStrand{context.get_executor()};
  tcp::acceptor acceptor{acceptorStrand};
  net::steady_timer acceptBackoff{acceptorStrand};
  std::optional<net::executor_work_guard<net::io_context::executor_type>> keepRunning;
  std::vector<std::thread> threads;
  std::atomic<uint16_t> boundPort{0};
  bool started = false;
  bool stopped = false;

  std::mutex runningMutex;
  std::condition_variable allThreadsReturned;
  int runningThreads = 0;  // GUARDED_BY(runningMutex)
};

void HttpServer::Impl::acceptNext() {
  acceptor.async_accept(net::make_strand(context), [this](boost::system::error_code error,
                                                          tcp::socket socket) {
    if (!acceptor.is_open()) return;
    if (!error) {
      std::make_shared<detail::HttpConnection>(std::move(socket), core)->start();
      return acceptNext();
    }
    if (error == net::error::operation_aborted) return;
    // Out of file descriptors (or similar): accepting again at once would spin; pause instead.
    std::fprintf(stderr, "greenlight: cannot accept a connection on port %u: %s; retrying\n",
                 boundPort.load(), error.message().c_str());
    acceptBackoff.expires_after(std::chrono::milliseconds(100));
    acceptBackoff.async_wait([this](boost::system::error_code waitError) {
      if (!waitError && acceptor.is_open()) acceptNext();
    });
  });
}

void HttpServer::Impl::runThread() {
  while (true) {
    try {
      context.run();
      break;
    } catch (const std::exception& failure) {
      std::fprintf(stderr, "greenlight: an HTTP server thread caught: %s\n", failure.what());
    }
  }
  std::lock_guard lock(runningMutex);
  --runningThreads;
  allThreadsReturned.notify_all();
}

HttpServer::HttpServer(HttpServerOptions options, Router router, Authenticator authenticate)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(router),
                                   std::move(authenticate))) {}

HttpServer::~HttpServer() { stop(); }

Status HttpServer::start() {
  Impl& impl = *impl_;
  const auto& options = impl.core.options;
  std::string where = options.host + ":" + std::to_string(options.port);
  boost::system::error_code error;
  tcp::resolver resolver(impl.context);
  auto endpoints = resolver.resolve(options.host, std::to_string(options.port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, error);
  if (error || endpoints.empty()) {
    return Error{"ListenFailed", "cannot listen on " + where + ": the address does not resolve (" +
                                     error.message() + "); check the listen address"};
  }
  tcp::endpoint endpoint = endpoints.begin()->endpoint();
  impl.acceptor.open(endpoint.protocol(), error);
  if (!error) impl.acceptor.set_option(tcp::acceptor::reuse_address(true), error);
  if (!error) impl.acceptor.bind(endpoint, error);
  if (!error) impl.acceptor.listen(net::socket_base::max_listen_connections, error);
  if (error) {
    boost::system::error_code ignored;
    impl.acceptor.close(ignored);
    return Error{"ListenFailed", "cannot listen on " + where + ": " + error.message() +
                                     "; is another server already using this port?"};
  }
  impl.boundPort = impl.acceptor.local_endpoint().port();
  impl.started = true;
  impl.keepRunning.emplace(impl.context.get_executor());
  net::post(impl.acceptorStrand, [&impl] { impl.acceptNext(); });
  int threadCount = std::max(1, options.threads);
  impl.runningThreads = threadCount;
  for (int i = 0; i < threadCount; ++i) impl.threads.emplace_back([&impl] { impl.runThread(); });
  return Status::success();
}

void HttpServer::stop() {
  Impl& impl = *impl_;
  if (!impl.started || impl.stopped) return;
  impl.stopped = true;
  net::post(impl.acceptorStrand, [&impl] {
    boost::system::error_code ignored;
    impl.acceptor.close(ignored);
    impl.acceptBackoff.cancel();
  });
  for (auto& connection : impl.core.beginStopping()) connection->closeFromServer();
  impl.keepRunning.reset();
  {
    // With every connection closed the io_context runs out of work and the threads return; a
    // handler still busy on a server thread gets the grace period, then its work is abandoned.
    std::unique_lock lock(impl.runningMutex);
    impl.allThreadsReturned.wait_for(lock, impl.core.options.stopGrace,
                                     [&impl] { return impl.runningThreads == 0; });
  }
  impl.context.stop();
  for (auto& thread : impl.threads) thread.join();
  impl.threads.clear();
  // Connections still alive (their close was abandoned) must not be reachable from handles any
  // more: the io_context they would post to is about to be destroyed.
  for (auto& connection : impl.core.live()) connection->detachExchange();
}

uint16_t HttpServer::port() const { return impl_->boundPort.load(); }

size_t HttpServer::connectionCount() const { return impl_->core.count(); }

}  // namespace greenlight::http
