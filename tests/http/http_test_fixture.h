// Shared fakes for the http tests: a fake token authenticator, a server on 127.0.0.1 port 0 with
// a client for it, a registry of parked long-polls, and a raw socket for protocol-level checks.
#pragma once

#include <sys/socket.h>
#include <sys/time.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>

#include "http/http_client.h"
#include "http/http_server.h"
#include "support/test_support.h"

namespace greenlight::http::httptest {

// Tokens: "admin-token" may do anything, "viewer-token" only GET; anything else is refused.
// Counts its calls so tests can see it was (or was not) consulted.
inline Authenticator fakeTokenAuthenticator(std::shared_ptr<std::atomic<int>> calls = nullptr) {
  return [calls](const HttpRequest& request) {
    if (calls) ++*calls;
    auto token = bearerToken(request);
    if (!token) return AuthDecision::unauthenticated("send an Authorization: Bearer token");
    if (*token == "admin-token") return AuthDecision::allow({"alice", {"admin"}});
    if (*token == "viewer-token") {
      if (request.method != "GET") return AuthDecision::forbidden("viewers may only read");
      return AuthDecision::allow({"victor", {"viewer"}});
    }
    return AuthDecision::unauthenticated("the token is not known; create one with `greenlight token`");
  };
}

// A started server; fails the test if it cannot start.
class TestServer {
 public:
  explicit TestServer(Router router, HttpServerOptions options = {},
                      Authenticator authenticate = fakeTokenAuthenticator())
      : server_(std::move(options), std::move(router), std::move(authenticate)) {
    auto started = server_.start();
    EXPECT_TRUE(started.ok()) << (started.ok() ? "" : started.error().message);
  }
  HttpServer& server() { return server_; }
  uint16_t port() const { return server_.port(); }
  std::string address() const { return "127.0.0.1:" + std::to_string(server_.port()); }
  std::unique_ptr<HttpClient> client(std::string token = "admin-token") const {
    return std::make_unique<HttpClient>(HttpClientOptions{address(), std::move(token)});
  }

 private:
  HttpServer server_;
};

// Long-poll requests parked by a handler until the test completes them.
class ParkedRequests {
 public:
  struct Parked {
    std::string tag;
    Responder responder;
  };
  void park(std::string tag, Responder responder) {
    std::lock_guard lock(mu_);
    parked_.push_back({std::move(tag), std::move(responder)});
  }
  size_t count() {
    std::lock_guard lock(mu_);
    return parked_.size();
  }
  std::vector<Parked> takeAll() {
    std::lock_guard lock(mu_);
    return std::exchange(parked_, {});
  }

 private:
  std::mutex mu_;
  std::vector<Parked> parked_;
};

// A plain TCP connection speaking HTTP by hand. Reads give up after 30 s so a broken server fails
// the test instead of hanging it.
class RawConnection {
 public:
  explicit RawConnection(uint16_t port) : socket_(context_) {
    socket_.connect({boost::asio::ip::address_v4::loopback(), port});
    timeval timeout{30, 0};
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  void send(std::string_view bytes) {
    boost::asio::write(socket_, boost::asio::buffer(bytes.data(), bytes.size()));
  }
  boost::beast::http::response<boost::beast::http::string_body> readResponse() {
    boost::beast::http::response_parser<boost::beast::http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    boost::beast::http::read(socket_, buffer_, parser);
    return parser.release();
  }
  // Reads whatever arrives next (at most `limit` bytes); empty on end of stream.
  std::string readSome(size_t limit = 4096) {
    if (buffer_.size() > 0) {
      std::string pending(static_cast<const char*>(buffer_.data().data()), buffer_.size());
      buffer_.clear();
      return pending;
    }
    std::string bytes(limit, '\0');
    boost::system::error_code error;
    size_t read = socket_.read_some(boost::asio::buffer(bytes), error);
    bytes.resize(error ? 0 : read);
    return bytes;
  }
  // True once the server has closed the connection (end of stream or reset).
  bool closedByServer() {
    char byte;
    boost::system::error_code error;
    socket_.read_some(boost::asio::buffer(&byte, 1), error);
    return error == boost::asio::error::eof || error == boost::asio::error::connection_reset;
  }
  void close() {
    boost::system::error_code ignored;
    socket_.close(ignored);
  }

 private:
  boost::asio::io_context context_;
  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

inline std::string getRequest(const std::string& target, const std::string& token = "admin-token",
                              const std::string& extraHeaders = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer " + token + "\r\n" +
         extraHeaders + "\r\n";
}

}  // namespace greenlight::http::httptest
